"""Writing REFI-QDA projects (``.qdpx``) that ATLAS.ti, QualCoder and others can import."""

from __future__ import annotations

import codecs
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, Problem
from statecode.io._archive import zip_bytes
from statecode.io._atomic import write_bytes_atomic
from statecode.io.refi._codes import codebook_set, codes_element
from statecode.io.refi._description import DOCUMENT, description_text
from statecode.io.refi._xml import ORIGIN, PROJECT_NS, attribute_problem, derived_guid, xml_text
from statecode.model import Coder, Corpus, Document, Span
from statecode.spans import check_spans

__all__ = ["write_qdpx"]


def _project_coders(spans: Sequence[Span], users: Iterable[Coder] | None) -> tuple[Coder, ...]:
    seen = dict.fromkeys(s.coder for s in spans)
    if users is None:
        return tuple(Coder(c) for c in seen)
    coders = tuple(users)
    ids = [c.id for c in coders]
    problems = [
        Problem(f"users[{i}]", f"duplicate coder id {c.id!r}; list each coder once")
        for i, c in enumerate(coders)
        if c.id in ids[:i]
    ]
    problems += [
        Problem(
            "users",
            f"coder {c!r} of the spans is not among users; add Coder({c!r}) to users, or leave "
            "users out to take the coders from the spans",
        )
        for c in seen
        if c not in ids
    ]
    if problems:
        raise DataError(problems)
    return coders


def _source_bytes(corpus: Corpus, coders: Sequence[Coder], problems: list[Problem]) -> list[bytes]:
    for i, coder in enumerate(coders):
        problems += attribute_problem(f"users[{i}].id", "coder id", coder.id)
    out = []
    for i, doc in enumerate(corpus.documents):
        problems += attribute_problem(f"documents[{i}].id", "document id", doc.id)
        try:
            data = doc.text.encode("utf-8")
        except UnicodeEncodeError as exc:
            msg = (
                f"character {exc.start} of document {doc.id!r} is a lone surrogate, which "
                "UTF-8 cannot encode; fix the text"
            )
            problems.append(Problem(f"documents[{i}].text", msg))
            continue
        # readers drop a leading byte-order mark: one more keeps a text that starts with U+FEFF
        out.append(codecs.BOM_UTF8 + data if doc.text.startswith("\ufeff") else data)
    return out


def _document_fields(doc: Document) -> dict[str, str]:
    fields = {
        "title": doc.title,
        "source": doc.source,
        "event": doc.event,
        "date": doc.date.isoformat() if doc.date is not None else "",
        "language": doc.language,
    }
    return {k: v for k, v in fields.items() if v}


def _text_source(
    doc: Document, spans: Sequence[Span], book: str, user_guids: Mapping[str, str]
) -> ET.Element:
    guid = derived_guid("document", doc.id)
    elem = ET.Element(
        "TextSource", {"guid": guid, "name": doc.id, "plainTextPath": f"internal://{guid}.txt"}
    )
    description = description_text(DOCUMENT, _document_fields(doc))
    if description:
        ET.SubElement(elem, "Description").text = description
    # one selection per coder and stretch: QualCoder takes the coder from the selection
    groups: dict[tuple[int, int, str], list[Span]] = {}
    for span in spans:
        groups.setdefault((span.start, span.end, span.coder), []).append(span)
    rank = {coder: i for i, coder in enumerate(user_guids)}
    for start, end, coder in sorted(groups, key=lambda k: (k[0], k[1], rank[k[2]])):
        user = user_guids[coder]
        sel_guid = derived_guid("selection", doc.id, coder, str(start), str(end))
        sel = ET.SubElement(
            elem,
            "PlainTextSelection",
            {
                "guid": sel_guid,
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
            },
        )
        for k, span in enumerate(groups[start, end, coder]):
            coding = ET.SubElement(
                sel,
                "Coding",
                {"guid": derived_guid("coding", sel_guid, str(k)), "creatingUser": user},
            )
            target = derived_guid("code", book, span.variable, span.code)
            ET.SubElement(coding, "CodeRef", {"targetGUID": target})
    return elem


def write_qdpx(
    corpus: Corpus,
    spans: Iterable[Span],
    codebook: Codebook,
    path: PathLike,
    *,
    users: Iterable[Coder] | None = None,
) -> None:
    """Write a REFI-QDA project (``.qdpx``) that ATLAS.ti, QualCoder and others can import.

    Parameters
    ----------
    corpus : Corpus
        The documents; each becomes a text source (statements are not written).
    spans : iterable of Span
        The span codings; each code must be a category of the codebook.
    codebook : Codebook
        The codebook, written as the project's codes.
    path : str or path
        The archive to write (atomically).
    users : iterable of Coder, optional
        The coders, in order; by default the coders of the spans, in order of appearance.
        Every span's coder must be among them.

    Raises
    ------
    DataError
        Listing every problem: a span of a document not in the corpus, beyond the end of its
        text, or with a code not in the codebook; a span coder missing from ``users``;
        duplicate users; ids that XML 1.0 cannot carry.
    CodebookError
        If a code or the codebook name holds a character XML 1.0 cannot carry.
    InputFileError
        If the file cannot be written.

    Notes
    -----
    The archive holds ``project.qde`` and ``sources/<guid>.txt`` (UTF-8, text as given,
    without BOM unless the text itself begins with U+FEFF, which readers would otherwise drop
    as one). Codes follow the convention of :func:`write_qdc`; each document is a
    ``<TextSource>`` named after its id with title, source, event, date and language in its
    description; spans of one coder over the same stretch share a ``<PlainTextSelection>``
    with one ``<Coding>`` per span, and both name the coder as ``creatingUser``; each coder
    is a ``<User>`` named after the coder id (``Coder.name`` and ``note`` are not written).
    The same input gives the same bytes. :func:`read_qdpx` gives back the documents, the
    codebook and the spans (ordered by document, position and coder).

    QualCoder keeps one code per name across a project, so categories that share a code in
    different variables (``other``, ``none``) are merged there; ATLAS.ti keeps them apart.
    """
    spans = tuple(spans)
    coders = _project_coders(spans, users)
    problems = check_spans(spans, {d.id: d.text for d in corpus.documents}, codebook)
    texts = _source_bytes(corpus, coders, problems)
    if problems:
        raise DataError(problems)
    codes, code_guids = codes_element(codebook)
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": codebook.name, "origin": ORIGIN})
    user_guids = {c.id: derived_guid("user", c.id) for c in coders}
    if coders:
        users_elem = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users_elem, "User", {"guid": user_guids[coder.id], "name": coder.id})
    if codebook.variables:
        ET.SubElement(root, "CodeBook").append(codes)
    by_document: dict[str, list[Span]] = {}
    for span in spans:
        by_document.setdefault(span.document, []).append(span)
    members = []
    if corpus.documents:
        sources = ET.SubElement(root, "Sources")
        for doc, data in zip(corpus.documents, texts, strict=True):
            elem = _text_source(doc, by_document.get(doc.id, []), codebook.name, user_guids)
            sources.append(elem)
            members.append((f"sources/{elem.get('guid')}.txt", data))
    ET.SubElement(root, "Sets").append(codebook_set(codebook, code_guids, "targetGUID"))
    archive = zip_bytes([("project.qde", xml_text(root).encode("utf-8")), *members])
    write_bytes_atomic(Path(path), archive)
