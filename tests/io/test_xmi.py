"""UIMA CAS XMI: INCEpTION's reference files, hand-made files and every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

import statecode as sc
from statecode import DataError, OptionError, read_xmi
from tests.conftest import REAL, needs_real

INCEPTION = REAL / "inception"
NS = (
    'xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
    'xmlns:ne="http:///de/tudarmstadt/ukp/dkpro/core/api/ner/type.ecore" '
    'xmlns:custom="http:///webanno/custom.ecore"'
)


def _xmi(tmp_path: Path, body: str, text: str, name: str = "doc.xmi") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><xmi:XMI {NS} xmi:version="2.0">'
        '<cas:NULL xmi:id="0"/>'
        f"{body}"
        f'<cas:Sofa xmi:id="2" sofaNum="1" sofaID="_InitialView" mimeType="text" '
        f'sofaString="{text}"/></xmi:XMI>',
        encoding="utf-8",
    )
    return path


def _texts(result: sc.XmiImport) -> list[tuple[str, str]]:
    text = result.corpus.documents[0].text
    return [(s.code, text[s.start : s.end]) for s in result.spans]


@needs_real
def test_reference_xmi_with_emoji() -> None:
    path = INCEPTION / "testSentenceWithEmoji.xmi"
    with pytest.raises(OptionError, match="annotation layers") as exc:
        read_xmi(path, coder="a")
    assert "'de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token'" in str(exc.value)
    result = read_xmi(path, coder="a", layer="NamedEntity", unlabelled="NE")
    assert result.layer == "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
    assert result.feature is None  # the annotation has no value attribute
    assert _texts(result) == [("NE", "\U0001f60a")]
    # tokens are annotations too: five of them, the emoji one at UTF-16 10-12
    tokens = read_xmi(path, coder="a", layer="Token", unlabelled="tok")
    assert [t for _, t in _texts(tokens)] == ["I", "like", "it", "\U0001f60a", "."]


@needs_real
def test_reference_xmi_slot_feature() -> None:
    result = read_xmi(
        INCEPTION / "testSimpleSlotFeature.xmi", coder="a", layer="SimpleSpan", unlabelled="s"
    )
    assert _texts(result) == [("s", "is"), ("s", "a")]


def test_features_values_and_documents(tmp_path: Path) -> None:
    text = "Kyjiw &#128512; und Paris"
    body = (
        '<ne:NamedEntity xmi:id="10" sofa="2" begin="0" end="5" value="LOC" identifier="q1"/>'
        '<ne:NamedEntity xmi:id="11" sofa="2" begin="9" end="12" value="X"/>'
        '<ne:NamedEntity xmi:id="12" sofa="2" begin="13" end="18" value="LOC"/>'
        '<ne:NamedEntity xmi:id="13" sofa="99" begin="0" end="1" value="other view"/>'
    )
    path = _xmi(tmp_path, body, text)
    with pytest.raises(OptionError, match="features 'value', 'identifier'"):
        read_xmi(path, coder="a")
    result = read_xmi(path, coder="a", feature="value", variable="place", document="d1")
    assert [d.id for d in result.corpus.documents] == ["d1"]
    assert result.corpus.documents[0].text == "Kyjiw \U0001f600 und Paris"
    # offsets after the emoji count it twice (UTF-16); annotations of other views are not read
    assert _texts(result) == [("LOC", "Kyjiw"), ("X", "und"), ("LOC", "Paris")]
    assert {s.variable for s in result.spans} == {"place"}
    with pytest.raises(DataError, match="a second file of document 'd1' by 'a'"):
        read_xmi(
            [path, _xmi(tmp_path, body, text, "b.xmi")], coder="a", feature="value", document="d1"
        )
    ids = read_xmi(path, coder="a", feature="identifier", unlabelled="none")
    assert [c for c, _ in _texts(ids)] == ["q1", "none", "none"]


def test_two_coders_of_one_document(tmp_path: Path) -> None:
    root = tmp_path / "annotation" / "call.txt"
    root.mkdir(parents=True)
    text = "Stop now"
    a = _xmi(
        root, '<ne:NamedEntity xmi:id="5" sofa="2" begin="0" end="4" value="D"/>', text, "ann.xmi"
    )
    b = _xmi(root, "", text, "bob.xmi")
    result = read_xmi([a, b])
    assert [(s.document, s.coder, s.code) for s in result.spans] == [("call.txt", "ann", "D")]
    assert dict(result.unitizers) == {"call.txt": ("ann", "bob")}


def test_refusals(tmp_path: Path) -> None:
    bomb = tmp_path / "dtd.xmi"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(DataError, match="document type declaration"):
        read_xmi(bomb, coder="a")
    broken = tmp_path / "broken.xmi"
    broken.write_text("<xmi:XMI")
    with pytest.raises(DataError, match="not well-formed XML"):
        read_xmi(broken, coder="a")
    other = tmp_path / "other.xmi"
    other.write_text("<root/>")
    with pytest.raises(DataError, match="not <xmi:XMI>"):
        read_xmi(other, coder="a")
    nosofa = tmp_path / "nosofa.xmi"
    nosofa.write_text(f'<xmi:XMI {NS}><cas:NULL xmi:id="0"/></xmi:XMI>')
    with pytest.raises(DataError, match="no text"):
        read_xmi(nosofa, coder="a")
    body = (
        '<ne:NamedEntity xmi:id="10" sofa="2" begin="x" end="5" value="A"/>'
        '<ne:NamedEntity xmi:id="11" sofa="2" begin="0" end="99" value="A"/>'
        '<ne:NamedEntity xmi:id="12" sofa="2" begin="1" end="2"/>'
        '<ne:NamedEntity xmi:id="13" sofa="2" begin="0" end="1" value=""/>'
    )
    with pytest.raises(DataError) as exc:
        read_xmi(_xmi(tmp_path, body, "abc"), coder="a", feature="value")
    assert [str(p) for p in exc.value.problems] == [
        "NamedEntity xmi:id=10: begin='x' and end='5' must be whole numbers",
        "NamedEntity xmi:id=11: span 0..99 does not lie within the text (3 UTF-16 code "
        "units); start must be >= 0 and less than end",
        "NamedEntity xmi:id=12: this NamedEntity annotation has no value for feature "
        "'value'; give it one in the program, or pass unlabelled='CODE' to code such "
        "annotations with CODE",
        "NamedEntity xmi:id=13: the code '' is empty; give the annotation a label",
    ]
    with pytest.raises(OptionError, match="pass coder='NAME'"):
        read_xmi(_xmi(tmp_path, "", "abc"))
