"""``statecode unitizing``: a span table or a .qdpx through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from tests.conftest import ROOT, json_results

runner = CliRunner()
ROWS = [
    ("d1", "a", 0, 10, "x"),
    ("d1", "b", 0, 12, "x"),
    ("d1", "a", 20, 30, "y"),
    ("d1", "b", 22, 30, "y"),
    ("d2", "a", 5, 9, "x"),
    ("d2", "b", 5, 9, "x"),
]


@pytest.fixture
def spans() -> list[sc.Span]:
    return [sc.Span(d, c, s, e, "v", x) for d, c, s, e, x in ROWS]


def test_unitizing_json_matches_the_library(tmp_path: Path, spans: list[sc.Span]) -> None:
    table = tmp_path / "spans.csv"
    sc.write_spans(spans, table)
    result = runner.invoke(app, ["unitizing", str(table), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "no --corpus" in result.stderr
    record = json_results(result.stdout)[0]
    assert record["alpha"] == pytest.approx(sc.unitizing_alpha(spans).alpha)
    assert record["variant"] == "u"


def test_unitizing_reads_a_qdpx_with_its_texts(tmp_path: Path, spans: list[sc.Span]) -> None:
    corpus = sc.Corpus(
        documents=(sc.Document(id="d1", text="x" * 40), sc.Document(id="d2", text="y" * 15))
    )
    codebook = sc.Codebook(
        name="c",
        variables=(
            sc.Variable(name="v", level="nominal", categories=(sc.Category("x"), sc.Category("y"))),
        ),
    )
    project = tmp_path / "p.qdpx"
    sc.write_qdpx(corpus, spans, codebook, project)
    result = runner.invoke(app, ["unitizing", str(project), "--variant", "cu", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    expected = sc.unitizing_alpha(spans, variant="cu", continua=corpus)
    assert json_results(result.stdout)[0]["alpha"] == pytest.approx(expected.alpha)
    text = runner.invoke(app, ["unitizing", str(project)])
    assert text.exit_code == 0
    assert "alpha:" in text.stdout


def test_unitizing_errors_are_exit_1(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("document,coder,start,end,code\nd1,a,4,2,x\n", encoding="utf-8")
    result = runner.invoke(app, ["unitizing", str(table), "--variable", "v"])
    assert result.exit_code == 1
    assert "row 2: span 4..2 of document 'd1'" in result.stderr


FIGURE_12_11 = ROOT / "tests" / "data" / "krippendorff-2019-figure-12-11-spans.csv"


def test_unitizing_reproduces_the_book_example_without_a_variable_column() -> None:
    # Krippendorff (2019), Figure 12.11: u-alpha .510, cu-alpha .724 (tests/reliability)
    result = runner.invoke(app, ["unitizing", str(FIGURE_12_11), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    record = json_results(result.stdout)[0]
    assert round(record["alpha"], 3) == 0.510
    assert record["variable"] == "code"
    cu = runner.invoke(app, ["unitizing", str(FIGURE_12_11), "--variant", "cu"])
    assert cu.exit_code == 0, cu.stderr
    assert "alpha: 0.724\nverdict: tentative\n" in cu.stdout
    assert "units_per_coder: Alex 6, Paul 4, Suzan 6" in cu.stdout


def test_unitizing_csv_and_markdown_carry_the_per_category_table() -> None:
    source = str(FIGURE_12_11)
    record = json_results(runner.invoke(app, ["unitizing", source, "--format", "json"]).stdout)[0]
    table = runner.invoke(app, ["unitizing", source, "--format", "csv"])
    assert table.exit_code == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert [r["category"] for r in rows] == record["categories"]
    for row in rows:
        assert row["variant"] == "u"
        assert float(row["alpha"]) == pytest.approx(record["per_category"][row["category"]])
    markdown = runner.invoke(app, ["unitizing", source, "--format", "markdown"]).stdout
    assert "- **alpha**: 0.510\n" in markdown
    assert "| category | units | length |" in markdown
    assert markdown.count("\n|") == 2 + len(rows)  # header, rule and one line per category
