"""The fast coding functions of the data path, against the table's previous factorizer.

They were written beside the kernels and moved to ``table/_factorize.py`` (the table may
not import the reliability room); the previous offset coder is kept here as the reference.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from statecode.table import _factorize as _kernels


def factorize_small_integers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The table's previous offset coder, row by row: the reference."""
    if values.ndim != 2 or not values.size:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN data
        low, high = np.nanmin(values), np.nanmax(values)
    if not (np.isfinite(low) and np.isfinite(high)) or high - low >= 1 << 24:
        return None
    span = int(high - low) + 1
    codes = np.empty(values.shape, dtype=np.int32)
    used = np.zeros(span, dtype=bool)
    for i, row in enumerate(values):
        missing = np.isnan(row)
        shifted = row - low if low else row
        code_row = codes[i]
        with np.errstate(invalid="ignore"):
            np.copyto(code_row, shifted, casting="unsafe")
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


@st.composite
def float_codes(draw: st.DrawFn) -> np.ndarray:
    """Coders x units floats: whole numbers with an offset, gaps, NaN; sometimes not whole."""
    shape = draw(st.tuples(st.integers(1, 6), st.integers(1, 30)))
    offset = draw(st.sampled_from([0.0, 1.0, -3.0, 1e6]))
    step = draw(st.sampled_from([1.0, 3.0, 0.5, 1000.0]))
    values = draw(hnp.arrays(np.float64, shape, elements=st.integers(0, 9).map(float)))
    values = values * step + offset
    missing = draw(hnp.arrays(np.bool_, shape))
    values[missing] = np.nan
    return values


@given(float_codes(), st.sampled_from([1, 4, 1 << 16]))
def test_codes_from_floats_is_the_tables_factorizer(values: np.ndarray, cells: int) -> None:
    expected = factorize_small_integers(values)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernels, "_CELLS_PER_CHUNK", cells)
        patch.setattr(_kernels, "_MAX_CHUNK_UNITS", max(1, cells // 2))
        found = _kernels.codes_from_floats(values)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        np.testing.assert_array_equal(found[0], expected[0])
        np.testing.assert_array_equal(found[1], expected[1])


@pytest.mark.parametrize(
    "values",
    [
        np.full((2, 3), np.nan),
        np.array([[0.0, 1.0], [2.0, np.inf]]),
        np.array([[0.0, 2.0**25], [1.0, 1.0]]),
        np.zeros((2, 0)),
    ],
    ids=["all-missing", "infinite", "wide", "empty"],
)
def test_codes_from_floats_declines_what_the_table_declines(values: np.ndarray) -> None:
    assert factorize_small_integers(values) is None
    assert _kernels.codes_from_floats(values) is None


def test_codes_from_floats_with_many_unused_values() -> None:
    values = np.array([[0.0, 300.0, np.nan], [150.0, 0.0, 300.0]])
    codes, numbers = _kernels.codes_from_floats(values) or (None, None)
    assert codes is not None
    np.testing.assert_array_equal(numbers, [0.0, 150.0, 300.0])
    np.testing.assert_array_equal(codes, [[0, 2, -1], [1, 0, 2]])


def _canonical(value: Any) -> Any:
    return frozenset(value) if isinstance(value, set | list) else value


object_values = st.one_of(
    st.none(),
    st.just(math.nan),
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 3),
    st.frozensets(st.sampled_from("xyz"), max_size=2),
    st.sets(st.sampled_from("xyz"), max_size=2),
    st.lists(st.sampled_from("xyz"), max_size=2, unique=True),
)


@given(st.lists(object_values, min_size=0, max_size=40), st.integers(1, 4))
def test_code_objects_gives_equal_values_one_code(values: list[Any], rows: int) -> None:
    array = np.empty(len(values) * rows, dtype=object)
    array[:] = values * rows
    array = array.reshape(rows, len(values))
    codes, distinct = _kernels.code_objects(array)
    assert codes.shape == array.shape
    canon = [_canonical(v) for v in array.ravel()]
    for i, value in enumerate(canon):
        found = distinct[codes.ravel()[i]]
        assert found is value or found == value
    for i, a in enumerate(canon):
        for j, b in enumerate(canon):
            nan = isinstance(a, float) and math.isnan(a)
            if not nan and codes.ravel()[i] != codes.ravel()[j]:
                assert a != b
            if a is b or (not nan and a == b):
                assert codes.ravel()[i] == codes.ravel()[j]
    assert len(distinct) == len({id(v) if v != v else v for v in distinct})
