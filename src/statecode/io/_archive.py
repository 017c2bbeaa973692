"""Zip archives opened for reading within limits: no member outside, no bomb, no extraction.

Members are read in memory, never extracted, in chunks; reading stops once the archive
unpacks beyond ``max_bytes`` or a member grows past 100 times its compressed size (and past
1 MiB). Members with absolute paths or ``..`` are refused (zip slip).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

from statecode._text import quoted_detail
from statecode.exceptions import DataError, InputFileError, OptionError, Problem, StatecodeError

__all__ = ["DEFAULT_MAX_BYTES", "Archive", "open_archive", "zip_bytes"]

#: Default limit on the bytes an archive may unpack to (1 GiB).
DEFAULT_MAX_BYTES = 1 << 30
# a member may expand this many times over its compressed size once past the floor
_MAX_RATIO = 100
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20
# the general-purpose flag bit of an encrypted member, and the methods zipfile unpacks
_ENCRYPTED = 0x1
_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def _climbs_out(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return (
        name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) is not None or (".." in parts)
    )


class Archive:
    """A zip archive opened for reading: member names checked, reads counted.

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open archive.
    source : str
        The file, for messages.
    max_bytes : int
        What all reads together may unpack to.
    remedy : str
        What the user can do about a damaged or hostile archive (``re-export the project
        from the QDA program``).
    """

    def __init__(
        self,
        zf: zipfile.ZipFile,
        source: str,
        max_bytes: int,
        remedy: str = "re-export the project from the QDA program",
        unpack_remedy: str = "re-export the project",
        what: str = "project",
    ) -> None:
        self._zip = zf
        self.source = source
        self._max = max_bytes
        self._left = max_bytes
        self.remedy = remedy
        self.unpack_remedy = unpack_remedy
        self.what = what
        problems = [
            Problem(
                f"member {info.filename!r}",
                "its path is absolute or climbs out of the archive with '..' (a zip-slip "
                f"archive); refusing the whole file: {remedy}",
            )
            for info in zf.infolist()
            if _climbs_out(info.filename)
        ]
        if problems:
            raise DataError(problems, source=source)
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            self._members.setdefault(info.filename.lower(), info)

    def files(self) -> list[zipfile.ZipInfo]:
        """Every member that is a file, in archive order."""
        return [info for info in self._zip.infolist() if not info.is_dir()]

    def find(self, *names: str) -> zipfile.ZipInfo | None:
        """The first member with one of these names (letter case ignored)."""
        for name in names:
            info = self._members.get(name.lower())
            if info is not None and not info.is_dir():
                return info
        return None

    def project(self) -> zipfile.ZipInfo:
        """The ``project.qde`` member (or the only ``.qde`` at the top level)."""
        info = self.find("project.qde")
        others = [
            i for i in self._members.values() if re.fullmatch(r"[^/\\]+\.qde", i.filename, re.I)
        ]
        if info is None and len(others) == 1:
            info = others[0]
        if info is None:
            listed = ", ".join(repr(i.filename) for i in list(self._members.values())[:10])
            msg = (
                f"no project.qde in the archive (members: {listed or 'none'}); "
                "is this a REFI-QDA project (.qdpx)?"
            )
            raise DataError([Problem("", msg)], source=self.source)
        return info

    def check_declared(self) -> None:
        """Refuse, before anything is unpacked, an archive whose members say they are too big.

        For readers that hand the archive to another library (openpyxl): what a member
        unpacks to is bounded by the size its header declares (zipfile stops there and
        checks the CRC), so the declared sizes are what needs checking. A member zipfile
        cannot unpack at all (encrypted, or compressed by a method it lacks) is refused
        here too, since the other library would raise zipfile's own errors.
        """
        total = 0
        for info in self._zip.infolist():
            self._check_unpackable(info)
            total += info.file_size
            if total > self._max:
                self._refuse(info, total)
            if info.file_size > max(_RATIO_FLOOR, info.compress_size * _MAX_RATIO):
                self._refuse(info, info.file_size, ratio=True)

    def _check_unpackable(self, info: zipfile.ZipInfo) -> None:
        size = os.path.getsize(self.source)
        if info.header_offset + info.compress_size > size:
            # a damaged size: zipfile would ask the operating system for that many bytes
            msg = (
                f"says it holds {info.compress_size:,} compressed bytes from byte "
                f"{info.header_offset:,}, past the end of the {size:,}-byte archive (damaged); "
                f"{self.unpack_remedy}"
            )
            raise DataError([Problem(f"member {info.filename!r}", msg)], source=self.source)
        if info.flag_bits & _ENCRYPTED:
            detail = "is encrypted (password protected)"
        elif info.compress_type not in _METHODS:
            detail = (
                f"is compressed by method {info.compress_type}, which Python's zipfile cannot "
                "unpack (it unpacks stored, deflate, bzip2 and lzma members)"
            )
        else:
            return
        msg = f"{detail}; {self.unpack_remedy}"
        raise DataError([Problem(f"member {info.filename!r}", msg)], source=self.source)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, read in chunks; stop as soon as a limit is passed."""
        self._check_unpackable(info)
        limit = min(self._left, max(_RATIO_FLOOR, info.compress_size * _MAX_RATIO))
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        self._refuse(info, size)
                    chunks.append(chunk)
        except StatecodeError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            RuntimeError,
            NotImplementedError,
            OSError,
            ValueError,
        ) as exc:
            detail = quoted_detail(exc)
            msg = f"cannot unpack the member ({detail}); {self.unpack_remedy}"
            raise DataError(
                [Problem(f"member {info.filename!r}", msg)], source=self.source
            ) from None
        self._left -= size
        return b"".join(chunks)

    def _refuse(self, info: zipfile.ZipInfo, size: int, *, ratio: bool = False) -> NoReturn:
        if size > self._left and not ratio:
            msg = (
                f"the archive unpacks to more than max_bytes={self._max} bytes (a zip bomb?); "
                f"refusing it. If the {self.what} really is this large, raise max_bytes"
            )
        else:
            msg = (
                f"expands more than {_MAX_RATIO} times over its {info.compress_size} compressed "
                "bytes (a zip bomb?); refusing it"
            )
        raise DataError([Problem(f"member {info.filename!r}", msg)], source=self.source)


@contextlib.contextmanager
def open_archive(
    file: Path,
    max_bytes: int,
    *,
    kind: str = "a .qdpx project",
    remedy: str = "export the project again as REFI-QDA",
    member_remedy: str | None = None,
) -> Iterator[Archive]:
    """Open a zip archive within limits; ``kind`` and ``remedy`` word the messages."""
    if max_bytes < 1:
        msg = f"max_bytes={max_bytes!r} is not valid; use a positive number of bytes"
        raise OptionError(msg, option="max_bytes")
    if file.is_dir():
        msg = f"{file}: is a folder, not {kind}; check the path"
        raise InputFileError(msg)
    try:
        zf = zipfile.ZipFile(file)
    except FileNotFoundError:
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        msg = f"not a zip archive, so not {kind}; {remedy}"
        raise DataError([Problem("", msg)], source=str(file)) from None
    except NotImplementedError as exc:
        # zipfile refuses a member that says it needs a newer zip version (one damaged byte
        # in the central directory is enough)
        msg = (
            f"a zip archive Python cannot read ({quoted_detail(exc)}): damaged, or made with "
            f"zip features Python lacks, so not readable as {kind}; {remedy}"
        )
        raise DataError([Problem("", msg)], source=str(file)) from None
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror or exc})"
        raise InputFileError(msg) from exc
    with zf:
        if member_remedy is None:
            yield Archive(zf, str(file), max_bytes)
        else:
            yield Archive(zf, str(file), max_bytes, member_remedy, member_remedy, kind)


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            # fixed time stamp and system: the same project gives the same bytes
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()
