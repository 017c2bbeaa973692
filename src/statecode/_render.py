"""Renderers: turn model and result objects into text for people (tables, Markdown).

Rounding and layout happen here and nowhere else.
"""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from collections.abc import Sequence
from typing import Any

from statecode.codebook import Codebook, Variable
from statecode.reliability.results import AlphaResult

__all__ = [
    "alpha_to_csv",
    "alpha_to_json",
    "alpha_to_markdown",
    "alpha_to_text",
    "codebook_to_markdown",
    "codebook_to_text",
    "text_table",
]


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, wrap_last: int | None = None
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

    Examples
    --------
    >>> print(text_table(["a", "bb"], [["1", "x"], ["22", "y"]]))
    a   bb
    --  --
    1   x
    22  y
    """
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1] if wrap_last else row):
            widths[i] = max(widths[i], len(cell))
    if wrap_last:
        widths[-1] = max(widths[-1], min(wrap_last, max((len(r[-1]) for r in rows), default=0)))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    for row in rows:
        if wrap_last and row[-1]:
            parts = textwrap.wrap(row[-1], wrap_last) or [""]
            out.append(line([*row[:-1], parts[0]]))
            out.extend(line([""] * (len(row) - 1) + [p]) for p in parts[1:])
        else:
            out.append(line(row))
    return "\n".join(out)


def _kind(var: Variable) -> str:
    parts = [var.level.value]
    if var.multi_label:
        parts.append("multi-label")
    if not var.categories:
        lo = "" if var.minimum is None else f"{var.minimum:g}"
        hi = "" if var.maximum is None else f"{var.maximum:g}"
        parts.append(f"numeric {lo}..{hi}" if lo or hi else "numeric")
    return ", ".join(parts)


def _codes_in_order(var: Variable) -> list[str]:
    return list(var.codes)


def codebook_to_text(codebook: Codebook, *, width: int = 100) -> str:
    """Render a codebook as readable plain text: one table of codes per variable."""
    head = f"{codebook.name}" + (f" {codebook.version}" if codebook.version else "")
    out = [head, "=" * len(head)]
    if codebook.description:
        paragraphs = [" ".join(p.split()) for p in codebook.description.split("\n\n")]
        out.append("\n\n".join(textwrap.fill(p, width) for p in paragraphs if p))
    out.append("")
    summary = [[v.name, _kind(v), str(len(v.categories)), v.label] for v in codebook]
    out.append(text_table(["variable", "level", "codes", "label"], summary))
    for var in codebook:
        out += ["", f"{var.name} ({_kind(var)}, unit: {var.unit})"]
        if var.question:
            out.append(
                textwrap.fill(var.question, width, initial_indent="  ", subsequent_indent="  ")
            )
        if var.categories:
            by_code = {c.code: c for c in var.categories}
            rows = []
            for code in _codes_in_order(var):
                cat = by_code[code]
                flags = []
                if cat.parent:
                    flags.append(f"in {cat.parent}")
                if cat.exclusive:
                    flags.append("exclusive")
                meaning = ". ".join(t.strip().rstrip(".") for t in (cat.label, cat.definition) if t)
                rows.append([cat.code, ", ".join(flags), meaning + "." if meaning else ""])
            used = max(len(r[0]) + len(r[1]) for r in rows) + 8
            table = text_table(
                ["code", "", "label and definition"], rows, wrap_last=max(40, width - used)
            )
            out.append(textwrap.indent(table, "  "))
    return "\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def codebook_to_markdown(codebook: Codebook) -> str:  # noqa: PLR0912 (one branch per optional field)
    """Render a codebook as a Markdown coding manual a coder can print.

    Per variable: the question, instructions, level, and per category its definition,
    inclusion and exclusion rules, and examples.
    """
    title = codebook.name + (f" (version {codebook.version})" if codebook.version else "")
    out = [f"# Coding manual: {title}", ""]
    if codebook.description:
        out += [codebook.description.strip(), ""]
    out += ["## Variables", "", "| variable | label | level | codes |", "|---|---|---|---|"]
    for var in codebook:
        out.append(
            f"| [`{var.name}`](#{var.name}) | {_md_escape(var.label)} | {_kind(var)} "
            f"| {len(var.categories) or '-'} |"
        )
    for var in codebook:
        out += ["", f"## {var.name}", ""]
        if var.label:
            out += [f"**{var.label}**", ""]
        if var.question:
            out += [f"*Question:* {var.question.strip()}", ""]
        out += [f"*Level:* {_kind(var)}; *unit of coding:* {var.unit}.", ""]
        if var.multi_label:
            out += ["Assign every code that applies; separate codes with `;` in tables.", ""]
        if var.order:
            out += ["*Order (lowest to highest):* " + " < ".join(f"`{c}`" for c in var.order), ""]
        if var.notes:
            out += [var.notes.strip(), ""]
        by_code = {c.code: c for c in var.categories}
        for code in _codes_in_order(var):
            cat = by_code[code]
            heading = f"### `{cat.code}`" + (f": {cat.label}" if cat.label else "")
            out += [heading, ""]
            if cat.parent:
                out += [f"*Sub-category of* `{cat.parent}`.", ""]
            if cat.exclusive:
                out += ["*Exclusive:* never combine with another code.", ""]
            if cat.definition:
                out += [cat.definition.strip(), ""]
            for title_, items in (
                ("Code when", cat.include),
                ("Do not code when", cat.exclude),
                ("Examples", cat.examples),
            ):
                if items:
                    out += [f"*{title_}:*", ""]
                    out += [f"- {item.strip()}" for item in items]
                    out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# reliability results


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or math.isnan(value):
        return "NA"
    return f"{value:.{digits}f}"


def alpha_rows(results: Sequence[AlphaResult]) -> list[dict[str, Any]]:
    """One plain-data row per result, as written by the JSON and CSV formats."""
    return [r.to_dict() for r in results]


def alpha_to_json(results: Sequence[AlphaResult]) -> str:
    """A JSON array, one object per variable (null where alpha is undefined)."""
    return json.dumps(alpha_rows(results), indent=2, ensure_ascii=False) + "\n"


def alpha_to_csv(results: Sequence[AlphaResult]) -> str:
    """CSV, one row per variable; ``q`` becomes one column per minimum alpha."""
    rows = []
    for row in alpha_rows(results):
        q = row.pop("q", None) or {}
        row.update({f"q_{k}": v for k, v in q.items()})
        rows.append(row)
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _alpha_table(results: Sequence[AlphaResult]) -> tuple[list[str], list[list[str]]]:
    boot = any(r.bootstrap is not None for r in results)
    headers = ["variable", "level", "alpha"]
    if boot:
        confidence = next(r.ci[2] for r in results if r.ci is not None)
        headers += [f"{confidence:.0%} CI", "se"]
    headers += ["units", "coders", "values", "verdict"]
    rows = []
    for r in results:
        level = f"{r.level} ({r.distance})" if r.distance else r.level
        row = [r.variable or "", level, _fmt(r.alpha)]
        if boot:
            ci = f"{_fmt(r.ci[0])} .. {_fmt(r.ci[1])}" if r.ci else ""
            row += [ci, _fmt(r.se) if r.se is not None else ""]
        row += [str(r.pairable_units), str(r.coders), str(r.pairable_values), r.verdict]
        rows.append(row)
    return headers, rows


def _footer(results: Sequence[AlphaResult]) -> list[str]:
    lines = []
    for r in results:
        if r.reason:
            lines.append(f"{r.variable or 'alpha'}: undefined: {r.reason}")
        if r.bootstrap is not None:
            b = r.bootstrap
            probs = ", ".join(f"P(alpha < {a:g}) = {_fmt(p)}" for a, p in b.q.items())
            extra = f"; {b.undefined} undefined" if b.undefined else ""
            lines.append(
                f"{r.variable or 'alpha'}: {b.size} {b.method} bootstrap replicates "
                f"(seed {b.seed}){extra}: {probs}"
            )
    lines.append(
        "verdict: reliable if alpha >= .800, tentative if .667 <= alpha < .800 "
        "(Krippendorff 2019); units = pairable units, values = pairable values"
    )
    return lines


def alpha_to_text(results: Sequence[AlphaResult]) -> str:
    """A plain-text table with a verdict per variable, and notes below it."""
    headers, rows = _alpha_table(results)
    return text_table(headers, rows) + "\n\n" + "\n".join(_footer(results)) + "\n"


def alpha_to_markdown(results: Sequence[AlphaResult]) -> str:
    """A Markdown table with the same columns as the text table, and the notes."""
    headers, rows = _alpha_table(results)
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n\n" + "\n".join(f"- {line}" for line in _footer(results)) + "\n"
