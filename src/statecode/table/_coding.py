"""CodingTable: the validated long table of codings, with the rows they came from."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NoReturn, cast

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._frames import to_polars
from statecode._provenance import SourceFile
from statecode._typing import Value
from statecode._values import EMPTY_SET, sort_key, value_text
from statecode.codebook import Codebook, Level, Variable
from statecode.exceptions import DataError, DataTypeError, Problem
from statecode.model import Coding
from statecode.options import Normalization
from statecode.table._build import build_columns
from statecode.table._checks import (
    check_long,
    choose_variables,
    missing_id_problems,
    numeric_domain,
    unit_groups,
    warn_near_duplicates,
)
from statecode.table._columns import Columns, Part
from statecode.table._factorize import check_domain, factorize_numbers, raise_outside
from statecode.table._reliability import ReliabilityData

__all__ = ["LONG_SCHEMA", "CodingTable", "coding_table"]

# problems listed one by one before the rest are counted
_SHOWN = 20
# the reliability data a table keeps (most recent first): a report's variable at a time
_KEPT = 8

#: Columns and types of a coding table's long data (``CodingTable.data``).
LONG_SCHEMA = {
    "unit": pl.String,
    "coder": pl.String,
    "variable": pl.String,
    "value": pl.String,
    "row": pl.Int64,
}


@attrs.frozen(eq=False)
class CodingTable:
    """Codings in long form, validated against a codebook when one is given.

    Attributes
    ----------
    data : polars.DataFrame
        Columns ``unit``, ``coder``, ``variable``, ``value`` (text: a code, a number, or codes
        joined by ``separator``) and ``row`` (the row in the source file, as a spreadsheet
        shows it; null for codings made in Python). Each row is one coding:
        ``CodingTable(data)`` refuses (:class:`~statecode.DataError`) a null unit, coder,
        variable or value, and a unit, coder and variable given twice.
    codebook : Codebook or None
        The codebook the codings were checked against.
    source : str or None
        The file the codings came from.
    separator : str
        Separator of codes in multi-label values.
    skipped : tuple of Problem
        What was left out because it was invalid, when reading was asked to skip it.
    groups : mapping of unit to group, or None
        The group of every unit, when the table was read with ``by=`` (a column such as the
        document or the account), for :func:`~statecode.reliability_report`'s ``by``.
    group_by : str or None
        The name of that column.
    origin : SourceFile or None
        The file as it was read (path, size, modification time), for a report's provenance.
    """

    _data: pl.DataFrame | None = attrs.field(default=None, alias="data")
    codebook: Codebook | None = None
    source: str | None = None
    separator: str = ";"
    skipped: tuple[Problem, ...] = ()
    groups: Mapping[str, str] | None = attrs.field(default=None, repr=False)
    group_by: str | None = None
    origin: SourceFile | None = None

    def __repr__(self) -> str:
        source = f" {self.source!r}" if self.source else ""
        codebook = f", codebook {self.codebook.name!r}" if self.codebook is not None else ""
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (
            f"<CodingTable{source}: {len(self)} codings of {len(self.units)} units by "
            f"{len(self.coders)} coders on {len(self.variables)} variables{codebook}{skipped}>"
        )

    def __str__(self) -> str:
        """The table the CLI prints for it."""
        from statecode.render import notebook_text  # noqa: PLC0415 - a presentation hook

        return notebook_text(self)

    def _repr_html_(self) -> str:
        """Its table as HTML, for Jupyter."""
        from statecode.render import notebook_html  # noqa: PLC0415 - a presentation hook

        return notebook_html(self)

    # the table as read (a row per unit and coder), from which ``data`` is made on demand
    _columns: Columns | None = attrs.field(default=None, alias="_columns", repr=False)
    # what is computed once per table: variables, ids, each variable's reliability data
    _cache: dict[Any, Any] = attrs.field(factory=dict, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self._data is None and self._columns is None:
            msg = "CodingTable needs its codings: CodingTable(data) with a long data frame"
            raise DataTypeError(msg)
        if self._data is not None and self._columns is not None:
            # data given over a table read from a file (attrs.evolve(table, data=...)): the
            # data are the codings
            object.__setattr__(self, "_columns", None)
        if isinstance(self._data, pl.DataFrame):
            check_long(self._data, self.source)

    @property
    def data(self) -> pl.DataFrame:
        """The codings in long form: unit, coder, variable, value, row (see the class notes)."""
        if self._data is not None:
            return self._data
        found = self._cache.get("data")
        if found is None and self._columns is not None:
            found = self._cache["data"] = self._columns.long()
        return cast("pl.DataFrame", found)

    def _cached(self, key: Any, make: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        unit: str = "unit",
        coder: str = "coder",
        variables: Sequence[str] | None = None,
        codebook: Codebook | None = None,
        separator: str = ";",
        source: str | None = None,
        first_row: int = 2,
        row_column: str | None = None,
        skip_invalid: bool = False,
        by: str | None = None,
        normalize: Normalization | str | None = None,
    ) -> CodingTable:
        """Build a table from a frame with a unit column, a coder column and a column per variable.

        Parameters
        ----------
        frame : polars or pandas DataFrame
            One row per unit and coder; cells hold codes, numbers, or codes joined by
            ``separator``; nulls are missing values.
        unit, coder : str
            Names of the id columns.
        variables : sequence of str, optional
            The variable columns to take. By default every column but the ids; with a
            codebook, every other column must then be a codebook variable.
        codebook : Codebook, optional
            Check every value against it.
        separator : str
            Separator of codes in multi-label cells.
        source : str, optional
            File name, for messages.
        first_row : int
            Row number of the first data row as the user sees it (2 in a CSV with a header).
        row_column : str, optional
            A column holding each row's number in the source file instead (wide files).
        skip_invalid : bool
            Leave out what is invalid instead of failing: rows with an empty id, every row of
            a duplicated unit and coder, and invalid values (the cell only). What was left
            out is in ``skipped``, problem by problem; missing or unknown columns still fail.
        by : str, optional
            A column grouping the units (each unit in one group), kept as ``groups`` rather
            than read as a variable.
        normalize : {'nfc', 'casefold'}, optional
            Make values that differ only in their Unicode form (``nfc``: composed, so
            ``café`` typed two ways is one value) or also in letter case (``casefold``) one
            value. Without it such values stay apart, and without a codebook a
            :class:`~statecode.exceptions.NearDuplicateValuesWarning` names them.

        Notes
        -----
        Column names are names, never patterns (``*`` is the column named ``*``). White space
        around a cell is not part of its value. An empty cell is missing; in a multi-label
        variable ``{}`` is the empty set of codes (coded, with no code).

        Warns
        -----
        NearDuplicateValuesWarning
            Without a codebook, for values of one variable that differ only in letter case,
            Unicode form or surrounding white space.

        Raises
        ------
        DataError
            Listing every problem: missing columns, unknown columns, empty ids, duplicate
            unit-coder rows, unknown codes (with the closest valid code), sets in single-label
            variables, numbers that are not numbers or out of range.
        """
        df = to_polars(frame)
        columns = df.columns
        problems = missing_id_problems(columns, unit, coder, row_column)
        if problems:
            raise DataError(problems, source=source)
        ids = [unit, coder] + ([row_column] if row_column is not None else [])
        groups = unit_groups(df, unit, by) if by is not None else None
        others = [c for c in columns if c not in ids and c != by]
        chosen = choose_variables(columns, others, variables, codebook, problems)
        if problems:
            raise DataError(problems, source=source)
        # user column names may be anything ("*", "^a$"): columns are taken by name
        work = pl.DataFrame(
            [
                _text(df.get_column(unit)).alias("unit"),
                _text(df.get_column(coder)).alias("coder"),
                *(_text(df.get_column(name)).alias(f"\x00{i}") for i, name in enumerate(chosen)),
            ]
        )
        rows = df.get_column(row_column).cast(pl.Int64) if row_column is not None else None
        built = build_columns(
            work,
            chosen,
            rows=rows,
            first_row=first_row,
            ids={"unit": unit, "coder": coder},
            codebook=codebook,
            separator=separator,
            skip_invalid=skip_invalid,
            normalize=normalize,
            source=source,
        )
        if codebook is None:
            warn_near_duplicates(built.distinct, source)
        return cls(
            codebook=codebook,
            source=source,
            separator=separator,
            skipped=tuple(built.skipped),
            groups=groups,
            group_by=by,
            _columns=built.columns,
        )

    @classmethod
    def from_codings(
        cls, codings: Iterable[Coding], *, codebook: Codebook | None = None, separator: str = ";"
    ) -> CodingTable:
        """Build a table from :class:`~statecode.Coding` objects."""
        rows: dict[str, list[Any]] = {"unit": [], "coder": [], "variable": [], "value": []}
        for c in codings:
            rows["unit"].append(c.unit)
            rows["coder"].append(c.coder)
            rows["variable"].append(c.variable)
            rows["value"].append(value_text(c.value, separator))
        frame = pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String))
        wide = frame.pivot(
            on="variable",
            index=["unit", "coder"],
            values="value",
            aggregate_function=None,
            maintain_order=True,
        )
        return cls.from_frame(wide, codebook=codebook, separator=separator, first_row=1)

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables present, in order of first appearance."""

        def make() -> tuple[str, ...]:
            if self._columns is not None:
                return self._columns.variables()
            return tuple(self.data["variable"].unique(maintain_order=True).to_list())

        return cast("tuple[str, ...]", self._cached("variables", make))

    @property
    def units(self) -> tuple[str, ...]:
        """The units, in order of first appearance."""
        return self._ids("unit")

    @property
    def coders(self) -> tuple[str, ...]:
        """The coders, in order of first appearance."""
        return self._ids("coder")

    def id_counts(self) -> tuple[int, int]:
        """(units, coders) holding a value: ``len(units), len(coders)`` without listing them."""

        def make() -> tuple[int, int]:
            if self._columns is not None:
                return self._columns.id_count("unit"), self._columns.id_count("coder")
            return self.data["unit"].n_unique(), self.data["coder"].n_unique()

        return cast("tuple[int, int]", self._cached("id counts", make))

    def id_totals(self) -> tuple[int, int]:
        """(units, coders) among the table's rows, with a value or not: no variable has more.

        Free for a table read from a file (its ids are coded as it is read); a bound that
        spares counting a variable's units and coders where the bound decides.
        """

        def make() -> tuple[int, int]:
            if self._columns is not None:
                columns = self._columns
                return len(columns.coded("unit").distinct), len(columns.coded("coder").distinct)
            return self.data["unit"].n_unique(), self.data["coder"].n_unique()

        return cast("tuple[int, int]", self._cached("id totals", make))

    def _ids(self, which: str) -> tuple[str, ...]:
        def make() -> tuple[str, ...]:
            if self._columns is not None:
                return self._columns.ids(which)
            return tuple(self.data[which].unique(maintain_order=True).to_list())

        return cast("tuple[str, ...]", self._cached(which, make))

    def __len__(self) -> int:
        if self._columns is not None:
            columns = self._columns
            return int(self._cached("len", lambda: len(columns)))
        return self.data.height

    def variable(self, name: str) -> Variable | None:
        """The codebook variable ``name`` (None without a codebook)."""
        if name not in self.variables:
            have = ", ".join(self.variables) or "(none)"
            msg = f"no variable {name!r} in the codings (variables: {have})"
            raise DataError(msg, source=self.source)
        return self.codebook[name] if self.codebook is not None else None

    def distinct_values(self, variable: str) -> tuple[str, ...]:
        """The distinct values of ``variable`` as text, in the order first seen."""
        if self._columns is not None:  # the column's codes, without placing its rows
            self.variable(variable)
            return tuple(self._columns.coded(variable).distinct.to_list())
        return tuple(self._part(variable).distinct().to_list())

    def cells_with(self, values: Collection[str]) -> pl.DataFrame:
        """The codings (rows of ``data``, in its order) whose value is one of ``values``."""
        if self._columns is not None:
            return self._columns.cells_with(values)
        return self.data.filter(pl.col("value").is_in(list(values)))

    def shape_of(self, variable: str) -> tuple[int, int]:
        """(coders, units) with a value of ``variable``: the shape of its reliability data."""

        def make() -> tuple[int, int]:
            for key, rel in self._cache.get("reliability", {}).items():
                if key[0] == variable:
                    return cast("ReliabilityData", rel).shape
            part = self._part(variable)
            return part.coders, part.units

        return cast("tuple[int, int]", self._cached(("shape", variable), make))

    def value_count(self, variable: str) -> int:
        """How many codings hold a value of ``variable`` (no pass over the rows)."""
        self.variable(variable)
        if self._columns is not None:
            column = self._columns.column(variable)
            return column.len() - column.null_count()
        return int((self.data.get_column("variable") == variable).sum())

    def variable_rows(self, variable: str) -> pl.DataFrame:
        """The codings of ``variable`` in long layout: ``unit``, ``coder``, ``value`` (text)."""
        self.variable(variable)
        if self._columns is not None:
            return self._columns.variable_rows(variable)
        return self.data.filter(pl.col("variable") == variable).select("unit", "coder", "value")

    def where_units(self, units: Collection[str]) -> CodingTable:
        """The codings of the units ``units`` only (the same codebook, source and groups)."""
        if self._columns is not None:
            return attrs.evolve(self, _columns=self._columns.where_units(units))
        return attrs.evolve(self, data=self.data.filter(pl.col("unit").is_in(list(units))))

    def _part(self, variable: str) -> Part:
        """The values of ``variable`` and where they go."""
        self.variable(variable)
        if self._columns is not None:
            return self._columns.part(variable)
        return Part.from_long(self.data.filter(pl.col("variable") == variable))

    def to_reliability_data(
        self, variable: str, *, domain: Sequence[Any] | None = None, numeric: bool = False
    ) -> ReliabilityData:
        """The coders x units codes of one variable: the hop to the kernels.

        Values are read as the codebook says (numbers, codes, or sets of codes), or as
        numbers when ``numeric`` is set or every value is a number, else as text. With a
        codebook, the domain of a categorical variable is all its codes in codebook order
        (ordinal: in ``order``). Distinct values are coded once and mapped column-wise; the
        result is made once for each variable and options (its arrays are read-only).
        """
        var = self.variable(variable)
        key = _options_key(variable, domain, numeric=numeric)
        made: dict[Any, ReliabilityData] = self._cache.setdefault("reliability", {})
        if key is not None and key in made:
            made[key] = made.pop(key)  # the most recent last
            return made[key]
        rel = self._reliability_data(self._part(variable), variable, var, domain, numeric)
        if key is not None:
            made[key] = rel
            while len(made) > _KEPT:
                del made[next(iter(made))]  # the least recent goes
        return rel

    def _reliability_data(
        self,
        part: Part,
        variable: str,
        var: Variable | None,
        domain: Sequence[Any] | None,
        numeric: bool,
    ) -> ReliabilityData:
        if var is not None and var.multi_label:
            lookup, labels = self._code_sets(part.distinct().to_list(), domain)
            return part.assemble_distinct(lookup, labels, None)
        interval_codes = var is not None and var.level in (Level.INTERVAL, Level.RATIO)
        if domain is None and var is not None and var.categories:
            domain = [float(c) for c in var.codes] if interval_codes else list(var.codes)
        numbers_wanted = numeric or interval_codes or (var is not None and not var.categories)
        if numbers_wanted or (var is None and numeric_domain(domain)):
            per_distinct = part.has_codes()  # then the numbers are the distinct values'
            floats, finite = part.numbers()
            if finite.all():
                codes, labels, numbers = factorize_numbers(floats, domain)
                if per_distinct:
                    return part.assemble_distinct(codes, labels, numbers)
                return part.assemble(codes, labels, numbers)
            if numbers_wanted:
                self._raise_not_numbers(part.cells(~part.lookup(finite)), variable)
        texts = part.distinct().to_list()
        labels = tuple(domain) if domain is not None else tuple(sorted(texts, key=sort_key))
        check_domain(labels)
        index = {str(v): i for i, v in enumerate(labels)}
        unknown = set(texts) - set(index)
        if unknown:
            raise_outside(unknown, labels)
        lookup = np.array([index[t] for t in texts], dtype=np.int32)
        return part.assemble_distinct(lookup, labels, None)

    def _code_sets(
        self, texts: list[str], domain: Sequence[Any] | None
    ) -> tuple[NDArray[np.int32], tuple[Any, ...]]:
        """The code of each distinct text of a multi-label variable, and the domain of sets."""
        sets = [self._set_of(t) for t in texts]
        if domain is not None:
            labels = tuple(frozenset(d) for d in domain)
            check_domain(labels)
        else:
            labels = tuple(sorted(set(sets), key=sort_key))
        index = {s: i for i, s in enumerate(labels)}
        unknown = {s for s in sets if s not in index}
        if unknown:
            raise_outside(unknown, labels)
        return np.array([index[s] for s in sets], dtype=np.int32), labels

    def _raise_not_numbers(self, bad: pl.DataFrame, variable: str) -> NoReturn:
        """Every cell of a numeric variable that is not a finite number (up to a cap)."""
        problems = [
            Problem(
                f"row {row}, column {variable!r}" if row is not None else f"unit {unit!r}",
                f"{value!r} is not a finite number; this variable takes numbers",
            )
            for unit, value, row in bad.select("unit", "value", "row").head(_SHOWN).rows()
        ]
        if bad.height > _SHOWN:
            problems.append(Problem("", f"... and {bad.height - _SHOWN} more such cells"))
        raise DataError(problems, source=self.source)

    def _set_of(self, text: str) -> frozenset[str]:
        """The codes of a multi-label cell (:data:`EMPTY_SET` is no code)."""
        return frozenset() if text == EMPTY_SET else frozenset(text.split(self.separator))

    def codings(self) -> Iterable[Coding]:
        """The codings as :class:`~statecode.Coding` objects (values typed by the codebook)."""
        for unit, coder, variable, value, _ in self.data.iter_rows():
            var = self.codebook[variable] if self.codebook is not None else None
            typed: Value = value
            if var is not None and var.multi_label:
                typed = self._set_of(value)
            elif var is not None and not var.categories:
                typed = float(value)
            yield Coding(unit, coder, variable, typed)


def _text(series: pl.Series) -> pl.Series:
    """A column of ids or values as text (a categorical column stays one: it is coded)."""
    if series.dtype == pl.String or isinstance(series.dtype, pl.Categorical):
        return series
    return series.cast(pl.String)


def _options_key(variable: str, domain: Sequence[Any] | None, *, numeric: bool) -> Any:
    """What the reliability data of a variable depend on, or None when it cannot be a key."""
    try:
        values = None if domain is None else tuple((type(v), v) for v in domain)
        key = (variable, values, numeric)
        hash(key)
    except TypeError:  # unhashable domain values (lists of codes): made each time
        return None
    return key


def coding_table(data: object, what: str, kind: str = "", fix: str = "") -> CodingTable:
    """``data`` as a coding table: a CodingTable, or a polars or pandas frame read as one.

    A frame is read by :meth:`CodingTable.from_frame` (columns ``unit``, ``coder`` and one per
    variable); anything else is refused: ``what`` names the parameter, ``kind`` says what
    table it must be, ``fix`` what to pass.

    Raises
    ------
    DataTypeError
        For anything else (also a TypeError).
    """
    if isinstance(data, CodingTable):
        return data
    module = type(data).__module__
    if module.startswith(("polars", "pandas")) and hasattr(data, "columns"):
        return CodingTable.from_frame(data)
    msg = f"{what} must be a CodingTable{kind}, got {type(data).__name__}{fix}"
    raise DataTypeError(msg)
