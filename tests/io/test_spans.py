"""Span tables: round trips and error paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statecode as sc
from statecode import DataError

texts = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(
    lambda s: s.strip() == s and s not in {"", "NA", "NaN", "."}
)


@st.composite
def spans(draw: st.DrawFn) -> list[sc.Span]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 500))
        out.append(
            sc.Span(
                draw(texts),
                draw(texts),
                start,
                start + draw(st.integers(1, 50)),
                draw(texts),
                draw(texts),
            )
        )
    return out


@pytest.mark.slow
@settings(max_examples=30)
@given(spans())
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".xlsx"])
def test_spans_round_trip(
    suffix: str, tmp_path_factory: pytest.TempPathFactory, items: list[sc.Span]
) -> None:
    path = tmp_path_factory.mktemp("spans") / f"spans{suffix}"
    sc.write_spans(items, path)
    assert list(sc.read_spans(path)) == items


def test_span_table_problems(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("document,coder,start,end,category\nd1,ann,4,2,x\nd1,ann,a,9,x\n", "utf-8")
    with pytest.raises(DataError) as exc:
        sc.read_spans(path)
    assert str(exc.value) == (
        f"{path}: missing column(s) variable (or name the variable: variable= in Python, "
        "--variable in the CLI); "
        "columns: document, coder, start, end, code"
    )
    with pytest.raises(DataError) as exc:
        sc.read_spans(path, variable="blame")
    assert [str(p) for p in exc.value.problems] == [
        "row 2: span 4..2 of document 'd1' (coder 'ann') is empty or negative; start must be "
        ">= 0 and less than end",
        "row 3: start 'a' and end '9' must be whole numbers (code-point offsets)",
    ]


@pytest.mark.slow
@settings(max_examples=30)
@given(st.dictionaries(texts, st.lists(texts, unique=True, max_size=4), max_size=5))
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".xlsx"])
def test_unitizers_round_trip(
    suffix: str, tmp_path_factory: pytest.TempPathFactory, unitizers: dict[str, list[str]]
) -> None:
    path = tmp_path_factory.mktemp("unitizers") / f"who{suffix}"
    sc.write_unitizers(unitizers, path)
    # documents nobody unitized are kept, as rows with an empty coder
    assert sc.read_unitizers(path) == {d: tuple(cs) for d, cs in unitizers.items()}


def test_unitizers_table_problems(tmp_path: Path) -> None:
    path = tmp_path / "who.csv"
    path.write_text("document,who\nd1,ann\n", "utf-8")
    with pytest.raises(DataError) as exc:
        sc.read_unitizers(path)
    assert str(exc.value) == (
        f"{path}: missing column(s) coder; a table of who unitized each document has the "
        "columns document and coder (columns: document, who)"
    )
    path.write_text("document,coder\nd1,ann\n,bob\nd1,ann\nd2,\n", "utf-8")
    with pytest.raises(DataError) as exc:
        sc.read_unitizers(path)
    assert [str(p) for p in exc.value.problems] == [
        "row 3: the document is empty; every row names one",
        "row 4: coder 'ann' is listed for document 'd1' again (first in row 2); list each "
        "coder once per document",
    ]


def test_unitizers_named_like_missing_markers_are_names(tmp_path: Path) -> None:
    path = tmp_path / "who.csv"
    unitizers = {"NA": ("NaN", "bob"), "d2": ()}
    sc.write_unitizers(unitizers, path)
    assert sc.read_unitizers(path) == unitizers
    with pytest.raises(DataError, match="the coders of document 'd' must be a list, got 'ann'"):
        sc.write_unitizers({"d": "ann"}, path)  # type: ignore[dict-item]
