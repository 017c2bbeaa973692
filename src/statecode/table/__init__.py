"""Coding tables and the one hop from tables to integer-coded arrays.

:class:`CodingTable` is the validated long table of codings (``unit``, ``coder``,
``variable``, ``value``, plus the ``row`` of the source file each coding came from).
:class:`ReliabilityData` is what the reliability kernels see: an ``(m, N)`` array of integer
codes (``-1`` = missing) into a value domain. Every route from user data to the kernels
(array-likes, long data frames, coding tables) goes through this package.
"""

from statecode.table._checks import duplicate_problem, normal_form, warn_missing_lookalikes
from statecode.table._coding import LONG_SCHEMA, CodingTable, coding_table
from statecode.table._factorize import check_domain, factorize
from statecode.table._reliability import ReliabilityData

__all__ = [
    "LONG_SCHEMA",
    "CodingTable",
    "ReliabilityData",
    "check_domain",
    "coding_table",
    "duplicate_problem",
    "factorize",
    "normal_form",
    "warn_missing_lookalikes",
]
