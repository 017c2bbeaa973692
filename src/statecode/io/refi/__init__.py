"""REFI-QDA (QDA-XML 1.0): codebooks (``.qdc``) and projects (``.qdpx``).

REFI-QDA is the exchange standard of ATLAS.ti, MAXQDA, NVivo, QualCoder and Quirkos. A
``.qdc`` file is a codebook (XML, namespace ``urn:QDA-XML:codebook:1.0``); a ``.qdpx`` file
is a zip archive holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and the
source texts under ``sources/``.

How a statecode codebook maps to REFI-QDA codes
-----------------------------------------------
- Each variable is a top-level ``<Code isCodable="false">`` named after the variable. Each
  category is a ``<Code isCodable="true">`` named after its code, nested under its variable,
  or under its parent category when it has one (``Category.parent``).
- GUIDs are UUID 5 of the codebook name and the code's path (variable, then code), so the
  same codebook always gets the same GUIDs, and writing it twice gives the same bytes.
- Every other field travels in the code's ``<Description>``: first one field as free text (a
  variable's ``notes``, a category's ``definition``), then, after a line ``[statecode]``, one
  line per field set, such as ``Level: ordinal``, ``Label: ...``, ``Include: ...``,
  ``Exclude: ...``, ``Example: ...``, ``Multi-label: yes``, ``Order: ["neg", "neu", "pos"]``.
  A value that would not survive as plain text (line breaks, leading or trailing spaces,
  characters XML 1.0 cannot carry) is written as a JSON string; lists of codes always are.
  ``Category order`` lists the codes when their order differs from the nesting.
- The codebook's name, version and description have no place in Codebook.xsd's codes. They
  travel in a ``<Set>`` (a code group: ATLAS.ti shows it as one) named after the codebook,
  whose GUID is derived from that name, with the description as free text and the version as
  ``Version: ...``; the set lists every code. A file without that set (made by another program)
  gives a codebook named after the file stem (``.qdc``) or the project (``.qdpx``).

So ``read_qdc(write_qdc(cb))`` equals ``cb``: every field survives.

Codes made by another program (no ``[statecode]`` block in a top-level code's description)
become nominal, multi-label variables: a top-level code with sub-codes becomes a variable
named after it (reduced to letters, digits and ``_``; the original name becomes the label)
whose categories are all its descendants, the hierarchy kept in ``parent``; top-level codes
without sub-codes become the categories of one variable named ``codes``. Category codes are
the code names with runs of white space collapsed and ``;`` replaced by ``,`` (statecode uses
``;`` to join codes); a name used twice in one variable gets `` (2)``, `` (3)``. Descriptions
become the variable's notes and the categories' definitions. Colours and other code sets are
not read.

How a corpus and span codings map to a project
----------------------------------------------
- Each :class:`~statecode.Document` is a ``<TextSource>`` named after the document id, its
  text stored as ``sources/<guid>.txt`` (UTF-8, line endings as they are, no BOM unless the
  text begins with U+FEFF) and its title, source, event, date and language in the
  description block. Statements have no
  place in REFI-QDA and are not written.
- Each span is a ``<PlainTextSelection>`` with one ``<Coding>``; spans of one coder over the
  same stretch share a selection. Selection and coding name the coder as ``creatingUser``
  (QualCoder takes the coder from the selection, ATLAS.ti from the coding).
- Coders are ``<User>`` elements named after the coder id.

Offsets are code points (Python string indices) into the text as stored, carriage returns
included, so a CRLF counts two. Programs that count UTF-16 code units (the native string
unit of Windows and .NET programs) give other numbers after any character outside the Basic
Multilingual Plane (most emoji); read such files with ``offsets="utf-16"``, or convert single
offsets with :func:`~statecode.utf16_to_codepoints`.

Safety: XML is parsed with defusedxml and any document type declaration is refused (so no
entity expansion and no external entities); archive members with absolute paths or ``..`` are
refused; members are read in memory, never extracted, in chunks, and reading stops once the
archive unpacks beyond ``max_bytes`` or a member grows past 100 times its compressed size
(and past 1 MiB); code hierarchies deeper than 100 levels are refused. Text files named by
``relative://`` or ``absolute://`` paths are never opened.
"""

from statecode.io._archive import DEFAULT_MAX_BYTES
from statecode.io.refi._qdc import read_qdc, write_qdc
from statecode.io.refi._qdpx_read import QdpxProject, read_qdpx
from statecode.io.refi._qdpx_write import write_qdpx

__all__ = ["DEFAULT_MAX_BYTES", "QdpxProject", "read_qdc", "read_qdpx", "write_qdc", "write_qdpx"]
