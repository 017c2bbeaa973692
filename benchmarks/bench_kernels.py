"""Benchmark the agreement kernels and the coding functions against what they replace.

Each figure is measured against the implementation it replaces, reproduced here from the
previous release and run in the same rounds (see ``_harness.py``: interleaved rounds,
medians, wall and CPU time), on 10 coders x 1M units, 5 categories, 20% missing:

- ``category_counts`` (the units x categories table of the kappa family): >= 2x the loop of
  one full comparison and column count per category (also with 50 categories);
- ``fleiss_kappa`` end to end from ``ReliabilityData``, with its per-category kappas: >= 2x
  the previous release's path (per-category loop of full Fleiss computations, reproduced);
- ``holsti`` without a loop over pairs of coders: >= 2x the pair loop;
- ``codes_from_floats`` (offered to the data path for NaN float arrays): >= 2x
  ``table._factorize.factorize_small_integers``, with the same codes;
- ``code_objects`` (offered to the data path for text and sets): >= 2x
  ``table._factorize.factorize`` on 10 x 1M set values.

Run it from the repository root, in the project's environment::

    python benchmarks/bench_kernels.py           # full run, about a minute
    python benchmarks/bench_kernels.py --quick   # sizes / 10: a smoke test, no verdicts

It prints the machine, one table and one PASS/FAIL line per figure, and exits with status 1
when a figure is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h

import statecode as sc
from statecode.reliability import _agreement_kernels as ak
from statecode.table import _factorize

KERNELS = importlib.import_module("statecode.reliability._kernels")
AG = importlib.import_module("statecode.reliability._agreement")
SEED = 20261201
ROUNDS = 5


def counts_loop(codes: np.ndarray, q: int) -> np.ndarray:
    """The previous category_counts: one full comparison and column count per category."""
    counts = np.zeros((codes.shape[1], q))
    for k in range(q):
        counts[:, k] = np.count_nonzero(codes == k, axis=0)
    return counts


def holsti_loop(codes: np.ndarray) -> float:
    """The previous holsti: a loop over the pairs of coders with boolean compression."""
    ratios = []
    for i in range(codes.shape[0] - 1):
        for j in range(i + 1, codes.shape[0]):
            both = (codes[i] >= 0) & (codes[j] >= 0)
            if both.any():
                ratios.append(float(np.mean(codes[i, both] == codes[j, both])))
    return float(np.mean(ratios))


def observed_loop(counts: np.ndarray, weights: np.ndarray) -> Any:
    """The previous _observed: a units x q x q product even for identity weights."""
    r_i = counts.sum(axis=1)
    weighted = counts @ weights.T
    sum_q = (counts * (weighted - 1.0)).sum(axis=1)
    den = r_i * (r_i - 1.0)
    two = r_i >= 2
    pa_i = np.divide(sum_q, den, out=np.zeros_like(sum_q), where=two)
    n2 = int(two.sum())
    pa = float(pa_i[two].sum() / n2) if n2 else float("nan")
    return ak._Observed(pa, pa_i, r_i, n2)


def shares_loop(counts: np.ndarray) -> np.ndarray:
    """The previous _classification_shares: a divided copy of the counts, then its mean."""
    r_i = counts.sum(axis=1, keepdims=True)
    return np.asarray((counts / r_i).mean(axis=0), dtype=np.float64)


def per_category_loop(counts: np.ndarray, labels: tuple[Any, ...]) -> dict[Any, float]:
    """The previous per-category kappas: a units x 2 table and fleiss_parts per category."""
    r_i = counts.sum(axis=1)
    out = {}
    for k, label in enumerate(labels):
        binary = np.stack([counts[:, k], r_i - counts[:, k]], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[label] = ak.fleiss_parts(binary, np.eye(2)).value
    return out


@contextlib.contextmanager
def previous_kernels() -> Iterator[None]:
    """fleiss_kappa with the previous release's kernels swapped in."""
    saved = (ak.category_counts, ak._observed, ak._classification_shares, AG._per_category)
    ak.category_counts, ak._observed, ak._classification_shares = (
        counts_loop,
        observed_loop,
        shares_loop,
    )
    AG._per_category = per_category_loop
    try:
        yield
    finally:
        ak.category_counts, ak._observed, ak._classification_shares, AG._per_category = saved


def fleiss_previous(rel: sc.ReliabilityData) -> float:
    with previous_kernels():
        return float(sc.fleiss_kappa(rel).value)


def row(
    label: str, calls: dict[str, Callable[[], Any]], note: str = "", cells: int = 0
) -> list[Any]:
    """Time the new and the previous implementation; ``cells`` for a per-cell figure."""
    print(f"  {label} ...", file=sys.stderr, flush=True)
    timings = h.measure(calls, ROUNDS)
    new, old = timings["new"], timings["old"]
    per_cell = f"{new.cpu / cells * 1e9:.1f} ns" if cells else "—"
    return [label, new, old, old.cpu / new.cpu, per_cell, note]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="sizes / 10, no verdicts")
    args = parser.parse_args(argv)
    units = 1_000_000 // (10 if args.quick else 1)
    for line in h.machine():
        print(line)
    print(f"run: {'quick (sizes / 10)' if args.quick else 'full'}; 10 coders x {units:,} units")
    print()
    rng = np.random.default_rng(SEED)
    codes = h.categorical(10, units, 5, 0.2, rng)
    wide = h.categorical(10, units, 50, 0.2, rng)
    floats = h.as_floats(codes, 1.0)
    rel = sc.ReliabilityData.from_array(floats)
    rows = [
        row(
            "category_counts, 5 categories",
            {"new": lambda: ak.category_counts(codes, 5), "old": lambda: counts_loop(codes, 5)},
            cells=units * 5,
        ),
        row(
            "category_counts, 50 categories",
            {"new": lambda: ak.category_counts(wide, 50), "old": lambda: counts_loop(wide, 50)},
            cells=units * 50,
        ),
        row(
            "fleiss_kappa from ReliabilityData",
            {"new": lambda: sc.fleiss_kappa(rel).value, "old": lambda: fleiss_previous(rel)},
            "old: the same call with the previous release's kernels swapped in",
            cells=units * 5,
        ),
        row(
            "holsti from integer codes",
            {"new": lambda: sc.holsti(rel).value, "old": lambda: holsti_loop(rel.codes)},
            "old: the loop over coder pairs",
        ),
    ]
    for name, new, old in (
        ("holsti", sc.holsti(rel).value, holsti_loop(rel.codes)),
        ("fleiss_kappa", sc.fleiss_kappa(rel).value, fleiss_previous(rel)),
    ):
        if abs(new - old) > 1e-12:
            msg = f"{name} differs from the previous kernels by {new - old}"
            raise SystemExit(msg)
    fast_floats = getattr(KERNELS, "codes_from_floats", None)
    if fast_floats is not None:
        got, expected = fast_floats(floats), _factorize.factorize_small_integers(floats)
        if got is None or expected is None or not np.array_equal(got[0], expected[0]):
            msg = "codes_from_floats differs from factorize_small_integers"
            raise SystemExit(msg)
        rows.append(
            row(
                "codes_from_floats (NaN floats -> codes)",
                {
                    "new": lambda: fast_floats(floats),
                    "old": lambda: _factorize.factorize_small_integers(floats),
                },
                "old: table._factorize.factorize_small_integers",
            )
        )
    fast_objects = getattr(KERNELS, "code_objects", None)
    if fast_objects is not None:
        pool = [frozenset(s) for s in ("a", "b", "c", "ab", "bc", "abc", "d", "ad")]
        objects = np.array([*pool, None], dtype=object)[np.where(codes >= 0, codes, len(pool))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows.append(
                row(
                    "code_objects (set values -> codes)",
                    {
                        "new": lambda: fast_objects(objects),
                        "old": lambda: _factorize.factorize(objects),
                    },
                    "old: table._factorize.factorize; new: codes into first-seen values",
                )
            )
    head = [
        "kernel",
        "new",
        "previous",
        "previous / new (CPU)",
        "new per unit-category (CPU)",
        "note",
    ]
    print(
        "\n".join(
            h.table(
                head,
                [[r[0], r[1].text(), r[2].text(), f"{r[3]:.1f}x", r[4], r[5]] for r in rows],
            )
        )
    )
    if args.quick:
        print("\nverdicts are given on the full run only (without --quick)")
        return 0
    verdicts = h.Verdicts()
    for label, _, _, ratio, _, _ in rows:
        verdicts.check(ratio >= 2, f"{label}: >= 2x the previous (got {ratio:.1f}x)")
    return verdicts.report()


if __name__ == "__main__":
    raise SystemExit(main())
