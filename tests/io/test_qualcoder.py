"""QualCoder projects: generated from QualCoder's published schema (no real project is shared).

The tables are created as QualCoder 3.x creates them (database version 8 and later), so
the reader meets the columns it will meet in a real ``data.qda``; the offsets, though, were
checked only on these generated files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import statecode as sc
from statecode import DataError, InputFileError, read_qualcoder

SCHEMA = """
CREATE TABLE project (databaseversion text, date text, memo text, about text,
    bookmarkfile integer, bookmarkpos integer, codername text, recently_used_codes text);
CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text,
    memo text, owner text, date text, av_text_id integer, risid integer, unique(name));
CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text,
    memo text, supercatid integer, unique(name));
CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer,
    owner text, date text, color text, unique(name));
CREATE TABLE code_text (ctid integer primary key, cid integer, fid integer, seltext text,
    pos0 integer, pos1 integer, owner text, date text, memo text, avid integer,
    important integer, unique(cid, fid, pos0, pos1, owner));
"""
TEXT = "Kyiv 🕊 Moskau: «Waffenruhe sofort»."


def _project(folder: Path, segments: list[tuple[Any, ...]], text: str = TEXT) -> Path:
    project = folder / "call.qda"
    project.mkdir(parents=True)
    db = sqlite3.connect(project / "data.qda")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO project VALUES ('v8', '', '', 'QualCoder 3.6', 0, 0, 'ann', '')")
    db.execute(
        "INSERT INTO source VALUES (1, 'readout.txt', ?, NULL, '', 'ann', '', NULL, NULL)", (text,)
    )
    db.execute(
        "INSERT INTO source VALUES (2, 'photo.jpg', NULL, '/p.jpg', '', 'ann', '', NULL, NULL)"
    )
    db.executemany(
        "INSERT INTO code_cat VALUES (?, ?, 'ann', '', '', ?)",
        [(1, "Demands", None), (2, "Ceasefire", 1)],
    )
    db.executemany(
        "INSERT INTO code_name VALUES (?, ?, '', ?, 'ann', '', '#fff')",
        [(1, "immediate", 2), (2, "place", None), (3, "conditional", 2)],
    )
    db.executemany(
        "INSERT INTO code_text (cid, fid, seltext, pos0, pos1, owner) VALUES (?, ?, ?, ?, ?, ?)",
        segments,
    )
    db.commit()
    db.close()
    return project


def _texts(result: sc.QualCoderImport) -> list[tuple[str, str, str]]:
    docs = {d.id: d.text for d in result.corpus.documents}
    return [(s.coder, s.code, docs[s.document][s.start : s.end]) for s in result.spans]


def test_generated_project(tmp_path: Path) -> None:
    segments = [
        (2, 1, "Kyiv", 0, 4, "ann"),
        (2, 1, "Moskau", 7, 13, "bob"),
        (1, 1, "Waffenruhe sofort", 16, 33, "ann"),
        (3, 1, "Waffenruhe", 16, 26, "bob"),
    ]
    project = _project(tmp_path, segments)
    result = read_qualcoder(project)
    assert result.source == str(project / "data.qda")
    assert [d.id for d in result.corpus.documents] == ["readout.txt"]
    assert [c.id for c in result.coders] == ["ann", "bob"]
    # code points: the dove counts one, and «Waffenruhe» comes after it and after «
    assert _texts(result) == [
        ("ann", "place", "Kyiv"),
        ("bob", "place", "Moskau"),
        ("bob", "conditional", "Waffenruhe"),
        ("ann", "immediate", "Waffenruhe sofort"),
    ]
    assert {s.variable for s in result.spans} == {"code"}
    assert dict(result.categories) == {
        "immediate": ("Demands", "Ceasefire"),
        "place": (),
        "conditional": ("Demands", "Ceasefire"),
    }
    assert dict(result.skipped) == {"media source": 1}
    assert read_qualcoder(project / "data.qda").spans == result.spans


def test_segment_text_checks_the_offsets(tmp_path: Path) -> None:
    # these positions are UTF-16 code units (the dove counts two)
    project = _project(tmp_path, [(2, 1, "Moskau", 8, 14, "ann")])
    with pytest.raises(DataError) as exc:
        read_qualcoder(project)
    assert [str(p) for p in exc.value.problems] == [
        "table code_text, row 1 (cid 2, fid 1, pos0 8): span 8..14 of the text is "
        "'oskau:', but the file says it marks 'Moskau'; the offsets match as UTF-16 code "
        "units: pass offsets='utf-16'"
    ]
    assert _texts(read_qualcoder(project, offsets="utf-16")) == [("ann", "place", "Moskau")]


def test_every_problem_with_its_segment(tmp_path: Path) -> None:
    cb = sc.Codebook(
        name="qc",
        variables=(
            sc.Variable(
                name="code",
                level="nominal",
                categories=(sc.Category("place"), sc.Category("immediate")),
            ),
        ),
    )
    segments = [
        (9, 1, "Kyiv", 0, 4, "ann"),
        (2, 7, "Kyiv", 0, 4, "ann"),
        (2, 1, "Kyiv", 0, 4, ""),
        (2, 1, "Kyiv", 0, 99, "ann"),
        (3, 1, "Kyiv", 0, 4, "ann"),
    ]
    with pytest.raises(DataError) as exc:
        read_qualcoder(_project(tmp_path, segments), codebook=cb)
    assert [str(p) for p in exc.value.problems] == [
        "table code_text, row 1 (cid 9, fid 1, pos0 0): the segment codes code 9, which is not "
        "in the project",
        "table code_text, row 3 (cid 2, fid 1, pos0 0): the segment has no owner (coder)",
        "table code_text, row 5 (cid 3, fid 1, pos0 0): unknown code 'conditional' for 'code'",
        "table code_text, row 4 (cid 2, fid 1, pos0 0): span 0..99 does not lie within the "
        "text (35 code points); start must be >= 0 and less than end",
        "table code_text, row 2 (cid 2, fid 7, pos0 0): the segment codes source 7, which is "
        "not in the project",
    ]


def test_not_a_qualcoder_project(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"no data\.qda in this folder"):
        read_qualcoder(tmp_path)
    with pytest.raises(InputFileError, match="no such file"):
        read_qualcoder(tmp_path / "x.qda" / "data.qda")
    other = tmp_path / "data.qda"
    sqlite3.connect(other).execute("CREATE TABLE source (id integer)").connection.close()
    with pytest.raises(DataError) as exc:
        read_qualcoder(other)
    problems = [str(p) for p in exc.value.problems]
    assert problems[0].startswith("not a QualCoder project")
    assert "table source: has no column name, fulltext" in problems
    assert "table code_text: missing" in problems
    with pytest.raises(DataError, match="variable='x' is not a variable"):
        read_qualcoder(other, variable="x", codebook=sc.Codebook(name="c"))


def test_an_id_or_name_of_the_wrong_type_is_a_problem(tmp_path: Path) -> None:
    # found by the long fuzz run: a damaged schema left code_cat.catid without its integer
    # type, and int() of a NULL or of the text 'Ceasefire' raised past the reader; a code
    # without a name became the code 'None'
    project = _project(tmp_path, [(2, 1, "Kyiv", 0, 4, "ann")])
    db = sqlite3.connect(project / "data.qda")
    db.executescript(
        "DROP TABLE code_cat; CREATE TABLE code_cat (catid, name text, owner text, date text, "
        "memo text, supercatid);"
        "INSERT INTO code_cat VALUES (1, 'Demands', 'ann', '', '', NULL), "
        "('Ceasefire', 'Ceasefire', 'ann', '', '', 1), (NULL, 'x', 'ann', '', '', NULL), "
        "(3, NULL, 'ann', '', '', 'Demands');"
        "UPDATE code_name SET name = NULL WHERE cid = 3;"
    )
    db.commit()
    db.close()
    with pytest.raises(DataError) as exc:
        read_qualcoder(project)
    damaged = "the project is damaged: open it in QualCoder to check"
    assert [str(p) for p in exc.value.problems] == [
        f"table code_name, row 3: column name holds None, not a name; {damaged}",
        f"table code_cat, row 3: column catid holds None, not an integer id; {damaged}",
        f"table code_cat, row 4: column name holds None, not a name; {damaged}",
        f"table code_cat, row 4: column supercatid holds 'Demands', not an integer id; {damaged}",
        f"table code_cat, row 2: column catid holds 'Ceasefire', not an integer id; {damaged}",
    ]
