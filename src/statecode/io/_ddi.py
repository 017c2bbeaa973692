"""DDI Codebook 2.5: a codebook as the data documentation archives and survey tools read it."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

from statecode.codebook import Category, Codebook, Variable
from statecode.exceptions import CodebookError, DataError, Problem
from statecode.io._codebook_formats import SEPARATOR, xml_safe
from statecode.io.refi._xml import local, parse_xml
from statecode.options import Level

__all__ = ["DDI_NS", "codebook_from_ddi", "codebook_to_ddi"]

#: The namespace of DDI Codebook 2.5.
DDI_NS = "ddi:codebook:2_5"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_LOCATION = (
    "ddi:codebook:2_5 https://ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"
)
# the note that marks a multi-label variable (DDI has no such variable, only groups of them)
_MULTI = "statecode:multi-label"
# the note that holds the categories' include, exclude and example rules
_RULES = "statecode:rules"
_NATURES = {level.value for level in Level}


def _q(name: str) -> str:
    return f"{{{DDI_NS}}}{name}"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrib: str) -> ET.Element:
    elem = ET.SubElement(parent, _q(tag), attrib)
    if text:
        elem.text = text
    return elem


def _number(value: float) -> str:
    return f"{int(value)}" if value.is_integer() else repr(value)


def _rules(cat: Category) -> list[str]:
    lines = [f"{cat.code}: include {rule}" for rule in cat.include]
    lines += [f"{cat.code}: exclude {rule}" for rule in cat.exclude]
    lines += [f"{cat.code}: example {example}" for example in cat.examples]
    return lines


def _var(parent: ET.Element, var: Variable, index: int) -> None:
    # the child elements in the order the schema's sequence for <var> prescribes
    elem = _sub(parent, "var", name=var.name, ID=f"V{index}", nature=var.level.value)
    elem.set("intrvl", "discrete" if var.categories else "contin")
    if var.label:
        _sub(elem, "labl", var.label)
    if var.unit:
        _sub(elem, "anlysUnit", var.unit)
    if var.question:
        qstn = _sub(elem, "qstn")
        _sub(qstn, "qstnLit", var.question)
    if not var.categories and (var.minimum is not None or var.maximum is not None):
        bounds = {
            key: _number(value)
            for key, value in (("min", var.minimum), ("max", var.maximum))
            if value is not None
        }
        _sub(_sub(elem, "valrng"), "range", **bounds)
    by_code = {c.code: c for c in var.categories}
    for code in var.codes:
        cat = by_code[code]
        catgry = _sub(elem, "catgry")
        _sub(catgry, "catValu", cat.code)
        if cat.label:
            _sub(catgry, "labl", cat.label)
        if cat.definition:
            _sub(catgry, "txt", cat.definition)
    if var.notes:
        _sub(elem, "codInstr", var.notes)
    _sub(elem, "varFormat", type="character" if var.categories else "numeric")
    rules = [line for cat in var.categories for line in _rules(cat)]
    if rules:
        _sub(elem, "notes", "\n".join(rules), type=_RULES)
    if var.multi_label:
        note = f"Several codes may apply; a cell holds them joined by {SEPARATOR!r}."
        _sub(elem, "notes", note, type=_MULTI)


def codebook_to_ddi(codebook: Codebook) -> str:
    """A DDI Codebook 2.5 document (``codeBook``) describing the codebook's variables.

    The codebook's name is the study title (``stdyDscr/citation/titlStmt/titl``), its
    version the ``verStmt``, its description the ``abstract``. Each variable is a ``var``:
    ``nature`` is its level, ``labl`` its label, ``anlysUnit`` its unit of coding,
    ``qstn/qstnLit`` its question, ``valrng`` a numeric range, one ``catgry`` per code
    (``catValu``, ``labl``, the definition as ``txt``; in the declared order for ordinal
    variables), ``codInstr`` its notes (the coding instructions); ``notes`` of type
    ``statecode:rules`` list the categories' include, exclude and example rules, and
    ``notes type="statecode:multi-label"`` marks a multi-label variable.

    Returns
    -------
    str
        The XML document.

    Raises
    ------
    CodebookError
        If some text holds characters XML 1.0 cannot carry (control characters).

    References
    ----------
    DDI Alliance, "DDI Codebook 2.5", https://ddialliance.org/Specification/DDI-Codebook/2.5/

    Examples
    --------
    >>> from statecode import read_codebook
    >>> ddi = codebook_to_ddi(read_codebook("readouts"))
    >>> codebook_from_ddi(ddi) == codebook_from_ddi(ddi)
    True
    """
    xml_safe(codebook)
    ET.register_namespace("", DDI_NS)
    ET.register_namespace("xsi", _XSI)
    root = ET.Element(_q("codeBook"), {"version": "2.5", f"{{{_XSI}}}schemaLocation": _LOCATION})
    study = _sub(root, "stdyDscr")
    citation = _sub(study, "citation")
    _sub(_sub(citation, "titlStmt"), "titl", codebook.name)
    if codebook.version:
        _sub(_sub(citation, "verStmt"), "version", codebook.version)
    if codebook.description:
        _sub(_sub(study, "stdyInfo"), "abstract", codebook.description)
    data = _sub(root, "dataDscr")
    for index, var in enumerate(codebook, start=1):
        _var(data, var, index)
    ET.indent(root)
    # a carriage return in text would reach a reader as a line feed; as a reference it stays
    body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _children(elem: ET.Element | None, name: str) -> list[ET.Element]:
    if elem is None:
        return []
    return [c for c in elem if isinstance(c.tag, str) and local(c.tag) == name]


def _text(elem: ET.Element | None, *path: str) -> str:
    for name in path:
        found = _children(elem, name)
        elem = found[0] if found else None
    return (elem.text or "") if elem is not None else ""


def _read_var(elem: ET.Element, where: str, problems: list[Problem]) -> Variable | None:
    nature = elem.get("nature", "")
    categories = tuple(
        Category(_text(c, "catValu"), label=_text(c, "labl"), definition=_text(c, "txt"))
        for c in _children(elem, "catgry")
    )
    level = nature if nature in _NATURES else ("nominal" if categories else "interval")
    fields: dict[str, Any] = {
        "name": elem.get("name", ""),
        "level": level,
        "label": _text(elem, "labl"),
        "question": _text(elem, "qstn", "qstnLit"),
        "unit": _text(elem, "anlysUnit") or "statement",
        "categories": categories,
        "multi_label": any(n.get("type") == _MULTI for n in _children(elem, "notes")),
    }
    fields["notes"] = _text(elem, "codInstr")
    if level == "ordinal" and categories:
        fields["order"] = tuple(c.code for c in categories)
    ranges = _children(_children(elem, "valrng")[0], "range") if _children(elem, "valrng") else []
    if ranges:
        fields["minimum"] = _bound(ranges[0].get("min"), f"{where}.valrng.min", problems)
        fields["maximum"] = _bound(ranges[0].get("max"), f"{where}.valrng.max", problems)
    try:
        return Variable(**fields)
    except CodebookError as exc:
        problems.extend(Problem(f"{where}.{p.where}", p.message) for p in exc.problems)
        return None


def _bound(raw: str | None, where: str, problems: list[Problem]) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(where, f"{raw!r} is not a number"))
        return None
    return value


def codebook_from_ddi(text: str | bytes, *, source: str | None = None) -> Codebook:
    """Read a codebook from a DDI Codebook 2.5 document (as :func:`codebook_to_ddi` writes it).

    Each ``var`` of ``dataDscr`` becomes a variable (``nature`` gives the level; without it
    a variable with categories is nominal, one without is interval), each ``catgry`` a
    category, ``codInstr`` the notes. The categories' rules (``notes`` of type
    ``statecode:rules``) are not read back.

    Raises
    ------
    CodebookError
        If the XML is not well-formed (a document type declaration is refused), not a DDI
        ``codeBook``, or gives no valid codebook (every problem with its path).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        root = parse_xml(data, source or "", "", kind="DDI", program="the program that wrote it")
    except DataError as exc:
        raise CodebookError(exc.problems, source=source) from None
    if local(root.tag) != "codeBook":
        msg = f"the root element is <{local(root.tag)}>, not <codeBook>; this is not DDI Codebook"
        raise CodebookError([Problem("", msg)], source=source)
    problems: list[Problem] = []
    study = _children(root, "stdyDscr")
    citation = _children(study[0], "citation") if study else []
    head = citation[0] if citation else None
    variables = [
        _read_var(elem, f"dataDscr.var[{i}]", problems)
        for data_dscr in _children(root, "dataDscr")
        for i, elem in enumerate(_children(data_dscr, "var"))
    ]
    if not problems:
        try:
            book: dict[str, Any] = {
                "name": _text(head, "titlStmt", "titl") or "codebook",
                "version": _text(head, "verStmt", "version"),
                "description": _text(study[0] if study else None, "stdyInfo", "abstract"),
            }
            return Codebook(**{**book, "variables": tuple(v for v in variables if v)})
        except CodebookError as exc:
            problems.extend(exc.problems)
    raise CodebookError(problems, source=source)
