r"""Kernels of alpha for squared Euclidean differences: per-unit moments, numpy only.

Interval data are points on a line, circular data points on the unit circle, and ordinal data
their mid-ranks: for all of them :math:`\delta^2_{ck} = \lVert x_c - x_k \rVert^2`, so
alpha's sums need only each unit's number of values, mean and sum of squares (one pass over
the data, in chunks of units, whatever the number of distinct values). Ordinal data with few
values take the coincidences of :mod:`statecode.reliability._kernels` instead.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from statecode.reliability import _kernels
from statecode.reliability._distance import mid_ranks
from statecode.reliability._kernels import AlphaParts, Codes, Floats

__all__ = ["coded_embedded_parts", "embedded_parts", "ordinal_parts"]

# coder-unit cells of float points per chunk (2 MB per buffer: the chunk stays in L2/L3)
_FLOAT_CELLS = 1 << 18


class _PooledMoments:
    r"""Moments of the pairable units, pooled over chunks of units.

    Alpha's sums for a squared Euclidean metric (see :func:`embedded_parts`) need, over the
    pairable units, :math:`\sum_u 2 m_u SS_u / (m_u - 1)`, :math:`n`, :math:`\sum_u SS_u` and
    the between-unit spread :math:`\sum_u m_u \lVert \bar x_u - \bar x \rVert^2`. The spread
    is pooled chunk by chunk as in Chan, Golub & LeVeque (1979): each chunk's spread around
    its own mean, plus :math:`n_a n_b / (n_a + n_b) \lVert \bar x_a - \bar x_b \rVert^2`,
    so no per-unit array outlives its chunk and no difference of large sums is taken.
    """

    def __init__(self, dims: int) -> None:
        self.n = 0.0
        self.mean = np.zeros(dims)  # of the unit means, relative to origin when it is set
        self.origin: Floats | None = None
        self.spread = 0.0
        self.within = 0.0
        self.observed = 0.0
        self.units = 0

    def add(self, filled: Floats, valid: NDArray[np.bool_]) -> None:
        """Add a chunk: points (d x m x w) with 0 where missing, and where they are present."""
        count = np.add.reduce(valid, axis=0, dtype=_kernels.count_type(valid.shape[0]))
        count_f = count.astype(np.float64)
        means = filled.sum(axis=1)
        np.divide(means, count_f, out=means, where=count > 0)
        # deviations from the unit means: the sums of squares have no cancellation
        filled -= means[:, None, :]
        filled *= valid
        self.add_moments(count_f, means, np.einsum("dmu,dmu->u", filled, filled))

    def add_moments(
        self, count_f: Floats, means: Floats, ss: Floats, shift: Floats | None = None
    ) -> None:
        """Add a chunk's per-unit counts, means (d x w) and sums of squared deviations.

        With ``shift`` (d x w), the unit means are ``shift + means``: they are pooled
        relative to the first pairable unit's shift, so that data far from 0 (1e6 + 0.1)
        lose no digits to rounding their means to the data's offset.
        """
        # a unit with fewer than two values has SS_u = 0: only the spread must leave it out
        pairable = np.where(count_f >= 2, count_f, 0.0)
        size = float(pairable.sum())
        if size == 0:
            return
        if shift is not None:
            if self.origin is None:
                self.origin = shift[:, int(np.argmax(pairable > 0))].copy()
            # close values: their difference is exact (Sterbenz), then the small mean
            means = (shift - self.origin[:, None]) + means
        # products summed by einsum, not BLAS: a threaded BLAS call per chunk of a few
        # thousand units costs more in waking and spinning threads than the sum itself
        ratio = ss / np.maximum(count_f - 1.0, 1.0)
        self.observed += 2.0 * float(np.einsum("u,u->", count_f, ratio))
        self.within += float(ss.sum())
        self.units += int(np.count_nonzero(pairable))
        mean = np.einsum("du,u->d", means, pairable) / size
        around = means - mean[:, None]
        shift = mean - self.mean
        total = self.n + size
        self.spread += float(np.einsum("du,du,u->", around, around, pairable))
        self.spread += float(np.einsum("d,d->", shift, shift)) * self.n * size / total
        self.mean += shift * size / total
        self.n = total

    def parts(self, scale: float) -> AlphaParts:
        """Alpha's sums, the differences multiplied by ``scale``."""
        if self.n < 2:
            return AlphaParts(0.0, 0.0, int(self.n), self.units)
        expected = scale * 2.0 * self.n * (self.within + self.spread)
        return AlphaParts(scale * self.observed, expected, int(self.n), self.units)


def embedded_parts(points: Floats, scale: float = 1.0) -> AlphaParts:
    r"""Alpha's sums for metrics that are squared Euclidean distances between points.

    Interval data are points on a line; ordinal data their mid-ranks; circular data points on
    the unit circle (scale 1/4). With :math:`\bar x_u` the unit mean, :math:`\bar x` the mean
    of all pairable values and :math:`SS_u = \sum_i \lVert x_i - \bar x_u \rVert^2`,

    .. math::

        \sum_{i \ne j} \lVert x_i - x_j \rVert^2 = 2 m_u SS_u, \qquad
        \sum_{c,k} n_c n_k \delta^2_{ck} = 2 n \sum_u \bigl(SS_u
            + m_u \lVert \bar x_u - \bar x \rVert^2\bigr)

    so both sums need one pass over the data, whatever the number of distinct values: per
    chunk of units, the deviations from the unit means (see :class:`_PooledMoments`).

    Parameters
    ----------
    points : array of shape (m, N) or (d, m, N)
        Coordinates, NaN where missing (a missing point is NaN in every coordinate).
    scale : float
        Factor on the squared distance (1/4 for circular points).
    """
    if points.ndim == 2:
        points = points[None]
    d, m, n_units = points.shape
    pooled = _PooledMoments(d)
    width = _kernels.chunk_width(m * d, _FLOAT_CELLS)
    # work buffers reused by every chunk: fresh chunk-sized arrays would cost page faults
    shifted_buffer = np.empty((d, m, width))
    valid_buffer = np.empty((m, width), dtype=bool)
    for part in _kernels.unit_chunks(n_units, m * d, cells=_FLOAT_CELLS):
        block = points[:, :, part]
        size = block.shape[2]
        valid = np.equal(block[0], block[0], out=valid_buffer[:, :size])  # False at NaN
        count = np.add.reduce(valid, axis=0, dtype=_kernels.count_type(m))
        # each unit shifted by its largest value (NaN ignored): the shifted values lie within
        # the unit's range, so SS_u = S2 - S1^2 / m_u loses nothing to the data's offset
        shift = np.fmax.reduce(block, axis=1)
        np.copyto(shift, 0.0, where=count == 0)
        shifted = np.subtract(block, shift[:, None, :], out=shifted_buffer[:, :, :size])
        # every value present is now <= 0, so fmin with 0 keeps it and makes the missing
        # cells (NaN: fmin ignores it) 0.0, in one pass
        np.fmin(shifted, 0.0, out=shifted)
        count_f = count.astype(np.float64)
        s1 = shifted.sum(axis=1)
        ss = np.einsum("dmu,dmu->u", shifted, shifted)
        with np.errstate(divide="ignore", invalid="ignore"):
            centred = np.where(count > 0, s1 / count_f, 0.0)
        ss -= np.einsum("du,du->u", s1, centred)
        np.maximum(ss, 0.0, out=ss)
        pooled.add_moments(count_f, centred, ss, shift=shift)
    return pooled.parts(scale)


def coded_embedded_parts(codes: Codes, table: Floats, scale: float = 1.0) -> AlphaParts:
    """:func:`embedded_parts` of the points ``table[:, code]`` (d x V), without a float copy."""
    table = np.atleast_2d(table)
    d = table.shape[0]
    m, n_units = codes.shape
    # code -1 (missing) picks the appended 0 column
    padded = np.concatenate([table, np.zeros((d, 1))], axis=1)
    pooled = _PooledMoments(d)
    for part in _kernels.unit_chunks(n_units, m * d):
        block = codes[:, part]
        pooled.add(padded[:, block], block >= 0)
    return pooled.parts(scale)


def ordinal_parts(codes: Codes, n_values: int) -> tuple[AlphaParts, Floats]:
    r"""Alpha's sums for ordinal data, and the mid-ranks used.

    Krippendorff's ordinal difference is the squared distance between mid-ranks
    :math:`r_c = \sum_{g<c} n_g + n_c / 2` computed from the pairable frequencies. For few
    values, the sums come from the coincidences (one pass; the ranks from their exact
    :math:`n_c`); for more, ordinal alpha is interval alpha on the mid-ranks (one pass for the
    frequencies, one for the moments).
    """
    m = codes.shape[0]
    if _kernels.ordinal_by_coincidences(m, n_values):
        found = _kernels.coincidences(codes, n_values, by_pairs=False)
        ranks = mid_ranks(found.n_c)
        delta = np.square(ranks[:, None] - ranks[None, :])
        observed = float(np.sum(found.matrix * delta))
        expected = float(found.n_c @ delta @ found.n_c)
        return AlphaParts(observed, expected, int(found.n_c.sum()), found.units), ranks
    _, keep = _kernels.pairable_units(codes >= 0)
    ranks = mid_ranks(_kernels.value_counts(codes, n_values, keep))
    return coded_embedded_parts(codes, ranks), ranks
