"""ReliabilityData: coders x units integer codes into a value domain, what kernels see."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._frames import take, to_polars
from statecode._values import number_label
from statecode.exceptions import DataError, DataTypeError
from statecode.table._checks import check_ids
from statecode.table._factorize import (
    check_finite,
    codes_from_floats,
    factorize,
    factorize_numbers,
)

__all__ = ["ReliabilityData", "Texts", "assemble"]


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


class Texts(Sequence[str]):
    """Ids held by a polars column, made Python text only when asked for.

    A million units as Python strings take some 60 MB for every variable and result that
    holds them; a polars column takes a fifth and is shared. Compares equal to the same ids
    as a tuple.

    With ``order`` (positions in ``series``), the ids are ``series[order]``, taken when
    first asked for: most results never show their units, and a numpy index given to
    polars costs a command 0.02 s the first time (polars imports ``numpy.ma``).
    """

    def __init__(self, series: pl.Series, order: NDArray[np.intp] | None = None) -> None:
        self._series = series
        self._order = order
        self._tuple: tuple[str, ...] | None = None

    def _items(self) -> tuple[str, ...]:
        if self._tuple is None:
            taken = self._series if self._order is None else self._series.gather(self._order)
            self._tuple = tuple(taken.to_list())
        return self._tuple

    def __len__(self) -> int:
        return len(self._series) if self._order is None else int(self._order.size)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._items()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return repr(self._items())


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
        coded = codes_from_floats(floats)
        if coded is not None:
            self._codes, self._numbers = coded
        else:
            self._codes, self._labels, self._numbers = factorize_numbers(floats, None)
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
            self._labels = tuple(number_label(v) for v in numbers.tolist())
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
            return number_label(float(measured[0])) if measured.size else None
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
        if array.dtype.kind in "US":
            # numpy text: every cell is a value (a text array cannot hold a missing one)
            array = array.astype(object)
        elif array.dtype.kind not in "biufO":
            msg = (
                f"reliability data of dtype {array.dtype} are not values statecode can score; "
                "pass numbers (NaN for missing), text or sets of codes (None for missing)"
            )
            raise DataError(msg)
        coders, units = _Ids(array.shape[0]), _Ids(array.shape[1])
        if array.dtype != object and domain is None:
            floats = np.asarray(array, dtype=np.float64)
            check_finite(floats)
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
        df = to_polars(frame)
        missing = [c for c in (unit, coder, value) if c not in df.columns]
        if missing:
            listed = ", ".join(repr(c) for c in missing)
            have = ", ".join(repr(c) for c in df.columns)
            msg = (
                f"missing column(s) {listed} (columns: {have}); name them with "
                "unit=, coder=, value="
            )
            raise DataError(msg)
        _check_kinds(df, unit=unit, coder=coder, value=value)
        df = (
            take(df, {"unit": unit, "coder": coder, "value": value})
            .with_columns(pl.col("unit", "coder").cast(pl.String))
            .with_row_index("row", offset=1)
        )
        check_ids(df, {"unit": unit, "coder": coder}, ["value"])
        df = df.filter(pl.col("value").is_not_null())
        values = _column_values(df["value"])
        codes_1d, labels, numbers = factorize(values, domain=domain)
        return assemble(df, codes_1d, labels, numbers)


def _check_kinds(df: pl.DataFrame, *, unit: str, coder: str, value: str) -> None:
    """Ids are text or numbers, values scalars or lists of codes (sets): else an error."""
    nested = (pl.List, pl.Array, pl.Struct, pl.Object)
    for keyword, name in (("unit", unit), ("coder", coder)):
        kind = df.schema[name]
        if isinstance(kind, nested):
            msg = (
                f"column {name!r} ({keyword}=) holds {kind}, not ids; give ids as text or integers"
            )
            raise DataTypeError(msg)
    kind = df.schema[value]
    if isinstance(kind, pl.Struct | pl.Array | pl.Object):
        msg = (
            f"column {value!r} (value=) holds {kind}; give codes as text or numbers, or sets "
            "of codes as lists"
        )
        raise DataTypeError(msg)


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


def _column_values(series: pl.Series) -> NDArray[Any]:
    if series.dtype.is_numeric():
        return series.cast(pl.Float64).to_numpy()
    if isinstance(series.dtype, pl.List):
        return np.array([*(frozenset(v) for v in series.to_list()), None], dtype=object)[:-1]
    return np.array([*series.to_list(), None], dtype=object)[:-1]


def assemble(
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
    # integer positions even for no rows (an empty frame's columns may come back as floats)
    rows = coder_index.to_numpy().astype(np.intp, copy=False)
    columns = unit_index.to_numpy().astype(np.intp, copy=False)
    codes[rows, columns] = codes_1d
    return ReliabilityData(
        codes, labels, numbers, tuple(unit_ids.to_list()), tuple(coder_ids.to_list())
    )
