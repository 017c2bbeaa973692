"""Spans for unitizing alpha: one table, validated row by row, then integer-coded.

Every problem names the document, coder, span and table row, and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._frames import to_polars
from statecode.exceptions import DataError, Problem
from statecode.model import Corpus, Span
from statecode.options import OverlapRule, UnitizingVariant
from statecode.reliability import _unitizing_kernels as k

__all__ = ["Prepared", "prepare"]

# problems listed in one DataError before the rest are summarised
_MAX_PROBLEMS = 20


@attrs.frozen(eq=False)
class Prepared:
    """Validated spans as integer codes into documents, coders and categories."""

    units: k.Units  # global positions
    offsets: NDArray[np.int64]
    documents: tuple[str, ...]
    coders: tuple[str, ...]
    categories: tuple[str, ...]
    variable: str | None
    partition: bool  # no coder's units overlap at all
    roster: NDArray[np.bool_]  # continua x coders: who unitized which continuum

    def paired(self) -> k.Units:
        """The units of the continua that two or more coders unitized."""
        if self.units.start.size == 0 or self.roster.all():
            return self.units
        doc = np.searchsorted(self.offsets, self.units.start, side="right") - 1
        keep = self.roster.sum(axis=1)[doc] >= 2
        return self.units.take(np.flatnonzero(keep).astype(np.intp))


_REQUIRED = ("document", "coder", "start", "end")


def _frame(spans: Any) -> pl.DataFrame:
    """The spans as a polars frame with a 1-based ``row`` (0 for Span objects)."""
    module = type(spans).__module__
    if module.startswith(("polars", "pandas")) and hasattr(spans, "columns"):
        df = to_polars(spans)
        missing = [c for c in _REQUIRED if c not in df.columns]
        codes = [c for c in ("code", "category") if c in df.columns]
        if missing or not codes:
            if not codes:
                missing.append("code")
            listed = ", ".join(repr(c) for c in missing)
            have = ", ".join(repr(c) for c in df.columns)
            msg = (
                f"missing column(s) {listed} (columns: {have}); a span table needs document, "
                "coder, start, end, code (or category) and optionally variable"
            )
            raise DataError(msg)
        if len(codes) == 2:
            msg = "the table has both a 'code' and a 'category' column; keep one"
            raise DataError(msg)
        columns = [
            pl.col("document").cast(pl.String),
            pl.col("coder").cast(pl.String),
            pl.col("start").alias("start_raw"),
            pl.col("end").alias("end_raw"),
            pl.col(codes[0]).cast(pl.String).alias("code"),
            (
                pl.col("variable").cast(pl.String)
                if "variable" in df.columns
                else pl.lit(None, dtype=pl.String).alias("variable")
            ),
        ]
        return df.select(columns).with_row_index("row", offset=1)
    try:
        items = list(spans)
    except TypeError:
        msg = f"expected Span objects or a DataFrame of spans, got {type(spans).__name__}"
        raise DataError(msg) from None
    wrong = next((s for s in items if not isinstance(s, Span)), None)
    if wrong is not None:
        msg = f"expected Span objects or a DataFrame of spans, got an item {wrong!r}"
        raise DataError(msg)
    return pl.DataFrame(
        {
            "row": [0] * len(items),
            "document": [s.document for s in items],
            "coder": [s.coder for s in items],
            "start_raw": [s.start for s in items],
            "end_raw": [s.end for s in items],
            "code": [s.code for s in items],
            "variable": [s.variable for s in items],
        },
        schema={
            "row": pl.UInt32,
            "document": pl.String,
            "coder": pl.String,
            "start_raw": pl.Int64,
            "end_raw": pl.Int64,
            "code": pl.String,
            "variable": pl.String,
        },
    )


def _where(row: int) -> str:
    return f"row {row}" if row else ""


def _raise(problems: list[Problem]) -> None:
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(Problem("", f"... and {len(problems) - _MAX_PROBLEMS} more"))
        raise DataError(shown)


def _validated(df: pl.DataFrame) -> pl.DataFrame:
    """Check ids and offsets row by row; cast offsets to integers."""
    problems: list[Problem] = []
    for col in ("document", "coder", "code"):
        blank = df.filter(pl.col(col).is_null() | (pl.col(col).str.strip_chars() == ""))
        problems.extend(
            Problem(_where(r), f"column {col!r} is empty; every span needs a {col}")
            for r in blank["row"].to_list()
        )
    for col in ("start", "end"):
        raw = df[f"{col}_raw"]
        whole = _whole_numbers(raw)
        bad = df.filter(whole.is_null())
        problems.extend(
            Problem(
                _where(r),
                f"column {col!r} holds {v!r}, not a whole number; offsets are 0-based code "
                "points (end exclusive)",
            )
            for r, v in zip(bad["row"].to_list(), bad[f"{col}_raw"].to_list(), strict=True)
        )
        df = df.with_columns(whole.alias(col))
    _raise(problems)
    bad = df.filter((pl.col("start") < 0) | (pl.col("start") >= pl.col("end")))
    problems.extend(
        Problem(
            _where(r),
            f"span {s}..{e} of document {d!r} (coder {c!r}) is empty or negative; start must "
            "be >= 0 and less than end",
        )
        for r, d, c, s, e in bad.select("row", "document", "coder", "start", "end").iter_rows()
    )
    _raise(problems)
    return df.drop("start_raw", "end_raw")


def _whole_numbers(raw: pl.Series) -> pl.Series:
    """Integers, with null where a value is missing or not a whole number."""
    if raw.dtype.is_integer():
        return raw.cast(pl.Int64)
    if raw.dtype.is_float():
        ok = raw.is_finite() & (raw == raw.floor())
        return pl.select(pl.when(ok).then(raw.cast(pl.Int64, strict=False))).to_series()
    text = raw.cast(pl.String).str.strip_chars()
    return text.str.to_integer(strict=False).cast(pl.Int64)


def _pick_variable(
    df: pl.DataFrame, variant: UnitizingVariant, variable: str | None
) -> tuple[pl.DataFrame, str | None]:
    """Restrict to one variable (or, for Cu, make the variables the categories)."""
    present = sorted(v for v in df["variable"].unique().to_list() if v is not None)
    if variant is UnitizingVariant.CU_VARIABLES:
        if variable is not None:
            msg = (
                "variant='Cu' compares variables: give the variables to compare as "
                f"categories=, not variable={variable!r}"
            )
            raise DataError(msg)
        if df["variable"].null_count():
            msg = (
                "variant='Cu' compares the variables spans were coded on, but the spans have "
                "no variable (add a 'variable' column)"
            )
            raise DataError(msg)
        return df.with_columns(pl.col("variable").alias("code")), None
    if variable is not None:
        if variable not in present:
            have = ", ".join(repr(v) for v in present) or "none"
            msg = f"no span is coded on variable {variable!r} (variables: {have})"
            raise DataError(msg)
        return df.filter(pl.col("variable") == variable), variable
    if len(present) > 1:
        have = ", ".join(repr(v) for v in present)
        msg = (
            f"the spans hold {len(present)} variables ({have}); choose one with variable=, "
            "or compare the variables with variant='Cu'"
        )
        raise DataError(msg)
    return df, present[0] if present else None


def _continua(
    df: pl.DataFrame, continua: object
) -> tuple[tuple[str, ...], NDArray[np.int64], NDArray[np.int64]]:
    """Documents, with the begin and end of each continuum."""
    if continua is None:
        ends = df.group_by("document").agg(pl.col("end").max()).sort("document")
        names = tuple(ends["document"].to_list())
        return names, np.zeros(len(names), dtype=np.int64), ends["end"].to_numpy().astype(np.int64)
    if isinstance(continua, Corpus):
        given: Mapping[str, Any] = {d.id: len(d.text) for d in continua.documents}
    elif isinstance(continua, Mapping):
        given = continua
    else:
        msg = (
            "continua= takes a mapping of document ids to lengths (or (start, end) pairs) "
            f"or a Corpus, got {type(continua).__name__}"
        )
        raise DataError(msg)
    listed: list[str] = []
    starts: list[int] = []
    stops: list[int] = []
    for name, value in given.items():
        begin, end = _bounds(name, value)
        listed.append(str(name))
        starts.append(begin)
        stops.append(end)
    return tuple(listed), np.array(starts, dtype=np.int64), np.array(stops, dtype=np.int64)


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _bounds(name: str, value: Any) -> tuple[int, int]:
    if _is_int(value) and value >= 0:
        return 0, int(value)
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(_is_int(v) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    msg = (
        f"continuum of document {name!r} is {value!r}; give its length (a whole number >= 0) "
        "or a (start, end) pair of code-point offsets with 0 <= start <= end"
    )
    raise DataError(msg)


def _coders(
    df: pl.DataFrame,
    coders: Sequence[str] | Mapping[str, Sequence[str]] | None,
    documents: tuple[str, ...],
) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    """Coder labels and the roster (continua x coders: who unitized which continuum)."""
    present = sorted(df["coder"].unique().to_list())
    if coders is None or not isinstance(coders, Mapping):
        if coders is None:
            labels = tuple(present)
        else:
            if isinstance(coders, str):
                msg = (
                    "coders= takes a list of coders (or a mapping of each document to its "
                    f"coders), got {coders!r}"
                )
                raise DataError(msg)
            labels = _listed(coders, "coders=")
            unknown = [c for c in present if c not in set(labels)]
            if unknown:
                listed = ", ".join(repr(c) for c in unknown)
                msg = f"coder(s) {listed} marked spans but are not in coders=; add them to the list"
                raise DataError(msg)
        return labels, np.ones((len(documents), len(labels)), dtype=bool)
    return _roster(df, coders, documents)


def _listed(values: Sequence[str], where: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset):
        msg = f"{where} must be a list of coders, got {values!r}"
        raise DataError(msg)
    listed = [str(c) for c in values]
    if len(set(listed)) != len(listed):
        msg = f"{where} lists a coder twice: {listed}"
        raise DataError(msg)
    return tuple(listed)


def _first_names(names: Sequence[str], most: int = 10) -> str:
    return ", ".join(repr(n) for n in names[:most]) + (" ..." if len(names) > most else "")


def _roster(
    df: pl.DataFrame, coders: Mapping[str, Sequence[str]], documents: tuple[str, ...]
) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    """The roster from a mapping of each document to the coders who unitized it."""
    given = {str(d): _listed(cs, f"coders[{d!r}]") for d, cs in coders.items()}
    if len(given) != len(coders):
        msg = "coders= names a document twice (keys equal as text, such as 1 and '1')"
        raise DataError(msg)
    problems: list[Problem] = []
    missing = [d for d in documents if d not in given]
    if missing:
        listed = _first_names(missing)
        problems.append(
            Problem(
                "coders=",
                f"document(s) {listed} have no entry; list who unitized each document (an "
                "empty list if nobody did; in the CLI's --coders table, a row with an empty "
                "coder)",
            )
        )
    extra = [d for d in given if d not in set(documents)]
    if extra:
        listed = _first_names(extra)
        problems.append(
            Problem(
                "coders=",
                f"document(s) {listed} are not among the continua; add them to continua= (in "
                "the CLI, give --corpus)",
            )
        )
    _raise(problems)
    labels = tuple(dict.fromkeys(c for d in documents for c in given[d]))
    column = {c: i for i, c in enumerate(labels)}
    roster = np.zeros((len(documents), len(labels)), dtype=bool)
    for row, d in enumerate(documents):
        roster[row, [column[c] for c in given[d]]] = True
    allowed = pl.DataFrame(
        {
            "document": [d for d in documents for _ in given[d]],
            "coder": [c for d in documents for c in given[d]],
        },
        schema={"document": pl.String, "coder": pl.String},
    )
    outside = df.join(allowed, on=["document", "coder"], how="anti")
    _raise(
        [
            Problem(
                _where(r),
                f"coder {c!r} marked span {s}..{e} in document {d!r} but is not among the "
                f"coders of that document in coders=; add {c!r} to coders[{d!r}]",
            )
            for r, d, c, s, e in outside.select(
                "row", "document", "coder", "start", "end"
            ).iter_rows()
        ]
    )
    return labels, roster


def _categories(df: pl.DataFrame, categories: Sequence[str] | None) -> tuple[str, ...]:
    if categories is None:
        return tuple(sorted(df["code"].unique().to_list()))
    listed = [str(c) for c in categories]
    if len(set(listed)) != len(listed):
        msg = f"categories= lists a category twice: {listed}"
        raise DataError(msg)
    return tuple(listed)


def _codes(column: pl.Series, labels: Sequence[str]) -> NDArray[np.intp]:
    mapping = {label: i for i, label in enumerate(labels)}
    return column.replace_strict(mapping, return_dtype=pl.Int64).to_numpy().astype(np.intp)


def prepare(
    spans: Any,
    variant: UnitizingVariant,
    variable: str | None,
    categories: Sequence[str] | None,
    continua: Mapping[str, int | tuple[int, int]] | Corpus | None,
    coders: Sequence[str] | Mapping[str, Sequence[str]] | None,
    rule: OverlapRule,
) -> Prepared:
    df = _validated(_frame(spans))
    documents, begins, ends = _continua(df, continua)
    _check_within(df, documents, begins, ends)
    coder_labels, roster = _coders(df, coders, documents)
    if variant is UnitizingVariant.U2004 and not roster.all():
        msg = (
            "variant='u2004' needs every coder to unitize every continuum (Krippendorff's "
            "1995/2004 formula has no missing coders); give coders= as a list, or use "
            "variant='u' or 'cu', which pair only the coders of each continuum"
        )
        raise DataError(msg)
    df, variable_name = _pick_variable(df, variant, variable)
    category_labels = _categories(df, categories)
    df = df.filter(pl.col("code").is_in(list(category_labels)))
    doc = _codes(df["document"], documents)
    offsets = np.concatenate([[0], np.cumsum(ends - begins)]).astype(np.int64)
    shift = offsets[doc] - begins[doc]
    units = k.Units(
        _codes(df["coder"], coder_labels),
        _codes(df["code"], category_labels),
        df["start"].to_numpy().astype(np.int64) + shift,
        df["end"].to_numpy().astype(np.int64) + shift,
    )
    context = _Context(df, documents, coder_labels, category_labels, variant, offsets, begins)
    clash = k.first_overlap(units, per_category=True)
    if clash is not None:
        if rule is OverlapRule.ERROR:
            context.overlap_error(units, *clash, same_category=True)
        units = k.merge_overlaps(units)
        context = context.without_rows()
    clash = k.first_overlap(units, per_category=False)
    if clash is not None and variant is not UnitizingVariant.U2004:
        context.overlap_error(units, *clash, same_category=False)
    return Prepared(
        units,
        offsets,
        documents,
        coder_labels,
        category_labels,
        variable_name,
        partition=clash is None,
        roster=roster,
    )


def _check_within(
    df: pl.DataFrame, documents: Sequence[str], begins: NDArray[np.int64], ends: NDArray[np.int64]
) -> None:
    bounds = pl.DataFrame(
        {"document": list(documents), "begin": begins, "stop": ends},
        schema={"document": pl.String, "begin": pl.Int64, "stop": pl.Int64},
    )
    joined = df.join(bounds, on="document", how="left")
    unknown = joined.filter(pl.col("begin").is_null())
    problems = [
        Problem(
            _where(r),
            f"document {d!r} (coder {c!r}, span {s}..{e}) is not among the continua; add its "
            "length to continua=",
        )
        for r, d, c, s, e in unknown.select("row", "document", "coder", "start", "end").iter_rows()
    ]
    outside = joined.filter((pl.col("start") < pl.col("begin")) | (pl.col("end") > pl.col("stop")))
    problems.extend(
        Problem(
            _where(r),
            f"span {s}..{e} of document {d!r} (coder {c!r}) does not lie within its continuum "
            f"{b}..{t}; fix start and end (0-based code points, end exclusive) or the "
            "continuum's length",
        )
        for r, d, c, s, e, b, t in outside.select(
            "row", "document", "coder", "start", "end", "begin", "stop"
        ).iter_rows()
    )
    _raise(problems)


class _Context:
    """What an overlap message needs to name documents, coders, spans and rows."""

    def __init__(
        self,
        df: pl.DataFrame,
        documents: tuple[str, ...],
        coders: tuple[str, ...],
        categories: tuple[str, ...],
        variant: UnitizingVariant,
        offsets: NDArray[np.int64],
        begins: NDArray[np.int64],
    ) -> None:
        self.rows: list[int] | None = df["row"].to_list()
        self.documents = documents
        self.coders = coders
        self.categories = categories
        self.variant = variant
        self.offsets = offsets
        self.begins = begins

    def without_rows(self) -> _Context:
        # merging reorders the units: rows no longer match
        self.rows = None
        return self

    def _describe(self, units: k.Units, i: int) -> tuple[str, str]:
        doc = int(np.searchsorted(self.offsets, units.start[i], side="right")) - 1
        shift = int(self.begins[doc] - self.offsets[doc])
        text = f"{int(units.start[i]) + shift}..{int(units.end[i]) + shift}"
        if self.rows is not None and self.rows[i]:
            text += f" (row {self.rows[i]})"
        return self.documents[doc], text

    def overlap_error(self, units: k.Units, a: int, b: int, *, same_category: bool) -> None:
        doc, first = self._describe(units, a)
        _, second = self._describe(units, b)
        coder = self.coders[int(units.coder[a])]
        cat_a = self.categories[int(units.category[a])]
        cat_b = self.categories[int(units.category[b])]
        kind = "variables" if self.variant is UnitizingVariant.CU_VARIABLES else "categories"
        if same_category:
            msg = (
                f"coder {coder!r} marked overlapping spans of {cat_a!r} in document {doc!r}: "
                f"{first} and {second}; a coder's units of one category must not overlap: "
                "fix or delete one of them, or pass overlaps='merge' to merge them"
            )
        elif self.variant is UnitizingVariant.CU_VARIABLES:
            msg = (
                f"coder {coder!r} marked overlapping spans of variables {cat_a!r} and "
                f"{cat_b!r} in document {doc!r}: {first} and {second}; variant='Cu' compares "
                "which variable a stretch was coded on, so a coder's spans of different "
                "variables must not overlap: compare codes within each variable with "
                "variant='cu' instead"
            )
        else:
            msg = (
                f"coder {coder!r} marked overlapping spans of {kind} {cat_a!r} and {cat_b!r} "
                f"in document {doc!r}: {first} and {second}; variant={self.variant.value!r} "
                "needs each coder's units to be mutually exclusive (one category per "
                "stretch): fix or delete one of them, or use variant='u2004', which scores "
                "each category on its own"
            )
        raise DataError(msg)
