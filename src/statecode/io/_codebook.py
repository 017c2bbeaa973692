"""Codebook files: TOML (statecode's own format) and the codebooks shipped with statecode."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from statecode._serialize import unstructure
from statecode._typing import PathLike
from statecode.codebook import Codebook, resolve_codebook
from statecode.exceptions import CodebookError, InputFileError, Problem
from statecode.io._atomic import write_text_atomic

__all__ = ["codebook_to_toml", "read_codebook", "write_codebook"]

_SUFFIXES = (".toml", ".qdc")
# formats other tools read that carry a codebook back (written by ``codebook export``)
_READ_ONLY = (".json", ".xml")


def read_codebook(source: PathLike) -> Codebook:
    """Read and validate a codebook.

    Parameters
    ----------
    source : str or path
        A ``.toml`` codebook file (format: ``docs/codebook-format.md``), a REFI-QDA ``.qdc``
        codebook (ATLAS.ti, MAXQDA, NVivo, QualCoder; see :func:`statecode.read_qdc`), a
        Frictionless Table Schema (``.json``, see
        :func:`~statecode.codebook_from_frictionless`), a DDI Codebook 2.5 document
        (``.xml``, see :func:`~statecode.codebook_from_ddi`), or the name of a codebook
        shipped with statecode, such as ``"readouts"``.

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
    path = resolve_codebook(source)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES + _READ_ONLY:
        msg = (
            f"{path}: unknown codebook format {path.suffix!r}; use a .toml or .qdc file (or "
            "a Table Schema .json or a DDI Codebook .xml)"
        )
        raise InputFileError(msg)
    if suffix == ".qdc":
        # other tools' formats (XML, REFI-QDA) are imported only to read or write them
        from statecode.io.refi import read_qdc  # noqa: PLC0415

        return read_qdc(path)
    if suffix in _READ_ONLY:
        return _read_other(path)
    return Codebook.from_toml(path)


def _read_other(path: Path) -> Codebook:
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"{path}: cannot read the codebook ({exc.strerror})"
        raise InputFileError(msg) from exc
    if path.suffix.lower() == ".xml":
        from statecode.io._ddi import codebook_from_ddi  # noqa: PLC0415

        return codebook_from_ddi(data, source=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        raise CodebookError([problem], source=str(path)) from None
    from statecode.io._codebook_formats import codebook_from_frictionless  # noqa: PLC0415

    try:
        return codebook_from_frictionless(text, name=None)
    except CodebookError as exc:
        raise CodebookError(exc.problems, source=str(path)) from None


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
    data = unstructure(codebook)
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
        from statecode.io.refi import write_qdc  # noqa: PLC0415

        write_qdc(codebook, target)
        return
    write_text_atomic(target, codebook_to_toml(codebook))
