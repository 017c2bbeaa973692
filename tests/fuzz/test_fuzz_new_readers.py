"""Mutated files for the new readers: only a result or a StatecodeError may come out.

Each reader gets a valid seed file, which hypothesis mutates: bytes flipped, the file cut
short, a line or a field deleted, nasty Unicode inserted (a lone surrogate's bytes, bidi
controls, NUL, an emoji, combining marks), numbers replaced by huge ones, deep nesting. The
SQLite readers (DNA, QualCoder) also get their rows deleted and their cells replaced. A
reader may refuse the file (``StatecodeError``) or read it; any other exception, a call
past the time or memory bound of the other readers, or a crash fails. The number of inputs
comes from the hypothesis profile: a short round with the tests, 20,000 per reader with
``--hypothesis-profile fuzz``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statecode as sc
from statecode import StatecodeError
from tests.fuzz.test_fuzz_readers import MEMORY_LIMIT, TIME_LIMIT
from tests.io.test_dna import _database as _dna_database
from tests.io.test_qualcoder import _project as _qualcoder_project

NASTY = [
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 would write it
    "\u202e\u2066".encode(),
    b"\x00",
    "\U0001f600".encode(),
    "e\u0301\u0338".encode(),
    b"\xff\xfe",
    b"\t\t\t",
    b"\r\n",
    b"99999999999999999999999999999999",
    b"-1",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&#0;",
    b"[[[[[[[[[[",
    b"\\",
]

# --------------------------------------------------------------------------------------------
# seeds

TSV = (
    "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n"
    "#T_RL=webanno.custom.Rel|label|BT_webanno.custom.Span\n\n\n"
    "#Text=Kyiv \U0001f54a und Paris\n"
    "1-1\t0-4\tKyiv\tLOC[1]\t_\t_\t\n"
    "1-2\t5-7\t\U0001f54a\tLOC[1]|X\t*\t1-1\t\n"
    "1-2.1\t5-7\t\U0001f54a\t*\t_\t_\t\n"
    "1-3\t8-11\tund\t_\t_\t_\t\n"
    "1-4\t12-17\tParis\tLOC\t_\t_\t\n\n"
    "#Text=Ende\n2-1\t18-22\tEnde\tX\t_\t_\t\n"
)
XMI = (
    '<?xml version="1.0" encoding="UTF-8"?><xmi:XMI xmlns:xmi="http://www.omg.org/XMI" '
    'xmlns:cas="http:///uima/cas.ecore" '
    'xmlns:ne="http:///de/tudarmstadt/ukp/dkpro/core/api/ner/type.ecore" xmi:version="2.0">'
    '<cas:NULL xmi:id="0"/>'
    '<ne:NamedEntity xmi:id="10" sofa="2" begin="0" end="4" value="LOC"/>'
    '<ne:NamedEntity xmi:id="11" sofa="2" begin="7" end="10" value="X"/>'
    '<cas:Sofa xmi:id="2" sofaNum="1" sofaID="_InitialView" mimeType="text" '
    'sofaString="Kyiv &#128330; und"/></xmi:XMI>'
)
ANN = (
    "T1\tLOC 0 4\tKyiv\nT2\tLOC 7 10;11 16\tund Paris\nA1\tNeg T1\nM2\tConf T2 high\n"
    "E1\tEv:T1 Arg:T2\nR1\tRel Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\tnote\n"
)
BRAT_TEXT = "Kyiv \U0001f54a und Paris."


def _write_tsv(folder: Path, data: bytes) -> Path:
    path = folder / "doc.tsv"
    path.write_bytes(data)
    return path


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


PROJECT = _zip(
    {
        "source/d.txt": BRAT_TEXT.encode(),
        "annotation/d.txt/alice.tsv": TSV.encode(),
        "annotation/d.txt/bob.tsv": TSV.replace("LOC", "PER").encode(),
        "annotation_ser/d.txt/alice.ser": b"\xac\xed\x00\x05",
        "curation/d.txt/CURATION_USER.tsv": TSV.encode(),
    }
)


def _seed_database(make: Callable[[Path], Path]) -> bytes:
    """The bytes of a database the readers' own tests build (their schema written once)."""
    with tempfile.TemporaryDirectory() as folder:
        return make(Path(folder)).read_bytes()


# DNA: the statements of test_dna's hand-made database (an emoji before the second one);
# QualCoder: a project made from QualCoder's schema as test_qualcoder makes it
DNA = _seed_database(
    lambda folder: _dna_database(
        folder / "s.dna", [(1, 1, 0, 2, 1, 2, 1, 4), (2, 1, 6, 8, 3, 1, 0, None)]
    )
)
QUALCODER = _seed_database(
    lambda folder: (
        _qualcoder_project(
            folder, [(2, 1, "Kyiv", 0, 4, "ann"), (3, 1, "Waffenruhe", 16, 26, "bob")]
        )
        / "data.qda"
    )
)


def _read_file(name: str, read: Callable[[Path], Any]) -> Callable[[Path, bytes], Any]:
    def run(folder: Path, data: bytes) -> Any:
        path = folder / name
        path.write_bytes(data)
        return read(path)

    return run


def _read_brat(folder: Path, data: bytes) -> Any:
    (folder / "d.txt").write_bytes(BRAT_TEXT.encode())
    (folder / "d.ann").write_bytes(data)
    return sc.read_brat(folder, discontinuous="split")


READERS: dict[str, tuple[bytes, Callable[[Path, bytes], Any]]] = {
    "webanno": (
        TSV.encode(),
        _read_file("doc.tsv", lambda p: sc.read_webanno(p, coder="a", unlabelled="u")),
    ),
    "webanno-project": (
        PROJECT,
        _read_file("p.zip", lambda p: sc.read_webanno(p, unlabelled="u", curation="include")),
    ),
    "xmi": (
        XMI.encode(),
        _read_file("d.xmi", lambda p: sc.read_xmi(p, coder="a", layer="NamedEntity")),
    ),
    "brat": (ANN.encode(), _read_brat),
    "dna": (DNA, _read_file("d.dna", lambda p: sc.read_dna(p, statement_type="Claim"))),
    "qualcoder": (QUALCODER, _read_file("data.qda", sc.read_qualcoder)),
    "doccano": (
        (
            json.dumps({"text": "Fly to Oslo", "entities": [[7, 11, "City"]], "cats": ["f"]})
            + "\n"
            + json.dumps(
                {
                    "text": "Oslo",
                    "entities": [{"id": 0, "start_offset": 0, "end_offset": 4, "label": "C"}],
                    "relations": [{"from_id": 0, "to_id": 0, "type": "self"}],
                },
                indent=2,
            )
        ).encode(),
        _read_file("a.jsonl", lambda p: sc.read_doccano(p, unit_from="order")),
    ),
    "frictionless": (
        sc.codebook_to_frictionless(sc.read_codebook("readouts")).encode(),
        lambda folder, data: sc.codebook_from_frictionless(data.decode("utf-8", "replace")),
    ),
    "ddi": (
        sc.codebook_to_ddi(sc.read_codebook("readouts")).encode(),
        lambda folder, data: sc.codebook_from_ddi(data),
    ),
}

# --------------------------------------------------------------------------------------------
# mutations


@st.composite
def _mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "line", "field", "insert", "number", "deep"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind in ("line", "field"):
            sep = b"\n" if kind == "line" else draw(st.sampled_from([b"\t", b" ", b",", b'"']))
            start = data.rfind(sep, 0, at) + 1
            end = data.find(sep, at)
            del data[start : len(data) if end < 0 else end + 1]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(NASTY))
        elif kind == "number":
            digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
            if digits:
                i = draw(st.sampled_from(digits))
                data[i : i + 1] = draw(st.sampled_from([b"9" * 40, b"-7", b"0", b"1e309"]))
        else:
            depth = draw(st.integers(50, 5000))
            data[at:at] = draw(st.sampled_from([b"[" * depth, b"<a>" * depth, b"{" * depth]))
    return bytes(data)


_SQL_MUTATIONS = [
    "DELETE FROM {table}",
    "UPDATE {table} SET {column} = NULL",
    "UPDATE {table} SET {column} = 99999999999999999",
    "UPDATE {table} SET {column} = -5",
    "UPDATE {table} SET {column} = 'x\u202e\U0001f600'",
    "UPDATE {table} SET {column} = X'FFFE00'",
    "UPDATE {table} SET {column} = 2.5",
    "DROP TABLE {table}",
]


@st.composite
def _mutated_database(draw: st.DrawFn, seed: bytes) -> bytes:
    db = sqlite3.connect(":memory:")
    db.deserialize(seed)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(tables))
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        if not columns:
            continue
        sql = draw(st.sampled_from(_SQL_MUTATIONS)).format(
            table=table, column=draw(st.sampled_from(columns))
        )
        try:
            db.execute(sql)
        except sqlite3.Error:
            continue
    data = db.serialize()
    db.close()
    return data


def _inputs(name: str) -> st.SearchStrategy[bytes]:
    seed = READERS[name][0]
    if name in ("dna", "qualcoder"):
        return _mutated_database(seed) | _mutated(seed)
    return _mutated(seed)


def _only_results_or_statecode_errors(tmp: Path, name: str, data: bytes) -> None:
    folder = tmp / name
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    # a reader may refuse the file; the tests turn statecode's warnings into errors too
    with contextlib.suppress(StatecodeError, sc.StatecodeWarning):
        READERS[name][1](folder, data)


@pytest.mark.parametrize("name", sorted(READERS))
def test_seeds_are_read(name: str, tmp_path: Path) -> None:
    seed, read = READERS[name]
    assert read(tmp_path, seed) is not None


@pytest.mark.parametrize("name", sorted(READERS))
def test_mutated_files(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    # as many inputs as the hypothesis profile says: a short round with the tests,
    # 20,000 with --hypothesis-profile fuzz; each within the bounds of the other readers
    tmp = tmp_path_factory.mktemp("fuzz")

    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=_inputs(name))
    def check(data: bytes) -> None:
        tracemalloc.start()
        start = time.perf_counter()
        try:
            _only_results_or_statecode_errors(tmp, name, data)
        finally:
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s on {len(data):,} bytes"
        assert peak < MEMORY_LIMIT, f"{peak:,} bytes allocated on {len(data):,} bytes"

    check()
