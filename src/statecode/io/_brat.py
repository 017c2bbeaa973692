"""brat standoff annotations: ``.ann`` files beside their ``.txt`` texts, one folder per coder."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, OptionError, Problem
from statecode.io._annotations import (
    check_option_variable,
    frozen_counts,
    frozen_rosters,
    not_a_variable,
    rosters,
)
from statecode.io._span_build import SpanBuilder
from statecode.model import Corpus, Document, Span
from statecode.options import Discontinuous, OffsetUnit, parse_option

__all__ = ["BratImport", "read_brat"]

_TEXT_BOUND = re.compile(r"(\S+) (\d{1,12} \d{1,12}(?:;\d{1,12} \d{1,12})*)")
_ATTRIBUTE = re.compile(r"(\S+) (\S+)(?: (\S+))?")
# what the other annotation lines are, by the letter their id starts with
_SKIPPED_KINDS = {"E": "event", "R": "relation", "*": "equivalence", "N": "normalization"}
_SKIPPED_KINDS["#"] = "note"


@attrs.frozen
class BratImport:
    """What :func:`read_brat` read: spans of entity types and attribute values, the texts.

    Attributes
    ----------
    spans : tuple of Span
        One span per text-bound annotation (``T``), of ``variable`` with the entity type as
        the code, and one per attribute of an entity (``A``, ``M``), of the attribute's name
        with its value as the code (``true`` for a binary attribute); a discontinuous
        annotation split into its fragments gives one span per fragment.
    corpus : Corpus
        One document per ``.txt`` file (the id is the file name without ``.txt``).
    coders : tuple of str
        The coders, one per folder, in the order read.
    skipped : mapping of str to int
        Annotations that are not spans of a text, by kind (``event``, ``relation``,
        ``equivalence``, ``normalization``, ``note``, ``event attribute``) and count.
    sources : tuple of str
        The ``.ann`` files read.
    unitizers : mapping of str to tuple of str
        For every document, the coders whose folder holds its ``.ann`` file.
    """

    spans: tuple[Span, ...]
    corpus: Corpus
    coders: tuple[str, ...]
    skipped: Mapping[str, int] = attrs.field(converter=frozen_counts)
    sources: tuple[str, ...] = ()
    unitizers: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_rosters)


def _folders(
    paths: PathLike | Sequence[PathLike], coder: str | None
) -> list[tuple[str, list[Path]]]:
    """Each coder with their ``.ann`` files."""
    given = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    if not given:
        msg = "no brat folder given; pass a folder of .ann and .txt files (one per coder)"
        raise InputFileError(msg)
    groups: dict[str, list[Path]] = {}
    for path in given:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix == ".ann")
            if not files:
                msg = f"{path}: no .ann file in this folder; is this a brat collection?"
                raise InputFileError(msg)
            name = path.resolve().name
        elif path.is_file():
            files, name = [path], path.resolve().parent.name
        else:
            msg = f"{path}: no such file or folder; check the path"
            raise InputFileError(msg)
        groups.setdefault(coder or name, []).extend(files)
    if coder is not None and len({p.resolve().parent for ps in groups.values() for p in ps}) > 1:
        msg = (
            "coder= names the annotator of one folder; several folders are several "
            "annotators, named after their folders"
        )
        raise OptionError(msg, option="coder")
    return list(groups.items())


def _read_text(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8")
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror}); each .ann needs its .txt beside it"
        raise InputFileError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start}); brat reads its files as UTF-8"
        raise DataError([Problem("", msg)], source=str(file)) from None


class _Reader:
    def __init__(
        self,
        *,
        variable: str,
        discontinuous: Discontinuous,
        codebook: Codebook | None,
        several: bool,
    ) -> None:
        self.variable = variable
        self.discontinuous = discontinuous
        self.problems: list[Problem] = []
        self.builder = SpanBuilder(
            OffsetUnit.CODE_POINTS, codebook=codebook, problems=self.problems
        )
        self.codebook = codebook
        self.several = several
        self.documents: dict[str, Document] = {}
        self.skipped: dict[str, int] = {}
        self.pairs: list[tuple[str, str]] = []

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def read(self, coder: str, ann: Path) -> None:
        label = f"{coder}/{ann.name}" if self.several else ann.name
        document = ann.stem
        text = _read_text(ann.with_suffix(".txt"))
        known = self.documents.setdefault(document, Document(id=document, text=text))
        if known.text != text:
            msg = (
                f"{ann.with_suffix('.txt')} differs from the text of {document!r} in another folder"
            )
            self.problems.append(Problem(label, msg))
            return
        self.pairs.append((document, coder))
        try:
            lines = ann.read_bytes().decode("utf-8-sig").split("\n")
        except UnicodeDecodeError as exc:
            msg = f"not UTF-8 text (byte {exc.start}); brat reads its files as UTF-8"
            self.problems.append(Problem(label, msg))
            return
        spans: dict[str, list[tuple[int, int]]] = {}
        attributes: list[tuple[str, str]] = []
        for number, raw in enumerate(lines, start=1):
            line = raw.removesuffix("\r")
            where = f"{label}, line {number}"
            if not line.strip():
                continue
            ident, _, rest = line.partition("\t")
            kind = ident[:1]
            if kind == "T":
                found = self.text_bound(where, ident, rest, document, text, coder)
                if found is not None:
                    spans[ident] = found
            elif kind in "AM":
                attributes.append((where, rest))
            elif kind in _SKIPPED_KINDS:
                self.skip(_SKIPPED_KINDS[kind])
            else:
                msg = (
                    f"unknown annotation {ident[:20]!r}; brat ids start with T, E, R, A, M, N, "
                    "* or #"
                )
                self.problems.append(Problem(where, msg))
        for where, rest in attributes:
            self.attribute(where, rest, spans, document, text, coder)

    def text_bound(
        self, where: str, ident: str, rest: str, document: str, text: str, coder: str
    ) -> list[tuple[int, int]] | None:
        head, _, marked = rest.partition("\t")
        match = _TEXT_BOUND.fullmatch(head)
        if match is None:
            msg = f"expected 'Type start end' (or 'Type s e;s e'), got {head[:60]!r}"
            self.problems.append(Problem(where, msg))
            return None
        code = match.group(1)
        fragments = [(int(a), int(b)) for a, b in (f.split(" ") for f in match.group(2).split(";"))]
        if len(fragments) > 1 and self.discontinuous is Discontinuous.ERROR:
            msg = (
                f"{ident} is discontinuous ({match.group(2)}); a span has no gaps: pass "
                "discontinuous='split' to read one span per fragment"
            )
            self.problems.append(Problem(where, msg))
            return None
        # brat writes the fragments' texts joined by a space
        pieces = [text[a:b] for a, b in fragments]
        if all(0 <= a < b <= len(text) for a, b in fragments) and " ".join(pieces) != marked:
            msg = (
                f"{ident} marks {' '.join(pieces)!r} at {match.group(2)} in the text, but the "
                f".ann file says {marked!r}; the .ann and .txt files do not belong together"
            )
            self.problems.append(Problem(where, msg))
            return None
        return self.add(where, fragments, document, text, coder, self.variable, code)

    def add(
        self,
        where: str,
        fragments: list[tuple[int, int]],
        document: str,
        text: str,
        coder: str,
        variable: str,
        code: str,
    ) -> list[tuple[int, int]]:
        """A span of ``variable`` per fragment; the fragments that gave one."""
        kept = []
        for start, end in fragments:
            span = self.builder.add(
                where,
                document=document,
                text=text,
                coder=coder,
                start=start,
                end=end,
                variable=variable,
                code=code,
            )
            if span is not None:
                kept.append((span.start, span.end))
        return kept

    def attribute(
        self,
        where: str,
        rest: str,
        spans: Mapping[str, list[tuple[int, int]]],
        document: str,
        text: str,
        coder: str,
    ) -> None:
        match = _ATTRIBUTE.fullmatch(rest.strip())
        if match is None:
            msg = f"expected 'Name Target [Value]', got {rest[:60]!r}"
            self.problems.append(Problem(where, msg))
            return
        name, target, value = match.groups()
        if target.startswith("E"):
            self.skip("event attribute")
            return
        fragments = spans.get(target)
        if fragments is None:
            msg = (
                f"the attribute {name!r} refers to {target!r}, which is no text-bound "
                "annotation of this file"
            )
            self.problems.append(Problem(where, msg))
            return
        if self.codebook is not None and name not in self.codebook:
            self.problems.append(
                Problem(where, f"attribute {name!r} is {not_a_variable(name, self.codebook)}")
            )
            return
        self.add(where, fragments, document, text, coder, name, value or "true")


def read_brat(
    paths: PathLike | Sequence[PathLike],
    *,
    variable: str = "label",
    discontinuous: Discontinuous | str = Discontinuous.ERROR,
    coder: str | None = None,
    codebook: Codebook | None = None,
) -> BratImport:
    r"""Read brat standoff annotations: one folder of ``.ann`` and ``.txt`` files per coder.

    Parameters
    ----------
    paths : str or path, or a sequence of them
        A folder (every ``.ann`` file in it, each with its ``.txt`` beside it) or an
        ``.ann`` file, or several: each folder is one coder.
    variable : str
        The variable the entity types are codes of.
    discontinuous : {'error', 'split'}
        What to do with a discontinuous annotation (``T1  Type 0 5;9 14``): refuse it, or
        read one span per fragment.
    coder : str, optional
        The coder of a single folder (default: the folder's name).
    codebook : Codebook, optional
        Check the entity types against ``codebook[variable]`` and each attribute's values
        against the variable named like the attribute.

    Returns
    -------
    BratImport
        The spans, the corpus, the coders and the counts of annotations that are not spans.

    Raises
    ------
    OptionError
        If ``discontinuous`` is not one of its choices, or ``coder`` is given for several
        folders.
    InputFileError
        If a path does not exist, a folder holds no ``.ann`` file or an ``.ann`` file has no
        ``.txt`` beside it.
    DataError
        Listing every problem with its file and line: lines that are not brat annotations,
        offsets outside the text, a marked text that differs from the text at the offsets,
        discontinuous annotations (unless split), attributes of unknown annotations, unknown
        codes, the same annotation twice, the same document with different texts in two
        folders.

    Notes
    -----
    brat's offsets are code points (brat is a Python program), end exclusive, into the
    ``.txt`` file as stored (read as UTF-8, line endings kept). Text-bound annotations
    (``T``) become spans; attributes and modifiers (``A``, ``M``) of a text-bound annotation
    become spans of the attribute's name over the same text, with the attribute's value (or
    ``true`` for a binary attribute) as the code; events, relations, equivalences,
    normalizations and notes are counted in ``skipped``, as are attributes of events. The
    coder is the folder's name: brat keeps one collection per folder, so give each
    annotator's copy of the collection its own folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = pathlib.Path(tmp) / "alice"
    ...     folder.mkdir()
    ...     _ = (folder / "call.txt").write_text("We demand a ceasefire.", encoding="utf-8")
    ...     ann = "T1\tDemand 12 21\tceasefire\nA1\tUrgent T1\n"
    ...     _ = (folder / "call.ann").write_text(ann, encoding="utf-8")
    ...     result = read_brat(folder)
    >>> [(s.coder, s.variable, s.code, s.start, s.end) for s in result.spans]
    [('alice', 'label', 'Demand', 12, 21), ('alice', 'Urgent', 'true', 12, 21)]

    References
    ----------
    brat rapid annotation tool, "Standoff format", https://brat.nlplab.org/standoff.html
    """
    how = parse_option(Discontinuous, discontinuous, "discontinuous")
    groups = _folders(paths, coder)
    reader = _Reader(
        variable=variable,
        discontinuous=how,
        codebook=codebook,
        several=len(groups) > 1,
    )
    check_option_variable("variable", variable, codebook)
    sources: list[str] = []
    for who, files in groups:
        for ann in files:
            reader.read(who, ann)
            sources.append(str(ann))
    source = sources[0] if len(sources) == 1 else None
    if reader.problems:
        raise DataError(reader.problems, source=source)
    return BratImport(
        spans=tuple(reader.builder.spans),
        corpus=Corpus(documents=tuple(reader.documents.values())),
        coders=tuple(who for who, _ in groups),
        skipped=reader.skipped,
        sources=tuple(sources),
        unitizers=rosters(reader.documents, reader.pairs),
    )
