"""The command line: exit codes, stdout and stderr (CliRunner)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
import statecode.cli as cli
from statecode.cli import app

runner = CliRunner()


def test_python_m_statecode_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "statecode", "codebook", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("readouts\t")


def test_help_lists_every_command_with_a_line() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    listing = {
        line.split(maxsplit=1)[0]: line.split(maxsplit=1)[1]
        for line in result.stdout.split("Commands:")[1].strip().splitlines()
    }
    assert listing == {
        "alpha": "Krippendorff's alpha per variable, with CIs.",
        "report": "The reliability report of every variable.",
        "agreement": "One agreement coefficient per variable, with intervals.",
        "coders": "Pairwise coder agreement and leave-one-out alphas.",
        "validate": "Check coded data against a codebook.",
        "compare": "Compare the accounts of each event.",
        "import": "Import codings from QDA and annotation tools.",
        "export": "Export a codebook or codings to other tools.",
        "unitizing": "Agreement on where statements start and end.",
        "codebook": "Show, check and export codebooks.",
    }
    sub = runner.invoke(app, ["codebook", "--help"])
    for command in ("show", "check", "export", "list"):
        assert f"  {command} " in sub.stdout
    # the commands in the order of the work, each import format a command of its own
    assert list(listing) == [
        "alpha",
        "report",
        "agreement",
        "coders",
        "validate",
        "unitizing",
        "compare",
        "import",
        "export",
        "codebook",
    ]
    formats = runner.invoke(app, ["import", "--help"])
    for name in sc.options.ImportFormat:
        assert f"  {name.value} " in formats.stdout
    # every one-line help fits: click shortens long ones with "..."
    for listing in (result.stdout, sub.stdout, formats.stdout):
        commands = listing.split("Commands:")[1]
        assert "..." not in commands


def test_codebook_show_by_name() -> None:
    result = runner.invoke(app, ["codebook", "show", "readouts"])
    assert result.exit_code == 0, result.stderr
    cb = sc.read_codebook("readouts")
    for var in cb:
        assert f"\n{var.name} (" in result.stdout
        for cat in var.categories:
            assert cat.code in result.stdout


def test_codebook_check_ok(root: Path) -> None:
    result = runner.invoke(app, ["codebook", "check", str(root / "codebooks" / "readouts.toml")])
    assert result.exit_code == 0
    cb = sc.read_codebook("readouts")
    n = sum(len(v.categories) for v in cb)
    assert result.stdout == f"ok: readouts: {len(cb)} variables, {n} codes\n"


def test_codebook_check_prints_each_problem_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "x"\n[[variables]]\nname = "v"\nlevel = "nomnal"\n'
        '[[variables.categories]]\ncode = "a"\n[[variables.categories]]\ncode = "a"\n'
        "[[variables]]\nname = 'w'\nlevel = 'ordinal'\n[[variables.categories]]\ncode = 'a'\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        f"error: {path}: variables[0].level: 'nomnal' is not a level of measurement (did you "
        "mean 'nominal'?); use one of 'nominal', 'ordinal', 'interval', 'ratio'",
        # the misspelled level does not hide the rest of the variable
        f"error: {path}: variables[0].categories[1].code: duplicate code 'a' (first used at "
        "categories[0])",
        f"error: {path}: variables[1].order: an ordinal variable needs an order: add order = "
        "[...] listing every code from lowest to highest (codes: 'a')",
    ]
    assert "Traceback" not in result.output


def test_single_problem_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nvariables = 1\n', encoding="utf-8")
    result = runner.invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: variables: expected an array of tables, got 1 (an integer)\n"
    )


def test_missing_codebook_is_exit_1_not_a_traceback() -> None:
    result = runner.invoke(app, ["codebook", "show", "no-such-codebook"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no-such-codebook: no such codebook file")
    assert len(result.stderr.splitlines()) == 1


def test_usage_error_is_exit_2() -> None:
    result = runner.invoke(app, ["codebook", "export", "readouts", "--to", "pdf"])
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.stderr


def test_export_markdown_manual(tmp_path: Path) -> None:
    out = tmp_path / "manual.md"
    result = runner.invoke(
        app, ["codebook", "export", "readouts", "--to", "markdown", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    cb = sc.read_codebook("readouts")
    assert text.startswith(f"# Coding manual: readouts (version {cb.version})")
    for var in cb:
        assert f"\n## {var.name}\n" in text
        for cat in var.categories:
            assert f"### `{cat.code}`" in text
            assert cat.definition.strip() in text
            for rule in (*cat.include, *cat.exclude, *cat.examples):
                assert f"- {rule.strip()}" in text


def test_export_toml_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "copy.toml"
    result = runner.invoke(app, ["codebook", "export", "readouts", "--to", "toml", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert sc.read_codebook(out) == sc.read_codebook("readouts")


def test_export_to_stdout() -> None:
    result = runner.invoke(app, ["codebook", "export", "readouts", "--to", "text"])
    assert result.exit_code == 0
    assert result.stdout.startswith("readouts ")


def test_codebook_list() -> None:
    result = runner.invoke(app, ["codebook", "list"])
    assert result.exit_code == 0
    assert result.stdout.startswith("readouts\t")


def test_a_command_runs_with_a_higher_collection_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the imports of a command (polars, numpy, statecode) are not walked 140 times by the
    # cyclic collector; the threshold is restored however the command ends
    seen: list[tuple[int, ...]] = []

    def command() -> None:
        seen.append(gc.get_threshold())
        raise SystemExit(1)

    before = gc.get_threshold()
    monkeypatch.setattr(cli, "app", command)
    with pytest.raises(SystemExit):
        cli.main()
    assert seen == [(cli._THRESHOLD, *before[1:])]
    assert seen[0][0] > before[0]
    assert gc.get_threshold() == before


def test_the_alpha_command_on_a_pipe_loads_neither_rich_nor_masked_arrays(
    tmp_path: Path,
) -> None:
    # rich is for a terminal; polars imports numpy.ma (0.02 s) when given a numpy array,
    # which the alpha path no longer does, even with a unit no coder coded
    data = tmp_path / "codings.csv"
    rows = ["u1,a,x", "u1,b,x", "u2,a,", "u2,b,", "u3,a,y", "u3,b,z", "u4,a,y", "u4,b,y"]
    data.write_text("unit,coder,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    probe = (
        f"import sys\nsys.argv = ['statecode', 'alpha', {str(data)!r}]\n"
        "from statecode.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('loaded:', 'numpy.ma' in sys.modules, 'rich' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "0.545" in done.stdout  # the alpha, computed
    assert done.stdout.splitlines()[-1] == "loaded: False False"


@pytest.mark.parametrize(
    ("given", "during"),
    [({}, "1"), ({"OPENBLAS_NUM_THREADS": "4"}, "4"), ({"OMP_NUM_THREADS": "3"}, None)],
    ids=["unset", "openblas set", "omp set"],
)
def test_a_command_runs_openblas_on_one_thread_unless_told(
    given: dict[str, str], during: str | None
) -> None:
    # in a fresh interpreter (numpy not imported yet): the setting holds while the command
    # runs, the user's own wins, and main() leaves the environment as it found it
    probe = (
        "import os\nimport statecode.cli as cli\nseen = []\n"
        "cli.app = lambda: seen.append(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
        "cli.main()\nprint(seen, os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in cli._BLAS_THREADS} | given
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    after = given.get("OPENBLAS_NUM_THREADS")
    assert done.stdout.split("\n")[0] == f"{[during]} {after}"
