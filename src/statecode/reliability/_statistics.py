r"""Mergeable statistics of Krippendorff's alpha: built from parts of the units, added, scored.

Alpha is a function of sums over units. With a finite value domain they are the coincidence
matrix :math:`o_{ck}` and the pairable value counts :math:`n_c`; for continuous interval
data, the moments of the pairable values (their number, mean and spread) and the observed
term :math:`\sum_u 2 m_u SS_u / (m_u - 1)`. Each part of the data (all rows of a unit in one
part) gives an :class:`AlphaStatistics`; ``a + b`` merges two, ``sum(parts)`` merges many, and
:meth:`AlphaStatistics.result` turns the merged sums into the :class:`AlphaResult` the whole
data would give in memory.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from statecode._progress import ProgressArg, progress_to
from statecode.exceptions import DegenerateDataWarning, OptionError
from statecode.options import (
    AgreementMethod,
    AlphaLevel,
    BootstrapMethod,
    CoefficientName,
    Level,
    parse_option,
)
from statecode.reliability import _distance, _poisson, _sparse_kernels, _streaming
from statecode.reliability._agreement_input import WeightsArg
from statecode.reliability._kernels import AlphaParts
from statecode.reliability._merged_agreement import additive_kappa, merged_agreement
from statecode.reliability._merged_bootstrap import merged_replicates
from statecode.reliability._statistics_options import (
    added,
    check_seed,
    domain_numbers,
    fixed_delta,
    level_params,
    undefined_reason,
)
from statecode.reliability.results import (
    AgreementResult,
    AlphaResult,
    BootstrapResult,
    MergedData,
)

__all__ = ["ALPHA_MIN", "AlphaStatistics"]

#: The default minimum alphas for which the bootstrap reports P(alpha < minimum).
ALPHA_MIN = (0.9, 0.8, 0.667)

#: The levels alpha is merged for (from coincidences over a domain, or moments).
STREAMED_LEVELS = (
    AlphaLevel.NOMINAL,
    AlphaLevel.ORDINAL,
    AlphaLevel.INTERVAL,
    AlphaLevel.RATIO,
    AlphaLevel.CIRCULAR,
    AlphaLevel.BIPOLAR,
)


def _array(value: Any) -> NDArray[Any] | None:
    return None if value is None else np.asarray(value)


@attrs.frozen(eq=False)
class AlphaStatistics:
    r"""The sums Krippendorff's alpha is made of, for some units; ``+`` merges disjoint parts.

    Build one per part of the data with :meth:`from_frame` (every row of a unit in the same
    part), add them (``a + b``, ``sum(parts)``) and call :meth:`result`. The state is
    :math:`V \times V` for a value domain of :math:`V` values and the patterns of the units
    (below), or a few numbers for continuous interval data (with a Poisson bootstrap, the
    same per replicate), plus the ids of the coders seen (so the result can count them).

    Which levels need the value domain: every level but interval is computed from the
    coincidence matrix over a domain declared up front (``domain=``), the same for every
    part, so that all parts code values alike. Interval data without ``domain=`` are
    computed from moments and need none (any real numbers). Ordinal data take their
    order from the domain; ratio, circular and bipolar data their numbers.

    Attributes
    ----------
    level : str
        ``nominal``, ``ordinal``, ``interval``, ``ratio``, ``circular`` or ``bipolar``.
    domain : tuple or None
        The value domain, in order; None for interval data summarised by moments.
    units : int
        Units holding at least one value.
    coders : frozenset of str
        The coders who gave at least one value.
    pairable_units, pairable_values : int
        Units with two or more values, and :math:`n`, the values in them.
    coincidences : numpy.ndarray or None
        :math:`o_{ck}` (V x V).
    value_counts : numpy.ndarray or None
        :math:`n_c`, exact integer counts of the pairable values.
    mean, spread, observed : float
        For moments: the mean of the pairable values, their sum of squared deviations from
        it, and :math:`n D_o = \sum_u 2 m_u SS_u / (m_u - 1)`.
    replicates : int
        Bootstrap replicates :meth:`result` draws (0: none); ``seed`` their seed,
        ``method`` which bootstrap (``poisson``, ``units``, ``krippendorff``).
    agreement : tuple of float
        The additive sums of percent agreement (see :meth:`percent_agreement`).
    shares : numpy.ndarray or None
        :math:`\sum_u n_{uc} / m_u` over the units with a value (:meth:`kappa` without
        patterns).

    The statistics of a domain also keep, privately, the *patterns* of their units: each
    distinct row of per-unit value counts with the number of units holding it (at most
    2^25 cells of them for more than 32 values). The bootstraps and the standard errors
    of :meth:`kappa_result` are computed from them; interval moments carry their Poisson
    replicate sums instead.

    Notes
    -----
    With :math:`o = \sum_u o^{(u)}` and :math:`n_c = \sum_u n^{(u)}_c` over pairable units,

    .. math::

        \alpha = 1 - (n - 1) \frac{\sum_{c,k} o_{ck}\, \delta^2_{ck}}
            {\sum_{c,k} n_c n_k\, \delta^2_{ck}},

    and for interval moments :math:`\sum_{c,k} n_c n_k \delta^2_{ck} = 2 n M_2` with
    :math:`M_2` the spread around the mean, merged as in Chan, Golub & LeVeque (1979).
    Both are sums over units, so any partition of the units, merged in any order, gives the
    in-memory figures (to rounding). Only a unit split between parts breaks this: its
    coincidences are not the sum of its halves', so keep each unit's rows together.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication Departmental Papers 43. https://repository.upenn.edu/asc_papers/43
    Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae and a pairwise
    algorithm for computing sample variances. Stanford CS report STAN-CS-79-773.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "coder": ["a", "b"] * 3,
    ...                    "value": ["x", "x", "y", "y", "x", "y"]})
    >>> part1 = AlphaStatistics.from_frame(df.filter(pl.col("unit") < 3), domain=["x", "y"])
    >>> part2 = AlphaStatistics.from_frame(df.filter(pl.col("unit") == 3), domain=["x", "y"])
    >>> round((part1 + part2).result().alpha, 4)
    0.4444
    """

    level: str
    domain: tuple[Any, ...] | None
    units: int
    coders: frozenset[str] = attrs.field(repr=False)
    pairable_units: int
    pairable_values: int
    coincidences: NDArray[np.float64] | None = attrs.field(default=None, repr=False)
    value_counts: NDArray[np.int64] | None = attrs.field(default=None, repr=False)
    mean: float = 0.0
    spread: float = 0.0
    observed: float = 0.0
    numbers: NDArray[np.float64] | None = attrs.field(default=None, repr=False)
    period: float | None = None
    bounds: tuple[float, float] | None = None
    replicates: int = 0
    seed: int | None = None
    method: str = BootstrapMethod.POISSON.value
    agreement: tuple[float, float, float, float] = attrs.field(default=(0.0,) * 4, repr=False)
    shares: NDArray[np.float64] | None = attrs.field(default=None, repr=False)
    _sums: _poisson.ReplicateSums | None = attrs.field(default=None, repr=False, alias="sums")
    _patterns: _poisson.Patterns | None = attrs.field(default=None, repr=False, alias="patterns")

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        level: AlphaLevel | Level | str = AlphaLevel.NOMINAL,
        domain: Sequence[Any] | None = None,
        unit: str = "unit",
        coder: str = "coder",
        value: str = "value",
        period: float | None = None,
        bounds: tuple[float, float] | None = None,
        bootstrap: int = 0,
        seed: int | None = None,
        method: BootstrapMethod | str = BootstrapMethod.POISSON,
        progress: ProgressArg = None,
        row_numbers: bool = True,
    ) -> AlphaStatistics:
        """The statistics of a long frame (polars DataFrame or LazyFrame, or pandas).

        The frame is grouped by unit with polars' streaming engine; only per-unit summaries
        are held, never a coders x units array.

        Parameters
        ----------
        frame : polars.DataFrame, polars.LazyFrame or pandas.DataFrame
            One row per coder and unit: columns ``unit``, ``coder``, ``value``.
        level : str
            The level of measurement (see :func:`~statecode.krippendorff_alpha`).
        domain : sequence, optional
            Every possible value, in order; the same for every part. Required for every
            level but interval (interval data without it are summarised by moments).
        unit, coder, value : str
            Column names.
        period, bounds : optional
            The circle of ``circular`` data; the end points of a ``bipolar`` scale (default
            the domain's extremes).
        bootstrap : int
            Bootstrap replicates of the result (0: none).
        seed : int, optional
            Seed of the bootstrap; the same for every part. Required by the Poisson
            bootstrap of continuous interval data (each unit's weights derive from it and
            the unit's id).
        method : {'poisson', 'units', 'krippendorff'}
            Which bootstrap :meth:`result` draws (see :mod:`statecode.reliability.
            _merged_bootstrap`): all three with a value domain, from the merged patterns
            of the units; interval moments (no domain) take ``poisson`` only.
        progress : bool or callable, optional
            A progress bar (or callback) of the bootstrap, per chunk of units.
        row_numbers : bool
            Whether error messages name the frame's rows (1 = its first row); False names
            units and coders only (for parts whose rows are not numbered as the data's).

        Raises
        ------
        OptionError
            For a level outside the levels above, a missing ``domain=``, ``bootstrap=``
            without ``seed=``, or ``method=`` other than ``poisson`` for interval moments.
        DataError
            For bad rows (see :func:`~statecode.krippendorff_alpha`).
        """
        parsed = parse_option(AlphaLevel, level, "level")
        if parsed not in STREAMED_LEVELS:
            msg = f"level={parsed.value!r} cannot be merged from parts"
            raise OptionError(msg, option="level")
        if bootstrap < 0:
            msg = f"bootstrap={bootstrap} must be a positive number of replicates (or 0 for none)"
            raise OptionError(msg, option="bootstrap")
        if bootstrap and seed is None:
            msg = (
                "bootstrap= needs seed=: every part weights its units from the same seed "
                "(e.g. seed=1)"
            )
            raise OptionError(msg, option="seed")
        check_seed(seed)
        chosen = parse_option(BootstrapMethod, method, "method")
        labels, numbers = domain_numbers(parsed, domain)
        if bootstrap and labels is None and chosen is not BootstrapMethod.POISSON:
            msg = (
                f"method={chosen.value!r} needs a value domain; continuous interval data "
                "(no domain=) take method='poisson', or give domain= (every value)"
            )
            raise OptionError(msg, option="method")
        params = level_params(parsed, numbers, period, bounds)
        if labels is None:
            kind = "moments"
        elif len(labels) <= _streaming.WIDE_MAX_V:
            kind = "dense"
        else:
            kind = "triples"
        summary = _streaming.summarize(
            frame,
            kind=kind,
            domain=None if labels is None else _streaming.Domain(labels, numbers),
            unit=unit,
            coder=coder,
            value=value,
            hashes=bootstrap > 0 and labels is None,
            row_numbers=row_numbers,
        )
        if summary.moments is not None:
            m_u, means, squares = summary.moments
            moments = _sparse_kernels.moment_totals(m_u, means, squares)
            sums = None
            if summary.unit_hash is not None and seed is not None:
                keys = _poisson.unit_keys(summary.unit_hash, seed)
                with progress_to(progress, bootstrap, "bootstrap") as tick:
                    sums = _poisson.moment_replicates(
                        m_u, means, squares, keys, bootstrap, progress=tick
                    )
            return cls(
                parsed.value, None, summary.units, summary.coders,
                moments.pairable_units, moments.n, mean=moments.mean,
                spread=moments.spread, observed=moments.observed, replicates=bootstrap,
                seed=seed, method=chosen.value, sums=sums,
            )  # fmt: skip
        size = len(labels or ())
        patterns: _poisson.Patterns | None
        if summary.counts is not None:
            totals = _sparse_kernels.dense_coincidences(summary.counts, size, summary.weights)
            patterns = _poisson.patterns_of(summary.counts, summary.weights)
        else:
            unit_index, code, count = summary.triples or (np.empty(0, np.int64),) * 3
            totals = _sparse_kernels.triple_coincidences(unit_index, code, count, size)
            found = _streaming.triple_patterns(unit_index, code, count, size)
            patterns = None if found is None else _poisson.patterns_of(*found)
            if patterns is None and bootstrap:
                msg = (
                    f"bootstrap= of {size:,} values needs the patterns of unit counts, and "
                    f"these units hold more than {_streaming.PATTERN_CELLS:,} cells of them; "
                    "pass the data in memory (a DataFrame) for this bootstrap, or bootstrap=0"
                )
                raise OptionError(msg, option="bootstrap")
        return cls(
            parsed.value, labels, summary.units, summary.coders, totals.pairable_units,
            int(totals.n_c.sum()), coincidences=totals.matrix, value_counts=totals.n_c,
            numbers=numbers, period=params[1], bounds=params[2], replicates=bootstrap,
            seed=seed, method=chosen.value, patterns=patterns, agreement=totals.agreement,
            shares=totals.shares,
        )  # fmt: skip

    # -- merging ----------------------------------------------------------------------------

    def _check_mergeable(self, other: AlphaStatistics) -> None:
        checks = (
            ("level", self.level == other.level, self.level, other.level),
            ("domain", self.domain == other.domain, self.domain, other.domain),
            ("period", self.period == other.period, self.period, other.period),
            ("bounds", self.bounds == other.bounds, self.bounds, other.bounds),
            ("bootstrap", self.replicates == other.replicates, self.replicates, other.replicates),
            ("seed", self.seed == other.seed, self.seed, other.seed),
            (
                "method",
                self.method == other.method or not self.replicates,
                self.method,
                other.method,
            ),
        )
        for option, same, mine, theirs in checks:
            if not same:
                msg = (
                    f"cannot merge statistics built with {option}={mine!r} and "
                    f"{option}={theirs!r}; build every part with the same {option}="
                )
                raise OptionError(msg, option=option)

    def __add__(self, other: object) -> AlphaStatistics:
        """The statistics of the units of both (which must not share a unit)."""
        if isinstance(other, int) and other == 0:
            return self
        if not isinstance(other, AlphaStatistics):
            return NotImplemented
        self._check_mergeable(other)
        sums = patterns = None
        if self._sums is not None and other._sums is not None:
            sums = _poisson.merge_replicates(self._sums, other._sums)
        if self._patterns is not None and other._patterns is not None:
            patterns = _poisson.merge_patterns(self._patterns, other._patterns)
        units, coders = self.units + other.units, self.coders | other.coders
        if self.coincidences is None or other.coincidences is None:
            a, b = (
                _sparse_kernels.MomentTotals(
                    x.pairable_values, x.mean, x.spread, x.observed, x.pairable_units
                )
                for x in (self, other)
            )
            merged = _sparse_kernels.merge_moments(a, b)
            return attrs.evolve(
                self, pairable_units=merged.pairable_units, pairable_values=merged.n,
                mean=merged.mean, spread=merged.spread, observed=merged.observed, units=units,
                coders=coders, sums=sums,
            )  # fmt: skip
        counts = None
        if self.value_counts is not None and other.value_counts is not None:
            counts = self.value_counts + other.value_counts
        return attrs.evolve(
            self,
            pairable_units=self.pairable_units + other.pairable_units,
            pairable_values=self.pairable_values + other.pairable_values,
            coincidences=self.coincidences + other.coincidences,
            value_counts=counts,
            agreement=added(self.agreement, other.agreement),
            shares=None
            if self.shares is None or other.shares is None
            else self.shares + other.shares,
            units=units,
            coders=coders,
            patterns=patterns,
        )

    def __radd__(self, other: object) -> AlphaStatistics:
        """``0 + stats`` is ``stats``, so ``sum(parts)`` works."""
        return self.__add__(other)

    # -- scoring ----------------------------------------------------------------------------

    @property
    def has_patterns(self) -> bool:
        """Whether the patterns of the units are kept (standard errors, bootstraps)."""
        return self._patterns is not None

    def kappa(self, coefficient: CoefficientName | str) -> float:
        r"""The value of :meth:`kappa_result` (unweighted; ``ac2`` quadratic).

        Without patterns (many values in many distinct combinations), Fleiss, BP and AC1
        from their additive sums: :math:`p_a` the mean share of agreeing pairs, and
        :math:`\pi_c = \frac{1}{N}\sum_u n_{uc}/m_u`.
        """
        if self._patterns is not None or self.domain is None or self.shares is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                return self.kappa_result(coefficient).value
        return additive_kappa(
            coefficient, self.shares, self.units, self.percent_agreement("units"), self.domain
        )

    def kappa_result(
        self,
        coefficient: CoefficientName | str,
        *,
        weights: WeightsArg | None = None,
        confidence: float = 0.95,
        variable: str | None = None,
    ) -> AgreementResult:
        r"""Fleiss' kappa, Brennan-Prediger or Gwet's AC1/AC2 of the merged units, with errors.

        All are :math:`(p_a - p_e) / (1 - p_e)` in Gwet's (2014) frame, and equal
        :func:`~statecode.fleiss_kappa`, :func:`~statecode.brennan_prediger`,
        :func:`~statecode.gwet_ac1` and :func:`~statecode.gwet_ac2` on the whole data
        with ``domain=`` the statistics' domain, standard errors and intervals included.
        The values need only sums over units; the standard errors (Gwet's linearisation)
        need each unit's term around the merged chance agreement, a second pass, made here
        over the merged *patterns* (distinct rows of per-unit value counts, with the units
        holding each), not over the data.

        Parameters
        ----------
        coefficient : {'fleiss', 'bp', 'ac1', 'ac2'}
        weights : str or matrix, optional
            Agreement weights (``identity``, ``linear``, ``quadratic``, ``ordinal``,
            ``ratio``, or a V x V matrix) on the domain's numbers (else ranks); default
            identity, quadratic for ``ac2``.
        confidence : float
            Level of the interval.
        variable : str, optional
            The name the result carries.

        Raises
        ------
        OptionError
            For another coefficient, or statistics of interval moments (no domain).
        """
        if self.domain is None:
            msg = "kappa needs statistics built with domain= (interval moments have none)"
            raise OptionError(msg, option="domain")
        if self._patterns is None:
            msg = (
                f"the standard errors need the patterns of unit counts, which these units "
                f"hold too many of ({len(self.domain):,} values); kappa() gives the value"
            )
            raise OptionError(msg, option="coefficient")
        return merged_agreement(
            self._patterns,
            coefficient,
            weights=weights,
            labels=self.domain,
            numbers=self.numbers,
            coders=len(self.coders),
            confidence=confidence,
            variable=variable,
        )

    def percent_agreement(self, method: AgreementMethod | str = AgreementMethod.PAIRS) -> float:
        r"""Percent agreement of the merged units, as :func:`~statecode.percent_agreement`.

        ``pairs``: :math:`\sum_u \sum_c n_{uc}(n_{uc}-1) / \sum_u m_u(m_u-1)`; ``units``:
        the mean over pairable units of each unit's share of agreeing pairs; ``full``: the
        share of pairable units on which every value is the same. All three are sums over
        units, so they merge like the coincidences (NaN without a pairable unit).

        Raises
        ------
        OptionError
            For statistics of interval moments (no value domain: equal values are not
            counted), or a method outside the three.
        """
        chosen = parse_option(AgreementMethod, method, "method")
        if self.coincidences is None:
            msg = (
                "percent agreement counts equal values: build the statistics with domain= "
                "(interval moments do not count them)"
            )
            raise OptionError(msg, option="domain")
        same, pairs, shares, unanimous = self.agreement
        if not self.pairable_units:
            return math.nan
        if chosen is AgreementMethod.PAIRS:
            return same / pairs
        if chosen is AgreementMethod.UNITS:
            return shares / self.pairable_units
        return unanimous / self.pairable_units

    def delta(self) -> NDArray[np.float64] | None:
        r"""The V x V differences :math:`\delta^2_{ck}` (ordinal: from :math:`n_c`), or None."""
        if self.coincidences is None or self.value_counts is None:
            return None
        level = AlphaLevel(self.level)
        if level is AlphaLevel.ORDINAL:
            return _distance.ordinal_matrix(self.value_counts.astype(np.float64))
        size = len(self.domain or ())
        return fixed_delta(level, size, self.numbers, self.period, self.bounds)

    def parts(self) -> AlphaParts:
        """The sums :math:`n D_o`, :math:`n (n-1) D_e`, :math:`n` and the pairable units."""
        delta = self.delta()
        if delta is None or self.coincidences is None or self.value_counts is None:
            expected = 2.0 * self.pairable_values * self.spread
            return AlphaParts(self.observed, expected, self.pairable_values, self.pairable_units)
        n_c = self.value_counts.astype(np.float64)
        observed = float(np.sum(self.coincidences * delta))
        return AlphaParts(
            observed, float(n_c @ delta @ n_c), self.pairable_values, self.pairable_units
        )

    def result(
        self,
        *,
        variable: str | None = None,
        confidence: float = 0.95,
        alpha_min: Sequence[float] = ALPHA_MIN,
    ) -> AlphaResult:
        """The :class:`AlphaResult` of the merged units, as ``krippendorff_alpha`` gives it.

        With ``bootstrap=`` given to :meth:`from_frame`, the result's ``bootstrap`` holds
        the replicates of its ``method``.

        Warns
        -----
        DegenerateDataWarning
            When alpha is undefined; ``alpha`` is then NaN and ``reason`` says why.
        """
        if not 0 < confidence < 1:
            msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
            raise OptionError(msg, option="confidence")
        parts = self.parts()
        alpha = parts.alpha
        reason = undefined_reason(
            parts, len(self.coders), self.domain, self.value_counts, self.mean
        )
        if reason is not None:
            alpha = math.nan
            warnings.warn(f"alpha is undefined: {reason}", DegenerateDataWarning, stacklevel=2)
        boot = None
        if self.replicates and (self._patterns is not None or self._sums is not None):
            chosen = parse_option(BootstrapMethod, self.method, "method")
            draws = (
                np.full(self.replicates, np.nan)
                if reason is not None
                else merged_replicates(
                    chosen,
                    replicates=self.replicates,
                    seed=self.seed,
                    patterns=self._patterns,
                    sums=self._sums,
                    ordinal=self.level == AlphaLevel.ORDINAL.value,
                    delta=self.delta(),
                    parts=parts,
                )
            )
            boot = BootstrapResult.from_replicates(
                draws,
                method=chosen.value,
                seed=self.seed,
                confidence=confidence,
                alpha_min=tuple(alpha_min),
            )
        coded = None
        delta = self.delta()
        if self.domain is not None and delta is not None and self.coincidences is not None:
            counts = (
                self.value_counts
                if self.value_counts is not None
                else np.zeros(len(self.domain), dtype=np.int64)
            )
            coded = MergedData(self.domain, self.coincidences, counts.astype(np.float64), delta)
        return AlphaResult(
            alpha=alpha,
            observed_disagreement=parts.observed_disagreement,
            expected_disagreement=parts.expected_disagreement,
            level=self.level,
            units=self.units,
            pairable_units=parts.units,
            coders=len(self.coders),
            pairable_values=parts.n,
            reason=reason,
            bootstrap=boot,
            variable=variable,
            coded=coded,
        )
