"""The category x account dot matrix of one event of a comparison."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from statecode._typing import PathLike
from statecode.exceptions import DataError, InputFileError
from statecode.render._plots import require_matplotlib, save_figure

if TYPE_CHECKING:
    from statecode.compare import Comparison

__all__ = ["plot_accounts"]

_SHOWN = 10  # events listed by name before "..."


def plot_accounts(
    comparison: Comparison, *, event: str | None = None, path: PathLike | None = None
) -> Any:
    """Draw the category x account dot matrix of one event, grouped by variable.

    Each row is a non-empty category, each column an account; the area of a dot is the
    share of the account's statements that raise the category, and the number beside it
    the count of statements. A small ring marks a category the account does not raise.

    Parameters
    ----------
    comparison : Comparison
        What :func:`compare_accounts` returned.
    event : str, optional
        The event to draw; may be left out when the comparison holds one event.
    path : str or path, optional
        Also save the figure there, as PNG (``.png``, 300 dpi) or SVG (``.svg``), by suffix.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (built without pyplot).

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed (``pip install 'statecode[plot]'``).
    DataError
        If ``event`` is not in the comparison, or is left out while it holds several.
    InputFileError
        If the suffix of ``path`` is not ``.png`` or ``.svg``, or the file cannot be
        written.
    """
    figure_class = require_matplotlib()
    target = Path(path) if path is not None else None
    if target is not None and target.suffix.lower() not in (".png", ".svg"):
        msg = f"{target}: cannot save a figure as {target.suffix!r}; use .png or .svg"
        raise InputFileError(msg)
    chosen = _plot_event(comparison, event)
    accounts = comparison.accounts[chosen]
    rows = _plot_rows(comparison, chosen)
    label_chars = max((len(r[1]) for r in rows), default=10)
    width = 1.2 + 0.065 * label_chars + 1.05 * len(accounts) + 1.6
    height = 0.9 + 0.24 * len(rows)
    fig = figure_class(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    max_area = 320.0
    colours = ("#1b6ca8", "#c8553d", "#3a7d44", "#7b4b94", "#b8860b", "#555555")
    presence = comparison.presence.filter(pl.col("event") == chosen)
    lookup = {
        (v, c, a): (count, share)
        for v, c, a, count, share in presence.select(
            "variable", "category", "account", "count", "share"
        ).iter_rows()
    }
    for y, (kind, _label, variable, code) in enumerate(rows):
        if kind == "header":
            continue
        ax.axhline(y, color="#e6e6e6", linewidth=0.6, zorder=0)
        for x, account in enumerate(accounts):
            count, share = lookup[variable, code, account]
            if count:
                ax.scatter(
                    [x],
                    [y],
                    s=max_area * (share or 0.0),
                    color=colours[x % len(colours)],
                    alpha=0.85,
                    linewidths=0,
                    zorder=2,
                )
                ax.annotate(
                    str(count),
                    (x, y),
                    xytext=(14, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    color="#444444",
                )
            else:
                ax.scatter([x], [y], s=8, facecolors="none", edgecolors="#b0b0b0", linewidths=0.6)
    ax.set_yticks(range(len(rows)), [r[1] for r in rows], fontsize=8)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row[0] == "header":
            tick.set_fontweight("bold")
    n_statements = dict.fromkeys(accounts, 0)
    for account, n in presence.select("account", "statements").iter_rows():
        n_statements[account] = max(n_statements[account], n)
    ax.set_xticks(
        range(len(accounts)),
        [f"{a}\n({_statements_label(n_statements[a])})" for a in accounts],
        fontsize=8,
    )
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, len(accounts) - 0.4)
    ax.set_ylim(len(rows) - 0.5, -0.7)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        ax.scatter([], [], s=max_area * s, color="#888888", alpha=0.85, linewidths=0)
        for s in (0.1, 0.25, 0.5, 1.0)
    ]
    fig.legend(
        handles,
        ["10%", "25%", "50%", "100%"],
        title="share of statements",
        loc="outside right upper",
        fontsize=7,
        title_fontsize=7,
        frameon=False,
        labelspacing=1.3,
        borderpad=1.0,
    )
    ax.set_title(f"Accounts of {chosen}", fontsize=10, loc="left")
    if target is not None:
        save_figure(fig, target)
    return fig


def _statements_label(n: int) -> str:
    return "1 statement" if n == 1 else f"{n} statements"


def _plot_event(comparison: Comparison, event: str | None) -> str:
    if event is None:
        if len(comparison.events) == 1:
            return comparison.events[0]
        msg = (
            f"the comparison holds {len(comparison.events)} events; choose one with event= "
            f"(events: {', '.join(comparison.events[:_SHOWN]) or '(none)'}"
            f"{' ...' if len(comparison.events) > _SHOWN else ''})"
        )
        raise DataError(msg)
    if event not in comparison.events:
        msg = (
            f"event={event!r} is not in the comparison (events: "
            f"{', '.join(comparison.events[:_SHOWN])}"
            f"{' ...' if len(comparison.events) > _SHOWN else ''})"
        )
        raise DataError(msg)
    return event


def _plot_rows(comparison: Comparison, event: str) -> list[tuple[str, str, str, str]]:
    """(kind, label, variable, code): a header per variable, then its non-empty categories."""
    book = comparison.codebook
    cells = (
        comparison.presence.filter((pl.col("event") == event) & ~pl.col("empty"))
        .select("variable", "category")
        .unique(maintain_order=True)
        .rows()
    )
    rows: list[tuple[str, str, str, str]] = []
    for v in comparison.variables:
        codes = [c for var, c in cells if var == v]
        if not codes:
            continue
        var = book[v] if book is not None and v in book else None
        rows.append(("header", (var.label if var and var.label else v), v, ""))
        for c in codes:
            label = c
            if var is not None and var.categories:
                label = var.category(c).label or c
            rows.append(("category", textwrap.shorten(label, 48, placeholder="..."), v, c))
    return rows
