"""Consensus codings: one coding per unit and variable out of several coders' codings.

Once the codings are shown to be reliable, an analysis needs one value per statement. This
module derives it by a documented rule (:func:`consensus`), lists the units a person has to
look at (ties the rule cannot decide, and dissent it overrode) in a sheet with a ``decision``
column, and takes that sheet back (:func:`apply_adjudication`), checking every decision
against the codebook.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import polars as pl

from statecode.codebook import Variable
from statecode.exceptions import DataError, OptionError, Problem
from statecode.options import (
    ConsensusRule,
    TieHandling,
    find_member,
    parse_option,
)
from statecode.table import LONG_SCHEMA, CodingTable, coding_table

__all__ = [
    "CONSENSUS_CODER",
    "SHEET_COLUMNS",
    "TIE",
    "ConsensusResult",
    "ConsensusRule",
    "TieHandling",
    "consensus",
    "consensus_table",
]

#: The coder id of consensus codings.
CONSENSUS_CODER = "consensus"

#: Status of a flagged unit: the rule gives no value.
TIE = "tie"
#: Status of a flagged unit: the rule gives a value, but some coder gave another.
DISSENT = "dissent"

# columns of the flags sheet besides one column per coder
_FLAG_COLUMNS = ("unit", "variable", "status", "voters", "votes", "proposed", "decision")
#: The columns an adjudicated flags sheet must have.
SHEET_COLUMNS = ("unit", "variable", "decision")
_SHOWN = 20  # problems listed by name before "and N more"


@attrs.frozen(eq=False)
class ConsensusResult:
    """Consensus codings and the sheet of units an adjudicator resolves.

    Attributes
    ----------
    codings : CodingTable
        One coding per unit and variable that the rule decides, coder ``"consensus"``,
        with the codebook, source and separator of the input table. Ties are left out (they
        are missing until adjudicated); dissent is in, with the rule's value.
    flags : polars.DataFrame
        One row per tie or dissent: ``unit``, ``variable``, ``status`` (``"tie"`` or
        ``"dissent"``), one column per coder with that coder's value (null where the coder
        gave none), ``voters`` (coders with a value), ``votes`` (each code with the number
        of coders who chose it, most chosen first), ``proposed`` (the rule's value, null on
        a tie) and ``decision`` (empty, for the adjudicator). In the order of the input
        table (variables, then units).
    counts : polars.DataFrame
        Per variable: ``cells`` (units with at least one value), ``agreed`` (every coder
        with a value gave the same one), ``dissent`` and ``tie``.
    rule : str
        The rule, as ``"majority"``, ``"unanimous"`` or ``"coder:<id>"``.
    coders : tuple of str
        The coders of the input table, in order.
    units, variables : tuple of str
        The units and variables of the input table, in order (to order adjudicated tables).
    """

    codings: CodingTable
    flags: pl.DataFrame
    counts: pl.DataFrame
    rule: str
    coders: tuple[str, ...]
    units: tuple[str, ...] = attrs.field(repr=False)
    variables: tuple[str, ...] = attrs.field(repr=False)

    def __repr__(self) -> str:
        ties = int(self.counts["tie"].sum())
        dissent = int(self.counts["dissent"].sum())
        return (
            f"<ConsensusResult {self.rule}: {len(self.units)} units x {len(self.variables)} "
            f"variables by {len(self.coders)} coders; {ties} ties, {dissent} dissenting cells>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    @property
    def n_ties(self) -> int:
        """Units and variables the rule could not decide."""
        return int((self.flags["status"] == TIE).sum())

    @property
    def n_dissent(self) -> int:
        """Units and variables decided against at least one coder's value."""
        return int((self.flags["status"] == DISSENT).sum())

    @property
    def flags_sheet(self) -> pl.DataFrame:
        """``flags`` ready to write to any table file: list cells joined with ``;``."""
        return self.flags.with_columns(pl.col(pl.List(pl.String)).list.join(";"))


def _parse_rule(rule: ConsensusRule | str, coders: Sequence[str]) -> tuple[ConsensusRule, str]:
    """The rule and, for ``coder:<id>``, the reference coder (checked against the table)."""
    valid = "use one of 'majority', 'unanimous', 'coder:<id>' (e.g. 'coder:coder_a')"
    text = rule.value if isinstance(rule, ConsensusRule) else str(rule)
    name, colon, reference = text.partition(":")
    parsed = find_member(ConsensusRule, name.strip())
    if parsed is None:
        msg = f"rule={rule!r} is not valid; {valid}"
        raise OptionError(msg, option="rule")
    if parsed is not ConsensusRule.CODER:
        if colon:
            msg = f"rule={rule!r} is not valid; only the coder rule takes an id: {valid}"
            raise OptionError(msg, option="rule")
        return parsed, ""
    reference = reference.strip()
    if not reference:
        msg = f"rule={rule!r} names no coder; write 'coder:<id>' (coders: {', '.join(coders)})"
        raise OptionError(msg, option="rule")
    if reference not in coders:
        hint = difflib.get_close_matches(reference, coders, n=1)
        maybe = f"; did you mean {hint[0]!r}?" if hint else ""
        listed = ", ".join(coders)
        msg = f"rule={rule!r}: no coder {reference!r} in the codings (coders: {listed}){maybe}"
        raise DataError(msg)
    return parsed, reference


class _Voting:
    """How the values of one variable are compared, counted and written back."""

    def __init__(self, var: Variable | None, separator: str) -> None:
        self.var = var
        self.separator = separator
        self.multi = var is not None and var.multi_label
        self.numeric = var is not None and not var.categories
        codes = var.codes if var is not None else ()
        self.order = {c: i for i, c in enumerate(codes)}

    def key(self, text: str) -> Any:
        """What counts as the same value: a set of codes, a number, or the text."""
        if self.multi:
            return frozenset(text.split(self.separator))
        if self.numeric:
            try:
                return float(text)
            except ValueError:
                return text
        return text

    def text(self, key: Any, examples: dict[Any, str]) -> str:
        """A value's text: codes in codebook order, or the first text a coder wrote."""
        if self.multi:
            return self.separator.join(sorted(key, key=lambda c: (self.order.get(c, 1 << 30), c)))
        return examples[key]

    def votes(self, keys: Sequence[Any], examples: dict[Any, str]) -> str:
        """Each code (each value) with the number of coders who chose it, most first."""
        if self.multi:
            counts: Counter[Any] = Counter(code for k in keys for code in k)
            names = {c: c for c in counts}
        else:
            counts = Counter(keys)
            names = {k: examples[k] for k in counts}
        ranked = sorted(
            counts, key=lambda k: (-counts[k], self.order.get(names[k], 1 << 30), names[k])
        )
        return ", ".join(f"{names[k]} {counts[k]}" for k in ranked)

    def decide(
        self, rule: ConsensusRule, keys: Sequence[Any], coders: Sequence[str], reference: str
    ) -> Any:
        """The rule's value (a key), or None when the rule does not decide."""
        if rule is ConsensusRule.CODER:
            return keys[coders.index(reference)] if reference in coders else None
        if rule is ConsensusRule.UNANIMOUS:
            return keys[0] if len(set(keys)) == 1 else None
        voters = len(keys)
        if self.multi:
            per_code: Counter[str] = Counter(code for k in keys for code in k)
            if any(2 * n == voters for n in per_code.values()):
                return None  # a code chosen by exactly half: the rule cannot decide it
            chosen = frozenset(c for c, n in per_code.items() if 2 * n > voters)
            return chosen or None
        value, n = Counter(keys).most_common(1)[0]
        return value if 2 * n > voters else None


def consensus(
    table: CodingTable,
    *,
    rule: ConsensusRule | str = ConsensusRule.MAJORITY,
    ties: TieHandling | str = TieHandling.FLAG,
) -> ConsensusResult:
    r"""One coding per unit and variable from several coders, and the cases to adjudicate.

    Parameters
    ----------
    table : CodingTable or DataFrame
        The coders' codings (one row per unit, coder and variable with a value), or a polars
        or pandas frame with ``unit``, ``coder`` and one column per variable.
    rule : {'majority', 'unanimous', 'coder:<id>'}
        ``majority``: the value more than half of the unit's coders chose (see Notes for
        multi-label variables). ``unanimous``: the value every coder of the unit chose.
        ``coder:<id>``: the value of coder ``<id>`` (e.g. the lead coder), the others'
        values shown as dissent.
    ties : {'flag', 'error'}
        What to do with a unit the rule does not decide: ``flag`` leaves it out of the
        codings and lists it in ``flags`` with status ``"tie"``; ``error`` raises.

    Returns
    -------
    ConsensusResult
        The consensus codings (coder ``"consensus"``), the flags sheet to adjudicate, and
        counts per variable.

    Raises
    ------
    ValueError
        If ``rule`` or ``ties`` is not one of the choices.
    DataError
        If the coder of ``coder:<id>`` is not in the table, a coder id is the name of a flags
        column, or (with ``ties='error'``) a unit is tied: every tie is listed.

    Notes
    -----
    **Who votes.** The voters of a unit and variable are the coders with a value for it. A
    coder who left the cell empty (missing) does not vote, so three coders of whom one is
    missing decide by two votes. A unit no coder gave a value stays missing.

    **Majority.** For a single-code (or numeric) variable, the consensus is the value
    :math:`v` with :math:`n_v > n/2`, where :math:`n` is the number of voters and
    :math:`n_v` the number who chose :math:`v` (a strict majority, not a plurality: with
    four coders, 2-1-1 is a tie). Numbers are compared as numbers (``2`` equals ``2.0``).

    For a multi-label variable the rule is applied to each code: code :math:`c` is in the
    consensus set when :math:`n_c > n/2` coders included it. A multi-label cell is a series
    of present/absent decisions, one per code, and coders are instructed that way ("assign
    every code that applies"); voting per code keeps every code most coders saw, where a vote
    over whole sets would leave ``{a, b}``, ``{a}``, ``{a, c}`` undecided although all three
    coders chose ``a``. It is also the unit of the later comparison, which counts codes,
    not sets. The unit is a tie when some code is chosen by exactly half of the voters, or
    when no code reaches a majority (no set would be left). The result never combines an
    exclusive code with another, since a coder who chose an exclusive code chose no other:
    :math:`n_\text{none} + n_c \le n`, so both cannot exceed :math:`n/2`.

    **Dissent** is a unit the rule decides while some voter gave another value (another set,
    for multi-label variables). It is kept in the codings and flagged, so the adjudicator
    can confirm or change it. Units where all voters agree are not flagged.

    **Values** are written as in the input table; sets list their codes in codebook order.
    Without a codebook every value is one code (a cell ``"a;b"`` is its own value).

    Examples
    --------
    >>> import polars as pl
    >>> from statecode import CodingTable
    >>> wide = pl.DataFrame({"unit": ["s1", "s1", "s1"], "coder": ["a", "b", "c"],
    ...                      "tone": ["neg", "neg", "pos"]})
    >>> result = consensus(CodingTable.from_frame(wide))
    >>> result.codings.data.select("unit", "coder", "value").rows()
    [('s1', 'consensus', 'neg')]
    >>> result.flags.select("unit", "status", "votes", "proposed").rows()
    [('s1', 'dissent', 'neg 2, pos 1', 'neg')]
    """
    table = coding_table(table, "table", "", " (read_codings, CodingTable.from_frame)")
    coders = table.coders
    parsed, reference = _parse_rule(rule, coders)
    on_tie = parse_option(TieHandling, ties, "ties")
    clashes = [c for c in coders if c in _FLAG_COLUMNS]
    if clashes:
        msg = (
            f"coder id(s) {', '.join(repr(c) for c in clashes)} are names of columns of the "
            f"flags sheet ({', '.join(_FLAG_COLUMNS)}); rename the coder(s)"
        )
        raise DataError(msg, source=table.source)
    units, variables = table.units, table.variables
    unit_rank = {u: i for i, u in enumerate(units)}
    var_rank = {v: i for i, v in enumerate(variables)}
    grouped = table.data.group_by("variable", "unit", maintain_order=True).agg(
        pl.col("coder"), pl.col("value"), pl.col("value").n_unique().alias("distinct")
    )
    # one text written by every voter is agreement under any rule (if the reference coder
    # voted): only the other cells need a vote in Python
    same = pl.col("distinct") == 1
    if parsed is ConsensusRule.CODER:
        same = same & pl.col("coder").list.contains(reference)
    agreed = grouped.filter(same).select(
        "variable", "unit", pl.col("value").list.first().alias("value")
    )
    groups = grouped.filter(~same).select("variable", "unit", "coder", "value").rows()
    groups.sort(key=lambda g: (var_rank[g[0]], unit_rank[g[1]]))
    voting = {v: _Voting(_variable(table, v), table.separator) for v in variables}
    decided = list(agreed.select("unit", "variable", "value").iter_rows())
    flagged: list[dict[str, Any]] = []
    tally = {v: Counter[str]() for v in variables}
    for variable, n in agreed.group_by("variable").len().iter_rows():
        tally[variable]["cells"] += n
        tally[variable]["agreed"] += n
    for variable, unit, group_coders, texts in groups:
        vote = voting[variable]
        keys = [vote.key(t) for t in texts]
        examples: dict[Any, str] = {}
        for k, t in zip(keys, texts, strict=True):
            examples.setdefault(k, t)
        chosen = vote.decide(parsed, keys, group_coders, reference)
        tally[variable]["cells"] += 1
        if chosen is not None and all(k == chosen for k in keys):
            # equal values written differently (2 and 2.0; a set in another order)
            tally[variable]["agreed"] += 1
            decided.append((unit, variable, vote.text(chosen, examples)))
            continue
        status = TIE if chosen is None else DISSENT
        tally[variable][status] += 1
        proposed = None if chosen is None else vote.text(chosen, examples)
        if proposed is not None:
            decided.append((unit, variable, proposed))
        by_coder = dict(zip(group_coders, texts, strict=True))
        flagged.append(
            {
                "unit": unit,
                "variable": variable,
                "status": status,
                **{c: by_coder.get(c) for c in coders},
                "voters": len(keys),
                "votes": vote.votes(keys, examples),
                "proposed": proposed,
                "decision": None,
            }
        )
    decided.sort(key=lambda d: (var_rank[d[1]], unit_rank[d[0]]))
    flags = pl.DataFrame(
        flagged,
        schema={
            "unit": pl.String,
            "variable": pl.String,
            "status": pl.String,
            **dict.fromkeys(coders, pl.String),
            "voters": pl.Int64,
            "votes": pl.String,
            "proposed": pl.String,
            "decision": pl.String,
        },
        orient="row",
    )
    if on_tie is TieHandling.ERROR:
        _raise_ties(flags, table.source)
    counts = pl.DataFrame(
        [
            (v, tally[v]["cells"], tally[v]["agreed"], tally[v][DISSENT], tally[v][TIE])
            for v in variables
        ],
        schema={
            "variable": pl.String,
            "cells": pl.Int64,
            "agreed": pl.Int64,
            "dissent": pl.Int64,
            "tie": pl.Int64,
        },
        orient="row",
    )
    return ConsensusResult(
        codings=consensus_table(decided, table),
        flags=flags,
        counts=counts,
        rule=f"coder:{reference}" if parsed is ConsensusRule.CODER else parsed.value,
        coders=coders,
        units=units,
        variables=variables,
    )


def _variable(table: CodingTable, name: str) -> Variable | None:
    if table.codebook is None or name not in table.codebook:
        return None
    return table.codebook[name]


def _raise_ties(flags: pl.DataFrame, source: str | None) -> None:
    tied = flags.filter(pl.col("status") == TIE).select("unit", "variable", "votes").rows()
    if not tied:
        return
    problems = [
        Problem(
            f"unit {u!r}, variable {v!r}",
            f"tie ({votes}); use ties='flag' and decide it in the flags sheet, or another rule",
        )
        for u, v, votes in tied[:_SHOWN]
    ]
    if len(tied) > _SHOWN:
        problems.append(Problem("", f"and {len(tied) - _SHOWN} more tie(s)"))
    raise DataError(problems, source=source)


def consensus_table(rows: Iterable[tuple[str, str, str]], table: CodingTable) -> CodingTable:
    """Rows of (unit, variable, value) as a coding table of the consensus coder."""
    units, variables, values = [], [], []
    for unit, variable, value in rows:
        units.append(unit)
        variables.append(variable)
        values.append(value)
    data = pl.DataFrame(
        {
            "unit": units,
            "coder": [CONSENSUS_CODER] * len(units),
            "variable": variables,
            "value": values,
            "row": [None] * len(units),
        },
        schema=LONG_SCHEMA,
    )
    return CodingTable(
        data, codebook=table.codebook, source=table.source, separator=table.separator
    )
