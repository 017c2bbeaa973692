r"""Bootstrap distributions of alpha, seeded with :class:`numpy.random.Generator`.

Two methods, both vectorised over replicates (chunks of replicates at a time, never a Python
loop per replicate):

``units`` (the default)
    The nonparametric bootstrap over units (Efron & Tibshirani 1993): draw :math:`N` pairable
    units with replacement and recompute alpha, observed *and* expected disagreement, on the
    replicate. Resampling whole units keeps the values of one unit together, so the
    dependence between a unit's values is respected. Zapf et al. (2016) found this interval
    to keep its nominal coverage for alpha in simulations. Alpha of a replicate depends on
    the units drawn only through their statistics (value counts, or moments), so units with
    equal statistics are stored once, as one *pattern*, and the :math:`N` draws of each
    replicate (``rng.integers(0, N)``, the same stream as a loop over replicates) are counted
    per pattern: the replicates are exactly those of recomputing alpha on the resampled units.

``krippendorff``
    Krippendorff's (2016) algorithm, as implemented in Hayes' KALPHA macro and R's ``icr``:
    the expected disagreement :math:`D_e` is held fixed, and every one of the
    :math:`m_u(m_u-1)/2` pair slots of every unit receives the difference of a pair of values
    drawn at random from all pairable pairs in the data:

    .. math:: \alpha^* = 1 - \frac{2}{n D_e} \sum_u \frac{1}{m_u - 1}
              \sum_{s=1}^{m_u(m_u-1)/2} \delta^2_{r_s}

    Since only the sum of the drawn differences matters, the draws for all units with the same
    :math:`m_u` are one multinomial draw over the distinct differences. Replicates below
    :math:`-1` are discarded, as in ``icr``.

References
----------
Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure
for coding data. Communication Methods and Measures, 1(1), 77-89.
https://doi.org/10.1080/19312450709336664
Krippendorff, K. (2016). Bootstrapping distributions for Krippendorff's alpha. Annenberg
School for Communication, University of Pennsylvania.
Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability
for nominal data: which coefficients and confidence intervals are appropriate? BMC Medical
Research Methodology, 16, 93. https://doi.org/10.1186/s12874-016-0200-9
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from statecode.reliability._distance import mid_ranks
from statecode.reliability._kernels import (
    CodeDistance,
    Codes,
    Floats,
    pairable_units,
    unit_chunks,
    unit_counts,
)

__all__ = [
    "UnitStatistics",
    "distribution_replicates",
    "krippendorff_replicates",
    "pair_difference_distribution",
    "pattern_pair_distribution",
    "pattern_statistics",
    "pattern_unit_replicates",
    "unit_replicates",
    "unit_statistics",
]

Progress = Callable[[int], None]

# cells (replicates x units, or replicates x draws) handled at once: 512 KB of int64 draws,
# small enough to stay in cache while they are mapped to patterns and counted, and to be
# recycled by the allocator (larger ones are faulted in afresh each time)
_CELLS = 1 << 16
# above this many distinct differences, draw pair indices instead of multinomial counts
_MULTINOMIAL_MAX_SUPPORT = 4096


def pair_difference_distribution(
    codes: Codes, distance: CodeDistance
) -> tuple[Floats, Floats, NDArray[np.intp], NDArray[np.intp]]:
    """The differences of all unordered pairable pairs, grouped by value.

    Returns the distinct differences, how many pairs have each, and the distinct :math:`m_u`
    of pairable units with the number of pair slots they hold.
    """
    valid = codes >= 0
    m_u, keep = pairable_units(valid)
    codes = codes[:, keep]
    valid = valid[:, keep]
    n_values = int(codes.max()) + 1 if codes.size else 1
    keys = []
    m = codes.shape[0]
    for i in range(m - 1):
        for j in range(i + 1, m):
            both = valid[i] & valid[j]
            a = codes[i, both].astype(np.int64)
            b = codes[j, both].astype(np.int64)
            keys.append(np.minimum(a, b) * n_values + np.maximum(a, b))
    pairs, counts = np.unique(
        np.concatenate(keys) if keys else np.empty(0, np.int64), return_counts=True
    )
    deltas = distance((pairs // n_values).astype(np.intp), (pairs % n_values).astype(np.intp))
    support, inverse = np.unique(deltas, return_inverse=True)
    freq = np.bincount(inverse, weights=counts, minlength=support.size).astype(np.float64)
    sizes, units_per_size = np.unique(m_u[keep], return_counts=True)
    slots = units_per_size * sizes * (sizes - 1) // 2
    return support.astype(np.float64), freq, sizes.astype(np.intp), slots.astype(np.intp)


def krippendorff_replicates(
    codes: Codes,
    distance: CodeDistance,
    *,
    n: int,
    expected_disagreement: float,
    replicates: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> Floats:
    """Krippendorff's (2016) bootstrap of alpha; NaN marks discarded replicates."""
    return distribution_replicates(
        pair_difference_distribution(codes, distance),
        n=n,
        expected_disagreement=expected_disagreement,
        replicates=replicates,
        rng=rng,
        progress=progress,
    )


def pattern_pair_distribution(
    counts: NDArray[np.integer], held: NDArray[np.integer], delta: Floats
) -> tuple[Floats, Floats, NDArray[np.intp], NDArray[np.intp]]:
    """:func:`pair_difference_distribution` of units given as patterns of value counts.

    A unit with counts :math:`n_c` holds :math:`n_c n_k` unordered pairs of values
    :math:`c < k` and :math:`n_c (n_c - 1) / 2` of :math:`c` with itself; each pattern counts
    ``held`` times. The same four arrays as from the codes themselves.
    """
    m_u = counts.sum(axis=1)
    keep = m_u >= 2
    c = counts[keep].astype(np.float64)
    times = np.asarray(held, dtype=np.float64)[keep]
    pairs = np.einsum("p,pa,pb->ab", times, c, c)
    same = times @ (c * (c - 1.0)) / 2.0
    upper = np.triu(pairs, k=1)
    upper[np.diag_indices_from(upper)] = same
    present = upper > 0
    support, inverse = np.unique(delta[present], return_inverse=True)
    freq = np.bincount(inverse.ravel(), weights=upper[present], minlength=support.size)
    sizes = np.unique(m_u[keep])
    per_size = np.bincount(
        np.searchsorted(sizes, m_u[keep]), weights=times, minlength=sizes.size
    ).astype(np.int64)
    slots = per_size * sizes * (sizes - 1) // 2
    return support.astype(np.float64), freq.astype(np.float64), sizes.astype(np.intp), slots


def distribution_replicates(
    distribution: tuple[Floats, Floats, NDArray[np.intp], NDArray[np.intp]],
    *,
    n: int,
    expected_disagreement: float,
    replicates: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> Floats:
    """Krippendorff's bootstrap from the distribution of pair differences and unit sizes."""
    support, freq, sizes, slots = distribution
    p = freq / freq.sum()
    total = np.zeros(replicates)
    for size, n_slots in zip(sizes.tolist(), slots.tolist(), strict=True):
        total += _sum_of_draws(support, p, n_slots, replicates, rng) / (size - 1)
        if progress is not None:
            progress(0)
    alphas = 1.0 - 2.0 * total / (n * expected_disagreement)
    alphas[alphas < -1.0] = np.nan
    if progress is not None:
        progress(replicates)
    return alphas


def _sum_of_draws(
    support: Floats, p: Floats, draws: int, replicates: int, rng: np.random.Generator
) -> Floats:
    """Per replicate, the sum of ``draws`` values drawn from ``support`` with probabilities p."""
    if support.size <= _MULTINOMIAL_MAX_SUPPORT:
        out = np.empty(replicates)
        chunk = max(1, _CELLS // max(support.size, 1))
        for start in range(0, replicates, chunk):
            size = min(chunk, replicates - start)
            out[start : start + size] = rng.multinomial(draws, p, size=size) @ support
        return out
    cdf = np.cumsum(p)
    out = np.zeros(replicates)
    per_chunk = max(1, _CELLS // max(draws, 1))
    for start in range(0, replicates, per_chunk):
        size = min(per_chunk, replicates - start)
        picks = np.searchsorted(cdf, rng.random((size, draws)) * cdf[-1], side="right")
        out[start : start + size] = support[np.minimum(picks, support.size - 1)].sum(axis=1)
    return out


class UnitStatistics(NamedTuple):
    """What the unit bootstrap needs of each pairable unit, stored once per distinct unit.

    Units with the same statistics are exchangeable in a resample: only how many times each
    *pattern* (distinct row of statistics) is drawn matters. ``pattern`` maps every pairable
    unit, in data order, to its row; the other arrays have one row per pattern. ``counts``
    (patterns x V) with the difference matrix ``delta`` serves categorical metrics
    (``ordinal`` recomputes the ranks per replicate); ``sums``/``squares`` serve metrics that
    are squared Euclidean distances (interval, circular), whatever the number of values.
    """

    m_u: Floats
    observed: Floats | None
    counts: Floats | None = None
    delta: Floats | None = None
    ordinal: bool = False
    sums: Floats | None = None
    squares: Floats | None = None
    scale: float = 1.0
    pattern: NDArray[np.intp] | None = None

    @property
    def units(self) -> int:
        """Pairable units (the size of every resample)."""
        return int(self.pattern.size if self.pattern is not None else self.m_u.size)


def _patterns(rows: NDArray[np.generic]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """One representative unit per distinct row, and each unit's pattern index."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    _, first, pattern = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.intp), pattern.reshape(-1).astype(np.intp)


def unit_statistics(
    codes: Codes, n_values: int, delta: Floats, *, ordinal: bool = False, max_cells: int = 1 << 25
) -> UnitStatistics:
    """Per-pattern value counts and observed disagreement for a categorical metric."""
    _, keep = pairable_units(codes >= 0)
    codes = codes[:, keep]
    units = codes.shape[1]
    if units * n_values > max_cells:
        msg = (
            f"the unit bootstrap of this metric needs a units x values table of {units:,} x "
            f"{n_values:,} cells, too large; use method='krippendorff', or fewer distinct values"
        )
        raise MemoryError(msg)
    by_unit = np.concatenate(
        [np.zeros((0, n_values), dtype=np.int64)]
        + [unit_counts(codes[:, part], n_values) for part in unit_chunks(units, codes.shape[0])]
    )
    first, pattern = _patterns(by_unit)
    counts = by_unit[first].astype(np.float64)
    mu = counts.sum(axis=1)
    observed = None
    if not ordinal:
        within = np.einsum("uc,uc->u", counts @ delta, counts) - counts @ np.diag(delta)
        observed = within / (mu - 1)
    return UnitStatistics(mu, observed, counts, delta, ordinal, pattern=pattern)


def moment_statistics(points: Floats, scale: float = 1.0) -> UnitStatistics:
    """Per-pattern sums for metrics that are squared Euclidean distances (points: d x m x N)."""
    if points.ndim == 2:
        points = points[None]
    valid = ~np.isnan(points[0])
    m_u, keep = pairable_units(valid)
    pts = points[:, :, keep]
    valid = valid[:, keep]
    mu = m_u[keep].astype(np.float64)
    # centring first keeps the sums of squares free of cancellation
    grand = np.where(valid, pts, 0.0).sum(axis=(1, 2)) / mu.sum()
    filled = np.where(valid, pts - grand[:, None, None], 0.0)
    sums = filled.sum(axis=1)
    squares = np.einsum("dmu,dmu->u", filled, filled)
    unit_mean = sums / mu
    within = np.where(valid, pts - grand[:, None, None] - unit_mean[:, None, :], 0.0)
    observed = scale * 2.0 * mu * np.einsum("dmu,dmu->u", within, within) / (mu - 1)
    first, pattern = _patterns(np.column_stack([mu, observed, sums.T, squares]))
    return UnitStatistics(
        mu[first],
        observed[first],
        sums=sums[:, first],
        squares=squares[first],
        scale=scale,
        pattern=pattern,
    )


def _weights(
    stats: UnitStatistics, size: int, rng: np.random.Generator, keys: NDArray[np.intp]
) -> Floats:
    r"""How often each pattern is drawn in ``size`` replicates (size x patterns).

    Each replicate draws :math:`N` pairable units with replacement, the same stream as
    ``rng.integers(0, N, size=(size, N))`` in row order; the draws are counted per pattern,
    not per unit, so the arrays that follow have one column per distinct unit. Draws come in
    pieces of at most ``keys.size`` (a work buffer reused by every piece: fresh chunk-sized
    arrays make the allocator hand memory back to the system and fault it in again).
    """
    units = stats.units
    patterns = stats.m_u.size
    pattern = stats.pattern if stats.pattern is not None and patterns < units else None
    if size * units <= keys.size:
        picks = rng.integers(0, units, size=(size, units))
        flat = keys[: size * units].reshape(size, units)
        if pattern is not None:
            np.take(pattern, picks, out=flat)
        else:
            np.copyto(flat, picks)
        flat += (np.arange(size, dtype=np.intp) * patterns)[:, None]
        counts = np.bincount(flat.ravel(), minlength=size * patterns)
        return counts.reshape(size, patterns).astype(np.float64)
    out = np.zeros((size, patterns))
    for row in range(size):
        for start in range(0, units, keys.size):
            piece = rng.integers(0, units, size=min(keys.size, units - start))
            if pattern is not None:
                piece = np.take(pattern, piece, out=keys[: piece.size])
            out[row] += np.bincount(piece, minlength=patterns)
    return out


def unit_replicates(
    stats: UnitStatistics,
    *,
    replicates: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> Floats:
    """Alpha on ``replicates`` resamples of units; NaN where a replicate has no variation."""
    units = stats.units
    out = np.empty(replicates)
    chunk = max(1, _CELLS // max(units, 1))
    keys = np.empty(_CELLS, dtype=np.intp)
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        out[start : start + size] = _replicate_alphas(stats, _weights(stats, size, rng, keys))
        if progress is not None:
            progress(size)
    return out


def pattern_statistics(
    counts: NDArray[np.integer], delta: Floats, *, ordinal: bool = False
) -> UnitStatistics:
    """:class:`UnitStatistics` of pairable patterns of value counts (one row per pattern)."""
    c = np.asarray(counts, dtype=np.float64)
    mu = c.sum(axis=1)
    observed = None
    if not ordinal:
        within = np.einsum("uc,uc->u", c @ delta, c) - c @ np.diag(delta)
        observed = within / (mu - 1)
    return UnitStatistics(mu, observed, c, delta, ordinal)


def pattern_unit_replicates(
    stats: UnitStatistics,
    held: NDArray[np.integer],
    *,
    replicates: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> Floats:
    r"""The unit bootstrap of units given as patterns: how often each is drawn, at once.

    A resample of :math:`N = \sum_p N_p` units drawn with replacement draws pattern
    :math:`p` a Multinomial(:math:`N`, :math:`N_p / N`) number of times: one multinomial
    per replicate over the :math:`K` patterns, the distribution of
    :func:`unit_replicates` (not its random numbers).
    """
    units = np.asarray(held, dtype=np.float64)
    total = int(units.sum())
    out = np.full(replicates, np.nan)
    if total == 0:
        return out
    p = units / units.sum()
    chunk = max(1, _CELLS // max(p.size, 1))
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        weights = rng.multinomial(total, p, size=size).astype(np.float64)
        out[start : start + size] = _replicate_alphas(stats, weights)
        if progress is not None:
            progress(size)
    return out


def _replicate_alphas(stats: UnitStatistics, weights: Floats) -> Floats:
    n = weights @ stats.m_u
    if stats.counts is not None and stats.ordinal:
        observed, expected = _ordinal_sums(stats.counts, stats.m_u, weights, n)
    elif stats.counts is not None and stats.delta is not None and stats.observed is not None:
        totals = weights @ stats.counts  # replicates x V
        observed = weights @ stats.observed
        expected = np.einsum("bc,bc->b", totals @ stats.delta, totals)
    elif stats.sums is not None and stats.squares is not None and stats.observed is not None:
        observed = weights @ stats.observed
        first = weights @ stats.sums.T  # replicates x d
        spread = n * (weights @ stats.squares) - np.einsum("bd,bd->b", first, first)
        expected = stats.scale * 2.0 * spread
    else:  # pragma: no cover - UnitStatistics is only built by the two functions above
        msg = "incomplete unit statistics"
        raise TypeError(msg)
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n - 1.0) * observed / expected
    # a replicate without variation has no expected disagreement: alpha is undefined there
    alphas[~(expected > 1e-12 * np.maximum(n * n, 1.0))] = np.nan
    return np.asarray(alphas, dtype=np.float64)


def _ordinal_sums(counts: Floats, m_u: Floats, weights: Floats, n: Floats) -> tuple[Floats, Floats]:
    """Observed and expected sums of ordinal replicates, with ranks from each replicate."""
    totals = weights @ counts  # replicates x V
    ranks = mid_ranks(totals)
    s1 = counts @ ranks.T  # units x replicates
    s2 = counts @ np.square(ranks).T
    per_unit = 2.0 * (m_u[:, None] * s2 - np.square(s1)) / (m_u - 1)[:, None]
    observed = np.einsum("bu,ub->b", weights, per_unit)
    first = np.einsum("bc,bc->b", totals, ranks)
    expected = 2.0 * (n * np.einsum("bc,bc->b", totals, np.square(ranks)) - np.square(first))
    return observed, expected
