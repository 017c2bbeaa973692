"""Progress of long computations: a callback, or a bar in the terminal or the notebook.

Long computations (bootstraps) take ``progress=``: None or False for nothing, a callable
``f(n)`` called with each batch of work just done, or True for a rich progress bar, which
draws in terminals and Jupyter notebooks alike.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import IO

__all__ = ["Progress", "ProgressArg", "progress_to"]

Progress = Callable[[int], None]
ProgressArg = Progress | bool | None


@contextlib.contextmanager
def progress_to(
    progress: ProgressArg, total: int, label: str, *, file: IO[str] | None = None
) -> Iterator[Progress | None]:
    """The callback ``progress`` asks for over ``total`` steps of work.

    Parameters
    ----------
    progress : callable, bool or None
        A callback is passed through; True draws a rich bar (on ``file``, default stderr)
        that closes when the block ends; None or False gives None.
    total : int
        The steps of work (replicates); nothing is drawn for none.
    label : str
        What the bar says it is doing.
    """
    if progress is None or progress is False or total <= 0:
        yield None
        return
    if progress is not True:
        if not callable(progress):  # a wrong type at run time, whatever the annotation says
            from statecode.exceptions import OptionError  # type: ignore[unreachable]  # noqa: PLC0415

            msg = f"progress={progress!r}: give True (a bar), False, or a callable f(n)"
            raise OptionError(msg, option="progress")
        yield progress
        return
    # rich only when a bar is drawn: importing statecode stays fast
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar  # noqa: PLC0415

    console = Console(file=file or sys.stderr)
    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
