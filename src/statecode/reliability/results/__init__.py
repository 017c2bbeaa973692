"""Every result class of the reliability coefficients: frozen, complete, never rounded.

Results carry every figure a reader needs to check them (the value, both disagreements or
agreement terms, the counts, the coincidence matrices, the interval and how it was drawn);
rounding happens only in :mod:`statecode.render`.
"""

from statecode.reliability.results._agreement import AgreementResult
from statecode.reliability.results._alpha import (
    AlphaResult,
    BootstrapResult,
    CodedData,
    MergedData,
)
from statecode.reliability.results._report import ReliabilityReport
from statecode.reliability.results._unitizing import VOID, UnitizingResult, UnitizingTables
from statecode.reliability.results._verdict import (
    INSUFFICIENT,
    RELIABLE,
    RISK,
    TENTATIVE,
    VERDICT_RULE,
    VERDICT_SOURCES,
    VERDICT_TEXT,
    VERDICTS,
    verdict_of,
)

__all__ = [
    "INSUFFICIENT",
    "RELIABLE",
    "RISK",
    "TENTATIVE",
    "VERDICTS",
    "VERDICT_RULE",
    "VERDICT_SOURCES",
    "VERDICT_TEXT",
    "VOID",
    "AgreementResult",
    "AlphaResult",
    "BootstrapResult",
    "CodedData",
    "MergedData",
    "ReliabilityReport",
    "UnitizingResult",
    "UnitizingTables",
    "verdict_of",
]
