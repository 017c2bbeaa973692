"""``statecode alpha | report | agreement | coders | validate | unitizing``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from statecode.cli._app import app
from statecode.cli._common import (
    CodebookOpt,
    CoderOpt,
    DataArg,
    DelimiterOpt,
    EncodingOpt,
    MetadataOpt,
    MissingOpt,
    NormalizeOpt,
    OutputOpt,
    SeparatorOpt,
    SkipOpt,
    UnitOpt,
    UnmatchedOpt,
    VariableOpt,
    WideOpt,
    codebook_or_none,
    emit,
    progress_bar,
    report_skipped,
    user_errors,
)
from statecode.exceptions import OptionError
from statecode.options import (
    AlphaLevel,
    BootstrapMethod,
    CoefficientName,
    Normalization,
    OutputFormat,
    ReportFormat,
    SetDistance,
    Unmatched,
    Weights,
)

if TYPE_CHECKING:
    from statecode import CodingTable

__all__ = ["agreement", "alpha", "coders", "report", "unitizing", "validate"]


def _codings(
    data: Path,
    *,
    codebook: str | None,
    variable: list[str] | None,
    unit: str,
    coder: str,
    missing: list[str] | None,
    separator: str,
    wide: bool = False,
    by: str | None = None,
    skip_invalid: bool = False,
    normalize: Normalization | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> CodingTable:
    from statecode import read_codings
    from statecode.io import DEFAULT_MISSING

    table = read_codings(
        data,
        codebook=codebook_or_none(codebook),
        layout="wide" if wide else "long",
        unit=unit,
        coder=coder,
        variables=variable or None,
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
        variable_name=(variable or ["value"])[0],
        skip_invalid=skip_invalid,
        by=by,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    report_skipped(table)
    return table


@app.command("alpha", short_help="Krippendorff's alpha per variable, with CIs.")
@user_errors
def alpha(
    data: DataArg,
    codebook: CodebookOpt = None,
    variable: Annotated[
        list[str] | None,
        typer.Option("--variable", "--value", help="Variable column to score (repeatable)."),
    ] = None,
    unit: UnitOpt = "unit",
    coder: CoderOpt = "coder",
    wide: WideOpt = False,
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
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
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
    from statecode import krippendorff_alphas
    from statecode.render import alpha_to_csv, alpha_to_json, alpha_to_markdown, alpha_to_text

    table = _codings(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        wide=wide,
        skip_invalid=skip_invalid,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    with progress_bar(bootstrap * len(table.variables), "bootstrap") as tick:
        results = krippendorff_alphas(
            table,
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
    renderers = {
        OutputFormat.TABLE: alpha_to_text,
        OutputFormat.JSON: alpha_to_json,
        OutputFormat.CSV: alpha_to_csv,
        OutputFormat.MARKDOWN: alpha_to_markdown,
    }
    emit(renderers[output_format](results), output)


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
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
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
    from statecode import reliability_report
    from statecode.render import (
        report_page,
        report_to_csv,
        report_to_json,
        report_to_markdown,
        report_to_text,
        require_matplotlib,
        save_report_figures,
    )

    table = _codings(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        skip_invalid=skip_invalid,
        by=by,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    if output_format is ReportFormat.HTML or plots is not None:
        require_matplotlib()  # fail before the work, with what to install
    result = reliability_report(
        table, coefficients=coefficients, bootstrap=bootstrap, seed=seed, method=method
    )
    if plots is not None:
        save_report_figures(result.alphas, result.row_names, plots)
    if output_format is ReportFormat.HTML:
        text = report_page(result, title=f"Reliability report: {data.name}")
    else:
        renderers = {
            ReportFormat.TABLE: report_to_text,
            ReportFormat.JSON: report_to_json,
            ReportFormat.CSV: report_to_csv,
            ReportFormat.MARKDOWN: report_to_markdown,
        }
        text = renderers[output_format](result.table)
    emit(text, output)


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
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
    coders: Annotated[
        str | None,
        typer.Option(
            metavar="A,B", help="cohen, scott: the two coders to compare (default: the only two)."
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="table, json, csv (one row per variable) or markdown."),
    ] = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """Print one coefficient per variable with its interval, standard error and counts."""
    from statecode import AgreementResult, agreement_coefficients
    from statecode.render import agreement_to_csv, agreement_to_markdown, agreement_to_text

    table = _codings(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    options: dict[str, Any] = {} if weights is None else {"weights": weights}
    if coders is not None:
        if coefficient not in (CoefficientName.COHEN, CoefficientName.SCOTT):
            msg = f"--coders applies to --coefficient cohen or scott, not {coefficient.value}"
            raise OptionError(msg, option="coders")
        options["coders"] = tuple(name.strip() for name in coders.split(","))
    results = agreement_coefficients(table, coefficient, **options)
    renderers: dict[OutputFormat, Callable[[tuple[AgreementResult, ...]], str]] = {
        OutputFormat.TABLE: agreement_to_text,
        OutputFormat.MARKDOWN: agreement_to_markdown,
        OutputFormat.CSV: agreement_to_csv,
        OutputFormat.JSON: lambda rs: json.dumps([r.to_dict() for r in rs], indent=2) + "\n",
    }
    emit(renderers[output_format](results), output)


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
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
    output: OutputOpt = None,
) -> None:
    """Per variable: a coder x coder agreement matrix and alpha without each coder."""
    from statecode import coder_diagnostics
    from statecode.render import frame_to_text

    table = _codings(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    parts = []
    for name, (matrix, loo) in coder_diagnostics(table, coefficient=coefficient).items():
        parts.append(f"{name}: pairwise {coefficient.value}")
        parts.append(frame_to_text(matrix))
        parts.append(f"{name}: alpha without each coder (change > 0: the coder lowers alpha)")
        parts.append(frame_to_text(loo))
    emit("\n\n".join(parts) + "\n", output)


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
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
    wide: WideOpt = False,
) -> None:
    """Check every value against the codebook: exit 0, or every problem on stderr and exit 1."""
    table = _codings(
        data,
        codebook=codebook,
        variable=variable,
        unit=unit,
        coder=coder,
        missing=missing,
        separator=separator,
        wide=wide,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    typer.echo(
        f"ok: {data}: {len(table)} codings of {len(table.units)} units by "
        f"{len(table.coders)} coders on {len(table.variables)} variables match "
        f"{table.codebook.name if table.codebook else codebook!r}"
    )


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
    metadata: MetadataOpt = None,
    unmatched: UnmatchedOpt = Unmatched.ERROR,
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
    from statecode import (
        UnitizingResult,
        read_corpus,
        read_span_source,
        read_unitizers,
        unitizing_alpha,
    )
    from statecode.model import Corpus
    from statecode.render import unitizing_to_csv, unitizing_to_markdown, unitizing_to_text

    spans = read_span_source(source, variable=variable)
    continua: Corpus | None = (
        read_corpus(corpus, metadata=metadata, unmatched=unmatched)
        if corpus is not None
        else spans.corpus
    )
    if continua is None:
        typer.echo(
            "warning: no --corpus: each continuum ends at its last span, so text after it "
            "is left out",
            err=True,
        )
    result = unitizing_alpha(
        spans.spans,
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
    emit(renderers[output_format](result), output)
