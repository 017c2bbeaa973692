"""The checks of ``CodingTable.from_frame`` on the table as read: ids, duplicates, values.

Each check first asks, in a vectorised pass or on the distinct texts, whether there is
anything to report; only then is the table looked at row by row, by the functions of
:mod:`statecode.table._checks`, which name every problem with its row. So a valid table of
millions of rows costs a few passes over integer codes, and an invalid one gets the same
messages as always.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._values import check_value
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, Problem
from statecode.options import Normalization, parse_option
from statecode.table._checks import duplicate_problems, id_problems, normal_form
from statecode.table._codes import Coded, code_column, has_duplicate_pairs
from statecode.table._columns import Columns

__all__ = ["Built", "build_columns"]


class Built(NamedTuple):
    """A checked table, what was skipped, and the distinct values of each variable to warn of."""

    columns: Columns
    skipped: list[Problem]
    distinct: list[tuple[str, list[str]]]


def build_columns(
    work: pl.DataFrame,
    names: Sequence[str],
    *,
    rows: pl.Series | None,
    first_row: int,
    ids: Mapping[str, str],
    codebook: Codebook | None,
    separator: str,
    skip_invalid: bool,
    normalize: Normalization | str | None,
    source: str | None,
) -> Built:
    """Check a frame of ``unit``, ``coder`` and one column per variable (``names``, in order).

    Raises
    ------
    DataError
        Listing every empty id, duplicate unit-coder row and invalid value (unless
        ``skip_invalid``: then they are left out and listed in ``skipped``).
    """
    how = parse_option(Normalization, normalize, "normalize") if normalize is not None else None
    work, rows, coded, skipped = _checked_ids(
        work, rows, first_row, ids, skip_invalid=skip_invalid, source=source
    )
    positions = _Rows(rows, first_row, work.height)
    columns: list[pl.Series] = []
    problems: list[tuple[int, int, Problem]] = []
    distinct: list[tuple[str, list[str]]] = []
    order = {name: i for i, name in enumerate(codebook.names)} if codebook is not None else {}
    for i, name in enumerate(names):
        var = codebook[name] if codebook is not None else None
        values = _Values(work.to_series(i + 2), coded.get(name))
        values.drop_empty()
        if how is not None:
            values.map(functools.partial(_normal_form, how=how, separator=separator))
        found: list[tuple[int, str]] = []
        if var is not None and not var.categories:
            found = values.check_numbers(var, positions, skip=skip_invalid)
        elif var is not None:
            verdict = functools.partial(check_value, var, separator=separator)
            found = values.check(verdict, positions)
        else:
            distinct.append((name, values.coded_().distinct.to_list()))
        where = f"column {name!r}"
        problems += [(row, order[name], Problem(f"row {row}, {where}", m)) for row, m in found]
        columns.append(values.series.alias(f"\x00{i}"))
        if values.coded is not None:
            coded[name] = values.coded
    value_problems = [p for _, _, p in sorted(problems, key=lambda t: (t[0], t[1]))]
    if value_problems and not skip_invalid:
        raise DataError(value_problems, source=source)
    frame = pl.DataFrame([work.to_series(0), work.to_series(1), *columns])
    table = Columns(frame, names, rows=rows, first_row=first_row, coded=coded)
    return Built(table, skipped + value_problems, distinct)


class _Rows:
    """The source row of each row of the table, made only for the rows a message names."""

    def __init__(self, rows: pl.Series | None, first_row: int, height: int) -> None:
        self._rows = rows
        self._first = first_row
        self.height = height

    def at(self, where: NDArray[np.intp]) -> list[int]:
        if self._rows is not None:
            return [int(r) for r in self._rows.gather(where).to_list()]
        return [int(r) + self._first for r in where.tolist()]


def _blank(distinct: pl.Series) -> bool:
    return bool((distinct.str.strip_chars() == "").any())


def _checked_ids(
    work: pl.DataFrame,
    rows: pl.Series | None,
    first_row: int,
    names: Mapping[str, str],
    *,
    skip_invalid: bool,
    source: str | None,
) -> tuple[pl.DataFrame, pl.Series | None, dict[str, Coded], list[Problem]]:
    """Empty ids and duplicate unit-coder rows; the table without them when skipping.

    The ids are coded once: no null, no blank id among the distinct ones and no pair of
    codes twice mean no problem. Otherwise the rows are checked one by one, for the
    messages.
    """
    unit, coder = work.to_series(0), work.to_series(1)
    if not (unit.null_count() or coder.null_count()):
        units, coders = code_column(unit), code_column(coder)
        clean = not (_blank(units.distinct) or _blank(coders.distinct))
        if clean and not has_duplicate_pairs(
            units.codes,
            coders.codes,
            len(units.distinct),
            len(coders.distinct),
            grouped=units.ordered,
        ):
            return work, rows, {"unit": units, "coder": coders}, []
    numbers = (
        rows
        if rows is not None
        else pl.int_range(first_row, first_row + work.height, dtype=pl.Int64, eager=True)
    )
    text = work.select(pl.all().cast(pl.String)).with_columns(numbers.alias("row"))
    text.columns = ["unit", "coder", *(f"\x00{i}" for i in range(work.width - 2)), "row"]
    blank, bad_rows = id_problems(text, names)
    duplicates, dup_rows = duplicate_problems(text, names, text.columns[2:-1])
    problems = blank + duplicates
    if problems and not skip_invalid:
        raise DataError(problems, source=source)
    if bad_rows or dup_rows:
        keep = ~numbers.is_in(sorted(bad_rows | dup_rows))
        work, numbers = work.filter(keep), numbers.filter(keep)
        return work, numbers, {}, problems
    return work, rows, {}, problems


class _Values:
    """A variable's column, changed by what is done to its distinct texts."""

    def __init__(self, series: pl.Series, coded: Coded | None) -> None:
        self.series = series
        self.coded = coded

    def coded_(self) -> Coded:
        if self.coded is None:
            self.coded = code_column(self.series)
        return self.coded

    def drop_empty(self) -> None:
        """An empty cell is a missing value."""
        if self.coded is None and self.series.dtype == pl.String:
            # one pass, without coding the column
            if self.series.str.len_bytes().min() == 0:
                self.series = _where(self.series.str.len_bytes() > 0, self.series)
            return
        if (self.coded_().distinct.str.len_bytes() == 0).any():
            self.map(lambda text: text or None)

    def map(self, func: Callable[[str], str | None]) -> None:
        """Apply ``func`` to every distinct text (None: missing); equal results merge."""
        texts = self.coded_().distinct.to_list()
        mapped = [func(t) for t in texts]
        if mapped != texts:
            self._apply(mapped)

    def _apply(self, mapped: list[str | None]) -> None:
        merged: dict[str, int] = {}
        table = np.full(len(mapped) + 1, -1, dtype=np.int32)
        for i, text in enumerate(mapped):
            if text is not None:
                table[i] = merged.setdefault(text, len(merged))
        codes = table[self.coded_().codes]  # code -1 (missing) takes the last cell: -1
        distinct = pl.Series(list(merged), dtype=pl.String)
        self.coded = Coded(codes, distinct, ordered=False)
        index = pl.Series("i", codes, dtype=pl.Int32)
        self.series = distinct.gather(_where(index >= 0, index)).alias(self.series.name)

    def check(
        self, verdict: Callable[[str], tuple[str, str | None]], rows: _Rows
    ) -> list[tuple[int, str]]:
        """Each distinct text made canonical, or missing with its problem (row, message)."""
        coded = self.coded_()
        texts = coded.distinct.to_list()
        verdicts = [verdict(t) for t in texts]
        bad = [i for i, (_, message) in enumerate(verdicts) if message is not None]
        found: list[tuple[int, str]] = []
        if bad:
            where = np.flatnonzero(np.isin(coded.codes, bad))
            messages = [verdicts[c][1] or "" for c in coded.codes[where].tolist()]
            found = list(zip(rows.at(where), messages, strict=True))
        mapped = [None if message is not None else text for text, message in verdicts]
        if mapped != texts:
            self._apply(mapped)
        return found

    def check_numbers(self, var: Variable, rows: _Rows, *, skip: bool) -> list[tuple[int, str]]:
        """Column-wise checks of a numeric variable: a number, finite, within the range.

        Only the few suspect cells are looked at one by one, for their messages.
        """
        text = self.series.cast(pl.String)
        number = text.cast(pl.Float64, strict=False)
        suspect = number.is_null() | ~number.is_finite()
        if var.minimum is not None:
            suspect = suspect | (number < var.minimum)
        if var.maximum is not None:
            suspect = suspect | (number > var.maximum)
        suspect = suspect.fill_null(value=True) & text.is_not_null()
        if not suspect.any():
            return []
        where = np.flatnonzero(suspect.to_numpy())
        messages = [check_value(var, t, "")[1] for t in text.gather(where).to_list()]
        bad = np.array([m is not None for m in messages], dtype=bool)
        found = list(zip(rows.at(where[bad]), [m for m in messages if m is not None], strict=True))
        if skip and bad.any():
            drop = np.zeros(len(text), dtype=bool)
            drop[where[bad]] = True
            self.series = _where(pl.Series(~drop), text).alias(self.series.name)
            self.coded = None
        return found


def _normal_form(text: str, *, how: Normalization, separator: str) -> str | None:
    return normal_form(text, how, separator) or None


def _where(keep: pl.Series, series: pl.Series) -> pl.Series:
    """``series`` with null where ``keep`` is false."""
    frame = pl.DataFrame([keep.alias("k"), series.alias("s")])
    return frame.select(pl.when(pl.col("k")).then(pl.col("s"))).to_series().alias(series.name)
