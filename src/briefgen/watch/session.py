"""One watch session: build everything once, serve, then rebuild on every change until stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Diagnostic
from briefgen.watch.changes import ChangeFeed
from briefgen.watch.rebuild import LiveEditions, RebuildReport, WatchOptions


@dataclass(frozen=True, slots=True)
class ServeOptions:
    is_serving: bool = True
    port: int = 8000
    """0 picks a free port."""


def run_session(root: Path, options: WatchOptions, serve: ServeOptions, stop: threading.Event,
                on_report: Callable[[RebuildReport], None], on_ready: Callable[[str | None], None],
                format_problem: Callable[[Diagnostic], str], on_note: Callable[[str], None] | None = None) -> None:
    """Runs until ``stop`` is set (or Ctrl-C). ``on_ready`` gets the preview URL (None when not serving);
    ``on_note`` what is worth saying about the editions watched (a preview of a brief's first place)."""
    live = LiveEditions(root, options)
    for note in live.check_selection():
        if on_note is not None:
            on_note(note)
    feed = ChangeFeed(live.is_own_output, stop)
    server = None
    try:
        if serve.is_serving:
            from briefgen.watch.server import start_server

            server = start_server(live, serve.port, format_problem)
        recursive, flat = live.watched_folders()
        feed.add(recursive, recursive=True)  # in place before the first build: no change is missed
        feed.add(flat, recursive=False)
        on_report(live.rebuild())
        feed.add([folder for folder in live.watched_folders()[0] if folder not in recursive], recursive=True)
        on_ready(f"http://127.0.0.1:{server.server_address[1]}/" if server is not None else None)
        while not stop.is_set():
            changed = live.changed_content(feed.next_changes(timeout=0.25))
            if changed:
                on_report(live.rebuild(changed))
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        feed.join()
