"""A naive Krippendorff's alpha, straight from the definition (Krippendorff 2011).

Loops over units and over ordered pairs of values within each unit to build the coincidence
matrix, then sums the disagreements over the matrix. Slow and obvious on purpose: the fast
kernels must agree with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any

Delta = Callable[[Any, Any, dict[Any, float]], float]


def naive_alpha(units: Sequence[Sequence[Any]], delta: Delta) -> float:
    """Alpha of ``units`` (each a list of the values it received; None = missing).

    ``delta(c, k, n_c)`` is the squared difference; ``n_c`` (pairable frequencies) is passed
    for the ordinal metric.
    """
    pairable = [[v for v in u if v is not None] for u in units]
    pairable = [u for u in pairable if len(u) >= 2]
    coincidence: dict[tuple[Hashable, Hashable], float] = {}
    for values in pairable:
        m_u = len(values)
        for i in range(m_u):
            for j in range(m_u):
                if i != j:
                    key = (values[i], values[j])
                    coincidence[key] = coincidence.get(key, 0.0) + 1.0 / (m_u - 1)
    n_c: dict[Any, float] = {}
    for (c, _k), o in coincidence.items():
        n_c[c] = n_c.get(c, 0.0) + o
    n = sum(n_c.values())
    observed = sum(o * delta(c, k, n_c) for (c, k), o in coincidence.items()) / n
    expected = sum(n_c[c] * n_c[k] * delta(c, k, n_c) for c in n_c for k in n_c) / (n * (n - 1))
    return 1.0 - observed / expected if expected > 0 else math.nan


def nominal(c: Any, k: Any, _n: dict[Any, float]) -> float:
    return 0.0 if c == k else 1.0


def ordinal(c: Any, k: Any, n: dict[Any, float]) -> float:
    lo, hi = min(c, k), max(c, k)
    between = sum(v for g, v in n.items() if lo <= g <= hi)
    return (between - (n[c] + n[k]) / 2) ** 2


def interval(c: float, k: float, _n: dict[Any, float]) -> float:
    return (c - k) ** 2


def ratio(c: float, k: float, _n: dict[Any, float]) -> float:
    return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2


def circular(period: float) -> Delta:
    def delta(c: float, k: float, _n: dict[Any, float]) -> float:
        return math.sin(math.pi * (c - k) / period) ** 2

    return delta


def bipolar(low: float, high: float) -> Delta:
    def delta(c: float, k: float, _n: dict[Any, float]) -> float:
        if c == k:
            return 0.0
        return (c - k) ** 2 / ((c + k - 2 * low) * (2 * high - c - k))

    return delta


def jaccard(a: frozenset[str], b: frozenset[str], _n: dict[Any, float]) -> float:
    union = a | b
    return 0.0 if not union else 1 - len(a & b) / len(union)


def masi(a: frozenset[str], b: frozenset[str], _n: dict[Any, float]) -> float:
    if a == b:
        return 0.0
    inter = a & b
    if not inter:
        return 1.0
    monotonicity = 2 / 3 if inter in (a, b) else 1 / 3
    return 1 - len(inter) / len(a | b) * monotonicity
