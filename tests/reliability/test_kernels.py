"""The kernels of alpha: every method a kernel may choose gives the figures of the definition.

The kernels pick among methods by estimated cost (per-value comparisons, pairwise equality,
one bincount; counts times a matrix product or pair keys; coincidences or moments), and work
in chunks of units. Each test forces every method and tiny chunks on random small data and
compares with a loop straight from the definition.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import statecode as sc
from statecode.reliability import _alpha, _distance, _kernels, _moment_kernels
from statecode.reliability._distance import mid_ranks
from tests.reliability import naive
from tests.reliability.test_alpha import _units, wide_matrix
from tests.strategies import reliability_matrices, varied


@st.composite
def coded(draw: st.DrawFn, *, max_values: int = 12) -> tuple[np.ndarray, int]:
    """Integer codes (coders x units, -1 missing) and the size of the value domain."""
    m = draw(st.integers(1, 8))
    n_units = draw(st.integers(0, 30))
    n_values = draw(st.integers(1, max_values))
    codes = draw(hnp.arrays(np.int32, (m, n_units), elements=st.integers(-1, n_values - 1)))
    return codes, n_values


def naive_coincidences(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray, int]:
    """o_ck, n_c and pairable units by a loop over units and ordered pairs of coders."""
    matrix = np.zeros((n_values, n_values))
    units = 0
    for column in codes.T:
        values = [int(v) for v in column if v >= 0]
        if len(values) < 2:
            continue
        units += 1
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    matrix[a, b] += 1.0 / (len(values) - 1)
    present = codes[:, (codes >= 0).sum(axis=0) >= 2]
    n_c = np.bincount(present[present >= 0], minlength=n_values).astype(float)
    return matrix, n_c, units


def _tiny_chunks(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    monkeypatch.setattr(_kernels, "_CELLS_PER_CHUNK", cells)
    monkeypatch.setattr(_kernels, "_MAX_CHUNK_UNITS", max(1, cells // 2))


@given(coded(), st.sampled_from([1, 3, 1 << 16]))
@pytest.mark.parametrize("by_pairs", [False, True])
def test_coincidences_match_the_definition(
    by_pairs: bool, data: tuple[np.ndarray, int], cells: int
) -> None:
    codes, n_values = data
    expected, n_c, units = naive_coincidences(codes, n_values)
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        found = _kernels.coincidences(codes, n_values, by_pairs=by_pairs)
    np.testing.assert_allclose(found.matrix, expected, atol=1e-12)
    np.testing.assert_array_equal(found.n_c, n_c)
    assert found.units == units
    np.testing.assert_allclose(_kernels.coincidence_matrix(codes, n_values), expected, atol=1e-12)


@given(coded(max_values=20), st.sampled_from([1, 5, 1 << 16]))
@pytest.mark.parametrize("method", ["compare", "bincount", "pairs"])
def test_nominal_methods_match_the_coincidences(
    method: str, data: tuple[np.ndarray, int], cells: int
) -> None:
    codes, n_values = data
    matrix, n_c, units = naive_coincidences(codes, n_values)
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        patch.setattr(_kernels, "_nominal_method", lambda _m, _v: method)
        parts = _kernels.nominal_parts(codes, n_values)
    n = n_c.sum()
    assert parts.observed == pytest.approx(matrix.sum() - np.trace(matrix), abs=1e-9)
    assert parts.expected == n * n - n_c @ n_c
    assert (parts.n, parts.units) == (int(n), units)


@given(coded(), st.data())
@pytest.mark.parametrize("by_pairs", [False, True])
def test_matrix_parts_match_the_pair_loop(
    by_pairs: bool, data: tuple[np.ndarray, int], draw: st.DataObject
) -> None:
    """Counts times the difference matrix give the sums of the old loop over coder pairs."""
    codes, n_values = data
    cells = draw.draw(
        hnp.arrays(np.float64, (n_values, n_values), elements=st.floats(0, 10)), label="delta"
    )
    delta = cells + cells.T  # a difference is symmetric; the diagonal need not be 0

    def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(delta[a, b], dtype=np.float64)

    reference = _kernels.generic_parts(codes, n_values, distance)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernels, "_pair_key_cost", lambda _m: -1.0 if by_pairs else math.inf)
        parts = _kernels.matrix_parts(codes, delta)
    assert parts.observed == pytest.approx(reference.observed, rel=1e-12, abs=1e-9)
    assert parts.expected == pytest.approx(reference.expected, rel=1e-12, abs=1e-9)
    assert (parts.n, parts.units) == (reference.n, reference.units)


@given(coded(max_values=8), st.sampled_from([1, 4, 1 << 16]))
def test_ordinal_paths_agree(data: tuple[np.ndarray, int], cells: int) -> None:
    """The coincidence path and the mid-rank moments give the same ordinal sums."""
    codes, n_values = data
    by_counts, ranks = _moment_kernels.ordinal_parts(codes, n_values)
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        patch.setattr(_kernels, "_GEMM_MAX_V", 0)
        by_moments, same_ranks = _moment_kernels.ordinal_parts(codes, n_values)
    np.testing.assert_array_equal(ranks, same_ranks)
    scale = max(1.0, by_counts.expected)
    assert by_moments.observed == pytest.approx(by_counts.observed, abs=1e-9 * scale)
    assert by_moments.expected == pytest.approx(by_counts.expected, abs=1e-9 * scale)
    assert (by_moments.n, by_moments.units) == (by_counts.n, by_counts.units)


def naive_moment_sums(points: np.ndarray) -> tuple[float, float]:
    """n D_o and n(n-1) D_e for squared Euclidean distances, by loops over pairs of values."""
    units = [
        [points[:, i, u] for i in range(points.shape[1]) if not np.isnan(points[0, i, u])]
        for u in range(points.shape[2])
    ]
    units = [u for u in units if len(u) >= 2]
    observed = sum(float(np.sum((a - b) ** 2)) / (len(u) - 1) for u in units for a in u for b in u)
    pooled = [x for u in units for x in u]
    expected = sum(float(np.sum((a - b) ** 2)) for a in pooled for b in pooled)
    return observed, expected


@given(
    st.integers(1, 2),
    st.integers(1, 6),
    st.integers(0, 20),
    st.sampled_from([0.0, 1e6]),
    st.sampled_from([1, 3, 1 << 16]),
    st.data(),
)
def test_embedded_parts_match_pairs_in_any_chunking(
    dims: int, m: int, n_units: int, offset: float, cells: int, data: st.DataObject
) -> None:
    values = data.draw(
        hnp.arrays(
            np.float64,
            (dims, m, n_units),
            elements=st.one_of(st.just(math.nan), st.floats(-50, 50)),
        )
    )
    # the same points with a missing value missing in every dimension
    values[:, np.isnan(values).any(axis=0)] = math.nan
    values = values + offset
    observed, expected = naive_moment_sums(values)
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        parts = _moment_kernels.embedded_parts(values)
    scale = max(1.0, expected)
    assert parts.observed == pytest.approx(observed, abs=1e-9 * scale)
    assert parts.expected == pytest.approx(expected, abs=1e-9 * scale)


def test_unit_means_far_from_zero_keep_their_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    # found by the test above: means of 1e6 + 0.05 pooled one unit per chunk lost 1e-9
    # of the expected sum to rounding at 1e6 (fixed by pooling them relative to a unit)
    first = [0.0, 0.0] + [0.1] * 11
    values = np.array([[first, [0.1] * 13]]) + 1e6
    observed, expected = naive_moment_sums(values)
    _tiny_chunks(monkeypatch, 1)
    parts = _moment_kernels.embedded_parts(values)
    assert parts.observed == pytest.approx(observed, abs=1e-10)
    assert parts.expected == pytest.approx(expected, abs=1e-10)


@given(coded(), st.sampled_from([1, 3, 1 << 16]))
def test_coded_points_are_the_points_of_the_codes(data: tuple[np.ndarray, int], cells: int) -> None:
    codes, n_values = data
    table = np.arange(n_values, dtype=np.float64) ** 1.5 - 3.0
    points = np.where(codes >= 0, table[np.maximum(codes, 0)], np.nan)
    expected = _moment_kernels.embedded_parts(points)
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        parts = _moment_kernels.coded_embedded_parts(codes, table)
    scale = max(1.0, expected.expected)
    assert parts.observed == pytest.approx(expected.observed, abs=1e-9 * scale)
    assert parts.expected == pytest.approx(expected.expected, abs=1e-9 * scale)
    assert (parts.n, parts.units) == (expected.n, expected.units)


@given(coded(max_values=30), st.sampled_from([1, 3, 1 << 16]))
def test_value_counts_of_pairable_units(data: tuple[np.ndarray, int], cells: int) -> None:
    codes, n_values = data
    _, n_c, _ = naive_coincidences(codes, n_values)
    keep = (codes >= 0).sum(axis=0) >= 2
    with pytest.MonkeyPatch.context() as patch:
        _tiny_chunks(patch, cells)
        np.testing.assert_array_equal(_kernels.value_counts(codes, n_values, keep), n_c)
        everything = _kernels.value_counts(codes, n_values)
    np.testing.assert_array_equal(everything, np.bincount(codes[codes >= 0], minlength=n_values))


@given(reliability_matrices(max_coders=5, max_units=15))
@pytest.mark.parametrize(
    ("level", "options", "delta"),
    [
        ("ratio", {}, naive.ratio),
        ("bipolar", {"bounds": (-1.0, 5.0)}, naive.bipolar(-1.0, 5.0)),
    ],
)
def test_tabulated_and_functional_differences_agree(
    level: str, options: dict[str, Any], delta: naive.Delta, matrix: list[list[float]]
) -> None:
    """Ratio and bipolar alpha from the V x V matrix equal the pair loop on the function."""
    assume(varied(matrix))
    expected = naive.naive_alpha(_units(matrix), delta)
    tabulated = sc.krippendorff_alpha(matrix, level=level, **options).alpha
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_alpha, "MATRIX_MAX_V", 0)
        functional = sc.krippendorff_alpha(matrix, level=level, **options).alpha
    if math.isnan(expected):
        assert math.isnan(tabulated)
        assert math.isnan(functional)
    else:
        assert tabulated == pytest.approx(expected, abs=1e-9)
        assert functional == pytest.approx(expected, abs=1e-9)


def test_expected_blocks_of_the_functional_path(monkeypatch: pytest.MonkeyPatch) -> None:
    data = wide_matrix("hayes-krippendorff-2007-wide.csv")
    expected = sc.krippendorff_alpha(data, level="ratio").alpha
    monkeypatch.setattr(_alpha, "MATRIX_MAX_V", 0)
    monkeypatch.setattr(_kernels, "_EXPECTED_BLOCK", 2)
    assert sc.krippendorff_alpha(data, level="ratio").alpha == pytest.approx(expected, abs=1e-12)


def test_mid_ranks_of_the_coincidences_are_those_of_the_counts() -> None:
    codes = np.array([[0, 1, 2, 2, -1], [0, 2, 2, 1, 1], [-1, -1, 0, 2, -1]], dtype=np.int32)
    _, ranks = _moment_kernels.ordinal_parts(codes, 3)
    np.testing.assert_array_equal(ranks, mid_ranks(np.array([3.0, 2.0, 5.0])))


@given(st.lists(st.frozensets(st.sampled_from("abcdef"), max_size=4), max_size=12, unique=True))
@pytest.mark.parametrize("name", ["masi", "jaccard"])
def test_set_distance_matrix_is_the_pairwise_function(
    name: str, domain: list[frozenset[str]]
) -> None:
    func = sc.masi_distance if name == "masi" else sc.jaccard_distance
    expected = np.array([[func(a, b) if a != b else 0.0 for b in domain] for a in domain])
    found = _distance.set_distance_matrix(domain, func)
    np.testing.assert_array_equal(found, expected.reshape(found.shape))
