"""Start-up time: ``import statecode`` and ``statecode --help`` against ``import polars``.

Every command a user types pays the start-up first, so it must stay close to the floor that
any polars program pays. Each command runs in a fresh interpreter (``python -c ...``), in
alternating rounds (polars, statecode, --help, polars, ...) so that a busy moment of this
shared machine hits all three alike; the table shows the median wall time and the median
CPU time (user + system of the child) of the rounds, and each figure's ratio to polars.

Run it from the repository root, in the project's environment::

    python benchmarks/bench_import.py            # 15 rounds
    python benchmarks/bench_import.py --rounds 5

Exits 1 when a ratio (wall time) exceeds its target.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

#: a figure passes when its median wall time is at most this many times polars'
TARGET = 2.0


def _run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    """Measure, print the table and the verdicts; 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    cli = shutil.which("statecode")
    if cli is None:
        print("statecode is not on PATH: pip install -e . first")
        return 1
    commands = {
        "python -c 'import polars' (floor)": [sys.executable, "-c", "import polars"],
        "python -c 'import statecode'": [sys.executable, "-c", "import statecode"],
        "statecode --help": [cli, "--help"],
        # not a target: what the first use of a function loads (polars, numpy, the library)
        "first use: statecode.krippendorff_alpha": [
            sys.executable,
            "-c",
            "import statecode; statecode.krippendorff_alpha",
        ],
    }
    for command in commands.values():  # warm the file cache and the .pyc files
        _run(command)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            times[name].append(_run(command))
    floor = statistics.median(w for w, _ in times["python -c 'import polars' (floor)"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.rounds} rounds")
    print(f"{'command':<42} {'wall s':>7} {'cpu s':>7} {'x polars':>9}  verdict")
    failed = False
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        ratio = wall / floor
        is_floor = name.endswith("(floor)")
        info = name.startswith("first use")
        ok = is_floor or info or ratio <= TARGET
        failed |= not ok
        verdict = "floor" if is_floor else "info" if info else "PASS" if ok else "FAIL"
        print(f"{name:<42} {wall:>7.3f} {cpu:>7.3f} {ratio:>8.2f}x  {verdict}")
    print(f"target: import and --help each within {TARGET:g}x of the floor (median wall time)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
