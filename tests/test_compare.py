"""Comparing accounts: hand-computed tables, properties, errors, the shipped example, figures."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from scipy.stats import fisher_exact

import statecode as sc
from statecode import (
    Category,
    Codebook,
    CodingTable,
    Comparison,
    Corpus,
    DataError,
    DegenerateDataWarning,
    Document,
    InputFileError,
    Statement,
    Variable,
    compare_accounts,
    consensus,
    plot_accounts,
)
from statecode.compare._tests import holm
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts"

BOOK = Codebook(
    name="mini",
    variables=(
        Variable(
            name="demand",
            level="nominal",
            multi_label=True,
            categories=(
                Category("x", label="Demand x"),
                Category("y", label="Demand y"),
                Category("z", label="Demand z"),
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
    ),
)

# (event, account, document, statement, demand, blame, level); None = not coded
CODED: list[tuple[str, str, str, str, str | None, str | None, str | None]] = [
    ("e1", "A", "a1", "a1", "x;y", "p", "2"),
    ("e1", "A", "a1", "a2", "x", "none", "0"),
    ("e1", "A", "a1", "a3", "none", "p", "1"),
    ("e1", "A", "a1", "a4", "none", "none", "0"),
    ("e1", "B", "b1", "b1", "y", "q", "1"),
    ("e1", "B", "b1", "b2", "none", "none", "0"),
    ("e1", "B", "b1", "b3", "none", None, "0"),
    ("e2", "A", "a2", "a5", "x", "p", "1"),
    ("e2", "A", "a2", "a6", "none", "none", "0"),
    ("e2", "B", "b2", "b4", "x", "none", "0"),
    ("e2", "C", "c2", "c1", "y", "p", "2"),
    ("e2", "C", "c2", "c2", "none", "none", "0"),
]


def _corpus(rows: Sequence[tuple[Any, ...]], **metadata: dict[str, str]) -> Corpus:
    """Documents whose texts are their statements' texts joined by spaces."""
    docs: dict[str, tuple[str, str, list[str]]] = {}
    for event, account, document, statement, *_ in rows:
        docs.setdefault(document, (event, account, []))[2].append(statement)
    documents, statements = [], []
    for doc_id, (event, account, ids) in docs.items():
        texts = [f"Statement {s} of {account}." for s in ids]
        doc = Document(
            id=doc_id,
            text=" ".join(texts),
            title=f"Readout {doc_id}",
            source=account,
            event=event,
            metadata=metadata.get(doc_id, {}),
        )
        documents.append(doc)
        start = 0
        for s, text in zip(ids, texts, strict=True):
            statements.append(doc.statement(s, start, start + len(text)))
            start += len(text) + 1
    return Corpus(documents=tuple(documents), statements=tuple(statements))


def _codings(rows: Sequence[tuple[Any, ...]], book: Codebook | None = BOOK) -> CodingTable:
    frame = pl.DataFrame(
        [(r[3], "consensus", *r[4:]) for r in rows],
        schema=["unit", "coder", "demand", "blame", "level"],
        orient="row",
    )
    return CodingTable.from_frame(frame, codebook=book)


@pytest.fixture(scope="module")
def result() -> Comparison:
    return compare_accounts(_corpus(CODED), _codings(CODED))


# --------------------------------------------------------------------------------------------
# hand-computed tables of the small corpus

# statements coded on each variable, per event and account (b3 has no blame)
N = {
    ("e1", "demand"): {"A": 4, "B": 3},
    ("e1", "blame"): {"A": 4, "B": 2},
    ("e1", "level"): {"A": 4, "B": 3},
    ("e2", "demand"): {"A": 2, "B": 1, "C": 2},
    ("e2", "blame"): {"A": 2, "B": 1, "C": 2},
    ("e2", "level"): {"A": 2, "B": 1, "C": 2},
}
# the statements with each code, per event, variable, category and account
CELLS = {
    ("e1", "demand", "x"): {"A": ["a1", "a2"], "B": []},
    ("e1", "demand", "y"): {"A": ["a1"], "B": ["b1"]},
    ("e1", "demand", "z"): {"A": [], "B": []},
    ("e1", "demand", "none"): {"A": ["a3", "a4"], "B": ["b2", "b3"]},
    ("e1", "blame", "p"): {"A": ["a1", "a3"], "B": []},
    ("e1", "blame", "q"): {"A": [], "B": ["b1"]},
    ("e1", "blame", "none"): {"A": ["a2", "a4"], "B": ["b2"]},
    ("e1", "level", "0"): {"A": ["a2", "a4"], "B": ["b2", "b3"]},
    ("e1", "level", "1"): {"A": ["a3"], "B": ["b1"]},
    ("e1", "level", "2"): {"A": ["a1"], "B": []},
    ("e2", "demand", "x"): {"A": ["a5"], "B": ["b4"], "C": []},
    ("e2", "demand", "y"): {"A": [], "B": [], "C": ["c1"]},
    ("e2", "demand", "z"): {"A": [], "B": [], "C": []},
    ("e2", "demand", "none"): {"A": ["a6"], "B": [], "C": ["c2"]},
    ("e2", "blame", "p"): {"A": ["a5"], "B": [], "C": ["c1"]},
    ("e2", "blame", "q"): {"A": [], "B": [], "C": []},
    ("e2", "blame", "none"): {"A": ["a6"], "B": ["b4"], "C": ["c2"]},
    ("e2", "level", "0"): {"A": ["a6"], "B": ["b4"], "C": ["c2"]},
    ("e2", "level", "1"): {"A": ["a5"], "B": [], "C": []},
    ("e2", "level", "2"): {"A": [], "B": [], "C": ["c1"]},
}
EMPTY = {"none", "0"}


def test_presence_every_cell(result: Comparison) -> None:
    expected = pl.DataFrame(
        [
            (e, v, c, a, len(ids), N[e, v][a], len(ids) / N[e, v][a], c in EMPTY)
            for (e, v, c), by_account in CELLS.items()
            for a, ids in by_account.items()
        ],
        schema={
            "event": pl.String,
            "variable": pl.String,
            "category": pl.String,
            "account": pl.String,
            "count": pl.Int64,
            "statements": pl.Int64,
            "share": pl.Float64,
            "empty": pl.Boolean,
        },
        orient="row",
    )
    assert_frame_equal(result.presence, expected)
    # a few shares written out: x in 2 of A's 4 statements, y in 1 of B's 3
    share = {(r[0], r[1], r[2], r[3]): r[6] for r in result.presence.iter_rows()}
    assert share["e1", "demand", "x", "A"] == 0.5
    assert share["e1", "demand", "y", "B"] == pytest.approx(1 / 3, abs=1e-15)
    assert share["e1", "blame", "q", "B"] == 0.5  # b3 has no blame: 1 of 2


def test_divergence_every_cell(result: Comparison) -> None:
    assert result.divergence.rows() == [
        ("e1", "demand", "x", ["A"], ["B"], 1, "one"),
        ("e1", "demand", "y", ["A", "B"], [], 2, "all"),
        ("e1", "demand", "z", [], ["A", "B"], 0, "none"),
        ("e1", "blame", "p", ["A"], ["B"], 1, "one"),
        ("e1", "blame", "q", ["B"], ["A"], 1, "one"),
        ("e1", "level", "1", ["A", "B"], [], 2, "all"),
        ("e1", "level", "2", ["A"], ["B"], 1, "one"),
        ("e2", "demand", "x", ["A", "B"], ["C"], 2, "some"),
        ("e2", "demand", "y", ["C"], ["A", "B"], 1, "one"),
        ("e2", "demand", "z", [], ["A", "B", "C"], 0, "none"),
        ("e2", "blame", "p", ["A", "C"], ["B"], 2, "some"),
        ("e2", "blame", "q", [], ["A", "B", "C"], 0, "none"),
        ("e2", "level", "1", ["A"], ["B", "C"], 1, "one"),
        ("e2", "level", "2", ["C"], ["A", "B"], 1, "one"),
    ]
    assert result.divergence.columns == [
        "event",
        "variable",
        "category",
        "raised_by",
        "not_raised_by",
        "accounts",
        "status",
    ]


def test_similarity_every_cell(result: Comparison) -> None:
    # e1: R_A = {demand:x, demand:y, blame:p, level:1, level:2}, R_B = {demand:y, blame:q,
    # level:1}: 2 shared of 6 -> 1/3. e2: R_A = {demand:x, blame:p, level:1},
    # R_B = {demand:x}, R_C = {demand:y, blame:p, level:2}
    rows = result.similarity.rows()
    assert [r[:6] for r in rows] == [
        ("e1", "A", "B", 5, 3, 2),
        ("e2", "A", "B", 3, 1, 1),
        ("e2", "A", "C", 3, 3, 1),
        ("e2", "B", "C", 1, 3, 0),
    ]
    assert [r[6] for r in rows] == pytest.approx([2 / 6, 1 / 3, 1 / 5, 0.0], abs=1e-15)
    assert [(r[7], r[8]) for r in rows] == [
        (["demand:x", "blame:p", "level:2"], ["blame:q"]),
        (["blame:p", "level:1"], []),
        (["demand:x", "level:1"], ["demand:y", "level:2"]),
        (["demand:x"], ["demand:y", "blame:p", "level:2"]),
    ]


# the 2 x 2 tables [[x, n_a - x], [y, n_o - y]] of every emphasis row, written out by hand
TABLES = {
    ("e1", "demand", "x", "A"): [[2, 2], [0, 3]],
    ("e1", "demand", "x", "B"): [[0, 3], [2, 2]],
    ("e1", "demand", "y", "A"): [[1, 3], [1, 2]],
    ("e1", "demand", "y", "B"): [[1, 2], [1, 3]],
    ("e1", "blame", "p", "A"): [[2, 2], [0, 2]],
    ("e1", "blame", "p", "B"): [[0, 2], [2, 2]],
    ("e1", "blame", "q", "A"): [[0, 4], [1, 1]],
    ("e1", "blame", "q", "B"): [[1, 1], [0, 4]],
    ("e1", "level", "1", "A"): [[1, 3], [1, 2]],
    ("e1", "level", "1", "B"): [[1, 2], [1, 3]],
    ("e1", "level", "2", "A"): [[1, 3], [0, 3]],
    ("e1", "level", "2", "B"): [[0, 3], [1, 3]],
    ("e2", "demand", "x", "A"): [[1, 1], [1, 2]],
    ("e2", "demand", "x", "B"): [[1, 0], [1, 3]],
    ("e2", "demand", "x", "C"): [[0, 2], [2, 1]],
    ("e2", "demand", "y", "A"): [[0, 2], [1, 2]],
    ("e2", "demand", "y", "B"): [[0, 1], [1, 3]],
    ("e2", "demand", "y", "C"): [[1, 1], [0, 3]],
    ("e2", "blame", "p", "A"): [[1, 1], [1, 2]],
    ("e2", "blame", "p", "B"): [[0, 1], [2, 2]],
    ("e2", "blame", "p", "C"): [[1, 1], [1, 2]],
    ("e2", "level", "1", "A"): [[1, 1], [0, 3]],
    ("e2", "level", "1", "B"): [[0, 1], [1, 3]],
    ("e2", "level", "1", "C"): [[0, 2], [1, 2]],
    ("e2", "level", "2", "A"): [[0, 2], [1, 2]],
    ("e2", "level", "2", "B"): [[0, 1], [1, 3]],
    ("e2", "level", "2", "C"): [[1, 1], [0, 3]],
}


def _fisher(table: list[list[int]]) -> float:
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def test_emphasis_every_cell(result: Comparison) -> None:
    rows = result.emphasis.rows(named=True)
    assert [(r["event"], r["variable"], r["category"], r["account"]) for r in rows] == list(TABLES)
    for r in rows:
        (x, not_x), (y, not_y) = TABLES[r["event"], r["variable"], r["category"], r["account"]]
        assert (r["count"], r["statements"]) == (x, x + not_x)
        assert (r["others_count"], r["others_statements"]) == (y, y + not_y)
        assert r["share"] == x / (x + not_x)
        assert r["others_share"] == y / (y + not_y)
        assert r["difference"] == pytest.approx(x / (x + not_x) - y / (y + not_y), abs=1e-15)
        assert r["p_value"] == pytest.approx(_fisher([[x, not_x], [y, not_y]]), rel=1e-12)
        assert r["p_adjusted"] is None


def test_fisher_p_value_by_hand(result: Comparison) -> None:
    # e1, demand x, account A: [[2, 2], [0, 3]]. With N = 7 statements, 2 of them with x and
    # 4 of them A's, P(X = k) = C(2, k) C(5, 4 - k) / C(7, 4) = 5/35, 20/35, 10/35 for
    # k = 0, 1, 2; the observed k = 2 and the no more probable k = 0 give 15/35 = 3/7
    row = result.emphasis.filter(
        (pl.col("event") == "e1") & (pl.col("category") == "x") & (pl.col("account") == "A")
    )
    assert row["p_value"].item() == pytest.approx(3 / 7, rel=1e-12)
    assert math.comb(2, 2) * math.comb(5, 2) + math.comb(2, 0) * math.comb(5, 4) == 15


def _naive_holm(p: list[float]) -> list[float]:
    """Holm (1979) straight from the definition: a double loop over the sorted p-values."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    for rank, i in enumerate(order):
        out[i] = max(min(1.0, (m - j) * p[order[j]]) for j in range(rank + 1))
    return out


def test_holm_by_hand() -> None:
    # sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> 0.06)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == [1.0, 1.0]
    assert holm([]) == []
    assert holm([0.02, 0.02]) == [0.04, 0.04]


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_holm_matches_the_definition(p: list[float]) -> None:
    adjusted = holm(p)
    assert adjusted == pytest.approx(_naive_holm(p), abs=1e-15)
    assert all(q >= v for q, v in zip(adjusted, p, strict=True))


def test_emphasis_holm_within_each_event() -> None:
    result = compare_accounts(_corpus(CODED), _codings(CODED), adjust="holm")
    assert result.adjust == "holm"
    p = {k: _fisher(t) for k, t in TABLES.items()}
    # e1 has two accounts: A's test and B's test of a category are one 2 x 2 table (its rows
    # swapped), so the family holds 6 tests, one per category
    e1 = [k for k in TABLES if k[0] == "e1" and k[3] == "A"]
    assert len(e1) == 6
    holm_e1 = dict(zip(e1, _naive_holm([p[k] for k in e1]), strict=True))
    # e2 has three accounts: 5 categories x 3 accounts = 15 distinct tests
    e2 = [k for k in TABLES if k[0] == "e2"]
    assert len(e2) == 15
    holm_e2 = dict(zip(e2, _naive_holm([p[k] for k in e2]), strict=True))
    for r in result.emphasis.iter_rows(named=True):
        key = (r["event"], r["variable"], r["category"], r["account"])
        expected = holm_e1[(*key[:3], "A")] if key[0] == "e1" else holm_e2[key]
        assert r["p_adjusted"] == pytest.approx(expected, rel=1e-12)
        assert r["p_adjusted"] >= r["p_value"]


def test_holm_counts_mirrored_tests_once() -> None:
    # A: 10 statements blaming p; B: 5 blaming q and 5 none; C: 3 statements without blame.
    # C has no statements on blame, so A against the rest is B against the rest: the family
    # holds two tests. Given the margins, X (A's statements with the code) is hypergeometric
    # with N = 20 and n = 10:
    #   p: [[10, 0], [0, 10]]: P(X = 10) = P(X = 0) = 1 / C(20, 10) -> p = 2 / 184756
    #   q: [[0, 10], [5, 5]]: P(X = 0) = C(15, 10) / C(20, 10) = P(X = 5) -> p = 6006 / 184756
    # Holm with m = 2: p -> 2 x 2 / 184756; q -> max(4 / 184756, 6006 / 184756)
    rows = [("big", "A", "a", f"a{i}", "none", "p", "0") for i in range(10)]
    rows += [("big", "B", "b", f"b{i}", "none", "q" if i < 5 else "none", "0") for i in range(10)]
    rows += [("big", "C", "c", f"c{i}", "none", None, "0") for i in range(3)]
    assert math.comb(20, 10) == 184756
    assert math.comb(15, 10) == 3003
    result = compare_accounts(_corpus(rows), _codings(rows), adjust="holm")
    table = result.emphasis.select("category", "account", "p_value", "p_adjusted").rows()
    assert [r[:2] for r in table] == [
        ("p", "A"),
        ("p", "B"),
        ("p", "C"),
        ("q", "A"),
        ("q", "B"),
        ("q", "C"),
    ]
    expected = [
        (2 / 184756, 4 / 184756),
        (2 / 184756, 4 / 184756),
        (None, None),
        (6006 / 184756, 6006 / 184756),
        (6006 / 184756, 6006 / 184756),
        (None, None),
    ]
    for (_, _, p, q), (p_hand, q_hand) in zip(table, expected, strict=True):
        if p_hand is None:
            assert (p, q) == (None, None)
        else:
            assert p == pytest.approx(p_hand, rel=1e-9)
            assert q == pytest.approx(q_hand, rel=1e-9)


def test_statements_every_cell(result: Comparison) -> None:
    table = result.statements
    assert table.columns == [
        "event",
        "account",
        "document",
        "variable",
        "category",
        "statement",
        "text",
        "empty",
    ]
    document = {r[3]: r[2] for r in CODED}
    expected = [
        (e, a, document[s], v, c, s, f"Statement {s} of {a}.", c in EMPTY)
        for (e, v, c), by_account in CELLS.items()
        for a, ids in by_account.items()
        for s in ids
    ]
    assert table.rows() == expected


def test_comparison_attributes(result: Comparison) -> None:
    assert result.events == ("e1", "e2")
    assert dict(result.accounts) == {"e1": ("A", "B"), "e2": ("A", "B", "C")}
    assert result.variables == ("demand", "blame", "level")
    assert dict(result.ignored) == {"demand": ("none",), "blame": ("none",), "level": ("0",)}
    assert (result.by, result.adjust, result.codebook) == ("source", "none", BOOK)


# --------------------------------------------------------------------------------------------
# events, accounts and empty categories


def test_one_event_is_the_same_as_filtering_all_events(result: Comparison) -> None:
    for event in ("e1", "e2"):
        alone = compare_accounts(_corpus(CODED), _codings(CODED), event=event)
        assert alone.events == (event,)
        for name in ("presence", "divergence", "similarity", "emphasis", "statements"):
            full = getattr(result, name).filter(pl.col("event") == event)
            assert_frame_equal(getattr(alone, name), full)


def test_unknown_event_lists_the_known_ones() -> None:
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(CODED), _codings(CODED), event="e3")
    assert str(exc.value) == "event='e3' is not an event of the corpus (events: e1, e2)"
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(CODED), _codings(CODED), event="ee2")
    assert str(exc.value) == (
        "event='ee2' is not an event of the corpus (events: e1, e2); did you mean 'e2'?"
    )


def test_accounts_by_a_metadata_key() -> None:
    meta = {"a1": {"side": "East"}, "b1": {"side": "West"}}
    rows = [r for r in CODED if r[0] == "e1"]
    result = compare_accounts(_corpus(rows, **meta), _codings(rows), by="side")
    assert dict(result.accounts) == {"e1": ("East", "West")}
    assert result.similarity.select("account_a", "account_b", "jaccard").row(0) == (
        "East",
        "West",
        pytest.approx(1 / 3),
    )
    # by a document attribute: one account per document title
    by_title = compare_accounts(_corpus(rows), _codings(rows), by="title")
    assert dict(by_title.accounts) == {"e1": ("Readout a1", "Readout b1")}


def test_by_errors() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows, a1={"side": "East"}), _codings(rows), by="party")
    assert str(exc.value) == (
        "by='party' is neither a document attribute (source, title, language, date, id) nor "
        "a metadata key of the documents (keys: side)"
    )
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows, a1={"side": "East"}), _codings(rows), by="side")
    assert str(exc.value) == (
        "document 'b1': has no 'side', so its account is unknown; fill it in, or choose "
        "another attribute with by="
    )


def test_document_without_event() -> None:
    corpus = _corpus(CODED)
    docs = list(corpus.documents)
    docs[1] = Document(id="b1", text=docs[1].text, source="B")
    corpus = Corpus(documents=tuple(docs), statements=corpus.statements)
    with pytest.raises(DataError) as exc:
        compare_accounts(corpus, _codings(CODED))
    assert str(exc.value) == (
        "document 'b1': has no event; fill in its event (column 'event' of the documents "
        "table), or compare one event with event="
    )
    # comparing one event does not need the others' events
    alone = compare_accounts(corpus, _codings(CODED), event="e2")
    assert alone.events == ("e2",)


def test_ignore_nothing_or_per_variable() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    nothing = compare_accounts(_corpus(rows), _codings(rows), ignore=())
    assert nothing.presence["empty"].any() is False
    assert ("e1", "demand", "none", ["A", "B"], [], 2, "all") in nothing.divergence.rows()
    # with 'none' counted, A raises 8 pairs and B 6, sharing 5 (demand:y, demand:none,
    # blame:none, level:0, level:1)
    assert nothing.similarity.select("raised_a", "raised_b", "shared", "jaccard").row(0) == (
        8,
        6,
        5,
        pytest.approx(5 / 9),
    )
    mapped = compare_accounts(_corpus(rows), _codings(rows), ignore={"level": ["0", "1"]})
    assert dict(mapped.ignored) == {"demand": (), "blame": (), "level": ("0", "1")}
    codes = compare_accounts(_corpus(rows), _codings(rows), ignore=["none"])
    assert dict(codes.ignored) == {"demand": ("none",), "blame": ("none",), "level": ()}


def test_ignore_errors() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), _codings(rows), ignore={"levle": ["0"], "blame": ["n"]})
    assert [str(p) for p in exc.value.problems] == [
        "ignore['levle']: not a compared variable (variables: demand, blame, level)",
        "ignore['blame']: 'n' not a code of 'blame' (codes: p, q, none)",
    ]
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), _codings(rows), ignore=["nothing"])
    assert str(exc.value) == (
        "ignore: 'nothing' is a code of none of the compared variables; check the spelling"
    )


def test_variables_option() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    only = compare_accounts(_corpus(rows), _codings(rows), variables=["level", "blame"])
    assert only.variables == ("level", "blame")
    assert only.presence["variable"].unique(maintain_order=True).to_list() == ["level", "blame"]
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), _codings(rows), variables=["tone"])
    assert str(exc.value) == (
        "variables=['tone']: 'tone' not in the codings (variables: demand, blame, level)"
    )


def test_without_a_codebook_categories_are_the_values_seen() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    result = compare_accounts(_corpus(rows), _codings(rows, book=None))
    assert result.codebook is None
    # demand is not known to be multi-label: "x;y" is a category of its own
    demand = result.presence.filter(pl.col("variable") == "demand")
    assert demand["category"].unique(maintain_order=True).to_list() == ["none", "x", "x;y", "y"]
    level = result.presence.filter(pl.col("variable") == "level")
    assert level["category"].unique(maintain_order=True).to_list() == ["0", "1", "2"]
    # passing the codebook restores the multi-label reading
    with_book = compare_accounts(_corpus(rows), _codings(rows, book=None), codebook=BOOK)
    assert_frame_equal(with_book.presence, compare_accounts(_corpus(rows), _codings(rows)).presence)


# --------------------------------------------------------------------------------------------
# input errors


def test_several_coders_per_statement_says_run_consensus_first() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    frame = pl.DataFrame(
        [(r[3], coder, *r[4:]) for coder in ("ann", "bob") for r in rows],
        schema=["unit", "coder", "demand", "blame", "level"],
        orient="row",
    )
    table = CodingTable.from_frame(frame, codebook=BOOK, source="codings.csv")
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), table)
    # 7 statements x 3 variables, less b3's missing blame: 20 cells with two codings
    assert str(exc.value) == (
        "codings.csv: the codings hold several codings of one statement and variable (20 "
        "cases; e.g. unit 'a1', variable 'demand': coders ann, bob); compare needs one coding "
        "per statement and variable: run consensus(table) first (statecode.consensus), or "
        "keep one coder's codings"
    )
    # after consensus it works
    compare_accounts(_corpus(rows), consensus(table).codings)


def test_codings_must_be_a_table() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    table = _codings(rows)
    with pytest.raises(TypeError) as exc:
        compare_accounts(_corpus(rows), consensus(table))  # type: ignore[arg-type]
    assert str(exc.value) == (
        "codings must be a CodingTable with one coding per statement and variable, got "
        "ConsensusResult; pass e.g. consensus(table).codings"
    )


def test_units_that_are_not_statements() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    stray = [*rows, ("e1", "A", "a1", "a9", "x", "p", "1")]
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), _codings(stray))
    assert str(exc.value) == (
        "coded unit(s) 'a9' are not statements of the corpus; the unit column must hold "
        "statement ids (column 'statement_id' of the statements table)"
    )


def test_values_are_checked_against_the_codebook() -> None:
    rows = [r for r in CODED if r[0] == "e1"]
    data = _codings(rows, book=None).data.with_columns(
        pl.when(pl.col("value") == "q").then(pl.lit("qq")).otherwise(pl.col("value")).alias("value")
    )
    table = CodingTable(data, codebook=BOOK)
    with pytest.raises(DataError) as exc:
        compare_accounts(_corpus(rows), table)
    assert [str(p) for p in exc.value.problems] == [
        "row 6, column 'blame': unknown code 'qq' for 'blame'; did you mean 'q'?; codes of "
        "'blame': p, q, none"
    ]


def test_adjust_option_error() -> None:
    with pytest.raises(ValueError) as exc:  # noqa: PT011 (the message is compared whole)
        compare_accounts(_corpus(CODED), _codings(CODED), adjust="bonferroni")
    assert str(exc.value) == "adjust='bonferroni' is not valid; use one of 'none', 'holm'"


def test_single_account_and_nothing_raised_warn() -> None:
    rows = [
        ("e9", "A", "a1", "s1", "none", "none", "0"),
        ("e9", "B", "b1", "s2", "none", "none", "0"),
        ("e8", "C", "c1", "s3", "x", "p", "1"),
    ]
    with pytest.warns(DegenerateDataWarning) as record:
        result = compare_accounts(_corpus(rows), _codings(rows))
    assert {Path(w.filename).name for w in record} == {"test_compare.py"}
    assert [str(w.message) for w in record] == [
        "event 'e8' has a single account ('C'), so there is nothing to compare; check the "
        "documents' 'source', or compare another attribute with by=",
        "event 'e9': neither 'A' nor 'B' raises a non-empty category, so their Jaccard "
        "similarity is undefined (null)",
    ]
    assert result.similarity.select("event", "jaccard").rows() == [("e9", None)]
    single = result.emphasis.filter(pl.col("event") == "e8")
    # no other account: shares of the others and p-values are undefined
    assert single.select("others_statements", "others_share", "difference", "p_value").rows() == [
        (0, None, None, None),
        (0, None, None, None),
        (0, None, None, None),
    ]
    assert result.divergence.filter(pl.col("event") == "e8")["status"].to_list() == [
        "all",
        "none",
        "none",
        "all",
        "none",
        "all",
        "none",
    ]


# --------------------------------------------------------------------------------------------
# properties


@st.composite
def events(draw: st.DrawFn) -> list[tuple[str, str, str, str, str | None, str | None, str | None]]:
    """One or two events with two or three accounts, each with 1-4 coded statements."""
    rows = []
    for e in range(draw(st.integers(1, 2))):
        for a in "ABC"[: draw(st.integers(2, 3))]:
            for s in range(draw(st.integers(1, 4))):
                demand = draw(st.sampled_from(["none", "x", "y", "z", "x;y", "y;z", "x;y;z"]))
                blame = draw(st.sampled_from(["p", "q", "none", None]))
                level = draw(st.sampled_from(["0", "1", "2"]))
                rows.append((f"e{e}", a, f"e{e}{a}", f"e{e}{a}{s}", demand, blame, level))
    return rows


def _quiet(corpus: Corpus, codings: CodingTable, **options: Any) -> Comparison:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return compare_accounts(corpus, codings, **options)


def _reverse(corpus: Corpus) -> Corpus:
    return Corpus(documents=corpus.documents[::-1], statements=corpus.statements)


@given(events())
def test_swapping_account_order_swaps_the_tables(rows: list[tuple[Any, ...]]) -> None:
    corpus, codings = _corpus(rows), _codings(rows)
    ahead = _quiet(corpus, codings, adjust="holm")
    behind = _quiet(_reverse(corpus), codings, adjust="holm")
    for event in ahead.events:
        assert behind.accounts[event] == ahead.accounts[event][::-1]
    keys = ["event", "variable", "category", "account"]
    assert_frame_equal(behind.presence.sort(keys), ahead.presence.sort(keys))
    assert_frame_equal(behind.emphasis.sort(keys), ahead.emphasis.sort(keys))
    assert_frame_equal(
        behind.statements.sort([*keys, "statement"]), ahead.statements.sort([*keys, "statement"])
    )
    flipped = ahead.divergence.with_columns(
        pl.col("raised_by").list.reverse(), pl.col("not_raised_by").list.reverse()
    )
    assert_frame_equal(behind.divergence.sort(keys[:3]), flipped.sort(keys[:3]))
    swapped = ahead.similarity.select(
        "event",
        pl.col("account_b").alias("account_a"),
        pl.col("account_a").alias("account_b"),
        pl.col("raised_b").alias("raised_a"),
        pl.col("raised_a").alias("raised_b"),
        "shared",
        "jaccard",
        pl.col("only_b").alias("only_a"),
        pl.col("only_a").alias("only_b"),
    )
    pairs = ["event", "account_a", "account_b"]
    assert_frame_equal(behind.similarity.sort(pairs), swapped.sort(pairs))


@given(events())
def test_an_account_compared_with_itself(rows: list[tuple[Any, ...]]) -> None:
    """A copy of account A under another name: similarity 1, no divergence, no emphasis."""
    first = [r for r in rows if r[0] == "e0" and r[1] == "A"]
    copy = [("e0", "A2", "e0A2", f"{r[3]}'", *r[4:]) for r in first]
    both = first + copy
    result = _quiet(_corpus(both), _codings(both), adjust="holm")
    assert result.accounts["e0"] == ("A", "A2")
    similarity = result.similarity.row(0, named=True)
    raised = result.divergence.filter(pl.col("status") != "none")
    if raised.height:
        assert similarity["jaccard"] == 1.0
    else:
        assert similarity["jaccard"] is None
    assert (similarity["only_a"], similarity["only_b"]) == ([], [])
    assert set(result.divergence["status"].to_list()) <= {"all", "none"}
    assert set(result.emphasis["difference"].to_list()) <= {0.0}
    assert set(result.emphasis["p_value"].to_list()) <= {1.0}
    shares = result.presence.pivot(on="account", index=["variable", "category"], values="share")
    assert shares["A"].to_list() == shares["A2"].to_list()


@given(events())
def test_counts_add_up(rows: list[tuple[Any, ...]]) -> None:
    result = _quiet(_corpus(rows), _codings(rows))
    presence = result.presence
    # a single-code variable: every coded statement has exactly one category
    single = presence.filter(pl.col("variable") != "demand")
    totals = single.group_by("event", "variable", "account").agg(
        pl.col("count").sum(), pl.col("statements").first()
    )
    assert totals["count"].to_list() == totals["statements"].to_list()
    # every count is backed by that many quotable statements
    quoted = result.statements.group_by("event", "variable", "category", "account").len()
    joined = presence.filter(pl.col("count") > 0).join(
        quoted, on=["event", "variable", "category", "account"], how="left"
    )
    assert joined["count"].to_list() == joined["len"].to_list()
    # similarity is a proportion, symmetric in the sense that shared <= both sizes
    for r in result.similarity.iter_rows(named=True):
        assert r["shared"] <= min(r["raised_a"], r["raised_b"])
        if r["jaccard"] is not None:
            assert 0.0 <= r["jaccard"] <= 1.0


# --------------------------------------------------------------------------------------------
# the shipped example, end to end through the library


@pytest.fixture(scope="module")
def example() -> Comparison:
    from statecode import read_corpus  # noqa: PLC0415

    corpus = read_corpus(EXAMPLE / "documents.csv", EXAMPLE / "statements.csv")
    table = sc.read_codings(EXAMPLE / "codings.csv", codebook=sc.read_codebook("readouts"))
    return compare_accounts(corpus, consensus(table).codings)


def test_example_accounts(example: Comparison) -> None:
    assert example.events == ("call-2025-03-18",)
    assert dict(example.accounts) == {"call-2025-03-18": ("Kremlin", "White House")}
    statements = example.presence.select("account", "statements").unique().sort("account")
    assert statements.rows() == [("Kremlin", 18), ("White House", 10)]


def test_example_preconditions_only_the_kremlin_raises(example: Comparison) -> None:
    # codings.csv: preconditions appear in kr04 (root_causes; security_guarantees), kr05
    # (verification by two coders of three), kr06 (halt_mobilization; halt_rearmament) and
    # kr09 (end_military_aid; end_intelligence_sharing); every wh statement is 'none'
    preconditions = example.divergence.filter(
        (pl.col("variable") == "precondition") & (pl.col("status") == "one")
    )
    assert preconditions["category"].to_list() == [
        "halt_mobilization",
        "halt_rearmament",
        "end_military_aid",
        "end_intelligence_sharing",
        "root_causes",
        "security_guarantees",
        "verification",
    ]
    assert set(preconditions["raised_by"].explode().to_list()) == {"Kremlin"}
    white_house = example.presence.filter(
        (pl.col("variable") == "precondition") & (pl.col("account") == "White House")
    )
    assert white_house.filter(~pl.col("empty"))["count"].sum() == 0
    assert white_house.filter(pl.col("empty"))["count"].to_list() == [10]


def test_example_shared_ground_and_similarity(example: Comparison) -> None:
    shared = example.divergence.filter(pl.col("status") == "all")
    assert shared.select("variable", "category").rows() == [
        ("humanitarian_issue", "infrastructure_attacks"),  # kr11, wh05
        ("ceasefire_scope", "full"),  # kr05, kr06; wh01, wh05, wh06
        ("cooperation", "economic"),
        ("cooperation", "strategic_stability"),
        ("cooperation", "third_regions"),
        ("cooperation", "general_relations"),
        ("party_status", "object"),
    ]
    row = example.similarity.row(0, named=True)
    assert (row["raised_a"], row["raised_b"], row["shared"]) == (25, 9, 7)
    assert row["jaccard"] == pytest.approx(7 / 27)
    assert row["only_b"] == ["blame_target:unspecified", "blame_intensity:1"]


def test_example_emphasis_and_quotes(example: Comparison) -> None:
    # party_status 'object': Kremlin kr01, kr06, kr07, kr08, kr09, kr10, kr13, kr14 (kr11 is
    # 'party' by two coders of three); White House wh01, wh03
    row = example.emphasis.filter(
        (pl.col("category") == "object") & (pl.col("account") == "Kremlin")
    ).row(0, named=True)
    assert (row["count"], row["statements"], row["others_count"], row["others_statements"]) == (
        8,
        18,
        2,
        10,
    )
    assert row["p_value"] == pytest.approx(_fisher([[8, 10], [2, 8]]), rel=1e-12)
    quotes = example.statements.filter(
        (pl.col("category") == "halt_mobilization") & (pl.col("account") == "Kremlin")
    )
    assert quotes["statement"].to_list() == ["kr06"]
    assert quotes["text"].item().startswith("As conditions for such a truce, it also named")
    objects = example.statements.filter(
        (pl.col("variable") == "party_status") & (pl.col("category") == "object")
    )
    assert objects["statement"].to_list() == [
        "kr01",
        "kr06",
        "kr07",
        "kr08",
        "kr09",
        "kr10",
        "kr13",
        "kr14",
        "wh01",
        "wh03",
    ]


# --------------------------------------------------------------------------------------------
# the figure


@pytest.mark.slow
def test_plot_accounts_draws_and_saves(example: Comparison, tmp_path: Path) -> None:
    fig = plot_accounts(example, path=tmp_path / "accounts.png")
    assert (tmp_path / "accounts.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Kremlin\n(18 statements)",
        "White House\n(10 statements)",
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # a bold header per variable, then its non-empty categories (codebook labels)
    assert labels[0] == "Preconditions for ceasefire or settlement"
    assert "No precondition" not in labels
    assert len(labels) == 7 + 41
    plot_accounts(example, event="call-2025-03-18", path=tmp_path / "accounts.svg")
    assert "<svg" in (tmp_path / "accounts.svg").read_text(encoding="utf-8")


def test_plot_accounts_errors(result: Comparison, tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        plot_accounts(result)
    assert str(exc.value) == (
        "the comparison holds 2 events; choose one with event= (events: e1, e2)"
    )
    with pytest.raises(DataError) as exc:
        plot_accounts(result, event="e3")
    assert str(exc.value) == "event='e3' is not in the comparison (events: e1, e2)"
    with pytest.raises(InputFileError) as exc_file:
        plot_accounts(result, event="e1", path=tmp_path / "accounts.pdf")
    assert str(exc_file.value) == (
        f"{tmp_path / 'accounts.pdf'}: cannot save a figure as '.pdf'; use .png or .svg"
    )
    fig = plot_accounts(result, event="e2")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "A\n(2 statements)",
        "B\n(1 statement)",
        "C\n(2 statements)",
    ]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [
        "demand",
        "Demand x",
        "Demand y",
        "Demand z",
        "blame",
        "p",
        "q",
        "level",
        "1",
        "2",
    ]


def test_plot_accounts_needs_matplotlib(
    result: Comparison, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins  # noqa: PLC0415

    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(sc.StatecodeError) as exc:
        plot_accounts(result, event="e1")
    assert "pip install 'statecode[plot]'" in str(exc.value)


def test_statement_model_is_used_as_is() -> None:
    # statements cut by hand (not through Document.statement) are read the same way
    doc = Document(id="d", text="One. Two.", source="S", event="e")
    corpus = Corpus(
        documents=(doc, Document(id="d2", text="Three.", source="T", event="e")),
        statements=(
            Statement("s1", "d", 0, 4, "One."),
            Statement("s2", "d", 5, 9, "Two."),
            Statement("s3", "d2", 0, 6, "Three."),
        ),
    )
    frame = pl.DataFrame({"unit": ["s1", "s2", "s3"], "coder": "c", "blame": ["p", "none", "p"]})
    result = compare_accounts(corpus, CodingTable.from_frame(frame, codebook=BOOK))
    # blame p: S's s1, T's s3; then blame none: S's s2
    assert result.statements.select("account", "statement", "text").rows() == [
        ("S", "s1", "One."),
        ("T", "s3", "Three."),
        ("S", "s2", "Two."),
    ]
