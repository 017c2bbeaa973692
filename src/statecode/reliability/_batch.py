"""Every variable of a coding table at once: what the command line prints per variable.

Each function scores the variables of a :class:`~statecode.CodingTable` one by one with a
single public function of this package, so a script and the command line get the same
figures from the same call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from statecode._progress import ProgressArg, progress_to
from statecode.exceptions import DataError, OptionError, Problem
from statecode.options import CoefficientName, Level, find_member, parse_option
from statecode.reliability._agreement import AGREEMENT_FUNCTIONS
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._diagnostics import leave_one_coder_out, pairwise_agreement
from statecode.reliability.results import AgreementResult, AlphaResult
from statecode.table import CodingTable

__all__ = [
    "AC2_WEIGHTS",
    "NEEDS_SINGLE_CODES",
    "RESULT_NAMES",
    "agreement_coefficients",
    "coder_diagnostics",
    "krippendorff_alphas",
    "not_applicable",
    "per_variable",
    "variable_level",
]

#: The coefficients that need one code per unit (not sets of codes).
NEEDS_SINGLE_CODES = frozenset(CoefficientName) - {
    CoefficientName.PERCENT,
    CoefficientName.HOLSTI,
    CoefficientName.ALPHA,
}
#: Gwet's AC2 weights by level, where no weights are given.
AC2_WEIGHTS = {Level.ORDINAL: "ordinal", Level.INTERVAL: "quadratic", Level.RATIO: "ratio"}

Progress = Callable[[int], None]


def _names(table: CodingTable, variables: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(variables) if variables is not None else table.variables


def per_variable(
    table: CodingTable,
    levels: Mapping[str, Any] | None,
    domains: Mapping[str, Sequence[Any]] | None,
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """A function giving each variable its options: its level and domain over the shared ones.

    Raises
    ------
    DataError
        When ``levels`` or ``domains`` names a variable the table does not have.
    """
    problems = [
        Problem(
            f"{keyword}[{name!r}]",
            f"{name!r} is not a variable of the table (variables: "
            f"{', '.join(table.variables[:10]) or 'none'}); give one of them",
        )
        for keyword, mapping in (("levels", levels), ("domains", domains))
        for name in (mapping or {})
        if name not in table.variables
    ]
    if problems:
        raise DataError(problems, source=table.source)

    def options(name: str, shared: dict[str, Any]) -> dict[str, Any]:
        out = dict(shared)
        if levels and name in levels:
            out["level"] = levels[name]
        if domains and name in domains:
            out["domain"] = list(domains[name])
        return out

    return options


def variable_level(table: CodingTable, name: str, level: Any = None) -> Level | None:
    """The level of ``name``: ``level`` if given, else the codebook's (or None)."""
    if level is not None:
        return find_member(Level, str(level))
    if table.codebook is not None and name in table.codebook:
        return table.codebook[name].level
    return None


def not_applicable(
    table: CodingTable, name: str, coefficient: CoefficientName, coders: Any = None
) -> str | None:
    """Why ``coefficient`` does not apply to variable ``name``, or None when it does."""
    var = table.codebook[name] if table.codebook is not None and name in table.codebook else None
    if var is not None and var.multi_label and coefficient in NEEDS_SINGLE_CODES:
        return "multi-label: needs one code per unit"
    if coefficient in (CoefficientName.COHEN, CoefficientName.SCOTT) and coders is None:
        n, _ = table.shape_of(name)
        if n != 2:
            return f"needs exactly two coders; the variable has {n}"
    return None


def coder_diagnostics(
    table: CodingTable,
    *,
    coefficient: CoefficientName | str = CoefficientName.ALPHA,
    variables: Sequence[str] | None = None,
    levels: Mapping[str, Any] | None = None,
    domains: Mapping[str, Sequence[Any]] | None = None,
    **options: Any,
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Per variable: the coder x coder matrix of a coefficient, and alpha without each coder.

    Parameters
    ----------
    levels, domains : mapping, optional
        Per variable, the level and the ordered values (as :func:`krippendorff_alphas`).
    **options
        Keyword options of :func:`~statecode.krippendorff_alpha` for every variable.

    Returns
    -------
    dict
        Variable name to ``(pairwise_agreement(...), leave_one_coder_out(...))``.
    """
    chosen = per_variable(table, levels, domains)
    out = {}
    for name in _names(table, variables):
        alpha_options = chosen(name, options)
        pair_options = alpha_options if coefficient in ("alpha", CoefficientName.ALPHA) else {}
        out[name] = (
            pairwise_agreement(table, variable=name, coefficient=coefficient, **pair_options),
            leave_one_coder_out(table, variable=name, **alpha_options),
        )
    return out


def krippendorff_alphas(
    table: CodingTable,
    *,
    variables: Sequence[str] | None = None,
    levels: Mapping[str, Any] | None = None,
    domains: Mapping[str, Sequence[Any]] | None = None,
    progress: ProgressArg = None,
    **options: Any,
) -> tuple[AlphaResult, ...]:
    """Krippendorff's alpha of every variable of a coding table, in table order.

    Parameters
    ----------
    table : CodingTable
        The codings (with their codebook, which gives each variable's level).
    variables : sequence of str, optional
        The variables to score (default: every variable of the table).
    levels : mapping, optional
        Variable name to its level of measurement (``{"intensity": "ordinal"}``, as
        tidycomm's ``levels``), over ``level=`` and the codebook's.
    domains : mapping, optional
        Variable name to its values in order (``{"intensity": ["low", "mid", "high"]}``),
        over ``domain=``.
    progress : bool or callable, optional
        True draws one progress bar for the bootstraps of all variables; a callable is
        called with the number of bootstrap replicates just drawn, for every variable in
        turn (so a bar of ``bootstrap * len(variables)`` steps fills once).
    **options
        Keyword options of :func:`~statecode.krippendorff_alpha` (``level``, ``domain``,
        ``bootstrap``, ``seed`` ...), the same for every variable.

    Returns
    -------
    tuple of AlphaResult

    Raises
    ------
    DataError
        When ``levels`` or ``domains`` names a variable the table does not have.

    Examples
    --------
    >>> import statecode as sc
    >>> table = sc.read_codings("examples/readouts/codings.csv",
    ...                         codebook=sc.read_codebook("readouts"))  # doctest: +SKIP
    >>> [r.variable for r in krippendorff_alphas(table)][:2]  # doctest: +SKIP
    ['precondition', 'blame_target']
    """
    chosen = per_variable(table, levels, domains)
    names = _names(table, variables)
    total = int(options.get("bootstrap", 0) or 0) * len(names)
    with progress_to(progress, total, "bootstrap") as tick:
        return tuple(
            krippendorff_alpha(table, variable=name, progress=tick, **chosen(name, options))
            for name in names
        )


def agreement_coefficients(
    table: CodingTable,
    coefficient: CoefficientName | str,
    *,
    variables: Sequence[str] | None = None,
    levels: Mapping[str, Any] | None = None,
    domains: Mapping[str, Sequence[Any]] | None = None,
    **options: Any,
) -> tuple[AgreementResult, ...]:
    """One agreement coefficient (``percent``, ``fleiss``, ``ac1`` ...) of every variable.

    A variable the coefficient does not apply to (a multi-label variable for the kappa
    family, a variable with other than two coders for Cohen's kappa and Scott's pi) gets a
    result with ``value`` NaN, ``applies`` False and the reason, rather than stopping the
    others.

    Parameters
    ----------
    table : CodingTable
        The codings.
    coefficient : str
        A short name of :class:`~statecode.options.CoefficientName` other than ``alpha``
        (see :func:`krippendorff_alphas` for alpha).
    variables : sequence of str, optional
        The variables to score (default: every variable of the table).
    levels : mapping, optional
        Variable name to level: Gwet's AC2 without ``weights=`` is weighted by it (ordinal
        weights for ordinal, quadratic for interval, ratio for ratio variables), as in
        :func:`reliability_report`; the codebook's level otherwise.
    domains : mapping, optional
        Variable name to its values in order.
    **options
        Keyword options of the coefficient's function (``weights``, ``confidence`` ...).

    Raises
    ------
    OptionError
        For an unknown coefficient, or ``alpha``.
    """
    chosen = parse_option(CoefficientName, coefficient, "coefficient")
    func = AGREEMENT_FUNCTIONS.get(chosen)
    if func is None:
        msg = "coefficient='alpha': use krippendorff_alphas (statecode alpha) for alpha"
        raise OptionError(msg, option="coefficient")
    settings = per_variable(table, None, domains)
    if levels:
        per_variable(table, levels, None)  # the names are checked
    results = []
    for name in _names(table, variables):
        why = not_applicable(table, name, chosen, options.get("coders"))
        if why is not None:
            results.append(_not_applicable(table, name, chosen, why))
            continue
        settings_of = settings(name, options)
        if chosen is CoefficientName.AC2 and "weights" not in options:
            level = variable_level(table, name, (levels or {}).get(name))
            settings_of["weights"] = AC2_WEIGHTS.get(level, "identity") if level else "identity"
        results.append(func(table, variable=name, **settings_of))
    return tuple(results)


#: The result's name of each coefficient.
RESULT_NAMES = {
    CoefficientName.PERCENT: "percent_agreement",
    CoefficientName.HOLSTI: "holsti",
    CoefficientName.COHEN: "cohen_kappa",
    CoefficientName.SCOTT: "scott_pi",
    CoefficientName.FLEISS: "fleiss_kappa",
    CoefficientName.CONGER: "conger_kappa",
    CoefficientName.BP: "brennan_prediger",
    CoefficientName.AC1: "gwet_ac1",
    CoefficientName.AC2: "gwet_ac2",
}


def _not_applicable(
    table: CodingTable, name: str, coefficient: CoefficientName, why: str
) -> AgreementResult:
    coders, units = table.shape_of(name)
    return AgreementResult(
        coefficient=RESULT_NAMES[coefficient],
        value=math.nan,
        observed_agreement=math.nan,
        chance_agreement=math.nan,
        units=0,
        units_dropped=units,
        coders=coders,
        categories=(),
        weights="",
        se=None,
        ci=None,
        method="not computed",
        missing="",
        reason=why,
        variable=name,
        applies=False,
    )
