"""The build's progress bar, on a terminal only: editions done of the total, the rate
(editions a second, since the build began to make them) and the time left at that rate.

rich is imported only when a bar is shown: on a terminal (standard error), for a build of
more than one edition. The bar is redrawn on each finished edition rather than by a
background thread, so worker processes are never forked from a threaded process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from time import monotonic
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
        now = monotonic()
        if "progress" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn("building editions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.fields[rate]}"), console=Console(stderr=True), transient=True,
                                auto_refresh=False)
            progress.start()
            state["progress"], state["started"] = progress, now
            state["task"] = progress.add_task("build", total=total, rate="")
        rate = describe_rate(done, total, now - state["started"])
        state["progress"].update(state["task"], completed=done, total=total, rate=rate, refresh=True)

    try:
        yield update
    finally:
        if "progress" in state:
            state["progress"].stop()


def describe_rate(done: int, total: int, seconds: float) -> str:
    """``12.5 editions/s, about 3:20 left``: the rate since the bar began and the time the
    remaining editions take at that rate; empty until an edition is done."""
    if done < 1 or seconds <= 0:
        return ""
    rate = done / seconds
    shown = f"{rate:.1f} editions/s" if rate >= 0.95 else f"{seconds / done:.1f} s an edition"
    if done >= total:
        return shown
    left = round((total - done) / rate)
    hours, rest = divmod(left, 3600)
    clock = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
    return f"{shown}, about {clock} left"
