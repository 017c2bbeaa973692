"""The codebook: levels of measurement, categories, variables.

A :class:`Codebook` is a frozen value object. Constructing one validates it completely and
raises :class:`~statecode.exceptions.CodebookError` listing every problem with its path
(``variables[3].categories[1].code: duplicate code 'nato' ...``). Reading and writing files is
not the codebook's business: see :func:`statecode.read_codebook`.
"""

from __future__ import annotations

import enum
import math
import os
import re
from collections.abc import Iterator, Sequence

import attrs

from statecode.exceptions import CodebookError, Problem

__all__ = ["RESERVED_NAMES", "Category", "Codebook", "Level", "Variable"]

#: Column names used for ids in coding tables; a variable may not be called like them.
RESERVED_NAMES = frozenset({"unit", "coder", "variable", "value"})

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORBIDDEN_IN_CODE = (";", "\n", "\r", "\t")


class Level(enum.StrEnum):
    """Level of measurement of a variable (Stevens 1946; Krippendorff 2019, ch. 12).

    The level decides which difference function reliability coefficients use: nominal codes
    are equal or not, ordinal codes have an order, interval values have meaningful
    differences, ratio values a meaningful zero.
    """

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


def _to_level(value: Level | str) -> Level:
    if isinstance(value, Level):
        return value
    try:
        return Level(value)
    except ValueError:
        choices = ", ".join(repr(m.value) for m in Level)
        msg = f"{value!r} is not a level of measurement; use one of {choices}"
        raise CodebookError([Problem("level", msg)]) from None


def _to_str_tuple(value: Sequence[str] | str) -> tuple[str, ...]:
    # a lone string would otherwise become a tuple of characters
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class Category:
    """One category (code) of a categorical variable.

    Parameters
    ----------
    code : str
        The code written in coding tables: short, unique within its variable, without ``;``.
    label : str
        A human-readable name.
    definition : str
        What the category means.
    include, exclude : tuple of str
        Rules: when to assign the code, and when not to (and what to assign instead).
    examples : tuple of str
        Example statements that receive the code.
    parent : str or None
        Code of the parent category in the same variable, for hierarchical codebooks.
    exclusive : bool
        In a multi-label variable, the code cannot be combined with other codes (``none``).
    """

    code: str
    label: str = ""
    definition: str = ""
    include: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    exclude: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    examples: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    parent: str | None = None
    exclusive: bool = False


@attrs.frozen
class Variable:
    """A variable of the codebook: one question a coder answers for every unit.

    Parameters
    ----------
    name : str
        Identifier, also the column name in coding tables (``[A-Za-z_][A-Za-z0-9_]*``, not one
        of ``unit``, ``coder``, ``variable``, ``value``).
    level : Level or str
        Level of measurement.
    label, question, notes : str
        Short label, the question put to the coder, and further coding instructions.
    categories : tuple of Category
        The codes of a categorical variable. Empty for a numeric variable.
    order : tuple of str
        For an ordinal variable with categories: every code, from lowest to highest.
    minimum, maximum : float or None
        Allowed range of a numeric variable (inclusive).
    multi_label : bool
        Whether a unit may receive several codes (a set), e.g. all preconditions a statement
        names. Only nominal variables can be multi-label.
    unit : str
        The unit of coding, e.g. ``"statement"``.

    Raises
    ------
    CodebookError
        Listing every problem, with paths relative to the variable.
    """

    name: str
    level: Level = attrs.field(converter=_to_level)
    label: str = ""
    question: str = ""
    notes: str = ""
    categories: tuple[Category, ...] = attrs.field(default=(), converter=tuple)
    order: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    minimum: float | None = None
    maximum: float | None = None
    multi_label: bool = False
    unit: str = "statement"

    def __attrs_post_init__(self) -> None:
        problems = _variable_problems(self)
        if problems:
            raise CodebookError(problems)

    @property
    def is_categorical(self) -> bool:
        """Whether the variable has categories (as opposed to free numbers)."""
        return bool(self.categories)

    @property
    def codes(self) -> tuple[str, ...]:
        """The category codes, in order (the declared order for ordinal variables)."""
        if self.order:
            return self.order
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category:
        """Return the category with the given code.

        Raises
        ------
        KeyError
            If the variable has no such code; the message lists the valid ones.
        """
        for cat in self.categories:
            if cat.code == code:
                return cat
        msg = f"variable {self.name!r} has no code {code!r}; codes: {', '.join(self.codes)}"
        raise KeyError(msg)

    def children(self, code: str) -> tuple[Category, ...]:
        """Return the categories whose parent is ``code``."""
        return tuple(c for c in self.categories if c.parent == code)


@attrs.frozen
class Codebook:
    """A codebook: named, versioned, with its variables in order.

    Look variables up by name with ``codebook["blame_target"]``; iterate over them with
    ``for variable in codebook``.

    Parameters
    ----------
    name : str
        Short name of the codebook.
    variables : tuple of Variable
        The variables, with unique names.
    version, description : str
        Version string and a description (purpose, unit of coding, general rules).

    Raises
    ------
    CodebookError
        Listing every problem with its path (``variables[2].name: duplicate ...``).

    Examples
    --------
    >>> cb = Codebook(
    ...     name="demo",
    ...     variables=(
    ...         Variable(name="tone", level="ordinal", categories=(Category("neg"),
    ...                  Category("neu"), Category("pos")), order=("neg", "neu", "pos")),
    ...     ),
    ... )
    >>> cb["tone"].level
    <Level.ORDINAL: 'ordinal'>
    >>> "tone" in cb, len(cb)
    (True, 1)
    """

    name: str
    variables: tuple[Variable, ...] = attrs.field(default=(), converter=tuple)
    version: str = ""
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _duplicate_problems(
            [v.name for v in self.variables], "variables", "name", "variable name"
        )
        if not self.name.strip():
            problems.insert(0, Problem("name", "the codebook needs a non-empty name"))
        if problems:
            raise CodebookError(problems)

    def __getitem__(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        known = ", ".join(v.name for v in self.variables) or "(none)"
        msg = f"codebook {self.name!r} has no variable {name!r}; variables: {known}"
        raise KeyError(msg)

    def __contains__(self, name: object) -> bool:
        return any(v.name == name for v in self.variables)

    def __iter__(self) -> Iterator[Variable]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return tuple(v.name for v in self.variables)

    @classmethod
    def from_toml(cls, source: str | os.PathLike[str]) -> Codebook:
        """Read a codebook file or a shipped codebook by name (see :func:`read_codebook`)."""
        # the model does no I/O itself: reading is the io room's job
        from statecode.io import read_codebook  # noqa: PLC0415

        return read_codebook(source)


# --------------------------------------------------------------------------------------------
# validation: pure functions returning every problem, so a loader can report them all at once


def _duplicate_problems(
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


def _variable_problems(var: Variable) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    if not _NAME_RE.match(var.name):
        add(
            Problem(
                "name",
                f"{var.name!r} is not a valid variable name: use letters, digits and _ "
                "(not starting with a digit), e.g. 'blame_target'",
            )
        )
    elif var.name in RESERVED_NAMES:
        add(Problem("name", f"{var.name!r} is reserved for an id column; rename the variable"))

    codes = [c.code for c in var.categories]
    code_set = set(codes)
    for i, cat in enumerate(var.categories):
        for msg in _code_problems(cat.code):
            add(Problem(f"categories[{i}].code", msg))
        if cat.parent is not None:
            if cat.parent == cat.code:
                add(Problem(f"categories[{i}].parent", f"code {cat.code!r} is its own parent"))
            elif cat.parent not in code_set:
                add(
                    Problem(
                        f"categories[{i}].parent",
                        f"parent {cat.parent!r} is not a code of variable {var.name!r}; "
                        "add that category or fix the parent",
                    )
                )
        if cat.exclusive and not var.multi_label:
            add(
                Problem(
                    f"categories[{i}].exclusive",
                    "exclusive only applies to multi-label variables; remove it",
                )
            )
    problems.extend(_duplicate_problems(codes, "categories", "code", "code"))
    problems.extend(_cycle_problems(var))

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


def _cycle_problems(var: Variable) -> list[Problem]:
    """One problem per cycle of two or more codes in the parent links, in linear time.

    Each cycle is reported once, from its first member in category order, and listed in the
    direction of the parent links. (A code that is its own parent is reported elsewhere.)
    """
    parent = {c.code: c.parent for c in var.categories if c.parent is not None}
    index = {c.code: i for i, c in enumerate(var.categories)}
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
