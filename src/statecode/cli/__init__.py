"""The ``statecode`` command line: each command a Typer signature and one library call.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

from statecode.cli import _codebook, _compare, _io, _reliability
from statecode.cli._app import app

__all__ = ["app", "main"]

# the command modules register their commands with the app when imported
_COMMANDS = (_codebook, _compare, _io, _reliability)


def main() -> None:
    """Entry point of the ``statecode`` console script."""
    app()
