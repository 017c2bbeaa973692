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
from statecode.reliability._distance import jaccard_distance, masi_distance
from statecode.reliability.results import AgreementResult, AlphaResult, BootstrapResult

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "BootstrapResult",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "holsti",
    "jaccard_distance",
    "krippendorff_alpha",
    "masi_distance",
    "percent_agreement",
    "scott_pi",
]
