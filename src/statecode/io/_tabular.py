"""Tabular files: CSV, TSV, Parquet and JSON Lines, read into polars with missing markers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError
from statecode.table import CodingTable

__all__ = ["DEFAULT_MISSING", "read_codings", "read_table"]

#: Cell contents read as missing values unless told otherwise.
DEFAULT_MISSING = ("", "NA", "NaN", ".")
_FORMATS = (".csv", ".tsv", ".parquet", ".jsonl")


def read_table(
    path: PathLike, *, missing: Sequence[str] = DEFAULT_MISSING
) -> tuple[pl.DataFrame, int]:
    """Read a table file as text columns; return it and the row number of its first data row.

    Text files are read without type guessing (every cell stays text, so ``01`` stays
    ``01``); cells equal to a ``missing`` marker become null. The first data row of a CSV
    or TSV is row 2 (the header is row 1), as a spreadsheet shows it.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in _FORMATS:
        msg = f"{file}: unknown table format {suffix!r}; use one of {', '.join(_FORMATS)}"
        raise InputFileError(msg)
    if not file.is_file():
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg)
    try:
        if suffix in (".csv", ".tsv"):
            frame = pl.read_csv(
                file,
                separator="\t" if suffix == ".tsv" else ",",
                infer_schema=False,
                null_values=list(missing),
                encoding="utf8-lossy",
            )
            frame = _strip_bom(frame)
            first = 2
        elif suffix == ".parquet":
            frame = pl.read_parquet(file)
            first = 1
        else:
            frame = pl.read_ndjson(file, infer_schema_length=None)
            first = 1
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as exc:
        msg = f"{file}: cannot read the table ({' '.join(str(exc).split())[:300]})"
        raise InputFileError(msg) from exc
    frame = frame.with_columns(
        pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String
    )
    if missing:
        frame = frame.with_columns(
            pl.when(pl.col(c).is_in(list(missing))).then(None).otherwise(pl.col(c)).alias(c)
            for c in frame.columns
        )
    return frame, first


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

    Raises
    ------
    InputFileError
        If the file cannot be read.
    DataError
        Listing every problem with its row and column.
    """
    frame, first = read_table(path, missing=missing)
    source = str(path)
    row_column = None
    if layout == "wide":
        frame = _wide_to_long(frame, unit=unit, coder=coder, name=variable_name, first=first)
        variables = [variable_name]
        row_column = _ROW
    elif layout != "long":
        msg = f"layout={layout!r} is not valid; use 'long' or 'wide'"
        raise DataError(msg)
    return CodingTable.from_frame(
        frame,
        unit=unit,
        coder=coder,
        variables=variables,
        codebook=codebook,
        separator=separator,
        source=source,
        first_row=first,
        row_column=row_column,
    )


_ROW = "\x00row"


def _wide_to_long(
    frame: pl.DataFrame, *, unit: str, coder: str, name: str, first: int
) -> pl.DataFrame:
    frame = frame.with_row_index(_ROW, offset=first)
    if unit not in frame.columns:
        frame = frame.with_columns(pl.col(_ROW).cast(pl.String).alias(unit))
    coders = [c for c in frame.columns if c not in (unit, _ROW)]
    if not coders:
        msg = "a wide table needs one column per coder besides the unit column"
        raise DataError(msg)
    return frame.unpivot(index=[_ROW, unit], on=coders, variable_name=coder, value_name=name)
