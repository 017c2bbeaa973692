"""Type aliases and option enums shared across statecode."""

from __future__ import annotations

import enum
import os
from typing import TypeAlias

#: A coded value: a single code, a number, or a set of codes (multi-label variables).
Value: TypeAlias = str | int | float | frozenset[str]

#: Anything that names a file.
PathLike: TypeAlias = str | os.PathLike[str]


class CodebookFormat(enum.StrEnum):
    """Formats ``statecode codebook export`` can write."""

    MARKDOWN = "markdown"
    TOML = "toml"
    TEXT = "text"
