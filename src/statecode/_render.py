"""Renderers: turn model and result objects into text for people (tables, Markdown).

Rounding and layout happen here and nowhere else.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import polars as pl

from statecode.codebook import Codebook, Variable
from statecode.reliability._unitizing import UnitizingResult
from statecode.reliability.results import AgreementResult, AlphaResult

__all__ = [
    "agreement_to_csv",
    "agreement_to_markdown",
    "agreement_to_text",
    "alpha_to_csv",
    "alpha_to_json",
    "alpha_to_markdown",
    "alpha_to_text",
    "codebook_to_markdown",
    "codebook_to_text",
    "comparison_sections",
    "comparison_to_html",
    "frame_to_csv",
    "frame_to_markdown",
    "frame_to_text",
    "frames_to_json",
    "markdown_table",
    "report_to_csv",
    "report_to_html",
    "report_to_json",
    "report_to_markdown",
    "report_to_text",
    "text_table",
    "unitizing_to_csv",
    "unitizing_to_markdown",
    "unitizing_to_text",
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


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table of text cells (escaped here), without a trailing newline."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


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
    notes = "\n".join(f"- {line}" for line in _footer(results))
    return markdown_table(headers, rows) + "\n\n" + notes + "\n"


# --------------------------------------------------------------------------------------------
# the reliability report and single coefficients


def _report_cells(table: pl.DataFrame) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, rows and notes of a report for people: each interval in its value's cell."""
    ids = [c for c in table.columns if c in ("Variable", "Level", "n_Units", "n_Coders")]
    group = [c for c in table.columns[:1] if c not in ids and c != "n_Categories"]
    values = [
        c
        for c in table.columns
        if c not in (*ids, *group, "n_Categories", "Verdict", "Notes") and "_CI_" not in c
    ]
    headers = [*group, *ids, *values, "Verdict"]
    rows, notes = [], []
    for row in table.iter_rows(named=True):
        cells = [str(row[c]) for c in (*group, *ids)]
        for column in values:
            cell = _fmt(row[column])
            low, high = row.get(f"{column}_CI_low"), row.get(f"{column}_CI_high")
            if low is not None and high is not None:
                cell += f" [{_fmt(low)}, {_fmt(high)}]"
            cells.append(cell)
        cells.append(str(row["Verdict"]))
        rows.append(cells)
        if row.get("Notes"):
            prefix = f"{row[group[0]]}, " if group else ""
            notes.append(f"{prefix}{row['Variable']}: {row['Notes']}")
    return headers, rows, notes


_REPORT_FOOTER = (
    "Verdict from Krippendorff's alpha: reliable if >= .800, tentative if .667 to .800. "
    "Intervals in brackets: bootstrap for alpha, analytic (Gwet; Fleiss, Cohen & Everitt) "
    "for the kappa family."
)


def report_to_text(table: pl.DataFrame) -> str:
    """The report as a plain-text table, intervals in brackets, notes below."""
    headers, rows, notes = _report_cells(table)
    lines = [text_table(headers, rows), "", _REPORT_FOOTER, *notes]
    return "\n".join(lines) + "\n"


def report_to_markdown(table: pl.DataFrame) -> str:
    """The report as a Markdown table, intervals in brackets, notes as a list."""
    headers, rows, notes = _report_cells(table)
    out = [markdown_table(headers, rows), "", _REPORT_FOOTER, *[f"- {n}" for n in notes]]
    return "\n".join(out) + "\n"


def report_to_json(table: pl.DataFrame) -> str:
    """The report as a JSON array of row objects (full precision, null where undefined)."""
    return json.dumps(table.to_dicts(), indent=2, ensure_ascii=False) + "\n"


def report_to_csv(table: pl.DataFrame) -> str:
    """The report as CSV with tidycomm's column names (full precision)."""
    return table.write_csv()


_HTML_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:.9rem;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right}
th{background:#f3f3f3}td.text{text-align:left}
.reliable{background:#e6f4ea}.tentative{background:#fff4e0}.unreliable{background:#fde8e8}
.figures{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.figures svg{max-width:100%;height:auto}
.notes{font-size:.85rem;color:#555}
"""


def report_to_html(
    table: pl.DataFrame,
    *,
    title: str,
    overview_svg: str,
    variable_svgs: Sequence[tuple[str, str]],
) -> str:
    """One self-contained HTML page: the table, the interval plot, a heatmap per variable.

    The figures are inline SVG; the page loads nothing from anywhere.
    """
    headers, rows, notes = _report_cells(table)
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
        body.append(
            f'<tr>{cells}<td class="{html.escape(verdict)}">{html.escape(verdict)}</td></tr>'
        )
    sections = [
        f'<section><h3>{html.escape(name)}</h3><div class="figures">{svg}</div></section>'
        for name, svg in variable_svgs
    ]
    note_items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_HTML_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'<p class="notes">{html.escape(_REPORT_FOOTER)}</p><ul class="notes">{note_items}</ul>'
        f'<h2>Alpha and its interval</h2><div class="figures">{overview_svg}</div>'
        f"<h2>Coincidences per variable</h2>{''.join(sections)}"
        "</body></html>\n"
    )


def _agreement_table(results: Sequence[AgreementResult]) -> tuple[list[str], list[list[str]]]:
    headers = ["variable", "coefficient", "value", "CI", "se", "units", "dropped", "coders"]
    rows = []
    for r in results:
        ci = f"{_fmt(r.ci[0])} .. {_fmt(r.ci[1])}" if r.ci else ""
        se = _fmt(r.se) if r.se is not None else ""
        rows.append(
            [
                r.variable or "",
                r.coefficient,
                _fmt(r.value),
                ci,
                se,
                str(r.units),
                str(r.units_dropped),
                str(r.coders),
            ]
        )
    return headers, rows


def _agreement_notes(results: Sequence[AgreementResult]) -> list[str]:
    notes = sorted({f"{r.coefficient}: {r.method}; missing values: {r.missing}" for r in results})
    return [*notes, *(f"{r.variable}: undefined: {r.reason}" for r in results if r.reason)]


def agreement_to_text(results: Sequence[AgreementResult]) -> str:
    """One coefficient per variable: value, interval, standard error, counts."""
    headers, rows = _agreement_table(results)
    return text_table(headers, rows) + "\n\n" + "\n".join(_agreement_notes(results)) + "\n"


def agreement_to_markdown(results: Sequence[AgreementResult]) -> str:
    """The table of :func:`agreement_to_text` in Markdown, notes as a list."""
    headers, rows = _agreement_table(results)
    notes = [f"- {_md_escape(n)}" for n in _agreement_notes(results)]
    return markdown_table(headers, rows) + "\n\n" + "\n".join(notes) + "\n"


def agreement_to_csv(results: Sequence[AgreementResult]) -> str:
    """One row per variable, full precision; per-category values only in JSON."""
    records = [{k: v for k, v in r.to_dict().items() if not isinstance(v, dict)} for r in results]
    columns = list(dict.fromkeys(k for rec in records for k in rec))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# comparisons of accounts


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _fmt(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def frame_to_text(frame: pl.DataFrame) -> str:
    """Any table as aligned plain text (numbers to 3 decimals, lists joined)."""
    rows = [[_cell(v) for v in row] for row in frame.iter_rows()]
    return text_table(frame.columns, rows)


def frame_to_markdown(frame: pl.DataFrame) -> str:
    """Any table as a Markdown table (numbers to 3 decimals, lists joined)."""
    return markdown_table(frame.columns, [[_cell(v) for v in row] for row in frame.iter_rows()])


def comparison_sections(tables: Sequence[tuple[str, pl.DataFrame]], *, markdown: bool) -> str:
    """Titled sections, one per table."""
    parts = []
    for title, frame in tables:
        body = frame_to_markdown(frame) if markdown else frame_to_text(frame)
        parts.append(f"## {title}\n\n{body}" if markdown else f"{title}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def frames_to_json(tables: Sequence[tuple[str, pl.DataFrame]]) -> str:
    """Tables as one JSON object of arrays of row objects (full precision)."""
    return json.dumps({k: f.to_dicts() for k, f in tables}, indent=2, ensure_ascii=False) + "\n"


def frame_to_csv(frame: pl.DataFrame) -> str:
    """One table as CSV; list cells joined with ``;``."""
    flat = frame.with_columns(
        pl.col(c).list.join(";") for c, t in frame.schema.items() if isinstance(t, pl.List)
    )
    return flat.write_csv()


def comparison_to_html(
    tables: Sequence[tuple[str, pl.DataFrame]], *, title: str, figure_svg: str | None
) -> str:
    """A self-contained HTML page: the tables and, when given, the dot-matrix figure."""
    sections = []
    for name, frame in tables:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
            for row in frame.iter_rows()
        )
        sections.append(
            f"<h2>{html.escape(name)}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    figure = f'<div class="figures">{figure_svg}</div>' if figure_svg else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_HTML_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{figure}{''.join(sections)}</body></html>\n"
    )


# --------------------------------------------------------------------------------------------
# unitizing alphas


def _unitizing_summary(result: UnitizingResult) -> list[tuple[str, str]]:
    """The overall figures of a unitizing result as (label, text) pairs."""
    out: list[tuple[str, str]] = []
    for key, value in result.to_dict().items():
        if key in ("per_category", "categories"):
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, float):
            text = _fmt(value)
        elif value is None:
            text = "undefined" if key.endswith("alpha") else ""
        else:
            text = str(value)
        out.append((key, text))
        if key == "alpha":
            out.append(("verdict", result.verdict))
    return out


def unitizing_to_text(result: UnitizingResult) -> str:
    """Overall figures (numbers to 3 decimals) and the per-category table as plain text."""
    lines = [f"{key}: {text}" for key, text in _unitizing_summary(result)]
    return "\n".join(lines) + "\n\n" + frame_to_text(result.per_category()) + "\n"


def unitizing_to_markdown(result: UnitizingResult) -> str:
    """Overall figures as a list and the per-category table, in Markdown."""
    lines = [f"- **{key}**: {_md_escape(text)}" for key, text in _unitizing_summary(result)]
    return "\n".join(lines) + "\n\n" + frame_to_markdown(result.per_category()) + "\n"


def unitizing_to_csv(result: UnitizingResult) -> str:
    """The per-category table as CSV, full precision, with the variant and variable."""
    table = result.per_category().with_columns(
        pl.lit(result.variant).alias("variant"), pl.lit(result.variable).alias("variable")
    )
    return frame_to_csv(table.select("variant", "variable", *result.per_category().columns))
