"""The result of Krippendorff's unitizing alphas."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._values import finite
from statecode.exceptions import DataError
from statecode.reliability.results._verdict import verdict_of

__all__ = ["VOID", "UnitizingResult", "UnitizingTables"]

#: The label of the void (gaps) in the coincidence tables of variant ``u``.
VOID = "(void)"


@attrs.frozen(eq=False)
class UnitizingTables:
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
    _tables: UnitizingTables | None = attrs.field(default=None, repr=False, alias="tables")

    def __repr__(self) -> str:
        on = f" {self.variable}" if self.variable else ""
        return (
            f"<UnitizingResult {self.variant}{on}: alpha={self.alpha:.3f}, {self.coders} coders, "
            f"{self.continua} continua, {self.units} units, {self.verdict}>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    @property
    def verdict(self) -> str:
        """``reliable`` (>= .800), ``tentative`` (.667 to .800), ``unreliable``, ``undefined``."""
        return verdict_of(self.alpha)

    def _tabled(self) -> UnitizingTables:
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
            "alpha": finite(self.alpha),
            "observed_disagreement": finite(self.observed_disagreement),
            "expected_disagreement": finite(self.expected_disagreement),
            "binary_alpha": finite(self.binary_alpha),
            "binary_observed_disagreement": finite(self.binary_observed_disagreement),
            "binary_expected_disagreement": finite(self.binary_expected_disagreement),
            "coders": self.coders,
            "continua": self.continua,
            "total_length": self.total_length,
            "pairable_length": finite(self.pairable_length),
            "coverage": finite(self.coverage),
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
                c: finite(float(a))
                for c, a in zip(self.categories, self._tables.alpha, strict=True)
            }
        if self.reason is not None:
            out["reason"] = self.reason
        return out
