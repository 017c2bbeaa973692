"""Reading and writing statecode's data: codebooks, codings, corpora."""

from statecode.io._codebook import (
    codebook_to_toml,
    read_codebook,
    shipped_codebooks,
    write_codebook,
)

__all__ = ["codebook_to_toml", "read_codebook", "shipped_codebooks", "write_codebook"]
