"""Serialization of the model: the only module that imports cattrs.

One configured :class:`cattrs.Converter` (see :func:`make_converter`) turns plain data (parsed
TOML or JSON) into model objects and back. Structuring a codebook collects every problem in the
whole document, each with its path, before raising one :class:`CodebookError`: a user fixes a
codebook in one round, not one error at a time.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn

from statecode.codebook import Category, Codebook, Level, Variable, _duplicate_problems
from statecode.exceptions import CodebookError, Problem

__all__ = ["codebook_from_dict", "codebook_to_dict", "converter", "make_converter"]

T = TypeVar("T")


class _FieldError(ValueError):
    """A value of the wrong type; the message is ready to show to the user."""


def _describe(value: object) -> str:
    kinds = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return f"{value!r} ({kinds.get(type(value), type(value).__name__)})"


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        msg = f"expected a string, got {_describe(value)}; put it in quotes"
        raise _FieldError(msg)
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {_describe(value)}"
        raise _FieldError(msg)
    return value


def _strict_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"expected a number, got {_describe(value)}"
        raise _FieldError(msg)
    return float(value)


def _str_tuple(value: object, _: type) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple):
        msg = f"expected an array of strings, got {_describe(value)}"
        raise _FieldError(msg)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            msg = f"item {i} of the array: expected a string, got {_describe(item)}"
            raise _FieldError(msg)
    return tuple(value)


def _level(value: object, _: type) -> Level:
    if isinstance(value, Level):
        return value
    choices = ", ".join(repr(m.value) for m in Level)
    if isinstance(value, str):
        try:
            return Level(value.lower())
        except ValueError:
            hint = difflib.get_close_matches(value.lower(), [m.value for m in Level], n=1)
            maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
            msg = f"{value!r} is not a level of measurement{maybe}; use one of {choices}"
            raise _FieldError(msg) from None
    msg = f"expected a level ({choices}), got {_describe(value)}"
    raise _FieldError(msg)


def make_converter() -> cattrs.Converter:
    """Build the converter statecode uses for every model object.

    Strings, booleans and numbers are structured strictly (no ``str(3)`` behind the user's
    back), levels are parsed case-insensitively with a suggestion on typos, and unstructuring
    omits fields left at their defaults, so written files stay short.
    """
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook_func(lambda t: t == tuple[str, ...], _str_tuple)
    conv.register_structure_hook(Level, _level)
    conv.register_unstructure_hook(Level, lambda level: level.value)
    for cls in (Category, Variable, Codebook):
        attrs.resolve_types(cls)  # field types are strings under postponed annotations
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
    return conv


#: The converter shared by statecode's readers and writers.
converter = make_converter()


# --------------------------------------------------------------------------------------------
# structuring with every problem collected


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fields(
    raw: object,
    cls: type[T],
    path: str,
    problems: list[Problem],
    *,
    nested: tuple[str, ...] = (),
) -> tuple[dict[str, Any], bool]:
    """Structure the plain fields of ``cls`` from ``raw``; report problems, don't raise.

    Returns the fields that could be structured, and whether all required ones could. Unknown
    keys are reported and skipped, so the rest of the item is still checked.
    """
    if not isinstance(raw, Mapping):
        what = cls.__name__.lower()
        problems.append(
            Problem(path or "(top)", f"expected a table ({what}), got {_describe(raw)}")
        )
        return {}, False
    fields = {f.name: f for f in attrs.fields(cls)}  # type: ignore[arg-type]
    for key in raw:
        if key not in fields:
            hint = difflib.get_close_matches(str(key), list(fields), n=1)
            maybe = f"; did you mean {hint[0]!r}?" if hint else ""
            allowed = ", ".join(fields)
            problems.append(
                Problem(_join(path, str(key)), f"unknown key{maybe} (allowed: {allowed})")
            )
    out: dict[str, Any] = {}
    ok = True
    for name, field in fields.items():
        if name not in raw:
            if field.default is attrs.NOTHING:
                ok = False
                problems.append(Problem(_join(path, name), "missing required key"))
            continue
        if name in nested:
            out[name] = raw[name]
            continue
        try:
            out[name] = converter.structure(raw[name], field.type)
        except _FieldError as exc:
            problems.append(Problem(_join(path, name), str(exc)))
            if field.default is attrs.NOTHING:
                ok = False
    return out, ok


def _array(raw: Mapping[str, Any], key: str, path: str, problems: list[Problem]) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        problems.append(
            Problem(_join(path, key), f"expected an array of tables, got {_describe(value)}")
        )
        return []
    return value


_PLACEHOLDER = "<invalid category>"


def _structure_variable(raw: object, path: str, problems: list[Problem]) -> Variable | None:
    kwargs, ok = _fields(raw, Variable, path, problems, nested=("categories",))
    categories: list[Category] = []
    cats_raw = _array(raw, "categories", path, problems) if isinstance(raw, Mapping) else []
    for j, craw in enumerate(cats_raw):
        ckw, cat_ok = _fields(craw, Category, f"{path}.categories[{j}]", problems)
        if not cat_ok:
            # a placeholder keeps the indices of later categories; what is wrong with it was
            # reported above, and problems that only the placeholder causes are dropped below
            ckw["code"] = f"{_PLACEHOLDER} {j}"
        categories.append(Category(**ckw))
    if not ok:
        return None
    kwargs["categories"] = tuple(categories)
    try:
        return Variable(**kwargs)
    except CodebookError as exc:
        problems.extend(
            Problem(_join(path, p.where), p.message)
            for p in exc.problems
            if _PLACEHOLDER not in p.message
        )
        return None


def codebook_from_dict(raw: object, *, source: str | None = None) -> Codebook:
    """Build a :class:`Codebook` from plain data (parsed TOML or JSON).

    Parameters
    ----------
    raw : mapping
        The parsed document: top-level keys ``name``, ``version``, ``description`` and an
        array ``variables`` of tables, each with an array ``categories``.
    source : str, optional
        File name to put in front of the error message.

    Raises
    ------
    CodebookError
        With every problem found anywhere in the document.
    """
    problems: list[Problem] = []
    kwargs, ok = _fields(raw, Codebook, "", problems, nested=("variables",))
    variables: list[Variable | None] = []
    names: list[str | None] = []
    if isinstance(raw, Mapping):
        for i, vraw in enumerate(_array(raw, "variables", "", problems)):
            variables.append(_structure_variable(vraw, f"variables[{i}]", problems))
            name = vraw.get("name") if isinstance(vraw, Mapping) else None
            names.append(name if isinstance(name, str) else None)
        problems.extend(_duplicate_problems(names, "variables", "name", "variable name"))
    if ok and not problems:
        try:
            return Codebook(**{**kwargs, "variables": tuple(v for v in variables if v)})
        except CodebookError as exc:
            problems.extend(exc.problems)
    raise CodebookError(_in_order(problems), source=source)


def _in_order(problems: list[Problem]) -> list[Problem]:
    # stable: problems were appended in document order except cross-item checks; keep unique
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    """Turn a codebook into plain data (defaults omitted), ready for TOML or JSON."""
    data: dict[str, Any] = converter.unstructure(codebook)
    return data
