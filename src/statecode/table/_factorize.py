"""Values to integer codes into a value domain: the step before every kernel.

Two fast first steps code whole arrays: :func:`codes_from_floats` codes whole numbers in a
small range by their offset (rating scales, category numbers; the layout of the
``krippendorff`` package), and :func:`code_objects` codes any objects into the distinct
values first seen, so that whatever is done per value (canonical forms, missing markers,
sorting, a declared domain) is done once per distinct value and applied to the codes by one
small lookup table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode._values import number_label, sort_key
from statecode.exceptions import DataError

__all__ = [
    "check_domain",
    "check_finite",
    "code_objects",
    "codes_from_floats",
    "factorize",
    "factorize_numbers",
    "raise_outside",
]

# integer-valued data spanning at most this many values are coded by offset, not by sorting
_DIRECT_RANGE = 1 << 24
# coder x unit cells per chunk of units, so that a chunk's working arrays stay in the cache
_CELLS_PER_CHUNK = 1 << 16
# ... and at most this many units per chunk
_MAX_CHUNK_UNITS = 1 << 13
# which values occur is tracked value by value up to this many values, by a scatter above
_TRACKED_VALUES = 256
# values not yet seen are looked for one comparison each while at most this many are left
_COMPARED_VALUES = 16


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _canonical(value: Any) -> Any:
    if isinstance(value, set | list | tuple):
        return frozenset(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def factorize(
    values: NDArray[Any], *, domain: Sequence[Any] | None = None
) -> tuple[NDArray[np.int32], tuple[Any, ...], NDArray[np.float64] | None]:
    """Integer codes for an array of values (any shape), the domain, and its numbers.

    Without ``domain``, the domain is the sorted distinct values (numbers numerically, text
    alphabetically, sets by their sorted codes). With it, the domain is as given (its order is
    the ordinal order) and values outside it are an error.

    Object arrays are coded by :func:`code_objects` first: every check and canonical form
    below runs once per distinct value.
    """
    if values.dtype != object:
        return factorize_numbers(values.astype(np.float64), domain)
    first, distinct = code_objects(values)
    canon = [None if _is_missing(v) else _canonical(v) for v in distinct]
    present = [v for v in canon if v is not None]
    if present and all(_is_number(v) for v in present) and not _hides_a_bool(values, present):
        table = np.array([np.nan if v is None else float(v) for v in canon], dtype=np.float64)
        return factorize_numbers(table[first], domain)
    if domain is not None:
        labels = tuple(_canonical(v) for v in domain)
        check_domain(labels)
    else:
        labels = tuple(sorted(set(present), key=sort_key))
    index = {v: i for i, v in enumerate(labels)}
    unknown = {v for v in present if v not in index}
    if unknown:
        raise_outside(unknown, labels)
    lookup = np.array([-1 if v is None else index[v] for v in canon], dtype=np.int32)
    numbers = None
    if labels and all(_is_number(v) for v in labels):
        numbers = np.array(labels, dtype=np.float64)
    return lookup[first], labels, numbers


def _hides_a_bool(values: NDArray[Any], present: list[Any]) -> bool:
    """Whether a bool shares a code with an equal number (``True == 1``): then not numbers.

    Coding by distinct values keeps the first of equal values; an element ``True`` after a
    ``1`` is then not among them, though it makes the values not numbers. Only data holding
    a 0 or a 1 are looked through.
    """
    if not any(v in (0, 1) for v in present):
        return False
    return any(type(v) is bool or isinstance(v, np.bool_) for v in values.ravel().tolist())


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
    """Refuse infinite values, naming where they are (coder and unit of an array).

    Two NaN-ignoring reductions find the extremes without a temporary array; only data
    holding an infinity are searched for where.
    """
    if not values.size:
        return
    low, high = np.fmin.reduce(values, axis=None), np.fmax.reduce(values, axis=None)
    if not (np.isinf(low) or np.isinf(high)):
        return
    where = np.argwhere(np.isinf(values))
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


def _unit_chunks(n_units: int, coders: int) -> Iterator[slice]:
    width = max(1, min(_CELLS_PER_CHUNK // max(coders, 1), _MAX_CHUNK_UNITS))
    for start in range(0, n_units, width):
        yield slice(start, min(n_units, start + width))


def codes_from_floats(
    values: NDArray[np.float64],
) -> tuple[NDArray[np.int32], NDArray[np.float64]] | None:
    """Codes by offset for whole numbers in a small range; None otherwise.

    Codes ``0 .. V-1`` in numeric order of the values present, ``-1`` where NaN, and the
    values as floats; ``None`` for no values, values that are not whole, or a range of
    ``2**24`` or more (those are coded by sorting, in :func:`factorize_numbers`).

    Two NaN-ignoring reductions find the range; then, per chunk of units in cache,
    ``fmax(x, low - 1) - low`` turns NaN into ``-1`` and every value into its offset in one
    step (``fmax`` ignores NaN), a cast makes the codes and one comparison checks that the
    values were whole. Which values occur is checked for the values not seen so far only
    (usually all are seen in the first chunk), or for wide ranges by one scatter at the end.
    """
    if values.ndim != 2 or not values.size:
        return None
    low, high = float(np.fmin.reduce(values, axis=None)), float(np.fmax.reduce(values, axis=None))
    if not (np.isfinite(low) and np.isfinite(high)) or high - low >= _DIRECT_RANGE:
        return None
    span = int(high - low) + 1
    m, n_units = values.shape
    codes = np.empty((m, n_units), dtype=np.int32)
    unseen = list(range(span)) if span <= _TRACKED_VALUES else []
    for part in _unit_chunks(n_units, m):
        shifted = np.fmax(values[:, part], low - 1.0)
        shifted -= low
        out = codes[:, part]
        np.copyto(out, shifted, casting="unsafe")
        if not np.array_equal(out, shifted):
            return None
        if len(unseen) <= _COMPARED_VALUES:
            unseen = [v for v in unseen if not (out == v).any()]
        elif unseen:
            seen = np.bincount(out.ravel() + 1, minlength=span + 1)[1:] > 0
            unseen = [v for v in unseen if not seen[v]]
    if span <= _TRACKED_VALUES:
        present = np.ones(span, dtype=bool)
        present[unseen] = False
    else:
        used = np.zeros(span + 1, dtype=bool)
        used[codes.ravel() + 1] = True
        present = used[1:]
    numbers = np.flatnonzero(present).astype(np.float64) + low
    if not present.all():
        # renumber the values present 0 .. V-1; index 0 (missing) stays -1
        table = np.full(span + 1, -1, dtype=np.int32)
        table[1:][present] = np.arange(numbers.size, dtype=np.int32)
        for part in _unit_chunks(n_units, m):
            codes[:, part] = table[codes[:, part] + 1]
    return codes, numbers


def code_objects(values: NDArray[np.object_]) -> tuple[NDArray[np.int32], list[Any]]:
    """Codes of an object array into its distinct values, in the order first seen.

    Every element is looked up once in a dictionary (C speed). Sets and lists, which cannot
    be dictionary keys, are made frozensets first (one pass in Python, only when they occur;
    one frozenset per object). Equal values share a code, as they share a dictionary key (so
    ``1``, ``1.0`` and ``True`` are one value, as in a ``set``, and the first seen stands for
    them); NaN objects that are not the same object get codes of their own, to be merged by
    the caller with its other missing markers.
    """
    flat = values.ravel().tolist()
    try:
        index = dict.fromkeys(flat)
    except TypeError:  # a set or a list among the values: one frozenset per such object
        made: dict[int, frozenset[Any]] = {}
        for i, v in enumerate(flat):
            if isinstance(v, set | list):
                key = id(v)  # the objects stay alive in ``flat``, so ids stay unique
                if key not in made:
                    made[key] = frozenset(v)
                flat[i] = made[key]
        index = dict.fromkeys(flat)
    distinct = list(index)
    index.update(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(index.__getitem__, flat), dtype=np.int32, count=len(flat))
    return codes.reshape(values.shape), distinct
