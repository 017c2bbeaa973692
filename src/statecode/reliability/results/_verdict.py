"""Krippendorff's reading of a reliability coefficient, with its uncertainty when known."""

from __future__ import annotations

import math

__all__ = [
    "INSUFFICIENT",
    "RELIABLE",
    "RISK",
    "TENTATIVE",
    "VERDICTS",
    "VERDICT_RULE",
    "VERDICT_SOURCES",
    "VERDICT_TEXT",
    "verdict_of",
]

#: Krippendorff's (2019, p. 356) thresholds: rely on variables with alpha >= .800, draw only
#: tentative conclusions from those between .667 and .800.
RELIABLE = 0.800
TENTATIVE = 0.667
#: The largest accepted probability that the coefficient is in truth below .667.
RISK = 0.05
INSUFFICIENT = "insufficient data"
#: Every verdict, best first.
VERDICTS = ("reliable", "tentative", INSUFFICIENT, "unreliable", "undefined")

#: Where the rule comes from.
VERDICT_SOURCES = "Krippendorff 2019, p. 356; Hayes & Krippendorff 2007"
#: The rule itself.
VERDICT_TEXT = (
    "reliable if the coefficient >= .800, tentative if >= .667, unreliable below; with an "
    "interval, reliable or tentative only if P(coefficient < .667) <= .05, else insufficient "
    "data (the interval is too wide to tell)"
)
#: The rule in one sentence, for the notes under every table.
VERDICT_RULE = f"verdict ({VERDICT_SOURCES}): {VERDICT_TEXT}"


def verdict_of(value: float, risk: float | None = None) -> str:
    r"""Krippendorff's reading of a coefficient, using its uncertainty when there is one.

    Parameters
    ----------
    value : float
        The coefficient (alpha, a kappa, AC1 ...).
    risk : float, optional
        :math:`q = P(\text{coefficient} < .667)`: the share of bootstrap replicates below
        .667, or the normal approximation from an analytic standard error. None when the
        coefficient has no interval.

    Returns
    -------
    str
        ``undefined`` for NaN; ``unreliable`` below .667; with ``risk`` above .05,
        ``insufficient data``; else ``reliable`` from .800 and ``tentative`` from .667.

    Notes
    -----
    Krippendorff (2019, p. 356) asks for alpha >= .800, accepts .667 <= alpha < .800 for
    tentative conclusions only, and, with a bootstrap, that the probability :math:`q` of
    failing to reach the smallest acceptable alpha be small (Hayes & Krippendorff 2007 report
    it for that purpose). A point estimate above a threshold whose interval reaches well
    below .667 does not show reliability: the data are too few to tell, so the verdict says
    so rather than ``reliable``. A point estimate below .667 is ``unreliable`` whatever its
    interval: the data cannot be relied on either way.

    References
    ----------
    Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th ed.),
    p. 356. Sage. https://doi.org/10.4135/9781071878781
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. Communication Methods and Measures, 1(1), 77-89.

    Examples
    --------
    >>> verdict_of(0.81), verdict_of(0.7), verdict_of(0.5), verdict_of(float("nan"))
    ('reliable', 'tentative', 'unreliable', 'undefined')
    >>> verdict_of(0.823, risk=0.21), verdict_of(0.85, risk=0.03)
    ('insufficient data', 'reliable')
    """
    if math.isnan(value):
        return "undefined"
    if value < TENTATIVE:
        return "unreliable"
    if risk is not None and not (risk <= RISK):
        return INSUFFICIENT
    return "reliable" if value >= RELIABLE else "tentative"
