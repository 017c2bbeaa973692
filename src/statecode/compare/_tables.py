"""The tables of a comparison: counts per account, divergence, similarity, emphasis."""

from __future__ import annotations

import itertools
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from statecode.compare._input import Row
from statecode.compare._tests import fisher_exact_p, holm
from statecode.exceptions import DegenerateDataWarning
from statecode.options import Adjustment

__all__ = ["Grid", "Tally"]


class Tally:
    """Statements per account and variable, and per account, variable and code."""

    def __init__(self, rows: Iterable[Row]) -> None:
        statements: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        cells: dict[tuple[str, str, str, str], dict[str, Row]] = defaultdict(dict)
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

    def rows(self, event: str, variable: str, code: str, account: str) -> Sequence[Row]:
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
class Grid:
    """Builds the tables from the tally, in the fixed order of events, variables, codes."""

    events: tuple[str, ...]
    accounts: Mapping[str, tuple[str, ...]]
    variables: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    ignored: Mapping[str, frozenset[str]]
    tally: Tally

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
                        cache[table] = fisher_exact_p(table)
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
            by_event = {
                e: dict(zip(f, holm(list(f.values())), strict=True)) for e, f in families.items()
            }
            adjusted = [None if t is None else by_event[t[0]][t[1]] for t in test_of]
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
