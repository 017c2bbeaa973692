"""Reading and writing statecode's data: codebooks, codings, corpora."""

from statecode.io._codebook import (
    codebook_to_toml,
    read_codebook,
    shipped_codebooks,
    write_codebook,
)
from statecode.io._corpus import read_corpus, write_corpus
from statecode.io._doccano import DoccanoImport, read_doccano
from statecode.io._labelstudio import LabelStudioImport, read_labelstudio
from statecode.io._offsets import utf16_to_codepoints
from statecode.io._refi import (
    QdpxProject,
    SpanRule,
    read_qdc,
    read_qdpx,
    spans_to_codings,
    write_qdc,
    write_qdpx,
)
from statecode.io._spans import (
    read_spans,
    read_unitizers,
    spans_to_frame,
    write_spans,
    write_unitizers,
)
from statecode.io._tabular import read_codings, read_table, write_codings

__all__ = [
    "DoccanoImport",
    "LabelStudioImport",
    "QdpxProject",
    "SpanRule",
    "codebook_to_toml",
    "read_codebook",
    "read_codings",
    "read_corpus",
    "read_doccano",
    "read_labelstudio",
    "read_qdc",
    "read_qdpx",
    "read_spans",
    "read_table",
    "read_unitizers",
    "shipped_codebooks",
    "spans_to_codings",
    "spans_to_frame",
    "utf16_to_codepoints",
    "write_codebook",
    "write_codings",
    "write_corpus",
    "write_qdc",
    "write_qdpx",
    "write_spans",
    "write_unitizers",
]
