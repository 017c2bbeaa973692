"""progress=: a bar in the terminal or the notebook, or a callback that counts every replicate."""

from __future__ import annotations

import pytest

import statecode as sc
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"


@pytest.fixture(scope="module")
def table() -> sc.CodingTable:
    return sc.read_codings(EXAMPLE, codebook=sc.read_codebook("readouts"))


def test_a_callback_counts_every_replicate(table: sc.CodingTable) -> None:
    seen: list[int] = []
    sc.krippendorff_alpha(
        table, variable="party_status", bootstrap=700, seed=1, progress=seen.append
    )
    assert sum(seen) == 700
    seen.clear()
    sc.krippendorff_alphas(table, bootstrap=300, seed=1, progress=seen.append)
    assert sum(seen) == 300 * len(table.variables)
    seen.clear()
    sc.reliability_report(table, bootstrap=200, seed=1, progress=seen.append)
    assert sum(seen) == 200 * len(table.variables)


def test_true_draws_one_bar_to_the_end(
    table: sc.CodingTable, capsys: pytest.CaptureFixture[str]
) -> None:
    report = sc.reliability_report(table, bootstrap=200, seed=1, progress=True)
    err = capsys.readouterr().err
    total = 200 * len(table.variables)
    assert err.count(f"{total}/{total}") == 1
    assert "bootstrap" in err
    # the bar changes nothing: the same figures as without it
    quiet = sc.reliability_report(table, bootstrap=200, seed=1)
    assert report.table.equals(quiet.table)


def test_no_bootstrap_no_bar(table: sc.CodingTable, capsys: pytest.CaptureFixture[str]) -> None:
    sc.krippendorff_alphas(table, progress=True)
    assert capsys.readouterr().err == ""


def test_progress_must_be_a_bar_or_a_callable(table: sc.CodingTable) -> None:
    with pytest.raises(sc.OptionError, match=r"progress='yes': give True \(a bar\), False"):
        sc.krippendorff_alpha(table, variable="party_status", bootstrap=5, progress="yes")  # type: ignore[arg-type]
