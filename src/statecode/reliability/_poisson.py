r"""The Poisson bootstrap of alpha: one pass, mergeable, the same for any partition of units.

Each pairable unit :math:`u` enters replicate :math:`b` with weight
:math:`w_{ub} \sim \mathrm{Poisson}(1)`, independently (Chamandy et al. 2012; Hanley &
MacGibbon 2006). The weight is not drawn from a generator's stream but computed from the unit
itself: :math:`w_{ub} = F^{-1}(h(k_u, b) / 2^{64})` with :math:`k_u` a 64-bit hash of the unit
id mixed with the seed, :math:`h` the SplitMix64 finaliser (Steele, Lea & Flood 2014) of
:math:`k_u + (b + 1)\gamma` and :math:`F^{-1}` the inverse distribution function of
Poisson(1). So a unit has the same weights in whichever part of the data it sits, and the
replicate sums of the parts add up to those of the whole:

.. math::

    n_b = \sum_u w_{ub} m_u, \qquad T_{bc} = \sum_u w_{ub} n_{uc}, \qquad
    O_b = \sum_u w_{ub} \frac{n_u^\top \Delta n_u - \operatorname{diag}(\Delta)^\top n_u}
          {m_u - 1},

    \alpha^*_b = 1 - (n_b - 1) \frac{O_b}{T_b^\top \Delta T_b}.

Ordinal data recompute :math:`\Delta` from each replicate's frequencies, so they carry the
replicate coincidences (replicates x V x V); continuous interval data carry per replicate the
weighted moments (:math:`n_b`, mean, spread around it, merged as in Chan et al. 1979).

The unit bootstrap draws exactly :math:`N` units with replacement: a unit's count of draws is
Binomial(N, 1/N), which tends to Poisson(1). The Poisson bootstrap differs only in that the
replicate's size varies (:math:`\sum_u w_{ub}` has mean N and variance N); for alpha, a ratio
of sums, the two give the same standard error and interval to first order (Chamandy et al.
2012), and the difference vanishes as N grows.

References
----------
Chamandy, N., Muralidharan, O., Najmi, A., & Naidu, S. (2012). Estimating uncertainty for
massive data streams. Google Technical Report. https://research.google/pubs/pub43157/
Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric bootstrap samples using Poisson
frequencies. Computer Methods and Programs in Biomedicine, 83(1), 57-62.
https://doi.org/10.1016/j.cmpb.2006.04.006
Steele, G. L., Lea, D., & Flood, C. H. (2014). Fast splittable pseudorandom number generators.
OOPSLA 2014. https://doi.org/10.1145/2660193.2660195
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from statecode.reliability._distance import mid_ranks

__all__ = [
    "ReplicateSums",
    "count_replicates",
    "merge_replicates",
    "moment_replicates",
    "poisson_weights",
    "replicate_alphas",
    "unit_keys",
]

Floats = NDArray[np.float64]
Keys = NDArray[np.uint64]
Progress = Callable[[int], None]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# unit x replicate weights made at once (8 MB of uint64)
_CELLS = 1 << 20


def _thresholds() -> Keys:
    r""":math:`\lfloor F(k) 2^{64} \rfloor` of Poisson(1) for k = 0, 1, ... while below 1."""
    out, total, term, k = [], 0.0, math.exp(-1.0), 0
    while True:
        total += term
        if total >= 1.0 - 2.0**-52:
            break
        out.append(int(total * 2.0**64))
        k += 1
        term /= k
    return np.array(out, dtype=np.uint64)


_POISSON = _thresholds()
# the weight of every top-16-bit bucket of the hash, and whether a threshold falls inside the
# bucket (then the weight comes from the thresholds themselves): one table lookup per weight
_TOP = np.uint64(48)


def _buckets() -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    starts = np.arange(1 << 16, dtype=np.uint64) << _TOP
    ends = starts + ((np.uint64(1) << _TOP) - np.uint64(1))
    low = np.searchsorted(_POISSON, starts, side="right")
    high = np.searchsorted(_POISSON, ends, side="right")
    return low.astype(np.uint8), low != high


_BUCKET, _SPLIT = _buckets()


def _mix(x: Keys) -> Keys:
    """SplitMix64's finaliser (wrapping uint64 arithmetic), in place."""
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def unit_keys(hashes: Keys, seed: int) -> Keys:
    """Per-unit keys: the units' hashes mixed with the seed."""
    salt = _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))
    return _mix(np.asarray(hashes, dtype=np.uint64) ^ salt)


def poisson_weights(keys: Keys, replicates: int) -> Floats:
    """Poisson(1) weights of each unit (rows) in each replicate (columns), from the keys."""
    steps = (np.arange(1, replicates + 1, dtype=np.uint64) * _GAMMA)[None, :]
    bits = _mix(keys[:, None] + steps)
    top = (bits >> _TOP).view(np.int64)
    weights = _BUCKET[top]
    split = _SPLIT[top]
    if split.any():
        weights[split] = np.searchsorted(_POISSON, bits[split], side="right")
    return weights.astype(np.float64)


class ReplicateSums(NamedTuple):
    """Per replicate, the weighted sums alpha is made of (they add over parts of the units)."""

    n: Floats
    totals: Floats | None = None  # replicates x V
    observed: Floats | None = None  # replicates
    coincidences: Floats | None = None  # replicates x V x V (ordinal)
    mean: Floats | None = None  # moments: replicates
    spread: Floats | None = None


def _chunks(units: int, replicates: int) -> range:
    return range(0, units, max(1, _CELLS // max(replicates, 1)))


def count_replicates(
    counts: NDArray[np.integer],
    keys: Keys,
    replicates: int,
    delta: Floats | None,
    progress: Progress | None = None,
) -> ReplicateSums:
    """Replicate sums from per-unit value counts (units x V); ``delta`` None for ordinal."""
    n_values = counts.shape[1]
    m_all = counts.sum(axis=1)
    keep = m_all >= 2
    counts, keys = counts[keep], keys[keep]
    n = np.zeros(replicates)
    totals = np.zeros((replicates, n_values))
    observed = np.zeros(replicates) if delta is not None else None
    coinc = np.zeros((replicates, n_values, n_values)) if delta is None else None
    step = _chunks(counts.shape[0], replicates).step
    for start in range(0, counts.shape[0], step):
        block = counts[start : start + step].astype(np.float64)
        weights = poisson_weights(keys[start : start + step], replicates)
        m_u = block.sum(axis=1)
        w_u = 1.0 / (m_u - 1.0)
        columns = [m_u[:, None], block]
        if observed is not None and delta is not None:
            within = np.einsum("uc,uc->u", block @ delta, block) - block @ np.diag(delta)
            columns.append((within * w_u)[:, None])
        # one pass over the weights for every sum: (sums x units) @ (units x replicates)
        sums = np.concatenate(columns, axis=1).T @ weights
        n += sums[0]
        totals += sums[1 : 1 + n_values].T
        if observed is not None:
            observed += sums[1 + n_values]
        if coinc is not None:
            scaled = weights * w_u[:, None]
            for c in range(n_values):
                coinc[:, c, :] += (scaled * block[:, c : c + 1]).T @ block
                coinc[:, c, c] -= scaled.T @ block[:, c]
        if progress is not None:
            progress(0)
    return ReplicateSums(n, totals, observed, coinc)


def moment_replicates(
    m_u: NDArray[np.integer],
    means: Floats,
    squares: Floats,
    keys: Keys,
    replicates: int,
    *,
    scale: float = 1.0,
    progress: Progress | None = None,
) -> ReplicateSums:
    """Replicate moments from per-unit counts, means and sums of squared deviations."""
    keep = m_u >= 2
    m = m_u[keep].astype(np.float64)
    x, ss, keys = means[keep], squares[keep], keys[keep]
    out = ReplicateSums(
        np.zeros(replicates), observed=np.zeros(replicates), mean=np.zeros(replicates),
        spread=np.zeros(replicates),
    )  # fmt: skip
    step = _chunks(m.size, replicates).step
    for start in range(0, m.size, step):
        part = slice(start, start + step)
        weights = poisson_weights(keys[part], replicates)
        mb, xb, sb = m[part], x[part], ss[part]
        centre = float(mb @ xb) / float(mb.sum())
        dev = xb - centre
        n = weights.T @ mb
        s1 = weights.T @ (mb * dev)
        s2 = weights.T @ (sb + mb * dev * dev)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, centre + s1 / n, 0.0)
            spread = np.where(n > 0, s2 - s1 * s1 / n, 0.0)
        observed = weights.T @ (scale * 2.0 * mb * sb / (mb - 1.0))
        out = merge_replicates(out, ReplicateSums(n, observed=observed, mean=mean, spread=spread))
        if progress is not None:
            progress(0)
    return out


def _add(a: Floats | None, b: Floats | None) -> Floats | None:
    return None if a is None or b is None else a + b


def merge_replicates(a: ReplicateSums, b: ReplicateSums) -> ReplicateSums:
    """The replicate sums of two disjoint sets of units."""
    n = a.n + b.n
    mean = spread = None
    if a.mean is not None and b.mean is not None and a.spread is not None and b.spread is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = b.mean - a.mean
            mean = np.where(n > 0, a.mean + shift * b.n / n, 0.0)
            spread = a.spread + b.spread + np.where(n > 0, shift * shift * a.n * b.n / n, 0.0)
    return ReplicateSums(
        n,
        _add(a.totals, b.totals),
        _add(a.observed, b.observed),
        _add(a.coincidences, b.coincidences),
        mean,
        spread,
    )


def replicate_alphas(sums: ReplicateSums, delta: Floats | None, scale: float = 1.0) -> Floats:
    """Alpha of each replicate; NaN where a replicate has no variation."""
    n = sums.n
    if sums.spread is not None and sums.observed is not None:
        observed = sums.observed
        expected = scale * 2.0 * n * sums.spread
    elif sums.totals is not None and sums.coincidences is not None:
        ranks = mid_ranks(sums.totals)
        deltas = np.square(ranks[:, :, None] - ranks[:, None, :])
        observed = np.einsum("bck,bck->b", sums.coincidences, deltas)
        expected = np.einsum("bc,bck,bk->b", sums.totals, deltas, sums.totals)
    elif sums.totals is not None and sums.observed is not None and delta is not None:
        observed = sums.observed
        expected = np.einsum("bc,bc->b", sums.totals @ delta, sums.totals)
    else:  # pragma: no cover - ReplicateSums is only built by the functions above
        msg = "incomplete replicate sums"
        raise TypeError(msg)
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n - 1.0) * observed / expected
    alphas[~(expected > 1e-12 * np.maximum(n * n, 1.0))] = np.nan
    return np.asarray(alphas, dtype=np.float64)
