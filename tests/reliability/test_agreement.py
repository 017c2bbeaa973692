"""Agreement coefficients: published figures, scikit-learn, statsmodels, irrCAC fixtures."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

import statecode as sc
from statecode import DataError, DegenerateDataWarning
from tests.reliability.test_alpha import wide_matrix
from tests.strategies import reliability_matrices, varied

KRIPP = "krippendorff-2011-wide.csv"
FLEISS = "fleiss-1971-diagnoses-wide.csv"


# --------------------------------------------------------------------------------------------
# published figures (shared/oracles README, copied with the data into tests/data)


def test_krippendorff_2011_data() -> None:
    data = wide_matrix(KRIPP)
    ac1 = sc.gwet_ac1(data)
    assert round(ac1.value, 5) == 0.77544
    assert ac1.se is not None
    assert round(ac1.se, 5) == 0.14295
    assert round(sc.fleiss_kappa(data).value, 5) == 0.76117
    assert round(sc.brennan_prediger(data).value, 5) == 0.77273


def test_fleiss_1971_data() -> None:
    result = sc.fleiss_kappa(wide_matrix(FLEISS))
    assert result.value == pytest.approx(0.430245, abs=5e-7)
    assert result.se is not None
    assert round(result.se, 4) == 0.0542
    assert result.per_category is not None
    assert [round(v, 4) for v in result.per_category.values()] == [
        0.2448,
        0.2448,
        0.5200,
        0.4711,
        0.5661,
    ]
    assert list(result.per_category) == [1, 2, 3, 4, 5]
    assert result.units == 30
    assert result.coders == 6


# --------------------------------------------------------------------------------------------
# scikit-learn and statsmodels on generated data


@st.composite
def two_coders(draw: st.DrawFn) -> tuple[list[int], list[int], int]:
    q = draw(st.integers(2, 6))
    n = draw(st.integers(2, 40))
    truth = draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n))
    agree = draw(st.floats(0, 1))
    a = [t if draw(st.floats(0, 1)) < agree else draw(st.integers(0, q - 1)) for t in truth]
    b = [t if draw(st.floats(0, 1)) < agree else draw(st.integers(0, q - 1)) for t in truth]
    return a, b, q


@given(two_coders())
@pytest.mark.parametrize("weights", ["identity", "linear", "quadratic"])
def test_cohen_kappa_matches_scikit_learn(
    weights: str, pair: tuple[list[int], list[int], int]
) -> None:
    a, b, q = pair
    assume(len(set(a) | set(b)) >= 2)
    sk_weights = None if weights == "identity" else weights
    expected = cohen_kappa_score(a, b, labels=list(range(q)), weights=sk_weights)
    assume(not math.isnan(expected))
    ours = sc.cohen_kappa([a, b], weights=weights, domain=list(range(q)))
    assert ours.value == pytest.approx(expected, abs=1e-9)


@given(two_coders())
@pytest.mark.parametrize("weights", ["identity", "linear", "quadratic"])
def test_cohen_kappa_matches_statsmodels(
    weights: str, pair: tuple[list[int], list[int], int]
) -> None:
    a, b, q = pair
    table = np.zeros((q, q))
    np.add.at(table, (a, b), 1)
    rows, cols = table.sum(1) / table.sum(), table.sum(0) / table.sum()
    assume(float(rows @ cols) < 1 - 1e-9)
    kwargs: dict[str, Any] = {} if weights == "identity" else {"wt": weights}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the peer's z test of a zero SE
        expected = inter_rater.cohens_kappa(table, **kwargs)
    ours = sc.cohen_kappa([a, b], weights=weights, domain=list(range(q)))
    assert ours.value == pytest.approx(expected.kappa, abs=1e-9)
    # variances, not SEs: a zero variance is a rounding error either side of 0
    assert ours.se is not None
    assert ours.se**2 == pytest.approx(expected.var_kappa, abs=1e-12)


@given(reliability_matrices(complete=True, max_coders=6))
def test_fleiss_kappa_matches_statsmodels(matrix: list[list[float]]) -> None:
    assume(varied(matrix))
    data = np.array(matrix, dtype=int)
    table, _ = inter_rater.aggregate_raters(data.T, n_cat=5)
    expected = inter_rater.fleiss_kappa(table, method="fleiss")
    ours = sc.fleiss_kappa(data, domain=[0, 1, 2, 3, 4])
    assert ours.value == pytest.approx(expected, abs=1e-9)


@given(reliability_matrices(complete=True, max_coders=6))
def test_brennan_prediger_matches_statsmodels_randolph(matrix: list[list[float]]) -> None:
    """statsmodels' 'randolph' (free-marginal) kappa is Brennan-Prediger on complete data."""
    assume(varied(matrix))
    data = np.array(matrix, dtype=int)
    table, _ = inter_rater.aggregate_raters(data.T, n_cat=5)
    expected = inter_rater.fleiss_kappa(table, method="randolph")
    ours = sc.brennan_prediger(data, domain=[0, 1, 2, 3, 4])
    assert ours.value == pytest.approx(expected, abs=1e-9)


@given(two_coders())
def test_scott_pi_is_fleiss_kappa_of_two_coders(pair: tuple[list[int], list[int], int]) -> None:
    a, b, q = pair
    assume(len(set(a) | set(b)) >= 2)
    pooled = np.bincount(a + b, minlength=q) / (2 * len(a))
    po = np.mean(np.array(a) == np.array(b))
    pe = float(pooled @ pooled)
    assume(pe < 1)
    assert sc.scott_pi([a, b]).value == pytest.approx((po - pe) / (1 - pe), abs=1e-9)
    assert sc.scott_pi([a, b]).value == pytest.approx(sc.fleiss_kappa([a, b]).value, abs=1e-12)


# --------------------------------------------------------------------------------------------
# irrCAC figures (tests/fixtures/irrcac.json, made by tests/fixtures/make_irrcac_fixture.py)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "irrcac.json"
METHODS = {
    "gwet": lambda d, w, c: sc.gwet_ac2(d, weights=w, domain=c),
    "fleiss": lambda d, w, c: sc.fleiss_kappa(d, weights=w, domain=c),
    "conger": lambda d, w, c: sc.fleiss_kappa(d, weights=w, domain=c, variant="conger"),
    "bp": lambda d, w, c: sc.brennan_prediger(d, weights=w, domain=c),
}


def _irrcac_cases() -> list[Any]:
    if not FIXTURE.exists():  # pragma: no cover - the fixture is committed
        return []
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    cases = []
    for dataset in fixture["datasets"]:
        for weights, by_method in dataset["results"].items():
            for method, figures in by_method.items():
                if method in METHODS and figures and figures.get("coefficient") is not None:
                    cases.append(
                        pytest.param(
                            dataset,
                            weights,
                            method,
                            figures,
                            id=f"{dataset['name']}-{weights}-{method}",
                        )
                    )
    return cases


def _ratings(dataset: dict[str, Any]) -> np.ndarray:
    units = [[np.nan if v is None else v for v in unit] for unit in dataset["ratings"]]
    return np.array(units, dtype=float).T


@pytest.mark.parametrize(("dataset", "weights", "method", "figures"), _irrcac_cases())
def test_matches_irrcac(
    dataset: dict[str, Any], weights: str, method: str, figures: dict[str, Any]
) -> None:
    """The fixture holds irrCAC's unrounded figures (digits=22), so compare to 1e-9."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        result = METHODS[method](_ratings(dataset), weights, dataset["categories"])
    if caught:
        # chance agreement 1 makes the coefficient 0/0: statecode says undefined, where
        # irrCAC divides by 1 - p_e computed as a rounding error
        assert math.isnan(result.value)
        assert figures["pe"] == pytest.approx(1.0, abs=1e-9)
        return
    assert result.value == pytest.approx(figures["coefficient"], abs=1e-9)
    assert result.observed_agreement == pytest.approx(figures["pa"], abs=1e-9)
    assert result.chance_agreement == pytest.approx(figures["pe"], abs=1e-9)
    # irrCAC replaces a zero standard error by 1e-15
    assert result.se == pytest.approx(figures["se"], abs=1e-9)
    assert result.ci is not None
    assert list(result.ci[:2]) == pytest.approx(figures["ci"], abs=1e-8)


@pytest.mark.parametrize(
    "dataset",
    [
        pytest.param(d, id=d["name"])
        for d in (json.loads(FIXTURE.read_text(encoding="utf-8"))["datasets"])
        if d["name"] != "edge-one-category"  # no variation: alpha undefined (NaN, tested)
    ],
)
def test_nominal_alpha_matches_irrcac(dataset: dict[str, Any]) -> None:
    figures = dataset["results"]["identity"]["krippendorff"]
    alpha = sc.krippendorff_alpha(_ratings(dataset), domain=dataset["categories"]).alpha
    assert alpha == pytest.approx(figures["coefficient"], abs=1e-9)


def test_the_irrcac_fixture_is_there_and_used() -> None:
    assert len(_irrcac_cases()) > 100


# --------------------------------------------------------------------------------------------
# properties, options, degenerate data


@given(reliability_matrices(max_coders=5), st.permutations(range(5)))
@pytest.mark.parametrize(
    "func", [sc.gwet_ac1, sc.fleiss_kappa, sc.brennan_prediger, sc.holsti, sc.percent_agreement]
)
def test_permuting_coders_and_relabelling_change_nothing(
    func: Any, matrix: list[list[float]], perm: list[int]
) -> None:
    assume(varied(matrix))
    data = np.array(matrix)
    relabelled = np.where(np.isnan(data), np.nan, np.take(perm, np.nan_to_num(data).astype(int)))
    before = func(data, domain=[0, 1, 2, 3, 4]).value
    after = func(relabelled[::-1], domain=[0, 1, 2, 3, 4]).value
    assert after == pytest.approx(before, abs=1e-9, nan_ok=True)


@given(reliability_matrices(complete=True, max_coders=2))
def test_identical_coders_agree_perfectly(matrix: list[list[float]]) -> None:
    assume(len(set(matrix[0])) >= 2)
    same = [matrix[0], matrix[0]]
    for func in (
        sc.cohen_kappa,
        sc.scott_pi,
        sc.fleiss_kappa,
        sc.gwet_ac1,
        sc.brennan_prediger,
        sc.percent_agreement,
        sc.holsti,
    ):
        assert func(same).value == pytest.approx(1.0)


def test_percent_agreement_methods() -> None:
    data = [[1, 2, 3, None], [1, 2, 2, 1], [1, 3, 2, 1]]
    pairs = sc.percent_agreement(data)
    assert pairs.value == pytest.approx((3 + 1 + 1 + 1) / (3 + 3 + 3 + 1))
    units = sc.percent_agreement(data, method="units")
    assert units.value == pytest.approx((1 + 1 / 3 + 1 / 3 + 1) / 4)
    full = sc.percent_agreement(data, method="full")
    assert full.value == pytest.approx(2 / 4)
    assert full.units == 4
    assert full.se is None


def test_holsti_compares_pairs_on_shared_units() -> None:
    data = [[1, 2, 3, None], [1, 2, 2, 1], [None, None, 2, 1]]
    # a-b: 2 of 3 agree; a-c: 0 of 1; b-c: 2 of 2
    assert sc.holsti(data).value == pytest.approx((2 / 3 + 0 + 1) / 3)


def test_cohen_kappa_on_more_coders_needs_a_choice() -> None:
    data = np.array([[1, 2, 3, 1], [1, 2, 2, 1], [1, 3, 2, 1]])
    with pytest.raises(DataError, match=r"cohen_kappa compares two coders, and the data have 3"):
        sc.cohen_kappa(data)
    picked = sc.cohen_kappa(data, coders=("0", "2"))
    assert picked.value == pytest.approx(sc.cohen_kappa(data[[0, 2]]).value)


def test_cohen_kappa_drops_units_not_rated_by_both_and_says_so() -> None:
    result = sc.cohen_kappa([[1, 2, None, 1, 2], [1, 2, 2, None, 1]])
    assert result.units == 3
    assert result.units_dropped == 2
    assert "only units both coders rated" in result.missing


def test_weights_options() -> None:
    data = [[1, 2, 3, 3], [1, 3, 3, 2]]
    with pytest.raises(ValueError, match=r"weights='squared' is not valid; use one of 'identity'"):
        sc.cohen_kappa(data, weights="squared")
    custom = sc.cohen_kappa(data, weights=np.eye(3))
    assert custom.weights == "custom"
    assert custom.value == pytest.approx(sc.cohen_kappa(data).value)
    with pytest.raises(DataError, match=r"a custom weight matrix must be 3 x 3"):
        sc.cohen_kappa(data, weights=np.eye(2))


def test_multi_label_variables_are_refused(root: Path) -> None:
    table = sc.read_codings(
        root / "examples/readouts/codings.csv", codebook=sc.read_codebook("readouts")
    )
    with pytest.raises(DataError, match=r"'precondition' is multi-label \(sets of codes\)"):
        sc.fleiss_kappa(table, variable="precondition")
    result = sc.fleiss_kappa(table, variable="party_status")
    assert result.categories == ("party", "object", "not_mentioned")


@pytest.mark.parametrize(
    "func", [sc.gwet_ac1, sc.fleiss_kappa, sc.brennan_prediger, sc.cohen_kappa, sc.scott_pi]
)
def test_no_variation_is_a_result_with_a_reason(func: Any) -> None:
    with pytest.warns(DegenerateDataWarning, match="is undefined"):
        result = func([[1, 1, 1], [1, 1, 1]], domain=[1])
    assert math.isnan(result.value)
    assert result.reason is not None
    assert result.ci is None


def test_intervals_use_t_for_gwet_family() -> None:
    data = wide_matrix(KRIPP)
    result = sc.gwet_ac1(data, confidence=0.9)
    assert result.ci is not None
    low, high, level = result.ci
    assert level == 0.9
    half = stats.t.ppf(0.95, result.units - 1) * result.se
    assert low == pytest.approx(result.value - half)
    assert high == pytest.approx(min(1.0, result.value + half))


def test_to_dict() -> None:
    record = sc.fleiss_kappa(wide_matrix(FLEISS)).to_dict()
    assert record["coefficient"] == "fleiss_kappa"
    assert record["units"] == 30
    assert set(record["per_category"]) == {"1", "2", "3", "4", "5"}
