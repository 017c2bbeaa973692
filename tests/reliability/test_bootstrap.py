"""Bootstrap intervals of alpha: reproducible, sensible, and shrinking with more units."""

from __future__ import annotations

import numpy as np
import pytest

import statecode as sc
from statecode.reliability import _bootstrap
from tests.reliability.test_alpha import ORACLES, wide_matrix

METHODS = ["units", "krippendorff"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_same_seed_same_interval(method: str, level: str) -> None:
    data = wide_matrix("hayes-krippendorff-2007-wide.csv")
    first = sc.krippendorff_alpha(data, level=level, bootstrap=500, seed=7, method=method)
    again = sc.krippendorff_alpha(data, level=level, bootstrap=500, seed=7, method=method)
    other = sc.krippendorff_alpha(data, level=level, bootstrap=500, seed=8, method=method)
    assert first.ci == again.ci
    assert first.se == again.se
    assert first.q == again.q
    np.testing.assert_array_equal(first.bootstrap.replicates, again.bootstrap.replicates)
    assert first.ci != other.ci


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("name", "level", "expected"), ORACLES)
def test_interval_contains_the_estimate(
    method: str, name: str, level: str, expected: float
) -> None:
    result = sc.krippendorff_alpha(
        wide_matrix(name), level=level, bootstrap=2000, seed=3, method=method
    )
    assert result.ci is not None
    low, high, confidence = result.ci
    assert confidence == 0.95
    assert low <= result.alpha <= high
    assert low < high
    assert result.se is not None
    assert 0 < result.se < 0.5
    # the q's are probabilities, decreasing with the minimum alpha
    q = result.q
    assert q is not None
    assert list(q) == [0.9, 0.8, 0.667]
    assert 1 >= q[0.9] >= q[0.8] >= q[0.667] >= 0


def _simulated(units: int, rng: np.random.Generator) -> np.ndarray:
    truth = rng.integers(0, 4, size=units)
    data = np.where(rng.random((4, units)) < 0.7, truth, rng.integers(0, 4, size=(4, units)))
    return data.astype(float)


@pytest.mark.parametrize("method", METHODS)
def test_interval_width_shrinks_as_units_grow(method: str) -> None:
    """Width ~ 1/sqrt(N): sixteen times the units should give about a quarter of the width."""
    rng = np.random.default_rng(2024)
    widths = []
    for units in (50, 800):
        result = sc.krippendorff_alpha(
            _simulated(units, rng), bootstrap=2000, seed=11, method=method
        )
        assert result.ci is not None
        widths.append(result.ci[1] - result.ci[0])
    assert widths[1] < 0.5 * widths[0]


def test_unit_bootstrap_matches_recomputing_alpha_on_resampled_units() -> None:
    """The vectorised unit bootstrap equals alpha recomputed on the same resampled units."""
    data = wide_matrix("krippendorff-2011-wide.csv")
    for level in ("nominal", "ordinal", "interval", "ratio"):
        result = sc.krippendorff_alpha(data, level=level, bootstrap=30, seed=5)
        pairable = (~np.isnan(data)).sum(axis=0) >= 2
        kept = data[:, pairable]
        rng = np.random.default_rng(5)
        picks = rng.integers(0, kept.shape[1], size=(30, kept.shape[1]))
        expected = []
        for row in picks:
            with np.errstate(all="ignore"):
                try:
                    alpha = sc.krippendorff_alpha(kept[:, row], level=level).alpha
                except Warning:  # pragma: no cover
                    alpha = np.nan
            expected.append(alpha)
        np.testing.assert_allclose(
            result.bootstrap.replicates, np.array(expected), atol=1e-9, equal_nan=True
        )


def test_krippendorff_algorithm_is_centred_on_alpha() -> None:
    """With D_e fixed and pairs redrawn, the mean replicate estimates alpha (large samples)."""
    rng = np.random.default_rng(9)
    data = _simulated(2000, rng)
    result = sc.krippendorff_alpha(data, bootstrap=4000, seed=1, method="krippendorff")
    assert result.bootstrap is not None
    assert float(np.nanmean(result.bootstrap.replicates)) == pytest.approx(result.alpha, abs=0.01)


def test_sum_of_draws_paths_agree_in_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    support = np.array([0.0, 0.5, 1.0])
    p = np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(0)
    multinomial = _bootstrap._sum_of_draws(support, p, 50, 4000, rng)
    monkeypatch.setattr(_bootstrap, "_MULTINOMIAL_MAX_SUPPORT", 0)
    by_index = _bootstrap._sum_of_draws(support, p, 50, 4000, rng)
    mean = 50 * float(support @ p)
    assert multinomial.mean() == pytest.approx(mean, rel=0.02)
    assert by_index.mean() == pytest.approx(mean, rel=0.02)
    assert multinomial.std() == pytest.approx(by_index.std(), rel=0.1)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_bootstrap_of_sets_and_levels_runs_in_chunks(
    level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = wide_matrix("hayes-krippendorff-2007-wide.csv")
    whole = sc.krippendorff_alpha(data, level=level, bootstrap=64, seed=2)
    monkeypatch.setattr(_bootstrap, "_CELLS", 100)
    chunked = sc.krippendorff_alpha(data, level=level, bootstrap=64, seed=2)
    # the same draws in another chunking give other replicates, but both are distributions
    # around the same estimate
    assert chunked.bootstrap is not None
    assert whole.bootstrap is not None
    assert chunked.bootstrap.size == whole.bootstrap.size == 64
    assert abs(np.nanmedian(chunked.bootstrap.replicates) - whole.alpha) < 0.1


def test_progress_is_reported() -> None:
    seen: list[int] = []
    sc.krippendorff_alpha(
        wide_matrix("krippendorff-2011-wide.csv"), bootstrap=300, seed=1, progress=seen.append
    )
    assert sum(seen) == 300


def test_bad_bootstrap_options() -> None:
    data = wide_matrix("krippendorff-2011-wide.csv")
    with pytest.raises(ValueError, match=r"method='jackknife' is not valid"):
        sc.krippendorff_alpha(data, bootstrap=10, method="jackknife")
    with pytest.raises(sc.DataError, match=r"confidence=1.5 must lie strictly between 0 and 1"):
        sc.krippendorff_alpha(data, bootstrap=10, confidence=1.5)
    with pytest.raises(sc.DataError, match=r"bootstrap=-5 must be a positive number"):
        sc.krippendorff_alpha(data, bootstrap=-5)


def test_json_keys_with_a_bootstrap() -> None:
    result = sc.krippendorff_alpha(
        wide_matrix("krippendorff-2011-wide.csv"), level="ordinal", bootstrap=200, seed=4
    )
    record = result.to_dict()
    for key in ("ci_low", "ci_high", "ci_level", "se", "bootstrap", "method", "seed", "q"):
        assert key in record
    assert record["bootstrap"] == 200
    assert record["seed"] == 4
    assert record["method"] == "units"
    assert set(record["q"]) == {"0.9", "0.8", "0.667"}


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("cells", [3, 100])
def test_draws_in_pieces_are_the_same_stream(
    level: str, cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replicates drawn in pieces (a replicate split across calls) equal one draw per chunk."""
    data = wide_matrix("hayes-krippendorff-2007-wide.csv")
    whole = sc.krippendorff_alpha(data, level=level, bootstrap=40, seed=6)
    monkeypatch.setattr(_bootstrap, "_CELLS", cells)
    pieces = sc.krippendorff_alpha(data, level=level, bootstrap=40, seed=6)
    assert whole.bootstrap is not None
    assert pieces.bootstrap is not None
    np.testing.assert_allclose(
        pieces.bootstrap.replicates, whole.bootstrap.replicates, atol=1e-12, equal_nan=True
    )


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "circular"])
def test_units_with_equal_statistics_are_counted_as_one_pattern(
    level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting draws per pattern of equal units gives the replicates of counting per unit."""
    rng = np.random.default_rng(12)
    data = _simulated(300, rng)
    options = {"period": 4.0} if level == "circular" else {}
    grouped = sc.krippendorff_alpha(data, level=level, bootstrap=50, seed=3, **options)

    def every_unit_apart(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        index = np.arange(rows.shape[0], dtype=np.intp)
        return index, index

    monkeypatch.setattr(_bootstrap, "_patterns", every_unit_apart)
    apart = sc.krippendorff_alpha(data, level=level, bootstrap=50, seed=3, **options)
    assert grouped.bootstrap is not None
    assert apart.bootstrap is not None
    np.testing.assert_allclose(
        grouped.bootstrap.replicates, apart.bootstrap.replicates, atol=1e-12, equal_nan=True
    )


def test_patterns_are_fewer_than_units_on_categorical_data() -> None:
    data = _simulated(2000, np.random.default_rng(13))
    codes = sc.ReliabilityData.from_array(data).codes
    stats = _bootstrap.unit_statistics(codes, 4, 1.0 - np.eye(4))
    assert stats.units == 2000
    assert stats.m_u.size < 2000
    assert stats.pattern is not None
    # every unit's pattern row holds that unit's counts
    counts = np.stack([(codes == c).sum(axis=0) for c in range(4)], axis=1)
    np.testing.assert_array_equal(stats.counts[stats.pattern], counts)
