"""Codebook files: loading reports every problem with its path; load-write-load round trips."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode as sc
from statecode import CodebookError, InputFileError, Level
from tests.strategies import codebooks


def _write(tmp_path: Path, text: str, name: str = "cb.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(CodebookError) as exc:
        sc.read_codebook(path)
    assert exc.value.source == str(path)
    return [str(p) for p in exc.value.problems]


GOOD_VAR = """
[[variables]]
name = "ok"
level = "nominal"
[[variables.categories]]
code = "a"
"""

FILE_CASES = [
    pytest.param(
        'nam = "x"\n',
        [
            "nam: unknown key; did you mean 'name'? (allowed: name, variables, version, "
            "description)",
            "name: missing required key",
        ],
        id="unknown-and-missing-top-key",
    ),
    pytest.param(
        "name = 3\n",
        ["name: expected a string, got 3 (an integer); put it in quotes"],
        id="wrong-type-string",
    ),
    pytest.param(
        'name = "x"\nvariables = 5\n',
        ["variables: expected an array of tables, got 5 (an integer)"],
        id="variables-not-array",
    ),
    pytest.param(
        'name = "x"\nvariables = [1]\n',
        ["variables[0]: expected a table (variable), got 1 (an integer)"],
        id="variable-not-table",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        level = "nominal"
        [[variables.categories]]
        label = "no code"
        """,
        [
            "variables[0].name: missing required key",
            "variables[0].categories[0].code: missing required key",
        ],
        id="missing-name-and-code",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        name = "v"
        level = "nomnal"
        multi_label = "yes"
        [[variables.categories]]
        code = "a"
        examples = ["ok", 2]
        """,
        [
            "variables[0].level: 'nomnal' is not a level of measurement (did you mean "
            "'nominal'?); use one of 'nominal', 'ordinal', 'interval', 'ratio'",
            "variables[0].multi_label: expected true or false, got 'yes' (a string)",
            "variables[0].categories[0].examples: item 1 of the array: expected a string, "
            "got 2 (an integer)",
        ],
        id="bad-level-bool-and-array-item",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        name = "v"
        level = 4
        minimum = "low"
        [[variables.categories]]
        code = "a"
        """,
        [
            "variables[0].level: expected a level ('nominal', 'ordinal', 'interval', "
            "'ratio'), got 4 (an integer)",
            "variables[0].minimum: expected a number, got 'low' (a string)",
        ],
        id="level-and-number-types",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        name = "blame"
        level = "nominal"
        [[variables.categories]]
        code = "nato"
        [[variables.categories]]
        code = "nato"
        exlude = "x"
        parent = "west"
        """
        + GOOD_VAR
        + GOOD_VAR,
        [
            "variables[0].categories[1].exlude: unknown key; did you mean 'exclude'? (allowed: "
            "code, label, definition, include, exclude, examples, parent, exclusive)",
            "variables[0].categories[1].parent: parent 'west' is not a code of variable "
            "'blame'; add that category or fix the parent",
            "variables[0].categories[1].code: duplicate code 'nato' (first used at categories[0])",
            "variables[2].name: duplicate variable name 'ok' (first used at variables[1])",
        ],
        id="every-problem-at-once",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        name = "tone"
        level = "ordinal"
        order = ["lo", "hi"]
        [[variables.categories]]
        code = 1
        [[variables.categories]]
        code = "lo"
        [[variables.categories]]
        code = "hi"
        parent = "mid"
        """,
        [
            "variables[0].categories[0].code: expected a string, got 1 (an integer); "
            "put it in quotes",
            "variables[0].categories[2].parent: parent 'mid' is not a code of variable 'tone'; "
            "add that category or fix the parent",
        ],
        id="bad-category-does-not-hide-others",
    ),
    pytest.param(
        """
        name = "x"
        [[variables]]
        name = "v"
        level = "nominal"
        categories = ["a"]
        """,
        ["variables[0].categories[0]: expected a table (category), got 'a' (a string)"],
        id="category-not-table",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FILE_CASES)
def test_file_problems_exact(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert _problems(tmp_path, text) == expected


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'name = "x\n')
    assert len(problems) == 1
    assert problems[0].startswith("not valid TOML: ")
    assert "line 1" in problems[0]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cb.toml"
    path.write_bytes(b'name = "\xff"\n')
    with pytest.raises(CodebookError, match=r"not UTF-8 text \(byte 8\); save the file as UTF-8"):
        sc.read_codebook(path)


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "cb.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ('name = "x"' + GOOD_VAR).encode())
    assert sc.read_codebook(path).name == "x"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"no such codebook file, and no shipped codebook"):
        sc.read_codebook(tmp_path / "nope.toml")


def test_unknown_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path, "name = 'x'", name="cb.yaml")
    with pytest.raises(
        InputFileError, match=r"unknown codebook format '.yaml'; use a .toml or .qdc file"
    ):
        sc.read_codebook(path)


def test_message_prefixes_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "name = 3\n")
    with pytest.raises(CodebookError) as exc:
        sc.read_codebook(path)
    assert (
        str(exc.value) == f"{path}: name: expected a string, got 3 (an integer); put it in quotes"
    )


def test_shipped_codebook_by_name_and_path(root: Path) -> None:
    by_name = sc.read_codebook("readouts")
    by_path = sc.read_codebook(root / "codebooks" / "readouts.toml")
    assert by_name == by_path
    assert sc.Codebook.from_toml("readouts") == by_name
    assert by_name["blame_target"].level is Level.NOMINAL


@pytest.mark.slow
@given(codebooks())
def test_round_trip_load_write_load(
    tmp_path_factory: pytest.TempPathFactory, cb: sc.Codebook
) -> None:
    path = tmp_path_factory.mktemp("rt") / "cb.toml"
    sc.write_codebook(cb, path)
    again = sc.read_codebook(path)
    assert again == cb
    sc.write_codebook(again, path)
    assert sc.read_codebook(path) == cb


@pytest.mark.slow
@given(codebooks(), st.sampled_from(["\n", "\r\n"]))
def test_round_trip_keeps_line_breaks_in_text(
    tmp_path_factory: pytest.TempPathFactory, cb: sc.Codebook, newline: str
) -> None:
    cb = attrs.evolve(cb, description=f"first{newline}second")
    path = tmp_path_factory.mktemp("nl") / "cb.toml"
    sc.write_codebook(cb, path)
    assert sc.read_codebook(path).description == f"first{newline}second"


def test_write_refuses_unknown_suffix(tmp_path: Path) -> None:
    cb = sc.Codebook(name="x")
    with pytest.raises(InputFileError, match=r"use a \.toml or \.qdc file"):
        sc.write_codebook(cb, tmp_path / "cb.json")


def test_documented_full_example_is_valid(root: Path, tmp_path: Path) -> None:

    doc = (root / "docs" / "codebook-format.md").read_text(encoding="utf-8")
    match = re.search(r"## A full example\n\n```toml\n(.*?)```", doc, re.DOTALL)
    assert match is not None
    cb = sc.read_codebook(_write(tmp_path, match.group(1)))
    assert cb.names == ("blame_target", "demands", "intensity", "casualties")
    assert cb["demands"].category("neutrality").parent == "security"
    assert cb["intensity"].codes == ("0", "1", "2")


def test_qdc_through_read_and_write_codebook(tmp_path: Path) -> None:
    cb = sc.read_codebook("readouts")
    path = tmp_path / "readouts.qdc"
    sc.write_codebook(cb, path)
    assert path.read_text(encoding="utf-8").startswith("<?xml")
    assert sc.read_codebook(path) == cb
