"""Renderers: model and result objects as text, tables, HTML pages and figures for people.

Rounding and layout happen here and nowhere else. Figures need the ``plot`` extra
(matplotlib), imported only when a figure is drawn.
"""

from statecode.render._accounts_plot import plot_accounts
from statecode.render._codebook import codebook_to_markdown, codebook_to_text
from statecode.render._document import (
    Document,
    Notes,
    Table,
    comparison_document,
    frame_table,
    plain,
    show,
)
from statecode.render._html import (
    comparison_page,
    comparison_to_html,
    report_page,
    report_to_html,
    write_page,
)
from statecode.render._notebook import html_table, notebook_html, notebook_text
from statecode.render._plots import (
    alpha_interval_figure,
    coincidence_figure,
    figure_svg,
    require_matplotlib,
    save_figure,
    save_report_figures,
)
from statecode.render._reliability import (
    agreement_document,
    agreement_to_csv,
    agreement_to_markdown,
    agreement_to_text,
    alpha_document,
    alpha_to_csv,
    alpha_to_json,
    alpha_to_markdown,
    alpha_to_text,
    report_document,
    report_to_csv,
    report_to_json,
    report_to_markdown,
    report_to_text,
    unitizing_document,
    unitizing_to_csv,
    unitizing_to_markdown,
    unitizing_to_text,
)
from statecode.render._tables import (
    comparison_sections,
    frame_to_csv,
    frame_to_markdown,
    frame_to_text,
    frames_to_json,
    markdown_table,
    text_table,
)

__all__ = [
    "Document",
    "Notes",
    "Table",
    "agreement_document",
    "agreement_to_csv",
    "agreement_to_markdown",
    "agreement_to_text",
    "alpha_document",
    "alpha_interval_figure",
    "alpha_to_csv",
    "alpha_to_json",
    "alpha_to_markdown",
    "alpha_to_text",
    "codebook_to_markdown",
    "codebook_to_text",
    "coincidence_figure",
    "comparison_document",
    "comparison_page",
    "comparison_sections",
    "comparison_to_html",
    "figure_svg",
    "frame_table",
    "frame_to_csv",
    "frame_to_markdown",
    "frame_to_text",
    "frames_to_json",
    "html_table",
    "markdown_table",
    "notebook_html",
    "notebook_text",
    "plain",
    "plot_accounts",
    "report_document",
    "report_page",
    "report_to_csv",
    "report_to_html",
    "report_to_json",
    "report_to_markdown",
    "report_to_text",
    "require_matplotlib",
    "save_figure",
    "save_report_figures",
    "show",
    "text_table",
    "unitizing_document",
    "unitizing_to_csv",
    "unitizing_to_markdown",
    "unitizing_to_text",
    "write_page",
]
