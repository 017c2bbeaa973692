"""``statecode alpha | report | agreement | coders | validate | unitizing``."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from statecode.cli._app import app, command
from statecode.cli._common import emit, user_errors
from statecode.cli._options import (
    BootstrapOpt,
    CodedInput,
    ConfidenceOpt,
    DataArg,
    EngineOpt,
    MetadataOpt,
    MethodOpt,
    OutputFormatOpt,
    OutputOpt,
    ReportFormatOpt,
    SchedulerOpt,
    SeedOpt,
    UnmatchedOpt,
    choice,
    coded_input,
)
from statecode.cli._options import output_format as format_of
from statecode.exceptions import OptionError
from statecode.options import (
    BootstrapMethod,
    CoefficientName,
    Engine,
    OutputFormat,
    OverlapRule,
    ReportFormat,
    SetDistance,
    UnitizingVariant,
    Unmatched,
    Weights,
)

if TYPE_CHECKING:
    from statecode import AgreementResult, AlphaResult, UnitizingResult
    from statecode.render import Document

__all__ = ["agreement", "alpha", "coders", "report", "unitizing", "validate"]

_ALL_COEFFICIENTS = ", ".join(m.value for m in CoefficientName)


@command(app, "alpha", "Krippendorff's alpha per variable, with CIs.")
@user_errors
@coded_input
def alpha(
    data: DataArg,
    coded: CodedInput,
    distance: Annotated[
        SetDistance | None,
        typer.Option(help="Distance between sets of codes (multi-label).", **choice(SetDistance)),
    ] = None,
    period: Annotated[
        float | None, typer.Option(metavar="FLOAT", help="Period of circular values (e.g. 360).")
    ] = None,
    bootstrap: BootstrapOpt = 0,
    seed: SeedOpt = None,
    method: MethodOpt = BootstrapMethod.UNITS,
    confidence: ConfidenceOpt = 0.95,
    engine: EngineOpt = Engine.AUTO,
    scheduler: SchedulerOpt = None,
    output_format: OutputFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Compute Krippendorff's alpha per variable, with an optional bootstrap interval.

    DATA may be a glob of Parquet or CSV parts ('parts/*.parquet', quoted): it is then
    streamed (polars' streaming engine, or Dask with --engine dask), as are files over 1 GiB.
    """
    from statecode import krippendorff_alphas, provenance_of, streamed_alphas
    from statecode.render import (
        alpha_document,
        alpha_to_csv,
        alpha_to_json,
        alpha_to_markdown,
    )

    chosen = format_of(output_format, output, OutputFormat)
    if coded.streams(data, engine):
        if distance is not None:
            msg = "--distance (set-valued data) needs the data in memory: --engine memory"
            raise OptionError(msg, option="distance")
        frame, columns = coded.scan(data, engine)
        names = [c for c in columns if c not in (coded.unit, coded.coder)]
        results = streamed_alphas(
            frame,
            unit=coded.unit,
            coder=coded.coder,
            variables=list(coded.variable) or None,
            levels=coded.levels_of(names),
            domains=coded.domains_of(names),
            period=period,
            bootstrap=bootstrap,
            method=method,
            seed=seed,
            confidence=confidence,
            engine=Engine.DASK if engine is Engine.DASK else Engine.STREAMING,
            scheduler=scheduler,
        )
        provenance = functools.partial(
            provenance_of, None, coefficients=["alpha"], alphas=results, inputs=[str(data)]
        )
    else:
        if scheduler is not None:
            msg = "--scheduler applies to --engine dask"
            raise OptionError(msg, option="scheduler")
        table = coded.read(data)
        results = krippendorff_alphas(
            table,
            levels=coded.levels(table),
            domains=coded.domains(table),
            distance=distance,
            period=period,
            bootstrap=bootstrap,
            method=method,
            seed=seed,
            confidence=confidence,
            progress=sys.stderr.isatty(),
        )
        # made for the formats that show it: the file's SHA-256 reads it once more
        provenance = functools.partial(provenance_of, table, coefficients=["alpha"], alphas=results)
    renderers: dict[OutputFormat, Callable[[tuple[AlphaResult, ...]], str | Document]] = {
        OutputFormat.TABLE: alpha_document,
        OutputFormat.JSON: lambda rs: alpha_to_json(rs, provenance()),
        OutputFormat.CSV: alpha_to_csv,
        OutputFormat.MARKDOWN: lambda rs: alpha_to_markdown(rs, provenance()),
    }
    emit(renderers[chosen](results), output)


@command(app, "report", "The reliability report of every variable.")
@user_errors
@coded_input
def report(
    data: DataArg,
    coded: CodedInput,
    coefficients: Annotated[
        str,
        typer.Option(
            metavar="NAME[,NAME...]",
            help=f"The coefficients, comma-separated: {_ALL_COEFFICIENTS}, or all.",
        ),
    ] = "percent,holsti,alpha",
    bootstrap: BootstrapOpt = 0,
    seed: SeedOpt = None,
    method: MethodOpt = BootstrapMethod.UNITS,
    confidence: ConfidenceOpt = 0.95,
    by: Annotated[
        str | None,
        typer.Option(metavar="COLUMN", help="A column grouping the units: a report per group."),
    ] = None,
    output_format: ReportFormatOpt = None,
    output: OutputOpt = None,
    plots: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Also write every figure as PNG and SVG here."),
    ] = None,
) -> None:
    """Score every variable with the chosen coefficients, with intervals and a verdict."""
    from statecode import reliability_report
    from statecode.render import (
        report_document,
        report_page,
        report_to_csv,
        report_to_json,
        report_to_markdown,
        require_matplotlib,
        save_report_figures,
    )

    chosen = format_of(output_format, output, ReportFormat)
    if chosen is ReportFormat.HTML or plots is not None:
        require_matplotlib()  # fail before the work, with what to install
    table = coded.read(data, by=by)
    result = reliability_report(
        table,
        coefficients=coefficients,
        bootstrap=bootstrap,
        seed=seed,
        method=method,
        confidence=confidence,
        levels=coded.levels(table),
        domains=coded.domains(table),
        progress=sys.stderr.isatty(),
    )
    if plots is not None:
        save_report_figures(result.alphas, result.row_names, plots)
    text: str | Document
    if chosen is ReportFormat.HTML:
        text = report_page(result, title=f"Reliability report: {data.name}")
    else:
        renderers: dict[ReportFormat, Callable[[Any], str | Document]] = {
            ReportFormat.TABLE: lambda r: report_document(r.table),
            ReportFormat.JSON: report_to_json,
            ReportFormat.CSV: lambda r: report_to_csv(r.table),
            ReportFormat.MARKDOWN: report_to_markdown,
        }
        text = renderers[chosen](result)
    emit(text, output)


@command(app, "agreement", "One agreement coefficient per variable, with intervals.")
@user_errors
@coded_input
def agreement(
    data: DataArg,
    coded: CodedInput,
    coefficient: Annotated[
        CoefficientName,
        typer.Option(
            help="The coefficient (alpha: statecode alpha).",
            **choice(CoefficientName, exclude=[CoefficientName.ALPHA]),
        ),
    ] = CoefficientName.FLEISS,
    weights: Annotated[
        Weights | None,
        typer.Option(
            help="Agreement weights of the kappa family and AC2 (default: unweighted; AC2 by "
            "level).",
            **choice(Weights),
        ),
    ] = None,
    coders: Annotated[
        str | None,
        typer.Option(metavar="A,B", help="cohen, scott: the two coders to compare."),
    ] = None,
    confidence: ConfidenceOpt = 0.95,
    output_format: OutputFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """One coefficient per variable with its interval, standard error, counts and verdict.

    A variable the coefficient does not apply to (the kappa family on a multi-label
    variable, Cohen's kappa on other than two coders) is listed as n/a, with the reason once.
    """
    from statecode import agreement_coefficients, provenance_of
    from statecode.render import (
        agreement_document,
        agreement_to_csv,
        agreement_to_json,
        agreement_to_markdown,
    )

    chosen = format_of(output_format, output, OutputFormat)
    options: dict[str, Any] = {"confidence": confidence}
    if weights is not None:
        options["weights"] = weights
    if coders is not None:
        if coefficient not in (CoefficientName.COHEN, CoefficientName.SCOTT):
            msg = f"--coders applies to --coefficient cohen or scott, not {coefficient.value}"
            raise OptionError(msg, option="coders")
        options["coders"] = tuple(name.strip() for name in coders.split(","))
    if coefficient in (CoefficientName.PERCENT, CoefficientName.HOLSTI):
        del options["confidence"]
    table = coded.read(data)
    results = agreement_coefficients(
        table,
        coefficient,
        levels=coded.levels(table),
        domains=coded.domains(table),
        **options,
    )
    provenance = functools.partial(provenance_of, table, coefficients=[coefficient.value])
    renderers: dict[OutputFormat, Callable[[tuple[AgreementResult, ...]], str | Document]] = {
        OutputFormat.TABLE: agreement_document,
        OutputFormat.MARKDOWN: lambda rs: agreement_to_markdown(rs, provenance()),
        OutputFormat.CSV: agreement_to_csv,
        OutputFormat.JSON: lambda rs: agreement_to_json(rs, provenance()),
    }
    emit(renderers[chosen](results), output)


@command(app, "coders", "Pairwise coder agreement and leave-one-out alphas.")
@user_errors
@coded_input
def coders(
    data: DataArg,
    coded: CodedInput,
    coefficient: Annotated[
        CoefficientName,
        typer.Option(help="Coefficient of the pairwise matrix.", **choice(CoefficientName)),
    ] = CoefficientName.ALPHA,
    output: OutputOpt = None,
) -> None:
    """Per variable: a coder x coder agreement matrix and alpha without each coder."""
    from statecode import coder_diagnostics
    from statecode.render import frame_table

    table = coded.read(data)
    parts = []
    diagnostics = coder_diagnostics(
        table,
        coefficient=coefficient,
        levels=coded.levels(table),
        domains=coded.domains(table),
    )
    for name, (matrix, loo) in diagnostics.items():
        parts.append(frame_table(matrix, f"{name}: pairwise {coefficient.value}"))
        title = f"{name}: alpha without each coder (change > 0: the coder lowers alpha)"
        parts.append(frame_table(loo, title))
    emit(parts, output)


@command(app, "validate", "Check coded data against a codebook.")
@user_errors
@coded_input
def validate(data: DataArg, coded: CodedInput) -> None:
    """Check every value against the codebook and any --domain; exit 0, or 1 with each problem.

    Without a codebook, the file's structure is checked (and any --domain).
    """
    table = coded.read(data)
    against = f"match {table.codebook.name!r}" if table.codebook is not None else "are well formed"
    units, coders = table.id_counts()
    typer.echo(
        f"ok: {data}: {len(table)} codings of {units} units by "
        f"{coders} coders on {len(table.variables)} variables {against}"
    )


@command(app, "unitizing", "Agreement on where statements start and end.")
@user_errors
def unitizing(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SPANS",
            help="A span table (document, coder, start, end, code) or a .qdpx project.",
            show_default=False,
        ),
    ],
    variant: Annotated[
        UnitizingVariant,
        typer.Option(
            help="u: where units are; cu: codes, of the units all coders marked; Cu: codes "
            "per variable; u2004: Krippendorff's 2004 unitizing alpha.",
            **choice(UnitizingVariant),
        ),
    ] = UnitizingVariant.U,
    variable: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The variable whose spans are compared."),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH", help="Documents (table or folder) giving each continuum's length."
        ),
    ] = None,
    metadata: MetadataOpt = None,
    unmatched: UnmatchedOpt = Unmatched.ERROR,
    overlaps: Annotated[
        OverlapRule,
        typer.Option(
            help="A coder's overlapping spans: an error, or merged.", **choice(OverlapRule)
        ),
    ] = OverlapRule.ERROR,
    coders: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Who unitized each document (a document, coder table, e.g. from statecode "
            "import --unitizers); without it every coder counts in every document.",
        ),
    ] = None,
    output_format: OutputFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Krippendorff's unitizing alpha: agreement on the stretches coders mark, and their codes."""
    from statecode import (
        Provenance,
        SourceFile,
        read_corpus,
        read_span_source,
        read_unitizers,
        unitizing_alpha,
    )
    from statecode.model import Corpus
    from statecode.render import (
        provenance_lines,
        unitizing_document,
        unitizing_to_csv,
        unitizing_to_markdown,
    )

    chosen = format_of(output_format, output, OutputFormat)
    inputs = [SourceFile.of(p) for p in (source, corpus, coders) if p is not None]
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
    provenance = Provenance.now(
        inputs=inputs, codebook=None, coefficients=[f"unitizing alpha ({variant.value})"]
    )
    document = {"provenance": provenance.to_dict(), "results": [result.to_dict()]}
    renderers: dict[OutputFormat, Callable[[UnitizingResult], str | Document]] = {
        OutputFormat.TABLE: unitizing_document,
        OutputFormat.MARKDOWN: lambda r: (
            unitizing_to_markdown(r) + "\n".join(provenance_lines(provenance, markdown=True)) + "\n"
        ),
        OutputFormat.CSV: unitizing_to_csv,
        OutputFormat.JSON: lambda r: json.dumps(document, indent=2, ensure_ascii=False) + "\n",
    }
    emit(renderers[chosen](result), output)
