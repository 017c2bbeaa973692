"""Atomic file writes: a crash never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from statecode.exceptions import InputFileError

__all__ = ["make_folder", "write_bytes_atomic", "write_text_atomic"]


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never a part of it.
    """
    if path.is_dir():
        msg = f"{path}: is a folder; name a file to write (e.g. {path / 'out'}{path.suffix})"
        raise InputFileError(msg)
    directory = path.parent if str(path.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        msg = f"{path}: cannot write here ({exc.strerror}); check the folder exists and is writable"
        raise InputFileError(msg) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain write would
        os.chmod(tmp, _mode(path))
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        msg = (
            f"{path}: cannot write the file ({exc.strerror or exc}); the old file, if any, is "
            "unchanged: free some space or choose another place"
        )
        raise InputFileError(msg) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 (newlines as given), atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def make_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (and its parents) to write ``what`` into; a file there is an error."""
    if folder.exists() and not folder.is_dir():
        msg = f"{folder}: is a file, not a folder; name a folder to write {what} into"
        raise InputFileError(msg)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{folder}: cannot create the folder ({exc.strerror or exc})"
        raise InputFileError(msg) from exc
