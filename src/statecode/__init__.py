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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from statecode.exceptions import (
    CodebookError,
    DataError,
    DataTypeError,
    DegenerateDataWarning,
    InputFileError,
    MissingExtraError,
    MissingLookalikeWarning,
    NearDuplicateValuesWarning,
    OptionError,
    Problem,
    StatecodeError,
    StatecodeWarning,
)
from statecode.options import (
    Level,
    OffsetUnit,
    OverlapRule,
    SpanRule,
    UnitizingVariant,
)

if TYPE_CHECKING:
    from statecode._consensus import (
        ConsensusResult,
        apply_adjudication,
        consensus,
    )
    from statecode._segment import (
        segment,
    )
    from statecode.codebook import (
        Category,
        Codebook,
        Variable,
        shipped_codebooks,
    )
    from statecode.compare import (
        Comparison,
        compare_accounts,
    )
    from statecode.io import (
        DoccanoImport,
        ImportResult,
        LabelStudioImport,
        QdpxProject,
        codebook_to_toml,
        import_codings,
        read_codebook,
        read_codings,
        read_corpus,
        read_doccano,
        read_labelstudio,
        read_qdc,
        read_qdpx,
        read_span_source,
        read_spans,
        read_table,
        read_unitizers,
        spans_to_frame,
        utf16_to_codepoints,
        write_codebook,
        write_codings,
        write_corpus,
        write_qdc,
        write_qdpx,
        write_spans,
        write_table,
        write_unitizers,
    )
    from statecode.model import (
        Coder,
        Coding,
        Corpus,
        Document,
        Span,
        Statement,
    )
    from statecode.reliability import (
        AgreementResult,
        AlphaResult,
        BootstrapResult,
        ReliabilityReport,
        UnitizingResult,
        agreement_coefficients,
        brennan_prediger,
        coder_diagnostics,
        cohen_kappa,
        fleiss_kappa,
        gwet_ac1,
        gwet_ac2,
        holsti,
        jaccard_distance,
        krippendorff_alpha,
        krippendorff_alphas,
        leave_one_coder_out,
        masi_distance,
        pairwise_agreement,
        percent_agreement,
        reliability_report,
        scott_pi,
        unit_disagreement,
        unitizing_alpha,
    )
    from statecode.render import (
        codebook_to_markdown,
        codebook_to_text,
        plot_accounts,
    )
    from statecode.spans import (
        spans_to_codings,
    )
    from statecode.table import (
        CodingTable,
        ReliabilityData,
    )

__version__ = "0.1.0.dev0"

#: Where each public name lives; loaded on first use, so ``import statecode`` stays as
#: fast as importing polars (and the command line's ``--help`` faster still).
_LAZY = {
    "AgreementResult": "statecode.reliability",
    "AlphaResult": "statecode.reliability",
    "BootstrapResult": "statecode.reliability",
    "Category": "statecode.codebook",
    "Codebook": "statecode.codebook",
    "Coder": "statecode.model",
    "Coding": "statecode.model",
    "CodingTable": "statecode.table",
    "Comparison": "statecode.compare",
    "ConsensusResult": "statecode._consensus",
    "Corpus": "statecode.model",
    "DoccanoImport": "statecode.io",
    "Document": "statecode.model",
    "ImportResult": "statecode.io",
    "LabelStudioImport": "statecode.io",
    "QdpxProject": "statecode.io",
    "ReliabilityData": "statecode.table",
    "ReliabilityReport": "statecode.reliability",
    "Span": "statecode.model",
    "Statement": "statecode.model",
    "UnitizingResult": "statecode.reliability",
    "Variable": "statecode.codebook",
    "agreement_coefficients": "statecode.reliability",
    "apply_adjudication": "statecode._consensus",
    "brennan_prediger": "statecode.reliability",
    "codebook_to_markdown": "statecode.render",
    "codebook_to_text": "statecode.render",
    "codebook_to_toml": "statecode.io",
    "coder_diagnostics": "statecode.reliability",
    "cohen_kappa": "statecode.reliability",
    "compare_accounts": "statecode.compare",
    "consensus": "statecode._consensus",
    "fleiss_kappa": "statecode.reliability",
    "gwet_ac1": "statecode.reliability",
    "gwet_ac2": "statecode.reliability",
    "holsti": "statecode.reliability",
    "import_codings": "statecode.io",
    "jaccard_distance": "statecode.reliability",
    "krippendorff_alpha": "statecode.reliability",
    "krippendorff_alphas": "statecode.reliability",
    "leave_one_coder_out": "statecode.reliability",
    "masi_distance": "statecode.reliability",
    "pairwise_agreement": "statecode.reliability",
    "percent_agreement": "statecode.reliability",
    "plot_accounts": "statecode.render",
    "read_codebook": "statecode.io",
    "read_codings": "statecode.io",
    "read_corpus": "statecode.io",
    "read_doccano": "statecode.io",
    "read_labelstudio": "statecode.io",
    "read_qdc": "statecode.io",
    "read_qdpx": "statecode.io",
    "read_span_source": "statecode.io",
    "read_spans": "statecode.io",
    "read_table": "statecode.io",
    "read_unitizers": "statecode.io",
    "reliability_report": "statecode.reliability",
    "scott_pi": "statecode.reliability",
    "segment": "statecode._segment",
    "shipped_codebooks": "statecode.codebook",
    "spans_to_codings": "statecode.spans",
    "spans_to_frame": "statecode.io",
    "unit_disagreement": "statecode.reliability",
    "unitizing_alpha": "statecode.reliability",
    "utf16_to_codepoints": "statecode.io",
    "write_codebook": "statecode.io",
    "write_codings": "statecode.io",
    "write_corpus": "statecode.io",
    "write_qdc": "statecode.io",
    "write_qdpx": "statecode.io",
    "write_spans": "statecode.io",
    "write_table": "statecode.io",
    "write_unitizers": "statecode.io",
}

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
    "DataTypeError",
    "DegenerateDataWarning",
    "DoccanoImport",
    "Document",
    "ImportResult",
    "InputFileError",
    "LabelStudioImport",
    "Level",
    "MissingExtraError",
    "MissingLookalikeWarning",
    "NearDuplicateValuesWarning",
    "OffsetUnit",
    "OptionError",
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
    "agreement_coefficients",
    "apply_adjudication",
    "brennan_prediger",
    "codebook_to_markdown",
    "codebook_to_text",
    "codebook_to_toml",
    "coder_diagnostics",
    "cohen_kappa",
    "compare_accounts",
    "consensus",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "holsti",
    "import_codings",
    "jaccard_distance",
    "krippendorff_alpha",
    "krippendorff_alphas",
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
    "read_span_source",
    "read_spans",
    "read_table",
    "read_unitizers",
    "reliability_report",
    "scott_pi",
    "segment",
    "shipped_codebooks",
    "spans_to_codings",
    "spans_to_frame",
    "unit_disagreement",
    "unitizing_alpha",
    "utf16_to_codepoints",
    "write_codebook",
    "write_codings",
    "write_corpus",
    "write_qdc",
    "write_qdpx",
    "write_spans",
    "write_table",
    "write_unitizers",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'statecode' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
