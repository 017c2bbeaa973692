"""The agreement kernels' fast paths against loops straight from the definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import statecode as sc
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability import _kernels


@st.composite
def coded(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    """Integer codes (coders x units, -1 missing) and the number of categories."""
    m = draw(st.integers(1, 7))
    n_units = draw(st.integers(0, 25))
    q = draw(st.integers(1, 20))
    codes = draw(hnp.arrays(np.int32, (m, n_units), elements=st.integers(-1, q - 1)))
    return codes, q


@given(coded(), st.sampled_from([1, 4, 1 << 16]))
def test_category_counts_in_any_chunking(data: tuple[np.ndarray, int], cells: int) -> None:
    codes, q = data
    expected = np.array(
        [[np.sum(codes[:, u] == k) for k in range(q)] for u in range(codes.shape[1])]
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernels, "_CELLS_PER_CHUNK", cells)
        patch.setattr(_kernels, "_MAX_CHUNK_UNITS", max(1, cells // 2))
        counts = ak.category_counts(codes, q)
    np.testing.assert_array_equal(counts.reshape(codes.shape[1], q), expected.reshape(-1, q))


@given(coded(), st.sampled_from([1, 4, 1 << 16]))
def test_pair_agreements_match_the_pair_loop(data: tuple[np.ndarray, int], cells: int) -> None:
    codes, _ = data
    m = codes.shape[0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernels, "_CELLS_PER_CHUNK", cells)
        patch.setattr(_kernels, "_MAX_CHUNK_UNITS", max(1, cells // 2))
        shared, agree = ak.pair_agreements(codes)
    for i in range(m):
        for j in range(m):
            both = (codes[i] >= 0) & (codes[j] >= 0)
            assert shared[i, j] == (0 if i == j else both.sum())
            assert agree[i, j] == (0 if i == j else np.sum(codes[i, both] == codes[j, both]))


@given(coded())
def test_holsti_is_the_mean_over_pairs_sharing_units(data: tuple[np.ndarray, int]) -> None:
    codes, _ = data
    ratios = []
    for i in range(codes.shape[0] - 1):
        for j in range(i + 1, codes.shape[0]):
            both = (codes[i] >= 0) & (codes[j] >= 0)
            if both.any():
                ratios.append(float(np.mean(codes[i, both] == codes[j, both])))
    assume(ratios)
    value = sc.holsti(np.where(codes >= 0, codes, np.nan)).value
    assert value == pytest.approx(float(np.mean(ratios)), abs=1e-12)


@given(
    hnp.arrays(
        np.int64, st.tuples(st.integers(1, 30), st.integers(1, 6)), elements=st.integers(0, 4)
    )
)
def test_per_category_kappas_are_the_binary_kappas(counts: np.ndarray) -> None:
    counts = counts[counts.sum(axis=1) > 0].astype(np.float64)
    assume(counts.shape[0] > 0)
    r_i = counts.sum(axis=1)
    expected = []
    for k in range(counts.shape[1]):
        binary = np.stack([counts[:, k], r_i - counts[:, k]], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected.append(ak.fleiss_parts(binary, np.eye(2)).value)
    np.testing.assert_allclose(
        ak.fleiss_per_category(counts), np.array(expected), atol=1e-12, equal_nan=True
    )


def test_an_observed_agreement_of_other_counts_is_refused() -> None:
    counts = ak.category_counts(np.array([[0, 1, 1], [0, 1, -1]], dtype=np.int32), 2)
    weights = np.eye(2)
    obs = ak.observed(counts, weights)
    assert ak.fleiss_parts(counts, weights, obs=obs) == ak.fleiss_parts(counts, weights)
    with pytest.raises(ValueError, match="other counts or times"):
        ak.fleiss_parts(counts, weights, np.ones(3), obs=obs)
    with pytest.raises(ValueError, match="other counts or times"):
        ak.gwet_parts(counts[:2], weights, obs=obs)
