"""A time limit on laying out one edition, so a pathological page cannot hang a build."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

MAX_RENDER_SECONDS = 300.0
"""Longest one edition's PDF may take to lay out; an eight-page brief takes about a second."""


_REPEAT_SECONDS = 0.05


class RenderTimeout(BaseException):
    """The time limit ran out. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way (WeasyPrint logs and skips a resource that fails to load)
    can swallow it and let the layout run on without a limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`RenderTimeout` if the block runs longer than ``seconds``.

    Uses the process's real-time timer, so it applies in the main thread (of the main
    process or of a worker process); elsewhere the block runs without a limit.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise RenderTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    # Once the time is up the alarm repeats: an alarm that lands inside a C library's callback
    # into Python (Pango asking for a font) raises where the library cannot pass it on, and is lost.
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
