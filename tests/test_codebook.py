"""The codebook model: construction, lookup, and every validation rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statecode import Category, Codebook, CodebookError, Level, Variable


def _cats(*codes: str, **kw: str | None) -> tuple[Category, ...]:
    return tuple(Category(code=c, parent=kw.get(c)) for c in codes)


def _problems(exc: pytest.ExceptionInfo[CodebookError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_lookup_by_name_and_iteration() -> None:
    tone = Variable(name="tone", level="ordinal", categories=_cats("lo", "hi"), order=("lo", "hi"))
    blame = Variable(name="blame", level=Level.NOMINAL, categories=_cats("a", "b"))
    cb = Codebook(name="demo", variables=(tone, blame))
    assert cb["blame"] is blame
    assert [v.name for v in cb] == ["tone", "blame"]
    assert cb.names == ("tone", "blame")
    assert "tone" in cb
    assert "nope" not in cb
    assert tone.codes == ("lo", "hi")
    assert tone.category("hi").code == "hi"


def test_unknown_variable_lists_the_known_ones() -> None:
    cb = Codebook(
        name="demo", variables=(Variable(name="a", level="nominal", categories=_cats("x")),)
    )
    with pytest.raises(KeyError, match=r"codebook 'demo' has no variable 'b'; variables: a"):
        cb["b"]


def test_unknown_code_lists_the_codes() -> None:
    var = Variable(name="a", level="nominal", categories=_cats("x", "y"))
    with pytest.raises(KeyError, match=r"variable 'a' has no code 'z'; codes: x, y"):
        var.category("z")


def test_order_defines_codes_of_ordinal_variable() -> None:
    var = Variable(name="v", level="ordinal", categories=_cats("hi", "lo"), order=("lo", "hi"))
    assert var.codes == ("lo", "hi")


def test_children() -> None:
    var = Variable(name="v", level="nominal", categories=_cats("a", "b", "c", b="a", c="a"))
    assert [c.code for c in var.children("a")] == ["b", "c"]


def test_level_typo_is_refused_with_choices() -> None:
    with pytest.raises(CodebookError) as exc:
        Variable(name="v", level="nomnal", categories=_cats("a"))
    assert _problems(exc) == [
        "level: 'nomnal' is not a level of measurement; use one of "
        "'nominal', 'ordinal', 'interval', 'ratio'"
    ]


def test_codebook_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="duplicate variable name"):
        Codebook(
            name="x",
            variables=(
                Variable(name="a", level="nominal", categories=_cats("x")),
                Variable(name="a", level="nominal", categories=_cats("x")),
            ),
        )


CASES: list[tuple[dict[str, object], list[str]]] = [
    (
        {"name": "1abc", "level": "nominal", "categories": _cats("a")},
        [
            "name: '1abc' is not a valid variable name: use letters, digits and _ "
            "(not starting with a digit), e.g. 'blame_target'"
        ],
    ),
    (
        {"name": "unit", "level": "nominal", "categories": _cats("a")},
        ["name: 'unit' is reserved for an id column; rename the variable"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a", "a")},
        ["categories[1].code: duplicate code 'a' (first used at categories[0])"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats(" a")},
        ["categories[0].code: code ' a' has leading or trailing spaces; write 'a'"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("")},
        ["categories[0].code: a code must not be empty"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a;b")},
        ["categories[0].code: code 'a;b' contains ';', which separates codes in tables; remove it"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a", "b", a="west")},
        [
            "categories[0].parent: parent 'west' is not a code of variable 'v'; "
            "add that category or fix the parent"
        ],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a", a="a")},
        ["categories[0].parent: code 'a' is its own parent"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a", "b", "c", a="b", b="c", c="a")},
        [
            "categories[0].parent: the hierarchy has a cycle: a -> b -> c -> a; "
            "a category cannot be its own ancestor"
        ],
    ),
    (
        {"name": "v", "level": "nominal", "categories": (Category("none", exclusive=True),)},
        ["categories[0].exclusive: exclusive only applies to multi-label variables; remove it"],
    ),
    (
        {
            "name": "v",
            "level": "ordinal",
            "categories": _cats("a"),
            "order": ("a",),
            "multi_label": True,
        },
        [
            "multi_label: a multi-label variable holds sets of codes and must be nominal, "
            "not ordinal; set level = 'nominal' or multi_label = false"
        ],
    ),
    (
        {"name": "v", "level": "nominal", "multi_label": True},
        [
            "categories: a multi-label variable needs categories",
            "categories: a nominal variable needs categories; add [[categories]]",
        ],
    ),
    (
        {"name": "v", "level": "ordinal", "categories": _cats("lo", "hi")},
        [
            "order: an ordinal variable needs an order: add order = [...] listing every code "
            "from lowest to highest (codes: 'lo', 'hi')"
        ],
    ),
    (
        {"name": "v", "level": "ordinal"},
        [
            "order: an ordinal variable needs an order: add categories with "
            "order = [codes from lowest to highest], or a numeric minimum and maximum"
        ],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a"), "order": ("a",)},
        [
            "order: order only applies to ordinal variables, and this one is nominal; "
            "remove order or set level = 'ordinal'"
        ],
    ),
    (
        {"name": "v", "level": "ordinal", "categories": _cats("a", "b"), "order": ("a", "a", "x")},
        [
            "order[1]: code 'a' appears twice in order",
            "order[2]: 'x' is not a code of variable 'v'",
            "order: order must list every code; missing: 'b'",
        ],
    ),
    (
        {"name": "v", "level": "interval", "minimum": 5.0, "maximum": 1.0},
        ["minimum: minimum 5.0 is greater than maximum 1.0"],
    ),
    (
        {"name": "v", "level": "nominal", "categories": _cats("a"), "maximum": 1.0},
        [
            "minimum: a variable has either categories or a numeric range, not both; "
            "remove minimum/maximum"
        ],
    ),
    (
        {"name": "v", "level": "interval", "categories": _cats("1", "high")},
        [
            "categories[1].code: code 'high' is not a number, but interval variables need "
            "numeric codes; use level = 'ordinal' or 'nominal'"
        ],
    ),
    (
        {"name": "v", "level": "ratio", "minimum": -1.0},
        ["minimum: ratio values cannot be negative (minimum is -1.0); use level = 'interval'"],
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), CASES)
def test_variable_problems_exact_messages(kwargs: dict[str, object], expected: list[str]) -> None:
    with pytest.raises(CodebookError) as exc:
        Variable(**kwargs)  # type: ignore[arg-type]
    assert _problems(exc) == expected


def test_codebook_needs_a_name() -> None:
    with pytest.raises(CodebookError) as exc:
        Codebook(name=" ")
    assert _problems(exc) == ["name: the codebook needs a non-empty name"]


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(CodebookError) as exc:
        Variable(name="unit", level="ordinal", categories=_cats("a", "a"))
    text = str(exc.value)
    assert text.startswith("3 problems:\n")
    assert "  name: 'unit' is reserved" in text
    assert "  categories[1].code: duplicate code 'a'" in text
    assert "  order: an ordinal variable needs an order" in text


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_numeric_variables_without_categories_are_valid(level: str) -> None:
    var = Variable(name="count", level=level, minimum=0.0, maximum=10.0)
    assert not var.is_categorical
    assert var.codes == ()


def test_lone_string_rule_becomes_one_rule() -> None:
    cat = Category(code="a", include="one rule")  # type: ignore[arg-type]
    assert cat.include == ("one rule",)


def _cycles_by_walking(parent: dict[str, str], codes: list[str]) -> list[str]:
    """Reference: walk up from every code in order; report a cycle from its first member."""
    reported: set[str] = set()
    out = []
    for start in (c for c in codes if c in parent):
        path = [start]
        node = parent.get(start)
        while node is not None and node not in path and node in parent:
            path.append(node)
            node = parent.get(node)
        if node == start and len(path) > 1 and start not in reported:
            reported.update(path)
            out.append(
                f"categories[{codes.index(start)}].parent: the hierarchy has a cycle: "
                f"{' -> '.join([*path, start])}; a category cannot be its own ancestor"
            )
    return out


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.permutations([f"k{i}" for i in range(n)]),
            st.lists(st.integers(-1, n - 1), min_size=n, max_size=n),
        )
    )
)
def test_every_cycle_is_reported_once_from_its_first_code(
    data: tuple[list[str], list[int]],
) -> None:
    codes, targets = data
    parent = {c: f"k{t}" for c, t in zip(codes, targets, strict=True) if t >= 0 and f"k{t}" != c}
    try:
        Variable(name="v", level="nominal", categories=_cats(*codes, **parent))
        problems = []
    except CodebookError as exc:
        problems = [str(p) for p in exc.problems]
    cycles = [p for p in problems if "cycle" in p]
    assert all("parent" not in p or "cycle" in p for p in problems)
    assert cycles == _cycles_by_walking(parent, codes)


def test_a_deep_hierarchy_is_checked_in_linear_time() -> None:
    # a chain of 20,000 codes closed into one cycle: walking up from every code (quadratic
    # walks with a linear membership test) would not finish
    n = 20_000
    codes = [f"c{i}" for i in range(n)]
    parent = {f"c{i}": f"c{(i + 1) % n}" for i in range(n)}
    with pytest.raises(CodebookError) as exc:
        Variable(name="v", level="nominal", categories=_cats(*codes, **parent))
    (problem,) = _problems(exc)
    assert problem.startswith("categories[0].parent: the hierarchy has a cycle: c0 -> c1 -> ")
    assert problem.endswith(" -> c19999 -> c0; a category cannot be its own ancestor")
