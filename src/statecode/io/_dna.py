"""Discourse Network Analyzer (DNA 3) databases: statements, their coded variables, the texts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError, Problem
from statecode.io._annotations import (
    CODER,
    ROW,
    UNIT,
    build_table,
    frozen_counts,
    not_a_variable,
    unique_labels,
)
from statecode.io._span_build import SpanBuilder
from statecode.io._sqlite import check_schema, is_integer, open_database, query, shown
from statecode.model import Coder, Corpus, Document, Span, Statement
from statecode.options import OffsetUnit, parse_option
from statecode.table import CodingTable

__all__ = ["DnaImport", "read_dna"]

# the tables and columns read, as DNA 3 creates them
_SCHEMA = {
    "CODERS": ("ID", "Name"),
    "DOCUMENTS": ("ID", "Title", "Text", "Author", "Source", "Section", "Type", "Notes", "Date"),
    "STATEMENTTYPES": ("ID", "Label"),
    "VARIABLES": ("ID", "Variable", "DataType", "StatementTypeId"),
    "STATEMENTS": ("ID", "StatementTypeId", "DocumentId", "Start", "Stop", "Coder"),
    "ENTITIES": ("ID", "Value"),
    "DATASHORTTEXT": ("ID", "StatementId", "VariableId", "Entity"),
    "DATABOOLEAN": ("ID", "StatementId", "VariableId", "Value"),
    "DATAINTEGER": ("ID", "StatementId", "VariableId", "Value"),
    "DATALONGTEXT": ("ID", "StatementId", "VariableId", "Value"),
}
_CODED = ("short text", "boolean")
_DAMAGED = "the database is damaged: open it in DNA to check"
_NOT_DNA = (
    "not a DNA 3 database (the tables DNA 3 creates are not all there); open the file in DNA "
    "3 and save it again, or check the path"
)


@attrs.frozen
class DnaImport:
    """What :func:`read_dna` read from a DNA database.

    Attributes
    ----------
    codings : CodingTable
        One row per statement: the unit is the statement (its DNA id as text), the coder
        the statement's coder, and each variable of its statement type a column (short
        text: the entity's value; boolean: ``0`` or ``1``; integer: the number).
    spans : tuple of Span
        One span per statement and coded short-text or boolean variable, over the
        statement's text, with the value as the code.
    corpus : Corpus
        The documents (id: the DNA id as text; title, source and date; author, section,
        type and notes in ``metadata``) and the statements.
    coders : tuple of Coder
        The database's coders (id: the name, ``name (id)`` where names are shared).
    statement_types : tuple of str
        The statement types read.
    skipped : mapping of str to int
        Values that are no codes, by kind and count: ``long text`` (free notes) and
        ``empty short text`` (a variable not yet coded, DNA's empty entity).
    source : str
        The database file.
    """

    codings: CodingTable
    spans: tuple[Span, ...]
    corpus: Corpus
    coders: tuple[Coder, ...]
    statement_types: tuple[str, ...]
    skipped: Mapping[str, int] = attrs.field(converter=frozen_counts)
    source: str = ""


def _statement_types(db: sqlite3.Connection, wanted: str | None, source: str) -> dict[int, str]:
    types = {int(i): str(label) for i, label in query(db, "SELECT ID, Label FROM STATEMENTTYPES")}
    # a type id that is not an integer is no type; the statements loop reports it
    used = {
        int(r[0])
        for r in query(db, "SELECT DISTINCT StatementTypeId FROM STATEMENTS")
        if is_integer(r[0])
    }
    if wanted is None:
        return {i: label for i, label in types.items() if i in used}
    found = [i for i, label in types.items() if label == wanted or str(i) == wanted]
    if not found:
        found = [i for i, label in types.items() if label.lower() == wanted.lower()]
    if len(found) != 1:
        listed = ", ".join(repr(label) for label in types.values()) or "(none)"
        msg = f"statement_type={wanted!r} is not a statement type of {source}; types: {listed}"
        raise OptionError(msg, option="statement_type")
    return {found[0]: types[found[0]]}


def _variables(
    db: sqlite3.Connection, types: Mapping[int, str], problems: list[Problem]
) -> dict[int, tuple[str, str, int]]:
    """Variable id -> (name, data type, statement type id) of the chosen statement types."""
    out: dict[int, tuple[str, str, int]] = {}
    owner: dict[str, int] = {}
    rows = query(db, "SELECT ID, Variable, DataType, StatementTypeId FROM VARIABLES ORDER BY ID")
    for ident, name, kind, type_id in rows:
        if type_id not in types:
            continue
        first = owner.setdefault(str(name), int(type_id))
        if first != type_id:
            msg = (
                f"variable {name!r} belongs to the statement types {types[first]!r} and "
                f"{types[type_id]!r}; read one at a time with statement_type="
            )
            problems.append(Problem(f"table VARIABLES, ID {ident}", msg))
        out[int(ident)] = (str(name), str(kind), int(type_id))
    return out


def _date(value: object) -> dt.date | None:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _documents(db: sqlite3.Connection, problems: list[Problem]) -> dict[int, Document]:
    sql = "SELECT ID, Title, Text, Author, Source, Section, Type, Notes, Date FROM DOCUMENTS"
    out: dict[int, Document] = {}
    for ident, title, text, author, source, section, kind, notes, date in query(db, sql):
        if not isinstance(text, str):
            problems.append(Problem(f"table DOCUMENTS, ID {ident}", f"the text is {text!r}"))
            continue
        meta = {"author": author, "section": section, "type": kind, "notes": notes}
        out[int(ident)] = Document(
            id=str(ident),
            text=text,
            title=str(title or ""),
            source=str(source or ""),
            date=_date(date),
            metadata={k: v for k, v in meta.items() if v not in (None, "")},
        )
    return out


# each data table, the type of the variables it holds, and how to select its values
_DATA = (
    (
        "DATASHORTTEXT",
        "short text",
        (
            "SELECT d.ID, d.StatementId, d.VariableId, e.ID, e.Value FROM DATASHORTTEXT d "
            "LEFT JOIN ENTITIES e ON e.ID = d.Entity"
        ),
    ),
    ("DATABOOLEAN", "boolean", "SELECT ID, StatementId, VariableId, 1, Value FROM DATABOOLEAN"),
    ("DATAINTEGER", "integer", "SELECT ID, StatementId, VariableId, 1, Value FROM DATAINTEGER"),
    ("DATALONGTEXT", "long text", "SELECT ID, StatementId, VariableId, 1, Value FROM DATALONGTEXT"),
)


def _value(kind: str, found: object, value: object) -> str | None:
    """Why a stored value is not a value of its type (None: it is one)."""
    if found is None:
        return "refers to an entity that is not in ENTITIES"
    if kind == "boolean" and value not in (0, 1):
        return f"the boolean value is {value!r}, not 0 or 1"
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"the integer value is {value!r}"
    if kind in ("short text", "long text") and not isinstance(value, str | None):
        return f"the text value is {value!r}"
    return None


def _values(
    db: sqlite3.Connection,
    variables: Mapping[int, tuple[str, str, int]],
    problems: list[Problem],
) -> tuple[dict[int, dict[str, str]], dict[str, int]]:
    """Statement id -> variable -> value (as text), and the values that are no codes."""
    values: dict[int, dict[str, str]] = {}
    skipped: dict[str, int] = {}
    for table, kind, sql in _DATA:
        for ident, statement, variable, found, value in query(db, sql):
            if variable not in variables:
                continue
            name, declared, _ = variables[variable]
            where = f"table {table}, ID {ident}"
            if declared != kind:
                msg = f"{name!r} is a {declared} variable, but this table holds {kind} values"
                problems.append(Problem(where, msg))
                continue
            wrong = _value(kind, found, value)
            if wrong is not None:
                problems.append(Problem(where, f"{name!r}: {wrong}"))
            elif kind == "long text":
                skipped["long text"] = skipped.get("long text", 0) + 1
            elif kind == "short text" and not str(value or "").strip():
                skipped["empty short text"] = skipped.get("empty short text", 0) + 1
            elif not is_integer(statement):
                msg = f"column StatementId holds {shown(statement)}, not a statement id; {_DAMAGED}"
                problems.append(Problem(where, msg))
            else:
                values.setdefault(int(statement), {})[name] = str(value)
    return values, skipped


def read_dna(
    path: PathLike,
    *,
    statement_type: str | None = None,
    codebook: Codebook | None = None,
    offsets: OffsetUnit | str = OffsetUnit.UTF16,
    separator: str = ";",
) -> DnaImport:
    """Read a Discourse Network Analyzer database (``.dna``, DNA 3): statements and codes.

    Parameters
    ----------
    path : str or path
        The ``.dna`` file, an SQLite database (opened read-only).
    statement_type : str, optional
        Read the statements of this type only (its label, such as ``"DNA Statement"``, or
        its id). By default every type with statements is read; their variables must then
        have different names.
    codebook : Codebook, optional
        Check every variable and value against it.
    offsets : {'utf-16', 'code-points'}
        What the statements' ``Start`` and ``Stop`` count (see Notes).
    separator : str
        Separator of codes in multi-label cells of the coding table; a DNA value that
        holds it is an error (pass another one).

    Returns
    -------
    DnaImport
        The codings (one row per statement), the spans, the corpus with documents and
        statements, the coders, the statement types read and the values that are no codes.

    Raises
    ------
    OptionError
        If ``statement_type`` names no statement type, or ``offsets`` is not a choice.
    InputFileError
        If the file does not exist or cannot be opened.
    DataError
        If the file is not a DNA 3 database (every missing table and column listed), or
        listing every problem with its table and id: statements of unknown documents,
        coders or variables, offsets outside the document's text, variables that two
        statement types share, unknown codes, values a variable cannot take.

    Notes
    -----
    DNA (Leifeld 2017) codes statements: a coder marks a stretch of a document's text and
    fills in the variables of a statement type, such as the ``person``, ``organization``,
    ``concept`` and ``agreement`` of a "DNA Statement". This is statecode's own model, so
    each DNA statement becomes a :class:`~statecode.Statement` of the corpus and a row of
    the coding table. Short-text values are the values of the entities (``ENTITIES``); an
    empty one (the value of a variable not yet coded) is missing and counted in
    ``skipped``, as are long-text notes, which are free text rather than codes.

    DNA is a Java program and counts offsets in UTF-16 code units (an emoji counts 2);
    they are converted to code points. Each statement has one coder, so two coders who coded
    the same text made two statements: compare them with
    :func:`~statecode.unitizing_alpha` on ``spans``, or map both onto common statements
    with :func:`~statecode.spans_to_codings`.

    References
    ----------
    Leifeld, P. (2017). Discourse Network Analysis: Policy Debates as Dynamic Networks.
    In J. N. Victor, A. H. Montgomery and M. Lubell (eds.), The Oxford Handbook of
    Political Networks, 301-325. https://doi.org/10.1093/oxfordhb/9780190228217.013.25

    DNA source and manual, https://github.com/leifeld/dna
    """
    unit = parse_option(OffsetUnit, offsets, "offsets")
    file = Path(path)
    with open_database(file, "DNA") as db:
        return _read(db, str(file), statement_type, codebook, unit, separator)


class _Statements:
    """DNA statements turned into statecode statements, coding rows and spans."""

    def __init__(
        self,
        builder: SpanBuilder,
        variables: Mapping[int, tuple[str, str, int]],
        *,
        separator: str | None,
    ) -> None:
        self.builder = builder
        self.variables = variables
        self.separator = separator
        self.statements: list[Statement] = []
        self.rows: list[dict[str, Any]] = []
        self.locations: dict[int, str] = {}

    def add(
        self,
        where: str,
        ident: str,
        doc: Document | None,
        coder: str | None,
        offsets: tuple[object, object],
        coded: Mapping[str, str],
        *,
        owner: int,
    ) -> None:
        if doc is None or coder is None:
            what = "document" if doc is None else "coder"
            self.builder.problem(where, f"the statement's {what} is not in the database")
            return
        start, stop = offsets
        if not (isinstance(start, int) and isinstance(stop, int)):
            self.builder.problem(where, f"Start {start!r} and Stop {stop!r} must be numbers")
            return
        positions = self.builder.offsets(where, doc.id, doc.text, start, stop)
        if positions is None:
            return
        self.statements.append(doc.statement(ident, *positions))
        for name, value in coded.items():
            if self.separator is not None and self.separator in value:
                msg = (
                    f"the value {value!r} of {name!r} holds the separator {self.separator!r}, "
                    "which would make it several codes; pass another separator="
                )
                self.builder.problem(where, msg)
        self.rows.append({UNIT: ident, CODER: coder, ROW: len(self.rows) + 1} | dict(coded))
        self.locations[len(self.rows)] = where
        for name, kind, type_id in self.variables.values():
            if type_id == owner and kind in _CODED and name in coded:
                self.builder.add(
                    where,
                    document=doc.id,
                    text=doc.text,
                    coder=coder,
                    start=start,
                    end=stop,
                    variable=name,
                    code=coded[name],
                )


def _read(
    db: sqlite3.Connection,
    source: str,
    statement_type: str | None,
    codebook: Codebook | None,
    unit: OffsetUnit,
    separator: str,
) -> DnaImport:
    check_schema(db, _SCHEMA, source, _NOT_DNA)
    problems: list[Problem] = []
    types = _statement_types(db, statement_type, source)
    variables = _variables(db, types, problems)
    names = list(dict.fromkeys(n for n, kind, _ in variables.values() if kind != "long text"))
    if codebook is not None:
        problems += [
            Problem(f"variable {name!r}", not_a_variable(name, codebook))
            for name in names
            if name not in codebook
        ]
    coder_rows = query(db, "SELECT ID, Name FROM CODERS ORDER BY ID")
    labels = unique_labels([(str(i), str(n or "")) for i, n in coder_rows])
    coders = {int(i): label for (i, _), label in zip(coder_rows, labels, strict=True)}
    documents = _documents(db, problems)
    values, skipped = _values(db, variables, problems)
    reading = _Statements(
        SpanBuilder(unit, codebook=codebook, problems=problems, hint="offsets="),
        variables,
        separator=separator if codebook is None else None,
    )
    sql = "SELECT ID, StatementTypeId, DocumentId, Start, Stop, Coder FROM STATEMENTS ORDER BY ID"
    for ident, type_id, doc_id, start, stop, coder_id in query(db, sql):
        if type_id is not None and not is_integer(type_id):
            msg = f"column StatementTypeId holds {shown(type_id)}, not a type id; {_DAMAGED}"
            problems.append(Problem(f"table STATEMENTS, ID {ident}", msg))
        elif type_id in types:
            reading.add(
                f"table STATEMENTS, ID {ident}",
                str(ident),
                documents.get(doc_id),
                coders.get(coder_id),
                (start, stop),
                values.get(int(ident), {}),
                owner=type_id,
            )
    codings = build_table(
        reading.rows,
        names,
        reading.locations,
        "variable {}",
        codebook=codebook,
        source=source,
        separator=separator,
        problems=problems,
    )
    if problems:
        raise DataError(problems, source=source)
    return DnaImport(
        codings=codings,
        spans=tuple(reading.builder.spans),
        corpus=Corpus(documents=tuple(documents.values()), statements=tuple(reading.statements)),
        coders=tuple(Coder(label) for label in coders.values()),
        statement_types=tuple(types.values()),
        skipped=skipped,
        source=source,
    )
