"""The command line's options, declared once.

Every analysis command (``alpha``, ``agreement``, ``report``, ``coders``, ``compare``,
``validate``) reads its coded data through :func:`coded_input`, which gives it the same
input options with the same meaning: ``--codebook``, ``--wide``, ``--unit``/``--coder``,
``--variable``, ``--level [VAR=]LEVEL``, ``--domain [VAR=]A,B,C``, ``--missing``,
``--separator``, ``--normalize``, ``--encoding``, ``--delimiter``, ``--skip-invalid``. Choices
are parsed as the library parses them (exactly, then ignoring case when that is
unambiguous: ``--level Ordinal``), and the output format follows the suffix of ``-o``.
"""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import attrs
import typer

from statecode.exceptions import DataError, OptionError, Problem
from statecode.options import (
    AlphaLevel,
    BootstrapMethod,
    Engine,
    Normalization,
    OutputFormat,
    ReportFormat,
    Unmatched,
    close_hint,
    find_member,
)

if TYPE_CHECKING:
    from statecode.table import CodingTable

__all__ = [
    "STREAM_BYTES",
    "BootstrapOpt",
    "CodebookArg",
    "CodebookOpt",
    "CodedInput",
    "ConfidenceOpt",
    "CorpusOutOpt",
    "DataArg",
    "EngineOpt",
    "MetadataOpt",
    "MethodOpt",
    "OutputFormatOpt",
    "OutputOpt",
    "ReportFormatOpt",
    "SchedulerOpt",
    "SeedOpt",
    "UnmatchedOpt",
    "choice",
    "coded_input",
    "output_format",
]

E = TypeVar("E", bound=enum.StrEnum)
F = TypeVar("F", bound=Callable[..., Any])


def choice(
    enum_type: type[E], *, exclude: Iterable[E] = (), metavar: str | None = None
) -> dict[str, Any]:
    """``typer.Option`` keywords for an enum option: its parser and ``[a|b|c]`` placeholder.

    The parser takes a member's value exactly, then ignoring letter case when only one
    member matches (``Ordinal`` is ``ordinal``, ``cu`` and ``Cu`` stay apart), as the library
    does; ``exclude`` leaves out members the command cannot use.
    """
    left_out = set(exclude)
    members = [m for m in enum_type if m not in left_out]
    names = "|".join(m.value for m in members)

    def parse(value: E | str) -> E:
        member = value if isinstance(value, enum_type) else find_member(enum_type, value)
        if member is None or member in left_out:
            listed = ", ".join(m.value for m in members)
            msg = f"{value!r} is not one of {listed}{close_hint(enum_type, value)}"
            raise typer.BadParameter(msg)
        return member

    return {"parser": parse, "metavar": metavar or f"[{names}]"}


# --------------------------------------------------------------------------------------------
# the input options


CodebookOpt = Annotated[
    str | None,
    typer.Option(
        metavar="CODEBOOK",
        help="A codebook file (.toml, .qdc ...) or a shipped codebook's name; every value is "
        "checked against it, and it gives each variable's level.",
    ),
]
WideOpt = Annotated[
    bool, typer.Option("--wide", help="The file has a row per unit and a column per coder.")
]
UnitOpt = Annotated[str, typer.Option(metavar="COLUMN", help="The column of unit ids.")]
CoderOpt = Annotated[str, typer.Option(metavar="COLUMN", help="The column of coder ids.")]
VariableOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--variable",
        metavar="NAME",
        help="A variable to score (repeatable; default: every variable). With --wide, the "
        "name of the file's one variable.",
    ),
]
LevelOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar="[VAR=]LEVEL",
        help="Level of measurement, of every variable (ordinal) or of one "
        "(intensity=ordinal); repeatable; over the codebook's. Levels: "
        + ", ".join(m.value for m in AlphaLevel)
        + ".",
    ),
]
DomainOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar="[VAR=]A,B,C",
        help="The values in order (needed for ordinal text), of every variable or of one "
        "(intensity=low,mid,high); repeatable. A value outside it is an error.",
    ),
]
MissingOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar="TEXT",
        help="Cell text meaning missing (repeatable; default: empty, NA, NaN, .).",
    ),
]
SeparatorOpt = Annotated[
    str, typer.Option(metavar="TEXT", help="Separator of the codes in multi-label cells.")
]
NormalizeOpt = Annotated[
    Normalization | None,
    typer.Option(
        help="Make values that differ only in white space around codes (strip), also in "
        "Unicode form (nfc), or also in letter case (casefold) one value.",
        **choice(Normalization),
    ),
]
EncodingOpt = Annotated[
    str,
    typer.Option(
        metavar="NAME", help="Encoding of CSV/TSV files, e.g. cp1252 or latin-1 for old exports."
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        metavar="CHAR",
        help="Character between CSV cells (default: , or ; or tab, from the header).",
    ),
]
SkipOpt = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Leave out invalid rows and values (counted on stderr)."),
]


@attrs.frozen
class CodedInput:
    """How a command reads its coded data: the input options, parsed."""

    codebook: str | None = None
    wide: bool = False
    unit: str = "unit"
    coder: str = "coder"
    variable: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    missing: tuple[str, ...] | None = None
    separator: str = ";"
    normalize: Normalization | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    skip_invalid: bool = False

    def read(self, data: Path, *, by: str | None = None) -> CodingTable:
        """The coding table, checked against the codebook and every ``--domain``."""
        from statecode import read_codebook, read_codings
        from statecode.io import DEFAULT_MISSING

        table = read_codings(
            data,
            codebook=read_codebook(self.codebook) if self.codebook is not None else None,
            layout="wide" if self.wide else "long",
            unit=self.unit,
            coder=self.coder,
            variables=list(self.variable) or None,
            missing=DEFAULT_MISSING if self.missing is None else list(self.missing),
            separator=self.separator,
            variable_name=self.variable[0] if self.variable else "value",
            skip_invalid=self.skip_invalid,
            by=by,
            normalize=self.normalize,
            encoding=self.encoding,
            delimiter=self.delimiter,
        )
        if table.skipped:
            typer.echo(
                f"warning: {table.source}: skipped {len(table.skipped)} invalid entries "
                "(statecode validate lists them)",
                err=True,
            )
        self._check(table)
        return table

    def levels(self, table: CodingTable) -> dict[str, AlphaLevel]:
        """Each variable's ``--level``: one for every variable, then those given by name."""
        return self.levels_of(table.variables)

    def levels_of(self, variables: Sequence[str]) -> dict[str, AlphaLevel]:
        """:meth:`levels` for variables named (of data not read into a table)."""
        shared, named = _split(self.level, "level", _level)
        out = dict.fromkeys(variables, shared) if shared is not None else {}
        out.update(named)
        return out

    def domains(self, table: CodingTable) -> dict[str, list[str]]:
        """Each variable's ``--domain``: one for every variable, then those given by name."""
        return self.domains_of(table.variables)

    def domains_of(self, variables: Sequence[str]) -> dict[str, list[str]]:
        """:meth:`domains` for variables named (of data not read into a table)."""
        shared, named = _split(self.domain, "domain", _values)
        out = dict.fromkeys(variables, shared) if shared is not None else {}
        out.update(named)
        return out

    def streams(self, data: Path, engine: Engine) -> bool:
        """Whether ``data`` is scored streamed (or on Dask) rather than read into a table.

        ``auto`` streams a glob, and a Parquet/CSV/TSV file of 1 GiB or more when no option
        of the in-memory reader is given; ``streaming`` and ``dask`` always do, and refuse
        the options that need the in-memory reader.
        """
        from statecode.io import is_glob

        memory_only = {
            "--codebook": self.codebook is not None,
            "--wide": self.wide,
            "--normalize": self.normalize is not None,
            "--skip-invalid": self.skip_invalid,
            "--encoding": self.encoding.lower().replace("-", "") != "utf8",
        }
        given = [name for name, on in memory_only.items() if on]
        if engine is Engine.MEMORY:
            return False
        if engine is Engine.AUTO:
            large = (
                data.suffix.lower() in (".parquet", ".csv", ".tsv")
                and data.is_file()
                and data.stat().st_size >= STREAM_BYTES
            )
            if not (is_glob(data) or (large and not given)):
                return False
        if given:
            msg = (
                f"{', '.join(given)} need(s) the in-memory reader, but {data} is streamed "
                "(a glob, --engine streaming or dask); read one file with --engine memory"
            )
            raise OptionError(msg, option="engine")
        return True

    def scan(self, data: Path, engine: Engine) -> tuple[Any, list[str]]:
        """The data as a polars LazyFrame (``--engine dask``: a Dask DataFrame), its columns."""
        from statecode.io import DEFAULT_MISSING, scan_codings, scan_dask_codings

        missing = DEFAULT_MISSING if self.missing is None else self.missing
        if engine is Engine.DASK:
            frame = scan_dask_codings(str(data), missing=missing, delimiter=self.delimiter)
            return frame, [str(c) for c in frame.columns]
        lazy = scan_codings(str(data), missing=missing, delimiter=self.delimiter)
        return lazy, lazy.collect_schema().names()

    def _check(self, table: CodingTable) -> None:
        problems = [
            Problem(
                f"--{option} {name}=...",
                f"{name!r} is not a variable of {table.source or 'the data'} (variables: "
                f"{', '.join(table.variables[:10])}); name one of them",
            )
            for option, given in (("level", self.level), ("domain", self.domain))
            for name in _split(given, option, str)[1]
            if name not in table.variables
        ]
        if problems:
            raise OptionError("; ".join(str(p) for p in problems), option="level")
        self._check_domains(table)

    def _check_domains(self, table: CodingTable) -> None:
        import polars as pl

        domains = self.domains(table)
        if not domains:
            return
        multi = {v.name for v in (table.codebook or ()) if v.multi_label and v.name in domains}
        problems = []
        for name, values in domains.items():
            if name in multi:
                continue  # a set's codes are checked by the codebook
            cells = table.data.filter((pl.col("variable") == name) & ~pl.col("value").is_in(values))
            problems += [
                Problem(
                    f"row {row}, column {name!r}" if row is not None else f"unit {unit!r}",
                    f"{value!r} is not in --domain {name}={','.join(values)}; fix the cell or "
                    "add the value to the domain",
                )
                for unit, value, row in cells.select("unit", "value", "row").head(20).rows()
            ]
        if problems:
            raise DataError(problems, source=table.source)


def _level(text: str) -> AlphaLevel:
    member = find_member(AlphaLevel, text)
    if member is None:
        levels = ", ".join(m.value for m in AlphaLevel)
        msg = f"--level {text}: not a level ({levels}){close_hint(AlphaLevel, text)}"
        raise OptionError(msg, option="level")
    return member


def _values(text: str) -> list[str]:
    values = [v for v in text.split(",") if v]
    if len(values) < 2 or len(set(values)) != len(values):
        msg = f"--domain {text}: give two or more distinct values, comma-separated, in order"
        raise OptionError(msg, option="domain")
    return values


#: ``--engine auto`` streams files of at least this many bytes.
STREAM_BYTES = 1 << 30

T = TypeVar("T")


def _split(
    given: Iterable[str], option: str, parse: Callable[[str], T]
) -> tuple[T | None, dict[str, T]]:
    """``[VAR=]VALUE`` items: the one without a name, and those with one."""
    shared: T | None = None
    named: dict[str, T] = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep:
            if shared is not None:
                msg = f"--{option} given twice for every variable; give it once, or per variable"
                raise OptionError(msg, option=option)
            shared = parse(item)
        elif not name or not value:
            msg = f"--{option} {item}: write VAR=VALUE, or the value alone for every variable"
            raise OptionError(msg, option=option)
        elif name in named:
            msg = f"--{option} {name}= given twice; give each variable once"
            raise OptionError(msg, option=option)
        else:
            named[name] = parse(value)
    return shared, named


#: The input options, in the order help lists them: name -> (annotation, default).
_INPUT: dict[str, tuple[Any, Any]] = {
    "codebook": (CodebookOpt, None),
    "wide": (WideOpt, False),
    "unit": (UnitOpt, "unit"),
    "coder": (CoderOpt, "coder"),
    "variable": (VariableOpt, None),
    "level": (LevelOpt, None),
    "domain": (DomainOpt, None),
    "missing": (MissingOpt, None),
    "separator": (SeparatorOpt, ";"),
    "normalize": (NormalizeOpt, None),
    "encoding": (EncodingOpt, "utf-8"),
    "delimiter": (DelimiterOpt, None),
    "skip_invalid": (SkipOpt, False),
}


def coded_input(func: F) -> F:
    """Give a command the input options, declared once, in place of its ``coded`` parameter.

    The command receives them as one :class:`CodedInput`; its help lists them where
    ``coded`` stands in its signature.
    """
    signature = inspect.signature(func, eval_str=True)  # Typer reads the objects
    params = []
    after = False  # the parameters after the input options take keywords only
    for param in signature.parameters.values():
        if param.name != "coded":
            kind = inspect.Parameter.KEYWORD_ONLY if after else param.kind
            params.append(param.replace(kind=kind))
            continue
        after = True
        params += [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=d)
            for name, (kind, d) in _INPUT.items()
        ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in _INPUT if name in kwargs}
        for name in ("variable", "level", "domain"):
            given[name] = tuple(given.get(name) or ())
        if given.get("missing") is not None:
            given["missing"] = tuple(given["missing"])
        return func(*args, coded=CodedInput(**given), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper  # type: ignore[return-value]


CodebookArg = Annotated[
    str,
    typer.Argument(
        metavar="CODEBOOK",
        help="A codebook file (.toml, .qdc, .json, .xml) or a shipped codebook's name.",
        show_default=False,
    ),
]
MetadataOpt = Annotated[
    Path | None,
    typer.Option(
        metavar="PATH",
        help="For a --corpus folder of .txt files: the table linking them to documents "
        "(default: metadata.csv in the folder).",
    ),
]
UnmatchedOpt = Annotated[
    Unmatched,
    typer.Option(
        help="For a --corpus folder: a .txt file without metadata row, or a row without file, "
        "is an error or a warning.",
        **choice(Unmatched),
    ),
]
CorpusOutOpt = Annotated[
    Path | None,
    typer.Option(
        metavar="FOLDER", help="Also write the texts as documents.csv and statements.csv here."
    ),
]


# --------------------------------------------------------------------------------------------
# output


#: The format a suffix of ``-o`` names.
_SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
    ".text": "table",
}


DataArg = Annotated[
    Path,
    typer.Argument(
        metavar="DATA",
        help="Coded data: .csv, .tsv, .parquet, .jsonl or .xlsx.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Write to this file instead of stdout; its suffix names the format (.csv, .json, "
        ".md, .html, .txt) unless --format does.",
    ),
]
OutputFormatOpt = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help="Output format (default: from the suffix of -o, else table).",
        **choice(OutputFormat),
    ),
]
ReportFormatOpt = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format",
        help="Output format (default: from the suffix of -o, else table).",
        **choice(ReportFormat),
    ),
]
BootstrapOpt = Annotated[
    int, typer.Option(metavar="INTEGER", min=0, help="Bootstrap replicates of alpha (0: none).")
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        metavar="INTEGER", help="Seed of the bootstrap (the same seed, the same interval)."
    ),
]
MethodOpt = Annotated[
    BootstrapMethod,
    typer.Option(
        help="Bootstrap method: resample units, Krippendorff's algorithm (KALPHA), or Poisson "
        "weights (one pass; the method for streamed data).",
        **choice(BootstrapMethod),
    ),
]
EngineOpt = Annotated[
    Engine,
    typer.Option(
        help="Where to compute: in memory, streamed by polars (globs of Parquet/CSV parts, "
        "files over 1 GiB), or on Dask; auto streams globs and large files.",
        **choice(Engine),
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        metavar="ADDRESS",
        help="With --engine dask: the scheduler (tcp://host:8786); default a local cluster.",
    ),
]
ConfidenceOpt = Annotated[
    float,
    typer.Option(metavar="FLOAT", min=0.5, max=0.999, help="Level of the intervals."),
]


def output_format(chosen: E | None, output: Path | None, enum_type: type[E]) -> E:
    """The output format: ``--format`` if given, else the one ``-o``'s suffix names."""
    if chosen is not None:
        return chosen
    if output is None:
        return enum_type("table")
    named = _SUFFIXES.get(output.suffix.lower())
    member = find_member(enum_type, named) if named is not None else None
    if member is None:
        listed = ", ".join(m.value for m in enum_type)
        known = ", ".join(s for s, f in _SUFFIXES.items() if find_member(enum_type, f))
        msg = (
            f"-o {output}: the suffix does not say which format to write ({known}); give "
            f"--format ({listed})"
        )
        raise OptionError(msg, option="format")
    return member
