"""Discourse Network Analyzer: DNA's own sample database and hand-made ones."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import statecode as sc
from statecode import DataError, InputFileError, OptionError, read_dna
from tests.conftest import REAL, needs_real

SAMPLE = REAL / "dna" / "sample.dna"


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@needs_real
def test_dna_sample() -> None:
    before = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    result = read_dna(SAMPLE)
    # opened read-only: the database is unchanged
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == before
    counts = _query(
        SAMPLE,
        "SELECT (SELECT count(*) FROM STATEMENTS), (SELECT count(*) FROM DOCUMENTS), "
        "(SELECT count(*) FROM CODERS), (SELECT count(DISTINCT Coder) FROM STATEMENTS)",
    )[0]
    assert counts == (41, 7, 4, 2)
    assert len(result.corpus.statements) == 41
    assert len(result.corpus.documents) == 7
    assert [c.id for c in result.coders] == ["Admin", "Coder 1", "Coder 2", "Coder 3"]
    assert result.statement_types == ("DNA Statement", "Annotation")
    # 40 DNA Statements with person, organization, concept and agreement; the one
    # Annotation holds only a long-text note
    assert len(result.spans) == 160
    assert dict(result.skipped) == {"long text": 1}
    assert result.codings.variables == ("person", "organization", "concept", "agreement")
    assert result.codings.data.height == 160
    assert {s.coder for s in result.spans} == {"Coder 1"}
    assert {s.code for s in result.spans if s.variable == "agreement"} == {"0", "1"}
    doc1 = result.corpus.document("1")
    assert doc1.title == "109-876: Bluestein, Joel-BUS-Y"
    assert str(doc1.date) == "2005-01-26"
    assert doc1.metadata["author"] == "Bluestein, Joel"
    # the text under the statements is the database's text there, read independently; the
    # first statements of document 1 come after its non-ASCII bullets (at 573 and on)
    texts = dict(_query(SAMPLE, "SELECT ID, Text FROM DOCUMENTS"))
    assert "•" in texts[1][:6351]
    rows = _query(SAMPLE, "SELECT ID, DocumentId, Start, Stop FROM STATEMENTS ORDER BY ID")
    statements = {s.id: s for s in result.corpus.statements}
    for ident, doc, start, stop in rows:
        assert statements[str(ident)].text == texts[doc][start:stop]
    assert statements["1"].text.startswith("At the gas prices we are forecasting")
    assert statements["41"].text.endswith("nts for boutique fuels . . .''")
    first = [s for s in result.spans if s.start == 6351]
    assert {(s.variable, s.code) for s in first} == {
        ("person", "Joel Bluestein"),
        ("organization", "Energy and Environmental Analysis, Inc."),
        ("concept", "CO2 legislation will not hurt the economy."),
        ("agreement", "0"),
    }


@needs_real
def test_dna_sample_one_statement_type() -> None:
    notes = read_dna(SAMPLE, statement_type="annotation")
    assert notes.statement_types == ("Annotation",)
    assert [s.id for s in notes.corpus.statements] == ["5"]
    assert notes.spans == ()
    with pytest.raises(OptionError, match="statement_type='Nope' is not a statement type"):
        read_dna(SAMPLE, statement_type="Nope")


def _database(path: Path, statements: list[tuple[Any, ...]], text: str = "Ab 🕊 cd ef") -> Path:
    db = sqlite3.connect(path)
    script = """
    CREATE TABLE CODERS(ID INTEGER PRIMARY KEY, Name TEXT);
    CREATE TABLE DOCUMENTS(ID INTEGER PRIMARY KEY, Title TEXT, Text TEXT, Coder INTEGER,
        Author TEXT, Source TEXT, Section TEXT, Notes TEXT, Type TEXT, Date INTEGER);
    CREATE TABLE STATEMENTTYPES(ID INTEGER PRIMARY KEY, Label TEXT);
    CREATE TABLE VARIABLES(ID INTEGER PRIMARY KEY, Variable TEXT, DataType TEXT,
        StatementTypeId INTEGER);
    CREATE TABLE STATEMENTS(ID INTEGER PRIMARY KEY, StatementTypeId INTEGER,
        DocumentId INTEGER, Start INTEGER, Stop INTEGER, Coder INTEGER);
    CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY, VariableId INTEGER, Value TEXT);
    CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY, StatementId INTEGER,
        VariableId INTEGER, Entity INTEGER);
    CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY, StatementId INTEGER,
        VariableId INTEGER, Value INTEGER);
    CREATE TABLE DATAINTEGER(ID INTEGER PRIMARY KEY, StatementId INTEGER,
        VariableId INTEGER, Value INTEGER);
    CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY, StatementId INTEGER,
        VariableId INTEGER, Value TEXT);
    INSERT INTO CODERS VALUES (1, 'Ann'), (2, 'Ann'), (3, 'Bo');
    INSERT INTO STATEMENTTYPES VALUES (1, 'Claim'), (2, 'Other');
    INSERT INTO VARIABLES VALUES (1, 'actor', 'short text', 1), (2, 'agree', 'boolean', 1),
        (3, 'score', 'integer', 1), (4, 'actor', 'short text', 2);
    INSERT INTO ENTITIES VALUES (1, 1, ''), (2, 1, 'NATO'), (3, 1, 'a;b');
    """
    db.executescript(script)
    db.execute(
        "INSERT INTO DOCUMENTS VALUES (1, 'T', ?, 1, 'Au', 'Src', '', '', '', 1700000000)",
        (text,),
    )
    for ident, type_id, start, stop, coder, actor, agree, score in statements:
        db.execute(
            "INSERT INTO STATEMENTS VALUES (?, ?, 1, ?, ?, ?)", (ident, type_id, start, stop, coder)
        )
        if actor is not None:
            db.execute("INSERT INTO DATASHORTTEXT VALUES (NULL, ?, 1, ?)", (ident, actor))
        if agree is not None:
            db.execute("INSERT INTO DATABOOLEAN VALUES (NULL, ?, 2, ?)", (ident, agree))
        if score is not None:
            db.execute("INSERT INTO DATAINTEGER VALUES (NULL, ?, 3, ?)", (ident, score))
    db.commit()
    db.close()
    return path


def test_utf16_offsets_and_shared_coder_names(tmp_path: Path) -> None:
    # "Ab 🕊 cd ef": 'cd' is at UTF-16 6-8, code points 5-7
    path = _database(tmp_path / "a.dna", [(1, 1, 6, 8, 1, 2, 1, 4), (2, 1, 0, 2, 3, 1, 0, None)])
    result = read_dna(path, statement_type="Claim")
    assert [c.id for c in result.coders] == ["Ann (1)", "Ann (2)", "Bo"]
    assert [(s.id, s.text) for s in result.corpus.statements] == [("1", "cd"), ("2", "Ab")]
    assert [(s.coder, s.variable, s.code, s.start, s.end) for s in result.spans] == [
        ("Ann (1)", "actor", "NATO", 5, 7),
        ("Ann (1)", "agree", "1", 5, 7),
        ("Bo", "agree", "0", 0, 2),
    ]
    # the empty entity is a variable not coded yet: missing, and counted
    assert dict(result.skipped) == {"empty short text": 1}
    rows = sorted(result.codings.data.select("unit", "variable", "value").iter_rows())
    assert rows == [
        ("1", "actor", "NATO"),
        ("1", "agree", "1"),
        ("1", "score", "4"),
        ("2", "agree", "0"),
    ]
    # DNA stores no marked text to check offsets against: read in the wrong unit, a statement
    # after an emoji is shifted
    shifted = read_dna(path, statement_type="Claim", offsets="code-points")
    assert shifted.corpus.statements[0].text == "d "


def test_problems_with_their_table_and_id(tmp_path: Path) -> None:
    path = _database(
        tmp_path / "b.dna",
        [
            (1, 1, 3, 4, 1, 2, None, None),
            (2, 1, 0, 99, 3, 3, None, None),
            (3, 1, 0, 2, 9, 2, None, None),
        ],
    )
    both = _database(
        tmp_path / "both.dna", [(1, 1, 0, 2, 1, 2, None, None), (2, 2, 0, 2, 1, None, None, None)]
    )
    with pytest.raises(DataError) as exc:
        read_dna(both)
    assert [str(p) for p in exc.value.problems] == [
        "table VARIABLES, ID 4: variable 'actor' belongs to the statement types 'Claim' and "
        "'Other'; read one at a time with statement_type=",
    ]
    with pytest.raises(DataError) as exc:
        read_dna(path, statement_type="1")
    assert [str(p) for p in exc.value.problems] == [
        "table STATEMENTS, ID 1: span 3..4 cuts a character above U+FFFF (an emoji?) in half, "
        "so these offsets cannot be UTF-16 code units",
        "table STATEMENTS, ID 2: span 0..99 does not lie within the text (11 UTF-16 code "
        "units); start must be >= 0 and less than end",
        "table STATEMENTS, ID 3: the statement's coder is not in the database",
    ]
    cb = sc.Codebook(
        name="dna",
        variables=(sc.Variable(name="actor", level="nominal", categories=(sc.Category("NAT"),)),),
    )
    good = _database(tmp_path / "c.dna", [(1, 1, 0, 2, 1, 2, None, None)])
    with pytest.raises(DataError) as exc:
        read_dna(good, statement_type="Claim", codebook=cb)
    problems = [str(p) for p in exc.value.problems]
    assert "variable 'agree': not a variable of codebook 'dna'" in problems
    assert (
        "table STATEMENTS, ID 1: unknown code 'NATO' for 'actor'; did you mean 'NAT'?" in problems
    )
    semi = _database(tmp_path / "d.dna", [(1, 1, 0, 2, 1, 3, None, None)])
    with pytest.raises(DataError, match="holds the separator ';'"):
        read_dna(semi, statement_type="Claim")
    # values the database's own constraints would not let in: a missing entity, a boolean 7,
    # a value in the table of another type
    odd = _database(tmp_path / "e.dna", [(1, 1, 0, 2, 1, 9, 7, None)])
    db = sqlite3.connect(odd)
    db.execute("INSERT INTO DATAINTEGER VALUES (5, 1, 1, 3)")
    db.commit()
    db.close()
    with pytest.raises(DataError) as exc:
        read_dna(odd, statement_type="Claim")
    assert [str(p) for p in exc.value.problems] == [
        "table DATASHORTTEXT, ID 1: 'actor': refers to an entity that is not in ENTITIES",
        "table DATABOOLEAN, ID 1: 'agree': the boolean value is 7, not 0 or 1",
        "table DATAINTEGER, ID 5: 'actor' is a short text variable, but this table holds "
        "integer values",
    ]


def test_not_a_dna_database(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_dna(tmp_path / "none.dna")
    text = tmp_path / "text.dna"
    text.write_text("hello")
    with pytest.raises(DataError, match="file is not a database"):
        read_dna(text)
    other = tmp_path / "other.dna"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE CODERS(ID INTEGER, Name TEXT)")
    db.close()
    with pytest.raises(DataError) as exc:
        read_dna(other)
    problems = [str(p) for p in exc.value.problems]
    assert problems[0].startswith("not a DNA 3 database")
    assert "table DOCUMENTS: missing" in problems


def test_a_text_that_is_not_utf8_is_a_data_error(tmp_path: Path) -> None:
    # found by the long fuzz run: one byte of the schema's text changed, and Python's sqlite3
    # raised UnicodeDecodeError past the reader
    path = _database(tmp_path / "bad.dna", [(1, 1, 0, 2, 1, 2, 1, 4)])
    data = path.read_bytes()
    assert b"CREATE TABLE STATEMENTTYPES" in data
    path.write_bytes(
        data.replace(b"CREATE TABLE STATEMENTTYPES", b"CR\xc5ATE TABLE STATEMENTTYPES")
    )
    with pytest.raises(DataError) as exc:
        read_dna(path)
    assert str(exc.value).startswith(f"{path}: a text in the database is not UTF-8 (byte ")
    assert str(exc.value).endswith(
        "the file is damaged, or not a DNA file: open it in DNA to check"
    )
    # a damaged cell of a table: sqlite3 says so itself, and the reader passes it on
    good = _database(tmp_path / "cell.dna", [(1, 1, 0, 2, 1, 2, 1, 4)])
    db = sqlite3.connect(good)
    db.execute("UPDATE DOCUMENTS SET Text = CAST(X'41C542' AS TEXT)")
    db.commit()
    db.close()
    with pytest.raises(DataError, match=r"cannot read the database \(Could not decode to UTF-8"):
        read_dna(good)


def test_an_id_of_the_wrong_type_is_a_problem(tmp_path: Path) -> None:
    # found by review after the long fuzz run's QualCoder finding (the same pattern): a
    # statement's type or a value's statement that is text, not an integer id, raised
    # ValueError from int(); a statement with a text type id was also dropped silently
    path = _database(tmp_path / "bad.dna", [(1, 1, 0, 2, 1, 2, 1, 4), (2, 1, 6, 8, 3, 1, 0, None)])
    db = sqlite3.connect(path)
    db.execute("UPDATE STATEMENTS SET StatementTypeId = 'x' WHERE ID = 2")
    db.execute("UPDATE DATABOOLEAN SET StatementId = 'one' WHERE StatementId = 1")
    db.commit()
    db.close()
    with pytest.raises(DataError) as exc:
        read_dna(path)
    damaged = "the database is damaged: open it in DNA to check"
    problems = [str(p) for p in exc.value.problems]
    assert (
        f"table STATEMENTS, ID 2: column StatementTypeId holds 'x', not a type id; {damaged}"
        in problems
    )
    assert any(
        p.endswith(f": column StatementId holds 'one', not a statement id; {damaged}")
        and p.startswith("table DATABOOLEAN, ID ")
        for p in problems
    ), problems
