"""What the readers of annotation tools share: offsets, annotator rosters, coding tables.

- Offsets counted by other programs: programs built on UTF-16 strings (Windows and .NET
  programs such as ATLAS.ti, MAXQDA and NVivo, Java, JavaScript tools such as Label Studio)
  count a character outside the Basic Multilingual Plane (above U+FFFF: most emoji, some CJK
  ideographs, historic scripts) as two code units, a surrogate pair; statecode, like Python,
  counts code points. Every reader of such offsets converts them here.
- Who annotated which document (rosters), for :func:`~statecode.unitizing_alpha`.
- Coding tables built and validated by :class:`~statecode.CodingTable`, with problems
  reported where the user can find them in the export.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeGuard

import polars as pl

from statecode.codebook import Codebook
from statecode.exceptions import DataError, Problem
from statecode.options import OffsetUnit
from statecode.table import LONG_SCHEMA, CodingTable

__all__ = [
    "CODER",
    "ROW",
    "UNIT",
    "Utf16Offsets",
    "build_table",
    "check_option_variable",
    "document_fields",
    "empty_table",
    "frozen_counts",
    "frozen_rosters",
    "id_text",
    "is_whole",
    "iso_date",
    "json_kind",
    "not_a_variable",
    "offset_converter",
    "rosters",
    "unique_labels",
    "unknown_code",
    "utf16_to_codepoints",
]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    r"""Converts UTF-16 code-unit offsets into one text to code-point offsets.

    Notes
    -----
    The code-point offset of UTF-16 offset :math:`u` is :math:`u - k`, where :math:`k` is
    the number of astral characters (two units each) that end at or before :math:`u`. An
    offset between the two units of a pair points into the middle of a character and has no
    code-point equivalent. Building the converter scans the text once; each conversion is a
    binary search over the text's astral characters.

    Examples
    --------
    >>> offsets = Utf16Offsets("I \u2764\ufe0f \U0001F680 now")
    >>> offsets.length  # 10 code points, the rocket counts 2
    11
    >>> offsets.to_code_points(8)  # "now" starts at UTF-16 offset 8, code point 7
    7
    >>> offsets.to_code_points(6) is None  # inside the rocket's surrogate pair
    True
    """

    def __init__(self, text: str) -> None:
        astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 offset at which the k-th astral character starts and ends
        self._starts = [i + k for k, i in enumerate(astral)]
        self._ends = [s + 2 for s in self._starts]
        #: Length of the text in UTF-16 code units.
        self.length = len(text) + len(astral)

    def to_code_points(self, offset: int) -> int | None:
        """The code-point offset, or None if ``offset`` is outside the text or inside a pair."""
        if not 0 <= offset <= self.length:
            return None
        before = bisect.bisect_right(self._ends, offset)
        if before < len(self._starts) and self._starts[before] < offset:
            return None
        return offset - before

    def message(self, offset: int) -> str:
        """Why ``offset`` cannot be converted, and what to do."""
        return (
            f"UTF-16 offset {offset} is not a character boundary of a text of {self.length} "
            "UTF-16 code units (it lies outside the text or splits a surrogate pair); check "
            "the offsets"
        )


def utf16_to_codepoints(text: str, offset: int) -> int:
    """Convert an offset counted in UTF-16 code units into a code-point offset.

    Programs built on UTF-16 strings (Windows and .NET programs, Java, JavaScript) count a
    character outside the Basic Multilingual Plane, such as most emoji, as two units;
    statecode, like Python, counts it as one. To convert many offsets into one text, build a
    :class:`Utf16Offsets` once.

    Parameters
    ----------
    text : str
        The text the offset points into.
    offset : int
        The offset in UTF-16 code units.

    Returns
    -------
    int
        The same position as an index into ``text``.

    Raises
    ------
    DataError
        If the offset lies outside the text or between the two halves of a surrogate pair.

    Examples
    --------
    >>> text = "Peace 🕊 now"
    >>> utf16_to_codepoints(text, 9)  # "now" starts at UTF-16 unit 9
    8
    >>> text[8:]
    'now'
    """
    offsets = Utf16Offsets(text)
    result = offsets.to_code_points(offset)
    if result is None:
        raise DataError(offsets.message(offset))
    return result


def offset_converter(text: str, unit: OffsetUnit) -> tuple[Callable[[int], int | None], int]:
    """An offset converter for ``text`` and the text's length in the given unit."""
    if unit is OffsetUnit.CODE_POINTS or text.isascii():
        return (lambda offset: offset), len(text)
    offsets = Utf16Offsets(text)
    return offsets.to_code_points, offsets.length


def frozen_counts(value: Mapping[str, int] | None) -> Mapping[str, int]:
    return MappingProxyType(dict(value or {}))


def frozen_rosters(value: Mapping[str, Sequence[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in value.items()})


def rosters(
    documents: Iterable[str], annotated: Iterable[tuple[str, str]]
) -> dict[str, tuple[str, ...]]:
    """Each document's coders, from (document, coder) pairs in the order they were read."""
    out: dict[str, list[str]] = {d: [] for d in documents}
    for document, coder in annotated:
        out[document].append(coder)
    return {d: tuple(cs) for d, cs in out.items()}


def empty_table(codebook: Codebook | None, source: str | None, separator: str) -> CodingTable:
    return CodingTable(
        pl.DataFrame(schema=LONG_SCHEMA), codebook=codebook, source=source, separator=separator
    )


# internal column names: a variable may be called anything a control tag may be called
#: Internal column names of the rows readers build: a variable may be called anything a
#: tool lets a label be called.
UNIT, CODER, ROW = "\x00unit", "\x00coder", "\x00row"
_WHERE = re.compile(r"row (\d+), column (.+)")


def build_table(
    rows: list[dict[str, Any]],
    variables: list[str],
    locations: Mapping[int, str],
    label: str,
    *,
    codebook: Codebook | None,
    source: str | None,
    separator: str,
    problems: list[Problem],
) -> CodingTable:
    """Build and validate a coding table from one row per unit and coder.

    ``rows`` hold the unit, coder and row number under the internal names and one text cell
    per variable; ``locations`` say where each row number is in the export, and ``label``
    how to name the variable there (``"from_name {}"``; empty: not at all). Problems found by
    :class:`CodingTable` are reported at those locations.
    """
    if not rows or not variables:
        return empty_table(codebook, source, separator)
    schema = {UNIT: pl.String, CODER: pl.String, ROW: pl.Int64} | dict.fromkeys(
        variables, pl.String
    )
    frame = pl.DataFrame(rows, schema=schema)
    try:
        return CodingTable.from_frame(
            frame,
            unit=UNIT,
            coder=CODER,
            variables=variables,
            codebook=codebook,
            separator=separator,
            source=source,
            row_column=ROW,
        )
    except DataError as exc:
        for problem in exc.problems:
            match = _WHERE.fullmatch(problem.where)
            if match is None:
                problems.append(problem)
                continue
            where = locations[int(match.group(1))]
            if label:
                where = f"{where}, {label.format(match.group(2))}"
            problems.append(Problem(where, problem.message))
        return empty_table(codebook, source, separator)


def unique_labels(items: Sequence[tuple[str, str]]) -> list[str]:
    """Names where they are unique; ``name (id)`` for shared names; the id for none."""
    counts = Counter(name for _, name in items)
    return [
        (name if counts[name] == 1 else f"{name} ({key})") if name.strip() else key
        for key, name in items
    ]


def unknown_code(variable: str, code: str, codebook: Codebook) -> str | None:
    """Why ``code`` is not a code of ``variable`` (None if it is one)."""
    var = codebook[variable]
    if not var.categories:
        return (
            f"{variable!r} takes numbers, so a span cannot be coded with it; use a "
            "categorical variable"
        )
    if code in var.codes:
        return None
    hint = difflib.get_close_matches(code, var.codes, n=1, cutoff=0.5)
    maybe = f"; did you mean {hint[0]!r}?" if hint else ""
    return f"unknown code {code!r} for {variable!r}{maybe}"


def not_a_variable(name: str, codebook: Codebook) -> str:
    hint = difflib.get_close_matches(name, codebook.names, n=1)
    maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"not a variable of codebook {codebook.name!r}{maybe}"


def check_option_variable(option: str, name: str | None, codebook: Codebook | None) -> None:
    """Refuse an option naming a variable the codebook lacks (``variable='x' is not ...``)."""
    if codebook is not None and name is not None and name not in codebook:
        msg = f"{option}={name!r} is {not_a_variable(name, codebook)}; pass {option}="
        raise DataError(msg)


def json_kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if value is None:
        return "null"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def id_text(value: object) -> str | None:
    """An id as text: a non-blank string or an integer; None otherwise."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def document_fields(
    data: Mapping[str, Any], text_field: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A task's data as Document fields (title, source, ... when they fit) and metadata."""
    fields: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for key, value in data.items():
        if key == text_field:
            continue
        if key in ("title", "source", "event", "language") and isinstance(value, str):
            fields[key] = value
        elif key == "date" and isinstance(value, str) and iso_date(value) is not None:
            fields[key] = iso_date(value)
        else:
            meta[key] = value
    return fields, meta


def iso_date(value: str) -> dt.date | None:
    """The date an ISO 8601 text names, or None."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
