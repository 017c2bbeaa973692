r"""Fleiss' kappa, Brennan-Prediger and Gwet's AC1/AC2 of merged statistics, with their errors.

The coefficients need, beyond sums over units, each unit's term around the merged chance
agreement for their variance (Gwet's linearisation): in general a second pass over the data.
:class:`~statecode.AlphaStatistics` keeps the *patterns* of its units (each distinct row of
per-unit value counts with the number of units holding it), and a unit's term depends only
on its counts and on merged figures; so the second pass runs over the patterns, not the
data: a few thousand rows for millions of units, the same figures as in memory.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode.exceptions import OptionError
from statecode.options import CoefficientName, Weights, parse_option
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability._agreement_input import (
    WeightsArg,
    scores_for,
    settled_result,
    weight_matrix_for,
)
from statecode.reliability._poisson import Patterns
from statecode.reliability.results import AgreementResult

__all__ = ["MERGED_KAPPAS", "additive_kappa", "merged_agreement"]

#: The coefficients merged statistics give (beyond alpha and percent agreement).
MERGED_KAPPAS = (
    CoefficientName.FLEISS,
    CoefficientName.BP,
    CoefficientName.AC1,
    CoefficientName.AC2,
)

_FORMULAS = {
    "fleiss_kappa": "Fleiss' kappa: chance agreement from the pooled classification shares",
    "brennan_prediger": "Brennan-Prediger: chance agreement T_w / q^2",
    "gwet_ac1": "Gwet's AC1: chance agreement (1/(q-1)) sum pi_k (1 - pi_k)",
    "gwet_ac2": "Gwet's AC2: chance agreement T_w/(q(q-1)) sum pi_k (1 - pi_k)",
}
_SE = (
    "standard error by Gwet's linearisation (Gwet 2008; 2014, ch. 5) from the merged "
    "patterns of unit counts, conditional on the coders, infinite population of units; "
    "interval t with n - 1 df, upper end capped at 1"
)
_MISSING = (
    "units no coder rated are left out; units rated by one coder count in the chance "
    "agreement but not in the observed agreement (Gwet 2014, sec. 2.5)"
)


def merged_agreement(
    patterns: Patterns,
    coefficient: CoefficientName | str,
    *,
    weights: WeightsArg | None,
    labels: tuple[Any, ...],
    numbers: NDArray[np.float64] | None,
    coders: int,
    confidence: float,
    variable: str | None = None,
) -> AgreementResult:
    """One coefficient of the merged patterns, as the in-memory function gives it.

    ``weights=None`` is each coefficient's default (as the in-memory functions): identity,
    quadratic for ``ac2``. ``ac1`` is AC2 with identity weights (and refuses others).

    Raises
    ------
    OptionError
        For a coefficient outside :data:`MERGED_KAPPAS`, weights given to AC1, or a
        confidence outside (0, 1).
    """
    chosen = parse_option(CoefficientName, coefficient, "coefficient")
    if chosen not in MERGED_KAPPAS:
        shown = ", ".join(c.value for c in MERGED_KAPPAS)
        msg = (
            f"coefficient={chosen.value!r}: merged statistics give {shown} (and alpha and "
            "percent agreement); the others need each coder's codes in memory"
        )
        raise OptionError(msg, option="coefficient")
    if not 0 < confidence < 1:
        msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
        raise OptionError(msg, option="confidence")
    if weights is None:
        weights = Weights.QUADRATIC if chosen is CoefficientName.AC2 else Weights.IDENTITY
    matrix, kind = weight_matrix_for(weights, labels, scores_for(numbers, len(labels)))
    if chosen is CoefficientName.AC1 and kind != "identity":
        msg = "AC1 is unweighted: for weights use coefficient='ac2'"
        raise OptionError(msg, option="weights")
    counts = patterns.counts.astype(np.float64)
    times = patterns.units.astype(np.float64)
    if chosen is CoefficientName.FLEISS:
        name, parts = "fleiss_kappa", ak.fleiss_parts(counts, matrix, times)
    elif chosen is CoefficientName.BP:
        name, parts = "brennan_prediger", ak.brennan_prediger_parts(counts, matrix, times)
    else:
        name = "gwet_ac1" if kind == "identity" else "gwet_ac2"
        parts = ak.gwet_parts(counts, matrix, times)
    pairable = int(times[counts.sum(axis=1) >= 2].sum())
    return settled_result(
        name, parts, coders=coders, labels=labels, variable=variable,
        units_with_pairs=pairable, weights=kind, dropped=0, confidence=confidence,
        method=f"{_FORMULAS[name]}; {_SE}", missing=_MISSING, df=parts.units - 1,
    )  # fmt: skip


def additive_kappa(
    coefficient: CoefficientName | str,
    shares: NDArray[np.float64],
    units: int,
    pa: float,
    labels: tuple[Any, ...],
) -> float:
    r"""Fleiss, BP or AC1 from additive sums alone (no patterns, so no standard error).

    :math:`p_a` is the mean share of agreeing pairs over pairable units and
    :math:`\pi_c = \frac{1}{N} \sum_u n_{uc} / m_u` (``shares`` over ``units``).

    Raises
    ------
    OptionError
        For another coefficient (AC2 and the weighted ones need the patterns).
    """
    chosen = parse_option(CoefficientName, coefficient, "coefficient")
    q = len(labels)
    pi = shares / units if units else shares * math.nan
    pe = {
        CoefficientName.FLEISS: float(pi @ pi),
        CoefficientName.BP: 1.0 / q if q else math.nan,
        CoefficientName.AC1: float(pi @ (1.0 - pi)) / (q - 1) if q > 1 else math.nan,
    }.get(chosen)
    if pe is None:
        msg = f"coefficient={chosen.value!r}: without patterns, kappa() gives fleiss, bp or ac1"
        raise OptionError(msg, option="coefficient")
    return (pa - pe) / (1.0 - pe) if pe < 1 else math.nan
