"""``statecode compare``: what each account of an event raises, stresses and omits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    UnitOpt,
    UnmatchedOpt,
    codebook_or_none,
    emit,
    user_errors,
)
from statecode.options import CompareTable, ReportFormat, Unmatched

__all__ = ["compare"]


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
    metadata: MetadataOpt = None,
    unmatched: UnmatchedOpt = Unmatched.ERROR,
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
    normalize: NormalizeOpt = None,
    encoding: EncodingOpt = "utf-8",
    delimiter: DelimiterOpt = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")
    ] = ReportFormat.TABLE,
    output: OutputOpt = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write the dot-matrix figure (.png or .svg).")
    ] = None,
) -> None:
    """What each account raises, stresses and omits: presence, divergence, similarity, emphasis."""
    from statecode import compare_accounts, plot_accounts, read_corpus
    from statecode.io import DEFAULT_MISSING, read_codings, write_table
    from statecode.render import (
        comparison_page,
        comparison_sections,
        frame_to_csv,
        frames_to_json,
        require_matplotlib,
    )

    if output_format is ReportFormat.HTML or plot is not None:
        require_matplotlib()
    documents = read_corpus(corpus, statements, metadata=metadata, unmatched=unmatched)
    coded = read_codings(
        codings,
        codebook=codebook_or_none(codebook),
        unit=unit,
        coder=coder,
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
        normalize=normalize,
        encoding=encoding,
        delimiter=delimiter,
    )
    comparison = compare_accounts(
        documents,
        coded,
        event=event,
        by=by,
        adjust=adjust,
        consensus=consensus_rule,
        decisions=decisions,
        normalize=normalize,
    )
    if flags is not None and comparison.consensus is not None:
        write_table(comparison.consensus.flags_sheet, flags)
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
        text = comparison_page(
            comparison, tables, title=f"Comparison of accounts: {codings.name}", event=event
        )
    else:
        text = comparison_sections(tables, markdown=output_format is ReportFormat.MARKDOWN)
    emit(text, output)
