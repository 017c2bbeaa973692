"""What the INCEpTION (WebAnno TSV) and UIMA XMI readers share: layers, features, names.

Both formats hold annotations of typed layers (``de.tudarmstadt.ukp.dkpro.core.api.ner.type
.NamedEntity``) whose features carry values; the user picks the layer and the feature that
carry the code, by full or short name. Both give each annotation a begin and an end in UTF-16
code units (both come from Java) and a value that may be missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import attrs

from statecode.codebook import Codebook
from statecode.exceptions import DataError, OptionError
from statecode.io._annotations import not_a_variable
from statecode.io._span_build import SpanBuilder

__all__ = [
    "Annotation",
    "Choice",
    "add_spans",
    "choose_feature",
    "choose_layer",
    "loose_names",
    "make_choice",
    "short_name",
]


def short_name(name: str) -> str:
    """The last part of a dotted type name (``NamedEntity``)."""
    return name.rpartition(".")[2]


@attrs.frozen
class Annotation:
    """One annotation of the chosen layer: UTF-16 begin and end, the feature's value."""

    begin: int
    end: int
    value: str | None
    where: str


@attrs.frozen
class Choice:
    """The layer and feature the user picked, and the variable their values code."""

    layer: str
    feature: str | None
    variable: str
    unlabelled: str | None


def _listing(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names) or "(none)"


def choose_layer(layers: Sequence[str], wanted: str | None, what: str) -> str:
    """The full name of the layer ``wanted`` names (full or short name).

    Raises
    ------
    OptionError
        If ``wanted`` names no layer, or several, or is None while there are several.
    """
    if wanted is None:
        if len(layers) == 1:
            return layers[0]
        msg = (
            f"the {what} has {len(layers)} annotation layers ({_listing(layers)}); pick the "
            "one that carries the codes with layer="
        )
        raise OptionError(msg, option="layer")
    if wanted in layers:
        return wanted
    found = [n for n in layers if short_name(n) == wanted] or [
        n for n in layers if short_name(n).lower() == wanted.lower()
    ]
    if len(found) == 1:
        return found[0]
    if found:
        msg = f"layer={wanted!r} names several layers ({_listing(found)}); give the full name"
        raise OptionError(msg, option="layer")
    hint = difflib.get_close_matches(wanted, [short_name(n) for n in layers] + list(layers), n=1)
    maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
    msg = f"layer={wanted!r} is not a layer of the {what}{maybe}; layers: {_listing(layers)}"
    raise OptionError(msg, option="layer")


def choose_feature(
    layer: str, features: Sequence[str], wanted: str | None, what: str
) -> str | None:
    """The feature ``wanted`` names (None: the layer has none, or the only one)."""
    if wanted is None:
        if len(features) <= 1:
            return features[0] if features else None
        msg = (
            f"layer {layer!r} has the features {_listing(features)}; pick the one that "
            "carries the codes with feature="
        )
        raise OptionError(msg, option="feature")
    if wanted in features:
        return wanted
    hint = difflib.get_close_matches(wanted, features, n=1)
    maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
    msg = (
        f"feature={wanted!r} is not a feature of layer {layer!r} in the {what}{maybe}; "
        f"features: {_listing(features)}"
    )
    raise OptionError(msg, option="feature")


def make_choice(
    layer: str,
    feature: str | None,
    variable: str | None,
    unlabelled: str | None,
    codebook: Codebook | None,
) -> Choice:
    """The variable is ``variable``, else the feature's name, else the layer's short name."""
    name = variable or feature or short_name(layer)
    if codebook is not None and name not in codebook:
        msg = (
            f"variable {name!r} (the codes of layer {short_name(layer)!r}"
            f"{f', feature {feature!r}' if feature else ''}) is "
            f"{not_a_variable(name, codebook)}; pass variable="
        )
        raise DataError(msg)
    return Choice(layer, feature, name, unlabelled)


def loose_names(
    file: Path, coder: str | None, document: str | None, option_hint: str
) -> tuple[str, str]:
    """The document and coder of an annotation file read on its own.

    A file at ``annotation/<document>/<user>.<ext>`` (as in an unpacked INCEpTION project
    export) names both; otherwise the document is the file's stem and the coder must be
    given.
    """
    parent = file.parent
    in_export = parent.parent.name == "annotation" and parent.name
    doc = document or (parent.name if in_export else file.stem)
    who = coder or (file.stem if in_export else None)
    if who is None:
        msg = (
            f"{file.name}: a single annotation file does not say who annotated it; pass "
            f"{option_hint} (one file per annotator)"
        )
        raise OptionError(msg, option="coder")
    return doc, who


def add_spans(
    builder: SpanBuilder,
    annotations: Sequence[Annotation],
    *,
    document: str,
    text: str,
    coder: str,
    choice: Choice,
) -> None:
    """Turn the chosen layer's annotations into spans of ``choice.variable``."""
    for item in annotations:
        code = item.value
        if code is None:
            if choice.unlabelled is None:
                what = f"feature {choice.feature!r}" if choice.feature else "a feature"
                builder.problem(
                    item.where,
                    f"this {short_name(choice.layer)} annotation has no value for {what}; "
                    "give it one in the program, or pass unlabelled='CODE' to code such "
                    "annotations with CODE",
                )
                continue
            code = choice.unlabelled
        builder.add(
            item.where,
            document=document,
            text=text,
            coder=coder,
            start=item.begin,
            end=item.end,
            variable=choice.variable,
            code=code,
        )
