"""Spans from other programs' offsets, checked once for every reader that builds them.

The readers of INCEpTION, UIMA XMI, brat, DNA and QualCoder files all turn a (start, end,
code) read from a file into a :class:`~statecode.Span`. The checks are the same for each:
the offsets are whole numbers inside the text, the span is not empty, UTF-16 offsets do not
split a surrogate pair, the text the file says it marked is the text there, the code is not
empty and is a code of the codebook, and no coder marks the same stretch with the same code
twice. :class:`SpanBuilder` does them and records every problem where the user can find it.
"""

from __future__ import annotations

from collections.abc import Callable

from statecode.codebook import Codebook
from statecode.exceptions import Problem
from statecode.io._annotations import is_whole, offset_converter, unknown_code
from statecode.model import Span
from statecode.options import OffsetUnit

__all__ = ["SpanBuilder", "unit_name"]


def unit_name(unit: OffsetUnit) -> str:
    """What offsets in ``unit`` count, for messages."""
    return "UTF-16 code units" if unit is OffsetUnit.UTF16 else "code points"


class SpanBuilder:
    """Collects spans of many documents and the problems found building them.

    Parameters
    ----------
    unit : OffsetUnit
        What the offsets passed to :meth:`add` count.
    codebook : Codebook, optional
        Check every code against ``codebook[variable]``.
    problems : list of Problem
        Where problems go.
    hint : str
        What the user can pass to read the offsets in the other unit (``"offsets="``);
        empty when the format fixes the unit.
    """

    def __init__(
        self,
        unit: OffsetUnit,
        *,
        codebook: Codebook | None,
        problems: list[Problem],
        hint: str = "",
    ) -> None:
        self.unit = unit
        self.codebook = codebook
        self.problems = problems
        self.hint = hint
        self.spans: list[Span] = []
        self._converters: dict[str, tuple[Callable[[int], int | None], int]] = {}
        self._seen: dict[tuple[str, str, int, int, str, str], str] = {}
        self._unknown: dict[tuple[str, str], str | None] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def _converter(self, document: str, text: str) -> tuple[Callable[[int], int | None], int]:
        found = self._converters.get(document)
        if found is None:
            found = self._converters[document] = offset_converter(text, self.unit)
        return found

    def offsets(
        self, where: str, document: str, text: str, start: int, end: int
    ) -> tuple[int, int] | None:
        """``start`` and ``end`` as code points into ``text``, or None (a problem is recorded)."""
        convert, length = self._converter(document, text)
        if start == end and 0 <= start <= length:
            self.problem(
                where,
                f"the annotation at {start}..{end} is empty (zero width); a span covers at "
                "least one character: delete it in the program or widen it",
            )
            return None
        if not 0 <= start < end <= length:
            self.problem(
                where,
                f"span {start}..{end} does not lie within the text ({length} "
                f"{unit_name(self.unit)}); start must be >= 0 and less than end",
            )
            return None
        lo, hi = convert(start), convert(end)
        if lo is None or hi is None:
            self.problem(
                where,
                f"span {start}..{end} cuts a character above U+FFFF (an emoji?) in half, so "
                f"these offsets cannot be {unit_name(self.unit)}",
            )
            return None
        return lo, hi

    def marked_text(
        self, where: str, text: str, raw: tuple[int, int], span: tuple[int, int], marked: str
    ) -> bool:
        """Whether the text the file says it marked is the text at ``span``."""
        there = text[span[0] : span[1]]
        if there == marked:
            return True
        other = OffsetUnit.CODE_POINTS if self.unit is OffsetUnit.UTF16 else OffsetUnit.UTF16
        hint = ""
        if self.hint:
            convert, _ = offset_converter(text, other)
            lo, hi = convert(raw[0]), convert(raw[1])
            if lo is not None and hi is not None and text[lo:hi] == marked:
                hint = f"; the offsets match as {unit_name(other)}: pass {self.hint}{other.value!r}"
        self.problem(
            where,
            f"span {raw[0]}..{raw[1]} of the text is {there!r}, but the file says it marks "
            f"{marked!r}{hint}",
        )
        return False

    def valid_code(self, where: str, variable: str, code: str) -> bool:
        """Whether ``code`` is not empty and a code of ``variable`` (if there is a codebook)."""
        if not code.strip():
            self.problem(where, f"the code {code!r} is empty; give the annotation a label")
            return False
        if self.codebook is None:
            return True
        key = (variable, code)
        if key not in self._unknown:
            self._unknown[key] = unknown_code(variable, code, self.codebook)
        message = self._unknown[key]
        if message is not None:
            self.problem(where, message)
        return message is None

    def add(
        self,
        where: str,
        *,
        document: str,
        text: str,
        coder: str,
        start: object,
        end: object,
        variable: str,
        code: str,
        marked: str | None = None,
    ) -> Span | None:
        """Check one span and keep it; None if it has a problem (recorded)."""
        if not (is_whole(start) and is_whole(end)):
            self.problem(where, f"expected whole-number offsets, got start={start!r}, end={end!r}")
            return None
        positions = self.offsets(where, document, text, start, end)
        if positions is None:
            return None
        if marked is not None and not self.marked_text(
            where, text, (start, end), positions, marked
        ):
            return None
        if not self.valid_code(where, variable, code):
            return None
        key6 = (document, coder, *positions, variable, code)
        first = self._seen.get(key6)
        if first is not None:
            self.problem(
                where,
                f"coder {coder!r} marks {text[positions[0] : positions[1]]!r} with "
                f"{code!r} again (first at {first}); delete the duplicate in the program",
            )
            return None
        self._seen[key6] = where
        span = Span(document, coder, *positions, variable, code)
        self.spans.append(span)
        return span
