"""Codings as files hold them: a row per unit and coder, a column per variable.

:class:`Columns` keeps a validated table in that shape (the frame as read, without the long
table's repeats of unit, coder and variable in every row): the ids and every variable's
values are coded once, on first use, and each variable's reliability data are placed from
those codes. The long table (``CodingTable.data``) is made from it only when asked for.

:class:`Part` is one variable of either shape (columns, or the rows of a long table) as
the hop to the kernels needs it: the values present, their codes, and where they go.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode.table._codes import Coded, code_column, first_seen, small_series
from statecode.table._reliability import ReliabilityData, Texts

__all__ = ["Columns", "Part"]

# rows looked through first for the ids of the rows without a value (see Columns.id_count)
_FIRST_ROWS = 1 << 16


class Columns:
    """A validated table of codings: ``unit``, ``coder`` and one column per variable.

    ``frame`` holds the columns ``unit`` and ``coder`` (text or categorical) and the values
    of ``names[i]`` in its column ``i + 2`` (null: no value); ``rows`` the row of the source
    each came from (or None: ``first_row`` and on).
    """

    def __init__(
        self,
        frame: pl.DataFrame,
        names: Sequence[str],
        *,
        rows: pl.Series | None = None,
        first_row: int = 1,
        coded: dict[str, Coded] | None = None,
    ) -> None:
        self.frame = frame
        self.names = tuple(names)
        self._rows = rows
        self._first_row = first_row
        # codes of columns, by column name ("unit", "coder" or a variable)
        self._coded: dict[str, Coded] = dict(coded or {})
        self._placement: Placement | None = None
        self._holding: NDArray[np.bool_] | None = None

    @property
    def height(self) -> int:
        return self.frame.height

    def rows(self) -> pl.Series:
        """The source row of every row, as a spreadsheet shows it."""
        if self._rows is not None:
            return self._rows.alias("row")
        start = self._first_row
        return pl.int_range(start, start + self.height, dtype=pl.Int64, eager=True).alias("row")

    def column(self, name: str) -> pl.Series:
        """The values of variable ``name`` (null where a coder gave none)."""
        return self.frame.to_series(self.names.index(name) + 2)

    def variable_rows(self, name: str) -> pl.DataFrame:
        """Unit, coder and value (as text) of the rows holding a value of ``name``."""
        return pl.DataFrame(
            [
                self.frame.to_series(0).cast(pl.String).alias("unit"),
                self.frame.to_series(1).cast(pl.String).alias("coder"),
                self.column(name).cast(pl.String).alias("value"),
            ]
        ).filter(pl.col("value").is_not_null())

    def coded(self, name: str) -> Coded:
        """Codes of ``unit``, ``coder`` or a variable's column, made once."""
        found = self._coded.get(name)
        if found is None:
            index = {"unit": 0, "coder": 1}.get(name)
            series = self.frame.to_series(index) if index is not None else self.column(name)
            found = self._coded[name] = code_column(series)
        return found

    def variables(self) -> tuple[str, ...]:
        """The variables holding a value, in column order."""
        return tuple(n for n in self.names if self.column(n).null_count() < self.height)

    def __len__(self) -> int:
        return sum(self.height - self.column(n).null_count() for n in self.names)

    def ids(self, which: str) -> tuple[str, ...]:
        """The units (or coders) in the order the long table shows them first.

        The long table lists the codings variable by variable, each in row order.
        """
        coded = self.coded(which)
        size = len(coded.distinct)
        seen = np.zeros(size, dtype=bool)
        found: list[NDArray[np.intp]] = []
        total = 0
        for name in self.names:
            present = self.present(name)
            if not found and present.all():
                order = np.arange(size)  # the codes are in the order first seen
            else:
                if found:  # only the rows of ids not seen in an earlier variable
                    present = present & ~seen[coded.codes]
                if not present.any():
                    continue
                order = first_seen(coded.codes[present], size, ordered=coded.ordered)
            seen[order] = True
            found.append(order)
            total += order.size
            if total == size:  # every id placed: the later variables add none
                break
        if not found:
            return ()
        return tuple(coded.distinct.gather(np.concatenate(found)).to_list())

    def id_count(self, which: str) -> int:
        """How many units (or coders) hold a value: ``len(ids(which))``, without listing them."""
        coded = self.coded(which)
        size = len(coded.distinct)
        if self._holding is None:  # the rows holding a value of some variable: one pass
            self._holding = np.zeros(self.height, dtype=bool)
            if self.names:
                present = [pl.nth(k + 2).is_not_null() for k in range(len(self.names))]
                found = self.frame.select(pl.any_horizontal(present)).to_series()
                self._holding = found.to_numpy()
        holding: NDArray[np.bool_] = self._holding
        empty = np.flatnonzero(~holding)
        if not empty.size:  # every id is that of a row with a value
            return size
        if empty.size > self.height // 8:
            seen = np.zeros(size, dtype=bool)
            seen[coded.codes[holding]] = True
            return int(np.count_nonzero(seen))
        # few rows without a value: only their ids can be missing; each is kept if a row
        # of it holds a value, marked by a scatter (sorting those rows' codes took 0.25 s for
        # the coders of 10M rows, every one of them a suspect), in the first rows first:
        # coders are settled there, units mostly in the rest
        suspect = np.zeros(size, dtype=bool)
        suspect[coded.codes[empty]] = True
        kept = np.zeros(size, dtype=bool)
        for rows in (slice(0, _FIRST_ROWS), slice(_FIRST_ROWS, None)):
            codes = coded.codes[rows]
            kept[codes[suspect[codes] & holding[rows]]] = True
            if not (suspect & ~kept).any():
                break
        return size - int(np.count_nonzero(suspect)) + int(np.count_nonzero(kept))

    def present(self, name: str) -> NDArray[np.bool_]:
        """Where variable ``name`` has a value."""
        return self.column(name).is_not_null().to_numpy()

    def long(self) -> pl.DataFrame:
        """The codings as the long table: unit, coder, variable, value, row."""
        inner = {f"\x00{i}": name for i, name in enumerate(self.names)}
        work = pl.DataFrame(
            [
                self.frame.to_series(0).cast(pl.String).alias("unit"),
                self.frame.to_series(1).cast(pl.String).alias("coder"),
                self.rows(),
                *(self.column(n).cast(pl.String).alias(k) for k, n in inner.items()),
            ]
        )
        return (
            work.unpivot(
                index=["row", "unit", "coder"],
                on=list(inner),
                variable_name="variable",
                value_name="value",
            )
            .filter(pl.col("value").is_not_null())
            .select(
                "unit",
                "coder",
                pl.col("variable").replace_strict(inner, return_dtype=pl.String),
                "value",
                "row",
            )
        )

    def cells_with(self, values: Collection[str]) -> pl.DataFrame:
        """The long table's rows whose value is one of ``values``, in its order."""
        wanted = list(values)
        parts = []
        for name in self.names:
            hit = self.column(name).cast(pl.String).is_in(wanted)
            if hit.any():
                part = pl.DataFrame(
                    [
                        self.frame.to_series(0).cast(pl.String).alias("unit"),
                        self.frame.to_series(1).cast(pl.String).alias("coder"),
                        self.column(name).cast(pl.String).alias("value"),
                        self.rows(),
                    ]
                ).filter(hit)
                parts.append(part.with_columns(pl.lit(name, dtype=pl.String).alias("variable")))
        schema = {"unit": pl.String, "coder": pl.String, "variable": pl.String}
        if not parts:
            return pl.DataFrame(schema={**schema, "value": pl.String, "row": pl.Int64})
        return pl.concat(parts).select("unit", "coder", "variable", "value", "row")

    def where_units(self, units: Collection[str]) -> Columns:
        """The rows of the units ``units`` only."""
        keep = self.frame.to_series(0).cast(pl.String).is_in(list(units))
        return Columns(
            self.frame.filter(keep),
            self.names,
            rows=self.rows().filter(keep),
        )

    def part(self, name: str) -> Part:
        """Variable ``name`` as the hop to the kernels needs it."""
        if self._placement is None:
            self._placement = Placement(
                self.coded("unit"), self.coded("coder"), self.height, shared=len(self.names) > 1
            )
        return Part(
            self.column(name),
            self.present(name),
            self._placement,
            coded=self._coded.get(name),
            code=lambda: self.coded(name),
            rows=self.rows,
            unit_texts=lambda: self.frame.to_series(0).cast(pl.String),
        )


# rows placed in the coders x units array at a time (their positions stay in the cache)
_PLACE_ROWS = 1 << 16
# rows of the first units' runs searched for the coders' first rows, at least (see _rows_at)
_RUNS_CAP = 1 << 16


class Placement:
    """Where every row of a table goes in a coders x units array: found once per table.

    ``index[g, u]`` is the row of coder ``g`` and unit ``u`` (``rows`` where there is none;
    a pair has one row at most, duplicates being errors). A variable's array is then one
    gather of its codes by the index, and its units and coders those with a value, in the
    order of their first row with one (the order :func:`first_seen` gives the rows of the
    variable), found from the array: no per-variable pass over the rows' ids. A table of
    one variable whose rows are grouped by unit (``shared=False``) needs no index: its codes
    are scattered into place, and each coder's first row is looked for in one unit's run.
    """

    def __init__(self, units: Coded, coders: Coded, rows: int, *, shared: bool = True) -> None:
        self.units = units
        self.coders = coders
        self.rows = rows
        # the index pays for itself over several variables; one variable's codes are
        # scattered into place directly (rows grouped by unit), without it
        self._shared = shared
        self._index: NDArray[np.signedinteger[Any]] | None = None

    def index(self) -> NDArray[np.signedinteger[Any]]:
        if self._index is None:
            kind = np.int32 if self.rows < np.iinfo(np.int32).max else np.int64
            shape = (len(self.coders.distinct), len(self.units.distinct))
            index = np.full(shape, self.rows, dtype=kind)
            self._place(index, None)
            self._index = index
        return self._index

    def _place(self, out: NDArray[Any], values: NDArray[Any] | None) -> None:
        """``out[coder, unit] = values`` for every row (its row number when None).

        In chunks of rows, their flat positions in one reused buffer: a 2-d fancy index
        would make two intp copies of all the rows' codes and a third of their positions.
        """
        flat = out.reshape(-1)
        n_units = out.shape[1]
        coders, units = self.coders.codes, self.units.codes
        step = max(1, min(self.rows, _PLACE_ROWS))
        where = np.empty(step, dtype=np.intp)
        for start in range(0, self.rows, step):
            stop = min(self.rows, start + step)
            at = where[: stop - start]
            np.multiply(coders[start:stop], n_units, out=at, dtype=np.intp)  # no overflow
            at += units[start:stop]
            if values is None:
                flat[at] = np.arange(start, stop, dtype=out.dtype)
            else:
                flat[at] = values[start:stop]

    def counts(self, present: NDArray[np.bool_]) -> tuple[int, int]:
        """(units, coders) with a row ``present``."""
        if present.all():
            return len(self.units.distinct), len(self.coders.distinct)
        units = np.bincount(self.units.codes[present], minlength=len(self.units.distinct))
        coders = np.bincount(self.coders.codes[present], minlength=len(self.coders.distinct))
        return int(np.count_nonzero(units)), int(np.count_nonzero(coders))

    def array(
        self, present: NDArray[np.bool_], codes: NDArray[np.int32]
    ) -> tuple[NDArray[np.int32], Texts, pl.Series]:
        """The coders x units codes of the rows ``present`` (``codes``), and their ids."""
        full = np.full(self.rows + 1, -1, dtype=np.int32)  # the last cell: no row
        full[:-1][present] = codes
        return self.array_of_rows(present, full)

    def array_of_rows(
        self, present: NDArray[np.bool_], full: NDArray[np.int32]
    ) -> tuple[NDArray[np.int32], Texts, pl.Series]:
        """:meth:`array` from every row's code (-1 where absent) and a last cell of -1."""
        direct = self.units.ordered and not self._shared and self._index is None
        if direct:
            shape = (len(self.coders.distinct), len(self.units.distinct))
            matrix = np.full(shape, -1, dtype=np.int32)
            self._place(matrix, full[:-1])  # absent rows give -1
        else:
            index = self.index()
            matrix = full[index]
        if present.all():
            # every unit and coder has a value: their order is the table's first-seen order
            return matrix, Texts(self.units.distinct.cast(pl.String)), self.coders.distinct
        valid = matrix >= 0
        if self.units.ordered:
            # the rows run unit by unit: a unit's rows come in code order, and a coder's
            # first row with a value is at its first unit with one
            unit_order = np.flatnonzero(valid.any(axis=0))
            at = valid.argmax(axis=1)
            found = self._rows_at(at) if direct else None
            if found is None:
                index = self.index()
                found = index[np.arange(index.shape[0]), at]
            firsts = found
            firsts[~valid.any(axis=1)] = self.rows
        else:
            first = np.where(valid, index, self.rows)
            unit_order = _by_first_row(first.min(axis=0), self.rows, ordered=False)
            firsts = first.min(axis=1)
            del first
        del valid
        coder_order = _by_first_row(firsts, self.rows, ordered=False)
        if coder_order.size != matrix.shape[0] or np.any(np.diff(coder_order) < 0):
            matrix = matrix[coder_order]
        if unit_order.size != matrix.shape[1] or not self.units.ordered:
            matrix = matrix[:, unit_order]
        units = self.units.distinct.cast(pl.String)
        return (
            np.ascontiguousarray(matrix),
            Texts(units, None if _all_in_order(units, unit_order) else unit_order),
            _in_order(self.coders.distinct, coder_order),
        )

    def _rows_at(self, units: NDArray[np.intp]) -> NDArray[np.intp] | None:
        """The row of each coder ``g`` at unit ``units[g]`` (``rows`` if none): rows by unit.

        A unit's rows are one run (found by binary search); each coder's is looked for in
        its unit's run only. None when those runs hold more rows than the table (many
        coders on large units): the index is then cheaper.
        """
        codes = self.units.codes
        wanted = units.astype(codes.dtype)  # else the 10M codes are cast to compare
        start = np.searchsorted(codes, wanted, side="left")
        length = np.searchsorted(codes, wanted, side="right") - start
        if int(length.sum()) > max(self.rows, _RUNS_CAP):
            return None
        # the runs' rows, one after the other, and the coder each is looked for
        owner = np.repeat(np.arange(units.size), length)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(length) - length, length)
        rows = start[owner] + offset
        hit = self.coders.codes[rows] == owner
        found = np.full(units.size, self.rows, dtype=np.intp)
        found[owner[hit]] = rows[hit]
        return found


def _by_first_row(first: NDArray[np.signedinteger[Any]], none: int, *, ordered: bool) -> Any:
    """The ids with a row (``first < none``), in the order of their first row."""
    kept = np.flatnonzero(first < none)
    if ordered:  # codes in row order already
        return kept
    return kept[np.argsort(first[kept], kind="stable")]


class Part:
    """The values of one variable and where they go: the rows present, their unit and coder."""

    def __init__(
        self,
        values: pl.Series,
        present: NDArray[np.bool_],
        placement: Placement,
        *,
        coded: Coded | None,
        code: Any,
        rows: Any,
        unit_texts: Any,
    ) -> None:
        self._values = values  # every row, null where absent
        self._present = present
        self._placement = placement
        self._counts: tuple[int, int] | None = None
        self._coded = coded
        self._present_codes: NDArray[np.int32] | None = None
        self._code = code
        self._rows = rows
        self._unit_texts = unit_texts

    @classmethod
    def from_long(cls, part: pl.DataFrame) -> Part:
        """The rows of one variable of a long table (unit, coder, value, row)."""
        present = np.ones(part.height, dtype=bool)
        units = code_column(part.get_column("unit"))
        coders = code_column(part.get_column("coder"))
        values = part.get_column("value")
        holder: dict[str, Coded] = {}

        def code() -> Coded:
            if "v" not in holder:
                holder["v"] = code_column(values)
            return holder["v"]

        return cls(
            values,
            present,
            Placement(units, coders, part.height, shared=False),
            coded=None,
            code=code,
            rows=lambda: part.get_column("row"),
            unit_texts=lambda: part.get_column("unit"),
        )

    def _shape(self) -> tuple[int, int]:
        if self._counts is None:
            self._counts = self._placement.counts(self._present)
        return self._counts

    @property
    def units(self) -> int:
        """How many units have a value of the variable."""
        return self._shape()[0]

    @property
    def coders(self) -> int:
        """How many coders gave a value of the variable."""
        return self._shape()[1]

    def has_codes(self) -> bool:
        """Whether the values are coded already, or cheap to code (a categorical column)."""
        return self._coded is not None or isinstance(self._values.dtype, pl.Categorical)

    def numbers(self) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """The values as numbers (NaN if not one) and where they are finite numbers.

        Of the distinct values when they are coded (then :meth:`lookup` gives each value's),
        else of every value present.
        """
        if self.has_codes():
            floats = self.distinct().cast(pl.Float64, strict=False)
        else:
            floats = self.texts().cast(pl.Float64, strict=False)
        finite = floats.is_finite().fill_null(value=False).to_numpy()
        return floats.fill_null(np.nan).to_numpy(), finite

    def lookup(self, per_distinct: NDArray[Any]) -> NDArray[Any]:
        """What :meth:`numbers` gave, for every value present."""
        if not self.has_codes():
            return per_distinct
        codes, _ = self.coded()
        return per_distinct[codes]

    def _column_codes(self) -> Coded:
        """Every row's code into the distinct texts (-1 where absent), coded once."""
        if self._coded is None:
            self._coded = self._code()
        return self._coded

    def distinct(self) -> pl.Series:
        """The distinct texts of the values, in the order first seen."""
        return self._column_codes().distinct

    def coded(self) -> tuple[NDArray[np.int32], pl.Series]:
        """The code of every value present into the distinct texts (in the order first seen)."""
        coded = self._column_codes()
        if self._present_codes is None:
            all_rows = self._present.all()
            self._present_codes = coded.codes if all_rows else coded.codes[self._present]
        return self._present_codes, coded.distinct

    def texts(self) -> pl.Series:
        """The values present, as text."""
        values = self._values if self._present.all() else self._values.filter(self._present)
        return values.cast(pl.String)

    def cells(self, bad: NDArray[np.bool_]) -> pl.DataFrame:
        """Unit, value and row of the values ``bad`` (a mask over the values present)."""
        where = np.flatnonzero(self._present)[bad]
        return pl.DataFrame(
            [
                self._unit_texts().gather(where).alias("unit"),
                self._values.gather(where).cast(pl.String).alias("value"),
                self._rows().gather(where).alias("row"),
            ]
        )

    def assemble(
        self,
        codes: NDArray[np.int32],
        labels: tuple[Any, ...],
        numbers: NDArray[np.float64] | None,
    ) -> ReliabilityData:
        """The coders x units codes: each value's code at its coder and unit."""
        placed = self._placement.array(self._present, codes)
        return self._data(placed, labels, numbers)

    def assemble_distinct(
        self,
        per_distinct: NDArray[np.int32],
        labels: tuple[Any, ...],
        numbers: NDArray[np.float64] | None,
    ) -> ReliabilityData:
        """:meth:`assemble` of ``per_distinct[code]`` for the values present, code by code.

        One gather over every row of the table (an absent row's code, -1, takes the last
        cell: -1): the values present are neither taken out of the rows nor put back.
        """
        table = np.append(per_distinct.astype(np.int32, copy=False), np.int32(-1))
        full = np.empty(self._present.size + 1, dtype=np.int32)
        # fancy indexing reads the int32 codes as they are; np.take would first copy them
        # to intp (80 MB per 10M rows: 26 against 40-69 ms)
        full[:-1] = table[self._column_codes().codes]
        full[-1] = -1  # the last cell: no row
        return self._data(self._placement.array_of_rows(self._present, full), labels, numbers)

    @staticmethod
    def _data(
        placed: tuple[NDArray[np.int32], Texts, pl.Series],
        labels: tuple[Any, ...],
        numbers: NDArray[np.float64] | None,
    ) -> ReliabilityData:
        matrix, unit_ids, coder_ids = placed
        matrix.flags.writeable = False  # made once per table and shared
        return ReliabilityData(
            matrix, labels, numbers, unit_ids, tuple(coder_ids.cast(pl.String).to_list())
        )


def _all_in_order(distinct: pl.Series, order: NDArray[np.intp]) -> bool:
    """Whether ``order`` (positions in ``distinct``) is all of it, in order."""
    return order.size == distinct.len() and (order.size < 2 or bool(np.all(np.diff(order) > 0)))


def _in_order(distinct: pl.Series, order: NDArray[np.intp]) -> pl.Series:
    """``distinct[order]``: ``distinct`` itself when the order is all of it, in order."""
    return distinct if _all_in_order(distinct, order) else distinct.gather(small_series(order))
