"""What the report's coefficients share, and the kernels that spare it the table of counts.

Percent agreement from per-unit sums of squares (and unanimity) instead of the units x
categories counts, Conger's variance from two small tables per coder instead of q x q
passes over the codes: both against loops straight from the definitions. Inside
``sharing()`` the coefficients of one variable read the same intermediates; outside, each
makes its own, and the figures are the same either way.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import statecode as sc
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability import _kernels, _shared


@st.composite
def coded(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    """Integer codes (coders x units, -1 missing) and the number of categories."""
    m = draw(st.integers(1, 7))
    n_units = draw(st.integers(0, 25))
    q = draw(st.integers(1, 300))
    codes = draw(hnp.arrays(np.int32, (m, n_units), elements=st.integers(-1, min(q, 6) - 1)))
    return codes, q


@given(coded(), st.sampled_from([1, 4, 1 << 16]))
def test_unit_square_sums_and_unanimity(data: tuple[np.ndarray, int], cells: int) -> None:
    codes, q = data
    counts = [[int(np.sum(codes[:, u] == k)) for k in range(q)] for u in range(codes.shape[1])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernels, "_CELLS_PER_CHUNK", cells)
        patch.setattr(_kernels, "_MAX_CHUNK_UNITS", max(1, cells // 2))
        m_u, squares = _kernels.unit_square_sums(codes, q)
        unanimous = _kernels.unanimous_units(codes)
    assert m_u.tolist() == [sum(c) for c in counts]
    assert squares.tolist() == [sum(x * x for x in c) for c in counts]
    assert unanimous.tolist() == [sum(c) >= 2 and max(c) == sum(c) for c in counts]


def _conger_loop(codes: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> float:
    """Gwet's (2014) linearised variance of Conger's kappa, term by term."""
    n, q = counts.shape
    r = codes.shape[0]
    by_coder = np.array([[np.sum(codes[g] == k) for k in range(q)] for g in range(r)], float)
    n_g = by_coder.sum(axis=1)
    p_gk = by_coder / n_g[:, None]
    lam = np.zeros((n, r))
    for i in range(n):
        for g in range(r):
            rated = float(codes[g, i] >= 0)
            for k in range(q):
                inner = sum(
                    weights[k, ell]
                    * (float(codes[g, i] == ell) - (rated - n_g[g] / n) * p_gk[g, ell])
                    for ell in range(q)
                )
                lam[i, g] += (n / n_g[g]) * inner * (r * p_gk[:, k].mean() - p_gk[g, k])
    pe_i = lam.sum(axis=1) / (r * (r - 1))
    parts = ak.conger_parts(codes, counts, weights)
    obs = ak.observed(counts, weights)
    return ak._linearised(obs, parts.chance, parts.value, pe_i)


@given(coded(), st.sampled_from(["identity", "linear", "quadratic"]))
def test_conger_variance_is_gwets(data: tuple[np.ndarray, int], kind: str) -> None:
    codes, q = data
    q = min(q, 6)
    codes = codes[:, (codes >= 0).any(axis=0)]
    assume(codes.shape[0] >= 2 and codes.shape[1] >= 2)
    assume(((codes >= 0).sum(axis=1) > 0).all())
    counts = ak.category_counts(codes, q)
    weights = ak.weight_matrix(kind, np.arange(1.0, q + 1))
    found = ak.conger_parts(codes, counts, weights).variance
    expected = _conger_loop(codes, counts, weights)
    if np.isnan(expected):
        assert np.isnan(found)
    else:
        assert found == pytest.approx(expected, rel=1e-9, abs=1e-15)


def _all_coefficients(rel: sc.ReliabilityData) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sc.DegenerateDataWarning)
        return [
            sc.percent_agreement(rel, method="full").value,
            sc.percent_agreement(rel).value,
            sc.fleiss_kappa(rel).value,
            sc.fleiss_kappa(rel, variant="conger").se or 0.0,
            sc.gwet_ac1(rel).value,
            sc.gwet_ac1(rel).se or 0.0,
            sc.gwet_ac2(rel, weights="linear").value,
            sc.gwet_ac2(rel, weights="linear").se or 0.0,
            sc.brennan_prediger(rel).value,
            sc.brennan_prediger(rel).se or 0.0,
            sc.fleiss_kappa(rel).se or 0.0,
        ]


def test_sharing_counts_once_and_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    codes = rng.integers(-1, 4, (5, 200)).astype(np.int32)
    rel = sc.ReliabilityData(codes, (0, 1, 2, 3), None, [str(u) for u in range(200)], list("abcde"))
    alone = _all_coefficients(rel)
    made: list[int] = []
    observed: list[str] = []
    real, real_observed = ak.category_counts, ak.observed

    def counting(codes: np.ndarray, q: int) -> np.ndarray:
        made.append(q)
        return real(codes, q)

    def counting_observed(counts: np.ndarray, weights: np.ndarray) -> ak.Observed:
        observed.append("identity" if np.array_equal(weights, np.eye(4)) else "weighted")
        return real_observed(counts, weights)

    monkeypatch.setattr(ak, "category_counts", counting)
    monkeypatch.setattr(ak, "observed", counting_observed)
    with _shared.sharing():
        together = _all_coefficients(rel)
        assert _shared.shared(rel) is _shared.shared(rel)
    assert made == [4]
    # Fleiss, Conger, AC1 and BP read one observed agreement; AC2's weights make another
    assert sorted(observed) == ["identity", "weighted"]
    np.testing.assert_array_equal(together, alone)
    # outside the block nothing is kept
    assert _shared.shared(rel) is not _shared.shared(rel)


def test_the_report_reads_each_variable_once(monkeypatch: pytest.MonkeyPatch) -> None:
    table = sc.read_codings("examples/readouts/codings.csv", codebook=sc.read_codebook("readouts"))
    calls: list[str] = []
    real = sc.CodingTable._reliability_data

    def counting(self: sc.CodingTable, part: object, variable: str, *args: object) -> object:
        calls.append(variable)
        return real(self, part, variable, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sc.CodingTable, "_reliability_data", counting)
    sc.reliability_report(table, coefficients="all")
    assert sorted(calls) == sorted(table.variables)
