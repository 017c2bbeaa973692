"""Where krippendorff_alpha leaves the coders x units array: lazy, sparse and Poisson inputs.

``krippendorff_alpha`` builds the dense coders x units codes for arrays and for most frames.
Three inputs go through :class:`~statecode.AlphaStatistics` instead (per-unit summaries
grouped by polars' streaming engine, then coincidences or moments):

- a polars ``LazyFrame`` in long layout: streamed, never collected whole;
- a long polars ``DataFrame`` whose coders x units array would hold more than
  :data:`SPARSE_FACTOR` cells per row (and more than :data:`SPARSE_MIN_CELLS` cells), as in
  crowd designs where each of many coders codes few units: memory then grows with the rows;
- any input with ``method='poisson'``: the Poisson bootstrap is computed from the same sums.

Streamed inputs take every bootstrap (``units``, ``krippendorff``, ``poisson``) with a value
domain, from the merged patterns of unit counts; continuous interval moments ``poisson``.

Only the levels with a finite domain or moments (nominal, ordinal, interval, ratio, circular,
bipolar) take these paths; set-valued data and custom distance functions stay in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np
import polars as pl

from statecode._progress import ProgressArg
from statecode._values import sort_key
from statecode.exceptions import DataError, OptionError
from statecode.options import AlphaLevel, BootstrapMethod, SetDistance, parse_option
from statecode.reliability import _streaming
from statecode.reliability._kernels import MATRIX_MAX_V
from statecode.reliability._statistics import STREAMED_LEVELS, AlphaStatistics
from statecode.reliability.results import AlphaResult
from statecode.table import CodingTable, ReliabilityData

__all__ = [
    "SPARSE_FACTOR",
    "SPARSE_MIN_CELLS",
    "Options",
    "alpha_of_data",
    "alpha_of_frame",
    "domain_for",
    "domain_of_values",
    "seed_or_random",
    "sparse_rows",
    "streams",
    "table_domain",
]

#: A long DataFrame goes the sparse way when coders x units exceeds this many cells per row.
SPARSE_FACTOR = 4
#: ... and the coders x units array would exceed this many cells (16 MB of int32 codes).
SPARSE_MIN_CELLS = 1 << 22


Distance = SetDistance | Callable[[Any, Any], Any] | None


class Options(NamedTuple):
    """krippendorff_alpha's options that the streamed paths take as they are."""

    period: float | None
    bounds: tuple[float, float] | None
    bootstrap: int
    seed: int | None
    confidence: float
    alpha_min: tuple[float, ...]
    progress: ProgressArg


def _poisson(bootstrap: int, method: BootstrapMethod | str) -> bool:
    return bool(bootstrap) and parse_option(BootstrapMethod, method, "method") is (
        BootstrapMethod.POISSON
    )


def streams(
    data: Any,
    level: AlphaLevel,
    distance: Distance,
    *,
    columns: tuple[str, str, str],
    bootstrap: int,
    method: BootstrapMethod | str,
) -> bool:
    """Whether ``data`` (a long frame) is scored from streamed statistics."""
    if (
        distance is not None
        or level not in STREAMED_LEVELS
        or not isinstance(data, pl.DataFrame | pl.LazyFrame)
    ):
        return False
    schema = _streaming.schema_of(data)
    value = columns[2]
    if value in schema and isinstance(schema[value], pl.List | pl.Array):
        return False
    if isinstance(data, pl.LazyFrame):
        return True
    # continuous interval data (moments) take only the Poisson bootstrap when streamed; the
    # in-memory path names a missing column; its reading of True/False, and of text at
    # other levels than nominal (refused, or read as its numbers), is the one a frame gets
    if (
        (bootstrap and not _poisson(bootstrap, method) and level is AlphaLevel.INTERVAL)
        or any(c not in schema for c in columns)
        or schema[value] == pl.Boolean
        or (schema[value] == pl.String and level is not AlphaLevel.NOMINAL)
    ):
        return False
    names = schema.names()
    coders = int(data.select(pl.nth(names.index(columns[1])).n_unique()).item())
    # (with at most SPARSE_FACTOR coders, cells <= coders x rows: never sparse enough)
    # only a choice of method (both give the same figures): an estimate of the units will do
    units = 0
    if coders > SPARSE_FACTOR:
        units = int(data.select(pl.nth(names.index(columns[0])).approx_n_unique()).item())
    return coders * units > max(SPARSE_MIN_CELLS, SPARSE_FACTOR * data.height)


def domain_for(
    values: Sequence[Any] | None, level: AlphaLevel, numeric_column: bool, variable: str
) -> list[Any] | None:
    """A domain given as text (the CLI's ``--domain``) as numbers where numbers are meant."""
    if values is None:
        return None
    wanted = numeric_column or level not in (AlphaLevel.NOMINAL, AlphaLevel.ORDINAL)
    texts = [v for v in values if isinstance(v, str)]
    if not texts:
        return list(values)
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        if wanted:
            msg = (
                f"the domain of {variable!r} ({', '.join(map(str, values))}) is not numbers, "
                f"but the values are; give numbers (--domain {variable}=1,2,3)"
            )
            raise OptionError(msg, option="domain") from None
        return list(values)
    # ordinal text that is numbers (a CSV read as text) is ordered as numbers
    return numbers if wanted or level is AlphaLevel.ORDINAL else list(values)


def sparse_rows(
    table: CodingTable, variable: str, level: AlphaLevel, distance: Distance
) -> pl.DataFrame | None:
    """The long rows of ``variable`` when its coders x units array would be sparse, else None.

    Sparse as for a long DataFrame: more than :data:`SPARSE_FACTOR` cells per value and more
    than :data:`SPARSE_MIN_CELLS` cells; only for levels merged from statistics (no distance
    function, no sets of codes). The values are read as the coders x units path reads them:
    the codebook's codes as text; otherwise numbers when every value is one (``1`` and
    ``1.0`` are one value), else text.
    """
    if distance is not None or level not in STREAMED_LEVELS:
        return None
    all_units, all_coders = table.id_totals()  # bounds: no count when they decide
    if not _sparse(all_coders, all_units, table, variable):
        return None
    coders, units = table.shape_of(variable)
    if not _sparse(coders, units, table, variable):
        return None
    rows = table.variable_rows(variable)
    var = table.codebook[variable] if table.codebook and variable in table.codebook else None
    if var is not None and var.is_categorical:
        return rows
    numbers = rows.get_column("value").str.strip_chars().cast(pl.Float64, strict=False)
    if numbers.null_count() == 0 and numbers.is_finite().all():
        return rows.with_columns(numbers.alias("value"))
    return rows


def _sparse(coders: int, units: int, table: CodingTable, variable: str) -> bool:
    """Whether a coders x units array of ``variable`` would be sparse (see sparse_rows)."""
    cells = coders * units
    if coders <= SPARSE_FACTOR or cells <= SPARSE_MIN_CELLS:
        return False
    return cells > SPARSE_FACTOR * table.value_count(variable)


def table_domain(
    table: CodingTable, variable: str, domain: Sequence[Any] | None, level: AlphaLevel
) -> Any:
    """``domain``, else the codebook's codes of a categorical variable (as in memory).

    Codes of a numeric level (interval, ratio, ...) are their numbers.
    """
    if domain is not None or table.codebook is None or variable not in table.codebook:
        return domain
    var = table.codebook[variable]
    if not var.is_categorical:
        return None
    return domain_for(list(var.codes), level, numeric_column=False, variable=variable)


def alpha_of_frame(
    data: Any,
    *,
    level: AlphaLevel,
    domain: Sequence[Any] | None,
    columns: tuple[str, str, str],
    method: BootstrapMethod | str,
    options: Options,
) -> AlphaResult:
    """Alpha of a long (lazy) frame from its streamed statistics."""
    bootstrap, seed = options.bootstrap, options.seed
    unit, coder, value = columns
    schema = _streaming.schema_of(data)
    if value in schema and schema[value] in (pl.Float32, pl.Float64):
        # NaN is a missing value, as in the coders x units array
        at = schema.names().index(value)
        data = data.with_columns(pl.nth(at).fill_nan(None).alias(value))
    if domain is None:
        found = _streaming.distinct_values(data, unit=unit, coder=coder, value=value)
        domain = domain_of_values(found, level)
    stats = AlphaStatistics.from_frame(
        data,
        level=level,
        domain=domain,
        unit=unit,
        coder=coder,
        value=value,
        period=options.period,
        bounds=options.bounds,
        bootstrap=bootstrap,
        seed=seed_or_random(seed) if bootstrap else None,
        method=method,
        progress=options.progress,
    )
    return stats.result(confidence=options.confidence, alpha_min=options.alpha_min)


def domain_of_values(found: list[Any], level: AlphaLevel) -> list[Any] | None:
    """The domain of the values found in the data: sorted, or None for interval moments.

    Raises
    ------
    DataError
        For ordinal values that are text (their order must be given).
    """
    # text that is numbers read as numbers: "1" and "1.0" are one value
    values = list(dict.fromkeys(sorted(_numbers_of_text(found, level), key=sort_key)))
    numbers = all(_number(v) for v in values)
    if level not in (AlphaLevel.NOMINAL, AlphaLevel.ORDINAL) and not numbers:
        shown = ", ".join(repr(v) for v in values[:5])
        msg = (
            f"{level.value} data must be numbers, but the values are not all numbers "
            f"({shown}); use level='nominal' or 'ordinal', or recode the values as numbers"
        )
        raise DataError(msg)
    if level is AlphaLevel.ORDINAL and values and not numbers:
        shown = ", ".join(repr(v) for v in values[:6])
        more = ", ..." if len(values) > 6 else ""
        msg = (
            f"ordinal values that are text ({shown}{more}) have no order of their own, "
            "and their alphabetical order is not one; give every value from lowest to "
            "highest with domain= (e.g. domain=['low', 'mid', 'high'])"
        )
        raise DataError(msg)
    many = level is AlphaLevel.INTERVAL and len(values) > MATRIX_MAX_V
    return None if many or (level is AlphaLevel.INTERVAL and not values) else values


def _number(value: Any) -> bool:
    """A number, as the coders x units path reads one (True/False are labels)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers_of_text(values: list[Any], level: AlphaLevel) -> list[Any]:
    """Text cells that are all numbers (a CSV read as text), as numbers, but for nominal."""
    if level is AlphaLevel.NOMINAL or not values or not all(isinstance(v, str) for v in values):
        return values
    try:
        return [float(v) for v in values]
    except ValueError:
        return values


def seed_or_random(seed: int | None) -> int:
    """The seed given, or a fresh one (every part of a streamed bootstrap must share it)."""
    return int(np.random.default_rng().integers(2**62)) if seed is None else seed


def alpha_of_data(
    rel: ReliabilityData,
    *,
    level: AlphaLevel,
    distance: Distance,
    variable: str | None,
    options: Options,
) -> AlphaResult:
    """Alpha with a Poisson bootstrap of coders x units data (arrays, coding tables)."""
    if distance is not None or rel.is_sets or level not in STREAMED_LEVELS:
        msg = (
            "method='poisson' takes nominal, ordinal, interval, ratio, circular or bipolar "
            "values; for set-valued data or a distance function use method='units'"
        )
        raise OptionError(msg, option="method")
    numeric = level not in (AlphaLevel.NOMINAL, AlphaLevel.ORDINAL)
    if numeric and not rel.is_numeric:
        shown = ", ".join(repr(v) for v in rel.labels[:5])
        msg = (
            f"{level.value} data must be numbers, but the values include {shown}; "
            "use level='nominal' or 'ordinal', or recode the values as numbers"
        )
        raise DataError(msg)
    moments = level is AlphaLevel.INTERVAL and rel.n_values > MATRIX_MAX_V
    if moments:
        floats = rel.float_values()
        coder_index, unit_index = np.nonzero(~np.isnan(floats))
        values: Any = floats[coder_index, unit_index]
        domain: list[Any] | None = None
    else:
        codes = rel.codes
        coder_index, unit_index = np.nonzero(codes >= 0)
        picked = codes[coder_index, unit_index]
        numbers = rel.numbers
        if numeric and numbers is not None:
            values, domain = numbers[picked], numbers.tolist()
        else:
            values, domain = picked, list(range(rel.n_values))
    units: Any = unit_index
    if isinstance(rel.units, tuple):  # named units: hashed by their ids
        units = pl.Series(rel.units, dtype=pl.String).gather(unit_index)
    frame = pl.DataFrame({"unit": units, "coder": coder_index, "value": values})
    stats = AlphaStatistics.from_frame(
        frame,
        level=level,
        domain=domain,
        period=options.period,
        bounds=options.bounds,
        bootstrap=options.bootstrap,
        seed=seed_or_random(options.seed),
        progress=options.progress,
    )
    stats = attrs.evolve(
        stats,
        units=len(rel.units),
        coders=frozenset(str(c) for c in rel.coders),
        domain=stats.domain if moments or numeric else rel.labels,
    )
    return stats.result(
        variable=variable, confidence=options.confidence, alpha_min=options.alpha_min
    )
