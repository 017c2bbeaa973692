"""What a value is, in one place: its text, its order, and the codebook's verdict on it.

Coding tables, consensus, comparison and the result tables all show and sort values; they
do it through these functions, so a set of codes or the number ``2.0`` reads the same
everywhere.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from statecode.codebook import Variable

__all__ = [
    "EMPTY_SET",
    "MISSING_LOOKALIKES",
    "check_value",
    "finite",
    "looks_missing",
    "near_duplicates",
    "number_label",
    "sort_key",
    "value_text",
]

#: How a table cell writes the empty set of a multi-label variable: coded, with no code (an
#: empty cell is a missing value, which is not the same).
EMPTY_SET = "{}"

#: Cell texts that other programs write for a missing value (R, pandas, SQL, Excel, SPSS
#: exports). Exact matches: ``none`` in lower case is a common code, ``None`` is Python's.
MISSING_LOOKALIKES = frozenset(
    {
        *("NA", "na", "N/A", "n/a", "N.A.", "n.a.", "#N/A", "NaN", "nan", "NAN"),
        *("NULL", "null", "Null", "None", "NIL", "nil", "-", "--", "?", "."),
        *("missing", "MISSING", "Missing"),
    }
)


def looks_missing(text: str) -> bool:
    """Whether a cell's text is one that other programs write for a missing value.

    Examples
    --------
    >>> looks_missing("N/A"), looks_missing("None"), looks_missing("none"), looks_missing("  ")
    (True, True, False, True)
    """
    return text.strip() in MISSING_LOOKALIKES or (bool(text) and not text.strip())


def fold(text: str) -> str:
    """The form two values that differ only in case, white space or Unicode form share."""
    return unicodedata.normalize("NFC", text.strip()).casefold()


def near_duplicates(values: Iterable[str]) -> list[tuple[str, ...]]:
    """Groups of distinct values that differ only in case, white space or Unicode form.

    Examples
    --------
    >>> near_duplicates(["Oppose", "oppose", "support", " support"])
    [('Oppose', 'oppose'), ('support', ' support')]
    """
    groups: dict[str, list[str]] = {}
    for value in dict.fromkeys(values):
        groups.setdefault(fold(value), []).append(value)
    return [tuple(g) for g in groups.values() if len(g) > 1]


def value_text(value: Any, separator: str = ";") -> str:
    """A value as coding tables write it: sets of codes sorted and joined, ``2.0`` as ``2``.

    The empty set is :data:`EMPTY_SET`.
    """
    if isinstance(value, frozenset):
        return separator.join(sorted(value)) if value else EMPTY_SET
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def finite(value: float) -> float | None:
    """A figure for JSON and tables: NaN (undefined) as None."""
    return None if math.isnan(value) else float(value)


def sort_key(value: Any) -> tuple[int, Any]:
    """Sort numbers first (numerically), then text, then sets of codes (by their codes)."""
    if isinstance(value, frozenset):
        return (2, tuple(sorted(map(str, value))))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def number_label(value: float) -> int | float:
    """A float as the number it is: ``2.0`` as ``2``, ``2.5`` as ``2.5``."""
    return int(value) if float(value).is_integer() else float(value)


def check_value(  # noqa: PLR0911 (one return per rule a value can break)
    var: Variable, text: str, separator: str
) -> tuple[str, str | None]:
    """Check a cell against its codebook variable: its canonical text and a message or None.

    Multi-label cells come back with their codes in codebook order; :data:`EMPTY_SET` is the
    empty set of a multi-label variable.
    """
    if not var.categories:
        try:
            number = float(text)
        except ValueError:
            return (
                text,
                f"{text!r} is not a number; {var.name!r} takes numbers{_missing_hint(text)}",
            )
        if not math.isfinite(number):
            return text, f"{text!r} is not a finite number"
        if var.minimum is not None and number < var.minimum:
            return text, f"{text} is below the minimum {var.minimum:g} of {var.name!r}"
        if var.maximum is not None and number > var.maximum:
            return text, f"{text} is above the maximum {var.maximum:g} of {var.name!r}"
        return text, None
    if var.multi_label and text == EMPTY_SET:
        return text, None
    parts = text.split(separator) if var.multi_label else [text]
    if not var.multi_label and separator in text:
        return text, (
            f"{text!r} holds several codes, but {var.name!r} takes one code per unit; keep one"
        )
    codes = var.codes
    for part in parts:
        if part not in codes:
            return text, f"unknown code {part!r} for {var.name!r}{_code_hint(part, codes)}"
    if var.multi_label:
        if len(set(parts)) != len(parts):
            return text, f"{text!r} repeats a code; list each code once"
        exclusive = [p for p in parts if var.category(p).exclusive]
        if exclusive and len(parts) > 1:
            return text, (
                f"code {exclusive[0]!r} of {var.name!r} cannot be combined with other codes"
            )
        order = {c: i for i, c in enumerate(codes)}
        return separator.join(sorted(parts, key=order.__getitem__)), None
    return text, None


def _code_hint(part: str, codes: Sequence[str]) -> str:
    """What an unknown code may be: a code written in another form, a close code, missing."""
    same = [c for c in codes if fold(c) == fold(part)]
    if same:
        return (
            f"; it differs from {same[0]!r} only in white space, letter case or Unicode form: "
            "fix the cell, or read with normalize='strip' (or normalize='nfc' or "
            "normalize='casefold') to make such values one"
        )
    hint = difflib.get_close_matches(part, codes, n=1, cutoff=0.5)
    maybe = f"; did you mean {hint[0]!r}?" if hint else ""
    return maybe + _missing_hint(part)


def _missing_hint(text: str) -> str:
    if not looks_missing(text):
        return ""
    if not text.strip():
        return (
            "; a cell of only white space: leave it empty for a missing value (or read with "
            "normalize='strip', which makes it missing)"
        )
    return (
        f"; if {text!r} means a missing value, add it to the missing markers "
        f"(missing=[..., {text!r}])"
    )
