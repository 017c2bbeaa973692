"""Self-contained HTML pages: the reliability report and the comparison of accounts."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from statecode._provenance import Provenance
from statecode._typing import PathLike
from statecode.io import write_text
from statecode.reliability.results import ReliabilityReport
from statecode.render._accounts_plot import plot_accounts
from statecode.render._plots import alpha_interval_figure, coincidence_figure, figure_svg
from statecode.render._reliability import REPORT_FOOTER, report_cells
from statecode.render._tables import cell_text

if TYPE_CHECKING:
    from statecode.compare import Comparison

__all__ = [
    "comparison_page",
    "comparison_to_html",
    "report_page",
    "report_to_html",
    "write_page",
]


HTML_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;
max-width:100%}
table{border-collapse:collapse;font-size:.9rem;margin:1rem 0;max-width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right;vertical-align:top}
th{background:#f3f3f3;text-align:left;overflow-wrap:anywhere}
td.text{text-align:left;max-width:26rem;overflow-wrap:anywhere}
.reliable{background:#e6f4ea}.tentative{background:#fff4e0}.unreliable{background:#fde8e8}
.insufficient{background:#eef0f7}.undefined{background:#f3f3f3}
.figures{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.figures svg{max-width:100%;height:auto}
.notes,.provenance{font-size:.85rem;color:#555}
"""


def _provenance_html(provenance: Provenance | None) -> str:
    if provenance is None:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in provenance.lines())
    return f'<section class="provenance"><h2>Provenance</h2><ul>{items}</ul></section>'


def report_to_html(
    table: pl.DataFrame,
    *,
    title: str,
    overview_svg: str,
    variable_svgs: Sequence[tuple[str, str]],
    provenance: Provenance | None = None,
) -> str:
    """One self-contained HTML page: the table, the interval plot, a heatmap per variable.

    The figures are inline SVG; the page loads nothing from anywhere.
    """
    headers, rows, notes = report_cells(table)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    text_columns = {i for i, h in enumerate(headers) if h in ("Variable", "Level")} | (
        {0} if headers[0] not in ("Variable", "n_Units") else set()
    )
    body = []
    for row in rows:
        verdict = row[-1]
        cells = "".join(
            f'<td class="text">{html.escape(c)}</td>'
            if i in text_columns
            else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(row[:-1])
        )
        kind = verdict.split()[0]  # 'insufficient data' is styled as 'insufficient'
        body.append(f'<tr>{cells}<td class="{html.escape(kind)}">{html.escape(verdict)}</td></tr>')
    sections = [
        f'<section><h3>{html.escape(name)}</h3><div class="figures">{svg}</div></section>'
        for name, svg in variable_svgs
    ]
    note_items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{HTML_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'<p class="notes">{html.escape(REPORT_FOOTER)}</p><ul class="notes">{note_items}</ul>'
        f'<h2>Alpha and its interval</h2><div class="figures">{overview_svg}</div>'
        f"<h2>Coincidences per variable</h2>{''.join(sections)}"
        f"{_provenance_html(provenance)}</body></html>\n"
    )


def comparison_to_html(
    tables: Sequence[tuple[str, pl.DataFrame]],
    *,
    title: str,
    figure_svg: str | None,
    provenance: Provenance | None = None,
) -> str:
    """A self-contained HTML page: the tables and, when given, the dot-matrix figure."""
    sections = []
    for name, frame in tables:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
        text = [not dtype.is_numeric() for dtype in frame.dtypes]  # text and lists left
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="text">{html.escape(cell_text(v))}</td>'
                if left
                else f"<td>{html.escape(cell_text(v))}</td>"
                for v, left in zip(row, text, strict=True)
            )
            + "</tr>"
            for row in frame.iter_rows()
        )
        sections.append(
            f"<h2>{html.escape(name)}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    figure = f'<div class="figures">{figure_svg}</div>' if figure_svg else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{HTML_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{figure}{''.join(sections)}"
        f"{_provenance_html(provenance)}</body></html>\n"
    )


def write_page(page: str, path: PathLike | None) -> str:
    """Write an HTML page to ``path`` atomically (when given); return the page."""
    if path is not None:
        write_text(Path(path), page)
    return page


def report_page(report: ReliabilityReport, *, title: str) -> str:
    """The report as one HTML page, with the interval plot and a heatmap per variable.

    Needs the ``plot`` extra (matplotlib).
    """
    names = report.row_names
    overview = figure_svg(alpha_interval_figure(report.alphas, names))
    per_variable = [
        (name, figure_svg(coincidence_figure(alpha, name)))
        for name, alpha in zip(names, report.alphas, strict=True)
    ]
    return report_to_html(
        report.table,
        title=title,
        overview_svg=overview,
        variable_svgs=per_variable,
        provenance=report.provenance,
    )


def comparison_page(
    comparison: Comparison,
    tables: Sequence[tuple[str, pl.DataFrame]],
    *,
    title: str,
    event: str | None = None,
) -> str:
    """Tables of a comparison as one HTML page, with the dot matrix of ``event``.

    Needs the ``plot`` extra (matplotlib).
    """
    svg = figure_svg(plot_accounts(comparison, event=event))
    return comparison_to_html(tables, title=title, figure_svg=svg, provenance=comparison.provenance)
