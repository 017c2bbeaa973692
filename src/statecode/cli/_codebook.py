"""``statecode codebook``: show, check, export and list codebooks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from statecode.cli._app import codebook_app, command
from statecode.cli._common import emit, user_errors
from statecode.cli._options import CodebookArg, OutputOpt, choice
from statecode.exceptions import OptionError
from statecode.options import CodebookFormat

if TYPE_CHECKING:
    from statecode.codebook import Codebook

__all__ = ["codebook_check", "codebook_export", "codebook_list", "codebook_show"]


@command(codebook_app, "show", "Print a codebook as readable tables.")
@user_errors
def codebook_show(codebook: CodebookArg) -> None:
    """Print a codebook as readable tables: variables, then the codes of each."""
    from statecode import codebook_to_text, read_codebook

    typer.echo(codebook_to_text(read_codebook(codebook)), nl=False)


@command(codebook_app, "check", "Validate a codebook; list every problem.")
@user_errors
def codebook_check(codebook: CodebookArg) -> None:
    """Validate a codebook: exit 0, or print each problem on its own line and exit 1."""
    from statecode import read_codebook

    cb = read_codebook(codebook)
    n_codes = sum(len(v.categories) for v in cb)
    typer.echo(f"ok: {cb.name}: {len(cb)} variables, {n_codes} codes")


@command(codebook_app, "export", "Export a codebook for people or other tools.")
@user_errors
def codebook_export(
    codebook: CodebookArg,
    to: Annotated[
        CodebookFormat | None,
        typer.Option(
            "--to",
            help="Output format (default: from the suffix of -o: .md, .toml, .txt, .xml; else "
            "markdown).",
            **choice(CodebookFormat),
        ),
    ] = None,
    output: OutputOpt = None,
    spans: Annotated[
        bool, typer.Option("--spans", help="labelstudio: <Labels> to mark spans, not <Choices>.")
    ] = False,
) -> None:
    """Export a codebook: a coding manual (Markdown), TOML, plain text, or for other tools.

    frictionless: a Table Schema of the coding table; ddi: DDI Codebook 2.5; json-schema:
    what language models' structured output takes; labelstudio: a labelling configuration.
    """
    from statecode import (
        codebook_to_ddi,
        codebook_to_frictionless,
        codebook_to_json_schema,
        codebook_to_labelstudio,
        codebook_to_markdown,
        codebook_to_text,
        read_codebook,
    )
    from statecode.io import codebook_to_toml

    to = to or _format_of(output)
    if spans and to is not CodebookFormat.LABELSTUDIO:
        msg = "--spans is for --to labelstudio (span labels instead of choices)"
        raise typer.BadParameter(msg, param_hint="--spans")
    cb = read_codebook(codebook)
    renderers: dict[CodebookFormat, Callable[[Codebook], str]] = {
        CodebookFormat.MARKDOWN: codebook_to_markdown,
        CodebookFormat.TOML: codebook_to_toml,
        CodebookFormat.TEXT: codebook_to_text,
        CodebookFormat.FRICTIONLESS: codebook_to_frictionless,
        CodebookFormat.DDI: codebook_to_ddi,
        CodebookFormat.JSON_SCHEMA: codebook_to_json_schema,
        CodebookFormat.LABELSTUDIO: functools.partial(codebook_to_labelstudio, spans=spans),
    }
    emit(renderers[to](cb), output)


@command(codebook_app, "list", "List the shipped codebooks.")
def codebook_list() -> None:
    """List the codebooks shipped with statecode."""
    from statecode import shipped_codebooks

    for name, path in shipped_codebooks().items():
        typer.echo(f"{name}\t{path}")


_SUFFIXES = {
    ".md": CodebookFormat.MARKDOWN,
    ".markdown": CodebookFormat.MARKDOWN,
    ".toml": CodebookFormat.TOML,
    ".txt": CodebookFormat.TEXT,
    ".xml": CodebookFormat.DDI,
}


def _format_of(output: Path | None) -> CodebookFormat:
    if output is None:
        return CodebookFormat.MARKDOWN
    chosen = _SUFFIXES.get(output.suffix.lower())
    if chosen is None:
        listed = ", ".join(m.value for m in CodebookFormat)
        msg = (
            f"-o {output}: the suffix does not say which format to write (.md, .toml, .txt, "
            f".xml); give --to ({listed})"
        )
        raise OptionError(msg, option="to")
    return chosen
