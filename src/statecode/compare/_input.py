"""The input of a comparison, checked: one coding per statement, events, accounts, codes."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from statecode._values import check_value, sort_key
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, Problem
from statecode.model import Corpus, Document
from statecode.table import CodingTable

__all__ = [
    "DOCUMENT_ATTRIBUTES",
    "EMPTY_CODES",
    "Row",
    "accounts_of",
    "categories_of",
    "check_one_coding",
    "choose_variables",
    "coded_rows",
    "documents_of",
    "ignored_codes",
]

#: Codes that mean "the statement does not touch this variable" (the codebook's empty
#: categories). With the default ``ignore=None`` they are left out of divergence, similarity
#: and emphasis, together with every exclusive category of a multi-label variable.
EMPTY_CODES: tuple[str, ...] = ("none", "not_mentioned", "0")

#: Document attributes that can define the accounts (``by=``); any other name is a
#: metadata key.
DOCUMENT_ATTRIBUTES: tuple[str, ...] = ("source", "title", "language", "date", "id")

_SHOWN = 10  # unknown units and the like listed by name before "and N more"

_SHOWN = 10  # unknown units and the like listed by name before "and N more"


def check_one_coding(codings: CodingTable) -> None:
    several = (
        codings.data.group_by("unit", "variable", maintain_order=True)
        .agg(pl.col("coder"))
        .filter(pl.col("coder").list.len() > 1)
    )
    if not several.height:
        return
    unit, variable, coders = several.row(0)
    msg = (
        f"the codings hold several codings of one statement and variable ({several.height} "
        f"cases; e.g. unit {unit!r}, variable {variable!r}: coders {', '.join(coders)}); "
        "compare needs one coding per statement and variable: run consensus(table) first "
        "(statecode.consensus), or keep one coder's codings"
    )
    raise DataError(msg, source=codings.source)


def choose_variables(
    codings: CodingTable, book: Codebook | None, variables: Sequence[str] | None
) -> tuple[str, ...]:
    present = codings.variables
    if variables is not None:
        unknown = [v for v in variables if v not in present]
        if unknown:
            msg = (
                f"variables={list(variables)!r}: {', '.join(repr(v) for v in unknown)} not in "
                f"the codings (variables: {', '.join(present) or '(none)'})"
            )
            raise DataError(msg, source=codings.source)
        return tuple(dict.fromkeys(variables))
    if book is None:
        return present
    outside = [v for v in present if v not in book]
    if outside:
        msg = (
            f"variable(s) {', '.join(repr(v) for v in outside)} of the codings are not in "
            f"codebook {book.name!r}; pass the codebook of the codings, or choose variables="
        )
        raise DataError(msg, source=codings.source)
    return tuple(v for v in book.names if v in present)


def documents_of(corpus: Corpus, event: str | None) -> tuple[Document, ...]:
    known = tuple(dict.fromkeys(d.event for d in corpus.documents if d.event.strip()))
    if event is not None:
        if event not in known:
            hint = difflib.get_close_matches(event, known, n=1)
            maybe = f"; did you mean {hint[0]!r}?" if hint else ""
            msg = (
                f"event={event!r} is not an event of the corpus (events: "
                f"{', '.join(known) or '(none)'}){maybe}"
            )
            raise DataError(msg)
        return tuple(d for d in corpus.documents if d.event == event)
    no_event = [d.id for d in corpus.documents if not d.event.strip()]
    if no_event:
        problems = [
            Problem(
                f"document {d!r}",
                "has no event; fill in its event (column 'event' of the documents table), "
                "or compare one event with event=",
            )
            for d in no_event[:_SHOWN]
        ]
        raise DataError(problems)
    return corpus.documents


def accounts_of(docs: Sequence[Document], by: str) -> dict[str, str]:
    """The account of every document, by attribute or metadata key."""
    if by in DOCUMENT_ATTRIBUTES:
        values = {d.id: getattr(d, by) for d in docs}
    else:
        keys = sorted({k for d in docs for k in d.metadata})
        if by not in keys:
            msg = (
                f"by={by!r} is neither a document attribute ({', '.join(DOCUMENT_ATTRIBUTES)}) "
                f"nor a metadata key of the documents (keys: {', '.join(keys) or '(none)'})"
            )
            raise DataError(msg)
        values = {d.id: d.metadata.get(by) for d in docs}
    accounts = {k: "" if v is None else str(v).strip() for k, v in values.items()}
    blank = [k for k, v in accounts.items() if not v]
    if blank:
        problems = [
            Problem(
                f"document {d!r}",
                f"has no {by!r}, so its account is unknown; fill it in, or choose another "
                "attribute with by=",
            )
            for d in blank[:_SHOWN]
        ]
        raise DataError(problems)
    return accounts


@attrs.frozen
class Row:
    """One code of one coded statement."""

    event: str
    account: str
    document: str
    statement: str
    position: int
    text: str
    variable: str
    code: str


def coded_rows(
    corpus: Corpus,
    codings: CodingTable,
    variables: Sequence[str],
    book: Codebook | None,
    docs: Sequence[Document],
    accounts: Mapping[str, str],
) -> list[Row]:
    """The codes of every coded statement of the chosen documents, checked."""
    where = {s.id: (i, s.document_id, s.text) for i, s in enumerate(corpus.statements)}
    event_of = {d.id: d.event for d in docs}
    data = codings.data.filter(pl.col("variable").is_in(list(variables)))
    unknown = [u for u in data["unit"].unique(maintain_order=True).to_list() if u not in where]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:_SHOWN])
        more = f" and {len(unknown) - _SHOWN} more" if len(unknown) > _SHOWN else ""
        msg = (
            f"coded unit(s) {shown}{more} are not statements of the corpus; the unit column "
            "must hold statement ids (column 'statement_id' of the statements table)"
        )
        raise DataError(msg, source=codings.source)
    problems: list[Problem] = []
    checked: dict[tuple[str, str], tuple[tuple[str, ...], str | None]] = {}
    rows: list[Row] = []
    for unit, variable, value, file_row in data.select(
        "unit", "variable", "value", "row"
    ).iter_rows():
        position, document, text = where[unit]
        if document not in event_of:
            continue  # a statement of another event
        if (variable, value) not in checked:
            checked[variable, value] = _codes(book, variable, value, codings.separator)
        codes, message = checked[variable, value]
        if message is not None:
            at = f"row {file_row}" if file_row is not None else f"unit {unit!r}"
            problems.append(Problem(f"{at}, column {variable!r}", message))
            continue
        rows.extend(
            Row(event_of[document], accounts[document], document, unit, position, text, variable, c)
            for c in codes
        )
    if problems:
        raise DataError(problems[:50], source=codings.source)
    return rows


def _codes(
    book: Codebook | None, variable: str, value: str, separator: str
) -> tuple[tuple[str, ...], str | None]:
    """The codes of a value, or why it is not a valid value of its variable."""
    if book is None or variable not in book:
        return (value,), None
    var = book[variable]
    canonical, message = check_value(var, value, separator)
    if message is not None:
        return (), f"{message}; codes of {variable!r}: {', '.join(var.codes)}"
    if var.multi_label:
        return tuple(canonical.split(separator)), None
    return (canonical,), None


def categories_of(
    variables: Sequence[str], book: Codebook | None, rows: Sequence[Row]
) -> dict[str, tuple[str, ...]]:
    """Every category of each variable: the codebook's, or the values seen, sorted."""
    seen: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        seen[r.variable].add(r.code)
    out = {}
    for v in variables:
        var = book[v] if book is not None and v in book else None
        if var is not None and var.categories:
            out[v] = var.codes
        else:
            out[v] = tuple(sorted(seen[v], key=_numeric_first))
    return out


def _numeric_first(code: str) -> tuple[int, Any]:
    try:
        return sort_key(float(code))
    except ValueError:
        return sort_key(code)


def ignored_codes(
    variables: Sequence[str],
    book: Codebook | None,
    categories: Mapping[str, tuple[str, ...]],
    ignore: Iterable[str] | Mapping[str, Iterable[str]] | None,
) -> dict[str, frozenset[str]]:
    if ignore is None:
        out = {}
        for v in variables:
            var: Variable | None = book[v] if book is not None and v in book else None
            exclusive = {c.code for c in var.categories if c.exclusive} if var else set()
            out[v] = frozenset(exclusive | (set(EMPTY_CODES) & set(categories[v])))
        return out
    if isinstance(ignore, Mapping):
        problems = []
        for v, codes in ignore.items():
            if v not in variables:
                problems.append(
                    Problem(
                        f"ignore[{v!r}]",
                        f"not a compared variable (variables: {', '.join(variables)})",
                    )
                )
                continue
            bad = [c for c in codes if c not in categories[v]]
            if bad and book is not None:
                problems.append(
                    Problem(
                        f"ignore[{v!r}]",
                        f"{', '.join(repr(c) for c in bad)} not a code of {v!r} "
                        f"(codes: {', '.join(categories[v])})",
                    )
                )
        if problems:
            raise DataError(problems)
        return {v: frozenset(ignore.get(v, ())) for v in variables}
    codes = [ignore] if isinstance(ignore, str) else list(ignore)
    known = {c for v in variables for c in categories[v]}
    bad = [c for c in codes if c not in known]
    if bad and book is not None:
        msg = (
            f"ignore: {', '.join(repr(c) for c in bad)} is a code of none of the compared "
            "variables; check the spelling"
        )
        raise DataError(msg)
    return {v: frozenset(codes) & frozenset(categories[v]) for v in variables}
