"""The ``statecode alpha`` command: formats, options, exit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from statecode.reliability.results import VERDICT_RULE
from tests.conftest import DATA, ROOT, json_results

runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "readouts" / "codings.csv")
KEYS = {
    "variable",
    "level",
    "distance",
    "alpha",
    "observed_disagreement",
    "expected_disagreement",
    "units",
    "pairable_units",
    "coders",
    "pairable_values",
    "verdict",
}


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_main_job_table_on_the_shipped_example() -> None:
    code, out, err = _run("alpha", EXAMPLE, "--codebook", "readouts")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == [
        "variable",
        "level",
        "alpha",
        "units",
        "coders",
        "values",
        "verdict",
    ]
    cb = sc.read_codebook("readouts")
    table = sc.read_codings(EXAMPLE, codebook=cb)
    for name in cb.names:
        result = sc.krippendorff_alpha(table, variable=name)
        row = next(line for line in lines if line.startswith(name + " "))
        assert f"{result.alpha:.3f}" in row
        assert row.split()[-1] == result.verdict
    assert VERDICT_RULE in out
    assert "no interval: the verdicts read the point estimates only" in out


def test_json_has_every_key_and_matches_the_library() -> None:
    code, out, _ = _run("alpha", EXAMPLE, "--codebook", "readouts", "--format", "json")
    assert code == 0
    records = json_results(out)
    assert [r["variable"] for r in records] == list(sc.read_codebook("readouts").names)
    for record in records:
        assert set(record) == KEYS
    blame = next(r for r in records if r["variable"] == "blame_target")
    assert blame["level"] == "nominal"
    assert blame["coders"] == 3
    precondition = next(r for r in records if r["variable"] == "precondition")
    assert precondition["distance"] == "masi"


def test_bootstrap_json_keys_and_seed_reproducibility() -> None:
    args = (
        "alpha",
        EXAMPLE,
        "--codebook",
        "readouts",
        "--variable",
        "ceasefire_scope",
        "--bootstrap",
        "500",
        "--seed",
        "1",
        "--format",
        "json",
    )
    code, out, _ = _run(*args)
    assert code == 0
    record = json_results(out)[0]
    assert set(record) == KEYS | {
        "ci_low",
        "ci_high",
        "ci_level",
        "se",
        "bootstrap",
        "method",
        "seed",
        "q",
        "undefined_replicates",
    }
    assert record["bootstrap"] == 500
    assert record["seed"] == 1
    assert record["ci_level"] == 0.95
    assert record["ci_low"] <= record["alpha"] <= record["ci_high"]
    assert json_results(_run(*args)[1]) == [record]


def test_options_without_a_codebook(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "story,who,tone\n"
        + "".join(
            f"s{u},{c},{v}\n"
            for u, values in enumerate([[1, 1, 2], [3, 3, 3], [2, 2, 2], [1, 2, 1], [3, 3, 2]])
            for c, v in zip("abc", values, strict=True)
        ),
        encoding="utf-8",
    )
    code, out, err = _run(
        "alpha",
        str(path),
        "--unit",
        "story",
        "--coder",
        "who",
        "--variable",
        "tone",
        "--level",
        "ordinal",
        "--bootstrap",
        "200",
        "--seed",
        "1",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["variable"] == "tone"
    assert rows[0]["level"] == "ordinal"
    assert {"ci_low", "ci_high", "q_0.9", "q_0.8", "q_0.667"} <= set(rows[0])
    data = [[1, 3, 2, 1, 3], [1, 3, 2, 2, 3], [2, 3, 2, 1, 2]]
    assert float(rows[0]["alpha"]) == pytest.approx(
        sc.krippendorff_alpha(data, level="ordinal").alpha, abs=1e-12
    )


def test_wide_layout_and_missing_markers() -> None:
    code, out, _ = _run(
        "alpha",
        str(DATA / "hayes-krippendorff-2007-wide.csv"),
        "--wide",
        "--level",
        "interval",
        "--format",
        "json",
    )
    assert code == 0
    assert json_results(out)[0]["alpha"] == pytest.approx(0.757378277153558, abs=1e-9)


def test_custom_missing_marker(tmp_path: Path) -> None:
    path = tmp_path / "wide.tsv"
    path.write_text("unit\ta\tb\n1\t1\t1\n2\t2\t-\n3\t1\t2\n4\t2\t2\n", encoding="utf-8")
    code, out, err = _run("alpha", str(path), "--wide", "--missing", "-", "--format", "json")
    assert code == 0, err
    assert json_results(out)[0]["pairable_units"] == 3


def test_markdown_format() -> None:
    code, out, _ = _run("alpha", EXAMPLE, "--codebook", "readouts", "--format", "markdown")
    assert code == 0
    assert out.startswith("| variable | level | alpha |")
    assert "| precondition | nominal (masi) |" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "alpha.json"
    code, out, _ = _run(
        "alpha", EXAMPLE, "--codebook", "readouts", "--format", "json", "-o", str(target)
    )
    assert code == 0
    assert out == ""
    assert len(json_results(target.read_text(encoding="utf-8"))) == 7


def test_unknown_code_is_exit_1_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    text = (
        Path(EXAMPLE)
        .read_text(encoding="utf-8")
        .replace("kr01,coder_b,none,none", "kr01,coder_b,none,nato", 1)
    )
    path.write_text(text, encoding="utf-8")
    code, out, err = _run("alpha", str(path), "--codebook", "readouts")
    assert code == 1
    assert out == ""
    assert err == (
        f"error: {path}: row 3, column 'blame_target': unknown code 'nato' for "
        "'blame_target'; did you mean 'none'?\n"
    )


def test_unknown_column_is_an_error_unless_variables_are_named(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    lines = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",memo"] + [line + ",x" for line in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    code, _, err = _run("alpha", str(path), "--codebook", "readouts")
    assert code == 1
    assert "column 'memo': not a variable of codebook 'readouts'" in err
    code, out, _ = _run(
        "alpha",
        str(path),
        "--codebook",
        "readouts",
        "--variable",
        "party_status",
        "--format",
        "json",
    )
    assert code == 0
    assert [r["variable"] for r in json_results(out)] == ["party_status"]


def test_usage_errors_are_exit_2() -> None:
    assert _run("alpha", EXAMPLE, "--level", "nomnal")[0] == 2
    assert _run("alpha", EXAMPLE, "--format", "xml")[0] == 2
    assert _run("alpha")[0] == 2


def test_missing_file_is_exit_1() -> None:
    code, _, err = _run("alpha", "no-such.csv")
    assert code == 1
    assert err == "error: no-such.csv: no such file; check the path\n"


def test_degenerate_variable_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text("unit,coder,v\n1,a,x\n1,b,x\n2,a,x\n2,b,x\n", encoding="utf-8")
    code, out, err = _run("alpha", str(path), "--format", "json")
    assert code == 0
    assert err == ""
    record = json_results(out)[0]
    assert record["alpha"] is None
    assert record["reason"].startswith("no variation")


def test_validate_command(tmp_path: Path) -> None:
    code, out, err = _run("validate", EXAMPLE, "--codebook", "readouts")
    assert code == 0, err
    assert out.startswith(f"ok: {EXAMPLE}: 587 codings of 28 units by 3 coders on 7 variables")
    bad = tmp_path / "bad.csv"
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    bad.write_text(text.replace("kr01,coder_b,none,none", "kr01,coder_b,nonee,nato", 1), "utf-8")
    code, out, err = _run("validate", str(bad), "--codebook", "readouts")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"error: {bad}: row 3, column 'precondition': unknown code 'nonee' for 'precondition'; "
        "did you mean 'none'?",
        f"error: {bad}: row 3, column 'blame_target': unknown code 'nato' for 'blame_target'; "
        "did you mean 'none'?",
    ]
    code, out, err = _run(
        "alpha", str(bad), "--codebook", "readouts", "--skip-invalid", "--format", "json"
    )
    assert code == 0
    assert err == f"warning: {bad}: skipped 2 invalid entries (statecode validate lists them)\n"
    assert len(json_results(out)) == 7
