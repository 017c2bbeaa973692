"""``statecode import`` and ``statecode export``: other tools' files in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from statecode.cli._app import app
from statecode.cli._common import (
    CodebookOpt,
    CorpusOutOpt,
    MetadataOpt,
    MissingOpt,
    SeparatorOpt,
    UnmatchedOpt,
    codebook_or_none,
    user_errors,
)
from statecode.options import (
    Curation,
    Discontinuous,
    ExportFormat,
    ImportFormat,
    SpanRule,
    UnitFrom,
    Unmatched,
)

__all__ = ["export", "import_"]

# the formats whose imports say who annotated each document
_ROSTERS = (
    ImportFormat.LABELSTUDIO,
    ImportFormat.DOCCANO,
    ImportFormat.WEBANNO,
    ImportFormat.XMI,
    ImportFormat.BRAT,
)


@app.command("import", short_help="Import codings from QDA and annotation tools.")
@user_errors
def import_(
    source_format: Annotated[ImportFormat, typer.Argument(help="Format of SRC.")],
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="The file(s): doccano takes one file per user, webanno and xmi several "
            "files (or a project .zip), brat one folder per coder."
        ),
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
        typer.Option(
            help="qdpx, webanno, xmi, brat, qualcoder: statements table; span codings "
            "become statement codings."
        ),
    ] = None,
    rule: Annotated[
        SpanRule, typer.Option(help="With --statements: when a span codes a statement.")
    ] = SpanRule.OVERLAP,
    threshold: Annotated[
        float, typer.Option(help="With --statements: share of the statement a span must cover.")
    ] = 0.5,
    variable: Annotated[
        str | None,
        typer.Option(
            help="doccano, brat (default label), qualcoder (default code), webanno, xmi "
            "(default: the feature): the variable of the codes."
        ),
    ] = None,
    layer: Annotated[
        str | None, typer.Option(help="webanno, xmi: the layer (type) that carries the codes.")
    ] = None,
    feature: Annotated[
        str | None, typer.Option(help="webanno, xmi: the layer's feature that holds the codes.")
    ] = None,
    unlabelled: Annotated[
        str | None,
        typer.Option(help="webanno, xmi: the code of annotations without a value."),
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option(help="webanno, xmi: who annotated the files; brat: the folder's coder."),
    ] = None,
    curation: Annotated[
        Curation, typer.Option(help="webanno project: read the curated annotations too, or only.")
    ] = Curation.EXCLUDE,
    discontinuous: Annotated[
        Discontinuous, typer.Option(help="brat: refuse discontinuous spans, or split them.")
    ] = Discontinuous.ERROR,
    statement_type: Annotated[
        str | None, typer.Option(help="dna: read the statements of this type only.")
    ] = None,
    text_field: Annotated[
        str, typer.Option(help="labelstudio: the data field that holds each task's text.")
    ] = "text",
    unit_from: Annotated[
        UnitFrom, typer.Option(help="doccano: units from the id key, or by position (order).")
    ] = UnitFrom.ID,
    span_variable: Annotated[
        str | None,
        typer.Option(help="doccano: the variable of spans in exports that also have labels."),
    ] = None,
    unitizers: Annotated[
        Path | None,
        typer.Option(
            help="labelstudio, doccano, webanno, xmi, brat: also write who annotated each "
            "document (document, coder), for statecode unitizing --coders."
        ),
    ] = None,
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
    unit_field: Annotated[
        str | None,
        typer.Option(help="labelstudio: the task data field naming the unit (default: task id)."),
    ] = None,
) -> None:
    """Read SRC and write its codings as a table (CSV, TSV, Parquet, JSON Lines, Excel)."""
    from statecode import (
        DataError,
        import_codings,
        write_codings,
        write_corpus,
        write_spans,
        write_unitizers,
    )
    from statecode.io import DEFAULT_MISSING

    if unitizers is not None and source_format not in _ROSTERS:
        names = ", ".join(f.value for f in _ROSTERS)
        msg = f"--unitizers is for the formats that record who annotated what: {names}"
        raise typer.BadParameter(msg)
    imported = import_codings(
        source_format,
        sources,
        codebook=codebook_or_none(codebook),
        statements=statements,
        rule=rule,
        threshold=threshold,
        variable=variable,
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
        layer=layer,
        feature=feature,
        unlabelled=unlabelled,
        coder=coder,
        curation=curation,
        discontinuous=discontinuous,
        statement_type=statement_type,
        text_field=text_field,
        unit_field=unit_field,
        unit_from=unit_from,
        span_variable=span_variable,
    )
    if not imported.spans and (imported.codings is None or imported.codings.data.is_empty()):
        msg = (
            f"{' '.join(map(str, sources))}: holds no codings (no spans, no coded units); "
            "nothing was coded, or the export holds the codebook only (statecode codebook "
            "export reads a codebook)"
        )
        raise DataError(msg)
    if imported.codings is not None and spans is None:
        imported.require_codings()  # an export of spans only says to write them (--spans)
    if corpus_out is not None and imported.corpus is not None:
        write_corpus(imported.corpus, corpus_out)
    if spans is not None and imported.corpus is not None:
        write_spans(imported.spans, spans)
    if unitizers is not None and imported.unitizers is not None:
        write_unitizers(imported.unitizers, unitizers)
    if imported.codings is None:
        write_spans(imported.spans, output)
    elif len(imported.codings):
        write_codings(imported.codings, output)
    else:
        typer.echo(f"warning: no codings of units, so {output} was not written", err=True)
    typer.echo(f"imported: {imported.summary()}", err=True)


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
    metadata: MetadataOpt = None,
    unmatched: UnmatchedOpt = Unmatched.ERROR,
    missing: MissingOpt = None,
    separator: SeparatorOpt = ";",
) -> None:
    """Write a REFI-QDA codebook (.qdc) or project (.qdpx), or codings in another table format."""
    from statecode import (
        read_codebook,
        read_codings,
        read_corpus,
        read_spans,
        write_codings,
        write_qdc,
        write_qdpx,
    )
    from statecode.io import DEFAULT_MISSING

    if target_format is ExportFormat.QDC:
        write_qdc(read_codebook(str(source)), output)
        return
    if target_format is ExportFormat.QDPX:
        if corpus is None or codebook is None:
            msg = "qdpx needs the texts (--corpus) and the codebook (--codebook)"
            raise typer.BadParameter(msg)
        texts = read_corpus(corpus, metadata=metadata, unmatched=unmatched)
        write_qdpx(texts, read_spans(source), read_codebook(codebook), output)
        return
    table = read_codings(
        source,
        codebook=codebook_or_none(codebook),
        missing=DEFAULT_MISSING if missing is None else missing,
        separator=separator,
    )
    write_codings(table, output)
