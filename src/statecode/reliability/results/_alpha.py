"""The results of Krippendorff's alpha: the figures, the bootstrap, the tables behind them."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._values import finite, value_text
from statecode.exceptions import DataError
from statecode.reliability._kernels import coincidence_matrix, pairable_units, value_counts
from statecode.reliability.results._verdict import TENTATIVE, verdict_of
from statecode.table import ReliabilityData

__all__ = ["AlphaResult", "BootstrapResult", "CodedData", "MergedData"]

# a coincidence matrix beyond this many values is no longer something to look at
_MAX_COINCIDENCE_VALUES = 5000


@attrs.frozen
class BootstrapResult:
    """A bootstrap distribution of alpha and what is read off it.

    Attributes
    ----------
    replicates : numpy.ndarray
        The bootstrap values of alpha, in the order drawn; NaN marks replicates that were
        discarded (below -1 with Krippendorff's algorithm) or undefined (no variation).
    method : str
        ``"units"`` or ``"krippendorff"``.
    seed : int or None
        The seed the generator was created with.
    confidence : float
        Level of the percentile interval.
    ci : tuple of (low, high, level)
        Percentile interval of the defined replicates.
    se : float
        Standard deviation of the defined replicates.
    q : dict
        For each minimum acceptable alpha, the share of replicates below it: the probability
        of failing to reach it (Hayes & Krippendorff 2007).
    undefined : int
        How many replicates were discarded or undefined.
    """

    replicates: NDArray[np.float64] = attrs.field(eq=False, repr=False)
    method: str
    seed: int | None
    confidence: float
    ci: tuple[float, float, float]
    se: float
    q: Mapping[float, float]
    undefined: int

    @classmethod
    def from_replicates(
        cls,
        replicates: NDArray[np.float64],
        *,
        method: str,
        seed: int | None,
        confidence: float,
        alpha_min: tuple[float, ...],
    ) -> BootstrapResult:
        """Summarise bootstrap replicates: percentile interval, standard error, q."""
        defined = replicates[~np.isnan(replicates)]
        tail = (1.0 - confidence) / 2.0
        if defined.size:
            low, high = np.quantile(defined, [tail, 1.0 - tail])
            se = float(defined.std(ddof=1)) if defined.size > 1 else math.nan
            q = {a: float(np.mean(defined < a)) for a in alpha_min}
        else:
            low = high = se = math.nan
            q = dict.fromkeys(alpha_min, math.nan)
        return cls(
            replicates=replicates,
            method=method,
            seed=seed,
            confidence=confidence,
            ci=(float(low), float(high), confidence),
            se=se,
            q=q,
            undefined=int(replicates.size - defined.size),
        )

    @property
    def size(self) -> int:
        """Number of replicates drawn."""
        return int(self.replicates.size)


@attrs.frozen(eq=False)
class CodedData:
    """The data behind a result, kept to derive tables on request."""

    data: ReliabilityData = attrs.field(repr=False)
    delta: Callable[[NDArray[np.intp], NDArray[np.intp]], NDArray[np.float64]] = attrs.field(
        repr=False
    )

    @property
    def codes(self) -> NDArray[np.int32]:
        return self.data.codes

    @property
    def labels(self) -> tuple[Any, ...]:
        return self.data.labels


@attrs.frozen(eq=False)
class MergedData:
    """The tables behind a result computed from merged statistics: no codes, the sums."""

    labels: tuple[Any, ...]
    matrix: NDArray[np.float64] = attrs.field(repr=False)
    n_c: NDArray[np.float64] = attrs.field(repr=False)
    delta_matrix: NDArray[np.float64] = attrs.field(repr=False)

    @property
    def n_values(self) -> int:
        return len(self.labels)


@attrs.frozen(eq=False)
class AlphaResult:
    r"""Krippendorff's alpha with everything a reader needs to check it.

    Attributes
    ----------
    alpha : float
        :math:`\alpha = 1 - D_o / D_e`; NaN when undefined (see ``reason``).
    observed_disagreement, expected_disagreement : float
        :math:`D_o` and :math:`D_e`.
    level : str
        The difference function: ``nominal``, ``ordinal``, ``interval``, ``ratio``,
        ``circular``, ``bipolar``, or ``custom`` (a distance function of the user's).
    distance : str or None
        For set-valued (multi-label) data: ``masi`` or ``jaccard``.
    units : int
        Units in the data; ``pairable_units`` of them hold two or more values.
    coders : int
        Coders in the data.
    pairable_values : int
        :math:`n`, the values in pairable units; the only ones alpha uses.
    values : tuple
        The value domain, in order (the codes, numbers or sets of codes).
    reason : str or None
        Why alpha is undefined, when it is.
    bootstrap : BootstrapResult or None
        The bootstrap distribution, when one was drawn.
    variable : str or None
        The variable, when known.
    """

    alpha: float
    observed_disagreement: float
    expected_disagreement: float
    level: str
    units: int
    pairable_units: int
    coders: int
    pairable_values: int
    reason: str | None = None
    bootstrap: BootstrapResult | None = None
    variable: str | None = None
    distance: str | None = None
    _coded: CodedData | MergedData | None = attrs.field(default=None, repr=False, alias="coded")

    def __repr__(self) -> str:
        interval = f", {self.ci[2]:.0%} CI [{self.ci[0]:.3f}, {self.ci[1]:.3f}]" if self.ci else ""
        level = f"{self.level} ({self.distance})" if self.distance else self.level
        return (
            f"<AlphaResult {self.variable or 'alpha'}: alpha={self.alpha:.3f}{interval}, {level}, "
            f"{self.pairable_units} units, {self.coders} coders, {self.verdict}>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    @property
    def values(self) -> tuple[Any, ...]:
        """The value domain, in order (the codes, numbers or sets of codes)."""
        return self._coded.labels if self._coded is not None else ()

    @property
    def ci(self) -> tuple[float, float, float] | None:
        """The bootstrap percentile interval ``(low, high, level)``, or None."""
        return self.bootstrap.ci if self.bootstrap else None

    @property
    def se(self) -> float | None:
        """The bootstrap standard error, or None."""
        return self.bootstrap.se if self.bootstrap else None

    @property
    def q(self) -> Mapping[float, float] | None:
        """``{alpha_min: P(alpha < alpha_min)}`` from the bootstrap, or None."""
        return self.bootstrap.q if self.bootstrap else None

    def __float__(self) -> float:
        """Alpha itself, as the ``krippendorff`` package's ``alpha()`` returns it."""
        return float(self.alpha)

    @property
    def risk(self) -> float | None:
        """P(alpha < .667): the share of defined bootstrap replicates below .667, or None."""
        if self.bootstrap is None:
            return None
        defined = self.bootstrap.replicates[~np.isnan(self.bootstrap.replicates)]
        return float(np.mean(defined < TENTATIVE)) if defined.size else math.nan

    @property
    def verdict(self) -> str:
        """Krippendorff's reading, using the bootstrap when there is one.

        ``reliable`` (>= .800), ``tentative`` (.667 to .800), ``unreliable`` (below .667),
        ``undefined`` (NaN); with a bootstrap, ``insufficient data`` when
        P(alpha < .667) > .05 (see :func:`~statecode.reliability.results.verdict_of`).
        """
        return verdict_of(self.alpha, self.risk)

    def _coded_data(self) -> CodedData:
        if isinstance(self._coded, MergedData):
            msg = (
                "this result was computed from merged statistics (a lazy, sparse or "
                "distributed input) and carries no coders x units codes; per-coder and "
                "per-unit diagnostics need the data in memory as an array or DataFrame"
            )
            raise DataError(msg)
        if self._coded is None:
            msg = "this result carries no coded data to derive tables from"
            raise DataError(msg)
        return self._coded

    def _tabulable(self) -> CodedData | MergedData:
        coded = self._coded if isinstance(self._coded, MergedData) else self._coded_data()
        n_values = coded.n_values if isinstance(coded, MergedData) else coded.data.n_values
        if n_values > _MAX_COINCIDENCE_VALUES:
            msg = (
                f"the data hold {n_values:,} distinct values; a coincidence "
                f"table of that size is not shown (limit {_MAX_COINCIDENCE_VALUES:,}): bin the "
                "values first"
            )
            raise DataError(msg)
        return coded

    @functools.cached_property
    def _matrices(
        self,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        coded = self._tabulable()
        size = len(coded.labels)
        if isinstance(coded, MergedData):
            observed, n_c, delta = coded.matrix, coded.n_c, coded.delta_matrix
        else:
            observed = coincidence_matrix(coded.codes, size)
            # n_c counted, not summed from the matrix, so the counts are exact integers
            n_c = value_counts(coded.codes, size, pairable_units(coded.codes >= 0)[1])
            index = np.arange(size, dtype=np.intp)
            delta = coded.delta(index[:, None], index[None, :])
        n = n_c.sum()
        expected = (np.outer(n_c, n_c) - np.diag(n_c)) / (n - 1) if n > 1 else observed * np.nan
        return observed, expected, delta, n_c

    def _labelled(self, matrix: NDArray[np.float64]) -> pl.DataFrame:
        names = [value_text(v) for v in self._tabulable().labels]
        columns: dict[str, Any] = {"value": names}
        columns.update({name: matrix[:, i] for i, name in enumerate(names)})
        return pl.DataFrame(columns, strict=False)

    @property
    def coincidences(self) -> pl.DataFrame:
        r"""The coincidence matrix :math:`o_{ck}`: a ``value`` column, then one per value."""
        return self._labelled(self._matrices[0])

    @property
    def expected_coincidences(self) -> pl.DataFrame:
        r"""Expected coincidences :math:`e_{ck} = n_c (n_k - [c=k]) / (n - 1)`."""
        return self._labelled(self._matrices[1])

    def per_category(self) -> pl.DataFrame:
        r"""Per value: its frequency, its alpha against all other values, and its confusions.

        Columns: ``value``; ``n`` (:math:`n_c`, pairable); ``alpha`` of the binary variable
        "this value or another", :math:`1 - (n-1)(n_c - o_{cc}) / (n_c (n - n_c))`;
        ``share_of_disagreement``, the value's share of :math:`\sum o_{ck}\delta^2_{ck}`
        (row sums, adding up to 1); ``most_confused_with``, the other value it coincides with
        most often, and ``confusions``, how often (:math:`o_{ck}`).
        """
        observed, _, delta, n_c = self._matrices
        labels = [value_text(v) for v in self._tabulable().labels]
        n = n_c.sum()
        agree = np.diag(observed)
        with np.errstate(divide="ignore", invalid="ignore"):
            binary = 1.0 - (n - 1) * (n_c - agree) / (n_c * (n - n_c))
            weighted = (observed * delta).sum(axis=1)
            share = weighted / weighted.sum()
        off = observed.copy()
        np.fill_diagonal(off, -1.0)
        partner = off.argmax(axis=1) if len(labels) > 1 else np.zeros(len(labels), dtype=int)
        confusions = off[np.arange(len(labels)), partner] if len(labels) > 1 else np.zeros(1)
        has_partner = confusions > 0
        return pl.DataFrame(
            {
                "value": labels,
                "n": n_c.astype(np.int64),
                "alpha": binary,
                "share_of_disagreement": share,
                "most_confused_with": [
                    labels[p] if ok else None for p, ok in zip(partner, has_partner, strict=True)
                ],
                "confusions": np.where(has_partner, confusions, 0.0),
            },
            strict=False,
        ).with_columns(pl.col("alpha", "share_of_disagreement").fill_nan(None))

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (the CLI's JSON object), NaN as None."""
        out: dict[str, Any] = {
            "variable": self.variable,
            "level": self.level,
            "distance": self.distance,
            "alpha": finite(self.alpha),
            "observed_disagreement": finite(self.observed_disagreement),
            "expected_disagreement": finite(self.expected_disagreement),
            "units": self.units,
            "pairable_units": self.pairable_units,
            "coders": self.coders,
            "pairable_values": self.pairable_values,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        boot = self.bootstrap
        if boot is not None:
            out.update(
                {
                    "ci_low": finite(boot.ci[0]),
                    "ci_high": finite(boot.ci[1]),
                    "ci_level": boot.ci[2],
                    "se": finite(boot.se),
                    "bootstrap": boot.size,
                    "method": boot.method,
                    "seed": boot.seed,
                    "q": {_key(a): finite(p) for a, p in boot.q.items()},
                    "undefined_replicates": boot.undefined,
                }
            )
        out["verdict"] = self.verdict
        return out


def _key(alpha_min: float) -> str:
    return f"{alpha_min:g}"
