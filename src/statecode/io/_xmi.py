"""UIMA CAS XMI (INCEpTION, DKPro Core, cTAKES): the text and the annotations of one layer."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from statecode._typing import PathLike
from statecode.codebook import Codebook
from statecode.exceptions import DataError, InputFileError, Problem
from statecode.io._annotations import frozen_rosters, rosters
from statecode.io._layers import (
    Annotation,
    add_spans,
    choose_feature,
    choose_layer,
    loose_names,
    make_choice,
)
from statecode.io._span_build import SpanBuilder
from statecode.io.refi._xml import local, parse_xml
from statecode.model import Corpus, Document, Span
from statecode.options import OffsetUnit

__all__ = ["XmiImport", "read_xmi"]

_XMI_NS = "http://www.omg.org/XMI"
_ID = f"{{{_XMI_NS}}}id"
_INITIAL_VIEW = "_InitialView"
# attributes every annotation has, which are not features
_STRUCTURE = {"sofa", "begin", "end", _ID}


@attrs.frozen
class XmiImport:
    """What :func:`read_xmi` read: spans of one layer, the texts, who annotated what.

    Attributes
    ----------
    spans : tuple of Span
        One span per annotation of the chosen type, by file, in text order.
    corpus : Corpus
        One document per file: the text of its initial view (``sofaString``).
    layer : str
        The full name of the type read (``de.tudarmstadt.ukp.dkpro.core.api.ner.type
        .NamedEntity``).
    feature : str or None
        The feature whose values are the codes (None: codes come from ``unlabelled``).
    sources : tuple of str
        The files read, in order.
    unitizers : mapping of str to tuple of str
        For every document, the coders whose files were read.
    """

    spans: tuple[Span, ...]
    corpus: Corpus
    layer: str
    feature: str | None
    sources: tuple[str, ...]
    unitizers: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=frozen_rosters)


def type_name(tag: str) -> str:
    """The UIMA type name of an XMI element: namespace ``http:///a/b.ecore`` + ``T`` is ``a.b.T``.

    Examples
    --------
    >>> type_name("{http:///de/tudarmstadt/ukp/dkpro/core/api/ner/type.ecore}NamedEntity")
    'de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity'
    """
    namespace, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    package = namespace.removeprefix("http:///").removesuffix(".ecore").strip("/")
    return f"{package.replace('/', '.')}.{name}" if package else name


@attrs.frozen
class _Cas:
    text: str
    # type name -> the elements of that type with offsets into the text
    layers: Mapping[str, tuple[ET.Element, ...]]


def _read_cas(data: bytes, source: str, where: str, problems: list[Problem]) -> _Cas | None:
    root = parse_xml(data, source, where, kind="UIMA XMI", program="the annotation tool")
    if local(root.tag) != "XMI":
        msg = (
            f"the root element is <{local(root.tag)}>, not <xmi:XMI>; this is not a UIMA CAS "
            "XMI file"
        )
        problems.append(Problem(where, msg))
        return None
    sofas = [e for e in root if isinstance(e.tag, str) and type_name(e.tag) == "uima.cas.Sofa"]
    sofa = next((s for s in sofas if s.get("sofaID") == _INITIAL_VIEW), None)
    if sofa is None and len(sofas) == 1:
        sofa = sofas[0]
    text = None if sofa is None else sofa.get("sofaString")
    if sofa is None or text is None:
        msg = (
            "no text: the file has no cas:Sofa of the initial view with a sofaString "
            f"({len(sofas)} sofas); export the document as UIMA CAS XMI from a text project"
        )
        problems.append(Problem(where, msg))
        return None
    sofa_id = sofa.get(_ID)
    layers: dict[str, list[ET.Element]] = {}
    for elem in root:
        if not isinstance(elem.tag, str) or elem.get("sofa") != sofa_id:
            continue
        if elem.get("begin") is None or elem.get("end") is None:
            continue
        layers.setdefault(type_name(elem.tag), []).append(elem)
    return _Cas(text, {k: tuple(v) for k, v in layers.items()})


def _features(elements: Sequence[ET.Element]) -> list[str]:
    names: dict[str, None] = {}
    for elem in elements:
        for key in elem.attrib:
            if key not in _STRUCTURE:
                names.setdefault(key)
    return list(names)


def _annotations(
    elements: Sequence[ET.Element], feature: str | None, where: str, problems: list[Problem]
) -> list[Annotation]:
    out: list[Annotation] = []
    for elem in elements:
        place = f"{local(elem.tag)} xmi:id={elem.get(_ID, '?')}"
        place = f"{where}, {place}" if where else place
        begin, end = elem.get("begin", ""), elem.get("end", "")
        if not (begin.isdigit() and end.isdigit() and len(begin) < 13 and len(end) < 13):
            problems.append(
                Problem(place, f"begin={begin!r} and end={end!r} must be whole numbers")
            )
            continue
        value = None if feature is None else elem.get(feature)
        if value is None and feature is not None and any(local(c.tag) == feature for c in elem):
            msg = (
                f"feature {feature!r} holds several values (<{feature}> elements); statecode "
                "reads one value per annotation"
            )
            problems.append(Problem(place, msg))
            continue
        out.append(Annotation(int(begin), int(end), value, place))
    return out


def read_xmi(
    path: PathLike | Sequence[PathLike],
    *,
    layer: str | None = None,
    feature: str | None = None,
    variable: str | None = None,
    unlabelled: str | None = None,
    coder: str | None = None,
    document: str | None = None,
    codebook: Codebook | None = None,
) -> XmiImport:
    r"""Read UIMA CAS XMI files (one document by one annotator each) into spans and texts.

    Parameters
    ----------
    path : str or path, or a sequence of them
        The ``.xmi`` file(s), as INCEpTION (format "UIMA CAS XMI"), DKPro Core or another
        UIMA program writes them.
    layer : str, optional
        The annotation type whose annotations are the codes, by full
        (``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity``) or short name
        (``NamedEntity``). Needed when the file holds several types with offsets (tokens
        and sentences count too).
    feature : str, optional
        The attribute whose values are the codes (``value``). Needed when the type's
        annotations have several.
    variable : str, optional
        The variable of the codes (default: the feature's name, or the type's short name).
    unlabelled : str, optional
        The code of annotations without the feature; by default such an annotation is an
        error.
    coder, document : str, optional
        Who annotated the files and the document id (default: the file name without
        ``.xmi``); a file at ``annotation/<document>/<user>.xmi`` names both itself.
    codebook : Codebook, optional
        Check the codes against ``codebook[variable]``.

    Returns
    -------
    XmiImport
        The spans, the corpus, the type and feature read, the files and who annotated what.

    Raises
    ------
    OptionError
        If ``layer`` or ``feature`` names nothing in the files, or no ``coder`` is given.
    InputFileError
        If a file cannot be read.
    DataError
        Listing every problem with its file and annotation (``NamedEntity xmi:id=10``):
        XML that is not well-formed or has a document type declaration (refused, so no
        entity expansion), no text, offsets that are not numbers or lie outside the text,
        annotations without a value (unless ``unlabelled``), unknown codes, duplicates.

    Notes
    -----
    The text is the ``sofaString`` of the initial view's ``cas:Sofa``; annotations are the
    elements of that sofa with ``begin`` and ``end``, which count UTF-16 code units (UIMA
    is a Java framework) and are converted to code points. A feature is an attribute of the
    element; an annotation without it has no value. XMI does not say who annotated the
    document: pass ``coder=``. The XML is parsed with defusedxml and a document type
    declaration is refused.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> xmi = (
    ...     '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
    ...     'xmlns:custom="http:///webanno/custom.ecore">'
    ...     '<custom:Claim xmi:id="5" sofa="1" begin="3" end="9" stance="oppose"/>'
    ...     '<cas:Sofa xmi:id="1" sofaID="_InitialView" sofaString="We reject it"/></xmi:XMI>'
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "call.xmi"
    ...     _ = path.write_text(xmi, encoding="utf-8")
    ...     result = read_xmi(path, coder="alice")
    >>> result.layer, [(s.variable, s.code, s.start, s.end) for s in result.spans]
    ('webanno.custom.Claim', [('stance', 'oppose', 3, 9)])

    References
    ----------
    Apache UIMA, "XMI CAS Serialization", UIMA References, ch. 7,
    https://uima.apache.org/d/uimaj-current/references.html#ugr.ref.xmi

    INCEpTION user guide, "UIMA CAS XMI",
    https://inception-project.github.io/releases/latest/docs/user-guide.html#sect_formats_uimaxmi
    """
    files = [Path(path)] if isinstance(path, str | os.PathLike) else [Path(p) for p in path]
    problems: list[Problem] = []
    source = str(files[0]) if len(files) == 1 else None
    read: list[tuple[str, str, _Cas, str]] = []
    for file in files:
        doc, who = loose_names(file, coder, document, "coder='NAME'")
        try:
            data = file.read_bytes()
        except OSError as exc:
            msg = f"{file}: cannot read the file ({exc.strerror}); check the path"
            raise InputFileError(msg) from exc
        where = "" if len(files) == 1 else file.name
        try:
            cas = _read_cas(data, str(file), where, problems)
        except DataError as exc:
            problems.extend(Problem(p.where or where, p.message) for p in exc.problems)
            continue
        if cas is not None:
            read.append((doc, who, cas, where))
    if problems:
        raise DataError(problems, source=source)
    if not read:
        msg = "no XMI file given; pass a .xmi file or a list of them"
        raise InputFileError(msg)
    names = list(dict.fromkeys(name for _, _, cas, _ in read for name in cas.layers))
    what = "file" if len(read) == 1 else "files"
    chosen = choose_layer(names, layer, what)
    elements = [e for _, _, cas, _ in read for e in cas.layers.get(chosen, ())]
    chosen_feature = choose_feature(chosen, _features(elements), feature, what)
    choice = make_choice(chosen, chosen_feature, variable, unlabelled, codebook)
    builder = SpanBuilder(OffsetUnit.UTF16, codebook=codebook, problems=problems)
    documents: dict[str, Document] = {}
    pairs: list[tuple[str, str]] = []
    for doc, who, cas, where in read:
        known = documents.setdefault(doc, Document(id=doc, text=cas.text))
        if known.text != cas.text:
            problems.append(Problem(where, f"document {doc!r} has another text in another file"))
            continue
        if (doc, who) in pairs:
            problems.append(Problem(where, f"a second file of document {doc!r} by {who!r}"))
            continue
        pairs.append((doc, who))
        found = _annotations(cas.layers.get(chosen, ()), chosen_feature, where, problems)
        add_spans(builder, found, document=doc, text=cas.text, coder=who, choice=choice)
    if problems:
        raise DataError(problems, source=source)
    return XmiImport(
        spans=tuple(builder.spans),
        corpus=Corpus(documents=tuple(documents.values())),
        layer=chosen,
        feature=chosen_feature,
        sources=tuple(str(f) for f in files),
        unitizers=rosters(documents, pairs),
    )
