"""The ``statecode`` command line: each command a Typer signature and one library call.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

import gc

from statecode.cli import _codebook, _compare, _io, _reliability
from statecode.cli._app import app

__all__ = ["app", "main"]

# the command modules register their commands with the app when imported
_COMMANDS = (_codebook, _compare, _io, _reliability)

# new objects between two collections of the youngest generation, while a command runs
_THRESHOLD = 100_000


def main() -> None:
    """Entry point of the ``statecode`` console script.

    A command first imports polars, numpy and statecode's modules, some 50,000 objects: at
    the cyclic collector's default threshold (700 new objects) it walks them some 140
    times, 0.05-0.1 s of CPU. The data live in polars and numpy buffers, not in Python
    objects, so a threshold of 100,000 leaves at most some 10 MB of cycles uncollected.
    """
    before = gc.get_threshold()
    gc.set_threshold(_THRESHOLD, *before[1:])
    try:
        app()
    finally:
        gc.set_threshold(*before)
