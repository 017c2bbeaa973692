"""Comparison of accounts of one event: the result and the public function."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import polars as pl

from statecode._adjudication import apply_adjudication
from statecode._consensus import ConsensusResult
from statecode._consensus import consensus as consensus_of
from statecode._provenance import Provenance, SourceFile
from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.compare._input import (
    accounts_of,
    categories_of,
    check_one_coding,
    choose_variables,
    coded_rows,
    documents_of,
    ignored_codes,
)
from statecode.compare._tables import Grid, Tally
from statecode.exceptions import DegenerateDataWarning, OptionError, StatecodeWarning
from statecode.model import Corpus
from statecode.options import Adjustment, ConsensusRule, Normalization, parse_option
from statecode.table import CodingTable, coding_table

__all__ = ["Comparison", "compare_accounts"]


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
    provenance : Provenance or None
        What the comparison was computed from: the codings' file and its SHA-256, the
        decisions sheet, the codebook, the statistics.
    consensus : ConsensusResult or None
        When ``compare_accounts`` was asked to reach a consensus of several coders first:
        its result, whose ``flags`` (``flags_sheet`` for a file) list the ties and dissent to
        adjudicate.
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
    consensus: ConsensusResult | None = attrs.field(default=None, repr=False)
    provenance: Provenance | None = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:
        accounts = sorted({a for names in self.accounts.values() for a in names})
        return (
            f"<Comparison: {len(self.events)} event(s), accounts {', '.join(accounts)}; "
            f"{len(self.variables)} variables>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    def to_html(
        self,
        path: PathLike | None = None,
        *,
        title: str = "Comparison of accounts",
        event: str | None = None,
    ) -> str:
        """The comparison as one self-contained HTML page, written to ``path`` when given.

        Every table (similarity, divergence, emphasis, presence, the statements behind each
        count) and the dot-matrix figure of ``event`` (default: the first). Needs the
        ``plot`` extra (matplotlib).

        Returns
        -------
        str
            The page.
        """
        from statecode.render import comparison_page, write_page  # noqa: PLC0415 - a presentation hook

        tables = [
            ("Similarity of accounts", self.similarity),
            ("Divergence: who raises what", self.divergence),
            ("Emphasis: share differences, Fisher's exact test", self.emphasis),
            ("Presence per account", self.presence),
            ("Statements behind every count", self.statements),
        ]
        return write_page(comparison_page(self, tables, title=title, event=event), path)


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
    consensus: ConsensusRule | str | None = None,
    decisions: PathLike | Any | None = None,
    normalize: Normalization | str | None = None,
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
    consensus : {'majority', 'unanimous', 'coder:<id>'}, optional
        When the codings are several coders' (more than one coder), first reach one coding
        per statement with :func:`~statecode.consensus` and this rule; the result is in
        :attr:`Comparison.consensus`. Ties are left out of the comparison, with a
        :class:`~statecode.StatecodeWarning`, until they are adjudicated.
    decisions : str, path or DataFrame, optional
        The adjudicated flags sheet of that consensus, applied with
        :func:`~statecode.apply_adjudication` before comparing.
    normalize : {'strip', 'nfc', 'casefold'}, optional
        How decisions that differ from a code only in form are read (see
        :func:`~statecode.apply_adjudication`).

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
    DataTypeError
        If ``codings`` is neither a :class:`~statecode.CodingTable` nor a data frame (pass a
        consensus result's ``codings``); also a TypeError.

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
    read = codings if isinstance(codings, CodingTable) else None
    codings = coding_table(
        codings,
        "codings",
        " with one coding per statement and variable",
        "; pass e.g. consensus(table).codings",
    )
    method = parse_option(Adjustment, adjust, "adjust")
    agreed: ConsensusResult | None = None
    if consensus is not None and len(codings.coders) > 1:
        agreed = consensus_of(codings, rule=consensus)
        if decisions is not None:
            codings = apply_adjudication(agreed, decisions, normalize=normalize)
        else:
            codings = agreed.codings
            if agreed.n_ties:
                warnings.warn(
                    f"{agreed.n_ties} ties left out; adjudicate them (write "
                    "Comparison.consensus.flags_sheet, decide, pass it as decisions=)",
                    StatecodeWarning,
                    stacklevel=2,
                )
    elif decisions is not None:
        msg = "decisions= adjudicates a consensus: give the consensus rule too (consensus=)"
        raise OptionError(msg, option="decisions")
    book = codebook if codebook is not None else codings.codebook
    check_one_coding(codings)
    chosen = choose_variables(codings, book, variables)
    docs = documents_of(corpus, event)
    accounts = accounts_of(docs, by)
    events = tuple(dict.fromkeys(d.event for d in docs))
    rows = coded_rows(corpus, codings, chosen, book, docs, accounts)
    categories = categories_of(chosen, book, rows)
    ignored = ignored_codes(chosen, book, categories, ignore)
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
    tally = Tally(rows)
    grid = Grid(events, account_order, chosen, categories, ignored, tally)
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
        consensus=agreed,
        provenance=_provenance(read, decisions, book, method),
    )


def _provenance(
    codings: CodingTable | None,
    decisions: PathLike | Any | None,
    codebook: Codebook | None,
    method: Adjustment,
) -> Provenance:
    source: SourceFile | str | None = None
    if codings is not None:
        source = codings.origin or codings.source
    sheet = SourceFile.of(decisions) if isinstance(decisions, str | os.PathLike) else None
    statistics = [
        "presence",
        "divergence",
        "similarity (Jaccard)",
        "emphasis (Fisher's exact test"
        + (", Holm-adjusted)" if method is Adjustment.HOLM else ")"),
    ]
    return Provenance.now(
        inputs=[source, sheet],
        codebook=None if codebook is None else (codebook.name, codebook.version or ""),
        coefficients=statistics,
    )
