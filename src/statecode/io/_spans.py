"""Span tables: one row per coded stretch of text (document, coder, start, end, variable, code)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl

from statecode._typing import PathLike
from statecode.exceptions import DataError, Problem
from statecode.io._tabular import (
    DEFAULT_MISSING,
    read_table,
    refuse_missing_cells,
    write_table,
)
from statecode.model import Corpus, Span, Statement

__all__ = [
    "SPAN_COLUMNS",
    "attach_statements",
    "read_spans",
    "read_unitizers",
    "spans_to_frame",
    "write_spans",
    "write_unitizers",
]

#: The columns of a span table, in order.
SPAN_COLUMNS = ("document", "coder", "start", "end", "variable", "code")


def spans_to_frame(spans: Iterable[Span]) -> pl.DataFrame:
    """Spans as a polars DataFrame with the span-table columns."""
    rows = [(s.document, s.coder, s.start, s.end, s.variable, s.code) for s in spans]
    schema = {
        "document": pl.String,
        "coder": pl.String,
        "start": pl.Int64,
        "end": pl.Int64,
        "variable": pl.String,
        "code": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def write_spans(spans: Iterable[Span], path: PathLike) -> None:
    """Write spans as a table file (``.csv``, ``.tsv``, ``.parquet``, ``.jsonl``, ``.xlsx``).

    Offsets are code points into the document text, end exclusive. :func:`read_spans` reads
    the file back as the same spans.

    Raises
    ------
    DataError
        If a document, coder, variable or code is a text that reading takes as missing
        (``NA``, ``NaN``, ``.``): the file could not be read back.
    """
    target = Path(path)
    frame = spans_to_frame(spans)
    refuse_missing_cells(frame, ["document", "coder", "variable", "code"], DEFAULT_MISSING, target)
    write_table(frame, target)


def read_spans(
    path: PathLike, *, variable: str | None = None, missing: Sequence[str] = DEFAULT_MISSING
) -> tuple[Span, ...]:
    """Read a span table: columns ``document``, ``coder``, ``start``, ``end``, ``code``.

    A ``category`` column may stand for ``code``; without a ``variable`` column, pass the
    variable name with ``variable=``.

    Raises
    ------
    DataError
        Listing every problem with its row: missing columns, offsets that are not whole
        numbers, empty or inverted spans.
    """
    frame, first = read_table(path, missing=missing)
    source = str(path)
    if not frame.columns:
        return ()  # an empty JSON Lines file
    if "code" not in frame.columns and "category" in frame.columns:
        frame = frame.rename({"category": "code"})
    if "variable" not in frame.columns and variable is not None:
        frame = frame.with_columns(pl.lit(variable).alias("variable"))
    need = [c for c in SPAN_COLUMNS if c not in frame.columns]
    if need:
        hint = ""
        if need == ["variable"]:
            hint = " (or name the variable: variable= in Python, --variable in the CLI)"
        msg = f"missing column(s) {', '.join(need)}{hint}; columns: {', '.join(frame.columns)}"
        raise DataError([Problem("", msg)], source=source)
    problems: list[Problem] = []
    spans: list[Span] = []
    for i, row in enumerate(frame.select(SPAN_COLUMNS).iter_rows(named=True)):
        where = f"row {first + i}"
        try:
            start, end = int(row["start"]), int(row["end"])
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    where,
                    f"start {row['start']!r} and end {row['end']!r} "
                    "must be whole numbers (code-point offsets)",
                )
            )
            continue
        try:
            spans.append(
                Span(row["document"], row["coder"], start, end, row["variable"], row["code"])
            )
        except DataError as exc:
            problems.extend(Problem(where, p.message) for p in exc.problems)
    if problems:
        raise DataError(problems, source=source)
    return tuple(spans)


def write_unitizers(unitizers: Mapping[str, Sequence[str]], path: PathLike) -> None:
    """Write who unitized each document as a table: columns ``document``, ``coder``.

    One row per document and coder; a document nobody unitized gets one row with an empty
    coder, so that the table lists every document. :func:`read_unitizers` reads it back.
    """
    rows: list[tuple[str, str | None]] = []
    for document, coders in unitizers.items():
        if isinstance(coders, str):
            msg = f"the coders of document {document!r} must be a list, got {coders!r}"
            raise DataError(msg)
        rows.extend((document, c) for c in coders)
        if not coders:
            rows.append((document, None))
    frame = pl.DataFrame(rows, schema={"document": pl.String, "coder": pl.String}, orient="row")
    target = Path(path)
    refuse_missing_cells(frame.drop_nulls(), ["document", "coder"], ("",), target)
    blank = frame.filter(pl.col("coder").str.strip_chars() == "")
    if blank.height:
        msg = f"coder {blank['coder'][0]!r} of document {blank['document'][0]!r} is blank"
        raise DataError([Problem("", f"{msg}; name every coder")], source=str(target))
    write_table(frame, target)


def read_unitizers(path: PathLike) -> dict[str, tuple[str, ...]]:
    """Read who unitized each document (for ``unitizing_alpha(coders=)``).

    A table with the columns ``document`` and ``coder``, one row per document and coder; a
    row with an empty coder lists a document nobody unitized. Only an empty cell is empty:
    a coder or document named ``NA`` is a name.

    Raises
    ------
    DataError
        A missing column, a row without document, or a coder listed twice for a document,
        each with its row.
    """
    frame, first = read_table(path, missing=("",))
    source = str(path)
    if not frame.columns:
        return {}  # an empty JSON Lines file
    need = [c for c in ("document", "coder") if c not in frame.columns]
    if need:
        msg = (
            f"missing column(s) {', '.join(need)}; a table of who unitized each document has "
            f"the columns document and coder (columns: {', '.join(frame.columns)})"
        )
        raise DataError([Problem("", msg)], source=source)
    out: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    nobody: dict[str, int] = {}  # documents listed with an empty coder, and the row
    problems: list[Problem] = []
    for i, (document, coder) in enumerate(frame.select("document", "coder").iter_rows()):
        row = first + i
        if document is None or not str(document).strip():
            problems.append(Problem(f"row {row}", "the document is empty; every row names one"))
            continue
        coders = out.setdefault(str(document), [])
        if coder is None:
            nobody.setdefault(str(document), row)
            continue
        if not str(coder).strip():
            msg = (
                f"the coder is blank ({coder!r}); name the coder, or leave the cell empty "
                "for a document nobody unitized"
            )
            problems.append(Problem(f"row {row}", msg))
            continue
        key = (str(document), str(coder))
        if key in seen:
            problems.append(
                Problem(
                    f"row {row}",
                    f"coder {coder!r} is listed for document {document!r} again (first in row "
                    f"{seen[key]}); list each coder once per document",
                )
            )
            continue
        seen[key] = row
        coders.append(str(coder))
    problems.extend(
        Problem(
            f"row {row}",
            f"document {document!r} is listed as unitized by nobody (an empty coder) and also "
            f"with coders ({', '.join(out[document])}); delete this row or the others",
        )
        for document, row in nobody.items()
        if out[document]
    )
    if problems:
        raise DataError(problems, source=source)
    return {d: tuple(cs) for d, cs in out.items()}


def attach_statements(
    corpus: Corpus, path: PathLike, *, missing: Sequence[str] = DEFAULT_MISSING
) -> Corpus:
    """The corpus with the statements of a statements table cut from its documents.

    The table has columns ``statement_id``, ``document_id``, ``start``, ``end`` and, optionally,
    ``text`` (which must then equal the span). Used to turn span codings from a QDA program
    into statement codings (:func:`statecode.spans_to_codings`).

    Raises
    ------
    DataError
        Listing every problem with its row: missing columns, unknown documents, spans outside
        their document, texts that differ from their span.
    """
    frame, first = read_table(path, missing=missing)
    source = str(path)
    need = [c for c in ("statement_id", "document_id", "start", "end") if c not in frame.columns]
    if need:
        msg = f"missing column(s) {', '.join(need)}; columns: {', '.join(frame.columns)}"
        raise DataError([Problem("", msg)], source=source)
    documents = {d.id: d for d in corpus.documents}
    problems: list[Problem] = []
    statements: list[Statement] = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        where = f"row {first + i}"
        doc = documents.get(row["document_id"])
        if doc is None:
            known = ", ".join(list(documents)[:5])
            problems.append(
                Problem(
                    where,
                    f"document {row['document_id']!r} is not in the corpus (documents: {known})",
                )
            )
            continue
        try:
            statement = doc.statement(row["statement_id"], int(row["start"]), int(row["end"]))
        except (TypeError, ValueError) as exc:
            problems.append(Problem(where, " ".join(str(exc).split())))
            continue
        text = row.get("text")
        if text is not None and text != statement.text:
            problems.append(
                Problem(
                    where,
                    f"text {text!r} differs from the span "
                    f"({statement.text!r}); fix the offsets or the text",
                )
            )
            continue
        statements.append(statement)
    if problems:
        raise DataError(problems, source=source)
    try:
        return Corpus(documents=corpus.documents, statements=tuple(statements))
    except DataError as exc:
        raise DataError(exc.problems, source=source) from None
