"""Label Studio exports: a hand-made export of three annotators, offsets, every error path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import statecode as sc
from statecode import (
    DataError,
    InputFileError,
    LabelStudioImport,
    read_corpus,
    read_labelstudio,
    write_corpus,
)
from tests.conftest import DATA

EXPORT = DATA / "labelstudio" / "three-annotators.json"
T2 = "Ukraine \U0001f1fa\U0001f1e6 welcomes the ceasefire \U0001f64f and asks the U.S. for aid."


@pytest.fixture(scope="module")
def codebook() -> sc.Codebook:
    return sc.read_codebook(DATA / "labelstudio" / "codebook.toml")


def _rows(result: LabelStudioImport) -> list[tuple[str, str, str, str]]:
    return sorted(result.codings.data.select("unit", "coder", "variable", "value").iter_rows())


# --------------------------------------------------------------------------------------------
# the hand-made export: three annotators, one cancelled annotation, an emoji in a text


def test_three_annotators_with_codebook(codebook: sc.Codebook) -> None:
    result = read_labelstudio(EXPORT, codebook=codebook, unit_field="statement_id")
    b = "b@example.org"
    assert _rows(result) == [
        ("s1", "1", "stance", "oppose"),
        ("s1", "1", "topics", "security"),
        ("s1", b, "stance", "oppose"),
        ("s1", b, "topics", "security;economy"),  # codebook order
        ("s2", "1", "intensity", "high"),
        ("s2", "1", "stance", "support"),
        ("s2", "1", "topics", "humanitarian"),
        ("s2", "3", "intensity", "mid"),
        ("s2", "3", "stance", "neutral"),
        ("s2", b, "stance", "support"),
        ("s2", b, "topics", "security;humanitarian"),
        ("s3", "1", "stance", "neutral"),
        ("s3", "3", "stance", "neutral"),
        ("s3", "3", "topics", "none"),
    ]
    assert result.codings.codebook is codebook
    assert result.codings.source == str(EXPORT)
    typed = {(c.unit, c.coder, c.variable): c.value for c in result.codings.codings()}
    assert typed["s1", b, "topics"] == frozenset({"security", "economy"})
    assert result.spans == (
        sc.Span(document="s1", coder="1", start=0, end=6, variable="actor", code="russia"),
        sc.Span(document="s2", coder="1", start=0, end=7, variable="actor", code="ukraine"),
        sc.Span(document="s2", coder="1", start=49, end=53, variable="actor", code="united_states"),
        sc.Span(document="s2", coder=b, start=49, end=53, variable="actor", code="united_states"),
    )
    assert result.cancelled == 1  # annotator 3 cancelled task 101
    assert dict(result.skipped) == {"textarea": 1}
    assert result.source == str(EXPORT)
    docs = result.corpus.documents
    assert [(d.id, d.text) for d in docs] == [
        ("s1", "Russia rejects the proposal."),
        ("s2", T2),
        ("s3", "The talks will resume on Monday."),
    ]
    assert docs[0].source == "Kremlin"  # a data field named like a document field fills it
    assert dict(docs[0].metadata) == {"statement_id": "s1"}


def test_the_corpus_can_be_written(tmp_path: Path) -> None:
    corpus = read_labelstudio(EXPORT).corpus
    write_corpus(corpus, tmp_path / "documents.csv", tmp_path / "statements.csv")
    back = read_corpus(tmp_path / "documents.csv", tmp_path / "statements.csv")
    assert back == corpus
    assert [dict(d.metadata) for d in back.documents] == [
        {"statement_id": "s1"},
        {"statement_id": "s2"},
        {"statement_id": "s3"},
    ]


def test_emoji_offsets_are_converted_to_code_points() -> None:
    raw = json.loads(EXPORT.read_text(encoding="utf-8"))
    us = raw[1]["annotations"][0]["result"][4]["value"]
    assert (us["start"], us["end"], us["text"]) == (52, 56, "U.S.")  # UTF-16 code units
    result = read_labelstudio(EXPORT)
    span = result.spans[2]
    assert (span.start, span.end) == (49, 53)
    assert result.corpus.document(span.document).text[span.start : span.end] == "U.S."


def test_three_annotators_without_codebook() -> None:
    result = read_labelstudio(EXPORT)
    assert result.codings.codebook is None
    assert result.codings.units == ("101", "102", "103")  # the task ids
    assert result.codings.coders == ("1", "b@example.org", "3")
    assert result.codings.variables == ("stance", "topics", "intensity")
    topics = [r for r in _rows(result) if r[2] == "topics"]
    assert topics == [
        ("101", "1", "topics", "security"),
        ("101", "b@example.org", "topics", "economy;security"),  # sorted: equal sets, equal text
        ("102", "1", "topics", "humanitarian"),
        ("102", "b@example.org", "topics", "humanitarian;security"),
        ("103", "3", "topics", "none"),
    ]
    assert [s.document for s in result.spans] == ["101", "102", "102", "102"]
    assert len(result.codings) == 14
    # the codings feed the reliability coefficients directly
    alpha = sc.krippendorff_alpha(result.codings, variable="stance")
    assert alpha.coders == 3


def test_offsets_in_code_points_do_not_fit_this_export() -> None:
    with pytest.raises(DataError) as exc:
        read_labelstudio(EXPORT, offsets="code-points")
    assert [str(p) for p in exc.value.problems] == [
        "task 2 (id 102), annotation 1 (id 1004), result 5, from_name 'actor', value: span 52..56 "
        "of the task text is '. fo', but the export says 'U.S.'",
        "task 2 (id 102), annotation 2 (id 1005), result 3, from_name 'actor', value: span 52..56 "
        "of the task text is '. fo', but the export says 'U.S.'",
    ]


# --------------------------------------------------------------------------------------------
# other shapes Label Studio writes


def _task(task_id: int, text: str, *annotations: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"id": task_id, "data": {"text": text, **data}, "annotations": list(annotations)}


def _annotation(by: Any, *results: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": 900, "completed_by": by, "result": list(results), "was_cancelled": False} | extra


def _choices(name: str, *codes: str, **region: Any) -> dict[str, Any]:
    return {
        "from_name": name,
        "to_name": "text",
        "type": "choices",
        "value": {"choices": list(codes), **region},
    }


def _labels(
    name: str, start: Any, end: Any, *codes: str, text: str | None = None
) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": list(codes)}
    if text is not None:
        value["text"] = text
    return {"from_name": name, "to_name": "text", "type": "labels", "value": value}


def _export(tmp_path: Path, tasks: Any, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def test_numbers_ratings_regions_and_legacy_completions(tmp_path: Path) -> None:
    text = "We \U0001f91d agree."
    tasks = [
        {
            "id": 5,
            "data": {"text": text},
            "completions": [  # exports of Label Studio 0.x
                _annotation(
                    {"id": 7},  # no email: the id
                    {"from_name": "confidence", "type": "number", "value": {"number": 7.0}},
                    {"from_name": "confidence2", "type": "rating", "value": {"rating": 4}},
                    _choices("actor", "united_states", start=3, end=5, text="\U0001f91d"),
                    {
                        "from_name": "mood",
                        "type": "rating",
                        "value": {"start": 0, "end": 2, "rating": 1},
                    },
                    {"type": "relation", "from_id": "a", "to_id": "b"},
                    _choices("stance"),  # nothing chosen, no codebook: no coding, counted
                )
            ],
            "predictions": [{"result": [_choices("stance", "oppose")]}],
        }
    ]
    result = read_labelstudio(_export(tmp_path, tasks))
    assert _rows(result) == [("5", "7", "confidence", "7"), ("5", "7", "confidence2", "4")]
    assert result.spans == (
        sc.Span(document="5", coder="7", start=3, end=4, variable="actor", code="united_states"),
    )
    assert dict(result.skipped) == {"rating (per region)": 1, "relation": 1, "empty choices": 1}
    assert result.cancelled == 0


def test_an_export_without_codes(tmp_path: Path, codebook: sc.Codebook) -> None:
    result = read_labelstudio(_export(tmp_path, [_task(1, "Text.")]), codebook=codebook)
    assert len(result.codings) == 0
    assert result.codings.codebook is codebook
    assert result.spans == ()
    assert [d.id for d in result.corpus.documents] == ["1"]


def test_tasks_sharing_a_unit(tmp_path: Path) -> None:
    tasks = [
        _task(1, "Same.", _annotation(1, _choices("stance", "oppose")), sid="s"),
        _task(2, "Same.", _annotation(2, _choices("stance", "support")), sid="s"),
    ]
    result = read_labelstudio(_export(tmp_path, tasks), unit_field="sid")
    assert _rows(result) == [("s", "1", "stance", "oppose"), ("s", "2", "stance", "support")]
    assert len(result.corpus.documents) == 1


# --------------------------------------------------------------------------------------------
# errors


def _problems(path: Path, **kwargs: Any) -> list[str]:
    with pytest.raises(DataError) as exc:
        read_labelstudio(path, **kwargs)
    assert exc.value.source == str(path)
    return [str(p) for p in exc.value.problems]


def test_every_problem_at_once(tmp_path: Path, codebook: sc.Codebook) -> None:
    emoji = "Hi \U0001f600 there"
    tasks = [
        "not a task",
        {"id": 2},
        # a task without text may hold choices, but not spans
        {"id": 3, "data": {"body": "x"}, "annotations": [_annotation(1, _labels("actor", 0, 1))]},
        {"id": 4, "data": {"text": "x"}, "annotations": {"a": 1}},
        _task(
            5,
            emoji,
            _annotation(None),
            _annotation(
                1,
                "x",
                {"type": "choices", "from_name": ""},
                {"type": "choices", "from_name": "stance", "value": 3},
            ),
            _annotation(1),
            _annotation(
                2,
                _choices("stanse", "oppose"),
                _choices("stance", "opose"),
                _choices("topics", "none", "security"),
                _choices("intensity", "high", "low"),
                _labels("actor", 0, 2, "rusia", text="Hi"),
                _labels("actor", 4, 5, "russia"),
                _labels("actor", 9, 40, "russia"),
                _labels("actor", 5, 10, "ukraine", text="there"),
                _labels("confidence", 0, 2, "x"),
                _labels("actor", "0", 2, "russia"),
                _labels("actor", 0, 2),
                {"from_name": "confidence", "type": "number", "value": {"number": "high"}},
                _choices("stance", "oppose"),
                _choices("stance", "neutral"),
                _choices("topics", 3),
                result_count=13,
            )
            | {"id": 901},
        ),
    ]
    assert _problems(_export(tmp_path, tasks), codebook=codebook) == [
        "task 1: expected a task object, got a string",
        "task 2 (id 2), key 'data': expected an object with the task's data, got null; export "
        "the project with the JSON format",
        "task 3 (id 3), annotation 1 (id 900), result 1, from_name 'actor': a span of a task "
        "without data['text'], so there is no text it marks (data fields: 'body'; name the text "
        "field with text_field= (on the command line: --text-field))",
        "task 4 (id 4), key 'annotations': expected a list of annotations, got an object; export "
        "the project with the JSON format (not JSON-MIN or CSV)",
        "task 5 (id 5), annotation 1 (id 900), key 'completed_by': expected the annotator (a user "
        "id, or an object with an id or email), got None; export the project again from Label "
        "Studio",
        "task 5 (id 5), annotation 2 (id 900), result 1: expected a result object, got a string",
        "task 5 (id 5), annotation 2 (id 900), result 2, key 'from_name': expected the name of the "
        "control tag, got ''",
        "task 5 (id 5), annotation 2 (id 900), result 3, from_name 'stance', key 'value': expected "
        "an object, got a number",
        "task 5 (id 5), annotation 3 (id 900): annotator '1' already annotated unit '5' in task 5 "
        "(id 5), annotation 2 (id 900); keep one annotation per annotator and task (delete the "
        "other in Label Studio)",
        "task 5 (id 5), annotation 4 (id 901), result 1, from_name 'stanse': not a variable of "
        "codebook 'ls-demo' (did you mean 'stance'?); name the control tag in the labelling "
        "configuration after the variable",
        "task 5 (id 5), annotation 4 (id 901), result 5, from_name 'actor': unknown code 'rusia' "
        "for 'actor'; did you mean 'russia'?",
        "task 5 (id 5), annotation 4 (id 901), result 6, from_name 'actor', value: span 4..5 cuts "
        "a character above U+FFFF (an emoji?) in half; check offsets= (these offsets cannot be "
        "UTF-16 code units)",
        "task 5 (id 5), annotation 4 (id 901), result 7, from_name 'actor', value: span 9..40 does "
        "not lie within the task text (11 UTF-16 code units); start must be >= 0 and less than "
        "end",
        "task 5 (id 5), annotation 4 (id 901), result 8, from_name 'actor', value: span 5..10 of "
        "the task text is ' ther', but the export says 'there'; the offsets match as code points: "
        "pass offsets='code-points'",
        "task 5 (id 5), annotation 4 (id 901), result 9, from_name 'confidence': 'confidence' "
        "takes numbers, so a span cannot be coded with it; use a categorical variable",
        "task 5 (id 5), annotation 4 (id 901), result 10, from_name 'actor', value: expected "
        "whole-number start and end offsets, got start='0', end=2 (a span of a text needs "
        "character offsets)",
        "task 5 (id 5), annotation 4 (id 901), result 11, from_name 'actor', value['labels']: "
        "expected a list of codes, got []",
        "task 5 (id 5), annotation 4 (id 901), result 12, from_name 'confidence', "
        "value['number']: expected a number, got 'high'",
        "task 5 (id 5), annotation 4 (id 901), result 13, from_name 'stance': a second result for "
        "this control tag in one annotation; keep one",
        "task 5 (id 5), annotation 4 (id 901), result 14, from_name 'stance': a second result for "
        "this control tag in one annotation; keep one",
        "task 5 (id 5), annotation 4 (id 901), result 15, from_name 'topics', value['choices']: "
        "expected a list of codes, got [3]",
        # found by CodingTable's validation, reported where they are in the export
        "task 5 (id 5), annotation 4 (id 901), from_name 'stance': unknown code 'opose' for "
        "'stance'; did you mean 'oppose'?",
        "task 5 (id 5), annotation 4 (id 901), from_name 'topics': code 'none' of 'topics' cannot "
        "be combined with other codes",
        "task 5 (id 5), annotation 4 (id 901), from_name 'intensity': 'high;low' holds several "
        "codes, but 'intensity' takes one code per unit; keep one",
    ]


def test_unit_problems(tmp_path: Path) -> None:
    tasks = [
        _task(1, "One.", sid="s1"),
        _task(2, "Two.", sid="s1"),
        _task(3, "Three."),
        {"id": None, "data": {"text": "x"}, "annotations": []},
    ]
    assert _problems(_export(tmp_path, tasks), unit_field="sid") == [
        "task 2 (id 2): unit 's1' is also the unit of task 1 (id 1), with another text; a unit id "
        "must name one text (check unit_field=)",
        "task 3 (id 3), data['sid']: expected a unit id (text or whole number), got None (data "
        "fields: 'text'); fix unit_field= or the task data",
        "task 4, data['sid']: expected a unit id (text or whole number), got None (data fields: "
        "'text'); fix unit_field= or the task data",
    ]
    assert _problems(_export(tmp_path, tasks[3:])) == [
        "task 1, key 'id': the task id None cannot name the unit; pass unit_field= to take the "
        "unit from a data field",
    ]


def test_separator_in_a_choice_without_codebook(tmp_path: Path) -> None:
    tasks = [_task(1, "x", _annotation(1, _choices("stance", "a;b")))]
    assert _problems(_export(tmp_path, tasks)) == [
        "task 1 (id 1), annotation 1 (id 900), result 1, from_name 'stance', value['choices']: a "
        "choice in ['a;b'] contains the separator ';'; pass another separator=",
    ]
    result = read_labelstudio(_export(tmp_path, tasks), separator="|")
    assert _rows(result) == [("1", "1", "stance", "a;b")]


def test_file_level_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1,}]', encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_labelstudio(bad)
    assert str(exc.value) == (
        f"{bad}: not valid JSON (line 1, column 11: Expecting property name enclosed in double "
        "quotes); export the project again with the JSON format"
    )
    obj = _export(tmp_path, {"id": 1, "annotations": []}, "one.json")
    with pytest.raises(DataError) as exc:
        read_labelstudio(obj)
    assert str(exc.value) == (
        f"{obj}: expected a list of tasks (Label Studio's JSON export), got an object; export the "
        "project with the JSON format"
    )
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"id": 1, "data": {"text": "caf\xe9"}}]')
    with pytest.raises(DataError) as exc:
        read_labelstudio(latin)
    assert str(exc.value) == (
        f"{latin}: line 1, byte 32: not UTF-8 text; export the project again as JSON"
    )
    with pytest.raises(InputFileError, match=r"absent\.json: no such file; check the path"):
        read_labelstudio(tmp_path / "absent.json")
    with pytest.raises(
        ValueError, match=r"^offsets='bytes' is not valid; use one of 'code-points', 'utf-16'$"
    ):
        read_labelstudio(EXPORT, offsets="bytes")


def test_data_fields_fill_the_document(tmp_path: Path) -> None:
    tasks = [
        _task(1, "x", date="2025-03-18", event="call", title=5, language="en"),
        _task(2, "y", date="18 March", source="Kremlin"),
    ]
    first, second = read_labelstudio(_export(tmp_path, tasks)).corpus.documents
    assert (first.date, first.event, first.language, first.title) == (
        dt.date(2025, 3, 18),
        "call",
        "en",
        "",
    )
    assert dict(first.metadata) == {"title": 5}  # not text: kept as it is
    assert (second.date, second.source) == (None, "Kremlin")
    assert dict(second.metadata) == {"date": "18 March"}  # not an ISO date: kept as it is
