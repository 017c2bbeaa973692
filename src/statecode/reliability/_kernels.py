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
so that alpha, both disagreements and the bootstrap all start from the same figures.

The data are read once, in chunks of units small enough that a chunk's working arrays (its
codes, masks and per-unit counts) stay in the processor's cache; no kernel builds a
units x values x values array or a float copy of integer codes:

- nominal: :math:`\sum_c n_{uc}^2` per unit, from one comparison per value, from pairwise
  equality of coders, or from one ``bincount`` of ``unit * (V + 1) + code + 1``, whichever is
  cheapest for the number of coders and values (all three are exact integer counts);
- any difference matrix (ordinal, ratio, bipolar, custom, set distances): the coincidences
  :math:`o_{ck}`, from the per-unit counts as :math:`\sum_u w_u n_u n_u^\top` (one matrix
  product per chunk, for few values) or from one weighted ``bincount`` of the coder pairs'
  value pairs; then :math:`n D_o = \sum_{c,k} o_{ck} \delta^2_{ck}`;
- squared Euclidean metrics (interval, circular; ordinal with many values): per-unit
  moments, in :mod:`statecode.reliability._moment_kernels`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "AlphaParts",
    "CodeDistance",
    "Coincidences",
    "chunk_width",
    "coincidence_matrix",
    "coincidences",
    "count_type",
    "generic_parts",
    "matrix_parts",
    "nominal_parts",
    "ordinal_by_coincidences",
    "pair_distances",
    "pairable_units",
    "unanimous_units",
    "unit_chunks",
    "unit_counts",
    "unit_square_sums",
    "value_counts",
]

Codes = NDArray[np.int32]
Floats = NDArray[np.float64]

#: Squared difference between values given by their integer codes (two equal-shaped arrays).
CodeDistance = Callable[[NDArray[np.intp], NDArray[np.intp]], Floats]

# coder x unit cells per chunk of units: ~0.25-0.5 MB of codes, so that the chunk's keys,
# masks and counts stay in the cache between the passes over it
_CELLS_PER_CHUNK = 1 << 16
# ... and at most this many units: a chunk's per-unit arrays stay under 64 KB, which the
# allocator recycles; larger ones are handed back to the system and fault in again each time
_MAX_CHUNK_UNITS = 1 << 13
# per-unit value counts are allowed up to this many values (above, pairwise equality)
_NOMINAL_COUNTS_MAX_V = 256
# counts by one comparison per value are allowed up to this many values
_NOMINAL_COMPARE_MAX_V = 16
# coincidences from counts times a matrix product, up to this many values
_GEMM_MAX_V = 64
# a difference matrix (and coincidences) is built up to this many values; above, the coder
# pairs' differences come from the distance function
MATRIX_MAX_V = 2048
# the most pair keys of one chunk (32 MB of keys, 32 MB of their weights)
_MAX_PAIR_KEYS = 1 << 22
# rows of the V x V difference matrix built at once for the expected disagreement
_EXPECTED_BLOCK = 1 << 22

# Costs of the methods in ns per coder-unit cell, fitted to runs on the benchmark machine
# (numpy 2, one core, 5-10 million cells; the terms over the number of coders are the work
# per unit). They only choose among methods that give the same figures.


def _compare_cost(coders: int, n_values: int) -> float:
    """Per-unit counts by one comparison and one narrow column sum per value."""
    return 0.75 + 0.27 * n_values


def _bincount_cost(coders: int, n_values: int) -> float:
    """Per-unit counts by one bincount of ``unit * (V + 1) + code + 1``."""
    return 2.8 + (15.0 + 0.6 * (n_values + 1)) / max(coders, 1)


def _equal_pairs_cost(coders: int) -> float:
    """Sums of squared counts by one equality test per pair of coders, and the value counts."""
    return 0.5 + 0.31 * coders


def _pair_key_cost(coders: int) -> float:
    """Coincidences by one weighted bincount of every pair of coders' value pairs."""
    return 1.55 * coders + 20.0 / max(coders, 1) - 3.0


def _gemm_cost(coders: int, n_values: int) -> float:
    """Coincidences from per-unit counts and one matrix product per chunk of units."""
    per_unit = 15.0 + 4.0 * n_values + 0.05 * n_values * n_values
    return _count_cost(coders, n_values) + per_unit / max(coders, 1)


def _embedded_cost(coders: int, n_values: int) -> float:
    """Ordinal sums from the value counts and the moments of the coded mid-ranks."""
    return _count_cost(coders, n_values) + 3.0 + 35.0 / max(coders, 1)


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


class Coincidences(NamedTuple):
    r"""The coincidence matrix with the exact value counts behind it.

    Attributes
    ----------
    matrix : array of shape (V, V)
        :math:`o_{ck}`.
    n_c : array of shape (V,)
        :math:`n_c`, counted (exact integers), not summed from the matrix.
    units : int
        Pairable units.
    """

    matrix: Floats
    n_c: Floats
    units: int


def pairable_units(valid: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    r"""Values per unit (:math:`m_u`) and the mask of pairable units (:math:`m_u \ge 2`)."""
    m_u = valid.sum(axis=0, dtype=np.intp)
    return m_u, m_u >= 2


def value_counts(codes: Codes, n_values: int, keep: NDArray[np.bool_] | None = None) -> Floats:
    """:math:`n_c`: how often each code occurs in the (pairable) units ``keep``.

    One ``bincount`` of ``code + 1`` per chunk of units (bin 0 collects the missing values);
    the units left out are counted apart and taken off.
    """
    m, n_units = codes.shape
    counts = np.zeros(n_values + 1)
    for part in unit_chunks(n_units, m):
        block = codes[:, part]
        counts += np.bincount((block + 1).ravel(), minlength=n_values + 1)
        if keep is not None and not keep[part].all():
            dropped = block[:, ~keep[part]]
            counts -= np.bincount((dropped + 1).ravel(), minlength=n_values + 1)
    return counts[1:]


def unit_chunks(n_units: int, coders: int, *, cells: int | None = None) -> Iterator[slice]:
    """Slices of units holding about ``cells`` coder-unit cells each."""
    width = chunk_width(coders, cells)
    for start in range(0, n_units, width):
        yield slice(start, min(n_units, start + width))


def chunk_width(coders: int, cells: int | None = None) -> int:
    """Units per chunk: ``cells`` coder-unit cells, and at most _MAX_CHUNK_UNITS units."""
    width = (cells or _CELLS_PER_CHUNK) // max(coders, 1)
    return max(1, min(width, _MAX_CHUNK_UNITS if cells is None else width))


def count_type(coders: int) -> type[np.unsignedinteger] | type[np.signedinteger]:
    """The narrowest integer type that holds a count of coders (narrow sums are faster)."""
    return np.uint8 if coders < 256 else np.int32


def _single_values(block: Codes, m_u: NDArray[np.integer], n_values: int) -> Floats:
    """How often each value is the only value of a unit (units with :math:`m_u = 1`)."""
    single = m_u == 1
    if not single.any():
        return np.zeros(n_values)
    # the one value of such a unit is its largest code (the others are -1)
    return np.bincount(block[:, single].max(axis=0), minlength=n_values).astype(np.float64)


def _count_method(coders: int, n_values: int) -> str:
    """``compare`` or ``bincount``: how a chunk's per-unit counts are made most cheaply."""
    compare = _compare_cost(coders, n_values)
    if n_values <= _NOMINAL_COMPARE_MAX_V and compare <= _bincount_cost(coders, n_values):
        return "compare"
    return "bincount"


def _count_cost(coders: int, n_values: int) -> float:
    if _count_method(coders, n_values) == "compare":
        return _compare_cost(coders, n_values)
    return _bincount_cost(coders, n_values)


def unit_counts(block: Codes, n_values: int, method: str | None = None) -> NDArray[np.int64]:
    r""":math:`n_{uc}` of a chunk of units (units x values), exact.

    ``compare`` counts each value with one comparison and one column sum; ``bincount`` counts
    every value at once with one ``bincount`` of :math:`u (V + 1) + c + 1` (bin 0 of each unit
    collects its missing values).
    """
    m, width = block.shape
    method = method or _count_method(m, n_values)
    if method == "compare":
        out = np.empty((width, n_values), dtype=np.int64)
        small = count_type(m)
        for c in range(n_values):
            out[:, c] = np.add.reduce(block == c, axis=0, dtype=small)
        return out
    stride = n_values + 1
    keys = block.astype(np.intp)
    keys += np.arange(1, width * stride + 1, stride, dtype=np.intp)
    flat = np.bincount(keys.ravel(), minlength=width * stride)
    return flat.reshape(width, stride)[:, 1:]


def _nominal_method(coders: int, n_values: int) -> str:
    r"""``compare``, ``bincount`` or ``pairs``: the cheapest way to :math:`\sum_c n_{uc}^2`."""
    if n_values > _NOMINAL_COUNTS_MAX_V:
        return "pairs"
    method = _count_method(coders, n_values)
    return method if _count_cost(coders, n_values) <= _equal_pairs_cost(coders) else "pairs"


def _equal_pairs(block: Codes, valid: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Unordered pairs of coders with equal values, per unit."""
    m, width = block.shape
    small = np.int32 if m * (m - 1) // 2 >= 256 else np.uint8
    out = np.zeros(width, dtype=np.int32)
    for i in range(m - 1):
        # coder i against all later coders at once: a missing i matches nothing
        same = block[i + 1 :] == block[i]
        same &= valid[i]
        out += np.add.reduce(same, axis=0, dtype=small)
    return out


def _nominal_chunk(
    block: Codes, n_values: int, method: str, n_c: Floats
) -> tuple[NDArray[np.integer], NDArray[np.integer]]:
    r""":math:`m_u` and :math:`\sum_c n_{uc}^2` of a chunk; adds its pairable counts to n_c."""
    m, width = block.shape
    small = count_type(m)
    if method == "bincount":
        stride = n_values + 1
        keys = block.astype(np.intp)
        keys += np.arange(0, width * stride, stride, dtype=np.intp) + 1
        counts = np.bincount(keys.ravel(), minlength=width * stride).reshape(width, stride)
        missing = counts[:, 0]
        m_u = m - missing
        squares = np.einsum("uv,uv->u", counts, counts) - missing * missing
        n_c += counts.sum(axis=0)[1:]
    else:
        valid = block >= 0
        m_u = np.add.reduce(valid, axis=0, dtype=small)
        if method == "pairs":
            squares = m_u + 2 * _equal_pairs(block, valid)
            n_c += np.bincount((block + 1).ravel(), minlength=n_values + 1)[1:]
        else:
            squares = np.zeros(width, dtype=np.int32)
            for c in range(n_values):
                count = np.add.reduce(block == c, axis=0, dtype=small)
                n_c[c] += int(count.sum())
                squares += np.multiply(count, count, dtype=np.int32)
    n_c -= _single_values(block, m_u, n_values)
    return m_u, squares


def unit_square_sums(codes: Codes, n_values: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    r""":math:`m_u` and :math:`\sum_c n_{uc}^2` of every unit: exact integers, in chunks.

    The figures of percent agreement (:math:`\sum_c n_{uc}(n_{uc} - 1)` agreeing ordered
    pairs of values in unit :math:`u`), by the cheapest of the nominal kernel's methods and
    without the units x values table of counts.
    """
    m, n_units = codes.shape
    method = _nominal_method(m, n_values)
    m_u = np.empty(n_units, dtype=np.int64)
    squares = np.empty(n_units, dtype=np.int64)
    n_c = np.zeros(n_values)
    for part in unit_chunks(n_units, m):
        m_u[part], squares[part] = _nominal_chunk(codes[:, part], n_values, method, n_c)
    return m_u, squares


def unanimous_units(codes: Codes) -> NDArray[np.bool_]:
    """Units whose values (two or more) are all the same: the largest code is the smallest."""
    m, n_units = codes.shape
    out = np.empty(n_units, dtype=bool)
    top = np.iinfo(np.int32).max
    for part in unit_chunks(n_units, m):
        block = codes[:, part]
        valid = block >= 0
        low = np.where(valid, block, top).min(axis=0)
        out[part] = (block.max(axis=0) == low) & (np.count_nonzero(valid, axis=0) >= 2)
    return out


def nominal_parts(codes: Codes, n_values: int) -> AlphaParts:
    r"""Alpha's sums for nominal data.

    With :math:`\delta^2_{ck} = [c \ne k]`:
    :math:`n D_o = \sum_u (m_u^2 - \sum_c n_{uc}^2) / (m_u - 1)` and
    :math:`n(n-1) D_e = n^2 - \sum_c n_c^2`. The per-unit sums of squares are exact integers,
    :math:`\sum_c n_{uc}^2 = m_u + 2 e_u` with :math:`e_u` the pairs of coders that agree;
    a unit with one value adds :math:`1 - 1 = 0`, so no unit needs to be taken out.
    """
    m, n_units = codes.shape
    method = _nominal_method(m, n_values)
    observed = 0.0
    n_c = np.zeros(n_values)
    units = 0
    for part in unit_chunks(n_units, m):
        m_u, squares = _nominal_chunk(codes[:, part], n_values, method, n_c)
        m_f = m_u.astype(np.float64)
        units += int(np.count_nonzero(m_f >= 2))
        observed += float(((m_f * m_f - squares) / np.maximum(m_f - 1.0, 1.0)).sum())
    n = float(n_c.sum())
    expected = n * n - float(n_c @ n_c)
    return AlphaParts(observed, expected, int(n), units)


def ordinal_by_coincidences(coders: int, n_values: int) -> bool:
    """Whether ordinal sums are cheaper from coincidences than from mid-rank moments."""
    return n_values <= _GEMM_MAX_V and _gemm_cost(coders, n_values) <= _embedded_cost(
        coders, n_values
    )


def coincidences(codes: Codes, n_values: int, *, by_pairs: bool | None = None) -> Coincidences:
    r"""The coincidence matrix :math:`o_{ck}` (V x V) and the value counts, in one pass.

    With :math:`w_u = 1/(m_u - 1)` for pairable units (0 for the others),
    :math:`o = \sum_u w_u (n_u n_u^\top - \operatorname{diag} n_u)`: for few values one
    matrix product of each chunk's per-unit counts; for more values (or ``by_pairs``), one
    weighted ``bincount`` of the keys :math:`(V + 1)(v_i + 1) + v_j + 1` of all pairs of
    coders :math:`i < j` (0 marks a missing value), symmetrised.
    """
    m, n_units = codes.shape
    if by_pairs is None:
        by_pairs = n_values > _GEMM_MAX_V or _pair_key_cost(m) < _gemm_cost(m, n_values)
    stride = n_values + 1
    matrix = np.zeros((n_values, n_values))
    diagonal = np.zeros(n_values)
    flat = np.zeros(stride * stride) if by_pairs else np.zeros(0)
    n_c = np.zeros(n_values)
    units = 0
    first, second = np.triu_indices(m, 1)
    cells = None
    if by_pairs:
        # a chunk's pair keys should outnumber the bins they are counted into, up to
        # _MAX_PAIR_KEYS keys (and as many weights) per chunk
        pairs = max(first.size, 1)
        wanted = stride * stride * m // pairs
        cells = max(m, min(max(_CELLS_PER_CHUNK, wanted), _MAX_PAIR_KEYS * m // pairs))
    small = count_type(m)
    for part in unit_chunks(n_units, m, cells=cells):
        block = codes[:, part]
        if by_pairs:
            m_u = np.add.reduce(block >= 0, axis=0, dtype=small).astype(np.int64)
            n_c += np.bincount((block + 1).ravel(), minlength=stride)[1:]
            n_c -= _single_values(block, m_u, n_values)
        else:
            counts = unit_counts(block, n_values).astype(np.float64)
            m_u = counts.sum(axis=1).astype(np.int64)
        keep = m_u >= 2
        units += int(np.count_nonzero(keep))
        weights = np.zeros(m_u.size)
        np.divide(1.0, m_u - 1.0, out=weights, where=keep)
        if by_pairs:
            shifted = block.astype(np.intp) + 1
            keys = shifted[first] * stride + shifted[second]
            pair_weights = np.broadcast_to(weights, keys.shape)
            flat += np.bincount(keys.ravel(), pair_weights.ravel(), minlength=stride * stride)
        else:
            n_c += keep.astype(np.float64) @ counts
            matrix += (counts * weights[:, None]).T @ counts
            diagonal += weights @ counts
    if by_pairs:
        ordered = flat.reshape(stride, stride)[1:, 1:]
        matrix = ordered + ordered.T
    else:
        matrix -= np.diag(diagonal)
    return Coincidences(matrix, n_c, units)


def coincidence_matrix(codes: Codes, n_values: int) -> Floats:
    r"""The coincidence matrix :math:`o_{ck}` of pairable values (V x V).

    See :func:`coincidences`: its cost is one pass over the data, memory-light, whatever the
    number of values.
    """
    return coincidences(codes, n_values).matrix


def matrix_parts(codes: Codes, delta: Floats) -> AlphaParts:
    r"""Alpha's sums for any difference matrix :math:`\delta^2` (V x V).

    :math:`n D_o = \sum_{c,k} o_{ck} \delta^2_{ck}` and
    :math:`n(n-1) D_e = \sum_{c,k} n_c n_k \delta^2_{ck}`, with the coincidences of
    :func:`coincidences`: the cost is one pass over the data plus :math:`O(V^2)`, however
    many coders.
    """
    found = coincidences(codes, delta.shape[0])
    observed = float(np.sum(found.matrix * delta))
    expected = float(found.n_c @ delta @ found.n_c)
    return AlphaParts(observed, expected, int(found.n_c.sum()), found.units)


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
    """Alpha's sums for a difference function too large to tabulate (above MATRIX_MAX_V).

    A loop over the :math:`m(m-1)/2` pairs of coders, vectorised over units, and the
    expected disagreement over blocks of rows of the difference matrix.
    """
    valid = codes >= 0
    m_u, keep = pairable_units(valid)
    codes = codes[:, keep]
    weights = 1.0 / (m_u[keep].astype(np.float64) - 1.0)
    observed, _ = pair_distances(codes, distance, weights)
    n_c = value_counts(codes, n_values)
    expected = expected_sum(n_c, distance)
    return AlphaParts(observed, expected, int(n_c.sum()), int(keep.sum()))
