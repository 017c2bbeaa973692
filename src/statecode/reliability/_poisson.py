r"""The Poisson bootstrap of alpha: one pass, mergeable, the same for any partition of units.

Each pairable unit :math:`u` enters replicate :math:`b` with weight
:math:`w_{ub} \sim \mathrm{Poisson}(1)`, independently (Chamandy et al. 2012; Hanley &
MacGibbon 2006). Alpha is a ratio of sums over units,

.. math::

    n_b = \sum_u w_{ub} m_u, \qquad T_{bc} = \sum_u w_{ub} n_{uc}, \qquad
    O_b = \sum_u w_{ub} \frac{n_u^\top \Delta n_u - \operatorname{diag}(\Delta)^\top n_u}
          {m_u - 1},

    \alpha^*_b = 1 - (n_b - 1) \frac{O_b}{T_b^\top \Delta T_b},

so the weights enter only through their sums over units with the same counts.

*Values from a finite domain* (every level but continuous interval data): units with the same
count vector :math:`n_u` (a *pattern* :math:`p`, held by :math:`N_p` units) are exchangeable,
and the sum of their weights, :math:`W_{pb} = \sum_{u \in p} w_{ub}`, is exactly
Poisson(:math:`N_p`) and independent across patterns. The replicates draw :math:`W_{pb}`
directly, :math:`K` patterns x :math:`B` replicates instead of :math:`N` units x :math:`B`
(with 10 coders and 5 values, :math:`K \le 3{,}002` however many units). The draws come
from a generator seeded with the seed alone, over the patterns in lexicographic order, once
the parts are merged: the pattern counts :math:`N_p` add over parts, so any partition of
the units gives the same replicates. This is the same bootstrap distribution as weighting
every unit (not the same random numbers).

*Continuous interval data* (moments): no two units need share a pattern, so every unit gets
its own weights, computed from the unit itself rather than drawn from a stream:
:math:`w_{ub} = F^{-1}(h(k_u, b) / 2^{64})` with :math:`k_u` a 64-bit hash of the unit id
mixed with the seed, :math:`h` the SplitMix64 finaliser (Steele, Lea & Flood 2014) of
:math:`k_u + (b + 1)\gamma` and :math:`F^{-1}` the inverse distribution function of
Poisson(1). A unit has the same weights in whichever part it sits, and each part carries
its replicate moments (:math:`n_b`, mean, spread around it, merged as in Chan et al. 1979).
Ordinal data recompute :math:`\Delta` from each replicate's frequencies, so they carry the
replicate coincidences (replicates x V x V).

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
    "Patterns",
    "ReplicateSums",
    "merge_patterns",
    "merge_replicates",
    "moment_replicates",
    "pattern_replicates",
    "patterns_of",
    "poisson_weights",
    "replicate_alphas",
    "unit_keys",
]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Keys = NDArray[np.uint64]
Progress = Callable[[int], None]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# unit x replicate weights made at once (8 MB of uint64)
_CELLS = 1 << 20
# mixed into the seed of the pattern draws (apart from any other use of the same seed)
_PATTERN_STREAM = 0x5EED_9A77


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


class Patterns(NamedTuple):
    """Distinct rows of per-unit counts (lexicographic order) and the units holding each."""

    counts: Ints  # K x V
    units: Ints  # K


def patterns_of(counts: NDArray[np.integer], units: NDArray[np.integer] | None = None) -> Patterns:
    """The patterns of the rows of ``counts`` holding a value (row i: ``units[i]`` units)."""
    held = np.ones(counts.shape[0], np.int64) if units is None else np.asarray(units, np.int64)
    keep = counts.sum(axis=1) >= 1
    if not keep.any():
        return Patterns(np.zeros((0, counts.shape[1]), np.int64), np.zeros(0, np.int64))
    rows, inverse = np.unique(counts[keep].astype(np.int64), axis=0, return_inverse=True)
    total = np.zeros(rows.shape[0], np.int64)
    np.add.at(total, inverse.ravel(), held[keep])
    return Patterns(rows, total)


def merge_patterns(a: Patterns, b: Patterns) -> Patterns:
    """The patterns of two disjoint sets of units."""
    return patterns_of(np.concatenate([a.counts, b.counts]), np.concatenate([a.units, b.units]))


def pattern_replicates(
    patterns: Patterns, replicates: int, seed: int, delta: Floats | None
) -> ReplicateSums:
    """Replicate sums from patterns: pairable pattern p weighs Poisson(N_p) in each replicate.

    ``delta`` None for ordinal data (then the replicate coincidences are summed).
    """
    pairable = patterns.counts.sum(axis=1) >= 2  # only pairable units weigh in alpha
    counts, held = patterns.counts[pairable], patterns.units[pairable]
    n_values = counts.shape[1]
    sequence = np.random.SeedSequence([seed & 0xFFFFFFFFFFFFFFFF, _PATTERN_STREAM])
    rng = np.random.Generator(np.random.PCG64(sequence))
    n = np.zeros(replicates)
    totals = np.zeros((replicates, n_values))
    observed = np.zeros(replicates) if delta is not None else None
    coinc = np.zeros((replicates, n_values * n_values)) if delta is None else None
    step = max(1, _CELLS // max(replicates, 1))
    for start in range(0, counts.shape[0], step):
        block = counts[start : start + step].astype(np.float64)
        lam = held[start : start + step, None].astype(np.float64)
        weights = rng.poisson(lam, size=(block.shape[0], replicates)).astype(np.float64)
        m_u = block.sum(axis=1)
        w_u = 1.0 / (m_u - 1.0)
        columns = [m_u[:, None], block]
        if observed is not None and delta is not None:
            within = np.einsum("uc,uc->u", block @ delta, block) - block @ np.diag(delta)
            columns.append((within * w_u)[:, None])
        sums = np.concatenate(columns, axis=1).T @ weights
        n += sums[0]
        totals += sums[1 : 1 + n_values].T
        if observed is not None:
            observed += sums[1 + n_values]
        if coinc is not None:
            per = block[:, :, None] * block[:, None, :]
            per[:, np.arange(n_values), np.arange(n_values)] -= block
            per *= w_u[:, None, None]
            coinc += weights.T @ per.reshape(block.shape[0], -1)
    shaped = None if coinc is None else coinc.reshape(replicates, n_values, n_values)
    return ReplicateSums(n, totals, observed, shaped)


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
