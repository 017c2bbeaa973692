"""Codebook files: TOML (statecode's own format) and the codebooks shipped with statecode."""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from pathlib import Path

import tomli_w

from statecode._serialize import codebook_from_dict, codebook_to_dict
from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import CodebookError, InputFileError, Problem
from statecode.io._atomic import write_text_atomic

__all__ = ["codebook_to_toml", "read_codebook", "shipped_codebooks", "write_codebook"]

_SUFFIXES = (".toml", ".qdc")


def _shipped_dir() -> Path:
    # in a wheel the codebooks live in the package; in a source checkout (editable install)
    # they live in the repository's top-level codebooks/ folder
    packaged = Path(str(importlib.resources.files("statecode"))) / "codebooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "codebooks"


def shipped_codebooks() -> dict[str, Path]:
    """Return the codebooks shipped with statecode, by name.

    Examples
    --------
    >>> "readouts" in shipped_codebooks()
    True
    """
    directory = _shipped_dir()
    if not directory.is_dir():
        return {}
    return {p.stem: p for p in sorted(directory.glob("*.toml"))}


def _resolve(source: PathLike) -> Path:
    path = Path(source)
    if path.is_file():
        return path
    text = os.fspath(source)
    shipped = shipped_codebooks()
    if text in shipped:
        return shipped[text]
    names = ", ".join(shipped) or "(none)"
    msg = (
        f"{text}: no such codebook file, and no shipped codebook of that name "
        f"(shipped: {names}); check the path"
    )
    raise InputFileError(msg)


def read_codebook(source: PathLike) -> Codebook:
    """Read and validate a codebook.

    Parameters
    ----------
    source : str or path
        A ``.toml`` codebook file (format: ``docs/codebook-format.md``), a REFI-QDA ``.qdc``
        codebook (ATLAS.ti, MAXQDA, NVivo, QualCoder; see :func:`statecode.read_qdc`), or the
        name of a codebook shipped with statecode, such as ``"readouts"``.

    Returns
    -------
    Codebook

    Raises
    ------
    InputFileError
        If the file does not exist or its format is not known.
    CodebookError
        If the file is not valid TOML or not a valid codebook; the error lists every problem
        with its path, e.g. ``variables[3].categories[1].code: duplicate code 'nato'``.

    Examples
    --------
    >>> cb = read_codebook("readouts")
    >>> cb["blame_target"].level
    <Level.NOMINAL: 'nominal'>
    """
    path = _resolve(source)
    if path.suffix.lower() not in _SUFFIXES:
        msg = f"{path}: unknown codebook format {path.suffix!r}; use a .toml or .qdc file"
        raise InputFileError(msg)
    if path.suffix.lower() == ".qdc":
        from statecode.io._refi import read_qdc  # noqa: PLC0415 - REFI-QDA on demand

        return read_qdc(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError([Problem("", f"not valid TOML: {exc}")], source=str(path)) from exc
    except UnicodeDecodeError as exc:
        problem = Problem("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        raise CodebookError([problem], source=str(path)) from exc
    except OSError as exc:
        msg = f"{path}: cannot read the codebook ({exc.strerror})"
        raise InputFileError(msg) from exc
    return codebook_from_dict(raw, source=str(path))


def _has_carriage_return(data: object) -> bool:
    if isinstance(data, str):
        return "\r" in data
    if isinstance(data, dict):
        return any(_has_carriage_return(v) for v in data.values())
    if isinstance(data, list | tuple):
        return any(_has_carriage_return(v) for v in data)
    return False


def codebook_to_toml(codebook: Codebook) -> str:
    """Render a codebook as TOML text in statecode's codebook format.

    Text with line breaks is written as multi-line strings for easy editing, unless some text
    holds a carriage return: TOML readers normalise line breaks inside multi-line strings, so
    such text is written escaped to survive the round trip unchanged.
    """
    data = codebook_to_dict(codebook)
    return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))


def write_codebook(codebook: Codebook, path: PathLike) -> None:
    """Write a codebook to a ``.toml`` or REFI-QDA ``.qdc`` file (atomically).

    Reading the file back gives an equal codebook.
    """
    target = Path(path)
    if target.suffix.lower() not in _SUFFIXES:
        msg = f"{target}: unknown codebook format {target.suffix!r}; use a .toml or .qdc file"
        raise InputFileError(msg)
    if target.suffix.lower() == ".qdc":
        from statecode.io._refi import write_qdc  # noqa: PLC0415 - REFI-QDA on demand

        write_qdc(codebook, target)
        return
    write_text_atomic(target, codebook_to_toml(codebook))
