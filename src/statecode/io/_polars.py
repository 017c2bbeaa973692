"""Calls into polars' readers that cannot leak a Rust panic or its backtrace to the user.

polars' Rust code panics on some damaged files (a Parquet page whose lengths lie, say) instead
of returning an error: the panic reaches Python as ``PanicException``, which derives from
``BaseException`` and so slips past ``except Exception``, and Rust prints each panicking
thread's message and backtrace straight to file descriptor 2 before that. ``polars_read``
turns the panic into an ``InputFileError`` and keeps the Rust output out of the terminal.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import polars as pl

from statecode._text import quoted_detail
from statecode.exceptions import InputFileError

__all__ = ["polars_read"]

T = TypeVar("T")


@contextlib.contextmanager
def _stderr_held(held: list[bytes]) -> Iterator[None]:
    """Hold in ``held`` what is written to file descriptor 2 meanwhile."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 to hold
        yield
        return
    with tempfile.TemporaryFile() as buffer:
        os.dup2(buffer.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            buffer.seek(0)
            held.append(buffer.read())


def _replay(held: list[bytes]) -> None:
    for data in held:
        if data:
            with contextlib.suppress(OSError):
                os.write(2, data)


def polars_read(read: Callable[[], T], file: Path, *, remedy: str) -> T:
    """``read()``, with a polars panic on ``file`` raised as an ``InputFileError``.

    What polars writes to stderr is shown as usual when it returns or raises an ordinary
    error; after a panic the Rust backtrace is dropped and the error names the file.
    """
    held: list[bytes] = []
    try:
        with _stderr_held(held):
            result = read()
    except pl.exceptions.PanicException as exc:
        detail = quoted_detail(exc, limit=160)
        msg = f"{file}: polars failed on this file, which looks damaged ({detail}); {remedy}"
        raise InputFileError(msg) from None
    except BaseException:
        _replay(held)
        raise
    _replay(held)
    return result
