"""Adjudication: the flags sheet of a consensus, decided by a person, taken back.

:func:`apply_adjudication` checks every decision against the codebook, refuses decisions for
units that were not flagged, decisions given twice and ties left undecided, and returns the
final codings (one per unit and variable, coder ``consensus``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl

from statecode._consensus import SHEET_COLUMNS, TIE, ConsensusResult, consensus_table
from statecode._frames import to_polars
from statecode._typing import PathLike
from statecode._values import check_value
from statecode.exceptions import DataError, Problem
from statecode.io import read_table
from statecode.options import Normalization, parse_option
from statecode.table import CodingTable, normal_form

__all__ = ["apply_adjudication"]


def apply_adjudication(
    result: ConsensusResult,
    decisions: PathLike | Any,
    *,
    normalize: Normalization | str | None = None,
) -> CodingTable:
    """The final codings: the consensus with the adjudicator's decisions applied.

    Parameters
    ----------
    result : ConsensusResult
        What :func:`consensus` returned.
    decisions : str, path or DataFrame
        The resolved flags sheet: a table file (``.csv``, ``.tsv``, ``.parquet``, ``.jsonl``,
        read as text) or a polars or pandas DataFrame with the columns ``unit``,
        ``variable`` and ``decision`` (other columns, such as the coders' values, are
        ignored). Usually ``result.flags`` written out, filled in, and read back.
    normalize : {'strip', 'nfc', 'casefold'}, optional
        Make decisions that differ from a code only in white space (or Unicode form, or
        letter case) that code, as ``read_codings(normalize=)`` does; without it a decision
        is taken exactly as written.

    Returns
    -------
    CodingTable
        One coding per unit and variable, coder ``"consensus"``: the consensus value, or
        the decision where one is written. In the order of the input table.

    Raises
    ------
    DataError
        Listing every problem with its row (and the file): missing columns, a decision
        that is not a valid value of its variable (unknown code, several codes for a
        single-code variable, an exclusive code combined with others, a number out of
        range), a row for a unit and variable that is not flagged, a unit and variable
        decided twice, and every tie left without a decision.

    Notes
    -----
    An empty decision keeps the proposed value of a dissent row; every tie needs a
    decision. A decision may also overrule a dissent row's proposed value. Decisions are
    checked against the codebook of the consensus table, and multi-label decisions are
    rewritten with their codes in codebook order. Without a codebook, decisions are taken
    as written. Rows are numbered as a spreadsheet shows them (the first data row of a CSV
    file is row 2; of a DataFrame, row 1).

    Examples
    --------
    >>> import polars as pl
    >>> from statecode import CodingTable, consensus
    >>> wide = pl.DataFrame({"unit": ["s1", "s1"], "coder": ["a", "b"], "tone": ["neg", "pos"]})
    >>> result = consensus(CodingTable.from_frame(wide))
    >>> sheet = result.flags.with_columns(decision=pl.lit("neg"))
    >>> apply_adjudication(result, sheet).data.select("unit", "value").rows()
    [('s1', 'neg')]
    """
    frame, first, source = _read_sheet(decisions)
    table = result.codings
    problems: list[Problem] = []
    missing = [c for c in SHEET_COLUMNS if c not in frame.columns]
    if missing:
        have = ", ".join(repr(c) for c in frame.columns) or "(none)"
        problems.extend(
            Problem(
                f"column {c!r}",
                f"missing (columns: {have}); the sheet needs unit, variable and decision",
            )
            for c in missing
        )
        raise DataError(problems, source=source)
    flagged = {
        (u, v): (status, votes)
        for u, v, status, votes in result.flags.select(
            "unit", "variable", "status", "votes"
        ).iter_rows()
    }
    chosen: dict[tuple[str, str], str] = {}
    written: set[tuple[str, str]] = set()  # decided, validly or not
    seen: dict[tuple[str, str], int] = {}
    sheet = frame.select(
        pl.col("unit").cast(pl.String),
        pl.col("variable").cast(pl.String),
        pl.col("decision").cast(pl.String),
    )
    how = None if normalize is None else parse_option(Normalization, normalize, "normalize")
    for i, (unit, variable, decision) in enumerate(sheet.iter_rows()):
        row = first + i
        key = (unit or "", variable or "")
        text = decision or ""
        if how is not None:
            text = normal_form(text, how, table.separator)
        elif text and not text.strip():
            problems.append(
                Problem(
                    f"row {row}, column 'decision'",
                    "only white space: leave the cell empty to keep the proposed value, or "
                    "write the decision",
                )
            )
            continue
        if key not in flagged:
            if text:
                problems.append(
                    Problem(
                        f"row {row}",
                        f"unit {key[0]!r}, variable {key[1]!r} is not in the flags sheet; "
                        "decide only flagged units (to change others, edit the codings)",
                    )
                )
            continue
        if key in seen:
            problems.append(
                Problem(
                    f"row {row}",
                    f"unit {key[0]!r}, variable {key[1]!r} appears twice (first in row "
                    f"{seen[key]}); keep one row per unit and variable",
                )
            )
            continue
        seen[key] = row
        if not text:
            continue
        written.add(key)
        checked = _check_decision(table, key[1], text, f"row {row}, column 'decision'", problems)
        if checked is not None:
            chosen[key] = checked
    undecided = [
        (key, votes, seen.get(key))
        for key, (status, votes) in flagged.items()
        if status == TIE and key not in written
    ]
    for (unit, variable), votes, at in undecided:
        where = f"row {at}" if at is not None else ""
        problems.append(
            Problem(
                where,
                f"unit {unit!r}, variable {variable!r} is a tie ({votes}) without a decision; "
                "write the value in column 'decision'",
            )
        )
    if problems:
        raise DataError(problems, source=source)
    return _adjudicated(result, chosen)


def _read_sheet(decisions: PathLike | Any) -> tuple[pl.DataFrame, int, str | None]:
    if isinstance(decisions, str | os.PathLike):
        frame, first = read_table(Path(decisions))
        return frame, first, os.fspath(decisions)
    return to_polars(decisions), 1, None


def _check_decision(
    table: CodingTable, variable: str, text: str, where: str, problems: list[Problem]
) -> str | None:
    """The decision in canonical form, or None after recording why it is not valid."""
    if table.codebook is None or variable not in table.codebook:
        return text
    var = table.codebook[variable]
    canonical, message = check_value(var, text, table.separator)
    if message is None:
        return canonical
    if var.categories:
        message += f"; codes of {variable!r}: {', '.join(var.codes)}"
    problems.append(Problem(where, message))
    return None


def _adjudicated(result: ConsensusResult, chosen: dict[tuple[str, str], str]) -> CodingTable:
    table = result.codings
    values = {(u, v): x for u, v, x in table.data.select("unit", "variable", "value").iter_rows()}
    values.update(chosen)
    unit_rank = {u: i for i, u in enumerate(result.units)}
    var_rank = {v: i for i, v in enumerate(result.variables)}
    ordered = sorted(values, key=lambda k: (var_rank[k[1]], unit_rank[k[0]]))
    return consensus_table(((u, v, values[u, v]) for u, v in ordered), table)
