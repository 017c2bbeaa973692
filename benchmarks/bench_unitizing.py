"""Benchmark unitizing alpha: statecode's kernels against the naive reference, in one run.

The data imitate coders marking statements: every document has 50 true statements (lengths
20-59 code points, gaps of 1-9 between them); each coder marks every statement with both
boundaries moved by -2..+2 (kept within the document and off the neighbours) and gives it the
true category with probability 0.8, else one of 5 at random. Made with a seeded
``numpy.random.Generator``.

For each variant the script first checks that statecode and the naive implementation
(``tests/reliability/unitizing_naive.py``: loops over pairs of coders and pairs of segments,
straight from the formulas) agree to 1e-9 on a small slice of the data, and stops if they do
not. It then times statecode on the full data (best of 3 calls, the input a polars DataFrame)
and the naive implementation on the slice, whose time it extrapolates linearly in the number
of documents (its cost is linear in them: every loop stays within one continuum).

Run it from the repository root, in the project's environment::

    python benchmarks/bench_unitizing.py           # 10 coders x 1,000 documents x 50 spans
    python benchmarks/bench_unitizing.py --quick   # 100 documents: a smoke test
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import platform
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h
from tests.reliability.unitizing_naive import naive_family, naive_u2004

import statecode as sc
from statecode import unitizing_alpha

SEED = 20261125
CODERS = 10
SEGMENTS = 50
CATEGORIES = 5
NAIVE_DOCUMENTS = 4
TOLERANCE = 1e-9
TARGET_SECONDS = 2.0

Row = tuple[str, str, int, int, str]
T = TypeVar("T")


def make_spans(
    documents: int, rng: np.random.Generator, segments: int = SEGMENTS
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Spans of CODERS coders on ``documents`` documents of ``segments`` true statements."""
    doc_ids, coder_ids, starts, ends, codes = [], [], [], [], []
    lengths: dict[str, int] = {}
    for d in range(documents):
        name = f"doc{d:05}"
        size = rng.integers(20, 60, segments)
        gap = rng.integers(1, 10, segments)
        true_start = np.cumsum(np.concatenate([[0], (size + gap)[:-1]])) + gap[0]
        true_end = true_start + size
        length = int(true_end[-1] + 5)
        lengths[name] = length
        truth = rng.integers(0, CATEGORIES, segments)
        for c in range(CODERS):
            start = np.maximum(true_start + rng.integers(-2, 3, segments), 0)
            end = np.minimum(true_end + rng.integers(-2, 3, segments), length)
            end = np.minimum(end, np.concatenate([start[1:], [length]]))
            end = np.maximum(end, start + 1)
            start = np.maximum(start, np.concatenate([[0], end[:-1]]))
            code = np.where(
                rng.random(segments) < 0.8, truth, rng.integers(0, CATEGORIES, segments)
            )
            doc_ids.append(np.full(segments, d))
            coder_ids.append(np.full(segments, c))
            starts.append(start)
            ends.append(end)
            codes.append(code)
    frame = pl.DataFrame(
        {
            "document": np.concatenate(doc_ids),
            "coder": np.concatenate(coder_ids),
            "start": np.concatenate(starts).astype(np.int64),
            "end": np.concatenate(ends).astype(np.int64),
            "code": np.concatenate(codes),
        }
    ).with_columns(
        pl.format("doc{}", pl.col("document").cast(pl.String).str.zfill(5)).alias("document"),
        pl.format("coder{}", pl.col("coder")).alias("coder"),
        pl.format("k{}", pl.col("code")).alias("code"),
    )
    return frame, lengths


def best_time(call: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Best wall time of ``repeats`` calls, and the last result."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive(variant: str, rows: list[Row], lengths: dict[str, int]) -> float:
    continua = {d: (0, n) for d, n in lengths.items()}
    coders = sorted({r[1] for r in rows})
    categories = sorted({r[4] for r in rows})
    if variant == "u2004":
        return float(naive_u2004(rows, continua, coders, categories)["alpha"])
    out = naive_family(rows, continua, coders, categories)
    return float(out["alpha"] if variant == "u" else out["cu_alpha"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 documents instead of 1,000")
    args = parser.parse_args()
    documents = 100 if args.quick else 1000
    rng = np.random.default_rng(SEED)
    frame, lengths = make_spans(documents, rng)
    small_docs = sorted(lengths)[:NAIVE_DOCUMENTS]
    small = frame.filter(pl.col("document").is_in(small_docs))
    small_lengths = {d: lengths[d] for d in small_docs}
    rows: list[Row] = [(d, c, s, e, k) for d, c, s, e, k in small.iter_rows()]
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"numpy {np.__version__}, polars {pl.__version__}, "
        f"statecode {importlib.metadata.version('statecode')}"
    )
    print(
        f"data: {CODERS} coders x {documents:,} documents x {SEGMENTS} spans = {frame.height:,} "
        f"spans, {sum(lengths.values()):,} code points; naive on {NAIVE_DOCUMENTS} documents "
        f"({small.height:,} spans), extrapolated x{documents / NAIVE_DOCUMENTS:g}"
    )
    print()
    header = (
        "| variant | statecode time (s) | naive time, measured (s) | naive time, extrapolated "
        "(s) | speedup | alpha | check |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|")
    failures = []
    for variant in ("u", "cu", "u2004"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fast_small = unitizing_alpha(small, variant=variant, continua=small_lengths).alpha
            naive_time, slow_small = best_time(partial(naive, variant, rows, small_lengths), 1)
        if not abs(fast_small - slow_small) <= TOLERANCE * max(1.0, abs(slow_small)):
            print(f"MISMATCH {variant}: statecode {fast_small!r}, naive {slow_small!r}")
            sys.exit(1)
        fast_time, result = best_time(
            partial(unitizing_alpha, frame, variant=variant, continua=lengths), 3
        )
        extrapolated = naive_time * documents / NAIVE_DOCUMENTS
        alpha = result.alpha
        print(
            f"| {variant} | {fast_time:.3f} | {naive_time:.2f} | {extrapolated:,.0f} | "
            f"{extrapolated / fast_time:,.0f}x | {alpha:.4f} | agree on {NAIVE_DOCUMENTS} "
            f"documents (diff {abs(fast_small - slow_small):.1e}) |"
        )
        if not args.quick and fast_time >= TARGET_SECONDS:
            failures.append(variant)
    spans = [
        sc.Span(d, c, s, e, "v", k)
        for d, c, s, e, k in frame.select("document", "coder", "start", "end", "code").iter_rows()
    ]
    span_time, _ = best_time(lambda: unitizing_alpha(spans, continua=lengths), 3)
    print()
    print(f"u from {len(spans):,} Span objects instead of a DataFrame: {span_time:.3f} s")
    # coders per document: each document unitized by 7 of the 10 coders (their spans only)
    who = {d: sorted(rng.choice(sorted(set(frame["coder"])), 7, replace=False)) for d in lengths}
    allowed = pl.DataFrame(
        {
            "document": [d for d, cs in who.items() for _ in cs],
            "coder": [c for cs in who.values() for c in cs],
        }
    )
    partial_frame = frame.join(allowed, on=["document", "coder"], how="semi")
    roster_time, roster_result = best_time(
        lambda: unitizing_alpha(partial_frame, continua=lengths, coders=who), 3
    )
    print(
        f"u with coders per document (7 of {CODERS} each, {partial_frame.height:,} spans): "
        f"{roster_time:.3f} s, alpha {roster_result.alpha:.4f}"
    )
    if not args.quick:
        print()
        for variant in ("u", "cu", "u2004"):
            verdict = "FAIL" if variant in failures else "PASS"
            print(
                f"{verdict}: {variant}, {CODERS} x {documents:,} x {SEGMENTS} < {TARGET_SECONDS} s"
            )
    growth_failures = growth(quick=args.quick)
    if failures or growth_failures:
        sys.exit(1)


def growth(*, quick: bool) -> int:
    """Cost per span as the spans per document grow tenfold, the total held constant.

    The same total of spans (10 coders x 500,000 / 50,000 with --quick) is cut into documents
    of 50, 500 and 5,000 statements per coder: a kernel linear in the spans per document
    costs the same per span in all three. Target (full run): u2004 and u at 5,000 spans per
    coder per document within 1.5x of their cost per span at 500.
    """
    total = 50_000 if quick else 500_000
    print()
    print("| spans per coder per document | documents | spans | u2004 (ns/span) | u (ns/span) |")
    print("|---|---|---|---|---|")
    per_span: dict[tuple[str, int], float] = {}
    for segments in (50, 500, 5000):
        documents = max(1, total // (CODERS * segments))
        frame, lengths = make_spans(documents, np.random.default_rng(SEED + segments), segments)
        calls = {
            v: partial(unitizing_alpha, frame, variant=v, continua=lengths) for v in ("u2004", "u")
        }
        timings = h.measure(calls, 3)
        cells = []
        for variant in ("u2004", "u"):
            cost = timings[variant].cpu / frame.height * 1e9
            per_span[variant, segments] = cost
            cells.append(f"{timings[variant].wall / frame.height * 1e9:,.0f} ({cost:,.0f} CPU)")
        print(f"| {segments:,} | {documents:,} | {frame.height:,} | {cells[0]} | {cells[1]} |")
    if quick:
        return 0
    verdicts = h.Verdicts()
    for variant in ("u2004", "u"):
        ratio = per_span[variant, 5000] / per_span[variant, 500]
        verdicts.check(
            ratio <= 1.5,
            f"{variant}: CPU cost per span at 5,000 spans per coder per document within 1.5x "
            f"of that at 500 (got {ratio:.2f}x)",
        )
    return verdicts.report()


if __name__ == "__main__":
    main()
