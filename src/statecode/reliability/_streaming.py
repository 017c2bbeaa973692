"""Long tables reduced to per-unit summaries by polars, streamed: the input of AlphaStatistics.

A polars DataFrame or LazyFrame in long layout (one row per coder and unit) is grouped by unit
with polars' streaming engine, so a file larger than memory is read in batches and only the
per-unit summaries are held:

- ``dense`` (at most :data:`WIDE_MAX_V` values): per unit the rows and one count per domain
  value, then grouped again by those counts inside the same query, so that only the
  *patterns* (each distinct row of counts, with the number of units holding it) leave
  polars: a few thousand rows for millions of units;
- ``triples`` (more values): per unit rows and values, and the ``(unit, value)`` counts (two
  groupings over one scan);
- ``moments`` (continuous interval data): per unit rows, values, mean and variance.

A first pass reads the coder column alone (the coders seen, and their empty ids). The same
strict checks as the in-memory path run on the way, with their rows found by a further
query only when something is wrong: an empty unit or coder id, a coder giving a unit two
rows (proven absent by one bit per coder summed per unit, or by a count of distinct coders:
see :func:`_distinct_coders`), a value outside the domain (``values != counted values``), a
non-numeric or infinite value where numbers are needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._frames import to_polars
from statecode._text import quoted_detail
from statecode._values import sort_key
from statecode.exceptions import DataError, Problem
from statecode.table import duplicate_problem

__all__ = [
    "WIDE_MAX_V",
    "Domain",
    "Summary",
    "distinct_values",
    "domain_of",
    "lazy_frame",
    "schema_of",
    "summarize",
    "triple_patterns",
]

#: Up to this many values, per-unit counts come from one grouping with a count per value.
WIDE_MAX_V = 32
#: Seed of the polars hash of unit ids (the user's seed is mixed in afterwards).
_HASH_SEED = 0x5EED
#: Problems listed at most, when rows are wrong.
_SHOWN = 10


class Domain(NamedTuple):
    """A declared value domain: labels in order, and as floats when they are numbers."""

    labels: tuple[Any, ...]
    numbers: NDArray[np.float64] | None


class Summary(NamedTuple):
    """Per-unit summaries of the units holding at least one value."""

    kind: str
    units: int
    coders: frozenset[str]
    counts: NDArray[np.integer] | None = None  # dense: patterns x V (as polars counted them)
    weights: NDArray[np.int64] | None = None  # dense: the units holding each pattern
    triples: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None = None
    moments: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]] | None = None
    unit_hash: NDArray[np.uint64] | None = None  # per unit, aligned with the summaries


def lazy_frame(frame: Any) -> pl.LazyFrame:
    """A polars LazyFrame of a polars (lazy) or pandas frame."""
    if isinstance(frame, pl.LazyFrame):
        return frame
    if isinstance(frame, pl.DataFrame):
        return frame.lazy()
    return to_polars(frame).lazy()


def _select(lf: pl.LazyFrame, unit: str, coder: str, value: str) -> pl.LazyFrame:
    """The three columns under internal names, looked up by position (never as patterns)."""
    names = schema_of(lf).names()
    missing = [c for c in (unit, coder, value) if c not in names]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        have = ", ".join(repr(c) for c in names)
        msg = f"missing column(s) {listed} (columns: {have}); name them with unit=, coder=, value="
        raise DataError(msg)
    return lf.select(
        pl.nth(names.index(unit)).alias("unit"),
        pl.nth(names.index(coder)).alias("coder"),
        pl.nth(names.index(value)).alias("value"),
    )


def schema_of(frame: pl.DataFrame | pl.LazyFrame) -> pl.Schema:
    """The columns of a (lazy) frame; polars failing to read them is a :class:`DataError`."""
    try:
        return frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _read_error(exc) from None
    except pl.exceptions.PanicException as exc:
        raise _read_error(exc) from None


def _collect(*queries: pl.LazyFrame) -> list[pl.DataFrame]:
    """The queries run together by the streaming engine (one scan where they share it)."""
    try:
        return pl.collect_all(list(queries), engine="streaming")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _read_error(exc) from None
    except pl.exceptions.PanicException as exc:
        # polars' Rust reader panics on some damaged files (a BaseException): an input error
        raise _read_error(exc) from None


def _read_error(exc: BaseException) -> DataError:
    """A polars failure while reading or grouping, as the input error it is."""
    if isinstance(exc, pl.exceptions.InvalidOperationError) and "conversion" in str(exc):
        msg = (
            f"the values are not all numbers ({quoted_detail(exc)}); the level needs numbers: "
            "fix the cells, or use level='nominal' (--level nominal)"
        )
    else:
        msg = (
            f"the data could not be read ({quoted_detail(exc, kind=True)}); check the "
            "file (statecode validate FILE reads it strictly)"
        )
    return DataError(msg)


def _blank(column: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(column).is_null()
    if dtype == pl.String:
        expr = expr | (pl.col(column).str.strip_chars() == "")
    return expr


def _values(
    base: pl.LazyFrame, value_type: pl.DataType, kind: str, domain: Domain | None, value: str
) -> tuple[pl.LazyFrame, bool]:
    """The value column as the kind needs it, and whether it holds numbers."""
    if isinstance(value_type, pl.List | pl.Array):
        msg = (
            f"column {value!r} holds sets of codes; set-valued (multi-label) alpha needs the "
            "data in memory: pass a DataFrame, not a LazyFrame or parts"
        )
        raise DataError(msg)
    numeric = value_type.is_numeric()
    if value_type == pl.String and (
        kind == "moments" or (domain is not None and domain.numbers is not None)
    ):
        # text cells (CSV) of a numeric level: numbers, or an error naming the cell
        numeric = True
        base = base.with_columns(pl.col("value").str.strip_chars().cast(pl.Float64))
    elif numeric:
        base = base.with_columns(pl.col("value").cast(pl.Float64))
    if kind == "moments" and not numeric:
        msg = (
            f"interval data must be numbers, but column {value!r} holds {value_type}; use "
            "level='nominal' or 'ordinal', or recode the values as numbers"
        )
        raise DataError(msg)
    return base, numeric


def summarize(
    frame: Any,
    *,
    kind: str,
    domain: Domain | None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    hashes: bool = False,
    row_numbers: bool = True,
) -> Summary:
    """Group a long frame by unit (streaming) into the summaries of ``kind``.

    Two passes: the coders (one column), then the units. ``dense`` summaries come back as
    *patterns*: each distinct row of per-unit counts once, with the number of units holding
    it (``Summary.weights``), so that nothing per unit leaves polars.

    Raises
    ------
    DataError
        For a missing column, an empty id, a coder giving a unit two rows, a value outside
        the domain, or non-numbers (or infinite numbers) where numbers are needed.
    """
    base = _select(lazy_frame(frame), unit, coder, value)
    schema = base.collect_schema()
    names = {"unit": unit, "coder": coder, "value": value}
    base, numeric = _values(base, schema["value"], kind, domain, value)
    coders = _collect(base.group_by("coder").agg(pl.col("value").count().alias("m")))[0]
    checks, repeated = _distinct_coders(coders["coder"], schema["coder"])
    per_unit = [pl.len().alias("rows"), pl.col("value").count().alias("m"), *checks]
    blank_coder = int(coders.select(_blank("coder", schema["coder"]).sum()).item())
    coder_ids = frozenset(coders.filter(pl.col("m") > 0)["coder"].cast(pl.String).to_list())
    if kind == "dense":
        if domain is None:  # pragma: no cover - the callers pass one for counts
            msg = "counts need a value domain"
            raise TypeError(msg)
        context = _Context(base, schema, names, numeric, row_numbers)
        return _dense(context, per_unit, repeated, blank_coder, coder_ids, domain)
    if kind == "moments":
        per_unit += [
            pl.col("value").mean().alias("mean"),
            pl.col("value").var(ddof=0).alias("var"),
            pl.col("value").is_infinite().sum().alias("infinite"),
        ]
    queries = [base.group_by("unit").agg(*per_unit).with_columns(repeated.alias("repeated"))]
    if kind == "triples":
        queries.append(base.filter(pl.col("value").is_not_null()).group_by("unit", "value").len())
    found_all = _collect(*queries)
    units = found_all[0]
    blank_unit = int(units.select(_blank("unit", schema["unit"]).sum()).item())
    _check_ids(base, blank_unit, blank_coder, schema, names, row_numbers=row_numbers)
    if int(units["repeated"].sum()):
        raise DataError(_duplicates(base, names, row_numbers=row_numbers))
    if int((units["m"] == 0).sum()):  # units whose every row is missing do not count
        units = units.filter(pl.col("m") > 0)
    unit_hash = _unit_hashes(units) if hashes else None
    m = units["m"].to_numpy().astype(np.int64)
    if kind == "moments":
        if int(units["infinite"].sum()):
            msg = (
                "the data hold infinite values; alpha needs finite numbers: mark a missing "
                "value with null"
            )
            raise DataError(msg)
        means = units["mean"].fill_null(0.0).to_numpy().astype(np.float64)
        squares = units["var"].fill_null(0.0).to_numpy().astype(np.float64) * m
        return Summary(
            kind, units.height, coder_ids, moments=(m, means, squares), unit_hash=unit_hash
        )
    if domain is None:  # pragma: no cover - the callers pass one for counts
        msg = "counts need a value domain"
        raise TypeError(msg)
    triples = _code_triples(found_all[1], units, domain, numeric)
    if triples is None:
        _raise_outside(base, domain, numeric)
        raise AssertionError  # pragma: no cover - _raise_outside raises
    return Summary(kind, units.height, coder_ids, triples=triples, unit_hash=unit_hash)


class _Context(NamedTuple):
    """The selected long frame and how its checks report."""

    base: pl.LazyFrame
    schema: pl.Schema
    names: dict[str, str]
    numeric: bool
    row_numbers: bool


def _dense(
    context: _Context,
    per_unit: list[pl.Expr],
    repeated: pl.Expr,
    blank_coder: int,
    coder_ids: frozenset[str],
    domain: Domain,
) -> Summary:
    """Dense counts as patterns: per unit in polars, then each distinct row of counts once."""
    base, schema, names, numeric, row_numbers = context
    size = len(domain.labels)
    names_c = [f"c{i}" for i in range(size)]
    found = pl.sum_horizontal(names_c) if names_c else pl.lit(0)
    flags = (
        base.group_by("unit")
        .agg(*per_unit, *_code_expressions(domain, numeric, schema["value"] == pl.Boolean))
        .select(
            *names_c,
            repeated.alias("repeated"),
            _blank("unit", schema["unit"]).alias("blank"),
            (pl.col("m") != found).alias("outside"),
            (pl.col("m") == 0).alias("empty"),
        )
    )
    keys: list[pl.Expr] = [pl.col(c) for c in names_c] or [pl.lit(0).alias("none")]
    patterns = _collect(
        flags.group_by(keys).agg(pl.len().alias("units"), *(pl.col(c).sum() for c in FLAGS))
    )[0]
    totals = patterns.select(pl.col(c).sum() for c in ("units", *FLAGS)).row(0)
    _check_ids(base, int(totals[2]), blank_coder, schema, names, row_numbers=row_numbers)
    if int(totals[1]):
        raise DataError(_duplicates(base, names, row_numbers=row_numbers))
    if int(totals[3]):
        _raise_outside(base, domain, numeric)
    counts = patterns.select(names_c).to_numpy().reshape(patterns.height, size)
    weights = patterns["units"].to_numpy().astype(np.int64)
    return Summary(
        "dense", int(totals[0]) - int(totals[4]), coder_ids, counts=counts, weights=weights
    )


#: The per-unit flags a dense summary counts over its patterns (after ``units``).
FLAGS = ("repeated", "blank", "outside", "empty")
#: Coders at most whose distinctness per unit is proven by bit sums (four 64-bit words).
_BIT_CODERS = 256


def _distinct_coders(coders: pl.Series, dtype: pl.DataType) -> tuple[list[pl.Expr], pl.Expr]:
    """Per-unit aggregations, and the flag over them of a unit where a coder repeats.

    With at most :data:`_BIT_CODERS` coders (ids that are text, or integers spanning fewer),
    each coder owns one bit (its rank among the texts, or its offset from the smallest
    integer id) and a unit sums its rows' bits in 64-bit words: the sums have one set bit per
    row exactly when no coder repeats (a repeated bit carries into another, and a carry
    always loses a set bit). Each unit then holds a few integers, where a count of distinct
    coders holds a set of ids. Other coders: that count (``n_unique``).
    """
    present = coders.drop_nulls()
    index: pl.Expr | None = None
    span = 0
    if dtype.is_integer() and present.len():
        low, high = int(present.min()), int(present.max())  # type: ignore[arg-type]
        span = high - low + 1
        if high <= np.iinfo(np.int64).max:  # (UInt64 ids beyond it: counted instead)
            index = pl.col("coder").cast(pl.Int64) - low
    elif (dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)) and present.len():
        categories = sorted(set(present.cast(pl.String).to_list()))
        span = len(categories)
        index = pl.col("coder").cast(pl.Enum(categories)).to_physical().cast(pl.Int64)
    if index is None or span > _BIT_CODERS:
        distinct = pl.col("coder").n_unique().alias("distinct")
        return [distinct], pl.col("rows") != pl.col("distinct")
    words = []
    for j in range((span + 63) // 64):
        # (a cell outside word j casts to null, not an error: the branch is not taken)
        bit = pl.lit(2, dtype=pl.UInt64).pow((index - 64 * j).cast(pl.UInt64, strict=False))
        inside = (index >= 64 * j) & (index < 64 * (j + 1))
        words.append(pl.when(inside).then(bit).otherwise(pl.lit(0, pl.UInt64)).sum().alias(f"w{j}"))
    ones = pl.sum_horizontal(pl.col(f"w{j}").bitwise_count_ones() for j in range(len(words)))
    return words, pl.col("rows") != ones


def _literal(
    label: Any, numbers: NDArray[np.float64] | None, i: int, numeric: bool, boolean: bool
) -> Any:
    if numeric:
        return float(numbers[i]) if numbers is not None else None
    if isinstance(label, bool):  # True/False match a Boolean column only, never text
        return label if boolean else None
    return label if isinstance(label, str) else None


def _code_expressions(domain: Domain | None, numeric: bool, boolean: bool) -> list[pl.Expr]:
    if domain is None:  # pragma: no cover - the callers pass one for counts
        return []
    out = []
    for i, label in enumerate(domain.labels):
        lit = _literal(label, domain.numbers, i, numeric, boolean)
        hit = pl.lit(value=False) if lit is None else pl.col("value") == lit
        out.append(hit.sum().alias(f"c{i}"))
    return out


def _code_triples(
    pairs: pl.DataFrame, units: pl.DataFrame, domain: Domain, numeric: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None:
    boolean = pairs.schema["value"] == pl.Boolean
    literals = [
        _literal(v, domain.numbers, i, numeric, boolean) for i, v in enumerate(domain.labels)
    ]
    known = [(lit, i) for i, lit in enumerate(literals) if lit is not None]
    kind = pl.Float64 if numeric else pl.Boolean if boolean else pl.String
    table = pl.DataFrame(
        {"value": [k for k, _ in known], "code": [i for _, i in known]},
        schema={"value": kind, "code": pl.Int64},
    )
    index = units.select("unit").with_row_index("index")
    coded = pairs.join(table, on="value", how="left").join(index, on="unit", how="inner")
    if coded["code"].null_count():
        return None
    return (
        coded["index"].to_numpy().astype(np.int64),
        coded["code"].to_numpy().astype(np.int64),
        coded["len"].to_numpy().astype(np.int64),
    )


#: Cells (patterns x values) at most of the patterns of many-valued data.
PATTERN_CELLS = 1 << 25


def triple_patterns(
    unit: NDArray[np.int64], code: NDArray[np.int64], count: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Each distinct unit of ``(unit, code, count)`` triples once, as dense counts (K x V).

    The units are grouped by their (code, count) lists in polars, so only the K distinct
    patterns are made dense; None when they would exceed :data:`PATTERN_CELLS` cells.
    Returns the patterns and the units holding each.
    """
    frame = pl.DataFrame({"u": unit, "c": code, "n": count}).sort("u", "c")
    groups = frame.group_by("u").agg("c", "n").group_by("c", "n").len()
    if groups.height * max(size, 1) > PATTERN_CELLS:
        return None
    # list lengths have polars' row-index type: UInt64 in its 64-bit runtime, which
    # np.repeat refuses as counts
    lengths = groups["c"].list.len().to_numpy().astype(np.int64)
    dense = np.zeros((groups.height, size), dtype=np.int64)
    rows = np.repeat(np.arange(groups.height), lengths)
    dense[rows, groups["c"].explode().to_numpy()] = groups["n"].explode().to_numpy()
    return dense, groups["len"].to_numpy().astype(np.int64)


def _unit_hashes(units: pl.DataFrame) -> NDArray[np.uint64]:
    # the same unit id hashes the same in every part, whatever its column type
    hashed = units.select(pl.col("unit").cast(pl.String).hash(seed=_HASH_SEED))
    return hashed.to_series().to_numpy().astype(np.uint64)


def _check_ids(
    base: pl.LazyFrame,
    blank_unit: int,
    blank_coder: int,
    schema: pl.Schema,
    names: dict[str, str],
    *,
    row_numbers: bool,
) -> None:
    if not (blank_unit or blank_coder):
        return
    rows = (
        base.with_row_index("row", offset=1)
        .filter(_blank("unit", schema["unit"]) | _blank("coder", schema["coder"]))
        .select("row", _blank("unit", schema["unit"]).alias("no_unit"))
        .head(_SHOWN)
    )
    problems = []
    for row, no_unit in _collect(rows)[0].iter_rows():
        col = "unit" if no_unit else "coder"
        msg = f"column {names[col]!r} is empty; every coding needs a {col} id"
        # rows of the data in scan order, from 1 (a file's header not counted)
        problems.append(Problem(f"data row {row}" if row_numbers else "", msg))
    raise DataError(problems)


def _duplicates(base: pl.LazyFrame, names: dict[str, str], *, row_numbers: bool) -> list[Problem]:
    """The (unit, coder) pairs with more than one row, with their rows (the error path)."""
    dup = (
        base.with_row_index("row", offset=1)
        .group_by("unit", "coder")
        .agg(pl.col("row"), (pl.col("value").n_unique() == 1).alias("same"))
        .filter(pl.col("row").list.len() > 1)
        .sort(pl.col("row").list.first())
        .head(_SHOWN)
    )
    problems = []
    for u, c, group, identical in _collect(dup)[0].iter_rows():
        where = f"data rows {', '.join(map(str, group))}" if row_numbers else ""
        problems.append(duplicate_problem(where, u, c, len(group), names, identical=identical))
    return problems


def _raise_outside(base: pl.LazyFrame, domain: Domain, numeric: bool) -> None:
    boolean = base.collect_schema()["value"] == pl.Boolean
    literals = {
        _literal(v, domain.numbers, i, numeric, boolean) for i, v in enumerate(domain.labels)
    }
    present = _collect(base.select(pl.col("value").unique()))[0]["value"].drop_nulls().to_list()
    outside = sorted((v for v in present if v not in literals), key=sort_key)
    shown = ", ".join(repr(v) for v in outside[:_SHOWN])
    msg = f"value(s) {shown} are not in the declared domain; add them to domain= or fix the data"
    raise DataError(msg)


def distinct_values(
    frame: Any, *, unit: str = "unit", coder: str = "coder", value: str = "value"
) -> list[Any]:
    """The distinct non-null values of a long frame (one streaming pass over one column)."""
    base = _select(lazy_frame(frame), unit, coder, value)
    return _collect(base.select(pl.col("value").unique()))[0]["value"].drop_nulls().to_list()


def domain_of(values: Sequence[Any]) -> Domain:
    """A domain from values: their canonical labels, numbers when they are numbers."""
    labels = tuple(values)
    if labels and all(isinstance(v, int | float) and not isinstance(v, bool) for v in labels):
        return Domain(labels, np.array([float(v) for v in labels], dtype=np.float64))
    return Domain(labels, None)
