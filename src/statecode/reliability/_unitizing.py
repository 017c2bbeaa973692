r"""Unitizing reliability: whether coders agree on where units (statements) begin and end.

When coders mark spans themselves, each coder *unitizes* every document: the document is a
continuum of characters, the coder's spans are its units, and what lies between them is void
(gaps). :func:`unitizing_alpha` compares these unitizations with Krippendorff's alphas for
unitized continua and returns a :class:`UnitizingResult`.
"""

from __future__ import annotations

import enum
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._typing import parse_option
from statecode.exceptions import DataError, DegenerateDataWarning, Problem
from statecode.model import Corpus, Span
from statecode.reliability import _unitizing_kernels as k
from statecode.reliability.results import _finite, verdict_of
from statecode.table import _to_polars

__all__ = ["OverlapRule", "UnitizingResult", "UnitizingVariant", "unitizing_alpha"]

#: The label of the void (gaps) in the coincidence tables of variant ``u``.
VOID = "(void)"

# relative size below which an expected disagreement counts as zero (no variation)
_ZERO = 1e-12
# problems listed in one DataError before the rest are summarised
_MAX_PROBLEMS = 20


class UnitizingVariant(enum.StrEnum):
    """Which coefficient of the unitizing family :func:`unitizing_alpha` computes."""

    U = "u"
    CU = "cu"
    CU_VARIABLES = "Cu"
    U2004 = "u2004"


class OverlapRule(enum.StrEnum):
    """What :func:`unitizing_alpha` does with overlapping spans of one coder and category."""

    ERROR = "error"
    MERGE = "merge"


def _parse_variant(value: UnitizingVariant | str) -> UnitizingVariant:
    # not statecode._typing.parse_option: that lower-cases, and 'cu' and 'Cu' differ
    if isinstance(value, UnitizingVariant):
        return value
    text = str(value)
    for member in UnitizingVariant:
        if member.value == text:
            return member
    folded = [m for m in UnitizingVariant if m.value.lower() == text.lower()]
    if len(folded) == 1:
        return folded[0]
    choices = ", ".join(repr(m.value) for m in UnitizingVariant)
    msg = f"variant={value!r} is not valid; use one of {choices} (case matters: 'cu' and 'Cu')"
    raise ValueError(msg)


# --------------------------------------------------------------------------------------------
# the result


@attrs.frozen(eq=False)
class _Tables:
    """Per-category figures and coincidence matrices behind a result."""

    units: NDArray[np.int64]
    length: NDArray[np.float64]
    agreement: NDArray[np.float64]
    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    alpha: NDArray[np.float64]
    coverage: NDArray[np.float64]
    matrix_labels: tuple[str, ...] = ()
    observed_matrix: NDArray[np.float64] | None = None
    expected_matrix: NDArray[np.float64] | None = None


def _frozen(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


@attrs.frozen(eq=False)
class UnitizingResult:
    r"""A unitizing alpha with the figures behind it. Nothing is rounded.

    Notation: :math:`m` coders unitize continua of total length :math:`T`; each coder's
    segments :math:`s_{ig}` (units and gaps) have lengths :math:`l_{ig}` and values
    :math:`v_{ig}` (a category, or void for gaps); :math:`l_{ck}` are the observed
    coincidences of values :math:`c, k` (lengths over which two different coders' values are
    :math:`c` and :math:`k`, divided by :math:`m - 1`), :math:`e_{ck}` the expected ones.
    :func:`unitizing_alpha` gives every formula.

    Attributes
    ----------
    variant : str
        ``u`` (:math:`{}_u\alpha`), ``cu`` (:math:`{}_{cu}\alpha`), ``Cu``
        (:math:`{}_{cu}\alpha` over variables) or ``u2004`` (Krippendorff's 1995/2004
        :math:`{}_u\alpha`).
    alpha : float
        :math:`1 - D_o / D_e`; NaN when undefined (see ``reason``).
    observed_disagreement, expected_disagreement : float
        :math:`D_o` and :math:`D_e`: for ``u``, ``cu`` and ``Cu`` the shares of pairable
        length off the diagonal, :math:`1 - \sum_c l_{cc} / l_{\cdot\cdot}` and
        :math:`1 - \sum_c e_{cc} / l_{\cdot\cdot}`; for ``u2004`` the sums over categories
        :math:`\sum_c D_{o,c}` and :math:`\sum_c D_{e,c}`.
    binary_alpha : float
        :math:`|{}_u\alpha`: units against gaps, whatever their category,
        :math:`1 - l_{\varnothing\bar\varnothing} / e_{\varnothing\bar\varnothing}`. The same
        for every variant (it is always computed from the coincidences of ``u``).
    binary_observed_disagreement, binary_expected_disagreement : float
        :math:`2 l_{\varnothing\bar\varnothing} / l_{\cdot\cdot}` and
        :math:`2 e_{\varnothing\bar\varnothing} / l_{\cdot\cdot}`: the shares of pairable
        length where one coder marked a unit and the other left a gap.
    coders : int
        :math:`m`.
    continua : int
        Continua (documents) compared, including those nobody marked.
    total_length : int
        :math:`T = \sum_d L_d`, in code points.
    pairable_length : float
        :math:`l_{\cdot\cdot}`: :math:`mT` for ``u`` and ``u2004`` (with coders per document,
        :math:`\sum_d m_d L_d` over the continua two or more coders unitized); for ``cu`` and
        ``Cu`` the length in intersections of different coders' units,
        :math:`l^*_{\cdot\cdot}`.
    coverage : float
        :math:`l^*_{\cdot\cdot} / l_{\cdot\cdot}` (of ``u``): the share of all pairable
        length that lies in intersections of units, i.e. what ``cu`` and ``Cu`` are based on.
    units : int
        Units (spans) of all coders, including those in unpaired continua; so are the
        ``units`` of :meth:`per_category`.
    units_per_coder : mapping
        Units of each coder.
    void_length : int
        Length left void, summed over coders: each coder's continua (all of them, or those
        ``coders`` gives the coder) less the coder's units; :math:`mT - \sum_{i,g} l_{ig}`
        when everybody unitized everything.
    void_per_coder : mapping
        Void length of each coder.
    gaps : int
        Gaps (maximal void stretches within a continuum) of all coders, in the continua
        each unitized.
    categories : tuple of str
        The categories compared, in order (codes; variables for ``Cu``).
    variable : str or None
        The variable whose codes were compared (None for ``Cu`` and unnamed variables).
    reason : str or None
        Why alpha is undefined, when it is.
    unpaired_continua : int
        Continua fewer than two coders unitized (by ``coders=`` given per document): they
        have nothing to pair, count in ``total_length`` and the void figures of their coders,
        and not in the coincidences.
    """

    variant: str
    alpha: float
    observed_disagreement: float
    expected_disagreement: float
    binary_alpha: float
    binary_observed_disagreement: float
    binary_expected_disagreement: float
    coders: int
    continua: int
    total_length: int
    pairable_length: float
    coverage: float
    units: int
    units_per_coder: Mapping[str, int] = attrs.field(converter=_frozen)
    void_length: int
    void_per_coder: Mapping[str, int] = attrs.field(converter=_frozen)
    gaps: int
    categories: tuple[str, ...]
    variable: str | None = None
    reason: str | None = None
    unpaired_continua: int = 0
    _tables: _Tables | None = attrs.field(default=None, repr=False, alias="tables")

    @property
    def verdict(self) -> str:
        """``reliable`` (>= .800), ``tentative`` (.667 to .800), ``unreliable``, ``undefined``."""
        return verdict_of(self.alpha)

    def _tabled(self) -> _Tables:
        if self._tables is None:
            msg = "this result carries no per-category figures"
            raise DataError(msg)
        return self._tables

    def per_category(self) -> pl.DataFrame:
        r"""Per category: its units, lengths and alpha.

        Columns: ``category``; ``units`` (all coders); ``length``, :math:`l_{k\cdot}` (for
        ``cu`` and ``Cu`` the length in intersections, :math:`l^*_{k\cdot}`; for ``u2004``
        the marked length); ``agreement``, :math:`l_{kk}`, the length over which two coders
        both marked :math:`k`; ``observed_disagreement`` and ``expected_disagreement``,
        :math:`D_{o,k} = (l_{k\cdot} - l_{kk}) / l_{k\cdot}` and
        :math:`D_{e,k} = (e_{k\cdot} - e_{kk}) / e_{k\cdot}` (for ``u2004`` Krippendorff's
        :math:`D_{o,c}` and :math:`D_{e,c}`); ``alpha``, :math:`1 - D_{o,k}/D_{e,k}` (the
        :math:`{}_{(k)cu}\alpha` of Krippendorff et al. 2016 for ``cu`` and ``Cu``); and
        ``coverage``, the share of :math:`k`'s marked length that other coders' units
        intersect. Undefined figures are null.
        """
        t = self._tabled()
        return pl.DataFrame(
            {
                "category": list(self.categories),
                "units": t.units,
                "length": t.length,
                "agreement": t.agreement,
                "observed_disagreement": t.observed,
                "expected_disagreement": t.expected,
                "alpha": t.alpha,
                "coverage": t.coverage,
            },
            schema={
                "category": pl.String,
                "units": pl.Int64,
                "length": pl.Float64,
                "agreement": pl.Float64,
                "observed_disagreement": pl.Float64,
                "expected_disagreement": pl.Float64,
                "alpha": pl.Float64,
                "coverage": pl.Float64,
            },
        ).with_columns(pl.col(pl.Float64).fill_nan(None))

    def _matrix(self, which: str) -> pl.DataFrame:
        t = self._tabled()
        matrix = t.observed_matrix if which == "observed" else t.expected_matrix
        if matrix is None:
            msg = (
                f"variant {self.variant!r} has no coincidence matrix; its per-category "
                "figures are in per_category()"
            )
            raise DataError(msg)
        columns: dict[str, Any] = {"value": list(t.matrix_labels)}
        columns.update({name: matrix[:, i] for i, name in enumerate(t.matrix_labels)})
        return pl.DataFrame(columns, strict=False)

    @property
    def coincidences(self) -> pl.DataFrame:
        r"""Observed coincidences :math:`l_{ck}`: a ``value`` column, then one per value.

        For ``u`` the values are the void, labelled ``(void)``, and the categories; for
        ``cu`` and ``Cu`` the categories only (:math:`l^*_{ck}`).
        """
        return self._matrix("observed")

    @property
    def expected_coincidences(self) -> pl.DataFrame:
        r"""Expected coincidences :math:`e_{ck}` (:math:`e^*_{ck}` for ``cu`` and ``Cu``)."""
        return self._matrix("expected")

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (the CLI's JSON object), NaN as None."""
        out: dict[str, Any] = {
            "variant": self.variant,
            "variable": self.variable,
            "alpha": _finite(self.alpha),
            "observed_disagreement": _finite(self.observed_disagreement),
            "expected_disagreement": _finite(self.expected_disagreement),
            "binary_alpha": _finite(self.binary_alpha),
            "binary_observed_disagreement": _finite(self.binary_observed_disagreement),
            "binary_expected_disagreement": _finite(self.binary_expected_disagreement),
            "coders": self.coders,
            "continua": self.continua,
            "total_length": self.total_length,
            "pairable_length": _finite(self.pairable_length),
            "coverage": _finite(self.coverage),
            "units": self.units,
            "units_per_coder": dict(self.units_per_coder),
            "void_length": self.void_length,
            "void_per_coder": dict(self.void_per_coder),
            "gaps": self.gaps,
            "categories": list(self.categories),
            "unpaired_continua": self.unpaired_continua,
        }
        if self._tables is not None:
            out["per_category"] = {
                c: _finite(float(a))
                for c, a in zip(self.categories, self._tables.alpha, strict=True)
            }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


# --------------------------------------------------------------------------------------------
# the public function


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
    ValueError
        For an unknown ``variant`` or ``overlaps``.

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
    chosen = _parse_variant(variant)
    rule = parse_option(OverlapRule, overlaps, "overlaps")
    data = _prepare(spans, chosen, variable, categories, continua, coders, rule)
    return _compute(data, chosen)


# --------------------------------------------------------------------------------------------
# input: one table of spans, validated, then integer-coded


@attrs.frozen(eq=False)
class _Prepared:
    """Validated spans as integer codes into documents, coders and categories."""

    units: k.Units  # global positions
    offsets: NDArray[np.int64]
    documents: tuple[str, ...]
    coders: tuple[str, ...]
    categories: tuple[str, ...]
    variable: str | None
    partition: bool  # no coder's units overlap at all
    roster: NDArray[np.bool_]  # continua x coders: who unitized which continuum

    def paired(self) -> k.Units:
        """The units of the continua that two or more coders unitized."""
        if self.units.start.size == 0 or self.roster.all():
            return self.units
        doc = np.searchsorted(self.offsets, self.units.start, side="right") - 1
        keep = self.roster.sum(axis=1)[doc] >= 2
        return self.units.take(np.flatnonzero(keep).astype(np.intp))


_REQUIRED = ("document", "coder", "start", "end")


def _frame(spans: Any) -> pl.DataFrame:
    """The spans as a polars frame with a 1-based ``row`` (0 for Span objects)."""
    module = type(spans).__module__
    if module.startswith(("polars", "pandas")) and hasattr(spans, "columns"):
        df = _to_polars(spans)
        missing = [c for c in _REQUIRED if c not in df.columns]
        codes = [c for c in ("code", "category") if c in df.columns]
        if missing or not codes:
            if not codes:
                missing.append("code")
            listed = ", ".join(repr(c) for c in missing)
            have = ", ".join(repr(c) for c in df.columns)
            msg = (
                f"missing column(s) {listed} (columns: {have}); a span table needs document, "
                "coder, start, end, code (or category) and optionally variable"
            )
            raise DataError(msg)
        if len(codes) == 2:
            msg = "the table has both a 'code' and a 'category' column; keep one"
            raise DataError(msg)
        columns = [
            pl.col("document").cast(pl.String),
            pl.col("coder").cast(pl.String),
            pl.col("start").alias("start_raw"),
            pl.col("end").alias("end_raw"),
            pl.col(codes[0]).cast(pl.String).alias("code"),
            (
                pl.col("variable").cast(pl.String)
                if "variable" in df.columns
                else pl.lit(None, dtype=pl.String).alias("variable")
            ),
        ]
        return df.select(columns).with_row_index("row", offset=1)
    try:
        items = list(spans)
    except TypeError:
        msg = f"expected Span objects or a DataFrame of spans, got {type(spans).__name__}"
        raise DataError(msg) from None
    wrong = next((s for s in items if not isinstance(s, Span)), None)
    if wrong is not None:
        msg = f"expected Span objects or a DataFrame of spans, got an item {wrong!r}"
        raise DataError(msg)
    return pl.DataFrame(
        {
            "row": [0] * len(items),
            "document": [s.document for s in items],
            "coder": [s.coder for s in items],
            "start_raw": [s.start for s in items],
            "end_raw": [s.end for s in items],
            "code": [s.code for s in items],
            "variable": [s.variable for s in items],
        },
        schema={
            "row": pl.UInt32,
            "document": pl.String,
            "coder": pl.String,
            "start_raw": pl.Int64,
            "end_raw": pl.Int64,
            "code": pl.String,
            "variable": pl.String,
        },
    )


def _where(row: int) -> str:
    return f"row {row}" if row else ""


def _raise(problems: list[Problem]) -> None:
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(Problem("", f"... and {len(problems) - _MAX_PROBLEMS} more"))
        raise DataError(shown)


def _validated(df: pl.DataFrame) -> pl.DataFrame:
    """Check ids and offsets row by row; cast offsets to integers."""
    problems: list[Problem] = []
    for col in ("document", "coder", "code"):
        blank = df.filter(pl.col(col).is_null() | (pl.col(col).str.strip_chars() == ""))
        problems.extend(
            Problem(_where(r), f"column {col!r} is empty; every span needs a {col}")
            for r in blank["row"].to_list()
        )
    for col in ("start", "end"):
        raw = df[f"{col}_raw"]
        whole = _whole_numbers(raw)
        bad = df.filter(whole.is_null())
        problems.extend(
            Problem(
                _where(r),
                f"column {col!r} holds {v!r}, not a whole number; offsets are 0-based code "
                "points (end exclusive)",
            )
            for r, v in zip(bad["row"].to_list(), bad[f"{col}_raw"].to_list(), strict=True)
        )
        df = df.with_columns(whole.alias(col))
    _raise(problems)
    bad = df.filter((pl.col("start") < 0) | (pl.col("start") >= pl.col("end")))
    problems.extend(
        Problem(
            _where(r),
            f"span {s}..{e} of document {d!r} (coder {c!r}) is empty or negative; start must "
            "be >= 0 and less than end",
        )
        for r, d, c, s, e in bad.select("row", "document", "coder", "start", "end").iter_rows()
    )
    _raise(problems)
    return df.drop("start_raw", "end_raw")


def _whole_numbers(raw: pl.Series) -> pl.Series:
    """Integers, with null where a value is missing or not a whole number."""
    if raw.dtype.is_integer():
        return raw.cast(pl.Int64)
    if raw.dtype.is_float():
        ok = raw.is_finite() & (raw == raw.floor())
        return pl.select(pl.when(ok).then(raw.cast(pl.Int64, strict=False))).to_series()
    text = raw.cast(pl.String).str.strip_chars()
    return text.str.to_integer(strict=False).cast(pl.Int64)


def _pick_variable(
    df: pl.DataFrame, variant: UnitizingVariant, variable: str | None
) -> tuple[pl.DataFrame, str | None]:
    """Restrict to one variable (or, for Cu, make the variables the categories)."""
    present = sorted(v for v in df["variable"].unique().to_list() if v is not None)
    if variant is UnitizingVariant.CU_VARIABLES:
        if variable is not None:
            msg = (
                "variant='Cu' compares variables: give the variables to compare as "
                f"categories=, not variable={variable!r}"
            )
            raise DataError(msg)
        if df["variable"].null_count():
            msg = (
                "variant='Cu' compares the variables spans were coded on, but the spans have "
                "no variable (add a 'variable' column)"
            )
            raise DataError(msg)
        return df.with_columns(pl.col("variable").alias("code")), None
    if variable is not None:
        if variable not in present:
            have = ", ".join(repr(v) for v in present) or "none"
            msg = f"no span is coded on variable {variable!r} (variables: {have})"
            raise DataError(msg)
        return df.filter(pl.col("variable") == variable), variable
    if len(present) > 1:
        have = ", ".join(repr(v) for v in present)
        msg = (
            f"the spans hold {len(present)} variables ({have}); choose one with variable=, "
            "or compare the variables with variant='Cu'"
        )
        raise DataError(msg)
    return df, present[0] if present else None


def _continua(
    df: pl.DataFrame, continua: object
) -> tuple[tuple[str, ...], NDArray[np.int64], NDArray[np.int64]]:
    """Documents, with the begin and end of each continuum."""
    if continua is None:
        ends = df.group_by("document").agg(pl.col("end").max()).sort("document")
        names = tuple(ends["document"].to_list())
        return names, np.zeros(len(names), dtype=np.int64), ends["end"].to_numpy().astype(np.int64)
    if isinstance(continua, Corpus):
        given: Mapping[str, Any] = {d.id: len(d.text) for d in continua.documents}
    elif isinstance(continua, Mapping):
        given = continua
    else:
        msg = (
            "continua= takes a mapping of document ids to lengths (or (start, end) pairs) "
            f"or a Corpus, got {type(continua).__name__}"
        )
        raise DataError(msg)
    listed: list[str] = []
    starts: list[int] = []
    stops: list[int] = []
    for name, value in given.items():
        begin, end = _bounds(name, value)
        listed.append(str(name))
        starts.append(begin)
        stops.append(end)
    return tuple(listed), np.array(starts, dtype=np.int64), np.array(stops, dtype=np.int64)


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _bounds(name: str, value: Any) -> tuple[int, int]:
    if _is_int(value) and value >= 0:
        return 0, int(value)
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(_is_int(v) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    msg = (
        f"continuum of document {name!r} is {value!r}; give its length (a whole number >= 0) "
        "or a (start, end) pair of code-point offsets with 0 <= start <= end"
    )
    raise DataError(msg)


def _coders(
    df: pl.DataFrame,
    coders: Sequence[str] | Mapping[str, Sequence[str]] | None,
    documents: tuple[str, ...],
) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    """Coder labels and the roster (continua x coders: who unitized which continuum)."""
    present = sorted(df["coder"].unique().to_list())
    if coders is None or not isinstance(coders, Mapping):
        if coders is None:
            labels = tuple(present)
        else:
            if isinstance(coders, str):
                msg = (
                    "coders= takes a list of coders (or a mapping of each document to its "
                    f"coders), got {coders!r}"
                )
                raise DataError(msg)
            labels = _listed(coders, "coders=")
            unknown = [c for c in present if c not in set(labels)]
            if unknown:
                listed = ", ".join(repr(c) for c in unknown)
                msg = f"coder(s) {listed} marked spans but are not in coders=; add them to the list"
                raise DataError(msg)
        return labels, np.ones((len(documents), len(labels)), dtype=bool)
    return _roster(df, coders, documents)


def _listed(values: Sequence[str], where: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset):
        msg = f"{where} must be a list of coders, got {values!r}"
        raise DataError(msg)
    listed = [str(c) for c in values]
    if len(set(listed)) != len(listed):
        msg = f"{where} lists a coder twice: {listed}"
        raise DataError(msg)
    return tuple(listed)


def _first_names(names: Sequence[str], most: int = 10) -> str:
    return ", ".join(repr(n) for n in names[:most]) + (" ..." if len(names) > most else "")


def _roster(
    df: pl.DataFrame, coders: Mapping[str, Sequence[str]], documents: tuple[str, ...]
) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    """The roster from a mapping of each document to the coders who unitized it."""
    given = {str(d): _listed(cs, f"coders[{d!r}]") for d, cs in coders.items()}
    if len(given) != len(coders):
        msg = "coders= names a document twice (keys equal as text, such as 1 and '1')"
        raise DataError(msg)
    problems: list[Problem] = []
    missing = [d for d in documents if d not in given]
    if missing:
        listed = _first_names(missing)
        problems.append(
            Problem(
                "coders=",
                f"document(s) {listed} have no entry; list who unitized each document (an "
                "empty list if nobody did; in the CLI's --coders table, a row with an empty "
                "coder)",
            )
        )
    extra = [d for d in given if d not in set(documents)]
    if extra:
        listed = _first_names(extra)
        problems.append(
            Problem(
                "coders=",
                f"document(s) {listed} are not among the continua; add them to continua= (in "
                "the CLI, give --corpus)",
            )
        )
    _raise(problems)
    labels = tuple(dict.fromkeys(c for d in documents for c in given[d]))
    column = {c: i for i, c in enumerate(labels)}
    roster = np.zeros((len(documents), len(labels)), dtype=bool)
    for row, d in enumerate(documents):
        roster[row, [column[c] for c in given[d]]] = True
    allowed = pl.DataFrame(
        {
            "document": [d for d in documents for _ in given[d]],
            "coder": [c for d in documents for c in given[d]],
        },
        schema={"document": pl.String, "coder": pl.String},
    )
    outside = df.join(allowed, on=["document", "coder"], how="anti")
    _raise(
        [
            Problem(
                _where(r),
                f"coder {c!r} marked span {s}..{e} in document {d!r} but is not among the "
                f"coders of that document in coders=; add {c!r} to coders[{d!r}]",
            )
            for r, d, c, s, e in outside.select(
                "row", "document", "coder", "start", "end"
            ).iter_rows()
        ]
    )
    return labels, roster


def _categories(df: pl.DataFrame, categories: Sequence[str] | None) -> tuple[str, ...]:
    if categories is None:
        return tuple(sorted(df["code"].unique().to_list()))
    listed = [str(c) for c in categories]
    if len(set(listed)) != len(listed):
        msg = f"categories= lists a category twice: {listed}"
        raise DataError(msg)
    return tuple(listed)


def _codes(column: pl.Series, labels: Sequence[str]) -> NDArray[np.intp]:
    mapping = {label: i for i, label in enumerate(labels)}
    return column.replace_strict(mapping, return_dtype=pl.Int64).to_numpy().astype(np.intp)


def _prepare(
    spans: Any,
    variant: UnitizingVariant,
    variable: str | None,
    categories: Sequence[str] | None,
    continua: Mapping[str, int | tuple[int, int]] | Corpus | None,
    coders: Sequence[str] | Mapping[str, Sequence[str]] | None,
    rule: OverlapRule,
) -> _Prepared:
    df = _validated(_frame(spans))
    documents, begins, ends = _continua(df, continua)
    _check_within(df, documents, begins, ends)
    coder_labels, roster = _coders(df, coders, documents)
    if variant is UnitizingVariant.U2004 and not roster.all():
        msg = (
            "variant='u2004' needs every coder to unitize every continuum (Krippendorff's "
            "1995/2004 formula has no missing coders); give coders= as a list, or use "
            "variant='u' or 'cu', which pair only the coders of each continuum"
        )
        raise DataError(msg)
    df, variable_name = _pick_variable(df, variant, variable)
    category_labels = _categories(df, categories)
    df = df.filter(pl.col("code").is_in(list(category_labels)))
    doc = _codes(df["document"], documents)
    offsets = np.concatenate([[0], np.cumsum(ends - begins)]).astype(np.int64)
    shift = offsets[doc] - begins[doc]
    units = k.Units(
        _codes(df["coder"], coder_labels),
        _codes(df["code"], category_labels),
        df["start"].to_numpy().astype(np.int64) + shift,
        df["end"].to_numpy().astype(np.int64) + shift,
    )
    context = _Context(df, documents, coder_labels, category_labels, variant, offsets, begins)
    clash = k.first_overlap(units, per_category=True)
    if clash is not None:
        if rule is OverlapRule.ERROR:
            context.overlap_error(units, *clash, same_category=True)
        units = k.merge_overlaps(units)
        context = context.without_rows()
    clash = k.first_overlap(units, per_category=False)
    if clash is not None and variant is not UnitizingVariant.U2004:
        context.overlap_error(units, *clash, same_category=False)
    return _Prepared(
        units,
        offsets,
        documents,
        coder_labels,
        category_labels,
        variable_name,
        partition=clash is None,
        roster=roster,
    )


def _check_within(
    df: pl.DataFrame, documents: Sequence[str], begins: NDArray[np.int64], ends: NDArray[np.int64]
) -> None:
    bounds = pl.DataFrame(
        {"document": list(documents), "begin": begins, "stop": ends},
        schema={"document": pl.String, "begin": pl.Int64, "stop": pl.Int64},
    )
    joined = df.join(bounds, on="document", how="left")
    unknown = joined.filter(pl.col("begin").is_null())
    problems = [
        Problem(
            _where(r),
            f"document {d!r} (coder {c!r}, span {s}..{e}) is not among the continua; add its "
            "length to continua=",
        )
        for r, d, c, s, e in unknown.select("row", "document", "coder", "start", "end").iter_rows()
    ]
    outside = joined.filter((pl.col("start") < pl.col("begin")) | (pl.col("end") > pl.col("stop")))
    problems.extend(
        Problem(
            _where(r),
            f"span {s}..{e} of document {d!r} (coder {c!r}) does not lie within its continuum "
            f"{b}..{t}; fix start and end (0-based code points, end exclusive) or the "
            "continuum's length",
        )
        for r, d, c, s, e, b, t in outside.select(
            "row", "document", "coder", "start", "end", "begin", "stop"
        ).iter_rows()
    )
    _raise(problems)


class _Context:
    """What an overlap message needs to name documents, coders, spans and rows."""

    def __init__(
        self,
        df: pl.DataFrame,
        documents: tuple[str, ...],
        coders: tuple[str, ...],
        categories: tuple[str, ...],
        variant: UnitizingVariant,
        offsets: NDArray[np.int64],
        begins: NDArray[np.int64],
    ) -> None:
        self.rows: list[int] | None = df["row"].to_list()
        self.documents = documents
        self.coders = coders
        self.categories = categories
        self.variant = variant
        self.offsets = offsets
        self.begins = begins

    def without_rows(self) -> _Context:
        # merging reorders the units: rows no longer match
        self.rows = None
        return self

    def _describe(self, units: k.Units, i: int) -> tuple[str, str]:
        doc = int(np.searchsorted(self.offsets, units.start[i], side="right")) - 1
        shift = int(self.begins[doc] - self.offsets[doc])
        text = f"{int(units.start[i]) + shift}..{int(units.end[i]) + shift}"
        if self.rows is not None and self.rows[i]:
            text += f" (row {self.rows[i]})"
        return self.documents[doc], text

    def overlap_error(self, units: k.Units, a: int, b: int, *, same_category: bool) -> None:
        doc, first = self._describe(units, a)
        _, second = self._describe(units, b)
        coder = self.coders[int(units.coder[a])]
        cat_a = self.categories[int(units.category[a])]
        cat_b = self.categories[int(units.category[b])]
        kind = "variables" if self.variant is UnitizingVariant.CU_VARIABLES else "categories"
        if same_category:
            msg = (
                f"coder {coder!r} marked overlapping spans of {cat_a!r} in document {doc!r}: "
                f"{first} and {second}; a coder's units of one category must not overlap: "
                "fix or delete one of them, or pass overlaps='merge' to merge them"
            )
        elif self.variant is UnitizingVariant.CU_VARIABLES:
            msg = (
                f"coder {coder!r} marked overlapping spans of variables {cat_a!r} and "
                f"{cat_b!r} in document {doc!r}: {first} and {second}; variant='Cu' compares "
                "which variable a stretch was coded on, so a coder's spans of different "
                "variables must not overlap: compare codes within each variable with "
                "variant='cu' instead"
            )
        else:
            msg = (
                f"coder {coder!r} marked overlapping spans of {kind} {cat_a!r} and {cat_b!r} "
                f"in document {doc!r}: {first} and {second}; variant={self.variant.value!r} "
                "needs each coder's units to be mutually exclusive (one category per "
                "stretch): fix or delete one of them, or use variant='u2004', which scores "
                "each category on its own"
            )
        raise DataError(msg)


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


def _shared(data: _Prepared, units: k.Units, pairable: int) -> _Shared:
    offsets, n_cat = data.offsets, len(data.categories)
    if not data.partition:
        # units of different categories overlap (allowed for u2004 only): no coincidences
        nan = np.full(n_cat, np.nan)
        length = units.length.astype(np.float64)
        marked = np.bincount(units.category, weights=length, minlength=n_cat).astype(np.float64)
        return _Shared(None, None, (math.nan, math.nan, math.nan), math.nan, marked, nan, nan)
    sweep = k.coincidences(units, offsets, data.roster, n_cat + 1)
    observed = sweep.observed
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


def _compute(data: _Prepared, variant: UnitizingVariant) -> UnitizingResult:
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
        # with coders and length but no units, nothing lies in intersections of units
        cover = 0.0 if pairable > 0 else math.nan
        return _undefined(common, reason, mT=float(pairable), cover=cover)
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
        tables = _Tables(
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
        tables = _Tables(
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
    tables = _Tables(
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
