"""INCEpTION and WebAnno annotations: WebAnno TSV 3 files and whole project exports."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, OptionError, Problem
from statecode.io._annotations import frozen_rosters, rosters
from statecode.io._archive import DEFAULT_MAX_BYTES, Archive, open_archive
from statecode.io._layers import add_spans, loose_names, make_choice
from statecode.io._span_build import SpanBuilder
from statecode.io._webanno import Parsed, document_text, parse_tsv
from statecode.model import Corpus, Document, Span
from statecode.options import Curation, OffsetUnit, parse_option

__all__ = ["WebAnnoImport", "read_webanno"]

#: The user name INCEpTION and WebAnno give the curated annotations.
CURATION_USER = "CURATION_USER"
_MEMBER = re.compile(r"(annotation|annotation_ser|curation)/([^/]+)/([^/]+)\.([^./]+)")


@attrs.frozen
class WebAnnoImport:
    """What :func:`read_webanno` read: spans of one layer, the texts, who annotated what.

    Attributes
    ----------
    spans : tuple of Span
        One span per annotation of the chosen layer, by document and coder, in text order.
    corpus : Corpus
        One document per annotated document.
    layer : str
        The full name of the layer read (``webanno.custom.Span``).
    feature : str or None
        The feature whose values are the codes (None: the layer has none).
    sources : tuple of str
        The files (or archive members) read, in order.
    unitizers : mapping of str to tuple of str
        For every document, the users whose annotation files were read, in reading order.
        Pass it as ``unitizing_alpha(spans, coders=unitizers, continua=corpus)``: a user
        whose file has no annotation of the layer left the document void.
    """

    spans: tuple[Span, ...]
    corpus: Corpus
    layer: str
    feature: str | None
    sources: tuple[str, ...]
    unitizers: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_rosters)


@attrs.frozen
class _File:
    document: str
    coder: str
    parsed: Parsed


def read_webanno(
    path: PathLike | Sequence[PathLike],
    *,
    layer: str | None = None,
    feature: str | None = None,
    variable: str | None = None,
    unlabelled: str | None = None,
    coder: str | None = None,
    document: str | None = None,
    curation: Curation | str = Curation.EXCLUDE,
    codebook: Codebook | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> WebAnnoImport:
    r"""Read INCEpTION or WebAnno annotations: WebAnno TSV 3 files or a project export.

    Parameters
    ----------
    path : str or path, or a sequence of them
        A ``.tsv`` file (WebAnno TSV 3.x: one document, one annotator), several, a folder
        (every ``.tsv`` file in it and below it), or a whole project exported by INCEpTION
        or WebAnno (a ``.zip``).
    layer : str, optional
        The span layer whose annotations are the codes, by full name
        (``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity``) or short name
        (``NamedEntity``). Needed when the files declare several span layers.
    feature : str, optional
        The layer's feature whose values are the codes (``value``). Needed when the layer
        has several features; a layer without features gives no values (see
        ``unlabelled``).
    variable : str, optional
        The variable the codes belong to; by default the feature's name (or the layer's
        short name for a layer without features).
    unlabelled : str, optional
        The code of annotations without a value (``*`` in the file). By default such an
        annotation is an error.
    coder : str, optional
        Who annotated a file read on its own. Files inside a project export (and unpacked
        ones at ``annotation/<document>/<user>.tsv``) name their user themselves.
    document : str, optional
        The document id of a file read on its own (default: the file name without
        ``.tsv``).
    curation : {'exclude', 'include', 'only'}
        Whether to read a project's curated annotations (``curation/<document>/
        CURATION_USER.tsv``), as the coder ``CURATION_USER``: not at all, as well as the
        annotators' annotations, or instead of them.
    codebook : Codebook, optional
        Check the codes against ``codebook[variable]``.
    max_bytes : int
        Refuse a project export once it unpacks beyond this many bytes.

    Returns
    -------
    WebAnnoImport
        The spans, the corpus, the layer and feature read, the files and who annotated what.

    Raises
    ------
    OptionError
        If ``layer`` or ``feature`` names nothing in the files (the message lists what they
        hold), a file read on its own has no ``coder``, or ``max_bytes`` is not positive.
    InputFileError
        If a file cannot be read.
    DataError
        Listing every problem, each with its file (or archive member) and line: a file that
        is not WebAnno TSV 3 (TSV 1 and 2 are refused with the reason), token lines that do
        not fit the header, offsets that do not hold the token's text, annotations without
        a value (unless ``unlabelled``), zero-width annotations, unknown codes, the same
        annotation twice; for a project, users whose annotations are only in INCEpTION's
        Java-serialised ``.ser`` files (the export's annotation format was not TSV).

    Notes
    -----
    **Offsets** in WebAnno TSV count UTF-16 code units (INCEpTION is a Java program): an
    emoji counts 2. They are converted to code points. **The text** of a document is its
    source text in a project export when every token fits it, else the text rebuilt from
    the sentences as INCEpTION rebuilds it: the TSV does not record what lies between two
    sentences, so a line break follows each sentence and a longer gap is filled with
    spaces (offsets stay exact; nothing follows the last sentence).

    **Annotations**: lines joined by the same ``[n]`` form one annotation from the first
    token's begin to the last one's end; stacked annotations (``A|B``) are separate;
    sub-token lines (``1-3.1``) give sub-token annotations. A value is unescaped (``\|`` is
    ``|``). Chain and relation layers link annotations and are not read as codes.

    **The coder** of a project's file ``annotation/<document>/<user>.tsv`` is the user; the
    document is ``<document>``. A project exported with another annotation format (for
    example the "text" format, which holds no annotations) keeps each user's annotations
    only in ``annotation_ser/<document>/<user>.ser``, a Java-serialised CAS that only
    INCEpTION reads: such a project is refused with that reason; export it again choosing
    WebAnno TSV 3 (INCEpTION: Project settings, Export, format). The export is read within
    the same limits as a ``.qdpx`` project: no member outside the archive, no zip bomb,
    ``max_bytes``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tsv = (
    ...     "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Claim|stance\n\n\n"
    ...     "#Text=We reject \U0001F6AB the terms\n"
    ...     "1-1\t0-2\tWe\t_\t\n1-2\t3-9\treject\t_\t\n1-3\t10-12\t\U0001F6AB\t_\t\n"
    ...     "1-4\t13-16\tthe\toppose[1]\t\n1-5\t17-22\tterms\toppose[1]\t\n"
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "call.tsv"
    ...     _ = path.write_text(tsv, encoding="utf-8")
    ...     result = read_webanno(path, coder="alice")
    >>> span = result.spans[0]
    >>> span.code, span.start, span.end  # UTF-16 13-22 are code points 12-21
    ('oppose', 12, 21)
    >>> result.corpus.documents[0].text[span.start : span.end]
    'the terms'

    References
    ----------
    INCEpTION user guide, "WebAnno TSV 3.3 File format",
    https://inception-project.github.io/releases/latest/docs/user-guide.html#sect_webannotsv

    INCEpTION user guide, "Exporting projects",
    https://inception-project.github.io/releases/latest/docs/user-guide.html#sect_projects_export
    """
    curated = parse_option(Curation, curation, "curation")
    if max_bytes < 1:
        msg = f"max_bytes={max_bytes!r} is not valid; use a positive number of bytes"
        raise OptionError(msg, option="max_bytes")
    paths = [Path(path)] if isinstance(path, str | os.PathLike) else [Path(p) for p in path]
    zips = [p for p in paths if p.suffix.lower() == ".zip"]
    problems: list[Problem] = []
    source: str | None
    if zips:
        if len(paths) != 1 or coder is not None or document is not None:
            msg = (
                "a project export names its documents and users itself: pass the one .zip "
                "alone, without coder= or document="
            )
            raise OptionError(msg, option="coder" if coder else "path")
        source = str(zips[0])
        files, texts, sources = _read_project(zips[0], layer, feature, max_bytes, curated)
    else:
        if curated is not Curation.EXCLUDE:
            msg = "curation= is for project exports (.zip), which hold the curated annotations"
            raise OptionError(msg, option="curation")
        files, sources = _read_loose(paths, layer, feature, coder, document, problems)
        texts = {}
        source = str(paths[0]) if len(paths) == 1 else None
    if problems:
        raise DataError(problems, source=source)
    if not files:
        msg = "no annotation file (.tsv) to read; check the path"
        raise InputFileError(f"{source}: {msg}" if source else msg)
    first = files[0].parsed
    choice = make_choice(first.layer, first.feature, variable, unlabelled, codebook)
    builder = SpanBuilder(OffsetUnit.UTF16, codebook=codebook, problems=problems)
    documents: dict[str, Document] = {}
    by_document: dict[str, list[_File]] = {}
    for item in files:
        by_document.setdefault(item.document, []).append(item)
    for doc_id, items in by_document.items():
        _same_layer(items, first, problems)
        text = document_text([i.parsed for i in items], texts.get(doc_id), problems)
        if text is None:
            continue
        documents[doc_id] = Document(id=doc_id, text=text)
        for item in items:
            add_spans(
                builder,
                item.parsed.annotations,
                document=doc_id,
                text=text,
                coder=item.coder,
                choice=choice,
            )
    if problems:
        raise DataError(problems, source=source)
    return WebAnnoImport(
        spans=tuple(builder.spans),
        corpus=Corpus(documents=tuple(documents.values())),
        layer=first.layer,
        feature=first.feature,
        sources=tuple(sources),
        unitizers=rosters(documents, ((f.document, f.coder) for f in files)),
    )


def _same_layer(items: Sequence[_File], first: Parsed, problems: list[Problem]) -> None:
    for item in items:
        if (item.parsed.layer, item.parsed.feature) != (first.layer, first.feature):
            msg = (
                f"layer= and feature= name {item.parsed.layer!r}, {item.parsed.feature!r} here "
                f"but {first.layer!r}, {first.feature!r} in {first.label or 'the first file'}; "
                "give the full layer name"
            )
            problems.append(Problem(item.parsed.label, msg))


def _tsv_files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".tsv")
            if not inside:
                msg = f"{path}: no .tsv file in this folder; export the documents as WebAnno TSV"
                raise InputFileError(msg)
            found += inside
        elif not path.is_file():
            msg = f"{path}: no such file; check the path"
            raise InputFileError(msg)
        else:
            found.append(path)
    return found


def _read_loose(
    paths: Sequence[Path],
    layer: str | None,
    feature: str | None,
    coder: str | None,
    document: str | None,
    problems: list[Problem],
) -> tuple[list[_File], list[str]]:
    files = _tsv_files(paths)
    out: list[_File] = []
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        label = "" if len(files) == 1 else str(file)
        doc, who = loose_names(file, coder, document, "coder='NAME'")
        first = seen.get((doc, who))
        if first is not None:
            msg = (
                f"a second file of document {doc!r} by {who!r} (the first is {first}); pass "
                "each file once"
            )
            problems.append(Problem(str(file), msg))
            continue
        seen[doc, who] = str(file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            msg = f"{file}: cannot read the file ({exc.strerror})"
            raise InputFileError(msg) from exc
        parsed = _parse(data, label, layer, feature, problems)
        if parsed is not None:
            out.append(_File(doc, who, parsed))
    return out, [str(f) for f in files]


def _parse(
    data: bytes, label: str, layer: str | None, feature: str | None, problems: list[Problem]
) -> Parsed | None:
    try:
        parsed, found = parse_tsv(data, label, layer, feature)
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(found)
    return parsed


def _read_project(
    file: Path, layer: str | None, feature: str | None, max_bytes: int, curation: Curation
) -> tuple[list[_File], dict[str, str], list[str]]:
    problems: list[Problem] = []
    with open_archive(
        file,
        max_bytes,
        kind="an INCEpTION or WebAnno project export",
        remedy="export the project again from INCEpTION",
        member_remedy="export the project again from INCEpTION",
    ) as archive:
        members: dict[tuple[str, str, str], list[str]] = {}
        for info in archive.files():
            match = _MEMBER.fullmatch(info.filename)
            if match is not None:
                kind, doc, user, _ = match.groups()
                members.setdefault((kind, doc, user), []).append(info.filename)
        files, sources = _project_files(archive, members, layer, feature, curation, problems)
        texts = _source_texts(archive, {f.document for f in files})
    if problems:
        raise DataError(problems, source=str(file))
    return files, texts, sources


def _project_files(
    archive: Archive,
    members: Mapping[tuple[str, str, str], list[str]],
    layer: str | None,
    feature: str | None,
    curation: Curation,
    problems: list[Problem],
) -> tuple[list[_File], list[str]]:
    users = sorted(
        {(doc, user) for kind, doc, user in members if kind.startswith("annotation")}
        - {(doc, "INITIAL_CAS") for _, doc, _ in members}
    )
    curated = sorted((k, d, u) for k, d, u in members if k == "curation" and u == CURATION_USER)
    wanted = [] if curation is Curation.ONLY else [("annotation", doc, user) for doc, user in users]
    if curation is not Curation.EXCLUDE:
        wanted += curated
    files: list[_File] = []
    sources: list[str] = []
    for kind, doc, user in wanted:
        names = members.get((kind, doc, user), [])
        tsv = next((n for n in names if n.lower().endswith(".tsv")), None)
        if tsv is None:
            problems.append(_unreadable(kind, doc, user, names, members, curated, curation))
            continue
        info = archive.find(tsv)
        if info is None:  # pragma: no cover - listed above
            continue
        parsed = _parse(archive.read(info), f"member {tsv!r}", layer, feature, problems)
        sources.append(tsv)
        if parsed is not None:
            files.append(_File(doc, user, parsed))
    if not wanted and not problems:
        msg = (
            "the export holds no annotation/<document>/<user> files; is this an INCEpTION or "
            "WebAnno project export?"
        )
        problems.append(Problem("", msg))
    return files, sources


def _unreadable(
    kind: str,
    doc: str,
    user: str,
    names: Sequence[str],
    members: Mapping[tuple[str, str, str], list[str]],
    curated: Sequence[tuple[str, str, str]],
    curation: Curation,
) -> Problem:
    ser = members.get((f"{kind}_ser", doc, user), [])
    where = f"member {(names or ser)[0]!r}" if names or ser else ""
    if names:
        held = (
            f"as {names[0].rpartition('.')[2]!r} only (an export format without annotations, "
            "or one statecode does not read)"
        )
    else:
        held = "in no exported format"
    rest = (
        f"otherwise only in {ser[0]!r}, a Java-serialised CAS that only INCEpTION reads"
        if ser
        else "there is nothing else to read"
    )
    msg = (
        f"{user}'s annotations of {doc!r} are in the export {held}; {rest}; export the "
        "project again with WebAnno TSV 3 as the annotation format"
    )
    if curated and curation is Curation.EXCLUDE:
        msg += (
            " (the curated annotations are readable: pass curation='only', on the command "
            "line --curation only)"
        )
    return Problem(where, msg)


def _source_texts(archive: Archive, documents: set[str]) -> dict[str, str]:
    """The project's source files that are UTF-8 text, by document name."""
    texts: dict[str, str] = {}
    for doc in sorted(documents):
        info = archive.find(f"source/{doc}")
        if info is None:
            continue
        try:
            texts[doc] = archive.read(info).decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # not a text source (PDF, DOCX, ...): the text is rebuilt from the TSV
    return texts
