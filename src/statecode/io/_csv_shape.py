"""The shape of a delimited file's bytes: rows, fields and line lengths in vectorised passes.

What :mod:`statecode.io._delimited` checks before polars parses a CSV or TSV file (and
:func:`~statecode.scan_codings` before it streams one): every row as wide as the header,
no blank line inside the table, no line past the cell limit. Quoted fields follow the CSV
rules (a doubled quote inside a quoted field, line breaks within quotes).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from statecode.exceptions import Problem

__all__ = ["shape_problems"]

# bytes read at a time by the record count, and counted at a time by the vectorised scans
# (their masks and marks stay small)
_CHUNK = 1 << 25
_SCAN = 1 << 22
_QUOTE = ord('"')
_NEWLINE = ord("\n")
# problems listed one by one before the rest are counted
_SHOWN = 10


def _chunks(buf: bytes | mmap.mmap) -> Iterator[bytes]:
    for start in range(0, len(buf), _CHUNK):
        yield buf[start : start + _CHUNK]


def _records(
    buf: bytes | mmap.mmap, delimiter: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per record (line break outside quotes): its delimiters, first line, start and length.

    Delimiters and line breaks inside quoted cells do not count; quoted line breaks do count
    towards the line numbers, as an editor shows them. A byte is inside quotes when an odd
    number of quotes precede it (RFC 4180's doubled quotes leave the parity intact): per
    chunk, the positions of the quotes, line breaks and delimiters, and for each line break
    and delimiter the quotes before it by a binary search. No array per byte but three
    masks (a running parity and two running counts per byte took 4-7x the time and twice
    the memory on a 100 MB file of quoted cells).
    """
    counts: list[NDArray[np.int64]] = []
    lines: list[NDArray[np.int64]] = []
    begins: list[NDArray[np.int64]] = []
    lengths: list[NDArray[np.int64]] = []
    inside = 0  # 1 when the chunk starts inside a quoted cell
    carry = 0  # delimiters of the record still open at the end of the previous chunk
    line = 1  # the line the chunk starts on
    start = 0  # where the open record started, in bytes from the start of the file
    start_line = 1
    offset = 0
    for chunk in _chunks(buf):
        b = np.frombuffer(chunk, dtype=np.uint8)
        quotes = np.flatnonzero(b == _QUOTE)
        breaks = np.flatnonzero(b == _NEWLINE)
        delims = np.flatnonzero(b == delimiter)
        if quotes.size:
            # outside quotes: an even number of quotes before, counting the open cell
            ending = np.flatnonzero((np.searchsorted(quotes, breaks) + inside) % 2 == 0)
            delims = delims[(np.searchsorted(quotes, delims) + inside) % 2 == 0]
        elif inside:  # the whole chunk lies in one quoted cell
            ending, delims = breaks[:0], delims[:0]
        else:
            ending = np.arange(breaks.size)
        ends = breaks[ending]  # the records' line breaks; `ending`: their rank among all
        at_end = np.searchsorted(delims, ends)  # the delimiters before each record's end
        per = np.diff(at_end, prepend=0).astype(np.int64)
        if per.size:
            per[0] += carry
        firsts = np.concatenate(([start_line], line + ending[:-1] + 1)).astype(np.int64)
        starts = np.concatenate(([start], offset + ends[:-1] + 1)).astype(np.int64)
        counts.append(per)
        lines.append(firsts[: per.size])
        begins.append(starts[: per.size])
        lengths.append(offset + ends - starts[: per.size])
        if ends.size:
            carry = int(delims.size - at_end[-1])
            start = offset + int(ends[-1]) + 1
            start_line = line + int(ending[-1]) + 1
        else:
            carry += int(delims.size)
        inside = (int(quotes.size) + inside) % 2
        line += int(breaks.size)
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
    delimiters, breaks = _counts(buf, end, delimiter, _NEWLINE)
    return delimiters == (columns - 1) * (breaks + 1)


def _counts(buf: bytes | mmap.mmap, end: int, first: int, second: int) -> tuple[int, int]:
    """How many bytes of ``buf[:end]`` are ``first``, and how many ``second``.

    Read in place (no copy of the file's chunks), compared into one reused mask.
    """
    if end <= 0:
        return 0, 0
    whole = np.frombuffer(buf, dtype=np.uint8, count=end)
    chunk = whole[:0]
    mask = np.empty(min(end, _SCAN), dtype=bool)
    found = [0, 0]
    try:
        for start in range(0, end, _SCAN):
            chunk = whole[start : start + _SCAN]
            hit = mask[: chunk.size]
            found[0] += int(np.count_nonzero(np.equal(chunk, first, out=hit)))
            found[1] += int(np.count_nonzero(np.equal(chunk, second, out=hit)))
    finally:
        # the views of the file go, even when an error (an interrupt) leaves this frame
        # alive in its traceback: the caller's close() of the mapping must not fail
        del whole, chunk
    return found[0], found[1]


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


def shape_problems(
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
