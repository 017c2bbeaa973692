"""The one way user data reach the reliability functions: as ReliabilityData."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statecode.codebook import Variable
from statecode.exceptions import DataError
from statecode.table import CodingTable, ReliabilityData

__all__ = ["chosen_variable", "codebook_variable", "reliability_data"]


def chosen_variable(table: CodingTable, variable: str | None) -> str:
    """The variable of ``table`` to score: ``variable``, or the table's only one."""
    if variable is not None:
        return variable
    if len(table.variables) == 1:
        return table.variables[0]
    have = ", ".join(table.variables) or "none"
    msg = f"a CodingTable holds several variables; choose one with variable= ({have})"
    raise DataError(msg)


def codebook_variable(data: Any, variable: str | None) -> Variable | None:
    """The codebook variable scored, for a CodingTable (``variable=``, unless it has one)."""
    if isinstance(data, CodingTable):
        return data.variable(chosen_variable(data, variable))
    if variable is not None:
        msg = "variable= applies to a CodingTable only"
        raise DataError(msg)
    return None


def reliability_data(
    data: Any,
    *,
    variable: str | None = None,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    domain: Sequence[Any] | None = None,
    numeric: bool = False,
) -> ReliabilityData:
    """Turn any accepted input into coders x units codes.

    Accepted: ReliabilityData; a CodingTable with ``variable`` (or of one variable); a polars
    or pandas DataFrame in long layout (columns ``unit``, ``coder``, ``value``); a 2-D
    array-like (coders x units).
    """
    if isinstance(data, ReliabilityData):
        return data
    if isinstance(data, CodingTable):
        chosen = chosen_variable(data, variable)
        return data.to_reliability_data(chosen, domain=domain, numeric=numeric)
    module = type(data).__module__
    if module.startswith(("polars", "pandas")) and hasattr(data, "columns"):
        return ReliabilityData.from_long(data, unit=unit, coder=coder, value=value, domain=domain)
    return ReliabilityData.from_array(data, domain=domain)
