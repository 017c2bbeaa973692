"""CSV and TSV files read strictly: every row as wide as the header, every byte in its encoding.

polars reads a row with too few fields by filling the rest with nulls, renames a second
column ``v`` to ``v_duplicated_0``, and speaks of schemas and ``truncate_ragged_lines``. This
module checks what polars would let pass and says what is wrong in the user's terms, with the
line: a ragged row, a duplicate or empty header, bytes that are not in the file's encoding, a
cell past the size limit, a file that looks semicolon-separated.

Rows are counted by a scan of the raw bytes before polars parses: without quote characters
in the file, one vectorised pass checks that the delimiters and line breaks come in the
pattern of a regular table (``columns - 1`` delimiters, a line break, again and again); when
they do not, or with quotes, a vectorised pass counts the fields of every record, keeping
track of which bytes lie inside quoted cells (the parity of the quotes before them, which RFC
4180's doubled quotes leave intact), in chunks, and names each line that is wrong. The
length limit is proven by finding one line break per half-limit block (``find`` runs at
memory speed); only a file that fails that is measured line by line.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import mmap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from statecode._text import quoted_detail
from statecode.exceptions import DataError, InputFileError, OptionError, Problem
from statecode.io._csv_shape import shape_problems
from statecode.io._polars import polars_read

__all__ = ["DEFAULT_MAX_CELL_BYTES", "check_delimited", "check_markers", "read_delimited"]

#: The longest cell (in bytes, on one line) a table may hold unless told otherwise: far
#: beyond any coding or document text, far below what would exhaust memory.
DEFAULT_MAX_CELL_BYTES = 16 << 20

# bytes decoded at a time by the encoding check
_CHUNK = 1 << 25
_HEAD = 1 << 20
# from this many bytes per column on, missing markers are applied after the parse (one
# test per column); below it, by the parser, whose test of every field costs less than a
# column's test then (255 columns of 40k rows: 0.01 s in the parser, 0.2 s after it)
_AFTER_PARSE = 1 << 18


def _head(file: Path) -> bytes:
    with file.open("rb") as fh:
        return fh.read(_HEAD)


def _decode_error(data: bytes, exc: UnicodeDecodeError, file: Path, encoding: str) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    byte = data[exc.start : exc.start + 1]
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    utf8 = codecs.lookup(encoding).name == "utf-8"
    other = "encoding='cp1252' (or the file's own encoding)" if utf8 else "encoding='utf-8'"
    return (
        f"{file}: line {line}, byte {column} ({byte!r}) is not {encoding} text; save the "
        f"file as UTF-8, or read it with {other}"
    )


def _text(file: Path, encoding: str) -> bytes:
    """The whole file as UTF-8 bytes, decoded from ``encoding`` (BOM dropped)."""
    data = file.read_bytes()
    name = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(name).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(_decode_error(data, exc, file, encoding)) from None


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        msg = (
            f"encoding={encoding!r} is not an encoding Python knows; use e.g. 'utf-8', "
            "'cp1252' or 'latin-1'"
        )
        raise OptionError(msg, option="encoding") from None


def _delimiter(header: str, suffix: str, delimiter: str | None) -> str:
    if delimiter is not None:
        if len(delimiter) != 1 or delimiter in '"\r\n':
            msg = f"delimiter={delimiter!r} is not valid; use one character such as ',' or ';'"
            raise OptionError(msg, option="delimiter")
        return delimiter
    if suffix == ".tsv":
        return "\t"
    # a spreadsheet saved as CSV with a European locale separates cells with ';'
    if "," not in header:
        for other in (";", "\t"):
            if other in header:
                return other
    return ","


def _header_fields(head: bytes, delimiter: str, file: Path) -> list[str]:
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:
        # a carriage return alone inside an unquoted column name: old Mac line endings
        msg = (
            "the header has a line break (\\r) inside an unquoted column name; quote that "
            "name, or, if the file has old Mac line endings (\\r alone), save it with Windows "
            "or Unix line endings"
        )
        raise DataError([Problem("line 1", msg)], source=str(file)) from None


def _header_problems(fields: list[str]) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(fields, start=1):
        if name in seen:
            msg = (
                f"columns {seen[name]} and {i} are both named {name!r}; give each column its "
                "own name"
            )
            problems.append(Problem("line 1", msg))
        else:
            seen[name] = i
    return problems


def read_delimited(
    file: Path,
    *,
    suffix: str,
    delimiter: str | None,
    encoding: str,
    max_cell_bytes: int,
    missing: list[str] | None = None,
    columns: Sequence[str] | None = None,
    categorical: Callable[[str], bool] | None = None,
) -> pl.DataFrame:
    """A CSV or TSV file as text columns, or the problems that make it not a table.

    Cells equal to a ``missing`` marker are null, quoted or not (an empty cell always is).
    ``columns`` names the columns to parse (default: all); the header, the shape of every
    row and the encoding of every byte are checked for the whole file whatever it names, and
    when it names a column the header lacks, every column is read (so that the caller's
    message lists them all). The columns ``categorical`` says yes to are parsed as
    categorical text (the same text, coded as it is parsed: for columns of few distinct
    values that are coded next anyway).

    Raises
    ------
    InputFileError
        If the bytes are not in ``encoding``.
    DataError
        Listing every ragged or blank row, duplicate header names, a cell past the limit.
    OptionError
        For an unknown encoding or a delimiter that is not one character.
    """
    name = _check_encoding(encoding)
    if max_cell_bytes < 1:
        msg = f"max_cell_bytes={max_cell_bytes!r} is not valid; use a positive number of bytes"
        raise OptionError(msg, option="max_cell_bytes")
    native = name == "utf-8"
    if native:
        _check_head(file, encoding)
    size = file.stat().st_size
    text = b""
    with file.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else None
    try:
        if mapped is not None and not native:
            text = _text(file, encoding)
        buf: bytes | mmap.mmap = mapped if native and mapped is not None else text
        sep, fields = _header(file, buf, suffix, delimiter)
        chosen = _projection(fields, columns)
        # a parser of every column refuses a row too wide: then counts settle the shape
        shape = functools.partial(_checked_shape, file, sep, fields, max_cell_bytes)
        trailing = shape(buf, parser_refuses_wide_rows=chosen is None)
        if native and chosen is not None and mapped is not None:
            # polars checks the encoding of the columns it parses only
            _check_utf8(mapped, file)
        # polars parses a cell with text after its closing quote ("x"y) as the categorical
        # "x", silently, and refuses it as text: a file holding a quote is parsed as text
        quoted = categorical is not None and buf.find(b'"') >= 0
    finally:
        # closed before polars reads: the mapped pages would count twice in memory
        if mapped is not None:
            mapped.close()
    source: Path | io.BytesIO = file if native else io.BytesIO(text)
    kinds = [bool(categorical and not quoted and categorical(name)) for name in fields]
    markers = list(missing or [])  # checked, each once, by the caller (check_markers)
    # polars' null_values= compares the bytes between a cell's quotes (a""b), not its text
    # (a"b): a marker holding a quote is always applied after the parse
    tall = size >= _AFTER_PARSE * max(len(fields), 1)
    parser = [] if tall else [m for m in markers if '"' not in m]
    try:
        frame = _parse(file, source, sep, chosen, kinds, parser, native=native)
    except _TooWide as wide:
        # the rows average the header's width, and one is wider: count them line by line
        if native:
            with file.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
                shape(m)
        else:
            shape(text)
        raise wide.error from None
    del text
    frame = _markers_as_null(frame, [m for m in markers if m not in parser])
    return _finished(frame, fields if chosen is None else [fields[i] for i in chosen], trailing)


def check_markers(missing: Sequence[Any]) -> list[str]:
    """The missing markers, each once; or an ``OptionError`` naming ``missing=``.

    A marker is a text in UTF-8 (a ``None`` or a number is refused, as is a command-line
    byte that is not UTF-8): files of every size and format then apply the same markers.
    """
    if isinstance(missing, str):
        msg = f"missing={missing!r} is one text; give a list of the texts that mean missing"
        raise OptionError(msg, option="missing")
    markers = list(dict.fromkeys(missing))
    for marker in markers:
        if not isinstance(marker, str):
            msg = (
                f"missing= holds {marker!r} ({type(marker).__name__}); give the texts that "
                "mean missing, as strings (an empty cell is always missing)"
            )
            raise OptionError(msg, option="missing")
        try:
            marker.encode("utf-8")
        except UnicodeEncodeError:
            msg = f"missing= holds {marker!r}, which is not UTF-8 text; give it as text"
            raise OptionError(msg, option="missing") from None
    return markers


def _markers_as_null(frame: pl.DataFrame, markers: list[str]) -> pl.DataFrame:
    """Cells whose text is a missing marker as null, text and categorical columns alike.

    One ``is_in`` test per column, in one select; only columns holding a marker are
    rewritten. On a tall file this costs less than polars' ``null_values=``, which compares
    every field with every marker as it parses (0.3 s CPU on a 10M-row file of three
    columns, 0.7 s on 8M rows of nine).
    """
    if not markers or not frame.width or not frame.height:
        return frame
    names = frame.columns
    frame.columns = [f"c{i}" for i in range(frame.width)]
    found = frame.select(pl.col(c).is_in(markers).any() for c in frame.columns).row(0)
    hit = [c for c, holds in zip(frame.columns, found, strict=True) if holds]
    if hit:
        frame = frame.with_columns(
            pl.when(pl.col(c).is_in(markers)).then(None).otherwise(pl.col(c)).alias(c) for c in hit
        )
    frame.columns = names
    return frame


def check_delimited(
    file: Path, *, suffix: str, delimiter: str | None, max_cell_bytes: int
) -> tuple[str, list[str], int]:
    """The checks of :func:`read_delimited` without the parse, for a UTF-8 file streamed.

    The header (no duplicate or nameless column), every row's width, every line's length and
    every byte's encoding, in the same vectorised passes; the delimiter, the header's fields
    and the number of blank lines closing the file (polars reads each as a row of nulls;
    they are not rows) come back. A file with no header is an error: a stream has no empty
    table.
    """
    _check_head(file, "utf-8")
    if not file.stat().st_size:
        msg = f"{file}: is empty (no header, no rows); remove it from the parts"
        raise InputFileError(msg)
    with file.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        sep, fields = _header(file, buf, suffix, delimiter)
        trailing = _checked_shape(file, sep, fields, max_cell_bytes, buf)
        _check_utf8(buf, file)
    return sep, fields, trailing


def _check_head(file: Path, encoding: str) -> None:
    """The first megabyte is UTF-8: most files that are not show it there, with its line."""
    head = _head(file)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the end of the head is not an error
        if exc.start < len(head) - 4:
            raise InputFileError(_decode_error(head, exc, file, encoding)) from None


def _finished(frame: pl.DataFrame, names: list[str], trailing: int) -> pl.DataFrame:
    """The header's names on the columns; the blank lines that close the file left out."""
    # polars keeps the doubled quotes of a quoted column name ('a""b' for "a""b"); the csv
    # module read the header record as the CSV rules say
    if len(names) == frame.width:
        frame.columns = names
    if trailing and frame.height >= trailing:
        # polars reads the blank lines that close a file as rows of nulls
        tail = frame.tail(trailing)
        if tail.null_count().sum_horizontal().item() == trailing * frame.width:
            frame = frame.head(frame.height - trailing)
    return frame


class _TooWide(Exception):  # noqa: N818 - a signal, not an error shown to users
    """polars found a row with more fields than the header (``error`` says so its way)."""

    def __init__(self, error: InputFileError) -> None:
        super().__init__(str(error))
        self.error = error


def _header(
    file: Path, buf: bytes | mmap.mmap, suffix: str, delimiter: str | None
) -> tuple[str, list[str]]:
    """The delimiter and the header's fields; or the problems of the header."""
    head = buf[:_HEAD]
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    sep = _delimiter(first_line, suffix, delimiter)
    fields = _header_fields(head, sep, file)
    problems = _header_problems(fields)
    if problems:
        raise DataError(problems, source=str(file))
    return sep, fields


def _checked_shape(
    file: Path,
    sep: str,
    fields: list[str],
    max_cell_bytes: int,
    buf: bytes | mmap.mmap,
    *,
    parser_refuses_wide_rows: bool = False,
) -> int:
    """The blank lines closing the file; or the problems of its rows."""
    problems, trailing = shape_problems(
        buf,
        sep,
        max(len(fields), 1),
        max_cell_bytes,
        parser_refuses_wide_rows=parser_refuses_wide_rows,
    )
    if problems:
        raise DataError(problems, source=str(file))
    return trailing


def _projection(fields: list[str], columns: Sequence[str] | None) -> list[int] | None:
    """The positions of ``columns`` in the header, when they are all there and not all."""
    if columns is None:
        return None
    wanted = set(columns)
    if not wanted <= set(fields) or wanted == set(fields):
        return None
    return [i for i, name in enumerate(fields) if name in wanted]


def _check_utf8(buf: mmap.mmap, file: Path) -> None:
    """Every byte of the file is UTF-8 (ASCII in one vectorised pass, else decoded in steps)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(buf), _CHUNK):
            chunk = buf[start : start + _CHUNK]
            ascii_only = int(np.frombuffer(chunk, dtype=np.uint8).max(initial=0)) < 0x80
            if not (ascii_only and not decoder.getstate()[0]):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _raise_not_utf8(file)


def _raise_not_utf8(file: Path) -> None:
    """Raise the error naming the line and byte that is not UTF-8, if the file has one."""
    data = file.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise InputFileError(_decode_error(data, bad, file, "utf-8")) from None


def _parse(
    file: Path,
    source: Path | io.BytesIO,
    sep: str,
    columns: list[int] | None,
    categorical: list[bool],
    missing: list[str],
    *,
    native: bool,
) -> pl.DataFrame:
    """The file parsed by polars, every column as text (``categorical`` ones coded)."""
    options: dict[str, Any] = {}
    if columns is not None or any(categorical):
        # under positional names: a user's column name is never a pattern or a clash
        names = [f"c{i}" for i in range(len(categorical))]
        kind = pl.Categorical(pl.Categories.random())
        options["new_columns"] = names
        coded = [n for n, cat in zip(names, categorical, strict=True) if cat]
        options["schema_overrides"] = dict.fromkeys(coded, kind)
        if columns is not None:
            options["columns"] = [names[i] for i in columns]
    try:
        return polars_read(
            lambda: pl.read_csv(
                source,
                separator=sep,
                infer_schema=False,
                raise_if_empty=False,
                null_values=missing or None,
                truncate_ragged_lines=False,  # a row too wide is an error (see _balanced)
                **options,
            ),
            file,
            remedy="check that it is CSV or TSV and save it again",
        )
    except (pl.exceptions.SchemaError, pl.exceptions.ShapeError):
        if not options:
            raise
        # polars counts the header's fields otherwise than the csv module: read plainly
        if isinstance(source, io.BytesIO):
            source.seek(0)
        plain = _parse(file, source, sep, None, [False] * len(categorical), missing, native=native)
        if columns is not None and plain.width == len(categorical):
            plain = plain.select(pl.nth(columns))
        return plain
    except pl.exceptions.ComputeError as exc:
        if native and "utf" in str(exc).lower():
            _raise_not_utf8(file)
        text = quoted_detail(exc)
        msg = f"{file}: polars cannot read this table ({text}); check that it is CSV or TSV"
        if "more fields" in str(exc):
            raise _TooWide(InputFileError(msg)) from None
        raise InputFileError(msg) from None
