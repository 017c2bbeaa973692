"""The tests of a comparison: Fisher's exact test and Holm's adjustment."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["fisher_exact_p", "holm"]


def fisher_exact_p(table: tuple[int, int, int, int]) -> float:
    """Two-sided p-value of Fisher's exact test of the 2 x 2 table (a, b; c, d)."""
    from scipy.stats import fisher_exact  # noqa: PLC0415 - scipy.stats is slow to import

    a, b, c, d = table
    return float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (Holm 1979)."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if not m:
        return []
    order = np.argsort(p, kind="stable")
    factors = m - np.arange(m)  # m, m - 1, ..., 1
    stepped: NDArray[np.float64] = np.maximum.accumulate(np.minimum(1.0, factors * p[order]))
    out = np.empty(m, dtype=np.float64)
    out[order] = stepped
    return [float(v) for v in out]
