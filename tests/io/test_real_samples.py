"""doccano, Label Studio and REFI-QDA files made by the tools themselves (../shared/real-samples).

The readers of the new formats test their samples in their own modules; these are the
exports the older readers refused or read silently before: doccano's intent-detection and
relation-extraction exports, a Label Studio export of choices without text, and two
REFI-QDA projects (qc's demo, whose texts sit under sources/ without a scheme, and an
NVivo project without codings).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode import DataError, read_doccano, read_labelstudio, read_qdpx
from statecode.cli import app
from tests.conftest import REAL, needs_real

pytestmark = needs_real
DOCCANO = REAL / "doccano"
REFI = REAL / "refi"


def _span_texts(result: sc.DoccanoImport) -> list[tuple[str, str, str]]:
    docs = {d.id: d.text for d in result.corpus.documents}
    return [(s.document, s.code, docs[s.document][s.start : s.end]) for s in result.spans]


def _records(path: Path) -> list[dict[str, object]]:
    decoder, text, out, at = json.JSONDecoder(), path.read_text(encoding="utf-8"), [], 0
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        value, at = decoder.raw_decode(text, at)
        out.append(value)
    return out


@pytest.mark.parametrize("kind", ["export", "import"])
def test_doccano_intent_detection(kind: str) -> None:
    path = DOCCANO / f"{kind}_intent_detection.jsonl"
    with pytest.raises(DataError, match="pass unit_from='order'"):
        read_doccano(path)
    result = read_doccano(path, unit_from="order", variable="intent", span_variable="city")
    assert sorted(result.codings.data.select("unit", "variable", "value").iter_rows()) == [
        ("1", "intent", "flight"),
        ("2", "intent", "airport"),
    ]
    assert result.codings.coders == (f"{kind}_intent_detection",)
    assert len(result.corpus.documents) == 2
    # the spans' texts, as the file's offsets give them
    assert _span_texts(result) == [
        ("1", "City", "Find a flight from Memphis"),
        ("1", "City", "Tacoma"),
        ("2", "City", "Los Angeles"),
    ]
    records = _records(path)
    for span in result.spans:
        entities = records[int(span.document) - 1]["entities"]
        assert [span.start, span.end, span.code] in entities  # type: ignore[operator]


@pytest.mark.parametrize("kind", ["export", "import"])
def test_doccano_relation_extraction(kind: str) -> None:
    path = DOCCANO / f"{kind}_relation_extraction.jsonl"
    result = read_doccano(path, unit_from="order")
    (record,) = _records(path)
    assert len(result.corpus.documents) == 1
    assert result.codings.data.is_empty()
    assert dict(result.skipped) == {"relation": len(record["relations"])} == {"relation": 3}  # type: ignore[arg-type]
    assert _span_texts(result) == [
        ("1", "ORG", "Google"),
        ("1", "DATE", "September 4, 1998"),
        ("1", "PERSON", "Larry Page"),
        ("1", "PERSON", "Sergey Brin"),
    ]


def test_doccano_classification_and_sequence_exports() -> None:
    labels = read_doccano(DOCCANO / "export_text_classification.jsonl", unit_from="order")
    assert sorted(labels.codings.data.select("unit", "value").iter_rows()) == [
        ("1", "negative"),
        ("2", "positive"),
        ("3", "positive"),
    ]
    spans = read_doccano(DOCCANO / "export_sequence_labeling.jsonl", unit_from="order")
    assert _span_texts(spans) == [
        ("1", "ORG", "EU"),
        ("1", "MISC", "German"),
        ("2", "PERSON", "Peter Blackburn"),
        ("3", "PERSON", "Obama"),
    ]
    with pytest.raises(DataError, match="line 3, key 'text'"):
        read_doccano(DOCCANO / "test_seq_example.jsonl", unit_from="order")


def test_labelstudio_choices_without_text() -> None:
    path = REAL / "labelstudio" / "test_export_csv_csv_test2.json"
    (task,) = json.loads(path.read_text(encoding="utf-8"))
    (annotation,) = task["annotations"]
    (choice,) = annotation["result"][0]["value"]["choices"]
    assert "text" not in task["data"]
    result = read_labelstudio(path)
    ((unit, coder, variable, value),) = result.codings.data.select(
        "unit", "coder", "variable", "value"
    ).iter_rows()
    assert (unit, coder, variable) == ("4", "test@heartex.com", "uri_selection")
    # a code with line breaks, tabs and Cyrillic letters (the table keeps it without the
    # white space around it)
    assert value.strip() == choice.strip()
    assert "\u0430 \u0431 \u0432" in value  # Cyrillic a, be, ve
    assert result.corpus.documents == ()
    assert result.spans == ()
    assert dict(result.unitizers) == {}


def _selections(path: Path) -> list[tuple[str, int, int]]:
    """Each coded selection's source path and positions, read straight from project.qde."""
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    return [
        (
            source.get("plainTextPath", ""),
            int(sel.get("startPosition", "")),
            int(sel.get("endPosition", "")),
        )
        for source in root.iter(f"{ns}TextSource")
        for sel in source.iter(f"{ns}PlainTextSelection")
        for _ in sel.iter(f"{ns}Coding")
    ]


def test_qc_demo_sources_without_a_scheme() -> None:
    path = REFI / "qc_demo.qdpx"
    with pytest.warns(sc.StatecodeWarning, match="has no internal:// scheme") as rec:
        project = read_qdpx(path)
    assert sorted(str(w.message).split("plainTextPath ")[1][:16] for w in rec) == [
        "'admin-1.txt' ha",
        "'board_2017.txt'",
    ]
    selections = _selections(path)
    assert len(project.spans) == len(selections) == 205
    assert [c.id for c in project.users] == ["cp"]
    assert len(project.corpus.documents) == 2
    with zipfile.ZipFile(path) as zf:
        texts = {
            name: zf.read(f"sources/{name}").decode("utf-8")
            for name in ("board_2017.txt", "admin-1.txt")
        }
    by_doc = {d.id: d.text for d in project.corpus.documents}
    assert sorted(by_doc.values()) == sorted(texts.values())
    spans = sorted(project.spans, key=lambda s: (by_doc[s.document], s.start, s.end))
    expected = sorted(selections, key=lambda s: (texts[s[0]], s[1], s[2]))
    for span, (name, start, end) in zip(spans, expected, strict=True):
        assert by_doc[span.document][span.start : span.end] == texts[name][start:end]
    assert texts["board_2017.txt"][320:400] in by_doc[spans[0].document]


def test_nvivo_project_without_codings_says_so(tmp_path: Path) -> None:
    path = REFI / "nvivo_project.qdpx"
    project = read_qdpx(path)
    assert project.spans == ()
    assert len(project.corpus.documents) == 2
    # 262 codes: the top-level codes with sub-codes become variables, every other code a
    # category
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    codes = root.find(f"{ns}CodeBook/{ns}Codes")
    assert codes is not None
    groups = [c for c in codes if c.find(f"{ns}Code") is not None]
    assert len(list(codes.iter(f"{ns}Code"))) == 262
    assert sum(len(v.categories) for v in project.codebook) == 262 - len(groups)
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(app, ["import", "qdpx", str(path), "-o", str(out)])
    assert result.exit_code == 1  # nothing to import is an error, not an empty table
    assert result.stderr == (
        f"error: {path}: holds no codings (no spans, no coded units); nothing was coded, or "
        "the export holds the codebook only (statecode codebook export reads a codebook)\n"
    )
    assert not out.exists()
