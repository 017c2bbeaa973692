"""``statecode compare``: what each account of an event raises, stresses and omits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from statecode.cli._app import app, command
from statecode.cli._common import emit, user_errors
from statecode.cli._options import (
    CodedInput,
    DataArg,
    MetadataOpt,
    OutputOpt,
    ReportFormatOpt,
    UnmatchedOpt,
    choice,
    coded_input,
)
from statecode.cli._options import output_format as format_of
from statecode.exceptions import OptionError
from statecode.options import Adjustment, CompareTable, ReportFormat, Unmatched

if TYPE_CHECKING:
    from statecode.render import Document

__all__ = ["compare"]


@command(app, "compare", "Compare the accounts of each event.")
@user_errors
@coded_input
def compare(
    codings: DataArg,
    coded: CodedInput,
    corpus: Annotated[
        Path,
        typer.Option(
            metavar="PATH",
            help="Documents table, or a folder with documents.csv and statements.csv (or .txt "
            "files and their metadata).",
        ),
    ],
    statements: Annotated[
        Path | None,
        typer.Option(metavar="PATH", help="Statements table (with a documents table)."),
    ] = None,
    metadata: MetadataOpt = None,
    unmatched: UnmatchedOpt = Unmatched.ERROR,
    event: Annotated[str | None, typer.Option(metavar="ID", help="Only this event.")] = None,
    accounts: Annotated[
        str,
        typer.Option(metavar="ATTRIBUTE", help="The document attribute that names each account."),
    ] = "source",
    consensus_rule: Annotated[
        str,
        typer.Option(
            "--consensus",
            metavar="[majority|unanimous|coder:ID]",
            help="How several coders' codings become one per statement.",
        ),
    ] = "majority",
    flags: Annotated[
        Path | None,
        typer.Option(metavar="PATH", help="Write the ties and dissent to adjudicate here (CSV)."),
    ] = None,
    decisions: Annotated[
        Path | None, typer.Option(metavar="PATH", help="The adjudicated flags sheet to apply.")
    ] = None,
    adjust: Annotated[
        Adjustment, typer.Option(help="p-value adjustment.", **choice(Adjustment))
    ] = Adjustment.NONE,
    table: Annotated[
        CompareTable, typer.Option(help="Which table to print.", **choice(CompareTable))
    ] = CompareTable.ALL,
    output_format: ReportFormatOpt = None,
    output: OutputOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option(metavar="PATH", help="Write the dot-matrix figure (.png or .svg)."),
    ] = None,
) -> None:
    """What each account raises, stresses and omits: presence, divergence, similarity, emphasis."""
    from statecode import compare_accounts, plot_accounts, read_corpus
    from statecode.io import write_table
    from statecode.render import (
        comparison_document,
        comparison_page,
        comparison_sections,
        frame_to_csv,
        frames_to_json,
        provenance_lines,
        require_matplotlib,
    )

    output_format = format_of(output_format, output, ReportFormat)
    if output_format is ReportFormat.HTML or plot is not None:
        require_matplotlib()
    documents = read_corpus(corpus, statements, metadata=metadata, unmatched=unmatched)
    coded_table = coded.read(codings)
    comparison = compare_accounts(
        documents,
        coded_table,
        event=event,
        by=accounts,
        adjust=adjust,
        consensus=consensus_rule,
        decisions=decisions,
        normalize=coded.normalize,
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
    text: str | Document
    if output_format is ReportFormat.CSV:
        if len(tables) != 1:
            msg = "CSV holds one table: choose it with --table"
            raise OptionError(msg, option="table")
        text = frame_to_csv(tables[0][1])
    elif output_format is ReportFormat.JSON:
        text = frames_to_json(
            [(k.value, f) for _, f, k in chosen if table in (CompareTable.ALL, k)],
            provenance=comparison.provenance,
        )
    elif output_format is ReportFormat.HTML:
        text = comparison_page(
            comparison, tables, title=f"Comparison of accounts: {codings.name}", event=event
        )
    else:
        text = (
            comparison_sections(tables, markdown=True)
            + "\n".join(provenance_lines(comparison.provenance, markdown=True))
            + "\n"
            if output_format is ReportFormat.MARKDOWN
            else comparison_document(tables)
        )
    emit(text, output)
