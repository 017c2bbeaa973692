"""doccano's JSONL export: one file per user, text classification labels and span labels."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeGuard

import attrs

from statecode._typing import PathLike
from statecode._values import EMPTY_SET
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, Problem
from statecode.io._annotations import (
    CODER,
    ROW,
    UNIT,
    build_table,
    check_option_variable,
    frozen_counts,
    frozen_rosters,
    id_text,
    is_whole,
    json_kind,
    offset_converter,
    rosters,
    unknown_code,
)
from statecode.io._json import json_records, lone_surrogate_problem
from statecode.model import Corpus, Document, Span
from statecode.options import CoderFrom, OffsetUnit, UnitFrom, parse_option
from statecode.table import CodingTable

__all__ = ["CoderFrom", "DoccanoImport", "UnitFrom", "read_doccano"]


@attrs.frozen
class DoccanoImport:
    """What a doccano export holds, read into statecode's model.

    Attributes
    ----------
    codings : CodingTable
        Text classification labels: one coding per example and user. The table's ``row``
        column numbers the lines read (1 = the first line of the first file).
    spans : tuple of Span
        Sequence labels: one span per ``[start, end, label]``.
    corpus : Corpus
        One document per example: its ``id`` (as text) and ``text``.
    sources : tuple of str
        The files read, in order.
    unitizers : mapping of str to tuple of str
        For every document (example), the coders whose files hold it, in the order read.
        Pass it as ``unitizing_alpha(spans, coders=unitizers, continua=corpus)``. A coder
        whose file holds an example without spans left it void; if the exports hold
        examples a coder never opened, drop those lines (or those coders from the mapping)
        first, or they count as void.
    skipped : mapping of str to int
        What holds no code, by kind and count: ``empty label`` (``"label": []`` for a
        variable that is not multi-label in the codebook; for a multi-label one it is the
        empty set ``{}``) and ``relation`` (the relations of a relation-extraction export,
        which link spans).
    """

    codings: CodingTable
    spans: tuple[Span, ...]
    corpus: Corpus
    sources: tuple[str, ...]
    unitizers: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_rosters)
    skipped: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts)


def read_doccano(
    paths: PathLike | Sequence[PathLike],
    *,
    variable: str = "label",
    span_variable: str | None = None,
    codebook: Codebook | None = None,
    coder_from: CoderFrom | str = CoderFrom.FILENAME,
    unit_from: UnitFrom | str = UnitFrom.ID,
    offsets: OffsetUnit | str = OffsetUnit.UTF16,
    separator: str = ";",
) -> DoccanoImport:
    """Read doccano JSONL exports, one file per user, into codings, spans and a corpus.

    Parameters
    ----------
    paths : str or path, or a sequence of them
        The ``.jsonl`` files, or a folder: every ``.jsonl`` file in it, in name order.
    variable : str
        The codebook variable the labels are codes of.
    span_variable : str, optional
        The variable of the span labels (``entities``) of an export that holds both
        category labels and spans (intent detection); by default ``variable``.
    codebook : Codebook, optional
        Check the labels against ``codebook[variable]`` (spans: ``codebook[span_variable]``).
    coder_from : {'filename', 'key'}
        Take each line's coder from its file's name without the extension (``admin1`` for
        ``admin1.jsonl``), or from the line's ``coder`` key.
    unit_from : {'id', 'order'}
        Take each example's unit from its ``id`` key, or from its position in the file
        (``1`` for the first example), for files written without ids: every user's file
        must then list the same examples in the same order.
    offsets : {'utf-16', 'code-points'}
        What span offsets count (see Notes).
    separator : str
        Separator of codes in multi-label cells of the coding table.

    Returns
    -------
    DoccanoImport
        The coding table, the spans and the corpus of example texts.

    Raises
    ------
    InputFileError
        If a file or folder cannot be read, or a folder holds no ``.jsonl`` file.
    DataError
        Listing every problem, each with its file, line number, key, value and fix:
        lines that are not JSON objects, missing or malformed ``id``, ``text`` or ``label``,
        spans outside the text, an id that appears twice in one file or names different
        texts in different files, the same text under unrelated ids in different files,
        several labels for a single-label variable, unknown codes.

    Notes
    -----
    Each line is one example: ``{"id": 7, "text": "...", "label": [...]}`` (an older
    ``labels`` key is read as well); an example written over several lines (pretty-printed
    JSON) is read too. The exports of every doccano project type that labels text are read:

    - text classification, ``"label": ["cat1", "cat2"]``, and sequence labelling,
      ``"label": [[start, end, "LABEL"], ...]``;
    - intent detection, ``"cats": [...]`` (category labels) with ``"entities": [[start, end,
      "LABEL"], ...]`` (spans, of ``span_variable``);
    - relation extraction, ``"entities": [{"id": 0, "start_offset": 0, "end_offset": 6,
      "label": "ORG"}, ...]`` (spans) with ``"relations"``, which link two spans and are
      counted in ``skipped``.

    - **unit**: the example's ``id``, as text. doccano numbers examples per project, so an
      example has the same id in every user's file of one project; an id naming different
      texts in two files, or a text under unrelated ids, is an error: export all users'
      files from the same project.
    - **coder**: the file name without ``.jsonl`` (doccano writes one file per user, named
      after the user), or the line's ``coder`` key with ``coder_from='key'``.
    - **text classification** (``"label": ["cat1", "cat2"]``): a coding of ``variable``;
      several labels form a set for a multi-label variable and are an error for a
      single-label one (without a codebook, they are joined with ``separator``). An empty
      list gives no coding.
    - **sequence labelling** (``"label": [[start, end, "LABEL"], ...]``): one
      :class:`~statecode.Span` per item, of ``variable``, in the example's document.

    doccano's browser front end counts offsets in UTF-16 code units, as JavaScript does:
    a character above U+FFFF (most emoji) counts 2. With ``offsets='utf-16'`` (the default)
    they are converted to code points using the example's text; pass
    ``offsets='code-points'`` for files whose offsets count code points. Offsets of
    projects that "count grapheme clusters as one character" are not supported.

    References
    ----------
    doccano documentation, https://doccano.github.io/doccano/

    doccano issue 2290, "Sequence labels are TypeScript/JavaScript-style" (span offsets count
    UTF-16 code units), https://github.com/doccano/doccano/issues/2290
    """
    files = _files(paths)
    who = parse_option(CoderFrom, coder_from, "coder_from")
    ids = parse_option(UnitFrom, unit_from, "unit_from")
    unit_type = parse_option(OffsetUnit, offsets, "offsets")
    check_option_variable("variable", variable, codebook)
    check_option_variable("span_variable", span_variable, codebook)
    reader = _DoccanoReader(
        files,
        variable=variable,
        span_variable=span_variable or variable,
        codebook=codebook,
        coder_from=who,
        unit_from=ids,
        offsets=unit_type,
        separator=separator,
    )
    for index, file in enumerate(files):
        reader.read_file(index, file)
    reader.check_alignment()
    problems = reader.problems
    source = str(files[0]) if len(files) == 1 else None
    codings = build_table(
        reader.rows,
        [variable] if reader.rows else [],
        reader.locations,
        "",
        codebook=codebook,
        source=source,
        separator=separator,
        problems=problems,
    )
    if problems:
        raise DataError(problems, source=source)
    return DoccanoImport(
        codings=codings,
        spans=tuple(reader.spans),
        corpus=Corpus(documents=tuple(reader.documents.values())),
        sources=tuple(str(f) for f in files),
        unitizers=rosters(reader.documents, reader.coded),
        skipped=reader.skipped,
    )


def _files(paths: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(paths, str | os.PathLike):
        single = Path(paths)
        if single.is_dir():
            found = sorted(p for p in single.iterdir() if p.suffix.lower() == ".jsonl")
            if not found:
                msg = f"{single}: no .jsonl file in this folder; export the project from doccano"
                raise InputFileError(msg)
            return found
        files = [single]
    else:
        files = [Path(p) for p in paths]
    if not files:
        msg = "no doccano files given; pass a .jsonl file, a list of them, or a folder"
        raise InputFileError(msg)
    for file in files:
        if not file.is_file():
            msg = f"{file}: no such file; check the path"
            raise InputFileError(msg)
    return files


class _DoccanoReader:
    """Collects the examples, codings, spans and problems of a set of files."""

    def __init__(
        self,
        files: Sequence[Path],
        *,
        variable: str,
        span_variable: str,
        codebook: Codebook | None,
        coder_from: CoderFrom,
        unit_from: UnitFrom,
        offsets: OffsetUnit,
        separator: str,
    ) -> None:
        self.files = files
        self.variable = variable
        self.span_variable = span_variable
        self.codebook = codebook
        self.coder_from = coder_from
        self.unit_from = unit_from
        self.skipped: dict[str, int] = {}
        self.offsets = offsets
        self.separator = separator
        self.problems: list[Problem] = []
        self.documents: dict[str, Document] = {}
        self.first_seen: dict[str, str] = {}  # unit -> where its text was first read
        self.coded: dict[tuple[str, str], str] = {}  # (unit, coder) -> where
        # text -> file index -> (its ids in that file, the line it was first read from)
        self.ids_of_text: dict[str, dict[int, tuple[set[str], int]]] = {}
        self.rows: list[dict[str, Any]] = []
        self.locations: dict[int, str] = {}
        self.spans: list[Span] = []
        self.lines_read = 0

    def where(self, index: int, line: int, key: str | None = None) -> str:
        place = f"line {line}" if len(self.files) == 1 else f"{self.files[index].name}, line {line}"
        return place if key is None else f"{place}, key {key!r}"

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def read_file(self, index: int, file: Path) -> None:
        try:
            raw = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            name = file.name if len(self.files) > 1 else ""
            self.problem(name, f"not UTF-8 text (byte {exc.start}); export the file again")
            return
        except OSError as exc:
            msg = f"{file}: cannot read the file ({exc.strerror})"
            raise InputFileError(msg) from exc
        seen: dict[str, int] = {}
        for ordinal, (number, example) in enumerate(json_records(raw), start=1):
            self.read_line(index, number, ordinal, example, seen)

    def is_object(self, example: object, where: str) -> TypeGuard[dict[str, Any]]:
        """Whether a record is a JSON object fit to read; its problem recorded if not."""
        remedy = "each line must be one JSON object, as doccano exports it"
        if isinstance(example, json.JSONDecodeError):
            self.problem(where, f"not valid JSON (column {example.colno}: {example.msg}); {remedy}")
            return False
        lone = lone_surrogate_problem(example, where, remedy)
        if lone is not None:
            self.problems.append(lone)
            return False
        if not isinstance(example, dict):
            self.problem(where, f"expected a JSON object, got {json_kind(example)}")
            return False
        return True

    def read_line(
        self,
        index: int,
        number: int,
        ordinal: int,
        example: object,
        seen: dict[str, int],
    ) -> None:
        where = self.where(index, number)
        if not self.is_object(example, where):
            return
        unit = self.read_id(index, number, ordinal, example, seen)
        text = example.get("text")
        if not isinstance(text, str):
            self.problem(
                self.where(index, number, "text"),
                f"expected the example's text, got {_missing_or(example, 'text')}",
            )
        coder = self.read_coder(index, number, example)
        lists = self.label_lists(index, number, example)
        if lists is None or unit is None or coder is None or not isinstance(text, str):
            return
        if not self.add_example(index, number, unit, text):
            return
        first = self.coded.get((unit, coder))
        if first is not None:
            self.problem(
                where,
                f"coder {coder!r} already labelled id {unit} in {first}; read each user's "
                "file once (two files with the same name give the same coder)",
            )
            return
        self.coded[unit, coder] = where
        for key, labels in lists.items():
            if key == "cats" and not all(isinstance(item, str) for item in labels):
                self.problem(
                    self.where(index, number, key),
                    f'expected category labels (["a", "b"]), got {labels!r}',
                )
            elif key == "entities":
                place = self.where(index, number, key)
                for item in labels:
                    self.read_entity(place, unit, coder, text, item)
            else:
                self.read_labels(index, number, key, unit, coder, text, labels)
        relations = example.get("relations")
        if isinstance(relations, list) and relations:
            self.skipped["relation"] = self.skipped.get("relation", 0) + len(relations)

    def label_lists(
        self, index: int, number: int, example: dict[str, Any]
    ) -> dict[str, list[Any]] | None:
        """The example's lists of labels by key: label (or labels), cats, entities."""
        keys = [k for k in ("label", "labels", "cats", "entities") if k in example]
        if "label" in keys and "labels" in keys:
            keys.remove("labels")
        out: dict[str, list[Any]] = {}
        for key in keys or ["label"]:
            labels = example.get(key)
            if not isinstance(labels, list):
                self.problem(
                    self.where(index, number, key),
                    f"expected a list of labels, got {_missing_or(example, key)}; export the "
                    "project from doccano as JSONL",
                )
                return None
            out[key] = labels
        return out

    def read_id(
        self,
        index: int,
        number: int,
        ordinal: int,
        example: dict[str, Any],
        seen: dict[str, int],
    ) -> str | None:
        if self.unit_from is UnitFrom.ORDER:
            return str(ordinal)
        unit = id_text(example.get("id"))
        if unit is None:
            hint = "" if "id" in example else " (for a file without ids pass unit_from='order')"
            self.problem(
                self.where(index, number, "id"),
                f"expected the example's id (a whole number or text), got "
                f"{_missing_or(example, 'id')}; doccano exports give every example an id{hint}",
            )
            return None
        if unit in seen:
            self.problem(
                self.where(index, number, "id"),
                f"id {unit} appears again (first on line {seen[unit]}); each example once per file",
            )
            return None
        seen[unit] = number
        return unit

    def read_coder(self, index: int, number: int, example: dict[str, Any]) -> str | None:
        if self.coder_from is CoderFrom.FILENAME:
            return self.files[index].stem
        coder = id_text(example.get("coder"))
        if coder is None:
            self.problem(
                self.where(index, number, "coder"),
                f"expected the coder (text or a whole number), got "
                f"{_missing_or(example, 'coder')}; add it, or pass coder_from='filename'",
            )
        return coder

    def add_example(self, index: int, number: int, unit: str, text: str) -> bool:
        where = self.where(index, number)
        by_file = self.ids_of_text.setdefault(text, {})
        ids, _ = by_file.setdefault(index, (set(), number))
        ids.add(unit)
        known = self.documents.get(unit)
        if known is None:
            self.documents[unit] = Document(id=unit, text=text)
            self.first_seen[unit] = where
            return True
        if known.text != text:
            self.problem(
                self.where(index, number, "text"),
                f"id {unit} has another text in {self.first_seen[unit]}; an id must name the "
                "same example in every file: export all users' files from the same doccano "
                "project",
            )
            return False
        return True

    def read_labels(
        self,
        index: int,
        number: int,
        key: str,
        unit: str,
        coder: str,
        text: str,
        labels: list[Any],
    ) -> None:
        where = self.where(index, number, key)
        if not labels:
            self.read_empty(where, unit, coder)
            return
        if all(isinstance(item, str) for item in labels):
            self.read_categories(where, index, number, unit, coder, labels)
        elif all(isinstance(item, list) for item in labels):
            for item in labels:
                self.read_span(where, unit, coder, text, item)
        else:
            self.problem(
                where,
                f'expected either category labels (["a", "b"]) or spans ([[start, end, '
                f'"LABEL"], ...]), got {labels!r}',
            )

    def read_empty(self, where: str, unit: str, coder: str) -> None:
        """``label: []``: the empty set of a multi-label variable, else counted."""
        book = self.codebook
        var = book[self.variable] if book is not None and self.variable in book else None
        if var is None or not var.multi_label:
            self.skipped["empty label"] = self.skipped.get("empty label", 0) + 1
            return
        self.add_row(where, unit, coder, EMPTY_SET)

    def add_row(self, where: str, unit: str, coder: str, cell: str) -> None:
        self.lines_read += 1
        self.rows.append({UNIT: unit, CODER: coder, ROW: self.lines_read, self.variable: cell})
        self.locations[self.lines_read] = where

    def read_categories(
        self, where: str, index: int, number: int, unit: str, coder: str, labels: list[str]
    ) -> None:
        labels = list(dict.fromkeys(labels))  # a set of codes: a label listed twice is one
        if not all(label.strip() for label in labels):
            self.problem(where, f"empty label in {labels!r}; remove it")
            return
        if self.codebook is None and any(self.separator in label for label in labels):
            self.problem(
                where,
                f"a label in {labels!r} contains the separator {self.separator!r}; pass "
                "another separator=",
            )
            return
        # in a fixed order, so equal sets give equal cells
        self.add_row(where, unit, coder, self.separator.join(sorted(labels)))

    def read_span(self, where: str, unit: str, coder: str, text: str, item: list[Any]) -> None:
        if len(item) != 3 or not (is_whole(item[0]) and is_whole(item[1])):
            self.problem(where, f'span {item!r} is not [start, end, "LABEL"]; fix the line')
            return
        start, end, code = item
        if not isinstance(code, str) or not code.strip():
            self.problem(where, f"span {item!r} has no label; fix the line")
            return
        convert, length = offset_converter(text, self.offsets)
        unit_name = "UTF-16 code units" if self.offsets is OffsetUnit.UTF16 else "code points"
        if not 0 <= start < end <= length:
            self.problem(
                where,
                f"span {item!r} does not lie within the text ({length} {unit_name}); start "
                "must be >= 0 and less than end",
            )
            return
        lo, hi = convert(start), convert(end)
        if lo is None or hi is None:
            self.problem(
                where,
                f"span {item!r} cuts a character above U+FFFF (an emoji?) in half; check "
                "offsets= (these offsets cannot be UTF-16 code units)",
            )
            return
        if self.codebook is not None:
            message = unknown_code(self.span_variable, code, self.codebook)
            if message is not None:
                self.problem(where, message)
                return
        self.spans.append(
            Span(
                document=unit, coder=coder, start=lo, end=hi, variable=self.span_variable, code=code
            )
        )

    def read_entity(self, where: str, unit: str, coder: str, text: str, item: object) -> None:
        """An entity: ``[start, end, "LABEL"]`` or ``{"start_offset", "end_offset", "label"}``."""
        if isinstance(item, dict):
            keys = ("start_offset", "end_offset", "label")
            if not all(k in item for k in keys):
                self.problem(
                    where,
                    f"entity {item!r} lacks {', '.join(k for k in keys if k not in item)}; "
                    "doccano writes start_offset, end_offset and label",
                )
                return
            item = [item[k] for k in keys]
        if not isinstance(item, list):
            self.problem(where, f'entity {item!r} is not [start, end, "LABEL"]; fix the line')
            return
        self.read_span(where, unit, coder, text, item)

    def check_alignment(self) -> None:
        """Report a text that has unrelated ids in two files (the files are not aligned)."""
        for by_file in self.ids_of_text.values():
            (first_index, (first_ids, first_line)), *others = sorted(by_file.items())
            for index, (ids, line) in others:
                if ids.isdisjoint(first_ids):
                    self.problem(
                        self.where(index, line, "id"),
                        f"this text has id {', '.join(sorted(ids))} here, but id "
                        f"{', '.join(sorted(first_ids))} in {self.where(first_index, first_line)}"
                        "; the same example must have the same id in every file: export all "
                        "users' files from the same doccano project",
                    )


def _missing_or(example: dict[str, Any], key: str) -> str:
    return "nothing (the key is missing)" if key not in example else repr(example[key])
