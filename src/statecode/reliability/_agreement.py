"""Chance-corrected agreement: the kappa family and Gwet's AC1/AC2.

Each function takes the same data as :func:`~statecode.krippendorff_alpha` (a coders x units
array-like, a long data frame, or a CodingTable with ``variable=``) and returns an
:class:`~statecode.AgreementResult`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode.options import CoefficientName, FleissVariant, Weights, parse_option
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability._agreement_input import (
    AgreementData,
    WeightsArg,
    agreement_result,
    check_confidence,
    empty_parts,
    with_pair,
)
from statecode.reliability._percent import holsti, percent_agreement
from statecode.reliability.results import AgreementResult

__all__ = [
    "AGREEMENT_FUNCTIONS",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "scott_pi",
]

_GWET_MISSING = (
    "units no coder rated are left out (counted in units_dropped); units rated by one coder "
    "count in the chance agreement but not in the observed agreement (Gwet 2014, sec. 2.5)"
)
_PAIR_MISSING = "only units both coders rated are used; the others are counted in units_dropped"


_GWET_SE = (
    "standard error by Gwet's linearisation (Gwet 2008; 2014, ch. 5), conditional on the "
    "coders, infinite population of units; interval t with n - 1 df, upper end capped at 1"
)


def _gwet_family(
    name: str,
    data: Any,
    *,
    weights: WeightsArg,
    variable: str | None,
    unit: str,
    coder: str,
    value: str,
    domain: Sequence[Any] | None,
    confidence: float,
    formula: str,
) -> AgreementResult:
    check_confidence(confidence)
    prepared = AgreementData(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    counts = prepared.counts()
    obs = prepared.observed(matrix)  # one per weights: the family shares it in a report
    if name == "gwet":
        parts = ak.gwet_parts(counts, matrix, obs=obs)
        name = "gwet_ac1" if kind == "identity" else "gwet_ac2"
    elif name == "brennan_prediger":
        parts = ak.brennan_prediger_parts(counts, matrix, obs=obs)
    elif name == "conger_kappa":
        parts = ak.conger_parts(prepared.codes, counts, matrix, obs=obs)
    else:
        parts = ak.fleiss_parts(counts, matrix, obs=obs)
    per_category = None
    if name == "fleiss_kappa":
        per_category = _per_category(counts, prepared.labels)
    return agreement_result(
        name,
        prepared,
        parts,
        weights=kind,
        dropped=prepared.dropped_empty,
        confidence=confidence,
        method=f"{formula}; {_GWET_SE}",
        missing=_GWET_MISSING,
        df=parts.units - 1,
        per_category=per_category,
    )


def _per_category(counts: NDArray[np.float64], labels: tuple[Any, ...]) -> dict[Any, float]:
    """Fleiss' kappa of each category against all others (Fleiss 1971, eq. 11)."""
    values = ak.fleiss_per_category(counts)
    return {label: float(v) for label, v in zip(labels, values.tolist(), strict=True)}


def fleiss_kappa(
    data: Any,
    *,
    weights: WeightsArg = Weights.IDENTITY,
    variant: FleissVariant | str = FleissVariant.FLEISS,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Fleiss' kappa for many coders, or Conger's variant, with standard error.

    Parameters
    ----------
    data : array-like, DataFrame or CodingTable
        As for :func:`~statecode.krippendorff_alpha`.
    weights : str or array
        ``identity`` (unweighted, the default), ``linear``, ``quadratic``, ``ordinal``,
        ``ratio``, or a custom q x q agreement-weight matrix.
    variant : {'fleiss', 'conger'}
        ``fleiss`` pools all coders' classifications for chance agreement; ``conger``
        averages the coders' own marginals, Cohen-style (Conger 1980).
    variable, unit, coder, value, domain
        As for :func:`~statecode.krippendorff_alpha`.
    confidence : float
        Level of the confidence interval.

    Returns
    -------
    AgreementResult
        With ``per_category`` kappas (Fleiss variant): each category against all others.

    Notes
    -----
    Fleiss (1971) as generalised by Gwet (2014) to missing values:
    :math:`p_e = \sum_{k,l} w_{kl} \pi_k \pi_l`, :math:`\pi_k = \frac{1}{n} \sum_i r_{ik}/r_i`.
    Missing values: units no coder rated are dropped; units with one rating enter
    :math:`\pi_k` but not :math:`p_a`. On complete data this is Fleiss' kappa exactly.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
    Bulletin, 76(5), 378-382. https://doi.org/10.1037/h0031619
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters.
    Psychological Bulletin, 88(2), 322-328. https://doi.org/10.1037/0033-2909.88.2.322
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.

    Examples
    --------
    >>> data = [[1, 2, 3, 3, 2], [1, 2, 3, 3, 2], [1, 2, 3, 2, 2]]
    >>> round(fleiss_kappa(data).value, 4)
    0.7887
    """
    chosen = parse_option(FleissVariant, variant, "variant")
    if chosen is FleissVariant.CONGER:
        return _gwet_family(
            "conger_kappa",
            data,
            weights=weights,
            variable=variable,
            unit=unit,
            coder=coder,
            value=value,
            domain=domain,
            confidence=confidence,
            formula="Conger's kappa: chance agreement from each coder's marginals",
        )
    return _gwet_family(
        "fleiss_kappa",
        data,
        weights=weights,
        variable=variable,
        unit=unit,
        coder=coder,
        value=value,
        domain=domain,
        confidence=confidence,
        formula="Fleiss' kappa: chance agreement from the pooled classification shares",
    )


def gwet_ac1(
    data: Any,
    *,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Gwet's AC1, a chance-corrected agreement robust to skewed prevalence.

    Notes
    -----
    :math:`p_e = \frac{1}{q - 1} \sum_k \pi_k (1 - \pi_k)` (Gwet 2008), with the observed
    agreement, missing-value handling and variance as for :func:`fleiss_kappa`. ``q`` is the
    number of categories in the domain: with a codebook, all its categories, used or not.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
    high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29-48.
    https://doi.org/10.1348/000711006X126600

    Examples
    --------
    >>> round(gwet_ac1([[1, 1, 1, 2], [1, 1, 1, 1]]).value, 4)
    0.68
    """
    return _gwet_family(
        "gwet",
        data,
        weights=Weights.IDENTITY,
        variable=variable,
        unit=unit,
        coder=coder,
        value=value,
        domain=domain,
        confidence=confidence,
        formula="Gwet's AC1: chance agreement (1/(q-1)) sum pi_k (1 - pi_k)",
    )


def gwet_ac2(
    data: Any,
    *,
    weights: WeightsArg = Weights.QUADRATIC,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Gwet's AC2: AC1 with agreement weights for ordered categories.

    Notes
    -----
    :math:`p_e = \frac{T_w}{q (q - 1)} \sum_k \pi_k (1 - \pi_k)`, :math:`T_w = \sum_{k,l}
    w_{kl}`. Weights (default quadratic) are computed on the category values when they are
    numbers, else on their ranks (Gwet 2014, sec. 3.5): ``linear``, ``quadratic``,
    ``ordinal``, ``ratio``, or a custom matrix.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.
    """
    return _gwet_family(
        "gwet",
        data,
        weights=weights,
        variable=variable,
        unit=unit,
        coder=coder,
        value=value,
        domain=domain,
        confidence=confidence,
        formula="Gwet's AC2: chance agreement T_w/(q(q-1)) sum pi_k (1 - pi_k)",
    )


def brennan_prediger(
    data: Any,
    *,
    weights: WeightsArg = Weights.IDENTITY,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Brennan and Prediger's coefficient: chance agreement from uniform category use.

    Notes
    -----
    :math:`p_e = T_w / q^2` (:math:`1/q` unweighted), with ``q`` the categories in the domain.
    Observed agreement, missing values and variance as for :func:`fleiss_kappa`.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
    alternatives. Educational and Psychological Measurement, 41(3), 687-699.
    https://doi.org/10.1177/001316448104100307
    """
    return _gwet_family(
        "brennan_prediger",
        data,
        weights=weights,
        variable=variable,
        unit=unit,
        coder=coder,
        value=value,
        domain=domain,
        confidence=confidence,
        formula="Brennan-Prediger: chance agreement T_w / q^2",
    )


def cohen_kappa(
    data: Any,
    *,
    weights: WeightsArg = Weights.IDENTITY,
    coders: Sequence[str] | None = None,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Cohen's kappa for two coders, unweighted or weighted, with standard error.

    Parameters
    ----------
    weights : str or array
        ``identity`` (unweighted), ``linear``, ``quadratic``, ``ordinal``, ``ratio`` or a
        custom q x q agreement-weight matrix.
    coders : (str, str), optional
        The two coders to compare, when the data have more.

    Notes
    -----
    :math:`\kappa_w = (p_o - p_e)/(1 - p_e)` with :math:`p_o = \sum w_{kl} p_{kl}`,
    :math:`p_e = \sum w_{kl} p_{k\cdot} p_{\cdot l}`. Only units both coders rated are used
    (the others are counted in ``units_dropped``). Standard error: the large-sample variance
    of Fleiss, Cohen & Everitt (1969); interval: normal, upper end capped at 1. Linear and
    quadratic weights use the category values when they are numbers, else their ranks.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20(1), 37-46. https://doi.org/10.1177/001316446002000104
    Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213-220.
    https://doi.org/10.1037/h0026256
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa
    and weighted kappa. Psychological Bulletin, 72(5), 323-327.
    https://doi.org/10.1037/h0028106

    Examples
    --------
    >>> round(cohen_kappa([[1, 2, 2, 1, 3], [1, 2, 1, 1, 3]]).value, 4)
    0.6875
    """
    check_confidence(confidence)
    prepared = AgreementData(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    pair, dropped = prepared.pair(coders, "cohen_kappa")
    table = np.zeros((prepared.q, prepared.q))
    np.add.at(table, (pair[0], pair[1]), 1.0)
    parts = ak.cohen_parts(table, matrix) if pair.shape[1] else empty_parts()
    prepared_two = with_pair(prepared, pair)
    return agreement_result(
        "cohen_kappa",
        prepared_two,
        parts,
        weights=kind,
        dropped=dropped,
        confidence=confidence,
        method="Cohen's kappa; standard error of Fleiss, Cohen & Everitt (1969); normal interval",
        missing=_PAIR_MISSING,
        df=None,
    )


def scott_pi(
    data: Any,
    *,
    weights: WeightsArg = Weights.IDENTITY,
    coders: Sequence[str] | None = None,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    r"""Scott's pi for two coders: chance agreement from the pooled marginals.

    Notes
    -----
    :math:`p_e = \sum_{k,l} w_{kl} \pi_k \pi_l` with :math:`\pi_k` the mean of the two coders'
    shares; computed as Fleiss' kappa on the units both coders rated (Fleiss' kappa is the
    generalisation of Scott's pi to many coders), with Gwet's standard error.

    References
    ----------
    Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding.
    Public Opinion Quarterly, 19(3), 321-325. https://doi.org/10.1086/266577
    """
    check_confidence(confidence)
    prepared = AgreementData(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    pair, dropped = prepared.pair(coders, "scott_pi")
    counts = ak.category_counts(pair, prepared.q)
    parts = ak.fleiss_parts(counts, matrix) if pair.shape[1] else empty_parts()
    return agreement_result(
        "scott_pi",
        with_pair(prepared, pair),
        parts,
        weights=kind,
        dropped=dropped,
        confidence=confidence,
        method=f"Scott's pi (Fleiss' kappa of two coders); {_GWET_SE}",
        missing=_PAIR_MISSING,
        df=parts.units - 1 if parts.units else None,
    )


#: Every agreement coefficient by its short name (Conger's kappa is Fleiss' with an option).
AGREEMENT_FUNCTIONS: dict[CoefficientName, Callable[..., AgreementResult]] = {
    CoefficientName.PERCENT: percent_agreement,
    CoefficientName.HOLSTI: holsti,
    CoefficientName.COHEN: cohen_kappa,
    CoefficientName.SCOTT: scott_pi,
    CoefficientName.FLEISS: fleiss_kappa,
    CoefficientName.CONGER: functools.partial(fleiss_kappa, variant=FleissVariant.CONGER),
    CoefficientName.BP: brennan_prediger,
    CoefficientName.AC1: gwet_ac1,
    CoefficientName.AC2: gwet_ac2,
}
