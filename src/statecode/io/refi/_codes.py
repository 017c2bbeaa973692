"""Codebook <-> REFI-QDA codes: variables as top-level codes, categories nested under them."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, TypeAlias

import attrs

from statecode._codebook_rules import RESERVED_NAMES
from statecode._serialize import unstructure
from statecode.codebook import Category, Codebook, Variable
from statecode.exceptions import CodebookError, DataError, Problem
from statecode.io.refi._description import (
    CATEGORY,
    CODEBOOK,
    VARIABLE,
    description_text,
    read_description,
)
from statecode.io.refi._xml import (
    attribute_problem,
    child_text,
    children,
    derived_guid,
    first_child,
    normalise_guid,
)

__all__ = [
    "Targets",
    "codebook_from_xml",
    "codebook_set",
    "codes_element",
    "flatten",
    "targets_by_name",
]

_FLAT_VARIABLE = "codes"
# deeper code hierarchies are refused: no real codebook nests this deep, so such a file is
# damaged or hostile (validating the hierarchy itself is linear in the number of codes)
_MAX_DEPTH = 100
_NON_NAME = re.compile(r"[^A-Za-z0-9_]+")


def _preorder(var: Variable) -> list[Category]:
    kids: dict[str | None, list[Category]] = {}
    for cat in var.categories:
        kids.setdefault(cat.parent, []).append(cat)
    out: list[Category] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        cat = stack.pop()
        out.append(cat)
        stack.extend(reversed(kids.get(cat.code, [])))
    return out


def _code_element(guid: str, name: str, *, codable: bool, description: str) -> ET.Element:
    elem = ET.Element("Code", {"guid": guid, "name": name, "isCodable": str(codable).lower()})
    if description:
        ET.SubElement(elem, "Description").text = description
    return elem


def _variable_code(book: str, var: Variable, guids: list[str]) -> ET.Element:
    fields: dict[str, Any] = unstructure(var)
    fields.pop("name")
    fields.pop("categories", None)
    nesting = _preorder(var)
    if nesting != list(var.categories):
        fields["category_order"] = [c.code for c in var.categories]
    guids.append(derived_guid("code", book, var.name))
    elem = _code_element(
        guids[-1], var.name, codable=False, description=description_text(VARIABLE, fields)
    )
    placed: dict[str | None, ET.Element] = {None: elem}
    for cat in nesting:
        cat_fields: dict[str, Any] = unstructure(cat)
        guids.append(derived_guid("code", book, var.name, cat.code))
        child = _code_element(
            guids[-1], cat.code, codable=True, description=description_text(CATEGORY, cat_fields)
        )
        placed[cat.parent].append(child)
        placed[cat.code] = child
    return elem


def codes_element(codebook: Codebook) -> tuple[ET.Element, list[str]]:
    """The ``<Codes>`` of a codebook, and the GUIDs of its codes in document order."""
    problems = attribute_problem("name", "codebook name", codebook.name)
    for i, var in enumerate(codebook.variables):
        for j, cat in enumerate(var.categories):
            where = f"variables[{i}].categories[{j}].code"
            problems += attribute_problem(where, "code", cat.code)
    if problems:
        raise CodebookError(problems)
    codes = ET.Element("Codes")
    guids: list[str] = []
    for var in codebook.variables:
        codes.append(_variable_code(codebook.name, var, guids))
    return codes, guids


def codebook_set(codebook: Codebook, guids: Sequence[str], member: str) -> ET.Element:
    elem = ET.Element(
        "Set", {"guid": derived_guid("codebook", codebook.name), "name": codebook.name}
    )
    fields = {"version": codebook.version, "description": codebook.description}
    description = description_text(CODEBOOK, {k: v for k, v in fields.items() if v})
    if description:
        ET.SubElement(elem, "Description").text = description
    for guid in guids:
        ET.SubElement(elem, "MemberCode", {member: guid})
    return elem


@attrs.frozen
class _Node:
    """A ``<Code>`` in document order: ``parent`` and ``top`` index the flattened list."""

    guid: str
    name: str
    description: str
    parent: int | None
    top: int


def flatten(codes: ET.Element | None, source: str, where: str) -> list[_Node]:
    """The codes in document order; refuse hierarchies deeper than any real codebook's."""
    # iterative, so a hostile file nesting codes a million deep cannot exhaust the stack
    out: list[_Node] = []
    stack: list[tuple[ET.Element, int | None, int]] = [
        (c, None, 1) for c in reversed(children(codes, "Code"))
    ]
    while stack:
        elem, parent, depth = stack.pop()
        if depth > _MAX_DEPTH:
            msg = (
                f"codes nest more than {_MAX_DEPTH} levels deep (at code "
                f"{elem.get('name', '')!r}); no real codebook is this deep, so the file is "
                "damaged or hostile"
            )
            raise DataError([Problem(where, msg)], source=source)
        index = len(out)
        out.append(
            _Node(
                guid=normalise_guid(elem.get("guid", "")),
                name=elem.get("name", ""),
                description=child_text(elem, "Description"),
                parent=parent,
                top=index if parent is None else out[parent].top,
            )
        )
        stack.extend((c, index, depth + 1) for c in reversed(children(elem, "Code")))
    return out


#: Where each code GUID points: (variable, category code), or why a span cannot use it.
Targets: TypeAlias = dict[str, "tuple[str, str] | str"]


def _unique(name: str, taken: set[str], pattern: str) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = pattern.format(name, n)
    taken.add(candidate)
    return candidate


def _variable_name(label: str, taken: set[str]) -> str:
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    name = _NON_NAME.sub("_", ascii_).strip("_") or "variable"
    if name[0].isdigit():
        name = f"v_{name}"
    if name in RESERVED_NAMES:
        name = f"{name}_"
    return _unique(name, taken, "{}_{}")


def _category_code(name: str, taken: set[str]) -> str:
    code = " ".join(name.replace(";", ",").split()) or "unnamed"
    return _unique(code, taken, "{} ({})")


def _statecode_variable(
    flat: list[_Node],
    top: int,
    members: list[int],
    fields: dict[str, Any],
    targets: Targets,
    problems: list[Problem],
) -> dict[str, Any]:
    name = flat[top].name
    categories = []
    for j in members:
        node = flat[j]
        cat, _ = read_description(node.description, CATEGORY, f"code {node.name!r}", problems)
        cat["code"] = node.name
        if node.parent != top and node.parent is not None:
            cat["parent"] = flat[node.parent].name
        categories.append(cat)
        targets[node.guid] = (name, node.name)
    order = fields.pop("category_order", None)
    if order is not None:
        rank = {code: k for k, code in enumerate(order)}
        categories.sort(key=lambda c: rank.get(c["code"], len(rank)))
    return {**fields, "name": name, "categories": categories}


def _foreign_variable(
    flat: list[_Node],
    name: str,
    members: list[int],
    fields: dict[str, Any],
    targets: Targets,
    problems: list[Problem],
) -> dict[str, Any]:
    codes: dict[int, str] = {}
    used: set[str] = set()
    categories = []
    for j in members:
        node = flat[j]
        code = codes[j] = _category_code(node.name, used)
        cat, _ = read_description(node.description, CATEGORY, f"code {node.name!r}", problems)
        cat["code"] = code
        if node.parent in codes:
            cat["parent"] = codes[node.parent]
        if code != node.name:
            cat.setdefault("label", node.name)
        categories.append(cat)
        targets[node.guid] = (name, code)
    return {
        "level": "nominal",
        "multi_label": True,
        **fields,
        "name": name,
        "categories": categories,
    }


def _variables_from_codes(
    flat: list[_Node], targets: Targets, problems: list[Problem]
) -> list[dict[str, Any]]:
    tops = [i for i, node in enumerate(flat) if node.parent is None]
    below: dict[int, list[int]] = {}
    for i, node in enumerate(flat):
        if node.parent is not None:
            below.setdefault(node.top, []).append(i)
    parsed = {
        i: read_description(flat[i].description, VARIABLE, f"code {flat[i].name!r}", problems)
        for i in tops
    }
    taken = {flat[i].name for i in tops if parsed[i][1]}
    variables, loose = [], []
    for i in tops:
        fields, ours = parsed[i]
        if ours:
            var = _statecode_variable(flat, i, below.get(i, []), fields, targets, problems)
        elif i in below:
            name = _variable_name(flat[i].name, taken)
            if name != flat[i].name:
                fields.setdefault("label", flat[i].name)
            var = _foreign_variable(flat, name, below[i], fields, targets, problems)
        else:
            loose.append(i)
            continue
        variables.append(var)
        targets[flat[i].guid] = (
            f"code {flat[i].name!r} stands for variable {var['name']!r} (it has sub-codes), "
            "not for a category; code the selection with one of its sub-codes, or pass a "
            "codebook= in which it is a category"
        )
    if loose:
        name = _variable_name(_FLAT_VARIABLE, taken)
        variables.append(_foreign_variable(flat, name, loose, {}, targets, problems))
    return variables


def _codebook_meta(parent: ET.Element, problems: list[Problem]) -> dict[str, Any] | None:
    """Name, version and description from statecode's code set, if the file has one."""
    for elem in children(first_child(parent, "Sets"), "Set"):
        name = elem.get("name", "")
        if name and normalise_guid(elem.get("guid", "")) == derived_guid("codebook", name):
            text = child_text(elem, "Description")
            fields, _ = read_description(text, CODEBOOK, f"set {name!r}", problems)
            return {**fields, "name": name}
    return None


def codebook_from_xml(
    parent: ET.Element, flat: list[_Node], fallback_name: str, source: str
) -> tuple[Codebook, Targets]:
    problems: list[Problem] = []
    meta = _codebook_meta(parent, problems) or {"name": fallback_name}
    targets: Targets = {}
    variables = _variables_from_codes(flat, targets, problems)
    if problems:
        raise CodebookError(problems, source=source)
    return Codebook.from_dict({**meta, "variables": variables}, source=source), targets


def targets_by_name(flat: list[_Node], codebook: Codebook) -> Targets:
    owners: dict[str, list[str]] = {}
    for var in codebook:
        for code in var.codes:
            owners.setdefault(code, []).append(var.name)
    targets: Targets = {}
    for node in flat:
        top = flat[node.top].name
        found = owners.get(node.name, [])
        if node.parent is not None and top in found:
            targets[node.guid] = (top, node.name)
        elif len(found) == 1:
            targets[node.guid] = (found[0], node.name)
        elif found:
            targets[node.guid] = (
                f"code {node.name!r} is a category of several variables ({', '.join(found)}); "
                "nest it under the code named after its variable"
            )
        else:
            targets[node.guid] = (
                f"code {node.name!r} is not a category of codebook {codebook.name!r}; add it "
                "to the codebook or rename the code"
            )
    return targets
