"""dask_alpha on a real distributed.LocalCluster: the in-memory figures to 1e-12."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import polars as pl
import pytest

import statecode
from statecode.exceptions import DataError, OptionError

distributed = pytest.importorskip(
    "distributed", reason="dask_alpha needs the dask extra (pip install 'statecode[dask]')"
)
dd = pytest.importorskip("dask.dataframe", reason="dask_alpha needs dask.dataframe")
pd = pytest.importorskip("pandas", reason="dask DataFrames are pandas inside")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def frame(seed: int = 0, units: int = 3000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, units)
    unit = np.repeat(np.arange(units), 4)
    value = np.where(rng.random(unit.size) < 0.7, truth[unit], rng.integers(0, 5, unit.size))
    data = pl.DataFrame(
        {"unit": unit, "coder": np.tile(["a", "b", "c", "d"], units), "value": value}
    )
    return data.filter(pl.Series(rng.random(unit.size) < 0.8))


def same(a: Any, b: Any) -> None:
    for name in ("units", "pairable_units", "coders", "pairable_values", "level"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("alpha", "observed_disagreement", "expected_disagreement"):
        assert math.isclose(getattr(a, name), getattr(b, name), rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_a_two_worker_cluster_gives_the_in_memory_figures(client: Any, level: str) -> None:
    data = frame()
    ddf = dd.from_pandas(data.to_pandas(), npartitions=5)
    result = statecode.dask_alpha(ddf, level=level, scheduler=client)
    same(result, statecode.krippendorff_alpha(data, level=level))
    assert result.values == statecode.krippendorff_alpha(data, level=level).values


def test_continuous_interval_data_travel_as_moments(client: Any) -> None:
    data = frame(1).with_columns(pl.col("value") + pl.int_range(pl.len()) / 7919.0)
    ddf = dd.from_pandas(data.to_pandas(), npartitions=4)
    merged = statecode.dask_statistics(ddf, level="interval", domain=None, scheduler=client)
    assert merged.coincidences is None  # more than 2,048 values: moments
    same(merged.result(), statecode.krippendorff_alpha(data, level="interval"))


def test_the_poisson_bootstrap_on_the_cluster_is_the_one_in_memory(client: Any) -> None:
    data = frame(2, units=800)
    ddf = dd.from_pandas(data.to_pandas(), npartitions=3)
    result = statecode.dask_alpha(ddf, bootstrap=200, seed=7, scheduler=client)
    reference = statecode.krippendorff_alpha(data, bootstrap=200, seed=7, method="poisson")
    assert result.bootstrap is not None
    assert reference.bootstrap is not None
    np.testing.assert_allclose(
        result.bootstrap.replicates, reference.bootstrap.replicates, rtol=1e-12, atol=1e-12
    )


def test_parts_written_by_unit_need_no_shuffle_and_take_every_bootstrap(client: Any) -> None:
    # dd.from_pandas splits a frame sorted by unit at unit boundaries here (sorted index of
    # whole units): every unit's rows in one partition, so by_unit=True skips the shuffle
    data = frame(3, units=900).sort("unit")
    pdf = data.to_pandas().set_index("unit", drop=False)
    ddf = dd.from_pandas(pdf, npartitions=3, sort=True).reset_index(drop=True)
    for method in ("krippendorff", "units"):
        result = statecode.dask_alpha(
            ddf, bootstrap=100, seed=4, method=method, by_unit=True, scheduler=client
        )
        reference = statecode.krippendorff_alpha(data.lazy(), bootstrap=100, seed=4, method=method)
        same(result, statecode.krippendorff_alpha(data))
        assert result.bootstrap is not None
        assert reference.bootstrap is not None
        assert result.bootstrap.method == method
        np.testing.assert_allclose(
            result.bootstrap.replicates, reference.bootstrap.replicates, atol=1e-12
        )


def test_bad_rows_raise_from_the_worker(client: Any) -> None:
    data = frame(3, units=100).to_pandas()
    doubled = pd.concat([data, data.iloc[:1]])
    with pytest.raises(DataError, match="appears 2 times"):
        statecode.dask_alpha(dd.from_pandas(doubled, npartitions=2), scheduler=client)
    with pytest.raises(DataError, match="missing column"):
        statecode.dask_alpha(dd.from_pandas(data, npartitions=2), value="code", scheduler=client)
    with pytest.raises(OptionError, match="seed="):
        statecode.dask_alpha(dd.from_pandas(data, npartitions=2), bootstrap=5, scheduler=client)
