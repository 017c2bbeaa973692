"""A codebook for other tools: Frictionless Table Schema, JSON Schema, a Label Studio config.

One codebook drives every tool: the Table Schema describes (and lets Frictionless validate)
a wide coding table, the JSON Schema is what language models' structured output takes, and
the Label Studio labelling configuration sets up annotation with the codebook's codes. The
Table Schema can be read back (:func:`codebook_from_frictionless`); DDI Codebook lives in
:mod:`statecode.io._ddi`.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from statecode.codebook import Category, Codebook, Variable
from statecode.exceptions import CodebookError, Problem
from statecode.io._annotations import json_kind
from statecode.io.refi._xml import attribute_problem
from statecode.options import Level

__all__ = [
    "codebook_from_frictionless",
    "codebook_to_frictionless",
    "codebook_to_json_schema",
    "codebook_to_labelstudio",
    "xml_safe",
]

_TABLE_SCHEMA = "https://datapackage.org/profiles/2.0/tableschema.json"
_JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
#: Separator of the codes of a multi-label cell in statecode's tables.
SEPARATOR = ";"
# a Table Schema extension property: the level of measurement, which Table Schema lacks
_LEVEL = "measurementLevel"


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _ordered(var: Variable) -> list[Category]:
    by_code = {c.code: c for c in var.categories}
    return [by_code[code] for code in var.codes]


# --------------------------------------------------------------------------------------------
# Frictionless Table Schema


def _field(var: Variable) -> dict[str, Any]:
    field: dict[str, Any] = {"name": var.name}
    if var.label:
        field["title"] = var.label
    if var.question:
        field["description"] = var.question
    if var.categories:
        categories: list[Any] = [
            {"value": c.code, "label": c.label} if c.label else {"value": c.code}
            for c in _ordered(var)
        ]
        if var.multi_label:
            # Table Schema gives categories to string fields only; a multi-label cell is a
            # list of codes, and the categories here are those of its items
            field |= {"type": "list", "delimiter": SEPARATOR, "itemType": "string"}
        else:
            field["type"] = "string"
        field["categories"] = categories
        field["categoriesOrdered"] = var.level is not Level.NOMINAL
    else:
        field["type"] = "number"
        constraints = {
            key: _number(value)
            for key, value in (("minimum", var.minimum), ("maximum", var.maximum))
            if value is not None
        }
        if constraints:
            field["constraints"] = constraints
    field[_LEVEL] = var.level.value
    return field


def codebook_to_frictionless(codebook: Codebook) -> str:
    """A Frictionless Table Schema (v2) of a wide coding table with this codebook.

    The table has the columns ``unit`` and ``coder`` (together the primary key) and one
    column per variable: a categorical variable is a ``string`` field whose ``categories``
    are its codes with their labels (``categoriesOrdered`` for ordinal variables), a
    multi-label variable a ``list`` field of codes joined by ``;``, a numeric variable a
    ``number`` field with its range as ``constraints``. Titles and descriptions carry the
    labels and questions; ``measurementLevel`` (an extension property) the level. Notes,
    definitions and rules have no place in a Table Schema.

    Returns
    -------
    str
        The schema as JSON text.

    References
    ----------
    Frictionless Data, "Table Schema" (Data Package v2),
    https://datapackage.org/standard/table-schema/

    Examples
    --------
    >>> import json
    >>> from statecode import read_codebook
    >>> schema = json.loads(codebook_to_frictionless(read_codebook("readouts")))
    >>> [f["name"] for f in schema["fields"]][:3]
    ['unit', 'coder', 'precondition']
    """
    head: dict[str, Any] = {"$schema": _TABLE_SCHEMA, "name": codebook.name}
    if codebook.version:
        head["version"] = codebook.version
    if codebook.description:
        head["description"] = codebook.description
    ids = [
        {"name": name, "type": "string", "constraints": {"required": True}}
        for name in ("unit", "coder")
    ]
    schema = head | {
        "fields": ids + [_field(v) for v in codebook],
        "primaryKey": ["unit", "coder"],
        "missingValues": [""],
    }
    return _dump(schema)


def _text(raw: Mapping[str, Any], key: str, where: str, problems: list[Problem]) -> str:
    value = raw.get(key, "")
    if isinstance(value, str):
        return value
    problems.append(Problem(f"{where}.{key}", f"expected text, got {json_kind(value)}"))
    return ""


def _read_categories(raw: object, where: str, problems: list[Problem]) -> tuple[Category, ...]:
    if not isinstance(raw, list):
        problems.append(Problem(where, f"expected a list of categories, got {json_kind(raw)}"))
        return ()
    out: list[Category] = []
    for i, item in enumerate(raw):
        place = f"{where}[{i}]"
        if isinstance(item, dict):
            value, label = item.get("value"), item.get("label", "")
        else:
            value, label = item, ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            problems.append(Problem(place, f"expected a code (text), got {json_kind(value)}"))
            continue
        if not isinstance(label, str):
            problems.append(Problem(f"{place}.label", f"expected text, got {json_kind(label)}"))
            label = ""
        out.append(Category(str(value), label=label))
    return tuple(out)


def _read_field(raw: object, where: str, problems: list[Problem]) -> Variable | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, f"expected a field object, got {json_kind(raw)}"))
        return None
    found = len(problems)
    common: dict[str, Any] = {
        "name": _text(raw, "name", where, problems),
        "label": _text(raw, "title", where, problems),
        "question": _text(raw, "description", where, problems),
    }
    level = raw.get(_LEVEL)
    if "categories" in raw:
        categories = _read_categories(raw["categories"], f"{where}.categories", problems)
        ordered = raw.get("categoriesOrdered") is True
        fallback = Level.ORDINAL if ordered else Level.NOMINAL
        common |= {"categories": categories, "level": level or fallback}
        if common["level"] == Level.ORDINAL:
            common["order"] = tuple(c.code for c in categories)
        common["multi_label"] = raw.get("type") == "list"
    else:
        constraints = raw.get("constraints", {})
        bounds = constraints if isinstance(constraints, dict) else {}
        common |= {
            "level": level or Level.INTERVAL,
            "minimum": _bound(bounds.get("minimum"), f"{where}.constraints.minimum", problems),
            "maximum": _bound(bounds.get("maximum"), f"{where}.constraints.maximum", problems),
        }
    if len(problems) > found:  # what the variable would lack is reported already
        return None
    try:
        return Variable(**common)
    except CodebookError as exc:
        problems.extend(Problem(f"{where}.{p.where}", p.message) for p in exc.problems)
        return None


def _bound(value: object, where: str, problems: list[Problem]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(Problem(where, f"expected a number, got {json_kind(value)}"))
        return None
    return float(value)


def codebook_from_frictionless(text: str, *, name: str | None = None) -> Codebook:
    """Read a codebook from a Table Schema (as :func:`codebook_to_frictionless` writes it).

    Every field but ``unit`` and ``coder`` is a variable: a field with ``categories`` is
    categorical (ordinal when ``categoriesOrdered``, multi-label when its type is
    ``list``), any other a numeric variable with its ``constraints`` as range. The level
    is ``measurementLevel`` where given; the field's title is the label, its description
    the question. Notes, category definitions and rules have no place in Table Schema.

    Raises
    ------
    CodebookError
        If the text is not JSON, not a Table Schema, or gives no valid codebook; every
        problem with its path (``fields[3].categories[1]``).
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise CodebookError([Problem("", msg)]) from None
    except RecursionError:
        msg = "the JSON nests too deeply to read; a Table Schema is a few levels deep"
        raise CodebookError([Problem("", msg)]) from None
    if isinstance(raw, dict) and "json-schema.org" in str(raw.get("$schema", "")):
        msg = (
            "this is a JSON Schema (as codebook export --to json-schema writes it), which "
            "keeps too little of a codebook to read it back; read the codebook's .toml file"
        )
        raise CodebookError([Problem("", msg)])
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        msg = "expected a Table Schema: an object with a list of fields"
        raise CodebookError([Problem("", msg)])
    problems: list[Problem] = []
    variables = [
        _read_field(field, f"fields[{i}]", problems)
        for i, field in enumerate(raw["fields"])
        if not (isinstance(field, dict) and field.get("name") in ("unit", "coder"))
    ]
    book: dict[str, Any] = {
        "name": name or _text(raw, "name", "", problems) or "codebook",
        "version": _text(raw, "version", "", problems),
        "description": _text(raw, "description", "", problems),
    }
    if not problems:
        try:
            return Codebook(**{**book, "variables": tuple(v for v in variables if v)})
        except CodebookError as exc:
            problems.extend(exc.problems)
    raise CodebookError(problems)


# --------------------------------------------------------------------------------------------
# JSON Schema


def _guide(var: Variable) -> str:
    """What a coder (or a model) needs to choose a code: the question, notes, the codes."""
    lines = [t for t in (var.question, var.notes) if t]
    if var.categories:
        if var.multi_label:
            lines.append("Choose every code that applies.")
        elif var.level is Level.ORDINAL:
            lines.append("The codes are ordered from lowest to highest.")
        for cat in _ordered(var):
            meaning = " ".join(t for t in (cat.label, cat.definition) if t)
            flag = " (only on its own)" if cat.exclusive else ""
            lines.append(f"- {cat.code}{flag}: {meaning}" if meaning else f"- {cat.code}{flag}")
    return "\n".join(lines)


def _property(var: Variable) -> dict[str, Any]:
    prop: dict[str, Any] = {}
    if var.label:
        prop["title"] = var.label
    guide = _guide(var)
    if guide:
        prop["description"] = guide
    if var.categories:
        item = {"type": "string", "enum": list(var.codes)}
        prop |= {"type": "array", "items": item} if var.multi_label else item
    else:
        prop["type"] = "number"
        if var.minimum is not None:
            prop["minimum"] = _number(var.minimum)
        if var.maximum is not None:
            prop["maximum"] = _number(var.maximum)
    return prop


def codebook_to_json_schema(codebook: Codebook) -> str:
    """A JSON Schema (2020-12) of one unit's codes: what language models' structured output takes.

    An object with one required property per variable: an ``enum`` of its codes, an
    ``array`` of them for a multi-label variable, a ``number`` with its range for a
    numeric one; no other properties. Each property's description holds the question, the
    notes and every code with its label and definition, so a model reads the codebook with
    the schema. Only keywords that structured-output modes accept are used (no
    ``uniqueItems``, no extensions), so the schema cannot be read back as a codebook.

    References
    ----------
    JSON Schema, draft 2020-12, https://json-schema.org/draft/2020-12

    Examples
    --------
    >>> import json
    >>> from statecode import read_codebook
    >>> schema = json.loads(codebook_to_json_schema(read_codebook("readouts")))
    >>> schema["type"], schema["additionalProperties"]
    ('object', False)
    """
    schema: dict[str, Any] = {"$schema": _JSON_SCHEMA, "title": codebook.name}
    if codebook.description:
        schema["description"] = codebook.description
    schema |= {
        "type": "object",
        "properties": {v.name: _property(v) for v in codebook},
        "required": list(codebook.names),
        "additionalProperties": False,
    }
    return _dump(schema)


# --------------------------------------------------------------------------------------------
# Label Studio labelling configuration


def xml_safe(codebook: Codebook) -> None:
    """Refuse text that XML 1.0 cannot carry (control characters), naming where it is."""
    problems: list[Problem] = []
    for i, var in enumerate(codebook):
        for key in ("label", "question", "notes", "unit"):
            problems += attribute_problem(f"variables[{i}].{key}", key, getattr(var, key))
        for j, cat in enumerate(var.categories):
            where = f"variables[{i}].categories[{j}]"
            for key in ("code", "label", "definition"):
                problems += attribute_problem(f"{where}.{key}", key, getattr(cat, key))
            for key in ("include", "exclude", "examples"):
                for k, rule in enumerate(getattr(cat, key)):
                    problems += attribute_problem(f"{where}.{key}[{k}]", key, rule)
    for key in ("name", "version", "description"):
        problems += attribute_problem(key, key, getattr(codebook, key))
    if problems:
        raise CodebookError(problems)


def codebook_to_labelstudio(codebook: Codebook, *, spans: bool = False) -> str:
    """A Label Studio labelling configuration that codes with this codebook.

    A ``<Text name="text" value="$text"/>`` shows each task's text (import the statements
    with their text in ``text``). Each categorical variable becomes a ``<Choices>`` tag
    named after it (``choice="multiple"`` when multi-label), or with ``spans=True`` a
    ``<Labels>`` tag for marking spans; each category a ``<Choice>`` (``<Label>``) whose
    ``alias`` is the code, so exports hold codes, shown by its label, with its definition
    as hint. A numeric variable becomes a ``<Number>`` tag with its range. A
    ``<Header>`` before each tag shows the question. Exports of projects set up this way
    read back with :func:`~statecode.read_labelstudio` and this codebook.

    References
    ----------
    Label Studio, "Labeling configuration" and the tags Choices, Labels, Number,
    https://labelstud.io/tags/

    Examples
    --------
    >>> from statecode import read_codebook
    >>> print(codebook_to_labelstudio(read_codebook("readouts")).splitlines()[1])
      <Text name="text" value="$text" />
    """
    xml_safe(codebook)
    view = ET.Element("View")
    ET.SubElement(view, "Text", {"name": "text", "value": "$text"})
    for var in codebook:
        header = var.question or var.label or var.name
        ET.SubElement(view, "Header", {"value": header})
        if not var.categories:
            attrs = {"name": var.name, "toName": "text"}
            if var.minimum is not None:
                attrs["min"] = f"{_number(var.minimum)}"
            if var.maximum is not None:
                attrs["max"] = f"{_number(var.maximum)}"
            ET.SubElement(view, "Number", attrs)
            continue
        tag, item = ("Labels", "Label") if spans else ("Choices", "Choice")
        attrs = {"name": var.name, "toName": "text"}
        if not spans:
            attrs |= {"choice": "multiple" if var.multi_label else "single", "showInline": "true"}
        group = ET.SubElement(view, tag, attrs)
        labels = [c.label for c in var.categories]
        shown = all(labels) and len(set(labels)) == len(labels)
        for cat in _ordered(var):
            choice = {"value": cat.label if shown else cat.code}
            if shown:
                choice["alias"] = cat.code
            if cat.definition:
                choice["hint"] = cat.definition
            ET.SubElement(group, item, choice)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"
