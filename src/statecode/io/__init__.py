"""Reading and writing statecode's data: codebooks, codings, corpora."""

from statecode.io._codebook import (
    codebook_to_toml,
    read_codebook,
    shipped_codebooks,
    write_codebook,
)
from statecode.io._spans import read_spans, spans_to_frame, write_spans
from statecode.io._tabular import read_codings, read_table, write_codings

__all__ = [
    "codebook_to_toml",
    "read_codebook",
    "read_codings",
    "read_spans",
    "read_table",
    "shipped_codebooks",
    "spans_to_frame",
    "write_codebook",
    "write_codings",
    "write_spans",
]
