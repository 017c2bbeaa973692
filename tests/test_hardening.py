"""Bad input gets a clear error, and nothing is silently dropped or changed.

One test (or a few) per finding of the hardening review; each failed on the code before
the fix. Refusals that already worked are kept in ``tests/test_hostile.py``.
"""

from __future__ import annotations

import re
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
    assert "error: --variant CU is not valid" in err
    assert not re.search(r"\bvariant=", err)


def test_cli_messages_name_options_not_keywords(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "unit,coder,v\n1,A,x\n")
    code, _, err = _cli("report", str(path), "--by", "nope")
    assert code == 1
    assert "column 'nope' (--by) is not in the file" in err
    assert "by=" not in err
