"""The model of documents, statements, coders and codings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statecode import Coder, Coding, Corpus, DataError, Document, Span, Statement

TEXT = "We seek a lasting peace. Aid must stop first. Prisoners will be exchanged."


def _doc() -> Document:
    return Document(
        id="kremlin",
        text=TEXT,
        title="Readout",
        source="Kremlin",
        event="call-1",
        date=dt.date(2025, 3, 18),
        language="en",
        metadata={"url": "https://example.org"},
    )


def test_document_statement_cuts_the_span() -> None:
    st_ = _doc().statement("s2", 25, 45)
    assert st_ == Statement(
        id="s2", document_id="kremlin", start=25, end=45, text="Aid must stop first."
    )


def test_metadata_is_read_only() -> None:
    doc = _doc()
    with pytest.raises(TypeError):
        doc.metadata["url"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(("start", "end"), [(0, 999), (70, 80)])
def test_span_outside_document_is_refused(start: int, end: int) -> None:
    with pytest.raises(
        DataError,
        match=rf"statement 's9': span {start}..{end} does not lie within document 'kremlin' "
        rf"\(text length {len(TEXT)}\); fix start and end",
    ):
        _doc().statement("s9", start, end)


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 3), (6, 2)])
def test_empty_or_negative_span_is_refused(start: int, end: int) -> None:
    with pytest.raises(DataError, match=rf"span {start}..{end} is empty or negative"):
        Statement(id="s", document_id="d", start=start, end=end)


def test_corpus_checks_statement_text_against_document() -> None:
    doc = _doc()
    bad = Statement(id="s1", document_id="kremlin", start=0, end=4, text="They")
    with pytest.raises(
        DataError, match=r"text 'They' differs from span 0..4 of document 'kremlin' \('We s'\)"
    ):
        Corpus(documents=(doc,), statements=(bad,))


def test_corpus_refuses_unknown_document_and_duplicates() -> None:
    doc = _doc()
    orphan = Statement(id="s1", document_id="nope", start=0, end=2, text="We")
    with pytest.raises(DataError, match=r"document 'nope', which is not in the corpus"):
        Corpus(documents=(doc,), statements=(orphan,))
    with pytest.raises(DataError, match=r"duplicate document id 'kremlin'"):
        Corpus(documents=(doc, doc))
    s = doc.statement("s1", 0, 2)
    with pytest.raises(DataError, match=r"duplicate statement id 's1'"):
        Corpus(documents=(doc,), statements=(s, s))


def test_corpus_lookups() -> None:
    doc = _doc()
    corpus = Corpus(
        documents=(doc,), statements=(doc.statement("a", 0, 24), doc.statement("b", 25, 45))
    )
    assert corpus.document("kremlin") is doc
    assert [s.id for s in corpus.statements_of("kremlin")] == ["a", "b"]
    with pytest.raises(KeyError):
        corpus.document("x")


@given(st.text(min_size=1, max_size=50), st.data())
def test_any_valid_span_reproduces_its_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = Document(id="d", text=text)
    statement = doc.statement("s", start, end)
    corpus = Corpus(documents=(doc,), statements=(statement,))
    assert corpus.statements[0].text == text[start:end]


def test_coding_values() -> None:
    assert Coding("s1", "ann", "precondition", ["a", "b"]).value == frozenset({"a", "b"})
    assert Coding("s1", "ann", "tone", 2).value == 2
    assert Coding("s1", "ann", "blame", "nato").value == "nato"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, r"a coded value must be a code \(str\), a number or a frozenset of codes, got True"),
        (None, r"got None \(NoneType\)"),
        (float("nan"), r"a coded value must be finite, got nan; leave the cell empty"),
        (frozenset({1}), r"a set of codes must hold strings only"),
    ],
)
def test_coding_refuses_bad_values(value: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        Coding("s1", "ann", "v", value)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["unit", "coder", "variable"])
def test_coding_needs_ids(field: str) -> None:
    kwargs = {"unit": "s1", "coder": "ann", "variable": "v", "value": "a", field: " "}
    with pytest.raises(DataError, match=rf"{field} must be a non-empty string, got ' '"):
        Coding(**kwargs)


def test_coder() -> None:
    assert Coder("ann", name="Ann").name == "Ann"
    with pytest.raises(DataError):
        Coder("")


def test_span() -> None:
    span = Span(document="d", coder="ann", start=3, end=9, variable="blame", code="nato")
    assert (span.start, span.end, span.code) == (3, 9, "nato")
    with pytest.raises(DataError, match=r"span 9..3 of document 'd' \(coder 'ann'\) is empty"):
        Span(document="d", coder="ann", start=9, end=3, variable="blame", code="nato")
