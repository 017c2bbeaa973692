"""Long coding files scanned lazily: one file or a glob of Parquet or CSV/TSV parts.

:func:`scan_codings` gives a polars ``LazyFrame`` over the parts without reading them, so
the reliability functions can stream it (polars' streaming engine reads them in batches).
Unlike :func:`~statecode.read_codings`, it reads cells as they are: no codebook, no
normalisation; the missing-value markers become nulls. CSV cells stay text (so nothing is
reinterpreted); numeric levels cast them strictly, and a cell that is not a number is an
error when it is read.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from statecode._typing import PathLike
from statecode.exceptions import InputFileError, MissingExtraError
from statecode.io._delimited import DEFAULT_MAX_CELL_BYTES, check_delimited, check_markers

__all__ = ["is_glob", "scan_codings", "scan_dask_codings", "scan_paths"]

_SCANNED = (".parquet", ".csv", ".tsv")


def is_glob(source: PathLike) -> bool:
    """Whether a path names several files by a pattern (``*``, ``?``, ``[...]``)."""
    return glob.has_magic(str(source))


def scan_paths(source: PathLike | Sequence[PathLike]) -> list[Path]:
    """The files a path, a glob or a list of them name, in sorted order.

    Raises
    ------
    InputFileError
        When nothing matches, a file is missing, or the parts mix formats.
    """
    sources: list[PathLike] = [source] if isinstance(source, str | os.PathLike) else list(source)
    paths: list[Path] = []
    for item in sources:
        if is_glob(item):
            matched = sorted(Path(p) for p in glob.glob(str(item), recursive=True))
            if not matched:
                msg = f"{item}: no file matches this pattern; check the path and the quotes"
                raise InputFileError(msg)
            paths += matched
        else:
            path = Path(item)
            if not path.is_file():
                msg = f"{path}: no such file"
                raise InputFileError(msg)
            paths.append(path)
    suffixes = {p.suffix.lower() for p in paths}
    if not suffixes <= set(_SCANNED):
        shown = ", ".join(sorted(suffixes - set(_SCANNED)))
        msg = (
            f"{sources[0]}: {shown} files cannot be scanned in parts; give .parquet, .csv or "
            ".tsv files (or read one file with statecode's in-memory reader)"
        )
        raise InputFileError(msg)
    if len(suffixes) > 1:
        msg = f"{sources[0]}: the parts mix formats ({', '.join(sorted(suffixes))}); use one"
        raise InputFileError(msg)
    return paths


def scan_codings(
    source: PathLike | Sequence[PathLike],
    *,
    missing: Sequence[str] = ("", "NA", "NaN", "."),
    delimiter: str | None = None,
    max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES,
) -> pl.LazyFrame:
    """A lazy long table over one file, a glob, or a list of Parquet or CSV/TSV parts.

    Parameters
    ----------
    source : path, glob or sequence of them
        ``codings.parquet``, ``'parts/*.parquet'``, ``['a.csv', 'b.csv']``.
    missing : sequence of str
        Cells read as missing (text cells of Parquet files too).
    delimiter : str, optional
        CSV delimiter (default: ``,``, or ``;`` or a tab when the header line holds that and
        no comma, as :func:`~statecode.read_table` decides).
    max_cell_bytes : int
        The longest line a CSV part may hold.

    Every CSV/TSV part is checked before it is scanned, as :func:`~statecode.read_table`
    checks a file (a duplicate or nameless column, a row wider or narrower than the header,
    a line past the limit, bytes that are not UTF-8), and every part must have the first
    part's header.

    Returns
    -------
    polars.LazyFrame
        Every part's rows, in file order; CSV columns as text.

    Raises
    ------
    InputFileError
        When nothing matches, a file is missing or empty, the parts mix formats or headers,
        a CSV part is not UTF-8, or polars cannot read the parts' columns.
    DataError
        Listing the problems of a CSV part's header and rows. A Parquet part whose columns
        cannot be read is an :class:`~statecode.InputFileError` here; damage past them is
        found when the frame is read, as a :class:`~statecode.DataError`.
    """
    markers = check_markers(missing)
    paths = scan_paths(source)
    if paths[0].suffix.lower() == ".parquet":
        lazy = pl.scan_parquet(paths)
        return _markers_as_null(lazy, _schema(lazy, paths), markers)
    # each part checked as the in-memory reader checks a file (header, the width of every
    # row, line lengths, encoding): vectorised passes over the bytes, no parse
    first_sep, first_fields = "", list[str]()
    closing: dict[Path, int] = {}
    for path in paths:
        sep, fields, closing[path] = check_delimited(
            path, suffix=path.suffix.lower(), delimiter=delimiter, max_cell_bytes=max_cell_bytes
        )
        if path is paths[0]:
            first_sep, first_fields = sep, fields
        elif (sep, fields) != (first_sep, first_fields):
            msg = (
                f"{path}: its header ({', '.join(map(repr, fields))}, delimiter {sep!r}) is not "
                f"that of {paths[0]} ({', '.join(map(repr, first_fields))}, delimiter "
                f"{first_sep!r}); the parts of one table share one header"
            )
            raise InputFileError(msg)
    if any(closing.values()):
        # the blank lines closing a part are not rows (read_table leaves them out too):
        # that part is scanned alone, to its last row (polars counts its lines first)
        parts = []
        for path in paths:
            part = pl.scan_csv(path, separator=first_sep, infer_schema=False)
            if closing[path]:
                rows = _rows(part, path)
                part = part.slice(0, max(rows - closing[path], 0))
            parts.append(part)
        lazy = pl.concat(parts, how="vertical")
    else:
        lazy = pl.scan_csv(paths, separator=first_sep, infer_schema=False)
    # markers after the parse, as read_table applies them: to each cell's text, quotes undone
    return _markers_as_null(lazy, _schema(lazy, paths), markers)


def _markers_as_null(lazy: pl.LazyFrame, schema: pl.Schema, markers: list[str]) -> pl.LazyFrame:
    """The text cells equal to a missing marker as null (columns by position: no pattern)."""
    names = schema.names()
    strings = [n for n, t in schema.items() if t == pl.String]
    if not (strings and markers):
        return lazy
    return lazy.with_columns(
        pl.when(pl.nth(names.index(n)).is_in(markers))
        .then(None)
        .otherwise(pl.nth(names.index(n)))
        .alias(n)
        for n in strings
    )


def _rows(part: pl.LazyFrame, path: Path) -> int:
    """The rows of one CSV part as polars counts them; an error naming it if it cannot."""
    try:
        return int(part.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = (
            f"{path}: polars cannot count its rows ({type(exc).__name__}: {detail}); "
            "check the file (statecode validate FILE reads it strictly)"
        )
        raise InputFileError(msg) from None


def _schema(lazy: pl.LazyFrame, paths: Sequence[Path]) -> pl.Schema:
    """The parts' schema, read now: a file polars cannot read is an error naming it.

    Raises
    ------
    InputFileError
        For a damaged Parquet footer, a CSV part without a line, and the like.
    """
    try:
        return lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:
        shown = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (or another of the parts)"
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = (
            f"{shown}: polars cannot read its columns ({type(exc).__name__}: {detail}); "
            "check the file (statecode validate FILE reads it strictly)"
        )
        raise InputFileError(msg) from None


def scan_dask_codings(
    source: PathLike | Sequence[PathLike],
    *,
    missing: Sequence[str] = ("", "NA", "NaN", "."),
    delimiter: str | None = None,
) -> Any:
    """:func:`scan_codings` as a Dask DataFrame (one partition per part or block).

    Needs the ``dask`` extra (``pip install 'statecode[dask]'``); CSV cells are read as text
    and the missing-value markers become missing.

    Raises
    ------
    InputFileError
        As :func:`scan_codings`.
    MissingExtraError
        Without dask installed.
    """
    paths = [str(p) for p in scan_paths(source)]
    try:
        import dask.dataframe as dd  # noqa: PLC0415 - the dask extra, imported when used
    except ImportError:
        msg = "--engine dask needs dask and distributed: pip install 'statecode[dask]'"
        raise MissingExtraError(msg) from None
    markers = check_markers(missing)
    if paths[0].lower().endswith(".parquet"):
        frame = dd.read_parquet(paths)
        strings = [c for c in frame.columns if str(frame[c].dtype) in ("object", "string")]
        for column in strings:
            frame[column] = frame[column].mask(frame[column].isin(markers))
        return frame
    separator = delimiter or ("\t" if paths[0].lower().endswith(".tsv") else ",")
    return dd.read_csv(paths, sep=separator, dtype=str, keep_default_na=False, na_values=markers)
