"""Krippendorff's alpha: published examples, independent peers, a naive reference, invariances."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance
from nltk.metrics.distance import jaccard_distance as nltk_jaccard
from nltk.metrics.distance import masi_distance as nltk_masi

import statecode as sc
from statecode import DataError, DegenerateDataWarning
from statecode.reliability import _kernels
from statecode.reliability.results import _alpha as results
from tests.conftest import DATA
from tests.reliability import naive
from tests.strategies import pairable_values, reliability_matrices, varied

# --------------------------------------------------------------------------------------------
# published worked examples (tests/data, copied from shared/oracles with their README values)

ORACLES = [
    ("krippendorff-2011-wide.csv", "nominal", 0.743421052631579),
    ("krippendorff-2011-wide.csv", "ordinal", 0.8153875037548814),
    ("krippendorff-2011-wide.csv", "interval", 0.8491071428571428),
    ("krippendorff-2011-wide.csv", "ratio", 0.7974027747116121),
    ("fleiss-1971-diagnoses-wide.csv", "nominal", 0.4334098282820289),
    ("hayes-krippendorff-2007-wide.csv", "ordinal", 0.7598291891514336),
    ("hayes-krippendorff-2007-wide.csv", "nominal", 0.47650956741865835),
    ("hayes-krippendorff-2007-wide.csv", "interval", 0.757378277153558),
    ("hayes-krippendorff-2007-wide.csv", "ratio", 0.6621229661759855),
]


def wide_matrix(name: str) -> np.ndarray:
    """Coders x units floats from a wide oracle file (first column = unit id if named so)."""
    frame = pl.read_csv(DATA / name, infer_schema=False, null_values=["", "NA"])
    coders = [c for c in frame.columns if c not in ("unit", "subject")]
    return frame.select(pl.col(c).cast(pl.Float64) for c in coders).to_numpy().T


@pytest.mark.parametrize(("name", "level", "expected"), ORACLES)
def test_published_examples(name: str, level: str, expected: float) -> None:
    result = sc.krippendorff_alpha(wide_matrix(name), level=level)
    assert result.alpha == pytest.approx(expected, abs=1e-9)
    assert round(result.alpha, 4) == round(expected, 4)


@pytest.mark.parametrize(("name", "level", "expected"), ORACLES)
def test_published_examples_through_the_file_reader(name: str, level: str, expected: float) -> None:
    unit = "subject" if name.startswith("fleiss") else "unit"
    table = sc.read_codings(DATA / name, layout="wide", unit=unit)
    result = sc.krippendorff_alpha(table, variable="value", level=level)
    assert result.alpha == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("level", "expected"), [(lv, v) for n, lv, v in ORACLES[:4]])
def test_long_layout_of_the_2011_example(level: str, expected: float) -> None:
    frame = pl.read_csv(DATA / "krippendorff-2011-long.csv")
    assert sc.krippendorff_alpha(frame, level=level).alpha == pytest.approx(expected, abs=1e-9)
    pandas_frame = pd.DataFrame(frame.to_dict(as_series=False))
    assert sc.krippendorff_alpha(pandas_frame, level=level).alpha == pytest.approx(
        expected, abs=1e-9
    )


def test_2011_example_figures() -> None:
    """Krippendorff (2011, p. 3): the coincidence matrix, n = 40, D_o and D_e."""
    result = sc.krippendorff_alpha(wide_matrix("krippendorff-2011-wide.csv"))
    o = result.coincidences.drop("value").to_numpy()
    third = 1 / 3
    expected = np.array(
        [
            [7, 4 * third, third, third, 0],
            [4 * third, 10, 4 * third, third, 0],
            [third, 4 * third, 8, third, 0],
            [third, third, third, 4, 0],
            [0, 0, 0, 0, 3],
        ]
    )
    np.testing.assert_allclose(o, expected, atol=1e-12)
    assert result.pairable_values == 40
    assert result.units == 12
    assert result.pairable_units == 11
    assert result.coders == 4
    assert result.values == (1, 2, 3, 4, 5)
    # D_o = 1 - (7 + 10 + 8 + 4 + 3) / 40; D_e = 1 - sum n_c (n_c - 1) / (n (n - 1))
    assert result.observed_disagreement == pytest.approx(8 / 40)
    n_c = np.array([9, 13, 10, 5, 3])
    assert result.expected_disagreement == pytest.approx(1 - (n_c * (n_c - 1)).sum() / (40 * 39))
    e = result.expected_coincidences.drop("value").to_numpy()
    np.testing.assert_allclose(e.sum(axis=1), n_c)


# --------------------------------------------------------------------------------------------
# independent implementations


@given(reliability_matrices())
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_matches_the_krippendorff_package(level: str, matrix: list[list[float]]) -> None:
    assume(varied(matrix))
    data = np.array(matrix)
    if level == "ratio":
        data = data + 1.0  # ratio values are positive
    ours = sc.krippendorff_alpha(data, level=level).alpha
    peer = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert ours == pytest.approx(peer, abs=1e-9)


@given(reliability_matrices())
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_the_krippendorff_packages_keywords_work(level: str, matrix: list[list[float]]) -> None:
    # switching is one line: the same call, statecode's function, float() of the result
    assume(varied(matrix))
    data = np.array(matrix) + (1.0 if level == "ratio" else 0.0)
    ours = float(sc.krippendorff_alpha(reliability_data=data, level_of_measurement=level))
    peer = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert ours == pytest.approx(peer, abs=1e-9)


def test_the_krippendorff_packages_domain_keyword() -> None:
    data = [["lo", "mid", "hi", "lo"], ["lo", "hi", "hi", "mid"]]
    order = ["lo", "mid", "hi"]
    aliased = sc.krippendorff_alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=order
    )
    assert aliased.alpha == sc.krippendorff_alpha(data, level="ordinal", domain=order).alpha
    assert aliased.values == tuple(order)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"reliability_data": [[1, 2], [1, 2]]},
            "reliability_data= without level_of_measurement=: the krippendorff package takes "
            "interval data by default and statecode nominal, so say which "
            "(level_of_measurement='interval' gives that package's result)",
        ),
        (
            {"data": [[1, 2]], "reliability_data": [[1, 2]], "level": "nominal"},
            "data= and reliability_data= are the same option; give one of them",
        ),
        (
            {"data": [[1, 2]], "level": "nominal", "level_of_measurement": "ordinal"},
            "level= and level_of_measurement= are the same option; give one of them",
        ),
        (
            {"data": [[1, 2]], "domain": [1, 2], "value_domain": [1, 2]},
            "domain= and value_domain= are the same option; give one of them",
        ),
        ({}, "krippendorff_alpha needs the data: a coders x units array, a frame or a table"),
    ],
)
def test_aliases_are_never_ambiguous(options: dict[str, Any], message: str) -> None:
    with pytest.raises(sc.OptionError) as exc:
        sc.krippendorff_alpha(**options)
    assert str(exc.value) == message


def _nltk_task(matrix: list[list[Any]], distance: Any) -> AnnotationTask:
    triples = [
        (f"c{i}", f"u{u}", value) for i, row in enumerate(matrix) for u, value in enumerate(row)
    ]
    return AnnotationTask(triples, distance=distance)


@given(reliability_matrices(complete=True))
@pytest.mark.parametrize(
    ("level", "distance"), [("nominal", binary_distance), ("interval", interval_distance)]
)
def test_matches_nltk(level: str, distance: Any, matrix: list[list[float]]) -> None:
    assume(varied(matrix))
    ints = [[int(v) for v in row] for row in matrix]
    ours = sc.krippendorff_alpha(matrix, level=level).alpha
    assert ours == pytest.approx(_nltk_task(ints, distance).alpha(), abs=1e-9)


set_values = st.frozensets(st.sampled_from("abcd"), min_size=1, max_size=3)


@st.composite
def set_matrices(draw: st.DrawFn, *, complete: bool = False) -> list[list[Any]]:
    m = draw(st.integers(2, 5))
    n_units = draw(st.integers(2, 15))
    rows = []
    for _ in range(m):
        row = []
        for _ in range(n_units):
            missing = not complete and draw(st.floats(0, 1)) < 0.2
            row.append(None if missing else draw(set_values))
        rows.append(row)
    return rows


def _set_varied(matrix: list[list[Any]]) -> bool:
    units = [[r[u] for r in matrix if r[u] is not None] for u in range(len(matrix[0]))]
    return len({v for u in units if len(u) >= 2 for v in u}) >= 2


@given(set_matrices(complete=True))
@pytest.mark.parametrize("distance", ["masi", "jaccard"])
def test_set_distances_match_nltk(distance: str, matrix: list[list[Any]]) -> None:
    assume(_set_varied(matrix))
    func = sc.masi_distance if distance == "masi" else sc.jaccard_distance
    ours = sc.krippendorff_alpha(matrix, distance=distance).alpha
    assert ours == pytest.approx(_nltk_task(matrix, func).alpha(), abs=1e-9)


@given(set_values, set_values)
def test_masi_is_nltk_masi_with_exact_thirds(a: frozenset[str], b: frozenset[str]) -> None:
    """NLTK rounds MASI's weights 2/3 and 1/3 to 0.67 and 0.33; otherwise they agree."""
    assert sc.jaccard_distance(a, b) == pytest.approx(nltk_jaccard(a, b), abs=1e-12)
    assert sc.masi_distance(a, b) == pytest.approx(nltk_masi(a, b), abs=0.0034)
    assert sc.masi_distance(a, b) == pytest.approx(naive.masi(a, b, {}), abs=1e-12)


# --------------------------------------------------------------------------------------------
# a naive implementation straight from the definition, for every level


def _units(matrix: list[list[Any]]) -> list[list[Any]]:
    def clean(v: Any) -> Any:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    return [[clean(row[u]) for row in matrix] for u in range(len(matrix[0]))]


LEVELS: list[tuple[str, dict[str, Any], naive.Delta]] = [
    ("nominal", {}, naive.nominal),
    ("ordinal", {}, naive.ordinal),
    ("interval", {}, naive.interval),
    ("ratio", {}, naive.ratio),
    ("circular", {"period": 7.0}, naive.circular(7.0)),
    ("bipolar", {"bounds": (-1.0, 5.0)}, naive.bipolar(-1.0, 5.0)),
]


@given(reliability_matrices(max_coders=5, max_units=15))
@pytest.mark.parametrize(("level", "options", "delta"), LEVELS, ids=[lv[0] for lv in LEVELS])
def test_matches_naive_definition(
    level: str, options: dict[str, Any], delta: naive.Delta, matrix: list[list[float]]
) -> None:
    assume(varied(matrix))
    expected = naive.naive_alpha(_units(matrix), delta)
    assume(not math.isnan(expected))
    ours = sc.krippendorff_alpha(matrix, level=level, **options).alpha
    assert ours == pytest.approx(expected, abs=1e-9)


@given(set_matrices())
@pytest.mark.parametrize("distance", ["masi", "jaccard"])
def test_sets_match_naive_definition(distance: str, matrix: list[list[Any]]) -> None:
    assume(_set_varied(matrix))
    delta = naive.masi if distance == "masi" else naive.jaccard
    expected = naive.naive_alpha(_units(matrix), delta)
    assume(not math.isnan(expected))
    assert sc.krippendorff_alpha(matrix, distance=distance).alpha == pytest.approx(
        expected, abs=1e-9
    )


@given(reliability_matrices(max_coders=4, max_units=12))
def test_custom_distance_matches_naive(matrix: list[list[float]]) -> None:
    assume(varied(matrix))

    def absolute(a: Any, b: Any) -> Any:
        return np.abs(a - b)

    expected = naive.naive_alpha(_units(matrix), lambda c, k, _n: abs(c - k))
    assume(not math.isnan(expected))
    result = sc.krippendorff_alpha(matrix, distance=absolute)
    assert result.level == "custom"
    assert result.alpha == pytest.approx(expected, abs=1e-9)


@given(reliability_matrices(values=st.integers(0, 400), max_units=20))
def test_nominal_kernel_paths_agree(matrix: list[list[float]]) -> None:
    """Per-unit counts (few values) and pairwise equality (many values) give one alpha."""
    assume(varied(matrix))
    data = np.array(matrix)
    codes = sc.ReliabilityData.from_array(data)
    size = len(codes.labels)
    by_counts = _kernels.nominal_parts(codes.codes, size)
    original = _kernels._NOMINAL_COUNTS_MAX_V
    try:
        _kernels._NOMINAL_COUNTS_MAX_V = 0
        by_pairs = _kernels.nominal_parts(codes.codes, size)
    finally:
        _kernels._NOMINAL_COUNTS_MAX_V = original
    assert by_counts.alpha == pytest.approx(by_pairs.alpha, abs=1e-12)
    assert by_counts.observed == pytest.approx(by_pairs.observed, abs=1e-9)


def test_chunked_counts_and_expected_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny chunk sizes exercise the chunk loops; the figures must not change."""
    data = wide_matrix("hayes-krippendorff-2007-wide.csv")
    expected = {lv: sc.krippendorff_alpha(data, level=lv).alpha for lv in ("nominal", "ratio")}
    monkeypatch.setattr(_kernels, "_CELLS_PER_CHUNK", 7)
    monkeypatch.setattr(_kernels, "_NOMINAL_COMPARE_MAX_V", 0)
    monkeypatch.setattr(_kernels, "_EXPECTED_BLOCK", 2)
    for level, alpha in expected.items():
        assert sc.krippendorff_alpha(data, level=level).alpha == pytest.approx(alpha, abs=1e-12)


# --------------------------------------------------------------------------------------------
# invariances


@given(reliability_matrices(), st.randoms(use_true_random=False))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_permuting_coders_and_units_changes_nothing(
    level: str, matrix: list[list[float]], rnd: Any
) -> None:
    assume(varied(matrix))
    data = np.array(matrix) + 1.0
    before = sc.krippendorff_alpha(data, level=level).alpha
    coders = list(range(data.shape[0]))
    units = list(range(data.shape[1]))
    rnd.shuffle(coders)
    rnd.shuffle(units)
    after = sc.krippendorff_alpha(data[coders][:, units], level=level).alpha
    assert after == pytest.approx(before, abs=1e-9)


@given(reliability_matrices(), st.permutations(["p", "q", "r", "s", "t"]))
def test_relabelling_nominal_values_changes_nothing(
    matrix: list[list[float]], names: list[str]
) -> None:
    assume(varied(matrix))
    relabelled = [[None if math.isnan(v) else names[int(v)] for v in row] for row in matrix]
    assert sc.krippendorff_alpha(relabelled).alpha == pytest.approx(
        sc.krippendorff_alpha(matrix).alpha, abs=1e-9
    )


@given(
    reliability_matrices(),
    st.floats(-100, 100).filter(lambda a: abs(a) > 1e-3),
    st.floats(-1e3, 1e3),
)
def test_affine_transforms_leave_interval_alpha(
    matrix: list[list[float]], scale: float, shift: float
) -> None:
    assume(varied(matrix))
    data = np.array(matrix)
    assert sc.krippendorff_alpha(data * scale + shift, level="interval").alpha == pytest.approx(
        sc.krippendorff_alpha(data, level="interval").alpha, abs=1e-7
    )


@given(reliability_matrices(), st.floats(1e-3, 1e3))
def test_positive_scaling_leaves_ratio_alpha(matrix: list[list[float]], scale: float) -> None:
    assume(varied(matrix))
    data = np.array(matrix) + 1.0
    assert sc.krippendorff_alpha(data * scale, level="ratio").alpha == pytest.approx(
        sc.krippendorff_alpha(data, level="ratio").alpha, abs=1e-9
    )


@given(reliability_matrices(), st.sampled_from(["exp", "cube", "log"]))
def test_monotone_transforms_leave_ordinal_alpha(matrix: list[list[float]], how: str) -> None:
    assume(varied(matrix))
    data = np.array(matrix)
    transformed = {"exp": np.exp(data), "cube": data**3 - 7, "log": np.log(data + 1)}[how]
    assert sc.krippendorff_alpha(transformed, level="ordinal").alpha == pytest.approx(
        sc.krippendorff_alpha(data, level="ordinal").alpha, abs=1e-9
    )


@given(reliability_matrices(), st.integers(0, 4), st.data())
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_a_unit_coded_once_changes_nothing(
    level: str, matrix: list[list[float]], value: int, data: st.DataObject
) -> None:
    assume(varied(matrix))
    before = sc.krippendorff_alpha(np.array(matrix) + 1.0, level=level)
    coder = data.draw(st.integers(0, len(matrix) - 1))
    extra = [[*row, float(value) if i == coder else math.nan] for i, row in enumerate(matrix)]
    after = sc.krippendorff_alpha(np.array(extra) + 1.0, level=level)
    assert after.alpha == pytest.approx(before.alpha, abs=1e-9)
    assert after.units == before.units + 1
    assert after.pairable_units == before.pairable_units


# --------------------------------------------------------------------------------------------
# input forms


def test_every_input_form_gives_the_same_result() -> None:
    data = wide_matrix("krippendorff-2011-wide.csv")
    as_lists = [[None if math.isnan(v) else int(v) for v in row] for row in data]
    long = pl.read_csv(DATA / "krippendorff-2011-long.csv")
    renamed = long.rename({"unit": "story", "coder": "who", "value": "tone"})
    table = sc.read_codings(DATA / "krippendorff-2011-long.csv", variables=["value"])
    alphas = {
        "array": sc.krippendorff_alpha(data, level="ordinal").alpha,
        "lists": sc.krippendorff_alpha(as_lists, level="ordinal").alpha,
        "polars": sc.krippendorff_alpha(long, level="ordinal").alpha,
        "pandas": sc.krippendorff_alpha(
            pd.DataFrame(long.to_dict(as_series=False)), level="ordinal"
        ).alpha,
        "renamed": sc.krippendorff_alpha(
            renamed, unit="story", coder="who", value="tone", level="ordinal"
        ).alpha,
        "table": sc.krippendorff_alpha(table, variable="value", level="ordinal").alpha,
    }
    for alpha in alphas.values():
        assert alpha == pytest.approx(0.8153875037548814, abs=1e-9)


def test_string_values_and_a_declared_domain() -> None:
    words = [["low", "mid", "high", None], ["low", "high", "high", "mid"]]
    numbers = [[0, 1, 2, None], [0, 2, 2, 1]]
    ordered = sc.krippendorff_alpha(words, level="ordinal", domain=["low", "mid", "high"])
    assert ordered.values == ("low", "mid", "high")
    assert ordered.alpha == pytest.approx(
        sc.krippendorff_alpha(numbers, level="ordinal").alpha, abs=1e-12
    )
    with pytest.raises(DataError, match=r"'extreme' are not in the declared domain"):
        sc.krippendorff_alpha([["low", "extreme"], ["low", "mid"]], domain=["low", "mid"])


def test_unused_domain_values_change_nothing_but_show() -> None:
    data = [[1, 2, 3, 3], [1, 2, 3, 2]]
    plain = sc.krippendorff_alpha(data, level="ordinal")
    wider = sc.krippendorff_alpha(data, level="ordinal", domain=[0, 1, 2, 3, 9])
    assert wider.alpha == pytest.approx(plain.alpha, abs=1e-12)
    assert wider.values == (0, 1, 2, 3, 9)
    assert wider.coincidences.height == 5


def test_text_at_interval_level_is_refused() -> None:
    with pytest.raises(DataError, match=r"interval data must be numbers, but the values include"):
        sc.krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")


def test_a_typo_in_an_option_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"level='intervall' is not valid; use one of 'nominal'"):
        sc.krippendorff_alpha([[1, 2], [1, 2]], level="intervall")


def test_two_values_from_one_coder_for_one_unit_is_an_error() -> None:
    frame = pl.DataFrame(
        {"unit": ["u1", "u1", "u2"], "coder": ["ann", "ann", "ann"], "value": [1, 2, 1]}
    )
    with pytest.raises(DataError) as exc:
        sc.krippendorff_alpha(frame)
    assert str(exc.value) == (
        "rows 1, 2: coder 'ann' gave unit 'u1' more than one value; keep one row per unit and coder"
    )


def test_missing_long_columns_are_named() -> None:
    frame = pd.DataFrame({"unit": [1], "rater": ["a"], "value": [1]})
    with pytest.raises(DataError, match=r"missing column\(s\) 'coder' \(columns: 'unit', 'rater'"):
        sc.krippendorff_alpha(frame)


def test_one_dimensional_data_is_refused() -> None:
    with pytest.raises(DataError, match=r"must be 2-D \(coders x units\)"):
        sc.krippendorff_alpha([1, 2, 3])


def test_circular_needs_a_period_and_ratio_needs_positive_values() -> None:
    with pytest.raises(DataError, match="circular data need period="):
        sc.krippendorff_alpha([[1, 2], [1, 3]], level="circular")
    with pytest.raises(DataError, match=r"ratio data cannot be negative \(smallest value -1\)"):
        sc.krippendorff_alpha([[-1, 2], [1, 3]], level="ratio")


def test_circular_values_a_period_apart_agree() -> None:
    """On a 24-hour clock, 23:00 and 01:00 are two hours apart, not 22."""
    data = [[23, 6, 12, 18], [1, 6, 12, 18]]
    linear = sc.krippendorff_alpha(data, level="interval").alpha
    circular = sc.krippendorff_alpha(data, level="circular", period=24).alpha
    assert circular > linear


# --------------------------------------------------------------------------------------------
# degenerate data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([[1, 1, 1], [1, 1, 1]], "no variation: every pairable value is the same (1), so D_e = 0"),
        ([[1, 2, 3]], "only 1 coder(s) gave values; alpha compares two or more coders"),
        (
            [[1, None, None], [None, 2, None]],
            "fewer than two pairable values (0); no unit was coded by two or more coders",
        ),
    ],
)
def test_degenerate_data_is_a_result_with_a_reason(data: list[list[Any]], reason: str) -> None:
    with pytest.warns(DegenerateDataWarning, match="alpha is undefined"):
        result = sc.krippendorff_alpha(data, bootstrap=50, seed=1)
    assert math.isnan(result.alpha)
    assert result.reason == reason
    assert result.verdict == "undefined"
    assert result.to_dict()["alpha"] is None
    assert result.bootstrap is not None
    assert result.bootstrap.undefined == 50


# --------------------------------------------------------------------------------------------
# per-category diagnostics


@given(reliability_matrices(max_units=20))
def test_per_category_alpha_is_alpha_of_the_binary_recoding(matrix: list[list[float]]) -> None:
    assume(varied(matrix))
    result = sc.krippendorff_alpha(matrix)
    table = result.per_category()
    assert table["share_of_disagreement"].sum() == pytest.approx(1.0) or result.alpha == 1.0
    values = set(pairable_values(matrix))
    for row in table.iter_rows(named=True):
        value = float(row["value"])
        if value not in values or len(values) < 2:
            continue
        binary = [[math.nan if math.isnan(v) else float(v == value) for v in r] for r in matrix]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            expected = sc.krippendorff_alpha(binary).alpha
        if math.isnan(expected):
            assert row["alpha"] is None
        else:
            assert row["alpha"] == pytest.approx(expected, abs=1e-9)


def test_per_category_on_the_2011_example() -> None:
    table = sc.krippendorff_alpha(wide_matrix("krippendorff-2011-wide.csv")).per_category()
    assert table["value"].to_list() == ["1", "2", "3", "4", "5"]
    assert table["n"].to_list() == [9, 13, 10, 5, 3]
    assert table["most_confused_with"].to_list() == ["2", "1", "2", "1", None]
    assert table["share_of_disagreement"].to_list() == pytest.approx([0.25, 0.375, 0.25, 0.125, 0])
    assert table.filter(pl.col("value") == "5")["alpha"].item() == pytest.approx(1.0)


def test_coincidences_of_sets_are_labelled_with_their_codes() -> None:
    data = [[{"a", "b"}, {"a"}, {"b"}], [{"a", "b"}, {"a"}, {"a"}]]
    result = sc.krippendorff_alpha(data, distance="jaccard")
    assert result.distance == "jaccard"
    assert result.coincidences["value"].to_list() == ["a", "a;b", "b"]


def test_too_many_values_for_a_coincidence_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "_MAX_COINCIDENCE_VALUES", 3)
    result = sc.krippendorff_alpha([[1, 2, 3, 4], [1, 2, 3, 5]], level="interval")
    with pytest.raises(DataError, match=r"the data hold 5 distinct values; a coincidence table"):
        _ = result.coincidences


def test_doc_example_in_readme_runs(root: Path) -> None:
    table = sc.read_codings(
        root / "examples/readouts/codings.csv", codebook=sc.read_codebook("readouts")
    )
    result = sc.krippendorff_alpha(table, variable="precondition")
    assert result.distance == "masi"
    assert 0 < result.alpha < 1
    assert result.per_category().height == len(result.values)


def test_pandas_frames_with_text_and_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["u1", "u1", "u2", "u2", "u3", "u3"],
            "coder": ["a", "b", "a", "b", "a", "b"],
            "value": ["yes", "yes", "no", None, "no", "yes"],
        }
    )
    frame["value"] = frame["value"].astype("string")  # pandas' own missing marker, pd.NA
    result = sc.krippendorff_alpha(frame)
    expected = sc.krippendorff_alpha([["yes", "no", "no"], ["yes", None, "yes"]])
    assert result.alpha == pytest.approx(expected.alpha, abs=1e-12)
    assert result.pairable_units == 2


def test_an_empty_long_frame_is_undefined_alpha_not_a_crash() -> None:
    # no rows: the frame's id columns hold no integers to place (found by hypothesis)
    frame = pl.DataFrame(schema={"unit": pl.String, "coder": pl.String, "value": pl.String})
    with pytest.warns(DegenerateDataWarning, match="only 0 coder"):
        result = sc.krippendorff_alpha(frame)
    assert math.isnan(result.alpha)
    assert result.reason is not None


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"unit": [[1], [1]], "coder": ["a", "b"], "value": ["x", "x"]}, "'unit' (unit=)"),
        ({"unit": ["1", "1"], "coder": ["a", "b"], "value": [{"a": 1}, {"a": 1}]}, "(value=)"),
    ],
)
def test_nested_ids_or_values_are_a_data_type_error(
    columns: dict[str, list[object]], expected: str
) -> None:
    # a list of ids was a polars cast error, a struct of values a TypeError (found by review)
    with pytest.raises(sc.DataTypeError, match=re.escape(expected)):
        sc.krippendorff_alpha(pl.DataFrame(columns))
