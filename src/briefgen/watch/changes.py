"""File-system events → sets of changed paths, from watchfiles, on background threads.

Two watchers: one over folders and their subfolders (``briefs/``, briefgen's templates,
image folders), one over the project folder alone (``references.bib``), so a large
``.venv`` or ``output/`` next to the project is never walked. Only files briefgen reads
count; editor swap files, the editions briefgen writes and hidden folders never do.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from briefgen.load.project import BIBLIOGRAPHY

RELEVANT_SUFFIXES = frozenset({".md", ".yaml", ".yml", ".bib", ".j2", ".css",
                               ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


class ChangeFeed:
    """:meth:`add` folders to watch; :meth:`next_changes` returns the paths changed since the last call."""

    READY_TIMEOUT = 10.0
    """Seconds to wait for a watcher to be in place before going on without that certainty."""

    def __init__(self, is_ignored: Callable[[Path], bool], stop: threading.Event) -> None:
        self.is_ignored = is_ignored
        """Files briefgen writes itself (the editions): never a change to rebuild for."""
        self.recursive: list[Path] = []
        self.stop = stop
        self._queue: queue.Queue[set[Path] | BaseException] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def add(self, paths: Sequence[Path], recursive: bool) -> None:
        """Watch ``paths`` (with their subfolders when ``recursive``); returns once the watcher is in place,
        so a change made after this call is always seen."""
        import watchfiles  # only watch and preview need it

        if not paths:
            return
        if recursive:
            self.recursive.extend(path.resolve() for path in paths)
        accept = self._is_relevant if recursive else self._is_bibliography
        default = watchfiles.DefaultFilter()

        def keep(change: object, path: str) -> bool:
            return bool(default(change, path)) and accept(Path(path))  # type: ignore[arg-type]

        ready = threading.Event()
        thread = threading.Thread(target=self._pump, args=(watchfiles, list(paths), recursive, keep, ready),
                                  name="briefgen-watch", daemon=True)
        thread.start()
        self._threads.append(thread)
        ready.wait(self.READY_TIMEOUT)

    def next_changes(self, timeout: float, settle: float = 0.1) -> set[Path]:
        """Changed paths (empty after ``timeout`` seconds without any); waits ``settle`` for more."""
        try:
            first = self._queue.get(timeout=timeout)
        except queue.Empty:
            return set()
        changes: set[Path] = set()
        item: set[Path] | BaseException | None = first
        while item is not None:
            if isinstance(item, BaseException):
                raise item
            changes |= item
            try:
                item = self._queue.get(timeout=settle)
            except queue.Empty:
                item = None
        return changes

    def join(self, timeout: float = 2.0) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _pump(self, watchfiles, paths: list[Path], recursive: bool, keep, ready: threading.Event) -> None:  # type: ignore[no-untyped-def]
        """The watcher yields an empty set after each quiet ``rust_timeout``: the first one says it is in place."""
        try:
            for changes in watchfiles.watch(*paths, watch_filter=keep, stop_event=self.stop, recursive=recursive,
                                            raise_interrupt=False, debounce=800, step=50, rust_timeout=200,
                                            yield_on_timeout=True):
                ready.set()
                if changes:
                    self._queue.put({Path(path) for _change, path in changes})
        except BaseException as error:  # a watcher that cannot run ends the session, with its reason
            if not self.stop.is_set():
                self._queue.put(error)
        finally:
            ready.set()

    def _is_relevant(self, path: Path) -> bool:
        if path.suffix.lower() not in RELEVANT_SUFFIXES:
            return False
        resolved = path.resolve()
        if self.is_ignored(resolved):
            return False
        for folder in self.recursive:
            if resolved.is_relative_to(folder.resolve()):
                return not any(part.startswith(".") for part in resolved.relative_to(folder.resolve()).parts[:-1])
        return True

    def _is_bibliography(self, path: Path) -> bool:
        return path.name == BIBLIOGRAPHY
