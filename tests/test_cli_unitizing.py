"""``statecode unitizing``: a span table or a .qdpx through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app

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
    record = json.loads(result.stdout)
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
    assert json.loads(result.stdout)["alpha"] == pytest.approx(expected.alpha)
    text = runner.invoke(app, ["unitizing", str(project)])
    assert text.exit_code == 0
    assert "alpha:" in text.stdout


def test_unitizing_errors_are_exit_1(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("document,coder,start,end,code\nd1,a,4,2,x\n", encoding="utf-8")
    result = runner.invoke(app, ["unitizing", str(table), "--variable", "v"])
    assert result.exit_code == 1
    assert "row 2: span 4..2 of document 'd1'" in result.stderr
