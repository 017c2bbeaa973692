"""Coding tables and the one hop from tables to integer-coded arrays.

:class:`CodingTable` is the validated long table of codings (``unit``, ``coder``,
``variable``, ``value``, plus the ``row`` of the source file each coding came from).
:class:`ReliabilityData` is what the reliability kernels see: an ``(m, N)`` array of integer
codes (``-1`` = missing) into a value domain. Every route from user data to the kernels
(array-likes, long data frames, coding tables) goes through this module.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._typing import Value
from statecode.codebook import Codebook, Level, Variable
from statecode.exceptions import DataError, Problem
from statecode.model import Coding

__all__ = ["CodingTable", "ReliabilityData"]

ID_COLUMNS = ("unit", "coder")
#: Columns and types of a coding table's long data (``CodingTable.data``).
LONG_SCHEMA = {
    "unit": pl.String,
    "coder": pl.String,
    "variable": pl.String,
    "value": pl.String,
    "row": pl.Int64,
}
# integer-valued data spanning at most this many values are coded by offset, not by sorting
_DIRECT_RANGE = 1 << 24


class _Ids(Sequence[str]):
    """The ids ``"0"``, ``"1"``, ... of array rows or columns, made only when asked for."""

    def __init__(self, size: int) -> None:
        self._size = size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [str(i) for i in range(self._size)[index]]
        return str(range(self._size)[index])


class ReliabilityData:
    """Reliability data ready for the kernels.

    Attributes
    ----------
    codes : numpy.ndarray of int32, shape (m, N)
        Code of each coder's value for each unit, ``-1`` where missing.
    labels : tuple
        The value domain: ``labels[c]`` is the value with code ``c``, in order.
    numbers : numpy.ndarray or None
        The domain as floats, when the values are numbers.
    units, coders : sequence of str
        Unit and coder ids, in array order.

    Notes
    -----
    Numeric data with many distinct values (measurements) are kept as floats: interval and
    circular alpha need only the values, so the sort that assigns codes runs only when codes
    are asked for (coincidence tables, Krippendorff's bootstrap, other levels).
    """

    def __init__(
        self,
        codes: NDArray[np.int32] | None,
        labels: tuple[Any, ...] | None,
        numbers: NDArray[np.float64] | None,
        units: Sequence[str],
        coders: Sequence[str],
        *,
        floats: NDArray[np.float64] | None = None,
    ) -> None:
        source = codes if codes is not None else floats
        if source is None:
            msg = "ReliabilityData needs codes or float values"
            raise TypeError(msg)
        self._source: NDArray[Any] = source
        self._codes = codes
        self._labels = labels
        self._numbers = numbers
        self._floats = floats
        self.units = units
        self.coders = coders

    def _code(self) -> NDArray[np.int32]:
        if self._codes is not None:
            return self._codes
        floats: NDArray[np.float64] = np.asarray(self._source, dtype=np.float64)
        coded = _factorize_small_integers(floats)
        if coded is not None:
            self._codes, self._numbers = coded
        else:
            self._codes, self._labels, self._numbers = _factorize_numbers(floats, None)
        return self._codes

    @property
    def codes(self) -> NDArray[np.int32]:
        """Integer codes, shape (coders, units); ``-1`` where missing."""
        return self._code()

    @property
    def numbers(self) -> NDArray[np.float64] | None:
        """The domain as floats, or None when the values are not numbers."""
        self._code()
        return self._numbers

    @property
    def labels(self) -> tuple[Any, ...]:
        """The value domain, in order."""
        self._code()
        if self._labels is None:
            numbers = self._numbers if self._numbers is not None else np.empty(0)
            self._labels = tuple(_number_label(v) for v in numbers.tolist())
        return self._labels

    @property
    def n_values(self) -> int:
        """Size of the value domain."""
        if self._labels is not None:
            return len(self._labels)
        numbers = self.numbers
        return 0 if numbers is None else int(numbers.size)

    @property
    def shape(self) -> tuple[int, int]:
        """(coders, units)."""
        return (int(self._source.shape[0]), int(self._source.shape[1]))

    @property
    def is_numeric(self) -> bool:
        """Whether the values are numbers (without coding them)."""
        return self._floats is not None or self._numbers is not None

    @property
    def is_sets(self) -> bool:
        """Whether the values are sets of codes (multi-label data)."""
        if self.is_numeric:
            return False
        return bool(self.labels) and all(isinstance(v, frozenset) for v in self.labels)

    def select_coders(self, rows: Sequence[int]) -> ReliabilityData:
        """The same data for some coders only (rows in array order)."""
        index = list(rows)
        coders = [self.coders[i] for i in index]
        if self._codes is None:
            return ReliabilityData(None, None, None, self.units, coders, floats=self._source[index])
        return ReliabilityData(
            self._codes[index],
            self._labels,
            self._numbers,
            self.units,
            coders,
            floats=None if self._floats is None else self._floats[index],
        )

    def valid(self) -> NDArray[np.bool_]:
        """Where a value is present."""
        if self._codes is not None:
            return self._codes >= 0
        return np.asarray(~np.isnan(self._source), dtype=np.bool_)

    def first_value(self) -> Any:
        """One present value (for messages), or None."""
        if self._codes is None and self._floats is not None:
            measured = self._floats[~np.isnan(self._floats)]
            return _number_label(float(measured[0])) if measured.size else None
        coded = self.codes[self.codes >= 0]
        return self.labels[int(coded[0])] if coded.size else None

    def float_values(self) -> NDArray[np.float64]:
        """The data as floats, NaN where missing (numeric domains only)."""
        if self._floats is not None:
            return self._floats
        if self._numbers is None:
            msg = "the values are not numbers"
            raise DataError(msg)
        codes = self.codes
        return np.where(codes >= 0, self._numbers[np.maximum(codes, 0)], np.nan)

    @classmethod
    def from_array(cls, data: Any, *, domain: Sequence[Any] | None = None) -> ReliabilityData:
        """From a 2-D array-like of shape (coders, units), NaN or None for missing.

        This is the layout of the ``krippendorff`` package.
        """
        array = np.asarray(data, dtype=object if _has_objects(data) else None)
        if array.ndim != 2:
            msg = (
                f"reliability data must be 2-D (coders x units), got {array.ndim} dimension(s) "
                f"of shape {array.shape}"
            )
            raise DataError(msg)
        coders, units = _Ids(array.shape[0]), _Ids(array.shape[1])
        if array.dtype != object and domain is None:
            floats = np.asarray(array, dtype=np.float64)
            _check_finite(floats)
            return cls(None, None, None, units, coders, floats=floats)
        codes, labels, numbers = factorize(array, domain=domain)
        return cls(codes, labels, numbers, units, coders)

    @classmethod
    def from_long(
        cls,
        frame: Any,
        *,
        unit: str = "unit",
        coder: str = "coder",
        value: str = "value",
        domain: Sequence[Any] | None = None,
    ) -> ReliabilityData:
        """From a long data frame (polars or pandas) with unit, coder and value columns.

        Raises
        ------
        DataError
            If a column is missing, an id is missing, or a coder gave one unit two values.
        """
        df = _to_polars(frame)
        missing = [c for c in (unit, coder, value) if c not in df.columns]
        if missing:
            listed = ", ".join(repr(c) for c in missing)
            have = ", ".join(repr(c) for c in df.columns)
            msg = (
                f"missing column(s) {listed} (columns: {have}); name them with "
                "unit=, coder=, value="
            )
            raise DataError(msg)
        df = df.select(
            pl.col(unit).cast(pl.String).alias("unit"),
            pl.col(coder).cast(pl.String).alias("coder"),
            pl.col(value).alias("value"),
        ).with_row_index("row", offset=1)
        _check_ids(df, {"unit": unit, "coder": coder})
        df = df.filter(pl.col("value").is_not_null())
        values = _column_values(df["value"])
        codes_1d, labels, numbers = factorize(values, domain=domain)
        return _assemble(df, codes_1d, labels, numbers)


def _has_objects(data: Any) -> bool:
    if isinstance(data, np.ndarray):
        return bool(data.dtype == object)
    try:
        return any(
            isinstance(v, str | set | frozenset | list | tuple) or v is None
            for row in data
            for v in row
        )
    except TypeError:
        return False


def _to_polars(frame: Any) -> pl.DataFrame:
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


def _column_values(series: pl.Series) -> NDArray[Any]:
    if series.dtype.is_numeric():
        return series.cast(pl.Float64).to_numpy()
    if isinstance(series.dtype, pl.List):
        return np.array([*(frozenset(v) for v in series.to_list()), None], dtype=object)[:-1]
    return np.array([*series.to_list(), None], dtype=object)[:-1]


def _id_problems(df: pl.DataFrame, names: Mapping[str, str]) -> tuple[list[Problem], set[int]]:
    """Rows with an empty unit or coder id: the problems and the rows."""
    problems, rows = [], set()
    for col in ("unit", "coder"):
        blank = df.filter(pl.col(col).is_null() | (pl.col(col).str.strip_chars() == ""))
        for r in blank["row"].to_list():
            msg = f"column {names[col]!r} is empty; every coding needs a {col} id"
            problems.append(Problem(f"row {r}", msg))
            rows.add(r)
    return problems, rows


def _duplicate_problems(
    df: pl.DataFrame, names: Mapping[str, str]
) -> tuple[list[Problem], set[int]]:
    """Rows giving one unit a second value from the same coder: the problems and the rows."""
    dup = (
        df.group_by("unit", "coder", maintain_order=True)
        .agg(pl.col("row"))
        .filter(pl.col("row").list.len() > 1)
    )
    problems, rows = [], set()
    for u, c, group in dup.iter_rows():
        problems.append(
            Problem(
                f"rows {', '.join(map(str, group))}",
                f"coder {c!r} gave unit {u!r} more than one value; keep one row per "
                f"{names['unit']} and {names['coder']}",
            )
        )
        rows.update(group)
    return problems, rows


def _check_ids(df: pl.DataFrame, names: Mapping[str, str]) -> None:
    problems, _ = _id_problems(df, names)
    if not problems:
        problems, _ = _duplicate_problems(df, names)
    if problems:
        raise DataError(problems)


def _assemble(
    df: pl.DataFrame,
    codes_1d: NDArray[np.int32],
    labels: tuple[Any, ...],
    numbers: NDArray[np.float64] | None,
) -> ReliabilityData:
    unit_ids = df["unit"].unique(maintain_order=True)
    coder_ids = df["coder"].unique(maintain_order=True)
    unit_index = df["unit"].replace_strict(unit_ids, range(unit_ids.len()), return_dtype=pl.Int64)
    coder_index = df["coder"].replace_strict(
        coder_ids, range(coder_ids.len()), return_dtype=pl.Int64
    )
    codes = np.full((coder_ids.len(), unit_ids.len()), -1, dtype=np.int32)
    codes[coder_index.to_numpy(), unit_index.to_numpy()] = codes_1d
    return ReliabilityData(
        codes, labels, numbers, tuple(unit_ids.to_list()), tuple(coder_ids.to_list())
    )


# --------------------------------------------------------------------------------------------
# factorizing values into integer codes


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _canonical(value: Any) -> Any:
    if isinstance(value, set | list | tuple):
        return frozenset(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def factorize(
    values: NDArray[Any], *, domain: Sequence[Any] | None = None
) -> tuple[NDArray[np.int32], tuple[Any, ...], NDArray[np.float64] | None]:
    """Integer codes for an array of values (any shape), the domain, and its numbers.

    Without ``domain``, the domain is the sorted distinct values (numbers numerically, text
    alphabetically, sets by their sorted codes). With it, the domain is as given (its order is
    the ordinal order) and values outside it are an error.
    """
    if values.dtype != object:
        return _factorize_numbers(values.astype(np.float64), domain)
    flat = values.ravel()
    canon = [None if _is_missing(v) else _canonical(v) for v in flat]
    present = [v for v in canon if v is not None]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        numeric = np.array([np.nan if v is None else float(v) for v in canon], dtype=np.float64)
        return _factorize_numbers(numeric.reshape(values.shape), domain)
    if domain is not None:
        labels = tuple(_canonical(v) for v in domain)
        _check_domain(labels)
    else:
        labels = tuple(sorted(set(present), key=_sort_key))
    index = {v: i for i, v in enumerate(labels)}
    unknown = {v for v in present if v not in index}
    if unknown:
        _raise_outside(unknown, labels)
    codes = np.array([-1 if v is None else index[v] for v in canon], dtype=np.int32)
    numbers = None
    if labels and all(isinstance(v, int | float) and not isinstance(v, bool) for v in labels):
        numbers = np.array(labels, dtype=np.float64)
    return codes.reshape(values.shape), labels, numbers


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, frozenset):
        return (2, tuple(sorted(map(str, value))))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def _check_domain(labels: tuple[Any, ...]) -> None:
    seen: set[Any] = set()
    for v in labels:
        if v in seen:
            msg = f"domain lists {v!r} twice; list each value once, in order"
            raise DataError(msg)
        seen.add(v)


def _raise_outside(unknown: Iterable[Any], labels: Sequence[Any]) -> None:
    shown = ", ".join(repr(v) for v in sorted(unknown, key=_sort_key)[:10])
    msg = f"value(s) {shown} are not in the declared domain; add them to domain= or fix the data"
    raise DataError(msg)


def _factorize_numbers(
    values: NDArray[np.float64], domain: Sequence[Any] | None
) -> tuple[NDArray[np.int32], tuple[Any, ...], NDArray[np.float64]]:
    valid = ~np.isnan(values)
    if np.isinf(values).any():
        msg = "the data hold infinite values; alpha needs finite numbers"
        raise DataError(msg)
    present = values[valid]
    codes = np.full(values.shape, -1, dtype=np.int32)
    if domain is not None:
        numbers = np.array([float(v) for v in domain], dtype=np.float64)
        _check_domain(tuple(numbers.tolist()))
        order = np.argsort(numbers, kind="stable")
        pos = np.searchsorted(numbers[order], present)
        pos = np.minimum(pos, numbers.size - 1)
        hit = numbers[order][pos] == present
        if not hit.all():
            _raise_outside(set(present[~hit].tolist()), numbers.tolist())
        codes[valid] = order[pos]
        return codes, tuple(_number_label(v) for v in numbers), numbers
    if present.size and np.all(present == np.round(present)):
        low = present.min()
        span = present.max() - low
        if span < _DIRECT_RANGE:
            offsets = (present - low).astype(np.int64)
            used = np.bincount(offsets, minlength=int(span) + 1) > 0
            mapping = np.cumsum(used) - 1
            codes[valid] = mapping[offsets]
            numbers = np.flatnonzero(used).astype(np.float64) + low
            return codes, tuple(_number_label(v) for v in numbers), numbers
    numbers, inverse = np.unique(present, return_inverse=True)
    codes[valid] = inverse
    return codes, tuple(_number_label(v) for v in numbers), numbers


def _check_finite(values: NDArray[np.float64]) -> None:
    if np.isinf(values).any():
        msg = "the data hold infinite values; alpha needs finite numbers"
        raise DataError(msg)


def _factorize_small_integers(
    values: NDArray[np.float64],
) -> tuple[NDArray[np.int32], NDArray[np.float64]] | None:
    """Codes by offset for whole numbers in a small range, row by row; None otherwise.

    Rating scales and category numbers take this path: no sort, and no copy of the data
    beyond one row at a time and the int32 codes.
    """
    if values.ndim != 2 or not values.size:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN data
        low, high = np.nanmin(values), np.nanmax(values)
    if not (np.isfinite(low) and np.isfinite(high)) or high - low >= _DIRECT_RANGE:
        return None
    span = int(high - low) + 1
    codes = np.empty(values.shape, dtype=np.int32)
    used = np.zeros(span, dtype=bool)
    for i, row in enumerate(values):
        missing = np.isnan(row)
        shifted = row - low if low else row
        code_row = codes[i]
        with np.errstate(invalid="ignore"):
            np.copyto(code_row, shifted, casting="unsafe")  # NaN casts to garbage: reset below
            whole = np.all((code_row == shifted) | missing)
        if not whole:
            return None
        code_row[missing] = -1
        used |= np.bincount(code_row + 1, minlength=span + 1)[1:] > 0
    numbers = np.flatnonzero(used).astype(np.float64) + low
    if not used.all():
        mapping = np.cumsum(used, dtype=np.int32) - 1
        for row in codes:
            valid = row >= 0
            row[valid] = mapping[row[valid]]
    return codes, numbers


def _number_label(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# --------------------------------------------------------------------------------------------
# coding tables


@attrs.frozen(eq=False)
class CodingTable:
    """Codings in long form, validated against a codebook when one is given.

    Attributes
    ----------
    data : polars.DataFrame
        Columns ``unit``, ``coder``, ``variable``, ``value`` (text: a code, a number, or codes
        joined by ``separator``) and ``row`` (the row in the source file, as a spreadsheet
        shows it; null for codings made in Python).
    codebook : Codebook or None
        The codebook the codings were checked against.
    source : str or None
        The file the codings came from.
    separator : str
        Separator of codes in multi-label values.
    skipped : tuple of Problem
        What was left out because it was invalid, when reading was asked to skip it.
    """

    data: pl.DataFrame
    codebook: Codebook | None = None
    source: str | None = None
    separator: str = ";"
    skipped: tuple[Problem, ...] = ()

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        unit: str = "unit",
        coder: str = "coder",
        variables: Sequence[str] | None = None,
        codebook: Codebook | None = None,
        separator: str = ";",
        source: str | None = None,
        first_row: int = 2,
        row_column: str | None = None,
        skip_invalid: bool = False,
    ) -> CodingTable:
        """Build a table from a frame with a unit column, a coder column and a column per variable.

        Parameters
        ----------
        frame : polars or pandas DataFrame
            One row per unit and coder; cells hold codes, numbers, or codes joined by
            ``separator``; nulls are missing values.
        unit, coder : str
            Names of the id columns.
        variables : sequence of str, optional
            The variable columns to take. By default every column but the ids; with a
            codebook, every other column must then be a codebook variable.
        codebook : Codebook, optional
            Check every value against it.
        separator : str
            Separator of codes in multi-label cells.
        source : str, optional
            File name, for messages.
        first_row : int
            Row number of the first data row as the user sees it (2 in a CSV with a header).
        row_column : str, optional
            A column holding each row's number in the source file instead (wide files).
        skip_invalid : bool
            Leave out what is invalid instead of failing: rows with an empty id, every row of
            a duplicated unit and coder, and invalid values (the cell only). What was left
            out is in ``skipped``, problem by problem; missing or unknown columns still fail.

        Raises
        ------
        DataError
            Listing every problem: missing columns, unknown columns, empty ids, duplicate
            unit-coder rows, unknown codes (with the closest valid code), sets in single-label
            variables, numbers that are not numbers or out of range.
        """
        df = _to_polars(frame)
        problems: list[Problem] = []
        for col in (unit, coder):
            if col not in df.columns:
                have = ", ".join(repr(c) for c in df.columns)
                problems.append(
                    Problem(
                        f"column {col!r}",
                        f"missing (columns: {have}); name the id columns with unit=/coder= "
                        "(--unit/--coder)",
                    )
                )
        if problems:
            raise DataError(problems, source=source)
        ids = (unit, coder) if row_column is None else (unit, coder, row_column)
        chosen = _choose_variables(df, ids, variables, codebook, problems)
        if problems:
            raise DataError(problems, source=source)
        rows = (
            pl.col(row_column).cast(pl.Int64).alias("row")
            if row_column is not None
            else pl.int_range(first_row, first_row + df.height, dtype=pl.Int64).alias("row")
        )
        df = df.select(
            rows,
            pl.col(unit).cast(pl.String).alias("unit"),
            pl.col(coder).cast(pl.String).alias("coder"),
            *[pl.col(v).cast(pl.String).str.strip_chars().alias(v) for v in chosen],
        )
        names = {"unit": unit, "coder": coder}
        id_problems, bad_rows = _id_problems(df, names)
        dup_problems, dup_rows = _duplicate_problems(df, names)
        problems = id_problems + dup_problems
        if problems and not skip_invalid:
            raise DataError(problems, source=source)
        skipped = list(problems)
        if bad_rows or dup_rows:
            df = df.filter(~pl.col("row").is_in(sorted(bad_rows | dup_rows)))
        long = (
            df.unpivot(
                index=["row", "unit", "coder"],
                on=list(chosen),
                variable_name="variable",
                value_name="\x00value",
            )
            .rename({"\x00value": "value"})
            .with_columns(pl.col("value").replace("", None))
            .filter(pl.col("value").is_not_null())
            .select("unit", "coder", "variable", "value", "row")
        )
        if codebook is not None:
            value_problems: list[Problem] = []
            long, bad_cells = _validate(long, codebook, separator, value_problems)
            if value_problems and not skip_invalid:
                raise DataError(value_problems, source=source)
            skipped += value_problems
            long = long.join(bad_cells, on=["row", "variable"], how="anti", maintain_order="left")
        return cls(
            long, codebook=codebook, source=source, separator=separator, skipped=tuple(skipped)
        )

    @classmethod
    def from_codings(
        cls, codings: Iterable[Coding], *, codebook: Codebook | None = None, separator: str = ";"
    ) -> CodingTable:
        """Build a table from :class:`~statecode.Coding` objects."""
        rows: dict[str, list[Any]] = {"unit": [], "coder": [], "variable": [], "value": []}
        for c in codings:
            rows["unit"].append(c.unit)
            rows["coder"].append(c.coder)
            rows["variable"].append(c.variable)
            rows["value"].append(_value_text(c.value, separator))
        frame = pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String))
        wide = frame.pivot(
            on="variable",
            index=["unit", "coder"],
            values="value",
            aggregate_function=None,
            maintain_order=True,
        )
        return cls.from_frame(wide, codebook=codebook, separator=separator, first_row=1)

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables present, in order of first appearance."""
        return tuple(self.data["variable"].unique(maintain_order=True).to_list())

    @property
    def units(self) -> tuple[str, ...]:
        """The units, in order of first appearance."""
        return tuple(self.data["unit"].unique(maintain_order=True).to_list())

    @property
    def coders(self) -> tuple[str, ...]:
        """The coders, in order of first appearance."""
        return tuple(self.data["coder"].unique(maintain_order=True).to_list())

    def __len__(self) -> int:
        return self.data.height

    def variable(self, name: str) -> Variable | None:
        """The codebook variable ``name`` (None without a codebook)."""
        if name not in self.variables:
            have = ", ".join(self.variables) or "(none)"
            msg = f"no variable {name!r} in the codings (variables: {have})"
            raise DataError(msg, source=self.source)
        return self.codebook[name] if self.codebook is not None else None

    def to_reliability_data(
        self, variable: str, *, domain: Sequence[Any] | None = None, numeric: bool = False
    ) -> ReliabilityData:
        """The coders x units codes of one variable: the hop to the kernels.

        Values are read as the codebook says (numbers, codes, or sets of codes), or as
        numbers when ``numeric`` is set or every value is a number, else as text. With a
        codebook, the domain of a categorical variable is all its codes in codebook order
        (ordinal: in ``order``). Distinct values are coded once and mapped column-wise.
        """
        var = self.variable(variable)
        part = self.data.filter(pl.col("variable") == variable)
        values = part["value"]
        if var is not None and var.multi_label:
            codes_1d, labels = self._code_sets(values, domain)
            return _assemble(part, codes_1d, labels, None)
        interval_codes = var is not None and var.level in (Level.INTERVAL, Level.RATIO)
        if domain is None and var is not None and var.categories:
            domain = [float(c) for c in var.codes] if interval_codes else list(var.codes)
        as_numbers = values.cast(pl.Float64, strict=False)
        numbers_wanted = numeric or interval_codes or (var is not None and not var.categories)
        all_numbers = as_numbers.null_count() == 0 and values.len() > 0
        if numbers_wanted or (var is None and all_numbers and _numeric_domain(domain)):
            if not all_numbers:
                bad = part.filter(as_numbers.is_null()).row(0, named=True)
                where = f"row {bad['row']}" if bad["row"] is not None else ""
                msg = f"{bad['value']!r} is not a number; this variable takes numbers"
                raise DataError([Problem(where, msg)], source=self.source)
            codes_1d, labels, numbers = _factorize_numbers(as_numbers.to_numpy(), domain)
            return _assemble(part, codes_1d, labels, numbers)
        labels = (
            tuple(domain)
            if domain is not None
            else tuple(sorted(values.unique().to_list(), key=_sort_key))
        )
        _check_domain(labels)
        index = {str(v): i for i, v in enumerate(labels)}
        unknown = set(values.unique().to_list()) - set(index)
        if unknown:
            _raise_outside(unknown, labels)
        codes_1d = values.replace_strict(index, return_dtype=pl.Int32).to_numpy()
        return _assemble(part, codes_1d, labels, None)

    def _code_sets(
        self, values: pl.Series, domain: Sequence[Any] | None
    ) -> tuple[NDArray[np.int32], tuple[Any, ...]]:
        sets = {t: frozenset(t.split(self.separator)) for t in values.unique().to_list()}
        if domain is not None:
            labels = tuple(frozenset(d) for d in domain)
            _check_domain(labels)
        else:
            labels = tuple(sorted(set(sets.values()), key=_sort_key))
        index = {s: i for i, s in enumerate(labels)}
        unknown = {s for s in sets.values() if s not in index}
        if unknown:
            _raise_outside(unknown, labels)
        mapping = {t: index[s] for t, s in sets.items()}
        return values.replace_strict(mapping, return_dtype=pl.Int32).to_numpy(), labels

    def codings(self) -> Iterable[Coding]:
        """The codings as :class:`~statecode.Coding` objects (values typed by the codebook)."""
        for unit, coder, variable, value, _ in self.data.iter_rows():
            var = self.codebook[variable] if self.codebook is not None else None
            typed: Value = value
            if var is not None and var.multi_label:
                typed = frozenset(value.split(self.separator))
            elif var is not None and not var.categories:
                typed = float(value)
            yield Coding(unit, coder, variable, typed)


def _value_text(value: Value, separator: str) -> str:
    if isinstance(value, frozenset):
        return separator.join(sorted(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric_domain(domain: Sequence[Any] | None) -> bool:
    """Whether a declared domain (if any) is numbers, so numeric text is read as numbers."""
    if domain is None:
        return True
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in domain)


def _choose_variables(
    df: pl.DataFrame,
    ids: Sequence[str],
    variables: Sequence[str] | None,
    codebook: Codebook | None,
    problems: list[Problem],
) -> tuple[str, ...]:
    others = [c for c in df.columns if c not in ids]
    if variables is not None:
        for v in variables:
            if v not in df.columns:
                have = ", ".join(repr(c) for c in others) or "(none)"
                problems.append(Problem(f"column {v!r}", f"missing (variable columns: {have})"))
            elif codebook is not None and v not in codebook:
                problems.append(
                    Problem(f"column {v!r}", f"not a variable of codebook {codebook.name!r}")
                )
        return tuple(variables)
    if codebook is None:
        if not others:
            problems.append(Problem("", "no variable columns besides the unit and coder ids"))
        return tuple(others)
    for c in others:
        if c not in codebook:
            hint = difflib.get_close_matches(c, codebook.names, n=1)
            maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(
                Problem(
                    f"column {c!r}",
                    f"not a variable of codebook {codebook.name!r}{maybe}; rename it, or "
                    "choose the variables to read (variables=, --variable)",
                )
            )
    chosen = tuple(c for c in others if c in codebook)
    if not chosen and not problems:
        problems.append(Problem("", f"no column is a variable of codebook {codebook.name!r}"))
    return chosen


def _validate(
    long: pl.DataFrame,
    codebook: Codebook,
    separator: str,
    problems: list[Problem],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check every value against its variable; return the table with canonical values.

    Categorical values are checked once per distinct text (a file of millions of rows holds
    few distinct codes), numbers column-wise; problems come back in file order.
    """
    numeric = [v.name for v in codebook if not v.categories]
    long = long.with_row_index("position")  # to give the table back in its order
    categorical = long.filter(~pl.col("variable").is_in(numeric))
    checked = [
        (variable, text, *_check_value(codebook[variable], text, separator))
        for variable, text in categorical.select("variable", "value").unique().iter_rows()
    ]
    verdicts = pl.DataFrame(
        checked,
        schema={
            "variable": pl.String,
            "value": pl.String,
            "canonical": pl.String,
            "message": pl.String,
        },
        orient="row",
    )
    joined = categorical.join(verdicts, on=["variable", "value"], how="left", maintain_order="left")
    if numeric:
        parts = [_check_numbers(long.filter(pl.col("variable") == n), codebook[n]) for n in numeric]
        joined = pl.concat([joined, *parts]).sort("position")
    order = {name: i for i, name in enumerate(codebook.names)}
    bad = joined.filter(pl.col("message").is_not_null())
    found = sorted(
        bad.select("row", "variable", "message").iter_rows(), key=lambda r: (r[0], order[r[1]])
    )
    problems.extend(Problem(f"row {r}, column {v!r}", m) for r, v, m in found)
    table = joined.select("unit", "coder", "variable", pl.col("canonical").alias("value"), "row")
    return table, bad.select("row", "variable")


def _check_numbers(part: pl.DataFrame, var: Variable) -> pl.DataFrame:
    """Column-wise checks of a numeric variable: a number, finite, within the range."""
    number = pl.col("value").cast(pl.Float64, strict=False)
    suspect = number.is_null() | ~number.is_finite()
    if var.minimum is not None:
        suspect = suspect | (number < var.minimum)
    if var.maximum is not None:
        suspect = suspect | (number > var.maximum)
    # only the few suspect rows are looked at one by one, for their messages
    flagged = part.filter(suspect.fill_null(value=True)).select("row", "value")
    messages = pl.DataFrame(
        [(row, _check_value(var, text, "")[1]) for row, text in flagged.iter_rows()],
        schema={"row": pl.Int64, "message": pl.String},
        orient="row",
    )
    return part.with_columns(pl.col("value").alias("canonical")).join(
        messages, on="row", how="left"
    )


def _check_value(  # noqa: PLR0911 (one return per rule a value can break)
    var: Variable, text: str, separator: str
) -> tuple[str, str | None]:
    if not var.categories:
        try:
            number = float(text)
        except ValueError:
            return text, f"{text!r} is not a number; {var.name!r} takes numbers"
        if not math.isfinite(number):
            return text, f"{text!r} is not a finite number"
        if var.minimum is not None and number < var.minimum:
            return text, f"{text} is below the minimum {var.minimum:g} of {var.name!r}"
        if var.maximum is not None and number > var.maximum:
            return text, f"{text} is above the maximum {var.maximum:g} of {var.name!r}"
        return text, None
    parts = [p.strip() for p in text.split(separator)] if var.multi_label else [text]
    if not var.multi_label and separator in text:
        return text, (
            f"{text!r} holds several codes, but {var.name!r} takes one code per unit; keep one"
        )
    codes = var.codes
    for part in parts:
        if part not in codes:
            hint = difflib.get_close_matches(part, codes, n=1, cutoff=0.5)
            maybe = f"; did you mean {hint[0]!r}?" if hint else ""
            return text, f"unknown code {part!r} for {var.name!r}{maybe}"
    if var.multi_label:
        if len(set(parts)) != len(parts):
            return text, f"{text!r} repeats a code; list each code once"
        exclusive = [p for p in parts if var.category(p).exclusive]
        if exclusive and len(parts) > 1:
            return text, (
                f"code {exclusive[0]!r} of {var.name!r} cannot be combined with other codes"
            )
        order = {c: i for i, c in enumerate(codes)}
        return separator.join(sorted(parts, key=order.__getitem__)), None
    return text, None
