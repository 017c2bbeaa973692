"""``statecode codebook``: show, check, export and list codebooks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from statecode.cli._app import codebook_app
from statecode.cli._common import CodebookArg, OutputOpt, emit, user_errors
from statecode.options import CodebookFormat

if TYPE_CHECKING:
    from statecode.codebook import Codebook

__all__ = ["codebook_check", "codebook_export", "codebook_list", "codebook_show"]


@codebook_app.command("show", short_help="Print a codebook as readable tables.")
@user_errors
def codebook_show(codebook: CodebookArg) -> None:
    """Print a codebook as readable tables: variables, then the codes of each."""
    from statecode import codebook_to_text, read_codebook

    typer.echo(codebook_to_text(read_codebook(codebook)), nl=False)


@codebook_app.command("check", short_help="Validate a codebook; list every problem.")
@user_errors
def codebook_check(codebook: CodebookArg) -> None:
    """Validate a codebook: exit 0, or print each problem on its own line and exit 1."""
    from statecode import read_codebook

    cb = read_codebook(codebook)
    n_codes = sum(len(v.categories) for v in cb)
    typer.echo(f"ok: {cb.name}: {len(cb)} variables, {n_codes} codes")


@codebook_app.command("export", short_help="Export a codebook for people or other tools.")
@user_errors
def codebook_export(
    codebook: CodebookArg,
    to: Annotated[
        CodebookFormat, typer.Option("--to", help="Output format.", case_sensitive=False)
    ] = CodebookFormat.MARKDOWN,
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


@codebook_app.command("list", short_help="List the shipped codebooks.")
def codebook_list() -> None:
    """List the codebooks shipped with statecode."""
    from statecode import shipped_codebooks

    for name, path in shipped_codebooks().items():
        typer.echo(f"{name}\t{path}")
