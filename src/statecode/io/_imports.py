"""Other tools' files in one call: pick the reader by format, attach statements, get codings.

:func:`import_codings` is what ``statecode import FORMAT SRC`` runs, and
:func:`read_span_source` what ``statecode unitizing SRC`` reads: a script gets the same
result from the same call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError
from statecode.io._annotations import frozen_counts, frozen_rosters
from statecode.io._doccano import read_doccano
from statecode.io._labelstudio import LabelStudioImport, read_labelstudio
from statecode.io._spans import attach_statements, read_spans
from statecode.io._tabular import DEFAULT_MISSING, read_codings
from statecode.io.refi import read_qdpx
from statecode.model import Corpus, Span
from statecode.options import ImportFormat, SpanRule, parse_option
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
        or a QDA project's span codings mapped onto ``statements``. None for a QDA project
        read without statements: it holds spans only.
    spans : tuple of Span
        Span codings (empty for a table).
    corpus : Corpus or None
        The texts (None for a table).
    unitizers : mapping of document to coders, or None
        Who annotated each document (Label Studio, doccano), for
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


def import_codings(
    source_format: ImportFormat | str,
    sources: PathLike | Sequence[PathLike],
    *,
    codebook: Codebook | None = None,
    statements: PathLike | None = None,
    rule: SpanRule | str = SpanRule.OVERLAP,
    threshold: float = 0.5,
    variable: str = "label",
    missing: Sequence[str] = DEFAULT_MISSING,
    separator: str = ";",
    text_field: str = "text",
    unit_field: str | None = None,
) -> ImportResult:
    """Read another tool's export (or a coding table) into codings, spans and texts.

    Parameters
    ----------
    source_format : {'qdpx', 'labelstudio', 'doccano', 'table'}
        The format of ``sources``.
    sources : path, or sequence of paths
        The file; doccano takes one file per user.
    codebook : Codebook, optional
        Check the codes against it (for ``qdpx``: map the project's codes onto it).
    statements : path, optional
        ``qdpx``: a statements table (``statement_id``, ``document_id``, ``start``,
        ``end``); the project's span codings then become codings of these statements
        (:func:`~statecode.spans_to_codings` with ``rule`` and ``threshold``).
    rule, threshold
        ``qdpx``: when a span codes a statement.
    variable : str
        ``doccano``: the variable its labels belong to.
    missing, separator
        ``table``: the missing-value markers and the separator of multi-label cells
        (``separator`` also joins Label Studio's and doccano's multi-label choices).
    text_field, unit_field
        ``labelstudio``: the task data field holding the text, and the one naming the unit
        (see :func:`~statecode.read_labelstudio`).

    Returns
    -------
    ImportResult

    Raises
    ------
    OptionError
        For an unknown format, several files for a format that takes one, or
        ``statements`` for a format other than ``qdpx``.
    InputFileError, DataError, CodebookError
        From the reader, each with the file, the place in it and the fix.
    """
    chosen = parse_option(ImportFormat, source_format, "source_format")
    files = (
        [Path(sources)] if isinstance(sources, str | os.PathLike) else [Path(s) for s in sources]
    )
    if chosen is not ImportFormat.DOCCANO and len(files) != 1:
        msg = f"{chosen.value} takes one file, got {len(files)}"
        raise OptionError(msg, option="sources")
    if statements is not None and chosen is not ImportFormat.QDPX:
        msg = "statements= maps a QDA project's spans onto statements; it is for qdpx only"
        raise OptionError(msg, option="statements")
    if chosen is ImportFormat.QDPX:
        project = read_qdpx(files[0], codebook=codebook)
        codings = None
        if statements is not None:
            documents = attach_statements(project.corpus, statements)
            codings = spans_to_codings(
                documents,
                project.spans,
                rule=rule,
                threshold=threshold,
                codebook=project.codebook,
            )
        return ImportResult(codings, project.spans, project.corpus, None, project.codebook)
    if chosen is ImportFormat.TABLE:
        table = read_codings(files[0], codebook=codebook, missing=missing, separator=separator)
        return ImportResult(table, codebook=codebook)
    imported = (
        read_labelstudio(
            files[0],
            codebook=codebook,
            separator=separator,
            text_field=text_field,
            unit_field=unit_field,
        )
        if chosen is ImportFormat.LABELSTUDIO
        else read_doccano(files, variable=variable, codebook=codebook, separator=separator)
    )
    skipped = dict(getattr(imported, "skipped", {}))
    if isinstance(imported, LabelStudioImport) and imported.cancelled:
        skipped["cancelled annotations"] = imported.cancelled
    return ImportResult(
        imported.codings, imported.spans, imported.corpus, imported.unitizers, codebook, skipped
    )


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
