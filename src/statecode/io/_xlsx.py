"""Excel workbooks (``.xlsx``, the ``xlsx`` extra): the first sheet as text, and back.

An ``.xlsx`` file is a zip archive, so it is opened under the archive limits of every zip
statecode reads (no member outside the archive, no bomb); openpyxl then reads it, and
whatever it raises about a damaged file becomes a :class:`~statecode.DataError`. A formula
cell is read as the value the spreadsheet program computed and saved with it; a formula
saved without one (a file written by a script) is an error, not a missing value.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import polars as pl

from statecode._text import quoted_detail
from statecode.exceptions import DataError, MissingExtraError, Problem
from statecode.io._archive import open_archive

__all__ = ["read_xlsx", "write_xlsx"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_REMEDY = "save the workbook again from Excel or LibreOffice, or as CSV"
# problems listed one by one before the rest are counted
_SHOWN = 10


def openpyxl_module() -> Any:
    """openpyxl, or an error that says what to install."""
    try:
        import openpyxl  # noqa: PLC0415 - the optional xlsx extra
    except ImportError as exc:
        msg = (
            "Excel files need openpyxl, which is not installed: pip install 'statecode[xlsx]' "
            "(or save the sheet as CSV)"
        )
        raise MissingExtraError(msg) from exc
    return openpyxl


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _column(index: int) -> str:
    """Excel's column letters: 1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _rows(file: Path, *, data_only: bool) -> list[tuple[Any, ...]]:
    openpyxl = openpyxl_module()
    # statecode opens the file, so it is closed however openpyxl fails (openpyxl leaves its
    # own handle open when a workbook's XML is refused)
    try:
        with file.open("rb") as fh:
            book = openpyxl.load_workbook(fh, read_only=True, data_only=data_only)
            try:
                if not book.worksheets:
                    return []
                return list(book.worksheets[0].iter_rows(values_only=True))
            finally:
                book.close()
    except (
        zipfile.BadZipFile,
        zlib.error,
        ParseError,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
        EOFError,
        OSError,
    ) as exc:
        detail = quoted_detail(exc, kind=True)
        msg = f"not a workbook openpyxl can read ({detail}); {_REMEDY}"
        raise DataError([Problem("", msg)], source=str(file)) from None


def read_xlsx(file: Path, *, max_bytes: int) -> pl.DataFrame:
    """The first sheet of a workbook as text: header in row 1, values as displayed text.

    Raises
    ------
    DataError
        For a damaged or hostile archive, a header cell without a name, a duplicate header
        name, a value below no header, or a formula saved without its value.
    """
    with open_archive(
        file, max_bytes, kind="an .xlsx workbook", remedy=_REMEDY, member_remedy=_REMEDY
    ) as archive:
        archive.check_declared()
    rows = _rows(file, data_only=True)
    if not rows:
        return pl.DataFrame()
    header = list(rows[0])
    while header and header[-1] is None:
        header.pop()
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        where = f"cell {_column(i)}1"
        if name is None or not str(name).strip():
            problems.append(Problem(where, "the column has no name; name it in row 1"))
            continue
        text = str(name)
        if text in seen:
            msg = f"columns {_column(seen[text])} and {_column(i)} are both named {text!r}"
            problems.append(Problem(where, f"{msg}; give each column its own name"))
        seen.setdefault(text, i)
    width = len(header)
    for r, row in enumerate(rows[1:], start=2):
        extra = [c for c in range(width, len(row)) if row[c] is not None]
        if extra:
            cell = f"{_column(extra[0] + 1)}{r}"
            problems.append(
                Problem(f"cell {cell}", "holds a value below no column name; name the column")
            )
    if problems:
        raise DataError(problems[:_SHOWN], source=str(file))
    body = [[_cell_text(v) for v in row[:width]] for row in rows[1:]]
    if any(v is None for row in body for v in row):
        problems = _uncomputed_formulas(file, body, width)
        if problems:
            raise DataError(problems, source=str(file))
    names = [str(h) for h in header]
    return pl.DataFrame(body, schema=dict.fromkeys(names, pl.String), orient="row")


def _uncomputed_formulas(file: Path, body: list[list[str | None]], width: int) -> list[Problem]:
    """Empty cells that hold a formula without its computed value."""
    formulas = _rows(file, data_only=False)[1:]
    found = []
    for r, (values, raw) in enumerate(zip(body, formulas, strict=False), start=2):
        for c in range(width):
            cell = raw[c] if c < len(raw) else None
            if values[c] is None and isinstance(cell, str) and cell.startswith("="):
                found.append((f"cell {_column(c + 1)}{r}", cell))
    problems = [
        Problem(
            where,
            f"holds the formula {formula!r} but no value computed from it (the workbook was "
            "saved by a program that does not compute formulas); open it in Excel or "
            "LibreOffice and save it, or write the value instead of the formula",
        )
        for where, formula in found[:_SHOWN]
    ]
    if len(found) > _SHOWN:
        problems.append(Problem("", f"... and {len(found) - _SHOWN} more such cells"))
    return problems


def write_xlsx(frame: pl.DataFrame, buffer: io.BytesIO) -> None:
    """Write a frame as a one-sheet workbook; text stays text (never a formula)."""
    openpyxl = openpyxl_module()
    for column, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        # a Series method goes through pl.col(name): a name such as ^a$ would be a pattern
        series = frame.get_column(column).alias("value")
        bad = series.filter(series.str.contains(_ILLEGAL.pattern))
        if bad.len():
            msg = (
                f"column {column!r}: value {bad[0]!r} holds a control character (or a carriage "
                "return) that Excel files cannot hold; write CSV, TSV, Parquet or JSON Lines"
            )
            raise DataError(msg)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "codings"
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, and "01" stays as written
    book.save(buffer)
