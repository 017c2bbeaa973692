"""The description mini-format: a code's free text, then a ``[statecode]`` block of fields.

Every field of a variable, category, codebook or document that REFI-QDA has no place for
travels in a description: first one field as free text, then, after a line ``[statecode]``,
one ``Key: value`` line per field set. A value that would not survive as plain text is written
as a JSON string; lists of codes always are.
"""

from __future__ import annotations

import difflib
import enum
import json
from collections.abc import Mapping
from typing import Any

import attrs

from statecode.exceptions import Problem
from statecode.io.refi._xml import XML_UNSAFE

__all__ = [
    "CATEGORY",
    "CODEBOOK",
    "DOCUMENT",
    "MARK",
    "VARIABLE",
    "Kind",
    "Layout",
    "description_text",
    "read_block",
    "read_description",
    "split_description",
]

MARK = "[statecode]"


class Kind(enum.Enum):
    TEXT = enum.auto()
    TEXTS = enum.auto()
    FLAG = enum.auto()
    NUMBER = enum.auto()
    CODES = enum.auto()


@attrs.frozen
class Key:
    label: str
    field: str
    kind: Kind = Kind.TEXT


@attrs.frozen
class Layout:
    """The fields a description carries: ``human`` as free text, the others as lines."""

    human: str | None
    keys: tuple[Key, ...]


VARIABLE = Layout(
    "notes",
    (
        Key("Level", "level"),
        Key("Label", "label"),
        Key("Question", "question"),
        Key("Notes", "notes"),
        Key("Unit", "unit"),
        Key("Multi-label", "multi_label", Kind.FLAG),
        Key("Order", "order", Kind.CODES),
        Key("Minimum", "minimum", Kind.NUMBER),
        Key("Maximum", "maximum", Kind.NUMBER),
        Key("Category order", "category_order", Kind.CODES),
    ),
)
CATEGORY = Layout(
    "definition",
    (
        Key("Label", "label"),
        Key("Definition", "definition"),
        Key("Include", "include", Kind.TEXTS),
        Key("Exclude", "exclude", Kind.TEXTS),
        Key("Example", "examples", Kind.TEXTS),
        Key("Exclusive", "exclusive", Kind.FLAG),
    ),
)
CODEBOOK = Layout("description", (Key("Version", "version"), Key("Description", "description")))
DOCUMENT = Layout(
    None,
    (
        Key("Title", "title"),
        Key("Source", "source"),
        Key("Event", "event"),
        Key("Date", "date"),
        Key("Language", "language"),
    ),
)


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return XML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _quote(value: str) -> str:
    bare = value and value == value.strip() and value.isprintable() and value[0] != '"'
    return value if bare else _json(value)


def _key_lines(key: Key, value: Any) -> list[str]:
    if key.kind is Kind.TEXTS:
        return [f"{key.label}: {_quote(item)}" for item in value]
    if key.kind is Kind.FLAG:
        return [f"{key.label}: {'yes' if value else 'no'}"]
    if key.kind is Kind.NUMBER:
        return [f"{key.label}: {float(value)!r}"]
    if key.kind is Kind.CODES:
        return [f"{key.label}: {_json(list(value))}"]
    return [f"{key.label}: {_quote(str(value))}"]


def description_text(layout: Layout, fields: Mapping[str, Any]) -> str:
    """Render ``fields`` (defaults left out) as free text plus a ``[statecode]`` block."""
    human = str(fields.get(layout.human, "")) if layout.human else ""
    raw = XML_UNSAFE.search(human) is None
    lines = [
        line
        for key in layout.keys
        if key.field in fields and (key.field != layout.human or not raw)
        for line in _key_lines(key, fields[key.field])
    ]
    human = human if raw else ""
    # with the marker inside the free text, a block must follow so that readers split at it
    if not lines and MARK not in human:
        return human
    block = "\n".join([MARK, *lines])
    return f"{human}\n\n{block}" if human else block


def split_description(text: str) -> tuple[str, str | None]:
    """Split a description into its free text and its block (None without a block)."""
    human, block = _split_exact(text)
    if block is None and "\r\n" in text:
        # a program that stored the description again with CRLF line breaks
        rewritten = _split_exact(text.replace("\r\n", "\n"))
        if rewritten[1] is not None:
            return rewritten
    return human, block


def _split_exact(text: str) -> tuple[str, str | None]:
    at = text.rfind(f"\n\n{MARK}")
    if at >= 0:
        rest = text[at + 2 + len(MARK) :]
        if not rest or rest.startswith("\n"):
            return text[:at], rest[1:]
    if text == MARK or text.startswith(f"{MARK}\n"):
        return "", text[len(MARK) + 1 :]
    return text, None


def _parse_value(key: Key, text: str) -> Any:
    if key.kind is Kind.FLAG:
        if text not in ("yes", "no"):
            msg = f"expected yes or no, got {text!r}"
            raise ValueError(msg)
        return text == "yes"
    if key.kind is Kind.NUMBER:
        try:
            return float(text)
        except ValueError:
            msg = f"expected a number, got {text!r}"
            raise ValueError(msg) from None
    if key.kind is Kind.CODES or text.startswith('"'):
        return _parse_json(key, text)
    return text


def _parse_json(key: Key, text: str) -> Any:
    want = "a JSON list of codes" if key.kind is Kind.CODES else "a JSON string"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"expected {want}, got {text!r} ({exc.msg})"
        raise ValueError(msg) from None
    ok = (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
        if key.kind is Kind.CODES
        else isinstance(value, str)
    )
    if not ok:
        msg = f"expected {want}, got {text!r}"
        raise ValueError(msg)
    return value


def read_block(block: str, layout: Layout, where: str, problems: list[Problem]) -> dict[str, Any]:
    keys = {k.label: k for k in layout.keys}
    out: dict[str, Any] = {}
    for n, line in enumerate(block.rstrip().split("\n"), start=1):
        if not line.strip():
            continue
        head = f"line {n} of the {MARK} block"
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
        if key.kind is Kind.TEXTS:
            out.setdefault(key.field, []).append(value)
        elif key.field in out:
            problems.append(Problem(where, f"{head}: {key.label} is given twice; keep one"))
        else:
            out[key.field] = value
    return out


def read_description(
    text: str, layout: Layout, where: str, problems: list[Problem]
) -> tuple[dict[str, Any], bool]:
    """The fields a description gives, and whether it has a statecode block."""
    human, block = split_description(text)
    fields = read_block(block, layout, where, problems) if block is not None else {}
    if human and layout.human is not None:
        fields.setdefault(layout.human, human)
    return fields, block is not None
