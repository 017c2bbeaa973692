"""WebAnno TSV 3.x (INCEpTION's and WebAnno's tab-separated format), parsed into annotations.

One file holds one document annotated by one user. The header declares the layers (``#T_SP=``
span layers, ``#T_CH=`` chain layers, ``#T_RL=`` relation layers) and their feature columns;
the body holds sentences (``#Text=`` lines, one per line of the sentence) and one line per
token or sub-token: ``sentence-token``, ``begin-end`` in UTF-16 code units, the token, and one
column per declared feature. A value ``_`` means no annotation, ``*`` an annotation whose
feature has no value; ``[n]`` joins the lines of one multi-token annotation; ``|`` separates
stacked annotations. Reserved characters in values and text are escaped with a backslash.

This module parses one file; :mod:`statecode.io._webanno_read` reads files and project
exports into spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from statecode.exceptions import DataError, OptionError, Problem
from statecode.io._annotations import Utf16Offsets
from statecode.io._layers import Annotation, choose_feature, choose_layer

__all__ = ["Parsed", "document_text", "parse_tsv", "utf16_length"]

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d{1,3})\.(\d{1,3})\s*")
_KINDS = {"#T_SP=": "span", "#T_CH=": "chain", "#T_RL=": "relation"}
_TOKEN_ID = re.compile(r"(\d{1,9})-(\d{1,9})(\.\d{1,9})?")
_OFFSETS = re.compile(r"(\d{1,12})-(\d{1,12})")
_DISAMBIGUATION = re.compile(r"(.*)\[(\d{1,9})\]", re.DOTALL)
_VALUE_ESCAPES = {"\\": "\\", "[": "[", "]": "]", "|": "|", "_": "_", ";": ";", "t": "\t"}
_VALUE_ESCAPES |= {"n": "\n", "*": "*"}
_TEXT_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}
_REFUSE_OLD = (
    "this is the WebAnno TSV 1 or 2 layout (no '#FORMAT=WebAnno TSV 3' line; its token lines "
    "carry no character offsets), which statecode does not read: the offsets would have to "
    "be guessed by joining the tokens with spaces, and spans would then not line up with the "
    "document's text. Import the file into INCEpTION (it reads TSV 1 and 2) and export the "
    "document as WebAnno TSV 3.3"
)


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(raw: str, table: dict[str, str], *, controls: bool = False) -> str:
    r"""Undo the TSV's backslash escapes in one pass (``\->`` stands for ``->``)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in table:
                out.append(table[nxt])
                i += 2
                continue
            if raw.startswith("->", i + 1) and table is _VALUE_ESCAPES:
                out.append("->")
                i += 3
                continue
            if controls and (nxt < "\x08" or "\x0e" <= nxt < "\x20"):
                out.append(nxt)
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _java_unescape(raw: str) -> str:
    """Java string escapes, as TSV 3.0 and 3.1 wrote the sentence text."""
    simple = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b", '"': '"', "'": "'"}
    simple["\\"] = "\\"

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body[0] == "u":
            return chr(int(body[1:], 16))
        if body[0] in simple:
            return simple[body[0]]
        return chr(int(body, 8))

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|[0-3]?[0-7]{1,2}|[tnrfb\"'\\])", one, raw)


def _split_stack(raw: str) -> list[str]:
    """Stacked annotations, split at every ``|`` that is not escaped."""
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] == "|":
            parts.append(raw[start:i])
            start = i + 1
        i += 1
    parts.append(raw[start:])
    return parts


def _escaped_at_end(raw: str) -> bool:
    """Whether the character after ``raw`` is escaped (an odd run of backslashes ends it)."""
    return (len(raw) - len(raw.rstrip("\\"))) % 2 == 1


@attrs.frozen
class _Layer:
    kind: str
    name: str
    columns: tuple[str, ...]  # empty: one placeholder column
    first: int  # index of its first column in a token line

    @property
    def width(self) -> int:
        return max(1, len(self.columns))

    @property
    def features(self) -> tuple[str, ...]:
        """The primitive features: not slot roles (``ROLE_...``) or the slot targets after them."""
        out: list[str] = []
        previous = ""
        for column in self.columns:
            if not column.startswith("ROLE_") and not previous.startswith("ROLE_"):
                out.append(column)
            previous = column
        return tuple(out)


@attrs.frozen
class _Sentence:
    line: int
    begin: int  # UTF-16
    text: str  # with a line break after each #Text= line


@attrs.frozen
class _Token:
    line: int
    begin: int
    end: int
    text: str


@attrs.define
class _Open:
    """A multi-unit annotation while its lines are read."""

    begin: int
    end: int
    value: str | None
    where: str


@attrs.frozen
class Parsed:
    """One TSV file: its sentences and tokens (UTF-16 offsets) and the chosen annotations."""

    label: str
    sentences: tuple[_Sentence, ...]
    tokens: tuple[_Token, ...]
    annotations: tuple[Annotation, ...]
    layer: str
    feature: str | None
    layers: tuple[str, ...]


def _where(label: str, line: int) -> str:
    return f"{label}, line {line}" if label else f"line {line}"


def _header(lines: Sequence[str], label: str) -> tuple[int, list[_Layer], int]:
    """The minor version, the layers, and the index of the first body line."""
    first = lines[0] if lines else ""
    match = _FORMAT.fullmatch(first)
    if match is None:
        old = first.lstrip().startswith("# ") or any(
            line.startswith(("#id=", "#text=")) for line in lines[:50]
        )
        msg = (
            _REFUSE_OLD
            if old
            else f"not a WebAnno TSV 3 file: the first line is {first[:60]!r}, not "
            "'#FORMAT=WebAnno TSV 3.x'; export the document from INCEpTION as WebAnno TSV 3.3"
        )
        raise DataError([Problem(_where(label, 1), msg)])
    if match.group(1) != "3":
        msg = (
            f"WebAnno TSV {match.group(1)}.{match.group(2)} is not a version statecode reads (3.x)"
        )
        raise DataError([Problem(_where(label, 1), msg)])
    layers: list[_Layer] = []
    column = 3
    index = 1
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        kind = next((k for p, k in _KINDS.items() if line.startswith(p)), None)
        if kind is None:
            msg = (
                f"unknown header line {line[:60]!r}; layers are declared as #T_SP=, #T_CH= "
                "or #T_RL="
            )
            raise DataError([Problem(_where(label, index + 1), msg)])
        name, *fields = line[6:].split("|")
        if not name.strip():
            raise DataError([Problem(_where(label, index + 1), "a layer without a name")])
        layer = _Layer(kind, name, tuple(f for f in fields if f), column)
        layers.append(layer)
        column += layer.width
        index += 1
    return int(match.group(2)), layers, index


def _pick(
    layers: Sequence[_Layer], layer: str | None, feature: str | None, label: str
) -> tuple[_Layer, str | None]:
    what = f"file {label}" if label else "file"
    names = [lay.name for lay in layers]
    spans = [lay.name for lay in layers if lay.kind == "span"]
    try:
        chosen = choose_layer(spans, layer, what)
    except OptionError:
        if layer is not None:
            other = [lay for lay in layers if layer in (lay.name, lay.name.rpartition(".")[2])]
            if other and other[0].kind != "span":
                msg = (
                    f"layer={layer!r} is a {other[0].kind} layer (it links annotations); pick "
                    f"a span layer: {', '.join(repr(s) for s in spans) or '(none)'}"
                )
                raise OptionError(msg, option="layer") from None
        if not spans:
            msg = f"the {what} has no span layer (layers: {', '.join(map(repr, names)) or 'none'})"
            raise OptionError(msg, option="layer") from None
        raise
    found = layers[names.index(chosen)]
    return found, choose_feature(chosen, found.features, feature, what)


class _Body:
    """Walks the lines after the header, collecting sentences, tokens and annotations."""

    def __init__(self, label: str, minor: int, width: int, column: int, *, valued: bool) -> None:
        self.label = label
        self.minor = minor
        self.width = width
        self.column = column
        self.valued = valued
        self.problems: list[Problem] = []
        self.sentences: list[_Sentence] = []
        self.tokens: list[_Token] = []
        self.pending: list[str] = []  # #Text= lines of the sentence being read
        self.pending_line = 0
        self.in_sentence = False
        self.by_id: dict[str, _Open] = {}
        self.single: list[Annotation] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(_where(self.label, line), message))

    def text(self, raw: str) -> str:
        if self.minor <= 1:
            return _java_unescape(raw)
        return _unescape(raw, _TEXT_ESCAPES, controls=True)

    def read(self, number: int, line: str) -> None:
        if not line.strip():
            self.in_sentence = False
            return
        if line.startswith("#") and self.in_sentence:
            self.problem(
                number,
                "a sentence header right after a token; sentences are separated by a blank line",
            )
            self.in_sentence = False
        if line.startswith("#"):
            if not self.pending:
                self.pending_line = number
            if line.startswith("#Text="):
                self.pending.append(self.text(line[6:]) + "\n")
            return
        self.token(number, line)

    def token(self, number: int, line: str) -> None:
        fields = line.split("\t")
        # INCEpTION ends every token line with a tab
        if len(fields) == self.width + 1 and fields[-1] == "":
            fields.pop()
        if len(fields) != self.width:
            self.problem(
                number,
                f"a token line with {len(fields)} columns; the header declares {self.width} "
                "(id, offsets, token and one per feature)",
            )
            return
        ident, offsets = _TOKEN_ID.fullmatch(fields[0]), _OFFSETS.fullmatch(fields[1])
        if ident is None or offsets is None:
            self.problem(
                number,
                f"expected 'sentence-token' and 'begin-end' numbers, got {fields[0][:30]!r} "
                f"and {fields[1][:30]!r}",
            )
            return
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        if end < begin:
            self.problem(number, f"the token's offsets {begin}-{end} end before they begin")
            return
        subtoken = ident.group(3) is not None
        if not subtoken and not self.in_sentence:
            if not self.pending:
                self.problem(number, "a token outside a sentence: no #Text= line before it")
                return
            self.sentences.append(_Sentence(self.pending_line, begin, "".join(self.pending)))
            self.pending = []
            self.in_sentence = True
        elif not self.in_sentence:
            self.problem(number, "a sub-token before any token of its sentence")
            return
        self.tokens.append(_Token(number, begin, end, self.text(fields[2])))
        self.cell(number, begin, end, fields[self.column])

    def cell(self, number: int, begin: int, end: int, raw: str) -> None:
        if raw == "_":
            return
        where = _where(self.label, number)
        for stacked in _split_stack(raw):
            value = stacked
            ident = None
            match = _DISAMBIGUATION.fullmatch(stacked)
            if match is not None and not _escaped_at_end(match.group(1)):
                value, ident = match.group(1), match.group(2)
            code = None if value == "*" or not self.valued else _unescape(value, _VALUE_ESCAPES)
            if ident is None:
                self.single.append(Annotation(begin, end, code, where))
                continue
            known = self.by_id.get(ident)
            if known is None:
                self.by_id[ident] = _Open(begin, end, code, where)
                continue
            if known.value != code:
                self.problem(
                    number,
                    f"annotation [{ident}] has the value {code!r} here but {known.value!r} at "
                    f"{known.where}; one annotation has one value: export the file again",
                )
                continue
            known.begin = min(begin, known.begin)
            known.end = max(end, known.end)

    def annotations(self) -> tuple[Annotation, ...]:
        joined = [Annotation(a.begin, a.end, a.value, a.where) for a in self.by_id.values()]
        return tuple(sorted([*self.single, *joined], key=lambda a: (a.begin, a.end)))


def parse_tsv(
    data: bytes, label: str, layer: str | None, feature: str | None
) -> tuple[Parsed | None, list[Problem]]:
    """Parse one TSV 3 file; the annotations are those of ``layer`` and ``feature``.

    Raises
    ------
    DataError
        If the file is not WebAnno TSV 3 (a TSV 1 or 2 file is refused with a reason).
    OptionError
        If ``layer`` or ``feature`` names nothing in the file.
    """
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start}); WebAnno TSV files are UTF-8"
        raise DataError([Problem(label, msg)]) from None
    lines = [line.removesuffix("\r") for line in raw.split("\n")]
    minor, layers, start = _header(lines, label)
    chosen, chosen_feature = _pick(layers, layer, feature, label)
    column = chosen.first + (chosen.columns.index(chosen_feature) if chosen_feature else 0)
    width = 3 + sum(lay.width for lay in layers)
    body = _Body(label, minor, width, column, valued=chosen_feature is not None)
    for number in range(start, len(lines)):
        body.read(number + 1, lines[number])
    if body.pending:
        body.problem(body.pending_line, "a sentence (#Text=) without tokens")
    parsed = Parsed(
        label,
        tuple(body.sentences),
        tuple(body.tokens),
        body.annotations(),
        chosen.name,
        chosen_feature,
        tuple(lay.name for lay in layers),
    )
    return (None if body.problems else parsed), body.problems


def _rebuilt(parsed: Parsed, problems: list[Problem]) -> str | None:
    """The text as INCEpTION rebuilds it: sentences at their offsets, a line break after each.

    The TSV does not record what lies between sentences; like INCEpTION, statecode puts a
    line break after each sentence and fills a longer gap with spaces. Nothing follows the
    last sentence.
    """
    parts: list[str] = []
    length = 0
    for sentence in parsed.sentences:
        if length > sentence.begin:
            if length == sentence.begin + 1 and parts and parts[-1].endswith("\n"):
                parts[-1] = parts[-1][:-1]
                length -= 1
            else:
                msg = (
                    f"the sentence starts at offset {sentence.begin}, inside the one before "
                    f"(which ends at {length}); the offsets are damaged: export the file again"
                )
                problems.append(Problem(_where(parsed.label, sentence.line), msg))
                return None
        if length < sentence.begin:
            parts.append(" " * (sentence.begin - length))
            length = sentence.begin
        parts.append(sentence.text)
        length += utf16_length(sentence.text)
    text = "".join(parts)
    return text.removesuffix("\n") if parsed.sentences else text


def _fits(parsed: Parsed, text: str, problems: list[Problem] | None) -> bool:
    """Whether every sentence and token of ``parsed`` is at its offsets in ``text``."""
    offsets = Utf16Offsets(text)
    ok = True
    checks = [
        (s.line, s.begin, s.begin + utf16_length(s.text) - 1, s.text.removesuffix("\n"))
        for s in parsed.sentences
    ]
    checks += [(t.line, t.begin, t.end, t.text) for t in parsed.tokens]
    for line, begin, end, expected in checks:
        lo, hi = offsets.to_code_points(begin), offsets.to_code_points(end)
        found = None if lo is None or hi is None else text[lo:hi]
        if found == expected:
            continue
        ok = False
        if problems is None:
            return False
        held = (
            f"hold {found!r}"
            if found is not None
            else "split a character above U+FFFF or lie outside the text"
        )
        msg = (
            f"offsets {begin}-{end} {held} in the document's text, not {expected!r}; the file "
            "is inconsistent (offsets count UTF-16 code units): export it again"
        )
        problems.append(Problem(_where(parsed.label, line), msg))
    return ok


def document_text(
    files: Sequence[Parsed], source: str | None, problems: list[Problem]
) -> str | None:
    """One document's text for all its files: the source text when every file fits it.

    Otherwise the text rebuilt from the first file, which every other file must fit too.
    """
    if source is not None and all(_fits(p, source, None) for p in files):
        return source
    text = _rebuilt(files[0], problems)
    if text is None:
        return None
    fits = [_fits(p, text, problems) for p in files]
    return text if all(fits) else None
