"""Krippendorff's reading of a reliability coefficient."""

from __future__ import annotations

import math

__all__ = ["RELIABLE", "TENTATIVE", "verdict_of"]

#: Krippendorff's (2019, p. 356) thresholds: rely on variables with alpha >= .800, draw only
#: tentative conclusions from those between .667 and .800.
RELIABLE = 0.800
TENTATIVE = 0.667


def verdict_of(value: float) -> str:
    """Krippendorff's reading of a coefficient.

    ``reliable`` from .800, ``tentative`` from .667 to .800, ``unreliable`` below, and
    ``undefined`` for NaN (Krippendorff 2019, p. 356).

    Examples
    --------
    >>> verdict_of(0.81), verdict_of(0.7), verdict_of(0.5), verdict_of(float("nan"))
    ('reliable', 'tentative', 'unreliable', 'undefined')
    """
    if math.isnan(value):
        return "undefined"
    if value >= RELIABLE:
        return "reliable"
    if value >= TENTATIVE:
        return "tentative"
    return "unreliable"
