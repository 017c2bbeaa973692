r"""Kernels of the unitizing alphas: numpy only, on integer-coded units of laid-out continua.

The continua (documents) are laid end to end: continuum :math:`d` occupies the global
positions ``offsets[d] .. offsets[d + 1]`` (end exclusive), so :math:`T` = ``offsets[-1]`` is
the total length. A *unit* is one coder's marked stretch ``start .. end`` (global positions)
with a category code ``0 .. k-1``; everything a coder did not mark is *void* (a gap). Coders
are coded ``0 .. m-1``. No unit crosses a continuum boundary, and every gap ends at one. A
*roster* (continua x coders, boolean) says which coders unitized which continuum: the
:math:`m_d` coders of continuum :math:`d` pair with each other there, with weight
:math:`1/(m_d - 1)`, and a continuum with fewer than two coders has no pairs.

Two families of figures are computed here, never as Python loops over pairs of segments:

- the coincidences of Krippendorff, Mathet, Bouvry & Widlöcher (2016): the lengths over which
  the values of two different coders coincide, summed over ordered pairs of coders
  (:func:`coincidences`), with the self-pairing corrections their expected coincidences need
  (:func:`unit_self_pairs`, :func:`intersection_self_pairs`). All positions of all continua
  are cut at every boundary any coder drew, and each elementary piece contributes its width
  times the products of its per-value coder counts (or, for many values, a loop over pairs of
  coders), in chunks of pieces;
- the position differences of Krippendorff (1995, 2004) per category
  (:func:`positional_disagreement`, :func:`positional_expected`): overlapping units of
  different coders are found by binary search in each coder's sorted units.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Sweep",
    "Units",
    "coincidences",
    "expected_coincidences",
    "first_overlap",
    "intersection_self_pairs",
    "merge_overlaps",
    "pair_weights",
    "pairable_length",
    "positional_disagreement",
    "positional_expected",
    "unit_self_pairs",
    "void_figures",
]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

# cells (coders x pieces) of one chunk of the sweep over elementary pieces
_CELLS_PER_CHUNK = 1 << 22


class Sweep(NamedTuple):
    """The coincidences and the elementary pieces they were summed over."""

    observed: Floats  # l_ck, values x values (0 = void)
    bounds: Ints  # piece boundaries (global positions)
    marked: Floats  # per piece: how many coders marked it (any category)


class Units(NamedTuple):
    """Units as parallel arrays (global positions, end exclusive)."""

    coder: NDArray[np.intp]
    category: NDArray[np.intp]
    start: Ints
    end: Ints

    @property
    def length(self) -> Ints:
        """Length of each unit."""
        return self.end - self.start

    def take(self, index: NDArray[np.intp]) -> Units:
        """The units at ``index``, in that order."""
        return Units(self.coder[index], self.category[index], self.start[index], self.end[index])


def _order(*keys: NDArray[np.integer]) -> NDArray[np.intp]:
    """Stable lexicographic order of non-negative integer keys, the first most significant.

    The keys are folded into one int64 when their ranges allow (one argsort is several
    times faster than a lexsort), else lexsorted.
    """
    combined = np.zeros(keys[0].size, dtype=np.int64)
    room = 1
    for key in keys:
        size = int(key.max()) + 1 if key.size else 1
        room *= size
        if room >= 1 << 62:
            return np.lexsort(keys[::-1]).astype(np.intp)
        combined = combined * size + key
    return np.argsort(combined, kind="stable").astype(np.intp)


def _sorted_unique(values: Ints) -> Ints:
    """Sorted distinct values (a sort and a comparison; numpy's unique hashes, slower here)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def first_overlap(units: Units, *, per_category: bool) -> tuple[int, int] | None:
    """Indexes of two units of one coder (and one category) that overlap, or None.

    Sorted by start within each group, a unit that overlaps any later unit overlaps the next
    one, so comparing neighbours finds an overlap whenever there is one; the first in the
    order (coder, category, start) is returned.
    """
    if units.start.size < 2:
        return None
    group = (
        units.coder * (units.category.max() + 1) + units.category if per_category else units.coder
    )
    order = _order(group, units.start, units.end)
    g, s, e = group[order], units.start[order], units.end[order]
    clash = np.flatnonzero((g[1:] == g[:-1]) & (s[1:] < e[:-1]))
    if clash.size == 0:
        return None
    k = int(clash[0])
    return int(order[k]), int(order[k + 1])


def merge_overlaps(units: Units) -> Units:
    """Replace overlapping units of one coder and one category by their union.

    Units that only touch (one ends where the next starts) stay apart: they are two units.
    """
    if units.start.size == 0:
        return units
    n_cat = int(units.category.max()) + 1
    group = units.coder.astype(np.int64) * n_cat + units.category
    order = _order(group, units.start, units.end)
    g, s, e = group[order], units.start[order], units.end[order]
    # a running maximum of the ends, kept within each group by lifting every group above the
    # previous ones (positions are below span, so group * span orders groups first)
    span = int(e.max()) + 1
    lifted = np.maximum.accumulate(g * span + e)
    reach = lifted - g * span  # furthest end so far within the group (earlier groups: < 0)
    begins = np.ones(g.size, dtype=bool)
    begins[1:] = (g[1:] != g[:-1]) | (s[1:] >= reach[:-1])
    first = np.flatnonzero(begins)
    last = np.append(first[1:], g.size) - 1
    kept = order[first]
    return Units(units.coder[kept], units.category[kept], s[first], reach[last])


def void_figures(units: Units, offsets: Ints, roster: Bools) -> tuple[Ints, Ints, Ints, Ints]:
    """Per coder: units, marked length, void length and number of gaps (void segments).

    A gap is a maximal unmarked stretch within one continuum the coder unitized: before the
    first unit, between two units that do not touch, after the last unit, or a whole
    continuum without units. Empty continua (length 0) hold no gap.
    """
    m = roster.shape[1]
    counts = np.bincount(units.coder, minlength=m).astype(np.int64)
    marked = np.bincount(units.coder, weights=units.length, minlength=m).astype(np.int64)
    lengths = np.diff(offsets)
    void = lengths @ roster.astype(np.int64) - marked
    nonempty = (lengths > 0).astype(np.int64) @ roster.astype(np.int64)
    if units.start.size == 0:
        return counts, marked, void, nonempty
    order = _order(units.coder, units.start)
    u = units.take(order)
    doc = np.searchsorted(offsets, u.start, side="right") - 1
    same = np.zeros(u.start.size, dtype=bool)
    same[1:] = (u.coder[1:] == u.coder[:-1]) & (doc[1:] == doc[:-1])
    prev_end = np.where(same, np.roll(u.end, 1), offsets[doc])
    before = u.start > prev_end
    last = np.ones(u.start.size, dtype=bool)
    last[:-1] = ~same[1:]
    after = last & (u.end < offsets[doc + 1])
    gaps = np.bincount(u.coder, weights=before.astype(np.float64) + after, minlength=m)
    # continua a coder left entirely void: the nonempty ones minus those with a unit
    first = ~same
    with_units = np.bincount(u.coder[first], minlength=m)
    return counts, marked, void, gaps.astype(np.int64) + nonempty - with_units


def pair_weights(roster: Bools) -> Floats:
    r"""Per continuum :math:`1 / (m_d - 1)`, or 0 where fewer than two coders unitized it."""
    m_d = roster.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore"):
        return np.where(m_d >= 2, 1.0 / (m_d - 1.0), 0.0)


def pairable_length(offsets: Ints, roster: Bools) -> int:
    r""":math:`\sum_d m_d L_d` over the continua with two or more coders."""
    m_d = roster.sum(axis=1)
    return int(np.diff(offsets) @ np.where(m_d >= 2, m_d, 0))


def coincidences(
    units: Units,
    offsets: Ints,
    roster: Bools,
    n_values: int,
    *,
    pair_loop: bool | None = None,
) -> Sweep:
    r"""Observed coincidences :math:`l_{ck}` of values (0 = void, :math:`c + 1` = category c).

    .. math::

        l_{ck} = \sum_d \frac{1}{m_d-1} \sum_{i \in d} \sum_{j \in d, j \ne i} \sum_g
            \sum_h |s_{ig} \cap s_{jh}| \, [v_{ig} = c] \, [v_{jh} = k]

    over the segments (units and gaps) :math:`s_{ig}` of coder :math:`i` in continuum
    :math:`d`, for the :math:`m_d` coders of its roster (all :math:`m` coders, by default).
    With :math:`n_c(x)` the number of those coders whose value at position :math:`x` is
    :math:`c`, the inner sums are :math:`\int n_c n_k - [c = k] n_c \, dx`: the kernel cuts
    all continua at every boundary any coder drew and sums over the elementary pieces, either
    from the per-piece value counts (a dense pieces x values product, for few values) or with
    a loop over the :math:`m(m-1)/2` pairs of coders (for many values). ``pair_loop`` forces
    one. Each coder's value per piece comes from a running sum of +value at the starts and
    -value at the ends of their units, in chunks of pieces.
    """
    m, v = roster.shape[1], n_values
    full = bool(roster.all())
    bounds = _sorted_unique(np.concatenate([offsets, units.start, units.end]))
    widths = np.diff(bounds).astype(np.float64)
    n_pieces = widths.size
    piece_doc = np.searchsorted(offsets, bounds[:-1], side="right") - 1
    piece_weight = widths * pair_weights(roster)[piece_doc]
    if pair_loop is None:
        # dense counts cost ~ v + v^2/8 per piece and coder-row, pairs ~ m(m-1)/2 bincounts
        pair_loop = 4 * m * (m - 1) < v * v
    code = (units.category + 1).astype(np.int32)
    at = np.concatenate([np.searchsorted(bounds, units.start), np.searchsorted(bounds, units.end)])
    who = np.concatenate([units.coder, units.coder])
    step = np.concatenate([code, -code])
    order = np.argsort(at, kind="stable")
    at, who, step = at[order], who[order], step[order]
    gram = np.zeros((v, v), dtype=np.float64)
    self_pairs = np.zeros(v, dtype=np.float64)
    marked = np.empty(n_pieces, dtype=np.float64)
    carry = np.zeros(m, dtype=np.int32)
    chunk = max(1, _CELLS_PER_CHUNK // max(m, 1))
    for a in range(0, n_pieces, chunk):
        b = min(n_pieces, a + chunk)
        width = b - a
        lo, hi = np.searchsorted(at, [a, b])
        flat = np.zeros(m * width, dtype=np.int32)
        np.add.at(flat, who[lo:hi] * width + (at[lo:hi] - a), step[lo:hi])
        steps = flat.reshape(m, width)
        steps[:, 0] += carry
        values = np.cumsum(steps, axis=1, dtype=np.int32)  # coders x pieces: each one's value
        carry = values[:, -1].copy()
        w = piece_weight[a:b]
        # coders off a continuum's roster have no value there (units of theirs are refused)
        present = None if full else roster[piece_doc[a:b]].T
        marked[a:b] = np.count_nonzero(values, axis=0)
        if pair_loop:
            wide = values.astype(np.intp)
            for i in range(m):
                for j in range(i + 1, m):
                    keys = wide[i] * v + wide[j]
                    both = w if present is None else w * (present[i] & present[j])
                    gram += np.bincount(keys, weights=both, minlength=v * v).reshape(v, v)
            continue
        counts = np.empty((width, v), dtype=np.float64)
        for c in range(v):
            is_c = values == c if present is None else (values == c) & present
            counts[:, c] = np.count_nonzero(is_c, axis=0)
        gram += counts.T @ (counts * w[:, None])
        self_pairs += w @ counts
    if pair_loop:
        gram = gram + gram.T
    else:
        gram -= np.diag(self_pairs)
    return Sweep(gram, bounds, marked)


def unit_self_pairs(units: Units, pairable: int, n_categories: int) -> Floats:
    r"""The self-pairings expected coincidences leave out, per value (0 = void).

    A unit is indivisible: its :math:`l^2` pairs of positions with itself are not chance
    pairs. Gaps are no units: only each position's pairing with itself, :math:`l`, is left
    out, which sums to the void length of the pairable continua, ``pairable`` (:math:`mT`,
    or :math:`\sum_d m_d L_d` with a roster) less the units' lengths. ``units`` are those of
    the pairable continua.
    """
    length = units.length.astype(np.float64)
    out = np.zeros(n_categories + 1, dtype=np.float64)
    out[1:] = np.bincount(units.category, weights=length * length, minlength=n_categories)
    out[0] = float(pairable) - length.sum()
    return out


def intersection_self_pairs(
    units: Units, sweep: Sweep, offsets: Ints, roster: Bools, n_categories: int
) -> Floats:
    r"""Self-pairings of the intersections of units, per category (for cu-alpha).

    Unit :math:`g` of coder :math:`i` in continuum :math:`d` enters the margins of the
    intersection coincidences with :math:`y_{ig} = \frac{1}{m_d-1} \sum_{j \ne i} x_{igj}`,
    where :math:`x_{igj} = \sum_h [v_{jh} \ne \varnothing] |s_{ig} \cap s_{jh}|` is the
    length of :math:`g` that coder :math:`j` also marked; being indivisible, it cannot pair
    with itself:

    .. math::

        S^*_c = \sum_i \sum_g [v_{ig} = c]\, y_{ig}^2

    Over the elementary pieces of ``sweep``, :math:`\sum_{j \ne i} x_{igj}` is the sum of
    width times (coders marking the piece - 1) over the pieces of :math:`g`: a difference of
    two prefix sums.
    """
    widths = np.diff(sweep.bounds).astype(np.float64)
    prefix = np.concatenate([[0.0], np.cumsum(widths * np.maximum(sweep.marked - 1.0, 0.0))])
    first = np.searchsorted(sweep.bounds, units.start)
    stop = np.searchsorted(sweep.bounds, units.end)
    doc = np.searchsorted(offsets, units.start, side="right") - 1
    y = (prefix[stop] - prefix[first]) * pair_weights(roster)[doc]
    return np.bincount(units.category, weights=y * y, minlength=n_categories).astype(np.float64)


def expected_coincidences(observed: Floats, self_pairs: Floats) -> Floats:
    r"""Expected coincidences from observed ones and the self-pairings left out.

    :math:`e_{ck} = l_{\cdot\cdot} (l_{c\cdot} l_{\cdot k} - [c=k] S_c) /
    (l_{\cdot\cdot}^2 - \sum_c S_c)`; NaN when the denominator is not positive (nothing pairable).
    """
    margins = observed.sum(axis=1)
    total = margins.sum()
    denominator = total * total - self_pairs.sum()
    if not denominator > 0:
        return np.full_like(observed, np.nan)
    out = total * (np.outer(margins, margins) - np.diag(self_pairs)) / denominator
    return np.asarray(out, dtype=np.float64)


def _sorted_by_category_coder(units: Units) -> Units:
    return units.take(_order(units.category, units.coder, units.start))


def positional_disagreement(units: Units, n_coders: int, n_categories: int) -> Floats:
    r""":math:`\sum_{i \ne j} \sum_g \sum_h \delta^2_c(s_{ig}, s_{jh})` per category.

    Krippendorff's (2004) difference of two segments of category :math:`c` (units or gaps
    of the coders' :math:`c`-partitions), with beginnings :math:`b`, ends :math:`e`, lengths
    :math:`l`: :math:`(b_g - b_h)^2 + (e_g - e_h)^2` for two overlapping units,
    :math:`l_g^2` for a unit inside a gap of the other coder, 0 otherwise. The sum runs
    over ordered pairs of coders, so each overlapping pair of units counts twice, and so does
    each unit inside another coder's gap.

    All :math:`c`-units sorted by start: the units overlapping unit :math:`g` that start
    after it are the next ones up to the first that starts at or after :math:`g`'s end (a
    coder's units of one category do not overlap, so these are other coders'). A unit lies
    inside a gap of coder :math:`j` exactly when no :math:`c`-unit of :math:`j` overlaps it:
    :math:`m - 1` less the number of distinct coders among its partners.
    """
    m = n_coders
    out = np.zeros(n_categories, dtype=np.float64)
    n = units.start.size
    if n == 0:
        return out
    u = units.take(_order(units.category, units.start, units.coder))
    stride = int(u.end.max()) + 1
    cat = u.category.astype(np.int64)
    key_start = cat * stride + u.start
    stop = np.searchsorted(key_start, cat * stride + u.end, side="left")
    index = np.arange(n, dtype=np.intp)
    count = stop - index - 1
    g = np.repeat(index, count)
    h = np.repeat(index + 1, count) + _ranges(count)
    db = (u.start[g] - u.start[h]).astype(np.float64)
    de = (u.end[g] - u.end[h]).astype(np.float64)
    out += 2.0 * np.bincount(u.category[g], weights=db * db + de * de, minlength=n_categories)
    partners = _distinct_partner_coders(g, h, u.coder, m, n)
    length = u.length.astype(np.float64)
    alone = (m - 1 - partners).astype(np.float64)
    out += 2.0 * np.bincount(u.category, weights=length * length * alone, minlength=n_categories)
    return out


def _distinct_partner_coders(
    g: NDArray[np.intp], h: NDArray[np.intp], coder: NDArray[np.intp], m: int, n: int
) -> NDArray[np.int64]:
    """For each unit, how many distinct coders' units are paired with it (in g-h pairs)."""
    if m <= 64:
        bit = np.left_shift(np.uint64(1), coder.astype(np.uint64))
        mask = np.zeros(n, dtype=np.uint64)
        np.bitwise_or.at(mask, g, bit[h])
        np.bitwise_or.at(mask, h, bit[g])
        if hasattr(np, "bitwise_count"):
            return np.bitwise_count(mask).astype(np.int64)
        table = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)
        return np.asarray(table[mask.view(np.uint8).reshape(n, 8)].sum(axis=1), dtype=np.int64)
    keys = _sorted_unique(
        np.concatenate([g.astype(np.int64) * m + coder[h], h.astype(np.int64) * m + coder[g]])
    )
    return np.bincount(keys // m, minlength=n).astype(np.int64)


def _ranges(count: NDArray[np.intp]) -> NDArray[np.intp]:
    """``0 .. count[0]-1, 0 .. count[1]-1, ...`` concatenated."""
    total = int(count.sum())
    ends = np.cumsum(count)
    return np.arange(total, dtype=np.intp) - np.repeat(ends - count, count)


def positional_expected(
    units: Units, offsets: Ints, n_coders: int, n_categories: int
) -> tuple[Floats, Floats]:
    r"""Numerator and denominator of Krippendorff's (2004) expected disagreement per category.

    .. math::

        N_c = \sum_{g \in c} \Big[\frac{(n_c - 1)\, l_g (l_g - 1)(2 l_g - 1)}{3}
            + l_g^2 \sum_{h \in \text{gaps}_c} \max(0,\, l_h - l_g + 1)\Big], \qquad
        M_c = mT(mT - 1) - \sum_{g \in c} l_g (l_g - 1)

    with :math:`n_c` the units of category :math:`c` (all coders) and gaps\ :sub:`c` every
    coder's stretches without a :math:`c`-unit, cut at continuum boundaries;
    :math:`D_{e,c} = 2 N_c / (T M_c)`. The gaps are a weighted list: every continuum once per
    coder, minus each continuum in which a coder has a :math:`c`-unit, plus that coder's gaps
    there; the inner sum is then two suffix sums found by binary search.
    """
    m = n_coders
    total = int(offsets[-1])
    length = units.length.astype(np.float64)
    n_units = np.bincount(units.category, minlength=n_categories).astype(np.float64)
    pairs_within = np.bincount(
        units.category, weights=length * (length - 1.0), minlength=n_categories
    )
    denominator: Floats = np.asarray(
        float(m) * total * (float(m) * total - 1.0) - pairs_within, dtype=np.float64
    )
    if units.start.size == 0:
        return np.zeros(n_categories, dtype=np.float64), denominator
    u = _sorted_by_category_coder(units)
    doc = np.searchsorted(offsets, u.start, side="right") - 1
    run = (u.category.astype(np.int64) * m + u.coder) * (offsets.size + 1) + doc
    same = np.zeros(run.size, dtype=bool)
    same[1:] = run[1:] == run[:-1]
    prev_end = np.where(same, np.roll(u.end, 1), offsets[doc])
    before = u.start - prev_end
    last = np.ones(run.size, dtype=bool)
    last[:-1] = ~same[1:]
    after = offsets[doc + 1] - u.end
    doc_length = np.diff(offsets)
    n_docs = doc_length.size
    first = ~same
    gap_cat = np.concatenate(
        [
            np.repeat(np.arange(n_categories), n_docs),
            u.category[first],
            u.category[before > 0],
            u.category[last & (after > 0)],
        ]
    ).astype(np.int64)
    gap_len = np.concatenate(
        [
            np.tile(doc_length, n_categories),
            doc_length[doc[first]],
            before[before > 0],
            after[last & (after > 0)],
        ]
    ).astype(np.int64)
    gap_weight = np.concatenate(
        [
            np.full(n_categories * n_docs, float(m)),
            np.full(int(first.sum()), -1.0),
            np.ones(int((before > 0).sum())),
            np.ones(int((last & (after > 0)).sum())),
        ]
    )
    stride = int(max(gap_len.max(initial=0), length.max())) + 2
    key = gap_cat * stride + gap_len
    order = np.argsort(key, kind="stable")
    key, weight, glen = key[order], gap_weight[order], gap_len[order].astype(np.float64)
    # prefix sums of w and w (l_h + 1): the inner sum is sum_{l_h >= l} w (l_h + 1) - l w
    pre_w = np.concatenate([[0.0], np.cumsum(weight)])
    pre_wl = np.concatenate([[0.0], np.cumsum(weight * (glen + 1.0))])
    query = units.category.astype(np.int64) * stride + units.end - units.start
    lo = np.searchsorted(key, query, side="left")
    hi = np.searchsorted(key, (units.category.astype(np.int64) + 1) * stride, side="left")
    inner = (pre_wl[hi] - pre_wl[lo]) - length * (pre_w[hi] - pre_w[lo])
    n_c = n_units[units.category]
    terms = (n_c - 1.0) * length * (length - 1.0) * (2.0 * length - 1.0) / 3.0
    terms += length * length * inner
    numerator = np.bincount(units.category, weights=terms, minlength=n_categories)
    return numerator.astype(np.float64), denominator
