"""Label Studio's JSON export: statement codes (``choices``) and span codes (``labels``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from statecode._typing import PathLike
from statecode._values import EMPTY_SET
from statecode.codebook import Codebook
from statecode.exceptions import DataError, Problem
from statecode.io._annotations import (
    CODER,
    ROW,
    UNIT,
    build_table,
    document_fields,
    frozen_counts,
    frozen_rosters,
    id_text,
    is_whole,
    json_kind,
    not_a_variable,
    offset_converter,
    rosters,
    unknown_code,
)
from statecode.io._json import parse_json, read_text
from statecode.model import Corpus, Document, Span
from statecode.options import OffsetUnit, parse_option
from statecode.table import CodingTable

__all__ = ["LabelStudioImport", "OffsetUnit", "read_labelstudio"]


# --------------------------------------------------------------------------------------------
# Label Studio


@attrs.frozen
class LabelStudioImport:
    """What a Label Studio export holds, read into statecode's model.

    Attributes
    ----------
    codings : CodingTable
        The statement codes (``choices``, ``number`` and ``rating`` results): one coding per
        task, annotator and control tag. The table's ``row`` column numbers the annotations
        in the export (1 = the first annotation of the first task).
    spans : tuple of Span
        The span codes (``labels`` results and per-region ``choices``), one per label.
    corpus : Corpus
        One document per unit: the task's text; data fields named ``title``, ``source``,
        ``event``, ``language`` (text) and ``date`` (an ISO date) fill those fields of the
        document, the other data fields are its metadata.
    cancelled : int
        Annotations skipped because the annotator cancelled (skipped) the task.
    skipped : mapping of str to int
        What holds no code, counted by kind: results of other types (``textarea``,
        ``relation``, ...), ``empty annotation`` (submitted with no result at all) and
        ``empty choices`` (a choices result with nothing chosen, for a variable that is not
        multi-label in the codebook; for a multi-label one it is the empty set ``{}``).
    source : str
        The export file.
    unitizers : mapping of str to tuple of str
        For every document (unit), the annotators who completed an annotation of its task,
        in the order of the export; cancelled annotations do not count. Pass it as
        ``unitizing_alpha(spans, coders=unitizers, continua=corpus)``: an annotator who
        completed a task but marked no span left its text void, one who never annotated it
        is absent there.
    """

    codings: CodingTable
    spans: tuple[Span, ...]
    corpus: Corpus
    cancelled: int
    skipped: Mapping[str, int] = attrs.field(converter=frozen_counts)
    source: str
    unitizers: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_rosters)


_CODE_TYPES = ("choices", "labels", "number", "rating")


def read_labelstudio(
    path: PathLike,
    *,
    codebook: Codebook | None = None,
    unit_field: str | None = None,
    text_field: str = "text",
    offsets: OffsetUnit | str = OffsetUnit.UTF16,
    separator: str = ";",
) -> LabelStudioImport:
    """Read a Label Studio JSON export: statement codes, span codes and the texts.

    Parameters
    ----------
    path : str or path
        The ``.json`` file Label Studio exports with the "JSON" format: a list of tasks,
        each with its ``data`` and its ``annotations``.
    codebook : Codebook, optional
        Check every control tag name (``from_name``) and every code against it.
    unit_field : str, optional
        The ``data`` field holding each task's unit id (e.g. the statement id you imported
        the task with). By default the unit is the task's ``id``.
    text_field : str
        The ``data`` field holding the task's text.
    offsets : {'utf-16', 'code-points'}
        What the ``start`` and ``end`` of span results count (see Notes).
    separator : str
        Separator of codes in multi-label cells of the coding table.

    Returns
    -------
    LabelStudioImport
        The coding table, the spans, the corpus of task texts, and the number of cancelled
        annotations and skipped results.

    Raises
    ------
    InputFileError
        If the file cannot be read.
    DataError
        Listing every problem, each with its task (position and id), annotation, result and
        control tag: a task without data or text, an annotation without ``completed_by``,
        two annotations by one annotator of one unit, a control tag that is not a codebook
        variable, an unknown code, several choices for a single-label variable, a span
        outside its text or whose text differs from the export's.

    Notes
    -----
    Each task is one unit, coded by each annotator who completed an annotation:

    - **unit**: ``data[unit_field]``, or the task ``id`` (as text). Tasks with the same unit
      must have the same text; the corpus holds one document per unit, with the unit as
      its id, so spans and codings refer to the same ids.
    - **coder**: the annotation's ``completed_by``, as text: the user id when it is a
      number, the email (else the id) when it is an object.
    - **variable**: the result's ``from_name``, the name of the control tag in the
      labelling configuration. Name the tags after the codebook's variables.
    - **value**: a ``choices`` result gives a code, or with several choices the codes joined
      by ``separator`` (a set for a multi-label variable; an error for a single-label one);
      ``number`` and ``rating`` results give a number. ``choices: []`` gives no coding.
    - **spans**: a ``labels`` result (or a ``choices`` result of a region, which carries
      ``start`` and ``end``) gives one :class:`~statecode.Span` per label.

    Annotations with ``was_cancelled`` are not read and are counted in ``cancelled``;
    results of other types are counted in ``skipped``. Predictions (pre-annotations by a
    model) are not annotations and are not read.

    Label Studio's browser front end counts offsets in UTF-16 code units, as JavaScript
    does: an emoji or another character above U+FFFF counts 2. With ``offsets='utf-16'``
    (the default) offsets are converted to code points using the task text (see
    :class:`Utf16Offsets`). Some Label Studio versions write code points; if a result
    holds the marked ``text``, it is compared with the converted span, and a mismatch is
    an error that says whether ``offsets='code-points'`` would match.

    References
    ----------
    Label Studio documentation, "Label Studio JSON format of annotated tasks",
    https://labelstud.io/guide/task_format

    Label Studio issue 1347, "UTF8 text got invalid annotation offset" (offsets after an
    emoji count UTF-16 code units), https://github.com/HumanSignal/label-studio/issues/1347
    """
    unit_type = parse_option(OffsetUnit, offsets, "offsets")
    file = Path(path)
    tasks = _load_json(file)
    reader = _LabelStudioReader(
        codebook=codebook,
        unit_field=unit_field,
        text_field=text_field,
        offsets=unit_type,
        separator=separator,
    )
    for index, task in enumerate(tasks, start=1):
        reader.read_task(index, task)
    problems = reader.problems
    codings = build_table(
        reader.rows,
        list(reader.variables),
        reader.locations,
        "from_name {}",
        codebook=codebook,
        source=str(file),
        separator=separator,
        problems=problems,
    )
    if problems:
        raise DataError(problems, source=str(file))
    return LabelStudioImport(
        codings=codings,
        spans=tuple(reader.spans),
        corpus=Corpus(documents=tuple(reader.documents.values())),
        cancelled=reader.cancelled,
        skipped=reader.skipped,
        source=str(file),
        unitizers=rosters(  # a task without text has codings but no document
            reader.documents, (pair for pair in reader.annotated if pair[0] in reader.documents)
        ),
    )


def _load_json(file: Path) -> list[Any]:
    remedy = "export the project again with the JSON format"
    text = read_text(file, "a Label Studio export", "export the project again as JSON")
    try:
        data = parse_json(text, "", remedy)
    except DataError as exc:
        raise DataError(exc.problems, source=str(file)) from None
    if not isinstance(data, list):
        msg = (
            f"expected a list of tasks (Label Studio's JSON export), got {json_kind(data)}; "
            "export the project with the JSON format"
        )
        raise DataError(msg, source=str(file))
    return data


def _number_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _LabelStudioReader:
    """Collects the units, codings, spans and problems of one export."""

    def __init__(
        self,
        *,
        codebook: Codebook | None,
        unit_field: str | None,
        text_field: str,
        offsets: OffsetUnit,
        separator: str,
    ) -> None:
        self.codebook = codebook
        self.unit_field = unit_field
        self.text_field = text_field
        self.offsets = offsets
        self.separator = separator
        self.problems: list[Problem] = []
        self.documents: dict[str, Document] = {}
        self.document_task: dict[str, str] = {}
        self.rows: list[dict[str, Any]] = []
        self.locations: dict[int, str] = {}
        self.variables: dict[str, None] = {}
        self.spans: list[Span] = []
        self.cancelled = 0
        self.skipped: dict[str, int] = {}
        self.annotated: dict[tuple[str, str], str] = {}
        self.annotations = 0
        self.hint = ""  # where the current task's text may be

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def read_task(self, index: int, task: object) -> None:
        if not isinstance(task, dict):
            self.problem(f"task {index}", f"expected a task object, got {json_kind(task)}")
            return
        task_id = task.get("id")
        where = f"task {index} (id {task_id})" if task_id is not None else f"task {index}"
        data = task.get("data")
        if not isinstance(data, dict):
            self.problem(
                f"{where}, key 'data'",
                f"expected an object with the task's data, got {json_kind(data)}; export the "
                "project with the JSON format",
            )
            return
        text = data.get(self.text_field)
        unit = self.unit_of(where, task_id, data)
        self.hint = (
            f"data fields: {', '.join(repr(k) for k in data) or '(none)'}; name the text field "
            "with text_field= (on the command line: --text-field)"
        )
        if text is not None and not isinstance(text, str):
            self.problem(
                f"{where}, data[{self.text_field!r}]",
                f"expected the task's text, got {json_kind(text)} ({self.hint})",
            )
            return
        annotations = task.get("annotations", task.get("completions"))
        if not isinstance(annotations, list):
            self.problem(
                f"{where}, key 'annotations'",
                f"expected a list of annotations, got {json_kind(annotations)}; export the "
                "project with the JSON format (not JSON-MIN or CSV)",
            )
            return
        if unit is None or (text is not None and not self.add_document(where, unit, text, data)):
            return
        for number, annotation in enumerate(annotations, start=1):
            self.read_annotation(f"{where}, annotation {number}", unit, text, annotation)

    def unit_of(self, where: str, task_id: object, data: Mapping[str, Any]) -> str | None:
        if self.unit_field is None:
            unit = id_text(task_id)
            if unit is None:
                self.problem(
                    f"{where}, key 'id'",
                    f"the task id {task_id!r} cannot name the unit; pass unit_field= to take "
                    "the unit from a data field",
                )
            return unit
        unit = id_text(data.get(self.unit_field))
        if unit is None:
            fields = ", ".join(repr(k) for k in data) or "(none)"
            self.problem(
                f"{where}, data[{self.unit_field!r}]",
                f"expected a unit id (text or whole number), got "
                f"{data.get(self.unit_field)!r} (data fields: {fields}); fix unit_field= "
                "or the task data",
            )
        return unit

    def add_document(self, where: str, unit: str, text: str, data: Mapping[str, Any]) -> bool:
        known = self.documents.get(unit)
        if known is None:
            fields, meta = document_fields(data, self.text_field)
            self.documents[unit] = Document(id=unit, text=text, metadata=meta, **fields)
            self.document_task[unit] = where
            return True
        if known.text != text:
            self.problem(
                where,
                f"unit {unit!r} is also the unit of {self.document_task[unit]}, with another "
                "text; a unit id must name one text (check unit_field=)",
            )
            return False
        return True

    def coder_of(self, where: str, annotation: Mapping[str, Any]) -> str | None:
        by = annotation.get("completed_by")
        if isinstance(by, dict):
            email = by.get("email")
            coder = email if isinstance(email, str) and email.strip() else id_text(by.get("id"))
        else:
            coder = id_text(by)
        if coder is None:
            self.problem(
                f"{where}, key 'completed_by'",
                f"expected the annotator (a user id, or an object with an id or email), got "
                f"{by!r}; export the project again from Label Studio",
            )
        return coder

    def read_annotation(self, where: str, unit: str, text: str | None, annotation: object) -> None:
        if not isinstance(annotation, dict):
            self.problem(where, f"expected an annotation object, got {json_kind(annotation)}")
            return
        if annotation.get("id") is not None:
            where = f"{where} (id {annotation['id']})"
        if annotation.get("was_cancelled"):
            self.cancelled += 1
            return
        coder = self.coder_of(where, annotation)
        results = annotation.get("result")
        if not isinstance(results, list):
            self.problem(
                f"{where}, key 'result'", f"expected a list of results, got {json_kind(results)}"
            )
            return
        if coder is None:
            return
        if not results:
            # submitted with nothing chosen: which variable it leaves open is unknown
            self.skipped["empty annotation"] = self.skipped.get("empty annotation", 0) + 1
        first = self.annotated.get((unit, coder))
        if first is not None:
            self.problem(
                where,
                f"annotator {coder!r} already annotated unit {unit!r} in {first}; keep one "
                "annotation per annotator and task (delete the other in Label Studio)",
            )
            return
        self.annotated[unit, coder] = where
        self.annotations += 1
        row: dict[str, Any] = {UNIT: unit, CODER: coder, ROW: self.annotations}
        for number, result in enumerate(results, start=1):
            self.read_result(f"{where}, result {number}", unit, coder, text, result, row)
        if len(row) > 3:
            self.rows.append(row)
            self.locations[self.annotations] = where

    def read_result(
        self,
        where: str,
        unit: str,
        coder: str,
        text: str | None,
        result: object,
        row: dict[str, Any],
    ) -> None:
        parsed = self.parse_result(where, result)
        if parsed is None:
            return
        where, kind, name, value = parsed
        if "start" in value or "end" in value or kind == "labels":
            if kind in ("number", "rating"):  # a number for a region: no code to keep
                per_region = f"{kind} (per region)"
                self.skipped[per_region] = self.skipped.get(per_region, 0) + 1
            elif text is None:
                self.problem(
                    where,
                    f"a span of a task without data[{self.text_field!r}], so there is no text "
                    f"it marks ({self.hint})",
                )
            else:
                self.read_span(where, unit, coder, text, name, kind, value)
            return
        cell = self.cell(where, kind, name, value)
        if cell is None:
            return
        if name in row:
            self.problem(where, "a second result for this control tag in one annotation; keep one")
            return
        self.variables.setdefault(name)
        row[name] = cell

    def parse_result(
        self, where: str, result: object
    ) -> tuple[str, str, str, Mapping[str, Any]] | None:
        """The location, type, control tag name and value of a result with codes."""
        if not isinstance(result, dict):
            self.problem(where, f"expected a result object, got {json_kind(result)}")
            return None
        kind = result.get("type")
        if not isinstance(kind, str) or kind not in _CODE_TYPES:
            label = kind if isinstance(kind, str) else repr(kind)
            self.skipped[label] = self.skipped.get(label, 0) + 1
            return None
        name = result.get("from_name")
        if not isinstance(name, str) or not name.strip():
            self.problem(
                f"{where}, key 'from_name'", f"expected the name of the control tag, got {name!r}"
            )
            return None
        where = f"{where}, from_name {name!r}"
        if self.codebook is not None and name not in self.codebook:
            self.problem(
                where,
                f"{not_a_variable(name, self.codebook)}; name the control tag in the "
                "labelling configuration after the variable",
            )
            return None
        value = result.get("value")
        if not isinstance(value, dict):
            self.problem(f"{where}, key 'value'", f"expected an object, got {json_kind(value)}")
            return None
        return where, kind, name, value

    def empty(self, variable: str) -> str | None:
        """An empty list of choices: the empty set of a multi-label variable, else counted."""
        book = self.codebook
        if book is not None and variable in book and book[variable].multi_label:
            return EMPTY_SET
        self.skipped["empty choices"] = self.skipped.get("empty choices", 0) + 1
        return None

    def cell(self, where: str, kind: str, name: str, value: Mapping[str, Any]) -> str | None:
        """The coding table cell of a statement-level result (None: no coding)."""
        if kind in ("number", "rating"):
            number = _number_text(value.get(kind))
            if number is None:
                self.problem(
                    f"{where}, value[{kind!r}]", f"expected a number, got {value.get(kind)!r}"
                )
            return number
        choices = value.get("choices")
        if not isinstance(choices, list) or not all(
            isinstance(c, str) and c.strip() for c in choices
        ):
            self.problem(
                f"{where}, value['choices']",
                f"expected a list of codes, got {choices!r}",
            )
            return None
        if not choices:
            return self.empty(name)
        choices = list(dict.fromkeys(choices))  # a set of codes: each once
        if self.codebook is None and any(self.separator in c for c in choices):
            self.problem(
                f"{where}, value['choices']",
                f"a choice in {choices!r} contains the separator {self.separator!r}; pass "
                "another separator=",
            )
            return None
        # in a fixed order, so equal sets give equal cells (a codebook orders them its way)
        return self.separator.join(sorted(choices))

    def read_span(
        self,
        where: str,
        unit: str,
        coder: str,
        text: str,
        name: str,
        kind: str,
        value: Mapping[str, Any],
    ) -> None:
        key = "labels" if kind == "labels" else "choices"
        codes = value.get(key)
        if (
            not isinstance(codes, list)
            or not codes
            or not all(isinstance(c, str) and c.strip() for c in codes)
        ):
            self.problem(f"{where}, value[{key!r}]", f"expected a list of codes, got {codes!r}")
            return
        span = self.span_offsets(where, text, value)
        if span is None:
            return
        for code in codes:
            if self.codebook is not None:
                message = unknown_code(name, code, self.codebook)
                if message is not None:
                    self.problem(where, message)
                    continue
            self.spans.append(
                Span(
                    document=unit,
                    coder=coder,
                    start=span[0],
                    end=span[1],
                    variable=name,
                    code=code,
                )
            )

    def span_offsets(
        self, where: str, text: str, value: Mapping[str, Any]
    ) -> tuple[int, int] | None:
        start, end = value.get("start"), value.get("end")
        if not (is_whole(start) and is_whole(end)):
            self.problem(
                f"{where}, value",
                f"expected whole-number start and end offsets, got start={start!r}, "
                f"end={end!r} (a span of a text needs character offsets)",
            )
            return None
        convert, length = offset_converter(text, self.offsets)
        unit_name = "UTF-16 code units" if self.offsets is OffsetUnit.UTF16 else "code points"
        if not 0 <= start < end <= length:
            self.problem(
                f"{where}, value",
                f"span {start}..{end} does not lie within the task text ({length} "
                f"{unit_name}); start must be >= 0 and less than end",
            )
            return None
        lo, hi = convert(start), convert(end)
        if lo is None or hi is None:
            self.problem(
                f"{where}, value",
                f"span {start}..{end} cuts a character above U+FFFF (an emoji?) in half; "
                "check offsets= (these offsets cannot be UTF-16 code units)",
            )
            return None
        marked = value.get("text")
        if isinstance(marked, str) and text[lo:hi] != marked:
            hint = ""
            if self.offsets is OffsetUnit.UTF16 and text[start:end] == marked:
                hint = "; the offsets match as code points: pass offsets='code-points'"
            self.problem(
                f"{where}, value",
                f"span {start}..{end} of the task text is {text[lo:hi]!r}, but the export "
                f"says {marked!r}{hint}",
            )
            return None
        return lo, hi
