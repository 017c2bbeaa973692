"""Hypothesis strategies for statecode's model objects."""

from __future__ import annotations

from hypothesis import strategies as st

from statecode import Category, Codebook, Level, Variable
from statecode.codebook import RESERVED_NAMES

# any text TOML can hold: no surrogates
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
short_texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(
    lambda n: n not in RESERVED_NAMES
)
codes = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters=";"),
    min_size=1,
    max_size=12,
)
numeric_codes = st.integers(-50, 50).map(str)
rules = st.lists(texts, max_size=3).map(tuple)


@st.composite
def categories(
    draw: st.DrawFn, *, code_strategy: st.SearchStrategy[str] = codes, multi_label: bool = False
) -> tuple[Category, ...]:
    """Categories with unique codes and an acyclic hierarchy (parents drawn from earlier codes)."""
    unique = draw(st.lists(code_strategy, min_size=1, max_size=6, unique=True))
    out = []
    for i, code in enumerate(unique):
        parent = draw(st.none() | st.sampled_from(unique[:i])) if i else None
        out.append(
            Category(
                code=code,
                label=draw(short_texts),
                definition=draw(texts),
                include=draw(rules),
                exclude=draw(rules),
                examples=draw(rules),
                parent=parent,
                exclusive=draw(st.booleans()) if multi_label else False,
            )
        )
    return tuple(out)


@st.composite
def variables(draw: st.DrawFn, name: str | None = None) -> Variable:
    """A valid variable of any level."""
    level = draw(st.sampled_from(list(Level)))
    common = {
        "name": name or draw(names),
        "level": level,
        "label": draw(short_texts),
        "question": draw(texts),
        "notes": draw(texts),
        "unit": draw(st.sampled_from(["statement", "document", "paragraph"])),
    }
    if level is Level.NOMINAL:
        multi = draw(st.booleans())
        return Variable(**common, categories=draw(categories(multi_label=multi)), multi_label=multi)
    if level is Level.ORDINAL:
        cats = draw(categories())
        order = draw(st.permutations([c.code for c in cats]))
        return Variable(**common, categories=cats, order=tuple(order))
    if draw(st.booleans()):
        return Variable(**common, categories=draw(categories(code_strategy=numeric_codes)))
    lo = draw(st.none() | st.floats(0, 1e6, allow_nan=False))
    hi = draw(st.none() | st.floats(1e6, 1e7, allow_nan=False))
    return Variable(**common, minimum=lo, maximum=hi)


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    """A valid codebook with 0 to 4 variables of unique names."""
    var_names = draw(st.lists(names, max_size=4, unique=True))
    return Codebook(
        name=draw(names),
        version=draw(short_texts),
        description=draw(texts),
        variables=tuple(draw(variables(name=n)) for n in var_names),
    )


@st.composite
def reliability_matrices(
    draw: st.DrawFn,
    *,
    max_coders: int = 6,
    max_units: int = 25,
    values: st.SearchStrategy[int] | None = None,
    complete: bool = False,
) -> list[list[float]]:
    """Coders x units lists of numbers, NaN for missing, with some agreement built in."""
    m = draw(st.integers(2, max_coders))
    n_units = draw(st.integers(2, max_units))
    value = values if values is not None else st.integers(0, 4)
    truth = [draw(value) for _ in range(n_units)]
    agree = draw(st.floats(0.0, 1.0))
    missing = 0.0 if complete else draw(st.floats(0.0, 0.4))
    rows = []
    for _ in range(m):
        row = []
        for u in range(n_units):
            if draw(st.floats(0, 1)) < missing:
                row.append(float("nan"))
            elif draw(st.floats(0, 1)) < agree:
                row.append(float(truth[u]))
            else:
                row.append(float(draw(value)))
        rows.append(row)
    return rows


def pairable_values(matrix: list[list[float]]) -> list[float]:
    """The values of units holding two or more values."""
    out: list[float] = []
    for u in range(len(matrix[0])):
        column = [row[u] for row in matrix if row[u] == row[u]]
        if len(column) >= 2:
            out += column
    return out


def varied(matrix: list[list[float]]) -> bool:
    """Whether alpha is defined: two or more distinct pairable values."""
    return len(set(pairable_values(matrix))) >= 2


# cells of coding frames: codes that look alike, numbers, text with spaces, empty cells
cell_values = st.one_of(
    st.none(),
    st.sampled_from(["a", "b", "B", " a", "0", "1", "2", "10", "1.5", "", "x;y"]),
)


@st.composite
def coding_frames(
    draw: st.DrawFn, *, max_units: int = 6, max_coders: int = 4, max_variables: int = 3
) -> dict[str, list[str | None]]:
    """Columns of a coding frame: unit, coder, v0, v1, ...: one row per unit and coder.

    The rows come grouped by unit (coders in order, or not), grouped by coder, or shuffled;
    units and coders may be left out of rows, values may be missing or empty.
    """
    units = [f"u{i}" for i in range(draw(st.integers(1, max_units)))]
    coders = [f"c{i}" for i in range(draw(st.integers(1, max_coders)))]
    pairs = [(u, c) for u in units for c in coders]
    kept = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    layout = draw(st.sampled_from(["by unit", "by unit, any coder order", "by coder", "shuffled"]))
    if layout == "by unit":
        kept.sort(key=lambda p: (units.index(p[0]), coders.index(p[1])))
    elif layout == "by unit, any coder order":
        kept = draw(st.permutations(kept))
        kept.sort(key=lambda p: units.index(p[0]))
    elif layout == "by coder":
        kept.sort(key=lambda p: (coders.index(p[1]), units.index(p[0])))
    n_vars = draw(st.integers(1, max_variables))
    columns: dict[str, list[str | None]] = {
        "unit": [u for u, _ in kept],
        "coder": [c for _, c in kept],
    }
    for i in range(n_vars):
        pool = draw(st.sampled_from(["text", "numbers", "any"]))
        values = {
            "text": st.one_of(st.none(), st.sampled_from(["a", "b", "c", "B", " a"])),
            "numbers": st.one_of(st.none(), st.sampled_from(["0", "1", "2", "10", "1.5"])),
            "any": cell_values,
        }[pool]
        columns[f"v{i}"] = draw(st.lists(values, min_size=len(kept), max_size=len(kept)))
    return columns
