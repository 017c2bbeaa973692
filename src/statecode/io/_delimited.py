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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._text import quoted_detail
from statecode.exceptions import DataError, InputFileError, OptionError, Problem
from statecode.io._polars import polars_read

__all__ = ["DEFAULT_MAX_CELL_BYTES", "read_delimited"]

#: The longest cell (in bytes, on one line) a table may hold unless told otherwise: far
#: beyond any coding or document text, far below what would exhaust memory.
DEFAULT_MAX_CELL_BYTES = 16 << 20

_CHUNK = 1 << 25
# bytes per step of the regularity scan: its masks and marks stay small
_SCAN = 1 << 22
_HEAD = 1 << 20
_QUOTE = ord('"')
_NEWLINE = ord("\n")
# problems listed one by one before the rest are counted
_SHOWN = 10


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


def _chunks(buf: bytes | mmap.mmap) -> Iterator[bytes]:
    for start in range(0, len(buf), _CHUNK):
        yield buf[start : start + _CHUNK]


def _records(
    buf: bytes | mmap.mmap, delimiter: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per record (line break outside quotes): its delimiters, first line, start and length.

    Delimiters and line breaks inside quoted cells do not count; quoted line breaks do count
    towards the line numbers, as an editor shows them.
    """
    counts: list[NDArray[np.int64]] = []
    lines: list[NDArray[np.int64]] = []
    begins: list[NDArray[np.int64]] = []
    lengths: list[NDArray[np.int64]] = []
    inside = False
    carry = 0  # delimiters of the record still open at the end of the previous chunk
    line = 1
    start = 0  # where the open record started, in bytes from the start of the file
    start_line = 1
    offset = 0
    for chunk in _chunks(buf):
        b = np.frombuffer(chunk, dtype=np.uint8)
        parity = np.logical_xor.accumulate(b == _QUOTE)
        if inside:
            parity = ~parity
        breaks = b == _NEWLINE
        ends = np.flatnonzero(breaks & ~parity)
        delims = np.cumsum((b == delimiter) & ~parity, dtype=np.int64)
        at_end = delims[ends]
        per = np.diff(at_end, prepend=0)
        if per.size:
            per[0] += carry
        line_breaks = np.cumsum(breaks, dtype=np.int64)
        firsts = np.concatenate(([start_line], line + line_breaks[ends[:-1]])).astype(np.int64)
        starts = np.concatenate(([start], offset + ends[:-1] + 1)).astype(np.int64)
        counts.append(per)
        lines.append(firsts[: per.size])
        begins.append(starts[: per.size])
        lengths.append(offset + ends - starts[: per.size])
        if ends.size:
            carry = int(delims[-1] - at_end[-1])
            start = offset + int(ends[-1]) + 1
            start_line = line + int(line_breaks[ends[-1]])
        else:
            carry += int(delims[-1]) if delims.size else 0
        inside = bool(parity[-1]) if parity.size else inside
        line += int(line_breaks[-1]) if line_breaks.size else 0
        offset += b.size
    if start < offset:  # a last record without a line break
        counts.append(np.array([carry], dtype=np.int64))
        lines.append(np.array([start_line], dtype=np.int64))
        begins.append(np.array([start], dtype=np.int64))
        lengths.append(np.array([offset - start], dtype=np.int64))
    return (
        np.concatenate(counts),
        np.concatenate(lines),
        np.concatenate(begins),
        np.concatenate(lengths),
    )


def _plain_end(buf: bytes | mmap.mmap, columns: int) -> int | None:
    """Where the rows of a file without quotes end (before its last line break), or None.

    None for what only the line-by-line count handles: one column, a quote character, or
    blank lines closing the file.
    """
    size = len(buf)
    end = size - 1 if size and buf[size - 1 : size] == b"\n" else size
    last = buf.rfind(b"\n", 0, end) + 1
    if columns < 2 or end <= last or buf[last:end] == b"\r" or buf.find(b'"') >= 0:
        return None
    return end


def _balanced(buf: bytes | mmap.mmap, delimiter: int, columns: int) -> bool:
    """Whether a file without quotes has ``columns - 1`` delimiters per row on average.

    Exact where the parser refuses a row with a field too many (polars does, when it parses
    every column): no row above ``columns - 1`` and the average ``columns - 1`` leave no row
    below, a blank line included. Two counts, one vectorised pass. Only for files that end
    in a line break: polars takes a last line without one that ends in a delimiter for a
    row without its empty last field, which a short row elsewhere would balance.
    """
    if buf[len(buf) - 1 : len(buf)] != b"\n":
        return False
    end = _plain_end(buf, columns)
    if end is None:
        return False
    delimiters = breaks = 0
    for start in range(0, end, _SCAN):
        b = np.frombuffer(buf[start : min(end, start + _SCAN)], dtype=np.uint8)
        delimiters += int(np.count_nonzero(b == delimiter))
        breaks += int(np.count_nonzero(b == _NEWLINE))
    return delimiters == (columns - 1) * (breaks + 1)


def _regular(buf: bytes | mmap.mmap, delimiter: int, columns: int) -> bool:
    """Whether a file without quote characters has ``columns`` fields on every line.

    Exact, and one vectorised pass: the delimiters and line breaks of a regular file, in
    order, are ``columns - 1`` delimiters and a line break, again and again; so the line
    breaks among them must stand at every ``columns``-th place. A blank line, a line with
    a field too many or too few, or blank lines closing the file break that pattern, or are
    sent to the line-by-line count (False) that names them.
    """
    end = _plain_end(buf, columns)
    if end is None:
        return False
    seen = 0  # delimiters and line breaks before the chunk
    for start in range(0, end, _SCAN):
        b = np.frombuffer(buf[start : min(end, start + _SCAN)], dtype=np.uint8)
        marks = b[np.flatnonzero((b == delimiter) | (b == _NEWLINE))]
        breaks = np.flatnonzero(marks == _NEWLINE)
        expected = np.arange((columns - 1 - seen) % columns, marks.size, columns)
        if breaks.size != expected.size or not np.array_equal(breaks, expected):
            return False
        seen += marks.size
    return seen % columns == columns - 1


def _short_lines(buf: bytes | mmap.mmap, max_cell_bytes: int) -> bool:
    """Whether every line is at most ``max_cell_bytes`` long, by finding one line break per block.

    When every block of ``max_cell_bytes // 2`` bytes (but the last) holds a line break, no
    line is longer than two blocks; the last line is measured. False sends the file to the
    exact measure, which finds the longest line.
    """
    block = max_cell_bytes // 2
    size = len(buf)
    if block < 1:
        return False
    for start in range(0, size - block, block):
        if buf.find(b"\n", start, start + block) < 0:
            return False
    return size - (buf.rfind(b"\n") + 1) <= max_cell_bytes


def _longest_line(buf: bytes | mmap.mmap) -> tuple[int, int]:
    """The longest line in bytes, and its number."""
    longest, at, line, last = 0, 1, 1, -1
    offset = 0
    for chunk in _chunks(buf):
        b = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero(b == _NEWLINE) + offset
        if ends.size:
            gaps = np.diff(ends, prepend=last)
            k = int(gaps.argmax())
            if gaps[k] - 1 > longest:
                longest, at = int(gaps[k]) - 1, line + k
            line += ends.size
            last = int(ends[-1])
        offset += b.size
    if offset - last - 1 > longest:
        longest, at = offset - last - 1, line
    return longest, at


def _shape_problems(
    buf: bytes | mmap.mmap,
    delimiter: str,
    columns: int,
    max_cell_bytes: int,
    *,
    parser_refuses_wide_rows: bool = False,
) -> tuple[list[Problem], int]:
    """Rows narrower or wider than the header, blank lines, cells past the size limit.

    Also how many blank lines end the file: they close it and are not rows. With
    ``parser_refuses_wide_rows`` the rows need only average the right width (the parser
    then refuses a row too wide, and :class:`_TooWide` sends the file back here).
    """
    if not len(buf):
        return [], 0  # no header: read as an empty table
    if not _short_lines(buf, max_cell_bytes):
        longest, at = _longest_line(buf)
        if longest > max_cell_bytes:
            msg = (
                f"the line is {longest:,} bytes long, beyond the limit of {max_cell_bytes:,} "
                "bytes a cell may hold (max_cell_bytes=); if a cell really is this long, raise "
                "the limit"
            )
            return [Problem(f"line {at}", msg)], 0
    if parser_refuses_wide_rows and _balanced(buf, ord(delimiter), columns):
        return [], 0
    if _regular(buf, ord(delimiter), columns):
        return [], 0
    fields, lines, starts, lengths = _records(buf, ord(delimiter))
    fields += 1
    # a one-byte record that is a carriage return is a blank line of a CRLF file
    blank = lengths == 0
    for k in np.flatnonzero(lengths == 1).tolist():
        blank[k] = buf[int(starts[k]) : int(starts[k]) + 1] == b"\r"
    # blank lines at the end of the file close it; they are not rows
    last = len(fields)
    while last > 1 and blank[last - 1]:
        last -= 1
    trailing = len(fields) - last
    fields, lines, blank = fields[:last], lines[:last], blank[:last]
    # with one column an empty line is an empty cell (a missing value), not a blank row
    bad = np.flatnonzero((fields != columns) | (blank & (columns > 1)))
    problems = []
    for k in bad[:_SHOWN].tolist():
        where = f"line {int(lines[k])}"
        if blank[k] and columns > 1:
            problems.append(Problem(where, "is empty; delete it (each row of a table is a line)"))
        else:
            n = int(fields[k])
            msg = f"has {n} field{'s' if n != 1 else ''} and the header {columns}; " + (
                "fill in the missing cells (an empty cell is a missing value: write the delimiters)"
                if n < columns
                else f"quote the cell that holds {delimiter!r}, or remove the extra cells"
            )
            problems.append(Problem(where, msg))
    if bad.size > _SHOWN:
        problems.append(Problem("", f"... and {bad.size - _SHOWN} more such lines"))
    return problems, trailing


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

    Cells equal to a ``missing`` marker are read as null by the parser itself (an empty
    cell always is). ``columns`` names the columns to parse (default: all); the header, the
    shape of every row and the encoding of every byte are checked for the whole file
    whatever it names, and when it names a column the header lacks, every column is read
    (so that the caller's message lists them all). The columns ``categorical`` says yes to
    are parsed as categorical text (the same text, coded as it is parsed: for columns of
    few distinct values that are coded next anyway).

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
    finally:
        # closed before polars reads: the mapped pages would count twice in memory
        if mapped is not None:
            mapped.close()
    source: Path | io.BytesIO = file if native else io.BytesIO(text)
    kinds = [bool(categorical and categorical(name)) for name in fields]
    try:
        frame = _parse(file, source, sep, missing or [], chosen, kinds, native=native)
    except _TooWide as wide:
        # the rows average the header's width, and one is wider: count them line by line
        if native:
            with file.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
                shape(m)
        else:
            shape(text)
        raise wide.error from None
    del text
    return _finished(frame, fields if chosen is None else [fields[i] for i in chosen], trailing)


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
    problems, trailing = _shape_problems(
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
    missing: list[str],
    columns: list[int] | None,
    categorical: list[bool],
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
        plain = _parse(file, source, sep, missing, None, [False] * len(categorical), native=native)
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
