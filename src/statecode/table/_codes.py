"""Text columns as integer codes: ids and values coded once, in vectorised passes.

A coding table of millions of rows holds few distinct coders and values and, per coder, one
row per unit: whatever is done per *distinct* text (checks, canonical forms, sorting) is done
once per distinct text, and the rows carry integer codes into them.

:func:`code_column` gives the codes of a column into its distinct texts in the order first
seen (ids keep that order in every result). It takes the cheapest exact route:

- rows grouped by their text (a file sorted by unit): one comparison with the row before,
  when the runs turn out to be distinct texts;
- few distinct texts (coders, codes of a variable), all among those of the first rows: one
  comparison per row with each of them (up to 5), or one lookup per row in an Enum of them;
- a categorical column (how :func:`~statecode.read_codings` parses variable and coder columns
  of a CSV file): the physical codes, renumbered by one small lookup table, from the first
  rows' distinct codes when they hold all of them (else from a hash pass that keeps order);
- otherwise one categorical cast (a hash per row) and the same renumbering.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import polars as pl
from numpy.typing import NDArray

__all__ = ["Coded", "code_column", "first_seen", "has_duplicate_pairs", "small_series"]

# rows are tried as runs of equal texts only when there are at most this share of runs
_RUN_SHARE = 0.5
# pairs of codes are counted in a table of at most this many cells per row (else hashed)
_TABLE_PER_ROW = 8
# rows whose distinct texts are the candidates of a column of few texts, and how few
_SAMPLE = 1 << 16
_FEW = 16
# up to this many candidate texts, one comparison each; more: one hash lookup per row
# (the break-even measured at 10M and 100M rows: a lookup costs about 5 comparisons)
_COMPARED = 5
# rows of codes grouped by unit checked for a repeated pair at a time
_BLOCK_ROWS = 1 << 18
# cells a block's table may hold whatever its rows (else the block is hashed)
_SMALL_TABLE = 1 << 16
# numpy arrays up to this size become polars Series through a list (see small_series)
_LISTED = 1 << 12
# numpy's integer types ("i4", "u8" ...) as polars'
_INTEGER_TYPES: dict[str, Any] = {
    f"{kind}{size}": getattr(pl, f"{'U' if kind == 'u' else ''}Int{8 * size}")
    for kind in "iu"
    for size in (1, 2, 4, 8)
}


class Coded(NamedTuple):
    """A column as codes: ``codes[i]`` indexes ``distinct``; ``-1`` for a null.

    ``codes`` may be a read-only view of polars' memory: it is never changed in place
    (renumbering makes a new array).
    """

    codes: NDArray[np.int32]
    distinct: pl.Series
    #: whether the codes never decrease (rows grouped by their text, in order)
    ordered: bool


def code_column(series: pl.Series) -> Coded:
    """Codes of a text (or categorical) column into its distinct texts, in the order first seen.

    Nulls get code ``-1`` and are not among the distinct texts.

    Examples
    --------
    >>> coded = code_column(pl.Series(["b", "a", None, "b"]))
    >>> coded.codes.tolist(), coded.distinct.to_list()
    ([0, 1, -1, 0], ['b', 'a'])
    """
    n = len(series)
    if not n:
        return Coded(np.empty(0, dtype=np.int32), series.cast(pl.String), ordered=True)
    if series.dtype == pl.String:
        if not series.null_count():
            runs = _runs(series)
            if runs is not None:
                return runs
        few = _few(series)
        if few is not None:
            return few
    if isinstance(series.dtype, pl.Categorical):
        sampled = _sampled_categorical(series)
        if sampled is not None:
            return sampled
        categorical = series
    else:
        categorical = series.cast(pl.String).cast(pl.Categorical(pl.Categories.random()))
    distinct = categorical.unique(maintain_order=True).drop_nulls()
    order = distinct.to_physical().to_numpy()
    codes = _renumbered(categorical.to_physical(), order, other=-1)
    return Coded(codes.to_numpy(), distinct.cast(pl.String), ordered=False)


def _runs(series: pl.Series) -> Coded | None:
    """The codes of rows grouped by their text: one run per text, or None.

    polars' run-length encoding finds the runs of equal texts (one comparison per row);
    they are one per text when their texts are distinct, proven by distinct 64-bit hashes
    (equal hashes are settled by comparing the texts). Each run's length then repeats its
    code: no mask of the rows, in numpy or polars, is made. The first :data:`_SAMPLE` rows
    are looked at first, so that rows in no order are not all copied as runs.
    """
    head = series.head(_SAMPLE)
    if int(head.rle_id()[-1]) + 1 > _RUN_SHARE * head.len():
        return None
    runs = series.rle().struct.unnest()
    heads, lengths = runs["value"], runs["len"]
    count = heads.len()
    if count > _RUN_SHARE * len(series):
        return None
    if heads.hash().n_unique() != count and heads.n_unique() != count:
        return None  # a text comes back after others: not grouped
    # the lengths have polars' row-index type: UInt64 in its 64-bit runtime, which
    # np.repeat refuses as counts
    codes = np.repeat(np.arange(count, dtype=np.int32), lengths.cast(pl.Int64).to_numpy())
    return Coded(codes, heads.alias(series.name), ordered=True)


def _few(series: pl.Series) -> Coded | None:
    """The codes of a column of few distinct texts, by comparisons or an Enum, or None.

    The distinct texts of the first :data:`_SAMPLE` rows, in the order first seen, are the
    candidates; if every text of the column is one of them, the codes are exact and in the
    order first seen over the whole column (each text first appears in the sample).
    Otherwise (a text outside the sample, or too many) None: the caller hashes every row.
    """
    head = series.head(_SAMPLE).drop_nulls().unique(maintain_order=True)
    if not 0 < head.len() <= _FEW:
        return None
    if head.len() > _COMPARED:
        # one hash lookup per row costs less than this many comparisons: an Enum of the
        # candidates (physical code = position among them); a text outside them is null
        found = series.cast(pl.Enum(head.to_list()), strict=False)
        if found.null_count() != series.null_count():
            return None
        physical = found.to_physical().cast(pl.Int32).fill_null(-1)
        return Coded(physical.to_numpy(), head.alias(series.name), ordered=False)
    expr: pl.Expr = pl.lit(-1, dtype=pl.Int8)
    for k in range(head.len() - 1, -1, -1):
        expr = pl.when(pl.col("s") == head[k]).then(pl.lit(k, dtype=pl.Int8)).otherwise(expr)
    compared = pl.DataFrame({"s": series}).select(
        expr.alias("code"), (pl.col("s").is_not_null() & (expr == -1)).sum().alias("other")
    )
    if int(compared["other"][0]):
        return None
    codes = compared["code"].to_numpy().astype(np.int32)
    return Coded(codes, head.alias(series.name), ordered=False)


def _sampled_categorical(series: pl.Series) -> Coded | None:
    """The codes of a categorical column whose texts all appear in its first rows, or None.

    The distinct physical codes of the first :data:`_SAMPLE` rows, in the order first seen,
    are renumbered by one lookup table over the physical codes; a physical code outside
    the sample looks up a sentinel, and then None (the caller hashes every row). No hash
    per row: a gather and its minimum.
    """
    sample = series.head(_SAMPLE).drop_nulls().unique(maintain_order=True)
    if not sample.len():
        return None
    codes = _renumbered(series.to_physical(), sample.to_physical().to_numpy(), other=-2)
    if codes.min() == -2:  # -2 is the least code
        return None  # a text first seen after the sampled rows
    return Coded(codes.to_numpy(), sample.cast(pl.String), ordered=False)


def _renumbered(physical: pl.Series, order: NDArray[Any], *, other: int) -> pl.Series:
    """Physical codes as their positions in ``order`` (``other`` if not in it; null: -1).

    One lookup table over the physical codes, gathered by polars (its own buffers, no intp
    copy of the index).
    """
    top = physical.max()  # None when every code is null
    table = np.full((top if isinstance(top, int) else 0) + 2, other, dtype=np.int32)
    table[order] = np.arange(order.size, dtype=np.int32)
    table[-1] = -1  # a null is looked up in the last cell
    filled = physical.fill_null(table.size - 1) if physical.null_count() else physical
    return small_series(table).gather(filled)


def small_series(values: NDArray[Any]) -> pl.Series:
    """A polars Series of a 1-d numpy array, through a list when it is small.

    polars makes a Series of a numpy array by asking ``numpy.ma`` whether it is masked,
    and numpy imports ``numpy.ma`` on first use: 0.02 s of a command's CPU time. Small
    arrays (lookup tables, orders of coders) are cheaper as lists, and are exact: the
    dtype is given.
    """
    dtype = _INTEGER_TYPES.get(values.dtype.str[1:])
    if dtype is not None and values.ndim == 1 and values.size <= _LISTED:
        return pl.Series(values.tolist(), dtype=dtype)
    return pl.Series(values)


def first_seen(codes: NDArray[np.int32], n_distinct: int, *, ordered: bool) -> NDArray[np.intp]:
    """The distinct codes of ``codes`` in the order first seen (no ``-1`` among them).

    For codes that never decrease, the present codes in numeric order (one ``bincount``);
    otherwise one hash pass that keeps the order.
    """
    if ordered:
        return np.flatnonzero(np.bincount(codes, minlength=n_distinct))
    found = pl.Series(codes).unique(maintain_order=True).to_numpy()
    return found.astype(np.intp)


def renumber(
    codes: NDArray[np.int32], order: NDArray[np.intp], n_distinct: int
) -> NDArray[np.int32]:
    """``codes`` as positions in ``order`` (every code must be in it)."""
    table = np.full(n_distinct, -1, dtype=np.int32)
    table[order] = np.arange(order.size, dtype=np.int32)
    return table[codes]


def has_duplicate_pairs(
    first: NDArray[np.int32],
    second: NDArray[np.int32],
    n_first: int,
    n_second: int,
    *,
    grouped: bool = False,
) -> bool:
    """Whether a pair of codes ``(first[i], second[i])`` occurs twice.

    The pair keys ``first * n_second + second`` are marked in a table of every pair when
    that table is small (fewer marks than keys: a pair twice), else hashed. When ``first``
    never decreases (``grouped``: rows by unit), a pair can only repeat within one run of
    ``first``: the rows are checked in blocks of whole runs, each in a small table that
    stays in the cache, with no array of keys or marks the size of the table.
    """
    if not first.size:
        return False
    if grouped:
        return _duplicates_in_blocks(first, second, n_second)
    cells = n_first * n_second
    kind = np.dtype(np.int32 if cells < 1 << 31 else np.int64)
    keys: NDArray[np.signedinteger[Any]] = first.astype(kind, copy=True)
    keys *= n_second
    keys += second
    return _repeated(keys, cells, allowance=1 << 20)


def _repeated(keys: NDArray[np.signedinteger[Any]], cells: int, *, allowance: int) -> bool:
    """Whether a key of ``keys`` (each below ``cells``) occurs twice.

    Marked in a table of every key when it holds at most ``_TABLE_PER_ROW`` cells per key
    plus ``allowance`` (fewer marks than keys: a key twice), else hashed.
    """
    if cells <= _TABLE_PER_ROW * keys.size + allowance:
        seen = np.zeros(cells, dtype=bool)
        seen[keys] = True
        return int(np.count_nonzero(seen)) != int(keys.size)
    return bool(pl.Series(keys).n_unique() != keys.size)


def _duplicates_in_blocks(
    first: NDArray[np.int32], second: NDArray[np.int32], n_second: int
) -> bool:
    """:func:`has_duplicate_pairs` of rows grouped by ``first``, block by block of runs."""
    n = first.size
    keys = np.empty(min(n, _BLOCK_ROWS), dtype=np.int64)
    start = 0
    while start < n:
        # the block ends where a run starts, so that no run is split between blocks
        stop = (
            n
            if start + _BLOCK_ROWS >= n
            else int(np.searchsorted(first, first[start + _BLOCK_ROWS - 1], side="left"))
        )
        if stop <= start:  # one run longer than a block: it alone
            stop = int(np.searchsorted(first, first[start], side="right"))
        size = stop - start
        base = int(first[start])
        cells = (int(first[stop - 1]) - base + 1) * n_second
        block = keys[:size] if size <= keys.size else np.empty(size, dtype=np.int64)
        np.subtract(first[start:stop], base, out=block)
        block *= n_second
        block += second[start:stop]
        if _repeated(block, cells, allowance=_SMALL_TABLE):
            return True
        start = stop
    return False
