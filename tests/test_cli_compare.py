"""``statecode compare`` end to end on the shipped example."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statecode.cli import app
from tests.conftest import ROOT

runner = CliRunner()
FOLDER = ROOT / "examples" / "readouts"
BASE = ["compare", str(FOLDER / "codings.csv"), "--corpus", str(FOLDER), "--codebook", "readouts"]


def test_compare_json_on_the_shipped_example() -> None:
    result = runner.invoke(app, [*BASE, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    tables = json.loads(result.stdout)
    provenance = tables.pop("provenance")
    assert provenance["inputs"][0]["file"] == "codings.csv"
    assert len(provenance["inputs"][0]["sha256"]) == 64
    assert provenance["codebook"]["name"] == "readouts"
    assert set(tables) == {"similarity", "divergence", "emphasis", "presence", "statements"}
    (pair,) = tables["similarity"]
    assert (pair["account_a"], pair["account_b"]) == ("Kremlin", "White House")
    assert pair["shared"] == 7
    assert abs(pair["jaccard"] - 7 / 27) < 1e-12
    only_kremlin = {
        r["category"]
        for r in tables["divergence"]
        if r["variable"] == "precondition" and r["raised_by"] == ["Kremlin"]
    }
    assert {
        "halt_mobilization",
        "halt_rearmament",
        "end_military_aid",
        "end_intelligence_sharing",
    } <= only_kremlin
    object_rows = {
        r["account"]: (r["count"], r["statements"])
        for r in tables["presence"]
        if r["variable"] == "party_status" and r["category"] == "object"
    }
    assert object_rows == {"Kremlin": (8, 18), "White House": (2, 10)}


def test_compare_table_csv_and_flags(tmp_path: Path) -> None:
    flags = tmp_path / "flags.csv"
    result = runner.invoke(
        app,
        [
            *BASE,
            "--table",
            "emphasis",
            "--format",
            "csv",
            "--adjust",
            "holm",
            "--flags",
            str(flags),
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"p_value", "p_adjusted", "difference"} <= set(rows[0])
    assert all(float(r["p_adjusted"]) >= float(r["p_value"]) for r in rows if r["p_value"])
    sheet = list(csv.DictReader(io.StringIO(flags.read_text(encoding="utf-8"))))
    assert len(sheet) == 17  # the example's dissenting cells, none tied
    assert {"unit", "variable", "status", "decision"} <= set(sheet[0])


def test_compare_csv_needs_one_table() -> None:
    result = runner.invoke(app, [*BASE, "--format", "csv"])
    assert result.exit_code == 2
    assert "CSV holds one table: choose it with --table" in result.stderr


@pytest.mark.slow
def test_compare_html_and_plot(tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    figure = tmp_path / "accounts.svg"
    result = runner.invoke(app, [*BASE, "--format", "html", "-o", str(page), "--plot", str(figure)])
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").count("<svg") == 1
    assert figure.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_compare_unknown_event_is_exit_1() -> None:
    result = runner.invoke(app, [*BASE, "--event", "nope"])
    assert result.exit_code == 1
    assert "nope" in result.stderr
    assert "call-2025-03-18" in result.stderr
