"""The ``statecode`` command line: parse, call the library, render, map errors to exit codes.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from statecode._render import codebook_to_markdown, codebook_to_text
from statecode._typing import CodebookFormat
from statecode.exceptions import CodebookError, StatecodeError
from statecode.io import codebook_to_toml, read_codebook, shipped_codebooks
from statecode.io._atomic import write_text_atomic

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="statecode",
    help="Structured coding of political statements and inter-coder reliability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
codebook_app = typer.Typer(
    help="Show, check and export codebooks.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(codebook_app, name="codebook")


def _fail(error: StatecodeError) -> typer.Exit:
    if isinstance(error, CodebookError) and len(error.problems) > 1:
        head = f"{error.source}: " if error.source else ""
        for problem in error.problems:
            typer.echo(f"error: {head}{problem}", err=True)
    else:
        typer.echo(f"error: {' '.join(str(error).split())}", err=True)
    return typer.Exit(1)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`StatecodeError` into message lines on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StatecodeError as error:
            raise _fail(error) from None

    return wrapper


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)


CodebookArg = Annotated[
    str, typer.Argument(help="A codebook file (.toml) or the name of a shipped codebook.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


@codebook_app.command("show")
@user_errors
def codebook_show(codebook: CodebookArg) -> None:
    """Print a codebook as readable tables: variables, then the codes of each."""
    typer.echo(codebook_to_text(read_codebook(codebook)), nl=False)


@codebook_app.command("check")
@user_errors
def codebook_check(codebook: CodebookArg) -> None:
    """Validate a codebook: exit 0, or print each problem on its own line and exit 1."""
    cb = read_codebook(codebook)
    n_codes = sum(len(v.categories) for v in cb)
    typer.echo(f"ok: {cb.name}: {len(cb)} variables, {n_codes} codes")


@codebook_app.command("export")
@user_errors
def codebook_export(
    codebook: CodebookArg,
    to: Annotated[
        CodebookFormat, typer.Option("--to", help="Output format.", case_sensitive=False)
    ] = CodebookFormat.MARKDOWN,
    output: OutputOpt = None,
) -> None:
    """Export a codebook as a printable coding manual (Markdown), TOML or plain text."""
    cb = read_codebook(codebook)
    renderers = {
        CodebookFormat.MARKDOWN: codebook_to_markdown,
        CodebookFormat.TOML: codebook_to_toml,
        CodebookFormat.TEXT: codebook_to_text,
    }
    _emit(renderers[to](cb), output)


@codebook_app.command("list")
def codebook_list() -> None:
    """List the codebooks shipped with statecode."""
    for name, path in shipped_codebooks().items():
        typer.echo(f"{name}\t{path}")


def main() -> None:
    """Entry point of the ``statecode`` console script."""
    app()
