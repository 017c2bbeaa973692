"""Coder and unit diagnostics: who and what causes the disagreement.

Every function takes the data forms and the keyword options of
:func:`~statecode.krippendorff_alpha` and returns a polars DataFrame.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import polars as pl

from statecode._values import finite, value_text
from statecode.exceptions import DegenerateDataWarning
from statecode.options import CoefficientName, parse_option
from statecode.reliability import _agreement
from statecode.reliability._alpha import krippendorff_alpha
from statecode.table import ReliabilityData

__all__ = ["leave_one_coder_out", "pairwise_agreement", "unit_disagreement"]

_INPUT_KEYS = ("variable", "unit", "coder", "value", "domain")


def _prepare(data: Any, options: dict[str, Any]) -> tuple[ReliabilityData, dict[str, Any]]:
    """The data as ReliabilityData, and alpha's options with the level made explicit."""
    first = krippendorff_alpha_quiet(data, **options)
    rest = {k: v for k, v in options.items() if k not in _INPUT_KEYS}
    rest.setdefault("level", first.level if first.level != "custom" else None)
    if first.distance is not None:
        rest["distance"] = first.distance
    rest.pop("bootstrap", None)
    return first._coded_data().data, rest


def krippendorff_alpha_quiet(data: Any, **options: Any) -> Any:
    """Alpha without the degenerate-data warning (diagnostics report NaN in their tables)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return krippendorff_alpha(data, **options)


def leave_one_coder_out(data: Any, **options: Any) -> pl.DataFrame:
    """Alpha with each coder left out in turn, to find the coder who lowers it.

    Parameters
    ----------
    data : array-like, DataFrame or CodingTable
        As for :func:`~statecode.krippendorff_alpha`.
    **options
        Keyword options of :func:`~statecode.krippendorff_alpha` (``variable``, ``level``,
        ``domain``, ``distance`` ...).

    Returns
    -------
    polars.DataFrame
        One row per coder: ``coder``, ``alpha_without`` (alpha of the other coders),
        ``change`` (``alpha_without`` minus alpha of all coders: positive when the coder
        lowers agreement), ``values`` (the coder's values) and ``pairable_values`` left.
        Sorted by ``change``, largest first.

    Examples
    --------
    >>> data = [[1, 2, 3, 4], [1, 2, 3, 4], [4, 3, 2, 1]]
    >>> leave_one_coder_out(data)["coder"][0]
    '2'
    """
    everyone = krippendorff_alpha_quiet(data, **options)
    rel, rest = _prepare(data, options)
    rows = []
    valid = rel.valid()
    for i, name in enumerate(rel.coders):
        others = [j for j in range(len(rel.coders)) if j != i]
        result = krippendorff_alpha_quiet(rel.select_coders(others), **rest)
        rows.append(
            {
                "coder": name,
                "alpha_without": finite(result.alpha),
                "change": finite(result.alpha - everyone.alpha),
                "values": int(valid[i].sum()),
                "pairable_values": result.pairable_values,
            }
        )
    return pl.DataFrame(rows).sort("change", descending=True, nulls_last=True)


def pairwise_agreement(
    data: Any, *, coefficient: CoefficientName | str = CoefficientName.ALPHA, **options: Any
) -> pl.DataFrame:
    """A coder x coder matrix of one coefficient, each pair on the units both coded.

    Parameters
    ----------
    data : array-like, DataFrame or CodingTable
        As for :func:`~statecode.krippendorff_alpha`.
    coefficient : str
        ``alpha`` (default), ``percent``, ``holsti``, ``cohen``, ``scott``, ``fleiss``, ``bp``,
        ``ac1`` or ``ac2``.
    **options
        Keyword options of the coefficient (for alpha: ``level``, ``domain`` ...).

    Returns
    -------
    polars.DataFrame
        A ``coder`` column, then one column per coder; null on the diagonal and where a
        pair shares too few units or has no variation.

    Examples
    --------
    >>> m = pairwise_agreement([[1, 2, 3, 4], [1, 2, 3, 4], [4, 3, 2, 1]], coefficient="percent")
    >>> m.row(0)
    ('0', None, 1.0, 0.0)
    """
    chosen = parse_option(CoefficientName, coefficient, "coefficient")
    rel, rest = _prepare(data, {k: v for k, v in options.items() if k in _INPUT_KEYS})
    if chosen is CoefficientName.ALPHA:
        rest = {**rest, **{k: v for k, v in options.items() if k not in _INPUT_KEYS}}

        def score(pair: ReliabilityData) -> float:
            return float(krippendorff_alpha_quiet(pair, **rest).alpha)
    else:
        func = _agreement.AGREEMENT_FUNCTIONS[chosen]
        extra = {k: v for k, v in options.items() if k not in _INPUT_KEYS}

        def score(pair: ReliabilityData) -> float:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                return float(func(pair, **extra).value)

    names = list(rel.coders)
    matrix: list[list[float | None]] = [[None] * len(names) for _ in names]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            value = finite(score(rel.select_coders([i, j])))
            matrix[i][j] = matrix[j][i] = value
    columns: dict[str, Any] = {"coder": names}
    for j, name in enumerate(names):
        columns[name] = [row[j] for row in matrix]
    return pl.DataFrame(columns, schema={"coder": pl.String, **dict.fromkeys(names, pl.Float64)})


def unit_disagreement(data: Any, **options: Any) -> pl.DataFrame:
    r"""Units ranked by their share of the observed disagreement, as an adjudication sheet.

    Parameters
    ----------
    data : array-like, DataFrame or CodingTable
        As for :func:`~statecode.krippendorff_alpha`.
    **options
        Keyword options of :func:`~statecode.krippendorff_alpha`.

    Returns
    -------
    polars.DataFrame
        One row per pairable unit with disagreement: ``unit``; ``disagreement``, the unit's
        :math:`\frac{1}{m_u - 1} \sum_{i \ne j} \delta^2(v_i, v_j)` (its term in
        :math:`n D_o`); ``share`` of the total; ``values`` (:math:`m_u`); then every coder's
        value side by side (null where the coder gave none). Largest disagreement first.

    Examples
    --------
    >>> sheet = unit_disagreement([[1, 2, 3, 3], [1, 2, 3, 1], [1, 1, 3, 1]])
    >>> sheet.select("unit", "share").rows()
    [('1', 0.5), ('3', 0.5)]
    """
    result = krippendorff_alpha_quiet(data, **options)
    coded = result._coded_data()
    rel = coded.data
    codes = rel.codes
    valid = codes >= 0
    m_u = valid.sum(axis=0)
    per_unit = np.zeros(codes.shape[1])
    for i in range(codes.shape[0] - 1):
        for j in range(i + 1, codes.shape[0]):
            both = valid[i] & valid[j]
            a = codes[i, both].astype(np.intp)
            b = codes[j, both].astype(np.intp)
            per_unit[both] += 2.0 * coded.delta(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(m_u >= 2, per_unit / (m_u - 1), 0.0)
    total = per_unit.sum()
    keep = np.flatnonzero(per_unit > 0)
    order = keep[np.argsort(-per_unit[keep], kind="stable")]
    labels = [value_text(v) for v in rel.labels]
    columns: dict[str, Any] = {
        "unit": [rel.units[u] for u in order],
        "disagreement": per_unit[order],
        "share": per_unit[order] / total if total > 0 else per_unit[order],
        "values": m_u[order].astype(np.int64),
    }
    for i, name in enumerate(rel.coders):
        columns[name] = [labels[codes[i, u]] if codes[i, u] >= 0 else None for u in order]
    schema = {
        "unit": pl.String,
        "disagreement": pl.Float64,
        "share": pl.Float64,
        "values": pl.Int64,
        **dict.fromkeys(rel.coders, pl.String),
    }
    return pl.DataFrame(columns, schema=schema)
