"""Type aliases and option enums shared across statecode."""

from __future__ import annotations

import enum
import os
from typing import TypeAlias, TypeVar

#: A coded value: a single code, a number, or a set of codes (multi-label variables).
Value: TypeAlias = str | int | float | frozenset[str]

#: Anything that names a file.
PathLike: TypeAlias = str | os.PathLike[str]

E = TypeVar("E", bound=enum.StrEnum)


class CodebookFormat(enum.StrEnum):
    """Formats ``statecode codebook export`` can write."""

    MARKDOWN = "markdown"
    TOML = "toml"
    TEXT = "text"


class AlphaLevel(enum.StrEnum):
    """Levels (difference functions) Krippendorff's alpha supports."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"
    CIRCULAR = "circular"
    BIPOLAR = "bipolar"


class SetDistance(enum.StrEnum):
    """Distances between sets of codes (multi-label variables)."""

    MASI = "masi"
    JACCARD = "jaccard"


class BootstrapMethod(enum.StrEnum):
    """How bootstrap replicates of alpha are drawn."""

    UNITS = "units"
    KRIPPENDORFF = "krippendorff"


class Weights(enum.StrEnum):
    """Agreement weights of the kappa-type coefficients."""

    IDENTITY = "identity"
    LINEAR = "linear"
    QUADRATIC = "quadratic"
    ORDINAL = "ordinal"
    RATIO = "ratio"


class AgreementMethod(enum.StrEnum):
    """How percent agreement counts."""

    PAIRS = "pairs"
    UNITS = "units"
    FULL = "full"


class FleissVariant(enum.StrEnum):
    """Chance agreement of multi-coder kappa: pooled (Fleiss) or per coder (Conger)."""

    FLEISS = "fleiss"
    CONGER = "conger"


class CoefficientName(enum.StrEnum):
    """Short names of the coefficients, as the CLI and the report take them."""

    ALPHA = "alpha"
    PERCENT = "percent"
    HOLSTI = "holsti"
    COHEN = "cohen"
    SCOTT = "scott"
    FLEISS = "fleiss"
    CONGER = "conger"
    BP = "bp"
    AC1 = "ac1"
    AC2 = "ac2"


class OffsetUnit(enum.StrEnum):
    """What the character offsets of another program count."""

    #: Unicode code points, as the REFI-QDA standard says and Python's ``str`` counts.
    CODE_POINTS = "code-points"
    #: UTF-16 code units, as JavaScript's ``String.length``, Java, Windows and .NET count:
    #: a character outside the Basic Multilingual Plane, such as most emoji, counts 2.
    UTF16 = "utf-16"


class OutputFormat(enum.StrEnum):
    """Formats the CLI prints results in."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def parse_option(enum_type: type[E], value: E | str, option: str) -> E:
    """Convert an option string to its enum member, or fail listing the valid choices.

    Raises
    ------
    ValueError
        If ``value`` is not one of the choices; the message lists them.
    """
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(str(value).lower())
    except ValueError:
        choices = ", ".join(repr(m.value) for m in enum_type)
        msg = f"{option}={value!r} is not valid; use one of {choices}"
        raise ValueError(msg) from None
