"""REFI-QDA codebooks (``.qdc``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import CodebookError, InputFileError, Problem
from statecode.io._atomic import write_text_atomic
from statecode.io.refi._codes import codebook_from_xml, codebook_set, codes_element, flatten
from statecode.io.refi._xml import (
    CODEBOOK_NS,
    ORIGIN,
    expect_root,
    first_child,
    parse_xml,
    xml_text,
)

__all__ = ["read_file", "read_qdc", "write_qdc"]


def read_file(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg) from None
    except IsADirectoryError:
        msg = f"{file}: is a folder, not a .qdc codebook; check the path"
        raise InputFileError(msg) from None
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror})"
        raise InputFileError(msg) from exc


def read_qdc(path: PathLike) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``).

    Parameters
    ----------
    path : str or path
        The ``.qdc`` file.

    Returns
    -------
    Codebook

    Raises
    ------
    InputFileError
        If the file cannot be read.
    DataError
        If the file is not well-formed XML, declares a document type (refused: see the module
        notes), or is not a REFI-QDA codebook.
    CodebookError
        If a ``[statecode]`` block is malformed or the codes do not make a valid codebook;
        the error lists every problem.

    Notes
    -----
    The mapping is described in the module docstring: top-level codes are variables, nested
    codes their categories, the remaining fields are read from the ``[statecode]`` block of
    each description. Codes made by another program become nominal multi-label variables
    (a top-level code with sub-codes) or the categories of one variable ``codes`` (top-level
    codes without sub-codes). Without statecode's code set the codebook is named after the
    file stem, with no version and no description.

    References
    ----------
    REFI (2019). QDA-XML 1.0: Codebook exchange standard. Rotterdam Exchange Format
    Initiative. https://www.qdasoftware.org

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from statecode import read_codebook
    >>> cb = read_codebook("readouts")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "readouts.qdc"
    ...     write_qdc(cb, path)
    ...     read_qdc(path) == cb
    True
    """
    file = Path(path)
    root = parse_xml(read_file(file), str(file), "")
    expect_root(root, "CodeBook", str(file), "")
    flat = flatten(first_child(root, "Codes"), str(file), "")
    codebook, _ = codebook_from_xml(root, flat, file.stem, str(file))
    return codebook


def write_qdc(codebook: Codebook, path: PathLike) -> None:
    """Write a codebook as a REFI-QDA codebook (``.qdc``), atomically.

    Parameters
    ----------
    codebook : Codebook
        The codebook; it needs at least one variable (Codebook.xsd requires a code).
    path : str or path
        The file to write.

    Raises
    ------
    CodebookError
        If the codebook has no variables, or a name or code holds a character XML 1.0
        cannot carry (control characters, U+FFFE, U+FFFF).
    InputFileError
        If the file cannot be written.

    Notes
    -----
    Variables become top-level codes (``isCodable="false"``), categories nested codes
    (``isCodable="true"``); every other field goes into the descriptions (see the module
    docstring), and the codebook's name, version and description into a code set named after
    the codebook. :func:`read_qdc` gives back an equal codebook. The same codebook always
    gives the same bytes.
    """
    if not codebook.variables:
        msg = "a .qdc file needs at least one code (Codebook.xsd); add a variable"
        raise CodebookError([Problem("variables", msg)])
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    codes, guids = codes_element(codebook)
    root.append(codes)
    ET.SubElement(root, "Sets").append(codebook_set(codebook, guids, "guid"))
    write_text_atomic(Path(path), xml_text(root))
