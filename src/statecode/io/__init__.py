"""Reading and writing statecode's data: codebooks, codings, spans, corpora, other tools' files.

One module per format; REFI-QDA, the biggest, is a subpackage. Readers return the model
(:class:`~statecode.Codebook`, :class:`~statecode.CodingTable`, :class:`~statecode.Span`,
:class:`~statecode.Corpus`); no reader computes a statistic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statecode._lazy import lazy_names as _lazy_names

if TYPE_CHECKING:
    from statecode.io._annotations import utf16_to_codepoints
    from statecode.io._atomic import make_folder
    from statecode.io._atomic import write_text_atomic as write_text
    from statecode.io._brat import BratImport, read_brat
    from statecode.io._codebook import codebook_to_toml, read_codebook, write_codebook
    from statecode.io._codebook_formats import (
        codebook_from_frictionless,
        codebook_to_frictionless,
        codebook_to_json_schema,
        codebook_to_labelstudio,
    )
    from statecode.io._codings import read_codings
    from statecode.io._corpus import read_corpus, write_corpus
    from statecode.io._ddi import codebook_from_ddi, codebook_to_ddi
    from statecode.io._dna import DnaImport, read_dna
    from statecode.io._doccano import DoccanoImport, read_doccano
    from statecode.io._imports import ImportResult, import_codings, read_span_source
    from statecode.io._labelstudio import LabelStudioImport, read_labelstudio
    from statecode.io._qualcoder import QualCoderImport, read_qualcoder
    from statecode.io._scan import is_glob, scan_codings, scan_dask_codings
    from statecode.io._spans import (
        attach_statements,
        read_spans,
        read_unitizers,
        spans_to_frame,
        write_spans,
        write_unitizers,
    )
    from statecode.io._tabular import (
        DEFAULT_MISSING,
        read_table,
        write_codings,
        write_table,
    )
    from statecode.io._webanno_read import WebAnnoImport, read_webanno
    from statecode.io._xmi import XmiImport, read_xmi
    from statecode.io.refi import QdpxProject, read_qdc, read_qdpx, write_qdc, write_qdpx

__all__ = [
    "DEFAULT_MISSING",
    "BratImport",
    "DnaImport",
    "DoccanoImport",
    "ImportResult",
    "LabelStudioImport",
    "QdpxProject",
    "QualCoderImport",
    "WebAnnoImport",
    "XmiImport",
    "attach_statements",
    "codebook_from_ddi",
    "codebook_from_frictionless",
    "codebook_to_ddi",
    "codebook_to_frictionless",
    "codebook_to_json_schema",
    "codebook_to_labelstudio",
    "codebook_to_toml",
    "import_codings",
    "is_glob",
    "make_folder",
    "read_brat",
    "read_codebook",
    "read_codings",
    "read_corpus",
    "read_dna",
    "read_doccano",
    "read_labelstudio",
    "read_qdc",
    "read_qdpx",
    "read_qualcoder",
    "read_span_source",
    "read_spans",
    "read_table",
    "read_unitizers",
    "read_webanno",
    "read_xmi",
    "scan_codings",
    "scan_dask_codings",
    "spans_to_frame",
    "utf16_to_codepoints",
    "write_codebook",
    "write_codings",
    "write_corpus",
    "write_qdc",
    "write_qdpx",
    "write_spans",
    "write_table",
    "write_text",
    "write_unitizers",
]

#: Where each name lives, loaded on first use: reading a CSV file does not import the
#: readers of a dozen other tools (XML, SQLite, REFI-QDA), nor they one another.
_WHERE = {
    "BratImport": "statecode.io._brat",
    "DEFAULT_MISSING": "statecode.io._tabular",
    "DnaImport": "statecode.io._dna",
    "DoccanoImport": "statecode.io._doccano",
    "ImportResult": "statecode.io._imports",
    "LabelStudioImport": "statecode.io._labelstudio",
    "QdpxProject": "statecode.io.refi",
    "QualCoderImport": "statecode.io._qualcoder",
    "WebAnnoImport": "statecode.io._webanno_read",
    "XmiImport": "statecode.io._xmi",
    "attach_statements": "statecode.io._spans",
    "codebook_from_ddi": "statecode.io._ddi",
    "codebook_from_frictionless": "statecode.io._codebook_formats",
    "codebook_to_ddi": "statecode.io._ddi",
    "codebook_to_frictionless": "statecode.io._codebook_formats",
    "codebook_to_json_schema": "statecode.io._codebook_formats",
    "codebook_to_labelstudio": "statecode.io._codebook_formats",
    "codebook_to_toml": "statecode.io._codebook",
    "import_codings": "statecode.io._imports",
    "is_glob": "statecode.io._scan",
    "make_folder": "statecode.io._atomic",
    "read_brat": "statecode.io._brat",
    "read_codebook": "statecode.io._codebook",
    "read_codings": "statecode.io._codings",
    "read_corpus": "statecode.io._corpus",
    "read_dna": "statecode.io._dna",
    "read_doccano": "statecode.io._doccano",
    "read_labelstudio": "statecode.io._labelstudio",
    "read_qdc": "statecode.io.refi",
    "read_qdpx": "statecode.io.refi",
    "read_qualcoder": "statecode.io._qualcoder",
    "read_span_source": "statecode.io._imports",
    "read_spans": "statecode.io._spans",
    "read_table": "statecode.io._tabular",
    "read_unitizers": "statecode.io._spans",
    "read_webanno": "statecode.io._webanno_read",
    "read_xmi": "statecode.io._xmi",
    "scan_codings": "statecode.io._scan",
    "scan_dask_codings": "statecode.io._scan",
    "spans_to_frame": "statecode.io._spans",
    "utf16_to_codepoints": "statecode.io._annotations",
    "write_codebook": "statecode.io._codebook",
    "write_codings": "statecode.io._tabular",
    "write_corpus": "statecode.io._corpus",
    "write_qdc": "statecode.io.refi",
    "write_qdpx": "statecode.io.refi",
    "write_spans": "statecode.io._spans",
    "write_table": "statecode.io._tabular",
    "write_text": "statecode.io._atomic:write_text_atomic",
    "write_unitizers": "statecode.io._spans",
}

__getattr__, __dir__ = _lazy_names(__name__, _WHERE)
