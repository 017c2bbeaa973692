"""``statecode import FORMAT`` and ``statecode export``: other tools' files in and out.

``import`` is a group with one command per format, each listing only the options its
format reads (``statecode import webanno --help`` shows ``--layer``, not ``--text-field``).
Every option is declared once, in :data:`_OPTIONS`, with the formats it applies to; one
function, :func:`_import`, runs them all.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from statecode.cli._app import _app, app, command
from statecode.cli._common import codebook_or_none, user_errors
from statecode.cli._options import (
    CodebookOpt,
    CorpusOutOpt,
    MetadataOpt,
    MissingOpt,
    SeparatorOpt,
    UnmatchedOpt,
    choice,
)
from statecode.exceptions import DataError, OptionError
from statecode.options import (
    Curation,
    Discontinuous,
    ExportFormat,
    ImportFormat,
    SpanRule,
    UnitFrom,
    Unmatched,
)

__all__ = ["export", "import_app"]

F = ImportFormat
#: Formats that hold spans only: --statements maps them onto statements.
_SPANS = frozenset({F.QDPX, F.WEBANNO, F.XMI, F.BRAT, F.QUALCODER})
#: Formats whose exports say who annotated each document.
_ROSTERS = frozenset({F.LABELSTUDIO, F.DOCCANO, F.WEBANNO, F.XMI, F.BRAT})
#: Formats that read several files (or a folder).
_MANY = frozenset({F.DOCCANO, F.WEBANNO, F.XMI, F.BRAT})
_ALL = frozenset(ImportFormat)
_TEXTS = _ALL - {F.TABLE}

#: What each format reads, for its help.
_ABOUT = {
    F.QDPX: (
        "A REFI-QDA project (.qdpx: ATLAS.ti, MAXQDA, NVivo, QualCoder, Quirkos)",
        "its span codings, texts, users and codebook",
    ),
    F.LABELSTUDIO: (
        "A Label Studio JSON export",
        "choices, numbers and ratings as statement codings; labels as spans",
    ),
    F.DOCCANO: (
        "doccano JSONL exports, one file per user (or a folder of them)",
        "category labels as codings, spans, relations counted",
    ),
    F.TABLE: ("A coding table (.csv, .tsv, .parquet, .jsonl, .xlsx)", "written in another format"),
    F.WEBANNO: (
        "INCEpTION or WebAnno TSV 3 files, a folder of them, or a project export .zip",
        "one layer's annotations as spans",
    ),
    F.XMI: ("UIMA CAS XMI files (INCEpTION, DKPro Core)", "one annotation type as spans"),
    F.BRAT: ("brat standoff annotations, one folder of .ann and .txt files per coder", "spans"),
    F.DNA: (
        "A Discourse Network Analyzer (DNA 3) database (.dna)",
        "statements with their person, organisation, concept and agreement",
    ),
    F.QUALCODER: ("A QualCoder project (data.qda)", "its coded text segments as spans"),
}


#: Each format in a few words, for ``statecode import --help``.
_SHORT = {
    F.QDPX: "REFI-QDA projects (ATLAS.ti, MAXQDA, NVivo, QualCoder, Quirkos).",
    F.LABELSTUDIO: "Label Studio JSON exports.",
    F.DOCCANO: "doccano JSONL exports, one file per user.",
    F.TABLE: "A coding table, into another table format.",
    F.WEBANNO: "INCEpTION and WebAnno TSV 3 files and project exports.",
    F.XMI: "UIMA CAS XMI files (INCEpTION, DKPro Core).",
    F.BRAT: "brat standoff annotations, one folder per coder.",
    F.DNA: "Discourse Network Analyzer (DNA 3) databases.",
    F.QUALCODER: "QualCoder projects (data.qda).",
}


def _opt(annotation: Any, default: Any, formats: frozenset[ImportFormat]) -> tuple[Any, ...]:
    return annotation, default, formats


def _text(metavar: str, text: str) -> Any:
    return Annotated[str | None, typer.Option(metavar=metavar, help=text)]


#: Every import option once: name -> (annotation, default, the formats it applies to).
_OPTIONS: dict[str, tuple[Any, Any, frozenset[ImportFormat]]] = {
    "output": _opt(
        Annotated[
            Path,
            typer.Option(
                "--output",
                "-o",
                metavar="PATH",
                help="The coding table to write (.csv, .tsv, .parquet, .jsonl, .xlsx); a span "
                "table for exports of spans without --statements.",
                show_default=False,
            ),
        ],
        ...,
        _ALL,
    ),
    "codebook": _opt(CodebookOpt, None, _ALL),
    "spans": _opt(
        Annotated[
            Path | None,
            typer.Option(metavar="PATH", help="Also write the span codings as a span table here."),
        ],
        None,
        _TEXTS,
    ),
    "corpus_out": _opt(CorpusOutOpt, None, _TEXTS),
    "unitizers": _opt(
        Annotated[
            Path | None,
            typer.Option(
                metavar="PATH",
                help="Also write who annotated each document (document, coder), for "
                "statecode unitizing --coders.",
            ),
        ],
        None,
        _ROSTERS,
    ),
    "statements": _opt(
        Annotated[
            Path | None,
            typer.Option(
                metavar="PATH",
                help="A statements table: the span codings become statement codings.",
            ),
        ],
        None,
        _SPANS,
    ),
    "rule": _opt(
        Annotated[
            SpanRule,
            typer.Option(
                help="With --statements: when a span codes a statement.", **choice(SpanRule)
            ),
        ],
        SpanRule.OVERLAP,
        _SPANS,
    ),
    "threshold": _opt(
        Annotated[
            float,
            typer.Option(
                metavar="FLOAT", help="With --statements: the share of a statement a span covers."
            ),
        ],
        0.5,
        _SPANS,
    ),
    "variable": _opt(
        _text("NAME", "The variable of the codes (default: label; webanno, xmi: the feature)."),
        None,
        frozenset({F.DOCCANO, F.BRAT, F.QUALCODER, F.WEBANNO, F.XMI}),
    ),
    "layer": _opt(
        _text("TYPE", "The layer (annotation type) that carries the codes."),
        None,
        frozenset({F.WEBANNO, F.XMI}),
    ),
    "feature": _opt(
        _text("NAME", "The layer's feature that holds the codes."),
        None,
        frozenset({F.WEBANNO, F.XMI}),
    ),
    "unlabelled": _opt(
        _text("CODE", "The code of annotations without a value."),
        None,
        frozenset({F.WEBANNO, F.XMI}),
    ),
    "coder": _opt(
        _text("ID", "Who annotated the files (brat: the folder's coder)."),
        None,
        frozenset({F.WEBANNO, F.XMI, F.BRAT}),
    ),
    "curation": _opt(
        Annotated[
            Curation,
            typer.Option(
                help="Read a project's curated annotations too, or only.", **choice(Curation)
            ),
        ],
        Curation.EXCLUDE,
        frozenset({F.WEBANNO}),
    ),
    "discontinuous": _opt(
        Annotated[
            Discontinuous,
            typer.Option(
                help="Refuse discontinuous spans, or split them.", **choice(Discontinuous)
            ),
        ],
        Discontinuous.ERROR,
        frozenset({F.BRAT}),
    ),
    "statement_type": _opt(
        _text("TYPE", "Read the statements of this type only."), None, frozenset({F.DNA})
    ),
    "text_field": _opt(
        Annotated[
            str, typer.Option(metavar="KEY", help="The task data field that holds the text.")
        ],
        "text",
        frozenset({F.LABELSTUDIO}),
    ),
    "unit_field": _opt(
        _text("KEY", "The task data field naming the unit (default: the task id)."),
        None,
        frozenset({F.LABELSTUDIO}),
    ),
    "unit_from": _opt(
        Annotated[
            UnitFrom,
            typer.Option(help="Units from the id key, or by position.", **choice(UnitFrom)),
        ],
        UnitFrom.ID,
        frozenset({F.DOCCANO}),
    ),
    "span_variable": _opt(
        _text("NAME", "The variable of spans in exports that also have labels."),
        None,
        frozenset({F.DOCCANO}),
    ),
    "missing": _opt(MissingOpt, None, frozenset({F.TABLE})),
    "separator": _opt(SeparatorOpt, ";", _ALL - {F.QDPX, F.QUALCODER, F.BRAT}),
}


def _import(source_format: ImportFormat, sources: list[Path], **options: Any) -> None:
    """Read the export and write its codings (and what else was asked)."""
    from statecode import (
        import_codings,
        write_codings,
        write_corpus,
        write_spans,
        write_unitizers,
    )
    from statecode.io import DEFAULT_MISSING

    output: Path = options.pop("output")
    spans: Path | None = options.pop("spans", None)
    corpus_out: Path | None = options.pop("corpus_out", None)
    unitizers: Path | None = options.pop("unitizers", None)
    codebook = codebook_or_none(options.pop("codebook", None))
    missing = options.pop("missing", None)
    imported = import_codings(
        source_format,
        sources,
        codebook=codebook,
        missing=DEFAULT_MISSING if missing is None else missing,
        **options,
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


import_app = _app("Import codings from QDA and annotation tools: one command per format.")
app.add_typer(import_app, name="import", short_help="Import codings from QDA and annotation tools.")


def _register(source_format: ImportFormat) -> None:
    what, gives = _ABOUT[source_format]
    many = source_format in _MANY
    sources = inspect.Parameter(
        "sources",
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        annotation=Annotated[
            list[Path] if many else Path,
            typer.Argument(metavar="FILE", help=what + ".", show_default=False),
        ],
    )
    params = [sources] + [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=d)
        for name, (kind, d, formats) in _OPTIONS.items()
        if source_format in formats
    ]

    def run(sources: Path | list[Path], **options: Any) -> None:
        files = list(sources) if isinstance(sources, list) else [sources]
        if options.get("statements") is None:
            options.pop("rule", None)
            options.pop("threshold", None)
        _import(source_format, files, **options)

    run.__name__ = f"import_{source_format.value}"
    run.__doc__ = f"{what}: {gives}."
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    command(import_app, source_format.value, _SHORT[source_format])(user_errors(run))


for _format in ImportFormat:
    _register(_format)


@command(app, "export", "Export a codebook or codings to other tools.")
@user_errors
def export(
    target_format: Annotated[
        ExportFormat,
        typer.Argument(
            help="What to write: " + ", ".join(m.value for m in ExportFormat) + ".",
            show_default=False,
            **choice(ExportFormat, metavar="FORMAT"),
        ),
    ],
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE",
            help="A codebook (qdc), a span table (qdpx), or codings (a table format).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="PATH", help="The file to write.", show_default=False
        ),
    ],
    codebook: CodebookOpt = None,
    corpus: Annotated[
        Path | None,
        typer.Option(metavar="PATH", help="qdpx: documents table or folder with documents.csv."),
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
            raise OptionError(msg, option="corpus")
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
