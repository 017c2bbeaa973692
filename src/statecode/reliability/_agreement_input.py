"""What the agreement coefficients share: data prepared for the kernels, and the result.

Every coefficient besides alpha takes the same data as
:func:`~statecode.krippendorff_alpha` (a coders x units array-like, a long data frame, or a
CodingTable with ``variable=``); :class:`AgreementData` turns it into codes once, and
:func:`agreement_result` turns the kernel's figures into an
:class:`~statecode.AgreementResult` with the reason when it is undefined.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from statecode.exceptions import DataError, DegenerateDataWarning
from statecode.options import Weights, parse_option
from statecode.reliability import _agreement_kernels as ak
from statecode.reliability._input import chosen_variable, codebook_variable, reliability_data
from statecode.reliability._shared import Shared, shared
from statecode.reliability.results import AgreementResult
from statecode.table import CodingTable

__all__ = [
    "AgreementData",
    "WeightsArg",
    "agreement_result",
    "check_confidence",
    "empty_parts",
    "interval",
    "scores_for",
    "settled",
    "settled_result",
    "undefined_reason",
    "weight_matrix_for",
    "with_pair",
]

WeightsArg = Weights | str | NDArray[np.float64] | Sequence[Sequence[float]]


def scores_for(numbers: NDArray[np.floating] | None, q: int) -> NDArray[np.float64]:
    """The scores agreement weights are computed on: the values' numbers, else ranks 1..q."""
    if numbers is not None:
        return np.asarray(numbers, dtype=np.float64)
    return np.arange(1, q + 1, dtype=np.float64)


def weight_matrix_for(
    weights: WeightsArg, labels: Sequence[Any], scores: NDArray[np.float64]
) -> tuple[NDArray[np.float64], str]:
    """The q x q agreement weights named (on ``scores``) or given, and their kind.

    Raises
    ------
    DataError
        For a custom matrix that is not q x q.
    """
    if isinstance(weights, str | Weights):
        kind = parse_option(Weights, weights, "weights")
        return ak.weight_matrix(kind.value, scores), kind.value
    q = len(labels)
    matrix = np.asarray(weights, dtype=np.float64)
    if matrix.shape != (q, q):
        msg = (
            f"a custom weight matrix must be {q} x {q} (one row and column per "
            f"category: {', '.join(map(str, labels))}), got shape {matrix.shape}"
        )
        raise DataError(msg)
    return matrix, "custom"


class AgreementData:
    """Reliability data prepared for the agreement kernels."""

    def __init__(
        self,
        data: Any,
        variable: str | None,
        unit: str,
        coder: str,
        value: str,
        domain: Sequence[Any] | None,
        *,
        sets: bool = False,
    ) -> None:
        if isinstance(data, CodingTable):
            variable = chosen_variable(data, variable)  # a table of one variable needs no name
        var = codebook_variable(data, variable)
        if var is not None and var.multi_label and not sets:
            msg = (
                f"{variable!r} is multi-label (sets of codes); kappa-type coefficients need one "
                "code per unit: use krippendorff_alpha with distance='masi' or 'jaccard' "
                "(statecode alpha --distance masi), or leave this variable out"
            )
            raise DataError(msg)
        rel = reliability_data(
            data, variable=variable, unit=unit, coder=coder, value=value, domain=domain
        )
        self.variable = variable
        self.rel = rel
        self.labels = rel.labels
        self._shared: Shared | None = shared(rel)
        self.dropped_empty = self._shared.dropped_empty
        self.codes = self._shared.codes
        self.q = len(self.labels)
        self.scores = scores_for(rel.numbers, self.q)

    @property
    def coders(self) -> int:
        return int(self.codes.shape[0])

    def counts(self) -> NDArray[np.float64]:
        """:math:`r_{ik}`: coders per unit and category (shared inside ``sharing()``)."""
        if self._shared is None:
            return ak.category_counts(self.codes, self.q)
        return self._shared.counts(self.q)

    def observed(self, weights: NDArray[np.float64]) -> ak.Observed:
        """The observed agreement of every unit under ``weights`` (shared inside ``sharing()``)."""
        if self._shared is None:
            return ak.observed(self.counts(), weights)
        return self._shared.observed(self.q, weights)

    def values_per_unit(self) -> NDArray[np.intp]:
        """How many coders rated each unit (shared inside ``sharing()``)."""
        if self._shared is None:
            return np.asarray((self.codes >= 0).sum(axis=0), dtype=np.intp)
        return self._shared.values_per_unit()

    def weights(self, weights: WeightsArg) -> tuple[NDArray[np.float64], str]:
        return weight_matrix_for(weights, self.labels, self.scores)

    def pair(self, coders: Sequence[str] | None, name: str) -> tuple[NDArray[np.int32], int]:
        """The codes of two coders on the units both rated, and how many units were dropped."""
        ids = list(self.rel.coders)
        if coders is None:
            if len(ids) != 2:
                shown = ", ".join(ids[:10])
                msg = (
                    f"{name} compares two coders, and the data have {len(ids)} ({shown}); "
                    f"choose two with coders=({', '.join(ids[:2])}), or use Fleiss' kappa or "
                    "Krippendorff's alpha, which take any number of coders"
                )
                raise DataError(msg)
            rows = [0, 1]
        else:
            missing = [c for c in coders if c not in ids]
            if len(coders) != 2 or missing:
                msg = f"coders= must name two coders of the data ({', '.join(ids[:10])})"
                raise DataError(msg)
            rows = [ids.index(c) for c in coders]
        full = self.rel.codes[rows]
        both = (full >= 0).all(axis=0)
        return full[:, both], int((~both).sum())


def interval(
    value: float, se: float, confidence: float, df: int | None
) -> tuple[float, float, float] | None:
    if math.isnan(value) or math.isnan(se):
        return None
    # scipy.special: what scipy.stats.norm.ppf and t.ppf compute, without the ~1 s import
    from scipy import special  # noqa: PLC0415 - a heavy extra, imported when used

    q = 0.5 + confidence / 2
    quantile = special.ndtri(q) if df is None else special.stdtrit(df, q)
    return (float(value - quantile * se), float(min(1.0, value + quantile * se)), confidence)


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        msg = f"confidence={confidence} must lie strictly between 0 and 1, e.g. 0.95"
        raise DataError(msg)


def undefined_reason(coders: int, units: int, chance: float) -> str | None:
    if coders < 2:
        return f"only {coders} coder(s); agreement needs two or more"
    if units == 0:
        return "no unit was rated by two or more coders"
    if not chance < 1:
        return "no variation: chance agreement is 1, so the coefficient is 0/0"
    return None


def settled(
    name: str, parts: ak.Parts, coders: int, units_with_pairs: int
) -> tuple[float, float, str | None]:
    """The value, standard error and reason of a coefficient (NaN, with a warning, if undefined)."""
    reason = undefined_reason(coders, units_with_pairs, parts.chance)
    if reason:
        # (settled <- settled_result <- the caller's result function <- its caller)
        warnings.warn(f"{name} is undefined: {reason}", DegenerateDataWarning, stacklevel=5)
        return float("nan"), float("nan"), reason
    # rounding can leave a zero variance a hair below 0
    variance = max(parts.variance, 0.0) if parts.variance > -1e-12 else float("nan")
    return parts.value, math.sqrt(variance), None


def agreement_result(
    name: str,
    prepared: AgreementData,
    parts: ak.Parts,
    *,
    weights: str,
    dropped: int,
    confidence: float,
    method: str,
    missing: str,
    df: int | None,
    per_category: dict[Any, float] | None = None,
) -> AgreementResult:
    units_with_pairs = (
        parts.units
        if name in ("cohen_kappa", "scott_pi")
        else int(np.count_nonzero(prepared.values_per_unit() >= 2))
    )
    return settled_result(
        name, parts, coders=prepared.coders, labels=prepared.labels,
        variable=prepared.variable, units_with_pairs=units_with_pairs, weights=weights,
        dropped=dropped, confidence=confidence, method=method, missing=missing, df=df,
        per_category=per_category,
    )  # fmt: skip


def settled_result(
    name: str,
    parts: ak.Parts,
    *,
    coders: int,
    labels: tuple[Any, ...],
    variable: str | None,
    units_with_pairs: int,
    weights: str,
    dropped: int,
    confidence: float,
    method: str,
    missing: str,
    df: int | None,
    per_category: dict[Any, float] | None = None,
) -> AgreementResult:
    """The AgreementResult of a coefficient's parts: settled (:func:`settled`), its interval."""
    value, se, reason = settled(name, parts, coders, units_with_pairs)
    return AgreementResult(
        coefficient=name,
        value=value,
        observed_agreement=parts.observed,
        chance_agreement=parts.chance,
        units=parts.units,
        units_dropped=dropped,
        coders=coders,
        categories=labels,
        weights=weights,
        se=se,
        ci=interval(value, se, confidence, df),
        method=method,
        missing=missing,
        per_category=per_category,
        reason=reason,
        variable=variable,
    )


def empty_parts() -> ak.Parts:
    nan = float("nan")
    return ak.Parts(nan, nan, nan, nan, 0)


def with_pair(prepared: AgreementData, pair: NDArray[np.int32]) -> AgreementData:
    clone = object.__new__(AgreementData)
    clone.__dict__.update(prepared.__dict__)
    clone.codes = pair
    clone._shared = None  # the intermediates are of all coders' codes
    return clone
