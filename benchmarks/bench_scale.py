"""Benchmark alpha past one machine's memory: streamed, sparse, Poisson-bootstrapped, on Dask.

The figures of issue 15 ("Past one machine"), each against polars itself measured in the
same run:

- a long Parquet file of 5M units x 10 coders (nominal, 5 values, 20% missing: ~40M rows;
  the issue's 50M-row file before the missing cells are dropped): ``krippendorff_alpha`` of
  ``pl.scan_parquet(file)`` (streamed) with peak RSS < 1 GB and wall time <= 1.5x of
  polars' own ``scan_parquet(file).group_by(unit, value).len()`` (streaming engine); with a
  Poisson bootstrap of 1,000 replicates <= 3x;
- a sparse design, 10,000 coders x 1M units, 3 codings per unit, in memory: alpha in < 2 s
  and < 1 GB (the dense coders x units array would be 40 GB);
- Dask on a 2-worker ``LocalCluster`` (processes, loopback): the in-memory figures to 1e-12,
  with the time and the bytes shipped;
- a growth table, 1e5 .. 5e7 rows: time and peak memory per row.

Every job runs in a fresh subprocess of this script, so each peak RSS (the job's own
``VmHWM`` as it ends) is that job's alone; wall time is measured around the subprocess and CPU time
is the child's user + system time (all its threads). One round per job (the jobs are long;
the machine is shared, so compare the CPU column when wall is far above it). Data files are
written once, in chunks of units (a bounded amount of memory), to ``--dir``.

Run from the repository root::

    python benchmarks/bench_scale.py                  # full sizes (tens of minutes)
    python benchmarks/bench_scale.py --units 500000   # a tenth of the size
    python benchmarks/bench_scale.py --quick          # 1/50 of the size, a smoke test

It prints the machine, the tables and one PASS/FAIL line per figure, and exits with status 1
when a figure is missed (``--quick`` prints the verdicts as SKIP).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h

SEED = 20261201
CODERS = 10
VALUES = 5
MISSING = 0.2
UNITS_PER_CHUNK = 250_000


# -- data -------------------------------------------------------------------------------------


def write_long(path: Path, units: int) -> Path:
    """A long Parquet file: ``units`` x 10 coders, nominal, 20% of the cells missing."""
    import pyarrow as pa  # noqa: PLC0415 - only the benchmark's writer needs it
    import pyarrow.parquet as pq  # noqa: PLC0415

    if path.exists():
        return path
    rng = np.random.default_rng(SEED)
    schema = pa.schema([("unit", pa.int64()), ("coder", pa.int16()), ("value", pa.int8())])
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for start in range(0, units, UNITS_PER_CHUNK):
            n = min(UNITS_PER_CHUNK, units - start)
            truth = rng.integers(0, VALUES, n)
            unit = np.repeat(np.arange(start, start + n), CODERS)
            coder = np.tile(np.arange(CODERS, dtype=np.int16), n)
            agree = rng.random(unit.size) < 0.8
            value = np.where(agree, np.repeat(truth, CODERS), rng.integers(0, VALUES, unit.size))
            keep = rng.random(unit.size) >= MISSING
            table = pa.table(
                {"unit": unit[keep], "coder": coder[keep], "value": value[keep].astype(np.int8)},
                schema=schema,
            )
            writer.write_table(table, row_group_size=1 << 20)
    tmp.rename(path)
    return path


def sparse_frame(units: int, coders: int) -> Any:
    """``units`` units, 3 codings each, by 3 of ``coders`` coders: a crowd design."""
    import polars as pl  # noqa: PLC0415

    rng = np.random.default_rng(SEED)
    unit = np.repeat(np.arange(units), 3)
    first = rng.integers(0, coders, units)
    step = coders // 3
    coder = ((first[:, None] + np.array([0, step, 2 * step])[None, :]) % coders).ravel()
    truth = rng.integers(0, VALUES, units)
    value = np.where(rng.random(unit.size) < 0.8, truth[unit], rng.integers(0, VALUES, unit.size))
    return pl.DataFrame({"unit": unit, "coder": coder, "value": value})


# -- jobs (each run in a subprocess of its own) ------------------------------------------------


def job(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one job in this process; its figures come back as JSON on stdout."""
    import polars as pl  # noqa: PLC0415

    import statecode as sc  # noqa: PLC0415

    path = args.get("file")
    frame = sparse_frame(args["units"], args["coders"]) if name.startswith("sparse") else None
    start, cpu = time.perf_counter(), time.process_time()
    figure: dict[str, Any]
    if name == "floor":
        out = pl.scan_parquet(path).group_by("unit", "value").len().collect(engine="streaming")
        figure = {"rows": out.height}
    elif name == "alpha":
        result = sc.krippendorff_alpha(pl.scan_parquet(path))
        figure = {"alpha": result.alpha, "units": result.units, "n": result.pairable_values}
    elif name == "poisson":
        result = sc.krippendorff_alpha(
            pl.scan_parquet(path), bootstrap=args["replicates"], method="poisson", seed=1
        )
        figure = {"alpha": result.alpha, "se": result.se}
    elif name == "sparse" and frame is not None:
        result = sc.krippendorff_alpha(frame)
        figure = {"alpha": result.alpha, "coders": result.coders}
    elif name == "sparse-floor" and frame is not None:
        figure = {"rows": frame.group_by("unit", "value").len().height}
    elif name == "reference":
        result = sc.krippendorff_alpha(pl.read_parquet(path))  # the dense coders x units path
        figure = {"alpha": result.alpha}
    elif name == "dask":
        return dask_job(str(path))
    else:
        msg = f"unknown job {name}"
        raise SystemExit(msg)
    figure["call_wall"] = time.perf_counter() - start
    figure["call_cpu"] = time.process_time() - cpu
    return figure


def dask_job(path: str) -> dict[str, Any]:
    import dask.dataframe as dd  # noqa: PLC0415
    import distributed  # noqa: PLC0415
    import psutil  # noqa: PLC0415

    import statecode as sc  # noqa: PLC0415

    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # as many partitions as a cluster of two would get from parts: 8
        ddf = dd.read_parquet(path).repartition(npartitions=8)
        before = psutil.net_io_counters(pernic=True).get("lo")
        start = time.perf_counter()
        merged = sc.dask_statistics(ddf, scheduler=client)
        wall = time.perf_counter() - start
        after = psutil.net_io_counters(pernic=True).get("lo")
        result = merged.result()
        partitions = ddf.npartitions
    loopback = (after.bytes_sent - before.bytes_sent) if before and after else -1
    return {
        "alpha": result.alpha,
        "do": result.observed_disagreement,
        "wall": wall,
        "loopback": loopback,
        "state": len(pickle.dumps(merged)),
        "partitions": partitions,
    }


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (``VmHWM``; Linux).

    Not ``wait4``'s ``ru_maxrss``: a child's figure there also counts the memory of the
    process it was forked from, before it ran this script.
    """
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmHWM"))
    return int(line.split()[1]) * 1024


def run(name: str, **args: Any) -> dict[str, Any]:
    """One job in a fresh subprocess: its figures, wall, CPU and peak RSS."""
    command = [sys.executable, __file__, "--job", name, "--args", json.dumps(args)]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env=os.environ.copy())
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode:
        msg = f"job {name} failed with exit code {child.returncode}"
        raise SystemExit(msg)
    figures: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
    figures.update(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss=figures.pop("peak"),
    )
    return figures


# -- the figures ------------------------------------------------------------------------------


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def timing(fig: dict[str, Any]) -> str:
    """The call's own wall and CPU time (the job's start-up and imports left out)."""
    return f"{h.fmt_seconds(fig['call_wall'])} ({h.fmt_seconds(fig['call_cpu'])} CPU)"


def ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    return float(a["call_wall"] / b["call_wall"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=5_000_000, help="units of the big file")
    parser.add_argument("--quick", action="store_true", help="1/50 of the sizes, no verdicts")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/statecode-bench-scale"))
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--job")
    parser.add_argument("--args")
    ns = parser.parse_args()
    if ns.job:
        figures = job(ns.job, json.loads(ns.args))
        figures["peak"] = _peak_rss()
        print(json.dumps(figures))
        return 0
    scale = 50 if ns.quick else 1
    units = ns.units // scale
    sparse_units, sparse_coders = 1_000_000 // scale, 10_000 // scale
    ns.dir.mkdir(parents=True, exist_ok=True)
    verdicts = h.Verdicts()
    check = verdicts.skip if ns.quick else None

    def verdict(ok: bool, text: str) -> None:
        if check is not None:
            check(text)
        else:
            verdicts.check(ok, text)

    print("\n".join(h.machine()))
    print(f"sizes: {units:,} units x {CODERS} coders; sparse {sparse_coders:,} x {sparse_units:,}")
    big = write_long(ns.dir / f"long-{units}.parquet", units)
    print(f"file: {big} ({mb(big.stat().st_size)})")

    # streamed alpha against polars' own group_by
    floor = run("floor", file=str(big))
    streamed = run("alpha", file=str(big))
    boot = run("poisson", file=str(big), replicates=ns.replicates)
    reference = run("reference", file=str(big)) if units <= 2_000_000 else None
    print()
    print(f"## Streamed alpha of {big.name} ({streamed['n']:,} pairable values)")
    rows = [
        ["polars scan_parquet.group_by(unit, value).len()", timing(floor), mb(floor["rss"]), ""],
        [
            "krippendorff_alpha(pl.scan_parquet(f))",
            timing(streamed),
            mb(streamed["rss"]),
            f"{ratio(streamed, floor):.2f}x",
        ],
        [
            f"... bootstrap={ns.replicates}, method='poisson'",
            timing(boot),
            mb(boot["rss"]),
            f"{ratio(boot, floor):.2f}x",
        ],
    ]
    print("\n".join(h.table(["call", "time", "peak RSS", "vs polars"], rows)))
    if reference is not None:
        same = abs(reference["alpha"] - streamed["alpha"]) < 1e-12
        print(f"in-memory (dense) alpha {reference['alpha']!r}: streamed equal to 1e-12: {same}")
        if not same:
            raise SystemExit("streamed alpha differs from the in-memory alpha")
    verdict(streamed["rss"] < 2**30, f"streamed alpha peak RSS {mb(streamed['rss'])} < 1 GB")
    verdict(
        ratio(streamed, floor) <= 1.5,
        f"streamed alpha {ratio(streamed, floor):.2f}x polars' group_by wall time (<= 1.5x)",
    )
    verdict(
        ratio(boot, floor) <= 3,
        f"with {ns.replicates} Poisson replicates {ratio(boot, floor):.2f}x (<= 3x)",
    )

    # sparse design in memory
    sparse = run("sparse", units=sparse_units, coders=sparse_coders)
    sparse_floor = run("sparse-floor", units=sparse_units, coders=sparse_coders)
    dense = sparse_coders * sparse_units * 4
    print()
    print(f"## Sparse design: {sparse_coders:,} coders x {sparse_units:,} units, 3 codings each")
    rows = [
        ["polars group_by(unit, value).len()", timing(sparse_floor), mb(sparse_floor["rss"])],
        ["krippendorff_alpha(frame)", timing(sparse), mb(sparse["rss"])],
        ["(the dense int32 coders x units array)", "", mb(dense)],
    ]
    print("\n".join(h.table(["call", "time", "peak RSS of the job"], rows)))
    verdict(sparse["call_wall"] < 2.0, f"sparse alpha {h.fmt_seconds(sparse['call_wall'])} < 2 s")
    verdict(sparse["rss"] < 2**30, f"sparse alpha job peak RSS {mb(sparse['rss'])} < 1 GB")

    # Dask on two worker processes
    try:
        import distributed  # noqa: F401, PLC0415
    except ImportError:
        verdicts.skip("Dask: distributed is not installed (pip install 'statecode[dask]')")
    else:
        on_dask = run("dask", file=str(big))
        print()
        print("## Dask: 2-worker LocalCluster (processes, loopback)")
        rows = [
            [
                "dask_statistics(dd.read_parquet(f)).result()",
                h.fmt_seconds(on_dask["wall"]) + " wall",
                f"{on_dask['loopback'] / 2**20:,.1f} MB on loopback (whole machine)",
                f"{on_dask['state']:,} bytes merged state ({on_dask['partitions']} partitions)",
            ]
        ]
        print("\n".join(h.table(["call", "time", "bytes shipped", "what the reduce moves"], rows)))
        agree = abs(on_dask["alpha"] - streamed["alpha"]) < 1e-12
        verdict(agree, f"Dask alpha equals the streamed/in-memory alpha to 1e-12 ({agree})")

    # growth
    print()
    print("## Growth: streamed alpha, time and peak memory per row")
    # rows = units x 10 coders x 80% present
    sizes = [10**5, 10**6, 10**7, 5 * 10**7]
    sizes = [s // scale for s in sizes if s // scale <= max(units * CODERS, 10**6 // scale)]
    rows, previous, steady = [], None, True
    for size in sizes:
        path = write_long(ns.dir / f"long-{size // 8}.parquet", size // 8)
        fig = run("alpha", file=str(path))
        per_row = fig["call_wall"] / fig["n"] * 1e9
        rss_row = fig["rss"] / fig["n"]
        rows.append(
            [
                f"{fig['n']:,}",
                timing(fig),
                f"{per_row:,.0f} ns",
                mb(fig["rss"]),
                f"{rss_row:,.1f} B",
            ]
        )
        if previous is not None and size >= 10**6 // scale:
            steady &= per_row <= 1.5 * previous[0] and rss_row <= 1.2 * previous[1]
        previous = (per_row, rss_row)
    head = ["rows", "time", "per row", "peak RSS of the job", "RSS per row"]
    print("\n".join(h.table(head, rows)))
    verdict(
        steady,
        "from 1e6 rows up, time per row within 1.5x and RSS per row within 1.2x of the size before",
    )
    return verdicts.report()


if __name__ == "__main__":
    raise SystemExit(main())
