"""Comparison of accounts of one event: what each account raises, leaves out, and stresses.

Two or more governments publish their own accounts (readouts) of one event, such as a phone
call between their leaders. Once the statements of every account are coded (one coding per
statement, e.g. a :func:`~statecode.consensus`), :func:`compare_accounts` tabulates per event
which categories each account raises and in how many statements, where the accounts diverge,
how similar each pair is, which categories an account stresses beyond the others (with
Fisher's exact test), and the statements behind every figure. :func:`plot_accounts` draws the
category x account dot matrix of one event.
"""

from __future__ import annotations

import difflib
import enum
import itertools
import textwrap
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.stats import fisher_exact

from statecode._plots import require_matplotlib
from statecode._typing import PathLike, parse_option
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, DegenerateDataWarning, InputFileError, Problem
from statecode.model import Corpus, Document
from statecode.table import CodingTable, _check_value, _sort_key

__all__ = [
    "DOCUMENT_ATTRIBUTES",
    "EMPTY_CODES",
    "Adjustment",
    "Comparison",
    "compare_accounts",
    "plot_accounts",
]

#: Codes that mean "the statement does not touch this variable" (the codebook's empty
#: categories). With the default ``ignore=None`` they are left out of divergence, similarity
#: and emphasis, together with every exclusive category of a multi-label variable.
EMPTY_CODES: tuple[str, ...] = ("none", "not_mentioned", "0")

#: Document attributes that can define the accounts (``by=``); any other name is a
#: metadata key.
DOCUMENT_ATTRIBUTES: tuple[str, ...] = ("source", "title", "language", "date", "id")

_SHOWN = 10  # unknown units and the like listed by name before "and N more"


class Adjustment(enum.StrEnum):
    """Adjustment of the emphasis p-values for multiple comparisons."""

    NONE = "none"
    HOLM = "holm"


def _frozen(value: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=False)
class Comparison:
    """The comparison of the accounts of one or more events.

    Every table is a polars DataFrame in a fixed order: events in corpus order, variables in
    codebook order, categories in codebook order (ordinal variables: from lowest), accounts
    in order of their first document in the corpus.

    Attributes
    ----------
    presence : polars.DataFrame
        Per event, variable, category and account: ``count`` (statements with the code),
        ``statements`` (the account's statements coded on the variable), ``share``
        (``count / statements``; null without statements) and ``empty`` (an empty category,
        see ``ignored``). Every category of the variable is listed, also those no account
        raised (count 0).
    divergence : polars.DataFrame
        Per event, variable and non-empty category: ``raised_by`` and ``not_raised_by``
        (lists of accounts), ``accounts`` (how many raised it) and ``status``: ``"all"``,
        ``"one"`` (a single account, of several), ``"some"`` or ``"none"``.
    similarity : polars.DataFrame
        Per event and pair of accounts (``account_a`` before ``account_b``): ``raised_a``,
        ``raised_b`` (how many non-empty (variable, category) pairs each raised),
        ``shared``, ``jaccard`` (null when neither raised anything), and ``only_a``,
        ``only_b``: the pairs, as ``"variable:category"``, one raised and the other did not.
    emphasis : polars.DataFrame
        Per event, variable, non-empty category raised by at least one account of the
        event, and account: ``count``, ``statements``, ``share`` of the account;
        ``others_count``, ``others_statements``, ``others_share`` of the other accounts
        pooled; ``difference`` (``share - others_share``); ``p_value`` of Fisher's exact
        test (two-sided; null when either side has no statements); ``p_adjusted`` (Holm's
        adjustment within the event, or null when ``adjust='none'``).
    statements : polars.DataFrame
        One row per statement and code: ``event``, ``account``, ``document``, ``variable``,
        ``category``, ``statement`` (id), ``text`` and ``empty``, so every count can be
        quoted.
    events : tuple of str
        The events compared.
    accounts : mapping of str to tuple of str
        The accounts of each event, in order.
    variables : tuple of str
        The variables compared.
    ignored : mapping of str to tuple of str
        The empty categories of each variable.
    by : str
        The document attribute or metadata key that defines the accounts.
    adjust : str
        ``"none"`` or ``"holm"``.
    codebook : Codebook or None
        The codebook the categories come from.
    """

    presence: pl.DataFrame
    divergence: pl.DataFrame
    similarity: pl.DataFrame
    emphasis: pl.DataFrame
    statements: pl.DataFrame
    events: tuple[str, ...]
    accounts: Mapping[str, tuple[str, ...]] = attrs.field(converter=_frozen)
    variables: tuple[str, ...]
    ignored: Mapping[str, tuple[str, ...]] = attrs.field(converter=_frozen)
    by: str = "source"
    adjust: str = Adjustment.NONE.value
    codebook: Codebook | None = attrs.field(default=None, repr=False)


# --------------------------------------------------------------------------------------------
# the public function


def compare_accounts(
    corpus: Corpus,
    codings: CodingTable,
    *,
    event: str | None = None,
    by: str = "source",
    codebook: Codebook | None = None,
    variables: Sequence[str] | None = None,
    ignore: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
    adjust: Adjustment | str = Adjustment.NONE,
) -> Comparison:
    r"""Compare what the accounts of each event raise, leave out and stress.

    Parameters
    ----------
    corpus : Corpus
        The documents (each with its ``event`` and its account, e.g. ``source``) and the
        statements cut from them.
    codings : CodingTable
        One coding per statement and variable (``unit`` = statement id), e.g. the
        ``codings`` of :func:`~statecode.consensus`.
    event : str, optional
        Compare this event only. By default every event in the corpus, each on its own.
    by : str
        What defines an account: a document attribute (``source``, the default; ``title``,
        ``language``, ``date``, ``id``) or a key of the documents' metadata.
    codebook : Codebook, optional
        The codebook of the codings (default: the table's own). It gives the categories,
        their order, which variables are multi-label, and the exclusive categories.
    variables : sequence of str, optional
        The variables to compare (default: every variable of the codings).
    ignore : codes, or a mapping of variable to codes, optional
        The empty categories, left out of ``divergence``, ``similarity`` and ``emphasis``
        (they stay in ``presence`` and ``statements``, marked ``empty``). By default, every
        exclusive category of a multi-label variable and every code in :data:`EMPTY_CODES`
        (``none``, ``not_mentioned``, ``0``) that a variable has. A sequence of codes applies
        to every variable that has them; a mapping names them per variable (variables not
        in it ignore nothing); ``()`` ignores nothing.
    adjust : {'none', 'holm'}
        Adjust the emphasis p-values for multiple comparisons with Holm's step-down method,
        within each event (see Notes). By default they are not adjusted.

    Returns
    -------
    Comparison
        The tables ``presence``, ``divergence``, ``similarity``, ``emphasis`` and
        ``statements`` (see :class:`Comparison`).

    Raises
    ------
    DataError
        If the codings hold more than one coding for a statement and variable (run
        :func:`~statecode.consensus` first), a coded unit is not a statement of the corpus,
        a value is not a code of its variable, ``event`` is not an event of the corpus, a
        document has no event or no account, ``by`` is neither a document attribute nor a
        metadata key, or ``ignore`` or ``variables`` name unknown variables or codes.
    ValueError
        If ``adjust`` is not one of the choices.
    TypeError
        If ``codings`` is not a :class:`~statecode.CodingTable` (pass a consensus result's
        ``codings``).

    Warns
    -----
    DegenerateDataWarning
        When an event has a single account (nothing to compare), or two accounts that
        raise nothing (their Jaccard similarity is undefined).

    Notes
    -----
    **Statements and shares.** The statements of an account are the statements of its
    documents in the event. For each variable, an account's ``statements`` are those with a
    value for it; a statement left uncoded (missing) counts neither way. The share of
    category :math:`c` in account :math:`a` is :math:`x_{ac} / n_a`, where :math:`x_{ac}`
    is the number of statements coded :math:`c`. In a multi-label variable a statement
    counts once for each of its codes, so shares of one variable can add up to more than 1.

    **Raised** means in at least one statement. The divergence status of a category is
    ``all`` when every account of the event raised it, ``none`` when none did, ``one`` when
    exactly one of several did, and ``some`` otherwise (with a single account, a raised
    category is ``all``).

    **Similarity** of accounts :math:`a` and :math:`b` is the Jaccard index (Jaccard 1912)
    of the sets :math:`R_a, R_b` of non-empty (variable, category) pairs each raised:

    .. math:: J(a, b) = \frac{|R_a \cap R_b|}{|R_a \cup R_b|}

    It is 1 when both raise the same pairs and 0 when they share none; it is undefined
    (null) when neither raises anything. Empty categories are left out because every
    account has statements that touch a given variable not at all: counting ``none`` as
    raised would make every pair look alike.

    **Emphasis.** For account :math:`a` and category :math:`c`, the statements of the event
    coded on the variable form the 2 x 2 table

    ============  ====================  =========================
    \             with :math:`c`        without :math:`c`
    ============  ====================  =========================
    account a     :math:`x`             :math:`n_a - x`
    the others    :math:`y`             :math:`n_o - y`
    ============  ====================  =========================

    ``difference`` is :math:`x / n_a - y / n_o`. ``p_value`` is Fisher's exact test of
    this table (Fisher 1922, 1935), two-sided, as :func:`scipy.stats.fisher_exact`
    computes it: given the margins, :math:`x` is hypergeometric,

    .. math:: P(X = k) = \binom{x + y}{k} \binom{N - x - y}{n_a - k} \Big/ \binom{N}{n_a},
              \qquad N = n_a + n_o,

    and the p-value sums :math:`P(X = k)` over every :math:`k` no more probable than the
    observed :math:`x`. The test is exact, so it suits the small counts of a few readouts.
    It treats statements as independent units drawn under one hypothesis (the code is as
    likely in any statement of the event), which statements of one document written by one
    press office are not; read the p-values as a measure of how surprising a difference is
    for its counts, not as a sample estimate of a government's position.

    **Multiple comparisons.** An event with several variables, categories and accounts
    yields many tests, and some small p-values are expected by chance. The p-values are
    not corrected unless ``adjust='holm'``: then, within each event, the :math:`m`
    distinct tests (rows with a p-value; when two rows are the same 2 x 2 table, as the
    two accounts of a two-account event are, they count once) are sorted,
    :math:`p_{(1)} \le \dots \le p_{(m)}`, and

    .. math:: \tilde p_{(i)} = \max_{j \le i} \min\bigl(1, (m - j + 1)\, p_{(j)}\bigr).

    Rejecting where :math:`\tilde p \le \alpha` controls the family-wise error rate at
    :math:`\alpha` under any dependence between the tests (Holm 1979). Adjust over all
    events yourself (on ``p_value``) if the family is the whole corpus.

    References
    ----------
    Fisher, R. A. (1922). On the interpretation of chi-square from contingency tables, and
    the calculation of P. *Journal of the Royal Statistical Society*, 85(1), 87-94.
    https://doi.org/10.2307/2340521

    Fisher, R. A. (1935). The logic of inductive inference. *Journal of the Royal
    Statistical Society*, 98(1), 39-82. https://doi.org/10.2307/2342435

    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics*, 6(2), 65-70. JSTOR 4615733,
    https://www.jstor.org/stable/4615733 (the article has no registered DOI).

    Jaccard, P. (1912). The distribution of the flora in the alpine zone. *New
    Phytologist*, 11(2), 37-50. https://doi.org/10.1111/j.1469-8137.1912.tb05611.x

    Examples
    --------
    >>> import polars as pl
    >>> from statecode import CodingTable, Corpus, Document
    >>> kr = Document(id="kr", text="Stop arms. Talks.", source="Kremlin", event="call")
    >>> wh = Document(id="wh", text="Talks.", source="White House", event="call")
    >>> corpus = Corpus(
    ...     documents=(kr, wh),
    ...     statements=(kr.statement("k1", 0, 10), kr.statement("k2", 11, 17),
    ...                 wh.statement("w1", 0, 6)),
    ... )
    >>> codings = CodingTable.from_frame(pl.DataFrame(
    ...     {"unit": ["k1", "k2", "w1"], "coder": "c", "topic": ["arms", "talks", "talks"]}))
    >>> result = compare_accounts(corpus, codings)
    >>> result.presence.select("category", "account", "count", "share").rows()
    [('arms', 'Kremlin', 1, 0.5), ('arms', 'White House', 0, 0.0), ('talks', 'Kremlin', 1, 0.5), ('talks', 'White House', 1, 1.0)]
    >>> result.similarity.select("account_a", "account_b", "jaccard", "only_a").row(0)
    ('Kremlin', 'White House', 0.5, ['topic:arms'])
    """  # noqa: E501 (doctest output lines)
    given: object = codings  # callers without type checking pass other results too
    if not isinstance(given, CodingTable):
        msg = (
            f"codings must be a CodingTable with one coding per statement and variable, got "
            f"{type(given).__name__}; pass e.g. consensus(table).codings"
        )
        raise TypeError(msg)
    method = parse_option(Adjustment, adjust, "adjust")
    book = codebook if codebook is not None else codings.codebook
    _check_one_coding(codings)
    chosen = _choose_variables(codings, book, variables)
    docs = _documents(corpus, event)
    accounts = _accounts(docs, by)
    events = tuple(dict.fromkeys(d.event for d in docs))
    rows = _coded_rows(corpus, codings, chosen, book, docs, accounts)
    categories = _categories(chosen, book, rows)
    ignored = _ignored(chosen, book, categories, ignore)
    account_order = {
        e: tuple(dict.fromkeys(accounts[d.id] for d in docs if d.event == e)) for e in events
    }
    for e, names in account_order.items():
        if len(names) < 2:
            warnings.warn(
                f"event {e!r} has a single account ({names[0]!r}), so there is nothing to "
                f"compare; check the documents' {by!r}, or compare another attribute with by=",
                DegenerateDataWarning,
                stacklevel=2,
            )
    tally = _Tally(rows)
    grid = _Grid(events, account_order, chosen, categories, ignored, tally)
    return Comparison(
        presence=grid.presence(),
        divergence=grid.divergence(),
        similarity=grid.similarity(),
        emphasis=grid.emphasis(method),
        statements=grid.statements(),
        events=events,
        accounts=account_order,
        variables=chosen,
        ignored={v: tuple(c for c in categories[v] if c in ignored[v]) for v in chosen},
        by=by,
        adjust=method.value,
        codebook=book,
    )


# --------------------------------------------------------------------------------------------
# checking and preparing the input


def _check_one_coding(codings: CodingTable) -> None:
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


def _choose_variables(
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


def _documents(corpus: Corpus, event: str | None) -> tuple[Document, ...]:
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


def _accounts(docs: Sequence[Document], by: str) -> dict[str, str]:
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
class _Row:
    """One code of one coded statement."""

    event: str
    account: str
    document: str
    statement: str
    position: int
    text: str
    variable: str
    code: str


def _coded_rows(
    corpus: Corpus,
    codings: CodingTable,
    variables: Sequence[str],
    book: Codebook | None,
    docs: Sequence[Document],
    accounts: Mapping[str, str],
) -> list[_Row]:
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
    rows: list[_Row] = []
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
            _Row(
                event_of[document], accounts[document], document, unit, position, text, variable, c
            )
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
    canonical, message = _check_value(var, value, separator)
    if message is not None:
        return (), f"{message}; codes of {variable!r}: {', '.join(var.codes)}"
    if var.multi_label:
        return tuple(canonical.split(separator)), None
    return (canonical,), None


def _categories(
    variables: Sequence[str], book: Codebook | None, rows: Sequence[_Row]
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
        return _sort_key(float(code))
    except ValueError:
        return _sort_key(code)


def _ignored(
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


# --------------------------------------------------------------------------------------------
# counting


class _Tally:
    """Statements per account and variable, and per account, variable and code."""

    def __init__(self, rows: Iterable[_Row]) -> None:
        statements: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        cells: dict[tuple[str, str, str, str], dict[str, _Row]] = defaultdict(dict)
        for r in rows:
            statements[r.event, r.variable, r.account].add(r.statement)
            cells[r.event, r.variable, r.code, r.account].setdefault(r.statement, r)
        self._n = {k: len(v) for k, v in statements.items()}
        self._cells = {k: sorted(v.values(), key=lambda r: r.position) for k, v in cells.items()}

    def n(self, event: str, variable: str, account: str) -> int:
        """The account's statements coded on the variable."""
        return self._n.get((event, variable, account), 0)

    def count(self, event: str, variable: str, code: str, account: str) -> int:
        """The account's statements with the code."""
        return len(self._cells.get((event, variable, code, account), ()))

    def rows(self, event: str, variable: str, code: str, account: str) -> Sequence[_Row]:
        """The account's statements with the code, in corpus order."""
        return self._cells.get((event, variable, code, account), ())


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


# leading columns of the comparison tables: a cell (event, variable, category), and a cell of
# one account with its count of statements, of all statements, and their share
_CELL = {"event": pl.String, "variable": pl.String, "category": pl.String}
_ACCOUNT_CELL = {
    **_CELL,
    "account": pl.String,
    "count": pl.Int64,
    "statements": pl.Int64,
    "share": pl.Float64,
}


@attrs.frozen
class _Grid:
    """Builds the tables from the tally, in the fixed order of events, variables, codes."""

    events: tuple[str, ...]
    accounts: Mapping[str, tuple[str, ...]]
    variables: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    ignored: Mapping[str, frozenset[str]]
    tally: _Tally

    def cells(self, *, substantive: bool) -> Iterable[tuple[str, str, str]]:
        for e in self.events:
            for v in self.variables:
                for c in self.categories[v]:
                    if not (substantive and c in self.ignored[v]):
                        yield e, v, c

    def raised(self, e: str, v: str, c: str) -> list[str]:
        return [a for a in self.accounts[e] if self.tally.count(e, v, c, a)]

    def presence(self) -> pl.DataFrame:
        rows = []
        for e, v, c in self.cells(substantive=False):
            for a in self.accounts[e]:
                count, n = self.tally.count(e, v, c, a), self.tally.n(e, v, a)
                rows.append((e, v, c, a, count, n, _share(count, n), c in self.ignored[v]))
        return pl.DataFrame(
            rows,
            schema={
                **_ACCOUNT_CELL,
                "empty": pl.Boolean,
            },
            orient="row",
        )

    def divergence(self) -> pl.DataFrame:
        rows = []
        for e, v, c in self.cells(substantive=True):
            everyone = self.accounts[e]
            raised = self.raised(e, v, c)
            if not raised:
                status = "none"
            elif len(raised) == len(everyone):
                status = "all"
            elif len(raised) == 1:
                status = "one"
            else:
                status = "some"
            missing = [a for a in everyone if a not in raised]
            rows.append((e, v, c, raised, missing, len(raised), status))
        return pl.DataFrame(
            rows,
            schema={
                **_CELL,
                "raised_by": pl.List(pl.String),
                "not_raised_by": pl.List(pl.String),
                "accounts": pl.Int64,
                "status": pl.String,
            },
            orient="row",
        )

    def similarity(self) -> pl.DataFrame:
        rows = []
        for e in self.events:
            raised: dict[str, list[str]] = {a: [] for a in self.accounts[e]}
            for v in self.variables:
                for c in self.categories[v]:
                    if c not in self.ignored[v]:
                        for a in self.raised(e, v, c):
                            raised[a].append(f"{v}:{c}")
            for a, b in itertools.combinations(self.accounts[e], 2):
                set_a, set_b = set(raised[a]), set(raised[b])
                shared = len(set_a & set_b)
                union = len(set_a | set_b)
                if not union:
                    warnings.warn(
                        f"event {e!r}: neither {a!r} nor {b!r} raises a non-empty category, "
                        "so their Jaccard similarity is undefined (null)",
                        DegenerateDataWarning,
                        stacklevel=3,  # the caller of compare_accounts
                    )
                only_a = [p for p in raised[a] if p not in set_b]
                only_b = [p for p in raised[b] if p not in set_a]
                rows.append(
                    (
                        e,
                        a,
                        b,
                        len(set_a),
                        len(set_b),
                        shared,
                        shared / union if union else None,
                        only_a,
                        only_b,
                    )
                )
        return pl.DataFrame(
            rows,
            schema={
                "event": pl.String,
                "account_a": pl.String,
                "account_b": pl.String,
                "raised_a": pl.Int64,
                "raised_b": pl.Int64,
                "shared": pl.Int64,
                "jaccard": pl.Float64,
                "only_a": pl.List(pl.String),
                "only_b": pl.List(pl.String),
            },
            orient="row",
        )

    def emphasis(self, method: Adjustment) -> pl.DataFrame:
        rows: list[tuple[Any, ...]] = []
        families: dict[str, dict[Any, float]] = defaultdict(dict)
        test_of: list[tuple[str, Any] | None] = []
        cache: dict[tuple[int, int, int, int], float] = {}
        for e, v, c in self.cells(substantive=True):
            everyone = self.accounts[e]
            if not self.raised(e, v, c):
                continue
            counts = {a: self.tally.count(e, v, c, a) for a in everyone}
            sizes = {a: self.tally.n(e, v, a) for a in everyone}
            active = frozenset(a for a in everyone if sizes[a])
            total_x, total_n = sum(counts.values()), sum(sizes.values())
            for a in everyone:
                x, n = counts[a], sizes[a]
                y, m = total_x - x, total_n - n
                share, others = _share(x, n), _share(y, m)
                p = None
                key = None
                if n and m:
                    table = (x, n - x, y, m - y)
                    if table not in cache:
                        cache[table] = _fisher(table)
                    p = cache[table]
                    # the test of {a} against the rest is the test of the rest against {a}
                    side = frozenset({a})
                    key = (v, c, frozenset({side, active - side}))
                    families[e][key] = p
                diff = share - others if share is not None and others is not None else None
                rows.append((e, v, c, a, x, n, share, y, m, others, diff, p))
                test_of.append((e, key) if key is not None else None)
        adjusted: list[float | None] = [None] * len(rows)
        if method is Adjustment.HOLM:
            holm = {
                e: dict(zip(f, _holm(list(f.values())), strict=True)) for e, f in families.items()
            }
            adjusted = [None if t is None else holm[t[0]][t[1]] for t in test_of]
        return pl.DataFrame(
            [(*r, q) for r, q in zip(rows, adjusted, strict=True)],
            schema={
                **_ACCOUNT_CELL,
                "others_count": pl.Int64,
                "others_statements": pl.Int64,
                "others_share": pl.Float64,
                "difference": pl.Float64,
                "p_value": pl.Float64,
                "p_adjusted": pl.Float64,
            },
            orient="row",
        )

    def statements(self) -> pl.DataFrame:
        rows: list[tuple[Any, ...]] = []
        for e, v, c in self.cells(substantive=False):
            for a in self.accounts[e]:
                rows.extend(
                    (e, a, r.document, v, c, r.statement, r.text, c in self.ignored[v])
                    for r in self.tally.rows(e, v, c, a)
                )
        return pl.DataFrame(
            rows,
            schema={
                "event": pl.String,
                "account": pl.String,
                "document": pl.String,
                "variable": pl.String,
                "category": pl.String,
                "statement": pl.String,
                "text": pl.String,
                "empty": pl.Boolean,
            },
            orient="row",
        )


def _fisher(table: tuple[int, int, int, int]) -> float:
    """Two-sided p-value of Fisher's exact test of the 2 x 2 table (a, b; c, d)."""
    a, b, c, d = table
    return float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)


def _holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (Holm 1979)."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if not m:
        return []
    order = np.argsort(p, kind="stable")
    factors = m - np.arange(m)  # m, m - 1, ..., 1
    stepped: NDArray[np.float64] = np.maximum.accumulate(np.minimum(1.0, factors * p[order]))
    out = np.empty(m, dtype=np.float64)
    out[order] = stepped
    return [float(v) for v in out]


# --------------------------------------------------------------------------------------------
# the figure


def plot_accounts(
    comparison: Comparison, *, event: str | None = None, path: PathLike | None = None
) -> Any:
    """Draw the category x account dot matrix of one event, grouped by variable.

    Each row is a non-empty category, each column an account; the area of a dot is the
    share of the account's statements that raise the category, and the number beside it
    the count of statements. A small ring marks a category the account does not raise.

    Parameters
    ----------
    comparison : Comparison
        What :func:`compare_accounts` returned.
    event : str, optional
        The event to draw; may be left out when the comparison holds one event.
    path : str or path, optional
        Also save the figure there, as PNG (``.png``, 300 dpi) or SVG (``.svg``), by suffix.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (built without pyplot).

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed (``pip install 'statecode[plot]'``).
    DataError
        If ``event`` is not in the comparison, or is left out while it holds several.
    InputFileError
        If the suffix of ``path`` is not ``.png`` or ``.svg``, or the file cannot be
        written.
    """
    figure_class = require_matplotlib()
    target = Path(path) if path is not None else None
    if target is not None and target.suffix.lower() not in (".png", ".svg"):
        msg = f"{target}: cannot save a figure as {target.suffix!r}; use .png or .svg"
        raise InputFileError(msg)
    chosen = _plot_event(comparison, event)
    accounts = comparison.accounts[chosen]
    rows = _plot_rows(comparison, chosen)
    label_chars = max((len(r[1]) for r in rows), default=10)
    width = 1.2 + 0.065 * label_chars + 1.05 * len(accounts) + 1.6
    height = 0.9 + 0.24 * len(rows)
    fig = figure_class(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    max_area = 320.0
    colours = ("#1b6ca8", "#c8553d", "#3a7d44", "#7b4b94", "#b8860b", "#555555")
    presence = comparison.presence.filter(pl.col("event") == chosen)
    lookup = {
        (v, c, a): (count, share)
        for v, c, a, count, share in presence.select(
            "variable", "category", "account", "count", "share"
        ).iter_rows()
    }
    for y, (kind, _label, variable, code) in enumerate(rows):
        if kind == "header":
            continue
        ax.axhline(y, color="#e6e6e6", linewidth=0.6, zorder=0)
        for x, account in enumerate(accounts):
            count, share = lookup[variable, code, account]
            if count:
                ax.scatter(
                    [x],
                    [y],
                    s=max_area * (share or 0.0),
                    color=colours[x % len(colours)],
                    alpha=0.85,
                    linewidths=0,
                    zorder=2,
                )
                ax.annotate(
                    str(count),
                    (x, y),
                    xytext=(14, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    color="#444444",
                )
            else:
                ax.scatter([x], [y], s=8, facecolors="none", edgecolors="#b0b0b0", linewidths=0.6)
    ax.set_yticks(range(len(rows)), [r[1] for r in rows], fontsize=8)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row[0] == "header":
            tick.set_fontweight("bold")
    n_statements = dict.fromkeys(accounts, 0)
    for account, n in presence.select("account", "statements").iter_rows():
        n_statements[account] = max(n_statements[account], n)
    ax.set_xticks(
        range(len(accounts)),
        [f"{a}\n({_statements_label(n_statements[a])})" for a in accounts],
        fontsize=8,
    )
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, len(accounts) - 0.4)
    ax.set_ylim(len(rows) - 0.5, -0.7)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        ax.scatter([], [], s=max_area * s, color="#888888", alpha=0.85, linewidths=0)
        for s in (0.1, 0.25, 0.5, 1.0)
    ]
    fig.legend(
        handles,
        ["10%", "25%", "50%", "100%"],
        title="share of statements",
        loc="outside right upper",
        fontsize=7,
        title_fontsize=7,
        frameon=False,
        labelspacing=1.3,
        borderpad=1.0,
    )
    ax.set_title(f"Accounts of {chosen}", fontsize=10, loc="left")
    if target is not None:
        _save(fig, target)
    return fig


def _statements_label(n: int) -> str:
    return "1 statement" if n == 1 else f"{n} statements"


def _plot_event(comparison: Comparison, event: str | None) -> str:
    if event is None:
        if len(comparison.events) == 1:
            return comparison.events[0]
        msg = (
            f"the comparison holds {len(comparison.events)} events; choose one with event= "
            f"(events: {', '.join(comparison.events[:_SHOWN]) or '(none)'}"
            f"{' ...' if len(comparison.events) > _SHOWN else ''})"
        )
        raise DataError(msg)
    if event not in comparison.events:
        msg = (
            f"event={event!r} is not in the comparison (events: "
            f"{', '.join(comparison.events[:_SHOWN])}"
            f"{' ...' if len(comparison.events) > _SHOWN else ''})"
        )
        raise DataError(msg)
    return event


def _plot_rows(comparison: Comparison, event: str) -> list[tuple[str, str, str, str]]:
    """(kind, label, variable, code): a header per variable, then its non-empty categories."""
    book = comparison.codebook
    cells = (
        comparison.presence.filter((pl.col("event") == event) & ~pl.col("empty"))
        .select("variable", "category")
        .unique(maintain_order=True)
        .rows()
    )
    rows: list[tuple[str, str, str, str]] = []
    for v in comparison.variables:
        codes = [c for var, c in cells if var == v]
        if not codes:
            continue
        var = book[v] if book is not None and v in book else None
        rows.append(("header", (var.label if var and var.label else v), v, ""))
        for c in codes:
            label = c
            if var is not None and var.categories:
                label = var.category(c).label or c
            rows.append(("category", textwrap.shorten(label, 48, placeholder="..."), v, c))
    return rows


def _save(fig: Any, target: Path) -> None:
    suffix = target.suffix.lower().lstrip(".")
    # no timestamps in the files: the same comparison gives the same bytes
    metadata = {"Date": None} if suffix == "svg" else {"Software": None}
    try:
        fig.savefig(target, format=suffix, dpi=300, metadata=metadata)
    except OSError as exc:
        msg = f"{target}: cannot write the figure ({exc.strerror or exc}); check the folder"
        raise InputFileError(msg) from exc
