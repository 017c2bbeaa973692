"""The strict CSV scan: its quick proofs agree with the line-by-line count, in any chunking.

``_regular`` (one pass over the delimiters and line breaks of a file without quotes) and
``_short_lines`` (one line break per half-limit block) only say "nothing to report"; when
they cannot, the line-by-line count names each line. So the problems found must be the same
with the quick proofs as without them, and with chunks of a few bytes as with large ones.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import statecode as sc
from statecode import DataError, InputFileError
from statecode.io import _csv_shape, _delimited

fields = st.text(st.sampled_from("ab1 ;\t\r"), max_size=3)


@st.composite
def csv_bytes(draw: st.DrawFn) -> tuple[bytes, int]:
    """A file without quotes: rows of 1-4 fields, CRLF or LF, blank lines, open last line."""
    columns = draw(st.integers(1, 4))
    rows = draw(
        st.lists(
            st.one_of(
                st.lists(fields, min_size=columns, max_size=columns),  # a regular row
                st.lists(fields, min_size=0, max_size=5),  # any row
            ),
            max_size=8,
        )
    )
    end = draw(st.sampled_from(["\n", "\r\n"]))
    header = ",".join(f"h{i}" for i in range(columns))
    text = end.join([header, *(",".join(r) for r in rows)])
    text += draw(st.sampled_from(["", end, end * 2, end + "\r"]))
    return text.encode(), columns


def _problems(data: bytes, columns: int, limit: int) -> tuple[list[str], int]:
    problems, trailing = _csv_shape.shape_problems(data, ",", columns, limit)
    return [str(p) for p in problems], trailing


@given(csv_bytes(), st.sampled_from([1, 3, 7, 1 << 20]))
def test_the_quick_proofs_find_what_the_count_finds(case: tuple[bytes, int], chunk: int) -> None:
    data, columns = case
    limit = 1 << 20
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_csv_shape, "_regular", lambda *_: False)
        patch.setattr(_csv_shape, "_short_lines", lambda *_: False)
        expected = _problems(data, columns, limit)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_csv_shape, "_SCAN", chunk)
        patch.setattr(_csv_shape, "_CHUNK", max(chunk, 2))
        found = _problems(data, columns, limit)
    assert found == expected
    if _csv_shape._regular(data, ord(","), columns):
        assert expected == ([], 0)


def _naive_records(data: bytes, delimiter: int) -> list[tuple[int, int, int, int]]:
    """Byte by byte: a quote toggles 'inside'; a line break outside quotes ends a record."""
    found, inside, delims, line, start, start_line = [], False, 0, 1, 0, 1
    for i, byte in enumerate(data):
        if byte == ord('"'):
            inside = not inside
        elif byte == delimiter and not inside:
            delims += 1
        elif byte == ord("\n"):
            if not inside:
                found.append((delims, start_line, start, i - start))
                delims, start, start_line = 0, i + 1, line + 1
            line += 1
    if start < len(data):
        found.append((delims, start_line, start, len(data) - start))
    return found


@given(
    st.binary(min_size=1, max_size=60).map(lambda raw: bytes(b'ab,"\n\r;'[k % 7] for k in raw)),
    st.sampled_from([",", ";"]),
    st.sampled_from([1, 2, 3, 7, 1 << 25]),
)
def test_records_are_the_byte_by_byte_count_in_any_chunking(
    data: bytes, delimiter: str, chunk: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_csv_shape, "_CHUNK", chunk)
        arrays = _csv_shape._records(data, ord(delimiter))
    got = list(zip(*(a.tolist() for a in arrays), strict=True))
    assert got == _naive_records(data, ord(delimiter))


@given(st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")), st.integers(1, 12))
def test_short_lines_proves_only_what_is_true(data: bytes, limit: int) -> None:
    if _csv_shape._short_lines(data, limit):
        longest, _ = _csv_shape._longest_line(data)
        assert longest <= limit


def test_a_long_line_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a,b\n" + "x" * 40 + ",1\n1,2\n")
    with pytest.raises(DataError, match="line 2: the line is 42 bytes long"):
        _delimited.read_delimited(
            path, suffix=".csv", delimiter=None, encoding="utf-8", max_cell_bytes=20
        )


def test_ragged_rows_that_balance_are_found(tmp_path: Path) -> None:
    # one field too few, one too many: the total number of delimiters is right
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2\n1,2,3,4\n")
    with pytest.raises(DataError) as exc:
        sc.read_table(path)
    assert [p.where for p in exc.value.problems] == ["line 2", "line 3"]


def test_a_file_of_a_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")
    frame, _ = sc.read_table(path)
    assert frame.columns == ["a", "b"]
    assert frame.height == 0


def _codings(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "codings.csv"
    path.write_bytes(body.encode("utf-8", errors="surrogateescape"))
    return path


def test_only_the_columns_used_are_parsed_and_the_table_is_the_same(tmp_path: Path) -> None:
    path = _codings(tmp_path, "unit,coder,a,b,notes\n1,x,p,q,hello\n1,y,p,r,\n2,x,s,,n\n")
    whole = sc.read_codings(path, variables=["a", "b", "notes"])
    some = sc.read_codings(path, variables=["a"])
    assert some.data.rows() == whole.data.filter(pl.col("variable") == "a").rows()


def test_a_missing_column_is_named_with_all_columns(tmp_path: Path) -> None:
    path = _codings(tmp_path, "unit,coder,a,b\n1,x,p,q\n")
    with pytest.raises(DataError, match=r"column 'c': missing \(variable columns: 'a', 'b'\)"):
        sc.read_codings(path, variables=["c"])


def test_bytes_not_utf8_in_a_column_not_parsed_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "codings.csv"
    path.write_bytes(b"unit,coder,a,notes\n1,x,p,ok\n1,y,p,caf\xe9\n")
    monkeypatch.setattr(_delimited, "_HEAD", 20)  # past the head, which is checked first
    with pytest.raises(InputFileError, match=r"line 3, byte 10 \(b'\\xe9'\) is not utf-8"):
        sc.read_codings(path, variables=["a"])
    # a character cut by the chunk boundary is no error
    path.write_bytes("unit,coder,a,notes\n1,x,p,ok\n1,y,p,café\n".encode())
    monkeypatch.setattr(_delimited, "_CHUNK", 3)
    assert len(sc.read_codings(path, variables=["a"])) == 2
    path.write_bytes(b"unit,coder,a,notes\n1,x,p,ok\n1,y,p,caf\xc3")  # cut at the end
    with pytest.raises(InputFileError, match="is not utf-8"):
        sc.read_codings(path, variables=["a"])


def test_non_ascii_utf8_is_read_with_a_projection(tmp_path: Path) -> None:
    path = _codings(tmp_path, "unit,coder,a,notes\n1,x,p,café\n1,y,ö,naïve\n")
    table = sc.read_codings(path, variables=["a"])
    assert table.data["value"].to_list() == ["p", "ö"]


def test_value_columns_are_parsed_as_categorical_text(tmp_path: Path) -> None:
    path = _codings(tmp_path, "unit,coder,a\n1,x,p\n1,y, p\n2,x,NA\n")
    with pytest.warns(sc.NearDuplicateValuesWarning):
        table = sc.read_codings(path)
    assert table.data.schema["value"] == pl.String
    assert table.data["value"].to_list() == ["p", " p"]


# markers applied by the parser (a short file) and after it (a tall one): the same cells
both_ways = pytest.mark.parametrize("after_parse", [_delimited._AFTER_PARSE, 0])


@both_ways
def test_missing_markers_are_null_quoted_or_not_in_text_and_categorical_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after_parse: int
) -> None:
    monkeypatch.setattr(_delimited, "_AFTER_PARSE", after_parse)
    body = 'unit,coder,a\n1,x,NA\n"NA",x,"NA"\n2,x,"a""b"\n3,x,"."\n4,x,""\n5,x,a""b\n'
    path = _codings(tmp_path, body)
    # the unit column stays text, the value column is parsed as categorical text
    frame, _ = sc.read_table(path, missing=["NA", ".", 'a"b'])
    assert frame["unit"].to_list() == ["1", None, "2", "3", "4", "5"]
    assert frame["a"].to_list() == [None, None, None, None, "", 'a""b']
    path.write_text('unit,coder,a\n1,x,NA\n2,x,"NA"\n3,x,"a""b"\n4,x,ok\n')
    table = sc.read_codings(path, missing=["NA", 'a"b'])
    assert table.data["value"].to_list() == ["ok"]
    assert sc.read_codings(path, missing=[]).data["value"].to_list() == ["NA", "NA", 'a"b', "ok"]


cells = st.text(st.sampled_from('ab,"\n\r .'), max_size=4)


@given(
    st.lists(st.tuples(cells, cells), min_size=1, max_size=6),
    st.lists(cells, max_size=3),
)
@example(rows=[("NA", "x")], missing=["NA", "NA"])  # a marker twice: polars' replace refused it
@both_ways
def test_csv_and_parquet_read_the_same_markers_as_null(
    tmp_path_factory: pytest.TempPathFactory,
    after_parse: int,
    rows: list[tuple[str, str]],
    missing: list[str],
) -> None:
    """A marker matches a cell's text as the CSV rules read it (quotes undone), as in Parquet."""
    _delimited._AFTER_PARSE, kept = after_parse, _delimited._AFTER_PARSE
    try:
        _read_both(tmp_path_factory, rows, missing)
    finally:
        _delimited._AFTER_PARSE = kept


def _read_both(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]], missing: list[str]
) -> None:
    frame = pl.DataFrame(rows, schema=["a", "b"], orient="row")
    folder = tmp_path_factory.mktemp("markers")
    frame.write_csv(folder / "t.csv", quote_style="always")
    frame.write_parquet(folder / "t.parquet")
    from_csv, _ = sc.read_table(folder / "t.csv", missing=missing)
    from_parquet, _ = sc.read_table(folder / "t.parquet", missing=missing)
    assert from_csv.rows() == from_parquet.rows()
    expected = [tuple(None if c in missing else c for c in row) for row in rows]
    assert from_parquet.rows() == expected


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_text_after_a_closing_quote_is_refused_not_cut(tmp_path: Path, layout: str) -> None:
    # parsed as a categorical, polars read "x"y as x (and one file as invalid UTF-8, a
    # panic); a file holding a quote is parsed as text, which polars refuses
    path = _codings(tmp_path, 'unit,coder,v\nu1,a,"x"y\nu1,b,"x"\n')
    with pytest.raises(InputFileError, match=r"could not parse `\"x\"y`"):
        sc.read_codings(path, layout=layout)
    path.write_bytes(b'unit,c1\nu1,"x\nu2,"\xc3\xa9\n')
    with pytest.raises(InputFileError, match="polars cannot read this table"):
        sc.read_codings(path, layout="wide")
    # quoted cells that follow the rules read as before
    path.write_text('unit,coder,v\nu1,a,"x, y"\nu1,b,"x ""q"""\nu2,a,x\n', encoding="utf-8")
    table = sc.read_codings(path)
    assert table.data["value"].to_list() == ["x, y", 'x "q"', "x"]


@pytest.mark.parametrize(
    ("missing", "says"),
    [
        ([None], r"holds None \(NoneType\)"),
        (["NA", 3], r"holds 3 \(int\)"),
        ("NA", "is one text; give a list"),
        (["\udcff"], "not UTF-8 text"),
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_marker_that_is_not_text_is_an_option_error(
    tmp_path: Path, missing: object, says: str, suffix: str
) -> None:
    # a None was taken on a tall file and a TypeError on a short one; "NA" as two markers
    path = tmp_path / f"t{suffix}"
    frame = pl.DataFrame({"unit": ["u1"], "coder": ["a"], "v": ["x"]})
    frame.write_csv(path) if suffix == ".csv" else frame.write_parquet(path)
    for read in (sc.read_table, sc.read_codings, sc.scan_codings):
        with pytest.raises(sc.OptionError, match=says) as raised:
            read(path, missing=missing)  # type: ignore[operator]
        assert raised.value.option == "missing"


def test_a_header_polars_counts_otherwise_is_read_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _codings(tmp_path, "unit,coder,a,b\n1,x,p,q\n1,y,p,r\n")
    real = pl.read_csv

    def picky(*args: object, **options: object) -> pl.DataFrame:
        if "new_columns" in options:
            msg = "provided `new_columns` does not match number of columns"
            raise pl.exceptions.SchemaError(msg)
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pl, "read_csv", picky)
    table = sc.read_codings(path, variables=["a"])
    assert table.data["value"].to_list() == ["p", "p"]


def test_the_mapping_is_closed_before_polars_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _codings(tmp_path, "unit,coder,a\n1,x,p\n")
    opened: list[mmap.mmap] = []
    real = mmap.mmap

    def recording(*args: object, **options: object) -> mmap.mmap:
        mapped = real(*args, **options)  # type: ignore[arg-type]
        opened.append(mapped)
        return mapped

    def parse(*args: object, **options: object) -> pl.DataFrame:
        assert all(m.closed for m in opened)
        return pl.DataFrame({"unit": ["1"], "coder": ["x"], "a": ["p"]})

    monkeypatch.setattr(_delimited.mmap, "mmap", recording)
    monkeypatch.setattr(_delimited, "_parse", parse)
    _delimited.read_delimited(
        path, suffix=".csv", delimiter=None, encoding="utf-8", max_cell_bytes=1 << 20
    )
    assert opened


@given(csv_bytes())
def test_a_file_read_whole_gets_the_problems_the_count_finds(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, int]
) -> None:
    # parsed whole, a file is first checked by two counts only; a row too wide is then
    # found by the parser, and the file counted line by line for the message
    data, columns = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_csv_shape, "_regular", lambda *_: False)
        patch.setattr(_csv_shape, "_balanced", lambda *_: False)
        expected, _ = _problems(data, columns, 1 << 20)
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    path.write_bytes(data)
    if expected:
        with pytest.raises(DataError) as exc:
            sc.read_table(path)
        assert [str(p) for p in exc.value.problems] == expected
    else:
        frame, _ = sc.read_table(path)
        assert frame.width == columns


def test_a_row_too_wide_among_balanced_rows_is_named(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c\n1,2\n1,2,3,4\n5,6,7\n")
    with pytest.raises(DataError) as exc:
        sc.read_codings(path, unit="a", coder="b")
    assert [p.where for p in exc.value.problems] == ["line 2", "line 3"]


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"a,b\n1\n1,2,", "line 2"), (b"a,b,c\n1,2\n1,2,3,", "line 2")],
)
def test_a_short_row_is_not_balanced_by_a_last_line_without_a_break(
    tmp_path: Path, data: bytes, line: str
) -> None:
    # polars reads a last line ending in a delimiter, without a line break, as a row
    # without its empty last field: the counts alone would let the short row through
    path = tmp_path / "short.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as exc:
        sc.read_table(path)
    assert line in [p.where for p in exc.value.problems]


def test_an_empty_line_of_a_one_column_file_is_an_empty_cell(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_bytes(b"a\n1\n\n2\n")
    frame, _ = sc.read_table(path)
    assert frame.get_column("a").to_list() == ["1", None, "2"]


def test_the_shape_count_releases_the_mapped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the counts read the mapping in place; after they end, normally or by an error (an
    # interrupt), the mapping closes: no view of it is left alive
    path = tmp_path / "t.csv"
    path.write_bytes(b"unit,coder,value\n" + b"u1,c1,a\n" * 1000)
    with path.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        assert _csv_shape._counts(mapped, len(mapped), ord(","), ord("\n")) == (2002, 1001)

        def interrupted(*_: object, **__: object) -> int:
            raise RuntimeError

        monkeypatch.setattr(_csv_shape.np, "count_nonzero", interrupted)
        with pytest.raises(RuntimeError) as caught:
            _csv_shape._counts(mapped, len(mapped), ord(","), ord("\n"))
        # the traceback (and the frame of _counts in it) is still alive here
        assert caught.traceback
        mapped.close()  # BufferError if a view of the file were still exported
