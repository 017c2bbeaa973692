"""``statecode import`` and ``export``: every format through the command line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from tests.conftest import DATA, ROOT, json_results

runner = CliRunner()
FOLDER = ROOT / "examples" / "readouts"


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def test_export_qdc_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "readouts.qdc"
    _ok("export", "qdc", "readouts", "-o", str(out))
    assert sc.read_codebook(out) == sc.read_codebook("readouts")


def test_export_and_import_tables(tmp_path: Path) -> None:
    xlsx = tmp_path / "codings.xlsx"
    _ok("export", "table", str(FOLDER / "codings.csv"), "-o", str(xlsx), "--codebook", "readouts")
    parquet = tmp_path / "codings.parquet"
    _ok("import", "table", str(xlsx), "-o", str(parquet), "--codebook", "readouts")
    cb = sc.read_codebook("readouts")
    key = ["unit", "coder", "variable"]
    original = sc.read_codings(FOLDER / "codings.csv", codebook=cb).data.drop("row").sort(key)
    again = sc.read_codings(parquet, codebook=cb).data.drop("row").sort(key)
    assert again.equals(original)


def test_qdpx_out_and_back_in(tmp_path: Path) -> None:
    """Statement codings as spans -> .qdpx -> spans -> statement codings: nothing changes."""
    corpus = sc.read_corpus(FOLDER / "documents.csv", FOLDER / "statements.csv")
    cb = sc.read_codebook("readouts")
    table = sc.read_codings(FOLDER / "codings.csv", codebook=cb)
    where = {s.id: s for s in corpus.statements}
    rows = table.data.filter(pl.col("variable") == "party_status")
    spans = [
        sc.Span(where[u].document_id, c, where[u].start, where[u].end, v, x)
        for u, c, v, x, _ in rows.iter_rows()
    ]
    span_table = tmp_path / "spans.csv"
    sc.write_spans(spans, span_table)
    project = tmp_path / "project.qdpx"
    _ok(
        "export",
        "qdpx",
        str(span_table),
        "--corpus",
        str(FOLDER),
        "--codebook",
        "readouts",
        "-o",
        str(project),
    )
    back = tmp_path / "spans-back.csv"
    texts = tmp_path / "texts"
    _ok("import", "qdpx", str(project), "-o", str(back), "--corpus-out", str(texts))
    assert sorted(sc.read_spans(back), key=repr) == sorted(spans, key=repr)
    assert (texts / "documents.csv").is_file()
    codings = tmp_path / "codings.csv"
    _ok(
        "import",
        "qdpx",
        str(project),
        "-o",
        str(codings),
        "--codebook",
        "readouts",
        "--statements",
        str(FOLDER / "statements.csv"),
    )
    imported = sc.read_codings(codings, codebook=cb)
    got = sorted(imported.data.select("unit", "coder", "variable", "value").iter_rows())
    want = sorted(rows.select("unit", "coder", "variable", "value").iter_rows())
    assert got == want


def test_import_labelstudio_and_doccano(tmp_path: Path) -> None:
    out = tmp_path / "ls.csv"
    spans = tmp_path / "ls-spans.csv"
    _ok(
        "import",
        "labelstudio",
        str(DATA / "labelstudio" / "three-annotators.json"),
        "-o",
        str(out),
        "--spans",
        str(spans),
    )
    assert len(sc.read_codings(out).coders) == 3
    assert sc.read_spans(spans)
    files = sorted((DATA / "doccano" / "classification").glob("*.jsonl"))
    doc_out = tmp_path / "doccano.csv"
    _ok("import", "doccano", *map(str, files), "-o", str(doc_out))
    assert len(sc.read_codings(doc_out).coders) == len(files)


def test_import_unitizers_feed_unitizing(tmp_path: Path) -> None:
    export = DATA / "labelstudio" / "three-annotators.json"
    spans, who, texts = tmp_path / "spans.csv", tmp_path / "who.csv", tmp_path / "texts"
    _ok(
        "import", "labelstudio", str(export), "-o", str(tmp_path / "c.csv"),
        "--spans", str(spans), "--unitizers", str(who), "--corpus-out", str(texts),
    )  # fmt: skip
    imported = sc.read_labelstudio(export)
    assert sc.read_unitizers(who) == dict(imported.unitizers)
    result = runner.invoke(
        app,
        ["unitizing", str(spans), "--corpus", str(texts), "--coders", str(who), "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    expected = sc.unitizing_alpha(
        imported.spans, continua=imported.corpus, coders=imported.unitizers
    )
    record = json_results(result.stdout)[0]
    assert record["alpha"] == pytest.approx(expected.alpha, rel=1e-12)
    assert record["coders"] == 3
    wrong = runner.invoke(app, ["import", "qdpx", "a.qdpx", "-o", "x.csv", "--unitizers", str(who)])
    assert wrong.exit_code == 2
    assert "No such option: --unitizers" in wrong.stderr  # qdpx's command has none


def test_import_usage_errors() -> None:
    result = runner.invoke(app, ["import", "qdpx", "a.qdpx", "b.qdpx", "-o", "x.csv"])
    assert result.exit_code == 2
    assert "Got unexpected extra argument(s) (b.qdpx)" in result.stderr
    result = runner.invoke(app, ["export", "qdpx", "spans.csv", "-o", "x.qdpx"])
    assert result.exit_code == 2
    assert "qdpx needs the texts (--corpus) and the codebook (--codebook)" in result.stderr
    result = runner.invoke(app, ["import", "qdpx", "missing.qdpx", "-o", "x.csv"])
    assert result.exit_code == 1
    assert "missing.qdpx" in result.stderr
