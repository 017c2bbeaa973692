"""Agreement without chance correction: percent agreement and Holsti's coefficient."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from statecode.exceptions import DegenerateDataWarning
from statecode.options import AgreementMethod, parse_option
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability import _kernels as kernels
from statecode.reliability._agreement_input import AgreementData, undefined_reason
from statecode.reliability.results import AgreementResult

__all__ = ["holsti", "percent_agreement"]


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
    prepared = AgreementData(data, variable, unit, coder, value, domain, sets=True)
    # every figure is a count: exact in floats, in whatever order it is summed
    if chosen is AgreementMethod.FULL:
        r_i = prepared.values_per_unit()
        two = r_i >= 2
        n_two = int(np.count_nonzero(two))
        unanimous = int(np.count_nonzero(kernels.unanimous_units(prepared.codes)))
        observed = unanimous / n_two if n_two else math.nan
    else:
        m_u, squares = kernels.unit_square_sums(prepared.codes, prepared.q)
        two = m_u >= 2
        same = (squares - m_u)[two].astype(np.float64)  # sum_k r_ik (r_ik - 1)
        pairs = (m_u * (m_u - 1))[two].astype(np.float64)
        if not two.any():
            observed = math.nan
        elif chosen is AgreementMethod.PAIRS:
            observed = float(same.sum() / pairs.sum())
        else:
            observed = float(np.mean(same / pairs))
    return _uncorrected(
        "percent_agreement",
        prepared,
        observed,
        pairs_of=int(two.sum()),
        method=f"percent agreement ({chosen.value})",
        missing="units with fewer than two values are left out (units_dropped)",
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
    prepared = AgreementData(data, variable, unit, coder, value, domain, sets=True)
    shared, agree = ak.pair_agreements(prepared.codes)
    upper = np.triu(np.ones_like(shared, dtype=bool), 1) & (shared > 0)
    ratios = agree[upper] / shared[upper]
    return _uncorrected(
        "holsti",
        prepared,
        float(np.mean(ratios)) if ratios.size else math.nan,
        pairs_of=int(ratios.size),
        method=f"Holsti's CR, mean over {ratios.size} coder pairs",
        missing="each pair of coders is compared on the units both coded",
    )


def _uncorrected(
    name: str,
    prepared: AgreementData,
    value: float,
    *,
    pairs_of: int,
    method: str,
    missing: str,
) -> AgreementResult:
    """The result of a coefficient without chance term; NaN with a reason when undefined.

    ``pairs_of`` counts what the coefficient compared (units with two values, or coder
    pairs sharing a unit): none makes it undefined.
    """
    reason = undefined_reason(prepared.coders, pairs_of, 0.0)
    if reason:
        warnings.warn(f"{name} is undefined: {reason}", DegenerateDataWarning, stacklevel=3)
        value = math.nan
    two = prepared.values_per_unit() >= 2
    return AgreementResult(
        coefficient=name,
        value=value,
        observed_agreement=value,
        chance_agreement=math.nan,
        units=int(two.sum()),
        units_dropped=prepared.dropped_empty + int((~two).sum()),
        coders=prepared.coders,
        categories=prepared.labels,
        weights="identity",
        se=None,
        ci=None,
        method=method,
        missing=missing,
        reason=reason,
        variable=prepared.variable,
    )
