"""Values to integer codes into a value domain: the step before every kernel."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode._values import number_label, sort_key
from statecode.exceptions import DataError

__all__ = ["check_domain", "check_finite", "factorize", "factorize_numbers", "raise_outside"]

# integer-valued data spanning at most this many values are coded by offset, not by sorting
_DIRECT_RANGE = 1 << 24


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _canonical(value: Any) -> Any:
    if isinstance(value, set | list | tuple):
        return frozenset(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def factorize(
    values: NDArray[Any], *, domain: Sequence[Any] | None = None
) -> tuple[NDArray[np.int32], tuple[Any, ...], NDArray[np.float64] | None]:
    """Integer codes for an array of values (any shape), the domain, and its numbers.

    Without ``domain``, the domain is the sorted distinct values (numbers numerically, text
    alphabetically, sets by their sorted codes). With it, the domain is as given (its order is
    the ordinal order) and values outside it are an error.
    """
    if values.dtype != object:
        return factorize_numbers(values.astype(np.float64), domain)
    flat = values.ravel()
    canon = [None if _is_missing(v) else _canonical(v) for v in flat]
    present = [v for v in canon if v is not None]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        numeric = np.array([np.nan if v is None else float(v) for v in canon], dtype=np.float64)
        return factorize_numbers(numeric.reshape(values.shape), domain)
    if domain is not None:
        labels = tuple(_canonical(v) for v in domain)
        check_domain(labels)
    else:
        labels = tuple(sorted(set(present), key=sort_key))
    index = {v: i for i, v in enumerate(labels)}
    unknown = {v for v in present if v not in index}
    if unknown:
        raise_outside(unknown, labels)
    codes = np.array([-1 if v is None else index[v] for v in canon], dtype=np.int32)
    numbers = None
    if labels and all(isinstance(v, int | float) and not isinstance(v, bool) for v in labels):
        numbers = np.array(labels, dtype=np.float64)
    return codes.reshape(values.shape), labels, numbers


def check_domain(labels: tuple[Any, ...]) -> None:
    seen: set[Any] = set()
    for v in labels:
        if v in seen:
            msg = f"domain lists {v!r} twice; list each value once, in order"
            raise DataError(msg)
        seen.add(v)


def raise_outside(unknown: Iterable[Any], labels: Sequence[Any]) -> None:
    shown = ", ".join(repr(v) for v in sorted(unknown, key=sort_key)[:10])
    msg = f"value(s) {shown} are not in the declared domain; add them to domain= or fix the data"
    raise DataError(msg)


def factorize_numbers(
    values: NDArray[np.float64], domain: Sequence[Any] | None
) -> tuple[NDArray[np.int32], tuple[Any, ...], NDArray[np.float64]]:
    valid = ~np.isnan(values)
    check_finite(values)
    present = values[valid]
    codes = np.full(values.shape, -1, dtype=np.int32)
    if domain is not None:
        numbers = np.array([float(v) for v in domain], dtype=np.float64)
        check_domain(tuple(numbers.tolist()))
        order = np.argsort(numbers, kind="stable")
        pos = np.searchsorted(numbers[order], present)
        pos = np.minimum(pos, numbers.size - 1)
        hit = numbers[order][pos] == present
        if not hit.all():
            raise_outside(set(present[~hit].tolist()), numbers.tolist())
        codes[valid] = order[pos]
        return codes, tuple(number_label(v) for v in numbers), numbers
    if present.size and np.all(present == np.round(present)):
        low = present.min()
        span = present.max() - low
        if span < _DIRECT_RANGE:
            offsets = (present - low).astype(np.int64)
            used = np.bincount(offsets, minlength=int(span) + 1) > 0
            mapping = np.cumsum(used) - 1
            codes[valid] = mapping[offsets]
            numbers = np.flatnonzero(used).astype(np.float64) + low
            return codes, tuple(number_label(v) for v in numbers), numbers
    numbers, inverse = np.unique(present, return_inverse=True)
    codes[valid] = inverse
    return codes, tuple(number_label(v) for v in numbers), numbers


def check_finite(values: NDArray[np.float64]) -> None:
    """Refuse infinite values, naming where they are (coder and unit of an array)."""
    where = np.argwhere(np.isinf(values))
    if not where.size:
        return
    shown = "; ".join(
        f"coder {int(p[0])}, unit {int(p[1])}" if len(p) == 2 else f"position {int(p[0])}"
        for p in where[:10]
    )
    more = f" and {len(where) - 10} more" if len(where) > 10 else ""
    msg = (
        f"the data hold infinite values ({len(where)}: {shown}{more}); alpha needs finite "
        "numbers: mark a missing value with NaN"
    )
    raise DataError(msg)


def factorize_small_integers(
    values: NDArray[np.float64],
) -> tuple[NDArray[np.int32], NDArray[np.float64]] | None:
    """Codes by offset for whole numbers in a small range, row by row; None otherwise.

    Rating scales and category numbers take this path: no sort, and no copy of the data
    beyond one row at a time and the int32 codes.
    """
    if values.ndim != 2 or not values.size:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN data
        low, high = np.nanmin(values), np.nanmax(values)
    if not (np.isfinite(low) and np.isfinite(high)) or high - low >= _DIRECT_RANGE:
        return None
    span = int(high - low) + 1
    codes = np.empty(values.shape, dtype=np.int32)
    used = np.zeros(span, dtype=bool)
    for i, row in enumerate(values):
        missing = np.isnan(row)
        shifted = row - low if low else row
        code_row = codes[i]
        with np.errstate(invalid="ignore"):
            np.copyto(code_row, shifted, casting="unsafe")  # NaN casts to garbage: reset below
            whole = np.all((code_row == shifted) | missing)
        if not whole:
            return None
        code_row[missing] = -1
        used |= np.bincount(code_row + 1, minlength=span + 1)[1:] > 0
    numbers = np.flatnonzero(used).astype(np.float64) + low
    if not used.all():
        mapping = np.cumsum(used, dtype=np.int32) - 1
        for row in codes:
            valid = row >= 0
            row[valid] = mapping[row[valid]]
    return codes, numbers
