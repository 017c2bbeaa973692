"""Corpus files: documents and statements as tables, or a folder of text files with metadata.

Two layouts are read:

- a **documents table** (one row per document, the whole text in a cell) and, optionally, a
  **statements table** (one row per statement: its id, its document, and its code-point span);
- a **folder of .txt files** (one per document) with a **metadata table** linking each file
  to its document id, title, source and so on, and optionally a statements table.

:func:`write_corpus` writes the table layout; reading it back gives an equal corpus.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from statecode._typing import PathLike
from statecode.exceptions import DataError, InputFileError, Problem
from statecode.io._atomic import make_folder
from statecode.io._corpus_folder import read_folder
from statecode.io._corpus_tables import (
    Columns,
    documents_from_frame,
    read_frame,
    statements_from_frame,
)
from statecode.io._tabular import (
    _FORMATS,
    _SPREADSHEETS,
    spreadsheet_escape,
    write_table,
)
from statecode.model import Corpus, Document, Statement
from statecode.options import Unmatched, parse_option

__all__ = ["Unmatched", "read_corpus", "write_corpus"]


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
    encoding: str = "utf-8",
) -> Corpus:
    """Read a corpus: documents, and optionally the statements cut from them.

    Parameters
    ----------
    documents : str or path
        Either a documents table (``.csv``, ``.tsv``, ``.parquet``, ``.jsonl``, or ``.xlsx``
        with the ``xlsx`` extra) with one row per document, a folder holding such a table as
        ``documents.csv`` (as :func:`write_corpus` writes it), or a folder of ``.txt`` files,
        one per document.
    statements : str or path, optional
        A statements table with one row per statement. For a folder holding
        ``documents.csv``, its ``statements.csv`` is read when this is not given.
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
    encoding : str
        The encoding of CSV and TSV tables and of the ``.txt`` files of a folder (``cp1252``
        or ``latin-1`` for old Windows exports).
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
    names = Columns(
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
    if docs_path.is_dir() and (docs_path / "documents.csv").is_file():
        found = docs_path / "statements.csv"
        if statements is None and found.is_file():
            statements = found
        docs_path = docs_path / "documents.csv"
    if docs_path.is_dir():
        docs = read_folder(docs_path, metadata, names, mode, problems, encoding)
    else:
        if metadata is not None:
            msg = (
                f"{docs_path}: metadata= only applies to a folder of .txt files; "
                "a documents table holds its metadata in its own columns"
            )
            raise InputFileError(msg)
        frame, first = read_frame(docs_path, encoding)
        docs = documents_from_frame(frame, first, docs_path.name, names, problems)
    stmts: list[Statement] = []
    if statements is not None:
        stmt_path = Path(statements)
        frame, first = read_frame(stmt_path, encoding)
        stmts = statements_from_frame(frame, first, stmt_path.name, docs, names, problems)
    if problems:
        raise DataError(problems, source=os.fspath(documents))
    return Corpus(documents=tuple(docs), statements=tuple(stmts))


# --------------------------------------------------------------------------------------------
# writing

_DOCUMENT_COLUMNS = ("document_id", "title", "source", "event", "date", "language")


def write_corpus(
    corpus: Corpus,
    documents_path: PathLike,
    statements_path: PathLike | None = None,
) -> None:
    """Write a corpus as a documents table and a statements table (each written atomically).

    Parameters
    ----------
    corpus : Corpus
        The corpus to write.
    documents_path, statements_path : str or path
        The two files; the format of each follows its extension (``.csv``, ``.tsv``,
        ``.parquet``, ``.jsonl``, or ``.xlsx`` with the ``xlsx`` extra). Without
        ``statements_path``, ``documents_path`` is a folder (created if need be) that gets
        ``documents.csv`` and ``statements.csv``, which :func:`read_corpus` of the folder
        reads back.

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
    if statements_path is None:
        folder = Path(documents_path)
        make_folder(folder, "the corpus")
        documents_path, statements_path = folder / "documents.csv", folder / "statements.csv"
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
