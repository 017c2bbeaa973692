"""Codebooks out to Frictionless, DDI, JSON Schema and Label Studio; back where they carry it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from typer.testing import CliRunner

import statecode as sc
from statecode import (
    Category,
    Codebook,
    CodebookError,
    Level,
    Variable,
    codebook_from_ddi,
    codebook_from_frictionless,
    codebook_to_ddi,
    codebook_to_frictionless,
    codebook_to_json_schema,
    codebook_to_labelstudio,
)
from statecode.cli import app
from statecode.io.refi._xml import XML_UNSAFE
from tests.strategies import codebooks

DDI = "{ddi:codebook:2_5}"
# DDI Codebook 2.5's content model of <var> (codebook.xsd, varType): the children it may
# hold, in the order it requires. The published XSD could not be fetched here, so written
# documents are checked against this order rather than validated against the schema.
VAR_ORDER = [
    "location", "labl", "imputation", "security", "embargo", "respUnit", "anlysUnit", "qstn",
    "valrng", "invalrng", "undocCod", "universe", "TotlResp", "sumStat", "txt", "stdCatgry",
    "catgryGrp", "catgry", "codInstr", "verStmt", "concept", "derivation", "varFormat",
    "geomap", "catLevel", "notes",
]  # fmt: skip


def _xml_safe(cb: Codebook) -> bool:
    texts = [cb.name, cb.version, cb.description]
    for var in cb:
        texts += [var.label, var.question, var.notes, var.unit]
        for c in var.categories:
            texts += [c.code, c.label, c.definition, *c.include, *c.exclude, *c.examples]
    return not any(XML_UNSAFE.search(t) for t in texts)


def _in_order(var: Variable) -> tuple[Category, ...]:
    by_code = {c.code: c for c in var.categories}
    return tuple(by_code[code] for code in var.codes)


def _as_frictionless(cb: Codebook) -> Codebook:
    """What a Table Schema carries of a codebook."""
    variables = []
    for var in cb:
        kept = attrs.evolve(
            var,
            notes="",
            unit="statement",
            categories=tuple(Category(c.code, label=c.label) for c in _in_order(var)),
            minimum=None if var.categories else var.minimum,
            maximum=None if var.categories else var.maximum,
        )
        variables.append(kept)
    return attrs.evolve(cb, variables=tuple(variables))


def _as_ddi(cb: Codebook) -> Codebook:
    """What DDI Codebook carries of a codebook (the rules travel, but as notes only)."""
    variables = []
    for var in cb:
        cats = tuple(
            Category(c.code, label=c.label, definition=c.definition) for c in _in_order(var)
        )
        variables.append(
            attrs.evolve(
                var,
                categories=cats,
                minimum=None if var.categories else var.minimum,
                maximum=None if var.categories else var.maximum,
            )
        )
    return attrs.evolve(cb, variables=tuple(variables))


@given(codebooks())
def test_frictionless_round_trip(cb: Codebook) -> None:
    text = codebook_to_frictionless(cb)
    assert codebook_from_frictionless(text) == _as_frictionless(cb)
    schema = json.loads(text)
    assert [f["name"] for f in schema["fields"]] == ["unit", "coder", *cb.names]
    assert schema["primaryKey"] == ["unit", "coder"]


@given(codebooks().filter(_xml_safe))
def test_ddi_round_trip(cb: Codebook) -> None:
    text = codebook_to_ddi(cb)
    assert codebook_from_ddi(text) == _as_ddi(cb)
    root = ET.fromstring(text)
    assert root.tag == f"{DDI}codeBook"
    assert root.find(f"{DDI}stdyDscr/{DDI}citation/{DDI}titlStmt/{DDI}titl").text == cb.name  # type: ignore[union-attr]
    for var in root.iter(f"{DDI}var"):
        order = [VAR_ORDER.index(child.tag.removeprefix(DDI)) for child in var]
        assert order == sorted(order)
        assert var.get("nature") in {level.value for level in Level}
        for cat in var.iter(f"{DDI}catgry"):
            assert next(c.tag.removeprefix(DDI) for c in cat) == "catValu"


@given(codebooks())
def test_json_schema_lists_every_code(cb: Codebook) -> None:
    schema = json.loads(codebook_to_json_schema(cb))
    assert schema["type"] == "object"
    assert schema["required"] == list(cb.names)
    assert schema["additionalProperties"] is False
    for var in cb:
        prop = schema["properties"][var.name]
        if var.categories and var.multi_label:
            assert prop["type"] == "array"
            assert prop["items"]["enum"] == list(var.codes)
        elif var.categories:
            assert prop["enum"] == list(var.codes)
        else:
            assert prop["type"] == "number"
            assert prop.get("minimum") == var.minimum
            assert prop.get("maximum") == var.maximum
        assert "uniqueItems" not in json.dumps(prop)


@given(codebooks().filter(_xml_safe))
def test_labelstudio_config_has_a_tag_per_variable(cb: Codebook) -> None:
    view = ET.fromstring(codebook_to_labelstudio(cb))
    assert view.tag == "View"
    assert view[0].attrib == {"name": "text", "value": "$text"}
    tags = {e.get("name"): e for e in view if e.tag in ("Choices", "Number")}
    assert list(tags) == list(cb.names)
    for var in cb:
        tag = tags[var.name]
        if var.categories:
            stored = [c.get("alias", c.get("value")) for c in tag]
            assert stored == list(var.codes)
            assert tag.get("choice") == ("multiple" if var.multi_label else "single")
        else:
            assert tag.tag == "Number"
    spans = ET.fromstring(codebook_to_labelstudio(cb, spans=True))
    assert {e.tag for e in spans} <= {"Text", "Header", "Labels", "Number"}


def test_shipped_codebook_in_every_format(root: Path) -> None:
    cb = sc.read_codebook("readouts")
    ddi = codebook_to_ddi(cb)
    back = codebook_from_ddi(ddi)
    assert back.names == cb.names
    assert back["blame_target"].categories[0].definition == (
        cb["blame_target"].categories[0].definition
    )
    assert "include" in ddi
    assert "statecode:rules" in ddi
    schema = json.loads(codebook_to_json_schema(cb))
    guide = schema["properties"]["precondition"]["description"]
    assert "Choose every code that applies." in guide
    assert "- none (only on its own)" in guide
    config = codebook_to_labelstudio(cb)
    assert 'alias="military_restrictions"' in config
    table = json.loads(codebook_to_frictionless(cb))
    intensity = next(f for f in table["fields"] if f["name"] == "blame_intensity")
    assert intensity["categoriesOrdered"] is True
    assert intensity["measurementLevel"] == "ordinal"


def test_refusals() -> None:
    bad = Codebook(
        name="b",
        variables=(
            Variable(name="v", level="nominal", categories=(Category("a", label="x\x01y"),)),
        ),
    )
    with pytest.raises(CodebookError, match=r"variables\[0\]\.categories\[0\]\.label"):
        codebook_to_ddi(bad)
    with pytest.raises(CodebookError, match=r"XML 1\.0 cannot carry"):
        codebook_to_labelstudio(bad)
    with pytest.raises(CodebookError, match="not valid JSON"):
        codebook_from_frictionless("{")
    with pytest.raises(CodebookError, match="expected a Table Schema"):
        codebook_from_frictionless("[]")
    with pytest.raises(CodebookError, match="keeps too little of a codebook"):
        codebook_from_frictionless(codebook_to_json_schema(bad))
    fields = {"fields": [{"name": "v", "categories": [{"value": True}], "title": 3}]}
    with pytest.raises(CodebookError) as exc:
        codebook_from_frictionless(json.dumps(fields))
    assert [str(p) for p in exc.value.problems] == [
        "fields[0].title: expected text, got a number",
        "fields[0].categories[0]: expected a code (text), got a boolean",
    ]
    with pytest.raises(CodebookError, match="document type declaration"):
        codebook_from_ddi('<!DOCTYPE x [<!ENTITY a "b">]><codeBook/>')
    with pytest.raises(CodebookError, match="not <codeBook>"):
        codebook_from_ddi("<other/>")
    with pytest.raises(CodebookError, match=r"dataDscr\.var\[0\]\.name"):
        codebook_from_ddi(
            '<codeBook xmlns="ddi:codebook:2_5"><dataDscr><var name="1x" nature="interval"/>'
            "</dataDscr></codeBook>"
        )


def test_cli_codebook_export_and_read_back(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, suffix in [("frictionless", "json"), ("ddi", "xml")]:
        out = tmp_path / f"cb.{suffix}"
        result = runner.invoke(app, ["codebook", "export", "readouts", "--to", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        checked = runner.invoke(app, ["codebook", "check", str(out)])
        assert checked.exit_code == 0, checked.stderr
        assert checked.stdout == "ok: readouts: 7 variables, 48 codes\n"
    result = runner.invoke(app, ["codebook", "export", "readouts", "--to", "json-schema"])
    assert json.loads(result.stdout)["title"] == "readouts"
    result = runner.invoke(
        app, ["codebook", "export", "readouts", "--to", "labelstudio", "--spans"]
    )
    assert result.stdout.startswith("<View>")
    assert "<Labels " in result.stdout
    wrong = runner.invoke(app, ["codebook", "export", "readouts", "--to", "ddi", "--spans"])
    assert wrong.exit_code == 2
    assert "--spans is for --to labelstudio" in wrong.stderr
