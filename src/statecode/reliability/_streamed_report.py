"""The reliability report of a polars LazyFrame: every variable from merged statistics.

A LazyFrame in long layout (``unit``, ``coder`` and one column per variable) is never
collected: each variable becomes an :class:`~statecode.AlphaStatistics` (polars' streaming
engine), and the report reads what merged statistics give, with the figures the in-memory
report shows:

- ``alpha`` (and its bootstrap: units, Krippendorff's or Poisson);
- ``percent`` (tidycomm's Agreement: the share of pairable units on which every value is the
  same);
- ``fleiss``, ``bp``, ``ac1``, ``ac2`` with their standard errors and intervals (AC2
  weighted by level, as in memory).

Holsti's CR, Cohen's kappa, Scott's pi and Conger's kappa compare coders with each other, so
they need each coder's codes in memory: their columns are empty and ``Notes`` says so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from statecode._values import finite
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, DegenerateDataWarning, OptionError
from statecode.options import AlphaLevel, BootstrapMethod, CoefficientName, Level, parse_option
from statecode.reliability import _streaming
from statecode.reliability._batch import AC2_WEIGHTS
from statecode.reliability._merged_agreement import MERGED_KAPPAS
from statecode.reliability._parts import check_names
from statecode.reliability._provenance import provenance_of
from statecode.reliability._scale import (
    domain_for,
    domain_of_values,
    seed_or_random,
    sparse_rows,
    table_domain,
)
from statecode.reliability._statistics import AlphaStatistics
from statecode.reliability.results import AgreementResult, AlphaResult, ReliabilityReport
from statecode.table import CodingTable

__all__ = ["put", "sparse_row", "streamed_report"]

_IN_MEMORY = "needs each coder's codes in memory: pass a DataFrame or CodingTable"
_SPARSE = "a sparse design, scored from merged statistics: needs each coder's codes"


def put(
    row: dict[str, Any], column: str, value: float, ci: tuple[float, float, float] | None
) -> None:
    """A coefficient's value into its column of a report row, with its interval if it has one."""
    row[column] = finite(value)
    if ci is not None:
        row[f"{column}_CI_low"], row[f"{column}_CI_high"] = finite(ci[0]), finite(ci[1])


def _level(name: str, var: Variable | None, levels: Mapping[str, Any]) -> AlphaLevel:
    given = levels.get(name)
    if given is None and var is not None:
        given = var.level.value
    return parse_option(AlphaLevel, given or AlphaLevel.NOMINAL, "levels")


def _domain(
    lazy: pl.LazyFrame,
    name: str,
    var: Variable | None,
    level: AlphaLevel,
    domains: Mapping[str, Sequence[Any]],
) -> list[Any] | None:
    """The declared domain, the codebook's codes, or the values found (one more pass)."""
    given = domains.get(name)
    if given is None and var is not None and var.is_categorical:
        given = list(var.codes)
    numeric = _streaming.schema_of(lazy)[name].is_numeric()
    domain = domain_for(given, level, numeric, name)
    if domain is None:
        found = _streaming.distinct_values(lazy, value=name)
        domain = domain_of_values(found, level)
    return domain


def _percent(stats: AlphaStatistics, name: str) -> AgreementResult:
    """The Agreement column (tidycomm): the units on which every value is the same."""
    value = stats.percent_agreement("full") if stats.coincidences is not None else math.nan
    return AgreementResult(
        coefficient="percent_agreement",
        value=value,
        observed_agreement=value,
        chance_agreement=math.nan,
        units=stats.pairable_units,
        units_dropped=stats.units - stats.pairable_units,
        coders=len(stats.coders),
        categories=stats.domain or (),
        weights="identity",
        se=None,
        ci=None,
        method="share of pairable units on which every value is the same (merged sums)",
        missing="units with fewer than two values are left out (counted in units_dropped)",
        reason=None if stats.pairable_units else "no unit was rated by two or more coders",
        variable=name,
    )


_NO_INTERVAL = (
    "no interval (the units hold too many patterns of value counts for the standard error)"
)
_NO_WEIGHTED = (
    "not computed (weighted agreement needs the patterns of value counts, which the units "
    "hold too many of)"
)


def _scored(
    stats: AlphaStatistics,
    coefficient: CoefficientName,
    level: AlphaLevel,
    name: str,
    options: dict[str, Any],
) -> tuple[AgreementResult | None, float | None, str | None]:
    """A coefficient of merged statistics: its result; else its bare value or why not."""
    if coefficient is CoefficientName.PERCENT:
        return _percent(stats, name), None, None
    if coefficient not in MERGED_KAPPAS or stats.domain is None:
        why = options.get("why", _IN_MEMORY)
        if stats.domain is None:
            why = "interval moments have no categories"
        return None, None, f"not computed ({why})"
    if not stats.has_patterns:
        # many values in too many combinations: values from additive sums, no interval
        if coefficient is CoefficientName.AC2:
            return None, None, _NO_WEIGHTED
        return None, stats.kappa(coefficient), _NO_INTERVAL
    weights = None
    if coefficient is CoefficientName.AC2:
        weights = AC2_WEIGHTS.get(Level(level.value), "identity")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        result = stats.kappa_result(
            coefficient, weights=weights, confidence=options["confidence"], variable=name
        )
    return result, None, None


def _row(
    lazy: pl.LazyFrame,
    name: str,
    var: Variable | None,
    chosen: tuple[CoefficientName, ...],
    options: dict[str, Any],
    columns: Mapping[CoefficientName, str],
) -> tuple[dict[str, Any], AlphaResult, dict[str, AgreementResult | AlphaResult]]:
    level = _level(name, var, options["levels"])
    domain = _domain(lazy, name, var, level, options["domains"])
    stats = AlphaStatistics.from_frame(
        lazy,
        level=level,
        domain=domain,
        value=name,
        bootstrap=options["bootstrap"],
        seed=options["seed"],
        method=options["method"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        alpha = stats.result(variable=name, confidence=options["confidence"])
    row: dict[str, Any] = {
        "Variable": name,
        "n_Units": alpha.units,
        "n_Coders": alpha.coders,
        "n_Categories": len(stats.domain) if stats.domain is not None else len(alpha.values),
        "Level": level.value,
    }
    detail: dict[str, AgreementResult | AlphaResult] = {}
    notes = [f"alpha: {alpha.reason}"] if alpha.reason else []
    left: dict[str, list[str]] = {}  # what a note says of some columns: those columns
    for coefficient in chosen:
        column = columns[coefficient]
        if coefficient is CoefficientName.ALPHA:
            detail["alpha"] = alpha
            put(row, column, alpha.alpha, alpha.ci)
            continue
        result, bare, why = _scored(stats, coefficient, level, name, options)
        if result is not None:
            detail[coefficient.value] = result
            put(row, column, result.value, result.ci)
            if result.reason:
                notes.append(f"{column}: {result.reason}")
            continue
        row[column] = None if bare is None else finite(bare)
        left.setdefault(why or "", []).append(column)
    notes += [f"{', '.join(names)}: {why}" for why, names in left.items()]
    row["Verdict"] = alpha.verdict
    row["Notes"] = "; ".join(notes) or None
    return row, alpha, detail


def sparse_row(
    table: CodingTable,
    name: str,
    var: Variable | None,
    chosen: tuple[CoefficientName, ...],
    given: dict[str, Any],
    *,
    bootstrap: int,
    seed: int | None,
    method: BootstrapMethod | str,
    confidence: float,
    columns: Mapping[CoefficientName, str],
) -> tuple[dict[str, Any], AlphaResult, dict[str, AgreementResult | AlphaResult]] | None:
    """The report's row of a variable of a sparse design, from its long rows; else None.

    A crowd design (coders x units far above the codings: see
    :func:`~statecode.reliability._scale.sparse_rows`) is scored like a LazyFrame, so no
    coefficient builds the coders x units array.
    """
    if var is not None and var.multi_label:
        return None
    level = _level(name, var, {name: given["level"]} if "level" in given else {})
    rows = sparse_rows(table, name, level, None)
    if rows is None:
        return None
    domain = given.get("domain", table_domain(table, name, None, level))
    options = {
        "levels": {name: level},
        "domains": {} if domain is None else {name: domain},
        "bootstrap": bootstrap,
        "seed": seed_or_random(seed) if bootstrap else None,
        "method": method,
        "confidence": confidence,
        "why": _SPARSE,
    }
    return _row(rows.rename({"value": name}).lazy(), name, var, chosen, options, columns)


def streamed_report(
    lazy: pl.LazyFrame,
    chosen: tuple[CoefficientName, ...],
    *,
    codebook: Codebook | None,
    variables: Sequence[str] | None,
    bootstrap: int,
    seed: int | None,
    method: BootstrapMethod | str,
    confidence: float,
    levels: Mapping[str, Any] | None,
    domains: Mapping[str, Sequence[Any]] | None,
    schema: dict[str, Any],
    columns: Mapping[CoefficientName, str],
) -> ReliabilityReport:
    """The report of a LazyFrame in long layout (see the module's notes).

    Raises
    ------
    DataError
        For a missing ``unit`` or ``coder`` column, a variable that is not a column, bad
        rows (as :func:`~statecode.krippendorff_alpha` on a LazyFrame).
    OptionError
        For ``levels``/``domains`` naming a variable not scored, or a confidence outside
        (0, 1).
    """
    if not 0 < confidence < 1:
        msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
        raise OptionError(msg, option="confidence")
    names_all = _streaming.schema_of(lazy).names()
    names = (
        list(variables)
        if variables is not None
        else [c for c in names_all if c not in ("unit", "coder")]
    )
    levels, domains = dict(levels or {}), dict(domains or {})
    check_names(names_all, "unit", "coder", names, levels, domains)
    options = {
        "levels": levels,
        "domains": domains,
        "bootstrap": bootstrap,
        "seed": seed_or_random(seed) if bootstrap else None,
        "method": method,
        "confidence": confidence,
    }
    rows, alphas, details = [], [], []
    for name in names:
        var = codebook[name] if codebook is not None and name in codebook else None
        if var is not None and var.multi_label:
            msg = (
                f"variable {name!r} is multi-label (sets of codes); its alpha needs the data "
                "in memory: collect the LazyFrame, or leave it out with variables="
            )
            raise DataError(msg)
        row, alpha, detail = _row(lazy, name, var, chosen, options, columns)
        if variables is None and not alpha.units:
            continue  # a column without a value: not a variable (as in memory)
        rows.append(row)
        alphas.append(alpha)
        details.append(detail)
    frame = pl.DataFrame([{k: row.get(k) for k in schema} for row in rows], schema=schema)
    provenance = provenance_of(None, coefficients=[c.value for c in chosen], alphas=alphas)
    return ReliabilityReport(frame, tuple(alphas), tuple(details), provenance=provenance)
