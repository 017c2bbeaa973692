"""The ``statecode`` command line: each command a Typer signature and one library call.

User mistakes (a bad file, a malformed codebook) end with one line per problem on stderr and
exit code 1; usage errors (an unknown option) with exit code 2. No tracebacks for either.
"""

import gc
import os
import sys

from statecode.cli import _codebook, _compare, _io, _reliability
from statecode.cli._app import app

__all__ = ["app", "main"]

# the command modules register their commands with the app when imported
_COMMANDS = (_codebook, _compare, _io, _reliability)

# new objects between two collections of the youngest generation, while a command runs
_THRESHOLD = 100_000
# what OpenBLAS reads for its number of threads, first to last; the user's setting wins
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def main() -> None:
    """Entry point of the ``statecode`` console script.

    A command first imports polars, numpy and statecode's modules, some 50,000 objects: at
    the cyclic collector's default threshold (700 new objects) it walked them in some 140
    collections, 0.05-0.1 s of CPU. The data live in polars and numpy buffers, not in
    Python objects; at 100,000, cycles of that many containers wait for a collection.

    numpy's OpenBLAS starts a thread per core when numpy is imported, and each spins a while
    for work: 0.06 s of CPU per command on two cores, more on more. statecode's kernels sum
    with numpy, not BLAS, and its bootstraps ran as fast or faster with one thread (10,000
    replicates of 10 x 10k: 1.34-1.50 against 1.45-1.59 s user time), so a command runs
    OpenBLAS on one thread unless ``OPENBLAS_NUM_THREADS``, ``GOTO_NUM_THREADS`` or
    ``OMP_NUM_THREADS`` says otherwise. The library, imported, leaves it as it is.
    """
    before = gc.get_threshold()
    gc.set_threshold(_THRESHOLD, *before[1:])
    blas = "numpy" not in sys.modules and not any(v in os.environ for v in _BLAS_THREADS)
    if blas:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        app()
    finally:
        gc.set_threshold(*before)
        if blas:
            os.environ.pop("OPENBLAS_NUM_THREADS", None)
