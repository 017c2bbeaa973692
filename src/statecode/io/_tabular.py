"""Tabular files: CSV, TSV, Parquet, JSON Lines and Excel, read into polars as text.

Spreadsheet safety: a cell that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and not a plain number) is written to
CSV, TSV and Excel files with a leading apostrophe, which spreadsheets show as text. Reading
those formats removes exactly one apostrophe before such text, so a round trip is exact (text
that already starts with apostrophes before a formula character gets one more on the way
out and loses it on the way in).
"""

from __future__ import annotations

import codecs
import io
import mmap
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import polars as pl

from statecode._text import quoted_detail
from statecode._typing import PathLike
from statecode.exceptions import DataError, InputFileError, Problem, StatecodeError
from statecode.io._archive import DEFAULT_MAX_BYTES
from statecode.io._atomic import write_bytes_atomic
from statecode.io._delimited import DEFAULT_MAX_CELL_BYTES, check_markers, read_delimited
from statecode.io._json import read_json_lines
from statecode.io._parquet import check_parquet
from statecode.io._polars import polars_read
from statecode.io._xlsx import read_xlsx, write_xlsx
from statecode.table import CodingTable

__all__ = [
    "DEFAULT_MISSING",
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
    missing: Sequence[str]  # the markers still to apply (read_delimited applies its own)
    spreadsheet: bool  # cells may carry spreadsheet escapes


def _read_raw(
    path: PathLike,
    missing: Sequence[str],
    delimiter: str | None,
    encoding: str,
    max_cell_bytes: int,
    max_bytes: int,
    *,
    columns: Sequence[str] | None = None,
    categorical: Callable[[str], bool] | None = None,
) -> _Raw:
    """The table of a file as its format gives it.

    ``columns`` (the columns to parse) and ``categorical`` (columns to parse as categorical
    text) apply to CSV and TSV files; other formats are read whole.
    """
    missing = check_markers(missing)
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
                columns=columns,
                categorical=categorical,
            )
            missing = ()  # read_delimited has made them null
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
    escaped = suffix in _SPREADSHEETS
    if escaped and suffix in (".csv", ".tsv") and not _has_apostrophe(file, encoding):
        escaped = False  # no cell starts with an escape: nothing to look for per cell
    return _Raw(frame, first, missing, spreadsheet=escaped)


def _has_apostrophe(file: Path, encoding: str) -> bool:
    """Whether the bytes of a CSV or TSV file may hold an apostrophe (one byte search).

    Exact for UTF-8 (and so ASCII), where an apostrophe is the byte 0x27 and no other
    character holds it; for any other encoding the answer is yes (the cells are looked at).
    """
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        return True
    if not file.stat().st_size:
        return False
    with file.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"'") >= 0


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
        # every string valid UTF-8 (and every offset in bounds) before polars takes the
        # buffers: an invalid one panics polars later, when its text is read
        table.validate(full=True)
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

    Each step touches only the columns that need it, found by one cheap test per column
    (a prefix test, not a pattern; the distinct values of a categorical column). A
    categorical column (how :func:`read_codings` parses the value columns of a CSV file)
    stays one: its values are text already. polars runs even a Series method through
    ``pl.col(name)``, which takes ``^a$`` for a pattern, so the work is done under positional
    names and the real ones are given back at the end.
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
            if t != pl.String and not isinstance(t, pl.List | pl.Categorical)
        ),
    )
    if spreadsheet:
        escaped = _escaped_columns(frame)
        frame = frame.with_columns(
            pl.col(n).cast(pl.String).str.replace(r"^'('*[=+\-@\t\r])", "${1}") for n in escaped
        )
    markers = list(missing)  # each once (check_markers): polars refuses to replace a text twice
    if markers:
        hit = _columns_where(frame, lambda c: pl.col(c).cast(pl.String).is_in(markers))
        frame = frame.with_columns(
            pl.col(n).cast(pl.String).replace(markers, [None] * len(markers)) for n in hit
        )
    frame.columns = header
    return frame


def _escaped_columns(frame: pl.DataFrame) -> list[str]:
    """The columns holding a spreadsheet escape: an apostrophe, then a formula character."""
    text = [n for n, t in frame.schema.items() if t == pl.String]
    candidates = []
    if text and frame.height:
        # a prefix test per column; the pattern only where an apostrophe starts a cell
        found = frame.select(pl.col(n).str.starts_with("'").any() for n in text).row(0)
        candidates = [n for n, hit in zip(text, found, strict=True) if hit]
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Categorical):
            distinct = frame.get_column(name).unique().drop_nulls().cast(pl.String)
            if distinct.str.starts_with("'").any():
                candidates.append(name)
    if not candidates:
        return []
    return _columns_where(
        frame.select(candidates),
        lambda c: pl.col(c).cast(pl.String).str.contains(_ESCAPED.pattern),
    )


# from this many columns on, a test runs on one long column instead of one per column
_WIDE = 256


def _columns_where(frame: pl.DataFrame, test: Callable[[str], pl.Expr]) -> list[str]:
    """The columns with a cell for which ``test(column)`` holds.

    A tall frame is tested column by column in one select; a wide one (a column per coder,
    say) as one long column, so the cost follows the cells, not the columns. The frame's
    columns must have internal names (``c0``, ``c1``, ...): ``pl.col`` reads a user's
    ``^a$`` as a pattern.
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
