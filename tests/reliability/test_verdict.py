"""The verdict: Krippendorff's thresholds, and the uncertainty when there is an interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import statecode as sc
from statecode.reliability.results import INSUFFICIENT, verdict_of
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"


@pytest.mark.parametrize(
    ("value", "risk", "verdict"),
    [
        (0.95, None, "reliable"),
        (0.800, None, "reliable"),
        (0.7999, None, "tentative"),
        (0.667, None, "tentative"),
        (0.6669, None, "unreliable"),
        (math.nan, None, "undefined"),
        (0.95, 0.0, "reliable"),
        (0.95, 0.05, "reliable"),
        (0.95, 0.0501, INSUFFICIENT),
        (0.70, 0.05, "tentative"),
        (0.70, 0.30, INSUFFICIENT),
        (0.60, 0.90, "unreliable"),  # below .667: unreliable whatever the interval
        (0.95, math.nan, INSUFFICIENT),  # every replicate undefined: nothing shown
        (math.nan, 0.0, "undefined"),
    ],
)
def test_verdict_of(value: float, risk: float | None, verdict: str) -> None:
    assert verdict_of(value, risk) == verdict


def test_a_wide_bootstrap_interval_is_insufficient_data() -> None:
    cb = sc.read_codebook("readouts")
    table = sc.read_codings(EXAMPLE, codebook=cb)
    point = sc.krippendorff_alpha(table, variable="blame_intensity")
    assert point.alpha >= 0.800
    assert point.risk is None
    assert point.verdict == "reliable"
    boot = sc.krippendorff_alpha(table, variable="blame_intensity", bootstrap=2000, seed=1)
    assert boot.bootstrap is not None
    replicates = boot.bootstrap.replicates
    defined = replicates[~np.isnan(replicates)]
    assert boot.risk == pytest.approx((defined < 0.667).sum() / defined.size)
    assert boot.risk == pytest.approx(boot.q[0.667])  # the q the bootstrap reports
    assert boot.ci is not None
    assert boot.ci[0] < 0.667
    assert boot.risk > 0.05
    assert boot.verdict == INSUFFICIENT


def test_a_narrow_interval_keeps_the_verdict() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 4, size=300)
    noisy = np.where(rng.random(300) < 0.05, rng.integers(0, 4, size=300), truth)
    result = sc.krippendorff_alpha([truth, noisy], bootstrap=1000, seed=2)
    assert result.alpha > 0.85
    assert result.risk == 0.0
    assert result.verdict == "reliable"


def test_agreement_risk_is_the_normal_tail_below_667() -> None:
    data = [[1, 2, 3, 1, 2, 3, 1, 2, 3, 3], [1, 2, 3, 1, 2, 3, 1, 2, 1, 3]]
    result = sc.cohen_kappa(data)
    assert result.se is not None
    expected = stats.norm.cdf((0.667 - result.value) / result.se)
    assert result.risk == pytest.approx(expected)
    assert result.verdict == verdict_of(result.value, expected)
