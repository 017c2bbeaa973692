"""The reliability report: every variable, every chosen coefficient, one table."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from statecode._progress import ProgressArg, progress_to
from statecode._provenance import digests_ahead
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, DegenerateDataWarning, OptionError
from statecode.options import CoefficientName, parse_option
from statecode.reliability import _agreement
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._batch import (
    AC2_WEIGHTS,
    NEEDS_SINGLE_CODES,
    not_applicable,
    per_variable,
    variable_level,
)
from statecode.reliability._provenance import provenance_of
from statecode.reliability._shared import sharing
from statecode.reliability._streamed_report import put, sparse_row, streamed_report
from statecode.reliability.results import AgreementResult, AlphaResult, ReliabilityReport
from statecode.table import CodingTable, coding_table

__all__ = ["DEFAULT_COEFFICIENTS", "ReliabilityReport", "reliability_report"]

#: What the report shows unless asked otherwise: tidycomm's defaults.
DEFAULT_COEFFICIENTS = (CoefficientName.PERCENT, CoefficientName.HOLSTI, CoefficientName.ALPHA)

#: Column names, as R's tidycomm ``test_icr`` has them (plus statecode's additions).
COLUMNS = {
    CoefficientName.PERCENT: "Agreement",
    CoefficientName.HOLSTI: "Holstis_CR",
    CoefficientName.ALPHA: "Krippendorffs_Alpha",
    CoefficientName.COHEN: "Cohens_Kappa",
    CoefficientName.SCOTT: "Scotts_Pi",
    CoefficientName.FLEISS: "Fleiss_Kappa",
    CoefficientName.CONGER: "Congers_Kappa",
    CoefficientName.BP: "Brennan_Predigers_Kappa",
    CoefficientName.AC1: "Gwets_AC1",
    CoefficientName.AC2: "Gwets_AC2",
}


def _parse_coefficients(
    coefficients: Iterable[CoefficientName | str] | str,
) -> tuple[CoefficientName, ...]:
    if isinstance(coefficients, str):
        if coefficients.strip().lower() == "all":
            return tuple(COLUMNS)
        coefficients = [c for c in coefficients.split(",") if c.strip()]
    chosen = {
        parse_option(CoefficientName, c.strip() if isinstance(c, str) else c, "coefficients")
        for c in coefficients
    }
    # columns in tidycomm's order, whatever order they were asked in
    return tuple(c for c in COLUMNS if c in chosen)


def reliability_report(
    table: CodingTable | pl.DataFrame | pl.LazyFrame,
    *,
    codebook: Codebook | None = None,
    variables: Sequence[str] | None = None,
    coefficients: Iterable[CoefficientName | str] | str = DEFAULT_COEFFICIENTS,
    bootstrap: int = 0,
    seed: int | None = None,
    method: str = "units",
    confidence: float = 0.95,
    by: Mapping[str, str] | None = None,
    by_name: str | None = None,
    levels: Mapping[str, Any] | None = None,
    domains: Mapping[str, Sequence[Any]] | None = None,
    progress: ProgressArg = None,
) -> ReliabilityReport:
    """Score every variable with every chosen coefficient.

    Parameters
    ----------
    table : CodingTable, DataFrame or LazyFrame
        The codings, or a polars or pandas frame with ``unit``, ``coder`` and one column per
        variable. A polars ``LazyFrame`` (e.g. :func:`~statecode.scan_codings` of Parquet
        parts) is never collected: each variable is scored from merged statistics
        (streamed), with alpha, ``percent``, ``fleiss``, ``bp``, ``ac1`` and ``ac2`` (their
        standard errors included); Holsti, Cohen, Scott and Conger need each coder's codes
        in memory and are left empty with a note. Domains come from ``domains=``, else the
        codebook's codes, else the values found.
    codebook : Codebook, optional
        Defaults to the table's codebook. It gives each variable's level, categories and
        whether it is multi-label.
    variables : sequence of str, optional
        Variables to report (default: all in the table).
    coefficients : sequence of str, or str
        Short names (``alpha``, ``percent``, ``holsti``, ``cohen``, ``scott``, ``fleiss``,
        ``conger``, ``bp``, ``ac1``, ``ac2``), a comma-separated string, or ``"all"``.
        Default: ``percent``, ``holsti``, ``alpha`` (tidycomm's defaults).
    bootstrap, seed, method, confidence
        Bootstrap of alpha (see :func:`~statecode.krippendorff_alpha`); ``confidence`` also
        sets the level of the analytic intervals of the kappa-type coefficients.
    by : mapping of unit to group, optional
        Report each group of units separately (e.g. each account of an event). By default
        the table's ``groups``, when it was read with ``by=``.
    by_name : str, optional
        Name of the group column (default: the table's ``group_by``, else ``Group``).
    levels : mapping, optional
        Variable name to level of measurement, over the codebook's (tidycomm's ``levels``:
        ``{"intensity": "ordinal"}``). It sets alpha's difference function and AC2's weights.
    domains : mapping, optional
        Variable name to its values in order (needed for ordinal text without a codebook).
    progress : bool or callable, optional
        True draws one progress bar of the bootstraps (in a terminal or a notebook); a
        callable is called with the number of bootstrap replicates just drawn.

    Returns
    -------
    ReliabilityReport

    Notes
    -----
    ``Agreement`` is the share of units on which all coders agree, as in tidycomm; the
    pairwise percent agreement is :func:`~statecode.percent_agreement`. Kappa-type
    coefficients are unweighted, except Gwet's AC2, weighted by level (ordinal weights for
    ordinal, quadratic for interval, ratio for ratio variables). Multi-label variables get
    percent agreement, Holsti and alpha (MASI distance) only: the kappa-type coefficients
    need one code per unit (``Notes`` says so). Cohen's kappa and Scott's pi need exactly two
    coders. ``Verdict`` applies Krippendorff's thresholds to alpha: reliable from .800,
    tentative from .667.

    References
    ----------
    Unkel, J., Fröhlich, T. & Knoll, J. tidycomm: Data Modification and Analysis for
    Communication Research (R package), ``test_icr``.
    """
    chosen = _parse_coefficients(coefficients)
    if isinstance(table, pl.LazyFrame):
        if by is not None:
            msg = "by= needs the table in memory; for a LazyFrame, filter it per group"
            raise OptionError(msg, option="by")
        return streamed_report(
            table, chosen, codebook=codebook, variables=variables, bootstrap=bootstrap,
            seed=seed, method=method, confidence=confidence, levels=levels, domains=domains,
            schema=_schema(chosen, bootstrap=bool(bootstrap), group=None), columns=COLUMNS,
        )  # fmt: skip
    table = coding_table(table, "table", "", " (read_codings, CodingTable.from_frame)")
    if by is None and table.groups is not None:
        by = table.groups
    by_name = by_name or table.group_by or "Group"
    codebook = codebook if codebook is not None else table.codebook
    names = list(variables) if variables is not None else list(table.variables)
    if codebook is not None and codebook is not table.codebook:
        levels, domains = _from_codebook(codebook, names, levels, domains)
    settings = per_variable(table, levels, domains)
    groups = _groups(table, by)
    if progress is True:  # one bar for every bootstrap of the report
        total = bootstrap * len(names) * len(groups)
        with progress_to(progress, total, "bootstrap") as tick:
            return reliability_report(
                table,
                codebook=codebook,
                variables=variables,
                coefficients=coefficients,
                bootstrap=bootstrap,
                seed=seed,
                method=method,
                confidence=confidence,
                by=by,
                by_name=by_name,
                levels=levels,
                domains=domains,
                progress=tick,
            )
    tick = progress if callable(progress) else None
    rows: list[dict[str, Any]] = []
    alphas: list[AlphaResult] = []
    details: list[dict[str, AgreementResult | AlphaResult]] = []
    # the file's digest, which the provenance states, is made beside the coefficients
    with digests_ahead([table.origin or table.source]):
        for group, part in groups:
            for name in names:
                var = codebook[name] if codebook is not None and name in codebook else None
                given = settings(name, {})
                options: dict[str, Any] = {
                    "bootstrap": bootstrap,
                    "seed": seed,
                    "method": method,
                    "confidence": confidence,
                }
                scored = sparse_row(part, name, var, chosen, given, columns=COLUMNS, **options)
                if scored is None:
                    with sharing():  # one variable's coefficients share its counts
                        scored = _row(part, name, var, chosen, given, progress=tick, **options)
                row, alpha, detail = scored
                if group is not None:
                    row = {by_name: group, **row}
                rows.append(row)
                alphas.append(alpha)
                details.append(detail)
        provenance = provenance_of(table, coefficients=[c.value for c in chosen], alphas=alphas)
    schema = _schema(chosen, bootstrap=bool(bootstrap), group=by_name if by else None)
    frame = pl.DataFrame([{k: row.get(k) for k in schema} for row in rows], schema=schema)
    return ReliabilityReport(
        frame,
        tuple(alphas),
        tuple(details),
        group=by_name if by else None,
        provenance=provenance,
    )


def _from_codebook(
    codebook: Codebook,
    names: Sequence[str],
    levels: Mapping[str, Any] | None,
    domains: Mapping[str, Sequence[Any]] | None,
) -> tuple[dict[str, Any], dict[str, Sequence[Any]]]:
    """The levels and codes of a ``codebook=`` the table was not read with, under the given.

    So every coefficient reads the codebook as it would if the table carried it: alpha's
    level and ordinal order, and the categories (unused ones included) of the kappas.
    """
    levels, domains = dict(levels or {}), dict(domains or {})
    for name in names:
        if name not in codebook or codebook[name].multi_label:
            continue
        var = codebook[name]
        levels.setdefault(name, var.level.value)
        if var.is_categorical:
            domains.setdefault(name, list(var.codes))
    return levels, domains


_NO_INTERVAL = frozenset({CoefficientName.PERCENT, CoefficientName.HOLSTI})


def _schema(
    chosen: tuple[CoefficientName, ...], *, bootstrap: bool, group: str | None
) -> dict[str, Any]:
    """Columns in a fixed order: ids, then each coefficient with its interval, verdict."""
    schema: dict[str, Any] = {} if group is None else {group: pl.String}
    schema.update(
        {
            "Variable": pl.String,
            "n_Units": pl.Int64,
            "n_Coders": pl.Int64,
            "n_Categories": pl.Int64,
            "Level": pl.String,
        }
    )
    for coefficient in chosen:
        column = COLUMNS[coefficient]
        schema[column] = pl.Float64
        has_interval = coefficient not in _NO_INTERVAL and (
            bootstrap or coefficient is not CoefficientName.ALPHA
        )
        if has_interval:
            schema[f"{column}_CI_low"] = pl.Float64
            schema[f"{column}_CI_high"] = pl.Float64
    schema.update({"Verdict": pl.String, "Notes": pl.String})
    return schema


def _groups(
    table: CodingTable, by: Mapping[str, str] | None
) -> list[tuple[str | None, CodingTable]]:
    if by is None:
        return [(None, table)]
    missing = [u for u in table.units if u not in by]
    if missing:
        shown = ", ".join(repr(u) for u in missing[:5])
        msg = f"by= gives no group for unit(s) {shown}; give every unit a group"
        raise DataError(msg)
    members: dict[str, list[str]] = {}
    for unit in table.units:
        members.setdefault(by[unit], []).append(unit)
    return [(group, table.where_units(units)) for group, units in members.items()]


def _row(
    table: CodingTable,
    name: str,
    var: Variable | None,
    chosen: tuple[CoefficientName, ...],
    given: dict[str, Any],
    *,
    bootstrap: int,
    seed: int | None,
    method: str,
    confidence: float,
    progress: Callable[[int], None] | None,
) -> tuple[dict[str, Any], AlphaResult, dict[str, AgreementResult | AlphaResult]]:
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        alpha = krippendorff_alpha(
            table,
            variable=name,
            bootstrap=bootstrap,
            seed=seed,
            method=method,
            confidence=confidence,
            progress=progress,
            **given,
        )
    level = var.level.value if var is not None and "level" not in given else alpha.level
    multi = var is not None and var.multi_label
    inapplicable: dict[str, list[str]] = {}
    n_categories = len(var.categories) if var is not None and var.categories else len(alpha.values)
    row: dict[str, Any] = {
        "Variable": name,
        "n_Units": alpha.units,
        "n_Coders": alpha.coders,
        "n_Categories": n_categories,
        "Level": level + (" (multi-label)" if multi else ""),
    }
    detail: dict[str, AgreementResult | AlphaResult] = {}
    for coefficient in chosen:
        column = COLUMNS[coefficient]
        if coefficient is CoefficientName.ALPHA:
            detail["alpha"] = alpha
            put(row, column, alpha.alpha, alpha.ci)
            continue
        why = "multi-label: needs one code per unit" if multi else None
        if why is None or coefficient not in NEEDS_SINGLE_CODES:
            why = not_applicable(table, name, coefficient)
        if why is not None:
            row[column] = None
            inapplicable.setdefault(why, []).append(column)
            continue
        result = _coefficient(table, name, var, coefficient, confidence, given)
        detail[coefficient.value] = result
        put(row, column, result.value, result.ci)
        if result.reason:
            notes.append(f"{column}: {result.reason}")
    notes += [
        f"{', '.join(columns)}: not computed ({why})" for why, columns in inapplicable.items()
    ]
    if alpha.reason:
        notes.insert(0, f"alpha: {alpha.reason}")
    row["Verdict"] = alpha.verdict
    row["Notes"] = "; ".join(notes) or None
    return row, alpha, detail


def _coefficient(
    table: CodingTable,
    name: str,
    var: Variable | None,
    coefficient: CoefficientName,
    confidence: float,
    given: dict[str, Any],
) -> AgreementResult:
    options: dict[str, Any] = {"variable": name}
    if "domain" in given:
        options["domain"] = given["domain"]
    if coefficient is CoefficientName.PERCENT:
        options["method"] = "full"  # tidycomm's Agreement: units on which all coders agree
    elif coefficient is not CoefficientName.HOLSTI:
        options["confidence"] = confidence
    if coefficient is CoefficientName.AC2:
        level = variable_level(table, name, given.get("level"))
        if level is None and var is not None:
            level = var.level
        options["weights"] = AC2_WEIGHTS.get(level, "identity") if level else "identity"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return _agreement.AGREEMENT_FUNCTIONS[coefficient](table, **options)
