"""Public names of a package loaded on first use (PEP 562), so importing it stays cheap.

A package lists where each of its names lives; its module ``__getattr__`` imports that module
the first time the name is asked for and keeps the value in the package's namespace, so later
look-ups are plain attribute reads; a submodule is imported when it is asked for. Type
checkers read the same names from imports under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``.

    Parameters
    ----------
    package : str
        The package's name (its ``__name__``); it must be being imported.
    where : mapping of str to str
        Each public name and the module that defines it, as ``"module"`` or, for a name the
        package gives another one, ``"module:attribute"``.

    Examples
    --------
    In a package's ``__init__.py``::

        __getattr__, __dir__ = lazy_names(__name__, {"read_codings": "statecode.io._codings"})
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module hook's name)
        found = where.get(name)
        if found is None:
            # a submodule (``statecode.io.refi``) is imported when it is asked for, as it
            # was when the package imported every module at once
            if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}"):
                return importlib.import_module(f"{package}.{name}")
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        module, _, attribute = found.partition(":")
        value = getattr(importlib.import_module(module), attribute or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
