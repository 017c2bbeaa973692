"""The ``statecode`` command line: parse, call the library, render, map errors to exit codes.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import polars as pl
import typer

from statecode import _plots
from statecode._render import (
    agreement_to_csv,
    agreement_to_markdown,
    agreement_to_text,
    alpha_to_csv,
    alpha_to_json,
    alpha_to_markdown,
    alpha_to_text,
    codebook_to_markdown,
    codebook_to_text,
    comparison_sections,
    comparison_to_html,
    frame_to_csv,
    frames_to_json,
    report_to_csv,
    report_to_html,
    report_to_json,
    report_to_markdown,
    report_to_text,
    text_table,
    unitizing_to_csv,
    unitizing_to_markdown,
    unitizing_to_text,
)
from statecode._typing import (
    AlphaLevel,
    BootstrapMethod,
    CodebookFormat,
    CoefficientName,
    OutputFormat,
    SetDistance,
    Weights,
)
from statecode.compare import compare_accounts, plot_accounts
from statecode.consensus import apply_adjudication, consensus
from statecode.exceptions import DataError, DegenerateDataWarning, StatecodeError, _ProblemsError
from statecode.io import codebook_to_toml, read_codebook, shipped_codebooks
from statecode.io._atomic import write_text_atomic
from statecode.io._corpus import read_corpus, write_corpus
from statecode.io._doccano import read_doccano
from statecode.io._labelstudio import read_labelstudio
from statecode.io._refi import (
    SpanRule,
    read_qdpx,
    spans_to_codings,
    write_qdc,
    write_qdpx,
)
from statecode.io._spans import (
    attach_statements,
    read_spans,
    read_unitizers,
    write_spans,
    write_unitizers,
)
from statecode.io._tabular import (
    DEFAULT_MISSING,
    read_codings,
    read_table,
    write_codings,
    write_table,
)
from statecode.model import Corpus, Span
from statecode.reliability import (
    AgreementResult,
    AlphaResult,
    UnitizingResult,
    _agreement,
    krippendorff_alpha,
    leave_one_coder_out,
    pairwise_agreement,
    reliability_report,
    unitizing_alpha,
)
from statecode.table import CodingTable

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
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave out invalid rows and values (counted)."),
    ] = False,
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
        skip_invalid=skip_invalid,
    )
    _report_skipped(table)
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


class ReportFormat(enum.StrEnum):
    """Formats of ``statecode report``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"


def _groups(frame: pl.DataFrame, unit: str, by: str) -> dict[str, str]:
    if by not in frame.columns:
        msg = f"column {by!r} (--by) is not in the file (columns: {', '.join(frame.columns)})"
        raise DataError(msg)
    pairs = frame.select(pl.col(unit).cast(pl.String), pl.col(by).cast(pl.String)).unique()
    counts = pairs.group_by(unit).len().filter(pl.col("len") > 1)
    if counts.height:
        shown = ", ".join(repr(u) for u in counts[unit].head(5).to_list())
        msg = f"--by {by}: unit(s) {shown} belong to more than one group; give each unit one"
        raise DataError(msg)
    return dict(pairs.iter_rows())


def _load(
    data: Path,
    *,
    codebook: str | None,
    variable: list[str] | None,
    unit: str,
    coder: str,
    missing: list[str] | None,
    separator: str,
    by: str | None = None,
    skip_invalid: bool = False,
) -> tuple[CodingTable, dict[str, str] | None]:
    cb = read_codebook(codebook) if codebook is not None else None
    markers = DEFAULT_MISSING if missing is None else missing
    frame, first = read_table(data, missing=markers)
    groups = _groups(frame, unit, by) if by else None
    table = CodingTable.from_frame(
        frame.drop(by) if by else frame,
        unit=unit,
        coder=coder,
        variables=variable or None,
        codebook=cb,
        separator=separator,
        source=str(data),
        first_row=first,
        skip_invalid=skip_invalid,
    )
    _report_skipped(table)
    return table, groups


def _report_skipped(table: CodingTable) -> None:
    if table.skipped:
        typer.echo(
            f"warning: {table.source}: skipped {len(table.skipped)} invalid entries "
            "(statecode validate lists them)",
            err=True,
        )


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


@app.command("report", short_help="The reliability report of every variable.")
@user_errors
def report(
    data: DataArg,
    codebook: CodebookOpt = None,
    coefficients: Annotated[
        str,
        typer.Option(
            help="Comma-separated: alpha,percent,holsti,cohen,scott,fleiss,conger,"
            "bp,ac1,ac2, or all."
        ),
    ] = "percent,holsti,alpha",
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates of alpha.", min=0)] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the bootstrap.")] = None,
    method: Annotated[
        BootstrapMethod, typer.Option(help="Bootstrap method.")
    ] = BootstrapMethod.UNITS,
    by: Annotated[
        str | None, typer.Option(help="Column grouping the units; one report row per group.")
    ] = None,
    variable: VariableOpt = None,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")
    ] = ReportFormat.TABLE,
    output: OutputOpt = None,
    plots: Annotated[
        Path | None, typer.Option(help="Also write every figure as PNG and SVG to this folder.")
    ] = None,
    skip_invalid: SkipOpt = False,
) -> None:
    """Score every variable with the chosen coefficients, with intervals and a verdict."""
    table, groups = _load(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        skip_invalid=skip_invalid,
        by=by,
    )
    if output_format is ReportFormat.HTML or plots is not None:
        _plots.require_matplotlib()  # fail before the work, with what to install
    result = reliability_report(
        table,
        coefficients=coefficients,
        bootstrap=bootstrap,
        seed=seed,
        method=method,
        by=groups,
        by_name=by or "Group",
    )
    names = _row_names(result.table, by)
    if plots is not None:
        _plots.save_report_figures(result.alphas, names, plots)
    if output_format is ReportFormat.HTML:
        overview = _plots.figure_svg(_plots.alpha_interval_figure(result.alphas, names))
        per_variable = [
            (name, _plots.figure_svg(_plots.coincidence_figure(alpha, name)))
            for name, alpha in zip(names, result.alphas, strict=True)
        ]
        text = report_to_html(
            result.table,
            title=f"Reliability report: {data.name}",
            overview_svg=overview,
            variable_svgs=per_variable,
        )
    else:
        renderers = {
            ReportFormat.TABLE: report_to_text,
            ReportFormat.JSON: report_to_json,
            ReportFormat.CSV: report_to_csv,
            ReportFormat.MARKDOWN: report_to_markdown,
        }
        text = renderers[output_format](result.table)
    _emit(text, output)


def _row_names(table: pl.DataFrame, by: str | None) -> list[str]:
    if by:
        return [f"{g} / {v}" for g, v in table.select(by, "Variable").iter_rows()]
    return table["Variable"].to_list()


@app.command("agreement", short_help="One agreement coefficient with its interval.")
@user_errors
def agreement(
    data: DataArg,
    coefficient: Annotated[
        CoefficientName, typer.Option(help="The coefficient.")
    ] = CoefficientName.FLEISS,
    weights: Annotated[
        Weights | None, typer.Option(help="Agreement weights (kappa family, AC2).")
    ] = None,
    codebook: CodebookOpt = None,
    variable: VariableOpt = None,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="table, json, csv (one row per variable) or markdown."),
    ] = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Print one coefficient per variable with its interval, standard error and counts."""
    table, _ = _load(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
    )
    results: list[AgreementResult] = []
    for name in table.variables:
        options: dict[str, Any] = {"variable": name}
        if weights is not None:
            options["weights"] = weights
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            if coefficient is CoefficientName.ALPHA:
                msg = "use `statecode alpha` for Krippendorff's alpha"
                raise typer.BadParameter(msg)
            results.append(_agreement.AGREEMENT_FUNCTIONS[coefficient](table, **options))
    renderers: dict[OutputFormat, Callable[[list[AgreementResult]], str]] = {
        OutputFormat.TABLE: agreement_to_text,
        OutputFormat.MARKDOWN: agreement_to_markdown,
        OutputFormat.CSV: agreement_to_csv,
        OutputFormat.JSON: lambda rs: json.dumps([r.to_dict() for r in rs], indent=2) + "\n",
    }
    _emit(renderers[output_format](results), output)


@app.command("coders", short_help="Pairwise coder agreement and leave-one-out alphas.")
@user_errors
def coders(
    data: DataArg,
    coefficient: Annotated[
        CoefficientName, typer.Option(help="Coefficient of the pairwise matrix.")
    ] = CoefficientName.ALPHA,
    codebook: CodebookOpt = None,
    variable: VariableOpt = None,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    output: OutputOpt = None,
) -> None:
    """Per variable: a coder x coder agreement matrix and alpha without each coder."""
    table, _ = _load(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
    )
    parts = []
    for name in table.variables:
        matrix = pairwise_agreement(table, variable=name, coefficient=coefficient)
        loo = leave_one_coder_out(table, variable=name)
        parts.append(f"{name}: pairwise {coefficient.value}")
        parts.append(_frame_text(matrix))
        parts.append(f"{name}: alpha without each coder (change > 0: the coder lowers alpha)")
        parts.append(_frame_text(loo))
    _emit("\n\n".join(parts) + "\n", output)


def _frame_text(frame: pl.DataFrame) -> str:
    rows = [
        [f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v)) for v in row]
        for row in frame.iter_rows()
    ]
    return text_table(frame.columns, rows)


@app.command("validate", short_help="Check coded data against a codebook.")
@user_errors
def validate(
    data: DataArg,
    codebook: Annotated[str, typer.Option(help="Codebook file or shipped name.")],
    variable: VariableOpt = None,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    wide: Annotated[
        bool, typer.Option("--wide", help="A row per unit and a column per coder.")
    ] = False,
) -> None:
    """Check every value against the codebook: exit 0, or every problem on stderr and exit 1."""
    cb = read_codebook(codebook)
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
    typer.echo(
        f"ok: {data}: {len(table)} codings of {len(table.units)} units by "
        f"{len(table.coders)} coders on {len(table.variables)} variables match {cb.name!r}"
    )


class CompareTable(enum.StrEnum):
    """Tables ``statecode compare`` prints."""

    ALL = "all"
    SIMILARITY = "similarity"
    DIVERGENCE = "divergence"
    EMPHASIS = "emphasis"
    PRESENCE = "presence"
    STATEMENTS = "statements"


def _read_corpus_arg(corpus: Path, statements: Path | None) -> Corpus:
    """Read --corpus: a documents table, or a folder with documents.csv (and statements.csv).

    A folder without documents.csv is a folder of .txt files with metadata.csv.
    """
    if corpus.is_dir() and (corpus / "documents.csv").is_file():
        found = corpus / "statements.csv"
        return read_corpus(
            corpus / "documents.csv", statements or (found if found.is_file() else None)
        )
    return read_corpus(corpus, statements)


@app.command("compare", short_help="Compare the accounts of each event.")
@user_errors
def compare(
    codings: DataArg,
    corpus: Annotated[
        Path,
        typer.Option(help="Documents table, or a folder with documents.csv and statements.csv."),
    ],
    statements: Annotated[
        Path | None, typer.Option(help="Statements table (with a documents table).")
    ] = None,
    codebook: CodebookOpt = None,
    event: Annotated[str | None, typer.Option(help="Only this event.")] = None,
    by: Annotated[str, typer.Option(help="Document attribute naming the account.")] = "source",
    consensus_rule: Annotated[
        str,
        typer.Option("--consensus", help="majority, unanimous or coder:<id>, when several coders."),
    ] = "majority",
    flags: Annotated[
        Path | None, typer.Option(help="Write the ties and dissent to adjudicate here (CSV).")
    ] = None,
    decisions: Annotated[
        Path | None, typer.Option(help="The adjudicated flags sheet to apply.")
    ] = None,
    adjust: Annotated[str, typer.Option(help="p-value adjustment: none or holm.")] = "none",
    table: Annotated[CompareTable, typer.Option(help="Which table to print.")] = CompareTable.ALL,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")
    ] = ReportFormat.TABLE,
    output: OutputOpt = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write the dot-matrix figure (.png or .svg).")
    ] = None,
) -> None:
    """What each account raises, stresses and omits: presence, divergence, similarity, emphasis."""
    if output_format is ReportFormat.HTML or plot is not None:
        _plots.require_matplotlib()
    documents = _read_corpus_arg(corpus, statements)
    coded, _ = _load(
        codings,
        codebook=codebook,
        variable=None,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
    )
    agreed = coded
    if len(coded.coders) > 1:
        result = consensus(coded, rule=consensus_rule)
        if flags is not None:
            write_table(result.flags.with_columns(pl.col(pl.List(pl.String)).list.join(";")), flags)
        agreed = apply_adjudication(result, decisions) if decisions is not None else result.codings
        if result.n_ties and decisions is None:
            typer.echo(
                f"warning: {result.n_ties} ties left out; adjudicate them (--flags, --decisions)",
                err=True,
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        comparison = compare_accounts(documents, agreed, event=event, by=by, adjust=adjust)
    chosen = [
        ("Similarity of accounts", comparison.similarity, CompareTable.SIMILARITY),
        ("Divergence: who raises what", comparison.divergence, CompareTable.DIVERGENCE),
        (
            "Emphasis: share differences, Fisher's exact test",
            comparison.emphasis,
            CompareTable.EMPHASIS,
        ),
        ("Presence per account", comparison.presence, CompareTable.PRESENCE),
        ("Statements behind every count", comparison.statements, CompareTable.STATEMENTS),
    ]
    tables = [(t, f) for t, f, k in chosen if table in (CompareTable.ALL, k)]
    if plot is not None:
        plot_accounts(comparison, event=event, path=plot)
    if output_format is ReportFormat.CSV:
        if len(tables) != 1:
            msg = "CSV holds one table: choose it with --table"
            raise typer.BadParameter(msg)
        text = frame_to_csv(tables[0][1])
    elif output_format is ReportFormat.JSON:
        text = frames_to_json(
            [(k.value, f) for _, f, k in chosen if table in (CompareTable.ALL, k)]
        )
    elif output_format is ReportFormat.HTML:
        svg = _plots.figure_svg(plot_accounts(comparison, event=event))
        text = comparison_to_html(
            tables, title=f"Comparison of accounts: {codings.name}", figure_svg=svg
        )
    else:
        text = comparison_sections(tables, markdown=output_format is ReportFormat.MARKDOWN)
    _emit(text, output)


class ImportFormat(enum.StrEnum):
    """Formats ``statecode import`` reads."""

    QDPX = "qdpx"
    LABELSTUDIO = "labelstudio"
    DOCCANO = "doccano"
    TABLE = "table"


class ExportFormat(enum.StrEnum):
    """Formats ``statecode export`` writes."""

    QDC = "qdc"
    QDPX = "qdpx"
    TABLE = "table"


CorpusOutOpt = Annotated[
    Path | None,
    typer.Option(help="Also write the texts as documents.csv and statements.csv here."),
]


def _write_corpus_out(corpus: Corpus, folder: Path | None) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_corpus(corpus, folder / "documents.csv", folder / "statements.csv")


@app.command("import", short_help="Import codings from QDA and annotation tools.")
@user_errors
def import_(
    source_format: Annotated[ImportFormat, typer.Argument(help="Format of SRC.")],
    sources: Annotated[
        list[Path], typer.Argument(help="The file(s): doccano takes one file per user.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Codings (or span) table to write.")
    ],
    codebook: CodebookOpt = None,
    spans: Annotated[
        Path | None, typer.Option(help="Also write the span codings as a span table here.")
    ] = None,
    corpus_out: CorpusOutOpt = None,
    statements: Annotated[
        Path | None,
        typer.Option(help="qdpx: statements table; span codings become statement codings."),
    ] = None,
    rule: Annotated[
        SpanRule, typer.Option(help="qdpx: when a span codes a statement.")
    ] = SpanRule.OVERLAP,
    threshold: Annotated[
        float, typer.Option(help="qdpx: share of the statement a span must cover.")
    ] = 0.5,
    variable: Annotated[str, typer.Option(help="doccano: the variable of the labels.")] = "label",
    unitizers: Annotated[
        Path | None,
        typer.Option(
            help="labelstudio, doccano: also write who annotated each document (document, "
            "coder), for statecode unitizing --coders."
        ),
    ] = None,
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
) -> None:
    """Read SRC and write its codings as a table (CSV, TSV, Parquet, JSON Lines, Excel)."""
    if unitizers is not None and source_format not in (
        ImportFormat.LABELSTUDIO,
        ImportFormat.DOCCANO,
    ):
        msg = "--unitizers is for labelstudio and doccano exports, which record who annotated what"
        raise typer.BadParameter(msg)
    cb = read_codebook(codebook) if codebook is not None else None
    if source_format is not ImportFormat.DOCCANO and len(sources) != 1:
        msg = f"{source_format.value} takes one file, got {len(sources)}"
        raise typer.BadParameter(msg)
    if source_format is ImportFormat.QDPX:
        project = read_qdpx(sources[0], codebook=cb)
        _write_corpus_out(project.corpus, corpus_out)
        if spans is not None:
            write_spans(project.spans, spans)
        if statements is None:
            write_spans(project.spans, output)
            return
        documents = attach_statements(project.corpus, statements)
        table = spans_to_codings(
            documents, project.spans, rule=rule, threshold=threshold, codebook=project.codebook
        )
        write_codings(table, output)
        return
    if source_format is ImportFormat.TABLE:
        table = read_codings(
            sources[0],
            codebook=cb,
            missing=DEFAULT_MISSING if missing is None else missing,
            separator=separator,
        )
        write_codings(table, output)
        return
    imported = (
        read_labelstudio(sources[0], codebook=cb, separator=separator)
        if source_format is ImportFormat.LABELSTUDIO
        else read_doccano(sources, variable=variable, codebook=cb, separator=separator)
    )
    _write_corpus_out(imported.corpus, corpus_out)
    if spans is not None:
        write_spans(imported.spans, spans)
    if unitizers is not None:
        write_unitizers(imported.unitizers, unitizers)
    write_codings(imported.codings, output)


@app.command("export", short_help="Export a codebook or codings to other tools.")
@user_errors
def export(
    target_format: Annotated[ExportFormat, typer.Argument(help="What to write.")],
    source: Annotated[Path, typer.Argument(help="Codebook (qdc), span table (qdpx), codings.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    codebook: CodebookOpt = None,
    corpus: Annotated[
        Path | None, typer.Option(help="qdpx: documents table or folder with documents.csv.")
    ] = None,
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
) -> None:
    """Write a REFI-QDA codebook (.qdc) or project (.qdpx), or codings in another table format."""
    if target_format is ExportFormat.QDC:
        write_qdc(read_codebook(str(source)), output)
        return
    if target_format is ExportFormat.QDPX:
        if corpus is None or codebook is None:
            msg = "qdpx needs the texts (--corpus) and the codebook (--codebook)"
            raise typer.BadParameter(msg)
        write_qdpx(
            _read_corpus_arg(corpus, None), read_spans(source), read_codebook(codebook), output
        )
        return
    cb = read_codebook(codebook) if codebook is not None else None
    table = read_codings(
        source,
        codebook=cb,
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
    )
    write_codings(table, output)


@app.command("unitizing", short_help="Agreement on where statements start and end.")
@user_errors
def unitizing(
    source: Annotated[
        Path, typer.Argument(help="A span table (document, coder, start, end, code) or a .qdpx.")
    ],
    variant: Annotated[str, typer.Option(help="u, cu, Cu or u2004.")] = "u",
    variable: Annotated[
        str | None, typer.Option(help="The variable whose spans are compared.")
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(help="Documents (table or folder) giving each continuum's length."),
    ] = None,
    overlaps: Annotated[str, typer.Option(help="A coder's overlapping spans: error or merge.")] = (
        "error"
    ),
    coders: Annotated[
        Path | None,
        typer.Option(
            help="Who unitized each document (a document, coder table, e.g. from statecode "
            "import --unitizers); without it every coder counts in every document."
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="table, json, csv (the per-category table) or markdown."),
    ] = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Krippendorff's unitizing alpha: agreement on the stretches coders mark, and their codes."""
    continua: Corpus | None = None
    if source.suffix.lower() == ".qdpx":
        project = read_qdpx(source)
        spans: tuple[Span, ...] = project.spans
        continua = project.corpus
    else:
        # a table without a variable column holds one variable: name it after its codes
        spans = read_spans(source, variable=variable or "code")
    if corpus is not None:
        continua = _read_corpus_arg(corpus, None)
    if continua is None:
        typer.echo(
            "warning: no --corpus: each continuum ends at its last span, so text after it "
            "is left out",
            err=True,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        result = unitizing_alpha(
            spans,
            variant=variant,
            variable=variable,
            continua=continua,
            overlaps=overlaps,
            coders=None if coders is None else read_unitizers(coders),
        )
    renderers: dict[OutputFormat, Callable[[UnitizingResult], str]] = {
        OutputFormat.TABLE: unitizing_to_text,
        OutputFormat.MARKDOWN: unitizing_to_markdown,
        OutputFormat.CSV: unitizing_to_csv,
        OutputFormat.JSON: lambda r: json.dumps(r.to_dict(), indent=2, ensure_ascii=False) + "\n",
    }
    _emit(renderers[output_format](result), output)


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
