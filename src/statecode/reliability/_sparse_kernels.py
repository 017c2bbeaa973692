r"""Kernels of alpha on per-unit summaries: numpy only, no coders x units array.

Alpha does not depend on which coder gave which value, only on the values each unit holds.
A long table of codings therefore reduces, in one grouping pass, to per-unit summaries whose
size grows with the rows and never with coders x units:

- *counts*: :math:`n_{uc}`, how often value :math:`c` occurs in unit :math:`u`, either as a
  dense units x V block (few values) or as *triples* ``(unit, code, count)`` (many values);
- *moments*: per unit :math:`m_u`, the mean :math:`\bar x_u` and
  :math:`SS_u = \sum_i (x_{iu} - \bar x_u)^2` (continuous interval data).

From counts, the coincidences are

.. math::

    o_{ck} = \sum_{u: m_u \ge 2} \frac{n_{uc} n_{uk} - [c = k]\, n_{uc}}{m_u - 1},

computed per chunk of units as :math:`C^\top \mathrm{diag}(w) C` (dense counts) or as one
weighted ``bincount`` over the pairs of a unit's distinct values (triples). From moments, the
sums of :mod:`statecode.reliability._moment_kernels` pooled as in Chan, Golub & LeVeque (1979).

Every function returns figures that add over disjoint sets of units (coincidences, value
counts, pairable units) or merge exactly (moments, :func:`merge_moments`).

References
----------
Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae and a pairwise algorithm
for computing sample variances. Technical Report STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CountTotals",
    "MomentTotals",
    "dense_coincidences",
    "merge_moments",
    "moment_totals",
    "triple_coincidences",
]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# units per chunk of a dense counts block (keeps chunk x V floats in cache)
_CHUNK_UNITS = 1 << 14
# value pairs generated at once from triples (32 MB of keys, 32 MB of weights)
_MAX_PAIRS = 1 << 22


class CountTotals(NamedTuple):
    r"""Coincidences of some units and what counts they rest on (all additive).

    With them, the sums of percent agreement over the pairable units:
    ``agreement[0]`` :math:`\sum_u \sum_c n_{uc}(n_{uc}-1)` (agreeing ordered pairs),
    ``agreement[1]`` :math:`\sum_u m_u(m_u-1)` (all ordered pairs), ``agreement[2]``
    :math:`\sum_u` of each unit's share of agreeing pairs, ``agreement[3]`` the units on
    which every value is the same. ``shares`` is :math:`\sum_u n_{uc} / m_u` over every unit
    with a value (Fleiss' and Gwet's :math:`\pi_c` times the number of units).
    """

    matrix: Floats
    n_c: Ints
    pairable_units: int
    agreement: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    shares: Floats | None = None


class MomentTotals(NamedTuple):
    r"""Moments of the pairable values of some units.

    ``n`` values with mean ``mean`` and sum of squared deviations ``spread`` around it;
    ``observed`` is :math:`\sum_u 2 m_u SS_u / (m_u - 1)` (that is :math:`n D_o`).
    """

    n: int
    mean: float
    spread: float
    observed: float
    pairable_units: int


def dense_coincidences(
    counts: NDArray[np.integer], n_values: int, units: NDArray[np.integer] | None = None
) -> CountTotals:
    r"""Coincidences from a block of value counts: one row per unit, or per pattern of units.

    One matrix product per chunk of rows: :math:`C^\top \mathrm{diag}(w) C` with
    :math:`w_u = 1/(m_u - 1)` on pairable units, minus the diagonal :math:`\sum_u w_u n_{uc}`.
    With ``units``, row :math:`p` stands for ``units[p]`` units holding the same counts (a
    *pattern*): every sum counts it that many times.
    """
    matrix = np.zeros((n_values, n_values))
    n_c = np.zeros(n_values, dtype=np.int64)
    pairable = 0
    agreement = np.zeros(4)
    shares = np.zeros(n_values)
    for start in range(0, counts.shape[0], _CHUNK_UNITS):
        block = counts[start : start + _CHUNK_UNITS]
        times = None if units is None else np.asarray(units[start : start + _CHUNK_UNITS])
        m_u = block.sum(axis=1, dtype=np.int64)
        coded = m_u > 0
        share = block[coded] / m_u[coded, None]
        shares += (share if times is None else share * times[coded, None]).sum(axis=0)
        keep = m_u >= 2
        if not keep.any():
            continue
        kept = block[keep].astype(np.float64)
        each = np.ones(kept.shape[0]) if times is None else times[keep].astype(np.float64)
        w = each / (m_u[keep] - 1.0)
        weighted = kept * w[:, None]
        matrix += weighted.T @ kept
        matrix[np.diag_indices(n_values)] -= weighted.sum(axis=0)
        if times is None:
            n_c += block[keep].sum(axis=0, dtype=np.int64)
        else:
            n_c += times[keep].astype(np.int64) @ block[keep].astype(np.int64)
        pairable += int(np.count_nonzero(keep)) if times is None else int(times[keep].sum())
        m = m_u[keep].astype(np.float64)
        same = (kept * (kept - 1.0)).sum(axis=1)
        pairs = m * (m - 1.0)
        agreement += _agreement(same, pairs, kept.max(axis=1) == m, each)
    return CountTotals(matrix, n_c, pairable, _four(agreement), shares)


def triple_coincidences(
    unit: NDArray[np.integer], code: NDArray[np.integer], count: NDArray[np.integer], n_values: int
) -> CountTotals:
    r"""Coincidences from ``(unit, code, count)`` triples, one per distinct value of a unit.

    ``unit`` holds dense unit indices (any order, each (unit, code) once). The pairs of a
    unit's distinct values are generated in chunks of units and counted with one weighted
    ``bincount`` of ``c * V + k``: the work is :math:`\sum_u d_u^2` for :math:`d_u` distinct
    values in unit :math:`u`, whatever the number of coders.
    """
    matrix = np.zeros(n_values * n_values)
    n_c = np.zeros(n_values, dtype=np.int64)
    if unit.size == 0 or n_values == 0:
        return CountTotals(matrix.reshape(n_values, n_values), n_c, 0, shares=np.zeros(n_values))
    order = np.argsort(unit, kind="stable")
    unit_s = np.asarray(unit)[order].astype(np.int64)
    code_s = np.asarray(code)[order].astype(np.int64)
    count_s = np.asarray(count)[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, unit_s[1:] != unit_s[:-1]])
    lengths = np.diff(np.r_[starts, unit_s.size])
    m_u = np.add.reduceat(count_s, starts)
    per_row = count_s / np.repeat(m_u, lengths).astype(np.float64)
    shares = np.asarray(np.bincount(code_s, weights=per_row, minlength=n_values), np.float64)
    keep = m_u >= 2
    rows = np.flatnonzero(np.repeat(keep, lengths))
    starts, lengths, m_u = starts[keep], lengths[keep], m_u[keep]
    pairable = int(starts.size)
    # each row of a pairable unit, with its unit's start, length and weight
    row_unit = np.repeat(np.arange(starts.size), lengths)
    w = 1.0 / (m_u - 1.0)
    row_len = lengths[row_unit]
    row_w = w[row_unit]
    kept_codes, kept_counts = code_s[rows], count_s[rows]
    kept_starts = np.cumsum(lengths) - lengths  # each unit's first row among the kept rows
    m = m_u.astype(np.float64)
    same = np.add.reduceat(kept_counts * (kept_counts - 1.0), kept_starts) if rows.size else m
    unanimous = np.maximum.reduceat(kept_counts, kept_starts) == m_u if rows.size else m > 0
    agreement = _agreement(same, m * (m - 1.0), unanimous)
    n_c += np.bincount(kept_codes, weights=kept_counts, minlength=n_values).astype(np.int64)
    matrix -= np.bincount(
        kept_codes * (n_values + 1), weights=row_w * kept_counts, minlength=n_values * n_values
    )
    # chunks of rows whose pairs stay under _MAX_PAIRS
    ends = np.cumsum(row_len)
    begin = 0
    while begin < rows.size:
        limit = (ends[begin - 1] if begin else 0) + _MAX_PAIRS
        stop = max(begin + 1, int(np.searchsorted(ends, limit, side="right")))
        part = slice(begin, stop)
        reps = row_len[part]
        first = np.repeat(rows[part], reps)
        offset = np.arange(first.size) - np.repeat(np.cumsum(reps) - reps, reps)
        second = np.repeat(starts[row_unit[part]], reps) + offset
        keys = code_s[first] * n_values + code_s[second]
        weights = np.repeat(row_w[part], reps) * count_s[first] * count_s[second]
        matrix += np.bincount(keys, weights=weights, minlength=n_values * n_values)
        begin = stop
    return CountTotals(matrix.reshape(n_values, n_values), n_c, pairable, _four(agreement), shares)


def _agreement(
    same: Floats, pairs: Floats, unanimous: NDArray[np.bool_], times: Floats | None = None
) -> Floats:
    """The four additive sums of percent agreement (see :class:`CountTotals`).

    ``times``: how many units each entry stands for (None: one each).
    """
    shares = same / pairs if same.size else same
    if times is None:
        return np.array([same.sum(), pairs.sum(), shares.sum(), float(np.count_nonzero(unanimous))])
    return np.array([same @ times, pairs @ times, shares @ times, float(times @ unanimous)])


def _four(values: Floats) -> tuple[float, float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]), float(values[3]))


def moment_totals(
    m_u: NDArray[np.integer], means: Floats, squares: Floats, *, scale: float = 1.0
) -> MomentTotals:
    r"""Pooled moments of the pairable units from their counts, means and :math:`SS_u`.

    .. math::

        n = \sum_u m_u, \quad \bar x = \frac{1}{n}\sum_u m_u \bar x_u, \quad
        M_2 = \sum_u SS_u + \sum_u m_u (\bar x_u - \bar x)^2, \quad
        n D_o = \sum_u \frac{2 m_u SS_u}{m_u - 1}
    """
    keep = m_u >= 2
    m = m_u[keep].astype(np.float64)
    n = float(m.sum())
    if n == 0:
        return MomentTotals(0, 0.0, 0.0, 0.0, 0)
    x = means[keep]
    ss = squares[keep]
    mean = float(m @ x) / n
    spread = float(ss.sum()) + float(m @ np.square(x - mean))
    observed = scale * 2.0 * float(m @ (ss / (m - 1.0)))
    return MomentTotals(int(n), mean, spread, observed, int(np.count_nonzero(keep)))


def merge_moments(a: MomentTotals, b: MomentTotals) -> MomentTotals:
    """Moments of the union of two disjoint sets of units (Chan, Golub & LeVeque 1979)."""
    n = a.n + b.n
    if n == 0:
        return a
    shift = b.mean - a.mean
    mean = a.mean + shift * b.n / n
    spread = a.spread + b.spread + shift * shift * a.n * b.n / n
    return MomentTotals(
        n, mean, spread, a.observed + b.observed, a.pairable_units + b.pairable_units
    )
