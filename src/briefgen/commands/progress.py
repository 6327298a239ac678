"""The build's progress bar, on a terminal only.

rich is imported only when a bar is shown: on a terminal (standard error), for a build of
more than one edition. The bar is redrawn on each finished edition rather than by a
background thread, so worker processes are never forked from a threaded process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any


def is_terminal() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


@contextlib.contextmanager
def progress_bar(is_enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A ``(done, total)`` callback drawing the bar, or None when no bar is wanted."""
    if not is_enabled:
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < 2:
            return
        if "progress" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn("building editions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True, auto_refresh=False)
            progress.start()
            state["progress"], state["task"] = progress, progress.add_task("build", total=total)
        state["progress"].update(state["task"], completed=done, total=total, refresh=True)

    try:
        yield update
    finally:
        if "progress" in state:
            state["progress"].stop()
