"""Provenance: what a report was computed from and how, for a methods section to cite.

A report states the statecode version, when it was made, every input file with its size
and SHA-256, the codebook's name and version, the coefficients, and the bootstrap (method,
replicates, seed, and how many replicates were undefined). A file read for a coding table
is remembered as a :class:`SourceFile` (path, size, modification time); its digest is
computed when a report asks for it, and only if the file is still the one that was read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Provenance", "SourceFile", "statecode_version"]

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
        """The file's SHA-256, or None if it changed (or went) since it was read."""
        now = SourceFile.of(self.path)
        if now != self:
            return None
        digest = hashlib.sha256()
        try:
            with Path(self.path).open("rb") as fh:
                while chunk := fh.read(_CHUNK):
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
