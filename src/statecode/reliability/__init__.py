"""Reliability coefficients and their results."""

from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._distance import jaccard_distance, masi_distance
from statecode.reliability.results import AlphaResult, BootstrapResult

__all__ = [
    "AlphaResult",
    "BootstrapResult",
    "jaccard_distance",
    "krippendorff_alpha",
    "masi_distance",
]
