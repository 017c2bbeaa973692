"""Other libraries' messages, made fit to quote inside a statecode error."""

from __future__ import annotations


def quoted_detail(exc: BaseException | str, *, limit: int = 200, kind: bool = False) -> str:
    """A library's message on one line, cut after its first sentence or ``limit`` characters.

    Parameters
    ----------
    exc
        The exception (or its message) raised by polars, openpyxl, zipfile...
    limit
        The longest detail returned; a longer one is cut at a word and ends in ``...``.
    kind
        Put the exception's class name first (``ValueError: ...``).
    """
    text = str(exc)
    if kind and isinstance(exc, BaseException):
        text = f"{type(exc).__name__}: {text}"
    text = " ".join(text.split())
    end = text.find(". ")
    if 0 < end < limit:
        return text[:end]
    if len(text) <= limit:
        return text.removesuffix(".")
    return text[: limit - 3].rsplit(" ", 1)[0] + "..."
