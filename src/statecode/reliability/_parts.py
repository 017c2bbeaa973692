"""Alpha of every variable of a long table in parts: streamed by polars, or on Dask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from statecode.exceptions import DataError, OptionError
from statecode.options import AlphaLevel, BootstrapMethod, Engine, Level, parse_option
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._scale import domain_for
from statecode.reliability._statistics import ALPHA_MIN
from statecode.reliability._streaming import schema_of
from statecode.reliability.results import AlphaResult

__all__ = ["check_names", "streamed_alphas"]


def streamed_alphas(
    data: Any,
    *,
    unit: str = "unit",
    coder: str = "coder",
    variables: Sequence[str] | None = None,
    levels: Mapping[str, AlphaLevel | Level | str] | None = None,
    domains: Mapping[str, Sequence[Any]] | None = None,
    period: float | None = None,
    bootstrap: int = 0,
    method: BootstrapMethod | str = BootstrapMethod.POISSON,
    seed: int | None = None,
    confidence: float = 0.95,
    alpha_min: Sequence[float] = ALPHA_MIN,
    engine: Engine | str = Engine.STREAMING,
    scheduler: str | None = None,
) -> tuple[AlphaResult, ...]:
    """Krippendorff's alpha of every variable of a long table that need not fit in memory.

    Each variable is scored from :class:`~statecode.AlphaStatistics`: with
    ``engine='streaming'`` by polars' streaming engine over a ``LazyFrame`` (for example
    :func:`~statecode.scan_codings` of a glob of Parquet parts), with ``engine='dask'`` on a
    Dask cluster (see :func:`~statecode.dask_alpha`).

    Parameters
    ----------
    data : polars.LazyFrame, polars.DataFrame or dask.dataframe.DataFrame
        Long layout: a unit column, a coder column and one column per variable.
    unit, coder : str
        The id columns.
    variables : sequence of str, optional
        The variables to score (default: every other column).
    levels, domains : mapping, optional
        Per variable, its level (default nominal) and its value domain (default: the
        values found, in one more pass; text that is numbers is read as numbers but for
        nominal variables).
    period : float, optional
        The period of circular variables.
    bootstrap, method, seed, confidence, alpha_min
        As for :func:`~statecode.krippendorff_alpha`: every method with a value domain
        (from the merged patterns of unit counts); continuous interval data (no domain)
        ``method='poisson'`` only.
    engine : {'streaming', 'dask'}
        Where to compute.
    scheduler : str, optional
        For Dask: the scheduler's address (``tcp://host:8786``); default a local cluster.

    Returns
    -------
    tuple of AlphaResult
        One per variable, in order, ``variable`` set.

    Raises
    ------
    OptionError
        For an engine other than these two, a level or domain that does not fit.
    DataError
        For bad rows (empty ids, a coder giving a unit two rows, values outside a domain,
        text where numbers are needed).
    """
    chosen = parse_option(Engine, engine, "engine")
    if chosen not in (Engine.STREAMING, Engine.DASK):
        msg = f"engine={chosen.value!r}: streamed_alphas computes with 'streaming' or 'dask'"
        raise OptionError(msg, option="engine")
    columns = list(data.columns) if chosen is Engine.DASK else schema_of(data).names()
    names = [c for c in columns if c not in (unit, coder)] if variables is None else variables
    levels = levels or {}
    domains = domains or {}
    check_names(columns, unit, coder, names, levels, domains)
    results = []
    for name in names:
        level = parse_option(AlphaLevel, levels.get(name) or AlphaLevel.NOMINAL, "level")
        if chosen is Engine.DASK:
            from statecode.reliability._dask import dask_alpha  # noqa: PLC0415 - dask extra

            numeric = str(data[name].dtype).startswith(("int", "uint", "float"))
            domain = domain_for(domains.get(name), level, numeric, name)
            result = dask_alpha(
                data, level=level, domain=domain, unit=unit, coder=coder, value=name,
                period=period, bootstrap=bootstrap, seed=seed, method=method,
                confidence=confidence,
                alpha_min=alpha_min, scheduler=scheduler,
            )  # fmt: skip
        else:
            lazy = data.lazy() if isinstance(data, pl.DataFrame) else data
            numeric = schema_of(lazy)[name].is_numeric()
            domain = domain_for(domains.get(name), level, numeric, name)
            result = krippendorff_alpha(
                lazy, level=level, domain=domain, unit=unit, coder=coder, value=name,
                period=period, bootstrap=bootstrap, method=method, seed=seed,
                confidence=confidence, alpha_min=alpha_min,
            )  # fmt: skip
        results.append(attrs.evolve(result, variable=name))
    return tuple(results)


def check_names(
    columns: Sequence[str],
    unit: str,
    coder: str,
    names: Sequence[str],
    levels: Mapping[str, Any],
    domains: Mapping[str, Any],
) -> None:
    """Every column named exists, and every variable given a level or domain is scored."""
    have = ", ".join(repr(c) for c in columns)
    for option, name in (("unit", unit), ("coder", coder)):
        if name not in columns:
            msg = f"{option}={name!r} is not a column (the columns: {have}); name the {option} ids"
            raise DataError(msg)
    missing = [n for n in names if n not in columns]
    if missing:
        shown = ", ".join(map(repr, missing))
        msg = f"variables= names {shown}, which is not a column (the columns: {have})"
        raise DataError(msg)
    for option, given in (("levels", levels), ("domains", domains)):
        stray = [n for n in given if n not in names]
        if stray:
            shown = ", ".join(map(repr, stray))
            msg = (
                f"{option}= names {shown}, which is not a variable scored "
                f"({', '.join(map(repr, names))}); check the spelling"
            )
            raise OptionError(msg, option=option)
