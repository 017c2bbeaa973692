"""The Poisson bootstrap: the same replicates for any partition, the unit bootstrap's spread."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode
from statecode import AlphaStatistics
from statecode.exceptions import DegenerateDataWarning, OptionError
from statecode.reliability._poisson import poisson_weights, unit_keys


def replicates(stats: AlphaStatistics) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        result = stats.result()
    assert result.bootstrap is not None
    return result.bootstrap.replicates


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    n_units = draw(st.integers(2, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, n_units)
    unit = np.repeat(np.arange(n_units), 4)
    value = np.where(rng.random(unit.size) < 0.6, truth[unit], rng.integers(0, 4, unit.size))
    frame = pl.DataFrame({"unit": unit, "coder": np.tile(np.arange(4), n_units), "value": value})
    return frame.filter(pl.Series(rng.random(unit.size) < 0.8))


@given(
    frames(),
    st.sampled_from(["nominal", "ordinal", "interval", "moments"]),
    st.lists(st.integers(0, 3), min_size=1, max_size=6),
    st.integers(0, 2**40),
)
def test_any_partition_gives_the_same_replicates(
    frame: pl.DataFrame, level: str, labels: list[int], seed: int
) -> None:
    domain = None if level == "moments" else [0, 1, 2, 3]
    options: dict[str, Any] = {
        "level": "interval" if level == "moments" else level,
        "domain": domain,
        "bootstrap": 50,
        "seed": seed,
    }
    whole = AlphaStatistics.from_frame(frame, **options)
    part = pl.col("unit").replace_strict({u: labels[u % len(labels)] for u in range(30)}, default=0)
    parts = [AlphaStatistics.from_frame(frame.filter(part == k), **options) for k in set(labels)]
    merged = sum(reversed(parts))
    np.testing.assert_allclose(
        replicates(merged), replicates(whole), rtol=1e-12, atol=1e-12, equal_nan=True
    )


def test_the_weights_are_poisson_1() -> None:
    weights = poisson_weights(unit_keys(np.arange(2000, dtype=np.uint64), 5), 500)
    assert abs(weights.mean() - 1.0) < 0.005
    assert abs(weights.var() - 1.0) < 0.01
    assert abs(np.mean(weights == 0) - np.exp(-1.0)) < 0.003
    # another seed gives other weights; the same seed the same
    other = poisson_weights(unit_keys(np.arange(2000, dtype=np.uint64), 6), 500)
    assert np.mean(weights == other) < 0.5
    same = poisson_weights(unit_keys(np.arange(2000, dtype=np.uint64), 5), 500)
    assert np.array_equal(weights, same)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("seed", [0, 1])
def test_it_agrees_in_distribution_with_the_unit_bootstrap(level: str, seed: int) -> None:
    # stated tolerance: with 4,000 replicates of each, the standard errors within 10% of
    # each other, and each end of the 95% interval within a quarter of a standard error
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, 400)
    data = np.where(rng.random((4, 400)) < 0.7, truth, rng.integers(0, 4, (4, 400))).astype(float)
    data[rng.random((4, 400)) < 0.2] = np.nan
    units = statecode.krippendorff_alpha(data, level=level, bootstrap=4000, seed=seed)
    poisson = statecode.krippendorff_alpha(
        data, level=level, bootstrap=4000, seed=seed, method="poisson"
    )
    assert units.se is not None
    assert poisson.se is not None
    assert units.ci is not None
    assert poisson.ci is not None
    assert poisson.bootstrap is not None
    assert poisson.bootstrap.method == "poisson"
    assert poisson.alpha == pytest.approx(units.alpha, abs=1e-12)
    assert abs(poisson.se / units.se - 1.0) < 0.10
    assert abs(poisson.ci[0] - units.ci[0]) < 0.25 * units.se
    assert abs(poisson.ci[1] - units.ci[1]) < 0.25 * units.se


def test_every_input_takes_it_and_gives_the_same_replicates() -> None:
    rng = np.random.default_rng(9)
    data = rng.integers(0, 3, (3, 200)).astype(float)
    data[rng.random((3, 200)) < 0.2] = np.nan
    coder, unit = np.nonzero(~np.isnan(data))
    long = pl.DataFrame({"unit": unit, "coder": coder, "value": data[coder, unit]})
    options: dict[str, Any] = {"bootstrap": 300, "seed": 4, "method": "poisson"}
    from_array = statecode.krippendorff_alpha(data, **options)
    from_frame = statecode.krippendorff_alpha(long, **options)
    from_lazy = statecode.krippendorff_alpha(long.lazy(), **options)
    assert from_array.bootstrap is not None
    assert from_frame.bootstrap is not None
    assert from_lazy.bootstrap is not None
    np.testing.assert_allclose(from_array.bootstrap.replicates, from_lazy.bootstrap.replicates)
    np.testing.assert_allclose(from_frame.bootstrap.replicates, from_lazy.bootstrap.replicates)
    assert from_lazy.coders == from_array.coders == 3


def test_parts_need_one_seed() -> None:
    frame = pl.DataFrame({"unit": [1, 1], "coder": ["a", "b"], "value": [1, 2]})
    with pytest.raises(OptionError, match="needs seed="):
        AlphaStatistics.from_frame(frame, domain=[1, 2], bootstrap=10)
    one = AlphaStatistics.from_frame(frame, domain=[1, 2], bootstrap=10, seed=1)
    with pytest.raises(OptionError, match="seed="):
        _ = one + AlphaStatistics.from_frame(frame, domain=[1, 2], bootstrap=10, seed=2)
    with pytest.raises(OptionError, match="method='units'"):
        statecode.krippendorff_alpha(
            [[{"a"}, {"b"}], [{"a"}, {"a", "b"}]], bootstrap=10, method="poisson"
        )


def test_the_bucket_table_gives_the_exact_inverse_cdf() -> None:
    from statecode.reliability import _poisson  # noqa: PLC0415 - its private tables

    keys = unit_keys(np.arange(3000, dtype=np.uint64), 11)
    steps = (np.arange(1, 301, dtype=np.uint64) * _poisson._GAMMA)[None, :]
    exact = np.searchsorted(_poisson._POISSON, _poisson._mix(keys[:, None] + steps), side="right")
    assert np.array_equal(poisson_weights(keys, 300), exact)
