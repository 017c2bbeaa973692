"""INCEpTION / WebAnno TSV 3: INCEpTION's own test files, project exports, hand-made files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode as sc
from statecode import DataError, InputFileError, OptionError, read_webanno, read_xmi
from tests.conftest import REAL, needs_real

INCEPTION = REAL / "inception"
PROJECT = INCEPTION / "Export+Test+-+Curated+annotation+project_3_6_1.zip"
HEAD = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n"


def _texts(result: sc.WebAnnoImport | sc.XmiImport) -> list[tuple[str, str]]:
    docs = {d.id: d.text for d in result.corpus.documents}
    return [(s.code, docs[s.document][s.start : s.end]) for s in result.spans]


def _tsv(tmp_path: Path, body: str, name: str = "doc.tsv", head: str = HEAD) -> Path:
    path = tmp_path / name
    path.write_bytes((head + body).encode("utf-8"))
    return path


def _problems(*args: object, **kwargs: object) -> list[str]:
    with pytest.raises(DataError) as exc:
        read_webanno(*args, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in exc.value.problems]


# --------------------------------------------------------------------------------------------
# INCEpTION's own TSV 3 test suite (tsv3-suite/*/reference.tsv) and the XMI it was made from


@needs_real
def test_sentence_with_emoji_counts_utf16() -> None:
    # "I like it 😊 ." : the emoji is token 1-4 at UTF-16 offsets 10-12, code points 10-11
    result = read_webanno(INCEPTION / "testSentenceWithEmoji.tsv", coder="a", unlabelled="NE")
    assert result.layer == "webanno.custom.Span"
    assert result.feature == "value"
    assert result.corpus.documents[0].text == "I like it \U0001f60a ."
    assert [(s.start, s.end) for s in result.spans] == [(10, 11)]
    assert _texts(result) == [("NE", "\U0001f60a")]
    assert dict(result.unitizers) == {"testSentenceWithEmoji": ("a",)}


@needs_real
def test_emoji_annotation_without_value_needs_unlabelled() -> None:
    problems = _problems(INCEPTION / "testSentenceWithEmoji.tsv", coder="a")
    assert problems == [
        "line 9: this Span annotation has no value for feature 'value'; give it one in the "
        "program, or pass unlabelled='CODE' to code such annotations with CODE"
    ]


@needs_real
@pytest.mark.parametrize(
    ("name", "codes", "text"),
    [
        ("testMultiTokenSpanWithFeatureValue", [("PERSON", "This is a test .")], None),
        (
            "testMultiTokenStackedSpanWithFeatureValue",
            [("PERSON", "This is a test ."), ("LOCATION", "This is a test .")],
            None,
        ),
        (
            "testCrossSentenceSpanWithFeatureValue",
            [("PERSON", "He loves her .\nShe loves him not .")],
            "He loves her .\nShe loves him not .",
        ),
        ("testSentenceWithLineBreak", [("X", "This")], "This is\na test ."),
        ("testSentenceWithEmoji", [("X", "\U0001f60a")], "I like it \U0001f60a ."),
    ],
)
def test_reference_files(name: str, codes: list[tuple[str, str]], text: str | None) -> None:
    tsv = read_webanno(INCEPTION / f"{name}.tsv", coder="ann", unlabelled="X")
    assert len(tsv.corpus.documents) == 1
    assert {s.coder for s in tsv.spans} == {"ann"}
    assert _texts(tsv) == codes
    if text is not None:
        assert tsv.corpus.documents[0].text == text
    # the XMI the reference TSV was written from: the same text and the same spans (INCEpTION
    # maps its NamedEntity onto the custom Span layer for the suite)
    xmi = read_xmi(INCEPTION / f"{name}.xmi", coder="ann", layer="NamedEntity", unlabelled="X")
    assert xmi.corpus.documents[0].text == tsv.corpus.documents[0].text
    assert [(s.start, s.end, s.code) for s in xmi.spans] == [
        (s.start, s.end, s.code) for s in tsv.spans
    ]


@needs_real
def test_slot_feature_file_has_two_span_layers() -> None:
    path = INCEPTION / "testSimpleSlotFeature.tsv"
    with pytest.raises(OptionError, match="the file has 2 annotation layers") as exc:
        read_webanno(path, coder="a")
    assert exc.value.option == "layer"
    simple = read_webanno(path, coder="a", layer="SimpleSpan", unlabelled="span")
    assert _texts(simple) == [("span", "is"), ("span", "a")]
    assert simple.feature is None
    assert [s.variable for s in simple.spans] == ["SimpleSpan", "SimpleSpan"]
    host = read_webanno(path, coder="a", layer="webanno.custom.SimpleLinkHost", unlabelled="h")
    assert _texts(host) == [("h", "This")]


@needs_real
@pytest.mark.parametrize("name", ["tsv2_example.tsv", "kappatest.tsv", "kappaspandiff.tsv"])
def test_older_layouts_are_refused_with_the_reason(name: str) -> None:
    problems = _problems(INCEPTION / name, coder="a")
    assert len(problems) == 1
    assert problems[0].startswith("line 1: this is the WebAnno TSV 1 or 2 layout")
    assert "carry no character offsets" in problems[0]
    assert "export the document as WebAnno TSV 3.3" in problems[0]


@needs_real
def test_project_export_whose_annotations_are_java_serialised() -> None:
    # WebAnno 3.6.1 project exported with the "text" format: admin's annotations of the one
    # document are only in annotation_ser/example_sentence.txt/admin.ser
    problems = _problems(PROJECT)
    assert problems == [
        "member 'annotation/example_sentence.txt/admin.txt': admin's annotations of "
        "'example_sentence.txt' are in the export as 'txt' only (an export format without "
        "annotations, or one statecode does not read); otherwise only in "
        "'annotation_ser/example_sentence.txt/admin.ser', a Java-serialised CAS that only "
        "INCEpTION reads; export the project again with WebAnno TSV 3 as the annotation format "
        "(the curated annotations are readable: pass curation='only', on the command line "
        "--curation only)"
    ]


@needs_real
def test_project_export_curated_annotations() -> None:
    result = read_webanno(PROJECT, curation="only", unlabelled="chunk")
    assert result.layer == "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.chunk.Chunk"
    assert result.feature == "chunkValue"
    assert result.sources == ("curation/example_sentence.txt/CURATION_USER.tsv",)
    # the document's text is the project's source file (it fits every token)
    with zipfile.ZipFile(PROJECT) as zf:
        source = zf.read("source/example_sentence.txt").decode("utf-8")
    assert [(d.id, d.text) for d in result.corpus.documents] == [("example_sentence.txt", source)]
    assert _texts(result) == [("chunk", "This")]
    assert dict(result.unitizers) == {"example_sentence.txt": ("CURATION_USER",)}
    with pytest.raises(DataError, match=r"admin\.ser"):
        read_webanno(PROJECT, curation="include", unlabelled="chunk")


# --------------------------------------------------------------------------------------------
# hand-made files


def test_sub_tokens_escapes_ids_and_stacking(tmp_path: Path) -> None:
    head = (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n"
        "#T_SP=webanno.custom.Claim|\n"
        "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|"
        "referenceRelation\n"
        "#T_RL=webanno.custom.Rel|label|BT_webanno.custom.Claim\n\n\n"
    )
    body = (
        "#Sentence.id=s1\n"
        "#Text=Écoutez : Kyiv\\tand Paris!\n"
        "1-1\t0-7\tÉcoutez\t_\t_\t*\t_\t_\t_\t_\t\n"
        "1-2\t8-9\t:\t_\t_\t_\t_\t_\t_\t_\t\n"
        "1-3\t10-14\tKyiv\t*[1]|*\tcity\\|capital[1]|a\\[1\\]\t_\t*[2]\tcoref->2-1\t_\t_\t\n"
        "1-3.1\t10-12\tKy\t*\tpart\\_of\t_\t_\t_\t_\t_\t\n"
        "1-4\t15-18\tand\t*[1]\tcity\\|capital[1]\t_\t_\t_\t_\t_\t\n"
        "1-5\t19-24\tParis\t_\t_\t_\t_\t_\t_\t_\t\n"
        "1-6\t24-25\t!\t_\t_\t_\t_\t_\t_\t_\t\n"
    )
    path = _tsv(tmp_path, body, head=head)
    with pytest.raises(OptionError, match="features 'identifier', 'value'"):
        read_webanno(path, coder="a", layer="NamedEntity")
    result = read_webanno(path, coder="a", layer="NamedEntity", feature="value")
    text = "Écoutez : Kyiv\tand Paris!"
    assert result.corpus.documents[0].text == text
    # in text order; the escaped brackets of a[1] are no disambiguation id
    assert _texts(result) == [
        ("part_of", "Ky"),
        ("a[1]", "Kyiv"),
        ("city|capital", "Kyiv\tand"),
    ]
    claims = read_webanno(path, coder="a", layer="Claim", unlabelled="claim")
    assert _texts(claims) == [("claim", "Écoutez")]
    with pytest.raises(OptionError, match="is a relation layer"):
        read_webanno(path, coder="a", layer="Rel")
    with pytest.raises(OptionError, match="is a chain layer"):
        read_webanno(path, coder="a", layer="CoreferenceLink")


def test_gaps_between_sentences_are_filled_like_inception(tmp_path: Path) -> None:
    body = (
        "#Text=One .\n1-1\t0-3\tOne\tA\t\n1-2\t4-5\t.\t_\t\n\n"
        "#Text=Two\n2-1\t9-12\tTwo\tB\t\n\n"
        "#Text=Three\n3-1\t12-17\tThree\tC\t\n"
    )
    result = read_webanno(_tsv(tmp_path, body), coder="a")
    # a line break after each sentence, spaces for the rest of a gap; adjacent sentences
    # (12-12) lose the line break
    assert result.corpus.documents[0].text == "One .\n   TwoThree"
    assert _texts(result) == [("A", "One"), ("B", "Two"), ("C", "Three")]


def test_several_files_and_users(tmp_path: Path) -> None:
    export = tmp_path / "annotation" / "doc1.txt"
    export.mkdir(parents=True)
    body = "#Text=Peace now\n1-1\t0-5\tPeace\t{}\t\n1-2\t6-9\tnow\t_\t\n"
    _tsv(export, body.format("DEMAND"), "alice.tsv")
    _tsv(export, body.format("_"), "bob.tsv")
    result = read_webanno(tmp_path)
    assert [(s.document, s.coder, s.code) for s in result.spans] == [
        ("doc1.txt", "alice", "DEMAND")
    ]
    # bob opened the document and marked nothing: void for unitizing, not absent
    assert dict(result.unitizers) == {"doc1.txt": ("alice", "bob")}
    assert len(result.sources) == 2


def _project(tmp_path: Path, members: dict[str, str]) -> Path:
    path = tmp_path / "project.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def test_project_export_of_two_users(tmp_path: Path) -> None:
    tsv = (
        HEAD + "#Text=Stop the war\n1-1\t0-4\tStop\t{}\t\n1-2\t5-8\tthe\t_\t\n1-3\t9-12\twar\t_\t\n"
    )
    path = _project(
        tmp_path,
        {
            "source/d.txt": "Stop the war\n",
            "annotation/d.txt/alice.tsv": tsv.format("DEMAND"),
            "annotation/d.txt/bob.tsv": tsv.format("APPEAL"),
            "annotation_ser/d.txt/alice.ser": "java",
            "annotation_ser/d.txt/INITIAL_CAS.ser": "java",
        },
    )
    result = read_webanno(path)
    assert result.corpus.documents[0].text == "Stop the war\n"
    assert [(s.coder, s.code, s.start, s.end) for s in result.spans] == [
        ("alice", "DEMAND", 0, 4),
        ("bob", "APPEAL", 0, 4),
    ]
    with pytest.raises(OptionError, match="names its documents and users itself"):
        read_webanno(path, coder="x")


def test_project_export_refusals(tmp_path: Path) -> None:
    slip = _project(tmp_path, {"../evil.tsv": "x", "annotation/d/a.tsv": HEAD})
    with pytest.raises(DataError, match="zip-slip"):
        read_webanno(slip)
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not an INCEpTION or WebAnno project export"):
        read_webanno(tmp_path / "x.zip")
    empty = tmp_path / "e"
    empty.mkdir()
    with pytest.raises(DataError, match="holds no annotation/<document>/<user> files"):
        read_webanno(_project(empty, {"README": "x"}))
    big = tmp_path / "b"
    big.mkdir()
    bomb = _project(big, {"annotation/d/a.tsv": HEAD + "#Text=" + "x" * 5000 + "\n"})
    with pytest.raises(DataError, match="max_bytes=100"):
        read_webanno(bomb, max_bytes=100)
    with pytest.raises(OptionError, match="max_bytes"):
        read_webanno(bomb, max_bytes=0)


def test_a_zip_version_python_cannot_read_is_a_data_error(tmp_path: Path) -> None:
    # found by the long fuzz run: one changed byte in the central directory (the version
    # needed to extract) made zipfile raise NotImplementedError past the reader
    path = _project(tmp_path, {"annotation/d/a.tsv": HEAD})
    data = bytearray(path.read_bytes())
    data[data.index(b"PK\x01\x02") + 6] = 84  # "needs zip version 8.4"
    path.write_bytes(bytes(data))
    with pytest.raises(DataError) as exc:
        read_webanno(path)
    assert str(exc.value) == (
        f"{path}: a zip archive Python cannot read (zip file version 8.4): damaged, or made "
        "with zip features Python lacks, so not readable as an INCEpTION or WebAnno project "
        "export; export the project again from INCEpTION"
    )


def test_every_problem_with_its_line(tmp_path: Path) -> None:
    body = (
        "#Text=Ab cd ef gh\n"
        "1-1\t0-2\tAb\tX\n"  # no trailing tab: still 4 columns
        "1-2\t3-5\tcd\tY\tZ\t\n"  # one column too many
        "1-4\tx-y\tgh\t_\t\n"  # offsets not numbers
        "1-5\t9-9\t\t*\t\n"  # zero width
        "\n"
        "2-1\t12-13\tz\tW[3]\t\n"  # a token without a sentence header
    )
    problems = _problems(_tsv(tmp_path, body), coder="a", unlabelled="u")
    assert problems == [
        "line 7: a token line with 6 columns; the header declares 4 (id, offsets, token and "
        "one per feature)",
        "line 8: expected 'sentence-token' and 'begin-end' numbers, got '1-4' and 'x-y'",
        "line 11: a token outside a sentence: no #Text= line before it",
    ]
    # a file that parses is checked against its own text
    body = "#Text=Ab cd\n1-1\t0-2\tAb\t_\t\n1-2\t3-5\tdc\t_\t\n"
    assert _problems(_tsv(tmp_path, body), coder="a") == [
        "line 7: offsets 3-5 hold 'cd' in the document's text, not 'dc'; the file is "
        "inconsistent (offsets count UTF-16 code units): export it again"
    ]


def test_annotation_problems(tmp_path: Path) -> None:
    cb = sc.Codebook(
        name="t",
        variables=(sc.Variable(name="entity", level="nominal", categories=(sc.Category("PER"),)),),
    )
    body = (
        "#Text=Ab cd ef\n"
        "1-1\t0-2\tAb\tPER[1]\t\n"
        "1-2\t3-5\tcd\tPERS[1]\t\n"  # one annotation, two values
        "1-2.1\t4-4\t\tPER\t\n"  # zero width
        "1-3\t6-8\tef\tPRE|PER|PER\t\n"  # unknown code, and a duplicate
    )
    problems = _problems(_tsv(tmp_path, body), coder="a", codebook=cb, variable="entity")
    assert problems == [
        "line 7: annotation [1] has the value 'PERS' here but 'PER' at line 6; one annotation "
        "has one value: export the file again"
    ]
    body = body.replace("PERS[1]", "PER[1]")
    problems = _problems(_tsv(tmp_path, body), coder="a", codebook=cb, variable="entity")
    assert problems == [
        "line 8: the annotation at 4..4 is empty (zero width); a span covers at least one "
        "character: delete it in the program or widen it",
        "line 9: unknown code 'PRE' for 'entity'; did you mean 'PER'?",
        "line 9: coder 'a' marks 'ef' with 'PER' again (first at line 9); delete the "
        "duplicate in the program",
    ]
    with pytest.raises(DataError, match=r"variable 'value'.*not a variable of codebook"):
        read_webanno(_tsv(tmp_path, body), coder="a", codebook=cb)


def test_file_level_refusals(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a WebAnno TSV 3 file"):
        read_webanno(_tsv(tmp_path, "1-1\t0-1\ta\n", head="hello\n"), coder="a")
    with pytest.raises(DataError, match=r"WebAnno TSV 4\.0 is not a version"):
        read_webanno(_tsv(tmp_path, "", head="#FORMAT=WebAnno TSV 4.0\n"), coder="a")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"#FORMAT=WebAnno TSV 3.3\n\xff\n")
    with pytest.raises(DataError, match="not UTF-8"):
        read_webanno(bad, coder="a")
    with pytest.raises(OptionError, match="does not say who annotated it"):
        read_webanno(_tsv(tmp_path, "#Text=a\n1-1\t0-1\ta\tX\t\n"))
    with pytest.raises(OptionError, match="layer='Nope' is not a layer"):
        read_webanno(_tsv(tmp_path, "#Text=a\n1-1\t0-1\ta\tX\t\n"), coder="a", layer="Nope")
    with pytest.raises(InputFileError, match="no such file"):
        read_webanno(tmp_path / "missing.tsv", coder="a")
    with pytest.raises(OptionError, match="curation= is for project exports"):
        read_webanno(_tsv(tmp_path, ""), coder="a", curation="only")


# --------------------------------------------------------------------------------------------
# generated files: any text, any token spans, offsets in UTF-16 code units

_WORDS = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="\\|[]_*;-#"
    ),
    min_size=1,
    max_size=5,
)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(
    sentences=st.lists(st.lists(_WORDS, min_size=1, max_size=5), min_size=1, max_size=3),
    marks=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 3), st.sampled_from("ABC"))),
)
def test_generated_files_give_the_spans_they_hold(
    tmp_path_factory: pytest.TempPathFactory,
    sentences: list[list[str]],
    marks: list[tuple[int, int, str]],
) -> None:
    lines: list[str] = []
    tokens: list[tuple[int, int, int]] = []  # (line index, code-point start, end)
    text = ""
    for number, words in enumerate(sentences, start=1):
        if text:
            text += "\n"
        sentence = " ".join(words)
        lines += ["", f"#Text={sentence}"] if lines else [f"#Text={sentence}"]
        position = len(text)
        for index, word in enumerate(words, start=1):
            begin = _utf16(text + sentence[: position - len(text)])
            lines.append(f"{number}-{index}\t{begin}-{begin + _utf16(word)}\t{word}\t_\t")
            tokens.append((len(lines) - 1, position, position + len(word)))
            position += len(word) + 1
        text += sentence
    expected = {}
    for ident, (first, width, code) in enumerate(marks, start=1):
        if first >= len(tokens):
            continue
        chosen = tokens[first : first + width]
        if any(lines[i].endswith("\t_\t") is False for i, _, _ in chosen):
            continue
        for i, _, _ in chosen:
            lines[i] = lines[i][: -len("_\t")] + f"{code}[{ident}]\t"
        expected[(chosen[0][1], chosen[-1][2])] = code
    path = tmp_path_factory.mktemp("gen") / "g.tsv"
    path.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    result = read_webanno(path, coder="a")
    assert result.corpus.documents[0].text == text
    assert {(s.start, s.end): s.code for s in result.spans} == expected
