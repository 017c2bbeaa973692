"""CodingTable: the validated long table of codings, with the rows they came from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from statecode._frames import take, to_polars
from statecode._provenance import SourceFile
from statecode._typing import Value
from statecode._values import EMPTY_SET, sort_key, value_text
from statecode.codebook import Codebook, Level, Variable
from statecode.exceptions import DataError, DataTypeError, Problem
from statecode.model import Coding
from statecode.options import Normalization
from statecode.table._checks import (
    choose_variables,
    duplicate_problems,
    id_problems,
    missing_id_problems,
    normalized,
    numeric_domain,
    unit_groups,
    validate,
    warn_near_duplicates,
)
from statecode.table._factorize import check_domain, factorize_numbers, raise_outside
from statecode.table._reliability import ReliabilityData, assemble

__all__ = ["LONG_SCHEMA", "CodingTable", "coding_table"]

# problems listed one by one before the rest are counted
_SHOWN = 20

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
        shows it; null for codings made in Python).
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

    data: pl.DataFrame
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
        # user column names may be anything ("*", "^a$"): taken by name under internal ones
        inner = {f"\x00{i}": name for i, name in enumerate(chosen)}
        work = take(df, {"unit": unit, "coder": coder, **inner}).select(
            pl.col("unit", "coder").cast(pl.String),
            *(pl.col(name).cast(pl.String) for name in inner),
        )
        rows = (
            df.get_column(row_column).cast(pl.Int64)
            if row_column is not None
            else pl.int_range(first_row, first_row + df.height, dtype=pl.Int64, eager=True)
        )
        work = work.with_columns(rows.alias("row"))
        names = {"unit": unit, "coder": coder}
        blank, bad_rows = id_problems(work, names)
        duplicates, dup_rows = duplicate_problems(work, names, list(inner))
        problems = blank + duplicates
        if problems and not skip_invalid:
            raise DataError(problems, source=source)
        skipped = list(problems)
        if bad_rows or dup_rows:
            work = work.filter(~pl.col("row").is_in(sorted(bad_rows | dup_rows)))
        long = (
            work.unpivot(
                index=["row", "unit", "coder"],
                on=list(inner),
                variable_name="variable",
                value_name="\x00value",
            )
            .select(
                "unit",
                "coder",
                pl.col("variable").replace_strict(inner, return_dtype=pl.String),
                pl.col("\x00value").replace("", None).alias("value"),
                "row",
            )
            .filter(pl.col("value").is_not_null())
        )
        if normalize is not None:
            long = normalized(long, normalize, separator)
        if codebook is not None:
            value_problems: list[Problem] = []
            long, bad_cells = validate(long, codebook, separator, value_problems)
            if value_problems and not skip_invalid:
                raise DataError(value_problems, source=source)
            skipped += value_problems
            long = long.join(bad_cells, on=["row", "variable"], how="anti", maintain_order="left")
        else:
            warn_near_duplicates(long, source)
        return cls(
            long,
            codebook=codebook,
            source=source,
            separator=separator,
            skipped=tuple(skipped),
            groups=groups,
            group_by=by,
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
        return tuple(self.data["variable"].unique(maintain_order=True).to_list())

    @property
    def units(self) -> tuple[str, ...]:
        """The units, in order of first appearance."""
        return tuple(self.data["unit"].unique(maintain_order=True).to_list())

    @property
    def coders(self) -> tuple[str, ...]:
        """The coders, in order of first appearance."""
        return tuple(self.data["coder"].unique(maintain_order=True).to_list())

    def __len__(self) -> int:
        return self.data.height

    def variable(self, name: str) -> Variable | None:
        """The codebook variable ``name`` (None without a codebook)."""
        if name not in self.variables:
            have = ", ".join(self.variables) or "(none)"
            msg = f"no variable {name!r} in the codings (variables: {have})"
            raise DataError(msg, source=self.source)
        return self.codebook[name] if self.codebook is not None else None

    def to_reliability_data(
        self, variable: str, *, domain: Sequence[Any] | None = None, numeric: bool = False
    ) -> ReliabilityData:
        """The coders x units codes of one variable: the hop to the kernels.

        Values are read as the codebook says (numbers, codes, or sets of codes), or as
        numbers when ``numeric`` is set or every value is a number, else as text. With a
        codebook, the domain of a categorical variable is all its codes in codebook order
        (ordinal: in ``order``). Distinct values are coded once and mapped column-wise.
        """
        var = self.variable(variable)
        part = self.data.filter(pl.col("variable") == variable)
        values = part["value"]
        if var is not None and var.multi_label:
            codes_1d, labels = self._code_sets(values, domain)
            return assemble(part, codes_1d, labels, None)
        interval_codes = var is not None and var.level in (Level.INTERVAL, Level.RATIO)
        if domain is None and var is not None and var.categories:
            domain = [float(c) for c in var.codes] if interval_codes else list(var.codes)
        as_numbers = values.cast(pl.Float64, strict=False)
        numbers_wanted = numeric or interval_codes or (var is not None and not var.categories)
        # "nan" and "inf" parse as floats, but are no values to score: not numbers here
        finite = as_numbers.is_finite().fill_null(value=False)
        all_numbers = bool(finite.all()) and values.len() > 0
        if numbers_wanted or (var is None and all_numbers and numeric_domain(domain)):
            if not all_numbers:
                self._raise_not_numbers(part.filter(~finite), variable)
            codes_1d, labels, numbers = factorize_numbers(as_numbers.to_numpy(), domain)
            return assemble(part, codes_1d, labels, numbers)
        labels = (
            tuple(domain)
            if domain is not None
            else tuple(sorted(values.unique().to_list(), key=sort_key))
        )
        check_domain(labels)
        index = {str(v): i for i, v in enumerate(labels)}
        unknown = set(values.unique().to_list()) - set(index)
        if unknown:
            raise_outside(unknown, labels)
        codes_1d = values.replace_strict(index, return_dtype=pl.Int32).to_numpy()
        return assemble(part, codes_1d, labels, None)

    def _code_sets(
        self, values: pl.Series, domain: Sequence[Any] | None
    ) -> tuple[NDArray[np.int32], tuple[Any, ...]]:
        sets = {t: self._set_of(t) for t in values.unique().to_list()}
        if domain is not None:
            labels = tuple(frozenset(d) for d in domain)
            check_domain(labels)
        else:
            labels = tuple(sorted(set(sets.values()), key=sort_key))
        index = {s: i for i, s in enumerate(labels)}
        unknown = {s for s in sets.values() if s not in index}
        if unknown:
            raise_outside(unknown, labels)
        mapping = {t: index[s] for t, s in sets.items()}
        return values.replace_strict(mapping, return_dtype=pl.Int32).to_numpy(), labels

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
