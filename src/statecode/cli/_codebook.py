"""``statecode codebook``: show, check, export and list codebooks."""

from __future__ import annotations

from typing import Annotated

import typer

from statecode.cli._app import codebook_app
from statecode.cli._common import CodebookArg, OutputOpt, emit, user_errors
from statecode.options import CodebookFormat

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


@codebook_app.command("export", short_help="Export a codebook as a coding manual.")
@user_errors
def codebook_export(
    codebook: CodebookArg,
    to: Annotated[
        CodebookFormat, typer.Option("--to", help="Output format.", case_sensitive=False)
    ] = CodebookFormat.MARKDOWN,
    output: OutputOpt = None,
) -> None:
    """Export a codebook as a printable coding manual (Markdown), TOML or plain text."""
    from statecode import codebook_to_markdown, codebook_to_text, read_codebook
    from statecode.io import codebook_to_toml

    cb = read_codebook(codebook)
    renderers = {
        CodebookFormat.MARKDOWN: codebook_to_markdown,
        CodebookFormat.TOML: codebook_to_toml,
        CodebookFormat.TEXT: codebook_to_text,
    }
    emit(renderers[to](cb), output)


@codebook_app.command("list", short_help="List the shipped codebooks.")
def codebook_list() -> None:
    """List the codebooks shipped with statecode."""
    from statecode import shipped_codebooks

    for name, path in shipped_codebooks().items():
        typer.echo(f"{name}\t{path}")
