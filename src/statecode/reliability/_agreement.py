"""Agreement coefficients besides alpha: percent agreement, Holsti, the kappa family, AC1/AC2.

Each function takes the same data as :func:`~statecode.krippendorff_alpha` (a coders x units
array-like, a long data frame, or a CodingTable with ``variable=``) and returns an
:class:`~statecode.AgreementResult`.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from statecode._typing import (
    AgreementMethod,
    CoefficientName,
    FleissVariant,
    Weights,
    parse_option,
)
from statecode.exceptions import DataError, DegenerateDataWarning
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability._input import codebook_variable, reliability_data
from statecode.reliability.results import AgreementResult

__all__ = [
    "AGREEMENT_FUNCTIONS",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "holsti",
    "percent_agreement",
    "scott_pi",
]

WeightsArg = Weights | str | NDArray[np.float64] | Sequence[Sequence[float]]

_GWET_MISSING = (
    "units no coder rated are left out (counted in units_dropped); units rated by one coder "
    "count in the chance agreement but not in the observed agreement (Gwet 2014, sec. 2.5)"
)
_PAIR_MISSING = "only units both coders rated are used; the others are counted in units_dropped"


class _Data:
    """Reliability data prepared for the agreement kernels."""

    def __init__(
        self,
        data: Any,
        variable: str | None,
        unit: str,
        coder: str,
        value: str,
        domain: Sequence[Any] | None,
        *,
        sets: bool = False,
    ) -> None:
        var = codebook_variable(data, variable)
        if var is not None and var.multi_label and not sets:
            msg = (
                f"{variable!r} is multi-label (sets of codes); kappa-type coefficients need one "
                "code per unit: use krippendorff_alpha with distance='masi' or 'jaccard' "
                "(statecode alpha --distance masi), or leave this variable out"
            )
            raise DataError(msg)
        rel = reliability_data(
            data, variable=variable, unit=unit, coder=coder, value=value, domain=domain
        )
        self.variable = variable
        self.rel = rel
        self.labels = rel.labels
        codes = rel.codes
        rated = (codes >= 0).any(axis=0)
        self.dropped_empty = int((~rated).sum())
        self.codes = codes[:, rated] if self.dropped_empty else codes
        self.q = len(self.labels)
        numbers = rel.numbers
        self.scores = (
            numbers.astype(np.float64)
            if numbers is not None
            else np.arange(1, self.q + 1, dtype=np.float64)
        )

    @property
    def coders(self) -> int:
        return int(self.codes.shape[0])

    def weights(self, weights: WeightsArg) -> tuple[NDArray[np.float64], str]:
        if isinstance(weights, str | Weights):
            kind = parse_option(Weights, weights, "weights")
            return ak.weight_matrix(kind.value, self.scores), kind.value
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.shape != (self.q, self.q):
            msg = (
                f"a custom weight matrix must be {self.q} x {self.q} (one row and column per "
                f"category: {', '.join(map(str, self.labels))}), got shape {matrix.shape}"
            )
            raise DataError(msg)
        return matrix, "custom"

    def pair(self, coders: Sequence[str] | None, name: str) -> tuple[NDArray[np.int32], int]:
        """The codes of two coders on the units both rated, and how many units were dropped."""
        ids = list(self.rel.coders)
        if coders is None:
            if len(ids) != 2:
                shown = ", ".join(ids[:10])
                msg = (
                    f"{name} compares two coders, and the data have {len(ids)} ({shown}); "
                    "choose two with coders=(a, b), or use fleiss_kappa or krippendorff_alpha"
                )
                raise DataError(msg)
            rows = [0, 1]
        else:
            missing = [c for c in coders if c not in ids]
            if len(coders) != 2 or missing:
                msg = f"coders= must name two coders of the data ({', '.join(ids[:10])})"
                raise DataError(msg)
            rows = [ids.index(c) for c in coders]
        full = self.rel.codes[rows]
        both = (full >= 0).all(axis=0)
        return full[:, both], int((~both).sum())


def _interval(
    value: float, se: float, confidence: float, df: int | None
) -> tuple[float, float, float] | None:
    if math.isnan(value) or math.isnan(se):
        return None
    quantile = (
        stats.norm.ppf(0.5 + confidence / 2)
        if df is None
        else stats.t.ppf(0.5 + confidence / 2, df)
    )
    return (float(value - quantile * se), float(min(1.0, value + quantile * se)), confidence)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
        raise DataError(msg)


def _reason(coders: int, units: int, chance: float) -> str | None:
    if coders < 2:
        return f"only {coders} coder(s); agreement needs two or more"
    if units == 0:
        return "no unit was rated by two or more coders"
    if not chance < 1:
        return "no variation: chance agreement is 1, so the coefficient is 0/0"
    return None


def _result(
    name: str,
    prepared: _Data,
    parts: ak.Parts,
    *,
    weights: str,
    dropped: int,
    confidence: float,
    method: str,
    missing: str,
    df: int | None,
    per_category: dict[Any, float] | None = None,
) -> AgreementResult:
    units_with_pairs = (
        parts.units
        if name in ("cohen_kappa", "scott_pi")
        else int(((prepared.codes >= 0).sum(axis=0) >= 2).sum())
    )
    reason = _reason(prepared.coders, units_with_pairs, parts.chance)
    value = float("nan") if reason else parts.value
    if reason:
        warnings.warn(f"{name} is undefined: {reason}", DegenerateDataWarning, stacklevel=3)
    # rounding can leave a zero variance a hair below 0
    variance = max(parts.variance, 0.0) if parts.variance > -1e-12 else float("nan")
    se = math.sqrt(variance) if not reason else float("nan")
    return AgreementResult(
        coefficient=name,
        value=value,
        observed_agreement=parts.observed,
        chance_agreement=parts.chance,
        units=parts.units,
        units_dropped=dropped,
        coders=prepared.coders,
        categories=prepared.labels,
        weights=weights,
        se=se,
        ci=_interval(value, se, confidence, df),
        method=method,
        missing=missing,
        per_category=per_category,
        reason=reason,
        variable=prepared.variable,
    )


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
    _check_confidence(confidence)
    prepared = _Data(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    counts = ak.category_counts(prepared.codes, prepared.q)
    if name == "gwet":
        parts = ak.gwet_parts(counts, matrix)
        name = "gwet_ac1" if kind == "identity" else "gwet_ac2"
    elif name == "brennan_prediger":
        parts = ak.brennan_prediger_parts(counts, matrix)
    elif name == "conger_kappa":
        parts = ak.conger_parts(prepared.codes, counts, matrix)
    else:
        parts = ak.fleiss_parts(counts, matrix)
    per_category = None
    if name == "fleiss_kappa":
        per_category = _per_category(counts, prepared.labels)
    return _result(
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
    r_i = counts.sum(axis=1)
    out = {}
    for k, label in enumerate(labels):
        binary = np.stack([counts[:, k], r_i - counts[:, k]], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[label] = ak.fleiss_parts(binary, np.eye(2)).value
    return out


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
    _check_confidence(confidence)
    prepared = _Data(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    pair, dropped = prepared.pair(coders, "cohen_kappa")
    table = np.zeros((prepared.q, prepared.q))
    np.add.at(table, (pair[0], pair[1]), 1.0)
    parts = ak.cohen_parts(table, matrix) if pair.shape[1] else _empty()
    prepared_two = _two(prepared, pair)
    return _result(
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
    _check_confidence(confidence)
    prepared = _Data(data, variable, unit, coder, value, domain)
    matrix, kind = prepared.weights(weights)
    pair, dropped = prepared.pair(coders, "scott_pi")
    counts = ak.category_counts(pair, prepared.q)
    parts = ak.fleiss_parts(counts, matrix) if pair.shape[1] else _empty()
    return _result(
        "scott_pi",
        _two(prepared, pair),
        parts,
        weights=kind,
        dropped=dropped,
        confidence=confidence,
        method=f"Scott's pi (Fleiss' kappa of two coders); {_GWET_SE}",
        missing=_PAIR_MISSING,
        df=parts.units - 1 if parts.units else None,
    )


def _empty() -> ak.Parts:
    nan = float("nan")
    return ak.Parts(nan, nan, nan, nan, 0)


def _two(prepared: _Data, pair: NDArray[np.int32]) -> _Data:
    clone = object.__new__(_Data)
    clone.__dict__.update(prepared.__dict__)
    clone.codes = pair
    return clone


def percent_agreement(
    data: Any,
    *,
    method: AgreementMethod | str = AgreementMethod.PAIRS,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
) -> AgreementResult:
    r"""Percent agreement, without correction for chance.

    Parameters
    ----------
    method : {'pairs', 'units', 'full'}
        ``pairs`` (default): the share of agreeing pairs among all pairs of values within
        units, :math:`\sum_i \sum_k r_{ik}(r_{ik}-1) / \sum_i r_i (r_i - 1)`; ``units``: the
        mean over units of each unit's share of agreeing pairs (Gwet's :math:`p_a`);
        ``full``: the share of units on which all coders agree (tidycomm's "Agreement").

    Notes
    -----
    Set-valued (multi-label) codes agree when the sets are equal.
    Only units with two or more values count; the others are in ``units_dropped``. Percent
    agreement has no standard error in the literature that is independent of a chance model,
    so ``se`` and ``ci`` are None.

    Examples
    --------
    >>> percent_agreement([[1, 2, 3, 1], [1, 2, 3, 2], [1, 2, 2, 2]]).value
    0.6666666666666666
    """
    chosen = parse_option(AgreementMethod, method, "method")
    prepared = _Data(data, variable, unit, coder, value, domain, sets=True)
    counts = ak.category_counts(prepared.codes, prepared.q)
    r_i = counts.sum(axis=1)
    two = r_i >= 2
    same = (counts * (counts - 1)).sum(axis=1)
    pairs = r_i * (r_i - 1)
    if chosen is AgreementMethod.PAIRS:
        observed = float(same[two].sum() / pairs[two].sum()) if two.any() else math.nan
    elif chosen is AgreementMethod.UNITS:
        observed = float(np.mean(same[two] / pairs[two])) if two.any() else math.nan
    else:
        observed = float(np.mean(counts[two].max(axis=1) == r_i[two])) if two.any() else math.nan
    reason = _reason(prepared.coders, int(two.sum()), 0.0)
    if reason:
        warnings.warn(
            f"percent_agreement is undefined: {reason}", DegenerateDataWarning, stacklevel=2
        )
        observed = math.nan
    return AgreementResult(
        coefficient="percent_agreement",
        value=observed,
        observed_agreement=observed,
        chance_agreement=math.nan,
        units=int(two.sum()),
        units_dropped=prepared.dropped_empty + int((~two).sum()),
        coders=prepared.coders,
        categories=prepared.labels,
        weights="identity",
        se=None,
        ci=None,
        method=f"percent agreement ({chosen.value})",
        missing="units with fewer than two values are left out (units_dropped)",
        reason=reason,
        variable=variable,
    )


def holsti(
    data: Any,
    *,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
) -> AgreementResult:
    r"""Holsti's coefficient of reliability: the mean over coder pairs of their agreement.

    Notes
    -----
    For each pair of coders, :math:`CR = 2M / (N_1 + N_2)` over the units both coded (so
    :math:`M / N`), averaged over the pairs that share at least one unit; pairs sharing no
    unit are left out. As tidycomm's ``Holstis_CR``.

    References
    ----------
    Holsti, O. R. (1969). Content Analysis for the Social Sciences and Humanities.
    Addison-Wesley.

    Examples
    --------
    >>> holsti([[1, 2, 3, 1], [1, 2, 3, 2], [1, 2, 2, 2]]).value
    0.6666666666666666
    """
    prepared = _Data(data, variable, unit, coder, value, domain, sets=True)
    codes = prepared.codes
    ratios = []
    for i in range(prepared.coders - 1):
        for j in range(i + 1, prepared.coders):
            both = (codes[i] >= 0) & (codes[j] >= 0)
            if both.any():
                ratios.append(float(np.mean(codes[i, both] == codes[j, both])))
    reason = _reason(prepared.coders, len(ratios), 0.0)
    value_ = float(np.mean(ratios)) if ratios and not reason else math.nan
    if reason:
        warnings.warn(f"holsti is undefined: {reason}", DegenerateDataWarning, stacklevel=2)
    two = (codes >= 0).sum(axis=0) >= 2
    return AgreementResult(
        coefficient="holsti",
        value=value_,
        observed_agreement=value_,
        chance_agreement=math.nan,
        units=int(two.sum()),
        units_dropped=prepared.dropped_empty + int((~two).sum()),
        coders=prepared.coders,
        categories=prepared.labels,
        weights="identity",
        se=None,
        ci=None,
        method=f"Holsti's CR, mean over {len(ratios)} coder pairs",
        missing="each pair of coders is compared on the units both coded",
        reason=reason,
        variable=variable,
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
