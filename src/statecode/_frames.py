"""Data frames from users: polars as they are, pandas converted without pyarrow.

A column name a user gives is a name, never a pattern: polars reads ``pl.col("*")``,
``pl.col("^a$")`` and ``df.drop("*")`` as wildcards and regular expressions, so user columns
are taken out of a frame only by :func:`take`, under internal names.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from statecode.exceptions import DataError

__all__ = ["take", "to_polars"]


def to_polars(frame: Any) -> pl.DataFrame:
    """A polars DataFrame of a polars, lazy polars or pandas frame.

    Raises
    ------
    DataError
        For anything else.
    """
    if isinstance(frame, pl.DataFrame):
        return frame
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    module = type(frame).__module__
    if module.startswith("pandas"):
        # column by column, so no pyarrow is needed: numbers stay numpy arrays, everything
        # else becomes Python objects with pandas' missing markers as None
        columns: dict[str, Any] = {}
        for name in frame.columns:
            column = frame[name]
            if column.dtype.kind in "biuf":
                columns[str(name)] = column.to_numpy()
            else:
                columns[str(name)] = [None if _pandas_missing(v) else v for v in column.tolist()]
        return pl.DataFrame(columns, strict=False)
    msg = f"expected a polars or pandas DataFrame, got {type(frame).__name__}"
    raise DataError(msg)


def _pandas_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 (NaN, pandas.NA, NaT are unequal to themselves)
    except TypeError:  # pandas.NA refuses bool()
        return True


def take(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """A frame of the user's columns ``columns.values()`` under the names ``columns.keys()``.

    Every name is looked up literally (``"*"`` is the column named ``*``), so what polars
    would expand as a pattern cannot reach an expression.

    Examples
    --------
    >>> df = pl.DataFrame({"unit": ["1"], "^unit$": ["x"], "*": ["y"]})
    >>> take(df, {"a": "^unit$", "b": "*"}).rows()
    [('x', 'y')]
    """
    return pl.DataFrame([frame.get_column(name).alias(new) for new, name in columns.items()])
