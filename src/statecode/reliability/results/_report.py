"""The reliability report: one table of every variable and coefficient, with its results."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import polars as pl

from statecode.reliability.results._agreement import AgreementResult
from statecode.reliability.results._alpha import AlphaResult

__all__ = ["ReliabilityReport"]


@attrs.frozen(eq=False)
class ReliabilityReport:
    """The report table and the results behind it.

    Attributes
    ----------
    table : polars.DataFrame
        One row per variable (and group): tidycomm's columns ``Variable``, ``n_Units``,
        ``n_Coders``, ``n_Categories``, ``Level``, then one column per coefficient
        (``Agreement``, ``Holstis_CR``, ``Krippendorffs_Alpha``, ...) with ``_CI_low`` and
        ``_CI_high`` columns where an interval exists, ``Verdict`` (from alpha) and ``Notes``.
    alphas : tuple of AlphaResult
        Alpha of every row (for figures and detail), in row order.
    details : tuple of dict
        Per row, every coefficient's full result by short name.
    group : str or None
        The name of the group column (the table's first), when the report is per group.
    """

    table: pl.DataFrame
    alphas: tuple[AlphaResult, ...]
    details: tuple[Mapping[str, AgreementResult | AlphaResult], ...]
    group: str | None = None

    @property
    def row_names(self) -> list[str]:
        """A name per row: the variable, or ``group / variable`` in a report per group."""
        if self.group:
            return [f"{g} / {v}" for g, v in self.table.select(self.group, "Variable").iter_rows()]
        return list(self.table["Variable"].to_list())
