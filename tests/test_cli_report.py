"""``statecode report``, ``agreement`` and ``coders``: formats, figures, exit codes."""

from __future__ import annotations

import builtins
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from tests.conftest import ROOT, json_results

runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "readouts" / "codings.csv")
BASE = ["report", EXAMPLE, "--codebook", "readouts"]


def _run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_report_table() -> None:
    result = _run(*BASE, "--bootstrap", "200", "--seed", "1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["Variable", "n_Units", "n_Coders", "Level"]
    assert any(line.startswith("party_status ") and "reliable" in line for line in lines)
    assert "Verdict from Krippendorff's alpha" in result.stdout


def test_report_json_csv_markdown_agree() -> None:
    as_json = json_results(_run(*BASE, "--coefficients", "all", "--format", "json").stdout)
    as_csv = list(
        csv.DictReader(io.StringIO(_run(*BASE, "--coefficients", "all", "--format", "csv").stdout))
    )
    assert [r["Variable"] for r in as_json] == [r["Variable"] for r in as_csv]
    assert float(as_csv[1]["Fleiss_Kappa"]) == pytest.approx(as_json[1]["Fleiss_Kappa"])
    markdown = _run(*BASE, "--format", "markdown").stdout
    assert markdown.startswith("| Variable | n_Units | n_Coders | Level | Agreement |")


def test_report_by_column(tmp_path: Path) -> None:
    lines = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",document"] + [
        line + (",kremlin" if line.startswith("kr") else ",white_house") for line in lines[1:]
    ]
    path = tmp_path / "with_doc.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = _run(
        "report", str(path), "--codebook", "readouts", "--by", "document", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    records = json_results(result.stdout)
    assert {r["document"] for r in records} == {"kremlin", "white_house"}
    bad = _run("report", str(path), "--codebook", "readouts", "--by", "nope")
    assert bad.exit_code == 1
    assert "column 'nope' (--by) is not in the file" in bad.stderr


@pytest.mark.slow
def test_report_html_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    plots = tmp_path / "plots"
    result = _run(
        *BASE,
        "--bootstrap",
        "200",
        "--seed",
        "2",
        "--format",
        "html",
        "-o",
        str(out),
        "--plots",
        str(plots),
    )
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 1 + 7  # the interval plot and one heatmap per variable
    # self-contained: nothing is loaded from elsewhere
    for loader in ("<script", "<link", 'src="http', "src='http", 'href="http', "url(http"):
        assert loader not in page
    names = sorted(p.name for p in plots.iterdir())
    assert "alpha_intervals.png" in names
    assert "alpha_intervals.svg" in names
    assert len([n for n in names if n.startswith("coincidences_")]) == 2 * 7
    assert all((plots / n).stat().st_size > 1000 for n in names)
    assert out.stat().st_mode & 0o044  # readable by others, like any written file


def test_without_matplotlib_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = _run(*BASE, "--format", "html", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: figures need matplotlib, which is not installed: "
        "pip install 'statecode[plot]' (or pip install matplotlib)\n"
    )
    assert not (tmp_path / "r.html").exists()
    # the text formats do not need it
    assert _run(*BASE, "--format", "json").exit_code == 0


def test_agreement_command() -> None:
    result = _run(
        "agreement",
        EXAMPLE,
        "--codebook",
        "readouts",
        "--coefficient",
        "fleiss",
        "--variable",
        "party_status",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    record = json_results(result.stdout)[0]
    table = sc.read_codings(EXAMPLE, codebook=sc.read_codebook("readouts"))
    expected = sc.fleiss_kappa(table, variable="party_status")
    assert record["value"] == pytest.approx(expected.value)
    assert record["ci_low"] == pytest.approx(expected.ci[0])
    text = _run(
        "agreement",
        EXAMPLE,
        "--codebook",
        "readouts",
        "--coefficient",
        "ac2",
        "--weights",
        "ordinal",
        "--variable",
        "ceasefire_scope",
    )
    assert text.exit_code == 0
    assert "gwet_ac2" in text.stdout
    # what does not apply is said once per coefficient, and the rest is scored
    wrong = _run("agreement", EXAMPLE, "--codebook", "readouts", "--coefficient", "cohen")
    assert wrong.exit_code == 0, wrong.stderr
    assert wrong.stdout.count("not computed") == 2
    assert (
        "cohen_kappa not computed for precondition, humanitarian_issue, cooperation "
        "(multi-label: needs one code per unit)"
    ) in wrong.stdout
    assert (
        "cohen_kappa not computed for blame_target, blame_intensity, ceasefire_scope, "
        "party_status (needs exactly two coders; the variable has 3)"
    ) in wrong.stdout
    ac1 = _run("agreement", EXAMPLE, "--codebook", "readouts", "--coefficient", "ac1")
    assert ac1.exit_code == 0, ac1.stderr
    rows = {line.split()[0]: line.split() for line in ac1.stdout.splitlines()[2:9]}
    assert rows["precondition"][2] == "n/a"
    expected = sc.gwet_ac1(table, variable="party_status")
    assert rows["party_status"][2] == f"{expected.value:.3f}"
    assert rows["party_status"][-1] == expected.verdict
    records = json_results(
        _run(
            "agreement",
            EXAMPLE,
            "--codebook",
            "readouts",
            "--coefficient",
            "ac1",
            "--format",
            "json",
        ).stdout
    )
    skipped = [r for r in records if r.get("applies") is False]
    assert [r["variable"] for r in skipped] == ["precondition", "humanitarian_issue", "cooperation"]
    assert all(r["value"] is None for r in skipped)


def test_agreement_csv_and_markdown_carry_the_json_figures() -> None:
    args = ["agreement", EXAMPLE, "--codebook", "readouts", "--coefficient", "ac1"]
    args += ["--variable", "party_status", "--variable", "blame_target"]
    as_json = json_results(_run(*args, "--format", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(_run(*args, "--format", "csv").stdout)))
    assert [r["variable"] for r in as_csv] == [r["variable"] for r in as_json]
    for row, record in zip(as_csv, as_json, strict=True):
        assert float(row["value"]) == pytest.approx(record["value"], rel=1e-12)
        assert float(row["ci_high"]) == pytest.approx(record["ci_high"], rel=1e-12)
        assert "per_category" not in row
    markdown = _run(*args, "--format", "markdown").stdout
    lines = markdown.splitlines()
    assert lines[0] == (
        "| variable | coefficient | value | CI | se | units | dropped | coders | verdict |"
    )
    first = as_json[0]
    assert lines[2].startswith(f"| {first['variable']} | gwet_ac1 | {first['value']:.3f} |")
    assert any(line.startswith("- gwet_ac1: ") for line in lines)


def test_coders_command() -> None:
    result = _run("coders", EXAMPLE, "--codebook", "readouts", "--variable", "blame_target")
    assert result.exit_code == 0, result.stderr
    assert "blame_target: pairwise alpha" in result.stdout
    assert "alpha without each coder" in result.stdout
    loo = result.stdout.split("alpha without each coder")[1].splitlines()
    header = next(i for i, line in enumerate(loo) if line.startswith("coder "))
    assert loo[header + 2].split()[0] == "coder_c"  # the outlier comes first
