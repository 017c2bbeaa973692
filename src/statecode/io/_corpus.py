"""Corpus files: documents and statements as tables, or a folder of text files with metadata.

Two layouts are read:

- a **documents table** (one row per document, the whole text in a cell) and, optionally, a
  **statements table** (one row per statement: its id, its document, and its code-point span);
- a **folder of .txt files** (one per document) with a **metadata table** linking each file
  to its document id, title, source and so on, and optionally a statements table.

:func:`write_corpus` writes the table layout; reading it back gives an equal corpus.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from statecode._typing import PathLike, parse_option
from statecode.exceptions import DataError, InputFileError, Problem, StatecodeWarning
from statecode.io._tabular import (
    _FORMATS,
    _SPREADSHEETS,
    read_table,
    spreadsheet_escape,
    spreadsheet_unescape,
    write_table,
)
from statecode.model import Corpus, Document, Statement

__all__ = ["Unmatched", "read_corpus", "write_corpus"]


class Unmatched(enum.StrEnum):
    """What :func:`read_corpus` does with text files and metadata rows that do not match."""

    ERROR = "error"
    WARN = "warn"


@attrs.frozen
class _Columns:
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


# --------------------------------------------------------------------------------------------
# reading


def read_corpus(
    documents: PathLike,
    statements: PathLike | None = None,
    *,
    metadata: PathLike | None = None,
    document_id: str = "document_id",
    text: str = "text",
    title: str = "title",
    source: str = "source",
    event: str = "event",
    date: str = "date",
    language: str = "language",
    statement_id: str = "statement_id",
    start: str = "start",
    end: str = "end",
    file: str = "file",
    unmatched: Unmatched | str = Unmatched.ERROR,
) -> Corpus:
    """Read a corpus: documents, and optionally the statements cut from them.

    Parameters
    ----------
    documents : str or path
        Either a documents table (``.csv``, ``.tsv``, ``.parquet``, ``.jsonl``, or ``.xlsx``
        with the ``xlsx`` extra) with one row per document, or a folder of ``.txt`` files,
        one per document.
    statements : str or path, optional
        A statements table with one row per statement.
    metadata : str or path, optional
        For a folder: the table describing its files (default: ``metadata.csv`` in the
        folder).
    document_id, text, title, source, event, date, language : str
        Column names of the documents table (and of the metadata table). ``document_id`` and
        ``text`` are also the names of a statement's document and text columns.
    statement_id, start, end : str
        Column names of the statements table.
    file : str
        Column of the metadata table naming each document's ``.txt`` file.
    unmatched : {'error', 'warn'}
        For a folder: whether a ``.txt`` file without a metadata row, or a metadata row
        without its file, is an error, or a :class:`~statecode.StatecodeWarning` (the file
        is then read as a document whose id is the file name without ``.txt``, and the row is
        left out).

    Returns
    -------
    Corpus
        The documents in file order (metadata order for a folder), then the statements in
        file order.

    Raises
    ------
    InputFileError
        If a file or the folder does not exist, or a table cannot be read (including a CSV
        or TSV file that is not UTF-8).
    DataError
        Listing every problem, each with its file, row, column, value and fix: missing
        columns, empty or duplicate ids, dates that are not ISO dates, offsets that are not
        whole numbers or lie outside their document, statement texts that differ from their
        span, statements of unknown documents, and for a folder, text files that are not
        UTF-8, text files without a metadata row and rows without a file.

    Notes
    -----
    **Tables.** CSV and TSV files are read as text, without type guessing and without
    missing-value markers: an empty cell is an empty title, ``NA`` is the text ``NA``.
    Document columns other than the named ones are kept in :attr:`Document.metadata` (text
    values; an empty cell in a CSV file leaves the key out, ``""`` keeps an empty value).
    Dates are ISO 8601 dates (``2025-03-18``). The statements table needs ``statement_id``,
    ``document_id``, ``start`` and ``end``; ``start`` and ``end`` are 0-based code-point
    offsets, ``end`` exclusive, so ``text == document.text[start:end]``. Its ``text`` column
    is optional: without it (or where a cell is empty) the text is cut from the document;
    with it, it must equal the span. Other statement columns are an error, since a
    statement has nowhere to keep them.

    **A folder of text files.** Each ``.txt`` file directly in the folder is one document.
    The metadata table links rows to files by its ``file`` column (file names such as
    ``kremlin.txt``; the document id is then the ``document_id`` column, or the file name
    without ``.txt``), or, without a ``file`` column, by ``document_id`` (the file is then
    ``<document_id>.txt``). Files are read as UTF-8; a byte order mark at the start is
    dropped, and line endings are kept as they are (CRLF stays CRLF, so offsets computed on
    the file's text hold). Other files in the folder are not read.

    **Formula escaping.** CSV, TSV and Excel files follow statecode's spreadsheet escaping,
    the same as :func:`~statecode.read_codings` and :func:`~statecode.write_codings`: a cell
    or column name of one or more ``'`` followed by ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return loses its first ``'``. :func:`write_corpus` adds exactly that ``'`` to
    every text a spreadsheet would run as a formula (and to text that already starts with
    ``'`` before such a character), so the round trip is exact. In a file written by hand,
    a text such as ``'=x`` is therefore read as ``=x``. Parquet and JSON Lines files are
    read as they are.
    """
    names = _Columns(
        document_id=document_id,
        text=text,
        title=title,
        source=source,
        event=event,
        date=date,
        language=language,
        statement_id=statement_id,
        start=start,
        end=end,
        file=file,
    )
    mode = parse_option(Unmatched, unmatched, "unmatched")
    problems: list[Problem] = []
    docs_path = Path(documents)
    if docs_path.is_dir():
        docs = _read_folder(docs_path, metadata, names, mode, problems)
    else:
        if metadata is not None:
            msg = (
                f"{docs_path}: metadata= only applies to a folder of .txt files; "
                "a documents table holds its metadata in its own columns"
            )
            raise InputFileError(msg)
        frame, first = _read_frame(docs_path)
        docs = _documents_from_frame(frame, first, docs_path.name, names, problems)
    stmts: list[Statement] = []
    if statements is not None:
        stmt_path = Path(statements)
        frame, first = _read_frame(stmt_path)
        stmts = _statements_from_frame(frame, first, stmt_path.name, docs, names, problems)
    if problems:
        raise DataError(problems, source=os.fspath(documents))
    return Corpus(documents=tuple(docs), statements=tuple(stmts))


def _read_frame(path: Path) -> tuple[pl.DataFrame, int]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl" and path.is_file() and not path.read_bytes().strip():
        return pl.DataFrame(), 1  # a table without rows
    frame, first = read_table(path, missing=())
    if suffix in (".csv", ".tsv"):
        frame = _exact_header(frame, path, "\t" if suffix == ".tsv" else ",")
    if suffix in _SPREADSHEETS:
        # cells are unescaped by read_table; column names (metadata keys) here
        frame = frame.rename({c: spreadsheet_unescape(c) for c in frame.columns})
    return frame, first


def _exact_header(frame: pl.DataFrame, path: Path, delimiter: str) -> pl.DataFrame:
    # polars keeps the doubled quotes of a quoted column name ('a""b' for "a""b"); the csv
    # module reads the header record as the CSV rules say
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter=delimiter), [])
    if len(header) != frame.width or len(set(header)) != len(header):
        return frame
    return frame.rename(dict(zip(frame.columns, header, strict=True)))


def _where(file: str, row: int, column: str) -> str:
    return f"{file}, row {row}, column {column!r}"


# a documents row: where it is ("documents.csv, row 3"), its id, its text, and all its cells
_DocumentRow = tuple[str, str | None, str | None, Mapping[str, str | None]]


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


def _documents_from_frame(
    frame: pl.DataFrame, first: int, file: str, names: _Columns, problems: list[Problem]
) -> list[Document]:
    if not frame.columns:
        return []
    required = [(names.document_id, "document_id"), (names.text, "text")]
    if _missing_columns(frame, required, file, problems):
        return []
    extra = [c for c in frame.columns if c not in (names.document_id, names.text)]
    rows: list[_DocumentRow] = [
        (f"{file}, row {first + i}", row[names.document_id], row[names.text], row)
        for i, row in enumerate(frame.iter_rows(named=True))
    ]
    return _build_documents(rows, names, extra, problems)


def _build_documents(
    rows: Iterable[_DocumentRow], names: _Columns, columns: Sequence[str], problems: list[Problem]
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


def _statements_from_frame(
    frame: pl.DataFrame,
    first: int,
    file: str,
    docs: Sequence[Document],
    names: _Columns,
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
                    _where(file, row, names.statement_id),
                    f"empty statement id {sid or ''!r}; every statement needs an id",
                )
            )
            continue
        if sid in first_row:
            problems.append(
                Problem(
                    _where(file, row, names.statement_id),
                    f"duplicate statement id {sid!r} (first used in row {first_row[sid]}); "
                    "statement ids must be unique",
                )
            )
            continue
        first_row[sid] = row
        lo = _offset(cells[names.start], _where(file, row, names.start), problems)
        hi = _offset(cells[names.end], _where(file, row, names.end), problems)
        doc_id = cells[names.document_id]
        doc = by_id.get(doc_id or "")
        if doc is None:
            problems.append(
                Problem(
                    _where(file, row, names.document_id),
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
                    _where(file, row, names.end if lo < hi else names.start),
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
                    _where(file, row, names.text),
                    f"text {given!r} of statement {sid!r} differs from span {lo}..{hi} of "
                    f"document {doc.id!r} ({cut!r}); fix the offsets (code points, not bytes "
                    "or UTF-16 units) or the text, or leave the text cell empty",
                )
            )
            continue
        out.append(Statement(id=sid, document_id=doc.id, start=lo, end=hi, text=cut))
    return out


def _read_folder(
    folder: Path,
    metadata: PathLike | None,
    names: _Columns,
    mode: Unmatched,
    problems: list[Problem],
) -> list[Document]:
    meta_path = Path(metadata) if metadata is not None else folder / "metadata.csv"
    reader = _FolderReader(folder, meta_path.name, names, mode, problems)
    if meta_path.is_file():
        frame, first = _read_frame(meta_path)
    elif mode is Unmatched.WARN and metadata is None:
        frame, first = pl.DataFrame(), 2
        reader.warned.append(f"no metadata file {meta_path.name}")
    else:
        msg = (
            f"{meta_path}: no metadata file; pass metadata=PATH (a table with a "
            f"{names.file!r} or {names.document_id!r} column), or unmatched='warn' to read "
            "the .txt files without metadata"
        )
        raise InputFileError(msg)
    rows = reader.link(frame, first)
    if reader.warned:
        lines = "\n".join(f"  {w}" for w in reader.warned)
        warnings.warn(
            f"{folder}: {len(reader.warned)} unmatched file(s) or row(s):\n{lines}",
            StatecodeWarning,
            stacklevel=3,
        )
    extra = [c for c in frame.columns if c not in (names.document_id, names.file, names.text)]
    return _build_documents(rows, names, extra, problems)


class _FolderReader:
    """Links the rows of a metadata table to the .txt files of a folder."""

    def __init__(
        self,
        folder: Path,
        meta_file: str,
        names: _Columns,
        mode: Unmatched,
        problems: list[Problem],
    ) -> None:
        self.folder = folder
        self.meta_file = meta_file
        self.names = names
        self.mode = mode
        self.problems = problems
        self.warned: list[str] = []
        self.txt = {
            p.name: p
            for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() == ".txt"
        }

    def unmatched(self, where: str, message: str) -> None:
        if self.mode is Unmatched.WARN:
            self.warned.append(f"{where}: {message}")
        else:
            self.problems.append(Problem(where, message))

    def link(self, frame: pl.DataFrame, first: int) -> list[_DocumentRow]:
        names = self.names
        if names.text in frame.columns:
            self.problems.append(
                Problem(
                    f"{self.meta_file}, column {names.text!r}",
                    "the text of a document comes from its .txt file; remove this column "
                    "(or name another column with text=)",
                )
            )
        by_file = names.file in frame.columns
        if frame.columns and not by_file and names.document_id not in frame.columns:
            self.problems.append(
                Problem(
                    self.meta_file,
                    f"neither a {names.file!r} nor a {names.document_id!r} column links the "
                    "rows to the .txt files; add one, or name it with file= or document_id=",
                )
            )
            return []
        used: dict[str, int] = {}
        rows: list[_DocumentRow] = []
        for i, cells in enumerate(frame.iter_rows(named=True)):
            row = self.link_row(first + i, cells, by_file, used)
            if row is not None:
                rows.append(row)
        for name, path in self.txt.items():
            if name not in used:
                self.unmatched(
                    name,
                    f"has no row in {self.meta_file}; add a row for it, or remove the file "
                    "from the folder",
                )
                if self.mode is Unmatched.WARN:
                    self.warned[-1] += f" (read as document {path.stem!r})"
                    rows.append((name, path.stem, _read_text(path, self.problems), {}))
        return rows

    def link_row(
        self, row: int, cells: Mapping[str, str | None], by_file: bool, used: dict[str, int]
    ) -> _DocumentRow | None:
        names = self.names
        location = f"{self.meta_file}, row {row}"
        doc_id = cells.get(names.document_id)
        has_id = bool(doc_id and doc_id.strip())
        if by_file:
            name = cells[names.file] or ""
            where = f"{location}, column {names.file!r}"
            if not name.strip():
                self.problems.append(Problem(where, "empty file name; name the .txt file"))
                return None
        elif not has_id:  # the empty document id is reported with the documents
            return (location, doc_id, "", cells)
        else:
            name = f"{doc_id}.txt"
            where = f"{location}, column {names.document_id!r}"
        if name in used:
            self.problems.append(
                Problem(
                    where,
                    f"file {name!r} is already linked to row {used[name]}; link each file "
                    "to one row",
                )
            )
            return None
        used[name] = row
        if name not in self.txt:
            if os.sep in name or "/" in name or name in (".", ".."):
                fix = "give the file name only, without folders"
            else:
                fix = f"add the file to {self.folder}, or fix the {names.file!r} value"
            self.unmatched(where, f"no file {name!r} in the folder; {fix}")
            return None
        text = _read_text(self.txt[name], self.problems)
        return (location, doc_id if has_id else Path(name).stem, text, cells)


def _read_text(path: Path, problems: list[Problem]) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(path.name, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        )
        return ""
    return text.removeprefix("\ufeff")


# --------------------------------------------------------------------------------------------
# writing

_DOCUMENT_COLUMNS = ("document_id", "title", "source", "event", "date", "language")


def write_corpus(
    corpus: Corpus,
    documents_path: PathLike,
    statements_path: PathLike,
) -> None:
    """Write a corpus as a documents table and a statements table (each written atomically).

    Parameters
    ----------
    corpus : Corpus
        The corpus to write.
    documents_path, statements_path : str or path
        The two files; the format of each follows its extension (``.csv``, ``.tsv``,
        ``.parquet``, ``.jsonl``, or ``.xlsx`` with the ``xlsx`` extra).

    Raises
    ------
    InputFileError
        If a format is not known or a file cannot be written.
    DataError
        If a metadata key is empty or the name of a document column, or (Excel only) a text
        holds a control character or carriage return that Excel cannot hold.

    Notes
    -----
    The documents table has the columns ``document_id``, ``title``, ``source``, ``event``,
    ``date`` (ISO 8601), ``language``, one column per metadata key (in order of first
    appearance; values written as text), then ``text``. The statements table has
    ``statement_id``, ``document_id``, ``start``, ``end`` and ``text``. Reading both with
    :func:`read_corpus` gives an equal corpus, metadata included (metadata values come back
    as text; an Excel cell cannot hold empty text, so there an empty metadata value is left
    out). Each file is replaced atomically: a crash leaves the old file or the new one,
    never half of one.

    In CSV, TSV and Excel files, every cell and column name a spreadsheet would run as a
    formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and not a
    plain number) is written with a leading ``'``, which :func:`read_corpus` removes; see
    :func:`read_corpus` for the exact rule. Parquet and JSON Lines files are written as
    they are.

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
    """
    docs_target, stmt_target = Path(documents_path), Path(statements_path)
    for target in (docs_target, stmt_target):
        if target.suffix.lower() not in _FORMATS:
            msg = (
                f"{target}: unknown table format {target.suffix!r}; use one of "
                f"{', '.join(_FORMATS)}"
            )
            raise InputFileError(msg)
    docs_frame = _documents_frame(corpus.documents)
    stmt_frame = pl.DataFrame(
        {
            "statement_id": [s.id for s in corpus.statements],
            "document_id": [s.document_id for s in corpus.statements],
            "start": [s.start for s in corpus.statements],
            "end": [s.end for s in corpus.statements],
            "text": [s.text for s in corpus.statements],
        },
        schema={
            "statement_id": pl.String,
            "document_id": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "text": pl.String,
        },
    )
    write_table(_spreadsheet_header(docs_frame, docs_target), docs_target)
    write_table(stmt_frame, stmt_target)


def _documents_frame(documents: Sequence[Document]) -> pl.DataFrame:
    keys: dict[str, None] = {}
    problems: list[Problem] = []
    reserved = {*_DOCUMENT_COLUMNS, "text"}
    for doc in documents:
        for key in doc.metadata:
            if not isinstance(key, str) or not key or key in reserved:
                problems.append(
                    Problem(
                        f"document {doc.id!r}, metadata key {key!r}",
                        "a metadata key must be a non-empty text other than the document "
                        f"columns ({', '.join(sorted(reserved))}); rename it",
                    )
                )
            else:
                keys.setdefault(key)
    if problems:
        raise DataError(problems)
    columns: dict[str, list[Any]] = {
        "document_id": [d.id for d in documents],
        "title": [d.title for d in documents],
        "source": [d.source for d in documents],
        "event": [d.event for d in documents],
        "date": [None if d.date is None else d.date.isoformat() for d in documents],
        "language": [d.language for d in documents],
    }
    for key in keys:
        columns[key] = [
            None if d.metadata.get(key) is None else str(d.metadata[key]) for d in documents
        ]
    columns["text"] = [d.text for d in documents]
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def _spreadsheet_header(frame: pl.DataFrame, target: Path) -> pl.DataFrame:
    """Escape column names (metadata keys) as write_table escapes cells."""
    if target.suffix.lower() not in _SPREADSHEETS:
        return frame
    return frame.rename({c: spreadsheet_escape(c) for c in frame.columns})
