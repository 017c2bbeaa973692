"""The coding table as read (a row per unit and coder): against the long table, from the definition.

``CodingTable.from_frame`` keeps the frame's shape and codes ids and values once; every
figure it gives (the long table, the ids in order, each variable's reliability data) must
be what the long table says, whatever the order of the rows, and whichever route codes a
column (runs of grouped rows, a categorical column, a hash of text).
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import statecode as sc
from statecode._values import number_label, sort_key
from statecode.exceptions import DataError
from statecode.table import LONG_SCHEMA, _checks, _codes, _columns
from statecode.table._reliability import Texts
from tests.strategies import coding_frames

Row = tuple[str, str, str, str, int]


def naive_long(columns: dict[str, list[str | None]], first_row: int = 2) -> list[Row]:
    """The long table straight from the definition: variable by variable, row by row."""
    out = []
    for name in (k for k in columns if k not in ("unit", "coder")):
        for i, value in enumerate(columns[name]):
            if value is not None and value != "":
                out.append((columns["unit"][i], columns["coder"][i], name, value, i + first_row))
    return out


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def naive_reliability(rows: list[Row], variable: str) -> dict[str, Any]:
    """Units, coders (in the order first seen), labels and the coders x units codes."""
    part = [r for r in rows if r[2] == variable]
    units = list(dict.fromkeys(r[0] for r in part))
    coders = list(dict.fromkeys(r[1] for r in part))
    numbers = [_number(r[3]) for r in part]
    if all(n is not None for n in numbers):
        distinct = sorted(set(numbers))  # type: ignore[type-var]
        labels: tuple[Any, ...] = tuple(number_label(v) for v in distinct)
        keys: list[Any] = numbers
        index = {v: i for i, v in enumerate(distinct)}
    else:
        labels = tuple(sorted({r[3] for r in part}, key=sort_key))
        keys = [r[3] for r in part]
        index = {v: i for i, v in enumerate(labels)}
    codes = np.full((len(coders), len(units)), -1, dtype=np.int32)
    for r, key in zip(part, keys, strict=True):
        codes[coders.index(r[1]), units.index(r[0])] = index[key]
    return {"units": tuple(units), "coders": tuple(coders), "labels": labels, "codes": codes}


def _quiet_table(frame: pl.DataFrame, **options: Any) -> sc.CodingTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sc.NearDuplicateValuesWarning)
        return sc.CodingTable.from_frame(frame, **options)


def _check_against_naive(table: sc.CodingTable, rows: list[Row]) -> None:
    assert table.data.rows() == rows
    assert len(table) == len(rows)
    assert table.units == tuple(dict.fromkeys(r[0] for r in rows))
    assert table.coders == tuple(dict.fromkeys(r[1] for r in rows))
    assert table.variables == tuple(dict.fromkeys(r[2] for r in rows))
    long_form = sc.CodingTable(table.data)
    # the counts validate prints, without listing the ids
    expected_counts = (len(table.units), len(table.coders))
    assert table.id_counts() == expected_counts
    assert long_form.id_counts() == expected_counts
    for variable in table.variables:
        expected = naive_reliability(rows, variable)
        for rel in (table.to_reliability_data(variable), long_form.to_reliability_data(variable)):
            assert tuple(rel.units) == expected["units"]
            assert tuple(rel.coders) == expected["coders"]
            assert rel.labels == expected["labels"]
            np.testing.assert_array_equal(rel.codes, expected["codes"])
        coders, units = table.shape_of(variable)
        assert (coders, units) == (len(expected["coders"]), len(expected["units"]))


@given(coding_frames())
def test_the_table_is_the_long_table(columns: dict[str, list[str | None]]) -> None:
    rows = naive_long(columns)
    if not rows:
        return
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    table = _quiet_table(frame)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_columns, "_PLACE_ROWS", 3)  # rows placed in several chunks
        patch.setattr(_columns, "_FIRST_ROWS", 2)  # ids counted past the first rows
        _check_against_naive(table, rows)
    # every row's ids, with a value or not: the bound of each variable's shape
    totals = (frame["unit"].n_unique(), frame["coder"].n_unique())
    assert table.id_totals() == totals
    assert sc.CodingTable(table.data).id_totals() == table.id_counts()
    for variable in table.variables:
        coders, units = table.shape_of(variable)
        assert units <= totals[0]
        assert coders <= totals[1]


@pytest.mark.parametrize(
    ("variables", "runs"),
    [(1, True), (1, False), (2, True)],
    ids=["scattered", "capped", "indexed"],
)
def test_coders_come_in_the_order_of_their_first_value(
    variables: int, runs: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # c0 is seen first, but c1's value comes first: within unit u1, c1's row is before
    # c0's (one variable: codes scattered into place, each coder's first row looked for
    # in its unit's run, or, past the cap on those runs, in the index; two: the index)
    if not runs:
        monkeypatch.setattr(_columns.Placement, "_rows_at", lambda self, units: None)
    columns: dict[str, list[str | None]] = {
        "unit": ["u0", "u0", "u1", "u1", "u2", "u2"],
        "coder": ["c0", "c1", "c1", "c0", "c0", "c1"],
        "v0": [None, None, "a", "b", "a", None],
    }
    if variables == 2:
        columns["v1"] = ["x", None, None, None, None, None]
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    table = _quiet_table(frame)
    assert table.to_reliability_data("v0").coders == ("c1", "c0")
    _check_against_naive(table, naive_long(columns))


def test_coders_first_rows_past_the_cap_come_from_the_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # three coders whose first values are all in u1 (a run of 3 rows): 9 rows searched
    # for a table of 6, past the cap, so the row index finds them; the order is the same
    columns: dict[str, list[str | None]] = {
        "unit": ["u0", "u0", "u0", "u1", "u1", "u1"],
        "coder": ["c0", "c1", "c2", "c2", "c1", "c0"],
        "v0": [None, None, None, "a", "b", "a"],
    }
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    monkeypatch.setattr(_columns, "_RUNS_CAP", 0)
    searched: list[bool] = []
    found = _columns.Placement._rows_at

    def spy(self: _columns.Placement, units: Any) -> Any:
        result = found(self, units)
        searched.append(result is None)
        return result

    monkeypatch.setattr(_columns.Placement, "_rows_at", spy)
    table = _quiet_table(frame)
    assert table.to_reliability_data("v0").coders == ("c2", "c1", "c0")
    assert searched == [True]  # capped: the index answered


@given(coding_frames())
def test_categorical_columns_give_the_same_table(columns: dict[str, list[str | None]]) -> None:
    # the CSV reader parses coder and value columns as categorical text
    rows = naive_long(columns)
    if not rows:
        return
    kind = pl.Categorical(pl.Categories.random())
    schema = {k: (pl.String if k == "unit" else kind) for k in columns}
    frame = pl.DataFrame(columns, schema=schema)
    _check_against_naive(_quiet_table(frame), rows)


@given(coding_frames(), st.data())
def test_a_table_of_some_units_is_those_rows(
    columns: dict[str, list[str | None]], data: st.DataObject
) -> None:
    rows = naive_long(columns)
    if not rows:
        return
    table = _quiet_table(pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)))
    chosen = data.draw(st.sets(st.sampled_from(table.units)))
    part = table.where_units(chosen)
    assert part.data.rows() == [r for r in rows if r[0] in chosen]
    assert part.codebook is table.codebook
    assert part.source == table.source


@given(coding_frames())
def test_cells_and_distinct_values(columns: dict[str, list[str | None]]) -> None:
    rows = naive_long(columns)
    if not rows:
        return
    table = _quiet_table(pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)))
    for variable in table.variables:
        seen = dict.fromkeys(r[3] for r in rows if r[2] == variable)
        assert table.distinct_values(variable) == tuple(seen)
    wanted = ["a", "1"]
    found = table.cells_with(wanted).select("unit", "coder", "variable", "value", "row")
    assert found.rows() == [r for r in rows if r[3] in wanted]


@st.composite
def frames_with_problems(draw: st.DrawFn) -> dict[str, list[str | None]]:
    """Rows drawn with replacement (a unit and coder twice), ids sometimes blank or null."""
    ids = st.sampled_from(["u0", "u1", "u2", "", " ", None])
    n = draw(st.integers(1, 8))
    return {
        "unit": draw(st.lists(ids, min_size=n, max_size=n)),
        "coder": draw(st.lists(st.sampled_from(["c0", "c1", " ", None]), min_size=n, max_size=n)),
        "v0": draw(st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n)),
    }


@given(frames_with_problems(), st.booleans())
def test_every_id_problem_is_found(columns: dict[str, list[str | None]], grouped: bool) -> None:
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    if grouped:
        frame = frame.sort("unit", maintain_order=True, nulls_last=True)
    units, coders = frame["unit"].to_list(), frame["coder"].to_list()
    blank = any(x is None or not x.strip() for x in units + coders)
    pairs = list(zip(units, coders, strict=True))
    twice = len(set(pairs)) < len(pairs)
    if blank or twice:
        with pytest.raises(DataError):
            _quiet_table(frame)
        skipped = _quiet_table(frame, skip_invalid=True)
        assert skipped.skipped
    else:
        assert _quiet_table(frame).skipped == ()


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", None]), max_size=30),
    st.booleans(),
    st.integers(1, 8),
    st.integers(1, 6),
    st.integers(0, 6),
)
# a text first seen after the sampled rows: through the Enum, and through the comparisons
@example(values=["a", "c", "a", "b"], grouped=False, sample=2, few=6, compared=0)
@example(values=["a", "c", "a", "b"], grouped=False, sample=2, few=6, compared=6)
def test_code_column_routes_agree(
    values: list[str | None], grouped: bool, sample: int, few: int, compared: int
) -> None:
    # every route (runs, few texts found in the first rows, the categorical cast) gives the
    # codes in the order first seen: also when a text first appears after the sampled rows,
    # or the sample holds more texts than the few route takes
    if grouped:
        values = sorted(values, key=lambda v: (v is None, v or ""))
    series = pl.Series(values, dtype=pl.String)
    expected_distinct = list(dict.fromkeys(v for v in values if v is not None))
    expected = [-1 if v is None else expected_distinct.index(v) for v in values]
    kind = pl.Categorical(pl.Categories.random())
    # categories shared with another column first: physical codes that do not start at 0
    shared = pl.Categorical(pl.Categories.random())
    pl.Series(["z", "e", "y", "b"]).cast(shared)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_codes, "_SAMPLE", sample)
        patch.setattr(_codes, "_FEW", few)
        patch.setattr(_codes, "_COMPARED", compared)  # comparisons up to it, then an Enum
        for column in (series, series.cast(kind), series.cast(shared)):
            coded = _codes.code_column(column)
            assert coded.codes.tolist() == expected
            assert coded.distinct.to_list() == expected_distinct
            if coded.ordered:
                assert all(a <= b for a, b in itertools.pairwise(expected))


def test_grouped_rows_take_the_run_route() -> None:
    coded = _codes.code_column(pl.Series(["x", "x", "y", "y", "z", "z"]))
    assert coded.ordered
    assert coded.codes.tolist() == [0, 0, 1, 1, 2, 2]
    # a text that comes back after others: not runs, the same codes
    back = _codes.code_column(pl.Series(["x", "x", "y", "y", "x", "x"]))
    assert not back.ordered
    assert back.codes.tolist() == [0, 0, 1, 1, 0, 0]


@pytest.mark.parametrize("per_row", [0, 8], ids=["hashed", "table"])
@pytest.mark.parametrize("block", [0, 1, 3], ids=["all", "blocks of 1", "blocks of 3"])
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), max_size=20))
def test_duplicate_pairs_all_routes(per_row: int, block: int, pairs: list[tuple[int, int]]) -> None:
    # block 0: rows in any order, one table (or hash) of every pair; else rows grouped by
    # the first code, checked in blocks of whole runs (a run longer than a block alone)
    if block:
        pairs = sorted(pairs, key=lambda p: p[0])
    first = np.array([a for a, _ in pairs], dtype=np.int32)
    second = np.array([b for _, b in pairs], dtype=np.int32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_codes, "_TABLE_PER_ROW", per_row)
        if block:
            patch.setattr(_codes, "_BLOCK_ROWS", block)
            if per_row == 0:  # past the small tables' allowance: hashed per block
                patch.setattr(_codes, "_SMALL_TABLE", 0)
        big = 1 << 21 if per_row == 0 else 5  # a table past the limit: hashed
        found = _codes.has_duplicate_pairs(first, second, big, 3, grouped=bool(block))
    assert found == (len(set(pairs)) < len(pairs))


@given(st.lists(st.integers(0, 5), max_size=30), st.booleans())
def test_first_seen_both_routes(codes: list[int], ordered: bool) -> None:
    if ordered:
        codes = sorted(codes)
    array = np.array(codes, dtype=np.int32)
    found = _codes.first_seen(array, 6, ordered=ordered)
    assert found.tolist() == list(dict.fromkeys(codes))


def test_reliability_data_are_made_once_and_read_only() -> None:
    frame = pl.DataFrame({"unit": ["1", "1", "2"], "coder": ["a", "b", "a"], "v": ["x", "y", "x"]})
    table = sc.CodingTable.from_frame(frame)
    first = table.to_reliability_data("v")
    assert table.to_reliability_data("v") is first
    assert not first.codes.flags.writeable
    # other options: other data
    assert table.to_reliability_data("v", domain=["y", "x"]) is not first
    # a domain that cannot be a key (lists of codes) is made each time, and right
    variable = sc.Variable(
        name="v",
        level="nominal",
        multi_label=True,
        categories=(sc.Category(code="p"), sc.Category(code="q")),
    )
    book = sc.Codebook(name="sets", variables=(variable,))
    sets = sc.CodingTable.from_frame(
        pl.DataFrame({"unit": ["1", "1"], "coder": ["a", "b"], "v": ["p;q", "q;p"]}),
        codebook=book,
    )
    made = sets.to_reliability_data("v", domain=[["p", "q"]])
    assert made.labels == (frozenset({"p", "q"}),)
    assert sets.to_reliability_data("v", domain=[["p", "q"]]) is not made


def test_a_table_needs_its_codings() -> None:
    with pytest.raises(sc.DataTypeError, match="needs its codings"):
        sc.CodingTable()


@pytest.mark.parametrize("first_rows", [1 << 16, 1])
def test_ids_of_the_few_rows_without_a_value_are_counted_only_if_held_elsewhere(
    first_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 24 rows, 3 without a value (few: only their ids are looked at): unit u11 has no
    # other row, so it holds no value; unit u0 and both coders have other rows that do,
    # past the first rows when only one is looked through first
    monkeypatch.setattr(_columns, "_FIRST_ROWS", first_rows)
    units = [f"u{i // 2}" for i in range(24)]
    coders = [f"c{i % 2}" for i in range(24)]
    values: list[str | None] = ["a"] * 24
    values[0] = values[22] = values[23] = None
    frame = pl.DataFrame(
        {"unit": units, "coder": coders, "v0": values},
        schema=dict.fromkeys(["unit", "coder", "v0"], pl.String),
    )
    table = _quiet_table(frame)
    assert table.id_counts() == (11, 2) == (len(table.units), len(table.coders))


def test_a_long_table_refuses_a_coding_without_a_value() -> None:
    # a null value in CodingTable(data) was read as the domain's last value; a row of the
    # long table is a coding, so a null there is an error naming the column and rows
    data = pl.DataFrame(
        {
            "unit": ["u1", "u1", "u2", "u2"],
            "coder": ["A", "B", "A", "B"],
            "variable": ["v"] * 4,
            "value": ["x", "y", None, None],
            "row": [None] * 4,
        },
        schema=LONG_SCHEMA,
    )
    with pytest.raises(DataError, match=r"column 'value'.*2 null\(s\), at rows 2, 3 of data"):
        sc.CodingTable(data, source="mine.csv")
    kept = sc.CodingTable(data.drop_nulls("value"))  # the remedy the message gives
    assert kept.to_reliability_data("v").codes.tolist() == [[0], [1]]
    with pytest.raises(DataError, match=r"column 'coder'"):
        sc.CodingTable(data.with_columns(pl.lit(None, pl.String).alias("coder")))


def test_a_long_table_refuses_two_values_of_one_coding() -> None:
    # placed in the coders x units array, the later row would silently win
    data = pl.DataFrame(
        {
            "unit": ["u1", "u1", "u1", "u2", "u2", "u2"],
            "coder": ["A", "A", "B", "A", "B", "B"],
            "variable": ["v"] * 6,
            "value": ["x", "y", "x", "y", "y", "y"],
            "row": [None] * 6,
        },
        schema=LONG_SCHEMA,
    )
    with pytest.raises(DataError) as raised:
        sc.CodingTable(data, source="mine.csv")
    text = str(raised.value)
    assert "rows 0, 1 of data (from 0): coder 'A' gave unit 'u1' 2 values of 'v'" in text
    assert "rows 4, 5 of data (from 0): the same coding (unit 'u2', coder 'B'" in text
    # one value per unit, coder and variable: another variable may repeat the pair
    other = data.with_columns(pl.Series("variable", ["v", "w", "v", "v", "v", "w"]))
    assert sc.CodingTable(other).to_reliability_data("v").codes.tolist() == [[0, 1], [0, 1]]


def test_equal_hashes_without_a_repeat_are_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # two codings whose hashes collide are compared, not refused
    monkeypatch.setattr(_checks, "_distinct_hashes", lambda data, key: False)
    data = pl.DataFrame(
        {"unit": ["u1", "u1"], "coder": ["A", "B"], "variable": ["v", "v"], "value": ["x", "x"]},
        schema=dict.fromkeys(("unit", "coder", "variable", "value"), pl.String),
    )
    assert sc.CodingTable(data).to_reliability_data("v").codes.tolist() == [[0], [0]]
    with pytest.raises(DataError, match="appears 2 times"):
        sc.CodingTable(pl.concat([data, data.head(1)]))


def test_rows_in_no_order_are_not_run_length_encoded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # the first rows show that the texts are not grouped: no runs of the whole column
    # (a copy of its texts) are made
    def refused(self: pl.Series) -> pl.Series:
        raise AssertionError("the whole column was run-length encoded")

    monkeypatch.setattr(_codes, "_SAMPLE", 4)
    column = pl.Series(["a", "b", "c", "d", "a", "a", "b", "b"])
    with monkeypatch.context() as patch:
        patch.setattr(pl.Series, "rle", refused)
        assert _codes._runs(column) is None
    grouped = _codes._runs(pl.Series(["a", "a", "b", "b", "c", "c", "d", "d"]))
    assert grouped is not None
    assert grouped.codes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert grouped.codes.dtype == np.int32


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64"])
@pytest.mark.parametrize("size", [0, 1, 5, 1 << 12, (1 << 12) + 1])
def test_small_series_is_the_series_polars_makes(dtype: str, size: int) -> None:
    values = (np.arange(size) % 100).astype(dtype)
    made = _codes.small_series(values)
    expected = pl.Series(values)
    assert made.dtype == expected.dtype
    assert made.to_list() == expected.to_list()


def test_ids_in_an_order_are_taken_when_asked_for() -> None:
    ids = Texts(pl.Series(["u1", "u2", "u3"]), np.array([2, 0]))
    assert len(ids) == 2
    assert list(ids) == ["u3", "u1"]
    assert ids == ("u3", "u1")
    assert ids[1] == "u1"
    assert Texts(pl.Series(["u1", "u2"])) == ["u1", "u2"]


def test_a_unit_no_coder_coded_leaves_the_reliability_data() -> None:
    frame = pl.DataFrame(
        {
            "unit": ["u1", "u1", "u2", "u2", "u3", "u3"],
            "coder": ["a", "b", "a", "b", "a", "b"],
            "value": ["x", "y", None, None, "x", "x"],
        }
    )
    rel = sc.CodingTable.from_frame(frame).to_reliability_data("value")
    assert len(rel.units) == 2
    assert list(rel.units) == ["u1", "u3"]
    assert rel.codes.shape == (2, 2)


def test_runs_whose_lengths_are_64_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    # polars' 64-bit runtime (polars[rt64]) gives run lengths as UInt64, which np.repeat
    # refuses as counts: the review found the run route failing there
    rle = pl.Series.rle

    def wide(self: pl.Series) -> pl.Series:
        runs = rle(self).struct.unnest()
        return runs.with_columns(pl.col("len").cast(pl.UInt64)).to_struct(self.name)

    monkeypatch.setattr(pl.Series, "rle", wide)
    coded = _codes.code_column(pl.Series(["a", "a", "b", "c", "c", "c"]))
    assert coded.ordered
    assert coded.codes.tolist() == [0, 0, 1, 2, 2, 2]
