"""Reliability coefficients and their results."""

from statecode.reliability._agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    holsti,
    percent_agreement,
    scott_pi,
)
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._diagnostics import (
    leave_one_coder_out,
    pairwise_agreement,
    unit_disagreement,
)
from statecode.reliability._distance import jaccard_distance, masi_distance
from statecode.reliability._report import ReliabilityReport, reliability_report
from statecode.reliability._unitizing import (
    OverlapRule,
    UnitizingResult,
    UnitizingVariant,
    unitizing_alpha,
)
from statecode.reliability.results import AgreementResult, AlphaResult, BootstrapResult

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "BootstrapResult",
    "OverlapRule",
    "ReliabilityReport",
    "UnitizingResult",
    "UnitizingVariant",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "holsti",
    "jaccard_distance",
    "krippendorff_alpha",
    "leave_one_coder_out",
    "masi_distance",
    "pairwise_agreement",
    "percent_agreement",
    "reliability_report",
    "scott_pi",
    "unit_disagreement",
    "unitizing_alpha",
]
