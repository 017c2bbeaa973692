"""Other tools' files in one call: pick the reader by format, attach statements, get codings.

:func:`import_codings` is what ``statecode import FORMAT SRC`` runs, and
:func:`read_span_source` what ``statecode unitizing SRC`` reads: a script gets the same
result from the same call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError
from statecode.io._annotations import frozen_counts, frozen_rosters
from statecode.io._brat import read_brat
from statecode.io._codings import read_codings
from statecode.io._dna import read_dna
from statecode.io._doccano import read_doccano
from statecode.io._labelstudio import read_labelstudio
from statecode.io._qualcoder import read_qualcoder
from statecode.io._spans import attach_statements, read_spans
from statecode.io._tabular import DEFAULT_MISSING
from statecode.io._webanno_read import read_webanno
from statecode.io._xmi import read_xmi
from statecode.io.refi import read_qdpx
from statecode.model import Corpus, Span
from statecode.options import (
    Curation,
    Discontinuous,
    ImportFormat,
    SpanRule,
    UnitFrom,
    parse_option,
)
from statecode.spans import spans_to_codings
from statecode.table import CodingTable

__all__ = ["ImportResult", "import_codings", "read_span_source"]


def _optional_rosters(
    value: Mapping[str, Sequence[str]] | None,
) -> Mapping[str, tuple[str, ...]] | None:
    return None if value is None else frozen_rosters(value)


@attrs.frozen
class ImportResult:
    """What an import read.

    Attributes
    ----------
    codings : CodingTable or None
        Codings of units: statement codes of Label Studio and doccano, a table's codings,
        DNA's statements, or the span codings of a QDA project (or of INCEpTION, XMI, brat,
        QualCoder files) mapped onto ``statements``. None for spans read without
        statements.
    spans : tuple of Span
        Span codings (empty for a table).
    corpus : Corpus or None
        The texts (None for a table).
    unitizers : mapping of document to coders, or None
        Who annotated each document (Label Studio, doccano, INCEpTION, XMI, brat), for
        :func:`~statecode.unitizing_alpha`'s ``coders=``.
    codebook : Codebook or None
        The codebook the codes were read with (a QDA project's own when none was given).
    skipped : mapping of str to int
        What the export holds that carries no code, counted by kind (results of other
        types, empty annotations; see the reader).
    """

    codings: CodingTable | None
    spans: tuple[Span, ...] = ()
    corpus: Corpus | None = None
    unitizers: Mapping[str, tuple[str, ...]] | None = attrs.field(
        default=None, converter=_optional_rosters
    )
    codebook: Codebook | None = None
    skipped: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts)

    def summary(self) -> str:
        """One line: what was read, and what was left out (and why)."""
        parts = []
        if self.codings is not None:
            table = self.codings
            parts.append(
                f"{len(table)} codings of {len(table.units)} units by {len(table.coders)} "
                f"coders on {len(table.variables)} variables"
            )
        if self.spans:
            parts.append(f"{len(self.spans)} spans")
        if self.corpus is not None:
            parts.append(f"{len(self.corpus.documents)} documents")
        text = ", ".join(parts) or "nothing"
        if self.skipped:
            left = ", ".join(f"{n} {kind}" for kind, n in self.skipped.items())
            text += f"; left out, holding no code: {left}"
        return text

    def require_codings(self) -> CodingTable:
        """The codings, or an error that says what the export holds instead.

        Raises
        ------
        DataError
            If there are no codings: an export of spans only, or of nothing.
        """
        if self.codings is not None and len(self.codings):
            return self.codings
        what = f"{len(self.spans)} spans" if self.spans else "no spans either"
        msg = f"the export holds no codings of units, and {what}; " + (
            "write the spans with spans= (a span table), or compare them with unitizing_alpha"
            if self.spans
            else "check that it is the right export and that the annotators coded"
        )
        raise DataError(msg)


#: The formats that hold spans only, whose spans ``statements=`` maps onto statements.
_SPAN_FORMATS = (
    ImportFormat.QDPX,
    ImportFormat.WEBANNO,
    ImportFormat.XMI,
    ImportFormat.BRAT,
    ImportFormat.QUALCODER,
)
#: The formats that take several files.
_MANY_FILES = (ImportFormat.DOCCANO, ImportFormat.WEBANNO, ImportFormat.XMI, ImportFormat.BRAT)


def import_codings(
    source_format: ImportFormat | str,
    sources: PathLike | Sequence[PathLike],
    *,
    codebook: Codebook | None = None,
    statements: PathLike | None = None,
    rule: SpanRule | str = SpanRule.OVERLAP,
    threshold: float = 0.5,
    variable: str | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    separator: str = ";",
    layer: str | None = None,
    feature: str | None = None,
    unlabelled: str | None = None,
    coder: str | None = None,
    curation: Curation | str = Curation.EXCLUDE,
    discontinuous: Discontinuous | str = Discontinuous.ERROR,
    statement_type: str | None = None,
    text_field: str = "text",
    unit_field: str | None = None,
    unit_from: UnitFrom | str = UnitFrom.ID,
    span_variable: str | None = None,
) -> ImportResult:
    """Read another tool's export (or a coding table) into codings, spans and texts.

    Parameters
    ----------
    source_format : {'qdpx', 'labelstudio', 'doccano', 'table', 'webanno', 'xmi', 'brat', \
'dna', 'qualcoder'}
        The format of ``sources``.
    sources : path, or sequence of paths
        The file; doccano takes one file per user, webanno and xmi several files (or a
        project export), brat one folder per coder.
    codebook : Codebook, optional
        Check the codes against it (for ``qdpx``: map the project's codes onto it).
    statements : path, optional
        For the formats that hold spans only (``qdpx``, ``webanno``, ``xmi``, ``brat``,
        ``qualcoder``): a statements table (``statement_id``, ``document_id``, ``start``,
        ``end``); the span codings then become codings of these statements
        (:func:`~statecode.spans_to_codings` with ``rule`` and ``threshold``).
    rule, threshold
        When a span codes a statement.
    variable : str, optional
        The variable the codes belong to: ``doccano`` and ``brat`` (default ``label``),
        ``qualcoder`` (default ``code``), ``webanno`` and ``xmi`` (default: the feature's
        name).
    missing, separator
        ``table``: the missing-value markers and the separator of multi-label cells
        (``separator`` also joins Label Studio's, doccano's and DNA's multi-label codes).
    layer, feature, unlabelled
        ``webanno``, ``xmi``: the layer and feature that carry the codes, and the code of
        annotations without a value (see :func:`~statecode.read_webanno`).
    coder
        ``webanno``, ``xmi``: who annotated a file read on its own; ``brat``: the coder of
        a single folder.
    curation
        ``webanno``: whether to read a project's curated annotations.
    discontinuous
        ``brat``: refuse discontinuous spans, or split them.
    statement_type
        ``dna``: the statement type to read.
    text_field, unit_field
        ``labelstudio``: the task data field holding the text, and the one naming the unit
        (see :func:`~statecode.read_labelstudio`).
    unit_from, span_variable
        ``doccano``: where each example's unit id comes from, and the variable of spans in
        an export that also has category labels.

    Returns
    -------
    ImportResult

    Raises
    ------
    OptionError
        For an unknown format, several files for a format that takes one, or
        ``statements`` for a format that does not hold spans only.
    InputFileError, DataError, CodebookError
        From the reader, each with the file, the place in it and the fix.
    """
    chosen = parse_option(ImportFormat, source_format, "source_format")
    files = (
        [Path(sources)] if isinstance(sources, str | os.PathLike) else [Path(s) for s in sources]
    )
    if chosen not in _MANY_FILES and len(files) != 1:
        msg = f"{chosen.value} takes one file, got {len(files)}"
        raise OptionError(msg, option="sources")
    if statements is not None and chosen not in _SPAN_FORMATS:
        names = ", ".join(f.value for f in _SPAN_FORMATS)
        msg = (
            f"statements= maps spans onto statements; it is for the formats that hold spans "
            f"only: {names}"
        )
        raise OptionError(msg, option="statements")
    result = _read(
        chosen,
        files,
        codebook=codebook,
        variable=variable,
        missing=missing,
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
    if statements is None or result.corpus is None:
        return result
    documents = attach_statements(result.corpus, statements)
    codings = spans_to_codings(
        documents, result.spans, rule=rule, threshold=threshold, codebook=result.codebook
    )
    return attrs.evolve(result, codings=codings)


def _read(  # noqa: PLR0911 (one return per format)
    chosen: ImportFormat,
    files: list[Path],
    *,
    codebook: Codebook | None,
    variable: str | None,
    missing: Sequence[str],
    separator: str,
    layer: str | None,
    feature: str | None,
    unlabelled: str | None,
    coder: str | None,
    curation: Curation | str,
    discontinuous: Discontinuous | str,
    statement_type: str | None,
    text_field: str,
    unit_field: str | None,
    unit_from: UnitFrom | str,
    span_variable: str | None,
) -> ImportResult:
    """The reader of ``chosen``, its result as an :class:`ImportResult`."""
    if chosen is ImportFormat.QDPX:
        project = read_qdpx(files[0], codebook=codebook)
        return ImportResult(None, project.spans, project.corpus, None, project.codebook)
    if chosen is ImportFormat.TABLE:
        table = read_codings(files[0], codebook=codebook, missing=missing, separator=separator)
        return ImportResult(table, codebook=codebook)
    if chosen is ImportFormat.LABELSTUDIO:
        ls = read_labelstudio(
            files[0],
            codebook=codebook,
            separator=separator,
            text_field=text_field,
            unit_field=unit_field,
        )
        skipped = {**ls.skipped}
        if ls.cancelled:
            skipped["cancelled annotations"] = ls.cancelled
        return ImportResult(ls.codings, ls.spans, ls.corpus, ls.unitizers, codebook, skipped)
    if chosen is ImportFormat.DOCCANO:
        dc = read_doccano(
            files,
            variable=variable or "label",
            span_variable=span_variable,
            unit_from=unit_from,
            codebook=codebook,
            separator=separator,
        )
        return ImportResult(dc.codings, dc.spans, dc.corpus, dc.unitizers, codebook, dc.skipped)
    if chosen is ImportFormat.DNA:
        dna = read_dna(
            files[0], statement_type=statement_type, codebook=codebook, separator=separator
        )
        return ImportResult(dna.codings, dna.spans, dna.corpus, None, codebook, _skipped(dna))
    if chosen is ImportFormat.QUALCODER:
        qc = read_qualcoder(files[0], variable=variable or "code", codebook=codebook)
        return ImportResult(None, qc.spans, qc.corpus, None, codebook, _skipped(qc))
    if chosen is ImportFormat.BRAT:
        brat = read_brat(
            files,
            variable=variable or "label",
            discontinuous=discontinuous,
            coder=coder,
            codebook=codebook,
        )
        return ImportResult(None, brat.spans, brat.corpus, brat.unitizers, codebook, _skipped(brat))
    reader = read_webanno if chosen is ImportFormat.WEBANNO else read_xmi
    options: dict[str, Any] = {"curation": curation} if chosen is ImportFormat.WEBANNO else {}
    layered = reader(
        files,
        layer=layer,
        feature=feature,
        variable=variable,
        unlabelled=unlabelled,
        coder=coder,
        codebook=codebook,
        **options,
    )
    return ImportResult(
        None, layered.spans, layered.corpus, layered.unitizers, codebook, _skipped(layered)
    )


def _skipped(imported: object) -> Mapping[str, int]:
    """A reader's counts of what holds no code (the readers that count any)."""
    counts = getattr(imported, "skipped", None)
    return dict(counts) if isinstance(counts, Mapping) else {}


def read_span_source(path: PathLike, *, variable: str | None = None) -> ImportResult:
    """Spans to compare with :func:`~statecode.unitizing_alpha`: a span table or a ``.qdpx``.

    A ``.qdpx`` project gives its texts too (each continuum's length); a span table without a
    ``variable`` column holds one variable, named ``variable`` (default ``code``).

    Returns
    -------
    ImportResult
        ``spans``, and ``corpus`` for a project; no ``codings``.
    """
    file = Path(path)
    if file.suffix.lower() == ".qdpx":
        project = read_qdpx(file)
        return ImportResult(None, project.spans, project.corpus, None, project.codebook)
    return ImportResult(None, read_spans(file, variable=variable or "code"))
