"""Every variable at once: per-variable levels and domains, and coefficients that do not apply."""

from __future__ import annotations

import math

import polars as pl
import pytest

import statecode as sc
from statecode.options import CoefficientName
from statecode.reliability._batch import RESULT_NAMES

FRAME = pl.DataFrame(
    {
        "unit": [str(u) for u in range(1, 9) for _ in range(2)],
        "coder": ["a", "b"] * 8,
        "tone": [
            "lo",
            "lo",
            "mid",
            "hi",
            "hi",
            "hi",
            "lo",
            "mid",
            "mid",
            "mid",
            "hi",
            "hi",
            "lo",
            "lo",
            "mid",
            "lo",
        ],
        "size": ["1", "2", "3", "3", "5", "4", "2", "2", "1", "1", "4", "5", "3", "3", "2", "1"],
    }
)
ORDER = ["lo", "mid", "hi"]


@pytest.fixture(scope="module")
def table() -> sc.CodingTable:
    return sc.CodingTable.from_frame(FRAME)


def test_levels_and_domains_per_variable(table: sc.CodingTable) -> None:
    results = sc.krippendorff_alphas(
        table, levels={"tone": "ordinal", "size": "interval"}, domains={"tone": ORDER}
    )
    tone = sc.krippendorff_alpha(table, variable="tone", level="ordinal", domain=ORDER)
    size = sc.krippendorff_alpha(table, variable="size", level="interval")
    assert [r.level for r in results] == ["ordinal", "interval"]
    assert results[0].alpha == pytest.approx(tone.alpha)
    assert results[1].alpha == pytest.approx(size.alpha)
    # the shared level= applies where levels= says nothing
    mixed = sc.krippendorff_alphas(
        table, level="nominal", levels={"size": "ratio"}, domains={"tone": ORDER}
    )
    assert [r.level for r in mixed] == ["nominal", "ratio"]


def test_the_report_takes_levels_like_tidycomm(table: sc.CodingTable) -> None:
    report = sc.reliability_report(
        table,
        coefficients="alpha,ac2",
        levels={"tone": "ordinal", "size": "interval"},
        domains={"tone": ORDER},
    )
    rows = {r["Variable"]: r for r in report.table.iter_rows(named=True)}
    assert rows["tone"]["Level"] == "ordinal"
    assert rows["size"]["Level"] == "interval"
    expected = sc.krippendorff_alpha(table, variable="size", level="interval").alpha
    assert rows["size"]["Krippendorffs_Alpha"] == pytest.approx(expected)
    ac2 = sc.gwet_ac2(table, variable="tone", weights="ordinal", domain=ORDER).value
    assert rows["tone"]["Gwets_AC2"] == pytest.approx(ac2)
    quadratic = sc.gwet_ac2(table, variable="size", weights="quadratic").value
    assert rows["size"]["Gwets_AC2"] == pytest.approx(quadratic)
    by_batch = sc.agreement_coefficients(
        table, "ac2", levels={"tone": "ordinal", "size": "interval"}, domains={"tone": ORDER}
    )
    assert [r.value for r in by_batch] == pytest.approx([ac2, quadratic])
    assert [r.weights for r in by_batch] == ["ordinal", "quadratic"]


@pytest.mark.parametrize("keyword", ["levels", "domains"])
def test_a_mapping_naming_no_variable_is_an_error(table: sc.CodingTable, keyword: str) -> None:
    value = {"tonne": "ordinal"} if keyword == "levels" else {"tonne": ORDER}
    with pytest.raises(sc.DataError) as exc:
        sc.krippendorff_alphas(table, **{keyword: value})
    assert str(exc.value) == (
        f"{keyword}['tonne']: 'tonne' is not a variable of the table (variables: tone, size); "
        "give one of them"
    )


def test_what_does_not_apply_is_a_result_with_its_reason() -> None:
    cb = sc.read_codebook("readouts")
    from tests.conftest import ROOT  # noqa: PLC0415

    table = sc.read_codings(ROOT / "examples" / "readouts" / "codings.csv", codebook=cb)
    results = sc.agreement_coefficients(table, "fleiss")
    by_name = {r.variable: r for r in results}
    assert [r.variable for r in results] == list(table.variables)
    for name in table.variables:
        result = by_name[name]
        if cb[name].multi_label:
            assert not result.applies
            assert math.isnan(result.value)
            assert result.reason == "multi-label: needs one code per unit"
        else:
            assert result.applies
            assert result.value == pytest.approx(sc.fleiss_kappa(table, variable=name).value)
    # with two coders named, Cohen's kappa applies
    two = sc.agreement_coefficients(
        table, "cohen", variables=["party_status"], coders=("coder_a", "coder_b")
    )
    assert two[0].applies
    assert two[0].coders == 2


@pytest.mark.parametrize("coefficient", sorted(RESULT_NAMES))
def test_result_names_are_the_coefficients_own(coefficient: CoefficientName) -> None:
    data = [["a", "b", "a", "b", "a"], ["a", "b", "b", "b", "a"]]
    result = sc.agreement_coefficients(
        sc.CodingTable.from_frame(
            pl.DataFrame(
                {
                    "unit": [str(u) for u in range(5) for _ in range(2)],
                    "coder": ["x", "y"] * 5,
                    "v": [data[c][u] for u in range(5) for c in range(2)],
                }
            )
        ),
        coefficient,
        # unweighted, AC2 is AC1 and says so; weighted, it is AC2
        **({"weights": "linear"} if coefficient is CoefficientName.AC2 else {}),
    )[0]
    assert result.applies
    assert RESULT_NAMES[coefficient] == result.coefficient
