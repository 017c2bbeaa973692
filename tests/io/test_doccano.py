"""doccano exports: hand-made files of several users, offsets, every error path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import statecode as sc
from statecode import DataError, DoccanoImport, InputFileError, read_doccano
from tests.conftest import DATA

CLASSIFICATION = DATA / "doccano" / "classification"
SPANS = DATA / "doccano" / "spans"


@pytest.fixture(scope="module")
def codebook() -> sc.Codebook:
    return sc.Codebook(
        name="dc-demo",
        variables=(
            sc.Variable(
                name="topics",
                level="nominal",
                multi_label=True,
                categories=(
                    sc.Category("security"),
                    sc.Category("economy"),
                    sc.Category("humanitarian"),
                    sc.Category("none", exclusive=True),
                ),
            ),
            sc.Variable(
                name="stance",
                level="nominal",
                categories=(sc.Category("support"), sc.Category("oppose"), sc.Category("neutral")),
            ),
            sc.Variable(
                name="actor",
                level="nominal",
                categories=(
                    sc.Category("russia"),
                    sc.Category("ukraine"),
                    sc.Category("united_states"),
                ),
            ),
            sc.Variable(name="score", level="interval"),
        ),
    )


def _rows(result: DoccanoImport) -> list[tuple[str, str, str, str]]:
    return sorted(result.codings.data.select("unit", "coder", "variable", "value").iter_rows())


# --------------------------------------------------------------------------------------------
# hand-made exports


def test_classification_by_three_users(codebook: sc.Codebook) -> None:
    result = read_doccano(CLASSIFICATION, variable="topics", codebook=codebook)
    assert _rows(result) == [
        ("1", "admin1", "topics", "security"),
        ("1", "admin2", "topics", "security;humanitarian"),  # codebook order
        ("1", "admin3", "topics", "{}"),  # "label": [] of a multi-label variable: no code
        ("2", "admin1", "topics", "economy"),
        ("2", "admin2", "topics", "economy"),
        ("2", "admin3", "topics", "economy"),
        ("3", "admin1", "topics", "humanitarian"),
        ("3", "admin2", "topics", "none"),
        ("3", "admin3", "topics", "humanitarian"),
    ]
    typed = {(c.unit, c.coder): c.value for c in result.codings.codings()}
    assert typed["1", "admin2"] == frozenset({"security", "humanitarian"})
    assert typed["1", "admin3"] == frozenset()
    assert result.skipped == {}
    assert result.codings.coders == ("admin1", "admin2", "admin3")
    assert result.spans == ()
    assert [(d.id, d.text) for d in result.corpus.documents] == [
        ("1", "We call for an immediate ceasefire."),
        ("2", "Sanctions hurt our economy."),
        ("3", "Thank you \U0001f64f for the aid."),
    ]
    assert result.sources == tuple(str(CLASSIFICATION / f"admin{i}.jsonl") for i in (1, 2, 3))


def test_classification_without_codebook() -> None:
    files = [CLASSIFICATION / "admin2.jsonl", CLASSIFICATION / "admin1.jsonl"]
    result = read_doccano(files)
    assert _rows(result) == [
        ("1", "admin1", "label", "security"),
        ("1", "admin2", "label", "humanitarian;security"),  # sorted: equal sets, equal text
        ("2", "admin1", "label", "economy"),
        ("2", "admin2", "label", "economy"),
        ("3", "admin1", "label", "humanitarian"),
        ("3", "admin2", "label", "none"),
    ]
    assert result.codings.coders == ("admin2", "admin1")  # in the order of the files given
    assert result.codings.source is None  # several files


def test_sequence_labelling_by_two_users(codebook: sc.Codebook) -> None:
    raw = [json.loads(line) for line in (SPANS / "bob.jsonl").read_text("utf-8").splitlines()]
    assert raw[1]["label"][1] == [30, 44, "ukraine"]  # UTF-16 code units, after a flag emoji
    result = read_doccano(SPANS, variable="actor", codebook=codebook)
    assert result.spans == (
        sc.Span(document="10", coder="alice", start=0, end=6, variable="actor", code="russia"),
        sc.Span(document="10", coder="alice", start=11, end=18, variable="actor", code="ukraine"),
        sc.Span(
            document="11", coder="alice", start=4, end=8, variable="actor", code="united_states"
        ),
        sc.Span(document="11", coder="alice", start=28, end=35, variable="actor", code="ukraine"),
        sc.Span(document="10", coder="bob", start=0, end=6, variable="actor", code="russia"),
        sc.Span(document="11", coder="bob", start=4, end=8, variable="actor", code="united_states"),
        sc.Span(document="11", coder="bob", start=28, end=42, variable="actor", code="ukraine"),
    )
    text = result.corpus.document("11").text
    assert [text[s.start : s.end] for s in result.spans[-2:]] == ["U.S.", "Ukraine agreed"]
    assert len(result.codings) == 0
    assert result.codings.codebook is codebook


def test_code_point_offsets(tmp_path: Path) -> None:
    path = _file(
        tmp_path, "u.jsonl", {"id": 1, "text": "\U0001f600 Kyiv", "label": [[2, 6, "LOC"]]}
    )
    assert read_doccano(path, offsets="code-points").spans == (
        sc.Span(document="1", coder="u", start=2, end=6, variable="label", code="LOC"),
    )
    assert read_doccano(path).spans[0].start == 1  # the same numbers as UTF-16 code units


def test_coder_key_and_legacy_labels_key(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "all.jsonl",
        {"id": 1, "text": "a b", "labels": ["x"], "coder": "ann"},
        {"id": 2, "text": "c d", "label": ["y"], "coder": 7},
    )
    result = read_doccano(path, coder_from="key", variable="topic")
    assert _rows(result) == [("1", "ann", "topic", "x"), ("2", "7", "topic", "y")]
    assert result.codings.source == str(path)


# --------------------------------------------------------------------------------------------
# errors


def _file(folder: Path, name: str, *lines: Any) -> Path:
    path = folder / name
    text = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _problems(paths: Any, **kwargs: Any) -> tuple[str | None, list[str]]:
    with pytest.raises(DataError) as exc:
        read_doccano(paths, **kwargs)
    return exc.value.source, [str(p) for p in exc.value.problems]


def test_every_malformed_line_at_once(tmp_path: Path, codebook: sc.Codebook) -> None:
    emoji = "Hi \U0001f600 x"
    path = _file(
        tmp_path,
        "admin.jsonl",
        '{"id": 1, "text": "x", "label": [}',
        [1, 2],
        {"text": "x", "label": []},
        {"id": True, "text": "x", "label": []},
        {"id": 5, "label": []},
        {"id": 6, "text": "x"},
        {"id": 7, "text": "abc", "label": "support"},
        {"id": 8, "text": emoji, "label": [[0, 99, "russia"]]},
        {"id": 9, "text": emoji, "label": [[4, 5, "russia"]]},
        {"id": 10, "text": "abc", "label": [[0, 1]]},
        {"id": 11, "text": "abc", "label": [[0, 1, ""]]},
        {"id": 12, "text": "abc", "label": ["support", [0, 1, "russia"]]},
        {"id": 13, "text": "abc", "label": ["", "support"]},
        {"id": 8, "text": "again", "label": []},
        "",
        {"id": 16, "text": "t16", "label": ["support", "oppose"]},
        {"id": 17, "text": "t17", "label": ["suport"]},
        {"id": 18, "text": "abc", "label": [[2, 1, "russia"]]},
        {"id": 19, "text": "abc", "label": [[0, 1, "rusia"]]},
    )
    source, problems = _problems(path, variable="stance", codebook=codebook)
    assert source == str(path)
    assert problems[:15] == [
        "line 1: not valid JSON (column 34: Expecting value); each line must be one JSON object, "
        "as doccano exports it",
        "line 2: expected a JSON object, got a list",
        "line 3, key 'id': expected the example's id (a whole number or text), got nothing (the "
        "key is missing); doccano exports give every example an id (for a file without ids "
        "pass unit_from='order')",
        "line 4, key 'id': expected the example's id (a whole number or text), got True; doccano "
        "exports give every example an id",
        "line 5, key 'text': expected the example's text, got nothing (the key is missing)",
        "line 6, key 'label': expected a list of labels, got nothing (the key is missing); export "
        "the project from doccano as JSONL",
        "line 7, key 'label': expected a list of labels, got 'support'; export the project from "
        "doccano as JSONL",
        "line 8, key 'label': span [0, 99, 'russia'] does not lie within the text (7 UTF-16 code "
        "units); start must be >= 0 and less than end",
        "line 9, key 'label': span [4, 5, 'russia'] cuts a character above U+FFFF (an emoji?) in "
        "half; check offsets= (these offsets cannot be UTF-16 code units)",
        "line 10, key 'label': span [0, 1] is not [start, end, \"LABEL\"]; fix the line",
        "line 11, key 'label': span [0, 1, ''] has no label; fix the line",
        'line 12, key \'label\': expected either category labels (["a", "b"]) or spans '
        "([[start, end, \"LABEL\"], ...]), got ['support', [0, 1, 'russia']]",
        "line 13, key 'label': empty label in ['', 'support']; remove it",
        "line 14, key 'id': id 8 appears again (first on line 8); each example once per file",
        "line 18, key 'label': span [2, 1, 'russia'] does not lie within the text (3 UTF-16 code "
        "units); start must be >= 0 and less than end",
    ]
    assert problems[15:] == [
        # spans of a variable are checked against its codes
        "line 19, key 'label': unknown code 'rusia' for 'stance'",
        # found by CodingTable's validation, reported at the line
        "line 16, key 'label': 'oppose;support' holds several codes, but 'stance' takes one code "
        "per unit; keep one",
        "line 17, key 'label': unknown code 'suport' for 'stance'; did you mean 'support'?",
    ]


def test_files_that_do_not_line_up(tmp_path: Path) -> None:
    a = _file(
        tmp_path,
        "a.jsonl",
        {"id": 1, "text": "One.", "label": ["x"]},
        {"id": 2, "text": "Two.", "label": []},
        {"id": 3, "text": "Same.", "label": []},
        {"id": 4, "text": "Same.", "label": []},
    )
    b = _file(
        tmp_path,
        "b.jsonl",
        {"id": 1, "text": "One!", "label": ["x"]},
        {"id": 12, "text": "Two.", "label": []},
        {"id": 4, "text": "Same.", "label": []},
        {"id": 3, "text": "Same.", "label": []},
    )
    source, problems = _problems([a, b])
    assert source is None
    assert problems == [
        "b.jsonl, line 1, key 'text': id 1 has another text in a.jsonl, line 1; an id must name "
        "the same example in every file: export all users' files from the same doccano project",
        "b.jsonl, line 2, key 'id': this text has id 12 here, but id 2 in a.jsonl, line 2; the "
        "same example must have the same id in every file: export all users' files from the "
        "same doccano project",
    ]  # a text twice in one project ("Same.") is fine as long as the ids agree


def test_one_coder_twice(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = _file(tmp_path / "x", "ann.jsonl", {"id": 1, "text": "t", "label": ["a"]})
    second = _file(tmp_path / "y", "ann.jsonl", {"id": 1, "text": "t", "label": ["b"]})
    assert _problems([first, second]) == (
        None,
        [
            "ann.jsonl, line 1: coder 'ann' already labelled id 1 in ann.jsonl, line 1; read each "
            "user's file once (two files with the same name give the same coder)",
        ],
    )


def test_coder_key_missing(tmp_path: Path) -> None:
    path = _file(tmp_path, "all.jsonl", {"id": 1, "text": "t", "label": ["a"], "coder": ""})
    assert _problems(path, coder_from="key") == (
        str(path),
        [
            "line 1, key 'coder': expected the coder (text or a whole number), got ''; add it, or "
            "pass coder_from='filename'",
        ],
    )


def test_separator_in_a_label_without_codebook(tmp_path: Path) -> None:
    path = _file(tmp_path, "u.jsonl", {"id": 1, "text": "t", "label": ["a;b"]})
    assert _problems(path) == (
        str(path),
        [
            "line 1, key 'label': a label in ['a;b'] contains the separator ';'; pass another "
            "separator="
        ],
    )
    assert _rows(read_doccano(path, separator="|")) == [("1", "u", "label", "a;b")]


def test_argument_and_file_errors(tmp_path: Path, codebook: sc.Codebook) -> None:
    path = _file(tmp_path, "u.jsonl", {"id": 1, "text": "t", "label": ["a"]})
    with pytest.raises(DataError) as exc:
        read_doccano(path, codebook=codebook)
    assert str(exc.value) == (
        "variable='label' is not a variable of codebook 'dc-demo'; pass variable="
    )
    with pytest.raises(DataError, match="did you mean 'stance'"):
        read_doccano(path, codebook=codebook, variable="stanse")
    with pytest.raises(
        ValueError, match=r"^coder_from='user' is not valid; use one of 'filename', 'key'$"
    ):
        read_doccano(path, coder_from="user")
    with pytest.raises(InputFileError) as exc_file:
        read_doccano(tmp_path / "absent.jsonl")
    assert str(exc_file.value) == f"{tmp_path / 'absent.jsonl'}: no such file; check the path"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError) as exc_file:
        read_doccano(tmp_path / "empty")
    assert str(exc_file.value) == (
        f"{tmp_path / 'empty'}: no .jsonl file in this folder; export the project from doccano"
    )
    with pytest.raises(InputFileError, match="no doccano files given"):
        read_doccano([])
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": 1, "text": "caf\xe9", "label": []}\n')
    assert _problems([path, latin]) == (
        None,
        ["latin.jsonl: not UTF-8 text (byte 22); export the file again"],
    )
    assert _problems(latin) == (str(latin), ["not UTF-8 text (byte 22); export the file again"])
