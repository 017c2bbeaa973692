"""Tables for people: aligned plain text, Markdown, CSV and JSON of any frame."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import polars as pl

__all__ = [
    "cell_text",
    "comparison_sections",
    "fmt",
    "frame_cells",
    "frame_to_csv",
    "frame_to_markdown",
    "frame_to_text",
    "frames_to_json",
    "markdown_table",
    "md_escape",
    "text_table",
]


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    wrap_last: int | None = None,
    wrap: int | None = None,
) -> str:
    """Lay out ``rows`` as a plain-text table with aligned columns.

    Parameters
    ----------
    headers : sequence of str
        Column headers.
    rows : sequence of sequences of str
        The cells, already formatted.
    wrap_last : int, optional
        Wrap the last column to this width (continuation lines are indented).
    wrap : int, optional
        Wrap any cell longer than this within its column (at spaces, after commas).

    Examples
    --------
    >>> print(text_table(["a", "bb"], [["1", "x"], ["22", "y"]]))
    a   bb
    --  --
    1   x
    22  y
    """
    limits = [wrap] * len(headers)
    if wrap_last:
        limits[-1] = wrap_last
    cells = [
        [_wrapped(cell, limit) for cell, limit in zip(row, limits, strict=True)] for row in rows
    ]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, lines in enumerate(row):
            widths[i] = max(widths[i], *(len(line) for line in lines))

    def line(parts: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(parts, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    for row in cells:
        height = max(len(lines) for lines in row)
        out.extend(
            line([lines[k] if k < len(lines) else "" for lines in row]) for k in range(height)
        )
    return "\n".join(out)


def _wrapped(cell: str, limit: int | None) -> list[str]:
    if limit is None or len(cell) <= limit:
        return [cell]
    return textwrap.wrap(cell, limit, break_long_words=True, break_on_hyphens=False) or [""]


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table of text cells (escaped here), without a trailing newline."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def fmt(value: float | None, digits: int = 3) -> str:
    if value is None or math.isnan(value):
        return "NA"
    return f"{value:.{digits}f}"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def frame_to_text(frame: pl.DataFrame) -> str:
    """Any table as aligned plain text: numbers to 3 decimals, lists joined, cells wrapped."""
    rows = [[cell_text(v) for v in row] for row in frame.iter_rows()]
    return text_table(frame.columns, rows, wrap=60)


def frame_to_markdown(frame: pl.DataFrame) -> str:
    """Any table as a Markdown table (numbers to 3 decimals, lists joined)."""
    return markdown_table(frame.columns, [[cell_text(v) for v in row] for row in frame.iter_rows()])


def comparison_sections(tables: Sequence[tuple[str, pl.DataFrame]], *, markdown: bool) -> str:
    """Titled sections, one per table."""
    parts = []
    for title, frame in tables:
        body = frame_to_markdown(frame) if markdown else frame_to_text(frame)
        parts.append(f"## {title}\n\n{body}" if markdown else f"{title}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def frame_cells(frame: pl.DataFrame) -> tuple[list[str], list[list[str]], set[int]]:
    """A frame's headers, formatted cells and numeric columns (for right alignment)."""
    rows = [[cell_text(v) for v in row] for row in frame.iter_rows()]
    numbers = {i for i, dtype in enumerate(frame.dtypes) if dtype.is_numeric()}
    return frame.columns, rows, numbers


def frames_to_json(tables: Sequence[tuple[str, pl.DataFrame]], provenance: Any = None) -> str:
    """Tables as one JSON object of arrays of rows (full precision), with ``provenance``."""
    document: dict[str, Any] = {k: f.to_dicts() for k, f in tables}
    if provenance is not None:
        document = {"provenance": provenance.to_dict(), **document}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def frame_to_csv(frame: pl.DataFrame) -> str:
    """One table as CSV; list cells joined with ``;``."""
    flat = frame.with_columns(
        pl.col(c).list.join(";") for c, t in frame.schema.items() if isinstance(t, pl.List)
    )
    return flat.write_csv()
