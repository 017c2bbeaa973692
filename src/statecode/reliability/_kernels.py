r"""Kernels of Krippendorff's alpha: numpy only, on integer-coded or float arrays.

The reliability data arrive as an array of shape ``(m, N)``: ``m`` coders by ``N`` units.
Categorical data are integer codes ``0 .. V-1`` into a value domain, with ``-1`` for missing;
numeric data for the embedding metrics are floats with ``NaN`` for missing.

Notation (Krippendorff 2011): :math:`m_u` is the number of values in unit :math:`u`; a unit is
*pairable* when :math:`m_u \ge 2`; :math:`n_{uc}` counts value :math:`c` in unit :math:`u`;
:math:`n_c = \sum_u n_{uc}` over pairable units; :math:`n = \sum_c n_c`. Then

.. math::

    o_{ck} = \sum_u \frac{n_{uc} n_{uk} - [c = k] n_{uc}}{m_u - 1}, \qquad
    D_o = \frac{1}{n} \sum_{c,k} o_{ck} \delta^2_{ck}, \qquad
    D_e = \frac{1}{n(n-1)} \sum_{c,k} n_c n_k \delta^2_{ck}, \qquad
    \alpha = 1 - \frac{D_o}{D_e}.

Every kernel returns :class:`AlphaParts`: the two sums :math:`n D_o` and :math:`n(n-1) D_e`,
so that alpha, both disagreements and the bootstrap all start from the same figures. None of
them builds a units x values x values array: nominal data use per-unit value counts (in
chunks) or pairwise equality, interval-like metrics per-unit moments, and the others a loop
over the :math:`m(m-1)/2` pairs of coders with vectorised differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from statecode.reliability._distance import mid_ranks

__all__ = [
    "AlphaParts",
    "CodeDistance",
    "coincidence_matrix",
    "embedded_parts",
    "generic_parts",
    "nominal_parts",
    "ordinal_parts",
    "pair_distances",
    "pairable_units",
    "value_counts",
]

Codes = NDArray[np.int32]
Floats = NDArray[np.float64]

#: Squared difference between values given by their integer codes (two equal-shaped arrays).
CodeDistance = Callable[[NDArray[np.intp], NDArray[np.intp]], Floats]

# units per chunk for per-unit value counts: keeps chunk x V near 4 million cells
_CELLS_PER_CHUNK = 1 << 22
# above this many values, nominal data use pairwise equality instead of per-unit counts
_NOMINAL_COUNTS_MAX_V = 256
# rows of the V x V difference matrix built at once for the expected disagreement
_EXPECTED_BLOCK = 1 << 22


class AlphaParts(NamedTuple):
    r"""The sums alpha is made of.

    Attributes
    ----------
    observed : float
        :math:`\sum_u \frac{1}{m_u - 1} \sum_{i \ne j} \delta^2(v_{iu}, v_{ju})`, which is
        :math:`n D_o`.
    expected : float
        :math:`\sum_{c,k} n_c n_k \delta^2_{ck}`, which is :math:`n (n-1) D_e`.
    n : int
        Pairable values.
    units : int
        Pairable units.
    """

    observed: float
    expected: float
    n: int
    units: int

    @property
    def observed_disagreement(self) -> float:
        """:math:`D_o` (NaN without pairable values)."""
        return self.observed / self.n if self.n else float("nan")

    @property
    def expected_disagreement(self) -> float:
        """:math:`D_e` (NaN with fewer than two pairable values)."""
        return self.expected / (self.n * (self.n - 1)) if self.n > 1 else float("nan")

    @property
    def alpha(self) -> float:
        r""":math:`1 - (n-1) \cdot n D_o / (n(n-1) D_e)`; NaN when undefined."""
        if self.n < 2 or self.expected <= 0:
            return float("nan")
        return 1.0 - (self.n - 1) * self.observed / self.expected


def pairable_units(valid: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    r"""Values per unit (:math:`m_u`) and the mask of pairable units (:math:`m_u \ge 2`)."""
    m_u = valid.sum(axis=0, dtype=np.intp)
    return m_u, m_u >= 2


def value_counts(codes: Codes, n_values: int, keep: NDArray[np.bool_] | None = None) -> Floats:
    """:math:`n_c`: how often each code occurs in the (pairable) units ``keep``."""
    counts = _counts(codes, n_values)
    if keep is not None and not keep.all():
        # the few units with a single value are counted apart and taken off
        counts -= _counts(codes[:, ~keep], n_values)
    return counts


def _counts(codes: Codes, n_values: int) -> Floats:
    if n_values <= _NOMINAL_COMPARE_MAX_V:
        return np.array([np.count_nonzero(codes == c) for c in range(n_values)], dtype=np.float64)
    return np.bincount(codes[codes >= 0], minlength=n_values).astype(np.float64)


# up to this many values, counts come from one comparison pass per value (no int64 keys)
_NOMINAL_COMPARE_MAX_V = 16


def _unit_square_sums(codes: Codes, n_values: int) -> Floats:
    r""":math:`\sum_c n_{uc}^2` per unit, from per-unit counts built in chunks of units."""
    n_units = codes.shape[1]
    if n_values <= _NOMINAL_COMPARE_MAX_V:
        out = np.zeros(n_units, dtype=np.float64)
        for c in range(n_values):
            count = np.count_nonzero(codes == c, axis=0)
            out += count * count
        return out
    out = np.empty(n_units, dtype=np.float64)
    chunk = max(1, _CELLS_PER_CHUNK // max(n_values, 1))
    for start in range(0, n_units, chunk):
        block = codes[:, start : start + chunk]
        width = block.shape[1]
        valid = block >= 0
        keys = (np.arange(width, dtype=np.int64) * n_values)[None, :] + block
        counts = np.bincount(keys[valid], minlength=width * n_values).reshape(width, n_values)
        out[start : start + width] = np.einsum("uv,uv->u", counts, counts, dtype=np.float64)
    return out


def _unit_equal_pairs(codes: Codes, valid: NDArray[np.bool_]) -> Floats:
    """Unordered pairs of equal values per unit, by comparing every pair of coders."""
    m = codes.shape[0]
    equal = np.zeros(codes.shape[1], dtype=np.float64)
    for i in range(m - 1):
        for j in range(i + 1, m):
            equal += (codes[i] == codes[j]) & valid[i] & valid[j]
    return equal


def nominal_parts(codes: Codes, n_values: int) -> AlphaParts:
    r"""Alpha's sums for nominal data.

    With :math:`\delta^2_{ck} = [c \ne k]`:
    :math:`n D_o = \sum_u (m_u^2 - \sum_c n_{uc}^2) / (m_u - 1)` and
    :math:`n(n-1) D_e = n^2 - \sum_c n_c^2`.
    """
    valid = codes >= 0
    m_u, keep = pairable_units(valid)
    # every unit is counted, and units with fewer than two values get weight 0: cheaper than
    # copying the data without them
    m_f = m_u.astype(np.float64)
    if n_values <= _NOMINAL_COUNTS_MAX_V:
        squares = _unit_square_sums(codes, n_values)
    else:
        squares = m_f + 2 * _unit_equal_pairs(codes, valid)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(keep, (m_f * m_f - squares) / (m_f - 1), 0.0)
    observed = float(per_unit.sum())
    n_c = value_counts(codes, n_values, keep)
    n = float(n_c.sum())
    expected = n * n - float(n_c @ n_c)
    return AlphaParts(observed, expected, int(n), int(keep.sum()))


def embedded_parts(points: Floats, scale: float = 1.0) -> AlphaParts:
    r"""Alpha's sums for metrics that are squared Euclidean distances between points.

    Interval data are points on a line; ordinal data their mid-ranks; circular data points on
    the unit circle (scale 1/4). With :math:`\bar x_u` the unit mean, :math:`\bar x` the mean
    of all pairable values and :math:`SS_u = \sum_i \lVert x_i - \bar x_u \rVert^2`,

    .. math::

        \sum_{i \ne j} \lVert x_i - x_j \rVert^2 = 2 m_u SS_u, \qquad
        \sum_{c,k} n_c n_k \delta^2_{ck} = 2 n \sum_u \bigl(SS_u
            + m_u \lVert \bar x_u - \bar x \rVert^2\bigr)

    so both sums need one pass over the data, whatever the number of distinct values, and
    one working copy of it (deviations from unit means, which also avoid cancellation).

    Parameters
    ----------
    points : array of shape (m, N) or (d, m, N)
        Coordinates, NaN where missing.
    scale : float
        Factor on the squared distance (1/4 for circular points).
    """
    if points.ndim == 2:
        points = points[None]
    valid = ~np.isnan(points[0])
    m_u, keep = pairable_units(valid)
    m_f = m_u.astype(np.float64)
    n = float(m_f[keep].sum())
    if n < 2:
        return AlphaParts(0.0, 0.0, int(n), int(keep.sum()))
    work = np.where(valid, points, 0.0)  # the one working copy
    sums = work.sum(axis=1)  # d x N
    means = np.divide(sums, m_f, out=np.zeros_like(sums), where=m_u > 0)
    work -= means[:, None, :]
    work *= valid
    unit_ss = np.einsum("dmu,dmu->u", work, work)
    unit_ss = np.where(keep, unit_ss, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(keep, 2.0 * m_f * unit_ss / (m_f - 1.0), 0.0)
    observed = scale * float(per_unit.sum())
    grand = (sums[:, keep].sum(axis=1) / n)[:, None]
    between = np.einsum("du,du->u", means - grand, means - grand)
    total_ss = float(unit_ss.sum() + (m_f * np.where(keep, between, 0.0)).sum())
    expected = scale * 2.0 * n * total_ss
    return AlphaParts(observed, expected, int(n), int(keep.sum()))


def ordinal_parts(codes: Codes, n_values: int) -> tuple[AlphaParts, Floats]:
    r"""Alpha's sums for ordinal data, and the mid-ranks used.

    Krippendorff's ordinal difference is the squared distance between mid-ranks
    :math:`r_c = \sum_{g<c} n_g + n_c / 2` computed from the pairable frequencies, so
    ordinal alpha is interval alpha on the mid-ranks.
    """
    valid = codes >= 0
    _, keep = pairable_units(valid)
    ranks = mid_ranks(value_counts(codes, n_values, keep))
    points = np.where(valid, ranks[np.maximum(codes, 0)], np.nan)
    return embedded_parts(points), ranks


def pair_distances(
    codes: Codes, distance: CodeDistance, weights: Floats | None = None
) -> tuple[float, NDArray[np.intp]]:
    """Sum over all coder pairs in every unit of the weighted differences.

    Returns the sum over ordered pairs (twice the unordered sum) and :math:`m_u`.
    """
    valid = codes >= 0
    m_u = valid.sum(axis=0, dtype=np.intp)
    total = 0.0
    m = codes.shape[0]
    for i in range(m - 1):
        for j in range(i + 1, m):
            both = valid[i] & valid[j]
            if not both.any():
                continue
            d = distance(codes[i, both].astype(np.intp), codes[j, both].astype(np.intp))
            total += float(d @ weights[both]) if weights is not None else float(d.sum())
    return 2.0 * total, m_u


def expected_sum(counts: Floats, distance: CodeDistance) -> float:
    r""":math:`\sum_{c,k} n_c n_k \delta^2_{ck}`, over blocks of rows of the difference matrix."""
    present = np.flatnonzero(counts > 0)
    weights = counts[present]
    size = present.size
    block = max(1, _EXPECTED_BLOCK // max(size, 1))
    total = 0.0
    for start in range(0, size, block):
        rows = present[start : start + block]
        deltas = distance(rows[:, None], present[None, :])
        total += float(weights[start : start + block] @ deltas @ weights)
    return total


def generic_parts(codes: Codes, n_values: int, distance: CodeDistance) -> AlphaParts:
    """Alpha's sums for any difference function (ratio, bipolar, set distances, custom)."""
    valid = codes >= 0
    m_u, keep = pairable_units(valid)
    codes = codes[:, keep]
    weights = 1.0 / (m_u[keep].astype(np.float64) - 1.0)
    observed, _ = pair_distances(codes, distance, weights)
    n_c = value_counts(codes, n_values)
    expected = expected_sum(n_c, distance)
    return AlphaParts(observed, expected, int(n_c.sum()), int(keep.sum()))


def coincidence_matrix(codes: Codes, n_values: int) -> Floats:
    r"""The coincidence matrix :math:`o_{ck}` of pairable values (V x V).

    Built from every pair of coders with a weighted bincount, so its cost is
    :math:`O(m^2 N + V^2)` memory-light, whatever the number of values.
    """
    valid = codes >= 0
    m_u, keep = pairable_units(valid)
    codes = codes[:, keep]
    valid = valid[:, keep]
    weights = 1.0 / (m_u[keep] - 1.0)
    flat = np.zeros(n_values * n_values, dtype=np.float64)
    m = codes.shape[0]
    for i in range(m - 1):
        for j in range(i + 1, m):
            both = valid[i] & valid[j]
            keys = codes[i, both].astype(np.int64) * n_values + codes[j, both]
            flat += np.bincount(keys, weights=weights[both], minlength=n_values * n_values)
    matrix = flat.reshape(n_values, n_values)
    return matrix + matrix.T
