"""What a command prints, as tables and notes: plain text for files and pipes, rich on a terminal.

A renderer builds a :data:`Document` (a sequence of :class:`Table` and :class:`Notes`);
:func:`plain` lays it out as aligned text (long cells wrapped within their column, so a
550-character list stays readable), and :func:`show` prints it with rich, which fits every
table to the terminal's width by wrapping cells. The figures are the same in both.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

import attrs
import polars as pl

from statecode.render._tables import frame_cells, text_table

__all__ = ["Document", "Notes", "Table", "comparison_document", "frame_table", "plain", "show"]

#: Plain text wraps a cell longer than this within its column.
WRAP = 60


def _texts(cells: Iterable[str]) -> tuple[str, ...]:
    return tuple(cells)


def _rows(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _columns(columns: Iterable[int]) -> frozenset[int]:
    return frozenset(columns)


@attrs.frozen
class Table:
    """A table of formatted cells, with an optional title; ``right`` aligns numbers."""

    headers: tuple[str, ...] = attrs.field(converter=_texts)
    rows: tuple[tuple[str, ...], ...] = attrs.field(converter=_rows)
    title: str = ""
    right: frozenset[int] = attrs.field(default=frozenset(), converter=_columns)
    #: The leading columns that name a row, repeated when a terminal splits the table.
    key: int = 1


@attrs.frozen
class Notes:
    """Lines of text under or between tables (each wrapped to the width on a terminal)."""

    lines: tuple[str, ...] = attrs.field(converter=_texts)


Document = Sequence[Table | Notes]


def frame_table(frame: pl.DataFrame, title: str = "") -> Table:
    """Any frame as a :class:`Table` (numbers to 3 decimals, lists joined)."""
    headers, rows, numbers = frame_cells(frame)
    return Table(headers, rows, title=title, right=numbers)


def comparison_document(tables: Sequence[tuple[str, pl.DataFrame]]) -> Document:
    """The comparison's tables, each under its title."""
    return [frame_table(frame, title) for title, frame in tables]


def plain(document: Document) -> str:
    """The document as plain text: blocks apart by a blank line, ending in a newline."""
    parts = []
    for block in document:
        if isinstance(block, Table):
            body = text_table(list(block.headers), block.rows, wrap=WRAP)
            parts.append(f"{block.title}\n\n{body}" if block.title else body)
        elif block.lines:
            parts.append("\n".join(block.lines))
    return "\n\n".join(parts) + "\n"


def show(document: Document, file: IO[str] | None = None, *, width: int | None = None) -> None:
    """Print the document with rich, fitted to the terminal (or to ``width`` columns).

    A table wider than the terminal is split into several, each repeating the columns that
    name the rows (``Table.key``); a cell too long for its share of the width wraps.
    """
    # imported here: plain text for pipes and files needs none of rich (0.045 s of CPU to import)
    from rich import box  # noqa: PLC0415
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table as RichTable  # noqa: PLC0415

    console = Console(file=file or sys.stdout, width=width, highlight=False, soft_wrap=False)
    for i, block in enumerate(document):
        if i:
            console.print()
        if isinstance(block, Notes):
            for line in block.lines:
                console.print(line, markup=False)
            continue
        for j, columns in enumerate(_column_groups(block, console.width)):
            table = RichTable(
                title=(block.title or None) if j == 0 else None,
                title_justify="left",
                box=box.SIMPLE_HEAD,
                header_style="bold",
                pad_edge=False,
            )
            for c in columns:
                justify: Any = "right" if c in block.right else "left"
                table.add_column(block.headers[c], justify=justify, overflow="fold")
            for row in block.rows:
                table.add_row(*(row[c] for c in columns))
            if j:
                console.print()
            console.print(table)


#: Space rich puts around a column (one on each side).
_PAD = 2


def _column_groups(table: Table, width: int) -> list[list[int]]:
    """Columns in groups that fit ``width``, each group led by the key columns."""
    n = len(table.headers)
    natural = [
        max([len(table.headers[c]), *(len(row[c]) for row in table.rows)]) + _PAD for c in range(n)
    ]
    if sum(natural) <= width:
        return [list(range(n))]
    key = list(range(min(table.key, n)))
    base = sum(natural[c] for c in key)
    groups: list[list[int]] = []
    current: list[int] = []
    used = base
    for c in range(len(key), n):
        if current and used + natural[c] > width:
            groups.append(key + current)
            current, used = [], base
        current.append(c)
        used += natural[c]
    if current or not groups:
        groups.append(key + current)
    return groups
