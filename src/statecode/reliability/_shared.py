"""What the coefficients of one variable share: its rated units and per-unit counts.

Every agreement coefficient starts from the same intermediates of the reliability data:
the units some coder rated, the coders x categories count of every unit, the values per
unit, and the observed agreement of every unit under each weight matrix (Fleiss, Conger,
Brennan-Prediger and AC1 read the same one). Outside :func:`sharing` each call makes its
own (nothing is kept once it returns); inside it (the report, one variable at a time) they
are made once per
:class:`~statecode.ReliabilityData` and every coefficient reads them, and they are let go
when the block ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import numpy as np
from numpy.typing import NDArray

from statecode.reliability import _agreement_kernels as ak
from statecode.table import ReliabilityData

__all__ = ["Shared", "shared", "sharing"]

_ACTIVE: ContextVar[dict[int, Shared] | None] = ContextVar("statecode_shared", default=None)


class Shared:
    """The intermediates of one ReliabilityData, each made on first use."""

    def __init__(self, rel: ReliabilityData) -> None:
        self.rel = rel  # held, so that its id is not reused while shared
        codes = rel.codes
        rated = (codes >= 0).any(axis=0)
        #: units no coder rated, left out of the codes below
        self.dropped_empty = int(rated.size - np.count_nonzero(rated))
        #: the codes of the units some coder rated
        self.codes: NDArray[np.int32] = codes[:, rated] if self.dropped_empty else codes
        self._counts: dict[int, NDArray[np.float64]] = {}
        self._values: NDArray[np.intp] | None = None
        self._observed: dict[tuple[int, bytes], ak.Observed] = {}

    def counts(self, n_categories: int) -> NDArray[np.float64]:
        """:math:`r_{ik}`: coders per rated unit and category."""
        found = self._counts.get(n_categories)
        if found is None:
            found = self._counts[n_categories] = ak.category_counts(self.codes, n_categories)
        return found

    def observed(self, n_categories: int, weights: NDArray[np.float64]) -> ak.Observed:
        """The observed agreement of every rated unit under ``weights`` (q x q)."""
        key = (n_categories, np.ascontiguousarray(weights, dtype=np.float64).tobytes())
        found = self._observed.get(key)
        if found is None:
            found = self._observed[key] = ak.observed(self.counts(n_categories), weights)
        return found

    def values_per_unit(self) -> NDArray[np.intp]:
        """How many coders rated each rated unit."""
        if self._values is None:
            self._values = (self.codes >= 0).sum(axis=0)
        return self._values


def shared(rel: ReliabilityData) -> Shared:
    """The intermediates of ``rel``: those made before inside :func:`sharing`, else new ones."""
    active = _ACTIVE.get()
    if active is None:
        return Shared(rel)
    found = active.get(id(rel))
    if found is None or found.rel is not rel:
        found = active[id(rel)] = Shared(rel)
    return found


@contextlib.contextmanager
def sharing() -> Iterator[None]:
    """Within the block, coefficients of the same ReliabilityData share their intermediates."""
    token = _ACTIVE.set({})
    try:
        yield
    finally:
        _ACTIVE.reset(token)
