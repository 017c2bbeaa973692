"""Units and Krippendorff bootstraps from merged statistics: streamed data take every method."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode
from statecode import AlphaStatistics
from statecode.exceptions import OptionError
from tests.reliability.test_poisson import replicates

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def coded(seed: int, units: int = 300) -> tuple[np.ndarray, pl.DataFrame]:
    """Four coders, four values, 70% agreement, 20% missing: as an array and a long frame."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, units)
    data = np.where(rng.random((4, units)) < 0.7, truth, rng.integers(0, 4, (4, units)))
    data = data.astype(float)
    data[rng.random((4, units)) < 0.2] = np.nan
    coder, unit = np.nonzero(~np.isnan(data))
    return data, pl.DataFrame({"unit": unit, "coder": coder, "value": data[coder, unit]})


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorffs_bootstrap_of_streamed_data_is_the_in_memory_one(level: str) -> None:
    # the pair differences and unit sizes counted from the patterns are the arrays the codes
    # give: the same replicates for the same seed
    data, long = coded(3)
    options: dict[str, Any] = {"level": level, "bootstrap": 500, "seed": 5}
    memory = statecode.krippendorff_alpha(data, method="krippendorff", **options)
    lazy = statecode.krippendorff_alpha(long.lazy(), method="krippendorff", **options)
    assert memory.bootstrap is not None
    assert lazy.bootstrap is not None
    assert lazy.bootstrap.method == "krippendorff"
    np.testing.assert_allclose(
        lazy.bootstrap.replicates, memory.bootstrap.replicates, atol=1e-12, equal_nan=True
    )


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_unit_bootstrap_of_streamed_data_agrees_in_distribution(level: str, seed: int) -> None:
    # stated tolerance, as for the Poisson bootstrap: with 4,000 replicates of each, the
    # standard errors within 10% of each other, each interval end within a quarter SE
    data, long = coded(seed, units=400)
    memory = statecode.krippendorff_alpha(data, level=level, bootstrap=4000, seed=seed)
    lazy = statecode.krippendorff_alpha(long.lazy(), level=level, bootstrap=4000, seed=seed)
    assert lazy.bootstrap is not None
    assert lazy.bootstrap.method == "units"
    assert memory.se is not None
    assert lazy.se is not None
    assert memory.ci is not None
    assert lazy.ci is not None
    assert abs(lazy.se / memory.se - 1.0) < 0.10
    assert abs(lazy.ci[0] - memory.ci[0]) < 0.25 * memory.se
    assert abs(lazy.ci[1] - memory.ci[1]) < 0.25 * memory.se


@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(LEVELS),
    st.sampled_from(["units", "krippendorff", "poisson"]),
    st.integers(1, 6),
    st.integers(0, 2**64 - 1),
    st.booleans(),
)
def test_any_partition_gives_the_same_replicates(
    data_seed: int, level: str, method: str, n_parts: int, seed: int, many: bool
) -> None:
    # many: a domain of 40 values, the many-valued (triples) path of the statistics
    _, frame = coded(data_seed, units=30)
    options: dict[str, Any] = {
        "level": level,
        "domain": [float(v) for v in range(40 if many else 4)],
        "bootstrap": 50,
        "seed": seed,
        "method": method,
    }
    whole = AlphaStatistics.from_frame(frame, **options)
    part = pl.col("unit") % n_parts
    parts = [AlphaStatistics.from_frame(frame.filter(part == k), **options) for k in range(n_parts)]
    np.testing.assert_allclose(
        replicates(sum(reversed(parts))), replicates(whole), atol=1e-12, equal_nan=True
    )


def test_moments_take_the_poisson_bootstrap_only() -> None:
    _, frame = coded(2)
    with pytest.raises(OptionError, match="take method='poisson'"):
        AlphaStatistics.from_frame(frame, level="interval", bootstrap=10, seed=1, method="units")
    one = AlphaStatistics.from_frame(frame, domain=[0.0, 1.0, 2.0, 3.0], bootstrap=10, seed=1)
    other = AlphaStatistics.from_frame(
        frame, domain=[0.0, 1.0, 2.0, 3.0], bootstrap=10, seed=1, method="units"
    )
    with pytest.raises(OptionError, match="method="):
        _ = one + other
