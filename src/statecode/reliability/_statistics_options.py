"""AlphaStatistics' options checked: the domain, the level's parameters, the differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode._values import number_label, value_text
from statecode.exceptions import DataError, OptionError
from statecode.options import AlphaLevel
from statecode.reliability import _distance
from statecode.reliability._kernels import MATRIX_MAX_V, AlphaParts
from statecode.table import check_domain

__all__ = [
    "added",
    "check_seed",
    "domain_numbers",
    "fixed_delta",
    "level_params",
    "undefined_reason",
]


def undefined_reason(
    parts: AlphaParts,
    coders: int,
    domain: tuple[Any, ...] | None,
    value_counts: NDArray[np.int64] | None,
    mean: float,
) -> str | None:
    """Why alpha of merged statistics is undefined (as in memory), or None."""
    if parts.n < 2:
        if coders < 2:
            return f"only {coders} coder(s) gave values; alpha compares two or more coders"
        return (
            f"fewer than two pairable values ({parts.n}); no unit was coded by two or more coders"
        )
    if parts.expected <= 1e-12 * parts.n * parts.n:
        if domain is not None and value_counts is not None:
            shown = value_text(domain[int(np.argmax(value_counts))])
        else:
            shown = value_text(number_label(mean))
        return f"no variation: every pairable value is the same ({shown}), so D_e = 0"
    return None


def check_seed(seed: object) -> None:
    """A bootstrap seed is None or an integer from 0 to 2**64 - 1 (every part draws from it).

    Raises
    ------
    OptionError
        Naming ``seed=`` (``--seed``), for anything else.
    """
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**64:
        msg = f"seed={seed!r} must be a whole number from 0 to 2**64 - 1 (e.g. seed=1)"
        raise OptionError(msg, option="seed")


def added(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def domain_numbers(
    level: AlphaLevel, domain: Sequence[Any] | None
) -> tuple[tuple[Any, ...] | None, NDArray[np.float64] | None]:
    """The domain's labels and numbers, checked for the level."""
    if domain is None:
        if level is AlphaLevel.INTERVAL:
            return None, None
        msg = (
            f"level={level.value!r} from parts needs domain=: every possible value, in order, "
            "the same for every part (only interval data go without, by moments)"
        )
        raise OptionError(msg, option="domain")
    values = [v.item() if isinstance(v, np.generic) else v for v in domain]
    if len(values) > MATRIX_MAX_V:
        msg = (
            f"domain= lists {len(values):,} values; coincidences are kept up to "
            f"{MATRIX_MAX_V:,} values (for interval data leave out domain=: moments)"
        )
        raise OptionError(msg, option="domain")
    numeric = bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )
    labels = tuple(number_label(float(v)) for v in values) if numeric else tuple(values)
    check_domain(labels)
    numbers = np.array([float(v) for v in values], dtype=np.float64) if numeric else None
    if numbers is not None and not np.isfinite(numbers).all():
        msg = "domain= holds infinite or NaN numbers; list finite values only"
        raise DataError(msg)
    needs_numbers = level not in (AlphaLevel.NOMINAL, AlphaLevel.ORDINAL)
    if needs_numbers and numbers is None:
        shown = ", ".join(repr(v) for v in labels[:5])
        msg = (
            f"{level.value} data must be numbers, but the domain includes {shown}; "
            "use level='nominal' or 'ordinal', or recode the values as numbers"
        )
        raise DataError(msg)
    return labels, numbers


def level_params(
    level: AlphaLevel,
    numbers: NDArray[np.float64] | None,
    period: float | None,
    bounds: tuple[float, float] | None,
) -> tuple[NDArray[np.float64] | None, float | None, tuple[float, float] | None]:
    """The numbers, period and bounds the level's differences need, checked."""
    if level is AlphaLevel.CIRCULAR:
        if period is None:
            msg = "circular data need period= (the circumference, e.g. 360 or 24)"
            raise OptionError(msg, option="period")
        if not (period > 0 and math.isfinite(period)):
            msg = (
                f"period={period!r} is not valid; give the circumference of the circle, a "
                "positive number (e.g. 360 for degrees, 24 for hours)"
            )
            raise OptionError(msg, option="period")
        return numbers, float(period), None
    if level is AlphaLevel.RATIO and numbers is not None and numbers.size and numbers.min() < 0:
        msg = (
            f"ratio data cannot be negative (smallest value {numbers.min():g}); "
            "use level='interval'"
        )
        raise DataError(msg)
    if level is AlphaLevel.BIPOLAR and numbers is not None and numbers.size:
        low, high = bounds if bounds is not None else (numbers.min(), numbers.max())
        if numbers.min() < low or numbers.max() > high:
            msg = f"bipolar values must lie within bounds {low:g}..{high:g}"
            raise DataError(msg)
        return numbers, None, (float(low), float(high))
    return numbers, None, None


def fixed_delta(
    level: AlphaLevel,
    size: int,
    numbers: NDArray[np.float64] | None,
    period: float | None,
    bounds: tuple[float, float] | None,
) -> NDArray[np.float64]:
    """The difference matrix of a level whose differences do not depend on frequencies."""
    if level is AlphaLevel.NOMINAL:
        return 1.0 - np.eye(size)
    if numbers is None:  # pragma: no cover - _domain requires numbers for these levels
        msg = f"{level.value} differences need numbers"
        raise TypeError(msg)
    metric: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]
    if level is AlphaLevel.INTERVAL:
        metric = _distance.interval
    elif level is AlphaLevel.RATIO:
        metric = _distance.ratio
    elif level is AlphaLevel.CIRCULAR and period is not None:
        metric = _distance.circular(period)
    elif level is AlphaLevel.BIPOLAR and bounds is not None:
        metric = _distance.bipolar(*bounds)
    else:  # pragma: no cover - _params fills period and bounds
        msg = f"no differences for {level.value}"
        raise TypeError(msg)
    return np.asarray(metric(numbers[:, None], numbers[None, :]), dtype=np.float64)
