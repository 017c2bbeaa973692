"""The Typer applications every command module registers with, and how their help reads.

Help shows what to type: ``PATH``, ``INTEGER``, ``[nominal|ordinal|...]``, the usage line
``statecode alpha [OPTIONS] DATA``; ``-h`` is ``--help``; ``statecode --version`` prints the
version. Every option that takes a value declares its placeholder (``metavar``): the test
suite fails on one that does not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from importlib import metadata
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

try:  # typer vendors click since 0.2x; before, it used click itself
    from typer._click import Context, HelpFormatter
except ImportError:  # pragma: no cover - older typer
    from click import Context, HelpFormatter  # type: ignore[assignment]

__all__ = ["CONTEXT", "Command", "Group", "app", "codebook_app", "command", "version"]

#: Every command and group: ``-h`` as well as ``--help``; help text as wide as the terminal.
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def version() -> str:
    """The installed statecode's version."""
    try:
        return metadata.version("statecode")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def _shown(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _option_record(param: Any) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    names = ", ".join(sorted(param.opts, key=len)) + "".join(
        f" / {o}" for o in getattr(param, "secondary_opts", ())
    )
    if not param.is_flag:
        names += f" {param.metavar or 'VALUE'}"
    extra = []
    default = param.default
    shows = getattr(param, "show_default", True) is not False
    if shows and not param.is_flag and default not in (None, (), [], "") and not callable(default):
        extra.append(f"default: {_shown(default)}")
    if param.required:
        extra.append("required")
    text = param.help or ""
    if extra:
        text = f"{text}  [{'; '.join(extra)}]".strip()
    return names, text


def _argument_name(param: Any) -> str:
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


class Command(TyperCommand):
    """A command whose help says ``DATA`` and ``PATH``, not ``{data}`` and ``<path>``."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar or "[OPTIONS]"]
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                help_text = getattr(param, "help", None) or ""
                arguments.append((_argument_name(param), help_text))
            elif param.param_type_name == "option":
                record = _option_record(param)
                if record is not None:
                    options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


#: The order ``statecode --help`` lists the commands in: the workflow's.
ORDER = (
    "alpha",
    "report",
    "agreement",
    "coders",
    "validate",
    "unitizing",
    "compare",
    "import",
    "export",
    "codebook",
)


class Group(TyperGroup):
    """A group of commands whose help lists its options as :class:`Command` does."""

    def list_commands(self, ctx: Context) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        options = [r for p in self.get_params(ctx) if (r := _option_record(p)) is not None]
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)
        self.format_commands(ctx, formatter)


def _app(help_text: str, **options: Any) -> typer.Typer:
    return typer.Typer(
        help=help_text,
        cls=Group,
        context_settings=CONTEXT,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        **options,
    )


app = _app("Structured coding of political statements and inter-coder reliability.")
codebook_app = _app("Show, check and export codebooks.")
app.add_typer(codebook_app, name="codebook")


def command(
    on: typer.Typer, name: str, short_help: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command of ``on`` with statecode's help layout."""
    return on.command(name, cls=Command, short_help=short_help)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"statecode {version()}")
        raise typer.Exit


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the traceback when statecode hits a bug."),
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Structured coding of political statements and inter-coder reliability."""
