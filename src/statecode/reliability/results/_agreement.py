"""The result of the agreement coefficients besides alpha."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from statecode._values import finite, value_text
from statecode.reliability.results._verdict import TENTATIVE, verdict_of

__all__ = ["AgreementResult"]


@attrs.frozen(eq=False)
class AgreementResult:
    """An agreement coefficient with the figures behind it.

    Attributes
    ----------
    coefficient : str
        Which coefficient: ``percent_agreement``, ``holsti``, ``cohen_kappa``, ``scott_pi``,
        ``fleiss_kappa``, ``conger_kappa``, ``brennan_prediger``, ``gwet_ac1``, ``gwet_ac2``.
    value : float
        The coefficient; NaN when undefined (see ``reason``).
    observed_agreement, chance_agreement : float
        :math:`p_a` and :math:`p_e` (NaN where the coefficient has no chance term).
    units : int
        Units the coefficient used.
    units_dropped : int
        Units left out, as the coefficient's literature prescribes (see ``missing``).
    coders : int
        Coders in the data.
    categories : tuple
        The category domain, in order.
    weights : str
        Agreement weights: ``identity`` (unweighted), ``linear``, ``quadratic``, ``ordinal``,
        ``ratio`` or ``custom``.
    se : float or None
        Standard error, where the literature gives one.
    ci : tuple of (low, high, level) or None
        Confidence interval, where the literature gives one.
    method : str
        How the value, the standard error and the interval were computed.
    missing : str
        How missing values were handled.
    per_category : dict or None
        Per-category coefficients (Fleiss' kappa).
    reason : str or None
        Why the value is undefined, when it is.
    variable : str or None
        The variable, when known.
    applies : bool
        False when the coefficient does not apply to the variable (a multi-label variable
        for the kappa family, other than two coders for Cohen's kappa): nothing was
        computed, and ``reason`` says why.
    """

    coefficient: str
    value: float
    observed_agreement: float
    chance_agreement: float
    units: int
    units_dropped: int
    coders: int
    categories: tuple[Any, ...]
    weights: str
    se: float | None
    ci: tuple[float, float, float] | None
    method: str
    missing: str
    per_category: Mapping[Any, float] | None = None
    reason: str | None = None
    variable: str | None = None
    applies: bool = True

    def __repr__(self) -> str:
        name = self.variable or "data"
        if not self.applies:
            return f"<AgreementResult {name}: {self.coefficient} n/a ({self.reason})>"
        interval = f" [{self.ci[0]:.3f}, {self.ci[1]:.3f}]" if self.ci else ""
        return (
            f"<AgreementResult {name}: {self.coefficient}={self.value:.3f}{interval}, "
            f"{self.units} units, {self.coders} coders, {self.verdict}>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    @property
    def risk(self) -> float | None:
        """P(value < .667) by the normal approximation from ``se``, or None without one."""
        if self.se is None or math.isnan(self.value) or not math.isfinite(self.se):
            return None
        if self.se == 0:
            return float(self.value < TENTATIVE)
        return 0.5 * math.erfc((self.value - TENTATIVE) / (self.se * math.sqrt(2)))

    @property
    def verdict(self) -> str:
        """The thresholds used for alpha (.800 reliable, .667 tentative), with ``risk``."""
        return verdict_of(self.value, self.risk)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (NaN as None)."""
        out: dict[str, Any] = {
            "variable": self.variable,
            "coefficient": self.coefficient,
            "value": finite(self.value),
            "observed_agreement": finite(self.observed_agreement),
            "chance_agreement": finite(self.chance_agreement),
            "units": self.units,
            "units_dropped": self.units_dropped,
            "coders": self.coders,
            "categories": len(self.categories),
            "weights": self.weights,
            "se": None if self.se is None else finite(self.se),
            "ci_low": None if self.ci is None else finite(self.ci[0]),
            "ci_high": None if self.ci is None else finite(self.ci[1]),
            "ci_level": None if self.ci is None else self.ci[2],
            "method": self.method,
            "missing": self.missing,
        }
        if self.per_category is not None:
            out["per_category"] = {value_text(k): finite(v) for k, v in self.per_category.items()}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.applies:
            out["verdict"] = self.verdict
        else:
            out["applies"] = False
        return out
