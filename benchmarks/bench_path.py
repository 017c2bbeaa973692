"""The whole path from file to report: the CLI and the table build against polars itself.

Figures of issue 14 ("Close to the hardware"), each measured in the same run as its floor:

- ``statecode alpha`` on a long CSV of 10 coders x 1M units (10M rows: unit, coder, value):
  wall time <= 1.5x ``pl.read_csv`` of the file, peak RSS <= 1.5x read_csv's;
- ``statecode report --codebook readouts --coefficients all`` on a file of 10 coders x 1M
  units x the codebook's 7 variables (a row per unit and coder): <= 3x read_csv, peak RSS
  below 4 GB; ``statecode alpha --codebook readouts`` on it;
- ``statecode validate`` on that file: <= 1.5x read_csv;
- every coefficient of the report at 10 x 1M: <= 1 s each (CPU), from the shared
  intermediates;
- growth 1e4 .. 1e7 units (a tenth of that with ``--quick``) of the table build
  (``CodingTable.from_frame``) and of the report: every decade within 12x of the one before.

Every command runs in a fresh process (``python -m statecode ...``; the floor as ``python -c
"import polars; polars.read_csv(...)"``), in interleaved rounds, and is measured by the
operating system (``os.wait4``): wall time, CPU time (user + system, both cores) and peak
resident memory. Both pay the start of Python and the import of polars; statecode also pays
its own import (~0.3 s, see ``bench_import.py``). statecode's modules are compiled to
bytecode first (``compileall``), as installing a wheel does: polars' are; in a tree
installed with ``pip install -e .`` under ``PYTHONDONTWRITEBYTECODE=1`` every fresh process
would otherwise compile statecode's sources again (~0.2 s).

Usage::

    python benchmarks/bench_path.py            # full sizes: ~2 GB of CSV in --dir
    python benchmarks/bench_path.py --quick    # sizes / 10: a smoke test, no verdicts
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import _harness as h
import numpy as np
import polars as pl

import statecode as sc

CODERS = 10
MISSING = 0.2
CHUNK_UNITS = 100_000  # rows written per chunk: 1M cells of text at most in memory


@dataclass
class Run:
    """Wall, CPU (user + system) and peak RSS of each round of one command."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return float(np.median(self.walls))

    @property
    def cpu(self) -> float:
        return float(np.median(self.cpus))

    @property
    def peak(self) -> int:
        return max(self.rss)

    def text(self) -> str:
        return f"{self.wall:.2f} s ({self.cpu:.2f} s CPU)"


# The peak RSS of a process is read from its /proc/self/status (VmHWM) as it exits: the
# rusage of a child (ru_maxrss) also counts the memory of this process it was forked from.
_PEAK = """
import atexit, runpy, sys
def _peak(path=sys.argv[1]):
    with open("/proc/self/status") as fh:
        line = next(x for x in fh if x.startswith("VmHWM"))
    with open(path, "w") as out:
        out.write(line.split()[1])
atexit.register(_peak)
sys.argv = sys.argv[2:]
if sys.argv[0] == "-c":
    code = sys.argv[1]
    sys.argv = ["-c"]
    exec(compile(code, "<floor>", "exec"), {"__name__": "__main__"})
else:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """One command in a fresh process: wall seconds, CPU seconds and peak RSS in bytes.

    ``argv`` is ``[module, args...]`` or ``["-c", code]``, run by a fresh Python.
    """
    with tempfile.NamedTemporaryFile(suffix=".peak") as peak:
        full = [sys.executable, "-c", _PEAK, peak.name, *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = os.waitstatus_to_exitcode(status)
        if code:
            msg = f"{' '.join(argv)} exited with {code}: {err.strip()[-2000:]}"
            raise SystemExit(msg)
        rss = int(Path(peak.name).read_text() or 0) * 1024
    return wall, usage.ru_utime + usage.ru_stime, rss


def measure(commands: dict[str, list[str]], rounds: int) -> dict[str, Run]:
    """Each command ``rounds`` times, interleaved (a, b, a, b, ...)."""
    runs = {name: Run() for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            wall, cpu, rss = run_once(argv)
            runs[name].walls.append(wall)
            runs[name].cpus.append(cpu)
            runs[name].rss.append(rss)
    return runs


def statecode_cli(*args: str | Path) -> list[str]:
    return ["statecode", *map(str, args)]


def read_csv(path: Path) -> list[str]:
    return ["-c", f"import polars as pl; pl.read_csv({str(path)!r})"]


# -- data ------------------------------------------------------------------------------------


def _codes_of(codebook: sc.Codebook) -> dict[str, list[str]]:
    """Each variable's codes (single codes only: every one valid alone)."""
    return {v.name: [str(c) for c in v.codes] for v in codebook.variables}


def _column(
    rng: np.random.Generator, truth: np.ndarray, codes: list[str], coders: int
) -> list[str | None]:
    """Coders' values of the units ``truth`` (a row per unit and coder): 0.8 the true code."""
    n = truth.size
    picked = np.repeat(truth, coders)
    noise = rng.random(n * coders) >= 0.8
    picked[noise] = rng.integers(0, len(codes), int(noise.sum()))
    labels = np.array(codes, dtype=object)[picked]
    labels[rng.random(n * coders) < MISSING] = None
    return labels.tolist()


def write_long(path: Path, units: int, seed: int = 1) -> None:
    """unit, coder, value: 5 nominal values, a row per unit and coder, 20% empty."""
    rng = np.random.default_rng(seed)
    codes = ["a", "b", "c", "d", "e"]
    with path.open("wb") as fh:
        for start in range(0, units, CHUNK_UNITS):
            n = min(CHUNK_UNITS, units - start)
            ids = np.arange(start, start + n)
            frame = pl.DataFrame(
                {
                    "unit": np.repeat([f"u{i}" for i in ids], CODERS),
                    "coder": [f"c{j}" for j in range(CODERS)] * n,
                    "value": _column(rng, rng.integers(0, 5, n), codes, CODERS),
                }
            )
            frame.write_csv(fh, include_header=start == 0)


def write_variables(path: Path, units: int, codebook: sc.Codebook, seed: int = 2) -> None:
    """unit, coder and one column per codebook variable: a row per unit and coder."""
    rng = np.random.default_rng(seed)
    codes = _codes_of(codebook)
    with path.open("wb") as fh:
        for start in range(0, units, CHUNK_UNITS):
            n = min(CHUNK_UNITS, units - start)
            ids = np.arange(start, start + n)
            columns: dict[str, list[str] | list[str | None]] = {
                "unit": np.repeat([f"s{i}" for i in ids], CODERS).tolist(),
                "coder": [f"c{j}" for j in range(CODERS)] * n,
            }
            for name, values in codes.items():
                columns[name] = _column(rng, rng.integers(0, len(values), n), values, CODERS)
            pl.DataFrame(columns).write_csv(fh, include_header=start == 0)


# -- figures ---------------------------------------------------------------------------------


def cli_figures(directory: Path, units: int, rounds: int, verdicts: h.Verdicts | None) -> list[str]:
    long = directory / f"long-{units}.csv"
    wide = directory / f"variables-{units}.csv"
    if not long.exists():
        write_long(long, units)
    if not wide.exists():
        write_variables(wide, units, sc.read_codebook("readouts"))
    lines: list[str] = []
    rows: list[list[str]] = []

    def add(case: str, file: Path, floor: Run, run: Run) -> tuple[float, float]:
        # verdicts on CPU time (see _harness): wall time counts the waits for a core of
        # this shared machine; both are printed
        ratio, memory = run.cpu / floor.cpu, run.peak / floor.peak
        rows.append(
            [
                case,
                f"{file.stat().st_size / 1e6:,.0f} MB",
                run.text(),
                f"{run.peak / 2**20:,.0f} MiB",
                floor.text(),
                f"{floor.peak / 2**20:,.0f} MiB",
                f"{ratio:.2f}x",
                f"{run.wall / floor.wall:.2f}x",
                f"{memory:.2f}x",
            ]
        )
        return ratio, memory

    runs = measure(
        {
            "floor": read_csv(long),
            "alpha": statecode_cli("alpha", long),
        },
        rounds,
    )
    ratio, memory = add("statecode alpha (unit, coder, value)", long, runs["floor"], runs["alpha"])
    if verdicts:
        verdicts.check(
            ratio <= 1.5, f"CLI alpha on the long CSV <= 1.5x read_csv (got {ratio:.2f}x)"
        )
        verdicts.check(memory <= 1.5, f"CLI alpha peak RSS <= 1.5x read_csv's (got {memory:.2f}x)")
    runs = measure(
        {
            "floor": read_csv(wide),
            "alpha": statecode_cli("alpha", wide, "--codebook", "readouts"),
            "validate": statecode_cli("validate", wide, "--codebook", "readouts"),
            "report": statecode_cli(
                "report", wide, "--codebook", "readouts", "--coefficients", "all"
            ),
        },
        rounds,
    )
    add("statecode alpha --codebook readouts", wide, runs["floor"], runs["alpha"])
    ratio_v, _ = add(
        "statecode validate --codebook readouts", wide, runs["floor"], runs["validate"]
    )
    ratio_r, _ = add(
        "statecode report --codebook readouts --coefficients all",
        wide,
        runs["floor"],
        runs["report"],
    )
    peak_r = runs["report"].peak
    if verdicts:
        verdicts.check(ratio_v <= 1.5, f"CLI validate <= 1.5x read_csv, CPU (got {ratio_v:.2f}x)")
        verdicts.check(
            ratio_r <= 3, f"CLI report, all coefficients <= 3x read_csv (got {ratio_r:.2f}x)"
        )
        verdicts.check(
            peak_r < 4 * 2**30, f"CLI report peak RSS < 4 GiB (got {peak_r / 2**30:.2f} GiB)"
        )
    head = [
        "command",
        "file",
        "statecode",
        "peak RSS",
        "pl.read_csv (floor)",
        "floor RSS",
        "CPU / floor",
        "wall / floor",
        "RSS / floor",
    ]
    lines += h.table(head, rows)
    return lines


def _frame(units: int, seed: int = 3) -> pl.DataFrame:
    """A row per unit and coder, one nominal variable, in memory (made by polars, not lists)."""
    rng = np.random.default_rng(seed)
    n = units * CODERS
    truth = np.repeat(rng.integers(0, 5, units, dtype=np.int8), CODERS)
    noise = rng.random(n, dtype=np.float32) >= 0.8
    truth[noise] = rng.integers(0, 5, int(noise.sum()), dtype=np.int8)
    missing = rng.random(n, dtype=np.float32) < MISSING
    del noise
    row = pl.int_range(0, n, dtype=pl.Int64, eager=True)
    labels = pl.Series(["a", "b", "c", "d", "e"])
    frame = pl.DataFrame(
        {
            "unit": "u" + (row // CODERS).cast(pl.String),
            "coder": "c" + (row % CODERS).cast(pl.String),
            "value": labels.gather(pl.Series(truth)),
        }
    )
    return frame.with_columns(
        pl.when(pl.Series(missing)).then(None).otherwise(pl.col("value")).alias("value")
    )


def _value(result: object) -> float:
    """The coefficient of an AlphaResult (``alpha``) or an AgreementResult (``value``)."""
    if isinstance(result, sc.AlphaResult):
        return result.alpha
    assert isinstance(result, sc.AgreementResult)
    return result.value


def coefficient_figures(units: int, verdicts: h.Verdicts | None) -> list[str]:
    """Each coefficient alone, inside the report's sharing of one variable's intermediates."""
    from statecode.reliability._shared import sharing  # noqa: PLC0415 - what the report uses

    table = sc.CodingTable.from_frame(_frame(units))
    names = {
        "alpha": lambda: sc.krippendorff_alpha(table, variable="value"),
        "percent": lambda: sc.percent_agreement(table, variable="value"),
        "holsti": lambda: sc.holsti(table, variable="value"),
        "fleiss": lambda: sc.fleiss_kappa(table, variable="value"),
        "conger": lambda: sc.fleiss_kappa(table, variable="value", variant="conger"),
        "bp": lambda: sc.brennan_prediger(table, variable="value"),
        "ac1": lambda: sc.gwet_ac1(table, variable="value"),
        "ac2": lambda: sc.gwet_ac2(table, variable="value", weights="linear"),
    }
    table.to_reliability_data("value")  # made once, as the report makes it
    rows = []
    with warnings.catch_warnings(), sharing():
        warnings.simplefilter("ignore")
        timings = h.measure(names, 3)
    for name, t in timings.items():
        rows.append([name, f"{CODERS} x {units:,}", t.text(), f"{_value(t.result):.4f}"])
        if verdicts:
            verdicts.check(t.cpu <= 1.0, f"{name} at 10 x {units:,} <= 1 s CPU (got {t.text()})")
    return h.table(["coefficient", "coders x units", "time", "value"], rows)


def growth_figures(top: int, verdicts: h.Verdicts | None) -> list[str]:
    sizes = [10**k for k in range(4, 8) if 10**k <= top]
    rows = []
    worst = {"table": 0.0, "report": 0.0}
    before: dict[str, float] = {}
    for units in sizes:
        frame = _frame(units)
        built = h.measure({"table": lambda f=frame: sc.CodingTable.from_frame(f)}, 3)["table"]
        table = built.result
        del frame
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = h.measure(
                {"report": lambda t=table: sc.reliability_report(t, coefficients="all")},
                h.rounds_for(built.wall * 4, 3),
            )["report"]
        row = [f"{units:,}"]
        for name, t in (("table", built), ("report", report)):
            ratio = t.cpu / before[name] if name in before else None
            row += [t.text(), f"{ratio:.1f}x" if ratio else "—"]
            if ratio:
                worst[name] = max(worst[name], ratio)
            before[name] = t.cpu
        rows.append(row)
        del table, built, report
    if verdicts:
        for name, ratio in worst.items():
            verdicts.check(
                0 < ratio <= 12,
                f"{name} growth {sizes[0]:.0e} -> {sizes[-1]:.0e} units: every decade within 12x "
                f"(worst {ratio:.1f}x)",
            )
    head = ["units (10 coders)", "CodingTable.from_frame", "x before", "report, all", "x before"]
    return h.table(head, rows)


def compile_statecode() -> None:
    """statecode's bytecode beside its sources, as a wheel's install writes it."""
    package = Path(sc.__file__).parent
    if not compileall.compile_dir(package, quiet=1):
        raise SystemExit(f"could not compile {package}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="sizes / 10, no verdicts")
    parser.add_argument("--dir", type=Path, help="where the CSV files go (kept for reruns)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each command")
    parser.add_argument(
        "--only", choices=["cli", "coefficients", "growth"], action="append", help="a part only"
    )
    args = parser.parse_args(argv)
    units = 100_000 if args.quick else 1_000_000
    verdicts = None if args.quick else h.Verdicts()
    parts = args.only or ["cli", "coefficients", "growth"]
    directory = args.dir or Path(tempfile.mkdtemp(prefix="statecode-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print("\n".join(h.machine()))
    print(f"run: {'quick' if args.quick else 'full'}; {CODERS} coders x {units:,} units")
    try:
        if "cli" in parts:
            compile_statecode()
            print()
            print("\n".join(cli_figures(directory, units, args.rounds, verdicts)))
        if "coefficients" in parts:
            print()
            print("\n".join(coefficient_figures(units, verdicts)))
        if "growth" in parts:
            print()
            print("\n".join(growth_figures(units * 10, verdicts)))
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    if verdicts is None:
        print("\nverdicts are given on the full run only (without --quick)")
        return 0
    return verdicts.report()


if __name__ == "__main__":
    raise SystemExit(main())
