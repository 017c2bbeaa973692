"""SQLite project files (DNA, QualCoder) opened read-only, their schema checked first."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from statecode.exceptions import DataError, InputFileError, Problem

__all__ = ["check_schema", "is_integer", "open_database", "query", "shown"]


@contextlib.contextmanager
def open_database(file: Path, what: str) -> Iterator[sqlite3.Connection]:
    """Open ``file`` read-only; SQLite errors while reading become a :class:`DataError`.

    ``what`` names the format for messages (``"DNA"``).
    """
    if not file.is_file():
        msg = f"{file}: no such file; check the path"
        raise InputFileError(msg)
    try:
        # read-only, so reading never changes (or creates) the program's database
        db = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        msg = f"{file}: cannot open the database ({exc})"
        raise InputFileError(msg) from exc
    try:
        yield db
    except sqlite3.Error as exc:
        msg = f"cannot read the database ({exc}); is this a {what} file? open it in {what} to check"
        raise DataError([Problem("", msg)], source=str(file)) from None
    except UnicodeDecodeError as exc:
        # Python's sqlite3 decodes every TEXT value as UTF-8: a damaged one cannot be read
        msg = (
            f"a text in the database is not UTF-8 (byte {exc.start} of a value: {exc.reason}); "
            f"the file is damaged, or not a {what} file: open it in {what} to check"
        )
        raise DataError([Problem("", msg)], source=str(file)) from None
    finally:
        db.close()


def is_integer(value: object) -> bool:
    """Whether a cell holds an integer (SQLite keeps any value in any column it is not a key of)."""
    return isinstance(value, int) and not isinstance(value, bool)


def shown(value: object) -> str:
    """A cell's value for a message: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def query(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return db.execute(sql, params).fetchall()


def check_schema(
    db: sqlite3.Connection, schema: Mapping[str, Sequence[str]], source: str, message: str
) -> None:
    """Refuse a database that lacks a table or column of ``schema``, naming each one."""
    tables = {
        str(row[0]).upper(): str(row[0])
        for row in query(db, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    problems: list[Problem] = []
    for table, columns in schema.items():
        if table.upper() not in tables:
            problems.append(Problem(f"table {table}", "missing"))
            continue
        name = tables[table.upper()].replace('"', '""')
        have = {str(row[1]).lower() for row in query(db, f'PRAGMA table_info("{name}")')}
        missing = [c for c in columns if c.lower() not in have]
        if missing:
            problems.append(Problem(f"table {table}", f"has no column {', '.join(missing)}"))
    if problems:
        raise DataError([Problem("", message), *problems], source=source)
