r"""Difference functions (squared distances) between values, per level of measurement.

Each metric maps two equally shaped arrays of values to the squared difference
:math:`\\delta^2_{ck}` of Krippendorff (2019, sec. 12.4) element-wise. They are plain numpy
functions: the kernels call them on value arrays (the domain, or pairs of values).

References
----------
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication Departmental Papers 43.
Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic and
pragmatic annotation. Proceedings of LREC 2006.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DistanceFunction",
    "bipolar",
    "circular",
    "interval",
    "jaccard_distance",
    "masi_distance",
    "nominal",
    "ordinal_matrix",
    "ratio",
    "set_distance_matrix",
]

#: A vectorised squared difference: two float arrays in, one float array out.
DistanceFunction = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


def nominal(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Nominal difference: :math:`\delta^2_{ck} = 0` if :math:`c = k`, else 1."""
    return np.asarray(a != b, dtype=np.float64)


def interval(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Interval difference: :math:`\delta^2_{ck} = (c - k)^2`."""
    return np.square(a - b)


def ratio(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Ratio difference: :math:`\delta^2_{ck} = \left(\frac{c - k}{c + k}\right)^2`.

    Defined as 0 where :math:`c = k = 0`.
    """
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.square((a - b) / total)
    return np.where(total == 0, 0.0, out)


def circular(period: float) -> DistanceFunction:
    r"""Circular difference for values on a circle of circumference ``period``.

    :math:`\delta^2_{ck} = \sin^2\!\left(\pi \frac{c - k}{U}\right)` with :math:`U` the period
    (Krippendorff's :math:`\sin(180^\circ (c-k)/U)^2`).
    """

    def metric(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.square(np.sin(np.pi * (a - b) / period))

    return metric


def bipolar(minimum: float, maximum: float) -> DistanceFunction:
    r"""Bipolar difference for a scale with end points ``minimum`` and ``maximum``.

    :math:`\delta^2_{ck} = \frac{(c - k)^2}{(c + k - 2 c_{min})(2 c_{max} - c - k)}`, 0 where
    :math:`c = k`.
    """

    def metric(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        denom = (a + b - 2 * minimum) * (2 * maximum - a - b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.square(a - b) / denom
        return np.where(a == b, 0.0, out)

    return metric


def ordinal_matrix(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Ordinal differences between the ranked values, from their pairable frequencies.

    .. math:: \delta^2_{ck} = \Bigl(\sum_{g=c}^{k} n_g - \frac{n_c + n_k}{2}\Bigr)^2
              = (r_k - r_c)^2,\quad r_c = \sum_{g<c} n_g + \frac{n_c}{2}

    Parameters
    ----------
    counts : array of shape (V,)
        :math:`n_c`, the number of pairable values of each rank, in order.
    """
    ranks = mid_ranks(counts)
    return np.square(ranks[:, None] - ranks[None, :])


def mid_ranks(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Mid-ranks :math:`r_c = \sum_{g<c} n_g + n_c / 2`; ordinal :math:`\delta = r_k - r_c`."""
    counts = np.asarray(counts, dtype=np.float64)
    return np.cumsum(counts, axis=-1) - counts / 2


def jaccard_distance(a: frozenset[str], b: frozenset[str]) -> float:
    r"""Jaccard distance :math:`1 - |A \cap B| / |A \cup B|` (0 for two empty sets)."""
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


def masi_distance(a: frozenset[str], b: frozenset[str]) -> float:
    r"""MASI distance of Passonneau (2006): :math:`1 - J \cdot M`.

    :math:`J` is the Jaccard similarity, and the monotonicity weight :math:`M` is 1 for equal
    sets, 2/3 when one set contains the other, 1/3 when they overlap otherwise, 0 when they
    are disjoint. (NLTK rounds 2/3 and 1/3 to 0.67 and 0.33; statecode uses the published
    fractions.)
    """
    if a == b:
        return 0.0
    common = len(a & b)
    if common == 0:
        return 1.0
    weight = 2 / 3 if common == min(len(a), len(b)) else 1 / 3
    return 1.0 - common / len(a | b) * weight


def set_distance_matrix(
    domain: Sequence[frozenset[str]], distance: Callable[[frozenset[str], frozenset[str]], float]
) -> NDArray[np.float64]:
    r"""The matrix of distances between every pair of sets in ``domain``.

    MASI and Jaccard come from the sets' membership matrix :math:`A` (sets x labels): the
    intersections are :math:`A A^\top` and the unions :math:`|a| + |b| - |a \cap b|`, with
    the same arithmetic as :func:`masi_distance` and :func:`jaccard_distance`. Any other
    function is called on every pair.
    """
    if distance is masi_distance or distance is jaccard_distance:
        return _membership_distances(domain, masi=distance is masi_distance)
    size = len(domain)
    out = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            out[i, j] = out[j, i] = distance(domain[i], domain[j])
    return out


def _membership_distances(domain: Sequence[frozenset[str]], *, masi: bool) -> NDArray[np.float64]:
    labels = {label: k for k, label in enumerate(dict.fromkeys(x for s in domain for x in s))}
    member = np.zeros((len(domain), len(labels)))
    for i, values in enumerate(domain):
        member[i, [labels[x] for x in values]] = 1.0
    common = member @ member.T  # exact: sums of a few ones
    sizes = member.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - common
    share = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    if not masi:
        return np.asarray(np.where(union > 0, 1.0 - share, 0.0), dtype=np.float64)
    nested = common == np.minimum(sizes[:, None], sizes[None, :])
    out = 1.0 - share * np.where(nested, 2 / 3, 1 / 3)
    out[common == 0] = 1.0
    out[(common == sizes[:, None]) & (common == sizes[None, :])] = 0.0  # equal sets
    return np.asarray(out, dtype=np.float64)
