"""The rules of a valid codebook, as pure functions that return every problem found.

Constructing a :class:`~statecode.Variable` or :class:`~statecode.Codebook` runs them and
raises; reading a codebook file runs the same functions and prefixes the paths, so the rules
are written once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from statecode.exceptions import Problem
from statecode.options import Level

if TYPE_CHECKING:
    from statecode.codebook import Category, Variable

__all__ = [
    "RESERVED_NAMES",
    "category_problems",
    "duplicate_problems",
    "name_problems",
    "variable_problems",
]

#: Column names used for ids in coding tables; a variable may not be called like them.
RESERVED_NAMES = frozenset({"unit", "coder", "variable", "value"})

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORBIDDEN_IN_CODE = (";", "\n", "\r", "\t")


def duplicate_problems(
    values: Sequence[str | None], prefix: str, field: str, what: str
) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            msg = f"duplicate {what} {value!r} (first used at {prefix}[{first[value]}])"
            problems.append(Problem(f"{prefix}[{i}].{field}", msg))
        else:
            first[value] = i
    return problems


def _code_problems(code: str) -> list[str]:
    if not code.strip():
        return ["a code must not be empty"]
    if code != code.strip():
        return [f"code {code!r} has leading or trailing spaces; write {code.strip()!r}"]
    for bad in _FORBIDDEN_IN_CODE:
        if bad in code:
            return [f"code {code!r} contains {bad!r}, which separates codes in tables; remove it"]
    return []


def _is_number(code: str) -> bool:
    try:
        return math.isfinite(float(code))
    except ValueError:
        return False


def variable_problems(var: Variable) -> list[Problem]:
    """Every rule a variable can break, each problem with its path in the variable."""
    problems = name_problems(var.name)
    problems += category_problems(var.name, var.categories, multi_label=var.multi_label)
    add = problems.append
    codes = [c.code for c in var.categories]
    if var.multi_label and var.level is not Level.NOMINAL:
        add(
            Problem(
                "multi_label",
                f"a multi-label variable holds sets of codes and must be nominal, "
                f"not {var.level.value}; set level = 'nominal' or multi_label = false",
            )
        )
    if var.multi_label and not var.categories:
        add(Problem("categories", "a multi-label variable needs categories"))
    if var.level is Level.NOMINAL and not var.categories:
        add(Problem("categories", "a nominal variable needs categories; add [[categories]]"))

    problems.extend(_order_problems(var, codes))
    problems.extend(_range_problems(var, codes))
    return problems


def name_problems(name: str) -> list[Problem]:
    """Whether a variable's name can be a column name."""
    if not _NAME_RE.match(name):
        msg = (
            f"{name!r} is not a valid variable name: use letters, digits and _ "
            "(not starting with a digit), e.g. 'blame_target'"
        )
        return [Problem("name", msg)]
    if name in RESERVED_NAMES:
        return [Problem("name", f"{name!r} is reserved for an id column; rename the variable")]
    return []


def category_problems(
    name: str, categories: Sequence[Category], *, multi_label: bool
) -> list[Problem]:
    """The rules of a variable's categories, which hold whatever its level.

    Checked on their own too, when the level itself is wrong, so that one misspelled field
    does not hide the other problems of the variable.
    """
    problems: list[Problem] = []
    add = problems.append
    codes = [c.code for c in categories]
    code_set = set(codes)
    for i, cat in enumerate(categories):
        for msg in _code_problems(cat.code):
            add(Problem(f"categories[{i}].code", msg))
        if cat.parent is not None:
            if cat.parent == cat.code:
                add(Problem(f"categories[{i}].parent", f"code {cat.code!r} is its own parent"))
            elif cat.parent not in code_set:
                add(
                    Problem(
                        f"categories[{i}].parent",
                        f"parent {cat.parent!r} is not a code of variable {name!r}; "
                        "add that category or fix the parent",
                    )
                )
        if cat.exclusive and not multi_label:
            add(
                Problem(
                    f"categories[{i}].exclusive",
                    "exclusive only applies to multi-label variables; remove it",
                )
            )
    problems.extend(duplicate_problems(codes, "categories", "code", "code"))
    problems.extend(_cycle_problems(categories))
    return problems


def _order_problems(var: Variable, codes: list[str]) -> list[Problem]:
    if var.level is not Level.ORDINAL:
        if var.order:
            msg = (
                f"order only applies to ordinal variables, and this one is {var.level.value}; "
                "remove order or set level = 'ordinal'"
            )
            return [Problem("order", msg)]
        return []
    if not var.categories:
        if var.minimum is None and var.maximum is None:
            msg = (
                "an ordinal variable needs an order: add categories with "
                "order = [codes from lowest to highest], or a numeric minimum and maximum"
            )
            return [Problem("order", msg)]
        return []
    if not var.order:
        listed = ", ".join(repr(c) for c in codes)
        msg = (
            "an ordinal variable needs an order: add order = [...] listing every code from "
            f"lowest to highest (codes: {listed})"
        )
        return [Problem("order", msg)]
    problems = []
    seen: set[str] = set()
    for i, code in enumerate(var.order):
        if code in seen:
            problems.append(Problem(f"order[{i}]", f"code {code!r} appears twice in order"))
        elif code not in codes:
            problems.append(
                Problem(f"order[{i}]", f"{code!r} is not a code of variable {var.name!r}")
            )
        seen.add(code)
    missing = [c for c in codes if c not in seen]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        problems.append(Problem("order", f"order must list every code; missing: {listed}"))
    return problems


def _range_problems(var: Variable, codes: list[str]) -> list[Problem]:
    problems = []
    if var.minimum is not None and var.maximum is not None and var.minimum > var.maximum:
        problems.append(
            Problem("minimum", f"minimum {var.minimum} is greater than maximum {var.maximum}")
        )
    if (var.minimum is not None or var.maximum is not None) and var.categories:
        problems.append(
            Problem(
                "minimum",
                "a variable has either categories or a numeric range, not both; "
                "remove minimum/maximum",
            )
        )
    if var.level in (Level.INTERVAL, Level.RATIO):
        for i, code in enumerate(codes):
            if not _is_number(code):
                problems.append(
                    Problem(
                        f"categories[{i}].code",
                        f"code {code!r} is not a number, but {var.level.value} variables "
                        "need numeric codes; use level = 'ordinal' or 'nominal'",
                    )
                )
    if var.level is Level.RATIO and var.minimum is not None and var.minimum < 0:
        problems.append(
            Problem(
                "minimum",
                f"ratio values cannot be negative (minimum is {var.minimum}); "
                "use level = 'interval'",
            )
        )
    return problems


def _cycle_problems(categories: Sequence[Category]) -> list[Problem]:
    """One problem per cycle of two or more codes in the parent links, in linear time.

    Each cycle is reported once, from its first member in category order, and listed in the
    direction of the parent links. (A code that is its own parent is reported elsewhere.)
    """
    parent = {c.code: c.parent for c in categories if c.parent is not None}
    index = {c.code: i for i, c in enumerate(categories)}
    order = {code: i for i, code in enumerate(parent)}
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in parent:
        walk: dict[str, int] = {}  # codes of this walk, with their position in it
        node: str | None = start
        while node is not None and node in parent and node not in done and node not in walk:
            walk[node] = len(walk)
            node = parent[node]
        if node is not None and node in walk:
            cycle = list(walk)[walk[node] :]
            if len(cycle) > 1:
                first = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                cycles.append(cycle[first:] + cycle[:first])
        done.update(walk)
    problems = []
    for cycle in sorted(cycles, key=lambda c: order[c[0]]):
        path = " -> ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                f"categories[{index[cycle[0]]}].parent",
                f"the hierarchy has a cycle: {path}; a category cannot be its own ancestor",
            )
        )
    return problems
