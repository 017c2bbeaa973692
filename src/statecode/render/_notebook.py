"""statecode's objects in a notebook: an HTML table each (``_repr_html_``) and readable text.

The result, model and table classes call these from ``__str__`` and ``_repr_html_``;
every figure is the one the CLI prints, rounded to 3 decimals, with the verdict coloured.
The HTML is a fragment styled inline (notebooks drop page styles), escaped throughout.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from statecode._consensus import ConsensusResult
from statecode.codebook import Codebook
from statecode.model import Corpus
from statecode.reliability.results import (
    AgreementResult,
    AlphaResult,
    ReliabilityReport,
    UnitizingResult,
)
from statecode.render._codebook import codebook_to_text
from statecode.render._document import Notes, comparison_document, frame_table, plain
from statecode.render._reliability import (
    REPORT_FOOTER,
    agreement_document,
    alpha_document,
    report_cells,
    report_document,
    unitizing_document,
)
from statecode.table import CodingTable

if TYPE_CHECKING:
    from statecode.compare import Comparison

__all__ = [
    "VERDICT_COLOURS",
    "html_table",
    "notebook_html",
    "notebook_text",
]

#: Background of a verdict cell: the colours of the HTML report.
VERDICT_COLOURS = {
    "reliable": "#e6f4ea",
    "tentative": "#fff4e0",
    "insufficient data": "#eef0f7",
    "unreliable": "#fde8e8",
    "undefined": "#f3f3f3",
}
#: Rows of a long table shown in a notebook before "... and N more".
_HEAD = 10
_CELL = "border:1px solid #ccc;padding:2px 6px;"


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    text: Iterable[int] = (0,),
    verdict: int | None = None,
    caption: str = "",
) -> str:
    """An HTML table of formatted cells: text columns left, numbers right, verdicts coloured.

    Parameters
    ----------
    headers, rows
        Column names and the cells, already formatted as text.
    text : iterable of int
        The columns of text (left-aligned); the others hold numbers (right-aligned).
    verdict : int, optional
        The column of verdicts, each cell coloured as the HTML report colours it.
    caption : str
        A caption above the table.
    """
    left = set(text)

    def cell(i: int, value: str, tag: str = "td") -> str:
        align = "left" if i in left or tag == "th" else "right"
        style = f"{_CELL}text-align:{align};"
        if tag == "td" and i == verdict:
            style += f"background:{VERDICT_COLOURS.get(value, '#fff')};"
        return f'<{tag} style="{style}">{html.escape(value)}</{tag}>'

    head = "".join(cell(i, h, "th") for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell(i, str(v)) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    title = f'<caption style="text-align:left">{html.escape(caption)}</caption>' if caption else ""
    return (
        f'<table style="border-collapse:collapse;font-size:0.9em">{title}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _notes(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<ul style="font-size:0.85em;color:#555">{items}</ul>' if items else ""


def _frame_html(frame: pl.DataFrame, caption: str = "", limit: int = _HEAD) -> str:
    table = frame_table(frame.head(limit))
    text = [i for i in range(len(table.headers)) if i not in table.right]
    more = f"<p>... and {frame.height - limit} more rows</p>" if frame.height > limit else ""
    return html_table(table.headers, table.rows, text=text, caption=caption) + more


def _document_html(document: Sequence[Any], verdict_header: str = "verdict") -> str:
    parts = []
    for block in document:
        if isinstance(block, Notes):
            parts.append(_notes(block.lines))
            continue
        text = [i for i in range(len(block.headers)) if i not in block.right]
        verdict = block.headers.index(verdict_header) if verdict_header in block.headers else None
        parts.append(html_table(block.headers, block.rows, text=text, verdict=verdict))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# one function per class


def _alpha(result: AlphaResult) -> tuple[str, str]:
    document = alpha_document([result])
    return plain(document), _document_html(document)


def _agreement(result: AgreementResult) -> tuple[str, str]:
    document = agreement_document([result])
    return plain(document), _document_html(document)


def _unitizing(result: UnitizingResult) -> tuple[str, str]:
    document = unitizing_document(result)
    return plain(document), _document_html(document)


def _report(report: ReliabilityReport) -> tuple[str, str]:
    headers, rows, notes = report_cells(report.table)
    body = html_table(
        headers,
        rows,
        text=[i for i, h in enumerate(headers) if h in ("Variable", "Level", "Verdict")]
        + ([0] if report.group else []),
        verdict=headers.index("Verdict"),
    )
    return plain(report_document(report.table)), body + _notes([REPORT_FOOTER, *notes])


def _comparison(comparison: Comparison) -> tuple[str, str]:
    tables = [
        ("Similarity of accounts", comparison.similarity),
        ("Divergence: who raises what", comparison.divergence),
        ("Emphasis: share differences, Fisher's exact test", comparison.emphasis),
    ]
    html_parts = [_frame_html(frame, title) for title, frame in tables]
    return plain(comparison_document(tables)), "".join(html_parts)


def _consensus(result: ConsensusResult) -> tuple[str, str]:
    head = (
        f"consensus by {result.rule} of {len(result.coders)} coders: "
        f"{len(result.units)} units x {len(result.variables)} variables; "
        f"{int(result.counts['tie'].sum())} ties, {int(result.counts['dissent'].sum())} "
        "dissenting cells to look at (flags)"
    )
    text = plain([Notes([head]), frame_table(result.counts)])
    return text, f"<p>{html.escape(head)}</p>" + _frame_html(result.counts)


def _codebook(codebook: Codebook) -> tuple[str, str]:
    rows = [
        [
            v.name,
            v.level.value + (" (multi-label)" if v.multi_label else ""),
            str(len(v.categories)),
            v.label,
        ]
        for v in codebook
    ]
    name = codebook.name + (f" {codebook.version}" if codebook.version else "")
    table = html_table(
        ["variable", "level", "codes", "label"], rows, text=(0, 1, 3), caption=f"codebook {name}"
    )
    return codebook_to_text(codebook), table


def _coding_table(table: CodingTable) -> tuple[str, str]:
    head = repr(table)
    data = table.data.select("unit", "coder", "variable", "value", "row")
    text = head + "\n\n" + plain([frame_table(data.head(_HEAD))])
    if data.height > _HEAD:
        text += f"... and {data.height - _HEAD} more codings\n"
    return text, f"<p>{html.escape(head)}</p>" + _frame_html(data)


def _corpus(corpus: Corpus) -> tuple[str, str]:
    per_document: dict[str, int] = {}
    for statement in corpus.statements:
        per_document[statement.document_id] = per_document.get(statement.document_id, 0) + 1
    rows = [
        [
            d.id,
            d.title or "",
            d.source or "",
            d.event or "",
            str(len(d.text)),
            str(per_document.get(d.id, 0)),
        ]
        for d in corpus.documents
    ]
    headers = ["document", "title", "source", "event", "characters", "statements"]
    frame = pl.DataFrame(rows, schema=headers, orient="row")
    text = repr(corpus) + "\n\n" + plain([frame_table(frame.head(_HEAD))])
    return text, html_table(headers, rows[:_HEAD], text=(0, 1, 2, 3), caption=repr(corpus))


_RENDERERS: dict[type, Callable[[Any], tuple[str, str]]] = {
    AlphaResult: _alpha,
    AgreementResult: _agreement,
    UnitizingResult: _unitizing,
    ReliabilityReport: _report,
    ConsensusResult: _consensus,
    Codebook: _codebook,
    CodingTable: _coding_table,
    Corpus: _corpus,
}


def _rendered(obj: object) -> tuple[str, str]:
    """The text and the HTML of ``obj`` (a KeyError for a type without a renderer)."""
    if type(obj) not in _RENDERERS:
        # a Comparison is made only once statecode.compare is imported: its key is added
        # then, so that showing a table does not import the comparison of accounts
        from statecode.compare import Comparison  # noqa: PLC0415 - see above

        _RENDERERS[Comparison] = _comparison
    return _RENDERERS[type(obj)](obj)


def notebook_text(obj: object) -> str:
    """``str()`` of a statecode object: the table the CLI prints for it."""
    return _rendered(obj)[0]


def notebook_html(obj: object) -> str:
    """``_repr_html_()`` of a statecode object: its table as an HTML fragment."""
    return _rendered(obj)[1]
