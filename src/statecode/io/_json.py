r"""JSON read defensively: one parser for every JSON file statecode reads.

Python's parser accepts text that later breaks a reader far from the file: escapes of lone
surrogates (``"\ud800"``, which no UTF-8 text can hold), and it raises a bare
RecursionError on nesting deep enough to exhaust the stack. :func:`parse_json` refuses both
where they are, with the place and the fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from statecode._text import quoted_detail
from statecode.exceptions import DataError, InputFileError, Problem

__all__ = [
    "MAX_DEPTH",
    "json_records",
    "lone_surrogate_problem",
    "parse_json",
    "read_json_lines",
    "read_text",
]

#: Nesting deeper than this is refused: no export of an annotation tool comes near it.
MAX_DEPTH = 200

# an escape of a surrogate code point: a pair is one astral character once parsed, so only a
# parsed string that still holds a surrogate had a lone one
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPEN = re.compile(r"[\[{]")
_SPACE = re.compile(r"\s*")


def read_text(file: Path, what: str, remedy: str) -> str:
    """A file's text as UTF-8 (BOM dropped), or an error naming the byte and the fix."""
    try:
        raw = file.read_bytes()
    except IsADirectoryError:
        msg = f"{file}: is a folder, not {what}; check the path"
        raise InputFileError(msg) from None
    except FileNotFoundError:
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg) from None
    except OSError as exc:
        msg = f"{file}: cannot read the file ({exc.strerror or exc}); check the path"
        raise InputFileError(msg) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = f"line {line}, byte {exc.start}: not UTF-8 text; {remedy}"
        raise DataError([Problem("", msg)], source=str(file)) from None


def _depth(text: str) -> int:
    """The nesting depth of JSON text: brackets outside strings, in one pass."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _lone_surrogate(value: Any) -> str | None:
    """Where a parsed value holds a string with a lone surrogate (a key path), or None."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "the value"
        elif isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{path} key" if path else "a key"
                stack.append((sub, f"{path}.{key}" if path else f"key {key!r}"))
        elif isinstance(item, list):
            stack.extend((sub, f"{path}[{i}]") for i, sub in enumerate(item))
    return None


def parse_json(text: str, where: str, remedy: str, *, max_depth: int | None = None) -> Any:
    """Parse JSON text, or raise a :class:`DataError` at ``where`` that says what is wrong.

    Parameters
    ----------
    text : str
        The JSON text.
    where : str
        Where it is, for the message (``line 3``, or empty for a whole file).
    remedy : str
        What the user can do (``export the project again as JSON``).
    max_depth : int, optional
        Refuse deeper nesting (checked exactly only when the text has that many brackets).
    """
    if max_depth is not None and len(_OPEN.findall(text)) > max_depth and _depth(text) > max_depth:
        msg = f"nests deeper than {max_depth} levels (damaged or hostile); {remedy}"
        raise DataError([Problem(where, msg)])
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        line = f"line {exc.lineno}, column {exc.colno}" if not where else f"column {exc.colno}"
        msg = f"not valid JSON ({line}: {exc.msg}); {remedy}"
        raise DataError([Problem(where, msg)]) from None
    except RecursionError:
        msg = f"nests too deep to read (damaged or hostile); {remedy}"
        raise DataError([Problem(where, msg)]) from None
    if _SURROGATE_ESCAPE.search(text):
        problem = lone_surrogate_problem(value, where, remedy)
        if problem is not None:
            raise DataError([problem])
    return value


def lone_surrogate_problem(value: Any, where: str, remedy: str) -> Problem | None:
    """The problem of a parsed JSON value holding a lone surrogate, or None.

    Python's parser turns a lone surrogate escape (backslash, u, d800) into a string no
    UTF-8 text can hold, which breaks a reader far from the file; this names the key.
    """
    found = _lone_surrogate(value)
    if found is None:
        return None
    msg = (
        f"{found} holds half a surrogate pair (an escape such as \\ud800 alone), a "
        f"character no text can hold; {remedy}"
    )
    return Problem(where, msg)


def read_json_lines(file: Path) -> pl.DataFrame:
    """A JSON Lines table: one object per line, the same keys on every line.

    Each line is parsed on its own, so a bad line is named with its number; values keep
    their JSON types (polars builds the columns).
    """
    text = read_text(file, "a JSON Lines table", "save the file as UTF-8")
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = parse_json(
                line, f"line {number}", "write one JSON object per line", max_depth=MAX_DEPTH
            )
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(row, dict):
            kind = type(row).__name__
            msg = f"is a JSON {kind}, not an object; write one JSON object per line"
            problems.append(Problem(f"line {number}", msg))
            continue
        rows.append(row)
    if problems:
        raise DataError(problems[:20], source=str(file))
    if not rows:
        return pl.DataFrame()
    try:
        return pl.DataFrame(rows, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError) as exc:
        detail = quoted_detail(exc)
        msg = (
            f"the lines do not make one table ({detail}); give every line the same keys, "
            "each with one kind of value (text, number, or a list of codes)"
        )
        raise DataError([Problem("", msg)], source=str(file)) from None


def json_records(raw: str) -> Iterator[tuple[int, object]]:
    """Each JSON value in ``raw`` with the line it starts on, or the error at that line.

    One value per line (JSON Lines), or values written over several lines; after an error
    reading resumes on the next line.
    """
    decoder = json.JSONDecoder()
    position, line = 0, 1
    while True:
        gap = _SPACE.match(raw, position)
        end = gap.end() if gap else position
        line += raw.count("\n", position, end)
        position = end
        if position >= len(raw):
            return
        try:
            value, after = decoder.raw_decode(raw, position)
        except (json.JSONDecodeError, RecursionError) as exc:
            # JSON nested too deeply for Python's parser is an error of the line too
            deep = json.JSONDecodeError("nested too deeply to read", raw, position)
            yield line, exc if isinstance(exc, json.JSONDecodeError) else deep
            newline = raw.find("\n", position)
            if newline < 0:
                return
            position = newline
            continue
        # a value must end its line (JSON Lines); another value may follow on the next line
        rest = _SPACE.match(raw, after)
        if rest is not None and rest.end() < len(raw) and "\n" not in raw[after : rest.end()]:
            yield line, json.JSONDecodeError("Extra data", raw, rest.end())
            newline = raw.find("\n", rest.end())
            if newline < 0:
                return
            line += raw.count("\n", position, newline)
            position = newline
            continue
        yield line, value
        line += raw.count("\n", position, after)
        position = after
