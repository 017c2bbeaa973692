"""Checks of coded data: ids, duplicate rows, variable columns, values against a codebook."""

from __future__ import annotations

import difflib
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from statecode._frames import take
from statecode._values import looks_missing, near_duplicates
from statecode.codebook import Codebook
from statecode.exceptions import (
    DataError,
    MissingLookalikeWarning,
    NearDuplicateValuesWarning,
    Problem,
)
from statecode.options import Normalization

# problems of a long table listed in full; the rest are counted
_LISTED = 20
# seed of the row hashes that look for repeated codings (any fixed seed)
_SEED = 20240601

__all__ = [
    "check_ids",
    "check_long",
    "choose_variables",
    "duplicate_problem",
    "duplicate_problems",
    "id_problems",
    "missing_id_problems",
    "numeric_domain",
    "unit_groups",
    "warn_missing_lookalikes",
    "warn_near_duplicates",
]


def id_problems(df: pl.DataFrame, names: Mapping[str, str]) -> tuple[list[Problem], set[int]]:
    """Rows with an empty unit or coder id: the problems and the rows."""
    problems, rows = [], set()
    for col in ("unit", "coder"):
        blank = df.filter(pl.col(col).is_null() | (pl.col(col).str.strip_chars() == ""))
        for r in blank["row"].to_list():
            msg = f"column {names[col]!r} is empty; every coding needs a {col} id"
            problems.append(Problem(f"row {r}", msg))
            rows.add(r)
    return problems, rows


def duplicate_problems(
    df: pl.DataFrame, names: Mapping[str, str], values: Sequence[str] = ()
) -> tuple[list[Problem], set[int]]:
    """Rows giving one unit a second value from the same coder: the problems and the rows.

    Rows that repeat each other cell for cell (``values`` names the value columns) are
    called what they are: the same row twice.
    """
    same = pl.struct(*values).n_unique() == 1 if values else pl.lit(value=True, dtype=pl.Boolean)
    dup = (
        df.group_by("unit", "coder", maintain_order=True)
        .agg(pl.col("row"), same.alias("same"))
        .filter(pl.col("row").list.len() > 1)
    )
    problems, rows = [], set()
    for u, c, group, identical in dup.iter_rows():
        where = f"rows {', '.join(map(str, group))}"
        problems.append(duplicate_problem(where, u, c, len(group), names, identical=identical))
        rows.update(group)
    return problems, rows


def duplicate_problem(
    where: str, unit: Any, coder: Any, times: int, names: Mapping[str, str], *, identical: bool
) -> Problem:
    """The problem of a coder with ``times`` rows for one unit (the same row, or values)."""
    if identical:
        msg = f"the same row (unit {unit!r}, coder {coder!r}) appears {times} times; delete the "
        msg += "repeats"
    else:
        msg = (
            f"coder {coder!r} gave unit {unit!r} more than one value; keep one row per "
            f"{names['unit']} and {names['coder']}"
        )
    return Problem(where, msg)


def check_ids(df: pl.DataFrame, names: Mapping[str, str], values: Sequence[str] = ()) -> None:
    """Raise for empty ids, then for a unit given two values by one coder."""
    problems, _ = id_problems(df, names)
    if not problems:
        problems, _ = duplicate_problems(df, names, values)
    if problems:
        raise DataError(problems)


def numeric_domain(domain: Sequence[Any] | None) -> bool:
    """Whether a declared domain (if any) is numbers, so numeric text is read as numbers."""
    if domain is None:
        return True
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in domain)


def choose_variables(
    columns: Sequence[str],
    others: Sequence[str],
    variables: Sequence[str] | None,
    codebook: Codebook | None,
    problems: list[Problem],
) -> tuple[str, ...]:
    """The variable columns to read: those named, else every column but the ids."""
    if variables is not None:
        for v in variables:
            if v not in columns:
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
                    "choose the variables to read (variables=)",
                )
            )
    chosen = tuple(c for c in others if c in codebook)
    if not chosen and not problems:
        problems.append(Problem("", f"no column is a variable of codebook {codebook.name!r}"))
    return chosen


def unit_groups(df: pl.DataFrame, unit: str, by: str) -> dict[str, str]:
    """The group of every unit from the column ``by``; each unit must have one group."""
    if by not in df.columns:
        msg = f"column {by!r} (by=) is not in the file (columns: {', '.join(df.columns)})"
        raise DataError(msg)
    pairs = (
        take(df, {"unit": unit, "group": by})
        .select(pl.col("unit", "group").cast(pl.String))
        .unique(maintain_order=True)
    )
    counts = pairs.group_by("unit", maintain_order=True).len().filter(pl.col("len") > 1)
    if counts.height:
        shown = ", ".join(repr(u) for u in counts["unit"].head(5).to_list())
        msg = f"by={by!r}: unit(s) {shown} belong to more than one group; give each unit one"
        raise DataError(msg)
    return dict(pairs.iter_rows())


def missing_id_problems(
    columns: Sequence[str], unit: str, coder: str, row_column: str | None
) -> list[Problem]:
    """The id columns the frame lacks; a file that looks wide is told to read as wide."""
    have = ", ".join(repr(c) for c in columns)
    problems = [
        Problem(
            f"column {col!r}",
            f"missing (columns: {have}); name the id columns with unit=/coder=",
        )
        for col in (unit, coder)
        if col not in columns
    ]
    if row_column is None and coder not in columns and unit in columns and len(columns) > 2:
        problems.append(
            Problem(
                "",
                f"the table has a {unit!r} column and no {coder!r} column: if it holds a row "
                "per unit and a column per coder, read it with layout='wide'",
            )
        )
    return problems


def normal_form(value: str, how: Normalization, separator: str) -> str:
    """A cell in the form ``how`` says: each code stripped (NFC, case-folded), empty ones dropped.

    The codes are the parts between ``separator``.

    Examples
    --------
    >>> normal_form(" Oppose ; x", Normalization.CASEFOLD, ";")
    'oppose;x'
    """

    def form(code: str) -> str:
        code = code.strip()
        if how is not Normalization.STRIP:
            code = unicodedata.normalize("NFC", code)
        return code.casefold() if how is Normalization.CASEFOLD else code

    return separator.join(part for part in (form(p) for p in value.split(separator)) if part)


# cells named one by one in a warning before the rest are counted
_SHOWN = 5


def warn_near_duplicates(distinct: Sequence[tuple[str, Sequence[str]]], source: str | None) -> None:
    """Warn of values of one variable that differ only in case, white space or Unicode form.

    ``distinct`` holds each variable's distinct values in the order first seen: a large
    table costs what its domain costs.
    """
    head = f"{source}: " if source else ""
    groups = [
        f"{variable!r}: {' / '.join(repr(v) for v in group)}"
        for variable, values in distinct
        if values
        for group in near_duplicates(values)
    ]
    if groups:
        shown = "; ".join(groups[:_SHOWN]) + (
            f"; and {len(groups) - _SHOWN} more" if len(groups) > _SHOWN else ""
        )
        warnings.warn(
            f"{head}values that differ only in letter case, white space or Unicode form count "
            f"as different values: {shown}; if they mean the same, read with "
            "normalize='strip' (white space), normalize='nfc' (also Unicode form) or "
            "normalize='casefold' (also letter case)",
            NearDuplicateValuesWarning,
            stacklevel=4,
        )


def warn_missing_lookalikes(
    distinct: Iterable[str],
    cells: Callable[[list[str]], pl.DataFrame],
    source: str | None,
) -> None:
    """Warn of cells read as values that other programs write for a missing value.

    For files, whose missing markers (``missing=``) decide what is missing. ``distinct``
    holds the distinct values; ``cells`` gives the cells (unit, variable, value, row, in the
    order of the long table) holding any of some values: only called when there are some.
    """
    head = f"{source}: " if source else ""
    lookalikes = sorted({v for v in distinct if looks_missing(v)})
    if lookalikes:
        found = cells(lookalikes)
        listed = [
            f"row {r}, column {v!r}: {x!r}" if r is not None else f"unit {u!r}, {v!r}: {x!r}"
            for u, v, x, r in found.select("unit", "variable", "value", "row").head(_SHOWN).rows()
        ]
        more = f" and {found.height - _SHOWN} more" if found.height > _SHOWN else ""
        markers = ", ".join(repr(v) for v in lookalikes)
        warnings.warn(
            f"{head}{found.height} cell(s) look like missing values but are read as values: "
            f"{'; '.join(listed)}{more}; if {markers} mean missing, add them to the missing "
            "markers (missing=)",
            MissingLookalikeWarning,
            stacklevel=4,
        )


def check_long(data: pl.DataFrame, source: str | None) -> None:
    """Raise for what a long table of codings (``CodingTable(data)``) cannot hold.

    Each row is one coding: no null unit, coder, variable or value, and no unit, coder and
    variable twice (placed in the coders x units array, the later row would replace the
    earlier one).
    """
    problems = _null_problems(data)
    if not problems:
        problems = _repeat_problems(data)
    if problems:
        raise DataError(problems, source=source)


def _null_problems(data: pl.DataFrame) -> list[Problem]:
    """The nulls of a long table's unit, coder, variable and value columns, column by column.

    (A null read as a value would be a code of its own or a value no coder gave.)
    """
    problems = []
    for name in ("unit", "coder", "variable", "value"):
        if name not in data.columns or not data.get_column(name).null_count():
            continue
        where = np.flatnonzero(data.get_column(name).is_null().to_numpy())
        shown = ", ".join(str(int(k)) for k in where[:_LISTED])
        more = f" and {where.size - _LISTED} more" if where.size > _LISTED else ""
        problems.append(
            Problem(
                f"column {name!r}",
                f"{where.size} null(s), at rows {shown}{more} of data (counted from 0); each "
                "row of CodingTable(data) is a coding: drop those rows "
                f"(data.drop_nulls({name!r})), or read a frame with one row per unit and "
                "coder with CodingTable.from_frame, where an empty cell is a missing value",
            )
        )
    return problems


def _distinct_hashes(data: pl.DataFrame, key: list[str]) -> bool:
    """Whether the rows' ``key`` columns hash to distinct 64-bit values (then rows differ)."""
    hashes = data.select(pl.struct(key).hash(_SEED)).to_series()
    return bool(hashes.n_unique() == hashes.len())


def _repeat_problems(data: pl.DataFrame) -> list[Problem]:
    """Rows of a long table that repeat a unit, coder and variable (the same row, or values)."""
    key = ["unit", "coder", "variable"]
    if data.height < 2 or any(k not in data.columns for k in key):
        return []
    # distinct 64-bit hashes of the rows prove distinct rows (one hash pass, any row order);
    # only when two hashes are equal are the rows compared, for the message
    if _distinct_hashes(data, key):
        return []
    repeated = data.select(pl.struct(key).is_duplicated()).to_series()
    if not repeated.any():
        return []  # two codings' hashes were equal: no repeat
    found = (
        data.with_row_index("\x00at")
        .filter(repeated)
        .group_by(key, maintain_order=True)
        .agg(pl.col("\x00at"), pl.col("value").n_unique().alias("\x00values"))
    )
    problems = []
    for unit, coder, variable, rows, values in found.head(_LISTED).iter_rows():
        what = (
            f"the same coding (unit {unit!r}, coder {coder!r}, variable {variable!r}) appears "
            f"{len(rows)} times; delete the repeats"
            if values == 1
            else f"coder {coder!r} gave unit {unit!r} {values} values of {variable!r}; keep one "
            "row per unit, coder and variable"
        )
        problems.append(Problem(f"rows {', '.join(map(str, rows))} of data (from 0)", what))
    if found.height > _LISTED:
        problems.append(Problem("", f"... and {found.height - _LISTED} more repeated codings"))
    return problems
