"""QualCoder projects (``data.qda``, SQLite): text sources and the coders' coded segments."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, Problem
from statecode.io._annotations import (
    check_option_variable,
    frozen_counts,
    frozen_rosters,
    unique_labels,
)
from statecode.io._span_build import SpanBuilder
from statecode.io._sqlite import check_schema, is_integer, open_database, query, shown
from statecode.model import Coder, Corpus, Document, Span
from statecode.options import OffsetUnit, parse_option

__all__ = ["QualCoderImport", "read_qualcoder"]

_SCHEMA = {
    "source": ("id", "name", "fulltext"),
    "code_name": ("cid", "name", "catid"),
    "code_cat": ("catid", "name", "supercatid"),
    "code_text": ("cid", "fid", "seltext", "pos0", "pos1", "owner"),
}
_NOT_QUALCODER = (
    "not a QualCoder project (the tables source, code_name, code_cat and code_text are not "
    "all there); pass the project's data.qda, or the .qda folder that holds it"
)
_DAMAGED = "the project is damaged: open it in QualCoder to check"
# QualCoder keeps categories in a tree; deeper trees are damaged or hostile
_MAX_DEPTH = 100


@attrs.frozen
class QualCoderImport:
    """What :func:`read_qualcoder` read from a QualCoder project.

    Attributes
    ----------
    spans : tuple of Span
        One span per coded text segment (``code_text``), of ``variable``, with the code's
        name as the code, by source and position.
    corpus : Corpus
        One document per text source (id: the source's name).
    coders : tuple of Coder
        The coders who coded a segment, in order of their first segment.
    categories : mapping of str to tuple of str
        For every code, the path of categories it sits in, outermost first (empty for a
        code outside any category), to build a codebook from.
    skipped : mapping of str to int
        What holds no text codes, by kind and count: ``media source`` (images, audio and
        video, which have no text).
    source : str
        The ``data.qda`` file.
    """

    spans: tuple[Span, ...]
    corpus: Corpus
    coders: tuple[Coder, ...]
    categories: Mapping[str, tuple[str, ...]] = attrs.field(converter=frozen_rosters)
    skipped: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts)
    source: str = ""


def _database(path: PathLike) -> Path:
    file = Path(path)
    if file.is_dir():
        file = file / "data.qda"
        if not file.is_file():
            msg = f"{file.parent}: no data.qda in this folder; pass a QualCoder project folder"
            raise InputFileError(msg)
    return file


def _category_paths(
    categories: Mapping[int, tuple[str, int | None]], problems: list[Problem]
) -> dict[int, tuple[str, ...]]:
    paths: dict[int, tuple[str, ...]] = {}
    for catid in categories:
        path: list[str] = []
        current: int | None = catid
        while current is not None and current in categories and len(path) <= _MAX_DEPTH:
            name, parent = categories[current]
            path.insert(0, name)
            current = parent
        if len(path) > _MAX_DEPTH:
            msg = "the category tree is deeper than 100 levels or loops; repair the project"
            problems.append(Problem(f"table code_cat, catid {catid}", msg))
        paths[catid] = tuple(path)
    return paths


def _checked(
    rows: list[tuple[Any, ...]],
    table: str,
    ids: tuple[str, ...],
    parents: tuple[str, ...],
    names: tuple[str, ...],
    problems: list[Problem],
) -> list[tuple[Any, ...]]:
    """The rows (without their rowid) whose ids are integers and names text; a problem each.

    Each row is ``(rowid, *ids, *names, *parents, ...)``, as the queries select them;
    ``parents`` are ids that may be NULL (a code or category outside any category).
    """
    columns = (*ids, *names, *parents)
    kept: list[tuple[Any, ...]] = []
    for rowid, *cells in rows:
        where = f"table {table}, row {rowid}"
        found: list[Problem] = []
        for column, value in zip(columns, cells, strict=False):
            if column in names:
                if not isinstance(value, str) or not value.strip():
                    msg = f"column {column} holds {shown(value)}, not a name; {_DAMAGED}"
                    found.append(Problem(where, msg))
            elif value is None and column in parents:
                continue
            elif not is_integer(value):
                msg = f"column {column} holds {shown(value)}, not an integer id; {_DAMAGED}"
                found.append(Problem(where, msg))
        problems.extend(found)
        if not found:
            kept.append(tuple(cells))
    return kept


def read_qualcoder(
    path: PathLike,
    *,
    variable: str = "code",
    codebook: Codebook | None = None,
    offsets: OffsetUnit | str = OffsetUnit.CODE_POINTS,
) -> QualCoderImport:
    """Read a QualCoder project: its text sources and every coder's coded segments.

    Parameters
    ----------
    path : str or path
        The project's ``data.qda`` (an SQLite database, opened read-only) or the ``.qda``
        folder that holds it.
    variable : str
        The variable the code names are codes of.
    codebook : Codebook, optional
        Check the code names against ``codebook[variable]``.
    offsets : {'code-points', 'utf-16'}
        What ``pos0`` and ``pos1`` count (see Notes).

    Returns
    -------
    QualCoderImport
        The spans, the corpus of text sources, the coders and every code's categories.

    Raises
    ------
    OptionError
        If ``offsets`` is not one of its choices.
    InputFileError
        If the file or folder does not exist.
    DataError
        If the file is not a QualCoder project (each missing table and column named), or
        listing every problem with its table and row: segments of unknown sources or
        codes, positions outside the text, a stored segment text (``seltext``) that differs
        from the source's text at the positions, unknown codes, duplicates.

    Notes
    -----
    QualCoder (Curtain 2023) stores each source's text in ``source.fulltext`` and each
    coded segment in ``code_text``: the code (``cid``), the source (``fid``), the start and
    end (``pos0``, ``pos1``, end exclusive), the segment's text (``seltext``) and the coder
    (``owner``). Every segment's ``seltext`` is compared with the source's text at its
    positions, so offsets in the wrong unit are caught (the message says when the other
    unit would match). QualCoder is a Python program and its texts are Python strings, so
    positions are read as code points by default. No real QualCoder project could be
    shared with statecode's tests; the offsets were checked only on projects generated from
    QualCoder's published schema, so compare a few segments with QualCoder when you first
    read your own project.

    References
    ----------
    Curtain, C. (2023). QualCoder (version 3.x) [Computer software].
    https://github.com/ccbogel/QualCoder
    """
    unit = parse_option(OffsetUnit, offsets, "offsets")
    check_option_variable("variable", variable, codebook)
    file = _database(path)
    source = str(file)
    problems: list[Problem] = []
    with open_database(file, "QualCoder") as db:
        check_schema(db, _SCHEMA, source, _NOT_QUALCODER)
        sources = query(db, "SELECT rowid, id, name, fulltext FROM source ORDER BY id")
        codes = query(db, "SELECT rowid, cid, name, catid FROM code_name ORDER BY cid")
        cats = query(db, "SELECT rowid, catid, name, supercatid FROM code_cat ORDER BY catid")
        segments = query(
            db,
            "SELECT rowid, cid, fid, seltext, pos0, pos1, owner FROM code_text "
            "ORDER BY fid, pos0, pos1, rowid",
        )
    # SQLite keeps any value in any column: a damaged project can hold a name where an id
    # belongs, or no name at all; such rows are problems, not crashes or silent "None"s
    sources = _checked(sources, "source", ("id",), (), (), problems)
    codes = _checked(codes, "code_name", ("cid",), ("catid",), ("name",), problems)
    cats = _checked(cats, "code_cat", ("catid",), ("supercatid",), ("name",), problems)
    names = unique_labels([(str(i), str(n or "")) for i, n, _ in sources])
    documents: dict[int, Document] = {}
    skipped: dict[str, int] = {}
    for (ident, _, text), name in zip(sources, names, strict=True):
        if isinstance(text, str):
            documents[int(ident)] = Document(id=name, text=text)
        else:
            skipped["media source"] = skipped.get("media source", 0) + 1
    code_names = {int(c): str(n) for c, n, _ in codes}
    paths = _category_paths({int(c): (str(n), p) for c, n, p in cats}, problems)
    categories = {
        str(n): paths.get(int(catid), ()) if catid is not None else () for _, n, catid in codes
    }
    builder = SpanBuilder(unit, codebook=codebook, problems=problems, hint="offsets=")
    coders: dict[str, None] = {}
    for row, cid, fid, seltext, pos0, pos1, owner in segments:
        where = f"table code_text, row {row} (cid {cid}, fid {fid}, pos0 {pos0})"
        doc, code = documents.get(fid), code_names.get(cid)
        if doc is None or code is None:
            what = f"source {fid!r}" if doc is None else f"code {cid!r}"
            problems.append(
                Problem(where, f"the segment codes {what}, which is not in the project")
            )
            continue
        coder = str(owner or "").strip()
        if not coder:
            problems.append(Problem(where, "the segment has no owner (coder)"))
            continue
        span = builder.add(
            where,
            document=doc.id,
            text=doc.text,
            coder=coder,
            start=pos0,
            end=pos1,
            variable=variable,
            code=code,
            marked=seltext if isinstance(seltext, str) else None,
        )
        if span is not None:
            coders.setdefault(coder)
    if problems:
        raise DataError(problems, source=source)
    return QualCoderImport(
        spans=tuple(builder.spans),
        corpus=Corpus(documents=tuple(documents.values())),
        coders=tuple(Coder(c) for c in coders),
        categories=categories,
        skipped=skipped,
        source=source,
    )
