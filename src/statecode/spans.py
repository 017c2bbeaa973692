"""Span codings onto statements: the rules that turn a coder's own units into common ones.

A span codes a stretch of a document (:class:`~statecode.Span`); a statement is a unit cut
from the same document (:class:`~statecode.Statement`). :func:`spans_to_codings` gives each
statement the codes of the spans that reach it under a :class:`~statecode.options.SpanRule`,
so agreement can be measured per statement.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError, Problem
from statecode.model import Coding, Corpus, Span, Statement
from statecode.options import SpanRule, parse_option
from statecode.table import CodingTable

__all__ = ["SpanRule", "check_spans", "spans_to_codings"]


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


def check_spans(
    spans: Sequence[Span], texts: Mapping[str, str], codebook: Codebook | None
) -> list[Problem]:
    """Every problem of spans against their texts (and a codebook): for messages."""
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
        raise OptionError(msg, option="threshold")
    spans = tuple(spans)
    problems = check_spans(spans, {d.id: d.text for d in corpus.documents}, codebook)
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
