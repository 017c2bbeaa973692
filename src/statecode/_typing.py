"""Type aliases shared across statecode (option enums live in :mod:`statecode.options`)."""

from __future__ import annotations

import os
from typing import TypeAlias

__all__ = ["PathLike", "Value"]

#: A coded value: a single code, a number, or a set of codes (multi-label variables).
Value: TypeAlias = str | int | float | frozenset[str]

#: Anything that names a file.
PathLike: TypeAlias = str | os.PathLike[str]
