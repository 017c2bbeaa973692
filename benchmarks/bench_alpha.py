"""Benchmark Krippendorff's alpha: statecode against the ``krippendorff`` package.

Both libraries run in the same process on the same arrays: float arrays of shape
(coders, units) with NaN for missing values, the layout both take. For each case the script
first checks that the two alphas agree (``abs(statecode - peer) < 1e-9``), then takes the best
wall time of a few repeats (fewer when a run is slow), then measures the peak memory of one
more call with :mod:`tracemalloc` in a separate pass (numpy reports its buffers to
tracemalloc, so the peak counts the arrays a call allocates on top of its input).

Run it from the repository root, in the project's environment::

    python benchmarks/bench_alpha.py           # full run: a few minutes
    python benchmarks/bench_alpha.py --quick   # smaller data and fewer replicates: a smoke test

It prints the machine, one table and, for the full run, a PASS/FAIL line per target.
The peer is skipped (with a note) where its estimated run would exceed about 60 s or 8 GB;
the peer has no bootstrap, so its bootstrap time is extrapolated from 20 resamples.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np
import polars as pl
from numpy.typing import NDArray

import statecode as sc

Data = NDArray[np.float64]
Level = Literal["nominal", "interval"]

SEED = 20240601
TOLERANCE = 1e-9
#: the peer is skipped when a run is estimated to take longer than this (seconds)
PEER_MAX_SECONDS = 60.0
#: ... or to allocate more than this (bytes)
PEER_MAX_BYTES = 8 * 10**9
#: resamples timed for the peer's bootstrap row, then extrapolated to the replicate count
PEER_RESAMPLES = 20
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One row of the table: the data to generate and what to compute on them."""

    label: str
    coders: int
    units: int
    level: Level
    values: int | None  # number of categories; None: continuous normal floats
    missing: float
    bootstrap: int = 0
    method: str = "units"

    @property
    def shape(self) -> str:
        return f"{self.coders} x {self.units:,}"


@dataclass
class Row:
    """The measured figures of one case."""

    case: Case
    sc_time: float
    sc_peak: float
    alpha: float
    peer_time: float | None = None
    peer_peak: float | None = None
    note: str = ""

    @property
    def speedup(self) -> float | None:
        return None if self.peer_time is None else self.peer_time / self.sc_time


def make_cases(*, quick: bool) -> list[Case]:
    """The benchmark cases (``quick`` divides the sizes by 10 and the replicates by 10)."""
    small, large = (10_000, 100_000) if quick else (100_000, 1_000_000)
    boot_units, replicates = (1_000, 1_000) if quick else (10_000, 10_000)
    return [
        Case("1. 5 values, 20% missing", 10, small, "nominal", 5, 0.2),
        Case("2. 5 values, 20% missing", 10, small, "interval", 5, 0.2),
        Case("3. 5 values, 20% missing", 10, large, "nominal", 5, 0.2),
        Case("4. 5 values, 20% missing", 10, large, "interval", 5, 0.2),
        Case("5. 50 values, 20% missing", 10, small, "nominal", 50, 0.2),
        Case("6. continuous, no missing", 2, 400, "interval", None, 0.0),
        Case("7. continuous, 20% missing", 10, large, "interval", None, 0.2),
        Case(
            f"8a. bootstrap {replicates:,} (units)",
            10,
            boot_units,
            "nominal",
            5,
            0.2,
            replicates,
            "units",
        ),
        Case(
            f"8b. bootstrap {replicates:,} (krippendorff)",
            10,
            boot_units,
            "nominal",
            5,
            0.2,
            replicates,
            "krippendorff",
        ),
    ]


def make_data(case: Case, rng: np.random.Generator) -> Data:
    """Reliability data with real agreement, shape (coders, units), NaN for missing.

    Categorical: every unit has a true value and each coder gives it with probability 0.8,
    else a value drawn at random. Continuous: each coder gives the unit's true value (standard
    normal) plus normal noise of standard deviation 0.5, so every value is distinct.
    """
    shape = (case.coders, case.units)
    if case.values is None:
        centre = rng.standard_normal(case.units)
        data = centre[None, :] + 0.5 * rng.standard_normal(shape)
    else:
        truth = rng.integers(0, case.values, case.units)
        noise = rng.integers(0, case.values, shape)
        data = np.where(rng.random(shape) < 0.8, truth[None, :], noise).astype(np.float64)
    data[rng.random(shape) < case.missing] = np.nan
    return data


# --------------------------------------------------------------------------------------------
# the two libraries


def statecode_call(case: Case, data: Data) -> Callable[[], float]:
    """A call of statecode for the case, returning alpha."""
    if case.bootstrap:

        def run() -> float:
            res = sc.krippendorff_alpha(
                data, level=case.level, bootstrap=case.bootstrap, seed=1, method=case.method
            )
            if res.ci is None:  # pragma: no cover - a bootstrap always gives an interval
                msg = "no interval"
                raise RuntimeError(msg)
            return float(res.alpha)

        return run
    return lambda: float(sc.krippendorff_alpha(data, level=case.level).alpha)


def peer_domain(case: Case) -> Data | None:
    """The value domain passed to the peer: explicit for categorical data (faster)."""
    return None if case.values is None else np.arange(case.values, dtype=np.float64)


def peer_call(case: Case, data: Data, domain: Data | None) -> Callable[[], float]:
    """A call of the peer on ``data``, returning alpha."""
    return lambda: float(
        krippendorff.alpha(
            reliability_data=data, level_of_measurement=case.level, value_domain=domain
        )
    )


def peer_resamples_call(case: Case, data: Data, resamples: int) -> Callable[[], float]:
    """The peer on ``resamples`` bootstrap resamples of units (it has no bootstrap)."""
    domain = peer_domain(case)

    def run() -> float:
        rng = np.random.default_rng(1)
        last = float("nan")
        for _ in range(resamples):
            picks = rng.integers(0, data.shape[1], data.shape[1])
            last = float(
                krippendorff.alpha(
                    reliability_data=data[:, picks],
                    level_of_measurement=case.level,
                    value_domain=domain,
                )
            )
        return last

    return run


def peer_estimate(case: Case, data: Data) -> tuple[float, str | None]:
    """The peer's estimated peak bytes, and a reason to skip it (None to run it).

    The peer counts values per unit in a units x coders x values boolean array and builds
    its coincidences from units x values x values float arrays, about three of them alive at
    once; with every value distinct (continuous data) values grows with the data.
    """
    n_values = case.values if case.values is not None else np.unique(data[~np.isnan(data)]).size
    units, coders = case.units, case.coders
    counting = units * coders * n_values + 8 * units * n_values
    coincidences = 3 * 8 * units * n_values * n_values + 8 * units * n_values
    need = max(counting, coincidences)
    if need > PEER_MAX_BYTES:
        return need, (
            f"peer skipped: needs ~{need / 1e9:.1e} GB ({units:,} units x {n_values:,}^2 "
            "distinct values), over 8 GB"
        )
    sample = max(1_000, units // 100)
    if sample >= units:
        return need, None
    # time on a slice of units with the full domain: the cost per unit is the same
    domain = peer_domain(case)
    if domain is None:
        domain = np.unique(data[~np.isnan(data)])
    seconds = timed(peer_call(case, data[:, :sample], domain))[0] * units / sample
    if seconds > PEER_MAX_SECONDS:
        return need, f"peer skipped: estimated {seconds:,.0f} s from {sample:,} units, over 60 s"
    return need, None


# --------------------------------------------------------------------------------------------
# measuring


def timed(func: Callable[[], float]) -> tuple[float, float]:
    """One call: (seconds, result)."""
    gc.collect()
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def best_time(func: Callable[[], float], first: float, repeats: int) -> float:
    """Best wall time of a few repeats; fewer when the first (checking) call was slow."""
    if first > 10.0:
        repeats = 1
    elif first > 2.0:
        repeats = min(repeats, 2)
    return min(timed(func)[0] for _ in range(repeats))


def peak_mb(func: Callable[[], float]) -> float:
    """Peak traced memory of one call, above what was allocated before it (MB)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / MB


def run_case(case: Case, data: Data, repeats: int, peer_boot: Row | None) -> Row:
    """Check the alphas agree, then time and measure both libraries on one case."""
    ours = statecode_call(case, data)
    first, alpha = timed(ours)
    domain = peer_domain(case)
    point = peer_call(case, data, domain)
    _, skip = peer_estimate(case, data)
    peer_first = None
    if skip is None:
        peer_first, peer_alpha = timed(point)
        if not abs(alpha - peer_alpha) < TOLERANCE:
            msg = f"{case.label} {case.level}: statecode {alpha!r} != peer {peer_alpha!r}"
            raise SystemExit(msg)
    row = Row(case, best_time(ours, first, repeats), peak_mb(ours), alpha)
    if skip is not None:
        row.note = skip
    elif case.bootstrap:
        if peer_boot is None:
            boot = peer_resamples_call(case, data, PEER_RESAMPLES)
            seconds, _ = timed(boot)
            per_call = best_time(boot, seconds, max(1, repeats - 2)) / PEER_RESAMPLES
            peer_boot = Row(case, 0.0, 0.0, alpha, per_call * case.bootstrap, peak_mb(boot))
        row.peer_time, row.peer_peak = peer_boot.peer_time, peer_boot.peer_peak
        row.note = (
            f"peer extrapolated: {PEER_RESAMPLES} resamples x {case.bootstrap // PEER_RESAMPLES}"
            "; point alpha equal"
        )
    elif peer_first is not None:
        row.peer_time = best_time(point, peer_first, max(1, repeats - 2))
        row.peer_peak = peak_mb(point)
        row.note = "alphas equal"
    return row


# --------------------------------------------------------------------------------------------
# reporting


def blas() -> str:
    """The BLAS numpy uses, from threadpoolctl, else from numpy's build configuration."""
    try:
        from threadpoolctl import (  # type: ignore[import-untyped]  # noqa: PLC0415
            threadpool_info,
        )
    except ImportError:
        config = np.show_config(mode="dicts")
        found = config.get("Build Dependencies", {}).get("blas", {})
        return f"{found.get('name', '?')} {found.get('version', '')}".strip()
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return (
        "; ".join(
            f"{i['internal_api']} {i['version']} ({i['num_threads']} threads"
            f"{', ' + str(i['architecture']) if i.get('architecture') else ''})"
            for i in libs
        )
        or "unknown"
    )


def machine() -> list[str]:
    """Lines describing the run: date, machine, library versions."""
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    cpus = f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    peer = importlib.metadata.version("krippendorff")
    return [
        f"date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {platform.platform()}, {platform.machine()}, {cpus}",
        f"numpy {np.__version__}, BLAS: {blas()}"
        + (f", OPENBLAS_CORETYPE={coretype}" if coretype else ""),
        f"polars {pl.__version__}, statecode {sc.__version__}, krippendorff {peer}",
    ]


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def table(rows: list[Row]) -> list[str]:
    """The results as a Markdown table."""
    head = [
        "case",
        "coders x units",
        "level",
        "statecode time (s)",
        "peer time (s)",
        "speedup (peer/statecode)",
        "statecode peak MB",
        "peer peak MB",
        "alpha",
        "note",
    ]
    body = [
        [
            r.case.label,
            r.case.shape,
            r.case.level,
            fmt(r.sc_time, ".3f"),
            fmt(r.peer_time, ".3f"),
            fmt(r.speedup, ".1f") + ("x" if r.speedup is not None else ""),
            fmt(r.sc_peak, ",.1f"),
            fmt(r.peer_peak, ",.1f"),
            fmt(r.alpha, ".4f"),
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [
        line(b) for b in body
    ]


def targets(rows: list[Row]) -> list[str]:
    """PASS/FAIL for each target of the full run."""

    def find(prefix: str) -> Row:
        return next(r for r in rows if r.case.label.startswith(prefix))

    big, fifty, cont = find("3."), find("5."), find("7.")
    out = []

    def check(ok: bool, text: str) -> None:
        out.append(f"{'PASS' if ok else 'FAIL'}: {text}")

    check(big.sc_time < 0.3, f"10 x 1M nominal < 0.3 s (got {big.sc_time:.3f} s)")
    check(
        big.speedup is not None and big.speedup >= 2,
        f"10 x 1M nominal >= 2x faster than peer (got {fmt(big.speedup, '.1f')}x)",
    )
    check(
        big.sc_peak < 300, f"10 x 1M nominal peak < 300 MB above the input (got {big.sc_peak:.0f})"
    )
    check(
        fifty.speedup is not None and fifty.speedup >= 10,
        f"50 values >= 10x faster than peer (got {fmt(fifty.speedup, '.1f')}x)",
    )
    check(cont.sc_time < 1.0, f"continuous interval 10 x 1M < 1 s (got {cont.sc_time:.3f} s)")
    for prefix in ("8a.", "8b."):
        boot = find(prefix)
        check(
            boot.sc_time < 3.0,
            f"10,000 replicates on 10 x 10k, method={boot.case.method} < 3 s "
            f"(got {boot.sc_time:.3f} s)",
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller data: a smoke run")
    args = parser.parse_args(argv)
    for text in machine():
        print(text)
    print(f"run: {'quick (sizes / 10)' if args.quick else 'full'}; peak MB = tracemalloc peak")
    print(flush=True)
    repeats = 3 if args.quick else 5
    rows: list[Row] = []
    peer_boot: Row | None = None
    for case in make_cases(quick=args.quick):
        data = make_data(case, np.random.default_rng(SEED))
        print(f"  running {case.label} {case.level} {case.shape} ...", file=sys.stderr, flush=True)
        row = run_case(case, data, repeats, peer_boot)
        if case.bootstrap and row.peer_time is not None:
            peer_boot = row
        rows.append(row)
        del data
    print("\n".join(table(rows)), flush=True)
    print()
    if args.quick:
        print("targets are checked on the full run only (without --quick)")
    else:
        print("\n".join(targets(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
