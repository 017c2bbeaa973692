"""Krippendorff's unitizing alphas: the public function and the computation."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from statecode.exceptions import DegenerateDataWarning
from statecode.model import Corpus, Span
from statecode.options import OverlapRule, UnitizingVariant, parse_option
from statecode.reliability import _unitizing_kernels as k
from statecode.reliability._unitizing_input import Prepared, prepare
from statecode.reliability.results import VOID, UnitizingResult, UnitizingTables

__all__ = ["unitizing_alpha"]

# relative size below which an expected disagreement counts as zero (no variation)
_ZERO = 1e-12
# coincidence lengths below this are rounding residue (a real one is at least 1/m)
_RESIDUE = 1e-9


def unitizing_alpha(
    spans: Iterable[Span] | Any,
    *,
    variant: UnitizingVariant | str = UnitizingVariant.U,
    variable: str | None = None,
    categories: Sequence[str] | None = None,
    continua: Mapping[str, int | tuple[int, int]] | Corpus | None = None,
    coders: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    overlaps: OverlapRule | str = OverlapRule.ERROR,
) -> UnitizingResult:
    r"""Krippendorff's alpha for unitized continua: agreement on units *and* their categories.

    Every document is a continuum of code points; every coder unitizes each of them: their
    spans are the units (valued by their code), the stretches between are void (gaps).
    Unless ``coders`` says who unitized which document, every coder is taken to have read
    every continuum: a coder without spans in a document left all of it void.

    Parameters
    ----------
    spans : iterable of Span, or DataFrame
        :class:`~statecode.Span` objects, or a polars or pandas DataFrame with the columns
        ``document``, ``coder``, ``start``, ``end`` (0-based code-point offsets, end
        exclusive; numbers or text holding whole numbers), ``code`` or ``category``, and
        optionally ``variable``.
    variant : {'u', 'cu', 'Cu', 'u2004'}
        ``u``: :math:`{}_u\alpha`, agreement on units, their categories and the gaps between
        them (Krippendorff et al. 2016); ``cu``: :math:`{}_{cu}\alpha`, agreement on the
        categories where coders' units intersect, ignoring gaps; ``Cu``:
        :math:`{}_{cu}\alpha` with each span's *variable* as its category (ATLAS.ti's
        Cu-alpha across semantic domains); ``u2004``: Krippendorff's (1995, 2004)
        :math:`{}_u\alpha`, per category from the positions of units. Case matters.
    variable : str, optional
        The variable whose codes are compared (``u``, ``cu``, ``u2004``); needed when the
        spans hold several variables.
    categories : sequence of str, optional
        The categories to compare, in the order of the tables: codes, or variables for
        ``Cu``. Spans of other categories are left out (their stretches count as void).
        Listed categories nobody used appear in :meth:`UnitizingResult.per_category`.
    continua : mapping or Corpus, optional
        Each document's continuum: its length (from 0), a ``(start, end)`` pair, or a
        :class:`~statecode.Corpus` (lengths of the document texts). Documents listed but not
        marked by anybody count, as void. Without it a document's continuum runs from 0 to
        the last end of any span in it (any variable), which leaves out unmarked text at its
        end: give the real lengths.
    coders : sequence of str, or mapping of document to sequence of str, optional
        All coders, including any who marked nothing at all (who are otherwise invisible).
        Or, when not everybody unitized every document (annotation tools hand out tasks),
        each document's coders: those listed left unmarked text void, the others are
        absent there and pair with nobody (as missing values in coding alpha); documents
        with fewer than two coders are counted in ``unpaired_continua`` and compared by
        nobody. :attr:`LabelStudioImport.unitizers <statecode.LabelStudioImport>` and
        :attr:`DoccanoImport.unitizers <statecode.DoccanoImport>` give this mapping.
    overlaps : {'error', 'merge'}
        What to do with overlapping spans of one coder and one category: an error (the
        default), or ``merge``, which replaces them by their union. Spans that only touch
        stay two units either way.

    Returns
    -------
    UnitizingResult
        ``alpha``, both disagreements, ``binary_alpha`` (:math:`|{}_u\alpha`), the counts,
        the void figures, :meth:`~UnitizingResult.per_category` and, except for ``u2004``,
        the coincidence matrices.

    Raises
    ------
    DataError
        For a missing column, an empty id, a start or end that is not a whole number, an
        empty or negative span, a span outside its continuum, a document without continuum,
        a coder not in ``coders`` (or not among the coders ``coders`` gives that
        document), a document ``coders`` leaves out or adds, ``u2004`` with coders per
        document, several variables without ``variable=``, and overlapping spans of one
        coder: of one category (unless ``overlaps='merge'``) or, for ``u``, ``cu`` and
        ``Cu``, of different categories. Each message names the document, coder, spans (and
        table rows) and the fix.
    OptionError
        For an unknown ``variant`` or ``overlaps`` (also a ``ValueError``).

    Warns
    -----
    DegenerateDataWarning
        When alpha is undefined (one coder, no continuum, no units, no intersecting units
        for ``cu``/``Cu``, or no variation); ``alpha`` is then NaN and ``reason`` says why.

    Notes
    -----
    Continua are pooled: they are laid end to end, and no unit or gap crosses from one to
    the next. Coder :math:`i`'s segments :math:`s_{ig}` (units and gaps) have lengths
    :math:`l_{ig}` and values :math:`v_{ig}`: a category, or :math:`\varnothing` for gaps.

    **u** (Krippendorff et al. 2016). Observed coincidences are lengths of intersections of
    different coders' segments,

    .. math::

        l_{ck} = \frac{1}{m-1} \sum_i \sum_{j \ne i} \sum_g \sum_h
            |s_{ig} \cap s_{jh}|\,[v_{ig} = c]\,[v_{jh} = k],
        \qquad l_{\cdot\cdot} = mT,

    (with ``coders`` per document, each continuum :math:`d` pairs only its :math:`m_d`
    coders, weighted :math:`1/(m_d - 1)`, so :math:`l_{\cdot\cdot} = \sum_d m_d L_d` over
    the continua with :math:`m_d \ge 2`, and :math:`m - 1` below becomes :math:`m_d - 1`),

    expected coincidences leave out each segment's pairings with itself, :math:`S_c =
    \sum_{v_{ig} = c} l_{ig}^2` for units (indivisible) and :math:`S_\varnothing =
    \sum_{v_{ig} = \varnothing} l_{ig}` for gaps,

    .. math::

        e_{ck} = l_{\cdot\cdot} \frac{l_{c\cdot} l_{\cdot k} - [c = k] S_c}
            {l_{\cdot\cdot}^2 - \sum_c S_c},
        \qquad
        {}_u\alpha = 1 - \frac{l_{\cdot\cdot} - \sum_c l_{cc}}{l_{\cdot\cdot} - \sum_c e_{cc}},

    and :math:`|{}_u\alpha = 1 - l_{\varnothing\bar\varnothing} /
    e_{\varnothing\bar\varnothing}` collapses all categories into one (units against gaps).

    **cu**, **Cu** (Krippendorff et al. 2016). Only intersections of units count:
    :math:`l^*_{ck} = l_{ck}` for categories :math:`c, k`. Unit :math:`g` of coder
    :math:`i` enters these margins with :math:`y_{ig} = \frac{1}{m-1} \sum_{j \ne i}
    x_{igj}`, where :math:`x_{igj} = \sum_{h: v_{jh} \ne \varnothing} |s_{ig} \cap s_{jh}|`
    is the length of :math:`g` that coder :math:`j` also marked; an indivisible unit cannot
    pair with itself, so

    .. math::

        S^*_c = \sum_{v_{ig} = c} y_{ig}^2, \qquad
        e^*_{ck} = l^*_{\cdot\cdot} \frac{l^*_{c\cdot} l^*_{\cdot k} - [c = k] S^*_c}
            {l^{*2}_{\cdot\cdot} - \sum_c S^*_c}, \qquad
        {}_{cu}\alpha = 1 - \frac{l^*_{\cdot\cdot} - \sum_c l^*_{cc}}
            {l^*_{\cdot\cdot} - \sum_c e^*_{cc}},

    (for two coders :math:`S^*_c` is the sum of the squared intersections
    :math:`x_{igj}^2`; with more coders, a sum of squared pairwise intersections can make the
    denominator zero or negative when few coders' units meet, so each unit's contribution to
    the margins is squared instead),
    per category :math:`{}_{(k)cu}\alpha = 1 - \frac{e^*_{k\cdot}}{l^*_{k\cdot}}
    \frac{l^*_{k\cdot} - l^*_{kk}}{e^*_{k\cdot} - e^*_{kk}}`. ``Cu`` is the same with each
    span's variable as its category. When every unit has length 1, :math:`{}_u\alpha` is
    nominal alpha with each position a unit (void a value), and for two coders
    :math:`{}_{cu}\alpha` is nominal alpha with void as missing.

    **u2004** (Krippendorff 1995, 2004). Per category :math:`c`, each coder's
    :math:`c`-units and the gaps between them; with beginnings :math:`b` and ends
    :math:`e`, :math:`\delta^2_c(g, h) = (b_g - b_h)^2 + (e_g - e_h)^2` for overlapping
    units, :math:`l_g^2` for a unit :math:`g` inside a gap :math:`h` (or the reverse), else
    0, and

    .. math::

        D_{o,c} = \frac{\sum_i \sum_{j \ne i} \sum_g \sum_h \delta^2_c(s_{ig}, s_{jh})}
            {m(m-1)T^2}, \qquad
        D_{e,c} = \frac{2}{T}\, \frac{\sum_{g \in c} \big[\frac{(n_c - 1)(2l_g^3 - 3l_g^2
            + l_g)}{3} + l_g^2 \sum_{h \in \text{gaps}_c} \max(0, l_h - l_g + 1)\big]}
            {mT(mT - 1) - \sum_{g \in c} l_g (l_g - 1)},

    :math:`{}_u\alpha_c = 1 - D_{o,c}/D_{e,c}` and
    :math:`{}_u\alpha = 1 - \sum_c D_{o,c} / \sum_c D_{e,c}`, with :math:`n_c` the
    :math:`c`-units of all coders. Krippendorff et al. (2016) replaced this definition,
    which does not behave as expected with more than two coders; it is kept to reproduce
    published figures and for comparison.

    Krippendorff's unitizing alphas assume that a coder's units do not overlap: within a
    category for ``u2004``, at all for the others (each coder partitions the continuum).

    The tests reproduce Krippendorff's worked examples: for ``u`` and ``cu`` the three
    observers of Krippendorff (2019), Figure 12.11 (:math:`{}_u\alpha = .510`,
    :math:`{}_{cu}\alpha = .724`; :math:`|{}_u\alpha` is .41360 unrounded, printed .413),
    for ``u2004`` Krippendorff (2004, p. 254) and the observed disagreements of Krippendorff
    (1995).

    References
    ----------
    Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
    Methodology, 25, 47-76. https://doi.org/10.2307/271061
    Krippendorff, K. (2004). Measuring the reliability of qualitative text analysis data.
    Quality & Quantity, 38(6), 787-800. https://doi.org/10.1007/s11135-004-8107-7
    Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.),
    section 11.6. Sage.
    Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th ed.),
    section 12.6. Sage. https://doi.org/10.4135/9781071878781
    Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of
    unitizing textual continua: Further developments. Quality & Quantity, 50(6), 2347-2364.
    https://doi.org/10.1007/s11135-015-0266-1

    Examples
    --------
    Two coders mark statements in a text of 40 characters:

    >>> import statecode as sc
    >>> spans = [
    ...     sc.Span("d1", "ann", 0, 18, "stance", "demand"),
    ...     sc.Span("d1", "ann", 19, 39, "stance", "reject"),
    ...     sc.Span("d1", "bob", 0, 18, "stance", "demand"),
    ...     sc.Span("d1", "bob", 25, 39, "stance", "reject"),
    ... ]
    >>> result = unitizing_alpha(spans, continua={"d1": 40})
    >>> round(result.alpha, 3), round(result.binary_alpha, 3)
    (0.799, 0.449)
    >>> round(unitizing_alpha(spans, variant="cu", continua={"d1": 40}).alpha, 3)
    1.0
    """
    chosen = parse_option(UnitizingVariant, variant, "variant")
    rule = parse_option(OverlapRule, overlaps, "overlaps")
    data = prepare(spans, chosen, variable, categories, continua, coders, rule)
    return _compute(data, chosen)


# --------------------------------------------------------------------------------------------
# the computation


@attrs.frozen(eq=False)
class _Shared:
    """Figures every variant reports, from the coincidences of ``u`` when they exist."""

    sweep: k.Sweep | None
    expected: NDArray[np.float64] | None
    binary: tuple[float, float, float]
    coverage: float
    marked: NDArray[np.float64]  # l_k. per category: marked length, all coders
    agreement: NDArray[np.float64]  # l_kk per category
    share: NDArray[np.float64]  # share of l_k. intersecting other coders' units


def _shared(data: Prepared, units: k.Units, pairable: int) -> _Shared:
    offsets, n_cat = data.offsets, len(data.categories)
    if not data.partition:
        # units of different categories overlap (allowed for u2004 only): no coincidences
        nan = np.full(n_cat, np.nan)
        length = units.length.astype(np.float64)
        marked = np.bincount(units.category, weights=length, minlength=n_cat).astype(np.float64)
        return _Shared(None, None, (math.nan, math.nan, math.nan), math.nan, marked, nan, nan)
    sweep = k.coincidences(units, offsets, data.roster, n_cat + 1)
    observed = sweep.observed
    # coincidences are whole code points weighted 1/(m_d - 1), so never below 1/m; what is
    # left below 1e-9 is rounding residue of the sweep's prefix sums, not a length
    observed[np.abs(observed) < _RESIDUE] = 0.0
    expected = k.expected_coincidences(observed, k.unit_self_pairs(units, pairable, n_cat))
    intersect = observed[1:, 1:]
    marked = observed.sum(axis=1)[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = intersect.sum(axis=1) / marked
    return _Shared(
        sweep,
        expected,
        _binary(observed, expected),
        float(intersect.sum() / observed.sum()),
        marked,
        np.diag(observed)[1:].copy(),
        share,
    )


def _compute(data: Prepared, variant: UnitizingVariant) -> UnitizingResult:
    offsets = data.offsets
    m, n_cat = len(data.coders), len(data.categories)
    total = int(offsets[-1])
    counts, _marked, void, gaps = k.void_figures(data.units, offsets, data.roster)
    pairable = k.pairable_length(offsets, data.roster)
    units = data.paired()
    per_continuum = data.roster.sum(axis=1)
    common: dict[str, Any] = {
        "variant": variant.value,
        "coders": m,
        "continua": len(data.documents),
        "total_length": total,
        "units": int(data.units.start.size),
        "units_per_coder": {c: int(n) for c, n in zip(data.coders, counts, strict=True)},
        "void_length": int(void.sum()),
        "void_per_coder": {c: int(n) for c, n in zip(data.coders, void, strict=True)},
        "gaps": int(gaps.sum()),
        "categories": data.categories,
        "variable": data.variable,
        "unpaired_continua": int(np.count_nonzero(per_continuum < 2)),
    }
    reason = _early_reason(m, total, pairable, units, data.variable)
    if reason is not None:
        # with coders and length but no units, nothing lies in intersections of units: cu
        # and Cu pair only that length (none), u and u2004 all of it
        cover = 0.0 if pairable > 0 else math.nan
        positional = variant in (UnitizingVariant.U, UnitizingVariant.U2004)
        length = float(pairable) if positional else 0.0
        return _undefined(common, reason, mT=length, cover=cover)
    shared = _shared(data, units, pairable)
    unit_counts = np.bincount(data.units.category, minlength=n_cat).astype(np.int64)
    if variant is UnitizingVariant.U2004:
        sums = k.positional_disagreement(units, m, n_cat) / (m * (m - 1) * float(total) ** 2)
        numerator, denominator = k.positional_expected(units, offsets, m, n_cat)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected_c = np.where(denominator > 0, 2.0 * numerator / (total * denominator), 0.0)
            alpha_c = np.where(expected_c > 0, 1.0 - sums / expected_c, np.nan)
        d_o, d_e = float(sums.sum()), float(expected_c.sum())
        alpha = 1.0 - d_o / d_e if d_e > 0 else math.nan
        tables = UnitizingTables(
            unit_counts, shared.marked, shared.agreement, sums, expected_c, alpha_c, shared.share
        )
        paired_length = float(m * total)
        reason = None if d_e > 0 else "no variation in the units' positions, so D_e = 0"
    else:
        if shared.sweep is None or shared.expected is None:
            raise AssertionError  # pragma: no cover - _prepare refuses overlaps for u, cu, Cu
        if variant is UnitizingVariant.U:
            observed, expected = shared.sweep.observed, shared.expected
            labels: tuple[str, ...] = (VOID, *data.categories)
            rows = slice(1, None)
        else:
            observed = shared.sweep.observed[1:, 1:]
            if observed.sum() <= 0:
                reason = (
                    "no unit of one coder intersects a unit of another coder, so "
                    f"{variant.value}-alpha has no intersections to compare"
                )
                return _undefined(
                    common, reason, mT=0.0, binary=shared.binary, cover=shared.coverage
                )
            corrections = k.intersection_self_pairs(
                units, shared.sweep, offsets, data.roster, n_cat
            )
            expected = k.expected_coincidences(observed, corrections)
            labels = data.categories
            rows = slice(None)
        alpha, d_o, d_e = _matrix_alpha(observed, expected)
        d_ok, d_ek, alpha_k = _per_value(observed, expected)
        tables = UnitizingTables(
            unit_counts,
            observed.sum(axis=1)[rows],
            np.diag(observed)[rows].copy(),
            d_ok[rows],
            d_ek[rows],
            alpha_k[rows],
            shared.share,
            labels,
            observed,
            expected,
        )
        paired_length = float(observed.sum())
        reason = _variation_reason(d_e, observed, labels)
    if reason is not None:
        warnings.warn(
            f"unitizing alpha is undefined: {reason}", DegenerateDataWarning, stacklevel=3
        )
        alpha = math.nan
    return UnitizingResult(
        alpha=alpha,
        observed_disagreement=d_o,
        expected_disagreement=d_e,
        binary_alpha=shared.binary[0],
        binary_observed_disagreement=shared.binary[1],
        binary_expected_disagreement=shared.binary[2],
        pairable_length=paired_length,
        coverage=shared.coverage,
        reason=reason,
        tables=tables,
        **common,
    )


def _early_reason(
    m: int, total: int, pairable: int, units: k.Units, variable: str | None
) -> str | None:
    if m < 2:
        return f"only {m} coder(s); unitizing alpha compares two or more coders"
    if total == 0:
        return "the continua have no length, so there is nothing to unitize"
    if pairable == 0:
        return (
            "no continuum of any length was unitized by two or more coders (see coders=), so "
            "there is nothing to compare"
        )
    if units.start.size == 0:
        of = f" of variable {variable!r}" if variable else ""
        if pairable < m * total:
            return (
                f"no coder marked any span{of} in the continua two or more coders unitized: "
                "they are void, so there is nothing to agree on"
            )
        return (
            f"no coder marked any span{of}: every continuum is void, so there is nothing "
            "to agree on"
        )
    return None


def _undefined(
    common: dict[str, Any],
    reason: str,
    *,
    mT: float,  # noqa: N803 (the paper's m T)
    binary: tuple[float, float, float] = (math.nan, math.nan, math.nan),
    cover: float = math.nan,
) -> UnitizingResult:
    warnings.warn(f"unitizing alpha is undefined: {reason}", DegenerateDataWarning, stacklevel=4)
    n_cat = len(common["categories"])
    nan = np.full(n_cat, np.nan)
    tables = UnitizingTables(
        np.zeros(n_cat, dtype=np.int64), np.zeros(n_cat), np.zeros(n_cat), nan, nan, nan, nan
    )
    return UnitizingResult(
        alpha=math.nan,
        observed_disagreement=math.nan,
        expected_disagreement=math.nan,
        binary_alpha=binary[0],
        binary_observed_disagreement=binary[1],
        binary_expected_disagreement=binary[2],
        pairable_length=mT,
        coverage=cover,
        reason=reason,
        tables=tables,
        **common,
    )


def _matrix_alpha(
    observed: NDArray[np.float64], expected: NDArray[np.float64]
) -> tuple[float, float, float]:
    total = float(observed.sum())
    d_o = 1.0 - float(np.trace(observed)) / total
    d_e = 1.0 - float(np.trace(expected)) / total
    alpha = 1.0 - d_o / d_e if d_e > _ZERO else math.nan
    return alpha, d_o, d_e


def _per_value(
    observed: NDArray[np.float64], expected: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    l_k, e_k = observed.sum(axis=1), expected.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = (l_k - np.diag(observed)) / l_k
        d_e = (e_k - np.diag(expected)) / e_k
        alpha = np.where(d_e > _ZERO, 1.0 - d_o / d_e, np.nan)
    return d_o, d_e, alpha


def _binary(
    observed: NDArray[np.float64], expected: NDArray[np.float64]
) -> tuple[float, float, float]:
    total = float(observed.sum())
    off_o = float(observed[0, 1:].sum())
    off_e = float(expected[0, 1:].sum())
    d_o, d_e = 2.0 * off_o / total, 2.0 * off_e / total
    alpha = 1.0 - off_o / off_e if off_e > _ZERO * total else math.nan
    return alpha, d_o, d_e


def _variation_reason(
    d_e: float, observed: NDArray[np.float64], labels: Sequence[str]
) -> str | None:
    if d_e > _ZERO:
        return None
    used = [labels[int(i)] for i in np.flatnonzero(observed.sum(axis=1) > 0)]
    shown = ", ".join(repr(u) for u in used)
    return f"no variation: all pairable length has the value {shown}, so D_e = 0"
