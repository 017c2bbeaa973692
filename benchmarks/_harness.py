"""What the benchmark scripts share: timing rounds, machine lines, tables and verdicts.

Timing: every contender of a figure runs in the same rounds, interleaved (a, b, a, b, ...),
after one untimed warm-up call each, so that both see the same load of this shared machine;
each round records wall time (``perf_counter``) and CPU time of the process
(``process_time``: all threads, so a BLAS call on two cores counts twice). Figures are
medians over the rounds. Verdicts use the median CPU times: on this shared two-core machine
another engineer's jobs can take a core for seconds, which wall time counts and CPU time
does not (it counts the work a call does). Wall times are printed beside them; wall well
above CPU shows a busy machine, CPU above wall a call on two cores.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.metadata
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Timing:
    """Wall and CPU seconds of every round of one contender."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    result: Any = None

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def text(self) -> str:
        return f"{fmt_seconds(self.wall)} ({fmt_seconds(self.cpu)} CPU)"


def measure(
    calls: dict[str, Callable[[], Any]], rounds: int, *, warm: bool = True
) -> dict[str, Timing]:
    """Median wall and CPU time of each call, in interleaved rounds (after a warm-up call)."""
    timings = {name: Timing() for name in calls}
    if warm:
        for name, call in calls.items():
            timings[name].result = call()
    for _ in range(rounds):
        for name, call in calls.items():
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            timings[name].result = call()
            timings[name].walls.append(time.perf_counter() - wall)
            timings[name].cpus.append(time.process_time() - cpu)
    return timings


def rounds_for(seconds: float, wanted: int) -> int:
    """Fewer rounds for slow calls: 5 (or ``wanted``) under 2 s a call, 3 under 10 s, else 1."""
    if seconds > 10:
        return 1
    if seconds > 2:
        return min(wanted, 3)
    return wanted


def fmt_seconds(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.3f} s"


def machine() -> list[str]:
    """Lines describing the run: date, machine, load, library versions."""
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("numpy", "polars", "statecode", "krippendorff")
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    cpus = f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    return [
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.platform()}, {cpus}; load average at start {load}",
        f"{versions}; numpy SIMD: {_simd()}",
    ]


def _simd() -> str:
    try:
        from numpy._core._multiarray_umath import (  # type: ignore[attr-defined]  # noqa: PLC0415
            __cpu_features__ as features,
        )
    except ImportError:  # pragma: no cover - numpy 1.x
        return "?"
    wanted = ("AVX2", "AVX512F")
    return ", ".join(f for f in wanted if features.get(f)) or "baseline"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table with padded columns."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]


class Verdicts:
    """One PASS/FAIL line per figure; the exit code is 1 when any figure is missed."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = 0

    def check(self, ok: bool, text: str) -> None:
        self.lines.append(f"{'PASS' if ok else 'FAIL'}: {text}")
        self.failed += not ok

    def skip(self, text: str) -> None:
        self.lines.append(f"SKIP: {text}")

    def report(self) -> int:
        print()
        print("\n".join(self.lines))
        print()
        print(
            f"{len(self.lines) - self.failed} of {len(self.lines)} figures reached"
            if self.failed
            else f"all {len(self.lines)} figures reached"
        )
        return 1 if self.failed else 0


def categorical(
    coders: int, units: int, values: int, missing: float, rng: np.random.Generator
) -> np.ndarray:
    """Integer codes (coders x units, -1 missing) with real agreement, made in chunks.

    Every unit has a true value that each coder gives with probability 0.8, else a value
    drawn at random; each cell is missing with probability ``missing``.
    """
    out = np.empty((coders, units), dtype=np.int32)
    step = 1 << 20
    for start in range(0, units, step):
        stop = min(units, start + step)
        width = stop - start
        truth = rng.integers(0, values, width)
        noise = rng.integers(0, values, (coders, width))
        block = np.where(rng.random((coders, width)) < 0.8, truth, noise)
        block[rng.random((coders, width)) < missing] = -1
        out[:, start:stop] = block
    return out


def continuous(coders: int, units: int, missing: float, rng: np.random.Generator) -> np.ndarray:
    """Floats (coders x units, NaN missing): a standard normal truth plus noise (sd 0.5)."""
    out = np.empty((coders, units))
    step = 1 << 20
    for start in range(0, units, step):
        stop = min(units, start + step)
        width = stop - start
        block = rng.standard_normal(width)[None, :] + 0.5 * rng.standard_normal((coders, width))
        block[rng.random((coders, width)) < missing] = np.nan
        out[:, start:stop] = block
    return out


def as_floats(codes: np.ndarray, offset: float = 0.0) -> np.ndarray:
    """The codes as floats (plus ``offset``), NaN where missing: the peer's layout."""
    return np.where(codes >= 0, codes + offset, np.nan)
