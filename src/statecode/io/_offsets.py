r"""Offsets counted by other programs: UTF-16 code units to code points.

Programs built on UTF-16 strings (Windows and .NET programs such as ATLAS.ti, MAXQDA and
NVivo, Java, JavaScript tools such as Label Studio) count a character outside the Basic
Multilingual Plane (above U+FFFF: most emoji, some CJK ideographs, historic scripts) as two
code units, a surrogate pair; statecode, like Python, counts code points. Every reader of
such offsets converts them here.
"""

from __future__ import annotations

import bisect
import re

from statecode.exceptions import DataError

__all__ = ["Utf16Offsets", "utf16_to_codepoints"]

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
