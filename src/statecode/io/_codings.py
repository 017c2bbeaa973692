"""Coded data from table files: ``read_codings``, long or wide, into a CodingTable.

The file is read by :mod:`statecode.io._tabular` (its CSV and TSV files strictly, by
:mod:`statecode.io._delimited`), parsing only the columns the codings need, with coder ids
and the values of categorical variables parsed as categorical text: they are coded next,
and the parser codes them as it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import polars as pl

from statecode._frames import to_polars
from statecode._provenance import SourceFile
from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError, Problem
from statecode.io._archive import DEFAULT_MAX_BYTES
from statecode.io._delimited import DEFAULT_MAX_CELL_BYTES
from statecode.io._tabular import DEFAULT_MISSING, _as_text, _Raw, _read_raw
from statecode.options import Normalization
from statecode.table import CodingTable, warn_missing_lookalikes

__all__ = ["read_codings"]


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
    if layout not in ("long", "wide"):
        msg = f"layout={layout!r} is not valid; use 'long' or 'wide'"
        raise OptionError(msg, option="layout")
    if type(path).__module__.startswith(("polars", "pandas")) and hasattr(path, "columns"):
        raw = _Raw(to_polars(path), 1, (), spreadsheet=False)
        source = None
        origin = None
    else:
        origin = SourceFile.of(path)  # as it is before it is read, for provenance
        used, coded = _parsing(layout, unit, coder, variables, by, codebook, variable_name)
        raw = _read_raw(
            path,
            missing,
            delimiter,
            encoding,
            DEFAULT_MAX_CELL_BYTES,
            DEFAULT_MAX_BYTES,
            columns=used,
            categorical=coded,
        )
        source = str(path)
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
        distinct = (v for name in table.variables for v in table.distinct_values(name))
        warn_missing_lookalikes(distinct, table.cells_with, source)
    return attrs.evolve(table, origin=origin)


def _parsing(
    layout: str,
    unit: str,
    coder: str,
    variables: Sequence[str] | None,
    by: str | None,
    codebook: Codebook | None,
    variable_name: str,
) -> tuple[list[str] | None, Callable[[str], bool]]:
    """The columns of a file the codings need, and those to parse as categorical text.

    Values of categorical variables and coder ids are few distinct texts, coded next: the
    parser codes them as it reads. Units (grouped in most files, which codes them cheaper
    still), numbers (measurements are many distinct values) and the group column stay text.
    """

    def numeric(name: str) -> bool:
        return codebook is not None and name in codebook and not codebook[name].categories

    if layout == "wide":
        return None, lambda name: name != unit and not numeric(variable_name)
    used = None
    if variables is not None:
        used = [unit, coder, *variables] + ([by] if by is not None else [])
    return used, lambda name: name not in (unit, by) and not numeric(name)


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
