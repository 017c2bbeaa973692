"""REFI-QDA (QDA-XML 1.0): codebooks (``.qdc``) and projects (``.qdpx``).

REFI-QDA is the exchange standard of ATLAS.ti, MAXQDA, NVivo, QualCoder and Quirkos. A
``.qdc`` file is a codebook (XML, namespace ``urn:QDA-XML:codebook:1.0``); a ``.qdpx`` file
is a zip archive holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and the
source texts under ``sources/``.

How a statecode codebook maps to REFI-QDA codes
-----------------------------------------------
- Each variable is a top-level ``<Code isCodable="false">`` named after the variable. Each
  category is a ``<Code isCodable="true">`` named after its code, nested under its variable,
  or under its parent category when it has one (``Category.parent``).
- GUIDs are UUID 5 of the codebook name and the code's path (variable, then code), so the
  same codebook always gets the same GUIDs, and writing it twice gives the same bytes.
- Every other field travels in the code's ``<Description>``: first one field as free text (a
  variable's ``notes``, a category's ``definition``), then, after a line ``[statecode]``, one
  line per field set, such as ``Level: ordinal``, ``Label: ...``, ``Include: ...``,
  ``Exclude: ...``, ``Example: ...``, ``Multi-label: yes``, ``Order: ["neg", "neu", "pos"]``.
  A value that would not survive as plain text (line breaks, leading or trailing spaces,
  characters XML 1.0 cannot carry) is written as a JSON string; lists of codes always are.
  ``Category order`` lists the codes when their order differs from the nesting.
- The codebook's name, version and description have no place in Codebook.xsd's codes. They
  travel in a ``<Set>`` (a code group: ATLAS.ti shows it as one) named after the codebook,
  whose GUID is derived from that name, with the description as free text and the version as
  ``Version: ...``; the set lists every code. A file without that set (made by another program)
  gives a codebook named after the file stem (``.qdc``) or the project (``.qdpx``).

So ``read_qdc(write_qdc(cb))`` equals ``cb``: every field survives.

Codes made by another program (no ``[statecode]`` block in a top-level code's description)
become nominal, multi-label variables: a top-level code with sub-codes becomes a variable
named after it (reduced to letters, digits and ``_``; the original name becomes the label)
whose categories are all its descendants, the hierarchy kept in ``parent``; top-level codes
without sub-codes become the categories of one variable named ``codes``. Category codes are
the code names with runs of white space collapsed and ``;`` replaced by ``,`` (statecode uses
``;`` to join codes); a name used twice in one variable gets `` (2)``, `` (3)``. Descriptions
become the variable's notes and the categories' definitions. Colours and other code sets are
not read.

How a corpus and span codings map to a project
----------------------------------------------
- Each :class:`~statecode.Document` is a ``<TextSource>`` named after the document id, its
  text stored as ``sources/<guid>.txt`` (UTF-8, line endings as they are, no BOM unless the
  text begins with U+FEFF) and its title, source, event, date and language in the
  description block. Statements have no
  place in REFI-QDA and are not written.
- Each span is a ``<PlainTextSelection>`` with one ``<Coding>``; spans of one coder over the
  same stretch share a selection. Selection and coding name the coder as ``creatingUser``
  (QualCoder takes the coder from the selection, ATLAS.ti from the coding).
- Coders are ``<User>`` elements named after the coder id.

Offsets are code points (Python string indices) into the text as stored, carriage returns
included, so a CRLF counts two. Programs that count UTF-16 code units (the native string
unit of Windows and .NET programs) give other numbers after any character outside the Basic
Multilingual Plane (most emoji); read such files with ``offsets="utf-16"``, or convert single
offsets with :func:`~statecode.utf16_to_codepoints`.

Safety: XML is parsed with defusedxml and any document type declaration is refused (so no
entity expansion and no external entities); archive members with absolute paths or ``..`` are
refused; members are read in memory, never extracted, in chunks, and reading stops once the
archive unpacks beyond ``max_bytes`` or a member grows past 100 times its compressed size
(and past 1 MiB); code hierarchies deeper than 100 levels are refused. Text files named by
``relative://`` or ``absolute://`` paths are never opened.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import difflib
import enum
import io
import json
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeAlias, cast

import attrs
from defusedxml import DefusedXmlException  # type: ignore[import-untyped,unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped,unused-ignore]
    fromstring as _defused_fromstring,
)

from statecode._serialize import codebook_from_dict, converter
from statecode._typing import OffsetUnit, PathLike, parse_option
from statecode.codebook import RESERVED_NAMES, Category, Codebook, Variable
from statecode.exceptions import CodebookError, DataError, InputFileError, Problem
from statecode.io._atomic import write_bytes_atomic, write_text_atomic
from statecode.io._offsets import Utf16Offsets
from statecode.model import Coder, Coding, Corpus, Document, Span, Statement
from statecode.table import CodingTable

__all__ = [
    "DEFAULT_MAX_BYTES",
    "OffsetUnit",
    "QdpxProject",
    "SpanRule",
    "read_qdc",
    "read_qdpx",
    "spans_to_codings",
    "write_qdc",
    "write_qdpx",
]

_CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_PROJECT_NS = "urn:QDA-XML:project:1.0"
_ORIGIN = "statecode"
_MARK = "[statecode]"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "statecode:refi-qda")
_FLAT_VARIABLE = "codes"

#: Default limit on the bytes a ``.qdpx`` archive may unpack to (1 GiB).
DEFAULT_MAX_BYTES = 1 << 30
# a member may expand this many times over its compressed size once past the floor
_MAX_RATIO = 100
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20
# deeper code hierarchies are refused: no real codebook nests this deep, so such a file is
# damaged or hostile (validating the hierarchy itself is linear in the number of codes)
_MAX_DEPTH = 100

# what XML 1.0 can carry (https://www.w3.org/TR/xml/#charsets); anything else is escaped
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NON_NAME = re.compile(r"[^A-Za-z0-9_]+")


class SpanRule(enum.StrEnum):
    """When a span codes a statement (see :func:`spans_to_codings`)."""

    OVERLAP = "overlap"
    ANY = "any"
    CONTAINS = "contains"


@attrs.frozen
class QdpxProject:
    """What :func:`read_qdpx` reads from a ``.qdpx`` archive.

    Attributes
    ----------
    corpus : Corpus
        One document per text source, without statements.
    spans : tuple of Span
        One span per coding of a text selection, by document, then in file order.
    codebook : Codebook
        The project's codebook, or the one passed to :func:`read_qdpx`.
    users : tuple of Coder
        The project's users, then any coder that codings name but ``<Users>`` does not; every
        span's coder is among their ids.
    """

    corpus: Corpus
    spans: tuple[Span, ...]
    codebook: Codebook
    users: tuple[Coder, ...]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, json.dumps(parts)))


def _normalise_guid(value: str) -> str:
    # real exports write GUIDs in upper or lower case, with or without braces
    return value.strip().strip("{}").lower()


# --------------------------------------------------------------------------------------------
# descriptions: free text, then a [statecode] block of "Key: value" lines


class _Kind(enum.Enum):
    TEXT = enum.auto()
    TEXTS = enum.auto()
    FLAG = enum.auto()
    NUMBER = enum.auto()
    CODES = enum.auto()


@attrs.frozen
class _Key:
    label: str
    field: str
    kind: _Kind = _Kind.TEXT


@attrs.frozen
class _Layout:
    """The fields a description carries: ``human`` as free text, the others as lines."""

    human: str | None
    keys: tuple[_Key, ...]


_VARIABLE = _Layout(
    "notes",
    (
        _Key("Level", "level"),
        _Key("Label", "label"),
        _Key("Question", "question"),
        _Key("Notes", "notes"),
        _Key("Unit", "unit"),
        _Key("Multi-label", "multi_label", _Kind.FLAG),
        _Key("Order", "order", _Kind.CODES),
        _Key("Minimum", "minimum", _Kind.NUMBER),
        _Key("Maximum", "maximum", _Kind.NUMBER),
        _Key("Category order", "category_order", _Kind.CODES),
    ),
)
_CATEGORY = _Layout(
    "definition",
    (
        _Key("Label", "label"),
        _Key("Definition", "definition"),
        _Key("Include", "include", _Kind.TEXTS),
        _Key("Exclude", "exclude", _Kind.TEXTS),
        _Key("Example", "examples", _Kind.TEXTS),
        _Key("Exclusive", "exclusive", _Kind.FLAG),
    ),
)
_CODEBOOK = _Layout("description", (_Key("Version", "version"), _Key("Description", "description")))
_DOCUMENT = _Layout(
    None,
    (
        _Key("Title", "title"),
        _Key("Source", "source"),
        _Key("Event", "event"),
        _Key("Date", "date"),
        _Key("Language", "language"),
    ),
)


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _XML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _quote(value: str) -> str:
    bare = value and value == value.strip() and value.isprintable() and value[0] != '"'
    return value if bare else _json(value)


def _key_lines(key: _Key, value: Any) -> list[str]:
    if key.kind is _Kind.TEXTS:
        return [f"{key.label}: {_quote(item)}" for item in value]
    if key.kind is _Kind.FLAG:
        return [f"{key.label}: {'yes' if value else 'no'}"]
    if key.kind is _Kind.NUMBER:
        return [f"{key.label}: {float(value)!r}"]
    if key.kind is _Kind.CODES:
        return [f"{key.label}: {_json(list(value))}"]
    return [f"{key.label}: {_quote(str(value))}"]


def _description_text(layout: _Layout, fields: Mapping[str, Any]) -> str:
    """Render ``fields`` (defaults left out) as free text plus a ``[statecode]`` block."""
    human = str(fields.get(layout.human, "")) if layout.human else ""
    raw = _XML_UNSAFE.search(human) is None
    lines = [
        line
        for key in layout.keys
        if key.field in fields and (key.field != layout.human or not raw)
        for line in _key_lines(key, fields[key.field])
    ]
    human = human if raw else ""
    # with the marker inside the free text, a block must follow so that readers split at it
    if not lines and _MARK not in human:
        return human
    block = "\n".join([_MARK, *lines])
    return f"{human}\n\n{block}" if human else block


def _split_description(text: str) -> tuple[str, str | None]:
    """Split a description into its free text and its block (None without a block)."""
    human, block = _split_exact(text)
    if block is None and "\r\n" in text:
        # a program that stored the description again with CRLF line breaks
        rewritten = _split_exact(text.replace("\r\n", "\n"))
        if rewritten[1] is not None:
            return rewritten
    return human, block


def _split_exact(text: str) -> tuple[str, str | None]:
    at = text.rfind(f"\n\n{_MARK}")
    if at >= 0:
        rest = text[at + 2 + len(_MARK) :]
        if not rest or rest.startswith("\n"):
            return text[:at], rest[1:]
    if text == _MARK or text.startswith(f"{_MARK}\n"):
        return "", text[len(_MARK) + 1 :]
    return text, None


def _parse_value(key: _Key, text: str) -> Any:
    if key.kind is _Kind.FLAG:
        if text not in ("yes", "no"):
            msg = f"expected yes or no, got {text!r}"
            raise ValueError(msg)
        return text == "yes"
    if key.kind is _Kind.NUMBER:
        try:
            return float(text)
        except ValueError:
            msg = f"expected a number, got {text!r}"
            raise ValueError(msg) from None
    if key.kind is _Kind.CODES or text.startswith('"'):
        return _parse_json(key, text)
    return text


def _parse_json(key: _Key, text: str) -> Any:
    want = "a JSON list of codes" if key.kind is _Kind.CODES else "a JSON string"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"expected {want}, got {text!r} ({exc.msg})"
        raise ValueError(msg) from None
    ok = (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
        if key.kind is _Kind.CODES
        else isinstance(value, str)
    )
    if not ok:
        msg = f"expected {want}, got {text!r}"
        raise ValueError(msg)
    return value


def _read_block(block: str, layout: _Layout, where: str, problems: list[Problem]) -> dict[str, Any]:
    keys = {k.label: k for k in layout.keys}
    out: dict[str, Any] = {}
    for n, line in enumerate(block.rstrip().split("\n"), start=1):
        if not line.strip():
            continue
        head = f"line {n} of the {_MARK} block"
        label, sep, text = line.partition(":")
        key = keys.get(label)
        if not sep or key is None:
            hint = difflib.get_close_matches(label, list(keys), n=1)
            maybe = f"; did you mean {hint[0]!r}?" if hint else ""
            allowed = ", ".join(keys)
            msg = f"{head}: unknown key {label!r}{maybe} (write 'Key: value'; keys: {allowed})"
            problems.append(Problem(where, msg))
            continue
        try:
            value = _parse_value(key, text.strip())
        except ValueError as exc:
            problems.append(Problem(where, f"{head}: {key.label}: {exc}"))
            continue
        if key.kind is _Kind.TEXTS:
            out.setdefault(key.field, []).append(value)
        elif key.field in out:
            problems.append(Problem(where, f"{head}: {key.label} is given twice; keep one"))
        else:
            out[key.field] = value
    return out


def _read_description(
    text: str, layout: _Layout, where: str, problems: list[Problem]
) -> tuple[dict[str, Any], bool]:
    """The fields a description gives, and whether it has a statecode block."""
    human, block = _split_description(text)
    fields = _read_block(block, layout, where, problems) if block is not None else {}
    if human and layout.human is not None:
        fields.setdefault(layout.human, human)
    return fields, block is not None


# --------------------------------------------------------------------------------------------
# XML


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(elem: ET.Element | None, name: str) -> list[ET.Element]:
    if elem is None:
        return []
    return [c for c in elem if isinstance(c.tag, str) and _local(c.tag) == name]


def _child(elem: ET.Element | None, name: str) -> ET.Element | None:
    found = _children(elem, name)
    return found[0] if found else None


def _child_text(elem: ET.Element | None, name: str) -> str:
    child = _child(elem, name)
    return (child.text or "") if child is not None else ""


def _xml_text(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes a carriage return in text as it is, and XML readers turn it into a
    # line feed; as a character reference it survives (attributes are escaped already)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body.replace("\r", "&#13;") + "\n"


def _parse_xml(data: bytes, source: str, where: str) -> ET.Element:
    try:
        root = _defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        msg = (
            "refused: the XML has a document type declaration (<!DOCTYPE ...>), whose "
            "entities can expand without limit or read other files; REFI-QDA files have "
            "none, so re-export the file from the QDA program"
        )
        raise DataError([Problem(where, msg)], source=source) from None
    except ET.ParseError as exc:
        msg = f"not well-formed XML ({exc}); re-export the file from the QDA program"
        raise DataError([Problem(where, msg)], source=source) from None
    return cast("ET.Element", root)


def _expect_root(root: ET.Element, name: str, source: str, where: str) -> None:
    if _local(root.tag) != name:
        msg = (
            f"the root element is <{_local(root.tag)}>, not <{name}>; this is not a "
            f"REFI-QDA {'codebook' if name == 'CodeBook' else 'project'}"
        )
        raise DataError([Problem(where, msg)], source=source)


def _unsafe_char(text: str) -> str | None:
    found = _XML_UNSAFE.search(text)
    return f"{found[0]!r} (U+{ord(found[0]):04X})" if found else None


def _attribute_problem(where: str, what: str, value: str) -> list[Problem]:
    bad = _unsafe_char(value)
    if bad is None:
        return []
    msg = f"{what} {value!r} holds {bad}, which XML 1.0 cannot carry; rename it"
    return [Problem(where, msg)]


# --------------------------------------------------------------------------------------------
# codebook -> codes


def _preorder(var: Variable) -> list[Category]:
    kids: dict[str | None, list[Category]] = {}
    for cat in var.categories:
        kids.setdefault(cat.parent, []).append(cat)
    out: list[Category] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        cat = stack.pop()
        out.append(cat)
        stack.extend(reversed(kids.get(cat.code, [])))
    return out


def _code_element(guid: str, name: str, *, codable: bool, description: str) -> ET.Element:
    elem = ET.Element("Code", {"guid": guid, "name": name, "isCodable": str(codable).lower()})
    if description:
        ET.SubElement(elem, "Description").text = description
    return elem


def _variable_code(book: str, var: Variable, guids: list[str]) -> ET.Element:
    fields: dict[str, Any] = converter.unstructure(var)
    fields.pop("name")
    fields.pop("categories", None)
    nesting = _preorder(var)
    if nesting != list(var.categories):
        fields["category_order"] = [c.code for c in var.categories]
    guids.append(_guid("code", book, var.name))
    elem = _code_element(
        guids[-1], var.name, codable=False, description=_description_text(_VARIABLE, fields)
    )
    placed: dict[str | None, ET.Element] = {None: elem}
    for cat in nesting:
        cat_fields: dict[str, Any] = converter.unstructure(cat)
        guids.append(_guid("code", book, var.name, cat.code))
        child = _code_element(
            guids[-1], cat.code, codable=True, description=_description_text(_CATEGORY, cat_fields)
        )
        placed[cat.parent].append(child)
        placed[cat.code] = child
    return elem


def _codes_element(codebook: Codebook) -> tuple[ET.Element, list[str]]:
    """The ``<Codes>`` of a codebook, and the GUIDs of its codes in document order."""
    problems = _attribute_problem("name", "codebook name", codebook.name)
    for i, var in enumerate(codebook.variables):
        for j, cat in enumerate(var.categories):
            where = f"variables[{i}].categories[{j}].code"
            problems += _attribute_problem(where, "code", cat.code)
    if problems:
        raise CodebookError(problems)
    codes = ET.Element("Codes")
    guids: list[str] = []
    for var in codebook.variables:
        codes.append(_variable_code(codebook.name, var, guids))
    return codes, guids


def _codebook_set(codebook: Codebook, guids: Sequence[str], member: str) -> ET.Element:
    elem = ET.Element("Set", {"guid": _guid("codebook", codebook.name), "name": codebook.name})
    fields = {"version": codebook.version, "description": codebook.description}
    description = _description_text(_CODEBOOK, {k: v for k, v in fields.items() if v})
    if description:
        ET.SubElement(elem, "Description").text = description
    for guid in guids:
        ET.SubElement(elem, "MemberCode", {member: guid})
    return elem


# --------------------------------------------------------------------------------------------
# codes -> codebook


@attrs.frozen
class _Node:
    """A ``<Code>`` in document order: ``parent`` and ``top`` index the flattened list."""

    guid: str
    name: str
    description: str
    parent: int | None
    top: int


def _flatten(codes: ET.Element | None, source: str, where: str) -> list[_Node]:
    """The codes in document order; refuse hierarchies deeper than any real codebook's."""
    # iterative, so a hostile file nesting codes a million deep cannot exhaust the stack
    out: list[_Node] = []
    stack: list[tuple[ET.Element, int | None, int]] = [
        (c, None, 1) for c in reversed(_children(codes, "Code"))
    ]
    while stack:
        elem, parent, depth = stack.pop()
        if depth > _MAX_DEPTH:
            msg = (
                f"codes nest more than {_MAX_DEPTH} levels deep (at code "
                f"{elem.get('name', '')!r}); no real codebook is this deep, so the file is "
                "damaged or hostile"
            )
            raise DataError([Problem(where, msg)], source=source)
        index = len(out)
        out.append(
            _Node(
                guid=_normalise_guid(elem.get("guid", "")),
                name=elem.get("name", ""),
                description=_child_text(elem, "Description"),
                parent=parent,
                top=index if parent is None else out[parent].top,
            )
        )
        stack.extend((c, index, depth + 1) for c in reversed(_children(elem, "Code")))
    return out


#: Where each code GUID points: (variable, category code), or why a span cannot use it.
_Targets: TypeAlias = dict[str, "tuple[str, str] | str"]


def _unique(name: str, taken: set[str], pattern: str) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = pattern.format(name, n)
    taken.add(candidate)
    return candidate


def _variable_name(label: str, taken: set[str]) -> str:
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    name = _NON_NAME.sub("_", ascii_).strip("_") or "variable"
    if name[0].isdigit():
        name = f"v_{name}"
    if name in RESERVED_NAMES:
        name = f"{name}_"
    return _unique(name, taken, "{}_{}")


def _category_code(name: str, taken: set[str]) -> str:
    code = " ".join(name.replace(";", ",").split()) or "unnamed"
    return _unique(code, taken, "{} ({})")


def _statecode_variable(
    flat: list[_Node],
    top: int,
    members: list[int],
    fields: dict[str, Any],
    targets: _Targets,
    problems: list[Problem],
) -> dict[str, Any]:
    name = flat[top].name
    categories = []
    for j in members:
        node = flat[j]
        cat, _ = _read_description(node.description, _CATEGORY, f"code {node.name!r}", problems)
        cat["code"] = node.name
        if node.parent != top and node.parent is not None:
            cat["parent"] = flat[node.parent].name
        categories.append(cat)
        targets[node.guid] = (name, node.name)
    order = fields.pop("category_order", None)
    if order is not None:
        rank = {code: k for k, code in enumerate(order)}
        categories.sort(key=lambda c: rank.get(c["code"], len(rank)))
    return {**fields, "name": name, "categories": categories}


def _foreign_variable(
    flat: list[_Node],
    name: str,
    members: list[int],
    fields: dict[str, Any],
    targets: _Targets,
    problems: list[Problem],
) -> dict[str, Any]:
    codes: dict[int, str] = {}
    used: set[str] = set()
    categories = []
    for j in members:
        node = flat[j]
        code = codes[j] = _category_code(node.name, used)
        cat, _ = _read_description(node.description, _CATEGORY, f"code {node.name!r}", problems)
        cat["code"] = code
        if node.parent in codes:
            cat["parent"] = codes[node.parent]
        if code != node.name:
            cat.setdefault("label", node.name)
        categories.append(cat)
        targets[node.guid] = (name, code)
    return {
        "level": "nominal",
        "multi_label": True,
        **fields,
        "name": name,
        "categories": categories,
    }


def _variables_from_codes(
    flat: list[_Node], targets: _Targets, problems: list[Problem]
) -> list[dict[str, Any]]:
    tops = [i for i, node in enumerate(flat) if node.parent is None]
    below: dict[int, list[int]] = {}
    for i, node in enumerate(flat):
        if node.parent is not None:
            below.setdefault(node.top, []).append(i)
    parsed = {
        i: _read_description(flat[i].description, _VARIABLE, f"code {flat[i].name!r}", problems)
        for i in tops
    }
    taken = {flat[i].name for i in tops if parsed[i][1]}
    variables, loose = [], []
    for i in tops:
        fields, ours = parsed[i]
        if ours:
            var = _statecode_variable(flat, i, below.get(i, []), fields, targets, problems)
        elif i in below:
            name = _variable_name(flat[i].name, taken)
            if name != flat[i].name:
                fields.setdefault("label", flat[i].name)
            var = _foreign_variable(flat, name, below[i], fields, targets, problems)
        else:
            loose.append(i)
            continue
        variables.append(var)
        targets[flat[i].guid] = (
            f"code {flat[i].name!r} stands for variable {var['name']!r} (it has sub-codes), "
            "not for a category; code the selection with one of its sub-codes, or pass a "
            "codebook= in which it is a category"
        )
    if loose:
        name = _variable_name(_FLAT_VARIABLE, taken)
        variables.append(_foreign_variable(flat, name, loose, {}, targets, problems))
    return variables


def _codebook_meta(parent: ET.Element, problems: list[Problem]) -> dict[str, Any] | None:
    """Name, version and description from statecode's code set, if the file has one."""
    for elem in _children(_child(parent, "Sets"), "Set"):
        name = elem.get("name", "")
        if name and _normalise_guid(elem.get("guid", "")) == _guid("codebook", name):
            text = _child_text(elem, "Description")
            fields, _ = _read_description(text, _CODEBOOK, f"set {name!r}", problems)
            return {**fields, "name": name}
    return None


def _codebook_from_xml(
    parent: ET.Element, flat: list[_Node], fallback_name: str, source: str
) -> tuple[Codebook, _Targets]:
    problems: list[Problem] = []
    meta = _codebook_meta(parent, problems) or {"name": fallback_name}
    targets: _Targets = {}
    variables = _variables_from_codes(flat, targets, problems)
    if problems:
        raise CodebookError(problems, source=source)
    return codebook_from_dict({**meta, "variables": variables}, source=source), targets


def _targets_by_name(flat: list[_Node], codebook: Codebook) -> _Targets:
    owners: dict[str, list[str]] = {}
    for var in codebook:
        for code in var.codes:
            owners.setdefault(code, []).append(var.name)
    targets: _Targets = {}
    for node in flat:
        top = flat[node.top].name
        found = owners.get(node.name, [])
        if node.parent is not None and top in found:
            targets[node.guid] = (top, node.name)
        elif len(found) == 1:
            targets[node.guid] = (found[0], node.name)
        elif found:
            targets[node.guid] = (
                f"code {node.name!r} is a category of several variables ({', '.join(found)}); "
                "nest it under the code named after its variable"
            )
        else:
            targets[node.guid] = (
                f"code {node.name!r} is not a category of codebook {codebook.name!r}; add it "
                "to the codebook or rename the code"
            )
    return targets


# --------------------------------------------------------------------------------------------
# .qdc


def _read_file(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg) from None
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror})"
        raise InputFileError(msg) from exc


def read_qdc(path: PathLike) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``).

    Parameters
    ----------
    path : str or path
        The ``.qdc`` file.

    Returns
    -------
    Codebook

    Raises
    ------
    InputFileError
        If the file cannot be read.
    DataError
        If the file is not well-formed XML, declares a document type (refused: see the module
        notes), or is not a REFI-QDA codebook.
    CodebookError
        If a ``[statecode]`` block is malformed or the codes do not make a valid codebook;
        the error lists every problem.

    Notes
    -----
    The mapping is described in the module docstring: top-level codes are variables, nested
    codes their categories, the remaining fields are read from the ``[statecode]`` block of
    each description. Codes made by another program become nominal multi-label variables
    (a top-level code with sub-codes) or the categories of one variable ``codes`` (top-level
    codes without sub-codes). Without statecode's code set the codebook is named after the
    file stem, with no version and no description.

    References
    ----------
    REFI (2019). QDA-XML 1.0: Codebook exchange standard. Rotterdam Exchange Format
    Initiative. https://www.qdasoftware.org

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from statecode import read_codebook
    >>> cb = read_codebook("readouts")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "readouts.qdc"
    ...     write_qdc(cb, path)
    ...     read_qdc(path) == cb
    True
    """
    file = Path(path)
    root = _parse_xml(_read_file(file), str(file), "")
    _expect_root(root, "CodeBook", str(file), "")
    flat = _flatten(_child(root, "Codes"), str(file), "")
    codebook, _ = _codebook_from_xml(root, flat, file.stem, str(file))
    return codebook


def write_qdc(codebook: Codebook, path: PathLike) -> None:
    """Write a codebook as a REFI-QDA codebook (``.qdc``), atomically.

    Parameters
    ----------
    codebook : Codebook
        The codebook; it needs at least one variable (Codebook.xsd requires a code).
    path : str or path
        The file to write.

    Raises
    ------
    CodebookError
        If the codebook has no variables, or a name or code holds a character XML 1.0
        cannot carry (control characters, U+FFFE, U+FFFF).
    InputFileError
        If the file cannot be written.

    Notes
    -----
    Variables become top-level codes (``isCodable="false"``), categories nested codes
    (``isCodable="true"``); every other field goes into the descriptions (see the module
    docstring), and the codebook's name, version and description into a code set named after
    the codebook. :func:`read_qdc` gives back an equal codebook. The same codebook always
    gives the same bytes.
    """
    if not codebook.variables:
        msg = "a .qdc file needs at least one code (Codebook.xsd); add a variable"
        raise CodebookError([Problem("variables", msg)])
    root = ET.Element("CodeBook", {"xmlns": _CODEBOOK_NS, "origin": _ORIGIN})
    codes, guids = _codes_element(codebook)
    root.append(codes)
    ET.SubElement(root, "Sets").append(_codebook_set(codebook, guids, "guid"))
    write_text_atomic(Path(path), _xml_text(root))


# --------------------------------------------------------------------------------------------
# .qdpx archives: read in memory, within limits


def _climbs_out(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return (
        name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) is not None or (".." in parts)
    )


class _Archive:
    """A ``.qdpx`` archive opened for reading: member names checked, reads counted."""

    def __init__(self, zf: zipfile.ZipFile, source: str, max_bytes: int) -> None:
        self._zip = zf
        self.source = source
        self._max = max_bytes
        self._left = max_bytes
        problems = [
            Problem(
                f"member {info.filename!r}",
                "its path is absolute or climbs out of the archive with '..' (a zip-slip "
                "archive); refusing the whole file: re-export the project from the QDA program",
            )
            for info in zf.infolist()
            if _climbs_out(info.filename)
        ]
        if problems:
            raise DataError(problems, source=source)
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            self._members.setdefault(info.filename.lower(), info)

    def find(self, *names: str) -> zipfile.ZipInfo | None:
        """The first member with one of these names (letter case ignored)."""
        for name in names:
            info = self._members.get(name.lower())
            if info is not None and not info.is_dir():
                return info
        return None

    def project(self) -> zipfile.ZipInfo:
        """The ``project.qde`` member (or the only ``.qde`` at the top level)."""
        info = self.find("project.qde")
        others = [
            i for i in self._members.values() if re.fullmatch(r"[^/\\]+\.qde", i.filename, re.I)
        ]
        if info is None and len(others) == 1:
            info = others[0]
        if info is None:
            listed = ", ".join(repr(i.filename) for i in list(self._members.values())[:10])
            msg = (
                f"no project.qde in the archive (members: {listed or 'none'}); "
                "is this a REFI-QDA project (.qdpx)?"
            )
            raise DataError([Problem("", msg)], source=self.source)
        return info

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, read in chunks; stop as soon as a limit is passed."""
        limit = min(self._left, max(_RATIO_FLOOR, info.compress_size * _MAX_RATIO))
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        self._refuse(info, size)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            msg = f"cannot unpack the member ({exc}); re-export the project"
            raise DataError(
                [Problem(f"member {info.filename!r}", msg)], source=self.source
            ) from None
        self._left -= size
        return b"".join(chunks)

    def _refuse(self, info: zipfile.ZipInfo, size: int) -> NoReturn:
        if size > self._left:
            msg = (
                f"the archive unpacks to more than max_bytes={self._max} bytes (a zip bomb?); "
                "refusing it. If the project really is this large, raise max_bytes"
            )
        else:
            msg = (
                f"expands more than {_MAX_RATIO} times over its {info.compress_size} compressed "
                "bytes (a zip bomb?); refusing it"
            )
        raise DataError([Problem(f"member {info.filename!r}", msg)], source=self.source)


@contextlib.contextmanager
def _open_archive(file: Path, max_bytes: int) -> Iterator[_Archive]:
    try:
        zf = zipfile.ZipFile(file)
    except FileNotFoundError:
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg) from None
    except zipfile.BadZipFile:
        msg = "not a zip archive, so not a .qdpx project; export the project again as REFI-QDA"
        raise DataError([Problem("", msg)], source=str(file)) from None
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror})"
        raise InputFileError(msg) from exc
    with zf:
        yield _Archive(zf, str(file), max_bytes)


def _zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            # fixed time stamp and system: the same project gives the same bytes
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# offsets


# --------------------------------------------------------------------------------------------
# reading a project


def _unique_labels(items: Sequence[tuple[str, str]]) -> list[str]:
    """Names where they are unique; ``name (guid)`` for shared names; the GUID for none."""
    counts = Counter(name for _, name in items)
    return [
        (name if counts[name] == 1 else f"{name} ({guid})") if name.strip() else guid
        for guid, name in items
    ]


def _read_users(root: ET.Element) -> dict[str, str]:
    users = _children(_child(root, "Users"), "User")
    guids = [_normalise_guid(u.get("guid", "")) or f"user {i + 1}" for i, u in enumerate(users)]
    labels = _unique_labels([(g, u.get("name", "")) for g, u in zip(guids, users, strict=True)])
    return dict(zip(guids, labels, strict=True))


def _decode(data: bytes, member: str, problems: list[Problem]) -> str | None:
    encoding = (
        "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start}); save the source as UTF-8 and export again"
        problems.append(Problem(f"member {member!r}", msg))
        return None


def _source_member(archive: _Archive, path: str) -> zipfile.ZipInfo | None:
    scheme, _, rest = path.partition("://")
    rest = rest.lstrip("/")
    if scheme == "internal":
        return archive.find(f"sources/{rest}", rest)
    if scheme == "relative":
        return archive.find(rest, f"sources/{rest}")
    return None


def _source_text(
    elem: ET.Element, archive: _Archive, where: str, problems: list[Problem]
) -> str | None:
    path = elem.get("plainTextPath", "")
    info = _source_member(archive, path) if path else None
    if info is not None:
        return _decode(archive.read(info), info.filename, problems)
    content = _child(elem, "PlainTextContent")
    if content is not None:
        # XML readers turn CRLF into LF here; offsets must count the text that way
        return content.text or ""
    if path.startswith("internal://"):
        msg = (
            f"plainTextPath {path!r} names no member of the archive (looked in sources/ and "
            "Sources/); export the project again with its sources"
        )
    elif path:
        msg = (
            f"plainTextPath {path!r} points outside the archive, and statecode opens no file a "
            "project names; the source has no PlainTextContent either, so export the project "
            "with the sources inside the .qdpx"
        )
    else:
        msg = "has no plain text (no plainTextPath, no PlainTextContent); export it as text"
    problems.append(Problem(where, msg))
    return None


def _document(elem: ET.Element, doc_id: str, text: str, problems: list[Problem]) -> Document:
    where = f"source {doc_id!r}"
    human, block = _split_description(_child_text(elem, "Description"))
    fields = _read_block(block, _DOCUMENT, where, problems) if block is not None else {}
    metadata = {"refi_guid": _normalise_guid(elem.get("guid", ""))}
    if human:
        metadata["description"] = human
    date = fields.pop("date", None)
    if date is not None:
        try:
            fields["date"] = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(Problem(where, f"Date {date!r} is not a date; write YYYY-MM-DD"))
    return Document(id=doc_id, text=text, metadata=metadata, **fields)


@attrs.define
class _Reading:
    """What reading a project's sources needs, and the problems found on the way."""

    archive: _Archive
    targets: _Targets
    users: dict[str, str]
    unit: OffsetUnit
    problems: list[Problem] = attrs.Factory(list)

    def coder(self, guid: str, where: str) -> str | None:
        """The coder id of a user GUID (a GUID that ``<Users>`` lacks stands for itself)."""
        if not guid:
            msg = "neither the Coding nor its selection names a creatingUser; export again"
            self.problems.append(Problem(where, msg))
            return None
        key = _normalise_guid(guid)
        return self.users.setdefault(key, key)

    def target(self, coding: ET.Element, where: str) -> tuple[str, str] | None:
        """The (variable, code) a Coding's CodeRef points to."""
        ref = _child(coding, "CodeRef")
        guid = _normalise_guid(ref.get("targetGUID", "")) if ref is not None else ""
        found = self.targets.get(guid) if guid else None
        if isinstance(found, tuple):
            return found
        if found is None:
            found = (
                f"the Coding refers to code {guid!r}, which the CodeBook does not define; "
                "export the project again"
                if guid
                else "a Coding without <CodeRef targetGUID=...>; export the project again"
            )
        self.problems.append(Problem(where, found))
        return None


def _positions(
    sel: ET.Element, text: str, utf16: Utf16Offsets | None, reading: _Reading, where: str
) -> tuple[int, int] | None:
    raw = sel.get("startPosition", ""), sel.get("endPosition", "")
    try:
        start, end = int(raw[0]), int(raw[1])
    except ValueError:
        msg = f"startPosition {raw[0]!r} and endPosition {raw[1]!r} must be whole numbers"
        reading.problems.append(Problem(where, msg))
        return None
    if utf16 is not None:
        first, last = utf16.to_code_points(start), utf16.to_code_points(end)
        if first is None or last is None:
            bad = start if first is None else end
            reading.problems.append(Problem(where, utf16.message(bad)))
            return None
        start, end = first, last
    if not 0 <= start < end <= len(text):
        msg = (
            f"positions {raw[0]}..{raw[1]} are empty or do not lie within the source's text "
            f"({len(text)} code points); positions count code points from 0, end exclusive "
            "(if the program counted UTF-16 code units, read with offsets='utf-16')"
        )
        reading.problems.append(Problem(where, msg))
        return None
    return start, end


def _span(
    coding: ET.Element,
    owner: ET.Element,
    document: str,
    positions: tuple[int, int],
    reading: _Reading,
    where: str,
) -> Span | None:
    guid = coding.get("creatingUser") or owner.get("creatingUser") or ""
    coder = reading.coder(guid, where)
    target = reading.target(coding, where)
    if coder is None or target is None:
        return None
    return Span(document, coder, *positions, *target)


def _source_spans(elem: ET.Element, document: str, text: str, reading: _Reading) -> list[Span]:
    utf16 = Utf16Offsets(text) if reading.unit is OffsetUnit.UTF16 else None
    # a Coding of the source itself codes the whole text
    found = [
        (coding, elem, (0, len(text)), f"source {document!r}")
        for coding in _children(elem, "Coding")
    ]
    if found and not text:
        reading.problems.append(Problem(f"source {document!r}", "codes a source without text"))
        found = []
    for sel in _children(elem, "PlainTextSelection"):
        where = f"source {document!r}, selection {sel.get('guid', '?')}"
        positions = _positions(sel, text, utf16, reading, where)
        if positions is not None:
            found += [(coding, sel, positions, where) for coding in _children(sel, "Coding")]
    spans = [
        _span(coding, owner, document, pos, reading, where) for coding, owner, pos, where in found
    ]
    return [s for s in spans if s is not None]


def _read_sources(root: ET.Element, reading: _Reading) -> tuple[list[Document], list[Span]]:
    elems = _children(_child(root, "Sources"), "TextSource")
    ids = _unique_labels(
        [
            (_normalise_guid(e.get("guid", "")) or f"source {i + 1}", e.get("name", ""))
            for i, e in enumerate(elems)
        ]
    )
    documents: list[Document] = []
    spans: list[Span] = []
    for elem, doc_id in zip(elems, ids, strict=True):
        text = _source_text(elem, reading.archive, f"source {doc_id!r}", reading.problems)
        if text is not None:
            documents.append(_document(elem, doc_id, text, reading.problems))
            spans += _source_spans(elem, doc_id, text, reading)
    return documents, spans


def read_qdpx(
    path: PathLike,
    *,
    codebook: Codebook | None = None,
    offsets: OffsetUnit | str = OffsetUnit.CODE_POINTS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> QdpxProject:
    """Read a REFI-QDA project (``.qdpx``): texts, span codings per coder, codebook, users.

    Parameters
    ----------
    path : str or path
        The ``.qdpx`` archive.
    codebook : Codebook, optional
        Map the project's codes to this codebook by name instead of reading the project's
        codebook: a code named like a category of the variable its top-level code is named
        after maps to that category, else to the one variable that has such a category.
    offsets : {"code-points", "utf-16"}
        What ``startPosition`` and ``endPosition`` count: code points, as the standard says,
        or UTF-16 code units, as some Windows programs do (converted to code points).
    max_bytes : int
        Refuse the archive once what is read from it unpacks beyond this many bytes.

    Returns
    -------
    QdpxProject
        ``corpus`` (one document per text source), ``spans`` (one per coding of a selection),
        ``codebook`` and ``users``.

    Raises
    ------
    ValueError
        If ``offsets`` or ``max_bytes`` is not valid.
    InputFileError
        If the file cannot be read.
    DataError
        If the archive is hostile (members outside the archive, unpacking beyond
        ``max_bytes`` or expanding more than 100-fold, XML with a document type declaration),
        or lists every problem with the sources, selections and codings: texts that are not
        in the archive, positions outside the text, codings of unknown codes or of variables.
    CodebookError
        If the project's codebook is not a valid codebook.

    Notes
    -----
    Documents are the ``<TextSource>`` elements (other sources are skipped). A document's id
    is the source's name, or ``name (guid)`` when several sources share a name, or the GUID
    for a source without one; ``metadata`` holds the GUID (``refi_guid``) and a description
    from another program (``description``). The text is the archive's plain-text file named
    by ``plainTextPath``: ``internal://`` paths are looked up under ``sources/`` or
    ``Sources/``, ``relative://`` paths inside the archive; files outside the archive are
    never opened, so such a source needs its ``<PlainTextContent>`` (whose line endings XML
    has turned into LF). A UTF-8 BOM is dropped, UTF-16 files with a BOM are decoded, and
    the text is otherwise kept exactly as stored, CRLF included, so offsets line up with it.

    Each ``<Coding>`` of a ``<PlainTextSelection>`` gives one span; a Coding of the source
    itself spans the whole text; selections without codings are skipped. The coder is the
    Coding's ``creatingUser``, else the selection's, as the user's name (``name (guid)`` when
    names are shared), or the GUID when ``<Users>`` lacks it. GUIDs are compared in lower
    case without braces.

    Positions are code points into the text, end exclusive. A program that counts UTF-16 code
    units gives larger numbers after any character outside the Basic Multilingual Plane
    (most emoji): read its files with ``offsets="utf-16"``. Programs that count a CRLF as one
    character cannot be read exactly; compare the selected text with the program's export.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from statecode import Category, Codebook, Corpus, Document, Span, Variable
    >>> cb = Codebook(name="demo", variables=(
    ...     Variable(name="tone", level="nominal", categories=(Category("neg"), Category("pos"))),
    ... ))
    >>> corpus = Corpus(documents=(Document(id="d1", text="We reject the terms."),))
    >>> spans = [Span("d1", "ann", 0, 19, "tone", "neg")]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "demo.qdpx"
    ...     write_qdpx(corpus, spans, cb, path)
    ...     project = read_qdpx(path)
    >>> project.spans == tuple(spans), project.codebook == cb
    (True, True)
    >>> project.corpus.documents[0].text
    'We reject the terms.'
    """
    unit = parse_option(OffsetUnit, offsets, "offsets")
    if max_bytes < 1:
        msg = f"max_bytes={max_bytes!r} is not valid; use a positive number of bytes"
        raise ValueError(msg)
    file = Path(path)
    with _open_archive(file, max_bytes) as archive:
        member = archive.project()
        where = f"member {member.filename!r}"
        root = _parse_xml(archive.read(member), str(file), where)
        _expect_root(root, "Project", str(file), where)
        flat = _flatten(_child(_child(root, "CodeBook"), "Codes"), str(file), where)
        if codebook is not None:
            book, targets = codebook, _targets_by_name(flat, codebook)
        else:
            name = root.get("name", "").strip() or file.stem
            book, targets = _codebook_from_xml(root, flat, name, str(file))
        reading = _Reading(archive, targets, _read_users(root), unit)
        documents, spans = _read_sources(root, reading)
    if reading.problems:
        raise DataError(reading.problems, source=str(file))
    users = tuple(Coder(c) for c in dict.fromkeys(reading.users.values()))
    return QdpxProject(Corpus(documents=documents), tuple(spans), book, users)


# --------------------------------------------------------------------------------------------
# writing a project


def _code_problems(where: str, span: Span, codebook: Codebook) -> list[Problem]:
    if span.variable not in codebook:
        known = ", ".join(codebook.names) or "(none)"
        msg = (
            f"variable {span.variable!r} is not in codebook {codebook.name!r} (variables: {known})"
        )
        return [Problem(where, msg)]
    var = codebook[span.variable]
    if span.code not in var.codes:
        hint = difflib.get_close_matches(span.code, var.codes, n=1, cutoff=0.5)
        maybe = f"; did you mean {hint[0]!r}?" if hint else ""
        return [Problem(where, f"unknown code {span.code!r} for {var.name!r}{maybe}")]
    return []


def _span_problems(
    spans: Sequence[Span], texts: Mapping[str, str], codebook: Codebook | None
) -> list[Problem]:
    problems: list[Problem] = []
    for i, span in enumerate(spans):
        where = f"spans[{i}]"
        text = texts.get(span.document)
        if text is None:
            msg = f"document {span.document!r} is not in the corpus; add it or fix the span"
            problems.append(Problem(where, msg))
        elif span.end > len(text):
            msg = (
                f"span {span.start}..{span.end} does not lie within document "
                f"{span.document!r} (text length {len(text)}); fix start and end (0-based "
                "code-point offsets, end exclusive)"
            )
            problems.append(Problem(where, msg))
        if codebook is not None:
            problems += _code_problems(where, span, codebook)
    return problems


def _project_coders(spans: Sequence[Span], users: Iterable[Coder] | None) -> tuple[Coder, ...]:
    seen = dict.fromkeys(s.coder for s in spans)
    if users is None:
        return tuple(Coder(c) for c in seen)
    coders = tuple(users)
    ids = [c.id for c in coders]
    problems = [
        Problem(f"users[{i}]", f"duplicate coder id {c.id!r}; list each coder once")
        for i, c in enumerate(coders)
        if c.id in ids[:i]
    ]
    problems += [
        Problem(
            "users",
            f"coder {c!r} of the spans is not among users; add Coder({c!r}) to users, or leave "
            "users out to take the coders from the spans",
        )
        for c in seen
        if c not in ids
    ]
    if problems:
        raise DataError(problems)
    return coders


def _source_bytes(corpus: Corpus, coders: Sequence[Coder], problems: list[Problem]) -> list[bytes]:
    for i, coder in enumerate(coders):
        problems += _attribute_problem(f"users[{i}].id", "coder id", coder.id)
    out = []
    for i, doc in enumerate(corpus.documents):
        problems += _attribute_problem(f"documents[{i}].id", "document id", doc.id)
        try:
            data = doc.text.encode("utf-8")
        except UnicodeEncodeError as exc:
            msg = (
                f"character {exc.start} of document {doc.id!r} is a lone surrogate, which "
                "UTF-8 cannot encode; fix the text"
            )
            problems.append(Problem(f"documents[{i}].text", msg))
            continue
        # readers drop a leading byte-order mark: one more keeps a text that starts with U+FEFF
        out.append(codecs.BOM_UTF8 + data if doc.text.startswith("\ufeff") else data)
    return out


def _document_fields(doc: Document) -> dict[str, str]:
    fields = {
        "title": doc.title,
        "source": doc.source,
        "event": doc.event,
        "date": doc.date.isoformat() if doc.date is not None else "",
        "language": doc.language,
    }
    return {k: v for k, v in fields.items() if v}


def _text_source(
    doc: Document, spans: Sequence[Span], book: str, user_guids: Mapping[str, str]
) -> ET.Element:
    guid = _guid("document", doc.id)
    elem = ET.Element(
        "TextSource", {"guid": guid, "name": doc.id, "plainTextPath": f"internal://{guid}.txt"}
    )
    description = _description_text(_DOCUMENT, _document_fields(doc))
    if description:
        ET.SubElement(elem, "Description").text = description
    # one selection per coder and stretch: QualCoder takes the coder from the selection
    groups: dict[tuple[int, int, str], list[Span]] = {}
    for span in spans:
        groups.setdefault((span.start, span.end, span.coder), []).append(span)
    rank = {coder: i for i, coder in enumerate(user_guids)}
    for start, end, coder in sorted(groups, key=lambda k: (k[0], k[1], rank[k[2]])):
        user = user_guids[coder]
        sel_guid = _guid("selection", doc.id, coder, str(start), str(end))
        sel = ET.SubElement(
            elem,
            "PlainTextSelection",
            {
                "guid": sel_guid,
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
            },
        )
        for k, span in enumerate(groups[start, end, coder]):
            coding = ET.SubElement(
                sel, "Coding", {"guid": _guid("coding", sel_guid, str(k)), "creatingUser": user}
            )
            target = _guid("code", book, span.variable, span.code)
            ET.SubElement(coding, "CodeRef", {"targetGUID": target})
    return elem


def write_qdpx(
    corpus: Corpus,
    spans: Iterable[Span],
    codebook: Codebook,
    path: PathLike,
    *,
    users: Iterable[Coder] | None = None,
) -> None:
    """Write a REFI-QDA project (``.qdpx``) that ATLAS.ti, QualCoder and others can import.

    Parameters
    ----------
    corpus : Corpus
        The documents; each becomes a text source (statements are not written).
    spans : iterable of Span
        The span codings; each code must be a category of the codebook.
    codebook : Codebook
        The codebook, written as the project's codes.
    path : str or path
        The archive to write (atomically).
    users : iterable of Coder, optional
        The coders, in order; by default the coders of the spans, in order of appearance.
        Every span's coder must be among them.

    Raises
    ------
    DataError
        Listing every problem: a span of a document not in the corpus, beyond the end of its
        text, or with a code not in the codebook; a span coder missing from ``users``;
        duplicate users; ids that XML 1.0 cannot carry.
    CodebookError
        If a code or the codebook name holds a character XML 1.0 cannot carry.
    InputFileError
        If the file cannot be written.

    Notes
    -----
    The archive holds ``project.qde`` and ``sources/<guid>.txt`` (UTF-8, text as given,
    without BOM unless the text itself begins with U+FEFF, which readers would otherwise drop
    as one). Codes follow the convention of :func:`write_qdc`; each document is a
    ``<TextSource>`` named after its id with title, source, event, date and language in its
    description; spans of one coder over the same stretch share a ``<PlainTextSelection>``
    with one ``<Coding>`` per span, and both name the coder as ``creatingUser``; each coder
    is a ``<User>`` named after the coder id (``Coder.name`` and ``note`` are not written).
    The same input gives the same bytes. :func:`read_qdpx` gives back the documents, the
    codebook and the spans (ordered by document, position and coder).

    QualCoder keeps one code per name across a project, so categories that share a code in
    different variables (``other``, ``none``) are merged there; ATLAS.ti keeps them apart.
    """
    spans = tuple(spans)
    coders = _project_coders(spans, users)
    problems = _span_problems(spans, {d.id: d.text for d in corpus.documents}, codebook)
    texts = _source_bytes(corpus, coders, problems)
    if problems:
        raise DataError(problems)
    codes, code_guids = _codes_element(codebook)
    root = ET.Element("Project", {"xmlns": _PROJECT_NS, "name": codebook.name, "origin": _ORIGIN})
    user_guids = {c.id: _guid("user", c.id) for c in coders}
    if coders:
        users_elem = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users_elem, "User", {"guid": user_guids[coder.id], "name": coder.id})
    if codebook.variables:
        ET.SubElement(root, "CodeBook").append(codes)
    by_document: dict[str, list[Span]] = {}
    for span in spans:
        by_document.setdefault(span.document, []).append(span)
    members = []
    if corpus.documents:
        sources = ET.SubElement(root, "Sources")
        for doc, data in zip(corpus.documents, texts, strict=True):
            elem = _text_source(doc, by_document.get(doc.id, []), codebook.name, user_guids)
            sources.append(elem)
            members.append((f"sources/{elem.get('guid')}.txt", data))
    ET.SubElement(root, "Sets").append(_codebook_set(codebook, code_guids, "targetGUID"))
    archive = _zip_bytes([("project.qde", _xml_text(root).encode("utf-8")), *members])
    write_bytes_atomic(Path(path), archive)


# --------------------------------------------------------------------------------------------
# span codings -> statement codings


def _applies(rule: SpanRule, threshold: float, statement: Statement, span: Span) -> bool:
    if rule is SpanRule.CONTAINS:
        return statement.start <= span.start and span.end <= statement.end
    shared = min(statement.end, span.end) - max(statement.start, span.start)
    if rule is SpanRule.ANY:
        return shared > 0
    # a ratio of integers rounds like the decimal threshold (7/25 >= 0.28 holds, while
    # 7 >= 0.28 * 25 does not: the product rounds up)
    return shared > 0 and shared / (statement.end - statement.start) >= threshold


def _collect(
    corpus: Corpus, spans: Sequence[Span], rule: SpanRule, threshold: float
) -> dict[tuple[str, str, str], list[str]]:
    by_document: dict[str, list[Span]] = {}
    for span in spans:
        by_document.setdefault(span.document, []).append(span)
    found: dict[tuple[str, str, str], list[str]] = {}
    for statement in corpus.statements:
        for span in by_document.get(statement.document_id, []):
            if _applies(rule, threshold, statement, span):
                codes = found.setdefault((statement.id, span.coder, span.variable), [])
                if span.code not in codes:
                    codes.append(span.code)
    return found


def _statement_codings(
    found: Mapping[tuple[str, str, str], list[str]], codebook: Codebook | None
) -> tuple[list[Coding], list[Problem]]:
    codings, problems = [], []
    for (unit, coder, variable), codes in found.items():
        if codebook is not None and codebook[variable].multi_label:
            codings.append(Coding(unit, coder, variable, frozenset(codes)))
        elif len(codes) == 1:
            codings.append(Coding(unit, coder, variable, codes[0]))
        else:
            listed = ", ".join(repr(c) for c in codes)
            msg = (
                f"coder {coder!r} gave {variable!r} the codes {listed}, but {variable!r} takes "
                "one code per statement; fix the spans, change rule= or threshold=, or pass a "
                "codebook in which the variable is multi_label"
            )
            problems.append(Problem(f"statement {unit!r}", msg))
    return codings, problems


def spans_to_codings(
    corpus: Corpus,
    spans: Iterable[Span],
    *,
    rule: SpanRule | str = SpanRule.OVERLAP,
    threshold: float = 0.5,
    codebook: Codebook | None = None,
) -> CodingTable:
    """Turn span codings into codings of the corpus's statements.

    Parameters
    ----------
    corpus : Corpus
        The documents and the statements (the units) cut from them.
    spans : iterable of Span
        Span codings of the same documents, e.g. ``read_qdpx(path).spans``.
    rule : {"overlap", "any", "contains"}
        When a span gives its code to a statement (see Notes).
    threshold : float
        For ``rule="overlap"``: the share of the statement's characters the span must cover,
        in (0, 1].
    codebook : Codebook, optional
        Check the codes against it; its multi-label variables collect every code a coder's
        spans give a statement.

    Returns
    -------
    CodingTable
        One coding per statement, coder and variable that some span reaches (statements no
        span reaches are missing, not coded empty), validated against ``codebook``.

    Raises
    ------
    ValueError
        If ``rule`` or ``threshold`` is not valid.
    DataError
        If a span belongs to no document of the corpus, ends beyond its text, or has a code
        outside the codebook; if a coder's spans give a single-label variable (every
        variable, without a codebook) two codes for one statement, listing each such
        statement, coder, variable and codes; or if no span reaches any statement.

    Notes
    -----
    For a statement covering characters ``[a, b)`` and a span covering ``[s, e)``, the
    shared length is ``min(b, e) - max(a, s)``. The span gives its code to the statement

    - ``"overlap"``: when ``shared / (b - a) >= threshold`` (and ``shared > 0``): the span
      covers at least that share of the statement (0.5: at least half; 1: all of it);
    - ``"any"``: when ``shared > 0``: the span and the statement share a character;
    - ``"contains"``: when ``a <= s`` and ``e <= b``: the span lies within the statement.

    This maps a coder's own units onto common ones, so that agreement can be measured per
    statement with :func:`~statecode.krippendorff_alpha`. Measuring agreement on the
    unitizing itself (Krippendorff's alpha-u) is a different question.

    References
    ----------
    Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th ed.),
    ch. 12. SAGE.

    Examples
    --------
    >>> from statecode import Corpus, Document, Span
    >>> doc = Document(id="d1", text="We call for talks. We reject the terms.")
    >>> corpus = Corpus(documents=(doc,), statements=(doc.statement("s1", 0, 18),
    ...                                               doc.statement("s2", 19, 39)))
    >>> spans = [Span("d1", "ann", 3, 17, "tone", "pos"), Span("d1", "ben", 10, 30, "tone", "neg")]
    >>> table = spans_to_codings(corpus, spans)
    >>> table.data.select("unit", "coder", "variable", "value").rows()
    [('s1', 'ann', 'tone', 'pos'), ('s2', 'ben', 'tone', 'neg')]
    """
    how = parse_option(SpanRule, rule, "rule")
    if not 0 < threshold <= 1:
        msg = f"threshold={threshold!r} is not valid; use a share in (0, 1], e.g. 0.5"
        raise ValueError(msg)
    spans = tuple(spans)
    problems = _span_problems(spans, {d.id: d.text for d in corpus.documents}, codebook)
    if problems:
        raise DataError(problems)
    codings, problems = _statement_codings(_collect(corpus, spans, how, threshold), codebook)
    if problems:
        raise DataError(problems)
    if not codings:
        msg = (
            f"no span reaches a statement under rule={how.value!r}"
            f"{f' with threshold={threshold}' if how is SpanRule.OVERLAP else ''}; check "
            "that spans and statements refer to the same documents and offsets"
        )
        raise DataError(msg)
    return CodingTable.from_codings(codings, codebook=codebook)
