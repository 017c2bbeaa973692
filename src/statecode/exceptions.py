"""Errors and warnings raised by statecode.

Every error a user can cause derives from :class:`StatecodeError` and from the builtin it
refines, so ``except ValueError`` keeps working in code that does not know statecode. Each
message names where the problem is (file, row, column or codebook path), the offending value,
and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "CodebookError",
    "DataError",
    "DataTypeError",
    "DegenerateDataWarning",
    "InputFileError",
    "MissingExtraError",
    "MissingLookalikeWarning",
    "NearDuplicateValuesWarning",
    "OptionError",
    "Problem",
    "StatecodeError",
    "StatecodeWarning",
]


@attrs.frozen
class Problem:
    """One problem found while validating input.

    Attributes
    ----------
    where : str
        The location, as a path into the codebook (``variables[3].categories[1].code``) or as
        ``row 12, column 'value'`` for tables.
    message : str
        What is wrong and how to fix it.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class StatecodeError(Exception):
    """Base class of every error statecode raises for bad input."""


class _ProblemsError(StatecodeError):
    """An error that carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem] | str, *, source: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            msg = f"{head}{self.problems[0]}"
        else:
            lines = "\n".join(f"  {p}" for p in self.problems)
            msg = f"{head}{len(self.problems)} problems:\n{lines}"
        super().__init__(msg)


class CodebookError(_ProblemsError, ValueError):
    """A codebook is malformed; ``problems`` lists every problem with its path."""


class DataError(_ProblemsError, ValueError):
    """Coded data (or a corpus) is malformed or does not match the codebook.

    ``problems`` lists every problem found, each with its row and column; ``source`` names
    the file.
    """


class DataTypeError(DataError, TypeError):
    """Data of the wrong kind: a result where a coding table goes, a list where a frame does.

    Also a :class:`TypeError`, so ``except TypeError`` keeps working.
    """


class StatecodeWarning(UserWarning):
    """Base class of statecode's warnings."""


class DegenerateDataWarning(StatecodeWarning):
    """The data are legal but a coefficient is undefined for them (no variation, one coder)."""


class NearDuplicateValuesWarning(StatecodeWarning):
    """Values of one variable differ only in letter case, white space or Unicode form.

    They count as different values (disagreement); ``normalize=`` makes them one.
    """


class MissingLookalikeWarning(StatecodeWarning):
    """Cells such as ``N/A`` or ``null`` look like missing values but are read as values."""


class OptionError(StatecodeError, ValueError):
    """An option has a value outside its choices or range (``level='ordnal'``).

    ``option`` names the keyword (or the command-line option) that was given, so the
    command line can report it as a usage error in its own terms.
    """

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


class InputFileError(StatecodeError, OSError):
    """A file cannot be found, read or written, or its format is not known."""


class MissingExtraError(StatecodeError, ImportError):
    """An optional dependency is not installed; the message says what to install."""
