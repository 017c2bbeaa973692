"""Coder diagnostics and the reliability report."""

from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given

import statecode as sc
from tests.conftest import ROOT
from tests.strategies import reliability_matrices, varied

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"


@pytest.fixture(scope="module")
def table() -> sc.CodingTable:
    return sc.read_codings(EXAMPLE, codebook=sc.read_codebook("readouts"))


def test_leave_one_coder_out_finds_the_outlier() -> None:
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 4, 60).astype(float)
    data = np.array([truth, truth, truth, rng.integers(0, 4, 60).astype(float)])
    result = sc.leave_one_coder_out(data)
    assert result["coder"][0] == "3"
    assert result["alpha_without"][0] == pytest.approx(1.0)
    everyone = sc.krippendorff_alpha(data).alpha
    for row in result.iter_rows(named=True):
        assert row["change"] == pytest.approx(row["alpha_without"] - everyone)


@given(reliability_matrices(max_coders=4))
def test_leave_one_coder_out_is_alpha_of_the_others(matrix: list[list[float]]) -> None:
    assume(varied(matrix))
    data = np.array(matrix)
    result = sc.leave_one_coder_out(data, level="interval")
    for row in result.iter_rows(named=True):
        i = int(row["coder"])
        rest = np.delete(data, i, axis=0)
        expect_warning = not varied(rest.tolist())
        with pytest.warns(sc.DegenerateDataWarning) if expect_warning else nullcontext():
            expected = sc.krippendorff_alpha(rest, level="interval").alpha
        if math.isnan(expected):
            assert row["alpha_without"] is None
        else:
            assert row["alpha_without"] == pytest.approx(expected, abs=1e-12)


def test_pairwise_agreement_matrix_is_symmetric_with_pair_values(table: sc.CodingTable) -> None:
    matrix = sc.pairwise_agreement(table, variable="blame_target")
    assert matrix["coder"].to_list() == ["coder_a", "coder_b", "coder_c"]
    values = matrix.drop("coder").to_numpy()
    assert np.isnan(np.diag(values)).all()
    np.testing.assert_allclose(values, values.T, equal_nan=True)
    rel = table.to_reliability_data("blame_target")
    pair = rel.select_coders([0, 2])
    assert values[0, 2] == pytest.approx(sc.krippendorff_alpha(pair).alpha)
    kappa = sc.pairwise_agreement(table, variable="blame_target", coefficient="cohen")
    assert kappa["coder_c"][0] == pytest.approx(sc.cohen_kappa(pair).value)


def test_unit_disagreement_sheet(table: sc.CodingTable) -> None:
    sheet = sc.unit_disagreement(table, variable="blame_target")
    assert sheet.columns == [
        "unit",
        "disagreement",
        "share",
        "values",
        "coder_a",
        "coder_b",
        "coder_c",
    ]
    assert sheet["share"].sum() == pytest.approx(1.0)
    assert (sheet["disagreement"].diff().drop_nulls() <= 0).all()
    result = sc.krippendorff_alpha(table, variable="blame_target")
    # the units' terms add up to n D_o
    n_do = result.observed_disagreement * result.pairable_values
    assert sheet["disagreement"].sum() == pytest.approx(n_do)
    first = sheet.row(0, named=True)
    assert len({first["coder_a"], first["coder_b"], first["coder_c"]}) > 1


def test_report_columns_and_values(table: sc.CodingTable) -> None:
    report = sc.reliability_report(table, coefficients="all", bootstrap=200, seed=3)
    frame = report.table
    assert frame.columns[:5] == ["Variable", "n_Units", "n_Coders", "n_Categories", "Level"]
    assert frame.columns[5:8] == ["Agreement", "Holstis_CR", "Krippendorffs_Alpha"]
    assert frame.columns[-2:] == ["Verdict", "Notes"]
    assert frame.height == 7
    row = frame.row(frame["Variable"].to_list().index("party_status"), named=True)
    assert row["Krippendorffs_Alpha"] == pytest.approx(
        sc.krippendorff_alpha(table, variable="party_status").alpha
    )
    assert row["Fleiss_Kappa"] == pytest.approx(
        sc.fleiss_kappa(table, variable="party_status").value
    )
    assert row["Gwets_AC1_CI_low"] is not None
    assert row["Cohens_Kappa"] is None
    assert "needs exactly two coders" in row["Notes"]
    assert row["Agreement"] == pytest.approx(
        sc.percent_agreement(table, variable="party_status", method="full").value
    )
    multi = frame.row(0, named=True)
    assert multi["Level"] == "nominal (multi-label)"
    assert multi["Fleiss_Kappa"] is None
    assert multi["Notes"].count("not computed") == 1  # said once for the seven coefficients
    assert (
        "Cohens_Kappa, Scotts_Pi, Fleiss_Kappa, Congers_Kappa, Brennan_Predigers_Kappa, "
        "Gwets_AC1, Gwets_AC2: not computed (multi-label: needs one code per unit)"
    ) in multi["Notes"]
    assert multi["n_Categories"] == len(sc.read_codebook("readouts")["precondition"].categories)


def test_report_by_group(table: sc.CodingTable) -> None:
    by = {u: ("kremlin" if u.startswith("kr") else "white_house") for u in table.units}
    frame = sc.reliability_report(table, by=by, by_name="document").table
    assert frame.columns[0] == "document"
    assert frame.height == 14
    kremlin = frame.filter(
        (pl.col("document") == "kremlin") & (pl.col("Variable") == "party_status")
    )
    assert kremlin["n_Units"].item() == 18
    with pytest.raises(sc.DataError, match=r"by= gives no group for unit"):
        sc.reliability_report(table, by={})


def test_report_coefficient_names_are_checked(table: sc.CodingTable) -> None:
    with pytest.raises(ValueError, match=r"coefficients='kappa' is not valid"):
        sc.reliability_report(table, coefficients="alpha,kappa")
    frame = sc.reliability_report(table, coefficients=["alpha", "percent"]).table
    assert frame.columns[5:7] == ["Agreement", "Krippendorffs_Alpha"]
