"""Codebooks for people: readable plain text, and a Markdown coding manual."""

from __future__ import annotations

import textwrap

from statecode.codebook import Codebook, Variable
from statecode.render._tables import md_escape, text_table

__all__ = ["codebook_to_markdown", "codebook_to_text"]


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
            f"| [`{var.name}`](#{var.name}) | {md_escape(var.label)} | {_kind(var)} "
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
