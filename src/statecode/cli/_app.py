"""The Typer applications every command module registers with."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["app", "codebook_app"]

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


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the traceback when statecode hits a bug."),
    ] = False,
) -> None:
    """Structured coding of political statements and inter-coder reliability."""
