"""``statecode alpha`` on globs of parts and with --engine: the streamed path."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from tests.conftest import json_results

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _codings(units: int = 600) -> pl.DataFrame:
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 6, units)
    unit = np.repeat(np.arange(units), 4)
    value = np.where(rng.random(unit.size) < 0.7, truth[unit], rng.integers(1, 6, unit.size))
    frame = pl.DataFrame(
        {
            "unit": [f"s{u}" for u in unit],
            "coder": np.tile(["ann", "ben", "cy", "dee"], units),
            "stance": value,
            "tone": (value * 3) % 5,
        }
    )
    return frame.filter(pl.Series(rng.random(unit.size) < 0.8))


def _parts(tmp_path: Path, frame: pl.DataFrame, suffix: str) -> str:
    folder = tmp_path / "parts"
    folder.mkdir()
    number = pl.col("unit").str.slice(1).cast(pl.Int64)
    for k in range(3):
        part = frame.filter(number % 3 == k)
        path = folder / f"part{k}{suffix}"
        part.write_parquet(path) if suffix == ".parquet" else part.write_csv(path)
    return str(folder / f"*{suffix}")


def _same(record: dict[str, object], result: sc.AlphaResult) -> None:
    assert record["units"] == result.units
    assert record["pairable_units"] == result.pairable_units
    assert record["coders"] == result.coders
    assert record["pairable_values"] == result.pairable_values
    assert math.isclose(float(str(record["alpha"])), result.alpha, rel_tol=1e-12)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_a_glob_of_parts_gives_the_in_memory_alpha(tmp_path: Path, suffix: str, level: str) -> None:
    frame = _codings()
    pattern = _parts(tmp_path, frame, suffix)
    code, out, err = _run("alpha", pattern, "--level", level, "--format", "json")
    assert code == 0, err
    records = json_results(out)
    assert [r["variable"] for r in records] == ["stance", "tone"]
    for record in records:
        name = str(record["variable"])
        long = frame.select("unit", "coder", name)
        _same(record, sc.krippendorff_alpha(long, value=name, level=level))


def test_engine_streaming_on_one_file_matches_the_in_memory_reader(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    _codings().write_csv(path)
    code, memory, err = _run("alpha", str(path), "--format", "json")
    assert code == 0, err
    code, streamed, err = _run("alpha", str(path), "--engine", "streaming", "--format", "json")
    assert code == 0, err
    for a, b in zip(json_results(memory), json_results(streamed), strict=True):
        assert a.keys() == b.keys()
        for key in ("variable", "level", "units", "coders", "pairable_values", "verdict"):
            assert a[key] == b[key], key
        assert math.isclose(a["alpha"], b["alpha"], rel_tol=1e-12)


def test_a_poisson_bootstrap_over_parts(tmp_path: Path) -> None:
    frame = _codings()
    pattern = _parts(tmp_path, frame, ".parquet")
    args = ("alpha", pattern, "--bootstrap", "200", "--seed", "3", "--format", "json")
    code, out, err = _run(*args, "--method", "poisson")
    assert code == 0, err
    record = json_results(out)[0]
    assert record["method"] == "poisson"
    reference = sc.krippendorff_alpha(
        frame.select("unit", "coder", "stance"),
        value="stance",
        bootstrap=200,
        seed=3,
        method="poisson",
    )
    assert reference.se is not None
    assert math.isclose(record["se"], reference.se, rel_tol=1e-9)
    code, out, err = _run(*args)  # the default --method units, from the merged patterns
    assert code == 0, err
    record = json_results(out)[0]
    assert record["method"] == "units"
    assert math.isclose(record["alpha"], reference.alpha, rel_tol=1e-12)


def test_continuous_parts_take_the_poisson_bootstrap_only(tmp_path: Path) -> None:
    # interval data with more distinct values than a domain holds travel as moments, whose
    # bootstrap is the Poisson one: another method is a usage error naming it
    frame = _codings(900)
    noise = pl.int_range(pl.len()) / 7919.0
    frame = frame.with_columns((pl.col("stance") + noise).alias("stance")).drop("tone")
    pattern = _parts(tmp_path, frame, ".parquet")
    args = ("alpha", pattern, "--level", "interval", "--bootstrap", "50", "--seed", "2")
    code, _, err = _run(*args, "--method", "units")
    assert code == 2
    assert "take --method poisson" in err
    code, out, err = _run(*args, "--method", "poisson", "--format", "json")
    assert code == 0, err
    assert json_results(out)[0]["method"] == "poisson"


def test_streamed_input_keeps_the_strict_checks(tmp_path: Path) -> None:
    frame = _codings(50)
    doubled = pl.concat(
        [frame, frame.head(1).with_columns(pl.lit(9, dtype=pl.Int64).alias("stance"))]
    )
    path = tmp_path / "twice.parquet"
    doubled.write_parquet(path)
    code, _, err = _run("alpha", str(tmp_path / "*.parquet"))
    assert code == 1
    first = doubled.row(0, named=True)
    assert f"coder {first['coder']!r} gave unit 's0' more than one value" in err
    assert f"rows 1, {doubled.height}:" in err
    code, _, err = _run("alpha", str(tmp_path / "*.parquet"), "--domain", "1,2,3")
    assert code == 1
    code, _, err = _run("alpha", str(tmp_path / "none*.parquet"))
    assert code == 1
    assert "no file matches" in err
    code, _, err = _run("alpha", str(tmp_path / "*.parquet"), "--codebook", "readouts")
    assert code == 2
    assert "--codebook" in err
    text = tmp_path / "text.csv"
    pl.DataFrame({"unit": ["1", "1"], "coder": ["a", "b"], "v": ["2", "x"]}).write_csv(text)
    code, _, err = _run("alpha", str(text), "--engine", "streaming", "--level", "interval")
    assert code == 1
    assert "not all numbers" in err


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="--engine dask needs the dask extra (pip install 'statecode[dask]')",
)
def test_engine_dask_on_a_local_cluster(tmp_path: Path) -> None:
    frame = _codings(300)
    pattern = _parts(tmp_path, frame, ".parquet")
    code, out, err = _run("alpha", pattern, "--engine", "dask", "--format", "json")
    assert code == 0, err
    record = json_results(out)[0]
    _same(record, sc.krippendorff_alpha(frame.select("unit", "coder", "stance"), value="stance"))


def test_a_damaged_part_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "part.parquet"
    _codings(2000).write_parquet(path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 200] = bytes(b ^ 0xFF for b in data[middle : middle + 200])
    path.write_bytes(bytes(data))
    code, _, err = _run("alpha", str(tmp_path / "*.parquet"))
    # polars reads damaged pages as an error, or (no checksums) as other values, which the
    # checks then refuse: an input error either way, never a crash or a figure
    assert code == 1
    assert err.startswith("error: ")
    assert "bug in statecode" not in err


def test_auto_streams_a_large_file_unless_the_in_memory_reader_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statecode.cli import _options  # noqa: PLC0415 - its threshold, made small

    path = tmp_path / "codings.parquet"
    _codings(100).write_parquet(path)
    code, memory, err = _run("alpha", str(path), "--format", "json")
    assert code == 0, err
    monkeypatch.setattr(_options, "STREAM_BYTES", 1)
    code, streamed, err = _run("alpha", str(path), "--format", "json")
    assert code == 0, err
    # the in-memory reader hashes the file it read; the streamed path names it only
    assert json.loads(memory)["provenance"]["inputs"][0]["sha256"]
    assert json.loads(streamed)["provenance"]["inputs"][0]["sha256"] is None
    for a, b in zip(json_results(memory), json_results(streamed), strict=True):
        assert math.isclose(a["alpha"], b["alpha"], rel_tol=1e-12)
    code, _, err = _run("alpha", str(path), "--engine", "memory", "--format", "json")
    assert code == 0, err


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.csv": b"unit,coder,value\nu1,a,1\nu1,b\nu2,a,2\n"}, "line 3: has 2 fields"),
        ({"a.csv": b"unit,coder,value,value\nu1,a,1,2\n"}, "both named 'value'"),
        (
            {"a.csv": b"unit,coder,value\nu1,a,1\n", "b.csv": b"coder,unit,value\na,u2,1\n"},
            "the parts of one table share one header",
        ),
        ({"a.csv": b""}, "is empty"),
        ({"a.csv": b"unit,coder,value\nu1,a,\xff\n"}, "UTF-8"),
    ],
)
def test_streamed_csv_parts_are_checked_as_files_are(
    tmp_path: Path, files: dict[str, bytes], expected: str
) -> None:
    # the streamed path once read a short row padded, a duplicate header renamed, and
    # crashed on parts with other headers (found by review)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, _, err = _run("alpha", str(tmp_path / "*.csv"))
    assert code == 1
    assert expected in err
    assert "bug" not in err
    with pytest.raises(sc.StatecodeError, match=expected):
        sc.scan_codings(str(tmp_path / "*.csv"))


def test_a_streamed_csv_finds_its_delimiter_as_read_table_does(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_bytes(b"unit;coder;value\nu1;a;1\nu1;b;1\nu2;a;1\nu2;b;2\nu3;a;2\nu3;b;2\n")
    streamed = sc.krippendorff_alpha(sc.scan_codings(path))
    in_memory = sc.krippendorff_alpha(sc.read_codings(path), variable="value")
    assert streamed.alpha == pytest.approx(in_memory.alpha)


def test_blank_lines_closing_a_streamed_csv_part_are_not_rows(tmp_path: Path) -> None:
    # found by review: each became a row of nulls, which the strict checks then refused
    # ("column 'unit' is empty") in a file read_codings reads
    first = tmp_path / "a.csv"
    first.write_bytes(b'unit,coder,value\nu1,a,"x\n\ny"\nu1,b,x\nu2,a,y\n\n\n')
    second = tmp_path / "b.csv"
    second.write_bytes(b"unit,coder,value\nu2,b,y\nu3,a,x\r\n\r\n")
    third = tmp_path / "c.csv"
    third.write_bytes(b"unit,coder,value\nu3,b,x\n")
    streamed = sc.scan_codings([first, second, third]).collect()
    rows = [r for p in (first, second, third) for r in sc.read_table(p)[0].rows()]
    assert streamed.rows() == rows
    assert len(rows) == 6
    alpha = sc.streamed_alphas(sc.scan_codings(tmp_path / "*.csv"))[0].alpha
    table = sc.read_codings(first)
    assert table.data.height == 3
    assert alpha == pytest.approx(
        sc.krippendorff_alpha(
            pl.DataFrame(rows, schema=["unit", "coder", "value"], orient="row")
        ).alpha
    )


def test_a_streamed_csv_reads_missing_markers_as_read_table_does(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_bytes(b'unit,coder,value\nu1,a,"NA"\nu1,b,NA\nu2,a,"a""b"\nu2,b,x\n')
    markers = ["NA", 'a"b']
    streamed = sc.scan_codings(path, missing=markers).collect()
    frame, _ = sc.read_table(path, missing=markers)
    expected = [("u1", "a", None), ("u1", "b", None), ("u2", "a", None), ("u2", "b", "x")]
    assert streamed.rows() == frame.rows() == expected


@pytest.mark.parametrize(
    ("options", "code", "expected"),
    [
        (["--variable", "nope"], 1, "--variable names 'nope', which is not a column"),
        (["--level", "nope=ordinal"], 2, "--level names 'nope', which is not a variable"),
        (["--unit", "u"], 1, "--unit u is not a column"),
    ],
)
def test_streamed_names_are_checked(
    tmp_path: Path, options: list[str], code: int, expected: str
) -> None:
    # an unknown variable was a KeyError (a "bug"); a level of an unknown one was ignored
    path = tmp_path / "a.csv"
    path.write_bytes(b"unit,coder,value\nu1,a,1\nu1,b,1\nu2,a,2\nu2,b,2\n")
    got, _, err = _run("alpha", str(path), "--engine", "streaming", *options)
    assert got == code
    assert expected in err


def test_parts_polars_cannot_read_are_input_errors(tmp_path: Path) -> None:
    # found by the fuzz run of scan_codings: a Parquet file without its footer and a CSV
    # part that is one carriage return reached the caller as polars' own exceptions
    (tmp_path / "broken.parquet").write_bytes(b"")
    (tmp_path / "cr.csv").write_bytes(b"\r")
    for name in ("broken.parquet", "cr.csv"):
        with pytest.raises(sc.InputFileError, match=f"{name}: polars cannot read its columns"):
            sc.scan_codings(tmp_path / name)
        code, _, err = _run("alpha", str(tmp_path / name), "--engine", "streaming")
        assert code == 1, err
        assert "polars cannot read its columns" in err
    # a LazyFrame of the user's own whose columns cannot be read: a DataError, not polars'
    with pytest.raises(sc.DataError, match="could not be read"):
        sc.krippendorff_alpha(pl.scan_parquet(tmp_path / "broken.parquet"))
