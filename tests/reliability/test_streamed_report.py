"""reliability_report of a LazyFrame: the in-memory report's figures, from merged statistics."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import statecode
from statecode import Category, Codebook, Variable
from statecode.exceptions import DataError, OptionError

IN_MEMORY_ONLY = ("Holstis_CR", "Cohens_Kappa", "Scotts_Pi", "Congers_Kappa")


def codings(seed: int = 3, units: int = 400) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 5, units)
    unit = np.repeat(np.arange(units), 4)
    value = np.where(rng.random(unit.size) < 0.7, truth[unit], rng.integers(1, 5, unit.size))
    frame = pl.DataFrame(
        {
            "unit": [f"s{u}" for u in unit],
            "coder": np.tile(["ann", "ben", "cy", "dee"], units),
            "stance": [("pro", "con", "neu", "mix")[v - 1] for v in value],
            "tone": [("lo", "mid", "hi", "top")[v % 4] for v in value * 3],
        }
    )
    return frame.filter(pl.Series(rng.random(unit.size) < 0.85))


CODEBOOK = Codebook(
    name="demo",
    variables=(
        Variable(
            name="stance",
            level="nominal",
            categories=tuple(Category(c) for c in ("pro", "con", "neu", "mix", "none")),
        ),
        Variable(
            name="tone",
            level="ordinal",
            categories=tuple(Category(c) for c in ("lo", "mid", "hi", "top")),
            order=("lo", "mid", "hi", "top"),
        ),
    ),
)


@pytest.mark.parametrize("method", ["krippendorff", "units"])
def test_a_lazy_frame_gives_the_in_memory_report(method: str) -> None:
    frame = codings()
    options = {
        "codebook": CODEBOOK,
        "coefficients": "all",
        "bootstrap": 300,
        "seed": 1,
        "method": method,
    }
    memory = statecode.reliability_report(frame, **options)
    lazy = statecode.reliability_report(frame.lazy(), **options)
    assert lazy.table.columns == memory.table.columns
    for column in lazy.table.columns:
        a, b = lazy.table[column].to_list(), memory.table[column].to_list()
        if column in IN_MEMORY_ONLY or column.startswith(IN_MEMORY_ONLY):
            assert a == [None, None], column
        elif column == "Notes":
            assert all("not computed (needs each coder's codes in memory" in n for n in a)
        elif column.startswith("Krippendorffs_Alpha_CI") and method == "units":
            # the unit bootstrap from patterns: the distribution, not the random numbers
            assert all(abs(x - y) < 0.03 for x, y in zip(a, b, strict=True)), column
        elif isinstance(b[0], float):
            assert all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a, b, strict=True)), column
        else:
            assert a == b, column
    assert [r.alpha for r in lazy.alphas] == pytest.approx([r.alpha for r in memory.alphas])
    fleiss = lazy.details[1]["fleiss"]
    assert fleiss.se == pytest.approx(memory.details[1]["fleiss"].se, rel=1e-9)
    assert lazy.provenance is not None


def test_what_a_lazy_report_cannot_do_is_an_error() -> None:
    lazy = codings().lazy()
    with pytest.raises(OptionError, match="by= needs the table in memory"):
        statecode.reliability_report(lazy, by={"s1": "a"})
    with pytest.raises(DataError, match="variables= names 'nope'"):
        statecode.reliability_report(lazy, variables=["nope"])
    cats = tuple(Category(c) for c in ("pro", "con", "neu", "mix"))
    multi = Codebook(
        name="m",
        variables=(Variable(name="stance", level="nominal", multi_label=True, categories=cats),),
    )
    with pytest.raises(DataError, match="multi-label"):
        statecode.reliability_report(lazy.select("unit", "coder", "stance"), codebook=multi)
    with pytest.raises(DataError, match="have no order of their own"):
        statecode.reliability_report(lazy, levels={"tone": "ordinal"})


def test_a_codebook_given_to_the_report_counts_as_the_tables() -> None:
    # a frame scored with codebook= showed the codebook's level (ordinal) beside an alpha
    # computed nominal, in alphabetical order, and kappas on the data's categories only
    # (found while checking the streamed report against it)
    frame = codings()
    given = statecode.reliability_report(frame, codebook=CODEBOOK, coefficients="all")
    carried = statecode.reliability_report(
        statecode.CodingTable.from_frame(frame, codebook=CODEBOOK), coefficients="all"
    )
    assert [a.level for a in given.alphas] == ["nominal", "ordinal"]
    assert given.alphas[1].values == ("lo", "mid", "hi", "top")
    assert given.table.equals(carried.table)


def crowd(units: int, coders: int, seed: int = 0) -> pl.DataFrame:
    """Each unit coded by 3 of many coders: a crowd design."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), 3)
    first = rng.integers(0, coders, units)
    coder = ((first[:, None] + np.array([0, 1, 2]) * (coders // 3)) % coders).ravel()
    truth = rng.integers(0, 4, units)
    value = np.where(rng.random(unit.size) < 0.7, truth[unit], rng.integers(0, 4, unit.size))
    return pl.DataFrame(
        {
            "unit": unit.astype(str),
            "coder": coder.astype(str),
            "stance": [("pro", "con", "neu", "mix")[v] for v in value],
            "score": value.astype(float),
        }
    )


def test_a_sparse_table_is_scored_as_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # a CodingTable of a crowd design goes the sparse way (alpha and the report): the same
    # figures as the coders x units path. 200 coders x 1,500 units is below the size that
    # goes sparse by default: the test lowers the threshold for the sparse run
    from statecode.reliability import _scale  # noqa: PLC0415 - its threshold

    table = statecode.CodingTable.from_frame(crowd(1500, 200))
    levels = {"score": "interval"}
    dense = statecode.reliability_report(table, coefficients="all", levels=levels)
    assert dense.table["Holstis_CR"].null_count() == 0  # computed: not the sparse path
    monkeypatch.setattr(_scale, "SPARSE_MIN_CELLS", 0)
    sparse = statecode.reliability_report(table, coefficients="all", levels=levels)
    alphas = [statecode.krippendorff_alpha(table, variable=v, **o) for v, o in
              (("stance", {}), ("score", {"level": "interval"}))]  # fmt: skip
    assert [a.alpha for a in alphas] == pytest.approx([a.alpha for a in dense.alphas], abs=1e-12)
    for column in ("Agreement", "Krippendorffs_Alpha", "Fleiss_Kappa", "Gwets_AC1", "Gwets_AC2"):
        np.testing.assert_allclose(sparse.table[column], dense.table[column], rtol=1e-9)
    for column in ("Fleiss_Kappa_CI_low", "Gwets_AC2_CI_high"):
        np.testing.assert_allclose(sparse.table[column], dense.table[column], rtol=1e-9)
    assert sparse.table["Holstis_CR"].to_list() == [None, None]
    assert all("a sparse design" in note for note in sparse.table["Notes"])


def test_a_sparse_table_never_builds_the_coders_x_units_array() -> None:
    # 10,000 coders x 100,000 units: the dense array would be 4 GB of int32 codes; numpy's
    # allocations (which tracemalloc sees) stay far below that
    import tracemalloc  # noqa: PLC0415

    table = statecode.CodingTable.from_frame(crowd(100_000, 10_000).drop("score"))
    tracemalloc.start()
    try:
        result = statecode.krippendorff_alpha(table, variable="stance")
        report = statecode.reliability_report(table, coefficients="alpha,fleiss,ac1")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.coders == 10_000
    assert report.alphas[0].alpha == pytest.approx(result.alpha, abs=1e-12)
    assert peak < 200 * 2**20, peak


def test_a_sparse_table_reads_numbers_and_codes_as_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # found by review: on the sparse path an interval variable with codebook categories
    # ("1", "2", ...) was refused as not numbers, and "1" and "1.0" were two values
    from statecode.reliability import _scale  # noqa: PLC0415 - its threshold

    frame = crowd(1500, 200).with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.col("score").cast(pl.String))
        .otherwise(pl.col("score").cast(pl.Int64).cast(pl.String))
        .alias("spelled"),
        (pl.col("score") + 1).cast(pl.Int64).cast(pl.String).alias("scale"),
    )
    codebook = Codebook(
        name="n",
        variables=(
            Variable(
                name="scale",
                level="interval",
                categories=tuple(Category(c) for c in ("1", "2", "3", "4", "5")),
            ),
        ),
    )
    table = statecode.CodingTable.from_frame(
        frame.drop("stance", "score", "spelled"), codebook=codebook
    )
    plain = statecode.CodingTable.from_frame(frame.select("unit", "coder", "spelled"))
    dense = [
        statecode.krippendorff_alpha(table, variable="scale"),
        statecode.krippendorff_alpha(plain, variable="spelled"),
        statecode.krippendorff_alpha(plain, variable="spelled", level="ratio"),
    ]
    monkeypatch.setattr(_scale, "SPARSE_MIN_CELLS", 0)
    sparse = [
        statecode.krippendorff_alpha(table, variable="scale"),
        statecode.krippendorff_alpha(plain, variable="spelled"),
        statecode.krippendorff_alpha(plain, variable="spelled", level="ratio"),
    ]
    for a, b in zip(sparse, dense, strict=True):
        assert a.alpha == pytest.approx(b.alpha, abs=1e-12)
        assert a.pairable_values == b.pairable_values
    assert len(sparse[1].values) == len(dense[1].values) == 4
    report = statecode.reliability_report(plain, coefficients="alpha,percent,fleiss")
    assert report.table["n_Categories"].to_list() == [4]
