"""Naive unitizing alphas, straight from the formulas.

Each coder's unitization of each continuum is written out as a list of segments (units and
the gaps between them), and every sum of the papers is a loop: over continua, over ordered
pairs of coders, over pairs of their segments. Slow and obvious on purpose: the fast kernels
must agree with it.

- :func:`naive_family`: Krippendorff, Mathet, Bouvry & Widlöcher (2016): u-alpha, |u-alpha,
  cu-alpha and the per-category (k)cu-alpha, from coincidences of intersection lengths.
- :func:`naive_u2004`: Krippendorff (1995, 2004): per-category u-alpha from the positions of
  units, as DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` computes it.

Spans are tuples ``(document, coder, start, end, category)``; continua map a document to
``(begin, end)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

Span = tuple[str, str, int, int, str]
Segment = tuple[int, int, str | None]  # start, end, category (None: a gap)

GAP = None


def partition(units: Sequence[tuple[int, int, str]], begin: int, end: int) -> list[Segment]:
    """A coder's segments of one continuum: the units in order, and the gaps between them."""
    out: list[Segment] = []
    pos = begin
    for s, e, c in sorted(units):
        if s > pos:
            out.append((pos, s, GAP))
        out.append((s, e, c))
        pos = e
    if pos < end:
        out.append((pos, end, GAP))
    return out


def overlap(g: Segment, h: Segment) -> int:
    """Length of the intersection of two segments."""
    return max(0, min(g[1], h[1]) - max(g[0], h[0]))


Coders = Sequence[str] | Mapping[str, Sequence[str]]


def roster_of(coders: Coders, continua: Mapping[str, Any]) -> dict[str, list[str]]:
    """Who unitized each continuum: everybody, or the mapping given."""
    if isinstance(coders, Mapping):
        return {d: list(coders[d]) for d in continua}
    return {d: list(coders) for d in continua}


def _partitions(
    spans: Sequence[Span],
    continua: Mapping[str, tuple[int, int]],
    coders: Coders,
    keep: Any = None,
) -> dict[str, dict[str, list[Segment]]]:
    roster = roster_of(coders, continua)
    out: dict[str, dict[str, list[Segment]]] = {}
    for d, (b, e) in continua.items():
        out[d] = {}
        for i in roster[d]:
            units = [
                (s, t, c)
                for (dd, ii, s, t, c) in spans
                if dd == d and ii == i and keep in (None, c)
            ]
            out[d][i] = partition(units, b, e)
    return out


def naive_family(
    spans: Sequence[Span],
    continua: Mapping[str, tuple[int, int]],
    coders: Coders,
    categories: Sequence[str],
) -> dict[str, Any]:
    """u-alpha, |u-alpha, cu-alpha and per-category figures of Krippendorff et al. (2016).

    ``coders``: everybody unitized every continuum, or a mapping of each continuum to the
    coders who did; a continuum's m_d coders pair with weight 1 / (m_d - 1), and continua
    with fewer than two coders are left out.
    """
    roster = {d: cs for d, cs in roster_of(coders, continua).items() if len(cs) >= 2}
    parts = _partitions(spans, continua, coders)
    values: list[str | None] = [GAP, *categories]
    # observed coincidences: intersections of segments of ordered pairs of different coders
    obs = {(c, k): 0.0 for c in values for k in values}
    for d, present in roster.items():
        for i in present:
            for j in present:
                if i == j:
                    continue
                for g in parts[d][i]:
                    for h in parts[d][j]:
                        obs[g[2], h[2]] += overlap(g, h) / (len(present) - 1)
    # self-pairings: a unit's l^2, a gap's l
    self_pairs = dict.fromkeys(values, 0.0)
    for d, present in roster.items():
        for i in present:
            for s, t, c in parts[d][i]:
                self_pairs[c] += (t - s) if c is GAP else (t - s) ** 2
    expected = _expected(obs, self_pairs, values)
    total = sum(obs.values())
    u_alpha = _alpha(obs, expected, values)
    off_o = sum(obs[GAP, k] for k in categories)
    off_e = sum(expected[GAP, k] for k in categories)
    binary = 1.0 - off_o / off_e if off_e > 0 else math.nan
    # cu: intersections of units only; a unit enters the margins with the length other coders'
    # units intersect it, divided by m - 1, and cannot pair with itself
    star = {(c, k): obs[c, k] for c in categories for k in categories}
    star_self = dict.fromkeys(categories, 0.0)
    for d, present in roster.items():
        for i in present:
            for g in parts[d][i]:
                if g[2] is GAP:
                    continue
                y = 0.0
                for j in present:
                    if j == i:
                        continue
                    marked = sum(overlap(g, h) for h in parts[d][j] if h[2] is not GAP)
                    y += marked / (len(present) - 1)
                star_self[g[2]] += y * y
    star_total = sum(star.values())
    if star_total > 0:
        star_expected = _expected(star, star_self, categories)
        cu_alpha = _alpha(star, star_expected, categories)
        per_cu = {c: _per_value(star, star_expected, categories, c) for c in categories}
    else:
        star_expected = dict.fromkeys(star, math.nan)
        cu_alpha = math.nan
        per_cu = dict.fromkeys(categories, math.nan)
    return {
        "observed": obs,
        "expected": expected,
        "total": total,
        "alpha": u_alpha,
        "binary_alpha": binary,
        "per_u": {c: _per_value(obs, expected, values, c) for c in categories},
        "cu_observed": star,
        "cu_expected": star_expected,
        "cu_self_pairs": star_self,
        "cu_alpha": cu_alpha,
        "per_cu": per_cu,
        "coverage": star_total / total if total else math.nan,
    }


def _expected(
    obs: dict[tuple[Any, Any], float], self_pairs: dict[Any, float], values: Sequence[Any]
) -> dict[tuple[Any, Any], float]:
    margin = {c: sum(obs[c, k] for k in values) for c in values}
    total = sum(margin.values())
    denominator = total * total - sum(self_pairs.values())
    if denominator <= 0:  # nothing pairable
        return {(c, k): math.nan for c in values for k in values}
    return {
        (c, k): total * (margin[c] * margin[k] - (self_pairs[c] if c == k else 0.0)) / denominator
        for c in values
        for k in values
    }


def _alpha(
    obs: dict[tuple[Any, Any], float], expected: dict[tuple[Any, Any], float], values: Sequence[Any]
) -> float:
    total = sum(obs.values())
    d_o = total - sum(obs[c, c] for c in values)
    d_e = total - sum(expected[c, c] for c in values)
    return 1.0 - d_o / d_e if d_e > 1e-9 * total else math.nan


def _per_value(
    obs: dict[tuple[Any, Any], float],
    expected: dict[tuple[Any, Any], float],
    values: Sequence[Any],
    k: Any,
) -> float:
    l_k = sum(obs[k, c] for c in values)
    e_k = sum(expected[k, c] for c in values)
    if l_k <= 0 or e_k <= 0 or e_k - expected[k, k] <= 1e-9 * e_k:
        return math.nan
    return 1.0 - (e_k / l_k) * (l_k - obs[k, k]) / (e_k - expected[k, k])


def delta_2004(g: Segment, h: Segment) -> float:
    """Krippendorff's (2004) difference of two segments of one category."""
    (bg, eg, cg), (bh, eh, ch) = g, h
    if cg is not GAP and ch is not GAP and overlap(g, h) > 0:
        return float((bg - bh) ** 2 + (eg - eh) ** 2)
    if cg is not GAP and ch is GAP and bh <= bg and eg <= eh:
        return float((eg - bg) ** 2)
    if cg is GAP and ch is not GAP and bg <= bh and eh <= eg:
        return float((eh - bh) ** 2)
    return 0.0


def naive_u2004(
    spans: Sequence[Span],
    continua: Mapping[str, tuple[int, int]],
    coders: Sequence[str],
    categories: Sequence[str],
) -> dict[str, Any]:
    """Per-category D_o, D_e and alpha, and the overall alpha of Krippendorff (2004)."""
    m = len(coders)
    total = sum(e - b for b, e in continua.values())
    per: dict[str, tuple[float, float, float]] = {}
    for c in categories:
        parts = _partitions(spans, continua, coders, keep=c)
        observed = 0.0
        for d in continua:
            for i in coders:
                for j in coders:
                    if i != j:
                        for g in parts[d][i]:
                            for h in parts[d][j]:
                                observed += delta_2004(g, h)
        observed /= m * (m - 1) * total**2
        lengths = [t - s for d in continua for i in coders for (s, t, v) in parts[d][i] if v]
        gaps = [t - s for d in continua for i in coders for (s, t, v) in parts[d][i] if not v]
        n_c = len(lengths)
        numerator = 0.0
        for length in lengths:
            numerator += (n_c - 1) * (2 * length**3 - 3 * length**2 + length) / 3
            numerator += length**2 * sum(max(0, gap - length + 1) for gap in gaps)
        denominator = m * total * (m * total - 1) - sum(x * (x - 1) for x in lengths)
        expected = 2.0 / total * numerator / denominator
        alpha = 1.0 - observed / expected if expected > 0 else math.nan
        per[c] = (observed, expected, alpha)
    d_o = sum(v[0] for v in per.values())
    d_e = sum(v[1] for v in per.values())
    return {"per": per, "alpha": 1.0 - d_o / d_e if d_e > 0 else math.nan, "d_o": d_o, "d_e": d_e}
