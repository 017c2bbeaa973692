"""Krippendorff's alpha: the public function."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from statecode._progress import ProgressArg, progress_to
from statecode._values import value_text
from statecode.exceptions import DataError, DegenerateDataWarning, OptionError
from statecode.options import AlphaLevel, BootstrapMethod, Level, SetDistance, parse_option
from statecode.reliability import _bootstrap, _distance, _scale
from statecode.reliability._alpha_aliases import aliases
from statecode.reliability._input import chosen_variable, codebook_variable
from statecode.reliability._input import reliability_data as to_reliability_data
from statecode.reliability._kernels import (
    MATRIX_MAX_V,
    AlphaParts,
    CodeDistance,
    generic_parts,
    matrix_parts,
    nominal_parts,
)
from statecode.reliability._moment_kernels import embedded_parts, ordinal_parts
from statecode.reliability._statistics_options import check_seed
from statecode.reliability.results import AlphaResult, BootstrapResult, CodedData
from statecode.table import CodingTable, ReliabilityData

__all__ = ["krippendorff_alpha"]

#: The default minimum alphas for which the bootstrap reports P(alpha < minimum).
ALPHA_MIN = (0.9, 0.8, 0.667)

Progress = Callable[[int], None]


def krippendorff_alpha(
    data: Any = None,
    *,
    level: AlphaLevel | Level | str | None = None,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    distance: SetDistance | str | Callable[[Any, Any], Any] | None = None,
    period: float | None = None,
    bounds: tuple[float, float] | None = None,
    bootstrap: int = 0,
    method: BootstrapMethod | str = BootstrapMethod.UNITS,
    seed: int | None = None,
    confidence: float = 0.95,
    alpha_min: Sequence[float] = ALPHA_MIN,
    progress: ProgressArg = None,
    reliability_data: Any = None,
    level_of_measurement: AlphaLevel | Level | str | None = None,
    value_domain: Sequence[Any] | None = None,
) -> AlphaResult:
    r"""Krippendorff's alpha for one variable, with an optional bootstrap interval.

    Parameters
    ----------
    data : array-like, DataFrame or CodingTable
        Reliability data in one of three forms:

        - a 2-D array-like of shape (coders, units), NaN or None for missing (the layout of
          the ``krippendorff`` package);
        - a polars or pandas DataFrame in long layout, one row per coder and unit, with the
          columns named by ``unit``, ``coder`` and ``value``; a polars ``LazyFrame`` in that
          layout is streamed (polars' streaming engine, never collected whole), and a long
          DataFrame of a sparse design (coders x units more than 4 cells per row) is scored
          from per-unit counts, without the coders x units array (see
          :class:`~statecode.AlphaStatistics`);
        - a :class:`~statecode.CodingTable` with ``variable=``; the level (and, for
          multi-label variables, set values) then come from its codebook.
    level : str, optional
        ``nominal`` (the default), ``ordinal``, ``interval``, ``ratio``, ``circular`` (give
        ``period``) or ``bipolar`` (give ``bounds``, else the domain's extremes).
    variable : str, optional
        The variable to score, for a ``CodingTable``.
    unit, coder, value : str
        Column names of long data frames.
    domain : sequence, optional
        Every possible value, in order. Needed for ordinal text values; values outside it are
        an error. Unused values change nothing but appear in the coincidence tables.
    distance : {'masi', 'jaccard'} or callable, optional
        For set-valued (multi-label) data, MASI (the default for sets; Passonneau 2006) or
        Jaccard distance. A callable ``f(a, b)`` taking two arrays of domain values and
        returning their squared differences replaces the level's difference function
        (``level`` is then reported as ``custom``).
    period : float, optional
        Circumference of the circle, for ``circular`` data (e.g. 360, or 12 for months).
    bounds : (float, float), optional
        End points of a ``bipolar`` scale.
    bootstrap : int
        Number of bootstrap replicates (0: none).
    method : {'units', 'krippendorff', 'poisson'}
        Bootstrap method: resampling units (the default), Krippendorff's algorithm as in
        KALPHA and R's icr, or the Poisson bootstrap (one pass, mergeable; the only one for
        streamed inputs). See Notes.
    seed : int, optional
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same interval.
    confidence : float
        Level of the percentile interval.
    alpha_min : sequence of float
        Minimum acceptable alphas for which to report :math:`P(\alpha < \alpha_{min})`.
    progress : bool or callable, optional
        True draws a progress bar of the bootstrap (in a terminal or a notebook); a
        callable is called with the number of replicates just finished.
    reliability_data, level_of_measurement, value_domain
        The ``krippendorff`` package's names for ``data``, ``level`` and ``domain``, so
        ``krippendorff.alpha(reliability_data=x, level_of_measurement="ordinal")`` becomes
        ``float(statecode.krippendorff_alpha(reliability_data=x,
        level_of_measurement="ordinal"))``. That package's default level is interval and
        statecode's nominal, so with ``reliability_data=`` the level must be given.

    Returns
    -------
    AlphaResult
        ``alpha``, both disagreements, counts, the value domain, the coincidence tables
        (``coincidences``, ``expected_coincidences``), ``per_category()``, and with a
        bootstrap ``ci``, ``se`` and ``q``.

    Raises
    ------
    DataError
        For malformed data: a coder giving a unit two values, values outside ``domain``,
        ordinal text without a domain, non-numeric values at a numeric level.

    Warns
    -----
    DegenerateDataWarning
        When alpha is undefined (one coder, fewer than two pairable values, no variation);
        ``alpha`` is then NaN and ``reason`` says why.

    Notes
    -----
    With :math:`o_{ck}` the coincidences of values :math:`c, k` within units,
    :math:`n_c = \sum_k o_{ck}` and :math:`n = \sum_c n_c` over pairable values (units with
    two or more values),

    .. math::

        \alpha = 1 - \frac{D_o}{D_e} = 1 - (n - 1)
            \frac{\sum_{c,k} o_{ck}\, \delta^2_{ck}}{\sum_{c,k} n_c n_k\, \delta^2_{ck}}

    with the difference functions :math:`\delta^2` of Krippendorff (2011): nominal
    :math:`[c \ne k]`; ordinal :math:`(\sum_{g=c}^{k} n_g - (n_c+n_k)/2)^2`; interval
    :math:`(c-k)^2`; ratio :math:`((c-k)/(c+k))^2`; circular
    :math:`\sin^2(\pi (c-k)/U)`; bipolar
    :math:`(c-k)^2 / ((c+k-2c_{min})(2c_{max}-c-k))`. For sets of codes :math:`\delta^2` is
    the MASI or Jaccard distance, as in NLTK.

    The default bootstrap resamples units (Efron & Tibshirani 1993), which keeps each unit's
    values together and recomputes both disagreements; Zapf et al. (2016) found its interval
    well calibrated for alpha. ``method='krippendorff'`` reproduces KALPHA: expected
    disagreement fixed, pairs of values redrawn from all pairable pairs (Krippendorff 2016;
    Hayes & Krippendorff 2007). ``method='poisson'`` weights each pairable unit by a
    Poisson(1) count (Chamandy et al. 2012): the unit bootstrap's Binomial(N, 1/N) draw
    counts in the limit, with the same standard error and interval to first order. With a
    value domain the summed weight of the units sharing a row of value counts, Poisson(N_p),
    is drawn from the seed; continuous interval data weight each unit from the seed and its
    id: either way the same replicates for any partition of the units (``seed=None`` draws
    a seed). Streamed inputs (a LazyFrame, a sparse design) take every method with a value
    domain, from the patterns of unit counts (``units``: the same distribution as in memory,
    not the same random numbers; ``krippendorff``: the same replicates); continuous
    interval moments take ``poisson`` only.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication Departmental Papers 43. https://repository.upenn.edu/asc_papers/43
    Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th ed.).
    Sage. https://doi.org/10.4135/9781071878781
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. Communication Methods and Measures, 1(1), 77-89.
    https://doi.org/10.1080/19312450709336664
    Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic and
    pragmatic annotation. LREC 2006.
    Chamandy, N., Muralidharan, O., Najmi, A., & Naidu, S. (2012). Estimating uncertainty for
    massive data streams. Google Technical Report.
    Zapf, A., et al. (2016). BMC Medical Research Methodology 16, 93.
    https://doi.org/10.1186/s12874-016-0200-9

    Examples
    --------
    Krippendorff's (2011) example: 4 coders, 12 units, missing values as NaN.

    >>> nan = float("nan")
    >>> data = [
    ...     [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...     [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ... ]
    >>> round(krippendorff_alpha(data).alpha, 3)
    0.743
    >>> round(krippendorff_alpha(data, level="interval").alpha, 3)
    0.849
    """
    data, level, domain = aliases(
        data, level, domain, reliability_data, level_of_measurement, value_domain
    )
    if isinstance(data, CodingTable):
        variable = chosen_variable(data, variable)  # a table of one variable needs no name
    opts = _options(data, level, variable, distance, numeric_hint=domain)
    columns = (unit, coder, value)
    scale = _scale.Options(period, bounds, bootstrap, seed, confidence, tuple(alpha_min), progress)
    if _scale.streams(
        data, opts.level, opts.distance, columns=columns, bootstrap=bootstrap, method=method
    ):
        return _scale.alpha_of_frame(
            data, level=opts.level, domain=domain, columns=columns, method=method, options=scale
        )
    if isinstance(data, CodingTable) and variable is not None:
        # a crowd design in a table: its long rows, never the coders x units array
        rows = _scale.sparse_rows(data, variable, opts.level, opts.distance)
        if rows is not None:
            result = _scale.alpha_of_frame(
                rows,
                level=opts.level,
                domain=_scale.table_domain(data, variable, domain, opts.level),
                columns=("unit", "coder", "value"),
                method=method,
                options=scale,
            )
            return attrs.evolve(result, variable=variable)
    rel = to_reliability_data(
        data,
        variable=variable,
        unit=unit,
        coder=coder,
        value=value,
        domain=domain,
        numeric=opts.numeric,
    )
    if opts.level is AlphaLevel.ORDINAL and domain is None and opts.unordered:
        _require_order(rel)
    if bootstrap and parse_option(BootstrapMethod, method, "method") is BootstrapMethod.POISSON:
        return _scale.alpha_of_data(
            rel, level=opts.level, distance=opts.distance, variable=variable, options=scale
        )
    metric = _Metric.build(rel, opts.level, opts.distance, period, bounds)
    parts = metric.parts(rel)
    alpha = parts.alpha
    reason = _degenerate_reason(rel, parts)
    if reason is not None:
        alpha = math.nan
        warnings.warn(f"alpha is undefined: {reason}", DegenerateDataWarning, stacklevel=2)
    boot = None
    if bootstrap:
        with progress_to(progress, bootstrap, "bootstrap") as tick:
            boot = _run_bootstrap(
                rel,
                metric,
                parts,
                bootstrap,
                method,
                seed,
                confidence,
                tuple(alpha_min),
                tick,
                degenerate=reason is not None,
            )
    return AlphaResult(
        alpha=alpha,
        observed_disagreement=parts.observed_disagreement,
        expected_disagreement=parts.expected_disagreement,
        level=metric.name,
        distance=metric.distance,
        units=len(rel.units),
        pairable_units=parts.units,
        coders=len(rel.coders),
        pairable_values=parts.n,
        reason=reason,
        bootstrap=boot,
        variable=variable,
        coded=CodedData(rel, metric.code_distance),
    )


class _Options:
    def __init__(
        self,
        level: AlphaLevel,
        distance: SetDistance | Callable[[Any, Any], Any] | None,
        *,
        numeric: bool,
        unordered: bool,
    ) -> None:
        self.level = level
        self.distance = distance
        self.numeric = numeric
        # whether nothing but the values themselves could give them an order
        self.unordered = unordered


def _options(
    data: Any,
    level: AlphaLevel | Level | str | None,
    variable: str | None,
    distance: SetDistance | str | Callable[[Any, Any], Any] | None,
    numeric_hint: Sequence[Any] | None,
) -> _Options:
    dist: SetDistance | Callable[[Any, Any], Any] | None
    dist = (
        distance
        if callable(distance) or distance is None
        else parse_option(SetDistance, distance, "distance")
    )
    var = codebook_variable(data, variable)
    if level is None and var is not None:
        level = var.level.value
    if var is not None and var.multi_label and dist is None:
        dist = SetDistance.MASI
    parsed = parse_option(AlphaLevel, level or AlphaLevel.NOMINAL, "level")
    numeric = parsed in (
        AlphaLevel.INTERVAL,
        AlphaLevel.RATIO,
        AlphaLevel.CIRCULAR,
        AlphaLevel.BIPOLAR,
    )
    unordered = var is None and not isinstance(data, ReliabilityData)
    return _Options(parsed, dist, numeric=numeric, unordered=unordered)


class _Metric:
    """The difference function chosen for the data, with the kernel that fits it."""

    def __init__(
        self,
        name: str,
        code_distance: CodeDistance,
        parts: Callable[[ReliabilityData], AlphaParts],
        unit_stats: Callable[[ReliabilityData], _bootstrap.UnitStatistics],
        distance: str | None = None,
    ) -> None:
        self.name = name
        self.distance = distance
        self.code_distance = code_distance
        self.parts = parts
        self.unit_stats = unit_stats

    @classmethod
    def build(  # noqa: PLR0911 (one return per level of measurement)
        cls,
        rel: ReliabilityData,
        level: AlphaLevel,
        distance: SetDistance | Callable[[Any, Any], Any] | None,
        period: float | None,
        bounds: tuple[float, float] | None,
    ) -> _Metric:
        if rel.is_sets or isinstance(distance, SetDistance):
            return cls._sets(rel, level, distance)
        if callable(distance):
            domain = rel.numbers if rel.numbers is not None else np.array(rel.labels, object)
            matrix = np.asarray(distance(domain[:, None], domain[None, :]), dtype=np.float64)
            return cls._matrix("custom", matrix)
        if level is AlphaLevel.NOMINAL:
            size = rel.n_values
            return cls(
                "nominal",
                lambda a, b: (a != b).astype(np.float64),
                lambda r: nominal_parts(r.codes, size),
                lambda r: _bootstrap.unit_statistics(r.codes, size, 1.0 - np.eye(size)),
            )
        if level is AlphaLevel.ORDINAL:
            return cls._ordinal(rel)
        _require_numbers(rel, level)

        def numbers() -> NDArray[np.float64]:
            # coding measurements is a sort: done only if codes are asked for
            return rel.numbers if rel.numbers is not None else np.empty(0)

        if level is AlphaLevel.INTERVAL:
            return cls(
                "interval",
                lambda a, b: _distance.interval(numbers()[a], numbers()[b]),
                lambda r: embedded_parts(r.float_values()),
                lambda r: _bootstrap.moment_statistics(r.float_values()),
            )
        if level is AlphaLevel.CIRCULAR:
            if period is None:
                msg = "circular data need period= (the circumference, e.g. 360 or 24)"
                raise DataError(msg)
            if not (period > 0 and math.isfinite(period)):
                msg = (
                    f"period={period!r} is not valid; give the circumference of the circle, a "
                    "positive number (e.g. 360 for degrees, 24 for hours)"
                )
                raise OptionError(msg, option="period")
            metric = _distance.circular(period)

            def points(r: ReliabilityData) -> NDArray[np.float64]:
                angle = 2 * np.pi * r.float_values() / period
                return np.stack([np.cos(angle), np.sin(angle)])

            return cls(
                "circular",
                lambda a, b: metric(numbers()[a], numbers()[b]),
                lambda r: embedded_parts(points(r), scale=0.25),
                lambda r: _bootstrap.moment_statistics(points(r), scale=0.25),
            )
        domain = numbers()
        if level is AlphaLevel.RATIO:
            if domain.size and domain.min() < 0:
                msg = (
                    f"ratio data cannot be negative (smallest value {domain.min():g}); "
                    "use level='interval'"
                )
                raise DataError(msg)
            return cls._function("ratio", _distance.ratio, domain)
        low, high = bounds if bounds is not None else (domain.min(), domain.max())
        if domain.size and (domain.min() < low or domain.max() > high):
            msg = f"bipolar values must lie within bounds {low:g}..{high:g}"
            raise DataError(msg)
        return cls._function("bipolar", _distance.bipolar(low, high), domain)

    @classmethod
    def _function(
        cls, name: str, metric: _distance.DistanceFunction, numbers: NDArray[np.float64]
    ) -> _Metric:
        size = numbers.size
        if size <= MATRIX_MAX_V:
            # tabulated once: the kernels then work on per-unit counts and coincidences
            return cls._matrix(name, metric(numbers[:, None], numbers[None, :]))

        def code_distance(a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.float64]:
            return metric(numbers[a], numbers[b])

        return cls(
            name,
            code_distance,
            lambda r: generic_parts(r.codes, size, code_distance),
            lambda r: _bootstrap.unit_statistics(
                r.codes, size, code_distance(*np.indices((size, size)))
            ),
        )

    @classmethod
    def _matrix(
        cls, name: str, matrix: NDArray[np.float64], distance: str | None = None
    ) -> _Metric:
        size = matrix.shape[0]

        def code_distance(a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.float64]:
            return matrix[a, b]

        def parts(r: ReliabilityData) -> AlphaParts:
            if size <= MATRIX_MAX_V:
                return matrix_parts(r.codes, matrix)
            return generic_parts(r.codes, size, code_distance)

        return cls(
            name,
            code_distance,
            parts,
            lambda r: _bootstrap.unit_statistics(r.codes, size, matrix),
            distance,
        )

    @classmethod
    def _sets(
        cls,
        rel: ReliabilityData,
        level: AlphaLevel,
        distance: SetDistance | Callable[[Any, Any], Any] | None,
    ) -> _Metric:
        if not rel.is_sets:
            msg = "distance='masi'/'jaccard' needs set-valued data (multi-label codes)"
            raise DataError(msg)
        if level is not AlphaLevel.NOMINAL:
            msg = f"set-valued (multi-label) data are nominal, not {level.value}"
            raise DataError(msg)
        choice = distance if isinstance(distance, SetDistance) else SetDistance.MASI
        func = _distance.masi_distance if choice is SetDistance.MASI else _distance.jaccard_distance
        matrix = _distance.set_distance_matrix(rel.labels, func)
        return cls._matrix("nominal", matrix, choice.value)

    @classmethod
    def _ordinal(cls, rel: ReliabilityData) -> _Metric:
        size = rel.n_values
        holder: dict[str, NDArray[np.float64]] = {}

        def parts(r: ReliabilityData) -> AlphaParts:
            result, ranks = ordinal_parts(r.codes, size)
            holder["ranks"] = ranks
            return result

        def code_distance(a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.float64]:
            ranks = holder["ranks"]
            return np.square(ranks[a] - ranks[b])

        return cls(
            "ordinal",
            code_distance,
            parts,
            lambda r: _bootstrap.unit_statistics(
                r.codes, size, np.zeros((size, size)), ordinal=True
            ),
        )


def _require_order(rel: ReliabilityData) -> None:
    """Ordinal text needs its order given: the alphabet is not an order of categories."""
    if rel.is_numeric or rel.is_sets:
        return
    shown = ", ".join(repr(v) for v in rel.labels[:6])
    more = ", ..." if rel.n_values > 6 else ""
    msg = (
        f"ordinal values that are text ({shown}{more}) have no order of their own, and "
        "their alphabetical order is not one; give every value from lowest to highest with "
        "domain= (e.g. domain=['low', 'mid', 'high']), or read the data with a codebook "
        "whose variable has an order"
    )
    raise DataError(msg)


def _require_numbers(rel: ReliabilityData, level: AlphaLevel) -> None:
    if not rel.is_numeric:
        shown = ", ".join(repr(v) for v in rel.labels[:5])
        msg = (
            f"{level.value} data must be numbers, but the values include {shown}; "
            "use level='nominal' or 'ordinal', or recode the values as numbers"
        )
        raise DataError(msg)


def _degenerate_reason(rel: ReliabilityData, parts: AlphaParts) -> str | None:
    if parts.n < 2:
        # only here are the coders counted: a pairable unit holds two coders' values, so with
        # two or more pairable values there are two or more coders (and no pass over the data)
        coders = int(np.count_nonzero(rel.valid().any(axis=1)))
        if coders < 2:
            return f"only {coders} coder(s) gave values; alpha compares two or more coders"
        return (
            f"fewer than two pairable values ({parts.n}); no unit was coded by two or more coders"
        )
    if parts.expected <= 1e-12 * parts.n * parts.n:
        shown = value_text(rel.first_value())
        return f"no variation: every pairable value is the same ({shown}), so D_e = 0"
    return None


def _run_bootstrap(
    rel: ReliabilityData,
    metric: _Metric,
    parts: AlphaParts,
    replicates: int,
    method: BootstrapMethod | str,
    seed: int | None,
    confidence: float,
    alpha_min: tuple[float, ...],
    progress: Progress | None,
    *,
    degenerate: bool,
) -> BootstrapResult:
    chosen = parse_option(BootstrapMethod, method, "method")
    if replicates < 0:
        msg = f"bootstrap={replicates} must be a positive number of replicates (or 0 for none)"
        raise DataError(msg)
    if not 0 < confidence < 1:
        msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
        raise DataError(msg)
    check_seed(seed)
    rng = np.random.default_rng(seed)
    if degenerate:
        draws = np.full(replicates, np.nan)
    elif chosen is BootstrapMethod.KRIPPENDORFF:
        draws = _bootstrap.krippendorff_replicates(
            rel.codes,
            metric.code_distance,
            n=parts.n,
            expected_disagreement=parts.expected_disagreement,
            replicates=replicates,
            rng=rng,
            progress=progress,
        )
    else:
        try:
            stats = metric.unit_stats(rel)
        except MemoryError as exc:
            raise DataError(str(exc)) from None
        draws = _bootstrap.unit_replicates(stats, replicates=replicates, rng=rng, progress=progress)
    return BootstrapResult.from_replicates(
        draws, method=chosen.value, seed=seed, confidence=confidence, alpha_min=alpha_min
    )
