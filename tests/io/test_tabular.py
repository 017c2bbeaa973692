"""Tidy tables: every format round-trips exactly; spreadsheet formulas are neutralised."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statecode as sc
from statecode import DataError, InputFileError, read_table, write_table
from statecode.io._tabular import spreadsheet_escape, spreadsheet_unescape
from tests.conftest import ROOT

FORMATS = [".csv", ".tsv", ".parquet", ".jsonl", ".xlsx"]
MISSING = {"", "NA", "NaN", "."}

ids = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(
    lambda s: s.strip() == s and s not in MISSING
)
values = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s not in MISSING and s.strip())


# Excel cannot hold control characters (nor keep a carriage return): statecode refuses them
# for .xlsx (tested below), so the .xlsx round trip draws text without them
xlsx_values = st.text(
    st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s not in MISSING and s.strip())


@st.composite
def tables(draw: st.DrawFn, value: st.SearchStrategy[str] = values) -> sc.CodingTable:
    variables = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
            min_size=1,
            max_size=3,
            unique=True,
        ).filter(lambda vs: not {"unit", "coder"} & set(vs))
    )
    units = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    coders = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    codings = [
        sc.Coding(u, c, v, draw(value))
        for u in units
        for c in coders
        for v in variables
        if draw(st.booleans()) or (u == units[0] and c == coders[0])
    ]
    return sc.CodingTable.from_codings(codings)


def _key(table: sc.CodingTable) -> list[tuple[str, str, str, str]]:
    return sorted(table.data.select("unit", "coder", "variable", "value").iter_rows())


@pytest.mark.slow
# what is read back is the question here, not what the values look like
@pytest.mark.filterwarnings("ignore::statecode.MissingLookalikeWarning")
@pytest.mark.filterwarnings("ignore::statecode.NearDuplicateValuesWarning")
@settings(max_examples=30)  # file I/O: thorough enough, and quick
@given(st.data())
@pytest.mark.parametrize("suffix", FORMATS)
def test_every_format_round_trips(
    suffix: str, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    table = data.draw(tables(xlsx_values if suffix == ".xlsx" else values))
    path = tmp_path_factory.mktemp("rt") / f"codings{suffix}"
    sc.write_codings(table, path)
    again = sc.read_codings(path)
    assert _key(again) == _key(table)
    sc.write_codings(again, path)
    assert _key(sc.read_codings(path)) == _key(table)


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=10))
def test_escape_and_unescape_are_inverse(text: str) -> None:
    assert spreadsheet_unescape(spreadsheet_escape(text)) == text


def test_tab_and_carriage_return_starts_are_escaped() -> None:
    assert spreadsheet_escape("\t=1") == "'\t=1"
    assert spreadsheet_escape("\r=1") == "'\r=1"


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("'=1", "''=1"),
        ("-3", "-3"),
        ("1e5", "1e5"),
        ("none", "none"),
    ],
)
def test_formula_cells_are_neutralised_in_the_written_bytes(
    tmp_path: Path, cell: str, escaped: str
) -> None:
    table = sc.CodingTable.from_codings([sc.Coding("u1", "ann", "note", cell)])
    path = tmp_path / "out.csv"
    sc.write_codings(table, path)
    body = path.read_text(encoding="utf-8").splitlines()[1]
    written = next(iter(pl.read_csv(path, infer_schema=False)["note"]))
    assert written == escaped
    assert body.startswith("u1,ann,")
    assert sc.read_codings(path).data["value"].to_list() == [cell]


def test_xlsx_keeps_text_as_text(tmp_path: Path) -> None:
    table = sc.CodingTable.from_codings(
        [sc.Coding("u1", "ann", "v", "01"), sc.Coding("u1", "bob", "v", "=1+1")]
    )
    path = tmp_path / "c.xlsx"
    sc.write_codings(table, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["C2"].value == "01"
    assert sheet["C3"].value == "'=1+1"
    assert sheet["C3"].data_type == "s"
    assert _key(sc.read_codings(path)) == _key(table)


@pytest.mark.slow
def test_example_round_trips_through_every_format(tmp_path: Path) -> None:
    cb = sc.read_codebook("readouts")
    table = sc.read_codings(ROOT / "examples/readouts/codings.csv", codebook=cb)
    for suffix in FORMATS:
        path = tmp_path / f"ex{suffix}"
        sc.write_codings(table, path)
        assert _key(sc.read_codings(path, codebook=cb)) == _key(table)


def test_a_value_equal_to_a_missing_marker_is_refused(tmp_path: Path) -> None:
    table = sc.CodingTable.from_codings([sc.Coding("u1", "ann", "v", "NA")])
    with pytest.raises(DataError, match=r"value 'NA' would read back as missing"):
        sc.write_codings(table, tmp_path / "x.csv")
    sc.write_codings(table, tmp_path / "x.csv", missing=[""])
    assert sc.read_codings(tmp_path / "x.csv", missing=[""]).data["value"].to_list() == ["NA"]


def test_not_utf8_is_refused_not_mangled(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("unit,coder,v\n1,a,caf\xe9\n".encode("latin-1"))
    with pytest.raises(
        InputFileError, match=r"line 2, byte 8 .* is not utf-8 text; save the file as UTF-8"
    ):
        sc.read_codings(path)
    assert sc.read_codings(path, encoding="latin-1").data["value"].to_list() == ["caf\u00e9"]


def test_xlsx_refuses_what_excel_cannot_hold(tmp_path: Path) -> None:
    table = sc.CodingTable.from_codings([sc.Coding("u1", "ann", "v", "a\rb")])
    with pytest.raises(DataError, match=r"column 'v': value 'a\\rb' holds a control character"):
        sc.write_codings(table, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_jsonl_arrays_are_sets(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"unit": "s1", "coder": "a", "precondition": ["neutrality", "halt_mobilization"]}\n'
        '{"unit": "s1", "coder": "b", "precondition": ["none"]}\n',
        encoding="utf-8",
    )
    table = sc.read_codings(path, codebook=sc.read_codebook("readouts"))
    assert table.data["value"].to_list() == ["halt_mobilization;neutrality", "none"]


def test_column_names_that_look_like_patterns(tmp_path: Path) -> None:
    """Headers such as * or ^a$ are names, never patterns (polars reads them as patterns)."""
    path = tmp_path / "odd.csv"
    frame = pl.DataFrame({"*": ["=a", "b"], "^x$": ["NA", "y"], "n": [1, 2]})
    write_table(frame, path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "'=a,NA,1"
    back, first = read_table(path)
    assert first == 2
    assert back.columns == ["*", "^x$", "n"]
    assert back.rows() == [("=a", None, "1"), ("b", "y", "2")]


@pytest.mark.parametrize(
    ("offset", "value", "detail"),
    [
        pytest.param(8, b"\x01\x00", "is encrypted (password protected)", id="encrypted"),
        pytest.param(
            10,
            b"\x63\x00",
            "is compressed by method 99, which Python's zipfile cannot unpack (it unpacks "
            "stored, deflate, bzip2 and lzma members)",
            id="method",
        ),
    ],
)
def test_xlsx_member_zipfile_cannot_unpack(
    tmp_path: Path, offset: int, value: bytes, detail: str
) -> None:
    # openpyxl raised zipfile's own RuntimeError or NotImplementedError past the reader:
    # the member's flags or compression method in the central directory, changed
    path = tmp_path / "c.xlsx"
    sc.write_codings(sc.CodingTable.from_codings([sc.Coding("u1", "ann", "v", "a")]), path)
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    data[at + offset : at + offset + 2] = value
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        name = zf.infolist()[0].filename
    with pytest.raises(DataError) as exc:
        sc.read_codings(path)
    assert str(exc.value) == (
        f"{path}: member {name!r}: {detail}; save the workbook again from Excel or "
        "LibreOffice, or as CSV"
    )


def test_xlsx_member_claiming_more_bytes_than_the_file_holds(tmp_path: Path) -> None:
    # a damaged compressed size in the central directory made zipfile ask for 268 MB at
    # once (a 5 KB workbook read past the fuzz suite's memory bound; found by the long run)
    path = tmp_path / "c.xlsx"
    sc.write_codings(sc.CodingTable.from_codings([sc.Coding("u1", "ann", "v", "a")]), path)
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    data[at + 20 : at + 24] = (1 << 28).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="past the end of the") as exc:
        sc.read_codings(path)
    assert "compressed bytes" in str(exc.value)
