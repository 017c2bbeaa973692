"""Every option statecode takes as a word, and the one parser that checks them.

Options are :class:`enum.StrEnum` members. Functions accept the member or its string value
(``level="ordinal"``) and convert it at the boundary with :func:`parse_option`, so a typo
fails at once with the valid choices (and the closest one), never by a silent fall-through.
The command line offers the same members as its choices.
"""

from __future__ import annotations

import difflib
import enum
from typing import TypeVar

from statecode.exceptions import OptionError

__all__ = [
    "Adjustment",
    "AgreementMethod",
    "AlphaLevel",
    "BootstrapMethod",
    "CodebookFormat",
    "CoderFrom",
    "CoefficientName",
    "CompareTable",
    "ConsensusRule",
    "Curation",
    "Discontinuous",
    "Engine",
    "ExportFormat",
    "FleissVariant",
    "ImportFormat",
    "Level",
    "Normalization",
    "OffsetUnit",
    "OutputFormat",
    "OverlapRule",
    "ReportFormat",
    "SegmentUnit",
    "SetDistance",
    "SpanRule",
    "TieHandling",
    "UnitFrom",
    "UnitizingVariant",
    "Unmatched",
    "Weights",
    "choices_text",
    "close_hint",
    "find_member",
    "parse_option",
]

E = TypeVar("E", bound=enum.StrEnum)


# --------------------------------------------------------------------------------------------
# the model


class Level(enum.StrEnum):
    """Level of measurement of a variable (Stevens 1946; Krippendorff 2019, ch. 12).

    The level decides which difference function reliability coefficients use: nominal codes
    are equal or not, ordinal codes have an order, interval values have meaningful
    differences, ratio values a meaningful zero.
    """

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


class OffsetUnit(enum.StrEnum):
    """What the character offsets of another program count."""

    #: Unicode code points, as the REFI-QDA standard says and Python's ``str`` counts.
    CODE_POINTS = "code-points"
    #: UTF-16 code units, as JavaScript's ``String.length``, Java, Windows and .NET count:
    #: a character outside the Basic Multilingual Plane, such as most emoji, counts 2.
    UTF16 = "utf-16"


class SegmentUnit(enum.StrEnum):
    """The units :func:`~statecode.segment` cuts a document into."""

    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"


class SpanRule(enum.StrEnum):
    """When a span codes a statement (see :func:`~statecode.spans_to_codings`)."""

    OVERLAP = "overlap"
    ANY = "any"
    CONTAINS = "contains"


# --------------------------------------------------------------------------------------------
# reading files


class Normalization(enum.StrEnum):
    """How values that differ only in form are made one (``normalize=``).

    Each removes the white space around every code first (a cell of only white space becomes
    missing); without ``normalize=`` values are read exactly as written.
    """

    #: White space around each code removed: ``" oppose"`` and ``"oppose"`` are one value.
    STRIP = "strip"
    #: Stripped, then Unicode canonical composition (NFC): ``café`` typed as one or two
    #: code points.
    NFC = "nfc"
    #: Stripped, NFC, then case folding: ``Oppose`` and ``oppose`` are one value.
    CASEFOLD = "casefold"


class CoderFrom(enum.StrEnum):
    """Where :func:`~statecode.read_doccano` finds each line's coder."""

    #: The file name without its extension (doccano names each user's file after the user).
    FILENAME = "filename"
    #: The line's ``coder`` key.
    KEY = "key"


class Curation(enum.StrEnum):
    """Whether :func:`~statecode.read_webanno` reads a project's curated annotations."""

    #: The annotators' annotations only.
    EXCLUDE = "exclude"
    #: The annotators' and the curated ones (as the coder ``CURATION_USER``).
    INCLUDE = "include"
    #: The curated annotations only.
    ONLY = "only"


class Discontinuous(enum.StrEnum):
    """What :func:`~statecode.read_brat` does with a discontinuous span (``0 5;9 14``)."""

    #: Refuse it: one span cannot have gaps.
    ERROR = "error"
    #: One span per fragment, each with the annotation's code.
    SPLIT = "split"


class UnitFrom(enum.StrEnum):
    """Where :func:`~statecode.read_doccano` finds each example's unit id."""

    #: The example's ``id`` key (doccano's exports write it).
    ID = "id"
    #: The example's position in its file (1 for the first), for files without ids.
    ORDER = "order"


class Unmatched(enum.StrEnum):
    """What :func:`~statecode.read_corpus` does with files and rows that do not match."""

    ERROR = "error"
    WARN = "warn"


# --------------------------------------------------------------------------------------------
# reliability


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
    POISSON = "poisson"


class Engine(enum.StrEnum):
    """Where ``statecode alpha`` computes: in memory, streamed by polars, or on Dask."""

    AUTO = "auto"
    MEMORY = "memory"
    STREAMING = "streaming"
    DASK = "dask"


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


class UnitizingVariant(enum.StrEnum):
    """Which coefficient of the unitizing family :func:`~statecode.unitizing_alpha` computes.

    ``cu`` and ``Cu`` differ only in letter case, so this option is matched exactly first.
    """

    U = "u"
    CU = "cu"
    CU_VARIABLES = "Cu"
    U2004 = "u2004"


class OverlapRule(enum.StrEnum):
    """What :func:`~statecode.unitizing_alpha` does with overlapping spans of one coder."""

    ERROR = "error"
    MERGE = "merge"


# --------------------------------------------------------------------------------------------
# consensus and comparison


class ConsensusRule(enum.StrEnum):
    """How the consensus value of a unit is chosen from the coders' values."""

    MAJORITY = "majority"
    UNANIMOUS = "unanimous"
    CODER = "coder"


class TieHandling(enum.StrEnum):
    """What :func:`~statecode.consensus` does with a unit its rule cannot decide."""

    FLAG = "flag"
    ERROR = "error"


class Adjustment(enum.StrEnum):
    """Adjustment of the emphasis p-values for multiple comparisons."""

    NONE = "none"
    HOLM = "holm"


# --------------------------------------------------------------------------------------------
# output


class CodebookFormat(enum.StrEnum):
    """Formats ``statecode codebook export`` can write."""

    MARKDOWN = "markdown"
    TOML = "toml"
    TEXT = "text"
    #: A Frictionless Table Schema of a wide coding table.
    FRICTIONLESS = "frictionless"
    #: DDI Codebook 2.5.
    DDI = "ddi"
    #: A JSON Schema of one unit's codes (structured output of language models).
    JSON_SCHEMA = "json-schema"
    #: A Label Studio labelling configuration.
    LABELSTUDIO = "labelstudio"


class OutputFormat(enum.StrEnum):
    """Formats the CLI prints results in."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class ReportFormat(enum.StrEnum):
    """Formats of ``statecode report`` and ``statecode compare``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"


class CompareTable(enum.StrEnum):
    """Tables ``statecode compare`` prints."""

    ALL = "all"
    SIMILARITY = "similarity"
    DIVERGENCE = "divergence"
    EMPHASIS = "emphasis"
    PRESENCE = "presence"
    STATEMENTS = "statements"


class ImportFormat(enum.StrEnum):
    """Formats ``statecode import`` reads."""

    QDPX = "qdpx"
    LABELSTUDIO = "labelstudio"
    DOCCANO = "doccano"
    TABLE = "table"
    #: INCEpTION and WebAnno: WebAnno TSV 3 files and project exports.
    WEBANNO = "webanno"
    #: UIMA CAS XMI (INCEpTION, DKPro Core).
    XMI = "xmi"
    BRAT = "brat"
    #: Discourse Network Analyzer databases.
    DNA = "dna"
    QUALCODER = "qualcoder"


class ExportFormat(enum.StrEnum):
    """Formats ``statecode export`` writes."""

    QDC = "qdc"
    QDPX = "qdpx"
    TABLE = "table"


# --------------------------------------------------------------------------------------------
# the parser


def choices_text(enum_type: type[enum.StrEnum]) -> str:
    """The valid values of an option, quoted and comma-separated, for messages.

    Examples
    --------
    >>> choices_text(SetDistance)
    "'masi', 'jaccard'"
    """
    return ", ".join(repr(m.value) for m in enum_type)


def find_member(enum_type: type[E], value: object) -> E | None:
    """The member ``value`` names, or None: exactly first, then ignoring letter case.

    Matching case-insensitively only when that is unambiguous keeps ``'cu'`` and ``'Cu'``
    apart (:class:`UnitizingVariant`) while ``'Ordinal'`` still finds ``ordinal``.
    """
    if isinstance(value, enum_type):
        return value
    text = str(value)
    for member in enum_type:
        if member.value == text:
            return member
    folded = [m for m in enum_type if m.value.lower() == text.lower()]
    return folded[0] if len(folded) == 1 else None


def close_hint(enum_type: type[enum.StrEnum], value: object) -> str:
    """`` (did you mean 'x'?)`` for the closest valid value, or an empty string."""
    names = [m.value for m in enum_type]
    hint = difflib.get_close_matches(str(value).lower(), [n.lower() for n in names], n=1)
    if not hint:
        return ""
    match = next(n for n in names if n.lower() == hint[0])
    return f" (did you mean {match!r}?)"


def parse_option(enum_type: type[E], value: E | str, option: str) -> E:
    """Convert an option string to its enum member, or fail listing the valid choices.

    Parameters
    ----------
    enum_type : StrEnum subclass
        The option's choices.
    value : member or str
        What the caller gave.
    option : str
        The keyword it was given as, for the message (``"level"``).

    Raises
    ------
    OptionError
        If ``value`` is not one of the choices; the message names the keyword and every
        valid choice.

    Examples
    --------
    >>> parse_option(AlphaLevel, "Ordinal", "level")
    <AlphaLevel.ORDINAL: 'ordinal'>
    >>> parse_option(SetDistance, "cosine", "distance")
    Traceback (most recent call last):
    ...
    statecode.exceptions.OptionError: distance='cosine' is not valid; use one of 'masi', 'jaccard'
    """
    member = find_member(enum_type, value)
    if member is not None:
        return member
    note = _NOTES.get(enum_type, "")
    msg = f"{option}={value!r} is not valid; use one of {choices_text(enum_type)}{note}"
    raise OptionError(msg, option=option)


# what a message about an option adds after its choices
_NOTES: dict[type[enum.StrEnum], str] = {
    UnitizingVariant: " (case matters: 'cu' and 'Cu')",
}
