"""What every command shares: the error boundary, output, and the options declared once.

The command modules import the library inside each command, so that ``statecode --help``
loads Typer and the option choices only, not polars and numpy.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from statecode.exceptions import (
    DegenerateDataWarning,
    OptionError,
    StatecodeError,
    StatecodeWarning,
)

if TYPE_CHECKING:
    from statecode.codebook import Codebook
    from statecode.table import CodingTable

__all__ = [
    "CodebookOpt",
    "CoderOpt",
    "DataArg",
    "MissingOpt",
    "OutputOpt",
    "SeparatorOpt",
    "SkipOpt",
    "UnitOpt",
    "VariableOpt",
    "codebook_or_none",
    "emit",
    "progress_bar",
    "report_skipped",
    "user_errors",
]

P = ParamSpec("P")
R = TypeVar("R")


def _fail(error: StatecodeError) -> typer.Exit:
    problems = getattr(error, "problems", ())
    if len(problems) > 1:
        source = getattr(error, "source", None)
        head = f"{source}: " if source else ""
        for problem in problems:
            typer.echo(f"error: {head}{problem}", err=True)
    else:
        typer.echo(f"error: {' '.join(str(error).split())}", err=True)
    return typer.Exit(2 if isinstance(error, OptionError) else 1)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    typer.echo(f"warning: {' '.join(str(message).split())}", err=True)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The error boundary of a command.

    A :class:`StatecodeError` becomes its message lines on stderr and exit code 1 (2 for an
    :class:`OptionError`, a usage error); statecode's warnings become ``warning:`` lines.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with warnings.catch_warnings():
            warnings.simplefilter("always", StatecodeWarning)
            # an undefined coefficient is reported in the output with its reason
            warnings.simplefilter("ignore", DegenerateDataWarning)
            saved = warnings.showwarning
            warnings.showwarning = _show_warning
            try:
                return func(*args, **kwargs)
            except StatecodeError as error:
                raise _fail(error) from None
            finally:
                warnings.showwarning = saved

    return wrapper


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` atomically."""
    if output is None:
        sys.stdout.write(text)
    else:
        from statecode.io import write_text

        write_text(output, text)


def codebook_or_none(codebook: str | None) -> Codebook | None:
    """The codebook an option names, if any."""
    from statecode.io import read_codebook

    return read_codebook(codebook) if codebook is not None else None


def report_skipped(table: CodingTable) -> None:
    """Say on stderr how many invalid entries ``--skip-invalid`` left out."""
    if table.skipped:
        typer.echo(
            f"warning: {table.source}: skipped {len(table.skipped)} invalid entries "
            "(statecode validate lists them)",
            err=True,
        )


@contextlib.contextmanager
def progress_bar(replicates: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long bootstraps, only when stderr is a terminal."""
    if replicates < 2000 or not sys.stderr.isatty():
        yield None
        return
    with typer.progressbar(length=replicates, label=label, file=sys.stderr) as bar:
        yield bar.update


CodebookArg = Annotated[
    str, typer.Argument(help="A codebook file (.toml) or the name of a shipped codebook.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
SkipOpt = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Leave out invalid rows and values (counted on stderr)."),
]
DataArg = Annotated[Path, typer.Argument(help="Coded data: .csv, .tsv, .parquet or .jsonl.")]
CodebookOpt = Annotated[
    str | None, typer.Option(help="Codebook file or shipped name; values are checked against it.")
]
VariableOpt = Annotated[
    list[str] | None, typer.Option("--variable", help="Variable column to score (repeatable).")
]
UnitOpt = Annotated[str, typer.Option(help="Name of the unit id column.")]
CoderOpt = Annotated[str, typer.Option(help="Name of the coder id column.")]
MissingOpt = Annotated[
    list[str] | None,
    typer.Option(help="Cell text meaning missing (repeatable; default: empty, NA, NaN, .)."),
]
SeparatorOpt = Annotated[str, typer.Option(help="Separator of codes in multi-label cells.")]
WideOpt = Annotated[bool, typer.Option("--wide", help="A row per unit and a column per coder.")]
CorpusOutOpt = Annotated[
    Path | None,
    typer.Option(help="Also write the texts as documents.csv and statements.csv here."),
]
