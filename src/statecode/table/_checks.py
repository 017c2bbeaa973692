"""Checks of coded data: ids, duplicate rows, variable columns, values against a codebook."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from statecode._values import check_value
from statecode.codebook import Codebook, Variable
from statecode.exceptions import DataError, Problem

__all__ = [
    "check_ids",
    "choose_variables",
    "duplicate_problems",
    "id_problems",
    "numeric_domain",
    "unit_groups",
    "validate",
]


def id_problems(df: pl.DataFrame, names: Mapping[str, str]) -> tuple[list[Problem], set[int]]:
    """Rows with an empty unit or coder id: the problems and the rows."""
    problems, rows = [], set()
    for col in ("unit", "coder"):
        blank = df.filter(pl.col(col).is_null() | (pl.col(col).str.strip_chars() == ""))
        for r in blank["row"].to_list():
            msg = f"column {names[col]!r} is empty; every coding needs a {col} id"
            problems.append(Problem(f"row {r}", msg))
            rows.add(r)
    return problems, rows


def duplicate_problems(
    df: pl.DataFrame, names: Mapping[str, str]
) -> tuple[list[Problem], set[int]]:
    """Rows giving one unit a second value from the same coder: the problems and the rows."""
    dup = (
        df.group_by("unit", "coder", maintain_order=True)
        .agg(pl.col("row"))
        .filter(pl.col("row").list.len() > 1)
    )
    problems, rows = [], set()
    for u, c, group in dup.iter_rows():
        problems.append(
            Problem(
                f"rows {', '.join(map(str, group))}",
                f"coder {c!r} gave unit {u!r} more than one value; keep one row per "
                f"{names['unit']} and {names['coder']}",
            )
        )
        rows.update(group)
    return problems, rows


def check_ids(df: pl.DataFrame, names: Mapping[str, str]) -> None:
    problems, _ = id_problems(df, names)
    if not problems:
        problems, _ = duplicate_problems(df, names)
    if problems:
        raise DataError(problems)


def numeric_domain(domain: Sequence[Any] | None) -> bool:
    """Whether a declared domain (if any) is numbers, so numeric text is read as numbers."""
    if domain is None:
        return True
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in domain)


def choose_variables(
    df: pl.DataFrame,
    ids: Sequence[str],
    variables: Sequence[str] | None,
    codebook: Codebook | None,
    problems: list[Problem],
) -> tuple[str, ...]:
    others = [c for c in df.columns if c not in ids]
    if variables is not None:
        for v in variables:
            if v not in df.columns:
                have = ", ".join(repr(c) for c in others) or "(none)"
                problems.append(Problem(f"column {v!r}", f"missing (variable columns: {have})"))
            elif codebook is not None and v not in codebook:
                problems.append(
                    Problem(f"column {v!r}", f"not a variable of codebook {codebook.name!r}")
                )
        return tuple(variables)
    if codebook is None:
        if not others:
            problems.append(Problem("", "no variable columns besides the unit and coder ids"))
        return tuple(others)
    for c in others:
        if c not in codebook:
            hint = difflib.get_close_matches(c, codebook.names, n=1)
            maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(
                Problem(
                    f"column {c!r}",
                    f"not a variable of codebook {codebook.name!r}{maybe}; rename it, or "
                    "choose the variables to read (variables=, --variable)",
                )
            )
    chosen = tuple(c for c in others if c in codebook)
    if not chosen and not problems:
        problems.append(Problem("", f"no column is a variable of codebook {codebook.name!r}"))
    return chosen


def validate(
    long: pl.DataFrame,
    codebook: Codebook,
    separator: str,
    problems: list[Problem],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check every value against its variable; return the table with canonical values.

    Categorical values are checked once per distinct text (a file of millions of rows holds
    few distinct codes), numbers column-wise; problems come back in file order.
    """
    numeric = [v.name for v in codebook if not v.categories]
    long = long.with_row_index("position")  # to give the table back in its order
    categorical = long.filter(~pl.col("variable").is_in(numeric))
    checked = [
        (variable, text, *check_value(codebook[variable], text, separator))
        for variable, text in categorical.select("variable", "value").unique().iter_rows()
    ]
    verdicts = pl.DataFrame(
        checked,
        schema={
            "variable": pl.String,
            "value": pl.String,
            "canonical": pl.String,
            "message": pl.String,
        },
        orient="row",
    )
    joined = categorical.join(verdicts, on=["variable", "value"], how="left", maintain_order="left")
    if numeric:
        parts = [check_numbers(long.filter(pl.col("variable") == n), codebook[n]) for n in numeric]
        joined = pl.concat([joined, *parts]).sort("position")
    order = {name: i for i, name in enumerate(codebook.names)}
    bad = joined.filter(pl.col("message").is_not_null())
    found = sorted(
        bad.select("row", "variable", "message").iter_rows(), key=lambda r: (r[0], order[r[1]])
    )
    problems.extend(Problem(f"row {r}, column {v!r}", m) for r, v, m in found)
    table = joined.select("unit", "coder", "variable", pl.col("canonical").alias("value"), "row")
    return table, bad.select("row", "variable")


def check_numbers(part: pl.DataFrame, var: Variable) -> pl.DataFrame:
    """Column-wise checks of a numeric variable: a number, finite, within the range."""
    number = pl.col("value").cast(pl.Float64, strict=False)
    suspect = number.is_null() | ~number.is_finite()
    if var.minimum is not None:
        suspect = suspect | (number < var.minimum)
    if var.maximum is not None:
        suspect = suspect | (number > var.maximum)
    # only the few suspect rows are looked at one by one, for their messages
    flagged = part.filter(suspect.fill_null(value=True)).select("row", "value")
    messages = pl.DataFrame(
        [(row, check_value(var, text, "")[1]) for row, text in flagged.iter_rows()],
        schema={"row": pl.Int64, "message": pl.String},
        orient="row",
    )
    return part.with_columns(pl.col("value").alias("canonical")).join(
        messages, on="row", how="left"
    )


def unit_groups(df: pl.DataFrame, unit: str, by: str) -> dict[str, str]:
    """The group of every unit from the column ``by``; each unit must have one group."""
    if by not in df.columns:
        msg = f"column {by!r} (--by) is not in the file (columns: {', '.join(df.columns)})"
        raise DataError(msg)
    pairs = df.select(pl.col(unit).cast(pl.String), pl.col(by).cast(pl.String)).unique()
    counts = pairs.group_by(unit).len().filter(pl.col("len") > 1)
    if counts.height:
        shown = ", ".join(repr(u) for u in counts[unit].head(5).to_list())
        msg = f"--by {by}: unit(s) {shown} belong to more than one group; give each unit one"
        raise DataError(msg)
    return dict(pairs.iter_rows())
