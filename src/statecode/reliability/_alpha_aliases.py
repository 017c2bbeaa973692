"""The krippendorff package's names for krippendorff_alpha's data, level and domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statecode.exceptions import OptionError
from statecode.options import AlphaLevel, Level

__all__ = ["aliases"]


def aliases(
    data: Any,
    level: AlphaLevel | Level | str | None,
    domain: Sequence[Any] | None,
    reliability_data: Any,
    level_of_measurement: AlphaLevel | Level | str | None,
    value_domain: Sequence[Any] | None,
) -> tuple[Any, AlphaLevel | Level | str | None, Sequence[Any] | None]:
    """``data``, ``level`` and ``domain``, given by their names or the krippendorff package's."""
    pairs = (
        ("data", data, "reliability_data", reliability_data),
        ("level", level, "level_of_measurement", level_of_measurement),
        ("domain", domain, "value_domain", value_domain),
    )
    for name, ours, alias, theirs in pairs:
        if ours is not None and theirs is not None:
            msg = f"{name}= and {alias}= are the same option; give one of them"
            raise OptionError(msg, option=alias)
    if reliability_data is not None and level is None and level_of_measurement is None:
        msg = (
            "reliability_data= without level_of_measurement=: the krippendorff package "
            "takes interval data by default and statecode nominal, so say which "
            "(level_of_measurement='interval' gives that package's result)"
        )
        raise OptionError(msg, option="level_of_measurement")
    if data is None and reliability_data is None:
        msg = "krippendorff_alpha needs the data: a coders x units array, a frame or a table"
        raise OptionError(msg, option="data")
    return (
        data if data is not None else reliability_data,
        level if level is not None else level_of_measurement,
        domain if domain is not None else value_domain,
    )
