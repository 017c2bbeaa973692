"""Every reader, fed mutated valid files, gives a result or a StatecodeError, fast and small.

Nothing else may come out: no other exception (a bug: the CLI would call it one), no
warning other than statecode's own, no call past the time or memory bound. The number of
inputs per reader comes from the hypothesis profile: ``dev`` and ``ci`` run a short round;
``pytest tests/fuzz --hypothesis-profile fuzz`` runs 20,000 per reader (an hour or two on
two cores).
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statecode as sc
from tests.conftest import DATA, ROOT
from tests.fuzz._mutate import json_lines_restructured, mutated, restructured

pytestmark = pytest.mark.slow

#: A reader may take this long on one small mutated file (seconds, wall clock).
TIME_LIMIT = 10.0
#: ... and allocate this much at its peak (bytes, as tracemalloc counts them).
MEMORY_LIMIT = 256 << 20

Reader = Callable[[Path], object]


def _survives(read: Reader, data: bytes, name: str) -> None:
    """Run ``read`` on a file holding ``data``: a result or a StatecodeError, in bounds."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        tracemalloc.start()
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sc.StatecodeWarning)
                read(path)
        except sc.StatecodeError:
            pass
        finally:
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s on {len(data):,} bytes"
    assert peak < MEMORY_LIMIT, f"{peak:,} bytes allocated on {len(data):,} bytes"


# --------------------------------------------------------------------------------------------
# seeds: small valid files of every format, made once


@functools.cache
def _codebook() -> sc.Codebook:
    return sc.read_codebook("readouts")


@functools.cache
def _table() -> sc.CodingTable:
    lines = (ROOT / "examples" / "readouts" / "codings.csv").read_text(encoding="utf-8")
    head = "\n".join(lines.splitlines()[:13]) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.csv"
        path.write_text(head, encoding="utf-8")
        return sc.read_codings(path, codebook=_codebook())


@functools.cache
def _ls_codebook() -> sc.Codebook:
    return sc.read_codebook(DATA / "labelstudio" / "codebook.toml")


def _written(write: Callable[[Path], None], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"seed{suffix}"
        write(path)
        return path.read_bytes()


@functools.cache
def _seed(kind: str) -> bytes:
    if kind in (".csv", ".tsv", ".jsonl", ".parquet", ".xlsx"):
        return _written(lambda p: sc.write_codings(_table(), p), kind)
    if kind == "toml":
        text = (ROOT / "codebooks" / "readouts.toml").read_text(encoding="utf-8")
        return "\n".join(text.splitlines()[:120]).encode("utf-8") + b"\n"
    if kind == "qdc":
        return _written(lambda p: sc.write_qdc(_codebook(), p), ".qdc")
    if kind == "qdpx":
        corpus = sc.Corpus(documents=[sc.Document(id="d1", text="We call for talks \U0001f91d.")])
        spans = [
            sc.Span("d1", "ann", 0, 7, "precondition", "neutrality"),
            sc.Span("d1", "bob", 3, 12, "precondition", "neutrality"),
        ]
        return _written(lambda p: sc.write_qdpx(corpus, spans, _codebook(), p), ".qdpx")
    if kind == "labelstudio":
        return (DATA / "labelstudio" / "three-annotators.json").read_bytes()
    if kind == "doccano":
        return (DATA / "doccano" / "classification" / "admin2.jsonl").read_bytes() + (
            DATA / "doccano" / "spans" / "alice.jsonl"
        ).read_bytes()
    if kind == "documents":
        return (ROOT / "examples" / "readouts" / "documents.csv").read_bytes()
    if kind == "statements":
        return (ROOT / "examples" / "readouts" / "statements.csv").read_bytes()
    if kind == "spans":
        spans = [sc.Span("d1", "ann", 0, 7, "v", "a"), sc.Span("d1", "bob", 3, 9, "v", "b")]
        return _written(lambda p: sc.write_spans(spans, p), ".csv")
    if kind == "unitizers":
        return _written(lambda p: sc.write_unitizers({"d1": ["a", "b"], "d2": []}, p), ".csv")
    if kind == "wide":
        return (DATA / "hayes-krippendorff-2007-wide.csv").read_bytes()
    if kind == "decisions":
        return b"unit,variable,decision\nkr01,blame_target,russia\n"
    msg = f"no seed {kind!r}"
    raise KeyError(msg)


# --------------------------------------------------------------------------------------------
# the readers


def _documents_with(statements: bytes) -> Reader:
    def read(path: Path) -> object:
        documents = path.with_name("documents.csv")
        documents.write_bytes(_seed("documents"))
        return sc.read_corpus(documents, path)

    return read


def _decisions(path: Path) -> object:
    table = sc.CodingTable.from_frame(
        pl.DataFrame(
            {
                "unit": ["kr01"] * 3,
                "coder": ["a", "b", "c"],
                "blame_target": ["russia", "ukraine", "russia"],
            }
        ),
        codebook=_codebook(),
    )
    return sc.apply_adjudication(sc.consensus(table), path)


READERS: dict[str, tuple[str, str, Reader]] = {
    # name: (seed, file name, reader)
    "codings-csv": (".csv", "c.csv", lambda p: sc.read_codings(p, codebook=_codebook())),
    "codings-csv-plain": (".csv", "c.csv", sc.read_codings),
    "codings-tsv": (".tsv", "c.tsv", lambda p: sc.read_codings(p, codebook=_codebook())),
    "codings-jsonl": (".jsonl", "c.jsonl", lambda p: sc.read_codings(p, codebook=_codebook())),
    "codings-parquet": (".parquet", "c.parquet", sc.read_codings),
    "codings-xlsx": (".xlsx", "c.xlsx", sc.read_codings),
    "codings-wide": ("wide", "w.csv", lambda p: sc.read_codings(p, layout="wide")),
    # the streamed reader (a LazyFrame of parts), scored: every variable through polars'
    # streaming engine and the strict checks of the streamed path
    "scan-csv": (".csv", "c.csv", lambda p: sc.streamed_alphas(sc.scan_codings(p))),
    "scan-parquet": (".parquet", "c.parquet", lambda p: sc.streamed_alphas(sc.scan_codings(p))),
    "codebook-toml": ("toml", "cb.toml", sc.read_codebook),
    "codebook-qdc": ("qdc", "cb.qdc", sc.read_codebook),
    "project-qdpx": ("qdpx", "p.qdpx", sc.read_qdpx),
    "labelstudio": ("labelstudio", "ls.json", sc.read_labelstudio),
    "labelstudio-codebook": (
        "labelstudio",
        "ls.json",
        lambda p: sc.read_labelstudio(p, codebook=_ls_codebook()),
    ),
    "doccano": ("doccano", "d.jsonl", sc.read_doccano),
    "corpus-documents": ("documents", "documents.csv", sc.read_corpus),
    "corpus-statements": ("statements", "statements.csv", _documents_with(b"")),
    "spans": ("spans", "s.csv", sc.read_spans),
    "span-source": ("spans", "s.csv", sc.read_span_source),
    "unitizers": ("unitizers", "u.csv", sc.read_unitizers),
    "decisions": ("decisions", "d.csv", _decisions),
}

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_every_seed_reads() -> None:
    # the mutations start from files that are valid: a seed that fails proves nothing
    for name, (seed, file_name, read) in READERS.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / file_name
            path.write_bytes(_seed(seed))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sc.StatecodeWarning)
                assert read(path) is not None, name


@pytest.mark.parametrize("name", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_mutated_files(name: str, data: Any) -> None:
    seed, file_name, read = READERS[name]
    _survives(read, data.draw(mutated(_seed(seed))), file_name)


@pytest.mark.parametrize("name", ["labelstudio", "labelstudio-codebook"])
@FUZZ
@given(data=st.data())
def test_restructured_label_studio_exports(name: str, data: Any) -> None:
    seed, file_name, read = READERS[name]
    tasks = json.loads(_seed(seed))
    text = json.dumps(data.draw(restructured(tasks)), ensure_ascii=data.draw(st.booleans()))
    _survives(read, text.encode("utf-8"), file_name)


@pytest.mark.parametrize("name", ["doccano", "codings-jsonl"])
@FUZZ
@given(data=st.data())
def test_restructured_json_lines(name: str, data: Any) -> None:
    seed, file_name, read = READERS[name]
    _survives(read, data.draw(json_lines_restructured(_seed(seed))), file_name)


@FUZZ
@given(data=st.data())
def test_mutated_project_members(data: Any) -> None:
    # a valid archive around a damaged project.qde or source text: the XML and text readers
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(io.BytesIO(_seed("qdpx"))) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    target = data.draw(st.sampled_from(sorted(members)))
    members[target] = data.draw(mutated(members[target]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for member, content in members.items():
            zf.writestr(member, content)
    _survives(sc.read_qdpx, buffer.getvalue(), "p.qdpx")
