"""The three bootstraps of alpha from merged statistics: Poisson, units and Krippendorff's.

With a finite value domain, :class:`~statecode.AlphaStatistics` keeps the *patterns* of its
units (each distinct row of per-unit value counts, with the number of units holding it), and
every bootstrap of alpha needs no more:

- ``poisson``: pattern :math:`p` weighs Poisson(:math:`N_p`) in each replicate
  (:func:`statecode.reliability._poisson.pattern_replicates`);
- ``units``: a resample of :math:`N` units draws pattern :math:`p` a
  Multinomial(:math:`N`, :math:`N_p/N`) number of times, the distribution of the in-memory
  unit bootstrap (not its random numbers, which follow the units' order);
- ``krippendorff``: the distribution of pair differences and of unit sizes, counted from the
  patterns: the same arrays as from the codes, hence the same replicates as in memory for
  the same seed.

Continuous interval data (moments, no domain) carry their Poisson replicate sums instead,
and take ``poisson`` only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from statecode.options import BootstrapMethod
from statecode.reliability import _bootstrap, _poisson
from statecode.reliability._kernels import AlphaParts

__all__ = ["merged_replicates"]


def merged_replicates(
    method: BootstrapMethod,
    *,
    replicates: int,
    seed: int | None,
    patterns: _poisson.Patterns | None,
    sums: _poisson.ReplicateSums | None,
    ordinal: bool,
    delta: NDArray[np.float64] | None,
    parts: AlphaParts,
) -> NDArray[np.float64]:
    """The replicate alphas of ``method`` (NaN where a replicate has no variation)."""
    if method is BootstrapMethod.POISSON or patterns is None:
        fixed = None if ordinal else delta
        if patterns is not None and seed is not None:
            sums = _poisson.pattern_replicates(patterns, replicates, seed, fixed)
        if sums is None:  # pragma: no cover - from_frame carries one or the other
            msg = "no replicate sums to score"
            raise TypeError(msg)
        return _poisson.replicate_alphas(sums, fixed)
    rng = np.random.default_rng(seed)
    pairable = patterns.counts.sum(axis=1) >= 2
    counts, held = patterns.counts[pairable], patterns.units[pairable]
    size = counts.shape[1]
    if method is BootstrapMethod.UNITS:
        difference = np.zeros((size, size)) if ordinal or delta is None else delta
        stats = _bootstrap.pattern_statistics(counts, difference, ordinal=ordinal)
        return _bootstrap.pattern_unit_replicates(stats, held, replicates=replicates, rng=rng)
    if delta is None:  # pragma: no cover - every level with a domain has its differences
        msg = "Krippendorff's bootstrap needs the differences of the domain"
        raise TypeError(msg)
    return _bootstrap.distribution_replicates(
        _bootstrap.pattern_pair_distribution(counts, held, delta),
        n=parts.n,
        expected_disagreement=parts.expected_disagreement,
        replicates=replicates,
        rng=rng,
    )
