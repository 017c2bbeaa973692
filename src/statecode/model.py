"""The typed model of coded discourse: documents, statements, coders, codings.

Value objects only (frozen attrs classes): no I/O and no statistics. A :class:`Corpus` holds
documents and the statements cut from them and checks that every statement's character span
lies inside its document and reproduces its text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from statecode._typing import Value
from statecode.exceptions import DataError

__all__ = ["Coder", "Coding", "Corpus", "Document", "Span", "Statement"]


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _nonempty_id(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name} must be a non-empty string, got {value!r}"
        raise DataError(msg)


@attrs.frozen
class Document:
    """A document: one account of an event, e.g. one government's readout of a call.

    Parameters
    ----------
    id : str
        Unique id within the corpus.
    text : str
        The full text. Statement spans index into it by code point.
    title : str
        Title as published.
    source : str
        Who issued the account (the actor), e.g. ``"Kremlin"``.
    event : str
        Id of the event the document gives an account of, e.g. ``"call-2025-03-18"``.
    date : datetime.date or None
        Date of issue.
    language : str
        Language tag, e.g. ``"en"``.
    metadata : mapping
        Free metadata (read-only mapping).
    """

    id: str = attrs.field(validator=_nonempty_id)
    text: str = ""
    title: str = ""
    source: str = ""
    event: str = ""
    date: dt.date | None = None
    language: str = ""
    metadata: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_mapping, eq=False, hash=False
    )

    def statement(self, id: str, start: int, end: int) -> Statement:
        """Cut the statement ``text[start:end]`` out of this document.

        Raises
        ------
        DataError
            If the span does not lie within the document.
        """
        _check_span(self, id, start, end)
        return Statement(
            id=id, document_id=self.id, start=start, end=end, text=self.text[start:end]
        )


@attrs.frozen
class Statement:
    """A statement: the unit of coding, a character span of one document.

    Parameters
    ----------
    id : str
        Unique id within the corpus; the ``unit`` of codings.
    document_id : str
        Id of the document the statement is cut from.
    start, end : int
        Code-point offsets into the document text, ``0 <= start < end <= len(text)``.
    text : str
        The statement's text, equal to ``document.text[start:end]``.
    """

    id: str = attrs.field(validator=_nonempty_id)
    document_id: str = attrs.field(validator=_nonempty_id)
    start: int = attrs.field(validator=attrs.validators.instance_of(int))
    end: int = attrs.field(validator=attrs.validators.instance_of(int))
    text: str = ""

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            msg = (
                f"statement {self.id!r}: span {self.start}..{self.end} is empty or negative; "
                "start must be >= 0 and less than end"
            )
            raise DataError(msg)


@attrs.frozen
class Coder:
    """A coder (annotator): an id and optional name and note."""

    id: str = attrs.field(validator=_nonempty_id)
    name: str = ""
    note: str = ""


def _check_value(_inst: object, _attribute: attrs.Attribute[Value], value: Value) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | frozenset):
        msg = (
            f"a coded value must be a code (str), a number or a frozenset of codes, "
            f"got {value!r} ({type(value).__name__})"
        )
        raise DataError(msg)
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"a coded value must be finite, got {value!r}; leave the cell empty for missing"
        raise DataError(msg)
    if isinstance(value, frozenset) and not all(isinstance(v, str) for v in value):
        msg = f"a set of codes must hold strings only, got {sorted(map(repr, value))}"
        raise DataError(msg)


def _to_value(value: Value | set[str] | list[str] | tuple[str, ...]) -> Value:
    if isinstance(value, set | list | tuple):
        return frozenset(value)
    return value


@attrs.frozen
class Coding:
    """One coder's value for one unit on one variable.

    Parameters
    ----------
    unit : str
        Id of the coded unit (usually a :class:`Statement` id).
    coder : str
        Id of the coder.
    variable : str
        Name of the codebook variable.
    value : str, int, float or frozenset of str
        A single code, a number, or a set of codes for multi-label variables (lists, tuples
        and sets are converted to a frozenset).
    """

    unit: str = attrs.field(validator=_nonempty_id)
    coder: str = attrs.field(validator=_nonempty_id)
    variable: str = attrs.field(validator=_nonempty_id)
    value: Value = attrs.field(converter=_to_value, validator=_check_value)


@attrs.frozen
class Span:
    """A coder's span coding: a code attached to a stretch of a document's text.

    This is what QDA programs (a REFI-QDA selection with its codings) and annotation tools
    (Label Studio ``labels``, doccano spans) record: the coder marks the text, so the units
    themselves may differ between coders.

    Parameters
    ----------
    document : str
        Id of the document.
    coder : str
        Id of the coder who marked and coded the span.
    start, end : int
        Code-point offsets into the document text, ``0 <= start < end``; end exclusive.
    variable : str
        The codebook variable the code belongs to.
    code : str
        The category code.
    """

    document: str = attrs.field(validator=_nonempty_id)
    coder: str = attrs.field(validator=_nonempty_id)
    start: int = attrs.field(validator=attrs.validators.instance_of(int))
    end: int = attrs.field(validator=attrs.validators.instance_of(int))
    variable: str = attrs.field(validator=_nonempty_id)
    code: str = attrs.field(validator=_nonempty_id)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            msg = (
                f"span {self.start}..{self.end} of document {self.document!r} (coder "
                f"{self.coder!r}) is empty or negative; start must be >= 0 and less than end"
            )
            raise DataError(msg)


def _check_span(doc: Document, statement_id: str, start: int, end: int) -> None:
    if not 0 <= start < end <= len(doc.text):
        msg = (
            f"statement {statement_id!r}: span {start}..{end} does not lie within document "
            f"{doc.id!r} (text length {len(doc.text)}); fix start and end "
            "(0-based code-point offsets, end exclusive)"
        )
        raise DataError(msg)


@attrs.frozen
class Corpus:
    """Documents and the statements cut from them, checked against each other.

    Raises
    ------
    DataError
        On duplicate document or statement ids, a statement of an unknown document, a span
        outside its document, or a statement text that differs from its span.

    Examples
    --------
    >>> doc = Document(id="d1", text="We call for talks. We reject the terms.")
    >>> corpus = Corpus(documents=(doc,), statements=(doc.statement("s1", 0, 18),))
    >>> corpus.statements[0].text
    'We call for talks.'
    """

    documents: tuple[Document, ...] = attrs.field(default=(), converter=tuple[Document, ...])
    statements: tuple[Statement, ...] = attrs.field(default=(), converter=tuple[Statement, ...])

    def __repr__(self) -> str:
        return f"<Corpus: {len(self.documents)} documents, {len(self.statements)} statements>"

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    def __attrs_post_init__(self) -> None:
        docs: dict[str, Document] = {}
        for doc in self.documents:
            if doc.id in docs:
                msg = f"duplicate document id {doc.id!r}; document ids must be unique"
                raise DataError(msg)
            docs[doc.id] = doc
        seen: set[str] = set()
        for st in self.statements:
            if st.id in seen:
                msg = f"duplicate statement id {st.id!r}; statement ids must be unique"
                raise DataError(msg)
            seen.add(st.id)
            owner = docs.get(st.document_id)
            if owner is None:
                msg = (
                    f"statement {st.id!r} belongs to document {st.document_id!r}, "
                    "which is not in the corpus; add the document or fix document_id"
                )
                raise DataError(msg)
            _check_span(owner, st.id, st.start, st.end)
            if st.text != owner.text[st.start : st.end]:
                msg = (
                    f"statement {st.id!r}: text {st.text!r} differs from span "
                    f"{st.start}..{st.end} of document {owner.id!r} "
                    f"({owner.text[st.start : st.end]!r}); fix the offsets or the text"
                )
                raise DataError(msg)

    def document(self, id: str) -> Document:
        """Return the document with this id (``KeyError`` if absent)."""
        for doc in self.documents:
            if doc.id == id:
                return doc
        msg = f"no document {id!r} in the corpus"
        raise KeyError(msg)

    def statements_of(self, document_id: str) -> tuple[Statement, ...]:
        """Return the statements of one document, in corpus order."""
        return tuple(s for s in self.statements if s.document_id == document_id)

    @classmethod
    def from_documents(cls, documents: Iterable[Document]) -> Corpus:
        """Build a corpus of documents without statements."""
        return cls(documents=tuple(documents))
