"""Mutations of valid files: what a damaged, truncated or hostile file looks like.

Each strategy starts from the bytes of a valid seed file and applies one to four mutations:
byte flips, truncation, deleted and repeated stretches, inserted bytes (nasty Unicode,
line breaks, delimiters and quotes, deep nesting, huge numbers, lone surrogate escapes),
and, for JSON, structural ones (a key deleted, a value of the wrong type).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

#: Text that breaks naive readers: control characters, BOMs, RTL marks, combining marks,
#: astral characters, separators and quotes, escapes of lone surrogates, numbers too big.
NASTY = [
    "\x00",
    "\r",
    "\r\n",
    "\n\n",
    "\ufeff",
    "\u202e",
    "e\u0301",
    "\U0001f91d",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    '"',
    '""',
    ",",
    ";",
    "\t",
    "'=1+1",
    "\\ud800",
    "\\udfff",
    "1e999",
    "-1e309",
    "9" * 400,
    "NaN",
    "Infinity",
    "null",
    "[" * 300,
    "{" * 300,
    "]]]",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    "&a;",
    "<![CDATA[",
    "../" * 5,
    "[[variables]]",
    "a.b.c.d.e.f = 1",
]

_INSERTS = st.sampled_from([s.encode("utf-8", "surrogatepass") for s in NASTY]) | st.binary(
    min_size=1, max_size=16
)


@st.composite
def _one(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return draw(_INSERTS)
    kind = draw(st.sampled_from(["flip", "truncate", "delete", "repeat", "insert", "replace"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        bit = 1 << draw(st.integers(0, 7))
        return data[:at] + bytes([data[at] ^ bit]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    width = draw(st.integers(1, max(1, min(64, len(data) - at))))
    if kind == "delete":
        return data[:at] + data[at + width :]
    if kind == "repeat":
        times = draw(st.integers(2, 50))
        return data[:at] + data[at : at + width] * times + data[at + width :]
    piece = draw(_INSERTS)
    if kind == "insert":
        return data[:at] + piece + data[at:]
    return data[:at] + piece + data[at + width :]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with one to four byte-level mutations."""
    data = seed
    for _ in range(draw(st.integers(1, 4))):
        data = draw(_one(data))
    return data


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, (*path, i))
    return out


_WRONG = st.sampled_from(
    [None, True, 0, -1, 2**70, 1.5, float("nan"), "", "x", [], {}, [[]], {"a": None}, "\u202e"]
)


@st.composite
def restructured(draw: st.DrawFn, value: Any) -> Any:
    """A parsed JSON value with a key deleted or a value of the wrong type."""
    value = json.loads(json.dumps(value))
    paths = [p for p in _paths(value) if p]
    if not paths:
        return draw(_WRONG)
    path = draw(st.sampled_from(paths))
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(_WRONG)
    return value


@st.composite
def json_lines_restructured(draw: st.DrawFn, seed: bytes) -> bytes:
    """A JSON Lines file with one line's object restructured."""
    lines = seed.decode("utf-8").splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    lines[at] = json.dumps(draw(restructured(json.loads(lines[at]))))
    return ("\n".join(lines) + "\n").encode("utf-8")
