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
from statecode.codebook import Category, Codebook, Level, Variable
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
    codebook_to_toml,
    read_codebook,
    read_codings,
    read_spans,
    shipped_codebooks,
    write_codebook,
    write_codings,
    write_spans,
)
from statecode.model import Coder, Coding, Corpus, Document, Span, Statement
from statecode.reliability import (
    AgreementResult,
    AlphaResult,
    BootstrapResult,
    ReliabilityReport,
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
)
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
    "Corpus",
    "DataError",
    "DegenerateDataWarning",
    "Document",
    "InputFileError",
    "Level",
    "Problem",
    "ReliabilityData",
    "ReliabilityReport",
    "Span",
    "StatecodeError",
    "StatecodeWarning",
    "Statement",
    "Variable",
    "__version__",
    "brennan_prediger",
    "codebook_to_markdown",
    "codebook_to_text",
    "codebook_to_toml",
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
    "read_codebook",
    "read_codings",
    "read_spans",
    "reliability_report",
    "scott_pi",
    "shipped_codebooks",
    "unit_disagreement",
    "write_codebook",
    "write_codings",
    "write_spans",
]
