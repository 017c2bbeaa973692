"""Reliability coefficients and their results.

The public functions take user data (arrays, data frames, coding tables), turn it into
:class:`~statecode.ReliabilityData` once, call the numpy-only kernels (``_kernels``,
``_agreement_kernels``, ``_unitizing_kernels``, ``_bootstrap``, ``_distance``) and return the
frozen result objects of :mod:`statecode.reliability.results`.
"""

from statecode.options import OverlapRule, UnitizingVariant
from statecode.reliability._agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    scott_pi,
)
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._batch import (
    agreement_coefficients,
    coder_diagnostics,
    krippendorff_alphas,
)
from statecode.reliability._dask import dask_alpha, dask_statistics
from statecode.reliability._diagnostics import (
    leave_one_coder_out,
    pairwise_agreement,
    unit_disagreement,
)
from statecode.reliability._distance import jaccard_distance, masi_distance
from statecode.reliability._parts import streamed_alphas
from statecode.reliability._percent import holsti, percent_agreement
from statecode.reliability._provenance import provenance_of
from statecode.reliability._report import reliability_report
from statecode.reliability._statistics import AlphaStatistics
from statecode.reliability._unitizing import unitizing_alpha
from statecode.reliability.results import (
    AgreementResult,
    AlphaResult,
    BootstrapResult,
    ReliabilityReport,
    UnitizingResult,
)

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "AlphaStatistics",
    "BootstrapResult",
    "OverlapRule",
    "ReliabilityReport",
    "UnitizingResult",
    "UnitizingVariant",
    "agreement_coefficients",
    "brennan_prediger",
    "coder_diagnostics",
    "cohen_kappa",
    "dask_alpha",
    "dask_statistics",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "holsti",
    "jaccard_distance",
    "krippendorff_alpha",
    "krippendorff_alphas",
    "leave_one_coder_out",
    "masi_distance",
    "pairwise_agreement",
    "percent_agreement",
    "provenance_of",
    "reliability_report",
    "scott_pi",
    "streamed_alphas",
    "unit_disagreement",
    "unitizing_alpha",
]
