"""Serialization of the model: the only module that imports cattrs.

One configured :class:`cattrs.Converter` (see :func:`make_converter`) turns plain data (parsed
TOML or JSON) into model objects and back. :func:`structure_fields` structures the fields of
one object and collects every problem with its path instead of raising, so that
:meth:`Codebook.from_dict <statecode.Codebook.from_dict>` can report a whole document at once:
a user fixes a codebook in one round, not one error at a time.

This module knows attrs classes in general, not the model's classes: the model imports it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn

from statecode.exceptions import Problem
from statecode.options import Level, choices_text, close_hint, find_member

__all__ = [
    "array_field",
    "converter",
    "join_path",
    "make_converter",
    "structure_fields",
    "unstructure",
]

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
    choices = choices_text(Level)
    if isinstance(value, str):
        level = find_member(Level, value)
        if level is not None:
            return level
        maybe = close_hint(Level, value)
        msg = f"{value!r} is not a level of measurement{maybe}; use one of {choices}"
        raise _FieldError(msg)
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

    def omit_defaults(cls: type) -> Any:
        attrs.resolve_types(cls)  # field types are strings under postponed annotations
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)

    conv.register_unstructure_hook_factory(attrs.has, omit_defaults)
    return conv


#: The converter shared by statecode's readers and writers.
converter = make_converter()


# --------------------------------------------------------------------------------------------
# structuring with every problem collected


def join_path(path: str, key: str) -> str:
    """``path.key``, or ``key`` at the top of a document."""
    return f"{path}.{key}" if path else key


def structure_fields(
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
    attrs.resolve_types(cls)  # type: ignore[type-var]  # field types are strings until resolved
    fields = {f.name: f for f in attrs.fields(cls)}  # type: ignore[arg-type]
    for key in raw:
        if key not in fields:
            hint = difflib.get_close_matches(str(key), list(fields), n=1)
            maybe = f"; did you mean {hint[0]!r}?" if hint else ""
            allowed = ", ".join(fields)
            problems.append(
                Problem(join_path(path, str(key)), f"unknown key{maybe} (allowed: {allowed})")
            )
    out: dict[str, Any] = {}
    ok = True
    for name, field in fields.items():
        if name not in raw:
            if field.default is attrs.NOTHING:
                ok = False
                problems.append(Problem(join_path(path, name), "missing required key"))
            continue
        if name in nested:
            out[name] = raw[name]
            continue
        try:
            out[name] = converter.structure(raw[name], field.type)
        except _FieldError as exc:
            problems.append(Problem(join_path(path, name), str(exc)))
            if field.default is attrs.NOTHING:
                ok = False
    return out, ok


def array_field(raw: Mapping[str, Any], key: str, path: str, problems: list[Problem]) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        problems.append(
            Problem(join_path(path, key), f"expected an array of tables, got {_describe(value)}")
        )
        return []
    return value


def unstructure(obj: object) -> dict[str, Any]:
    """Turn a model object into plain data (defaults omitted), ready for TOML or JSON."""
    data: dict[str, Any] = converter.unstructure(obj)
    return data
