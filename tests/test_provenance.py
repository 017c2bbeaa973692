"""Provenance: every report says what it was computed from and how."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode import _provenance
from statecode.cli import app
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"
runner = CliRunner()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _example_table(tmp_path: Path) -> tuple[Path, sc.CodingTable]:
    """The shipped example copied to ``tmp_path`` (so it can change), and its table."""
    path = tmp_path / "codings.csv"
    shutil.copy(EXAMPLE, path)
    return path, sc.read_codings(path)


def test_a_report_states_its_inputs_codebook_coefficients_and_bootstrap(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    shutil.copy(EXAMPLE, path)
    table = sc.read_codings(path, codebook=sc.read_codebook("readouts"))
    report = sc.reliability_report(table, coefficients="alpha,fleiss", bootstrap=300, seed=4)
    p = report.provenance
    assert p is not None
    assert p.statecode == sc.__version__ or re.fullmatch(r"\d+\.\d+.*", p.statecode)
    created = dt.datetime.fromisoformat(p.created)
    assert abs((dt.datetime.now(dt.UTC) - created).total_seconds()) < 120
    assert p.inputs == (
        {
            "file": "codings.csv",
            "path": str(path),
            "bytes": path.stat().st_size,
            "sha256": _sha(path),
        },
    )
    assert p.codebook == {"name": "readouts", "version": sc.read_codebook("readouts").version}
    assert p.coefficients == ("alpha", "fleiss")  # in the report's column order
    assert p.bootstrap == {
        "method": "units",
        "replicates": 300,
        "seed": 4,
        "confidence": 0.95,
        "undefined": sum(a.bootstrap.undefined for a in report.alphas if a.bootstrap),
    }


def test_a_file_changed_after_reading_gets_no_digest(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    shutil.copy(EXAMPLE, path)
    table = sc.read_codings(path)
    path.write_text(path.read_text(encoding="utf-8") + "kr99,coder_a,x,x,0,x,x,x,x\n", "utf-8")
    os.utime(path, ns=(1, 1))
    (item,) = sc.reliability_report(table).provenance.inputs  # type: ignore[union-attr]
    assert item["sha256"] is None
    assert item["note"] == "the file changed or went after it was read: no digest"


def test_a_report_digests_its_file_in_a_thread_beside_the_coefficients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, table = _example_table(tmp_path)
    made_in: list[str] = []
    real = _provenance.SourceFile._digest

    def digest(self: _provenance.SourceFile, stop: threading.Event | None = None) -> str | None:
        made_in.append(threading.current_thread().name)
        return real(self, stop)

    monkeypatch.setattr(_provenance.SourceFile, "_digest", digest)
    (item,) = sc.reliability_report(table).provenance.inputs  # type: ignore[union-attr]
    assert item["sha256"] == _sha(path)
    assert made_in == [f"statecode-sha256 {path}"]  # once, and not by the caller's thread
    assert not _provenance._AHEAD  # nothing is left once the report is made


def test_a_digest_made_ahead_is_dropped_when_the_file_changes_before_it_is_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "codings.csv"
    shutil.copy(EXAMPLE, path)
    source = sc.SourceFile.of(path)
    assert source is not None
    with _provenance.digests_ahead([source, "not a file", None]):
        _provenance._AHEAD[source].join()  # the digest is made: now the file changes
        path.write_bytes(path.read_bytes() + b"\n")
        assert source.sha256() is None


def test_a_digest_stopped_by_another_block_is_made_by_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    shutil.copy(EXAMPLE, path)
    source = sc.SourceFile.of(path)
    assert source is not None
    with _provenance.digests_ahead([source]):
        ahead = _provenance._AHEAD[source]
        ahead.join()
        ahead.value = None  # as if another thread's block had stopped it half way
        ahead.stop.set()
        assert source.sha256() == _sha(path)
    assert source.sha256() == _sha(path)  # after the block: read by the caller, as before


def test_a_digest_not_asked_for_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (32 << 20))
    monkeypatch.setattr(_provenance, "_CHUNK", 64)  # 524,288 reads: far longer than the block
    source = sc.SourceFile.of(path)
    assert source is not None
    with _provenance.digests_ahead([source]):
        ahead = _provenance._AHEAD[source]
    ahead.join(timeout=60)
    assert not ahead.is_alive()
    assert ahead.value is None  # stopped half way, not finished
    assert source not in _provenance._AHEAD


def test_two_threads_reporting_on_one_file_share_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # found by review: the digest was published before its thread started, and the other
    # thread's report, joining it in that gap, failed with RuntimeError
    path, table = _example_table(tmp_path)
    real_start = _provenance._Ahead.start

    def slow_start(self: _provenance._Ahead) -> None:
        time.sleep(0.3)  # the gap in which the other thread asks for the digest
        real_start(self)

    monkeypatch.setattr(_provenance._Ahead, "start", slow_start)
    digests: dict[str, str | None] = {}

    def report(key: str) -> None:
        (item,) = sc.reliability_report(table, coefficients="alpha").provenance.inputs  # type: ignore[union-attr]
        digests[key] = item["sha256"]

    other = threading.Thread(target=report, args=("other",))
    other.start()
    time.sleep(0.1)
    report("main")
    other.join()
    assert digests == {"other": _sha(path), "main": _sha(path)}
    assert not _provenance._AHEAD


def test_a_digest_without_a_thread_or_failed_in_it_is_made_by_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, table = _example_table(tmp_path)

    def no_thread(self: _provenance._Ahead) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(_provenance._Ahead, "start", no_thread)
        (item,) = sc.reliability_report(table).provenance.inputs  # type: ignore[union-attr]
    assert item["sha256"] == _sha(path)
    assert not _provenance._AHEAD  # nothing left to join: later reports are not poisoned
    source = sc.SourceFile.of(path)
    assert source is not None
    with _provenance.digests_ahead([source]):
        ahead = _provenance._AHEAD[source]
        ahead.join()
        ahead.failed, ahead.value = True, None  # as if the thread had raised
        assert source.sha256() == _sha(path)


def test_data_from_python_has_no_file() -> None:
    table = sc.CodingTable.from_frame(
        pl.DataFrame({"unit": ["1", "1"], "coder": ["a", "b"], "v": ["x", "y"]})
    )
    report = sc.reliability_report(table)
    assert report.provenance is not None
    assert report.provenance.inputs == ()
    assert report.provenance.codebook is None
    assert "codebook: none (values taken as they are)" in report.provenance.lines()


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("alpha", ("--bootstrap", "200", "--seed", "1")),
        ("report", ("--bootstrap", "200", "--seed", "1")),
        ("agreement", ()),
    ],
)
def test_json_and_markdown_outputs_carry_the_provenance(
    tmp_path: Path, command: str, extra: tuple[str, ...]
) -> None:
    args = [command, str(EXAMPLE), "--codebook", "readouts", *extra]
    document = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    provenance = document["provenance"]
    assert provenance["inputs"][0]["sha256"] == _sha(EXAMPLE)
    assert provenance["codebook"]["name"] == "readouts"
    markdown = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    assert "## Provenance" in markdown
    assert f"sha256 {_sha(EXAMPLE)}" in markdown
    if command != "agreement":
        assert "seed 1" in markdown


def test_the_html_pages_carry_the_provenance(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(EXAMPLE), "--codebook", "readouts", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<h2>Provenance</h2>" in page
    assert _sha(EXAMPLE) in page
    folder = EXAMPLE.parent
    compare = tmp_path / "c.html"
    result = runner.invoke(
        app, ["compare", str(EXAMPLE), "--corpus", str(folder), "-o", str(compare)]
    )
    assert result.exit_code == 0, result.stderr
    page = compare.read_text(encoding="utf-8")
    assert "<h2>Provenance</h2>" in page
    assert "emphasis (Fisher&#x27;s exact test)" in page
