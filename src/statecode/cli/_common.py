"""What every command shares: the error boundary, output, and the options declared once.

The command modules import the library inside each command, so that ``statecode --help``
loads Typer and the option choices only, not polars and numpy.
"""

from __future__ import annotations

import functools
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer

try:  # typer vendors click since 0.2x; before, it used click itself
    from typer._click import exceptions as click_exceptions
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_exceptions  # type: ignore[no-redef]
    from click import get_current_context  # type: ignore[no-redef]

from statecode.exceptions import (
    DegenerateDataWarning,
    OptionError,
    StatecodeError,
    StatecodeWarning,
)

if TYPE_CHECKING:
    from statecode.codebook import Codebook
    from statecode.render import Document

__all__ = [
    "BUG_EXIT",
    "cli_terms",
    "codebook_or_none",
    "emit",
    "user_errors",
]

P = ParamSpec("P")
R = TypeVar("R")


#: Library keywords whose command-line option has another name.
_ALIASES = {
    "variables": "variable",
    "variable_name": "variable",
    "value": "variable",
    "levels": "level",
    "domains": "domain",
}
#: Keyword values the command line spells as a flag of their own.
_FLAGS = {("layout", "wide"): "--wide", ("skip_invalid", "True"): "--skip-invalid"}
_KEYWORD = re.compile(
    r"(?<![\w.\-])([A-Za-z_][A-Za-z0-9_]*)="
    r"('(?:[^'\\]|\\.)*'|\"[^\"]*\"|\([^)]*\)|\[[^\]]*\]|[^\s,;)\]]*)"
)
#: Exit code of a bug (sysexits' EX_SOFTWARE), apart from 1 (bad input) and 2 (usage).
BUG_EXIT = 70
#: Where to report one.
ISSUES = "https://github.com/statecode/statecode/issues"


def _options() -> dict[str, str]:
    """Keyword name -> option of the running command (``period`` -> ``--period``)."""
    ctx = get_current_context(silent=True)
    if ctx is None:
        return {}
    out = {}
    for param in ctx.command.params:
        flags = [o for o in param.opts if o.startswith("--")]
        if param.param_type_name == "option" and flags and param.name:
            out[param.name] = max(flags, key=len)
    return out


def _spelled(value: str) -> str:
    """A keyword's value as typed on a command line: ``'Cu'`` -> ``Cu``."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if value.startswith(("[", "(")):
        items = [i.strip().strip("'\"") for i in value[1:-1].split(",")]
        return ",".join(i for i in items if i and i != "...")
    return value


def cli_terms(text: str) -> str:
    """A library message in the command's terms: each ``keyword=`` becomes its option.

    The library names the keyword (``period=``, ``variant='Cu'``); the command line shows
    the option (``--period``, ``--variant Cu``). Keywords the command has no option for
    are left as they are.
    """
    options = _options()

    def option(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        flag = _FLAGS.get((name, _spelled(value)))
        if flag is not None:
            return flag
        cli = options.get(name) or options.get(_ALIASES.get(name, ""))
        if cli is None:
            return match.group(0)
        spelled = _spelled(value)
        return f"{cli} {spelled}" if spelled else cli

    return _KEYWORD.sub(option, text)


def _fail(error: StatecodeError) -> typer.Exit:
    problems = getattr(error, "problems", ())
    if len(problems) > 1:
        source = getattr(error, "source", None)
        head = f"{source}: " if source else ""
        for problem in problems:
            typer.echo(f"error: {cli_terms(f'{head}{problem}')}", err=True)
    else:
        typer.echo(f"error: {cli_terms(' '.join(str(error).split()))}", err=True)
    return typer.Exit(2 if isinstance(error, OptionError) else 1)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    typer.echo(f"warning: {cli_terms(' '.join(str(message).split()))}", err=True)


def _bug(error: BaseException) -> typer.Exit:
    """An exception that is not a StatecodeError: statecode's fault, said so."""
    ctx = get_current_context(silent=True)
    debug = bool(ctx and ctx.find_root().params.get("debug"))
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    name = type(error).__name__
    detail = " ".join(str(error).split())[:300]
    typer.echo(
        f"error: this is a bug in statecode, not in your input ({name}: {detail}); please "
        f"report it at {ISSUES} with the command you ran"
        + ("" if debug else " and the traceback that statecode --debug ... prints"),
        err=True,
    )
    return typer.Exit(BUG_EXIT)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The error boundary of a command.

    A :class:`StatecodeError` becomes its message lines on stderr, in the command's terms,
    and exit code 1 (2 for an :class:`OptionError`, a usage error); statecode's warnings
    become ``warning:`` lines. Anything else is a bug: one line saying so (the traceback
    under ``statecode --debug``) and exit code 70.
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
            except (typer.Exit, typer.Abort, click_exceptions.ClickException):
                raise
            except Exception as error:  # noqa: BLE001 - the boundary: anything else is a bug
                raise _bug(error) from None
            finally:
                warnings.showwarning = saved

    return wrapper


def emit(content: str | Document, output: Path | None) -> None:
    """Print ``content``, or write it to ``output`` atomically.

    A document of tables is fitted to the terminal by rich when stdout is one, and written
    as plain text to pipes and files.
    """
    if not isinstance(content, str):
        from statecode.render import plain, show

        if output is None and sys.stdout.isatty():
            show(content)
            return
        content = plain(content)
    if output is None:
        sys.stdout.write(content)
    else:
        from statecode.io import write_text

        write_text(output, content)


def codebook_or_none(codebook: str | None) -> Codebook | None:
    """The codebook an option names, if any."""
    from statecode.io import read_codebook

    return read_codebook(codebook) if codebook is not None else None
