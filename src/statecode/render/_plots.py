"""Figures of the reliability report, drawn with matplotlib (the optional ``plot`` extra).

Figures are built on :class:`matplotlib.figure.Figure` directly, without pyplot, so drawing
never touches global state or needs a display.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from statecode.exceptions import InputFileError, MissingExtraError
from statecode.io import make_folder
from statecode.reliability.results import RELIABLE, TENTATIVE, AlphaResult

__all__ = [
    "alpha_interval_figure",
    "coincidence_figure",
    "figure_svg",
    "per_code_pairs",
    "require_matplotlib",
    "save_figure",
    "save_report_figures",
]


def require_matplotlib() -> Any:
    """Import matplotlib's Figure class, or say exactly what to install."""
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "figures need matplotlib, which is not installed: "
            "pip install 'statecode[plot]' (or pip install matplotlib)"
        )
        raise MissingExtraError(msg) from exc
    return Figure


def coincidence_figure(result: AlphaResult, title: str) -> Any:
    """The coincidences of a variable drawn so that disagreement shows.

    A variable of single codes gets a heatmap whose colour scale is the disagreements
    alone (off the diagonal); the agreements on the diagonal are grey cells with their
    counts, so a large agreed category no longer washes out the confusions. A variable of
    sets of codes gets one bar per code instead of a matrix of code combinations: how many
    pairable pairs of values both include the code, and how many only one does.
    """
    if result.values and all(isinstance(v, frozenset) for v in result.values):
        return _per_code_figure(result, title)
    figure_class = require_matplotlib()
    table = result.coincidences
    labels = [str(v) for v in table["value"].to_list()]
    matrix = table.drop("value").to_numpy()
    size = max(3.0, 0.45 * len(labels) + 2.0)
    fig = figure_class(figsize=(size + 1.0, size), layout="constrained")
    ax = fig.add_subplot()
    off = matrix.copy().astype(float)
    np.fill_diagonal(off, np.nan)
    top = np.nanmax(off) if off.size and not np.all(np.isnan(off)) else 0.0
    image = ax.imshow(np.ma.masked_invalid(off), cmap="Reds", vmin=0, vmax=max(top, 1.0))
    diagonal = np.where(np.eye(len(labels), dtype=bool), 1.0, np.nan)
    ax.imshow(np.ma.masked_invalid(diagonal), cmap="Greys", vmin=0, vmax=4, alpha=0.6)
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_title(f"{title}: disagreements (agreement on the grey diagonal)", fontsize=10)
    if len(labels) <= 12:
        for (i, j), value in np.ndenumerate(matrix):
            if value:
                strong = i != j and value > top / 2
                colour = "white" if strong else "black"
                ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(image, ax=ax, shrink=0.8, label="coincidences off the diagonal")
    return fig


def per_code_pairs(result: AlphaResult) -> list[tuple[str, float, float]]:
    """Per code of a set-valued variable: coincidences that both values include, or one.

    From the coincidence matrix: for each code, the coincidences whose two values both
    hold the code, and those where only one of the two does (each ordered pair counted,
    as the matrix counts them).
    """
    values = list(result.values)
    matrix = result.coincidences.drop("value").to_numpy()
    codes = sorted({code for value in values for code in value})
    out = []
    for code in codes:
        has = np.array([code in value for value in values])
        both = float(matrix[np.ix_(has, has)].sum())
        one = float(matrix[np.ix_(has, ~has)].sum() + matrix[np.ix_(~has, has)].sum())
        out.append((str(code), both, one))
    return out


def _per_code_figure(result: AlphaResult, title: str) -> Any:
    figure_class = require_matplotlib()
    rows = per_code_pairs(result)
    height = max(2.0, 0.35 * len(rows) + 1.3)
    fig = figure_class(figsize=(7.0, height), layout="constrained")
    ax = fig.add_subplot()
    positions = np.arange(len(rows))[::-1]
    both = np.array([b for _, b, _ in rows])
    one = np.array([o for _, _, o in rows])
    ax.barh(positions, both, color="tab:blue", label="both values hold the code")
    ax.barh(positions, one, left=both, color="tab:red", label="only one does")
    ax.set_yticks(positions, [name for name, _, _ in rows], fontsize=8)
    ax.set_xlabel("coincidences (ordered pairs of values within a unit)")
    ax.set_title(f"{title}: agreement per code", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def alpha_interval_figure(results: Sequence[AlphaResult], names: Sequence[str]) -> Any:
    """Alpha per variable with its bootstrap interval, and lines at .667 and .800."""
    figure_class = require_matplotlib()
    height = max(2.0, 0.45 * len(results) + 1.2)
    fig = figure_class(figsize=(7.0, height), layout="constrained")
    ax = fig.add_subplot()
    positions = np.arange(len(results))[::-1]
    for y, result in zip(positions, results, strict=True):
        if np.isnan(result.alpha):
            ax.text(0.0, y, "undefined", va="center", fontsize=8, color="grey")
            continue
        if result.ci is not None:
            ax.plot([result.ci[0], result.ci[1]], [y, y], color="tab:blue", linewidth=2)
        ax.plot([result.alpha], [y], "o", color="tab:blue")
    ax.axvline(TENTATIVE, color="tab:orange", linestyle="--", linewidth=1, label=".667")
    ax.axvline(RELIABLE, color="tab:green", linestyle="--", linewidth=1, label=".800")
    ax.set_yticks(positions, list(names), fontsize=8)
    lows = [r.ci[0] for r in results if r.ci is not None and not np.isnan(r.ci[0])]
    ax.set_xlim(min([0.0, *lows]) - 0.05, 1.05)
    ax.set_xlabel("Krippendorff's alpha")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    return fig


def figure_svg(fig: Any) -> str:
    """The figure as an SVG element to put inside HTML (no XML prolog)."""
    import matplotlib as mpl  # noqa: PLC0415 - the optional plot extra

    buffer = io.StringIO()
    # a fixed salt: the element ids, and so the page, are the same on every run
    with mpl.rc_context({"svg.hashsalt": "statecode"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return re.sub(r"^.*?(<svg)", r"\1", text, count=1, flags=re.DOTALL)


def save_report_figures(
    results: Sequence[AlphaResult], names: Sequence[str], directory: Path
) -> list[Path]:
    """Write every report figure as PNG and SVG into ``directory``; return the paths."""
    make_folder(directory, "the figures")
    figures = {"alpha_intervals": alpha_interval_figure(results, names)}
    for name, result in zip(names, results, strict=True):
        figures[f"coincidences_{_slug(name)}"] = coincidence_figure(result, name)
    written = []
    for stem, fig in figures.items():
        for suffix in ("png", "svg"):
            path = directory / f"{stem}.{suffix}"
            save_figure(fig, path, dpi=150)
            written.append(path)
    return written


def save_figure(fig: Any, target: Path, *, dpi: int = 300) -> None:
    """Save a figure as PNG or SVG by the file's suffix, without time stamps.

    The same data give the same bytes.

    Raises
    ------
    InputFileError
        If the file cannot be written.
    """
    suffix = target.suffix.lower().lstrip(".")
    metadata = {"Date": None} if suffix == "svg" else {"Software": None}
    import matplotlib as mpl  # noqa: PLC0415 - the optional plot extra

    try:
        with mpl.rc_context({"svg.hashsalt": "statecode"}):
            fig.savefig(target, format=suffix, dpi=dpi, metadata=metadata)
    except OSError as exc:
        msg = f"{target}: cannot write the figure ({exc.strerror or exc}); check the folder"
        raise InputFileError(msg) from exc


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "variable"
