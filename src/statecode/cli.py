"""The ``statecode`` command line: parse, call the library, render, map errors to exit codes.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from statecode._render import (
    alpha_to_csv,
    alpha_to_json,
    alpha_to_markdown,
    alpha_to_text,
    codebook_to_markdown,
    codebook_to_text,
)
from statecode._typing import (
    AlphaLevel,
    BootstrapMethod,
    CodebookFormat,
    OutputFormat,
    SetDistance,
)
from statecode.exceptions import DegenerateDataWarning, StatecodeError, _ProblemsError
from statecode.io import codebook_to_toml, read_codebook, shipped_codebooks
from statecode.io._atomic import write_text_atomic
from statecode.io._tabular import DEFAULT_MISSING, read_codings
from statecode.reliability import AlphaResult, krippendorff_alpha

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
    if isinstance(error, _ProblemsError) and len(error.problems) > 1:
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
        except ValueError as error:
            # option values the library refuses (a misspelt level, say) are usage errors
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None

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


@codebook_app.command("show", short_help="Print a codebook as readable tables.")
@user_errors
def codebook_show(codebook: CodebookArg) -> None:
    """Print a codebook as readable tables: variables, then the codes of each."""
    typer.echo(codebook_to_text(read_codebook(codebook)), nl=False)


@codebook_app.command("check", short_help="Validate a codebook; list every problem.")
@user_errors
def codebook_check(codebook: CodebookArg) -> None:
    """Validate a codebook: exit 0, or print each problem on its own line and exit 1."""
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
    cb = read_codebook(codebook)
    renderers = {
        CodebookFormat.MARKDOWN: codebook_to_markdown,
        CodebookFormat.TOML: codebook_to_toml,
        CodebookFormat.TEXT: codebook_to_text,
    }
    _emit(renderers[to](cb), output)


@codebook_app.command("list", short_help="List the shipped codebooks.")
def codebook_list() -> None:
    """List the codebooks shipped with statecode."""
    for name, path in shipped_codebooks().items():
        typer.echo(f"{name}\t{path}")


@app.command("alpha", short_help="Krippendorff's alpha per variable, with CIs.")
@user_errors
def alpha(
    data: Annotated[Path, typer.Argument(help="Coded data: .csv, .tsv, .parquet or .jsonl.")],
    codebook: Annotated[
        str | None,
        typer.Option(help="Codebook file or shipped name; values are checked against it."),
    ] = None,
    variable: Annotated[
        list[str] | None,
        typer.Option("--variable", "--value", help="Variable column to score (repeatable)."),
    ] = None,
    unit: Annotated[str, typer.Option(help="Name of the unit id column.")] = "unit",
    coder: Annotated[str, typer.Option(help="Name of the coder id column.")] = "coder",
    wide: Annotated[
        bool, typer.Option("--wide", help="A row per unit and a column per coder.")
    ] = False,
    level: Annotated[
        AlphaLevel | None,
        typer.Option(help="Level of measurement (default: the codebook's, else nominal)."),
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="All values in order, comma-separated (ordinal text).")
    ] = None,
    distance: Annotated[
        SetDistance | None, typer.Option(help="Distance between sets of codes.")
    ] = None,
    period: Annotated[float | None, typer.Option(help="Period of circular values.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates (0: none).", min=0)] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the bootstrap.")] = None,
    method: Annotated[
        BootstrapMethod, typer.Option(help="Bootstrap method.")
    ] = BootstrapMethod.UNITS,
    confidence: Annotated[
        float, typer.Option(help="Level of the bootstrap interval.", min=0.5, max=0.999)
    ] = 0.95,
    missing: Annotated[
        list[str] | None,
        typer.Option(help="Cell text meaning missing (repeatable; default: empty, NA, NaN, .)."),
    ] = None,
    separator: Annotated[str, typer.Option(help="Separator of codes in multi-label cells.")] = ";",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Compute Krippendorff's alpha per variable, with an optional bootstrap interval."""
    cb = read_codebook(codebook) if codebook is not None else None
    table = read_codings(
        data,
        codebook=cb,
        layout="wide" if wide else "long",
        unit=unit,
        coder=coder,
        variables=variable or None,
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
        variable_name=(variable or ["value"])[0],
    )
    results: list[AlphaResult] = []
    for name in table.variables:
        # an undefined alpha is reported in the output with its reason, not as a warning
        with _progress(bootstrap, name) as tick, warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            results.append(
                krippendorff_alpha(
                    table,
                    variable=name,
                    level=level,
                    domain=domain.split(",") if domain else None,
                    distance=distance,
                    period=period,
                    bootstrap=bootstrap,
                    method=method,
                    seed=seed,
                    confidence=confidence,
                    progress=tick,
                )
            )
    renderers = {
        OutputFormat.TABLE: alpha_to_text,
        OutputFormat.JSON: alpha_to_json,
        OutputFormat.CSV: alpha_to_csv,
        OutputFormat.MARKDOWN: alpha_to_markdown,
    }
    _emit(renderers[output_format](results), output)


@contextlib.contextmanager
def _progress(replicates: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long bootstraps, only when stderr is a terminal."""
    if replicates < 2000 or not sys.stderr.isatty():
        yield None
        return
    with typer.progressbar(length=replicates, label=label, file=sys.stderr) as bar:
        yield bar.update


def main() -> None:
    """Entry point of the ``statecode`` console script."""
    app()
