"""Cutting a document into statements: paragraphs and sentences, with exact character spans.

Researchers who have no statements of their own can let :func:`segment` cut each document
into paragraphs or sentences. Every statement is a code-point span of the document, so
``statement.text == document.text[statement.start:statement.end]`` always holds and a
:class:`~statecode.Corpus` accepts the statements as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from statecode.exceptions import OptionError
from statecode.model import Document, Statement
from statecode.options import SegmentUnit, parse_option

__all__ = ["SegmentUnit", "segment"]


# line breaks as str.splitlines() knows them; \r\n counts as one
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_PARAGRAPH_SEPARATOR = "\u2029"

_TERMINALS = frozenset(".!?\u2026")  # . ! ? and the ellipsis character
# closing quotes and brackets that may follow the terminal punctuation of a sentence
# (U+201C and U+2018 close quotations in German: „Nein.“)
_CLOSERS = frozenset("\"')]}\u2019\u201d\u00bb\u203a\u201c\u2018")
# French guillemets close after a space: « Non. »
_SPACED_CLOSERS = frozenset("\u00bb\u203a")
# opening quotes and brackets that may begin a sentence
_OPENERS = frozenset("\"'([{\u2018\u201c\u201e\u201a\u00ab\u2039\u00bf\u00a1")

#: Titles before a name: a full stop after them never ends a sentence.
TITLES = frozenset({
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Col", "Lt", "Sgt",
    "Capt", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Amb", "Fr", "Maj",
    "Brig", "Supt", "Insp",
})  # fmt: skip
#: Abbreviations that never end a sentence (compared in lower case).
ABBREVIATIONS = frozenset({
    "etc", "vs", "cf", "al", "approx", "ca", "viz", "esp", "incl", "excl", "resp",
})  # fmt: skip
#: Abbreviations that do not end a sentence when a number follows (``No. 5``, ``Jan. 20``).
NUMBER_ABBREVIATIONS = frozenset({
    "No", "no", "Nos", "nos", "Nr", "nr", "Art", "art", "Vol", "vol", "Fig", "fig", "p", "pp",
    "Sec", "sec", "Ch", "ch", "Para", "para",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
})  # fmt: skip
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # U.S, e.g, i.e, a.m (the last . is ours)


def segment(
    document: Document,
    unit: SegmentUnit | str = SegmentUnit.SENTENCE,
    *,
    id_format: str = "{document}-{index:03d}",
) -> tuple[Statement, ...]:
    r"""Cut a document into paragraphs or sentences.

    Parameters
    ----------
    document : Document
        The document to cut.
    unit : {'sentence', 'paragraph'}
        What to cut it into.
    id_format : str
        Format of the statement ids, with the fields ``document`` (the document id) and
        ``index`` (1 for the first statement of the document, then 2, 3, ...).

    Returns
    -------
    tuple of Statement
        The statements in text order. Their spans are code-point offsets into
        ``document.text``, never overlap, and leave out the whitespace around each
        statement; every other character lies in exactly one statement.

    Raises
    ------
    ValueError
        If ``unit`` is not a valid choice, or ``id_format`` uses other fields than
        ``document`` and ``index`` or does not give each statement its own id.

    Notes
    -----
    **Paragraphs** are separated by blank lines: a line break (``\n``, ``\r\n``, ``\r`` or
    another break that :meth:`str.splitlines` knows), then one or more lines holding nothing
    but whitespace. The paragraph separator U+2029 also ends a paragraph. A single line break
    does not: hard-wrapped text stays one paragraph. CRLF text needs no conversion, since
    ``\r\n`` counts as one line break.

    **Sentences** never cross a paragraph break. Within a paragraph, a sentence ends after

    1. terminal punctuation: a run of ``.``, ``!``, ``?`` and ``…`` (so ``?!`` and ``...``
       count once),
    2. then any closing quotes and brackets: ``" ' ) ] }`` and the typographic closing
       quotes U+2019, U+201D, U+201C, U+2018 (German), U+00BB and U+203A (also after a
       space, as French sets them),
    3. then, optionally, emoji or other symbols separated by whitespace
       (``Great news! 🎉`` keeps its emoji),
    4. when whitespace follows and the next sentence starts with a letter that is not
       lower case (upper case, title case, or a letter of a script without case), a digit,
       or an opening quote or bracket: ``" ' ( [ {``, the typographic opening quotes
       U+2018, U+201C, U+201E, U+201A, U+00AB, U+2039, and ``¿`` or ``¡``.

    A single full stop does not end a sentence after

    - a title before a name (:data:`TITLES`: ``Mr.``, ``Mrs.``, ``Dr.``, ``Prof.`` ...),
    - an abbreviation in :data:`ABBREVIATIONS` (``etc.``, ``vs.``, ``cf.``, ``et al.`` ...),
    - an initialism of single letters with full stops (``U.S.``, ``U.K.``, ``e.g.``,
      ``i.e.``, ``a.m.``) or a single upper-case initial (``John F. Kennedy``),
    - an abbreviation in :data:`NUMBER_ABBREVIATIONS` when a digit follows (``No. 5``,
      ``Art. 51``, ``Jan. 20``).

    A decimal point (``3.5``) never ends a sentence, since no whitespace follows it.

    Limits: the rules are written for scripts with spaces between sentences (Latin, Greek,
    Cyrillic, and caseless scripts such as Arabic); they do not split Chinese or Japanese
    text at ``。``. A sentence that really ends with an abbreviation or initialism
    (``... in the U.S. Then ...``, ``... and so on, etc. The ...``, ``... plan B. We ...``)
    is joined to the next one, and a sentence starting with a lower-case letter
    (``... a fine phone. iPhones ...``) is not split off. A quotation holding several
    sentences is cut where its sentences end. For text full of abbreviations, a trained
    splitter such as Punkt (Kiss and Strunk 2006) may do better: cut the statements with it
    and read them with :func:`~statecode.read_corpus`.

    References
    ----------
    Kiss, T., and Strunk, J. (2006). Unsupervised multilingual sentence boundary detection.
    *Computational Linguistics*, 32(4), 485-525. https://doi.org/10.1162/coli.2006.32.4.485

    Examples
    --------
    >>> text = 'Mr. Smith came at 3.5 p.m. today. He said: "No." Then he left.'
    >>> doc = Document(id="d1", text=text)
    >>> [s.text for s in segment(doc)]
    ['Mr. Smith came at 3.5 p.m. today.', 'He said: "No."', 'Then he left.']
    >>> [s.id for s in segment(doc)]
    ['d1-001', 'd1-002', 'd1-003']
    >>> doc = Document(id="d2", text="First paragraph.\r\n\r\nSecond one,\r\nstill second.")
    >>> [(s.start, s.end, s.text) for s in segment(doc, "paragraph")]
    [(0, 16, 'First paragraph.'), (20, 46, 'Second one,\r\nstill second.')]
    """
    chosen = parse_option(SegmentUnit, unit, "unit")
    _check_id_format(id_format)
    text = document.text
    spans: list[tuple[int, int]] = []
    for start, end in _paragraphs(text):
        if chosen is SegmentUnit.PARAGRAPH:
            spans.append((start, end))
        else:
            spans.extend(_sentences(text, start, end))
    return tuple(
        Statement(
            id=id_format.format(document=document.id, index=i),
            document_id=document.id,
            start=start,
            end=end,
            text=text[start:end],
        )
        for i, (start, end) in enumerate(spans, start=1)
    )


def _check_id_format(id_format: str) -> None:
    try:
        first = id_format.format(document="d", index=1)
        second = id_format.format(document="d", index=2)
    except (KeyError, IndexError, ValueError) as exc:
        msg = (
            f"id_format={id_format!r} is not valid ({type(exc).__name__}: {exc}); use the "
            "fields {document} and {index}, e.g. '{document}-{index:03d}'"
        )
        raise OptionError(msg, option="id_format") from None
    if first == second:
        msg = (
            f"id_format={id_format!r} gives every statement the same id; include {{index}}, "
            "e.g. '{document}-{index:03d}'"
        )
        raise OptionError(msg, option="id_format")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Each line's start, its end (before the break), and the break itself ('' at the end)."""
    position = 0
    for match in _LINE_BREAK.finditer(text):
        yield position, match.start(), match.group()
        position = match.end()
    yield position, len(text), ""


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start: int | None = None  # start of the current paragraph's first non-blank line
    last_end = 0  # end of its last non-blank line
    for line_start, line_end, line_break in _lines(text):
        if text[line_start:line_end].isspace() or line_start == line_end:
            if start is not None:
                yield _trim(text, start, last_end)
                start = None
        else:
            if start is None:
                start = line_start
            last_end = line_end
        if line_break == _PARAGRAPH_SEPARATOR and start is not None:
            yield _trim(text, start, last_end)
            start = None
    if start is not None:
        yield _trim(text, start, last_end)


def _is_symbol(char: str) -> bool:
    # emoji and their modifiers, variation selectors and joiners
    return unicodedata.category(char) in ("So", "Sk", "Mn", "Me", "Cf")


def _starts_sentence(char: str) -> bool:
    if char in _OPENERS or char.isdigit():
        return True
    return char.isalpha() and not char.islower()


def _is_abbreviation(text: str, lo: int, dot: int, next_char: str) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation (not a sentence)."""
    word_start = dot
    while word_start > lo and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("".join(_OPENERS))
    if not word:
        return False
    if word in TITLES or word.lower() in ABBREVIATIONS:
        return True
    if _INITIALISM.fullmatch(word):
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True
    return word in NUMBER_ABBREVIATIONS and next_char.isdigit()


def _after_closers(text: str, j: int, hi: int) -> int:
    """The position after the closing quotes and brackets that start at ``j``."""
    while j < hi:
        if text[j] in _CLOSERS:
            j += 1
            continue
        k = j
        while k < hi and text[k].isspace():
            k += 1
        if j < k < hi and text[k] in _SPACED_CLOSERS:
            j = k + 1
            continue
        return j
    return j


def _after_symbols(text: str, end: int, hi: int) -> int:
    """The position after emoji and symbols set off by whitespace from ``end``."""
    while True:
        m = end
        while m < hi and text[m].isspace():
            m += 1
        if m == end or m >= hi or not _is_symbol(text[m]):
            return end
        while m < hi and _is_symbol(text[m]):
            m += 1
        end = m


def _sentences(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    start = i = lo
    while i < hi:
        if text[i] not in _TERMINALS:
            i += 1
            continue
        j = i
        while j < hi and text[j] in _TERMINALS:
            j += 1
        run = text[i:j]
        j = _after_closers(text, j, hi)
        end = _after_symbols(text, j, hi)  # the sentence would end here
        nxt = end
        while nxt < hi and text[nxt].isspace():
            nxt += 1
        splits = (
            end < nxt < hi
            and _starts_sentence(text[nxt])
            and not (run == "." and _is_abbreviation(text, lo, i, text[nxt]))
        )
        if splits:
            yield _trim(text, start, end)
            start = i = nxt
        else:
            i = j
    trimmed = _trim(text, start, hi)
    if trimmed[0] < trimmed[1]:
        yield trimmed
