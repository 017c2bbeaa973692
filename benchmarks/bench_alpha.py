"""Benchmark Krippendorff's alpha against the ``krippendorff`` package and against floors.

Every figure of issue 14 ("Close to the hardware") for alpha is measured in one run, each
against its peer or floor measured in the same run (see ``_harness.py`` for how: interleaved
rounds, medians, wall and CPU time):

- nominal alpha on 10 coders x 1M units, 5 values, 20% missing: from integer codes
  (``ReliabilityData``, what the data path hands the kernels) >= 6x the peer and within 5x of
  one ``np.bincount`` pass over the same codes; from the NaN float array (the peer's layout)
  >= 4x the peer;
- growth from 1e4 to 1e7 units (10 coders), nominal from codes and interval on continuous
  values: each decade within 12x of the one before;
- interval alpha on continuous values, 10 x 1M: within 5x of one pass over the floats
  (``np.sum``);
- ratio, bipolar, a custom difference matrix and circular given as a custom function, with 5
  values at 10 x 1M and ratio with 64 values at 10 x 30k: >= 2x the peer (which gets the same
  difference as a function);
- MASI and Jaccard alpha on 10 x 1M set values: <= 3 s;
- 10,000 bootstrap replicates on 10 x 10k: <= 1 s resampling units, <= 0.1 s with
  Krippendorff's algorithm.

Before timing, every statecode figure is checked against the peer (``abs(diff) < 1e-9``)
where the peer runs; the script stops if they differ. The peer is skipped where its
units x values x values arrays would pass ~8 GB. Data are made in chunks with a seeded
``numpy.random.Generator``; the largest case (10 x 1e7 floats) holds ~0.8 GB.

Run it from the repository root, in the project's environment::

    python benchmarks/bench_alpha.py           # full run, a few minutes
    python benchmarks/bench_alpha.py --quick   # sizes / 10: a smoke test, no verdicts

It prints the machine, the tables and one PASS/FAIL line per figure, and exits with status 1
when a figure is missed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h

import statecode as sc

#: the kernels module, for the coding functions it offers the data path (absent before them)
KERNELS = importlib.import_module("statecode.reliability._kernels")
SEED = 20240601
TOLERANCE = 1e-9
PEER_MAX_BYTES = 8 * 10**9
ROUNDS = 5


class Ids(Sequence[str]):
    """Unit or coder ids ``"0" .. "n-1"``, made only when asked for."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [str(i) for i in range(self.size)[index]]
        return str(range(self.size)[index])


def coded_data(codes: np.ndarray, values: int) -> sc.ReliabilityData:
    """Integer codes as the data path hands them to the kernels."""
    labels = tuple(range(values))
    numbers = np.arange(values, dtype=np.float64)
    return sc.ReliabilityData(codes, labels, numbers, Ids(codes.shape[1]), Ids(codes.shape[0]))


def peer_metric(func: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """A difference function in the peer's calling convention."""

    def metric(v1: Any, v2: Any, **_: Any) -> Any:
        return func(v1, v2)

    return metric


def peer_bytes(units: int, coders: int, values: int) -> int:
    """The peer's peak: units x values x values float arrays, about three alive at once."""
    return max(units * coders * values, 3 * 8 * units * values * values)


@dataclass
class Row:
    label: str
    shape: str
    ours: h.Timing
    peer: h.Timing | None = None
    floor: h.Timing | None = None
    floor_name: str = ""
    note: str = ""

    @property
    def speedup(self) -> float | None:
        return None if self.peer is None else self.peer.cpu / self.ours.cpu

    @property
    def over_floor(self) -> float | None:
        return None if self.floor is None else self.ours.cpu / self.floor.cpu

    def cells(self) -> list[str]:
        alpha = float(self.ours.result)
        return [
            self.label,
            self.shape,
            self.ours.text(),
            self.peer.text() if self.peer else "—",
            f"{self.speedup:.1f}x" if self.speedup is not None else "—",
            f"{self.floor_name}: {self.floor.text()}" if self.floor else "—",
            f"{self.over_floor:.1f}x" if self.over_floor is not None else "—",
            f"{alpha:.4f}",
            self.note,
        ]


HEAD = [
    "case",
    "coders x units",
    "statecode",
    "peer",
    "peer / statecode (CPU)",
    "floor",
    "statecode / floor (CPU)",
    "alpha",
    "note",
]


def compare(
    label: str,
    shape: str,
    ours: Callable[[], float],
    peer: Callable[[], float] | None,
    floor: tuple[str, Callable[[], Any]] | None = None,
    note: str = "",
) -> Row:
    """Check statecode against the peer, then time them (and the floor) in the same rounds."""
    print(f"  {label} {shape} ...", file=sys.stderr, flush=True)
    wall = time.perf_counter()
    alpha = ours()
    first = time.perf_counter() - wall
    if peer is not None:
        expected = peer()
        if not abs(alpha - expected) < TOLERANCE:
            msg = f"{label}: statecode {alpha!r} != peer {expected!r}"
            raise SystemExit(msg)
    calls: dict[str, Callable[[], Any]] = {"ours": ours}
    if peer is not None:
        calls["peer"] = peer
    if floor is not None:
        calls["floor"] = floor[1]
    # the checking calls above were the warm-up of slow calls
    timings = h.measure(calls, h.rounds_for(first, ROUNDS), warm=first < 1.0)
    return Row(
        label,
        shape,
        timings["ours"],
        timings.get("peer"),
        timings.get("floor"),
        floor[0] if floor else "",
        note,
    )


def alpha_of(data: Any, **options: Any) -> Callable[[], float]:
    return lambda: float(sc.krippendorff_alpha(data, **options).alpha)


def peer_of(data: np.ndarray, level: Any, domain: np.ndarray | None) -> Callable[[], float]:
    return lambda: float(
        krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=domain)
    )


def point_cases(units: int, small_units: int, rng: np.random.Generator) -> list[Row]:
    m, values = 10, 5
    shape = f"{m} x {units:,}"
    codes = h.categorical(m, units, values, 0.2, rng)
    floats = h.as_floats(codes)
    domain = np.arange(values, dtype=np.float64)
    rel = coded_data(codes, values)
    rows = [
        compare(
            "nominal, 5 values, from integer codes",
            shape,
            alpha_of(rel),
            peer_of(floats, "nominal", domain),
            ("one np.bincount(codes + 1)", lambda: np.bincount((codes + 1).ravel())),
            "ReliabilityData(codes, ...): the kernels' input",
        ),
        compare(
            "nominal, 5 values, from NaN floats",
            shape,
            alpha_of(floats),
            peer_of(floats, "nominal", domain),
            note="through ReliabilityData.from_array (table/)",
        ),
    ]
    fast = getattr(KERNELS, "codes_from_floats", None)
    if fast is not None:

        def wired() -> float:
            coded = fast(floats)
            if coded is None:  # pragma: no cover - the data are small whole numbers
                raise RuntimeError
            made = sc.ReliabilityData(
                coded[0], tuple(coded[1].tolist()), coded[1], Ids(units), Ids(m)
            )
            return float(sc.krippendorff_alpha(made).alpha)

        rows.append(
            compare(
                "nominal, 5 values, NaN floats via codes_from_floats",
                shape,
                wired,
                peer_of(floats, "nominal", domain),
                note="the float path if table/ called _kernels.codes_from_floats",
            )
        )
    ints = np.where(codes >= 0, codes, 0).astype(np.int64)
    rows.append(
        compare(
            "nominal, 5 values, int64 array, no missing",
            shape,
            alpha_of(ints),
            peer_of(ints.astype(np.float64), "nominal", domain),
            note="through from_array (table/ makes floats, then codes)",
        )
    )
    rows.append(
        compare(
            "ordinal, 5 values, from integer codes",
            shape,
            alpha_of(rel, level="ordinal"),
            peer_of(floats, "ordinal", domain),
        )
    )
    rows.append(
        compare(
            "interval, 5 values, from NaN floats",
            shape,
            alpha_of(floats, level="interval"),
            peer_of(floats, "interval", domain),
        )
    )
    continuous = h.continuous(m, units, 0.2, rng)
    rows.append(
        compare(
            "interval, continuous, from NaN floats",
            shape,
            alpha_of(continuous, level="interval"),
            None,
            ("one np.sum(values)", lambda: np.sum(continuous)),
            "the peer needs units x values^2 cells: skipped",
        )
    )
    positive = floats + 1.0
    positive_domain = domain + 1.0
    low, high = 1.0, float(values)

    def bipolar(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.square(a - b) / ((a + b - 2 * low) * (2 * high - a - b))
        return np.where(a == b, 0.0, out)

    def absolute(a: Any, b: Any) -> Any:
        return np.abs(a - b)

    def circle(a: Any, b: Any) -> Any:
        return np.square(np.sin(np.pi * (a - b) / values))

    rows.append(
        compare(
            "ratio, 5 values, from NaN floats",
            shape,
            alpha_of(positive, level="ratio"),
            peer_of(positive, "ratio", positive_domain),
        )
    )
    rows.append(
        compare(
            "bipolar, 5 values, from NaN floats",
            shape,
            alpha_of(positive, level="bipolar", bounds=(low, high)),
            peer_of(positive, peer_metric(bipolar), positive_domain),
            note="peer: the same difference as a function",
        )
    )
    rows.append(
        compare(
            "custom |a - b|, 5 values, from NaN floats",
            shape,
            alpha_of(positive, distance=absolute),
            peer_of(positive, peer_metric(absolute), positive_domain),
            note="peer: the same difference as a function",
        )
    )
    rows.append(
        compare(
            "circular as a custom function, 5 values",
            shape,
            alpha_of(positive, distance=circle),
            peer_of(positive, peer_metric(circle), positive_domain),
            note="sin^2(pi (a - b) / 5) given as distance=",
        )
    )
    wide = 64
    wide_codes = h.categorical(m, small_units, wide, 0.2, rng)
    wide_floats = h.as_floats(wide_codes, 1.0)
    wide_domain = np.arange(1, wide + 1, dtype=np.float64)
    need = peer_bytes(small_units, m, wide)
    rows.append(
        compare(
            "ratio, 64 values, from NaN floats",
            f"{m} x {small_units:,}",
            alpha_of(wide_floats, level="ratio"),
            peer_of(wide_floats, "ratio", wide_domain) if need < PEER_MAX_BYTES else None,
            note=f"peer needs ~{need / 1e9:.1f} GB",
        )
    )
    return rows


def set_cases(units: int, rng: np.random.Generator) -> list[Row]:
    m = 10
    pool = [
        frozenset(s)
        for s in (
            ("a",),
            ("b",),
            ("c",),
            ("a", "b"),
            ("b", "c"),
            ("a", "b", "c"),
            ("d",),
            ("a", "d"),
        )
    ]
    codes = h.categorical(m, units, len(pool), 0.2, rng)
    objects = np.array([*pool, None], dtype=object)[np.where(codes >= 0, codes, len(pool))]
    rows = [
        compare(
            f"{name}, 8 distinct sets, from an object array",
            f"{m} x {units:,}",
            alpha_of(objects, distance=name),
            None,
            note="through ReliabilityData.from_array (table/)",
        )
        for name in ("masi", "jaccard")
    ]
    make = getattr(KERNELS, "code_objects", None)
    if make is not None:

        def from_codes(name: str) -> Callable[[], float]:
            def run() -> float:
                raw, distinct = make(objects)
                labels = sorted((v for v in distinct if v is not None), key=sorted)
                remap = np.array(
                    [labels.index(v) if v is not None else -1 for v in distinct], dtype=np.int32
                )
                made = sc.ReliabilityData(remap[raw], tuple(labels), None, Ids(units), Ids(m))
                return float(sc.krippendorff_alpha(made, distance=name).alpha)

            return run

        rows += [
            compare(
                f"{name}, sets coded by code_objects",
                f"{m} x {units:,}",
                from_codes(name),
                None,
                note="the set path if table/ called _kernels.code_objects",
            )
            for name in ("masi", "jaccard")
        ]
    return rows


def growth(sizes: list[int], rng: np.random.Generator) -> tuple[list[list[str]], dict[str, float]]:
    """Time per decade of units (nominal from codes, interval on continuous floats), and the
    largest ratio of one decade's CPU time to the one before, per level."""
    out = []
    previous: dict[str, float] = {}
    worst = {"nominal": 0.0, "interval": 0.0}
    for units in sizes:
        print(f"  growth {units:,} ...", file=sys.stderr, flush=True)
        codes = h.categorical(10, units, 5, 0.2, rng)
        rel = coded_data(codes, 5)
        values = h.continuous(10, units, 0.2, rng)
        calls = {"nominal": alpha_of(rel), "interval": alpha_of(values, level="interval")}
        timings = h.measure(calls, ROUNDS if units < 10**7 else 3)
        row = [f"{units:,}"]
        for name in ("nominal", "interval"):
            t = timings[name]
            ratio = t.cpu / previous[name] if name in previous else None
            row += [t.text(), f"{ratio:.1f}x" if ratio is not None else "—"]
            if ratio is not None:
                worst[name] = max(worst[name], ratio)
            previous[name] = t.cpu
        out.append(row)
        del codes, rel, values
    return out, worst


def bootstrap_cases(units: int, replicates: int, rng: np.random.Generator) -> list[Row]:
    m = 10
    floats = h.as_floats(h.categorical(m, units, 5, 0.2, rng))
    rows = []
    for method in ("units", "krippendorff"):
        label = f"bootstrap {replicates:,} ({method})"
        print(f"  {label} ...", file=sys.stderr, flush=True)
        call = alpha_of(floats, bootstrap=replicates, seed=1, method=method)
        rows.append(Row(label, f"{m} x {units:,}", h.measure({"b": call}, ROUNDS)["b"]))
    return rows


def verdicts(rows: list[Row], worst: dict[str, float], boots: list[Row]) -> h.Verdicts:
    v = h.Verdicts()

    def find(prefix: str) -> Row | None:
        return next((r for r in rows + boots if r.label.startswith(prefix)), None)

    def at_least(row: Row | None, factor: float, text: str) -> None:
        if row is None or row.speedup is None:
            v.skip(f"{text}: not measured")
            return
        v.check(row.speedup >= factor, f"{text} >= {factor:g}x the peer (got {row.speedup:.1f}x)")

    codes = find("nominal, 5 values, from integer codes")
    at_least(codes, 6, "nominal 10 x 1M from integer codes")
    if codes is not None and codes.over_floor is not None:
        v.check(
            codes.over_floor <= 5,
            f"nominal 10 x 1M from integer codes within 5x of one bincount pass "
            f"(got {codes.over_floor:.1f}x)",
        )
    at_least(find("nominal, 5 values, from NaN floats"), 4, "nominal 10 x 1M from NaN floats")
    for name, ratio in worst.items():
        v.check(
            0 < ratio <= 12,
            f"{name} growth 1e4 -> 1e7 units: every decade within 12x (worst {ratio:.1f}x)",
        )
    cont = find("interval, continuous")
    if cont is not None and cont.over_floor is not None:
        v.check(
            cont.over_floor <= 5,
            f"interval on continuous values 10 x 1M within 5x of one pass over the floats "
            f"(got {cont.over_floor:.1f}x)",
        )
    for prefix in ("ratio, 5", "bipolar", "custom", "circular", "ratio, 64"):
        row = find(prefix)
        at_least(row, 2, f"{row.label if row else prefix} at {row.shape if row else '?'}")
    for name in ("masi", "jaccard"):
        row = find(f"{name}, 8 distinct sets")
        if row is not None:
            v.check(row.ours.cpu <= 3.0, f"{name} alpha 10 x 1M <= 3 s (got {row.ours.text()})")
    for prefix, limit in (("bootstrap 10,000 (units)", 1.0), ("bootstrap 10,000 (krip", 0.1)):
        row = find(prefix)
        if row is not None:
            v.check(
                row.ours.cpu <= limit,
                f"{row.label} on 10 x 10k <= {limit:g} s (got {row.ours.text()})",
            )
    return v


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="sizes / 10, no verdicts")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    for line in h.machine():
        print(line)
    print(f"run: {'quick (sizes / 10)' if args.quick else 'full'}; median of rounds")
    print()
    rng = np.random.default_rng(SEED)
    rows = point_cases(1_000_000 // scale, 30_000 // scale, rng)
    rows += set_cases(1_000_000 // scale, rng)
    print("\n".join(h.table(HEAD, [r.cells() for r in rows])))
    print()
    sizes = [10**k // scale for k in range(4, 8)]
    growth_rows, worst = growth(sizes, rng)
    print(
        "\n".join(
            h.table(
                [
                    "units (10 coders)",
                    "nominal",
                    "x before (CPU)",
                    "interval (continuous)",
                    "x before (CPU)",
                ],
                growth_rows,
            )
        )
    )
    print()
    boots = bootstrap_cases(10_000 // scale, 10_000 // scale, rng)
    print(
        "\n".join(
            h.table(
                ["case", "coders x units", "statecode", "alpha"],
                [[b.label, b.shape, b.ours.text(), f"{float(b.ours.result):.4f}"] for b in boots],
            )
        )
    )
    if args.quick:
        print("\nverdicts are given on the full run only (without --quick)")
        return 0
    return verdicts(rows, worst, boots).report()


if __name__ == "__main__":
    raise SystemExit(main())
