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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from statecode._frames import to_polars
from statecode._provenance import SourceFile
from statecode._text import quoted_detail
from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, OptionError, Problem, StatecodeError
from statecode.io._archive import DEFAULT_MAX_BYTES
from statecode.io._atomic import write_bytes_atomic
from statecode.io._delimited import DEFAULT_MAX_CELL_BYTES, read_delimited
from statecode.io._json import read_json_lines
from statecode.io._parquet import check_parquet
from statecode.io._polars import polars_read
from statecode.io._xlsx import read_xlsx, write_xlsx
from statecode.options import Normalization
from statecode.table import CodingTable, warn_missing_lookalikes

__all__ = [
    "DEFAULT_MISSING",
    "read_codings",
    "read_table",
    "refuse_missing_cells",
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
# problems listed one by one before the rest are left out
_SHOWN = 20
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
    path: PathLike,
    *,
    missing: Sequence[str] = DEFAULT_MISSING,
    separator: str = ";",
    delimiter: str | None = None,
    encoding: str = "utf-8",
    max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[pl.DataFrame, int]:
    """Read a table file as text columns; return it and the row number of its first data row.

    Text files are read without type guessing (every cell stays text, so ``01`` stays
    ``01``); cells equal to a ``missing`` marker become null; arrays in JSON Lines (sets of
    codes) are joined with ``separator``. The first data row of a CSV, TSV or Excel sheet is
    row 2 (the header is row 1), as a spreadsheet shows it. Spreadsheet formula escapes are
    removed (see the module notes).

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.tsv``, ``.parquet``, ``.jsonl`` or ``.xlsx`` file.
    missing : sequence of str
        Cell contents that mean "missing".
    separator : str
        What joins the codes of a JSON array into one cell.
    delimiter : str, optional
        The character between the cells of a CSV file. By default ``,`` (a tab for
        ``.tsv``), or ``;`` or a tab when the header line holds that and no comma (a CSV
        file saved by a spreadsheet with a European locale).
    encoding : str
        The encoding of a CSV or TSV file (``cp1252`` and ``latin-1`` for old Windows
        exports).
    max_cell_bytes : int
        The longest line (so the longest cell) a CSV or TSV file may hold, in bytes.
    max_bytes : int
        What an ``.xlsx`` archive may unpack to, in bytes; for Parquet, what its pages may
        unpack to (at least 100 times the file).

    Raises
    ------
    InputFileError
        If the file is missing, a folder, not in its encoding, or not a table of a known
        format.
    DataError
        For a row narrower or wider than the header (with its line), a blank line, a
        duplicate or empty column name, a cell past ``max_cell_bytes``, a line of JSON that
        is not an object, a damaged workbook or a formula saved without its value.
    OptionError
        For an unknown encoding, a delimiter that is not one character, a limit below 1.
    """
    raw = _read_raw(path, missing, delimiter, encoding, max_cell_bytes, max_bytes)
    return _as_text(raw.frame, raw.missing, separator, spreadsheet=raw.spreadsheet), raw.first


@attrs.frozen
class _Raw:
    """A table as its format gives it, before the cells are made text."""

    frame: pl.DataFrame
    first: int
    missing: Sequence[str]  # the markers still to apply (the CSV parser applies its own)
    spreadsheet: bool  # cells may carry spreadsheet escapes


def _read_raw(
    path: PathLike,
    missing: Sequence[str],
    delimiter: str | None,
    encoding: str,
    max_cell_bytes: int,
    max_bytes: int,
) -> _Raw:
    file = Path(path)
    suffix = file.suffix.lower()
    if file.is_dir():
        msg = (
            f"{file}: is a folder, not a table file; name a {', '.join(_FORMATS)} file in it "
            "(a folder of text files is a corpus: read_corpus)"
        )
        raise InputFileError(msg)
    if suffix not in _FORMATS:
        msg = f"{file}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    if not file.is_file():
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg)
    first = 2 if suffix in _SPREADSHEETS else 1
    try:
        if suffix in (".csv", ".tsv"):
            frame = read_delimited(
                file,
                suffix=suffix,
                delimiter=delimiter,
                encoding=encoding,
                max_cell_bytes=max_cell_bytes,
                missing=list(missing),
            )
            missing = ()  # the parser has made them null
        elif suffix == ".parquet":
            frame = _read_parquet(file, max_bytes)
        elif suffix == ".xlsx":
            frame = read_xlsx(file, max_bytes=max_bytes)
        else:
            frame = read_json_lines(file)
    except StatecodeError:
        raise
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror or exc})"
        raise InputFileError(msg) from exc
    problems = _name_problems(frame.columns)
    if problems:
        raise DataError(problems, source=str(file))
    return _Raw(frame, first, missing, spreadsheet=suffix in _SPREADSHEETS)


def _name_problems(columns: Sequence[str]) -> list[Problem]:
    return [
        Problem(
            f"column {i}",
            "has no name; name it in the header (a table written with its index, such as "
            "pandas' to_csv without index=False, has a nameless first column)",
        )
        for i, name in enumerate(columns, start=1)
        if not str(name).strip()
    ]


def _read_parquet(file: Path, max_bytes: int) -> pl.DataFrame:
    """A Parquet file, its metadata checked first; read by pyarrow when it is installed.

    Arrow's reader is fuzzed upstream and turns a damaged page into an error; polars' own
    reader, used without pyarrow, can abort the process on one (about 1 in 4,000 randomly
    damaged files that pass :func:`check_parquet`), so the ``parquet`` extra is the safe
    choice for files from elsewhere.
    """
    check_parquet(file, max_bytes=max_bytes)
    remedy = "write it again"
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - the optional parquet extra
    except ImportError:
        pq = None
    try:
        if pq is None:
            return polars_read(lambda: pl.read_parquet(file), file, remedy=remedy)
        table = pq.read_table(file)
        frame = polars_read(lambda: pl.from_arrow(table), file, remedy=remedy)
    except (
        OSError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        NotImplementedError,
        MemoryError,
        pl.exceptions.PolarsError,
    ) as exc:  # pyarrow's errors derive from these
        if isinstance(exc, StatecodeError):
            raise
        detail = quoted_detail(exc)
        msg = f"{file}: not a Parquet file statecode can read ({detail}); {remedy}"
        raise InputFileError(msg) from None
    if not isinstance(frame, pl.DataFrame):  # a single column comes back as a Series
        frame = frame.to_frame()
    return frame


def _as_text(
    frame: pl.DataFrame, missing: Sequence[str], separator: str, *, spreadsheet: bool
) -> pl.DataFrame:
    """Every column as text: lists joined, escapes removed, missing markers as null.

    Each step touches only the columns that need it. polars runs even a Series method
    through ``pl.col(name)``, which takes ``^a$`` for a pattern, so the work is done under
    positional names and the real ones are given back at the end.
    """
    header = frame.columns
    frame.columns = [f"c{i}" for i in range(frame.width)]
    schema = frame.schema
    frame = frame.with_columns(
        *(
            pl.col(n).list.eval(pl.element().cast(pl.String)).list.join(separator)
            for n, t in schema.items()
            if isinstance(t, pl.List)
        ),
        *(
            pl.col(n).cast(pl.String)
            for n, t in schema.items()
            if t != pl.String and not isinstance(t, pl.List)
        ),
    )
    if spreadsheet:
        escaped = _columns_where(frame, lambda c: pl.col(c).str.contains(_ESCAPED.pattern))
        frame = frame.with_columns(
            pl.col(n).str.replace(r"^'('*[=+\-@\t\r])", "${1}") for n in escaped
        )
    markers = list(missing)
    if markers:
        hit = _columns_where(frame, lambda c: pl.col(c).is_in(markers))
        frame = frame.with_columns(pl.col(n).replace(markers, [None] * len(markers)) for n in hit)
    frame.columns = header
    return frame


# from this many columns on, a check runs on one long column instead of one per column
_WIDE = 256


def _columns_where(frame: pl.DataFrame, test: Callable[[str], pl.Expr]) -> list[str]:
    """The columns with a cell for which ``test(column)`` holds.

    A tall frame is checked column by column in one select; a wide one (a column per
    coder, say) as one long column, so the cost follows the cells, not the columns.
    """
    if not frame.width or not frame.height:
        return []
    if frame.width >= _WIDE and all(t == pl.String for t in frame.schema.values()):
        long = frame.unpivot(variable_name="column", value_name="cell")
        hits = long.filter(test("cell"))["column"].unique(maintain_order=True)
        return list(hits.to_list())
    found = frame.select(test(n).any().alias(n) for n in frame.columns).row(0)
    return [n for n, hit in zip(frame.columns, found, strict=True) if hit]


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
    target = _target(path)
    if not len(table):
        msg = (
            "the table holds no codings, so the file would hold a header only and read back "
            "as nothing; nothing was written"
        )
        raise DataError(msg, source=str(target))
    refuse_missing_cells(table.data, ["unit", "coder", "value"], missing, target)
    wide = table.data.pivot(
        on="variable",
        index=["unit", "coder"],
        values="value",
        aggregate_function=None,
        maintain_order=True,
    )
    write_table(wide, target)


def refuse_missing_cells(
    frame: pl.DataFrame, columns: Sequence[str], missing: Sequence[str], target: Path
) -> None:
    """Refuse to write a file whose ids or values would read back as missing.

    Writing then reading must give the same data or fail at write time, never a file that
    cannot be read back.
    """
    markers = list(missing)
    problems = []
    for column in columns:
        clash = frame.filter(pl.col(column).is_in(markers))
        for row in clash.head(_SHOWN).iter_rows(named=True):
            what = "value" if column == "value" else column
            place = ", ".join(
                f"{c} {row[c]!r}" for c in ("unit", "coder", "variable", "document") if c in row
            )
            problems.append(
                Problem(
                    place,
                    f"{what} {row[column]!r} would read back as missing; rename it, or write and "
                    "read the file with other missing markers (missing=)",
                )
            )
    if problems:
        raise DataError(problems, source=str(target))


def _target(path: PathLike) -> Path:
    """A file to write a table to: not a folder, of a known format."""
    target = Path(path)
    if target.is_dir():
        msg = f"{target}: is a folder; name a file to write (e.g. {target / 'codings.csv'})"
        raise InputFileError(msg)
    suffix = target.suffix.lower()
    if suffix not in _FORMATS:
        msg = f"{target}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    return target


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write a frame by the file's extension, atomically; spreadsheet formats escaped."""
    path = _target(path)
    suffix = path.suffix.lower()
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
        write_xlsx(frame, buffer)
    write_bytes_atomic(path, buffer.getvalue())


def read_codings(
    path: PathLike | Any,
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
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> CodingTable:
    """Read coded data from a table file into a validated :class:`CodingTable`.

    Parameters
    ----------
    path : str, path or DataFrame
        A ``.csv``, ``.tsv``, ``.parquet``, ``.jsonl`` or ``.xlsx`` file, or a polars or
        pandas frame in one of the layouts below (its rows numbered from 1).
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
    delimiter, encoding
        Of a CSV or TSV file (see :func:`read_table`): by default ``,`` (``;`` or a tab when
        the header line holds that and no comma) and UTF-8.

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
    if type(path).__module__.startswith(("polars", "pandas")) and hasattr(path, "columns"):
        raw = _Raw(to_polars(path), 1, (), spreadsheet=False)
        source = None
        origin = None
    else:
        origin = SourceFile.of(path)  # as it is before it is read, for provenance
        raw = _read_raw(
            path, missing, delimiter, encoding, DEFAULT_MAX_CELL_BYTES, DEFAULT_MAX_BYTES
        )
        source = str(path)
    if layout not in ("long", "wide"):
        msg = f"layout={layout!r} is not valid; use 'long' or 'wide'"
        raise OptionError(msg, option="layout")
    first = raw.first
    if layout == "wide":
        # one unpivot first: the cells are then made text in one long column, whatever
        # the number of coders
        wide = _wide_to_long(raw.frame, unit=unit, coder=coder, name=variable_name, first=first)
        frame = _as_text(wide, raw.missing, separator, spreadsheet=raw.spreadsheet)
    else:
        frame = _as_text(raw.frame, raw.missing, separator, spreadsheet=raw.spreadsheet)
    row_column = None
    if layout == "wide":
        variables = [variable_name]
        row_column = _ROW
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
    if not len(table) and not table.skipped:
        _no_codings(frame, source, missing)
    if codebook is None and tuple(missing) == DEFAULT_MISSING:
        # with markers of the user's own, what is missing is the user's decision
        warn_missing_lookalikes(table.data, source)
    return attrs.evolve(table, origin=origin)


def _no_codings(frame: pl.DataFrame, source: str | None, missing: Sequence[str]) -> None:
    """A file that holds no coding is an error: say what it holds instead."""
    columns = ", ".join(repr(c) for c in frame.columns) or "none"
    if not frame.height:
        msg = f"the file holds a header (columns: {columns}) and no rows, so no codings"
    else:
        markers = ", ".join(repr(m) for m in missing)
        msg = (
            f"every one of its {frame.height} rows is missing in every variable (empty, or "
            f"one of the missing markers {markers}), so it holds no codings"
        )
    raise DataError([Problem("", msg)], source=source)


_ROW = "\x00row"


def _wide_to_long(
    frame: pl.DataFrame, *, unit: str, coder: str, name: str, first: int
) -> pl.DataFrame:
    """A row per unit and a column per coder as a row per unit and coder: one unpivot.

    The columns get positional names in one step (a coder called ``*`` stays one), so a
    table of a million coders costs what its cells cost.
    """
    header = frame.columns
    coders = [c for c in header if c != unit]
    if not coders:
        msg = "a wide table needs one column per coder besides the unit column"
        raise DataError(msg)
    work = frame.clone()
    work.columns = [f"\x00{i}" for i in range(work.width)]
    inner = {f"\x00{i}": c for i, c in enumerate(header) if c != unit}
    rows = pl.int_range(first, first + frame.height, dtype=pl.Int64, eager=True).alias(_ROW)
    units = work.get_column(f"\x00{header.index(unit)}") if unit in header else rows.cast(pl.String)
    work = work.with_columns(rows, units.alias("\x00unit"))
    long = work.unpivot(
        index=[_ROW, "\x00unit"], on=list(inner), variable_name="\x00coder", value_name="\x00v"
    )
    return long.select(
        _ROW,
        pl.col("\x00unit").alias(unit),
        pl.col("\x00coder").replace_strict(inner, return_dtype=pl.String).alias(coder),
        pl.col("\x00v").alias(name),
    )
