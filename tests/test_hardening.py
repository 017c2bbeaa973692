"""Bad input gets a clear error, and nothing is silently dropped or changed.

One test (or a few) per finding of the hardening review; each failed on the code before
the fix. Refusals that already worked are kept in ``tests/test_hostile.py``.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app

runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------------------------
# 1. a column name is a name, never a polars pattern


@pytest.mark.parametrize("name", ["*", "^coder$", "^a$", "^unit$", ".*"])
def test_pattern_like_headers_are_names(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / "c.csv", f'unit,coder,"{name}"\n1,A,x\n1,B,y\n')
    table = sc.read_codings(path)
    assert table.variables == (name,)
    assert table.data.select("unit", "coder", "variable", "value").rows() == [
        ("1", "A", name, "x"),
        ("1", "B", name, "y"),
    ]


def test_pattern_like_id_and_group_columns_are_names() -> None:
    frame = pl.DataFrame({"^u$": ["1", "1"], "*": ["A", "B"], "^g$": ["d", "d"], "v": ["x", "y"]})
    table = sc.CodingTable.from_frame(frame, unit="^u$", coder="*", by="^g$")
    assert table.data.select("unit", "coder", "variable", "value").rows() == [
        ("1", "A", "v", "x"),
        ("1", "B", "v", "y"),
    ]
    assert table.groups == {"1": "d"}
    long = pl.DataFrame({"*": ["1", "1"], "^c$": ["A", "B"], "^v$": [1, 2]})
    result = sc.krippendorff_alpha(long, unit="*", coder="^c$", value="^v$")
    assert result.pairable_values == 2


def test_wide_files_with_pattern_like_coder_names(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.csv", 'unit,"*","^a$"\n1,x,x\n2,y,z\n')
    table = sc.read_codings(path, layout="wide")
    assert table.coders == ("*", "^a$")
    assert len(table) == 4


# --------------------------------------------------------------------------------------------
# 4 (exact duplicates) and the wide hint


def test_exact_duplicate_rows_are_called_duplicate_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "unit,coder,v\n1,A,x\n1,A,x\n1,B,y\n1,B,z\n")
    with pytest.raises(sc.DataError) as exc:
        sc.read_codings(path)
    assert [str(p) for p in exc.value.problems] == [
        "rows 2, 3: the same row (unit '1', coder 'A') appears 2 times; delete the repeats",
        "rows 4, 5: coder 'B' gave unit '1' more than one value; keep one row per unit and coder",
    ]


def test_a_wide_file_read_as_long_is_told_to_read_it_wide(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.csv", "unit,ann,bob\n1,x,x\n")
    with pytest.raises(sc.DataError, match=r"read it with layout='wide'"):
        sc.read_codings(path)
    code, _, err = _cli("alpha", str(path))
    assert code == 1
    assert "read it with --wide" in err
    assert "layout=" not in err


# --------------------------------------------------------------------------------------------
# 5. values that differ only in form


def test_near_duplicate_values_are_named_without_a_codebook(tmp_path: Path) -> None:
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    path = _write(
        tmp_path / "n.csv", f"unit,coder,v\n1,A,Oppose\n1,B,oppose\n2,A,{nfc}\n2,B,{nfd}\n"
    )
    with pytest.warns(sc.NearDuplicateValuesWarning) as record:
        table = sc.read_codings(path)
    message = str(record[0].message)
    assert "'Oppose' / 'oppose'" in message
    assert f"{nfc!r} / {nfd!r}" in message
    assert "normalize='nfc'" in message
    assert len(table.data["value"].unique()) == 4  # nothing changed


def test_normalize_makes_them_one_value(tmp_path: Path) -> None:
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    path = _write(
        tmp_path / "n.csv", f"unit,coder,v\n1,A,Oppose\n1,B,oppose\n2,A,{nfc}\n2,B,{nfd}\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = sc.read_codings(path, normalize="casefold")
        assert sorted(table.data["value"].unique()) == [nfc, "oppose"]
        assert sc.krippendorff_alpha(table, variable="v").observed_disagreement == 0
    with pytest.warns(
        sc.NearDuplicateValuesWarning, match=r"'Oppose' / 'oppose'$|'Oppose' / 'oppose';"
    ):
        nfc_only = sc.read_codings(path, normalize="nfc")
    assert sorted(nfc_only.data["value"].unique()) == ["Oppose", nfc, "oppose"]
    with pytest.raises(sc.OptionError, match=r"normalize='upper' is not valid"):
        sc.read_codings(path, normalize="upper")


def test_white_space_is_read_as_written(tmp_path: Path) -> None:
    # found by the readers' real samples: a Label Studio choice "oppose\n" became "oppose"
    path = _write(tmp_path / "w.csv", 'unit,coder,v\n1,A,oppose\n1,B," oppose"\n2,A,x\n2,B,"  "\n')
    with pytest.warns(sc.StatecodeWarning) as record:
        table = sc.read_codings(path)
    assert sorted(table.data["value"].to_list()) == ["  ", " oppose", "oppose", "x"]
    messages = [str(r.message) for r in record]
    assert any("'oppose' / ' oppose'" in m and "normalize='strip'" in m for m in messages)
    assert any("row 5, column 'v': '  '" in m for m in messages)  # looks missing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stripped = sc.read_codings(path, normalize="strip")
    assert sorted(stripped.data["value"].to_list()) == ["oppose", "oppose", "x"]  # "  " missing
    cb = sc.read_codebook("readouts")
    coded = _write(tmp_path / "c.csv", 'unit,coder,blame_target\n1,A,"russia "\n1,B,"  "\n')
    with pytest.raises(sc.DataError) as exc:
        sc.read_codings(coded, codebook=cb)
    assert [p.message for p in exc.value.problems] == [
        "unknown code 'russia ' for 'blame_target'; it differs from 'russia' only in white "
        "space, letter case or Unicode form: fix the cell, or read with normalize='strip' (or "
        "normalize='nfc' or normalize='casefold') to make such values one",
        "unknown code '  ' for 'blame_target'; a cell of only white space: leave it empty for "
        "a missing value (or read with normalize='strip', which makes it missing)",
    ]


def test_near_duplicates_with_a_codebook_stay_unknown_codes(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "unit,coder,blame_target\n1,A,Ukraine\n")
    with pytest.raises(sc.DataError, match=r"unknown code 'Ukraine'"):
        sc.read_codings(path, codebook=sc.read_codebook("readouts"))


def test_the_cli_offers_normalize(tmp_path: Path) -> None:
    path = _write(tmp_path / "n.csv", "unit,coder,v\n1,A,Oppose\n1,B,oppose\n2,A,x\n2,B,y\n")
    code, _, err = _cli("alpha", str(path), "--format", "json")
    assert code == 0
    assert "warning:" in err
    assert "--normalize casefold" in err
    code, _, err = _cli("alpha", str(path), "--normalize", "casefold", "--format", "json")
    assert code == 0, err
    assert err == ""


# --------------------------------------------------------------------------------------------
# 6. cells that look like missing values


def test_missing_lookalikes_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "unit,coder,v\n1,A,N/A\n1,B,x\n2,A,NULL\n2,B,x\n")
    with pytest.warns(sc.MissingLookalikeWarning) as record:
        sc.read_codings(path)
    message = str(record[0].message)
    assert "row 2, column 'v': 'N/A'" in message
    assert "row 4, column 'v': 'NULL'" in message
    assert "missing=" in message
    code, _, err = _cli("alpha", str(path))
    assert code == 0
    assert "add them to the missing markers (--missing)" in err


def test_a_lowercase_none_code_is_not_a_lookalike(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "unit,coder,v\n1,A,none\n1,B,x\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sc.read_codings(path)


def test_with_a_codebook_the_unknown_code_says_it_looks_missing(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "unit,coder,blame_target\n1,A,N/A\n")
    with pytest.raises(sc.DataError, match=r"unknown code 'N/A'.*add it to the missing markers"):
        sc.read_codings(path, codebook=sc.read_codebook("readouts"))


# --------------------------------------------------------------------------------------------
# the command line's error boundary


def test_a_bug_is_called_a_bug_not_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        msg = "an internal slip"
        raise ValueError(msg)

    monkeypatch.setattr(sc, "read_codebook", broken)
    monkeypatch.setattr("statecode.io.read_codebook", broken)
    code, _, err = _cli("codebook", "show", "readouts")
    assert code == 70
    assert err.startswith("error: this is a bug in statecode, not in your input (ValueError: ")
    assert "statecode --debug" in err
    assert "Traceback" not in err
    code, _, err = _cli("--debug", "codebook", "show", "readouts")
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert "an internal slip" in err


def test_option_errors_are_usage_errors_in_option_terms(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "document,coder,start,end,code\nd,a,0,2,x\nd,b,0,2,x\n")
    code, _, err = _cli("unitizing", str(path), "--variant", "CU")
    assert code == 2
    # 'CU' is 'cu' and 'Cu' ignoring case: ambiguous, so refused with the closest
    assert "Invalid value for '--variant': 'CU' is not one of u, cu, Cu, u2004" in err
    assert not re.search(r"\bvariant=", err)
    code, _, err = _cli("unitizing", str(path), "--variant", "U2004")  # one match: taken
    assert code == 0, err


def test_cli_messages_name_options_not_keywords(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "unit,coder,v\n1,A,x\n")
    code, _, err = _cli("report", str(path), "--by", "nope")
    assert code == 1
    assert "column 'nope' (--by) is not in the file" in err
    assert "by=" not in err


# --------------------------------------------------------------------------------------------
# wrong figures


def test_cu_without_units_pairs_no_length() -> None:
    with pytest.warns(sc.DegenerateDataWarning):
        result = sc.unitizing_alpha([], variant="cu", continua={"d": 10}, coders=["a", "b"])
    assert result.pairable_length == 0.0
    with pytest.warns(sc.DegenerateDataWarning):
        positional = sc.unitizing_alpha([], variant="u", continua={"d": 10}, coders=["a", "b"])
    assert positional.pairable_length == 20.0


def test_cu_coincidences_carry_no_rounding_residue() -> None:
    # found by the shifting property test: one coder's units only, so no intersections; the
    # sweep's prefix sums left 4.4e-16 in the matrix, which made "no intersections" read as
    # "no variation"
    rows = [("d0", "c3", 5, 6, "k0"), ("d0", "c3", 7, 13, "k1"), ("d1", "c3", 1, 2, "k1")]
    rows.append(("d1", "c3", 2, 3, "k1"))
    spans = [sc.Span(d, c, s, e, "v", k) for d, c, s, e, k in rows]
    with pytest.warns(sc.DegenerateDataWarning):
        result = sc.unitizing_alpha(
            spans,
            coders=["c0", "c1", "c2", "c3"],
            categories=["k0", "k1"],
            variant="cu",
            continua={"d0": (0, 14), "d1": (0, 3)},
        )
    assert result.reason is not None
    assert result.reason.startswith("no unit of one coder intersects a unit of another")
    assert result.coverage == 0.0


# --------------------------------------------------------------------------------------------
# 2. ragged rows, 4. duplicate and empty headers, blank lines, the cell limit


def test_a_short_row_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", "unit,coder,a,b\n1,A,x,y\n1,B,x\n")
    with pytest.raises(sc.DataError) as exc:
        sc.read_codings(path)
    assert str(exc.value) == (
        f"{path}: line 3: has 3 fields and the header 4; fill in the missing cells (an empty "
        "cell is a missing value: write the delimiters)"
    )


def test_a_long_row_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", 'unit,coder,a\n1,A,"x, y"\n1,B,x,y\n')
    with pytest.raises(sc.DataError, match=r"line 3: has 4 fields and the header 3; quote"):
        sc.read_codings(path)


def test_ragged_rows_are_found_among_quoted_line_breaks(tmp_path: Path) -> None:
    text = 'unit,coder,note\n1,A,"two\nlines, and a comma"\n1,B\n2,A,"say ""hi"""\n'
    path = _write(tmp_path / "r.csv", text)
    with pytest.raises(sc.DataError) as exc:
        sc.read_table(path)
    assert [str(p) for p in exc.value.problems] == [
        "line 4: has 2 fields and the header 3; fill in the missing cells (an empty cell is a "
        "missing value: write the delimiters)"
    ]
    fine = _write(tmp_path / "f.csv", 'unit,coder,note\n1,A,"two\nlines, and, commas"\n')
    frame, _ = sc.read_table(fine)
    assert frame["note"].to_list() == ["two\nlines, and, commas"]


def test_blank_lines_inside_are_errors_at_the_end_are_not(tmp_path: Path) -> None:
    inside = _write(tmp_path / "b.csv", "unit,coder,v\n1,A,x\n\n1,B,y\n")
    with pytest.raises(sc.DataError, match=r"line 3: is empty; delete it"):
        sc.read_codings(inside)
    end = _write(tmp_path / "e.csv", "unit,coder,v\r\n1,A,x\r\n1,B,y\r\n\r\n\r\n")
    assert len(sc.read_codings(end)) == 2


def test_duplicate_and_empty_headers_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "unit,coder,v,v\n1,A,x,y\n")
    with pytest.raises(sc.DataError) as exc:
        sc.read_codings(path)
    assert str(exc.value) == (
        f"{path}: line 1: columns 3 and 4 are both named 'v'; give each column its own name"
    )
    nameless = _write(tmp_path / "n.csv", ",unit,coder,v\n0,1,A,x\n")
    with pytest.raises(sc.DataError, match=r"column 1: has no name; name it in the header"):
        sc.read_codings(nameless)


def test_a_cell_past_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "unit,coder,v\n1,A," + "x" * 5000 + "\n")
    with pytest.raises(sc.DataError, match=r"line 2: the line is 5,004 bytes long, beyond the "):
        sc.read_table(path, max_cell_bytes=4096)
    assert sc.read_table(path)[0].height == 1
    with pytest.raises(sc.OptionError, match=r"max_cell_bytes=0 is not valid"):
        sc.read_table(path, max_cell_bytes=0)


# --------------------------------------------------------------------------------------------
# delimiters, encodings, folders


def test_a_semicolon_file_is_read_as_one(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", "unit;coder;v\n1;A;x\n1;B;y\n")
    assert sc.read_codings(path).data.select("coder", "value").rows() == [("A", "x"), ("B", "y")]
    both = _write(tmp_path / "b.csv", "unit,coder;v\n1,A;x\n")
    assert sc.read_table(both, delimiter=";")[0].columns == ["unit,coder", "v"]


def test_a_latin1_file_says_which_line_and_how_to_read_it(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("unit,coder,v\n1,A,Gen\xe8ve\n".encode("latin-1"))
    with pytest.raises(sc.InputFileError) as exc:
        sc.read_codings(path)
    assert "line 2, byte 8" in str(exc.value)
    assert "encoding='cp1252'" in str(exc.value)
    code, _, err = _cli("alpha", str(path))
    assert code == 1
    assert "--encoding cp1252" in err
    assert "encoding=" not in err
    assert sc.read_codings(path, encoding="cp1252").data["value"].to_list() == ["Gen\u00e8ve"]
    with pytest.raises(sc.OptionError, match=r"encoding='utf-1' is not an encoding"):
        sc.read_codings(path, encoding="utf-1")


def test_a_folder_is_called_a_folder(tmp_path: Path) -> None:
    with pytest.raises(sc.InputFileError, match=r"is a folder, not a table file"):
        sc.read_codings(tmp_path)


# --------------------------------------------------------------------------------------------
# 3. Excel: formulas without values, damaged and hostile workbooks


openpyxl = pytest.importorskip("openpyxl")


def test_a_formula_without_its_value_is_not_a_missing_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "coder", "v"])
    sheet.append(["1", "A", "=1+1"])
    sheet.append(["1", "B", "2"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    with pytest.raises(sc.DataError) as exc:
        sc.read_codings(path)
    assert "cell C2: holds the formula '=1+1' but no value computed from it" in str(exc.value)


def test_damaged_workbooks_are_data_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(sc.DataError, match=r"not a zip archive, so not an \.xlsx workbook"):
        sc.read_codings(path)
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<not xml")
    with pytest.raises(sc.DataError, match=r"not a workbook openpyxl can read"):
        sc.read_codings(path)


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    import zipfile  # noqa: PLC0415

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"\0" * (50 << 20))
    with pytest.raises(sc.DataError, match=r"expands more than 100 times"):
        sc.read_table(path)


# --------------------------------------------------------------------------------------------
# 7. ordinal text, 8. files with no codings, 10. round trips


def test_ordinal_text_needs_its_order() -> None:
    data = [["lo", "mid", "hi"], ["lo", "hi", "hi"]]
    with pytest.raises(sc.DataError, match=r"ordinal values that are text \('hi', 'lo', 'mid'\)"):
        sc.krippendorff_alpha(data, level="ordinal")
    ordered = sc.krippendorff_alpha(data, level="ordinal", domain=["lo", "mid", "hi"])
    assert ordered.values == ("lo", "mid", "hi")


def test_ordinal_text_on_the_command_line_says_domain(tmp_path: Path) -> None:
    path = _write(tmp_path / "o.csv", "unit,coder,v\n1,A,lo\n1,B,hi\n2,A,mid\n2,B,mid\n")
    code, _, err = _cli("alpha", str(path), "--level", "ordinal")
    assert code == 1
    assert "--domain low,mid,high" in err


def test_a_file_without_codings_is_an_error(tmp_path: Path) -> None:
    header = _write(tmp_path / "h.csv", "unit,coder,v\n")
    with pytest.raises(sc.DataError, match=r"holds a header \(columns: 'unit', 'coder', 'v'\)"):
        sc.read_codings(header)
    empty = _write(tmp_path / "e.csv", "unit,coder,v\n1,A,NA\n1,B,\n")
    with pytest.raises(sc.DataError, match=r"every one of its 2 rows is missing"):
        sc.read_codings(empty)


@pytest.mark.parametrize("name", ["NA", "NaN", "."])
def test_ids_that_read_back_as_missing_are_refused_at_write(tmp_path: Path, name: str) -> None:
    table = sc.CodingTable.from_codings([sc.Coding(name, "ann", "v", "x")])
    with pytest.raises(sc.DataError, match=rf"unit {name!r} would read back as missing"):
        sc.write_codings(table, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    coder = sc.CodingTable.from_codings([sc.Coding("u", name, "v", "x")])
    with pytest.raises(sc.DataError, match=rf"coder {name!r} would read back as missing"):
        sc.write_codings(coder, tmp_path / "x.csv")
    span = sc.Span("d", "ann", 0, 1, "v", name)
    with pytest.raises(sc.DataError, match=rf"code {name!r} would read back as missing"):
        sc.write_spans([span], tmp_path / "s.csv")


def test_an_empty_table_is_not_written(tmp_path: Path) -> None:
    table = sc.CodingTable.from_frame(pl.DataFrame({"unit": ["1"], "coder": ["a"], "v": [None]}))
    with pytest.raises(sc.DataError, match=r"the table holds no codings"):
        sc.write_codings(table, tmp_path / "x.csv")


def test_unitizer_tables_name_blank_coders_and_contradictions(tmp_path: Path) -> None:
    blank = _write(tmp_path / "u.csv", "document,coder\nd1,a\nd1,  \n")
    with pytest.raises(sc.DataError, match=r"row 3: the coder is blank \('  '\)"):
        sc.read_unitizers(blank)
    both = _write(tmp_path / "b.csv", "document,coder\nd1,a\nd1,\n")
    with pytest.raises(sc.DataError, match=r"row 3: document 'd1' is listed as unitized by nobody"):
        sc.read_unitizers(both)
    with pytest.raises(sc.DataError, match=r"is blank"):
        sc.write_unitizers({"d1": [" "]}, tmp_path / "w.csv")


# --------------------------------------------------------------------------------------------
# messages a user can act on


def test_every_cell_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "n.csv", "unit,coder,v\n1,A,nan\n1,B,inf\n2,A,x\n2,B,2\n")
    with pytest.warns(sc.MissingLookalikeWarning, match=r"'nan'"):
        table = sc.read_codings(path)
    with pytest.raises(sc.DataError) as exc:
        sc.krippendorff_alpha(table, variable="v", level="interval")
    assert [str(p) for p in exc.value.problems] == [
        f"row {r}, column 'v': {v!r} is not a finite number; this variable takes numbers"
        for r, v in ((2, "nan"), (3, "inf"), (4, "x"))
    ]


def test_infinite_array_values_are_located() -> None:
    with pytest.raises(sc.DataError, match=r"infinite values \(1: coder 1, unit 0\)"):
        sc.krippendorff_alpha([[1.0, 2.0], [float("inf"), 2.0]], level="interval")


def test_a_negative_period_is_not_a_missing_one() -> None:
    with pytest.raises(sc.OptionError, match=r"period=-24 is not valid; give the circumference"):
        sc.krippendorff_alpha([[1, 2], [1, 3]], level="circular", period=-24)


def test_the_codebook_check_sees_past_a_misspelled_level(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.toml",
        'name = "x"\n[[variables]]\nname = "v"\nlevel = "nomnal"\n[[variables.categories]]\n'
        'code = "a"\n[[variables.categories]]\ncode = "a"\n',
    )
    with pytest.raises(sc.CodebookError) as exc:
        sc.read_codebook(path)
    assert [p.where for p in exc.value.problems] == [
        "variables[0].level",
        "variables[0].categories[1].code",
    ]


# --------------------------------------------------------------------------------------------
# exceptions that escaped as tracebacks


def test_json_with_lone_surrogates_and_deep_nesting(tmp_path: Path) -> None:
    lone = tmp_path / "lone.json"
    lone.write_text(
        '[{"id": 1, "data": {"text": "x"}, "annotations": [{"completed_by": "\\ud800", '
        '"result": []}]}]',
        encoding="utf-8",
    )
    with pytest.raises(sc.DataError, match=r"half a surrogate pair"):
        sc.read_labelstudio(lone)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(sc.DataError, match=r"nests too deep"):
        sc.read_labelstudio(deep)
    doc = tmp_path / "d.jsonl"
    doc.write_text('{"id": 1, "text": "x", "label": ["\\udc00"]}\n', encoding="utf-8")
    with pytest.raises(sc.DataError, match=r"line 1: key 'label'\[0\] holds half a surrogate"):
        sc.read_doccano(doc)


def test_toml_that_would_hang_or_overflow(tmp_path: Path) -> None:
    deep = _write(tmp_path / "deep.toml", 'name = "x"\na = ' + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(sc.CodebookError, match=r"nest too deep"):
        sc.read_codebook(deep)
    dotted = _write(tmp_path / "dots.toml", "[" + ".".join(["a"] * 100_000) + "]\nx = 1\n")
    with pytest.raises(sc.CodebookError, match=r"a key of 100,000 dotted parts"):
        sc.read_codebook(dotted)


def test_xml_with_an_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "c.qdc"
    path.write_bytes(b'<?xml version="1.0" encoding="utf-1"?><CodeBook/>')
    with pytest.raises(sc.DataError, match=r"the XML cannot be decoded \(unknown encoding"):
        sc.read_qdc(path)


def test_writes_that_cannot_happen_are_input_file_errors(tmp_path: Path) -> None:
    table = sc.CodingTable.from_codings([sc.Coding("u", "a", "v", "x")])
    with pytest.raises(sc.InputFileError, match=r"is a folder; name a file to write"):
        sc.write_codings(table, tmp_path)
    afile = _write(tmp_path / "taken", "x")
    with pytest.raises(sc.InputFileError, match=r"is a file, not a folder"):
        sc.write_corpus(sc.Corpus(documents=[sc.Document(id="d", text="t")]), afile)
    assert afile.read_text() == "x"


def test_numpy_text_arrays_are_scored() -> None:
    import numpy as np  # noqa: PLC0415

    result = sc.krippendorff_alpha(np.array([["a", "b", "a"], ["a", "b", "b"]]))
    assert result.alpha == pytest.approx(0.4444444444444444)


def test_brennan_prediger_on_nothing_is_undefined_with_a_reason() -> None:
    nan = float("nan")
    with pytest.warns(sc.DegenerateDataWarning):
        result = sc.brennan_prediger([[nan, nan], [nan, nan]])
    assert result.reason == "no unit was rated by two or more coders"


def test_frames_are_accepted_where_coding_tables_go() -> None:
    frame = pl.DataFrame({"unit": ["1", "1", "2", "2"], "coder": ["a", "b"] * 2, "v": list("xxyy")})
    report = sc.reliability_report(frame)
    assert report.table["Krippendorffs_Alpha"].to_list() == [1.0]
    assert len(sc.consensus(frame).codings) == 2
    assert len(sc.read_codings(frame)) == 4
    with pytest.raises(sc.DataTypeError, match=r"table must be a CodingTable"):
        sc.consensus([1, 2, 3])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# every CLI error speaks CLI

_KEYWORD = re.compile(r"(?<![\w.\-/])[a-z_]+=")


def _cli_cases(tmp_path: Path) -> list[tuple[list[str], str]]:
    ordinal = _write(tmp_path / "o.csv", "unit,coder,v\n1,A,lo\n1,B,hi\n")
    angles = _write(tmp_path / "a.csv", "unit,coder,v\n1,A,10\n1,B,350\n")
    wide = _write(tmp_path / "w.csv", "unit,ann,bob\n1,x,x\n")
    spans = _write(tmp_path / "s.csv", "document,coder,start,end,code\nd,a,0,2,x\nd,b,0,2,x\n")
    coded = _write(tmp_path / "c.csv", "unit,coder,blame_targt\n1,A,nato\n")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("text", encoding="utf-8")
    export = tmp_path / "ls.json"
    # a span needs the task's text, which this export keeps under another field name
    region = (
        '{"type": "labels", "from_name": "tag", "to_name": "text", '
        '"value": {"start": 0, "end": 1, "labels": ["a"]}}'
    )
    export.write_text(
        '[{"id": 1, "data": {"body": "x"}, "annotations": [{"completed_by": 1, '
        f'"result": [{region}]}}]}}]',
        encoding="utf-8",
    )
    return [
        (["alpha", str(ordinal), "--level", "ordinal"], "--domain"),
        (["alpha", str(angles), "--level", "circular"], "--period"),
        (["alpha", str(wide)], "--wide"),
        (["alpha", str(coded), "--codebook", "readouts"], "--variable"),
        (["unitizing", str(spans), "--variant", "CU"], "'--variant': 'CU'"),
        (["unitizing", str(spans), "--corpus", str(folder)], "--metadata"),
        (["import", "labelstudio", str(export), "-o", str(tmp_path / "x.csv")], "--text-field"),
        (["report", str(ordinal), "--by", "nope"], "--by"),
    ]


def test_cli_errors_name_options_not_keywords(tmp_path: Path) -> None:
    for args, option in _cli_cases(tmp_path):
        code, _, err = _cli(*args)
        assert code in (1, 2), (args, err)
        assert option in err, (args, err)
        assert not _KEYWORD.search(err), (args, err)


# --------------------------------------------------------------------------------------------
# polars panics (found by the fuzz suite: a Parquet file with one byte changed)


def _panicking_read(*args: object, **kwargs: object) -> pl.DataFrame:
    os.write(2, b"thread 'async-executor-1' panicked at crates/polars-stream/...\n")
    raise pl.exceptions.PanicException("assertion failed: offset + length <= self.length")


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_polars_panic_is_an_error_without_a_backtrace(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"t{suffix}"
    sc.write_codings(sc.CodingTable.from_codings([sc.Coding("u", "a", "v", "x")]), path)
    monkeypatch.setattr(pl, "read_parquet" if suffix == ".parquet" else "read_csv", _panicking_read)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # polars' own reader, then
    with pytest.raises(sc.InputFileError) as exc:
        sc.read_codings(path)
    assert str(exc.value).startswith(
        f"{path}: polars failed on this file, which looks damaged (assertion failed: offset + "
        "length <= self.length); "
    )
    assert "panicked" not in capfd.readouterr().err


def test_what_polars_prints_without_panicking_still_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.parquet"
    table = sc.CodingTable.from_codings([sc.Coding("u", "a", "v", "x")])
    sc.write_codings(table, path)
    read = pl.read_parquet

    def chatty(*args: object, **kwargs: object) -> pl.DataFrame:
        os.write(2, b"polars: a note\n")
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl, "read_parquet", chatty)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert sc.read_codings(path).data.height == 1
    assert capfd.readouterr().err == "polars: a note\n"


def _parquet(path: Path, footer: bytes) -> Path:
    path.write_bytes(b"PAR1" + footer + len(footer).to_bytes(4, "little") + b"PAR1")
    return path


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


@pytest.mark.parametrize(
    ("footer", "problem"),
    [
        # row_groups (field 4) declared as a list of 2**61 structures: polars allocates that
        (bytes([0x49, 0xFC]) + _varint(1 << 61), "a count of 2,305,843,009,213,693,952 items"),
        (bytes([0x48]) + _varint(1 << 40), "a count of 1,099,511,627,776 items"),  # a string
        (b"\x49" + b"\x1c" * 70, "the metadata nests too deep"),
        (bytes([0x45]) + b"\xff" * 11, "a number longer than 10 bytes"),
        (bytes([0x4D]), "an unknown value type 13"),
        # found by the long fuzz run: a map keyed by a list raised TypeError (unhashable)
        (bytes([0x1B, 0x01, 0x95, 0x05, 0x00, 0x00]), "a map keyed by a list, set, map or"),
    ],
)
def test_parquet_metadata_that_cannot_be_true_is_refused_before_polars(
    tmp_path: Path, footer: bytes, problem: str
) -> None:
    # found by the fuzz suite: one flipped bit made polars request 2**61 bytes and abort
    path = _parquet(tmp_path / "bad.parquet", footer)
    with pytest.raises(sc.DataError) as exc:
        sc.read_table(path)
    assert problem in str(exc.value)
    assert str(exc.value).endswith("; the file is damaged or not Parquet; write it again")


def test_a_parquet_footer_longer_than_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    sc.write_codings(sc.CodingTable.from_codings([sc.Coding("u", "a", "v", "x")]), path)
    data = bytearray(path.read_bytes())
    data[-8:-4] = (len(data) * 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(sc.DataError, match=r"does not fit the file"):
        sc.read_codings(path)


def test_a_damaged_parquet_page_is_an_error(tmp_path: Path) -> None:
    # pages are read by pyarrow (the test extra has it), whose reader refuses damage
    path = tmp_path / "t.parquet"
    table = sc.CodingTable.from_codings(
        [sc.Coding(f"u{i}", c, "v", "x" * (i % 7 + 1)) for i in range(40) for c in "ab"]
    )
    sc.write_codings(table, path)
    seed = path.read_bytes()
    refused = 0
    for at in range(4, len(seed) // 2, 7):  # flips in the pages, before the footer
        damaged = bytearray(seed)
        damaged[at] ^= 0x10
        path.write_bytes(bytes(damaged))
        try:
            sc.read_codings(path)
        except sc.StatecodeError:
            refused += 1
    assert refused > 0


def test_two_coder_coefficients_on_three_coders_say_coders(tmp_path: Path) -> None:
    path = _write(tmp_path / "3.csv", "unit,coder,v\n1,a,x\n1,b,y\n1,c,x\n2,a,y\n2,b,y\n2,c,y\n")
    with pytest.raises(sc.DataError, match=r"choose two with coders=\(a, b\), or use Fleiss"):
        sc.cohen_kappa(sc.read_codings(path), variable="v")
    code, out, _ = _cli("agreement", str(path), "--coefficient", "cohen")
    assert code == 0
    assert "cohen_kappa not computed for v (needs exactly two coders; the variable has 3)" in out
    code, out, _ = _cli("agreement", str(path), "--coefficient", "scott", "--coders", "a,c")
    assert code == 0
    assert re.search(r"^v +scott_pi +1\.000 ", out, re.MULTILINE)
    code, _, err = _cli("agreement", str(path), "--coders", "a,c")
    assert (code, err) == (
        2,
        "error: --coders applies to --coefficient cohen or scott, not fleiss\n",
    )


def test_parquet_text_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    # Arrow reads a string column's bytes as they are; polars then panicked when the text
    # was read (found by the long fuzz run): every string is validated first
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    raw = pa.array([b"u1", b"u\xe1x"], type=pa.binary())
    units = pa.Array.from_buffers(pa.string(), len(raw), raw.buffers())
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"unit": units, "coder": ["a", "b"], "value": ["x", "y"]}), path)
    with pytest.raises(sc.InputFileError, match="Invalid UTF8"):
        sc.read_codings(path)
