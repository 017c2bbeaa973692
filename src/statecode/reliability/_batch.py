"""Every variable of a coding table at once: what the command line prints per variable.

Each function scores the variables of a :class:`~statecode.CodingTable` one by one with a
single public function of this package, so a script and the command line get the same
figures from the same call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from statecode.exceptions import OptionError
from statecode.options import CoefficientName, parse_option
from statecode.reliability._agreement import AGREEMENT_FUNCTIONS
from statecode.reliability._alpha import krippendorff_alpha
from statecode.reliability._diagnostics import leave_one_coder_out, pairwise_agreement
from statecode.reliability.results import AgreementResult, AlphaResult
from statecode.table import CodingTable

__all__ = ["agreement_coefficients", "coder_diagnostics", "krippendorff_alphas"]

Progress = Callable[[int], None]


def _names(table: CodingTable, variables: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(variables) if variables is not None else table.variables


def krippendorff_alphas(
    table: CodingTable,
    *,
    variables: Sequence[str] | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> tuple[AlphaResult, ...]:
    """Krippendorff's alpha of every variable of a coding table, in table order.

    Parameters
    ----------
    table : CodingTable
        The codings (with their codebook, which gives each variable's level).
    variables : sequence of str, optional
        The variables to score (default: every variable of the table).
    progress : callable, optional
        Called with the number of bootstrap replicates just drawn, for every variable in
        turn (so a bar of ``bootstrap * len(variables)`` steps fills once).
    **options
        Keyword options of :func:`~statecode.krippendorff_alpha` (``level``, ``domain``,
        ``bootstrap``, ``seed`` ...), the same for every variable.

    Returns
    -------
    tuple of AlphaResult

    Examples
    --------
    >>> import statecode as sc
    >>> table = sc.read_codings("examples/readouts/codings.csv",
    ...                         codebook=sc.read_codebook("readouts"))  # doctest: +SKIP
    >>> [r.variable for r in krippendorff_alphas(table)][:2]  # doctest: +SKIP
    ['precondition', 'blame_target']
    """
    return tuple(
        krippendorff_alpha(table, variable=name, progress=progress, **options)
        for name in _names(table, variables)
    )


def agreement_coefficients(
    table: CodingTable,
    coefficient: CoefficientName | str,
    *,
    variables: Sequence[str] | None = None,
    **options: Any,
) -> tuple[AgreementResult, ...]:
    """One agreement coefficient (``percent``, ``fleiss``, ``ac1`` ...) of every variable.

    Parameters
    ----------
    table : CodingTable
        The codings.
    coefficient : str
        A short name of :class:`~statecode.options.CoefficientName` other than ``alpha``
        (see :func:`krippendorff_alphas` for alpha).
    variables : sequence of str, optional
        The variables to score (default: every variable of the table).
    **options
        Keyword options of the coefficient's function (``weights``, ``confidence`` ...).

    Raises
    ------
    OptionError
        For an unknown coefficient, or ``alpha``.
    """
    chosen = parse_option(CoefficientName, coefficient, "coefficient")
    func = AGREEMENT_FUNCTIONS.get(chosen)
    if func is None:
        msg = "coefficient='alpha': use krippendorff_alphas (statecode alpha) for alpha"
        raise OptionError(msg, option="coefficient")
    return tuple(func(table, variable=name, **options) for name in _names(table, variables))


def coder_diagnostics(
    table: CodingTable,
    *,
    coefficient: CoefficientName | str = CoefficientName.ALPHA,
    variables: Sequence[str] | None = None,
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Per variable: the coder x coder matrix of a coefficient, and alpha without each coder.

    Returns
    -------
    dict
        Variable name to ``(pairwise_agreement(...), leave_one_coder_out(...))``.
    """
    return {
        name: (
            pairwise_agreement(table, variable=name, coefficient=coefficient),
            leave_one_coder_out(table, variable=name),
        )
        for name in _names(table, variables)
    }
