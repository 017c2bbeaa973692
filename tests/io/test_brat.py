"""brat standoff: the BioNLP-ST 2011 sample of brat's repository and hand-made collections."""

from __future__ import annotations

from pathlib import Path

import pytest

import statecode as sc
from statecode import DataError, InputFileError, OptionError, read_brat
from tests.conftest import REAL, needs_real

BRAT = REAL / "brat"


def _texts(result: sc.BratImport) -> list[tuple[str, str, str, str]]:
    docs = {d.id: d.text for d in result.corpus.documents}
    return [(s.coder, s.variable, s.code, docs[s.document][s.start : s.end]) for s in result.spans]


def _collection(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{name}.ann"


@needs_real
def test_bionlp_sample() -> None:
    result = read_brat(BRAT / "PMID-1590827.ann")
    ann = (BRAT / "PMID-1590827.ann").read_text(encoding="utf-8").splitlines()
    text = (BRAT / "PMID-1590827.txt").read_text(encoding="utf-8")
    # 15 text-bound annotations, 6 events; the folder's name is the coder
    assert sum(line.startswith("T") for line in ann) == len(result.spans) == 15
    assert dict(result.skipped) == {"event": 6}
    assert result.coders == ("brat",)
    assert [d.id for d in result.corpus.documents] == ["PMID-1590827"]
    assert result.corpus.documents[0].text == text
    assert {s.code for s in result.spans} == {"Glycosylation", "Entity", "Protein"}
    assert sorted(c for _, _, c, _ in _texts(result)).count("Protein") == 6
    got = _texts(result)
    # the text under a span is the text the .ann file gives for it, line by line
    marked = [line.split("\t")[2] for line in ann if line.startswith("T")]
    assert [t for *_, t in got] == marked
    assert got[0] == ("brat", "label", "Glycosylation", "N-glycosylation")
    assert got[10] == ("brat", "label", "Protein", "apolipoprotein (apo) B-100")
    assert got[-1] == ("brat", "label", "Protein", "apo B-100")
    assert text[1316:1325] == "apo B-100"


def test_attributes_and_non_ascii_offsets(tmp_path: Path) -> None:
    text = "Kyiv 🕊 und Moskau verhandeln über Frieden."
    ann = (
        "T1\tLOC 0 4\tKyiv\n"
        "T2\tLOC 11 17\tMoskau\n"
        "T3\tDemand 34 41\tFrieden\n"
        "A1\tNegated T3\n"
        "M2\tConfidence T2 high\n"
        "#1\tAnnotatorNotes T1\tcapital\n"
        "R1\tNear Arg1:T1 Arg2:T2\n"
        "E1\tTalk:T3\n"
        "A3\tSpeculative E1\n"
        "N1\tReference T1 Wikidata:Q1899\tKyiv\n"
        "*\tEquiv T1 T2\n"
    )
    result = read_brat(_collection(tmp_path / "ann1", "call", text, ann), variable="entity")
    assert result.coders == ("ann1",)
    # code points: the dove counts one
    assert _texts(result) == [
        ("ann1", "entity", "LOC", "Kyiv"),
        ("ann1", "entity", "LOC", "Moskau"),
        ("ann1", "entity", "Demand", "Frieden"),
        ("ann1", "Negated", "true", "Frieden"),
        ("ann1", "Confidence", "high", "Moskau"),
    ]
    assert dict(result.skipped) == {
        "note": 1,
        "relation": 1,
        "event": 1,
        "event attribute": 1,
        "normalization": 1,
        "equivalence": 1,
    }


def test_discontinuous_spans(tmp_path: Path) -> None:
    path = _collection(tmp_path / "a", "d", "stop the war now", "T1\tDemand 0 4;13 16\tstop now\n")
    with pytest.raises(DataError) as exc:
        read_brat(path)
    assert [str(p) for p in exc.value.problems] == [
        "d.ann, line 1: T1 is discontinuous (0 4;13 16); a span has no gaps: pass "
        "discontinuous='split' to read one span per fragment"
    ]
    split = read_brat(path, discontinuous="split")
    assert [t for *_, t in _texts(split)] == ["stop", "now"]
    with pytest.raises(OptionError, match="discontinuous='merge' is not valid"):
        read_brat(path, discontinuous="merge")


def test_one_coder_per_folder(tmp_path: Path) -> None:
    text = "We demand a ceasefire."
    _collection(tmp_path / "alice", "d1", text, "T1\tDemand 12 21\tceasefire\n")
    _collection(tmp_path / "bob", "d1", text, "")
    _collection(tmp_path / "bob", "d2", "Nothing here.", "")
    result = read_brat([tmp_path / "alice", tmp_path / "bob"])
    assert result.coders == ("alice", "bob")
    assert [(s.document, s.coder) for s in result.spans] == [("d1", "alice")]
    assert dict(result.unitizers) == {"d1": ("alice", "bob"), "d2": ("bob",)}
    renamed = read_brat(tmp_path / "alice", coder="A")
    assert renamed.coders == ("A",)
    with pytest.raises(OptionError, match="several folders are several annotators"):
        read_brat([tmp_path / "alice", tmp_path / "bob"], coder="A")
    _collection(tmp_path / "carol", "d1", "Another text.", "")
    with pytest.raises(DataError, match="differs from the text of 'd1' in another folder"):
        read_brat([tmp_path / "alice", tmp_path / "carol"])


def test_every_problem_with_its_line(tmp_path: Path) -> None:
    cb = sc.Codebook(
        name="b",
        variables=(
            sc.Variable(name="label", level="nominal", categories=(sc.Category("Demand"),)),
        ),
    )
    ann = (
        "T1\tDemand 0 4\tstop\n"
        "T2\tDemnd 5 8\tthe\n"
        "T3\tDemand 0 4\tstop\n"
        "T4\tDemand 9 99\twar\n"
        "T5\tDemand 9 12\tpeace\n"
        "T6\tDemand nine twelve\twar\n"
        "A1\tNegated T9\n"
        "A2\tbroken\n"
        "X1\tsomething\n"
        "A3\tNegated T1\n"
    )
    with pytest.raises(DataError) as exc:
        read_brat(_collection(tmp_path / "c", "d", "stop the war", ann), codebook=cb)
    assert [str(p) for p in exc.value.problems] == [
        "d.ann, line 2: unknown code 'Demnd' for 'label'; did you mean 'Demand'?",
        "d.ann, line 3: coder 'c' marks 'stop' with 'Demand' again (first at d.ann, line 1); "
        "delete the duplicate in the program",
        "d.ann, line 4: span 9..99 does not lie within the text (12 code points); start must "
        "be >= 0 and less than end",
        "d.ann, line 5: T5 marks 'war' at 9 12 in the text, but the .ann file says 'peace'; the "
        ".ann and .txt files do not belong together",
        "d.ann, line 6: expected 'Type start end' (or 'Type s e;s e'), got 'Demand nine twelve'",
        "d.ann, line 9: unknown annotation 'X1'; brat ids start with T, E, R, A, M, N, * or #",
        "d.ann, line 7: the attribute 'Negated' refers to 'T9', which is no text-bound "
        "annotation of this file",
        "d.ann, line 8: expected 'Name Target [Value]', got 'broken'",
        "d.ann, line 10: attribute 'Negated' is not a variable of codebook 'b'",
    ]


def test_file_refusals(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file or folder"):
        read_brat(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match=r"no \.ann file in this folder"):
        read_brat(tmp_path / "empty")
    (tmp_path / "lone").mkdir()
    (tmp_path / "lone" / "d.ann").write_text("")
    with pytest.raises(InputFileError, match=r"each \.ann needs its \.txt beside it"):
        read_brat(tmp_path / "lone")
    path = _collection(tmp_path / "latin1", "d", "x", "")
    path.with_suffix(".txt").write_bytes(b"caf\xe9")
    with pytest.raises(DataError, match="not UTF-8"):
        read_brat(path)
    with pytest.raises(DataError, match="variable='nope' is not a variable"):
        read_brat(
            _collection(tmp_path / "ok", "d", "x", ""),
            variable="nope",
            codebook=sc.Codebook(name="c"),
        )
