"""The reliability report: one table of every variable and coefficient, with its results."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import polars as pl

from statecode._provenance import Provenance
from statecode._typing import PathLike
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
    provenance : Provenance or None
        What the report was computed from and how: statecode version, date, input file
        and its SHA-256, codebook, coefficients, bootstrap.
    """

    table: pl.DataFrame
    alphas: tuple[AlphaResult, ...]
    details: tuple[Mapping[str, AgreementResult | AlphaResult], ...]
    group: str | None = None
    provenance: Provenance | None = None

    def __repr__(self) -> str:
        columns = [c for c in self.table.columns if c[:1].isupper() and "_CI_" not in c]
        shown = [c for c in columns if c not in ("Variable", "Level", "Verdict", "Notes")]
        shown = [c for c in shown if not c.startswith("n_") and c != self.group]
        verdicts = self.table["Verdict"].value_counts(sort=True).iter_rows()
        tally = ", ".join(f"{n} {v}" for v, n in verdicts)
        per = f" per {self.group}" if self.group else ""
        return f"<ReliabilityReport: {self.table.height} rows{per} x {', '.join(shown)}; {tally}>"

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    def to_html(self, path: PathLike | None = None, *, title: str = "Reliability report") -> str:
        """The report as one self-contained HTML page, written to ``path`` when given.

        The page holds the table with its verdicts, the notes and provenance, an interval
        plot of alpha and a coincidence heatmap per variable, all inline (it loads nothing).
        Needs the ``plot`` extra (matplotlib).

        Returns
        -------
        str
            The page.
        """
        from statecode.render import report_page, write_page  # noqa: PLC0415 - a presentation hook

        return write_page(report_page(self, title=title), path)

    @property
    def row_names(self) -> list[str]:
        """A name per row: the variable, or ``group / variable`` in a report per group."""
        if self.group:
            return [f"{g} / {v}" for g, v in self.table.select(self.group, "Variable").iter_rows()]
        return list(self.table["Variable"].to_list())
