"""Corpus files: the example corpus, exact round trips, formula escaping, every error path."""

from __future__ import annotations

import csv
import datetime as dt
import os
import textwrap
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode as sc
from statecode import (
    DataError,
    InputFileError,
    StatecodeWarning,
    read_corpus,
    segment,
    write_corpus,
)
from tests.conftest import DATA, ROOT

EXAMPLE = ROOT / "examples" / "readouts"
FOLDER = DATA / "corpus" / "folder"
FORMATS = ("csv", "tsv", "parquet", "jsonl")


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", newline="")
    return path


def _problems(documents: Path, statements: Path | None = None, **kwargs: object) -> list[str]:
    with pytest.raises(DataError) as exc:
        read_corpus(documents, statements, **kwargs)  # type: ignore[arg-type]
    assert exc.value.source == str(documents)
    return [str(p) for p in exc.value.problems]


def _metadata(corpus: sc.Corpus) -> list[dict[str, object]]:
    # Document equality leaves metadata out, so the round trips compare it on its own
    return [dict(d.metadata) for d in corpus.documents]


# --------------------------------------------------------------------------------------------
# the example corpus


def test_example_corpus_reads_completely() -> None:
    corpus = read_corpus(EXAMPLE / "documents.csv", EXAMPLE / "statements.csv")
    assert [d.id for d in corpus.documents] == ["kremlin", "white_house"]
    kremlin = corpus.document("kremlin")
    assert (
        kremlin.title
        == "Telephone conversation with the President of the United States (paraphrase)"
    )
    assert (kremlin.source, kremlin.event, kremlin.language) == ("Kremlin", "call-2025-03-18", "en")
    assert kremlin.date == dt.date(2025, 3, 18)
    assert dict(kremlin.metadata) == {}
    assert len(corpus.statements) == 28
    first = corpus.statements[0]
    assert (first.id, first.document_id, first.start, first.end) == ("kr01", "kremlin", 0, 167)
    assert first.text.startswith("On 18 March, Vladimir Putin")


def test_writing_the_example_gives_the_same_bytes(tmp_path: Path) -> None:
    corpus = read_corpus(EXAMPLE / "documents.csv", EXAMPLE / "statements.csv")
    write_corpus(corpus, tmp_path / "documents.csv", tmp_path / "statements.csv")
    for name in ("documents.csv", "statements.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes()


def test_statement_text_is_optional(tmp_path: Path) -> None:
    docs = _write(tmp_path / "d.csv", "document_id,text\nd1,We call for talks. We reject it.\n")
    stmts = _write(
        tmp_path / "s.csv", "statement_id,document_id,start,end\ns1,d1,0,18\ns2,d1,19,32\n"
    )
    corpus = read_corpus(docs, stmts)
    assert [(s.id, s.text) for s in corpus.statements] == [
        ("s1", "We call for talks."),
        ("s2", "We reject it."),
    ]
    # an empty text cell is cut from the document, too
    stmts = _write(tmp_path / "s2.csv", "statement_id,document_id,start,end,text\ns1,d1,0,2,\n")
    assert read_corpus(docs, stmts).statements[0].text == "We"


def test_column_names_and_metadata(tmp_path: Path) -> None:
    docs = _write(
        tmp_path / "d.tsv",
        "doc\tbody\theadline\tissued\tby\tcountry\tnote\n"
        "k\tNA means NA.\tCall\t2025-03-18\tKremlin\tRU\t\n"
        'w\tPeace now.\t.\t\tWhite House\tUS\t""\n',
    )
    stmts = _write(tmp_path / "s.csv", "sid,doc,from,to\nk1,k,0,2\n")
    corpus = read_corpus(
        docs,
        stmts,
        document_id="doc",
        text="body",
        title="headline",
        date="issued",
        source="by",
        statement_id="sid",
        start="from",
        end="to",
    )
    k, w = corpus.documents
    assert (k.id, k.text, k.title, k.date, k.source) == (
        "k",
        "NA means NA.",
        "Call",
        dt.date(2025, 3, 18),
        "Kremlin",
    )
    assert (w.title, w.date) == (".", None)  # no missing-value markers: '.' is a title
    # an empty cell leaves the key out; a quoted empty cell keeps an empty value
    assert _metadata(corpus) == [{"country": "RU"}, {"country": "US", "note": ""}]
    assert corpus.statements[0] == sc.Statement(id="k1", document_id="k", start=0, end=2, text="NA")


# --------------------------------------------------------------------------------------------
# round trips

_CHARS = st.characters(exclude_categories=("Cs",))
_TRICKY = st.sampled_from(
    [
        "\r\n",
        "\n",
        "\r",
        '"',
        "'",
        ",",
        "\t",
        "=",
        "+",
        "-",
        "@",
        "'=",
        "''",
        "\ufeff",
        "\U0001f680",
        "\u00e9",
        " ",
        "-3",
    ]
)
# what an Excel sheet cannot hold (openpyxl refuses control characters, so statecode does)
_NOT_IN_EXCEL = {chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x0D)}
_RESERVED = {"document_id", "title", "source", "event", "date", "language", "text"}


def _strategies(
    excel: bool,
) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str], st.SearchStrategy[str]]:
    chars = _CHARS.filter(lambda c: c not in _NOT_IN_EXCEL) if excel else _CHARS
    tricky = _TRICKY.filter(lambda t: not set(t) & _NOT_IN_EXCEL) if excel else _TRICKY
    texts = st.lists(st.one_of(st.text(chars, max_size=6), tricky), max_size=12).map("".join)
    ids = texts.filter(lambda s: bool(s.strip()))
    # polars reads the column name "*" and names like "^...$" as patterns, which the shared
    # write_table (io/_tabular.py, pl.col(name)) does not guard against yet: left out here
    keys = ids.filter(
        lambda k: k not in _RESERVED and k != "*" and not (k.startswith("^") and k.endswith("$"))
    )
    return texts, ids, keys


@st.composite
def corpora(draw: st.DrawFn, *, excel: bool = False) -> sc.Corpus:
    texts, ids, keys = _strategies(excel)
    doc_ids = draw(st.lists(ids, max_size=4, unique=True))
    docs = [
        sc.Document(
            id=doc_id,
            text=draw(texts),
            title=draw(texts),
            source=draw(texts),
            event=draw(texts),
            date=draw(st.none() | st.dates()),
            language=draw(st.sampled_from(["", "en", "ru", "-x"])),
            # an Excel cell cannot hold empty text: an empty metadata value is left out
            metadata=draw(st.dictionaries(keys, ids if excel else texts, max_size=3)),
        )
        for doc_id in doc_ids
    ]
    statement_ids = iter(draw(st.lists(ids, min_size=8, max_size=8, unique=True)))
    statements = []
    for doc in docs:
        if not doc.text:
            continue
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, len(doc.text) - 1))
            end = draw(st.integers(start + 1, len(doc.text)))
            statements.append(doc.statement(next(statement_ids), start, end))
    return sc.Corpus(documents=tuple(docs), statements=tuple(statements))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@given(corpus=corpora())
def test_round_trip_is_exact(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, corpus: sc.Corpus
) -> None:
    folder = tmp_path_factory.mktemp("corpus")
    docs, stmts = folder / f"documents.{fmt}", folder / f"statements.{fmt}"
    write_corpus(corpus, docs, stmts)
    back = read_corpus(docs, stmts)
    assert back == corpus
    assert _metadata(back) == _metadata(corpus)


@pytest.mark.slow
@given(corpus=corpora(excel=True))
def test_round_trip_through_excel_is_exact(
    tmp_path_factory: pytest.TempPathFactory, corpus: sc.Corpus
) -> None:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(corpus, folder / "d.xlsx", folder / "s.xlsx")
    back = read_corpus(folder / "d.xlsx", folder / "s.xlsx")
    assert back == corpus
    assert _metadata(back) == _metadata(corpus)


@pytest.mark.parametrize("fmt", [*FORMATS, "xlsx"])
def test_empty_corpus_round_trip(tmp_path: Path, fmt: str) -> None:
    write_corpus(sc.Corpus(), tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}")
    assert read_corpus(tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}") == sc.Corpus()


def test_round_trip_of_hand_picked_hard_text(tmp_path: Path) -> None:
    text = (
        '=SUM(A1) "quoted", comma\r\nCRLF \u00e9t\u00e9 \U0001f1fa\U0001f1e6 \U0001f680\rCR only\n'
    )
    doc = sc.Document(
        id="-1",
        text=text,
        title="@cmd",
        source="+x",
        event="\tx",
        metadata={"=key": "'=kept", 'a"b': "-3"},
    )
    corpus = sc.Corpus(documents=(doc,), statements=(doc.statement("=s", 0, 8),))
    for fmt in FORMATS:
        write_corpus(corpus, tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}")
        back = read_corpus(tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}")
        assert back == corpus
        assert _metadata(back) == [{"=key": "'=kept", 'a"b': "-3"}]


# --------------------------------------------------------------------------------------------
# formula escaping


def _cells(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


_FORMULA_DOC = sc.Document(
    id="=1+1",
    text='=HYPERLINK("http://evil.example","click")',
    title="+SUM(A1:A9)",
    source="-2+3",
    event="@SUM(1)",
    language="\tx",
    metadata={"@evil": "\r=1", "quote": "'=x", "number": "-3", "plain": "'tis"},
)


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_formula_cells_are_neutralised_in_the_written_bytes(
    tmp_path: Path, fmt: str, delimiter: str
) -> None:
    corpus = sc.Corpus(documents=(_FORMULA_DOC,), statements=(_FORMULA_DOC.statement("s1", 0, 10),))
    docs, stmts = tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}"
    write_corpus(corpus, docs, stmts)
    rows = _cells(docs, delimiter) + _cells(stmts, delimiter)
    assert rows[0] == [
        "document_id", "title", "source", "event", "date", "language",
        "'@evil", "quote", "number", "plain", "text",
    ]  # fmt: skip
    assert rows[1] == [
        "'=1+1",
        "'+SUM(A1:A9)",
        "'-2+3",
        "'@SUM(1)",
        "",
        "'\tx",
        "'\r=1",
        "''=x",
        "-3",
        "'tis",
        '\'=HYPERLINK("http://evil.example","click")',
    ]
    assert rows[3] == ["s1", "'=1+1", "0", "10", "'=HYPERLINK"]
    formulas = [c for row in rows for c in row if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert formulas == []
    back = read_corpus(docs, stmts)
    assert back == corpus
    assert _metadata(back) == [dict(_FORMULA_DOC.metadata)]


def test_formula_cells_are_text_in_excel(tmp_path: Path) -> None:
    corpus = sc.Corpus(
        documents=(attrs.evolve(_FORMULA_DOC, metadata={"@evil": "=1", "quote": "'=x"}),)
    )
    write_corpus(corpus, tmp_path / "d.xlsx", tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx").active
    header, row = (list(r) for r in sheet.iter_rows(max_row=2))
    assert [c.value for c in header][6:8] == ["'@evil", "quote"]
    assert [c.value for c in row][:4] == ["'=1+1", "'+SUM(A1:A9)", "'-2+3", "'@SUM(1)"]
    assert all(c.data_type == "s" for c in row if c.value is not None)
    back = read_corpus(tmp_path / "d.xlsx", tmp_path / "s.xlsx")
    assert back == corpus
    assert _metadata(back) == [{"@evil": "=1", "quote": "'=x"}]


def test_hand_written_escapes_are_read_by_the_same_rule(tmp_path: Path) -> None:
    docs = _write(tmp_path / "d.csv", "document_id,title,text\nd,'=1+1,''=x\ne,'tis,'-3\n")
    got = [(d.title, d.text) for d in read_corpus(docs).documents]
    assert got == [("=1+1", "'=x"), ("'tis", "-3")]


def test_parquet_and_jsonl_are_never_escaped(tmp_path: Path) -> None:
    doc = sc.Document(id="=d", text="'=x")
    for fmt in ("parquet", "jsonl"):
        write_corpus(sc.Corpus(documents=(doc,)), tmp_path / f"d.{fmt}", tmp_path / f"s.{fmt}")
        assert read_corpus(tmp_path / f"d.{fmt}").documents == (doc,)
    assert b'"document_id":"=d"' in (tmp_path / "d.jsonl").read_bytes()


# --------------------------------------------------------------------------------------------
# writing


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "d.csv"
    target.write_text("old content\n", encoding="utf-8")

    def crash(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_corpus(sc.Corpus(), target, tmp_path / "s.csv")
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_write_refuses_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as exc:
        write_corpus(sc.Corpus(), tmp_path / "d.csv", tmp_path / "s.xls")
    assert str(exc.value) == (
        f"{tmp_path / 's.xls'}: unknown table format '.xls'; use one of .csv, .tsv, "
        ".parquet, .jsonl, .xlsx"
    )
    assert not (tmp_path / "d.csv").exists()  # nothing written when one format is wrong


def test_write_refuses_metadata_keys_that_are_columns(tmp_path: Path) -> None:
    docs = (
        sc.Document(id="a", metadata={"title": "x"}),
        sc.Document(id="b", metadata={"": "y", "ok": "z"}),
    )
    with pytest.raises(DataError) as exc:
        write_corpus(sc.Corpus(documents=docs), tmp_path / "d.csv", tmp_path / "s.csv")
    columns = "date, document_id, event, language, source, text, title"
    assert [str(p) for p in exc.value.problems] == [
        f"document 'a', metadata key 'title': a metadata key must be a non-empty text other than "
        f"the document columns ({columns}); rename it",
        f"document 'b', metadata key '': a metadata key must be a non-empty text other than the "
        f"document columns ({columns}); rename it",
    ]
    assert not (tmp_path / "d.csv").exists()


def test_metadata_values_are_written_as_text(tmp_path: Path) -> None:
    doc = sc.Document(id="d", metadata={"pages": 3, "gone": None})
    write_corpus(sc.Corpus(documents=(doc,)), tmp_path / "d.jsonl", tmp_path / "s.jsonl")
    assert _metadata(read_corpus(tmp_path / "d.jsonl")) == [{"pages": "3"}]


# --------------------------------------------------------------------------------------------
# errors in tables


def test_every_document_problem_at_once(tmp_path: Path) -> None:
    docs = _write(
        tmp_path / "docs.csv",
        """
        document_id,text,date
        a,Alpha.,2025-03-18
        ,Empty id.,
        a,Again.,
        b,Beta.,18/03/2025
        """,
    )
    assert _problems(docs) == [
        "docs.csv, row 3, column 'document_id': empty document id ''; every document needs an id",
        "docs.csv, row 4, column 'document_id': duplicate document id 'a' (first used in "
        "docs.csv, row 2); document ids must be unique",
        "docs.csv, row 5, column 'date': '18/03/2025' is not an ISO date; write it as "
        "YYYY-MM-DD (e.g. 2025-03-18), or leave the cell empty",
    ]


def test_missing_document_columns(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs.csv", "id,body\nd,x\n")
    assert _problems(docs) == [
        "docs.csv, column 'document_id': missing (columns: 'id', 'body'); name the column with "
        "document_id=",
        "docs.csv, column 'text': missing (columns: 'id', 'body'); name the column with text=",
    ]


def test_every_statement_problem_at_once(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs.csv", "document_id,text\nd,We call for talks.\n")
    stmts = _write(
        tmp_path / "st.csv",
        """
        statement_id,document_id,start,end,text
        s1,d,0,7,We call
        s1,d,0,2,We
        ,d,0,2,We
        s2,x,0,2,We
        s3,d,1.5,-2,e
        s4,d,5,30,
        s5,d,4,4,
        s6,d,0,7,We Call
        s7,d,0,7,We call
        """,
    )
    assert _problems(docs, stmts) == [
        "st.csv, row 3, column 'statement_id': duplicate statement id 's1' (first used in row 2); "
        "statement ids must be unique",
        "st.csv, row 4, column 'statement_id': empty statement id ''; every statement needs an id",
        "st.csv, row 5, column 'document_id': statement 's2' belongs to document 'x', which is "
        "not among the documents; add the document or fix the document id",
        "st.csv, row 6, column 'start': '1.5' is not a whole number >= 0; start and end are "
        "0-based code-point offsets into the document text, end exclusive",
        "st.csv, row 6, column 'end': '-2' is not a whole number >= 0; start and end are "
        "0-based code-point offsets into the document text, end exclusive",
        "st.csv, row 7, column 'end': span 5..30 of statement 's4' does not lie within document "
        "'d' (text length 18); start must be less than end, and end at most the length "
        "(0-based code-point offsets, end exclusive)",
        "st.csv, row 8, column 'start': span 4..4 of statement 's5' does not lie within document "
        "'d' (text length 18); start must be less than end, and end at most the length "
        "(0-based code-point offsets, end exclusive)",
        "st.csv, row 9, column 'text': text 'We Call' of statement 's6' differs from span 0..7 "
        "of document 'd' ('We call'); fix the offsets (code points, not bytes or UTF-16 units) "
        "or the text, or leave the text cell empty",
    ]


def test_statement_columns(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs.csv", "document_id,text\nd,x\n")
    stmts = _write(tmp_path / "st.csv", "id,document_id,start,end,note\n")
    assert _problems(docs, stmts) == [
        "st.csv, column 'statement_id': missing (columns: 'id', 'document_id', 'start', 'end', "
        "'note'); name the column with statement_id=",
        "st.csv, column 'id': unknown column; a statement has an id, a document, start, end and "
        "text: remove the column or name the columns with statement_id=, document_id=, start=, "
        "end=, text=",
        "st.csv, column 'note': unknown column; a statement has an id, a document, start, end and "
        "text: remove the column or name the columns with statement_id=, document_id=, start=, "
        "end=, text=",
    ]


def test_problems_of_both_tables_come_together(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs.jsonl", '{"document_id": "d", "text": "x", "date": "soon"}\n')
    stmts = _write(
        tmp_path / "st.jsonl", '{"statement_id": "s", "document_id": "d", "start": 0, "end": 2}\n'
    )
    assert _problems(docs, stmts) == [
        "docs.jsonl, row 1, column 'date': 'soon' is not an ISO date; write it as YYYY-MM-DD "
        "(e.g. 2025-03-18), or leave the cell empty",
        "st.jsonl, row 1, column 'end': span 0..2 of statement 's' does not lie within document "
        "'d' (text length 1); start must be less than end, and end at most the length (0-based "
        "code-point offsets, end exclusive)",
    ]


def test_not_utf8(tmp_path: Path) -> None:
    docs = tmp_path / "docs.csv"
    docs.write_bytes(b"document_id,text\nd,caf\xe9\n")
    with pytest.raises(
        InputFileError,
        match=r"docs\.csv: line 2, byte 6 \(b'\\xe9'\) is not utf-8 text; save the file as UTF-8, "
        r"or read it with encoding='cp1252'",
    ):
        read_corpus(docs)
    assert read_corpus(docs, encoding="cp1252").documents[0].text == "caf\u00e9"


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file; check the path"):
        read_corpus(tmp_path / "absent.csv")
    with pytest.raises(InputFileError, match=r"unknown table format '\.xml'"):
        read_corpus(_write(tmp_path / "d.xml", "<x/>"))
    docs = _write(tmp_path / "d.csv", "document_id,text\n")
    with pytest.raises(InputFileError) as exc:
        read_corpus(docs, metadata=tmp_path / "m.csv")
    assert str(exc.value) == (
        f"{docs}: metadata= only applies to a folder of .txt files; a documents table holds its "
        "metadata in its own columns"
    )
    with pytest.raises(
        ValueError, match="unmatched='maybe' is not valid; use one of 'error', 'warn'"
    ):
        read_corpus(docs, unmatched="maybe")


# --------------------------------------------------------------------------------------------
# a folder of text files


def test_folder_with_metadata() -> None:
    assert b"\r\n" in (FOLDER / "kremlin.txt").read_bytes()  # the test needs the CRLF bytes
    corpus = read_corpus(FOLDER)
    kremlin, white_house = corpus.documents
    assert kremlin.id == "kremlin"
    assert kremlin.text == (
        "On 18 March the presidents spoke.\r\n\r\n"
        "They agreed to talk again \u2013 soon \U0001f91d.\r\n"
    )  # the byte order mark is dropped, CRLF kept
    assert (kremlin.title, kremlin.source, kremlin.date) == (
        "Telephone conversation",
        "Kremlin",
        dt.date(2025, 3, 18),
    )
    assert white_house.id == "white_house"  # no document_id: the file name without .txt
    assert white_house.text.endswith("peace.\n")
    assert _metadata(corpus) == [{"url": "http://kremlin.example/1"}, {}]
    # segmenting the CRLF text gives spans that hold in the file's text
    statements = segment(kremlin, "paragraph")
    assert [s.text for s in statements] == [
        "On 18 March the presidents spoke.",
        "They agreed to talk again \u2013 soon \U0001f91d.",
    ]


def test_folder_with_statements(tmp_path: Path) -> None:
    stmts = _write(
        tmp_path / "st.csv", "statement_id,document_id,start,end,text\nk1,kremlin,0,10,On 18 Marc\n"
    )
    corpus = read_corpus(FOLDER, stmts)
    assert corpus.statements == (sc.Statement("k1", "kremlin", 0, 10, "On 18 Marc"),)


def _folder(tmp_path: Path, files: dict[str, bytes], metadata: str | None) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if metadata is not None:
        _write(folder / "metadata.csv", metadata)
    return folder


def test_folder_linked_by_document_id(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, {"a.txt": b"Alpha", "b.TXT": b"Beta"}, "document_id,title\nb,B\na,A\n"
    )
    with pytest.raises(DataError) as exc:
        read_corpus(folder)
    assert [str(p) for p in exc.value.problems] == [
        "metadata.csv, row 2, column 'document_id': no file 'b.txt' in the folder; add the file "
        f"to {folder}, or fix the 'file' value",
        "b.TXT: has no row in metadata.csv; add a row for it, or remove the file from the folder",
    ]
    (folder / "b.TXT").rename(folder / "b.txt")
    corpus = read_corpus(folder)
    assert [(d.id, d.title, d.text) for d in corpus.documents] == [
        ("b", "B", "Beta"),
        ("a", "A", "Alpha"),
    ]


def test_every_folder_problem_at_once(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {"a.txt": b"Alpha", "b.txt": b"caf\xe9", "c.txt": b"Gamma", "orphan.txt": b"?"},
        """
        file,document_id,text,date
        a.txt,a,,
        a.txt,a2,,
        ,x,,
        missing.txt,m,,
        ../a.txt,up,,
        b.txt,b,,
        c.txt,a,,2025-13-01
        """,
    )
    assert _problems(folder) == [
        "metadata.csv, column 'text': the text of a document comes from its .txt file; remove "
        "this column (or name another column with text=)",
        "metadata.csv, row 3, column 'file': file 'a.txt' is already linked to row 2; link each "
        "file to one row",
        "metadata.csv, row 4, column 'file': empty file name; name the .txt file",
        f"metadata.csv, row 5, column 'file': no file 'missing.txt' in the folder; add the file to "
        f"{folder}, or fix the 'file' value",
        "metadata.csv, row 6, column 'file': no file '../a.txt' in the folder; give the file name "
        "only, without folders",
        "b.txt: line 1, byte 3: not utf-8 text; save the file as UTF-8, or read the corpus "
        "with its encoding (encoding=)",
        "orphan.txt: has no row in metadata.csv; add a row for it, or remove the file from the "
        "folder",
        "metadata.csv, row 8, column 'document_id': duplicate document id 'a' (first used in "
        "metadata.csv, row 2); document ids must be unique",
        "metadata.csv, row 8, column 'date': '2025-13-01' is not an ISO date; write it as "
        "YYYY-MM-DD (e.g. 2025-03-18), or leave the cell empty",
    ]


def test_folder_without_link_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": b"A"}, "name,title\na,A\n")
    assert _problems(folder) == [
        "metadata.csv: neither a 'file' nor a 'document_id' column links the rows to the .txt "
        "files; add one, or name it with file= or document_id=",
    ]


def test_folder_unmatched_can_warn(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": b"A", "z.txt": b"Z"}, "file,title\na.txt,A\ngone.txt,G\n")
    with pytest.warns(StatecodeWarning) as record:
        corpus = read_corpus(folder, unmatched="warn")
    assert [(d.id, d.title, d.text) for d in corpus.documents] == [("a", "A", "A"), ("z", "", "Z")]
    assert [str(w.message) for w in record] == [
        f"{folder}: 2 unmatched file(s) or row(s):\n"
        f"  metadata.csv, row 3, column 'file': no file 'gone.txt' in the folder; add the file to "
        f"{folder}, or fix the 'file' value\n"
        "  z.txt: has no row in metadata.csv; add a row for it, or remove the file from the "
        "folder (read as document 'z')"
    ]


def test_folder_without_metadata(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"b.txt": b"B", "a.txt": b"A"}, None)
    with pytest.raises(InputFileError) as exc:
        read_corpus(folder)
    assert str(exc.value) == (
        f"{folder / 'metadata.csv'}: no metadata file; pass metadata=PATH (a table with a 'file' "
        "or 'document_id' column), or unmatched='warn' to read the .txt files without metadata"
    )
    with pytest.warns(StatecodeWarning, match="no metadata file metadata.csv"):
        corpus = read_corpus(folder, unmatched="warn")
    assert [(d.id, d.text) for d in corpus.documents] == [("a", "A"), ("b", "B")]


def test_folder_with_metadata_elsewhere(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": b"A"}, None)
    meta = _write(tmp_path / "meta.jsonl", '{"document_id": "a", "event": "e1"}\n')
    corpus = read_corpus(folder, metadata=meta)
    assert [(d.id, d.event) for d in corpus.documents] == [("a", "e1")]
