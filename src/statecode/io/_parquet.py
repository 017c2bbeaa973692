"""Parquet files checked before polars reads them: sizes that cannot be true are refused.

polars decodes a Parquet file's metadata (Thrift compact protocol) and allocates what the
file declares: one flipped bit that turns a string field into a list of 2**61 elements
makes it request exabytes, and the process aborts (no exception can catch that). This module
walks the footer and every page header with bounds: no list, map or string longer than the
bytes that remain, no page larger than its column chunk, no page unpacking beyond
``max_bytes``. A file that passes is handed to polars; one that does not is a
:class:`~statecode.DataError` naming the byte.

References
----------
Apache Parquet format: https://parquet.apache.org/docs/file-format/ ;
Apache Thrift compact protocol specification (``doc/specs/thrift-compact-protocol.md``).
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any

from statecode.exceptions import DataError, Problem

__all__ = ["check_parquet"]

_MAGIC = b"PAR1"
_MAX_DEPTH = 64
# Thrift compact types
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)
_REMEDY = "the file is damaged or not Parquet; write it again"
#: A page may unpack to this many times its stored bytes (codecs rarely pass 50) ...
_PAGE_RATIO = 1000
#: ... or to this much, whatever it holds.
_PAGE_FLOOR = 16 << 20
#: All pages together may unpack to this many times the file (or to max_bytes).
_FILE_RATIO = 100


class _BadFileError(Exception):
    def __init__(self, at: int, what: str) -> None:
        super().__init__(what)
        self.at = at
        self.what = what


class _Reader:
    """Bounded Thrift compact decoding of ``buf[start:end]``."""

    def __init__(self, buf: bytes | mmap.mmap, start: int, end: int) -> None:
        self.buf = buf
        self.pos = start
        self.end = end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise _BadFileError(self.pos, "the metadata ends in the middle of a value")
        value = self.buf[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        for _ in range(10):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
        raise _BadFileError(self.pos, "a number longer than 10 bytes")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def size(self, n: int, smallest: int) -> int:
        """A declared count of items, each at least ``smallest`` bytes: it must fit."""
        if n < 0 or n * smallest > self.end - self.pos:
            raise _BadFileError(
                self.pos, f"a count of {n:,} items, more than the bytes left can hold"
            )
        return n

    def value(self, kind: int, depth: int) -> Any:  # noqa: PLR0911 (one return per type)
        if depth > _MAX_DEPTH:
            raise _BadFileError(self.pos, "the metadata nests too deep")
        if kind in (_TRUE, _FALSE):
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            self.size(8, 1)
            data = bytes(self.buf[self.pos : self.pos + 8])
            self.pos += 8
            return struct.unpack("<d", data)[0]
        if kind == _BINARY:
            n = self.size(self.varint(), 1)
            self.pos += n
            return n  # the length is all the checks need
        if kind in (_LIST, _SET):
            head = self.byte()
            n = head >> 4
            if n == 15:
                n = self.varint()
            inner = head & 0x0F
            self.size(n, 1)
            return [
                self.value(_BYTE if inner in (_TRUE, _FALSE) else inner, depth + 1)
                for _ in range(n)
            ]
        if kind == _MAP:
            n = self.size(self.varint(), 2)
            if n == 0:
                return {}
            types = self.byte()
            if types >> 4 in (_LIST, _SET, _MAP, _STRUCT):
                # no Parquet metadata holds a map, least of all one keyed by a container
                raise _BadFileError(self.pos - 1, "a map keyed by a list, set, map or structure")
            return {
                self.value(types >> 4, depth + 1): self.value(types & 0x0F, depth + 1)
                for _ in range(n)
            }
        if kind == _STRUCT:
            return self.struct(depth + 1)
        raise _BadFileError(self.pos - 1, f"an unknown value type {kind}")

    def struct(self, depth: int = 0) -> dict[int, Any]:
        fields: dict[int, Any] = {}
        last = 0
        while True:
            head = self.byte()
            kind = head & 0x0F
            if kind == 0:
                return fields
            delta = head >> 4
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(kind, depth)


def _int(fields: dict[int, Any], key: int, at: int, what: str) -> int:
    value = fields.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _BadFileError(at, f"{what} is missing or negative")
    return value


def _pages(buf: bytes | mmap.mmap, size: int, meta: dict[int, Any], max_bytes: int) -> int:
    """Walk one column chunk's page headers; return what its pages unpack to."""
    at = _int(meta, 9, 0, "a column's data page offset")
    dictionary = meta.get(11)
    if isinstance(dictionary, int) and 0 < dictionary < at:
        at = dictionary
    total = _int(meta, 7, at, "a column's compressed size")
    end = at + total
    if end > size:
        raise _BadFileError(at, f"a column chunk of {total:,} bytes runs past the end of the file")
    unpacked = 0
    while at < end:
        reader = _Reader(buf, at, end)
        header = reader.struct()
        uncompressed = _int(header, 2, at, "a page's uncompressed size")
        compressed = _int(header, 3, at, "a page's compressed size")
        if reader.pos + compressed > end:
            raise _BadFileError(at, f"a page of {compressed:,} bytes runs past its column chunk")
        if uncompressed > max(_PAGE_FLOOR, _PAGE_RATIO * compressed):
            raise _BadFileError(
                at,
                f"a page of {compressed:,} bytes declares {uncompressed:,} bytes unpacked, more "
                f"than {_PAGE_RATIO} times its size",
            )
        unpacked += uncompressed
        if unpacked > max_bytes:
            raise _BadFileError(at, f"the pages unpack to more than {max_bytes:,} bytes")
        at = reader.pos + compressed
    return unpacked


def _walk(buf: bytes | mmap.mmap, size: int, max_bytes: int) -> None:
    """Raise :class:`_BadFileError` at the first impossible size in the file's metadata."""
    if buf[:4] != _MAGIC or buf[-4:] != _MAGIC:
        raise _BadFileError(0, "no PAR1 marks at its start and end")
    length = struct.unpack("<i", buf[-8:-4])[0]
    start = size - 8 - length
    if length <= 0 or start < 4:
        raise _BadFileError(size - 8, f"a footer of {length:,} bytes does not fit the file")
    footer = _Reader(buf, start, size - 8).struct()
    limit = max(max_bytes, _FILE_RATIO * size)
    unpacked = 0
    for group in _structs(footer, 4, start, "the row groups"):
        for chunk in _structs(group, 1, start, "a row group's columns"):
            meta = chunk.get(3)
            if meta is None:
                continue
            if not isinstance(meta, dict):
                raise _BadFileError(start, "a column's metadata is not a structure")
            unpacked += _pages(buf, size, meta, limit - unpacked)


def _structs(fields: dict[int, Any], key: int, at: int, what: str) -> list[dict[int, Any]]:
    """A list of structures in the metadata (empty when absent), or why it is not one."""
    value = fields.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _BadFileError(at, f"{what} are not a list of structures")
    return value


def check_parquet(file: Path, *, max_bytes: int) -> None:
    """Refuse a Parquet file whose metadata declares what its bytes cannot hold.

    Every count and length in the footer and the page headers must fit the bytes that
    remain; a page may unpack to at most 1000 times its stored size (or 16 MiB), and all
    pages together to ``max_bytes`` or 100 times the file, whichever is larger.

    Raises
    ------
    DataError
        Naming the byte where the footer or a page header is impossible, or the limit the
        pages would unpack past.
    """
    size = file.stat().st_size
    if size < 12:
        msg = f"{size} bytes is too short for Parquet; {_REMEDY}"
        raise DataError([Problem("", msg)], source=str(file))
    with file.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        try:
            _walk(buf, size, max_bytes)
        except _BadFileError as bad:
            msg = f"byte {bad.at:,}: {bad.what}; {_REMEDY}"
            raise DataError([Problem("", msg)], source=str(file)) from None
