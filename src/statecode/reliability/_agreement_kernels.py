r"""Kernels of the chance-corrected agreement coefficients: numpy only.

All coefficients share Gwet's (2014) frame for :math:`n` units, :math:`r` coders and
:math:`q` categories with agreement weights :math:`w_{kl}` (identity: unweighted). With
:math:`r_{ik}` the number of coders who put unit :math:`i` in category :math:`k`,
:math:`r_i = \sum_k r_{ik}`, :math:`r^\star_{ik} = \sum_l w_{kl} r_{il}` and :math:`n''` the
units with :math:`r_i \ge 2`,

.. math::

    p_a = \frac{1}{n''} \sum_{i: r_i \ge 2} \sum_k \frac{r_{ik} (r^\star_{ik} - 1)}
          {r_i (r_i - 1)}, \qquad
    \kappa = \frac{p_a - p_e}{1 - p_e}

and the coefficients differ in the chance agreement :math:`p_e`. Their variance is Gwet's
linearisation (Gwet 2008; 2014, ch. 5), conditional on the coders and for an infinite
population of units:

.. math::

    v(\kappa) = \frac{1}{n (n - 1)} \sum_i (\kappa^\star_i - \kappa)^2, \quad
    \kappa^\star_i = \frac{n}{n''} \frac{p_{a|i} - p_e [r_i \ge 2]}{1 - p_e}
        - 2 (1 - \kappa) \frac{p_{e|i} - p_e}{1 - p_e}

References
----------
Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29-48.
https://doi.org/10.1348/000711006X126600
Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from statecode.reliability._kernels import unit_chunks, unit_counts

__all__ = [
    "Observed",
    "Parts",
    "brennan_prediger_parts",
    "category_counts",
    "cohen_parts",
    "conger_parts",
    "fleiss_parts",
    "fleiss_per_category",
    "gwet_parts",
    "observed",
    "pair_agreements",
    "weight_matrix",
]

Floats = NDArray[np.float64]
Codes = NDArray[np.int32]

# units per chunk of the per-unit terms (64K floats: 512 KB, in cache)
_UNIT_CHUNK = 1 << 16


class Parts(NamedTuple):
    """A coefficient with its agreement terms and variance."""

    value: float
    observed: float
    chance: float
    variance: float
    units: int


def category_counts(codes: Codes, n_categories: int) -> Floats:
    """:math:`r_{ik}`: coders per unit and category (units x categories).

    Counted in chunks of units, by one comparison per category or one ``bincount`` of
    ``unit * (q + 1) + code + 1``, whichever is cheaper (see ``_kernels.unit_counts``).
    """
    m, n_units = codes.shape
    counts = np.empty((n_units, n_categories))
    for part in unit_chunks(n_units, m):
        counts[part] = unit_counts(codes[:, part], n_categories)
    return counts


def pair_agreements(codes: Codes) -> tuple[Floats, Floats]:
    r"""For every pair of coders: the units both coded, and those they coded alike (m x m).

    :math:`N_{ij} = \sum_u [v_{iu} \ne \varnothing][v_{ju} \ne \varnothing]` is one matrix
    product of the presence masks; :math:`M_{ij} = \sum_u [v_{iu} = v_{ju} \ne \varnothing]`
    compares each coder's row with all later coders' rows at once, in chunks of units. Both
    are symmetric with zero diagonals.
    """
    m, n_units = codes.shape
    shared = np.zeros((m, m))
    agree = np.zeros((m, m))
    for part in unit_chunks(n_units, m):
        block = codes[:, part]
        valid = block >= 0
        present = valid.astype(np.float64)
        shared += present @ present.T
        for i in range(m - 1):
            same = block[i + 1 :] == block[i]
            same &= valid[i]
            agree[i, i + 1 :] += np.count_nonzero(same, axis=1)
    np.fill_diagonal(shared, 0.0)
    return shared, agree + agree.T


def weight_matrix(kind: str, scores: Floats) -> Floats:
    r"""Agreement weights :math:`w_{kl}` on category scores (Gwet 2014, sec. 3.5).

    ``identity``: :math:`[k = l]`; ``linear``: :math:`1 - |x_k - x_l| / (x_{max} - x_{min})`;
    ``quadratic``: :math:`1 - (x_k - x_l)^2 / (x_{max} - x_{min})^2`; ``ordinal``:
    :math:`1 - M_{kl} / \max M` with :math:`M_{kl} = \binom{|k - l| + 1}{2}` on ranks;
    ``ratio``: :math:`1 - ((x_k - x_l)/(x_k + x_l))^2 / ((x_{max} - x_{min})/(x_{max} +
    x_{min}))^2`. Scores are the category values when they are numbers, else their ranks.
    """
    q = scores.size
    if kind == "identity" or q < 2:
        return np.eye(q)
    diff = scores[:, None] - scores[None, :]
    span = scores.max() - scores.min()
    if kind == "linear":
        return np.asarray(1.0 - np.abs(diff) / span, dtype=np.float64)
    if kind == "quadratic":
        return np.asarray(1.0 - np.square(diff / span), dtype=np.float64)
    if kind == "ordinal":
        ranks = np.arange(q)
        steps = np.abs(ranks[:, None] - ranks[None, :]) + 1
        pairs = steps * (steps - 1) / 2
        return np.asarray(1.0 - pairs / pairs.max(), dtype=np.float64)
    if kind == "ratio":
        total = scores[:, None] + scores[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(total == 0, 0.0, np.square(diff / total))
        top = np.square(span / (scores.max() + scores.min()))
        return np.asarray(1.0 - rel / top, dtype=np.float64)
    msg = f"unknown weights {kind!r}"
    raise ValueError(msg)


def _row_sums(counts: Floats) -> Floats:
    """:math:`r_i`, the coders of each unit.

    By ``einsum``: a sum along short rows, or a product with BLAS (whose threads spin on a
    busy machine), is several times slower for few categories.
    """
    return np.asarray(np.einsum("uk->u", counts), dtype=np.float64)


class Observed(NamedTuple):
    """The observed agreement of every unit and its totals: what the coefficients share."""

    pa: float
    pa_i: Floats
    r_i: Floats
    n2: float
    times: Floats | None  # units per row (patterns), None: one each


def _total(values: Floats, times: Floats | None) -> float:
    return float(values.sum() if times is None else values @ times)


def observed(counts: Floats, weights: Floats, times: Floats | None = None) -> Observed:
    r"""The observed agreement :math:`p_a` and its per-unit terms, for weights ``weights``."""
    r_i = _row_sums(counts)
    # unweighted (identity) agreement needs no units x q x q product
    identity = weights.shape == (counts.shape[1],) * 2 and np.array_equal(
        weights, np.eye(counts.shape[1])
    )
    weighted = counts if identity else counts @ weights.T
    sum_q = np.einsum("uk,uk->u", counts, weighted) - r_i
    den = r_i * (r_i - 1.0)
    two = r_i >= 2
    pa_i = np.divide(sum_q, den, out=np.zeros_like(sum_q), where=two)
    n2 = _total(two.astype(np.float64), times)
    pa = _total(pa_i, times) / n2 if n2 else float("nan")
    return Observed(pa, pa_i, r_i, n2, times)


def _given(obs: Observed | None, counts: Floats, weights: Floats, times: Floats | None) -> Observed:
    """``obs`` when it is of these counts (made before), else :func:`observed` of them."""
    if obs is None:
        return observed(counts, weights, times)
    if obs.times is not times or obs.r_i.size != counts.shape[0]:
        msg = "obs= is the observed agreement of other counts or times"
        raise ValueError(msg)
    return obs


def _units(obs: Observed) -> float:
    return float(obs.r_i.size if obs.times is None else obs.times.sum())


def _linearised(obs: Observed, pe: float, value: float, pe_i: Floats | None) -> float:
    n = _units(obs)
    if n < 2 or obs.n2 == 0 or pe >= 1:
        return float("nan")
    total = 0.0
    # in chunks of units: the terms stay in cache however many units there are
    for start in range(0, obs.r_i.size, _UNIT_CHUNK):
        part = slice(start, start + _UNIT_CHUNK)
        two = (obs.r_i[part] >= 2).astype(np.float64)
        terms = (n / obs.n2) * (obs.pa_i[part] - pe * two) / (1.0 - pe)
        if pe_i is not None:
            terms -= 2.0 * (1.0 - value) * (pe_i[part] - pe) / (1.0 - pe)
        terms -= value
        times = None if obs.times is None else obs.times[part]
        total += _total(np.square(terms, out=terms), times)
    return total / (n * (n - 1))


def _coefficient(pa: float, pe: float) -> float:
    return (pa - pe) / (1.0 - pe) if pe < 1 else float("nan")


def _classification_shares(
    counts: Floats, times: Floats | None = None, r_i: Floats | None = None
) -> Floats:
    r""":math:`\pi_k`: the mean over units of each unit's share of category k."""
    per = 1.0 / (_row_sums(counts) if r_i is None else r_i)
    n = counts.shape[0]
    if times is not None:
        per, n = per * times, float(times.sum())
    return np.asarray(np.einsum("u,uk->k", per, counts) / n, dtype=np.float64)


def fleiss_parts(
    counts: Floats, weights: Floats, times: Floats | None = None, *, obs: Observed | None = None
) -> Parts:
    r"""Fleiss' kappa: :math:`p_e = \sum_{k,l} w_{kl} \pi_k \pi_l` (Fleiss 1971; Gwet 2014).

    ``times``, here and in the other ``*_parts``: when the rows of ``counts`` are patterns
    (distinct rows of unit counts), how many units hold each; every sum over units, the
    variance's included, counts a row that many times. ``obs``: :func:`observed` of the same
    counts and weights when it is made already (the coefficients of a report share it).
    """
    obs = _given(obs, counts, weights, times)
    pi = _classification_shares(counts, times, obs.r_i)
    pe = float(pi @ weights @ pi)
    value = _coefficient(obs.pa, pe)
    pi_w = (weights @ pi + weights.T @ pi) / 2.0
    pe_i = np.einsum("uk,k->u", counts, pi_w) / obs.r_i
    return Parts(value, obs.pa, pe, _linearised(obs, pe, value, pe_i), round(_units(obs)))


def fleiss_per_category(counts: Floats) -> Floats:
    r"""Fleiss' kappa of each category against all others (Fleiss 1971, eq. 11), at once.

    For category :math:`k` as a binary variable ("k or another"), with
    :math:`c = r_{ik}`: :math:`p_a = \frac{1}{n''} \sum_{i: r_i \ge 2}
    \frac{c (c - 1) + (r_i - c)(r_i - c - 1)}{r_i (r_i - 1)}` and
    :math:`p_e = \pi_k^2 + (1 - \pi_k)^2`: the figures of :func:`fleiss_parts` on the
    units x 2 table of that category, for all categories in one pass over the counts.
    """
    r_i = _row_sums(counts)
    two = r_i >= 2
    n2 = int(np.count_nonzero(two))
    inverse_pairs = np.divide(1.0, r_i * (r_i - 1.0), out=np.zeros_like(r_i), where=two)
    # c (c - 1) + (r - c)(r - c - 1) = 2 c^2 - 2 r c + r (r - 1): three sums over the units,
    # no units x categories temporary
    squares = np.einsum("u,uk,uk->k", inverse_pairs, counts, counts)
    crossed = np.einsum("u,uk->k", inverse_pairs * r_i, counts)
    same = 2.0 * squares - 2.0 * crossed + float(np.count_nonzero(two))
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = same / n2 if n2 else np.full(counts.shape[1], np.nan)
        pi = _classification_shares(counts)
        pe = pi * pi + (1.0 - pi) * (1.0 - pi)
        value = np.where(pe < 1, (pa - pe) / (1.0 - pe), np.nan)
    return np.asarray(value, dtype=np.float64)


def gwet_parts(
    counts: Floats, weights: Floats, times: Floats | None = None, *, obs: Observed | None = None
) -> Parts:
    r"""Gwet's AC1/AC2: :math:`p_e = \frac{T_w}{q(q-1)} \sum_k \pi_k (1 - \pi_k)`."""
    q = counts.shape[1]
    obs = _given(obs, counts, weights, times)
    pi = _classification_shares(counts, times, obs.r_i)
    scale = float(weights.sum()) / (q * (q - 1)) if q > 1 else float("nan")
    pe = scale * float(pi @ (1.0 - pi))
    value = _coefficient(obs.pa, pe)
    pe_i = scale * np.einsum("uk,k->u", counts, 1.0 - pi) / obs.r_i
    return Parts(value, obs.pa, pe, _linearised(obs, pe, value, pe_i), round(_units(obs)))


def brennan_prediger_parts(
    counts: Floats, weights: Floats, times: Floats | None = None, *, obs: Observed | None = None
) -> Parts:
    r"""Brennan & Prediger's (1981) coefficient: :math:`p_e = T_w / q^2` (uniform chance)."""
    q = counts.shape[1]
    obs = _given(obs, counts, weights, times)
    pe = float(weights.sum()) / (q * q) if q else float("nan")  # no category: undefined
    value = _coefficient(obs.pa, pe)
    return Parts(value, obs.pa, pe, _linearised(obs, pe, value, None), round(_units(obs)))


def conger_parts(
    codes: Codes, counts: Floats, weights: Floats, *, obs: Observed | None = None
) -> Parts:
    r"""Conger's (1980) kappa: chance agreement from each coder's own marginals.

    With :math:`p_{gk}` the share of coder :math:`g`'s units in category :math:`k`,
    :math:`\bar p_k` its mean over coders and :math:`s^2_{kl}` their covariance,
    :math:`p_e = \sum_{k,l} w_{kl} (\bar p_k \bar p_l - s^2_{kl} / r)`; the variance follows
    Gwet (2014, sec. 5.4).
    """
    n, q = counts.shape
    r = codes.shape[0]
    obs = _given(obs, counts, weights, None)
    # r x q: the units each coder put in each category (one bincount per coder)
    by_coder = np.stack([np.bincount(row + 1, minlength=q + 1)[1:] for row in codes]).astype(
        np.float64
    )
    n_g = by_coder.sum(axis=1)
    p_gk = by_coder / n_g[:, None]
    p_mean = p_gk.mean(axis=0)
    s2 = (p_gk.T @ p_gk - r * np.outer(p_mean, p_mean)) / (r - 1)
    pe = float(np.sum(weights * (np.outer(p_mean, p_mean) - s2 / r)))
    value = _coefficient(obs.pa, pe)
    # Gwet's lambda_ig = (n / n_g) sum_k c_gk sum_l w_kl ([v_ig = l] - (e_ig - n_g/n) p_gl),
    # c_gk = r mean_g(p_gk) - p_gk, e_ig = [coder g rated unit i], is per coder and value
    # b_g[v] e_ig - (e_ig - n_g/n) a_g: two small tables, gathered by each coder's codes
    c = r * p_gk.mean(axis=0)[None, :] - p_gk  # r x q
    b = c @ weights  # b_g[v] = sum_k c_gk w_kv
    a = np.einsum("gk,kl,gl->g", c, weights, p_gk)  # a_g = sum_k c_gk sum_l w_kl p_gl
    share = n_g / n
    pe_i = np.zeros(n)
    # per chunk of units, each coder's term: the chunk's arrays stay in cache
    padded = np.concatenate([b, np.zeros((r, 1))], axis=1)  # code -1 takes the 0 column
    for start in range(0, n, _UNIT_CHUNK):
        part = slice(start, start + _UNIT_CHUNK)
        lam_sum = pe_i[part]
        for g in range(r):
            row = codes[g, part]
            term = padded[g][row]
            term -= ((row >= 0) - share[g]) * a[g]
            term *= n / n_g[g]
            lam_sum += term
    pe_i /= r * (r - 1)
    return Parts(value, obs.pa, pe, _linearised(obs, pe, value, pe_i), n)


def cohen_parts(table: Floats, weights: Floats) -> Parts:
    r"""Cohen's (weighted) kappa from a two-coder contingency table.

    :math:`p_o = \sum w_{kl} p_{kl}`, :math:`p_e = \sum w_{kl} p_{k\cdot} p_{\cdot l}`; the
    large-sample variance of Fleiss, Cohen & Everitt (1969):

    .. math::

        v = \frac{\sum_{k,l} p_{kl} [w_{kl} - (\bar w_{k\cdot} + \bar w_{\cdot l})(1 - \kappa)]^2
            - [\kappa - p_e (1 - \kappa)]^2}{n (1 - p_e)^2}
    """
    n = float(table.sum())
    p = table / n
    rows = p.sum(axis=1)
    cols = p.sum(axis=0)
    po = float(np.sum(weights * p))
    pe = float(rows @ weights @ cols)
    value = _coefficient(po, pe)
    w_row = weights @ cols  # w-bar_k. = sum_l p_.l w_kl
    w_col = rows @ weights  # w-bar_.l = sum_k p_k. w_kl
    inner = weights - (w_row[:, None] + w_col[None, :]) * (1.0 - value)
    numerator = float(np.sum(p * np.square(inner))) - (value - pe * (1.0 - value)) ** 2
    variance = numerator / (n * (1.0 - pe) ** 2) if pe < 1 else float("nan")
    return Parts(value, po, pe, variance, int(n))
