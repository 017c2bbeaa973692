"""``statecode import`` of the INCEpTION, XMI, brat, DNA and QualCoder readers and their options."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from statecode.cli import app
from tests.conftest import REAL, needs_real
from tests.io.test_qualcoder import _project

runner = CliRunner()


def _run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _ok(*args: object) -> str:
    code, out, err = _run(*args)
    assert code == 0, err
    return out


def _spans(path: Path) -> list[tuple[object, ...]]:
    return pl.read_csv(path, infer_schema=False).rows()


@needs_real
def test_import_webanno_and_xmi(tmp_path: Path) -> None:
    inception = REAL / "inception"
    out = tmp_path / "spans.csv"
    _ok(
        "import",
        "webanno",
        inception / "testSentenceWithEmoji.tsv",
        "-o",
        out,
        "--coder",
        "a",
        "--unlabelled",
        "NE",
    )
    assert _spans(out) == [("testSentenceWithEmoji", "a", "10", "11", "value", "NE")]
    code, _, err = _run(
        "import", "webanno", inception / "testSimpleSlotFeature.tsv", "-o", out, "--coder", "a"
    )
    assert code == 2
    assert "pick the one that carries the codes with --layer" in err
    _ok(
        "import",
        "webanno",
        inception / "testSimpleSlotFeature.tsv",
        "-o",
        out,
        "--coder",
        "a",
        "--layer",
        "SimpleSpan",
        "--unlabelled",
        "s",
        "--variable",
        "claim",
    )
    assert [r[2:] for r in _spans(out)] == [("5", "7", "claim", "s"), ("8", "9", "claim", "s")]
    project = inception / "Export+Test+-+Curated+annotation+project_3_6_1.zip"
    code, _, err = _run("import", "webanno", project, "-o", out)
    assert code == 1
    assert "admin.ser" in err
    who = tmp_path / "who.csv"
    _ok(
        "import",
        "webanno",
        project,
        "-o",
        out,
        "--curation",
        "only",
        "--unlabelled",
        "chunk",
        "--unitizers",
        who,
        "--corpus-out",
        tmp_path / "texts",
    )
    assert _spans(out) == [
        ("example_sentence.txt", "CURATION_USER", "0", "4", "chunkValue", "chunk")
    ]
    assert _spans(who) == [("example_sentence.txt", "CURATION_USER")]
    assert (tmp_path / "texts" / "documents.csv").is_file()
    _ok(
        "import",
        "xmi",
        inception / "testMultiTokenStackedSpanWithFeatureValue.xmi",
        "-o",
        out,
        "--coder",
        "a",
        "--layer",
        "NamedEntity",
        "--feature",
        "value",
    )
    assert [r[-1] for r in _spans(out)] == ["PERSON", "LOCATION"]


@needs_real
def test_import_brat_and_map_onto_statements(tmp_path: Path) -> None:
    out = tmp_path / "spans.csv"
    _ok("import", "brat", REAL / "brat", "-o", out, "--variable", "entity")
    rows = _spans(out)
    assert len(rows) == 15
    assert rows[0] == ("PMID-1590827", "brat", "15", "30", "entity", "Glycosylation")
    statements = tmp_path / "statements.csv"
    statements.write_text(
        "statement_id,document_id,start,end\napo,PMID-1590827,211,237\n", encoding="utf-8"
    )
    codings = tmp_path / "codings.csv"
    _ok("import", "brat", REAL / "brat", "-o", codings, "--statements", statements)
    # 'apolipoprotein (apo) B-100' is one Protein entity (T2)
    assert pl.read_csv(codings, infer_schema=False).rows() == [("apo", "brat", "Protein")]


@needs_real
def test_import_dna(tmp_path: Path) -> None:
    out = tmp_path / "codings.csv"
    _ok(
        "import",
        "dna",
        REAL / "dna" / "sample.dna",
        "-o",
        out,
        "--statement-type",
        "DNA Statement",
        "--spans",
        tmp_path / "spans.csv",
        "--corpus-out",
        tmp_path / "texts",
    )
    table = pl.read_csv(out, infer_schema=False)
    assert table.height == 40
    assert table.columns == ["unit", "coder", "person", "organization", "concept", "agreement"]
    assert len(_spans(tmp_path / "spans.csv")) == 160
    statements = pl.read_csv(tmp_path / "texts" / "statements.csv", infer_schema=False)
    assert statements.height == 40
    code, _, err = _run(
        "import", "dna", REAL / "dna" / "sample.dna", "-o", out, "--statement-type", "Nope"
    )
    assert code == 2
    assert "--statement-type Nope is not a statement type" in err


def test_import_qualcoder_and_option_errors(tmp_path: Path) -> None:
    project = _project(tmp_path, [(2, 1, "Kyiv", 0, 4, "ann")])
    out = tmp_path / "spans.csv"
    _ok("import", "qualcoder", project, "-o", out)
    assert _spans(out) == [("readout.txt", "ann", "0", "4", "code", "place")]
    code, _, err = _run("import", "brat", tmp_path, "-o", out, "--discontinuous", "merge")
    assert code == 2
    assert "Invalid value for '--discontinuous': 'merge' is not one of error, split" in err
    code, _, err = _run("import", "dna", project, "-o", out)
    assert code == 1
    assert "call.qda: no such file" in err


def test_import_doccano_without_ids_and_labelstudio_text_field(tmp_path: Path) -> None:
    export = tmp_path / "alice.jsonl"
    export.write_text(
        json.dumps({"text": "Fly to Oslo", "entities": [[7, 11, "City"]], "cats": ["flight"]})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "codings.csv"
    spans = tmp_path / "spans.csv"
    _ok(
        "import",
        "doccano",
        export,
        "-o",
        out,
        "--unit-from",
        "order",
        "--variable",
        "intent",
        "--span-variable",
        "city",
        "--spans",
        spans,
    )
    assert pl.read_csv(out, infer_schema=False).rows() == [("1", "alice", "flight")]
    assert _spans(spans) == [("1", "alice", "7", "11", "city", "City")]
    tasks = [
        {
            "id": 1,
            "data": {"body": "We demand talks."},
            "annotations": [
                {
                    "id": 5,
                    "completed_by": 3,
                    "result": [
                        {
                            "from_name": "claim",
                            "to_name": "body",
                            "type": "labels",
                            "value": {"start": 3, "end": 9, "labels": ["demand"]},
                        }
                    ],
                }
            ],
        }
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    code, _, err = _run("import", "labelstudio", path, "-o", out)
    assert code == 1
    assert "--text-field" in err
    _ok("import", "labelstudio", path, "-o", out, "--text-field", "body", "--spans", spans)
    assert _spans(spans) == [("1", "3", "3", "9", "claim", "demand")]
