"""XML of REFI-QDA files: parsed safely, written deterministically, GUIDs derived from names.

XML is parsed with defusedxml and any document type declaration is refused, so no entity
expansion and no external entities.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import cast

from defusedxml import DefusedXmlException  # type: ignore[import-untyped,unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped,unused-ignore]
    fromstring as _defused_fromstring,
)

from statecode._text import quoted_detail
from statecode.exceptions import DataError, Problem

__all__ = [
    "CODEBOOK_NS",
    "ORIGIN",
    "PROJECT_NS",
    "XML_UNSAFE",
    "attribute_problem",
    "child_text",
    "children",
    "derived_guid",
    "expect_root",
    "first_child",
    "local",
    "normalise_guid",
    "parse_xml",
    "unsafe_char",
    "xml_text",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "statecode"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "statecode:refi-qda")

# what XML 1.0 can carry (https://www.w3.org/TR/xml/#charsets); anything else is escaped
XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, json.dumps(parts)))


def normalise_guid(value: str) -> str:
    # real exports write GUIDs in upper or lower case, with or without braces
    return value.strip().strip("{}").lower()


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def children(elem: ET.Element | None, name: str) -> list[ET.Element]:
    if elem is None:
        return []
    return [c for c in elem if isinstance(c.tag, str) and local(c.tag) == name]


def first_child(elem: ET.Element | None, name: str) -> ET.Element | None:
    found = children(elem, name)
    return found[0] if found else None


def child_text(elem: ET.Element | None, name: str) -> str:
    child = first_child(elem, name)
    return (child.text or "") if child is not None else ""


def xml_text(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes a carriage return in text as it is, and XML readers turn it into a
    # line feed; as a character reference it survives (attributes are escaped already)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body.replace("\r", "&#13;") + "\n"


def parse_xml(
    data: bytes,
    source: str,
    where: str,
    *,
    kind: str = "REFI-QDA",
    program: str = "the QDA program",
) -> ET.Element:
    """Parse XML safely; ``kind`` names the format and ``program`` who writes it, for messages."""
    try:
        root = _defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        msg = (
            "refused: the XML has a document type declaration (<!DOCTYPE ...>), whose "
            f"entities can expand without limit or read other files; {kind} files have "
            f"none, so re-export the file from {program}"
        )
        raise DataError([Problem(where, msg)], source=source) from None
    except ET.ParseError as exc:
        msg = f"not well-formed XML ({exc}); re-export the file from {program}"
        raise DataError([Problem(where, msg)], source=source) from None
    except (LookupError, ValueError) as exc:
        # an encoding declaration Python does not know (encoding="utf-1"), or bytes the
        # declared encoding cannot decode
        detail = quoted_detail(exc, limit=120)
        msg = (
            f"the XML cannot be decoded ({detail}); save it as UTF-8, or re-export the file "
            f"from {program}"
        )
        raise DataError([Problem(where, msg)], source=source) from None
    except RecursionError:
        msg = "the XML nests too deep to read (damaged or hostile); re-export the file"
        raise DataError([Problem(where, msg)], source=source) from None
    return cast("ET.Element", root)


def expect_root(root: ET.Element, name: str, source: str, where: str) -> None:
    if local(root.tag) != name:
        msg = (
            f"the root element is <{local(root.tag)}>, not <{name}>; this is not a "
            f"REFI-QDA {'codebook' if name == 'CodeBook' else 'project'}"
        )
        raise DataError([Problem(where, msg)], source=source)


def unsafe_char(text: str) -> str | None:
    found = XML_UNSAFE.search(text)
    return f"{found[0]!r} (U+{ord(found[0]):04X})" if found else None


def attribute_problem(where: str, what: str, value: str) -> list[Problem]:
    bad = unsafe_char(value)
    if bad is None:
        return []
    msg = f"{what} {value!r} holds {bad}, which XML 1.0 cannot carry; rename it"
    return [Problem(where, msg)]
