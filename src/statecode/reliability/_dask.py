"""Krippendorff's alpha of a Dask DataFrame: statistics per partition, merged by a tree.

The long table is shuffled so that every row of a unit lands in one partition (the only
step that moves rows); each partition becomes an :class:`~statecode.AlphaStatistics` on its
worker; the statistics are merged pairwise in a tree, so what travels after the shuffle is
the V x V state (or the moments) of each partition, and the coder ids seen. dask and
distributed come with the ``dask`` extra (``pip install 'statecode[dask]'``) and are
imported only here, when used.
"""

from __future__ import annotations

import contextlib
import logging
import operator
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from statecode.exceptions import DataError, MissingExtraError, OptionError
from statecode.options import AlphaLevel, BootstrapMethod, Level, parse_option
from statecode.reliability._scale import domain_of_values
from statecode.reliability._statistics import ALPHA_MIN, AlphaStatistics
from statecode.reliability.results import AlphaResult

__all__ = ["dask_alpha"]


def _dask() -> tuple[Any, Any, Any]:
    try:
        import dask  # noqa: PLC0415 - the dask extra, imported when used
        import dask.dataframe as dd  # noqa: PLC0415
        import distributed  # noqa: PLC0415
    except ImportError:
        msg = "dask_alpha needs dask and distributed: pip install 'statecode[dask]'"
        raise MissingExtraError(msg) from None
    return dask, dd, distributed


@contextlib.contextmanager
def _client(scheduler: Any) -> Iterator[Any]:
    """The client to compute with: given, at an address, the current one, or a local one."""
    _, _, distributed = _dask()
    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except OSError as exc:
            msg = f"no Dask scheduler answers at {scheduler} ({exc}); check --scheduler"
            raise OptionError(msg, option="scheduler") from None
        with client:
            yield client
        return
    try:
        current = distributed.default_client()
    except ValueError:
        current = None
    if current is not None:
        yield current
        return
    # the scheduler of a cluster of our own logs each shuffle at WARNING level
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def _part_statistics(part: Any, options: dict[str, Any]) -> AlphaStatistics:
    """One partition (pandas, on its worker) as statistics."""
    return AlphaStatistics.from_frame(pl.from_pandas(part), **options)


def _tree(dask: Any, items: list[Any]) -> Any:
    """The pairwise sum of delayed statistics, as a balanced tree."""
    while len(items) > 1:
        pairs = [
            dask.delayed(operator.add)(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)
        ]
        items = pairs + ([items[-1]] if len(items) % 2 else [])
    return items[0]


def dask_statistics(
    ddf: Any,
    *,
    level: AlphaLevel | Level | str = AlphaLevel.NOMINAL,
    domain: Sequence[Any] | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    period: float | None = None,
    bounds: tuple[float, float] | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    method: BootstrapMethod | str = BootstrapMethod.POISSON,
    by_unit: bool = False,
    scheduler: Any = None,
) -> AlphaStatistics:
    """The merged :class:`~statecode.AlphaStatistics` of a Dask DataFrame in long layout.

    See :func:`dask_alpha`.
    """
    dask, dd, _ = _dask()
    if not isinstance(ddf, dd.DataFrame):
        msg = f"expected a dask DataFrame, got {type(ddf).__name__}"
        raise DataError(msg)
    missing = [c for c in (unit, coder, value) if c not in ddf.columns]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        have = ", ".join(repr(c) for c in ddf.columns)
        msg = f"missing column(s) {listed} (columns: {have}); name them with unit=, coder=, value="
        raise DataError(msg)
    parsed = parse_option(AlphaLevel, level, "level")
    if bootstrap and seed is None:
        msg = "a Dask bootstrap needs seed=: every partition weights its units from it"
        raise OptionError(msg, option="seed")
    frame = ddf[[unit, coder, value]]
    with _client(scheduler) as client:
        if domain is None:
            found = client.compute(frame[value].dropna().unique()).result()
            domain = domain_of_values([_plain(v) for v in found.tolist()], parsed)
        # every row of a unit in one partition: the one step that moves rows (none when
        # the parts were written by unit)
        shuffled = frame if by_unit else frame.shuffle(on=unit)
        options = {
            "level": parsed,
            "domain": domain,
            "unit": unit,
            "coder": coder,
            "value": value,
            "period": period,
            "bounds": bounds,
            "bootstrap": bootstrap,
            "seed": seed,
            "method": method,
            "row_numbers": False,  # a shuffled partition's rows are not the data's
        }
        parts = [dask.delayed(_part_statistics)(p, options) for p in shuffled.to_delayed()]
        merged: AlphaStatistics = client.compute(_tree(dask, parts)).result()
    return merged


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def dask_alpha(
    ddf: Any,
    *,
    level: AlphaLevel | Level | str = AlphaLevel.NOMINAL,
    domain: Sequence[Any] | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    period: float | None = None,
    bounds: tuple[float, float] | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    method: BootstrapMethod | str = BootstrapMethod.POISSON,
    by_unit: bool = False,
    confidence: float = 0.95,
    alpha_min: Sequence[float] = ALPHA_MIN,
    scheduler: Any = None,
) -> AlphaResult:
    """Krippendorff's alpha of a Dask DataFrame in long layout, computed on the cluster.

    The rows are shuffled by unit (so every unit's rows share a partition; ``by_unit=True``
    when they already do), each partition
    becomes an :class:`~statecode.AlphaStatistics` on its worker, and a tree of ``+`` merges
    them: after the shuffle only the statistics travel (V x V coincidences and the patterns
    of unit counts, or moments and their Poisson replicate sums, and the coder ids).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One row per coder and unit, columns ``unit``, ``coder``, ``value``.
    level, domain, period, bounds
        As for :func:`~statecode.krippendorff_alpha`; without ``domain`` the distinct values
        are computed first (one pass; interval data with more than 2,048 distinct values are
        summarised by moments).
    unit, coder, value : str
        Column names.
    bootstrap, seed, method
        Bootstrap replicates, their seed (required with a bootstrap: every partition uses
        it) and method: ``poisson`` (default), ``units`` or ``krippendorff``, all three
        from the merged statistics (see :meth:`~statecode.AlphaStatistics.from_frame`).
    by_unit : bool
        True when every unit's rows already share a partition (parts written by unit,
        e.g. one file per batch of documents): no shuffle, nothing moves but the
        statistics. A unit split between partitions is then not detected: its halves are
        scored as two units.
    confidence, alpha_min
        As for :func:`~statecode.krippendorff_alpha`.
    scheduler : str or distributed.Client, optional
        A scheduler address (``tcp://host:8786``) or a client; default the current client,
        else a local cluster of two worker processes for the call.

    Returns
    -------
    AlphaResult
        The figures :func:`~statecode.krippendorff_alpha` gives on the same data in memory.

    Raises
    ------
    MissingExtraError
        Without dask and distributed installed.
    DataError, OptionError
        As :meth:`AlphaStatistics.from_frame`, raised from the worker that found the problem.
    """
    merged = dask_statistics(
        ddf, level=level, domain=domain, unit=unit, coder=coder, value=value, period=period,
        bounds=bounds, bootstrap=bootstrap, seed=seed, method=method, by_unit=by_unit,
        scheduler=scheduler,
    )  # fmt: skip
    return merged.result(confidence=confidence, alpha_min=alpha_min)
