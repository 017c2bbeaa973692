"""One vocabulary: the same input options in every analysis command, meaning the same thing.

Also what every command's help shows (real placeholders, choices as choices), ``-h`` and
``--version``, the output format from the suffix of ``-o``, choices matched as the library
matches them, and each import format's own options.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from statecode.cli._app import version
from statecode.cli._options import _INPUT
from tests.conftest import ROOT, json_results

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "readouts"
ANALYSES = ("alpha", "agreement", "report", "coders", "validate", "compare")


def _run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _commands() -> list[tuple[str, typer.core.TyperCommand]]:
    """Every command of the application, with its path (``import webanno``)."""
    root = typer.main.get_command(app)
    out = []
    stack: list[tuple[str, object]] = [("", root)]
    while stack:
        path, node = stack.pop()
        subcommands = getattr(node, "commands", None)
        if subcommands:
            stack += [(f"{path} {n}".strip(), c) for n, c in subcommands.items()]
        else:
            out.append((path, node))
    return sorted(out, key=lambda item: item[0])  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# help


@pytest.mark.parametrize("path", [p for p, _ in _commands()])
def test_help_shows_placeholders_not_types(path: str) -> None:
    code, out, err = _run(*path.split(), "-h")
    assert code == 0, err
    assert out.startswith(f"Usage: root {path} [OPTIONS]")
    assert not re.search(r"<[a-z_\[\]|, ]+>|\{[a-z_]+\}", out), out  # no <path>, {data}
    command = dict(_commands())[path]
    for param in command.params:
        if param.param_type_name == "option" and not param.is_flag:  # type: ignore[attr-defined]
            assert param.metavar, f"{path} {param.opts}: no placeholder"
            assert f"{max(param.opts, key=len)} {param.metavar}" in out


def test_choices_are_listed_as_choices() -> None:
    listed = {
        ("unitizing", "--variant"): "[u|cu|Cu|u2004]",
        ("unitizing", "--overlaps"): "[error|merge]",
        ("compare", "--adjust"): "[none|holm]",
        ("compare", "--consensus"): "[majority|unanimous|coder:ID]",
        ("alpha", "--level"): "[VAR=]LEVEL",
        ("alpha", "--method"): "[units|krippendorff|poisson]",
        ("report", "--format"): "[table|json|csv|markdown|html]",
        ("agreement", "--coefficient"): "[percent|holsti|cohen|scott|fleiss|conger|bp|ac1|ac2]",
    }
    for (name, option), metavar in listed.items():
        _, out, _ = _run(name, "-h")
        assert f"{option} {metavar}" in out.replace("\n", " "), (name, option)
    _, out, _ = _run("report", "-h")
    assert "alpha, percent, holsti, cohen, scott, fleiss, conger, bp, ac1, ac2, or all" in " ".join(
        out.split()
    )


def test_agreement_lists_only_what_works() -> None:
    code, _, err = _run("agreement", EXAMPLE / "codings.csv", "--coefficient", "alpha")
    assert code == 2
    assert "'alpha' is not one of percent, holsti" in err


def test_short_help_and_version() -> None:
    assert _run("-h")[1] == _run("--help")[1]
    assert _run("alpha", "-h")[1] == _run("alpha", "--help")[1]
    code, out, _ = _run("--version")
    assert code == 0
    assert out == f"statecode {version()}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", version())


def test_each_import_format_shows_its_own_options() -> None:
    _, webanno, _ = _run("import", "webanno", "-h")
    _, labelstudio, _ = _run("import", "labelstudio", "-h")
    _, table, _ = _run("import", "table", "-h")
    assert "--layer TYPE" in webanno
    assert "--text-field" not in webanno
    assert "--text-field KEY" in labelstudio
    assert "--layer" not in labelstudio
    assert "--missing TEXT" in table
    assert "--statements PATH" not in table
    assert "Usage: root import webanno [OPTIONS] FILE..." in webanno
    assert "Usage: root import labelstudio [OPTIONS] FILE\n" in labelstudio


# --------------------------------------------------------------------------------------------
# the input options


def _options_of(name: str) -> dict[str, str]:
    command = dict(_commands())[name]
    return {
        p.name: p.help or ""  # type: ignore[attr-defined]
        for p in command.params
        if p.name in _INPUT
    }


def test_every_analysis_command_takes_the_same_input_options() -> None:
    first = _options_of(ANALYSES[0])
    assert set(first) == set(_INPUT)
    for name in ANALYSES[1:]:
        assert _options_of(name) == first, name


def _messy(tmp_path: Path) -> Path:
    """The worked example as a European spreadsheet exports it, with every quirk an option
    undoes: other id column names, ';' between cells, cp1252, a marker for missing, spaces
    around codes, a coder with an accent."""
    frame = pl.read_csv(EXAMPLE / "codings.csv", infer_schema=False)
    frame = frame.with_columns(
        pl.col("coder").str.replace("coder_c", "coder_é"),
        pl.when(pl.col("unit") == "kr03")
        .then(pl.lit("n/a"))
        .otherwise(pl.col("party_status"))
        .alias("party_status"),
        (pl.col("blame_target") + pl.lit(" ")).alias("blame_target"),
    ).rename({"unit": "statement", "coder": "who"})
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.iter_rows())
    path = tmp_path / "messy.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def _clean(tmp_path: Path) -> Path:
    frame = pl.read_csv(EXAMPLE / "codings.csv", infer_schema=False).with_columns(
        pl.col("coder").str.replace("coder_c", "coder_é"),
        pl.when(pl.col("unit") == "kr03")
        .then(None)
        .otherwise(pl.col("party_status"))
        .alias("party_status"),
    )
    path = tmp_path / "clean.csv"
    frame.write_csv(path)
    return path


def _without_provenance(out: str) -> str:
    """The output, less what names the input file (provenance, the path in a message)."""
    try:
        document = json.loads(out)
    except json.JSONDecodeError:
        return re.sub(r"\S*(messy|clean)\.csv", "FILE", out)
    document.pop("provenance", None)
    return json.dumps(document)


MESSY_OPTIONS = (
    *("--unit", "statement", "--coder", "who", "--delimiter", ";", "--encoding", "cp1252"),
    *("--missing", "n/a", "--normalize", "strip"),
)
SAME = (
    *("--variable", "blame_target", "--variable", "blame_intensity", "--variable", "party_status"),
    *("--level", "blame_intensity=ordinal", "--domain", "blame_intensity=0,1,2,3"),
)
EXTRA = {
    "alpha": ("--format", "json"),
    "agreement": ("--coefficient", "ac2", "--format", "json"),
    "report": ("--coefficients", "all", "--format", "json"),
    "coders": (),
    "validate": (),
    "compare": ("--corpus", EXAMPLE, "--format", "json"),
}


@pytest.mark.parametrize("name", ANALYSES)
def test_the_input_options_mean_the_same_in_every_command(tmp_path: Path, name: str) -> None:
    messy, clean = _messy(tmp_path), _clean(tmp_path)
    code, undone, err = _run(name, messy, *MESSY_OPTIONS, *SAME, *EXTRA[name])
    assert code == 0, err
    code, plain, err = _run(name, clean, *SAME, *EXTRA[name])
    assert code == 0, err
    assert _without_provenance(undone) == _without_provenance(plain)
    # and the options matter: without them the same file is read otherwise, or not at all
    code, out, _ = _run(name, messy, *SAME[:6], *EXTRA[name])
    assert code != 0 or out != plain


def test_level_and_domain_are_what_the_library_uses(tmp_path: Path) -> None:
    clean = _clean(tmp_path)
    _, out, _ = _run("alpha", clean, *SAME, "--format", "json")
    records = {r["variable"]: r for r in json_results(out)}
    table = sc.read_codings(clean)
    ordinal = sc.krippendorff_alpha(
        table, variable="blame_intensity", level="ordinal", domain=["0", "1", "2", "3"]
    )
    assert records["blame_intensity"]["level"] == "ordinal"
    assert records["blame_intensity"]["alpha"] == pytest.approx(ordinal.alpha)
    assert records["blame_target"]["level"] == "nominal"
    # one --level for every variable, then one by name over it
    _, out, _ = _run(
        "alpha",
        clean,
        "--variable",
        "blame_intensity",
        "--variable",
        "party_status",
        "--level",
        "Ordinal",  # matched as the library matches it
        "--level",
        "party_status=nominal",
        "--domain",
        "blame_intensity=0,1,2,3",
        "--format",
        "json",
    )
    assert [r["level"] for r in json_results(out)] == ["ordinal", "nominal"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--level", "tone=ordinal"), "'tone' is not a variable of"),
        (("--level", "ordinl"), "--level ordinl: not a level"),
        (("--domain", "blame_intensity=0"), "give two or more distinct values"),
        (("--level", "ordinal", "--level", "nominal"), "--level given twice for every variable"),
        (("--level", "=ordinal"), "write VAR=VALUE"),
    ],
)
def test_level_and_domain_mistakes_are_usage_errors(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, _, err = _run("alpha", _clean(tmp_path), *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_a_value_outside_the_domain_is_named(tmp_path: Path) -> None:
    code, _, err = _run(
        "validate", _clean(tmp_path), "--variable", "blame_intensity", "--domain", "0,1,2"
    )
    assert code == 1
    assert re.search(r"row \d+, column 'blame_intensity': '3' is not in --domain", err)


def test_wide_means_the_same_everywhere(tmp_path: Path) -> None:
    long = pl.read_csv(EXAMPLE / "codings.csv", infer_schema=False).select(
        "unit", "coder", "party_status"
    )
    wide = long.pivot(on="coder", index="unit", values="party_status")
    path = tmp_path / "wide.csv"
    wide.write_csv(path)
    flat = tmp_path / "long.csv"
    long.write_csv(flat)
    for name in ("alpha", "agreement", "report", "validate"):
        _, from_wide, err = _run(name, path, "--wide", "--variable", "party_status")
        _, from_long, _ = _run(name, flat, "--variable", "party_status")
        assert from_wide.replace(str(path), "F") == from_long.replace(str(flat), "F"), (name, err)


# --------------------------------------------------------------------------------------------
# output


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".csv", lambda t: t.startswith("variable,level,")),
        (".json", lambda t: json_results(t)[0]["variable"] == "precondition"),
        (".md", lambda t: t.startswith("| variable |")),
        (".txt", lambda t: t.startswith("variable ")),
    ],
)
def test_the_output_format_follows_the_suffix(tmp_path: Path, suffix: str, check: object) -> None:
    out = tmp_path / f"a{suffix}"
    code, _, err = _run("alpha", EXAMPLE / "codings.csv", "--codebook", "readouts", "-o", out)
    assert code == 0, err
    assert check(out.read_text(encoding="utf-8"))  # type: ignore[operator]


def test_format_overrides_the_suffix_and_an_unknown_suffix_asks_for_it(tmp_path: Path) -> None:
    data = (EXAMPLE / "codings.csv", "--codebook", "readouts")
    out = tmp_path / "a.csv"
    assert _run("alpha", *data, "-o", out, "--format", "json")[0] == 0
    assert json_results(out.read_text(encoding="utf-8"))
    code, _, err = _run("alpha", *data, "-o", tmp_path / "a.html")
    assert code == 2
    assert "give --format (table, json, csv, markdown)" in err
    assert not (tmp_path / "a.html").exists()
    code, _, err = _run("report", *data, "-o", tmp_path / "r.html")
    assert code == 0, err
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = _run("codebook", "export", "readouts", "-o", tmp_path / "cb.toml")
    assert code == 0, err
    assert sc.read_codebook(tmp_path / "cb.toml") == sc.read_codebook("readouts")
