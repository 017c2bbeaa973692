"""Reliability results for people and programs: text, Markdown, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import polars as pl

from statecode._provenance import Provenance
from statecode.reliability.results import (
    VERDICT_RULE,
    VERDICT_SOURCES,
    VERDICT_TEXT,
    AgreementResult,
    AlphaResult,
    ReliabilityReport,
    UnitizingResult,
)
from statecode.render._document import Document, Notes, Table, frame_table, plain
from statecode.render._tables import (
    fmt,
    frame_to_csv,
    frame_to_markdown,
    markdown_table,
    md_escape,
)

__all__ = [
    "REPORT_FOOTER",
    "agreement_document",
    "agreement_to_csv",
    "agreement_to_json",
    "agreement_to_markdown",
    "agreement_to_text",
    "alpha_document",
    "alpha_rows",
    "alpha_to_csv",
    "alpha_to_json",
    "alpha_to_markdown",
    "alpha_to_text",
    "provenance_lines",
    "report_cells",
    "report_document",
    "report_to_csv",
    "report_to_json",
    "report_to_markdown",
    "report_to_text",
    "unitizing_document",
    "unitizing_to_csv",
    "unitizing_to_markdown",
    "unitizing_to_text",
]


def alpha_rows(results: Sequence[AlphaResult]) -> list[dict[str, Any]]:
    """One plain-data row per result, as written by the JSON and CSV formats."""
    return [r.to_dict() for r in results]


def provenance_lines(provenance: Provenance | None, *, markdown: bool = False) -> list[str]:
    """The provenance as lines (a Markdown section when ``markdown``), or none."""
    if provenance is None:
        return []
    lines = provenance.lines()
    if markdown:
        return ["", "## Provenance", "", *(f"- {md_escape(line)}" for line in lines)]
    return ["provenance:", *(f"  {line}" for line in lines)]


def _json(results: list[dict[str, Any]], provenance: Provenance | None) -> str:
    document = {
        "provenance": provenance.to_dict() if provenance is not None else None,
        "results": results,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def alpha_to_json(results: Sequence[AlphaResult], provenance: Provenance | None = None) -> str:
    """JSON: ``provenance``, and ``results`` with one object per variable (null: undefined)."""
    return _json(alpha_rows(results), provenance)


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
        row = [r.variable or "", level, fmt(r.alpha)]
        if boot:
            ci = f"{fmt(r.ci[0])} .. {fmt(r.ci[1])}" if r.ci else ""
            row += [ci, fmt(r.se) if r.se is not None else ""]
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
            probs = ", ".join(f"P(alpha < {a:g}) = {fmt(p)}" for a, p in b.q.items())
            extra = f"; {b.undefined} undefined" if b.undefined else ""
            lines.append(
                f"{r.variable or 'alpha'}: {b.size} {b.method} bootstrap replicates "
                f"(seed {b.seed}){extra}: {probs}"
            )
    lines.append(VERDICT_RULE)
    if not any(r.bootstrap is not None for r in results):
        lines.append("no interval: the verdicts read the point estimates only (add a bootstrap)")
    lines.append("units = pairable units, values = pairable values")
    return lines


def alpha_document(results: Sequence[AlphaResult]) -> Document:
    """The alpha table with a verdict per variable, and the notes below it."""
    headers, rows = _alpha_table(results)
    numbers = {
        i for i, h in enumerate(headers) if h in ("alpha", "se", "units", "coders", "values")
    }
    return [Table(headers, rows, right=numbers), Notes(_footer(results))]


def alpha_to_text(results: Sequence[AlphaResult]) -> str:
    """A plain-text table with a verdict per variable, and notes below it."""
    return plain(alpha_document(results))


def alpha_to_markdown(results: Sequence[AlphaResult], provenance: Provenance | None = None) -> str:
    """A Markdown table with the same columns as the text table, the notes, provenance."""
    headers, rows = _alpha_table(results)
    notes = [f"- {md_escape(line)}" for line in _footer(results)]
    out = [markdown_table(headers, rows), "", *notes, *provenance_lines(provenance, markdown=True)]
    return "\n".join(out) + "\n"


def report_cells(table: pl.DataFrame) -> tuple[list[str], list[list[str]], list[str]]:
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
            cell = fmt(row[column])
            low, high = row.get(f"{column}_CI_low"), row.get(f"{column}_CI_high")
            if low is not None and high is not None:
                cell += f" [{fmt(low)}, {fmt(high)}]"
            cells.append(cell)
        cells.append(str(row["Verdict"]))
        rows.append(cells)
        if row.get("Notes"):
            prefix = f"{row[group[0]]}, " if group else ""
            notes.append(f"{prefix}{row['Variable']}: {row['Notes']}")
    return headers, rows, notes


REPORT_FOOTER = (
    f"Verdict from Krippendorff's alpha ({VERDICT_SOURCES}): {VERDICT_TEXT}. Intervals in "
    "brackets: bootstrap for alpha, analytic (Gwet; Fleiss, Cohen & Everitt) for the kappa "
    "family."
)
#: Under a report without a bootstrap of alpha.
NO_INTERVAL = "no interval of alpha: the verdicts read the point estimates only (add a bootstrap)"


def report_document(table: pl.DataFrame) -> Document:
    """The report's table, intervals in brackets, and its notes."""
    headers, rows, notes = report_cells(table)
    numbers = {i for i, h in enumerate(headers) if h.startswith("n_")}
    key = headers.index("Variable") + 1
    footer = [REPORT_FOOTER]
    if "Krippendorffs_Alpha" in table.columns and "Krippendorffs_Alpha_CI_low" not in table.columns:
        footer.append(NO_INTERVAL)
    return [Table(headers, rows, right=numbers, key=key), Notes([*footer, *notes])]


def report_to_text(table: pl.DataFrame) -> str:
    """The report as a plain-text table, intervals in brackets, notes below."""
    return plain(report_document(table))


def report_to_markdown(report: ReliabilityReport) -> str:
    """The report as a Markdown table, intervals in brackets, notes as a list, provenance."""
    headers, rows, notes = report_cells(report.table)
    out = [
        markdown_table(headers, rows),
        "",
        md_escape(REPORT_FOOTER),
        *[f"- {md_escape(n)}" for n in notes],
        *provenance_lines(report.provenance, markdown=True),
    ]
    return "\n".join(out) + "\n"


def report_to_json(report: ReliabilityReport) -> str:
    """The report as JSON: ``provenance``, and ``results``, one object per row, full precision."""
    return _json(report.table.to_dicts(), report.provenance)


def report_to_csv(table: pl.DataFrame) -> str:
    """The report as CSV with tidycomm's column names (full precision)."""
    return table.write_csv()


def _agreement_table(results: Sequence[AgreementResult]) -> tuple[list[str], list[list[str]]]:
    headers = [
        "variable",
        "coefficient",
        "value",
        "CI",
        "se",
        "units",
        "dropped",
        "coders",
        "verdict",
    ]
    rows = []
    for r in results:
        ci = f"{fmt(r.ci[0])} .. {fmt(r.ci[1])}" if r.ci else ""
        se = fmt(r.se) if r.se is not None else ""
        if not r.applies:
            rows.append([r.variable or "", r.coefficient, "n/a", "", "", "", "", str(r.coders), ""])
            continue
        rows.append(
            [
                r.variable or "",
                r.coefficient,
                fmt(r.value),
                ci,
                se,
                str(r.units),
                str(r.units_dropped),
                str(r.coders),
                r.verdict,
            ]
        )
    return headers, rows


def _agreement_notes(results: Sequence[AgreementResult]) -> list[str]:
    scored = [r for r in results if r.applies]
    notes = sorted({f"{r.coefficient}: {r.method}; missing values: {r.missing}" for r in scored})
    notes += [f"{r.variable}: undefined: {r.reason}" for r in scored if r.reason]
    skipped: dict[tuple[str, str], list[str]] = {}
    for r in results:
        if not r.applies:
            skipped.setdefault((r.coefficient, r.reason or ""), []).append(r.variable or "")
    notes += [
        f"{coefficient} not computed for {', '.join(names)} ({why})"
        for (coefficient, why), names in skipped.items()
    ]
    if scored:
        notes.append(VERDICT_RULE)
    return notes


def agreement_document(results: Sequence[AgreementResult]) -> Document:
    """One coefficient per variable: value, interval, standard error, counts, verdict."""
    headers, rows = _agreement_table(results)
    numbers = {
        i for i, h in enumerate(headers) if h in ("value", "se", "units", "dropped", "coders")
    }
    return [Table(headers, rows, right=numbers), Notes(_agreement_notes(results))]


def agreement_to_text(results: Sequence[AgreementResult]) -> str:
    """One coefficient per variable: value, interval, standard error, counts."""
    return plain(agreement_document(results))


def agreement_to_markdown(
    results: Sequence[AgreementResult], provenance: Provenance | None = None
) -> str:
    """The table of :func:`agreement_to_text` in Markdown, notes as a list, provenance."""
    headers, rows = _agreement_table(results)
    notes = [f"- {md_escape(n)}" for n in _agreement_notes(results)]
    out = [markdown_table(headers, rows), "", *notes, *provenance_lines(provenance, markdown=True)]
    return "\n".join(out) + "\n"


def agreement_to_json(
    results: Sequence[AgreementResult], provenance: Provenance | None = None
) -> str:
    """JSON: ``provenance``, and ``results`` with one object per variable."""
    return _json([r.to_dict() for r in results], provenance)


def agreement_to_csv(results: Sequence[AgreementResult]) -> str:
    """One row per variable, full precision; per-category values only in JSON."""
    records = [{k: v for k, v in r.to_dict().items() if not isinstance(v, dict)} for r in results]
    columns = list(dict.fromkeys(k for rec in records for k in rec))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def _unitizing_summary(result: UnitizingResult) -> list[tuple[str, str]]:
    """The overall figures of a unitizing result as (label, text) pairs."""
    out: list[tuple[str, str]] = []
    for key, value in result.to_dict().items():
        if key in ("per_category", "categories"):
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, float):
            text = fmt(value)
        elif value is None:
            text = "undefined" if key.endswith("alpha") else ""
        else:
            text = str(value)
        out.append((key, text))
        if key == "alpha":
            out.append(("verdict", result.verdict))
    return out


def unitizing_document(result: UnitizingResult) -> Document:
    """The overall figures (numbers to 3 decimals) and the per-category table."""
    lines = [f"{key}: {text}" for key, text in _unitizing_summary(result)]
    return [Notes(lines), frame_table(result.per_category())]


def unitizing_to_text(result: UnitizingResult) -> str:
    """Overall figures (numbers to 3 decimals) and the per-category table as plain text."""
    return plain(unitizing_document(result))


def unitizing_to_markdown(result: UnitizingResult) -> str:
    """Overall figures as a list and the per-category table, in Markdown."""
    lines = [f"- **{key}**: {md_escape(text)}" for key, text in _unitizing_summary(result)]
    return "\n".join(lines) + "\n\n" + frame_to_markdown(result.per_category()) + "\n"


def unitizing_to_csv(result: UnitizingResult) -> str:
    """The per-category table as CSV, full precision, with the variant and variable."""
    table = result.per_category().with_columns(
        pl.lit(result.variant).alias("variant"), pl.lit(result.variable).alias("variable")
    )
    return frame_to_csv(table.select("variant", "variable", *result.per_category().columns))
