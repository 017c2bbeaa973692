"""Provenance: what a report was computed from and how, for a methods section to cite.

A report states the statecode version, when it was made, every input file with its size
and SHA-256, the codebook's name and version, the coefficients, and the bootstrap (method,
replicates, seed, and how many replicates were undefined). A file read for a coding table
is remembered as a :class:`SourceFile` (path, size, modification time); its digest is
computed when a report asks for it, and only if the file is still the one that was read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Provenance", "SourceFile", "digests_ahead", "statecode_version"]

_CHUNK = 1 << 20


def statecode_version() -> str:
    """The installed statecode's version (``unknown`` when run from a bare source tree)."""
    try:
        return metadata.version("statecode")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


@attrs.frozen
class SourceFile:
    """A file as it was when it was read: path, size and modification time.

    Attributes
    ----------
    path : str
        The path given to the reader.
    size : int
        Its size in bytes then.
    mtime_ns : int
        Its modification time then (nanoseconds).
    """

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> SourceFile | None:
        """The file at ``path`` as it is now, or None if it is not a readable file."""
        try:
            info = Path(path).stat()
        except OSError:
            return None
        return cls(os.fspath(path), info.st_size, info.st_mtime_ns)

    def sha256(self) -> str | None:
        """The file's SHA-256, or None if it changed (or went) since it was read.

        Inside :func:`digests_ahead` for this file, the digest made in the background.
        """
        ahead = _AHEAD.get(self)
        if ahead is None:
            return self._digest()
        ahead.join()
        if ahead.failed or (ahead.value is None and ahead.stop.is_set()):
            # stopped by the block that started it (another thread's), or failed there:
            # made here, as without a block (a failure is raised here, to the caller)
            return self._digest()
        # the file must still be the one read, now as when the digest was made
        return ahead.value if SourceFile.of(self.path) == self else None

    def _digest(self, stop: threading.Event | None = None) -> str | None:
        if SourceFile.of(self.path) != self:
            return None
        digest = hashlib.sha256()
        try:
            with Path(self.path).open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if stop is not None and stop.is_set():
                        return None
                    digest.update(chunk)
        except OSError:
            return None
        return digest.hexdigest()

    def describe(self) -> dict[str, Any]:
        """Name, size and digest, as a report lists an input."""
        digest = self.sha256()
        out: dict[str, Any] = {"file": Path(self.path).name, "path": self.path, "bytes": self.size}
        out["sha256"] = digest if digest is not None else None
        if digest is None:
            out["note"] = "the file changed or went after it was read: no digest"
        return out


class _Ahead(threading.Thread):
    """A file's SHA-256 made in a thread (hashlib and file reads release the GIL)."""

    def __init__(self, source: SourceFile) -> None:
        super().__init__(name=f"statecode-sha256 {source.path}", daemon=True)
        self.source = source
        self.stop = threading.Event()
        self.value: str | None = None
        self.failed = False

    def run(self) -> None:
        try:
            self.value = self.source._digest(self.stop)
        except BaseException:  # noqa: BLE001 - the caller makes the digest again, and sees it
            self.failed = True


# the digests being made, each published once its thread runs (a thread not started cannot
# be joined); the lock makes looking up and publishing one step
_AHEAD: dict[SourceFile, _Ahead] = {}
_AHEAD_LOCK = threading.Lock()


@contextlib.contextmanager
def digests_ahead(sources: Iterable[SourceFile | str | None]) -> Iterator[None]:
    """Make the SHA-256 of the ``SourceFile`` among ``sources`` while the block runs.

    A report states its file's digest, which reading the file once more makes (0.55 s for
    a 761 MB file): started first, it runs on another core beside the coefficients.
    :meth:`SourceFile.sha256` inside the block waits for it; a digest not asked for is
    stopped at the end of the block. Blocks may nest and run in several threads at once: a
    file already being digested is left to the block that started it, and a digest that
    block stopped, or that failed, is made by the caller of ``sha256``.
    """
    started: list[_Ahead] = []
    try:
        for source in sources:
            if not isinstance(source, SourceFile):
                continue
            with _AHEAD_LOCK:
                if source in _AHEAD:
                    continue
                ahead = _Ahead(source)
                try:
                    ahead.start()
                except RuntimeError:  # no thread to be had: the digest is made when asked
                    continue
                started.append(ahead)  # first: an interrupt cannot leave it published
                _AHEAD[source] = ahead
        yield
    finally:
        for ahead in started:
            ahead.stop.set()
            with _AHEAD_LOCK:
                if _AHEAD.get(ahead.source) is ahead:
                    del _AHEAD[ahead.source]


@attrs.frozen
class Provenance:
    """What a report was computed from and how.

    Attributes
    ----------
    statecode : str
        The statecode version.
    created : str
        When (UTC, ISO 8601, to the second).
    inputs : tuple of dict
        Each input: ``file``, ``path``, ``bytes``, ``sha256`` (None for data not read from
        a file, or for a file changed since it was read, with a ``note``).
    codebook : dict or None
        ``name`` and ``version`` of the codebook the values were checked against.
    coefficients : tuple of str
        The coefficients reported.
    bootstrap : dict or None
        ``method``, ``replicates``, ``seed``, ``confidence`` and ``undefined`` (replicates
        discarded or undefined, summed over the variables), when alpha was bootstrapped.
    """

    statecode: str
    created: str
    inputs: tuple[dict[str, Any], ...]
    codebook: dict[str, Any] | None
    coefficients: tuple[str, ...]
    bootstrap: dict[str, Any] | None = None

    @classmethod
    def now(
        cls,
        *,
        inputs: Sequence[SourceFile | str | None],
        codebook: tuple[str, str] | None,
        coefficients: Sequence[str],
        bootstrap: dict[str, Any] | None = None,
    ) -> Provenance:
        """The provenance of a report made now from ``inputs``."""
        described = []
        for source in inputs:
            if isinstance(source, SourceFile):
                described.append(source.describe())
            elif source is not None:
                described.append({"file": source, "path": None, "bytes": None, "sha256": None})
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return cls(
            statecode=statecode_version(),
            created=stamp,
            inputs=tuple(described),
            codebook=None if codebook is None else {"name": codebook[0], "version": codebook[1]},
            coefficients=tuple(coefficients),
            bootstrap=bootstrap,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "statecode": self.statecode,
            "created": self.created,
            "inputs": [dict(i) for i in self.inputs],
            "codebook": self.codebook,
            "coefficients": list(self.coefficients),
            "bootstrap": self.bootstrap,
        }

    def lines(self) -> list[str]:
        """One line per fact, for Markdown and HTML."""
        out = [f"statecode {self.statecode}, {self.created}"]
        for item in self.inputs:
            digest = item.get("sha256")
            size = f", {item['bytes']:,} bytes" if item.get("bytes") is not None else ""
            where = f"sha256 {digest}" if digest else item.get("note", "not read from a file")
            out.append(f"input: {item['file']}{size}, {where}")
        if self.codebook is not None:
            version = f" {self.codebook['version']}" if self.codebook.get("version") else ""
            out.append(f"codebook: {self.codebook['name']}{version}")
        else:
            out.append("codebook: none (values taken as they are)")
        out.append(f"coefficients: {', '.join(self.coefficients)}")
        boot = self.bootstrap
        if boot:
            out.append(
                f"bootstrap of alpha: {boot['replicates']:,} replicates, method {boot['method']}, "
                f"seed {boot['seed']}, {boot['confidence']:.0%} percentile intervals, "
                f"{boot['undefined']:,} replicates undefined"
            )
        else:
            out.append("bootstrap of alpha: none")
        return out
