"""Corpus tables: documents and statements read row by row, every problem with its place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import polars as pl

from statecode.exceptions import Problem
from statecode.io._tabular import _SPREADSHEETS, read_table, spreadsheet_unescape
from statecode.model import Document, Statement

__all__ = [
    "Columns",
    "DocumentRow",
    "build_documents",
    "documents_from_frame",
    "read_frame",
    "statements_from_frame",
]


@attrs.frozen
class Columns:
    """The column names of the corpus tables."""

    document_id: str
    text: str
    title: str
    source: str
    event: str
    date: str
    language: str
    statement_id: str
    start: str
    end: str
    file: str

    @property
    def document_fields(self) -> tuple[str, ...]:
        return (self.title, self.source, self.event, self.date, self.language)


def read_frame(path: Path, encoding: str = "utf-8") -> tuple[pl.DataFrame, int]:
    """A corpus table as text: no missing markers (an empty title is an empty title)."""
    suffix = path.suffix.lower()
    frame, first = read_table(path, missing=(), encoding=encoding)
    if suffix in _SPREADSHEETS:
        # cells are unescaped by read_table; column names (metadata keys) here
        frame = frame.rename({c: spreadsheet_unescape(c) for c in frame.columns})
    return frame, first


def where_in(file: str, row: int, column: str) -> str:
    return f"{file}, row {row}, column {column!r}"


# a documents row: where it is ("documents.csv, row 3"), its id, its text, and all its cells
DocumentRow = tuple[str, str | None, str | None, Mapping[str, str | None]]


def _missing_columns(
    frame: pl.DataFrame, required: Sequence[tuple[str, str]], file: str, problems: list[Problem]
) -> bool:
    """Report each required column that is absent; return whether any is."""
    have = ", ".join(repr(c) for c in frame.columns) or "(none)"
    absent = [(c, kw) for c, kw in required if c not in frame.columns]
    for column, keyword in absent:
        problems.append(
            Problem(
                f"{file}, column {column!r}",
                f"missing (columns: {have}); name the column with {keyword}=",
            )
        )
    return bool(absent)


def documents_from_frame(
    frame: pl.DataFrame, first: int, file: str, names: Columns, problems: list[Problem]
) -> list[Document]:
    if not frame.columns:
        return []
    required = [(names.document_id, "document_id"), (names.text, "text")]
    if _missing_columns(frame, required, file, problems):
        return []
    extra = [c for c in frame.columns if c not in (names.document_id, names.text)]
    rows: list[DocumentRow] = [
        (f"{file}, row {first + i}", row[names.document_id], row[names.text], row)
        for i, row in enumerate(frame.iter_rows(named=True))
    ]
    return build_documents(rows, names, extra, problems)


def build_documents(
    rows: Iterable[DocumentRow], names: Columns, columns: Sequence[str], problems: list[Problem]
) -> list[Document]:
    """Documents from their rows, reporting every problem."""
    docs: list[Document] = []
    first_seen: dict[str, str] = {}
    for location, doc_id, text, cells in rows:
        where = f"{location}, column {names.document_id!r}"
        if doc_id is None or not doc_id.strip():
            problems.append(
                Problem(where, f"empty document id {doc_id or ''!r}; every document needs an id")
            )
            continue
        duplicate = doc_id in first_seen
        if duplicate:
            problems.append(
                Problem(
                    where,
                    f"duplicate document id {doc_id!r} (first used in {first_seen[doc_id]}); "
                    "document ids must be unique",
                )
            )
        when = _parse_date(cells.get(names.date), f"{location}, column {names.date!r}", problems)
        if duplicate:
            continue
        first_seen[doc_id] = location
        fields = dict.fromkeys(("title", "source", "event", "language"), "")
        for key, column in zip(
            ("title", "source", "event", "language"),
            (names.title, names.source, names.event, names.language),
            strict=True,
        ):
            fields[key] = cells.get(column) or ""
        meta = {
            c: cells[c]
            for c in columns
            if c not in names.document_fields and cells.get(c) is not None
        }
        docs.append(Document(id=doc_id, text=text or "", date=when, metadata=meta, **fields))
    return docs


def _parse_date(value: str | None, where: str, problems: list[Problem]) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(
            Problem(
                where,
                f"{value!r} is not an ISO date; write it as YYYY-MM-DD (e.g. 2025-03-18), "
                "or leave the cell empty",
            )
        )
        return None


def _offset(value: str | None, where: str, problems: list[Problem]) -> int | None:
    text = (value or "").strip()
    if text.isdecimal() and text.isascii():
        return int(text)
    problems.append(
        Problem(
            where,
            f"{value!r} is not a whole number >= 0; start and end are 0-based code-point "
            "offsets into the document text, end exclusive",
        )
    )
    return None


def statements_from_frame(
    frame: pl.DataFrame,
    first: int,
    file: str,
    docs: Sequence[Document],
    names: Columns,
    problems: list[Problem],
) -> list[Statement]:
    if not frame.columns:
        return []
    required = [
        (names.statement_id, "statement_id"),
        (names.document_id, "document_id"),
        (names.start, "start"),
        (names.end, "end"),
    ]
    missing = _missing_columns(frame, required, file, problems)
    known = {names.statement_id, names.document_id, names.start, names.end, names.text}
    problems.extend(
        Problem(
            f"{file}, column {column!r}",
            "unknown column; a statement has an id, a document, start, end and text: "
            "remove the column or name the columns with statement_id=, document_id=, "
            "start=, end=, text=",
        )
        for column in frame.columns
        if column not in known
    )
    if missing:
        return []
    by_id = {d.id: d for d in docs}
    has_text = names.text in frame.columns
    out: list[Statement] = []
    first_row: dict[str, int] = {}
    for i, cells in enumerate(frame.iter_rows(named=True)):
        row = first + i
        sid = cells[names.statement_id]
        if sid is None or not sid.strip():
            problems.append(
                Problem(
                    where_in(file, row, names.statement_id),
                    f"empty statement id {sid or ''!r}; every statement needs an id",
                )
            )
            continue
        if sid in first_row:
            problems.append(
                Problem(
                    where_in(file, row, names.statement_id),
                    f"duplicate statement id {sid!r} (first used in row {first_row[sid]}); "
                    "statement ids must be unique",
                )
            )
            continue
        first_row[sid] = row
        lo = _offset(cells[names.start], where_in(file, row, names.start), problems)
        hi = _offset(cells[names.end], where_in(file, row, names.end), problems)
        doc_id = cells[names.document_id]
        doc = by_id.get(doc_id or "")
        if doc is None:
            problems.append(
                Problem(
                    where_in(file, row, names.document_id),
                    f"statement {sid!r} belongs to document {doc_id!r}, which is not among "
                    "the documents; add the document or fix the document id",
                )
            )
            continue
        if lo is None or hi is None:
            continue
        if not lo < hi <= len(doc.text):
            problems.append(
                Problem(
                    where_in(file, row, names.end if lo < hi else names.start),
                    f"span {lo}..{hi} of statement {sid!r} does not lie within document "
                    f"{doc.id!r} (text length {len(doc.text)}); start must be less than end, "
                    "and end at most the length (0-based code-point offsets, end exclusive)",
                )
            )
            continue
        cut = doc.text[lo:hi]
        given = cells[names.text] if has_text else None
        if given is not None and given != cut:
            problems.append(
                Problem(
                    where_in(file, row, names.text),
                    f"text {given!r} of statement {sid!r} differs from span {lo}..{hi} of "
                    f"document {doc.id!r} ({cut!r}); fix the offsets (code points, not bytes "
                    "or UTF-16 units) or the text, or leave the text cell empty",
                )
            )
            continue
        out.append(Statement(id=sid, document_id=doc.id, start=lo, end=hi, text=cut))
    return out
