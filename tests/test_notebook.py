"""In a notebook: short reprs, readable str(), HTML tables, and the example notebook, run."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

import statecode as sc
from statecode.render import notebook_text
from statecode.render._notebook import VERDICT_COLOURS
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts"


@pytest.fixture(scope="module")
def objects() -> dict[str, object]:
    codebook = sc.read_codebook("readouts")
    table = sc.read_codings(EXAMPLE / "codings.csv", codebook=codebook)
    corpus = sc.read_corpus(EXAMPLE)
    spans = [sc.Span("d1", "ann", 0, 7, "v", "a"), sc.Span("d1", "bob", 0, 6, "v", "a")]
    texts = sc.Corpus(documents=[sc.Document(id="d1", text="We call for talks now.")])
    return {
        "AlphaResult": sc.krippendorff_alpha(table, variable="party_status", bootstrap=300, seed=1),
        "AgreementResult": sc.fleiss_kappa(table, variable="party_status"),
        "UnitizingResult": sc.unitizing_alpha(spans, continua=texts),
        "ReliabilityReport": sc.reliability_report(table, bootstrap=300, seed=1),
        "Comparison": sc.compare_accounts(corpus, table, consensus="majority"),
        "ConsensusResult": sc.consensus(table),
        "Codebook": codebook,
        "CodingTable": table,
        "Corpus": corpus,
    }


NAMES = [
    "AlphaResult",
    "AgreementResult",
    "UnitizingResult",
    "ReliabilityReport",
    "Comparison",
    "ConsensusResult",
    "Codebook",
    "CodingTable",
    "Corpus",
]


@pytest.mark.parametrize("name", NAMES)
def test_repr_is_one_short_line(objects: dict[str, object], name: str) -> None:
    text = repr(objects[name])
    assert text.startswith(f"<{name}")
    assert "\n" not in text
    assert len(text) <= 160, text
    assert "0.90482" not in text  # figures rounded, not 16 digits


@pytest.mark.parametrize("name", NAMES)
def test_str_is_the_table_the_cli_prints(objects: dict[str, object], name: str) -> None:
    text = str(objects[name])
    assert text == notebook_text(objects[name])
    assert text.count("\n") >= 2


@pytest.mark.parametrize("name", NAMES)
def test_html_is_an_escaped_table(objects: dict[str, object], name: str) -> None:
    page = objects[name]._repr_html_()  # type: ignore[attr-defined]
    assert "<table" in page
    assert "<script" not in page
    assert page.count("<table") == page.count("</table>")


def test_verdicts_are_coloured(objects: dict[str, object]) -> None:
    report = objects["ReliabilityReport"]
    page = report._repr_html_()  # type: ignore[attr-defined]
    for verdict in set(report.table["Verdict"].to_list()):  # type: ignore[attr-defined]
        assert f'background:{VERDICT_COLOURS[verdict]};">{html.escape(verdict)}</td>' in page
    alpha = objects["AlphaResult"]
    assert f"{alpha.alpha:.3f}" in alpha._repr_html_()  # type: ignore[attr-defined]


def test_html_escapes_what_the_data_hold() -> None:
    table = sc.CodingTable.from_codings(
        [sc.Coding("<u>", "a", "v", "<b>x</b>"), sc.Coding("<u>", "b", "v", "y")]
    )
    page = table._repr_html_()
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_to_html_writes_the_page(objects: dict[str, object], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    report = objects["ReliabilityReport"]
    page = report.to_html(tmp_path / "report.html")  # type: ignore[attr-defined]
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>")
    comparison = objects["Comparison"]
    page = comparison.to_html(tmp_path / "compare.html")  # type: ignore[attr-defined]
    assert "Similarity of accounts" in page
    assert comparison.to_html() == page  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_example_notebook_runs_and_shows_tables(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib")
    folder = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", folder)
    notebook = nbformat.read(folder / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": folder}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 5  # codebook, table, alpha, report, comparison
    assert all("<table" in o["data"]["text/html"] for o in tables)
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Krippendorffs_Alpha" in printed
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
