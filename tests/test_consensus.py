"""Consensus codings: the rules on hand-made ties, flags, adjudication, the shipped example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import statecode as sc
from statecode import (
    Category,
    Codebook,
    CodingTable,
    ConsensusResult,
    DataError,
    Variable,
    apply_adjudication,
    consensus,
)
from statecode.options import ConsensusRule, TieHandling
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"

BOOK = Codebook(
    name="mini",
    variables=(
        Variable(
            name="demand",
            level="nominal",
            multi_label=True,
            categories=(
                Category("x"),
                Category("y"),
                Category("z"),
                Category("none", exclusive=True),
            ),
        ),
        Variable(
            name="blame",
            level="nominal",
            categories=(Category("p"), Category("q"), Category("none")),
        ),
        Variable(
            name="level",
            level="ordinal",
            categories=(Category("0"), Category("1"), Category("2")),
            order=("0", "1", "2"),
        ),
        Variable(name="score", level="interval", minimum=0, maximum=10),
    ),
)


def _table(rows: list[tuple[str, str, str | None, str | None, str | None]]) -> CodingTable:
    """A table of (unit, coder, demand, blame, level) rows, checked against BOOK."""
    frame = pl.DataFrame(rows, schema=["unit", "coder", "demand", "blame", "level"], orient="row")
    return CodingTable.from_frame(frame, codebook=BOOK)


def _flags(rows: list[dict[str, Any]], coders: tuple[str, ...]) -> pl.DataFrame:
    schema = {
        "unit": pl.String,
        "variable": pl.String,
        "status": pl.String,
        **dict.fromkeys(coders, pl.String),
        "voters": pl.Int64,
        "votes": pl.String,
        "proposed": pl.String,
        "decision": pl.String,
    }
    return (
        pl.DataFrame([{**r, "decision": None} for r in rows], schema=schema, orient="row")
        if rows
        else pl.DataFrame(schema=schema)
    )


def _values(table: CodingTable) -> dict[tuple[str, str], str]:
    assert set(table.data["coder"].to_list()) <= {"consensus"}
    return {(u, v): x for u, v, x in table.data.select("unit", "variable", "value").iter_rows()}


# --------------------------------------------------------------------------------------------
# the majority rule on hand-made cases

THREE = _table(
    [
        # s1: all agree
        ("s1", "a", "x;y", "p", "1"),
        ("s1", "b", "x;y", "p", "1"),
        ("s1", "c", "x;y", "p", "1"),
        # s2: demand per code x 3, y 2, z 1 -> {x, y}; blame 2-1 -> p; level 1-1-1 -> tie
        ("s2", "a", "x;y", "p", "0"),
        ("s2", "b", "x;y;z", "p", "1"),
        ("s2", "c", "x", "q", "2"),
        # s3: demand x 1, y 1, none 1 -> nothing reaches a majority: tie; c gave no blame
        ("s3", "a", "x", "q", None),
        ("s3", "b", "y", "p", "2"),
        ("s3", "c", "none", None, "2"),
    ]
)


def test_majority_decides_by_strict_majority_and_per_code() -> None:
    result = consensus(THREE)
    assert _values(result.codings) == {
        ("s1", "demand"): "x;y",
        ("s2", "demand"): "x;y",
        ("s1", "blame"): "p",
        ("s2", "blame"): "p",
        ("s1", "level"): "1",
        ("s3", "level"): "2",
    }
    expected = _flags(
        [
            {
                "unit": "s2",
                "variable": "demand",
                "status": "dissent",
                "a": "x;y",
                "b": "x;y;z",
                "c": "x",
                "voters": 3,
                "votes": "x 3, y 2, z 1",
                "proposed": "x;y",
            },
            {
                "unit": "s3",
                "variable": "demand",
                "status": "tie",
                "a": "x",
                "b": "y",
                "c": "none",
                "voters": 3,
                "votes": "x 1, y 1, none 1",
                "proposed": None,
            },
            {
                "unit": "s2",
                "variable": "blame",
                "status": "dissent",
                "a": "p",
                "b": "p",
                "c": "q",
                "voters": 3,
                "votes": "p 2, q 1",
                "proposed": "p",
            },
            {
                # two voters (c gave no value), one each: a tie
                "unit": "s3",
                "variable": "blame",
                "status": "tie",
                "a": "q",
                "b": "p",
                "c": None,
                "voters": 2,
                "votes": "p 1, q 1",
                "proposed": None,
            },
            {
                "unit": "s2",
                "variable": "level",
                "status": "tie",
                "a": "0",
                "b": "1",
                "c": "2",
                "voters": 3,
                "votes": "0 1, 1 1, 2 1",
                "proposed": None,
            },
            # s3 level: a missing, b and c agree on 2 -> agreed, not flagged
        ],
        ("a", "b", "c"),
    )
    assert_frame_equal(result.flags, expected)
    assert result.counts.rows() == [
        ("demand", 3, 1, 1, 1),
        ("blame", 3, 1, 1, 1),
        ("level", 3, 2, 0, 1),
    ]
    assert (result.n_ties, result.n_dissent) == (3, 2)
    assert result.rule == "majority"
    assert result.coders == ("a", "b", "c")
    assert result.codings.codebook is BOOK
    assert result.codings.data["row"].null_count() == len(result.codings)


FOUR = _table(
    [
        # blame 2-2: tie; level 2-1-1: a plurality, not a majority: tie
        ("s1", "a", "x", "p", "0"),
        ("s1", "b", "x", "p", "0"),
        ("s1", "c", "x;y", "q", "1"),
        ("s1", "d", "x;y", "q", "2"),
        # blame 3-1: dissent; demand: y chosen by exactly half -> tie
        ("s2", "a", "x", "p", "1"),
        ("s2", "b", "x;y", "p", "1"),
        ("s2", "c", "x;y", "p", "1"),
        ("s2", "d", "x", "q", "1"),
    ]
)


def test_majority_with_four_coders_is_strict() -> None:
    result = consensus(FOUR)
    flags = result.flags.select("unit", "variable", "status", "votes", "proposed").rows()
    assert flags == [
        ("s1", "demand", "tie", "x 4, y 2", None),
        ("s2", "demand", "tie", "x 4, y 2", None),
        ("s1", "blame", "tie", "p 2, q 2", None),
        ("s2", "blame", "dissent", "p 3, q 1", "p"),
        ("s1", "level", "tie", "0 2, 1 1, 2 1", None),
    ]
    assert _values(result.codings) == {("s2", "blame"): "p", ("s2", "level"): "1"}


def test_unanimous_rule_makes_every_disagreement_a_tie() -> None:
    result = consensus(THREE, rule="unanimous")
    assert result.rule == "unanimous"
    assert result.flags.select("unit", "variable", "status", "proposed").rows() == [
        ("s2", "demand", "tie", None),
        ("s3", "demand", "tie", None),
        ("s2", "blame", "tie", None),
        ("s3", "blame", "tie", None),
        ("s2", "level", "tie", None),
    ]
    assert _values(result.codings) == {
        ("s1", "demand"): "x;y",
        ("s1", "blame"): "p",
        ("s1", "level"): "1",
        ("s3", "level"): "2",  # the two voters agree
    }


def test_coder_rule_takes_the_reference_coder_and_flags_the_others() -> None:
    result = consensus(THREE, rule="coder:c")
    assert result.rule == "coder:c"
    assert result.flags.select("unit", "variable", "status", "votes", "proposed").rows() == [
        ("s2", "demand", "dissent", "x 3, y 2, z 1", "x"),
        ("s3", "demand", "dissent", "x 1, y 1, none 1", "none"),
        ("s2", "blame", "dissent", "p 2, q 1", "q"),
        # c gave no blame for s3: the rule cannot decide
        ("s3", "blame", "tie", "p 1, q 1", None),
        ("s2", "level", "dissent", "0 1, 1 1, 2 1", "2"),
    ]
    assert _values(result.codings)[("s2", "blame")] == "q"
    # the same with the enum and a coder id that equals a coder's
    same = consensus(THREE, rule="CODER: c")
    assert_frame_equal(same.flags, result.flags)


def test_ties_error_lists_every_tie() -> None:
    with pytest.raises(DataError) as exc:
        consensus(THREE, ties="error")
    assert str(exc.value) == (
        "3 problems:\n"
        "  unit 's3', variable 'demand': tie (x 1, y 1, none 1); use ties='flag' and decide "
        "it in the flags sheet, or another rule\n"
        "  unit 's3', variable 'blame': tie (p 1, q 1); use ties='flag' and decide it in the "
        "flags sheet, or another rule\n"
        "  unit 's2', variable 'level': tie (0 1, 1 1, 2 1); use ties='flag' and decide it in "
        "the flags sheet, or another rule"
    )
    # without ties, 'error' changes nothing
    agreed = _table(
        [("s1", "a", "x", "p", "1"), ("s1", "b", "x", "q", "1"), ("s1", "c", "x", "p", "1")]
    )
    result = consensus(agreed, ties=TieHandling.ERROR)
    assert result.flags["status"].to_list() == ["dissent"]


def test_numbers_are_compared_as_numbers() -> None:
    frame = pl.DataFrame(
        {"unit": ["s1", "s1", "s1"], "coder": ["a", "b", "c"], "score": ["2", "2.0", "3"]}
    )
    result = consensus(CodingTable.from_frame(frame, codebook=BOOK))
    assert _values(result.codings) == {("s1", "score"): "2"}
    assert result.flags.select("status", "votes").rows() == [("dissent", "2 2, 3 1")]


def test_without_a_codebook_every_value_is_one_code() -> None:
    frame = pl.DataFrame(
        {"unit": ["s1", "s1", "s1"], "coder": ["a", "b", "c"], "tags": ["x;y", "y;x", "x;y"]}
    )
    result = consensus(CodingTable.from_frame(frame))
    assert result.flags.select("status", "votes", "proposed").rows() == [
        ("dissent", "x;y 2, y;x 1", "x;y")
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "majorty",
            "rule='majorty' is not valid; use one of 'majority', 'unanimous', 'coder:<id>' "
            "(e.g. 'coder:coder_a')",
        ),
        (
            "majority:a",
            "rule='majority:a' is not valid; only the coder rule takes an id: use one of "
            "'majority', 'unanimous', 'coder:<id>' (e.g. 'coder:coder_a')",
        ),
        ("coder", "rule='coder' names no coder; write 'coder:<id>' (coders: a, b, c)"),
        (
            ConsensusRule.CODER,
            "rule=<ConsensusRule.CODER: 'coder'> names no coder; write "
            "'coder:<id>' (coders: a, b, c)",
        ),
    ],
)
def test_rule_errors(rule: Any, message: str) -> None:
    with pytest.raises(ValueError) as exc:  # noqa: PT011 (the message is compared whole)
        consensus(THREE, rule=rule)
    assert str(exc.value) == message
    assert not isinstance(exc.value, DataError)


def test_unknown_reference_coder_is_a_data_error_with_a_hint() -> None:
    with pytest.raises(DataError) as exc:
        consensus(THREE, rule="coder:aa")
    assert str(exc.value) == (
        "rule='coder:aa': no coder 'aa' in the codings (coders: a, b, c); did you mean 'a'?"
    )


def test_ties_option_error() -> None:
    with pytest.raises(ValueError) as exc:  # noqa: PT011 (the message is compared whole)
        consensus(THREE, ties="ask")
    assert str(exc.value) == "ties='ask' is not valid; use one of 'flag', 'error'"


def test_coder_named_like_a_flags_column_is_refused() -> None:
    table = _table([("s1", "decision", "x", "p", "1"), ("s1", "b", "x", "p", "1")])
    with pytest.raises(DataError) as exc:
        consensus(table)
    assert str(exc.value) == (
        "coder id(s) 'decision' are names of columns of the flags sheet (unit, variable, "
        "status, voters, votes, proposed, decision); rename the coder(s)"
    )


# --------------------------------------------------------------------------------------------
# consensus of identical coders is their coding

CODES = {"demand": ["x", "y", "z"], "blame": ["p", "q", "none"], "level": ["0", "1", "2"]}


@st.composite
def one_coding(draw: st.DrawFn) -> list[tuple[str, str | None, str | None, str | None]]:
    """One coder's codings of 1-6 units; any cell may be missing."""
    rows = []
    for i in range(draw(st.integers(1, 6))):
        demand: str | None
        if draw(st.booleans()):
            demand = "none"
        else:
            chosen = draw(st.sets(st.sampled_from(CODES["demand"]), min_size=1))
            demand = ";".join(c for c in CODES["demand"] if c in chosen)
        cells = [
            demand,
            draw(st.sampled_from(CODES["blame"])),
            draw(st.sampled_from(CODES["level"])),
        ]
        cells = [None if draw(st.integers(0, 5)) == 0 else c for c in cells]
        rows.append((f"u{i}", *cells))
    return rows


@given(
    coding=one_coding(),
    coders=st.integers(1, 4),
    rule=st.sampled_from(["majority", "unanimous", "coder:c0"]),
)
def test_consensus_of_identical_coders_is_their_coding(
    coding: list[tuple[str, str | None, str | None, str | None]], coders: int, rule: str
) -> None:
    rows = [(u, f"c{k}", d, b, lv) for k in range(coders) for u, d, b, lv in coding]
    if all(d is None and b is None and lv is None for _, _, d, b, lv in rows):
        rows[0] = (rows[0][0], "c0", "none", None, None)
        coding[0] = (coding[0][0], "none", None, None)
    table = _table(rows)
    result = consensus(table, rule=rule)
    single = _table([(u, "c0", d, b, lv) for u, d, b, lv in coding])
    assert _values(result.codings) == {
        (u, v): x for u, v, x in single.data.select("unit", "variable", "value").iter_rows()
    }
    assert result.flags.height == 0
    assert result.counts["cells"].to_list() == result.counts["agreed"].to_list()


# --------------------------------------------------------------------------------------------
# adjudication


def _sheet(result: ConsensusResult, decisions: dict[tuple[str, str], str]) -> pl.DataFrame:
    return result.flags.with_columns(
        decision=pl.struct("unit", "variable").map_elements(
            lambda r: decisions.get((r["unit"], r["variable"])), return_dtype=pl.String
        )
    )


def test_adjudication_round_trip_through_a_csv_file(tmp_path: Path) -> None:
    result = consensus(THREE)
    path = tmp_path / "flags.csv"
    decided = {
        ("s3", "demand"): "y ; x",  # spaces and codebook order are normalised
        ("s3", "blame"): "q",
        ("s2", "level"): "1",
        ("s2", "blame"): "q",  # overrules the majority
    }
    _sheet(result, decided).write_csv(path)
    with pytest.raises(DataError, match=r"unknown code 'y ' for 'demand'; it differs from 'y' "):
        apply_adjudication(result, path)  # decisions are read as written
    final = apply_adjudication(result, path, normalize="strip")
    assert _values(final) == {
        ("s1", "demand"): "x;y",
        ("s2", "demand"): "x;y",  # dissent without a decision keeps the proposed value
        ("s3", "demand"): "x;y",
        ("s1", "blame"): "p",
        ("s2", "blame"): "q",
        ("s3", "blame"): "q",
        ("s1", "level"): "1",
        ("s2", "level"): "1",
        ("s3", "level"): "2",
    }
    # in the order of the input table: variables, then units
    assert final.data.select("variable", "unit").rows() == [
        (v, u) for v in ("demand", "blame", "level") for u in ("s1", "s2", "s3")
    ]
    assert final.codebook is BOOK
    assert final.coders == ("consensus",)


def test_adjudication_from_a_data_frame_with_only_the_needed_columns() -> None:
    result = consensus(THREE)
    sheet = pl.DataFrame(
        {
            "unit": ["s3", "s3", "s2"],
            "variable": ["demand", "blame", "level"],
            "decision": ["none", "p", "0"],
        }
    )
    final = apply_adjudication(result, sheet)
    values = _values(final)
    assert (values["s3", "demand"], values["s3", "blame"], values["s2", "level"]) == (
        "none",
        "p",
        "0",
    )


def test_adjudication_errors_name_file_row_column_value_and_fix(tmp_path: Path) -> None:
    result = consensus(THREE)
    path = tmp_path / "decisions.csv"
    path.write_text(
        "unit,variable,decision\n"
        "s3,demand,x;none\n"  # row 2: exclusive code combined
        "s3,blame,pp\n"  # row 3: unknown code
        "s2,level,\n"  # row 4: a tie left undecided
        "s1,blame,q\n"  # row 5: not flagged
        "s3,blame,q\n"  # row 6: decided twice
        "s2,demand,x;y\n",  # row 7: fine
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        apply_adjudication(result, path)
    assert exc.value.source == str(path)
    assert [str(p) for p in exc.value.problems] == [
        "row 2, column 'decision': code 'none' of 'demand' cannot be combined with other "
        "codes; codes of 'demand': x, y, z, none",
        "row 3, column 'decision': unknown code 'pp' for 'blame'; did you mean 'p'?; codes of "
        "'blame': p, q, none",
        "row 5: unit 's1', variable 'blame' is not in the flags sheet; decide only flagged "
        "units (to change others, edit the codings)",
        "row 6: unit 's3', variable 'blame' appears twice (first in row 3); keep one row per "
        "unit and variable",
        "row 4: unit 's2', variable 'level' is a tie (0 1, 1 1, 2 1) without a decision; "
        "write the value in column 'decision'",
    ]
    assert str(exc.value).startswith(f"{path}: 5 problems:\n  row 2, column 'decision': ")


def test_adjudication_lists_ties_missing_from_the_sheet() -> None:
    result = consensus(THREE)
    sheet = pl.DataFrame({"unit": ["s3"], "variable": ["demand"], "decision": ["x"]})
    with pytest.raises(DataError) as exc:
        apply_adjudication(result, sheet)
    assert str(exc.value) == (
        "2 problems:\n"
        "  unit 's3', variable 'blame' is a tie (p 1, q 1) without a decision; write the "
        "value in column 'decision'\n"
        "  unit 's2', variable 'level' is a tie (0 1, 1 1, 2 1) without a decision; write the "
        "value in column 'decision'"
    )


def test_adjudication_sheet_needs_its_columns() -> None:
    result = consensus(THREE)
    with pytest.raises(DataError) as exc:
        apply_adjudication(result, pl.DataFrame({"unit": ["s3"], "value": ["x"]}))
    assert [str(p) for p in exc.value.problems] == [
        "column 'variable': missing (columns: 'unit', 'value'); the sheet needs unit, "
        "variable and decision",
        "column 'decision': missing (columns: 'unit', 'value'); the sheet needs unit, "
        "variable and decision",
    ]


def test_adjudication_without_a_codebook_takes_decisions_as_written() -> None:
    frame = pl.DataFrame({"unit": ["s1", "s1"], "coder": ["a", "b"], "tone": ["neg", "pos"]})
    result = consensus(CodingTable.from_frame(frame))
    sheet = result.flags.with_columns(decision=pl.lit("mixed"))
    assert _values(apply_adjudication(result, sheet)) == {("s1", "tone"): "mixed"}


# --------------------------------------------------------------------------------------------
# the shipped example


def test_example_consensus_by_majority() -> None:
    table = sc.read_codings(EXAMPLE, codebook=sc.read_codebook("readouts"))
    result = consensus(table)
    # read off codings.csv: every disagreement of the three coders is 2 against 1 (or, in
    # kr07, one coder missing), so the majority decides everything and nothing is tied
    assert result.n_ties == 0
    assert result.flags.select("unit", "variable", "proposed").rows() == [
        ("kr04", "precondition", "root_causes;security_guarantees"),
        ("kr05", "precondition", "verification"),
        ("kr06", "blame_target", "none"),
        ("kr09", "blame_target", "none"),
        ("wh04", "blame_target", "unspecified"),
        ("kr06", "blame_intensity", "0"),
        ("kr09", "blame_intensity", "0"),
        ("kr02", "humanitarian_issue", "none"),
        ("kr10", "humanitarian_issue", "torture_detainees"),
        ("wh03", "humanitarian_issue", "none"),
        ("kr06", "ceasefire_scope", "full"),
        ("wh05", "ceasefire_scope", "full"),
        ("wh06", "ceasefire_scope", "full"),
        ("kr16", "cooperation", "economic;energy;general_relations"),
        ("wh09", "cooperation", "third_regions"),
        ("kr11", "party_status", "party"),
        ("kr13", "party_status", "object"),
    ]
    assert set(result.flags["status"].to_list()) == {"dissent"}
    assert result.counts["cells"].to_list() == [28] * 7
    values = _values(result.codings)
    assert len(values) == 28 * 7
    # coder_b left party_status of kr07 empty; the two others agree on 'object'
    assert values["kr07", "party_status"] == "object"
    kr07 = result.flags.filter(pl.col("unit") == "kr07")
    assert kr07.height == 0
