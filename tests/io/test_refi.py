"""REFI-QDA: .qdc codebooks and .qdpx projects.

Round trips as properties, validity against the published XSDs, a hand-made export in the shape
of NVivo's, the overlap rules of spans_to_codings, hostile XML and archives, and every error
path with its message.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st

from statecode import (
    Category,
    Codebook,
    CodebookError,
    Coder,
    Corpus,
    DataError,
    Document,
    InputFileError,
    QdpxProject,
    Span,
    Variable,
    read_codebook,
    read_qdc,
    read_qdpx,
    spans_to_codings,
    write_qdc,
    write_qdpx,
)
from tests.strategies import codebooks, short_texts, texts

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "refi"
# CI checks out ../shared beside the repository; the schemas are never copied into it
SCHEMAS = HERE.parents[2] / "shared" / "refi-qda"
needs_schemas = pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason=f"the REFI-QDA schemas are not in {SCHEMAS}"
)


@functools.cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / name)


def _message(exc: pytest.ExceptionInfo[Exception]) -> str:
    return str(exc.value)


# --------------------------------------------------------------------------------------------
# strategies

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> bool:
    return _NOT_XML.search(text) is None


# Limitation: XML 1.0 cannot carry U+FFFE, U+FFFF or control characters in a code's name, and
# the codes strategy can draw U+FFFE and U+FFFF, so codes holding them are left out here;
# write_qdc refuses them with a message (test_write_qdc_refuses_codes_xml_cannot_carry). Every
# other text (labels, definitions, rules, notes) is escaped by the writer and survives.
# Codebook.xsd requires at least one code, so a .qdc needs a variable.
qdc_codebooks = codebooks().filter(
    lambda cb: len(cb) > 0 and all(_xml_safe(c.code) for v in cb for c in v.categories)
)
ids = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
    min_size=1,
    max_size=10,
).filter(str.strip)
doc_texts = st.lists(
    texts | st.sampled_from(["\r\n", "\n", "\r", "\ufeff", "🕊️", "🇺🇦", "Путин", "日本語", "é"]),
    max_size=8,
).map("".join)


@st.composite
def documents(draw: st.DrawFn, doc_id: str) -> Document:
    return Document(
        id=doc_id,
        text=draw(doc_texts),
        title=draw(short_texts),
        source=draw(short_texts),
        event=draw(short_texts),
        date=draw(st.none() | st.dates()),
        language=draw(st.sampled_from(["", "en", "ru", "uk"])),
    )


@st.composite
def projects(draw: st.DrawFn) -> tuple[Corpus, list[Span], Codebook, list[str]]:
    """A corpus, spans on its texts by a few coders, and a codebook the codes come from."""
    codebook = draw(qdc_codebooks.filter(lambda cb: any(v.categories for v in cb)))
    doc_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    docs = tuple(draw(documents(i)) for i in doc_ids)
    coders = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    categorical = [v for v in codebook if v.categories]
    with_text = [d for d in docs if d.text]
    spans = []
    for _ in range(draw(st.integers(0, 10)) if with_text else 0):
        doc = draw(st.sampled_from(with_text))
        start = draw(st.integers(0, len(doc.text) - 1))
        end = draw(st.integers(start + 1, len(doc.text)))
        var = draw(st.sampled_from(categorical))
        code = draw(st.sampled_from(var.codes))
        spans.append(Span(doc.id, draw(st.sampled_from(coders)), start, end, var.name, code))
    return Corpus(documents=docs), spans, codebook, coders


def _in_file_order(
    spans: Sequence[Span], corpus: Corpus, coders: Sequence[str]
) -> tuple[Span, ...]:
    # how write_qdpx orders them: by document, position and coder; codings as given
    doc_index = {d.id: i for i, d in enumerate(corpus.documents)}
    return tuple(
        sorted(spans, key=lambda s: (doc_index[s.document], s.start, s.end, coders.index(s.coder)))
    )


# --------------------------------------------------------------------------------------------
# .qdc: round trips, format, validity


@pytest.mark.slow
@given(qdc_codebooks)
def test_qdc_round_trip_keeps_every_field(codebook: Codebook) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any-name.qdc"
        write_qdc(codebook, path)
        first = path.read_bytes()
        assert read_qdc(path) == codebook
        write_qdc(codebook, path)
        assert path.read_bytes() == first  # deterministic


def test_shipped_codebook_round_trips(tmp_path: Path) -> None:
    codebook = read_codebook("readouts")
    write_qdc(codebook, tmp_path / "x.qdc")
    assert read_qdc(tmp_path / "x.qdc") == codebook


@pytest.mark.slow
@needs_schemas
@given(qdc_codebooks)
def test_written_qdc_is_valid_against_codebook_xsd(codebook: Codebook) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cb.qdc"
        write_qdc(codebook, path)
        _schema("Codebook.xsd").validate(str(path))


GOLDEN_CODEBOOK = Codebook(
    name="demo",
    version="2.1",
    description="Demo codebook.\nSecond line.",
    variables=(
        Variable(
            name="tone",
            level="ordinal",
            label="Tone",
            question="How does the statement sound?",
            notes="Code the tone\nof the whole statement.",
            unit="sentence",
            categories=(
                Category(
                    "neg",
                    label="Negative",
                    definition="Rejects the other side.",
                    include=("Refusals",),
                    exclude=(" padded ", '"quoted"'),
                ),
                Category("neu"),
                Category("hostile", parent="neg", examples=("We will never\r\naccept.",)),
            ),
            order=("hostile", "neg", "neu"),
        ),
        Variable(name="count", level="ratio", minimum=0.0, maximum=12.5),
    ),
)

GOLDEN_QDC = """\
<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="statecode">
  <Codes>
    <Code guid="09b24cd7-ce07-5c5a-a441-fbbcdc6292b0" name="tone" isCodable="false">
      <Description>Code the tone
of the whole statement.

[statecode]
Level: ordinal
Label: Tone
Question: How does the statement sound?
Unit: sentence
Order: ["hostile", "neg", "neu"]
Category order: ["neg", "neu", "hostile"]</Description>
      <Code guid="1af11043-2bca-53fb-a0b7-aaa34d2e3694" name="neg" isCodable="true">
        <Description>Rejects the other side.

[statecode]
Label: Negative
Include: Refusals
Exclude: " padded "
Exclude: "\\"quoted\\""</Description>
        <Code guid="005349a4-56f4-5f8e-a6a6-4189b3fa10d0" name="hostile" isCodable="true">
          <Description>[statecode]
Example: "We will never\\r\\naccept."</Description>
        </Code>
      </Code>
      <Code guid="1b0bf43c-a1e5-5326-af64-cb6fedb4657b" name="neu" isCodable="true" />
    </Code>
    <Code guid="82fdc9ee-546c-5741-80b3-b3047fefbdd9" name="count" isCodable="false">
      <Description>[statecode]
Level: ratio
Minimum: 0.0
Maximum: 12.5</Description>
    </Code>
  </Codes>
  <Sets>
    <Set guid="1de77894-fc8f-5100-ba74-c1ecce489878" name="demo">
      <Description>Demo codebook.
Second line.

[statecode]
Version: 2.1</Description>
      <MemberCode guid="09b24cd7-ce07-5c5a-a441-fbbcdc6292b0" />
      <MemberCode guid="1af11043-2bca-53fb-a0b7-aaa34d2e3694" />
      <MemberCode guid="005349a4-56f4-5f8e-a6a6-4189b3fa10d0" />
      <MemberCode guid="1b0bf43c-a1e5-5326-af64-cb6fedb4657b" />
      <MemberCode guid="82fdc9ee-546c-5741-80b3-b3047fefbdd9" />
    </Set>
  </Sets>
</CodeBook>
"""


def test_write_qdc_format(tmp_path: Path) -> None:
    """Variables, nested categories, human text then a [statecode] block, the codebook set."""
    write_qdc(GOLDEN_CODEBOOK, tmp_path / "demo.qdc")
    assert (tmp_path / "demo.qdc").read_text(encoding="utf-8") == GOLDEN_QDC
    assert read_qdc(tmp_path / "demo.qdc") == GOLDEN_CODEBOOK


@pytest.mark.parametrize(
    "definition",
    [
        "Ends with the marker\n\n[statecode]",
        "[statecode]\nLevel: looks like a block",
        "carriage\rreturn and CRLF\r\n",
        "control \x01 and U+FFFE \ufffe",
        "  leading and trailing spaces  ",
        "",
    ],
)
def test_free_text_that_looks_like_a_block_or_xml_cannot_carry_survives(
    tmp_path: Path, definition: str
) -> None:
    codebook = Codebook(
        name="c",
        description=definition,
        variables=(
            Variable(
                name="v",
                level="nominal",
                notes=definition,
                categories=(Category("a", definition=definition, label=definition),),
            ),
        ),
    )
    write_qdc(codebook, tmp_path / "c.qdc")
    assert read_qdc(tmp_path / "c.qdc") == codebook


# --------------------------------------------------------------------------------------------
# .qdc made by other programs


FOREIGN_QDC = """\
<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti 23.2.1">
  <Codes>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B10}" name="Ökonomie &amp; Handel"
          isCodable="false" color="#ff0000">
      <Description>Economy and trade.</Description>
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B11}" name="Zölle" isCodable="true">
        <Description>Tariffs.</Description>
      </Code>
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B12}" name="  Energie&#10; Preise "
            isCodable="true">
        <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B13}" name="Gas" isCodable="true"/>
      </Code>
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B14}" name="Zölle" isCodable="true"/>
    </Code>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B15}" name="2024 goals" isCodable="true">
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B16}" name="a;b" isCodable="true"/>
    </Code>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B17}" name="unit" isCodable="true">
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B18}" name="x" isCodable="true"/>
    </Code>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B19}" name="Peace" isCodable="true">
      <Description>Talk of peace.</Description>
    </Code>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1A}" name="codes" isCodable="true">
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1B}" name="y" isCodable="true"/>
    </Code>
    <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1C}" name="stance" isCodable="false">
      <Description>[statecode]
Level: nominal</Description>
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1D}" name="pro" isCodable="true"/>
      <Code guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1E}" name="contra" isCodable="true">
        <Description>Against; added in ATLAS.ti.</Description>
      </Code>
    </Code>
  </Codes>
  <Sets>
    <Set guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B1F}" name="Group">
      <MemberCode guid="{C4B0B1E2-6A39-4F4B-9E58-0A1E4C3D2B19}"/>
    </Set>
  </Sets>
</CodeBook>
"""


def _multi(name: str, categories: tuple[Category, ...], **fields: str) -> Variable:
    return Variable(name=name, level="nominal", multi_label=True, categories=categories, **fields)


def test_read_qdc_from_another_program(tmp_path: Path) -> None:
    path = tmp_path / "atlas-export.qdc"
    path.write_text(FOREIGN_QDC, encoding="utf-8")
    assert read_qdc(path) == Codebook(
        name="atlas-export",
        variables=(
            _multi(
                "Okonomie_Handel",
                (
                    Category("Zölle", definition="Tariffs."),
                    Category("Energie Preise", label="  Energie\n Preise "),
                    Category("Gas", parent="Energie Preise"),
                    Category("Zölle (2)", label="Zölle"),
                ),
                label="Ökonomie & Handel",
                notes="Economy and trade.",
            ),
            _multi("v_2024_goals", (Category("a,b", label="a;b"),), label="2024 goals"),
            _multi("unit_", (Category("x"),), label="unit"),
            _multi("codes", (Category("y"),)),
            Variable(
                name="stance",
                level="nominal",
                categories=(
                    Category("pro"),
                    Category("contra", definition="Against; added in ATLAS.ti."),
                ),
            ),
            _multi("codes_2", (Category("Peace", definition="Talk of peace."),)),
        ),
    )


@pytest.mark.slow
@needs_schemas
def test_foreign_fixture_is_valid_against_codebook_xsd(tmp_path: Path) -> None:
    path = tmp_path / "atlas.qdc"
    path.write_text(FOREIGN_QDC, encoding="utf-8")
    _schema("Codebook.xsd").validate(str(path))


# --------------------------------------------------------------------------------------------
# .qdc errors


def _demo_qdc(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    codebook = Codebook(
        name="demo",
        version="1",
        variables=(
            Variable(name="tone", level="nominal", categories=(Category("neg"), Category("pos"))),
        ),
    )
    path = tmp_path / "demo.qdc"
    write_qdc(codebook, path)
    if replace is not None:
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(*replace), encoding="utf-8")
    return path


KEYS = "Level, Label, Question, Notes, Unit, Multi-label, Order, Minimum, Maximum, Category order"
BLOCK = "line {} of the [statecode] block"


@pytest.mark.parametrize(
    ("replace", "problems"),
    [
        pytest.param(
            ("Level: nominal", "Levl: nominal"),
            [
                f"code 'tone': {BLOCK.format(1)}: unknown key 'Levl'; did you mean 'Level'? "
                f"(write 'Key: value'; keys: {KEYS})"
            ],
            id="unknown-key",
        ),
        pytest.param(
            ("Level: nominal", "Level: nominal\njust text"),
            [
                f"code 'tone': {BLOCK.format(2)}: unknown key 'just text' (write 'Key: value'; "
                f"keys: {KEYS})"
            ],
            id="not-key-value",
        ),
        pytest.param(
            ("Level: nominal", "Level: nominal\nMulti-label: true"),
            [f"code 'tone': {BLOCK.format(2)}: Multi-label: expected yes or no, got 'true'"],
            id="bad-flag",
        ),
        pytest.param(
            ("Level: nominal", "Level: nominal\nMinimum: low"),
            [f"code 'tone': {BLOCK.format(2)}: Minimum: expected a number, got 'low'"],
            id="bad-number",
        ),
        pytest.param(
            ("Level: nominal", 'Level: nominal\nLabel: "unclosed'),
            [
                f"code 'tone': {BLOCK.format(2)}: Label: expected a JSON string, got "
                "'\"unclosed' (Unterminated string starting at)"
            ],
            id="bad-json-string",
        ),
        pytest.param(
            ("Level: nominal", "Level: nominal\nOrder: neg, pos"),
            [
                f"code 'tone': {BLOCK.format(2)}: Order: expected a JSON list of codes, got "
                "'neg, pos' (Expecting value)"
            ],
            id="codes-not-json",
        ),
        pytest.param(
            ("Level: nominal", 'Level: nominal\nOrder: ["neg", 1]'),
            [
                f"code 'tone': {BLOCK.format(2)}: Order: expected a JSON list of codes, got "
                "'[\"neg\", 1]'"
            ],
            id="codes-not-strings",
        ),
        pytest.param(
            ("Level: nominal", "Level: nominal\nLevel: ordinal"),
            [f"code 'tone': {BLOCK.format(2)}: Level is given twice; keep one"],
            id="key-twice",
        ),
        pytest.param(
            (
                'name="neg" isCodable="true" />',
                'name="neg" isCodable="true"><Description>'
                "[statecode]\nExclusive: maybe</Description></Code>",
            ),
            [f"code 'neg': {BLOCK.format(1)}: Exclusive: expected yes or no, got 'maybe'"],
            id="category-block",
        ),
        pytest.param(
            ("Version: 1", "Versio: 1"),
            [
                f"set 'demo': {BLOCK.format(1)}: unknown key 'Versio'; did you mean "
                "'Version'? (write 'Key: value'; keys: Version, Description)"
            ],
            id="codebook-set-block",
        ),
        pytest.param(
            ("Level: nominal", "Label: no level"),
            ["variables[0].level: missing required key"],
            id="level-missing",
        ),
        pytest.param(
            ("Level: nominal", "Level: nomnal"),
            [
                "variables[0].level: 'nomnal' is not a level of measurement (did you mean "
                "'nominal'?); use one of 'nominal', 'ordinal', 'interval', 'ratio'"
            ],
            id="level-typo",
        ),
    ],
)
def test_read_qdc_block_problems(
    tmp_path: Path, replace: tuple[str, str], problems: list[str]
) -> None:
    path = _demo_qdc(tmp_path, replace)
    with pytest.raises(CodebookError) as exc:
        read_qdc(path)
    assert exc.value.source == str(path)
    assert [str(p) for p in exc.value.problems] == problems


def test_read_qdc_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = _demo_qdc(tmp_path, ("Level: nominal", "Level: nominal\nMinimum: low\nUnit:: x\nOops"))
    with pytest.raises(CodebookError) as exc:
        read_qdc(path)
    assert _message(exc) == (
        f"{path}: 2 problems:\n"
        f"  code 'tone': {BLOCK.format(2)}: Minimum: expected a number, got 'low'\n"
        f"  code 'tone': {BLOCK.format(4)}: unknown key 'Oops' (write 'Key: value'; "
        f"keys: {KEYS})"
    )


def test_read_qdc_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.qdc"
    with pytest.raises(InputFileError) as exc:
        read_qdc(path)
    assert _message(exc) == f"{path}: no such file; check the path"


def test_read_qdc_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as exc:
        read_qdc(tmp_path)
    assert _message(exc) == f"{tmp_path}: is a folder, not a .qdc codebook; check the path"


def test_read_qdc_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.qdc"
    path.write_text("<CodeBook><Codes></CodeBook>", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_qdc(path)
    assert _message(exc) == (
        f"{path}: not well-formed XML (mismatched tag: line 1, column 19); re-export the "
        "file from the QDA program"
    )


def test_read_qdc_wrong_root(tmp_path: Path) -> None:
    path = tmp_path / "p.qdc"
    path.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_qdc(path)
    assert _message(exc) == (
        f"{path}: the root element is <Project>, not <CodeBook>; this is not a REFI-QDA codebook"
    )


def test_read_qdc_without_codes_is_an_empty_codebook(tmp_path: Path) -> None:
    path = tmp_path / "empty.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "utf-8")
    assert read_qdc(path) == Codebook(name="empty")


def _nested_codes(depth: int) -> str:
    opening = "".join(
        f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true">'
        for i in range(depth)
    )
    return opening + "</Code>" * depth


def test_read_qdc_refuses_codes_nested_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.qdc"
    codebook = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{}</Codes></CodeBook>'
    path.write_text(codebook.format(_nested_codes(100)), encoding="utf-8")
    assert len(read_qdc(path)["c0"].categories) == 99
    path.write_text(codebook.format(_nested_codes(101)), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_qdc(path)
    assert _message(exc) == (
        f"{path}: codes nest more than 100 levels deep (at code 'c100'); no real codebook is "
        "this deep, so the file is damaged or hostile"
    )


def test_description_stored_again_with_crlf(tmp_path: Path) -> None:
    """A QDA program that writes the descriptions back with CRLF line breaks."""
    path = _demo_qdc(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[statecode]\nLevel", "[statecode]&#13;\nLevel"), "utf-8")
    assert read_qdc(path)["tone"].level == "nominal"


def test_foreign_description_keeps_its_crlf(tmp_path: Path) -> None:
    path = tmp_path / "f.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{C4B0B1E2-6A39-4F4B-'
        '9E58-0A1E4C3D2B10}" name="Peace" isCodable="true"><Description>two&#13;\nlines'
        "</Description></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    assert read_qdc(path)["codes"].category("Peace").definition == "two\r\nlines"


def test_write_qdc_needs_a_variable(tmp_path: Path) -> None:
    with pytest.raises(CodebookError) as exc:
        write_qdc(Codebook(name="empty"), tmp_path / "e.qdc")
    assert _message(exc) == (
        "variables: a .qdc file needs at least one code (Codebook.xsd); add a variable"
    )
    assert not (tmp_path / "e.qdc").exists()


def test_write_qdc_refuses_codes_xml_cannot_carry(tmp_path: Path) -> None:
    codebook = Codebook(
        name="bad\x01name",
        variables=(
            Variable(name="v", level="nominal", categories=(Category("ok"), Category("a\ufffeb"))),
        ),
    )
    with pytest.raises(CodebookError) as exc:
        write_qdc(codebook, tmp_path / "x.qdc")
    assert [str(p) for p in exc.value.problems] == [
        "name: codebook name 'bad\\x01name' holds '\\x01' (U+0001), which XML 1.0 cannot "
        "carry; rename it",
        "variables[0].categories[1].code: code 'a\\ufffeb' holds '\\ufffe' (U+FFFE), which "
        "XML 1.0 cannot carry; rename it",
    ]


# --------------------------------------------------------------------------------------------
# .qdpx: round trips and validity


@pytest.mark.slow
@given(projects(), st.booleans())
def test_qdpx_round_trip(
    project: tuple[Corpus, list[Span], Codebook, list[str]], explicit_users: bool
) -> None:
    corpus, spans, codebook, coders = project
    users = [Coder(c, name="shown name", note="not carried") for c in coders]
    with tempfile.TemporaryDirectory() as tmp:
        path, again = Path(tmp) / "p.qdpx", Path(tmp) / "q.qdpx"
        write_qdpx(corpus, spans, codebook, path, users=users if explicit_users else None)
        write_qdpx(corpus, spans, codebook, again, users=users if explicit_users else None)
        assert path.read_bytes() == again.read_bytes()  # deterministic
        back = read_qdpx(path)
    order = coders if explicit_users else list(dict.fromkeys(s.coder for s in spans))
    assert back.corpus.documents == corpus.documents  # texts: emoji, CRLF, lone CR, BOM
    assert back.corpus.statements == ()
    assert back.spans == _in_file_order(spans, corpus, order)
    assert back.codebook == codebook
    assert back.users == tuple(Coder(c) for c in order)


@pytest.mark.slow
@needs_schemas
@given(projects())
def test_written_project_is_valid_against_project_xsd(
    project: tuple[Corpus, list[Span], Codebook, list[str]],
) -> None:
    corpus, spans, codebook, _ = project
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.qdpx"
        write_qdpx(corpus, spans, codebook, path)
        with zipfile.ZipFile(path) as zf:
            qde = zf.read("project.qde")
    _schema("Project.xsd").validate(io.BytesIO(qde))


def test_write_qdpx_layout(tmp_path: Path) -> None:
    """project.qde and sources/<guid>.txt as UTF-8 bytes of the text; one selection per coder."""
    doc = Document(id="d1", text="Мир 🕊\r\nnow", title="Readout", date=None)
    codebook = Codebook(
        name="cb",
        variables=(Variable(name="t", level="nominal", categories=(Category("a"), Category("b"))),),
    )
    spans = [
        Span("d1", "ann", 0, 3, "t", "a"),
        Span("d1", "ben", 0, 3, "t", "b"),
        Span("d1", "ann", 0, 3, "t", "b"),
    ]
    path = tmp_path / "p.qdpx"
    write_qdpx(Corpus(documents=(doc,)), spans, codebook, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde").decode("utf-8")
        assert zf.read(names[1]) == doc.text.encode("utf-8")
    assert names[0] == "project.qde"
    assert re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", names[1])
    assert len(names) == 2
    assert qde.count("<PlainTextSelection ") == 2
    assert qde.count("<Coding ") == 3
    assert 'origin="statecode"' in qde
    assert "[statecode]\nTitle: Readout</Description>" in qde


def test_text_starting_with_feff_keeps_it(tmp_path: Path) -> None:
    doc = Document(id="d", text="\ufeffzero width no-break space first")
    codebook = Codebook(
        name="cb", variables=(Variable(name="t", level="nominal", categories=(Category("a"),)),)
    )
    write_qdpx(
        Corpus(documents=(doc,)), [Span("d", "ann", 0, 2, "t", "a")], codebook, tmp_path / "p.qdpx"
    )
    back = read_qdpx(tmp_path / "p.qdpx")
    assert back.corpus.documents[0].text == doc.text
    assert back.spans == (Span("d", "ann", 0, 2, "t", "a"),)


def test_empty_project_round_trips(tmp_path: Path) -> None:
    """No documents, no spans, no variables: Project.xsd makes every part optional."""
    write_qdpx(Corpus(), [], Codebook(name="nothing"), tmp_path / "e.qdpx")
    assert read_qdpx(tmp_path / "e.qdpx") == QdpxProject(
        corpus=Corpus(), spans=(), codebook=Codebook(name="nothing"), users=()
    )


# --------------------------------------------------------------------------------------------
# a hand-made export in the shape of NVivo's

ANNA, BEN = "Anna Schmidt", "Ben Okafor"
KREMLIN = (
    "Путин и Трамп провели телефонный разговор.\r\n"
    "The sides discussed a ceasefire on energy targets.\r\n"
    "Sanctions remain \u2013 for now.\r\n"
)
WHITE_HOUSE = (
    "President Trump spoke with President Putin 🇺🇸🇷🇺 today.\n"
    "Both leaders blamed the delay on others.\n"
)


def _nvivo_export(tmp_path: Path) -> Path:
    path = tmp_path / "Readouts pilot.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", (DATA / "nvivo-project.qde").read_bytes())
        kremlin = "Sources/{07A9136B-372F-4EB8-B9D9-BF5BEDE8CC94}"
        zf.writestr(f"{kremlin}.txt", codecs.BOM_UTF8 + KREMLIN.encode("utf-8"))
        zf.writestr(f"{kremlin}.docx", b"PK\x03\x04 rich text, not read")
        white_house = "Sources/{36B6F86F-D7AD-4A92-B1E8-58657B7D725B}.txt"
        zf.writestr(white_house, WHITE_HOUSE.encode("utf-8"))
        zf.writestr("Sources/{B68A3601-2A2C-4755-80C5-145A410BF3E2}.txt", b"Coding memo.")
    return path


NVIVO_CODEBOOK = Codebook(
    name="Readouts pilot",
    variables=(
        _multi(
            "Tone",
            (
                Category("Positive", definition="Approves of the other side or of the talks."),
                Category("Negative"),
                Category("Hostile", parent="Negative"),
            ),
            notes="Evaluative tone of the statement.",
        ),
        _multi(
            "Blame_target",
            (
                Category("State actors"),
                Category("Russia", parent="State actors"),
                Category("Ukraine", parent="State actors"),
                Category("Other", parent="State actors"),
                Category("Other (2)", label="Other"),
            ),
            label="Blame target",
        ),
        _multi(
            "codes",
            (
                Category("Ceasefire"),
                Category(
                    "Sanctions, economic",
                    label="Sanctions; economic",
                    definition="Economic sanctions, their relief or their extension.",
                ),
            ),
        ),
    ),
)


def test_read_nvivo_shaped_export(tmp_path: Path) -> None:
    project = read_qdpx(_nvivo_export(tmp_path))
    assert project.users == (Coder(ANNA), Coder(BEN))
    kremlin, white_house, notes = project.corpus.documents
    assert (kremlin.id, white_house.id, notes.id) == (
        "Kremlin readout",
        "White House readout",
        "Call notes",
    )
    assert kremlin.text == KREMLIN  # BOM dropped, CRLF kept
    assert white_house.text == WHITE_HOUSE
    assert notes.text == "Call notes: ceasefire first."  # PlainTextContent, path outside
    assert dict(kremlin.metadata) == {
        "refi_guid": "07a9136b-372f-4eb8-b9d9-bf5bede8cc94",
        "description": "Readout published by the Kremlin press service, 18 March 2025.",
    }
    assert project.codebook == NVIVO_CODEBOOK
    assert project.spans == (
        Span("Kremlin readout", ANNA, 0, 42, "Tone", "Positive"),
        Span("Kremlin readout", BEN, 0, 42, "Blame_target", "Russia"),  # the Coding's user
        Span("Kremlin readout", BEN, 22, 75, "Tone", "Hostile"),  # the selection's user
        Span("Kremlin readout", ANNA, 96, 123, "codes", "Sanctions, economic"),
        Span("Kremlin readout", ANNA, 96, 123, "codes", "Ceasefire"),
        Span("White House readout", ANNA, 55, 95, "Blame_target", "Other (2)"),
        Span("White House readout", BEN, 27, 53, "Tone", "Positive"),
        Span("Call notes", BEN, 12, 27, "codes", "Ceasefire"),
    )
    texts = {d.id: d.text for d in project.corpus.documents}
    assert [texts[s.document][s.start : s.end] for s in project.spans] == [
        "Путин и Трамп провели телефонный разговор.",
        "Путин и Трамп провели телефонный разговор.",
        "телефонный разговор.\r\nThe sides discussed a ceasefire",
        "Sanctions remain \u2013 for now.",
        "Sanctions remain \u2013 for now.",
        "Both leaders blamed the delay on others.",
        "President Putin 🇺🇸🇷🇺 today",
        "ceasefire first",
    ]


@pytest.mark.slow
@needs_schemas
def test_nvivo_fixture_is_valid_against_project_xsd() -> None:
    _schema("Project.xsd").validate(str(DATA / "nvivo-project.qde"))


def test_nvivo_export_through_statements(tmp_path: Path) -> None:
    """From a real export to statement codings: lines as statements, CRLF offsets intact."""
    project = read_qdpx(_nvivo_export(tmp_path))
    kremlin = project.corpus.documents[0]
    statements = (
        kremlin.statement("k1", 0, 42),
        kremlin.statement("k2", 44, 94),
        kremlin.statement("k3", 96, 123),
    )
    assert statements[1].text == "The sides discussed a ceasefire on energy targets."
    corpus = Corpus(documents=project.corpus.documents, statements=statements)
    table = spans_to_codings(corpus, project.spans, codebook=project.codebook)
    # Hostile covers 20 of k1's 42 characters (no) and 31 of k2's 50 (yes)
    assert sorted(table.data.select("unit", "coder", "variable", "value").rows()) == [
        ("k1", ANNA, "Tone", "Positive"),
        ("k1", BEN, "Blame_target", "Russia"),
        ("k2", BEN, "Tone", "Hostile"),
        ("k3", ANNA, "codes", "Ceasefire;Sanctions, economic"),
    ]


def test_read_qdpx_with_codebook_reports_codes_it_cannot_map(tmp_path: Path) -> None:
    codebook = Codebook(
        name="mine",
        variables=(
            Variable(
                name="Tone",
                level="nominal",
                categories=(Category("Positive"), Category("Negative"), Category("Hostile")),
            ),
            Variable(
                name="blame",
                level="nominal",
                categories=(Category("Russia"), Category("Other")),
            ),
            Variable(
                name="topic",
                level="nominal",
                multi_label=True,
                categories=(Category("Ceasefire"), Category("Other")),
            ),
        ),
    )
    path = _nvivo_export(tmp_path)
    with pytest.raises(DataError) as exc:
        read_qdpx(path, codebook=codebook)
    assert [str(p) for p in exc.value.problems] == [
        "source 'Kremlin readout', selection {0443E83E-2524-46FC-96C7-F7F1EF973ED2}: code "
        "'Sanctions; economic' is not a category of codebook 'mine'; add it to the codebook "
        "or rename the code",
        "source 'White House readout', selection {A4598F84-E9E1-4394-8AD6-D415FE0A01B4}: code "
        "'Other' is a category of several variables (blame, topic); nest it under the code "
        "named after its variable",
    ]


def test_read_qdpx_with_codebook(tmp_path: Path) -> None:
    codebook = Codebook(
        name="mine",
        variables=(
            Variable(name="Tone", level="nominal", categories=(Category("neg"),)),
            Variable(name="topic", level="nominal", categories=(Category("neg"), Category("x"))),
        ),
    )
    path = _small_qdpx(
        tmp_path,
        _qde(
            _source(_selection(code=CODE) + _selection("3", "9", guid=SEL2, code=CODE_X)),
            codes=(
                f'<Code guid="{VAR}" name="Tone" isCodable="false">'
                f'<Code guid="{CODE}" name="neg" isCodable="true"/></Code>'
                f'<Code guid="{CODE_X}" name="x" isCodable="true"/>'
            ),
        ),
    )
    project = read_qdpx(path, codebook=codebook)
    assert project.codebook is codebook
    assert project.spans == (
        Span("d1", "ann", 0, 9, "Tone", "neg"),  # under its variable's code: not ambiguous
        Span("d1", "ann", 3, 9, "topic", "x"),  # the one variable with that code
    )


# --------------------------------------------------------------------------------------------
# small hand-made projects for the error paths

USER = "{5C94BC9E-DB8C-4F1D-9CD6-E900C7440860}"
VAR = "{2DFBA8C9-59F5-4424-99D6-EA9BCE18134B}"
CODE = "{76414714-63C4-4A25-A47E-66FEF80BD52E}"
CODE_X = "{76414714-63C4-4A25-A47E-66FEF80BD52F}"
SOURCE = "{08CBCED0-D736-44C8-8FD6-EB4D29FE46C5}"
SEL = "{9A1F3C2E-0D4B-4E6A-8F7C-1B2D3E4F5A6B}"
SEL2 = "{9A1F3C2E-0D4B-4E6A-8F7C-1B2D3E4F5A6C}"
USERS = f'<Users><User guid="{USER}" name="ann"/></Users>'
CODES = (
    f'<Code guid="{VAR}" name="tone" isCodable="false">'
    f'<Code guid="{CODE}" name="neg" isCodable="true"/></Code>'
)


def _qde(sources: str, *, codes: str = CODES, users: str = USERS) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="small" origin="test">'
        f"{users}<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources>"
        "</Project>"
    )


def _source(
    selections: str = "", *, text: str | None = "We reject the terms.", attrs: str = ""
) -> str:
    content = f"<PlainTextContent>{text}</PlainTextContent>" if text is not None else ""
    return f'<TextSource guid="{SOURCE}" name="d1"{attrs}>{content}{selections}</TextSource>'


def _selection(
    start: str = "0",
    end: str = "9",
    *,
    guid: str = SEL,
    code: str | None = CODE,
    selection_user: str | None = USER,
    coding_user: str | None = None,
) -> str:
    by = f' creatingUser="{selection_user}"' if selection_user else ""
    coding_by = f' creatingUser="{coding_user}"' if coding_user else ""
    ref = f'<CodeRef targetGUID="{code}"/>' if code else ""
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}"{by}>'
        f'<Coding guid="{{11111111-2222-4333-8444-555555555555}}"{coding_by}>{ref}</Coding>'
        "</PlainTextSelection>"
    )


def _small_qdpx(
    tmp_path: Path,
    qde: str | bytes,
    members: dict[str, bytes] | None = None,
    *,
    qde_name: str = "project.qde",
) -> Path:
    path = tmp_path / "small.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde)
        for name, data in (members or {}).items():
            zf.writestr(name, data)
    return path


WHERE = f"source 'd1', selection {SEL}"


@pytest.mark.parametrize(
    ("sources", "members", "problem"),
    [
        pytest.param(
            _source(text=None, attrs=' plainTextPath="internal://gone.txt"'),
            {},
            "source 'd1': plainTextPath 'internal://gone.txt' names no member of the archive "
            "(looked in sources/ and Sources/); export the project again with its sources",
            id="internal-missing",
        ),
        pytest.param(
            _source(text=None, attrs=' plainTextPath="absolute:///home/ann/d1.txt"'),
            {},
            "source 'd1': plainTextPath 'absolute:///home/ann/d1.txt' points outside the "
            "archive, and statecode opens no file a project names; the source has no "
            "PlainTextContent either, so export the project with the sources inside the .qdpx",
            id="absolute-outside",
        ),
        pytest.param(
            _source(text=None, attrs=' plainTextPath="relative://../texts/d1.txt"'),
            {},
            "source 'd1': plainTextPath 'relative://../texts/d1.txt' points outside the "
            "archive, and statecode opens no file a project names; the source has no "
            "PlainTextContent either, so export the project with the sources inside the .qdpx",
            id="relative-outside",
        ),
        pytest.param(
            _source(text=None),
            {},
            "source 'd1': has no plain text (no plainTextPath, no PlainTextContent); export it "
            "as text",
            id="no-text",
        ),
        pytest.param(
            _source(text=None, attrs=' plainTextPath="internal://d1.txt"'),
            {"sources/d1.txt": b"caf\xe9"},
            "member 'sources/d1.txt': not UTF-8 text (byte 3); save the source as UTF-8 and "
            "export again",
            id="not-utf8",
        ),
        pytest.param(
            _source().replace(
                "<PlainTextContent>",
                "<Description>[statecode]\nDate: 18.03.2025</Description><PlainTextContent>",
            ),
            {},
            "source 'd1': Date '18.03.2025' is not a date; write YYYY-MM-DD",
            id="bad-date",
        ),
        pytest.param(
            _source().replace(
                "<PlainTextContent>",
                "<Description>[statecode]\nTitel: x</Description><PlainTextContent>",
            ),
            {},
            "source 'd1': line 1 of the [statecode] block: unknown key 'Titel'; did you mean "
            "'Title'? (write 'Key: value'; keys: Title, Source, Event, Date, Language)",
            id="document-block",
        ),
        pytest.param(
            _source(_selection("a")),
            {},
            f"{WHERE}: startPosition 'a' and endPosition '9' must be whole numbers",
            id="positions-not-numbers",
        ),
        pytest.param(
            _source(_selection("0", "99")),
            {},
            f"{WHERE}: positions 0..99 are empty or do not lie within the source's text (20 "
            "code points); positions count code points from 0, end exclusive (if the program "
            "counted UTF-16 code units, read with offsets='utf-16')",
            id="positions-beyond-text",
        ),
        pytest.param(
            _source(_selection("5", "5")),
            {},
            f"{WHERE}: positions 5..5 are empty or do not lie within the source's text (20 "
            "code points); positions count code points from 0, end exclusive (if the program "
            "counted UTF-16 code units, read with offsets='utf-16')",
            id="empty-selection",
        ),
        pytest.param(
            _source(_selection(selection_user=None)),
            {},
            f"{WHERE}: neither the Coding nor its selection names a creatingUser; export again",
            id="no-user",
        ),
        pytest.param(
            _source(_selection(code=None)),
            {},
            f"{WHERE}: a Coding without <CodeRef targetGUID=...>; export the project again",
            id="no-coderef",
        ),
        pytest.param(
            _source(_selection(code="{00000000-0000-4000-8000-000000000000}")),
            {},
            f"{WHERE}: the Coding refers to code '00000000-0000-4000-8000-000000000000', which "
            "the CodeBook does not define; export the project again",
            id="unknown-code",
        ),
        pytest.param(
            _source(_selection(code=VAR)),
            {},
            f"{WHERE}: code 'tone' stands for variable 'tone' (it has sub-codes), not for a "
            "category; code the selection with one of its sub-codes, or pass a codebook= in "
            "which it is a category",
            id="variable-code",
        ),
        pytest.param(
            _source(text="").replace(
                "</TextSource>",
                f'<Coding guid="{SEL}" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/>'
                "</Coding></TextSource>",
            ),
            {},
            "source 'd1': codes a source without text",
            id="whole-empty-source",
        ),
    ],
)
def test_read_qdpx_problems(
    tmp_path: Path, sources: str, members: dict[str, bytes], problem: str
) -> None:
    path = _small_qdpx(tmp_path, _qde(sources), members)
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == f"{path}: {problem}"


def test_read_qdpx_reports_every_problem_at_once(tmp_path: Path) -> None:
    sources = _source(_selection("a") + _selection("0", "99", guid=SEL2, code=VAR))
    path = _small_qdpx(tmp_path, _qde(sources))
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert [p.where for p in exc.value.problems] == [WHERE, f"source 'd1', selection {SEL2}"]


def test_read_qdpx_refuses_codes_nested_too_deep(tmp_path: Path) -> None:
    path = _small_qdpx(tmp_path, _qde(_source(), codes=_nested_codes(101)))
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: member 'project.qde': codes nest more than 100 levels deep (at code 'c100'); "
        "no real codebook is this deep, so the file is damaged or hostile"
    )


def test_read_qdpx_utf16_offsets(tmp_path: Path) -> None:
    text = "Peace 🕊 now 🇺🇦!"
    # "now" is 8..11 in code points and 9..12 in UTF-16 units; "🇺🇦!" 12..15 and 13..18
    sources = _source(_selection("9", "12") + _selection("13", "18", guid=SEL2), text=text)
    path = _small_qdpx(tmp_path, _qde(sources))
    project = read_qdpx(path, offsets="utf-16")
    assert [(s.start, s.end) for s in project.spans] == [(8, 11), (12, 15)]
    # counted as code points, the second selection ends beyond the text: the message says why
    with pytest.raises(DataError, match=r"read with offsets='utf-16'\)$"):
        read_qdpx(path)


def test_read_qdpx_utf16_offset_inside_a_pair(tmp_path: Path) -> None:
    sources = _source(_selection("7", "9"), text="Peace 🕊 now")
    path = _small_qdpx(tmp_path, _qde(sources))
    with pytest.raises(DataError) as exc:
        read_qdpx(path, offsets="utf-16")
    assert _message(exc) == (
        f"{path}: {WHERE}: UTF-16 offset 7 is not a character boundary of a text of 12 UTF-16 "
        "code units (it lies outside the text or splits a surrogate pair); check the offsets"
    )


@pytest.mark.parametrize("max_bytes", [0, -5])
def test_read_qdpx_max_bytes_must_be_positive(tmp_path: Path, max_bytes: int) -> None:
    path = _small_qdpx(tmp_path, _qde(_source()))
    message = f"max_bytes={max_bytes} is not valid; use a positive number of bytes"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        read_qdpx(path, max_bytes=max_bytes)


def test_writers_report_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "p.qdpx"
    with pytest.raises(InputFileError) as exc:
        write_qdpx(Corpus(), [], CB, path)
    assert _message(exc) == (
        f"{path}: cannot write here (No such file or directory); check the folder exists and "
        "is writable"
    )


def test_read_qdpx_option_errors(tmp_path: Path) -> None:
    path = _small_qdpx(tmp_path, _qde(_source()))
    with pytest.raises(
        ValueError,
        match=r"^offsets='bytes' is not valid; use one of "
        r"'code-points', 'utf-16'$",
    ):
        read_qdpx(path, offsets="bytes")


def test_read_qdpx_guid_spellings_and_folders(tmp_path: Path) -> None:
    """Lower-case sources/ folder, GUID file names in other case, users without names."""
    guid = "{AB12CD34-0000-4000-8000-00000000000A}"
    sources = _source(
        _selection(selection_user=None, coding_user="5c94bc9e-db8c-4f1d-9cd6-e900c7440860")
        + _selection("1", "2", guid=SEL2, selection_user="{0BAD0BAD-0000-4000-8000-000000000000}"),
        text=None,
        attrs=f' plainTextPath="internal://{guid}.txt"',
    )
    users = f'<Users><User guid="{USER.lower()}"/></Users>'
    path = _small_qdpx(
        tmp_path, _qde(sources, users=users), {f"sources/{guid.lower()}.txt": b"A text here."}
    )
    project = read_qdpx(path)
    user = USER.strip("{}").lower()
    assert project.users == (Coder(user), Coder("0bad0bad-0000-4000-8000-000000000000"))
    assert [s.coder for s in project.spans] == [user, "0bad0bad-0000-4000-8000-000000000000"]
    assert project.corpus.documents[0].text == "A text here."


def test_read_qdpx_shared_names(tmp_path: Path) -> None:
    """Two users or two sources with one name keep their GUIDs apart."""
    other = "{6D0A0000-0000-4000-8000-000000000001}"
    users = f'<Users><User guid="{USER}" name="Admin"/><User guid="{other}" name="Admin"/></Users>'
    sources = _source(_selection()) + _source().replace(
        SOURCE, "{08CBCED0-D736-44C8-8FD6-EB4D29FE46C6}"
    )
    project = read_qdpx(_small_qdpx(tmp_path, _qde(sources, users=users)))
    assert project.users == (
        Coder(f"Admin ({USER.strip('{}').lower()})"),
        Coder("Admin (6d0a0000-0000-4000-8000-000000000001)"),
    )
    assert [d.id for d in project.corpus.documents] == [
        "d1 (08cbced0-d736-44c8-8fd6-eb4d29fe46c5)",
        "d1 (08cbced0-d736-44c8-8fd6-eb4d29fe46c6)",
    ]


def test_read_qdpx_utf16_source_file(tmp_path: Path) -> None:
    sources = _source(_selection("0", "4"), text=None, attrs=' plainTextPath="internal://d.txt"')
    data = "和平\r\n现在".encode("utf-16")  # with its BOM
    project = read_qdpx(_small_qdpx(tmp_path, _qde(sources), {"Sources/d.txt": data}))
    assert project.corpus.documents[0].text == "和平\r\n现在"


def test_read_qdpx_whole_source_coding(tmp_path: Path) -> None:
    sources = _source().replace(
        "</TextSource>",
        f'<Coding guid="{SEL}" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</TextSource>",
    )
    project = read_qdpx(_small_qdpx(tmp_path, _qde(sources)))
    assert project.spans == (Span("d1", "ann", 0, 20, "tone", "neg"),)


def test_read_qdpx_other_qde_name(tmp_path: Path) -> None:
    path = _small_qdpx(tmp_path, _qde(_source()), qde_name="Readouts.qde")
    assert read_qdpx(path).corpus.documents[0].text == "We reject the terms."


def test_read_qdpx_project_codebook_error(tmp_path: Path) -> None:
    codes = (
        f'<Code guid="{VAR}" name="tone" isCodable="false">'
        "<Description>[statecode]\nLevel: nomnal</Description></Code>"
    )
    path = _small_qdpx(tmp_path, _qde(_source(), codes=codes))
    with pytest.raises(CodebookError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: variables[0].level: 'nomnal' is not a level of measurement (did you mean "
        "'nominal'?); use one of 'nominal', 'ordinal', 'interval', 'ratio'"
    )


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        pytest.param(None, InputFileError, "{path}: no such file; check the path", id="missing"),
        pytest.param(
            b"not a zip",
            DataError,
            "{path}: not a zip archive, so not a .qdpx project; export the project again as "
            "REFI-QDA",
            id="not-zip",
        ),
    ],
)
def test_read_qdpx_file_errors(
    tmp_path: Path, content: bytes | None, kind: type[Exception], message: str
) -> None:
    path = tmp_path / "p.qdpx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(kind) as exc:
        read_qdpx(path)
    assert _message(exc) == message.format(path=path)


def test_read_qdpx_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as exc:
        read_qdpx(tmp_path)
    assert _message(exc) == f"{tmp_path}: is a folder, not a .qdpx project; check the path"


def test_read_qdpx_without_project_qde(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
        zf.writestr("sub/other.qde", "<Project/>")
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: no project.qde in the archive (members: 'readme.txt', 'sub/other.qde'); "
        "is this a REFI-QDA project (.qdpx)?"
    )


def test_read_qdpx_wrong_root(tmp_path: Path) -> None:
    path = _small_qdpx(tmp_path, '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: member 'project.qde': the root element is <CodeBook>, not <Project>; this "
        "is not a REFI-QDA project"
    )


def test_read_qdpx_malformed_project(tmp_path: Path) -> None:
    path = _small_qdpx(tmp_path, "<Project")
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: member 'project.qde': not well-formed XML (unclosed token: line 1, column 0); "
        "re-export the file from the QDA program"
    )


def test_read_qdpx_corrupt_member(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", _qde(_source()))
    data = bytearray(path.read_bytes())
    at = data.index(b"We reject")
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DataError) as exc:
        read_qdpx(path)
    assert _message(exc) == (
        f"{path}: member 'project.qde': cannot unpack the member (Bad CRC-32 for file "
        "'project.qde'); re-export the project"
    )


# --------------------------------------------------------------------------------------------
# write_qdpx errors

CB = Codebook(
    name="cb",
    variables=(
        Variable(name="tone", level="nominal", categories=(Category("neg"), Category("pos"))),
    ),
)
DOC = Document(id="d1", text="We reject the terms.")


@pytest.mark.parametrize(
    ("corpus", "spans", "users", "problems"),
    [
        pytest.param(
            Corpus(documents=(DOC,)),
            [Span("d2", "ann", 0, 2, "tone", "neg")],
            None,
            ["spans[0]: document 'd2' is not in the corpus; add it or fix the span"],
            id="unknown-document",
        ),
        pytest.param(
            Corpus(documents=(DOC,)),
            [Span("d1", "ann", 5, 21, "tone", "neg")],
            None,
            [
                "spans[0]: span 5..21 does not lie within document 'd1' (text length 20); fix "
                "start and end (0-based code-point offsets, end exclusive)"
            ],
            id="beyond-text",
        ),
        pytest.param(
            Corpus(documents=(DOC,)),
            [
                Span("d1", "ann", 0, 2, "mood", "neg"),
                Span("d1", "ann", 0, 2, "tone", "negative"),
            ],
            None,
            [
                "spans[0]: variable 'mood' is not in codebook 'cb' (variables: tone)",
                "spans[1]: unknown code 'negative' for 'tone'; did you mean 'neg'?",
            ],
            id="codes",
        ),
        pytest.param(
            Corpus(documents=(DOC,)),
            [Span("d1", "ann", 0, 2, "tone", "neg"), Span("d1", "ben", 0, 2, "tone", "neg")],
            [Coder("ann"), Coder("ann")],
            [
                "users[1]: duplicate coder id 'ann'; list each coder once",
                "users: coder 'ben' of the spans is not among users; add Coder('ben') to users, "
                "or leave users out to take the coders from the spans",
            ],
            id="users",
        ),
        pytest.param(
            Corpus(documents=(Document(id="d\x02", text="a\ud800b"),)),
            [],
            [Coder("x\x1b")],
            [
                "users[0].id: coder id 'x\\x1b' holds '\\x1b' (U+001B), which XML 1.0 cannot "
                "carry; rename it",
                "documents[0].id: document id 'd\\x02' holds '\\x02' (U+0002), which XML 1.0 "
                "cannot carry; rename it",
                "documents[0].text: character 1 of document 'd\\x02' is a lone surrogate, which "
                "UTF-8 cannot encode; fix the text",
            ],
            id="unwritable",
        ),
    ],
)
def test_write_qdpx_problems(
    tmp_path: Path,
    corpus: Corpus,
    spans: list[Span],
    users: list[Coder] | None,
    problems: list[str],
) -> None:
    with pytest.raises(DataError) as exc:
        write_qdpx(corpus, spans, CB, tmp_path / "p.qdpx", users=users)
    assert [str(p) for p in exc.value.problems] == problems
    assert not (tmp_path / "p.qdpx").exists()


def test_write_qdpx_refuses_codes_xml_cannot_carry(tmp_path: Path) -> None:
    codebook = Codebook(
        name="cb",
        variables=(Variable(name="v", level="nominal", categories=(Category("\uffff"),)),),
    )
    with pytest.raises(CodebookError) as exc:
        write_qdpx(Corpus(), [], codebook, tmp_path / "p.qdpx")
    assert _message(exc) == (
        "variables[0].categories[0].code: code '\\uffff' holds '\\uffff' (U+FFFF), which XML "
        "1.0 cannot carry; rename it"
    )


# --------------------------------------------------------------------------------------------
# spans_to_codings

#                 0         1         2         3         4         5
#                 0123456789012345678901234567890123456789012345678901234
SPEECH = Document(id="d1", text="We call for talks. We reject the terms. Sanctions stay.")
SPEECH_CORPUS = Corpus(
    documents=(SPEECH,),
    statements=(
        SPEECH.statement("s1", 0, 18),
        SPEECH.statement("s2", 19, 39),
        SPEECH.statement("s3", 40, 55),
    ),
)
SPEECH_CB = Codebook(
    name="speech",
    variables=(
        Variable(
            name="tone",
            level="nominal",
            categories=(Category("pos"), Category("neg"), Category("neu")),
        ),
        Variable(
            name="topic",
            level="nominal",
            multi_label=True,
            categories=(Category("talks"), Category("terms"), Category("sanctions")),
        ),
    ),
)
# shares of s1 (18 characters), s2 (20) and s3 (15) each span covers
TONE_SPANS = [
    Span("d1", "ann", 0, 12, "tone", "pos"),  # s1 12/18
    Span("d1", "ann", 19, 39, "tone", "neg"),  # s2 20/20
    Span("d1", "ben", 10, 30, "tone", "neg"),  # s1 8/18, s2 11/20
    Span("d1", "ben", 35, 55, "tone", "neu"),  # s2 4/20, s3 15/15
]
TOPIC_SPANS = [
    Span("d1", "ann", 12, 17, "topic", "talks"),  # s1 5/18
    Span("d1", "ann", 20, 38, "topic", "terms"),  # s2 18/20
    Span("d1", "ann", 30, 50, "topic", "sanctions"),  # s2 9/20, s3 10/15
    Span("d1", "ben", 40, 55, "topic", "sanctions"),  # s3 15/15
]


def _rows(**options: object) -> list[tuple[str, str, str, str]]:
    spans = options.pop("spans", TONE_SPANS + TOPIC_SPANS)
    table = spans_to_codings(SPEECH_CORPUS, spans, codebook=SPEECH_CB, **options)
    return sorted(table.data.select("unit", "coder", "variable", "value").rows())


def test_overlap_half() -> None:
    assert _rows() == [
        ("s1", "ann", "tone", "pos"),
        ("s2", "ann", "tone", "neg"),
        ("s2", "ann", "topic", "terms"),
        ("s2", "ben", "tone", "neg"),
        ("s3", "ann", "topic", "sanctions"),
        ("s3", "ben", "tone", "neu"),
        ("s3", "ben", "topic", "sanctions"),
    ]


def test_overlap_lower_threshold_collects_multi_label_codes() -> None:
    assert _rows(threshold=0.4) == [
        ("s1", "ann", "tone", "pos"),
        ("s1", "ben", "tone", "neg"),
        ("s2", "ann", "tone", "neg"),
        ("s2", "ann", "topic", "terms;sanctions"),
        ("s2", "ben", "tone", "neg"),
        ("s3", "ann", "topic", "sanctions"),
        ("s3", "ben", "tone", "neu"),
        ("s3", "ben", "topic", "sanctions"),
    ]


def test_overlap_whole_statement() -> None:
    assert _rows(threshold=1.0) == [
        ("s2", "ann", "tone", "neg"),
        ("s3", "ben", "tone", "neu"),
        ("s3", "ben", "topic", "sanctions"),
    ]


def test_contains() -> None:
    assert _rows(rule="contains") == [
        ("s1", "ann", "tone", "pos"),
        ("s1", "ann", "topic", "talks"),
        ("s2", "ann", "tone", "neg"),
        ("s2", "ann", "topic", "terms"),
        ("s3", "ben", "topic", "sanctions"),
    ]


def test_any() -> None:
    assert _rows(rule="any", spans=TOPIC_SPANS) == [
        ("s1", "ann", "topic", "talks"),
        ("s2", "ann", "topic", "terms;sanctions"),
        ("s3", "ann", "topic", "sanctions"),
        ("s3", "ben", "topic", "sanctions"),
    ]


def test_threshold_compares_exact_shares() -> None:
    doc = Document(id="d", text="x" * 25)
    corpus = Corpus(documents=(doc,), statements=(doc.statement("s", 0, 25),))
    # the span covers 7 of 25 characters, exactly 0.28; but 0.28 * 25 is 7.000000000000001
    assert 0.28 * 25 > 7
    table = spans_to_codings(corpus, [Span("d", "ann", 0, 7, "v", "x")], threshold=0.28)
    assert table.data.select("unit", "value").rows() == [("s", "x")]


def test_without_codebook_every_variable_takes_one_code() -> None:
    table = spans_to_codings(SPEECH_CORPUS, TONE_SPANS)
    assert table.codebook is None
    assert sorted(table.data.select("unit", "coder", "value").rows()) == [
        ("s1", "ann", "pos"),
        ("s2", "ann", "neg"),
        ("s2", "ben", "neg"),
        ("s3", "ben", "neu"),
    ]


def test_two_codes_for_a_single_label_variable() -> None:
    with pytest.raises(DataError) as exc:
        spans_to_codings(SPEECH_CORPUS, TONE_SPANS, rule="any", codebook=SPEECH_CB)
    assert _message(exc) == (
        "statement 's2': coder 'ben' gave 'tone' the codes 'neg', 'neu', but 'tone' takes one "
        "code per statement; fix the spans, change rule= or threshold=, or pass a codebook in "
        "which the variable is multi_label"
    )


def test_every_conflict_is_reported() -> None:
    spans = [*TONE_SPANS, Span("d1", "ann", 0, 5, "tone", "neu")]
    with pytest.raises(DataError) as exc:
        spans_to_codings(SPEECH_CORPUS, spans, rule="any")
    assert [(p.where, p.message[:38]) for p in exc.value.problems] == [
        ("statement 's1'", "coder 'ann' gave 'tone' the codes 'pos"),
        ("statement 's2'", "coder 'ben' gave 'tone' the codes 'neg"),
    ]


def test_spans_outside_the_corpus_or_codebook() -> None:
    spans = [Span("d9", "ann", 0, 3, "tone", "pos"), Span("d1", "ann", 50, 60, "tone", "bad")]
    with pytest.raises(DataError) as exc:
        spans_to_codings(SPEECH_CORPUS, spans, codebook=SPEECH_CB)
    assert [str(p) for p in exc.value.problems] == [
        "spans[0]: document 'd9' is not in the corpus; add it or fix the span",
        "spans[1]: span 50..60 does not lie within document 'd1' (text length 55); fix start "
        "and end (0-based code-point offsets, end exclusive)",
        "spans[1]: unknown code 'bad' for 'tone'",
    ]


@pytest.mark.parametrize(
    ("rule", "threshold", "message"),
    [
        (
            "overlap",
            0.95,
            "no span reaches a statement under rule='overlap' with threshold=0.95; "
            "check that spans and statements refer to the same documents and offsets",
        ),
        (
            "contains",
            0.5,
            "no span reaches a statement under rule='contains'; check that spans "
            "and statements refer to the same documents and offsets",
        ),
    ],
)
def test_no_span_reaches_a_statement(rule: str, threshold: float, message: str) -> None:
    spans = [Span("d1", "ann", 10, 30, "tone", "neg")]
    with pytest.raises(DataError) as exc:
        spans_to_codings(SPEECH_CORPUS, spans, rule=rule, threshold=threshold)
    assert _message(exc) == message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"rule": "largest"},
            "rule='largest' is not valid; use one of 'overlap', 'any', 'contains'",
        ),
        ({"threshold": 0}, "threshold=0 is not valid; use a share in (0, 1], e.g. 0.5"),
        ({"threshold": 1.5}, "threshold=1.5 is not valid; use a share in (0, 1], e.g. 0.5"),
    ],
)
def test_spans_to_codings_option_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        spans_to_codings(SPEECH_CORPUS, TONE_SPANS, **options)


@st.composite
def unitized(draw: st.DrawFn) -> tuple[Corpus, list[Span]]:
    """A document, statements cut from it (they may overlap) and spans on it."""
    length = draw(st.integers(1, 40))
    doc = Document(id="d", text="x" * length)

    def stretch() -> tuple[int, int]:
        start = draw(st.integers(0, length - 1))
        return start, draw(st.integers(start + 1, length))

    statements = tuple(doc.statement(f"s{i}", *stretch()) for i in range(draw(st.integers(1, 5))))
    spans = [
        Span("d", draw(st.sampled_from(["ann", "ben"])), *stretch(), "topic", code)
        for code in draw(st.lists(st.sampled_from(["talks", "terms", "sanctions"]), max_size=8))
    ]
    return Corpus(documents=(doc,), statements=statements), spans


@given(
    unitized(), st.sampled_from(["overlap", "any", "contains"]), st.sampled_from([0.3, 0.5, 1.0])
)
def test_rules_match_their_definitions_on_character_sets(
    case: tuple[Corpus, list[Span]], rule: str, threshold: float
) -> None:
    corpus, spans = case
    expected: dict[tuple[str, str], set[str]] = {}
    for st_ in corpus.statements:
        chars = set(range(st_.start, st_.end))
        for span in spans:
            covered = chars & set(range(span.start, span.end))
            hit = {
                "any": bool(covered),
                "contains": set(range(span.start, span.end)) <= chars,
                "overlap": bool(covered) and len(covered) >= threshold * len(chars) - 1e-9,
            }[rule]
            if hit:
                expected.setdefault((st_.id, span.coder), set()).add(span.code)
    codebook = Codebook(name="c", variables=(SPEECH_CB["topic"],))
    if not expected:
        with pytest.raises(DataError, match=r"^no span reaches a statement"):
            spans_to_codings(corpus, spans, rule=rule, threshold=threshold, codebook=codebook)
        return
    table = spans_to_codings(corpus, spans, rule=rule, threshold=threshold, codebook=codebook)
    got = {
        (u, c): set(v.split(";")) for u, c, v in table.data.select("unit", "coder", "value").rows()
    }
    assert got == expected
