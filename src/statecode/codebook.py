"""The codebook: levels of measurement, categories, variables.

A :class:`Codebook` is a frozen value object. Constructing one validates it completely and
raises :class:`~statecode.exceptions.CodebookError` listing every problem with its path
(``variables[3].categories[1].code: duplicate code 'nato' ...``). The codebook's own file
format is TOML (``docs/codebook-format.md``): :meth:`Codebook.from_dict` structures a parsed
document and :meth:`Codebook.from_toml` reads one, by path or by the name of a codebook shipped
with statecode. Other formats (REFI-QDA ``.qdc``) and writing are the io room's business: see
:func:`statecode.read_codebook` and :func:`statecode.write_codebook`.
"""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from statecode._codebook_rules import (
    RESERVED_NAMES,
    category_problems,
    duplicate_problems,
    variable_problems,
)
from statecode._serialize import array_field, join_path, structure_fields
from statecode.exceptions import CodebookError, InputFileError, Problem
from statecode.options import Level, choices_text, find_member

__all__ = [
    "RESERVED_NAMES",
    "Category",
    "Codebook",
    "Level",
    "Variable",
    "shipped_codebooks",
]


def _to_level(value: Level | str) -> Level:
    level = find_member(Level, value)
    if level is None:
        msg = f"{value!r} is not a level of measurement; use one of {choices_text(Level)}"
        raise CodebookError([Problem("level", msg)])
    return level


def _to_str_tuple(value: Sequence[str] | str) -> tuple[str, ...]:
    # a lone string would otherwise become a tuple of characters
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class Category:
    """One category (code) of a categorical variable.

    Parameters
    ----------
    code : str
        The code written in coding tables: short, unique within its variable, without ``;``.
    label : str
        A human-readable name.
    definition : str
        What the category means.
    include, exclude : tuple of str
        Rules: when to assign the code, and when not to (and what to assign instead).
    examples : tuple of str
        Example statements that receive the code.
    parent : str or None
        Code of the parent category in the same variable, for hierarchical codebooks.
    exclusive : bool
        In a multi-label variable, the code cannot be combined with other codes (``none``).
    """

    code: str
    label: str = ""
    definition: str = ""
    include: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    exclude: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    examples: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    parent: str | None = None
    exclusive: bool = False


@attrs.frozen
class Variable:
    """A variable of the codebook: one question a coder answers for every unit.

    Parameters
    ----------
    name : str
        Identifier, also the column name in coding tables (``[A-Za-z_][A-Za-z0-9_]*``, not one
        of ``unit``, ``coder``, ``variable``, ``value``).
    level : Level or str
        Level of measurement.
    label, question, notes : str
        Short label, the question put to the coder, and further coding instructions.
    categories : tuple of Category
        The codes of a categorical variable. Empty for a numeric variable.
    order : tuple of str
        For an ordinal variable with categories: every code, from lowest to highest.
    minimum, maximum : float or None
        Allowed range of a numeric variable (inclusive).
    multi_label : bool
        Whether a unit may receive several codes (a set), e.g. all preconditions a statement
        names. Only nominal variables can be multi-label.
    unit : str
        The unit of coding, e.g. ``"statement"``.

    Raises
    ------
    CodebookError
        Listing every problem, with paths relative to the variable.
    """

    name: str
    level: Level = attrs.field(converter=_to_level)
    label: str = ""
    question: str = ""
    notes: str = ""
    categories: tuple[Category, ...] = attrs.field(default=(), converter=tuple)
    order: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    minimum: float | None = None
    maximum: float | None = None
    multi_label: bool = False
    unit: str = "statement"

    def __attrs_post_init__(self) -> None:
        problems = variable_problems(self)
        if problems:
            raise CodebookError(problems)

    @property
    def is_categorical(self) -> bool:
        """Whether the variable has categories (as opposed to free numbers)."""
        return bool(self.categories)

    @property
    def codes(self) -> tuple[str, ...]:
        """The category codes, in order (the declared order for ordinal variables)."""
        if self.order:
            return self.order
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category:
        """Return the category with the given code.

        Raises
        ------
        KeyError
            If the variable has no such code; the message lists the valid ones.
        """
        for cat in self.categories:
            if cat.code == code:
                return cat
        msg = f"variable {self.name!r} has no code {code!r}; codes: {', '.join(self.codes)}"
        raise KeyError(msg)

    def children(self, code: str) -> tuple[Category, ...]:
        """Return the categories whose parent is ``code``."""
        return tuple(c for c in self.categories if c.parent == code)


@attrs.frozen
class Codebook:
    """A codebook: named, versioned, with its variables in order.

    Look variables up by name with ``codebook["blame_target"]``; iterate over them with
    ``for variable in codebook``.

    Parameters
    ----------
    name : str
        Short name of the codebook.
    variables : tuple of Variable
        The variables, with unique names.
    version, description : str
        Version string and a description (purpose, unit of coding, general rules).

    Raises
    ------
    CodebookError
        Listing every problem with its path (``variables[2].name: duplicate ...``).

    Examples
    --------
    >>> cb = Codebook(
    ...     name="demo",
    ...     variables=(
    ...         Variable(name="tone", level="ordinal", categories=(Category("neg"),
    ...                  Category("neu"), Category("pos")), order=("neg", "neu", "pos")),
    ...     ),
    ... )
    >>> cb["tone"].level
    <Level.ORDINAL: 'ordinal'>
    >>> "tone" in cb, len(cb)
    (True, 1)
    """

    name: str
    variables: tuple[Variable, ...] = attrs.field(default=(), converter=tuple)
    version: str = ""
    description: str = ""

    def __repr__(self) -> str:
        version = f" {self.version}" if self.version else ""
        codes = sum(len(v.categories) for v in self.variables)
        return f"<Codebook {self.name!r}{version}: {len(self.variables)} variables, {codes} codes>"

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    def __attrs_post_init__(self) -> None:
        problems = duplicate_problems(
            [v.name for v in self.variables], "variables", "name", "variable name"
        )
        if not self.name.strip():
            problems.insert(0, Problem("name", "the codebook needs a non-empty name"))
        if problems:
            raise CodebookError(problems)

    def __getitem__(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        known = ", ".join(v.name for v in self.variables) or "(none)"
        msg = f"codebook {self.name!r} has no variable {name!r}; variables: {known}"
        raise KeyError(msg)

    def __contains__(self, name: object) -> bool:
        return any(v.name == name for v in self.variables)

    def __iter__(self) -> Iterator[Variable]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return tuple(v.name for v in self.variables)

    @classmethod
    def from_dict(cls, raw: object, *, source: str | None = None) -> Codebook:
        """Build a codebook from plain data: a parsed TOML (or JSON) document.

        Parameters
        ----------
        raw : mapping
            Top-level keys ``name``, ``version``, ``description`` and an array ``variables``
            of tables, each with an array ``categories`` (``docs/codebook-format.md``).
        source : str, optional
            File name to put in front of the error message.

        Raises
        ------
        CodebookError
            With every problem found anywhere in the document, each with its path: unknown
            keys (with the closest allowed one), wrong types, missing keys, and every rule of
            a valid codebook.

        Examples
        --------
        >>> cb = Codebook.from_dict({"name": "demo", "variables": [
        ...     {"name": "tone", "level": "nominal", "categories": [{"code": "neg"}]}]})
        >>> cb["tone"].codes
        ('neg',)
        """
        problems: list[Problem] = []
        kwargs, ok = structure_fields(raw, cls, "", problems, nested=("variables",))
        variables: list[Variable | None] = []
        names: list[str | None] = []
        if isinstance(raw, Mapping):
            for i, vraw in enumerate(array_field(raw, "variables", "", problems)):
                variables.append(_structure_variable(vraw, f"variables[{i}]", problems))
                name = vraw.get("name") if isinstance(vraw, Mapping) else None
                names.append(name if isinstance(name, str) else None)
            problems.extend(duplicate_problems(names, "variables", "name", "variable name"))
        if ok and not problems:
            try:
                return cls(**{**kwargs, "variables": tuple(v for v in variables if v)})
            except CodebookError as exc:
                problems.extend(exc.problems)
        raise CodebookError(_in_order(problems), source=source)

    @classmethod
    def from_toml(cls, source: str | os.PathLike[str]) -> Codebook:
        """Read a TOML codebook file, or a codebook shipped with statecode by its name.

        :func:`statecode.read_codebook` reads REFI-QDA ``.qdc`` codebooks too.

        Raises
        ------
        InputFileError
            If there is no such file and no shipped codebook of that name, or the file
            cannot be read.
        CodebookError
            If the file is not UTF-8 TOML or not a valid codebook (every problem at once).

        Examples
        --------
        >>> Codebook.from_toml("readouts").name
        'readouts'
        """
        path = resolve_codebook(source)
        if path.suffix.lower() != ".toml":
            msg = (
                f"{path}: Codebook.from_toml reads TOML codebooks (.toml); read other "
                "formats with read_codebook"
            )
            raise InputFileError(msg)
        try:
            if path.stat().st_size > _MAX_TOML_BYTES:
                msg = (
                    f"the file is {path.stat().st_size:,} bytes, beyond the {_MAX_TOML_BYTES:,} "
                    "bytes any codebook needs; is it a codebook?"
                )
                raise CodebookError([Problem("", msg)], source=str(path))
            text = path.read_text(encoding="utf-8-sig")
            _check_toml_shape(text, str(path))
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CodebookError([Problem("", f"not valid TOML: {exc}")], source=str(path)) from exc
        except RecursionError:
            msg = "not a codebook: its tables or arrays nest too deep (damaged or hostile)"
            raise CodebookError([Problem("", msg)], source=str(path)) from None
        except UnicodeDecodeError as exc:
            problem = Problem("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
            raise CodebookError([problem], source=str(path)) from exc
        except IsADirectoryError:
            msg = f"{path}: is a folder, not a codebook file; check the path"
            raise InputFileError(msg) from None
        except OSError as exc:
            msg = f"{path}: cannot read the codebook ({exc.strerror})"
            raise InputFileError(msg) from exc
        return cls.from_dict(raw, source=str(path))


# a codebook of a thousand variables with full definitions is far below this
_MAX_TOML_BYTES = 4 << 20
# dotted keys of more parts than this are refused: tomllib takes quadratic time on them
_MAX_KEY_PARTS = 100


def _check_toml_shape(text: str, source: str) -> None:
    """Refuse keys of absurdly many dotted parts before tomllib spends minutes on them."""
    for number, line in enumerate(text.splitlines(), start=1):
        head = line.lstrip()
        key = head if head.startswith("[") else head.partition("=")[0]
        if key.count(".") > _MAX_KEY_PARTS:
            msg = (
                f"line {number}: a key of {key.count('.') + 1:,} dotted parts; no codebook "
                "has that, so the file is damaged or hostile"
            )
            raise CodebookError([Problem("", msg)], source=source)


# --------------------------------------------------------------------------------------------
# structuring a parsed document, every problem collected

_PLACEHOLDER = "<invalid category>"


def _structure_variable(raw: object, path: str, problems: list[Problem]) -> Variable | None:
    kwargs, ok = structure_fields(raw, Variable, path, problems, nested=("categories",))
    categories: list[Category] = []
    cats_raw = array_field(raw, "categories", path, problems) if isinstance(raw, Mapping) else []
    for j, craw in enumerate(cats_raw):
        ckw, cat_ok = structure_fields(craw, Category, f"{path}.categories[{j}]", problems)
        if not cat_ok:
            # a placeholder keeps the indices of later categories; what is wrong with it was
            # reported above, and problems that only the placeholder causes are dropped below
            ckw["code"] = f"{_PLACEHOLDER} {j}"
        categories.append(Category(**ckw))
    if not ok:
        # a field the variable cannot be built without is wrong (a misspelled level, say):
        # the rules that hold whatever the level still get their say
        found = category_problems(
            str(kwargs.get("name", "")), categories, multi_label=bool(kwargs.get("multi_label"))
        )
        problems.extend(
            Problem(join_path(path, p.where), p.message)
            for p in found
            if _PLACEHOLDER not in p.message
        )
        return None
    kwargs["categories"] = tuple(categories)
    try:
        return Variable(**kwargs)
    except CodebookError as exc:
        problems.extend(
            Problem(join_path(path, p.where), p.message)
            for p in exc.problems
            if _PLACEHOLDER not in p.message
        )
        return None


def _in_order(problems: list[Problem]) -> list[Problem]:
    # stable: problems were appended in document order except cross-item checks; keep unique
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# the codebooks shipped with statecode


def _shipped_dir() -> Path:
    # in a wheel the codebooks live in the package; in a source checkout (editable install)
    # they live in the repository's top-level codebooks/ folder
    packaged = Path(str(importlib.resources.files("statecode"))) / "codebooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "codebooks"


def shipped_codebooks() -> dict[str, Path]:
    """Return the codebooks shipped with statecode, by name.

    Examples
    --------
    >>> "readouts" in shipped_codebooks()
    True
    """
    directory = _shipped_dir()
    if not directory.is_dir():
        return {}
    return {p.stem: p for p in sorted(directory.glob("*.toml"))}


def resolve_codebook(source: str | os.PathLike[str]) -> Path:
    """The codebook file ``source`` names: a path, or the name of a shipped codebook.

    Raises
    ------
    InputFileError
        If it is neither.
    """
    path = Path(source)
    if path.is_file():
        return path
    text = os.fspath(source)
    shipped = shipped_codebooks()
    if text in shipped:
        return shipped[text]
    names = ", ".join(shipped) or "(none)"
    msg = (
        f"{text}: no such codebook file, and no shipped codebook of that name "
        f"(shipped: {names}); check the path"
    )
    raise InputFileError(msg)
