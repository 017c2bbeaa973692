"""Tables for people: plain text for files and pipes, fitted to the terminal by rich."""

from __future__ import annotations

import io

import polars as pl
import pytest

import statecode as sc
from statecode.render import (
    Notes,
    Table,
    comparison_document,
    plain,
    report_document,
    show,
    text_table,
)
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts"


@pytest.fixture(scope="module")
def report() -> sc.ReliabilityReport:
    table = sc.read_codings(EXAMPLE / "codings.csv", codebook=sc.read_codebook("readouts"))
    return sc.reliability_report(table, coefficients="all", bootstrap=200, seed=1)


def _shown(document: object, width: int) -> str:
    buffer = io.StringIO()
    show(document, buffer, width=width)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_widest_report_fits_the_terminal(report: sc.ReliabilityReport, width: int) -> None:
    out = _shown(report_document(report.table), width)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width
    # every figure is there, whole: split into tables that repeat the variable, not cut
    for row in report.table.iter_rows(named=True):
        assert row["Variable"] in out
        assert f"{row['Krippendorffs_Alpha']:.3f} [" in out
        assert f"{row['Krippendorffs_Alpha_CI_high']:.3f}]" in out
    assert out.count("Variable") > 1  # split, each part led by the variable


def test_the_comparison_fits_the_terminal() -> None:
    corpus = sc.read_corpus(EXAMPLE)
    codings = sc.read_codings(EXAMPLE / "codings.csv", codebook=sc.read_codebook("readouts"))
    comparison = sc.compare_accounts(corpus, codings, consensus="majority")
    document = comparison_document([("Similarity", comparison.similarity)])
    out = _shown(document, 80)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    first = comparison.similarity["only_a"][0]
    assert all(code in flat for code in first)  # long lists wrap, nothing is cut off
    # plain text wraps a long cell within its column, so no line runs to 600 characters
    assert max(len(line) for line in plain(document).splitlines()) < 300


def test_plain_text_wraps_long_cells_within_their_column() -> None:
    long = ", ".join(f"code_{i}" for i in range(30))
    text = text_table(["a", "list", "b"], [["x", long, "y"]], wrap=40)
    lines = text.splitlines()
    assert all(len(line) <= 1 + 2 + 40 + 2 + 1 for line in lines)
    assert " ".join(" ".join(line.split()[1:-1]) for line in lines[2:3]).startswith("code_0")
    joined = " ".join(" ".join(line.split()) for line in lines[2:])
    assert all(f"code_{i}" in joined for i in range(30))


def test_a_document_is_the_same_in_both_layouts() -> None:
    document = [Table(["n", "name"], [["1", "a"], ["22", "b"]], right={0}), Notes(["a note"])]
    assert plain(document) == "n   name\n--  ----\n1   a\n22  b\n\na note\n"
    shown = _shown(document, 40)
    assert " 1   a" in shown or "  1   a" in shown
    assert "a note" in shown
    assert pl.Series(shown.splitlines()).str.len_chars().max() <= 40  # type: ignore[operator]
