"""The provenance of a set of results: the coding table's file, codebook and bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statecode._provenance import Provenance, SourceFile
from statecode.reliability.results import AlphaResult
from statecode.table import CodingTable

__all__ = ["provenance_of"]


def provenance_of(
    table: CodingTable | None,
    *,
    coefficients: Sequence[str],
    alphas: Sequence[AlphaResult] = (),
    inputs: Sequence[SourceFile | str | None] = (),
) -> Provenance:
    """What results from ``table`` were computed from and how, as a report states it.

    Parameters
    ----------
    table : CodingTable or None
        The codings: their file (with its SHA-256, when it is unchanged since it was read)
        and codebook; None for data streamed from files (name them in ``inputs``).
    coefficients : sequence of str
        The coefficients reported.
    alphas : sequence of AlphaResult
        The alphas, whose bootstrap (method, replicates, seed, interval, undefined
        replicates) the provenance states.
    inputs : sequence of SourceFile or str
        Further inputs (a corpus, a decisions sheet).

    Returns
    -------
    Provenance
    """
    source: SourceFile | str | None = None if table is None else table.origin or table.source
    booted = [a.bootstrap for a in alphas if a.bootstrap is not None]
    bootstrap: dict[str, Any] | None = None
    if booted:
        first = booted[0]
        bootstrap = {
            "method": first.method,
            "replicates": first.size,
            "seed": first.seed,
            "confidence": first.confidence,
            "undefined": sum(b.undefined for b in booted),
        }
    codebook = None
    if table is not None and table.codebook is not None:
        codebook = (table.codebook.name, table.codebook.version or "")
    return Provenance.now(
        inputs=[source, *inputs],
        codebook=codebook,
        coefficients=coefficients,
        bootstrap=bootstrap,
    )
