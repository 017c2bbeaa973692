"""Unitizing alphas: published examples, a naive reference, independent peers, invariances."""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode as sc
from statecode import (
    DataError,
    DegenerateDataWarning,
    OverlapRule,
    UnitizingResult,
    UnitizingVariant,
    unitizing_alpha,
)
from statecode.reliability import _unitizing_kernels as kernels
from tests.reliability.unitizing_naive import GAP, naive_family, naive_u2004, partition

Tuple5 = tuple[str, str, int, int, str]

TOL = 1e-9


def spans_of(rows: Sequence[Tuple5], variable: str = "v") -> list[sc.Span]:
    return [sc.Span(d, c, s, e, variable, k) for d, c, s, e, k in rows]


def frame_of(rows: Sequence[Tuple5]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "document": [r[0] for r in rows],
            "coder": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[3] for r in rows],
            "code": [r[4] for r in rows],
        },
        schema={
            "document": pl.String,
            "coder": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "code": pl.String,
        },
    )


def quiet(func: Callable[..., UnitizingResult], *args: Any, **kwargs: Any) -> UnitizingResult:
    """Call without failing on DegenerateDataWarning (pytest turns warnings into errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return func(*args, **kwargs)


def same(a: float, b: float, tol: float = TOL) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------------------------------
# published worked examples of Krippendorff's (1995, 2004) u-alpha


# Krippendorff (2004), Content Analysis, 2nd ed., p. 254 (as DKPro Agreement's
# Krippendorff2004Test reproduces it): a continuum from 150 to 450, two observers, categories
# c and k. (offset, length, observer, category). Observer 0's k-unit 180..240 overlaps their
# c-unit 225..295: u2004 scores each category on its own, so that is allowed there.
K2004 = [
    (225, 70, 0, "c"),
    (370, 30, 0, "c"),
    (220, 80, 1, "c"),
    (355, 20, 1, "c"),
    (400, 20, 1, "c"),
    (180, 60, 0, "k"),
    (300, 50, 0, "k"),
    (180, 60, 1, "k"),
    (300, 50, 1, "k"),
]


def k2004() -> list[sc.Span]:
    return [sc.Span("text", f"observer{r}", s, s + n, "v", c) for s, n, r, c in K2004]


def test_krippendorff_2004_per_category_figures() -> None:
    result = unitizing_alpha(k2004(), variant="u2004", continua={"text": (150, 450)})
    table = {row["category"]: row for row in result.per_category().iter_rows(named=True)}
    # printed: c: D_o = .0144, D_e = .0532, alpha = .7286; k: D_o = 0, D_e = .0490, alpha = 1
    assert round(table["c"]["observed_disagreement"], 4) == 0.0144
    assert round(table["c"]["expected_disagreement"], 4) == 0.0532
    assert round(table["c"]["alpha"], 4) == 0.7286
    assert table["k"]["observed_disagreement"] == 0.0
    assert round(table["k"]["expected_disagreement"], 4) == 0.0490
    assert table["k"]["alpha"] == 1.0
    assert table["c"]["units"] == 5
    assert table["k"]["units"] == 4


def test_krippendorff_2004_overall_alpha() -> None:
    result = unitizing_alpha(k2004(), variant="u2004", continua={"text": (150, 450)})
    table = result.per_category()
    # the printed overall alpha, .8591, is 1 - (.0144 + 0) / (.0532 + .0490) from the rounded
    # per-category figures; unrounded it is .8587
    rounded = table.select(pl.col("observed_disagreement", "expected_disagreement").round(4))
    printed = 1 - rounded["observed_disagreement"].sum() / rounded["expected_disagreement"].sum()
    assert round(printed, 4) == 0.8591
    assert round(result.alpha, 4) == 0.8587
    assert same(result.observed_disagreement, 0.0144444444444444)
    assert result.coders == 2
    assert result.total_length == 300
    # the two categories overlap within observer 0: no coincidences, so no |u-alpha
    assert math.isnan(result.binary_alpha)


def test_krippendorff_2004_example_refused_by_the_2016_variants() -> None:
    message = (
        "coder 'observer0' marked overlapping spans of categories 'k' and 'c' in document "
        "'text': 180..240 and 225..295; variant='u' needs each coder's units to be mutually "
        "exclusive (one category per stretch): fix or delete one of them, or use "
        "variant='u2004', which scores each category on its own"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        unitizing_alpha(k2004(), continua={"text": (150, 450)})


# Krippendorff (1995), p. 57 (as DKPro Agreement's Krippendorff1995Test reproduces it): four
# examples A-D of two observers on a continuum of length 24, each scored as one category.
# (offset, length, observer, example)
K1995 = [
    (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
    (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
    (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
    (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
    (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
    (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
    (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
]  # fmt: skip


def k1995(stretch: float, examples: str = "ABCD") -> tuple[list[sc.Span], dict[str, int]]:
    spans = [
        sc.Span("x", f"o{r}", int(s * stretch), int(s * stretch) + int(n * stretch), "v", c)
        for s, n, r, c in K1995
        if c in examples
    ]
    return spans, {"x": int(24 * stretch)}


def test_krippendorff_1995_observed_disagreements() -> None:
    spans, continua = k1995(1)
    table = unitizing_alpha(spans, variant="u2004", continua=continua).per_category()
    observed = dict(zip(table["category"], table["observed_disagreement"], strict=True))
    assert round(observed["A"], 5) == 0.03125
    assert round(observed["B"], 5) == 2.26736
    assert round(observed["C"], 5) == 0.02778
    assert round(observed["D"], 5) == 0.38715
    # D_o does not change when the continuum is stretched
    spans, continua = k1995(50)
    table = unitizing_alpha(spans, variant="u2004", continua=continua).per_category()
    assert same(table["observed_disagreement"][2], observed["C"])


def test_krippendorff_1995_alphas_within_the_published_precision() -> None:
    # The 1995 paper's alphas (.553, -.926, .679, .066) rest on an expected disagreement that
    # Krippendorff (2004) corrected; on a finely stretched continuum the corrected formula
    # comes within .02 of them (as in DKPro Agreement's test), not to the printed digits.
    spans, continua = k1995(5000)
    table = unitizing_alpha(spans, variant="u2004", continua=continua).per_category()
    alpha = dict(zip(table["category"], table["alpha"], strict=True))
    assert alpha["A"] == pytest.approx(0.553, abs=0.02)
    assert alpha["B"] == pytest.approx(-0.926, abs=0.02)
    assert alpha["C"] == pytest.approx(0.679, abs=0.02)
    assert alpha["D"] == pytest.approx(0.066, abs=0.02)


def test_dkpro_figure_for_example_c_on_a_continuum_of_12() -> None:
    # DKPro Agreement's Krippendorff1995Test, example C at half scale: D_e = .05494
    spans, continua = k1995(0.5, "C")
    result = unitizing_alpha(spans, variant="u2004", continua=continua)
    assert round(result.expected_disagreement, 5) == 0.05494
    assert round(result.observed_disagreement, 5) == 0.02778


# --------------------------------------------------------------------------------------------
# published worked example of the 2016 family (u-alpha, |u-alpha, cu-alpha)


# Krippendorff (2019), Content Analysis, 4th ed., section 12.6, Figure 12.11 (p. 340): three
# observers unitize and code a continuum of 60 positions with values 1 to 7. The book prints
# u-alpha = .510, |u-alpha = .413 and cu-alpha = .724. The segments were taken from the
# transcription in quallmer's test suite (tests/testthat/test-alpha_u.R, 1-based inclusive
# positions there; 0-based, end exclusive here). Our formulas are the 2016 paper's, which the
# book's section 12.6 presents.
DATA = Path(__file__).parents[1] / "data"
FIGURE_12_11 = DATA / "krippendorff-2019-figure-12-11-spans.csv"


def figure_12_11() -> pl.DataFrame:
    return pl.read_csv(FIGURE_12_11, schema_overrides={"code": pl.String})


def test_krippendorff_2019_u_alpha() -> None:
    result = unitizing_alpha(figure_12_11(), continua={"continuum": 60})
    assert round(result.alpha, 3) == 0.510
    assert result.coders == 3
    assert result.total_length == 60
    assert result.pairable_length == 180  # m * L
    assert result.void_length == 71  # Alex 17, Paul 27, Suzan 27
    # observed disagreement: 70 of the 180 pairable positions are off the diagonal
    assert same(result.observed_disagreement, 70 / 180)


def test_krippendorff_2019_binary_u_alpha() -> None:
    result = unitizing_alpha(figure_12_11(), continua={"continuum": 60})
    # Exactly, |u-alpha = 1 - 26 / 44.3383 = .41360 (26 and 44.34: observed and expected
    # coincidences of units with void). The book prints .413, which is what the expected
    # coincidence rounded to one decimal gives, 1 - 26 / 44.3; we have not seen the book's
    # intermediate figures, so the last printed digit is pinned to within one unit.
    assert result.binary_alpha == pytest.approx(0.413, abs=0.001)
    assert same(result.binary_alpha, 1 - 26 / 44.33827742058693)
    assert round(1 - 26 / round(result.binary_expected_disagreement * 180 / 2, 1), 3) == 0.413


def test_krippendorff_2019_cu_alpha() -> None:
    result = unitizing_alpha(figure_12_11(), variant="cu", continua={"continuum": 60})
    assert round(result.alpha, 3) == 0.724
    table = {row["category"]: row for row in result.per_category().iter_rows(named=True)}
    # values all three observers gave to the same stretches agree perfectly; 2, 3 and 4 were
    # each one observer's value for the same stretch; 7 meets no other observer's unit
    for value in ("1", "5", "6"):
        assert table[value]["alpha"] == 1.0
    for value in ("2", "3", "4"):
        assert table[value]["alpha"] == 0.0
    assert table["7"]["alpha"] is None
    assert table["7"]["coverage"] == 0.0
    # 8 of the 18 positions valued 5 lie where another observer's unit is
    assert same(table["5"]["coverage"], 8 / 18)


def test_krippendorff_2019_example_matches_the_naive_formulas() -> None:
    frame = figure_12_11()
    rows: list[Tuple5] = list(frame.iter_rows())  # type: ignore[arg-type]
    coders = ["Alex", "Paul", "Suzan"]
    categories = [str(v) for v in range(1, 8)]
    naive = naive_family(rows, {"continuum": (0, 60)}, coders, categories)
    u = unitizing_alpha(frame, continua={"continuum": 60})
    cu = unitizing_alpha(frame, variant="cu", continua={"continuum": 60})
    assert same(u.alpha, naive["alpha"])
    assert same(u.binary_alpha, naive["binary_alpha"])
    assert same(cu.alpha, naive["cu_alpha"])


# --------------------------------------------------------------------------------------------
# the 2016 family against independent implementations of nominal alpha: when every unit has
# length 1, each position is a unit of coding alpha


@st.composite
def position_codings(draw: st.DrawFn) -> tuple[list[Tuple5], np.ndarray]:
    """Coders x positions values (0 = void, 1.. = category) and the length-1 spans of them."""
    m = draw(st.integers(2, 4))
    length = draw(st.integers(2, 30))
    k = draw(st.integers(1, 3))
    values = np.array(
        draw(st.lists(st.integers(0, k), min_size=m * length, max_size=m * length))
    ).reshape(m, length)
    rows = [
        ("d", f"c{i}", x, x + 1, f"k{values[i, x]}")
        for i in range(m)
        for x in range(length)
        if values[i, x]
    ]
    return rows, values


@given(position_codings())
def test_u_alpha_of_length_one_units_is_nominal_alpha(data: tuple[list[Tuple5], Any]) -> None:
    rows, values = data
    m, length = values.shape
    coders = [f"c{i}" for i in range(m)]
    result = quiet(unitizing_alpha, spans_of(rows), continua={"d": length}, coders=coders)
    if len(np.unique(values)) < 2:
        assert math.isnan(result.alpha)
        return
    peer = krippendorff.alpha(values.astype(float), level_of_measurement="nominal")
    assert same(result.alpha, peer)
    binary = (values > 0).astype(float)
    if len(np.unique(binary)) > 1:
        peer = krippendorff.alpha(binary, level_of_measurement="nominal")
        assert same(result.binary_alpha, peer)


@given(position_codings())
def test_cu_alpha_of_two_coders_is_nominal_alpha_with_void_missing(
    data: tuple[list[Tuple5], Any],
) -> None:
    rows, values = data
    values = values[:2]
    rows = [r for r in rows if r[1] in ("c0", "c1")]
    coded = np.where(values > 0, values, np.nan)
    pairable = ~np.isnan(coded).any(axis=0)
    result = quiet(
        unitizing_alpha, spans_of(rows), variant="cu", continua={"d": values.shape[1]},
        coders=["c0", "c1"],
    )  # fmt: skip
    if len(np.unique(coded[:, pairable])) < 2:
        assert math.isnan(result.alpha)
        return
    peer = krippendorff.alpha(coded, level_of_measurement="nominal")
    assert same(result.alpha, peer)


# --------------------------------------------------------------------------------------------
# the naive reference implementation on generated unitizations


@st.composite
def unitizations(
    draw: st.DrawFn, *, exclusive: bool = True, max_coders: int = 4, roster: bool = False
) -> tuple[list[Tuple5], dict[str, tuple[int, int]], Any, list[str]]:
    """Continua, coders, categories and spans.

    ``exclusive``: each coder's units are disjoint (a partition, as u, cu and Cu need); else
    disjoint only within each category (as u2004 allows). ``roster``: each continuum is
    unitized by a drawn subset of the coders, and ``coders`` maps continua to them.
    """
    n_docs = draw(st.integers(1, 3))
    m = draw(st.integers(2, max_coders))
    k = draw(st.integers(1, 3))
    categories = [f"k{c}" for c in range(k)]
    coders = [f"c{i}" for i in range(m)]
    continua: dict[str, tuple[int, int]] = {}
    rows: list[Tuple5] = []
    who: dict[str, list[str]] = {}
    for d in range(n_docs):
        begin = draw(st.integers(0, 5))
        end = begin + draw(st.integers(1, 30))
        continua[f"d{d}"] = (begin, end)
        present = [c for c in coders if draw(st.booleans())] if roster else coders
        who[f"d{d}"] = present
        for coder in present:
            layers = [None] if exclusive else categories
            for layer in layers:
                cuts = sorted(draw(st.sets(st.integers(begin, end), max_size=8)))
                for s, e in itertools.pairwise(cuts):
                    choice = draw(st.sampled_from([None, *categories])) if layer is None else layer
                    if choice is not None and (layer is None or draw(st.booleans())):
                        rows.append((f"d{d}", coder, s, e, choice))
    return rows, continua, (who if roster else coders), categories


@given(st.booleans().flatmap(lambda roster: unitizations(roster=roster)))
def test_family_matches_the_naive_formulas(data: Any) -> None:
    rows, continua, coders, categories = data
    naive = naive_family(rows, continua, coders, categories)
    args = {"continua": continua, "coders": coders, "categories": categories}
    u = quiet(unitizing_alpha, spans_of(rows), variant="u", **args)
    cu = quiet(unitizing_alpha, spans_of(rows), variant="cu", **args)
    assert same(u.alpha, naive["alpha"])
    assert same(u.binary_alpha, naive["binary_alpha"])
    assert same(cu.alpha, naive["cu_alpha"])
    assert same(cu.coverage, naive["coverage"])
    assert same(u.pairable_length, naive["total"])
    if not math.isnan(u.alpha):
        values = [GAP, *categories]
        observed = np.array([[naive["observed"][c, k] for k in values] for c in values])
        expected = np.array([[naive["expected"][c, k] for k in values] for c in values])
        assert np.allclose(u.coincidences.drop("value").to_numpy(), observed, atol=1e-9)
        assert np.allclose(u.expected_coincidences.drop("value").to_numpy(), expected, atol=1e-9)
        per = u.per_category()["alpha"].fill_null(math.nan).to_list()
        assert all(same(a, naive["per_u"][c]) for a, c in zip(per, categories, strict=True))
    if not math.isnan(cu.alpha):
        per = cu.per_category()["alpha"].fill_null(math.nan).to_list()
        assert all(same(a, naive["per_cu"][c]) for a, c in zip(per, categories, strict=True))
        star = np.array([[naive["cu_expected"][c, k] for k in categories] for c in categories])
        assert np.allclose(cu.expected_coincidences.drop("value").to_numpy(), star, atol=1e-9)


@given(unitizations(exclusive=False))
def test_u2004_matches_the_naive_formulas(data: Any) -> None:
    rows, continua, coders, categories = data
    naive = naive_u2004(rows, continua, coders, categories)
    result = quiet(
        unitizing_alpha, spans_of(rows), variant="u2004", continua=continua, coders=coders,
        categories=categories,
    )  # fmt: skip
    assert same(result.alpha, naive["alpha"])
    if not rows:
        assert result.reason is not None
        return
    table = result.per_category()
    for row in table.iter_rows(named=True):
        d_o, d_e, alpha = naive["per"][row["category"]]
        assert same(row["observed_disagreement"], d_o)
        assert same(row["expected_disagreement"], d_e)
        assert same(math.nan if row["alpha"] is None else row["alpha"], alpha)


@given(unitizations(roster=True), st.booleans())
def test_pair_loop_and_value_counts_agree(data: Any, loop: bool) -> None:
    rows, continua, who, categories = data
    coders = sorted({c for cs in who.values() for c in cs})
    offsets, units = global_units(rows, continua, coders, categories)
    roster = np.array([[c in who[d] for c in coders] for d in continua], dtype=bool)
    roster = roster.reshape(len(continua), len(coders))
    v = len(categories) + 1
    fast = kernels.coincidences(units, offsets, roster, v, pair_loop=loop).observed
    other = kernels.coincidences(units, offsets, roster, v, pair_loop=not loop).observed
    assert np.allclose(fast, other, atol=1e-9)


def global_units(
    rows: Sequence[Tuple5],
    continua: dict[str, tuple[int, int]],
    coders: Sequence[str],
    categories: Sequence[str],
) -> tuple[np.ndarray, kernels.Units]:
    names = list(continua)
    lengths = [continua[d][1] - continua[d][0] for d in names]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    shift = {d: int(offsets[i]) - continua[d][0] for i, d in enumerate(names)}
    units = kernels.Units(
        np.array([coders.index(r[1]) for r in rows], dtype=np.intp),
        np.array([categories.index(r[4]) for r in rows], dtype=np.intp),
        np.array([r[2] + shift[r[0]] for r in rows], dtype=np.int64),
        np.array([r[3] + shift[r[0]] for r in rows], dtype=np.int64),
    )
    return offsets, units


def test_chunks_of_pieces_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        ("d", "a", 0, 5, "x"),
        ("d", "b", 3, 9, "x"),
        ("d", "a", 6, 9, "y"),
        ("d", "c", 1, 2, "y"),
    ]
    whole = unitizing_alpha(spans_of(rows), continua={"d": 12})
    monkeypatch.setattr(kernels, "_CELLS_PER_CHUNK", 3)
    chunked = unitizing_alpha(spans_of(rows), continua={"d": 12})
    assert same(whole.alpha, chunked.alpha)
    assert np.allclose(whole.coincidences.drop("value"), chunked.coincidences.drop("value"))


def test_many_coders_use_the_sorted_partner_count() -> None:
    # more than 64 coders: distinct partner coders are counted without bit masks
    coders = [f"c{i:02}" for i in range(66)]
    rows = [("d", c, i % 7, i % 7 + 3 + i % 2, "x") for i, c in enumerate(coders)]
    rows += [("d", c, 12, 14, "x") for c in coders[:3]]
    continua = {"d": (0, 16)}
    result = unitizing_alpha(spans_of(rows), variant="u2004", continua=continua, coders=coders)
    naive = naive_u2004(rows, continua, coders, ["x"])
    assert same(result.alpha, naive["alpha"])


def test_popcount_without_numpy_bitwise_count(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [("d", "a", 0, 4, "x"), ("d", "b", 2, 6, "x"), ("d", "c", 9, 12, "x")]
    expected = unitizing_alpha(spans_of(rows), variant="u2004", continua={"d": 14}).alpha
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert same(
        unitizing_alpha(spans_of(rows), variant="u2004", continua={"d": 14}).alpha, expected
    )


def test_order_falls_back_to_lexsort_for_huge_keys() -> None:
    big = np.array([2**40, 5, 2**40, 5], dtype=np.int64)
    small = np.array([1, 0, 0, 1], dtype=np.int64)
    huge = np.array([3, 2**30, 1, 2], dtype=np.int64)
    assert kernels._order(big, huge, small).tolist() == [3, 1, 2, 0]


# --------------------------------------------------------------------------------------------
# invariances


def figures(result: UnitizingResult) -> list[float]:
    return [
        result.alpha,
        result.observed_disagreement,
        result.expected_disagreement,
        result.binary_alpha,
        result.coverage,
        result.pairable_length,
    ]


def all_same(a: UnitizingResult, b: UnitizingResult) -> bool:
    return all(same(x, y) for x, y in zip(figures(a), figures(b), strict=True))


VARIANTS = ["u", "cu", "u2004"]


@given(unitizations(), st.integers(1, 50), st.sampled_from(VARIANTS))
def test_shifting_a_continuum_with_its_segments_changes_nothing(
    data: Any, shift: int, variant: str
) -> None:
    rows, continua, coders, categories = data
    args = {"coders": coders, "categories": categories, "variant": variant}
    before = quiet(unitizing_alpha, spans_of(rows), continua=continua, **args)
    moved = [(d, c, s + shift, e + shift, k) for d, c, s, e, k in rows]
    moved_continua = {d: (b + shift, e + shift) for d, (b, e) in continua.items()}
    after = quiet(unitizing_alpha, spans_of(moved), continua=moved_continua, **args)
    assert all_same(before, after)


@given(unitizations(), st.integers(1, 20), st.sampled_from(["u", "cu"]))
def test_shifting_segments_through_common_void_changes_nothing(
    data: Any, shift: int, variant: str
) -> None:
    # u and cu count intersections: moving every segment through void all coders share at
    # the end of a continuum (here: added) moves the void to its beginning, nothing else
    rows, continua, coders, categories = data
    longer = {d: (b, e + shift) for d, (b, e) in continua.items()}
    args = {"coders": coders, "categories": categories, "variant": variant, "continua": longer}
    before = quiet(unitizing_alpha, spans_of(rows), **args)
    moved = [(d, c, s + shift, e + shift, k) for d, c, s, e, k in rows]
    after = quiet(unitizing_alpha, spans_of(moved), **args)
    assert all_same(before, after)


@given(unitizations(), st.integers(1, 20))
def test_void_added_to_a_continuum_leaves_cu_alone(data: Any, extra: int) -> None:
    rows, continua, coders, categories = data
    args = {"coders": coders, "categories": categories, "variant": "cu"}
    before = quiet(unitizing_alpha, spans_of(rows), continua=continua, **args)
    longer = {d: (b, e + extra) for d, (b, e) in continua.items()}
    after = quiet(unitizing_alpha, spans_of(rows), continua=longer, **args)
    assert same(before.alpha, after.alpha)


@given(unitizations(), st.randoms(use_true_random=False), st.sampled_from(VARIANTS))
def test_permuting_coders_changes_nothing(data: Any, rnd: Any, variant: str) -> None:
    rows, continua, coders, categories = data
    order = list(coders)
    rnd.shuffle(order)
    rename = {c: f"z{i}" for i, c in enumerate(order)}
    args = {"categories": categories, "variant": variant, "continua": continua}
    before = quiet(unitizing_alpha, spans_of(rows), coders=coders, **args)
    renamed = [(d, rename[c], s, e, k) for d, c, s, e, k in rows]
    after = quiet(unitizing_alpha, spans_of(renamed), coders=list(rename.values()), **args)
    assert all_same(before, after)


@given(unitizations(), st.randoms(use_true_random=False), st.sampled_from(VARIANTS))
def test_relabelling_categories_changes_nothing(data: Any, rnd: Any, variant: str) -> None:
    rows, continua, coders, categories = data
    labels = [f"new{i}" for i in range(len(categories))]
    rnd.shuffle(labels)
    rename = dict(zip(categories, labels, strict=True))
    args = {"coders": coders, "variant": variant, "continua": continua}
    before = quiet(unitizing_alpha, spans_of(rows), categories=categories, **args)
    renamed = [(d, c, s, e, rename[k]) for d, c, s, e, k in rows]
    after = quiet(
        unitizing_alpha, spans_of(renamed), categories=[rename[c] for c in categories], **args
    )
    assert all_same(before, after)
    a = before.per_category()["alpha"].fill_null(math.nan).to_list()
    b = after.per_category()["alpha"].fill_null(math.nan).to_list()
    assert all(same(x, y) for x, y in zip(a, b, strict=True))


@given(unitizations(), st.randoms(use_true_random=False))
def test_order_of_spans_and_continua_changes_nothing(data: Any, rnd: Any) -> None:
    rows, continua, coders, categories = data
    args = {"coders": coders, "categories": categories}
    before = quiet(unitizing_alpha, spans_of(rows), continua=continua, **args)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    names = list(continua)
    rnd.shuffle(names)
    after = quiet(
        unitizing_alpha, spans_of(shuffled), continua={d: continua[d] for d in names}, **args
    )
    assert all_same(before, after)


def test_perfect_agreement_is_one() -> None:
    rows = [("d", c, s, e, k) for c in "ab" for s, e, k in [(0, 5, "x"), (7, 9, "y")]]
    for variant in VARIANTS:
        result = unitizing_alpha(spans_of(rows), variant=variant, continua={"d": 12})
        assert result.alpha == pytest.approx(1.0)
        assert result.observed_disagreement == 0.0


# --------------------------------------------------------------------------------------------
# the forms of input agree


ROWS = [
    ("d1", "ann", 0, 18, "demand"),
    ("d1", "ann", 19, 39, "reject"),
    ("d1", "bob", 0, 18, "demand"),
    ("d1", "bob", 25, 39, "reject"),
    ("d2", "ann", 3, 9, "reject"),
    ("d2", "bob", 2, 9, "demand"),
]
CONTINUA = {"d1": 40, "d2": 12}


def test_span_objects_polars_and_pandas_agree() -> None:
    from_spans = unitizing_alpha(spans_of(ROWS), continua=CONTINUA)
    polars_frame = frame_of(ROWS)
    from_polars = unitizing_alpha(polars_frame, continua=CONTINUA)
    # built column by column: polars' to_pandas() would need pyarrow, which is not a dependency
    pandas_frame = pd.DataFrame(polars_frame.to_dict(as_series=False))
    from_pandas = unitizing_alpha(pandas_frame, continua=CONTINUA)
    text = polars_frame.with_columns(pl.col("start", "end").cast(pl.String)).rename(
        {"code": "category"}
    )
    from_text = unitizing_alpha(text, continua=CONTINUA)
    floats = polars_frame.with_columns(pl.col("start", "end").cast(pl.Float64))
    from_floats = unitizing_alpha(floats, continua=CONTINUA)
    for other in (from_polars, from_pandas, from_text, from_floats):
        assert all_same(from_spans, other)


def test_corpus_gives_the_continua() -> None:
    corpus = sc.Corpus.from_documents(
        [sc.Document(id="d1", text="x" * 40), sc.Document(id="d2", text="y" * 12)]
    )
    assert all_same(
        unitizing_alpha(spans_of(ROWS), continua=corpus),
        unitizing_alpha(spans_of(ROWS), continua=CONTINUA),
    )


def test_without_continua_a_document_ends_at_its_last_span() -> None:
    implicit = unitizing_alpha(spans_of(ROWS))
    explicit = unitizing_alpha(spans_of(ROWS), continua={"d1": 39, "d2": 9})
    assert all_same(implicit, explicit)
    assert implicit.total_length == 48


def test_unmarked_documents_and_silent_coders_count_as_void() -> None:
    base = unitizing_alpha(spans_of(ROWS), continua=CONTINUA)
    more = unitizing_alpha(
        spans_of(ROWS), continua={**CONTINUA, "d3": 10}, coders=["ann", "bob", "cy"]
    )
    assert more.continua == 3
    assert more.coders == 3
    assert more.units_per_coder == {"ann": 3, "bob": 3, "cy": 0}
    assert more.void_per_coder["cy"] == 62
    assert not same(base.alpha, more.alpha)


# --------------------------------------------------------------------------------------------
# coders per continuum: who unitized which document


def test_a_coder_who_did_not_unitize_a_document_is_not_void_there() -> None:
    # cy unitized d3 only: in d1 and d2 cy is absent, not a coder who marked nothing
    rows = [*ROWS, ("d3", "ann", 0, 4, "demand"), ("d3", "cy", 0, 5, "demand")]
    continua = {**CONTINUA, "d3": 10}
    who = {"d1": ["ann", "bob"], "d2": ["ann", "bob"], "d3": ["ann", "cy"]}
    result = unitizing_alpha(spans_of(rows), continua=continua, coders=who)
    naive = naive_family(rows, {d: (0, n) for d, n in continua.items()}, who, ["demand", "reject"])
    assert same(result.alpha, naive["alpha"])
    assert result.coders == 3
    assert result.pairable_length == 2 * 40 + 2 * 12 + 2 * 10
    # void counts only the continua each coder unitized: ann all 62, bob 52, cy 10
    assert result.void_per_coder == {"ann": 62 - 38 - 6 - 4, "bob": 52 - 32 - 7, "cy": 10 - 5}
    assert result.unpaired_continua == 0
    # as void, cy would disagree with everything ann and bob marked in d1 and d2
    as_void = unitizing_alpha(spans_of(rows), continua=continua)
    assert as_void.alpha < result.alpha
    # two coders in every continuum: the same as giving the list
    pairs = unitizing_alpha(
        spans_of(ROWS), continua=CONTINUA, coders={"d1": ["bob", "ann"], "d2": ["ann", "bob"]}
    )
    assert figures(pairs) == figures(unitizing_alpha(spans_of(ROWS), continua=CONTINUA))


def test_a_continuum_with_one_coder_has_nothing_to_pair() -> None:
    rows = [*ROWS, ("d3", "ann", 0, 4, "demand")]
    who = {"d1": ["ann", "bob"], "d2": ["ann", "bob"], "d3": ["ann"]}
    result = unitizing_alpha(spans_of(rows), continua={**CONTINUA, "d3": 10}, coders=who)
    base = unitizing_alpha(spans_of(ROWS), continua=CONTINUA)
    assert same(result.alpha, base.alpha)
    assert result.unpaired_continua == 1
    assert result.units == base.units + 1
    assert result.total_length == base.total_length + 10
    assert result.pairable_length == base.pairable_length
    message = (
        "unitizing alpha is undefined: no continuum of any length was unitized by two or more "
        "coders (see coders=), so there is nothing to compare"
    )
    with pytest.warns(DegenerateDataWarning, match=re.escape(message)):
        alone = unitizing_alpha(
            spans_of([("d1", "ann", 0, 5, "x"), ("d2", "bob", 1, 3, "x")]),
            continua={**CONTINUA, "d3": 10}, coders={"d1": ["ann"], "d2": ["bob"], "d3": []},
        )  # fmt: skip
    assert math.isnan(alone.alpha)
    assert alone.unpaired_continua == 3
    # every unit is counted, paired or not, at the top and per category
    assert result.per_category()["units"].sum() == result.units
    ann = [r for r in rows if r[1] == "ann"]
    one = quiet(
        unitizing_alpha, spans_of(ann), continua={**CONTINUA, "d3": 10},
        coders={"d1": ["ann"], "d2": ["ann"], "d3": ["ann"]},
    )  # fmt: skip
    assert one.unpaired_continua == 3


def test_label_studio_import_gives_who_unitized_each_task() -> None:
    # task 101: annotator 3 cancelled; 102: all three; 103: annotator 2 never had it
    imported = sc.read_labelstudio(DATA / "labelstudio" / "three-annotators.json")
    assert dict(imported.unitizers) == {
        "101": ("1", "b@example.org"),
        "102": ("1", "b@example.org", "3"),
        "103": ("1", "3"),
    }
    result = unitizing_alpha(imported.spans, continua=imported.corpus, coders=imported.unitizers)
    rows = [(s.document, s.coder, s.start, s.end, s.code) for s in imported.spans]
    lengths = {d.id: (0, len(d.text)) for d in imported.corpus.documents}
    categories = sorted({s.code for s in imported.spans})
    naive = naive_family(rows, lengths, dict(imported.unitizers), categories)
    assert same(result.alpha, naive["alpha"])
    assert result.coders == 3
    # without the roster, annotator 3 (no spans) is invisible and 2 counts as void in 103
    assert unitizing_alpha(imported.spans, continua=imported.corpus).coders == 2


def test_doccano_import_gives_who_unitized_each_example() -> None:
    files = sorted((DATA / "doccano" / "spans").iterdir())
    imported = sc.read_doccano(files)
    assert dict(imported.unitizers) == {"10": ("alice", "bob"), "11": ("alice", "bob")}
    with_roster = unitizing_alpha(
        imported.spans, continua=imported.corpus, coders=imported.unitizers
    )
    assert same(with_roster.alpha, unitizing_alpha(imported.spans, continua=imported.corpus).alpha)


@pytest.mark.parametrize(
    ("coders", "message"),
    [
        (
            {"d1": ["ann", "bob"]},
            "coders=: document(s) 'd2' have no entry; list who unitized each document (an "
            "empty list if nobody did; in the CLI's --coders table, a row with an empty coder)",
        ),
        (
            {"d1": ["ann", "bob"], "d2": ["ann", "bob"], "d9": ["ann"]},
            "coders=: document(s) 'd9' are not among the continua; add them to continua= (in "
            "the CLI, give --corpus)",
        ),
        (
            {"d1": ["ann", "bob"], "d2": ["ann"]},
            "coder 'bob' marked span 2..9 in document 'd2' but is not among the coders of that "
            "document in coders=; add 'bob' to coders['d2']",
        ),
        (
            {"d1": ["ann", "bob", "ann"], "d2": ["ann", "bob"]},
            "coders['d1'] lists a coder twice: ['ann', 'bob', 'ann']",
        ),
        ("ann", "coders= takes a list of coders (or a mapping of each document to its coders)"),
        (
            {"d1": ["ann", "bob"], "d2": "ab"},
            "coders['d2'] must be a list of coders, got 'ab'",
        ),
        ({"d1": ["ann", "bob"], "d2": None}, "coders['d2'] must be a list of coders, got None"),
        (
            {"d1": ["ann", "bob"], "d2": ["ann", "bob"], 1: [], "1": []},
            "coders= names a document twice (keys equal as text, such as 1 and '1')",
        ),
    ],
)
def test_coders_per_continuum_problems(coders: Any, message: str) -> None:
    with pytest.raises(DataError, match=re.escape(message)):
        unitizing_alpha(spans_of(ROWS), continua=CONTINUA, coders=coders)


def test_u2004_needs_every_coder_on_every_continuum() -> None:
    message = (
        "variant='u2004' needs every coder to unitize every continuum (Krippendorff's "
        "1995/2004 formula has no missing coders); give coders= as a list, or use variant='u' "
        "or 'cu', which pair only the coders of each continuum"
    )
    who = {"d1": ["ann", "bob"], "d2": ["ann", "bob", "cy"]}
    with pytest.raises(DataError, match=re.escape(message)):
        unitizing_alpha(spans_of(ROWS), variant="u2004", continua=CONTINUA, coders=who)
    full = {"d1": ["ann", "bob"], "d2": ["bob", "ann"]}
    result = unitizing_alpha(spans_of(ROWS), variant="u2004", continua=CONTINUA, coders=full)
    assert same(
        result.alpha, unitizing_alpha(spans_of(ROWS), variant="u2004", continua=CONTINUA).alpha
    )


def test_variable_selects_codes_and_cu_variables_compares_variables() -> None:
    spans = [
        *spans_of(ROWS, variable="stance"),
        sc.Span("d1", "ann", 0, 10, "topic", "war"),
        sc.Span("d1", "bob", 2, 10, "topic", "trade"),
    ]
    only = unitizing_alpha(spans, variable="stance", continua=CONTINUA)
    assert all_same(only, unitizing_alpha(spans_of(ROWS), continua=CONTINUA))
    assert only.variable == "stance"
    topic = [s for s in spans if s.variable == "topic" or s.document == "d2"]
    across = unitizing_alpha(topic, variant="Cu", continua=CONTINUA)
    assert across.categories == ("stance", "topic")
    assert across.variable is None
    relabelled = [sc.Span(s.document, s.coder, s.start, s.end, "v", s.variable) for s in topic]
    assert all_same(across, unitizing_alpha(relabelled, variant="cu", continua=CONTINUA))


def test_categories_restrict_and_order_the_table() -> None:
    result = unitizing_alpha(spans_of(ROWS), continua=CONTINUA, categories=["reject", "unused"])
    table = result.per_category()
    assert table["category"].to_list() == ["reject", "unused"]
    assert table["units"].to_list() == [3, 0]
    assert table["alpha"][1] is None
    without_demand = [r for r in ROWS if r[4] != "demand"]
    assert same(
        result.alpha,
        unitizing_alpha(spans_of(without_demand), continua=CONTINUA, categories=["reject"]).alpha,
    )


def test_overlaps_merge_into_their_union() -> None:
    rows = [
        ("d", "a", 0, 10, "x"), ("d", "a", 5, 15, "x"), ("d", "a", 14, 18, "x"),
        ("d", "a", 18, 20, "x"), ("d", "b", 1, 18, "x"), ("d", "b", 19, 22, "y"),
    ]  # fmt: skip
    union = [
        ("d", "a", 0, 18, "x"), ("d", "a", 18, 20, "x"), ("d", "b", 1, 18, "x"),
        ("d", "b", 19, 22, "y"),
    ]  # fmt: skip
    for variant in VARIANTS:
        merged = unitizing_alpha(
            spans_of(rows), variant=variant, continua={"d": 25}, overlaps="merge"
        )
        assert all_same(
            merged, unitizing_alpha(spans_of(union), variant=variant, continua={"d": 25})
        )
        assert merged.units == 4


# --------------------------------------------------------------------------------------------
# the result object


def test_result_figures_and_tables() -> None:
    result = unitizing_alpha(spans_of(ROWS), continua=CONTINUA)
    assert result.variant == "u"
    assert result.coders == 2
    assert result.continua == 2
    assert result.total_length == 52
    assert result.units == 6
    assert result.units_per_coder == {"ann": 3, "bob": 3}
    assert result.void_per_coder == {"ann": 52 - 44, "bob": 52 - 39}
    assert result.void_length == 21
    # ann: 18..19, 39..40, 0..3, 9..12; bob: 18..25, 39..40, 0..2, 9..12
    assert result.gaps == 8
    assert result.pairable_length == 104.0
    assert result.categories == ("demand", "reject")
    assert result.coincidences.columns == ["value", "(void)", "demand", "reject"]
    assert result.coincidences["value"].to_list() == ["(void)", "demand", "reject"]
    observed = result.coincidences.drop("value").to_numpy()
    assert np.allclose(observed, observed.T)
    assert observed.sum() == pytest.approx(104.0)
    assert result.per_category().columns == [
        "category", "units", "length", "agreement", "observed_disagreement",
        "expected_disagreement", "alpha", "coverage",
    ]  # fmt: skip
    assert result.verdict in ("reliable", "tentative", "unreliable")


def test_to_dict_is_plain_data() -> None:
    result = unitizing_alpha(spans_of(ROWS), variant="cu", continua=CONTINUA)
    out = result.to_dict()
    assert out["variant"] == "cu"
    assert out["alpha"] == result.alpha
    assert out["units_per_coder"] == {"ann": 3, "bob": 3}
    assert set(out["per_category"]) == {"demand", "reject"}
    assert "reason" not in out
    assert list(out) == [
        "variant", "variable", "alpha", "observed_disagreement", "expected_disagreement",
        "binary_alpha", "binary_observed_disagreement", "binary_expected_disagreement",
        "coders", "continua", "total_length", "pairable_length", "coverage", "units",
        "units_per_coder", "void_length", "void_per_coder", "gaps", "categories",
        "unpaired_continua", "per_category",
    ]  # fmt: skip


def test_u2004_has_no_coincidence_matrix() -> None:
    result = unitizing_alpha(spans_of(ROWS), variant="u2004", continua=CONTINUA)
    message = (
        "variant 'u2004' has no coincidence matrix; its per-category figures are in per_category()"
    )
    with pytest.raises(DataError, match=re.escape(message)):
        _ = result.coincidences
    with pytest.raises(DataError, match=re.escape(message)):
        _ = result.expected_coincidences


def test_verdicts() -> None:
    def verdict(alpha: float) -> str:
        return UnitizingResult(
            variant="u", alpha=alpha, observed_disagreement=0.0, expected_disagreement=1.0,
            binary_alpha=alpha, binary_observed_disagreement=0.0,
            binary_expected_disagreement=1.0, coders=2, continua=1, total_length=1,
            pairable_length=2.0, coverage=0.0, units=0, units_per_coder={}, void_length=0,
            void_per_coder={}, gaps=0, categories=(),
        ).verdict  # fmt: skip

    assert [verdict(a) for a in (0.9, 0.7, 0.1, math.nan)] == [
        "reliable", "tentative", "unreliable", "undefined",
    ]  # fmt: skip
    bare = UnitizingResult(
        variant="u", alpha=1.0, observed_disagreement=0.0, expected_disagreement=1.0,
        binary_alpha=1.0, binary_observed_disagreement=0.0, binary_expected_disagreement=1.0,
        coders=2, continua=1, total_length=1, pairable_length=2.0, coverage=0.0, units=0,
        units_per_coder={}, void_length=0, void_per_coder={}, gaps=0, categories=(),
    )  # fmt: skip
    with pytest.raises(DataError, match="this result carries no per-category figures"):
        bare.per_category()
    assert "per_category" not in bare.to_dict()


def test_options_parse() -> None:
    assert UnitizingVariant.CU_VARIABLES.value == "Cu"
    result = unitizing_alpha(spans_of(ROWS), variant="U", continua=CONTINUA)
    assert result.variant == "u"
    result = unitizing_alpha(spans_of(ROWS), variant="U2004", continua=CONTINUA)
    assert result.variant == "u2004"
    result = unitizing_alpha(
        spans_of(ROWS), variant=UnitizingVariant.CU, overlaps=OverlapRule.MERGE, continua=CONTINUA
    )
    assert result.variant == "cu"
    assert unitizing_alpha(spans_of(ROWS), overlaps="MERGE", continua=CONTINUA).variant == "u"


# --------------------------------------------------------------------------------------------
# degenerate data: a result that says why, and a warning


def degenerate(reason: str, *args: Any, **kwargs: Any) -> UnitizingResult:
    with pytest.warns(DegenerateDataWarning) as record:
        result = unitizing_alpha(*args, **kwargs)
    assert [str(w.message) for w in record] == [f"unitizing alpha is undefined: {reason}"]
    assert result.reason == reason
    assert math.isnan(result.alpha)
    assert result.to_dict()["reason"] == reason
    assert result.to_dict()["alpha"] is None
    return result


def test_one_coder() -> None:
    rows = [("d", "a", 0, 5, "x")]
    result = degenerate(
        "only 1 coder(s); unitizing alpha compares two or more coders",
        spans_of(rows), continua={"d": 10},
    )  # fmt: skip
    assert result.units == 1
    assert math.isnan(result.coverage)


def test_no_segments_at_all() -> None:
    result = degenerate(
        "no coder marked any span: every continuum is void, so there is nothing to agree on",
        [], continua={"d": 10}, coders=["a", "b"],
    )  # fmt: skip
    assert result.void_length == 20
    assert result.gaps == 2
    assert result.coverage == 0.0
    assert result.per_category().height == 0
    degenerate(
        "no coder marked any span of variable 'v': every continuum is void, so there is "
        "nothing to agree on",
        spans_of([("d", "a", 0, 5, "x"), ("d", "b", 0, 5, "x")]),
        continua={"d": 10}, categories=["other"],
    )  # fmt: skip


def test_continua_without_length() -> None:
    degenerate(
        "the continua have no length, so there is nothing to unitize",
        [], continua={"d": 0}, coders=["a", "b"],
    )  # fmt: skip


def test_identical_uniform_continua() -> None:
    rows = [("d", "a", 0, 10, "x"), ("d", "b", 0, 10, "x")]
    for variant in ("u", "cu"):
        degenerate(
            "no variation: all pairable length has the value 'x', so D_e = 0",
            spans_of(rows), variant=variant, continua={"d": 10},
        )  # fmt: skip


def test_cu_with_one_category_has_no_variation() -> None:
    rows = [("d", "a", 0, 6, "x"), ("d", "b", 3, 9, "x"), ("d", "a", 12, 14, "x")]
    result = degenerate(
        "no variation: all pairable length has the value 'x', so D_e = 0",
        spans_of(rows), variant="cu", continua={"d": 20},
    )  # fmt: skip
    assert not math.isnan(result.binary_alpha)


def test_cu_without_intersections() -> None:
    rows = [("d", "a", 0, 5, "x"), ("d", "b", 6, 9, "y")]
    result = degenerate(
        "no unit of one coder intersects a unit of another coder, so cu-alpha has no "
        "intersections to compare",
        spans_of(rows), variant="cu", continua={"d": 10},
    )  # fmt: skip
    assert result.coverage == 0.0
    assert not math.isnan(result.binary_alpha)


def test_u2004_without_variation_in_positions() -> None:
    rows = [("d", c, x, x + 1, "x") for c in "ab" for x in range(2)]
    degenerate(
        "no variation in the units' positions, so D_e = 0",
        spans_of(rows), variant="u2004", continua={"d": 2},
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# errors: each names what is wrong, where, and the fix


def raises(message: str, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(DataError) as info:
        unitizing_alpha(*args, **kwargs)
    assert str(info.value) == message


def test_missing_and_doubled_columns() -> None:
    frame = frame_of(ROWS)
    raises(
        "missing column(s) 'coder' (columns: 'document', 'start', 'end', 'code'); a span table "
        "needs document, coder, start, end, code (or category) and optionally variable",
        frame.drop("coder"),
    )
    raises(
        "missing column(s) 'code' (columns: 'document', 'coder', 'start', 'end'); a span table "
        "needs document, coder, start, end, code (or category) and optionally variable",
        frame.drop("code"),
    )
    raises(
        "the table has both a 'code' and a 'category' column; keep one",
        frame.with_columns(pl.col("code").alias("category")),
    )


def test_bad_cells_name_their_rows() -> None:
    frame = pl.DataFrame(
        {
            "document": ["d", "d", " ", "d"],
            "coder": ["a", None, "b", "b"],
            "start": ["0", "2", "1", "x"],
            "end": ["5", "7.5", "4", "9"],
            "code": ["k", "k", "k", "k"],
        }
    )
    raises(
        "4 problems:\n"
        "  row 3: column 'document' is empty; every span needs a document\n"
        "  row 2: column 'coder' is empty; every span needs a coder\n"
        "  row 4: column 'start' holds 'x', not a whole number; offsets are 0-based code "
        "points (end exclusive)\n"
        "  row 2: column 'end' holds '7.5', not a whole number; offsets are 0-based code "
        "points (end exclusive)",
        frame,
    )
    raises(
        "row 1: column 'start' holds 1.5, not a whole number; offsets are 0-based code points "
        "(end exclusive)",
        frame_of(ROWS[:1]).with_columns(pl.lit(1.5).alias("start")),
    )


def test_empty_or_negative_spans() -> None:
    frame = frame_of([("d", "a", 5, 5, "k"), ("d", "b", -1, 3, "k")])
    raises(
        "2 problems:\n"
        "  row 1: span 5..5 of document 'd' (coder 'a') is empty or negative; start must be "
        ">= 0 and less than end\n"
        "  row 2: span -1..3 of document 'd' (coder 'b') is empty or negative; start must be "
        ">= 0 and less than end",
        frame,
    )


def test_long_problem_lists_are_cut() -> None:
    frame = frame_of([("d", f"c{i}", 5, 5, "k") for i in range(25)])
    with pytest.raises(DataError) as info:
        unitizing_alpha(frame)
    assert str(info.value).startswith("21 problems:\n  row 1: span 5..5")
    assert str(info.value).endswith("\n  ... and 5 more")


def test_spans_outside_their_continuum() -> None:
    raises(
        "row 1: span 0..18 of document 'd1' (coder 'ann') does not lie within its continuum "
        "2..40; fix start and end (0-based code points, end exclusive) or the continuum's "
        "length",
        frame_of(ROWS[:1]),
        continua={"d1": (2, 40)},
    )
    raises(
        "span 0..18 of document 'd1' (coder 'ann') does not lie within its continuum 0..10; "
        "fix start and end (0-based code points, end exclusive) or the continuum's length",
        spans_of(ROWS[:1]),
        continua={"d1": 10},
    )
    raises(
        "row 5: document 'd2' (coder 'ann', span 3..9) is not among the continua; add its "
        "length to continua=",
        frame_of(ROWS[:5]),
        continua={"d1": 40},
    )


def test_bad_continua() -> None:
    for value in (-1, 2.5, (5, 3), (1, 2, 3), True):
        raises(
            f"continuum of document 'd1' is {value!r}; give its length (a whole number >= 0) "
            "or a (start, end) pair of code-point offsets with 0 <= start <= end",
            spans_of(ROWS),
            continua={"d1": value, "d2": 12},
        )
    raises(
        "continua= takes a mapping of document ids to lengths (or (start, end) pairs) or a "
        "Corpus, got list",
        spans_of(ROWS),
        continua=[40, 12],
    )


def test_coders_and_categories_lists() -> None:
    raises(
        "coder(s) 'bob' marked spans but are not in coders=; add them to the list",
        spans_of(ROWS),
        coders=["ann"],
    )
    raises("coders= lists a coder twice: ['ann', 'ann']", spans_of(ROWS), coders=["ann", "ann"])
    raises("categories= lists a category twice: ['x', 'x']", spans_of(ROWS), categories=["x", "x"])


def test_variables() -> None:
    spans = [*spans_of(ROWS, "stance"), sc.Span("d1", "ann", 0, 5, "topic", "war")]
    raises(
        "the spans hold 2 variables ('stance', 'topic'); choose one with variable=, or "
        "compare the variables with variant='Cu'",
        spans,
    )
    raises(
        "no span is coded on variable 'tone' (variables: 'stance', 'topic')", spans, variable="tone"
    )
    raises(
        "variant='Cu' compares variables: give the variables to compare as categories=, not "
        "variable='stance'",
        spans,
        variant="Cu",
        variable="stance",
    )
    raises(
        "variant='Cu' compares the variables spans were coded on, but the spans have no "
        "variable (add a 'variable' column)",
        frame_of(ROWS),
        variant="Cu",
    )


def test_overlapping_spans_of_one_category() -> None:
    rows = [("d", "a", 0, 10, "x"), ("d", "b", 0, 3, "y"), ("d", "a", 5, 15, "x")]
    message = (
        "row {0}: coder 'a' marked overlapping spans of 'x' in document 'd': 0..10{1} and "
        "5..15{2}; a coder's units of one category must not overlap: fix or delete one of "
        "them, or pass overlaps='merge' to merge them"
    )
    for variant in VARIANTS:
        with pytest.raises(DataError) as info:
            unitizing_alpha(frame_of(rows), variant=variant)
        assert str(info.value) == message.format(1, " (row 1)", " (row 3)")[len("row 1: ") :]
        with pytest.raises(DataError) as info:
            unitizing_alpha(spans_of(rows), variant=variant)
        assert str(info.value) == message.format(1, "", "")[len("row 1: ") :]


def test_overlapping_spans_of_different_categories() -> None:
    rows = [("d", "a", 0, 10, "x"), ("d", "a", 5, 15, "y"), ("d", "b", 0, 3, "y")]
    for variant in ("u", "cu"):
        raises(
            "coder 'a' marked overlapping spans of categories 'x' and 'y' in document 'd': "
            f"0..10 (row 1) and 5..15 (row 2); variant={variant!r} needs each coder's units "
            "to be mutually exclusive (one category per stretch): fix or delete one of them, "
            "or use variant='u2004', which scores each category on its own",
            frame_of(rows),
            variant=variant,
        )
    assert unitizing_alpha(frame_of(rows), variant="u2004").units == 3
    spans = [
        sc.Span("d", "a", 0, 10, "stance", "demand"),
        sc.Span("d", "a", 5, 15, "topic", "war"),
        sc.Span("d", "b", 0, 10, "stance", "demand"),
    ]
    raises(
        "coder 'a' marked overlapping spans of variables 'stance' and 'topic' in document "
        "'d': 0..10 and 5..15; variant='Cu' compares which variable a stretch was coded on, "
        "so a coder's spans of different variables must not overlap: compare codes within "
        "each variable with variant='cu' instead",
        spans,
        variant="Cu",
    )


def test_bad_input_objects() -> None:
    raises("expected Span objects or a DataFrame of spans, got int", 3)
    raises("expected Span objects or a DataFrame of spans, got an item 3", [*spans_of(ROWS), 3])


def test_bad_options() -> None:
    message = (
        "variant={0!r} is not valid; use one of 'u', 'cu', 'Cu', 'u2004' (case matters: 'cu' "
        "and 'Cu')"
    )
    for bad in ("CU", "alpha", "|u|"):
        with pytest.raises(ValueError, match=f"^{re.escape(message.format(bad))}$"):
            unitizing_alpha(spans_of(ROWS), variant=bad)
    message = "overlaps='drop' is not valid; use one of 'error', 'merge'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        unitizing_alpha(spans_of(ROWS), overlaps="drop")


# --------------------------------------------------------------------------------------------
# the naive reference itself, on a case worked by hand


def test_naive_partition_and_a_hand_computed_case() -> None:
    assert partition([(2, 4, "x"), (6, 8, "y")], 0, 10) == [
        (0, 2, GAP), (2, 4, "x"), (4, 6, GAP), (6, 8, "y"), (8, 10, GAP),
    ]  # fmt: skip
    # ann: demand 0..18, reject 19..39; bob: demand 0..18, reject 25..39; length 40.
    # l_dd = 36, l_rr = 28, l_rv = l_vr = 6, l_vv = 4; S = 648 (d), 596 (r), 10 (void);
    # e_dd = 80 * 648 / 5146, e_rr = 80 * 560 / 5146, e_vv = 80 * 90 / 5146
    rows = ROWS[:4]
    naive = naive_family(rows, {"d1": (0, 40)}, ["ann", "bob"], ["demand", "reject"])
    expected = 1 - (80 - 68) / (80 - 80 * (648 + 560 + 90) / 5146)
    assert same(naive["alpha"], expected)
    assert same(unitizing_alpha(spans_of(rows), continua={"d1": 40}).alpha, expected)
    assert same(naive["binary_alpha"], 1 - 6 / (80 * 700 / 5146))


def test_cu_with_three_coders_and_one_disagreeing_pair() -> None:
    # a and b mark the same stretch as x and y, c marks nothing: like one unit holding two
    # different values, cu-alpha is 0. (Squared pairwise intersections as self-pairings would
    # make the expected coincidences' denominator 0 here: l*..^2 = 16 = 8 + 8.)
    rows = [("d", "a", 0, 4, "x"), ("d", "b", 0, 4, "y")]
    result = unitizing_alpha(
        spans_of(rows), variant="cu", continua={"d": 10}, coders=["a", "b", "c"]
    )
    assert result.alpha == pytest.approx(0.0)
    assert result.pairable_length == pytest.approx(4.0)
    expected = result.expected_coincidences.drop("value").to_numpy()
    assert np.allclose(expected, [[0.0, 2.0], [2.0, 0.0]])
