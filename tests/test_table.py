"""Coding tables: reading files, checking values against the codebook, the hop to arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import statecode as sc
from statecode import DataError, InputFileError
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"
HEADER = "unit,coder,precondition,blame_target,blame_intensity,party_status\n"


@pytest.fixture(scope="module")
def codebook() -> sc.Codebook:
    return sc.read_codebook("readouts")


def _problems(tmp_path: Path, body: str, codebook: sc.Codebook, header: str = HEADER) -> list[str]:
    path = tmp_path / "codings.csv"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        sc.read_codings(path, codebook=codebook)
    assert exc.value.source == str(path)
    return [str(p) for p in exc.value.problems]


def test_example_reads_completely(codebook: sc.Codebook) -> None:
    table = sc.read_codings(EXAMPLE, codebook=codebook)
    raw = pl.read_csv(EXAMPLE, infer_schema=False)
    non_missing = sum(raw[c].is_not_null().sum() for c in codebook.names)
    assert len(table) == non_missing  # nothing dropped but the empty cell
    assert table.coders == ("coder_a", "coder_b", "coder_c")
    assert table.variables == codebook.names
    assert len(table.units) == 28
    first = table.data.row(0, named=True)
    assert first == {
        "unit": "kr01",
        "coder": "coder_a",
        "variable": "precondition",
        "value": "none",
        "row": 2,
    }


VALUE_CASES = [
    pytest.param(
        "s1,a,none,nato,0,party\n",
        [
            "row 2, column 'blame_target': unknown code 'nato' for 'blame_target'; "
            "did you mean 'none'?"
        ],
        id="unknown-code",
    ),
    pytest.param(
        "s1,a,none,russia;ukraine,0,party\n",
        [
            "row 2, column 'blame_target': 'russia;ukraine' holds several codes, but "
            "'blame_target' takes one code per unit; keep one"
        ],
        id="set-in-single-label",
    ),
    pytest.param(
        "s1,a,none;neutrality,none,0,party\n",
        [
            "row 2, column 'precondition': code 'none' of 'precondition' cannot be combined "
            "with other codes"
        ],
        id="exclusive-combined",
    ),
    pytest.param(
        "s1,a,neutrality;neutrality,none,0,party\n",
        [
            "row 2, column 'precondition': 'neutrality;neutrality' repeats a code; list each "
            "code once"
        ],
        id="repeated-code",
    ),
    pytest.param(
        "s1,a,none,none,7,party\ns1,b,none,none,0,xyz\n",
        [
            "row 2, column 'blame_intensity': unknown code '7' for 'blame_intensity'",
            "row 3, column 'party_status': unknown code 'xyz' for 'party_status'",
        ],
        id="every-problem-at-once",
    ),
    pytest.param(
        "s1,a,none,none,0,party\ns1,a,none,none,0,party\n",
        ["rows 2, 3: the same row (unit 's1', coder 'a') appears 2 times; delete the repeats"],
        id="duplicate-row",
    ),
    pytest.param(
        ",a,none,none,0,party\ns2,,none,none,0,party\n",
        [
            "row 2: column 'unit' is empty; every coding needs a unit id",
            "row 3: column 'coder' is empty; every coding needs a coder id",
        ],
        id="empty-ids",
    ),
]


@pytest.mark.parametrize(("body", "expected"), VALUE_CASES)
def test_value_problems_exact(
    tmp_path: Path, codebook: sc.Codebook, body: str, expected: list[str]
) -> None:
    assert _problems(tmp_path, body, codebook) == expected


def test_unknown_and_missing_columns(tmp_path: Path, codebook: sc.Codebook) -> None:
    assert _problems(tmp_path, "s1,a,none\n", codebook, header="unit,coder,blame_targt\n") == [
        "column 'blame_targt': not a variable of codebook 'readouts' (did you mean "
        "'blame_target'?); rename it, or choose the variables to read (variables=)"
    ]
    assert _problems(tmp_path, "s1,none\n", codebook, header="unit,precondition\n") == [
        "column 'coder': missing (columns: 'unit', 'precondition'); name the id columns with "
        "unit=/coder="
    ]


def test_numeric_variables_are_checked_against_their_range(tmp_path: Path) -> None:
    cb = sc.Codebook(
        name="n",
        variables=(sc.Variable(name="casualties", level="ratio", minimum=0.0, maximum=1000.0),),
    )
    path = tmp_path / "n.csv"
    path.write_text("unit,coder,casualties\n1,a,12\n1,b,-3\n2,a,many\n2,b,1e9\n", "utf-8")
    with pytest.raises(DataError) as exc:
        sc.read_codings(path, codebook=cb)
    assert [str(p) for p in exc.value.problems] == [
        "row 3, column 'casualties': -3 is below the minimum 0 of 'casualties'",
        "row 4, column 'casualties': 'many' is not a number; 'casualties' takes numbers",
        "row 5, column 'casualties': 1e9 is above the maximum 1000 of 'casualties'",
    ]


def test_multi_label_values_are_put_in_codebook_order(
    tmp_path: Path, codebook: sc.Codebook
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "s1,a,neutrality; halt_mobilization,none,0,party\n", "utf-8")
    # a space after the separator is part of the code unless the reader is told otherwise
    with pytest.raises(sc.DataError, match=r"unknown code ' halt_mobilization' .* it differs "):
        sc.read_codings(path, codebook=codebook)
    table = sc.read_codings(path, codebook=codebook, normalize="strip")
    value = table.data.filter(pl.col("variable") == "precondition")["value"].item()
    assert value == "halt_mobilization;neutrality"
    coding = next(c for c in table.codings() if c.variable == "precondition")
    assert coding.value == frozenset({"halt_mobilization", "neutrality"})


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl"])
def test_every_format_reads_the_same(tmp_path: Path, codebook: sc.Codebook, suffix: str) -> None:
    frame = pl.read_csv(EXAMPLE, infer_schema=False)
    path = tmp_path / f"codings{suffix}"
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".tsv":
        frame.write_csv(path, separator="\t")
    elif suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_ndjson(path)
    table = sc.read_codings(path, codebook=codebook)
    reference = sc.read_codings(EXAMPLE, codebook=codebook)
    assert table.data.drop("row").equals(reference.data.drop("row"))


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"unknown table format '\.xls'"):
        sc.read_codings(tmp_path / "x.xls")
    with pytest.raises(InputFileError, match=r"no such file; check the path"):
        sc.read_codings(tmp_path / "x.csv")


def test_text_stays_text(tmp_path: Path) -> None:
    """No type guessing: '01' and '1' are different codes, and 'NA' is missing."""
    path = tmp_path / "t.csv"
    path.write_text("unit,coder,v\n1,a,01\n1,b,1\n2,a,NA\n2,b,1\n", "utf-8")
    table = sc.read_codings(path)
    assert table.data["value"].to_list() == ["01", "1", "1"]


def test_from_codings_round_trip(codebook: sc.Codebook) -> None:
    table = sc.read_codings(EXAMPLE, codebook=codebook)
    again = sc.CodingTable.from_codings(table.codings(), codebook=codebook)
    key = ["unit", "coder", "variable"]
    assert again.data.drop("row").sort(key).equals(table.data.drop("row").sort(key))


def test_to_reliability_data_uses_the_codebook_order(codebook: sc.Codebook) -> None:
    table = sc.read_codings(EXAMPLE, codebook=codebook)
    rel = table.to_reliability_data("ceasefire_scope")
    assert rel.labels == codebook["ceasefire_scope"].codes
    assert rel.codes.shape == (3, 28)
    rel = table.to_reliability_data("party_status")
    assert int((rel.codes < 0).sum()) == 1  # the one empty cell


def test_reliability_data_from_array_codes_lazily() -> None:
    data = np.array([[0.5, 1.25, np.nan], [0.5, 2.0, 3.0]])
    rel = sc.ReliabilityData.from_array(data)
    assert rel.is_numeric
    assert rel.first_value() == 0.5
    assert rel.labels == (0.5, 1.25, 2.0, 3.0)
    assert rel.codes.tolist() == [[0, 1, -1], [0, 2, 3]]
    assert list(rel.units) == ["0", "1", "2"]
    whole = sc.ReliabilityData.from_array([[3, 5, None], [3, 7, 5]])
    assert whole.labels == (3, 5, 7)
    assert whole.codes.tolist() == [[0, 1, -1], [0, 2, 1]]
    with pytest.raises(DataError, match="infinite values"):
        sc.ReliabilityData.from_array(np.array([[1.0, np.inf], [1.0, 2.0]]))


def test_skip_invalid_leaves_out_what_is_invalid_and_says_so(
    tmp_path: Path, codebook: sc.Codebook
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER
        + "s1,a,none,nato,0,party\n"  # one bad cell: blame_target
        + ",b,none,none,0,party\n"  # no unit id: the whole row
        + "s2,a,none,none,0,party\ns2,a,none,none,1,party\n"  # duplicate: both rows
        + "s3,a,none,none,0,object\n",
        "utf-8",
    )
    with pytest.raises(DataError):
        sc.read_codings(path, codebook=codebook)
    table = sc.read_codings(path, codebook=codebook, skip_invalid=True)
    assert [str(p) for p in table.skipped] == [
        "row 3: column 'unit' is empty; every coding needs a unit id",
        "rows 4, 5: coder 'a' gave unit 's2' more than one value; keep one row per unit and coder",
        "row 2, column 'blame_target': unknown code 'nato' for 'blame_target'; did you mean "
        "'none'?",
    ]
    assert table.units == ("s1", "s3")
    s1 = table.data.filter(pl.col("unit") == "s1")
    assert sorted(s1["variable"].to_list()) == ["blame_intensity", "party_status", "precondition"]
