"""Tabular files: CSV, TSV, Parquet, JSON Lines and Excel, read into polars as text.

Spreadsheet safety: a cell that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and not a plain number) is written to
CSV, TSV and Excel files with a leading apostrophe, which spreadsheets show as text. Reading
those formats removes exactly one apostrophe before such text, so a round trip is exact (text
that already starts with apostrophes before a formula character gets one more on the way
out and loses it on the way in).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from statecode._frames import take
from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, MissingExtraError, Problem
from statecode.io._atomic import write_bytes_atomic
from statecode.options import Normalization
from statecode.table import CodingTable, warn_missing_lookalikes

__all__ = [
    "DEFAULT_MISSING",
    "read_codings",
    "read_table",
    "spreadsheet_escape",
    "spreadsheet_unescape",
    "write_codings",
    "write_table",
]

#: Cell contents read as missing values unless told otherwise.
DEFAULT_MISSING = ("", "NA", "NaN", ".")
_FORMATS = (".csv", ".tsv", ".parquet", ".jsonl", ".xlsx")
_SPREADSHEETS = (".csv", ".tsv", ".xlsx")
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_escape(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    Examples
    --------
    >>> spreadsheet_escape("=HYPERLINK(1)"), spreadsheet_escape("-3"), spreadsheet_escape("a")
    ("'=HYPERLINK(1)", '-3', 'a')
    """
    if _FORMULA.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def spreadsheet_unescape(text: str) -> str:
    """Undo :func:`spreadsheet_escape` (exactly: the two are inverses).

    Examples
    --------
    >>> spreadsheet_unescape("'=HYPERLINK(1)")
    '=HYPERLINK(1)'
    """
    return text[1:] if _ESCAPED.match(text) else text


def read_table(
    path: PathLike, *, missing: Sequence[str] = DEFAULT_MISSING, separator: str = ";"
) -> tuple[pl.DataFrame, int]:
    """Read a table file as text columns; return it and the row number of its first data row.

    Text files are read without type guessing (every cell stays text, so ``01`` stays
    ``01``); cells equal to a ``missing`` marker become null; arrays in JSON Lines (sets of
    codes) are joined with ``separator``. The first data row of a CSV, TSV or Excel sheet is
    row 2 (the header is row 1), as a spreadsheet shows it. Spreadsheet formula escapes are
    removed (see the module notes).

    Raises
    ------
    InputFileError
        If the file is missing, not UTF-8 text, or not a table of a known format.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in _FORMATS:
        msg = f"{file}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    if not file.is_file():
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg)
    first = 2 if suffix in _SPREADSHEETS else 1
    try:
        if suffix in (".csv", ".tsv"):
            frame = pl.read_csv(
                file,
                separator="\t" if suffix == ".tsv" else ",",
                infer_schema=False,
                null_values=list(missing),
            )
            frame = _strip_bom(frame)
        elif suffix == ".parquet":
            frame = pl.read_parquet(file)
        elif suffix == ".xlsx":
            frame = _read_xlsx(file)
        elif file.stat().st_size == 0:
            frame = pl.DataFrame()  # an empty JSON Lines file: no rows, and no columns either
        else:
            frame = pl.read_ndjson(file, infer_schema_length=None)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as exc:
        text = " ".join(str(exc).split())[:300]
        hint = "; save the file as UTF-8" if "utf-8" in text.lower() else ""
        msg = f"{file}: cannot read the table ({text}){hint}"
        raise InputFileError(msg) from exc
    # polars reads a column name such as "*" or "^a$" as a pattern in places: work on
    # positional names, and give the real ones back at the end
    header = frame.columns
    frame.columns = [f"column_{i}" for i in range(frame.width)]
    types = list(frame.schema.values())
    frame = frame.with_columns(
        pl.nth(i).list.eval(pl.element().cast(pl.String)).list.join(separator)
        for i, t in enumerate(types)
        if isinstance(t, pl.List)
    )
    frame = frame.with_columns(
        pl.nth(i).cast(pl.String) for i, t in enumerate(frame.schema.values()) if t != pl.String
    )
    if suffix in _SPREADSHEETS:
        # only columns holding escaped cells (rare) are touched, cell by cell
        escaped = [
            i for i, s in enumerate(frame.iter_columns()) if s.str.contains(_ESCAPED.pattern).any()
        ]
        frame = frame.with_columns(
            pl.nth(i).map_elements(spreadsheet_unescape, return_dtype=pl.String) for i in escaped
        )
    if missing:
        frame = frame.with_columns(
            pl.when(pl.nth(i).is_in(list(missing)))
            .then(None)
            .otherwise(pl.nth(i))
            .alias(f"column_{i}")
            for i in range(frame.width)
        )
    frame.columns = header
    return frame, first


def _openpyxl() -> Any:
    try:
        import openpyxl  # noqa: PLC0415
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


def _read_xlsx(file: Path) -> pl.DataFrame:
    """The first sheet of a workbook as text: header in row 1, values as displayed text."""
    openpyxl = _openpyxl()
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        return pl.DataFrame()
    header = [str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(rows[0])]
    body = [[_cell_text(v) for v in row] for row in rows[1:]]
    return pl.DataFrame(body, schema=dict.fromkeys(header, pl.String), orient="row")


def write_codings(
    table: CodingTable, path: PathLike, *, missing: Sequence[str] = DEFAULT_MISSING
) -> None:
    """Write codings in the long layout: a unit and a coder column, one column per variable.

    Parameters
    ----------
    table : CodingTable
        The codings.
    path : str or path
        ``.csv``, ``.tsv``, ``.parquet``, ``.jsonl`` or ``.xlsx`` (the ``xlsx`` extra). The
        file is written atomically.
    missing : sequence of str
        The markers that reading takes as missing: a value equal to one of them would not
        survive the round trip, so it is an error.

    Notes
    -----
    Reading the file back with :func:`read_codings` gives the same codings. Missing values
    are empty cells. In CSV, TSV and Excel files, text a spreadsheet would run as a formula is
    written with a leading apostrophe, which reading removes (see the module notes).

    Raises
    ------
    DataError
        If a value equals a missing marker, or an id column name is also a variable name.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _FORMATS:
        msg = f"{target}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    clash = table.data.filter(pl.col("value").is_in(list(missing)))
    if clash.height:
        problems = [
            Problem(
                f"unit {u!r}, coder {c!r}, variable {v!r}",
                f"value {x!r} would read back as missing; rename it or read the file "
                "with other missing markers (missing=, --missing)",
            )
            for u, c, v, x, _ in clash.iter_rows()
        ]
        raise DataError(problems, source=str(target))
    wide = table.data.pivot(
        on="variable",
        index=["unit", "coder"],
        values="value",
        aggregate_function=None,
        maintain_order=True,
    )
    write_table(wide, target)


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write a frame by the file's extension, atomically; spreadsheet formats escaped."""
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        msg = f"{path}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    if suffix in _SPREADSHEETS:
        header = frame.columns
        frame = frame.rename({c: f"column_{i}" for i, c in enumerate(header)}).with_columns(
            pl.nth(i).map_elements(spreadsheet_escape, return_dtype=pl.String)
            for i, t in enumerate(frame.schema.values())
            if t == pl.String
        )
        frame.columns = header
    buffer = io.BytesIO()
    if suffix in (".csv", ".tsv"):
        frame.write_csv(buffer, separator="\t" if suffix == ".tsv" else ",")
    elif suffix == ".parquet":
        frame.write_parquet(buffer)
    elif suffix == ".jsonl":
        frame.write_ndjson(buffer)
    else:
        _write_xlsx(frame, buffer)
    write_bytes_atomic(path, buffer.getvalue())


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _write_xlsx(frame: pl.DataFrame, buffer: io.BytesIO) -> None:
    openpyxl = _openpyxl()
    for column in [c for c, t in frame.schema.items() if t == pl.String]:
        bad = frame.filter(pl.col(column).str.contains(_XLSX_ILLEGAL.pattern))
        if bad.height:
            value = bad[column][0]
            msg = (
                f"column {column!r}: value {value!r} holds a control character (or a carriage "
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


def _strip_bom(frame: pl.DataFrame) -> pl.DataFrame:
    first = frame.columns[0] if frame.columns else ""
    if first.startswith("\ufeff"):
        return frame.rename({first: first.removeprefix("\ufeff")})
    return frame


def read_codings(
    path: PathLike,
    *,
    codebook: Codebook | None = None,
    layout: str = "long",
    unit: str = "unit",
    coder: str = "coder",
    variables: Sequence[str] | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    separator: str = ";",
    variable_name: str = "value",
    skip_invalid: bool = False,
    by: str | None = None,
    normalize: Normalization | str | None = None,
) -> CodingTable:
    """Read coded data from a table file into a validated :class:`CodingTable`.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.tsv``, ``.parquet`` or ``.jsonl`` file.
    codebook : Codebook, optional
        Check every value against it.
    layout : {'long', 'wide'}
        ``long``: a unit column, a coder column, and one column per variable (a row per unit
        and coder). ``wide``: a row per unit and a column per coder, for one variable (named
        ``variable_name``); the unit column is optional (rows are numbered otherwise).
    unit, coder : str
        Names of the id columns.
    variables : sequence of str, optional
        Variable columns to read (default: all, which must then be codebook variables).
    missing : sequence of str
        Cell contents that mean "missing".
    separator : str
        Separator of codes in multi-label cells.
    variable_name : str
        Name of the variable in the wide layout.
    skip_invalid : bool
        Leave out invalid rows and values instead of failing; the table's ``skipped`` lists
        each, so nothing is dropped silently.
    by : str, optional
        A column grouping the units (e.g. the document of each statement): kept as the
        table's ``groups`` for :func:`~statecode.reliability_report`, not read as a variable.
    normalize : {'nfc', 'casefold'}, optional
        Make values that differ only in Unicode form (``nfc``) or also in letter case
        (``casefold``) one value (see :meth:`CodingTable.from_frame`).

    Warns
    -----
    NearDuplicateValuesWarning
        Without a codebook, for values that differ only in case, white space or Unicode form.
    MissingLookalikeWarning
        Without a codebook and with the default missing markers, for cells such as ``N/A``
        or ``NULL`` that other programs write for a missing value but that are read as values.

    Raises
    ------
    InputFileError
        If the file cannot be read.
    DataError
        Listing every problem with its row and column.
    """
    frame, first = read_table(path, missing=missing, separator=separator)
    source = str(path)
    row_column = None
    if layout == "wide":
        frame = _wide_to_long(frame, unit=unit, coder=coder, name=variable_name, first=first)
        variables = [variable_name]
        row_column = _ROW
    elif layout != "long":
        msg = f"layout={layout!r} is not valid; use 'long' or 'wide'"
        raise DataError(msg)
    table = CodingTable.from_frame(
        frame,
        unit=unit,
        coder=coder,
        variables=variables,
        codebook=codebook,
        separator=separator,
        source=source,
        first_row=first,
        row_column=row_column,
        skip_invalid=skip_invalid,
        by=by,
        normalize=normalize,
    )
    if codebook is None and tuple(missing) == DEFAULT_MISSING:
        # with markers of the user's own, what is missing is the user's decision
        warn_missing_lookalikes(table.data, source)
    return table


_ROW = "\x00row"


def _wide_to_long(
    frame: pl.DataFrame, *, unit: str, coder: str, name: str, first: int
) -> pl.DataFrame:
    """A row per unit and a column per coder as a row per unit and coder: one unpivot.

    Coder columns are taken by name under internal ones, so a coder called ``*`` stays one.
    """
    coders = [c for c in frame.columns if c != unit]
    if not coders:
        msg = "a wide table needs one column per coder besides the unit column"
        raise DataError(msg)
    inner = {f"\x00{i}": c for i, c in enumerate(coders)}
    rows = pl.int_range(first, first + frame.height, dtype=pl.Int64, eager=True).alias(_ROW)
    units = frame.get_column(unit) if unit in frame.columns else rows.cast(pl.String)
    work = take(frame, inner).with_columns(rows, units.alias("\x00unit"))
    long = work.unpivot(
        index=[_ROW, "\x00unit"], on=list(inner), variable_name="\x00coder", value_name="\x00v"
    )
    return long.select(
        _ROW,
        pl.col("\x00unit").alias(unit),
        pl.col("\x00coder").replace_strict(inner, return_dtype=pl.String).alias(coder),
        pl.col("\x00v").alias(name),
    )
