"""statecode: structured coding of political statements and inter-coder reliability.

Read a codebook, import coded data, and measure how reliably coders applied the codebook
(Krippendorff's alpha and its peers) before comparing what different accounts of one event
say.

Examples
--------
>>> import statecode as sc
>>> cb = sc.read_codebook("readouts")
>>> cb["blame_target"].level
<Level.NOMINAL: 'nominal'>
"""

from statecode._render import codebook_to_markdown, codebook_to_text
from statecode._typing import OffsetUnit
from statecode.codebook import Category, Codebook, Level, Variable
from statecode.compare import Comparison, compare_accounts, plot_accounts
from statecode.consensus import ConsensusResult, apply_adjudication, consensus
from statecode.exceptions import (
    CodebookError,
    DataError,
    DegenerateDataWarning,
    InputFileError,
    Problem,
    StatecodeError,
    StatecodeWarning,
)
from statecode.io import (
    DoccanoImport,
    LabelStudioImport,
    QdpxProject,
    SpanRule,
    codebook_to_toml,
    read_codebook,
    read_codings,
    read_corpus,
    read_doccano,
    read_labelstudio,
    read_qdc,
    read_qdpx,
    read_spans,
    read_unitizers,
    shipped_codebooks,
    spans_to_codings,
    utf16_to_codepoints,
    write_codebook,
    write_codings,
    write_corpus,
    write_qdc,
    write_qdpx,
    write_spans,
    write_unitizers,
)
from statecode.model import Coder, Coding, Corpus, Document, Span, Statement
from statecode.reliability import (
    AgreementResult,
    AlphaResult,
    BootstrapResult,
    OverlapRule,
    ReliabilityReport,
    UnitizingResult,
    UnitizingVariant,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    holsti,
    jaccard_distance,
    krippendorff_alpha,
    leave_one_coder_out,
    masi_distance,
    pairwise_agreement,
    percent_agreement,
    reliability_report,
    scott_pi,
    unit_disagreement,
    unitizing_alpha,
)
from statecode.segment import segment
from statecode.table import CodingTable, ReliabilityData

__version__ = "0.1.0.dev0"

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "BootstrapResult",
    "Category",
    "Codebook",
    "CodebookError",
    "Coder",
    "Coding",
    "CodingTable",
    "Comparison",
    "ConsensusResult",
    "Corpus",
    "DataError",
    "DegenerateDataWarning",
    "DoccanoImport",
    "Document",
    "InputFileError",
    "LabelStudioImport",
    "Level",
    "OffsetUnit",
    "OverlapRule",
    "Problem",
    "QdpxProject",
    "ReliabilityData",
    "ReliabilityReport",
    "Span",
    "SpanRule",
    "StatecodeError",
    "StatecodeWarning",
    "Statement",
    "UnitizingResult",
    "UnitizingVariant",
    "Variable",
    "__version__",
    "apply_adjudication",
    "brennan_prediger",
    "codebook_to_markdown",
    "codebook_to_text",
    "codebook_to_toml",
    "cohen_kappa",
    "compare_accounts",
    "consensus",
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
    "plot_accounts",
    "read_codebook",
    "read_codings",
    "read_corpus",
    "read_doccano",
    "read_labelstudio",
    "read_qdc",
    "read_qdpx",
    "read_spans",
    "read_unitizers",
    "reliability_report",
    "scott_pi",
    "segment",
    "shipped_codebooks",
    "spans_to_codings",
    "unit_disagreement",
    "unitizing_alpha",
    "utf16_to_codepoints",
    "write_codebook",
    "write_codings",
    "write_corpus",
    "write_qdc",
    "write_qdpx",
    "write_spans",
    "write_unitizers",
]
