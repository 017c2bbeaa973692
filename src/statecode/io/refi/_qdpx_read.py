"""Reading REFI-QDA projects (``.qdpx``): texts, span codings per coder, codebook, users."""

from __future__ import annotations

import codecs
import datetime as dt
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, Problem, StatecodeWarning
from statecode.io._annotations import Utf16Offsets, unique_labels
from statecode.io._archive import DEFAULT_MAX_BYTES, Archive, open_archive
from statecode.io.refi._codes import Targets, codebook_from_xml, flatten, targets_by_name
from statecode.io.refi._description import DOCUMENT, read_block, split_description
from statecode.io.refi._xml import (
    child_text,
    children,
    expect_root,
    first_child,
    normalise_guid,
    parse_xml,
)
from statecode.model import Coder, Corpus, Document, Span
from statecode.options import OffsetUnit, parse_option

__all__ = ["QdpxProject", "read_qdpx"]


@attrs.frozen
class QdpxProject:
    """What :func:`read_qdpx` reads from a ``.qdpx`` archive.

    Attributes
    ----------
    corpus : Corpus
        One document per text source, without statements.
    spans : tuple of Span
        One span per coding of a text selection, by document, then in file order.
    codebook : Codebook
        The project's codebook, or the one passed to :func:`read_qdpx`.
    users : tuple of Coder
        The project's users, then any coder that codings name but ``<Users>`` does not; every
        span's coder is among their ids.
    """

    corpus: Corpus
    spans: tuple[Span, ...]
    codebook: Codebook
    users: tuple[Coder, ...]


def _read_users(root: ET.Element) -> dict[str, str]:
    users = children(first_child(root, "Users"), "User")
    guids = [normalise_guid(u.get("guid", "")) or f"user {i + 1}" for i, u in enumerate(users)]
    labels = unique_labels([(g, u.get("name", "")) for g, u in zip(guids, users, strict=True)])
    return dict(zip(guids, labels, strict=True))


def _decode(data: bytes, member: str, problems: list[Problem]) -> str | None:
    encoding = (
        "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start}); save the source as UTF-8 and export again"
        problems.append(Problem(f"member {member!r}", msg))
        return None


def _source_member(archive: Archive, path: str) -> zipfile.ZipInfo | None:
    scheme, _, rest = path.partition("://")
    rest = rest.lstrip("/")
    if scheme == "internal":
        return archive.find(f"sources/{rest}", rest)
    if scheme == "relative":
        return archive.find(rest, f"sources/{rest}")
    return None


def _source_text(
    elem: ET.Element, archive: Archive, where: str, problems: list[Problem]
) -> str | None:
    path = elem.get("plainTextPath", "")
    info = _source_member(archive, path) if path else None
    bare = bool(path) and "://" not in path
    if info is None and bare:
        # a path without a scheme (the qualitative-coding program qc writes 'board_2017.txt'
        # for the member sources/board_2017.txt): the member of that name is the text
        info = archive.find(f"sources/{path}", path)
        if info is not None:
            msg = (
                f"{archive.source}: {where}: plainTextPath {path!r} has no internal:// "
                f"scheme; read the archive's member {info.filename!r} as its text"
            )
            warnings.warn(msg, StatecodeWarning, stacklevel=4)
    if info is not None:
        return _decode(archive.read(info), info.filename, problems)
    content = first_child(elem, "PlainTextContent")
    if content is not None:
        # XML readers turn CRLF into LF here; offsets must count the text that way
        return content.text or ""
    if path.startswith("internal://"):
        msg = (
            f"plainTextPath {path!r} names no member of the archive (looked in sources/ and "
            "Sources/); export the project again with its sources"
        )
    elif bare:
        msg = (
            f"plainTextPath {path!r} names no member of the archive (looked for {path!r} and "
            f"'sources/{path}'), and the source has no PlainTextContent either; export the "
            "project again with its sources"
        )
    elif path:
        msg = (
            f"plainTextPath {path!r} points outside the archive, and statecode opens no file a "
            "project names; the source has no PlainTextContent either, so export the project "
            "with the sources inside the .qdpx"
        )
    else:
        msg = "has no plain text (no plainTextPath, no PlainTextContent); export it as text"
    problems.append(Problem(where, msg))
    return None


def _document(elem: ET.Element, doc_id: str, text: str, problems: list[Problem]) -> Document:
    where = f"source {doc_id!r}"
    human, block = split_description(child_text(elem, "Description"))
    fields = read_block(block, DOCUMENT, where, problems) if block is not None else {}
    metadata = {"refi_guid": normalise_guid(elem.get("guid", ""))}
    if human:
        metadata["description"] = human
    date = fields.pop("date", None)
    if date is not None:
        try:
            fields["date"] = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(Problem(where, f"Date {date!r} is not a date; write YYYY-MM-DD"))
    return Document(id=doc_id, text=text, metadata=metadata, **fields)


@attrs.define
class _Reading:
    """What reading a project's sources needs, and the problems found on the way."""

    archive: Archive
    targets: Targets
    users: dict[str, str]
    unit: OffsetUnit
    problems: list[Problem] = attrs.Factory(list)

    def coder(self, guid: str, where: str) -> str | None:
        """The coder id of a user GUID (a GUID that ``<Users>`` lacks stands for itself)."""
        if not guid:
            msg = "neither the Coding nor its selection names a creatingUser; export again"
            self.problems.append(Problem(where, msg))
            return None
        key = normalise_guid(guid)
        return self.users.setdefault(key, key)

    def target(self, coding: ET.Element, where: str) -> tuple[str, str] | None:
        """The (variable, code) a Coding's CodeRef points to."""
        ref = first_child(coding, "CodeRef")
        guid = normalise_guid(ref.get("targetGUID", "")) if ref is not None else ""
        found = self.targets.get(guid) if guid else None
        if isinstance(found, tuple):
            return found
        if found is None:
            found = (
                f"the Coding refers to code {guid!r}, which the CodeBook does not define; "
                "export the project again"
                if guid
                else "a Coding without <CodeRef targetGUID=...>; export the project again"
            )
        self.problems.append(Problem(where, found))
        return None


def _positions(
    sel: ET.Element, text: str, utf16: Utf16Offsets | None, reading: _Reading, where: str
) -> tuple[int, int] | None:
    raw = sel.get("startPosition", ""), sel.get("endPosition", "")
    try:
        start, end = int(raw[0]), int(raw[1])
    except ValueError:
        msg = f"startPosition {raw[0]!r} and endPosition {raw[1]!r} must be whole numbers"
        reading.problems.append(Problem(where, msg))
        return None
    if utf16 is not None:
        first, last = utf16.to_code_points(start), utf16.to_code_points(end)
        if first is None or last is None:
            bad = start if first is None else end
            reading.problems.append(Problem(where, utf16.message(bad)))
            return None
        start, end = first, last
    if not 0 <= start < end <= len(text):
        msg = (
            f"positions {raw[0]}..{raw[1]} are empty or do not lie within the source's text "
            f"({len(text)} code points); positions count code points from 0, end exclusive "
            "(if the program counted UTF-16 code units, read with offsets='utf-16')"
        )
        reading.problems.append(Problem(where, msg))
        return None
    return start, end


def _span(
    coding: ET.Element,
    owner: ET.Element,
    document: str,
    positions: tuple[int, int],
    reading: _Reading,
    where: str,
) -> Span | None:
    guid = coding.get("creatingUser") or owner.get("creatingUser") or ""
    coder = reading.coder(guid, where)
    target = reading.target(coding, where)
    if coder is None or target is None:
        return None
    return Span(document, coder, *positions, *target)


def _source_spans(elem: ET.Element, document: str, text: str, reading: _Reading) -> list[Span]:
    utf16 = Utf16Offsets(text) if reading.unit is OffsetUnit.UTF16 else None
    # a Coding of the source itself codes the whole text
    found = [
        (coding, elem, (0, len(text)), f"source {document!r}")
        for coding in children(elem, "Coding")
    ]
    if found and not text:
        reading.problems.append(Problem(f"source {document!r}", "codes a source without text"))
        found = []
    for sel in children(elem, "PlainTextSelection"):
        where = f"source {document!r}, selection {sel.get('guid', '?')}"
        positions = _positions(sel, text, utf16, reading, where)
        if positions is not None:
            found += [(coding, sel, positions, where) for coding in children(sel, "Coding")]
    spans = [
        _span(coding, owner, document, pos, reading, where) for coding, owner, pos, where in found
    ]
    return [s for s in spans if s is not None]


def _read_sources(root: ET.Element, reading: _Reading) -> tuple[list[Document], list[Span]]:
    elems = children(first_child(root, "Sources"), "TextSource")
    ids = unique_labels(
        [
            (normalise_guid(e.get("guid", "")) or f"source {i + 1}", e.get("name", ""))
            for i, e in enumerate(elems)
        ]
    )
    documents: list[Document] = []
    spans: list[Span] = []
    for elem, doc_id in zip(elems, ids, strict=True):
        text = _source_text(elem, reading.archive, f"source {doc_id!r}", reading.problems)
        if text is not None:
            documents.append(_document(elem, doc_id, text, reading.problems))
            spans += _source_spans(elem, doc_id, text, reading)
    return documents, spans


def read_qdpx(
    path: PathLike,
    *,
    codebook: Codebook | None = None,
    offsets: OffsetUnit | str = OffsetUnit.CODE_POINTS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> QdpxProject:
    """Read a REFI-QDA project (``.qdpx``): texts, span codings per coder, codebook, users.

    Parameters
    ----------
    path : str or path
        The ``.qdpx`` archive.
    codebook : Codebook, optional
        Map the project's codes to this codebook by name instead of reading the project's
        codebook: a code named like a category of the variable its top-level code is named
        after maps to that category, else to the one variable that has such a category.
    offsets : {"code-points", "utf-16"}
        What ``startPosition`` and ``endPosition`` count: code points, as the standard says,
        or UTF-16 code units, as some Windows programs do (converted to code points).
    max_bytes : int
        Refuse the archive once what is read from it unpacks beyond this many bytes.

    Returns
    -------
    QdpxProject
        ``corpus`` (one document per text source), ``spans`` (one per coding of a selection),
        ``codebook`` and ``users``.

    Raises
    ------
    ValueError
        If ``offsets`` or ``max_bytes`` is not valid.
    InputFileError
        If the file cannot be read.
    DataError
        If the archive is hostile (members outside the archive, unpacking beyond
        ``max_bytes`` or expanding more than 100-fold, XML with a document type declaration),
        or lists every problem with the sources, selections and codings: texts that are not
        in the archive, positions outside the text, codings of unknown codes or of variables.
    CodebookError
        If the project's codebook is not a valid codebook.

    Notes
    -----
    Documents are the ``<TextSource>`` elements (other sources are skipped). A document's id
    is the source's name, or ``name (guid)`` when several sources share a name, or the GUID
    for a source without one; ``metadata`` holds the GUID (``refi_guid``) and a description
    from another program (``description``). The text is the archive's plain-text file named
    by ``plainTextPath``: ``internal://`` paths are looked up under ``sources/`` or
    ``Sources/``, ``relative://`` paths inside the archive; files outside the archive are
    never opened, so such a source needs its ``<PlainTextContent>`` (whose line endings XML
    has turned into LF). A UTF-8 BOM is dropped, UTF-16 files with a BOM are decoded, and
    the text is otherwise kept exactly as stored, CRLF included, so offsets line up with it.

    Each ``<Coding>`` of a ``<PlainTextSelection>`` gives one span; a Coding of the source
    itself spans the whole text; selections without codings are skipped. The coder is the
    Coding's ``creatingUser``, else the selection's, as the user's name (``name (guid)`` when
    names are shared), or the GUID when ``<Users>`` lacks it. GUIDs are compared in lower
    case without braces.

    Positions are code points into the text, end exclusive. A program that counts UTF-16 code
    units gives larger numbers after any character outside the Basic Multilingual Plane
    (most emoji): read its files with ``offsets="utf-16"``. Programs that count a CRLF as one
    character cannot be read exactly; compare the selected text with the program's export.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from statecode import Category, Codebook, Corpus, Document, Span, Variable, write_qdpx
    >>> cb = Codebook(name="demo", variables=(
    ...     Variable(name="tone", level="nominal", categories=(Category("neg"), Category("pos"))),
    ... ))
    >>> corpus = Corpus(documents=(Document(id="d1", text="We reject the terms."),))
    >>> spans = [Span("d1", "ann", 0, 19, "tone", "neg")]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "demo.qdpx"
    ...     write_qdpx(corpus, spans, cb, path)
    ...     project = read_qdpx(path)
    >>> project.spans == tuple(spans), project.codebook == cb
    (True, True)
    >>> project.corpus.documents[0].text
    'We reject the terms.'
    """
    unit = parse_option(OffsetUnit, offsets, "offsets")
    file = Path(path)
    with open_archive(file, max_bytes) as archive:
        member = archive.project()
        where = f"member {member.filename!r}"
        root = parse_xml(archive.read(member), str(file), where)
        expect_root(root, "Project", str(file), where)
        flat = flatten(first_child(first_child(root, "CodeBook"), "Codes"), str(file), where)
        if codebook is not None:
            book, targets = codebook, targets_by_name(flat, codebook)
        else:
            name = root.get("name", "").strip() or file.stem
            book, targets = codebook_from_xml(root, flat, name, str(file))
        reading = _Reading(archive, targets, _read_users(root), unit)
        documents, spans = _read_sources(root, reading)
    if reading.problems:
        raise DataError(reading.problems, source=str(file))
    users = tuple(Coder(c) for c in dict.fromkeys(reading.users.values()))
    return QdpxProject(Corpus(documents=documents), tuple(spans), book, users)
