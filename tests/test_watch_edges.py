"""watch and preview at their edges: an output folder among the watched sources (``-o .``,
``-o briefs``) works without rebuild loops; an output watch does not refresh is called stale;
the preview server drops idle connections and says nothing when a browser hangs up."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.errors import Severity
from briefgen.watch.changes import ChangeFeed
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from briefgen.watch.server import IDLE_SECONDS, start_server
from conftest import brief_yaml, section_md, write_project

DEADLINE_SECONDS = 60
"""The longest any wait in this file may take."""

pytestmark = pytest.mark.slow  # watch processes and the preview server's idle timers


def _project(root: Path) -> Path:
    return write_project(root, {"briefs/b.yaml": brief_yaml(extra="audiences: [press, county-officials]\n"),
                                "briefs/sections/one.md": section_md("One", "First words [@gao2021].\n")})


# --- an output folder among the sources -------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize("output", [".", "briefs", "briefs/sections"])
def test_files_watch_writes_among_the_sources_never_count_as_changes(tmp_path: Path, output: str) -> None:
    root = _project(tmp_path / "p")
    live = LiveEditions(root, WatchOptions(briefs=("b",), audiences=("press",), formats=("html", "png"),
                                           output_dir=root / output))
    report = live.rebuild()
    assert report.failed == (), report.problems
    written = {path.name for path in report.written}
    assert written == {"b--press.html", "b--press.png"}
    feed = ChangeFeed(live.is_own_output, threading.Event())
    feed.recursive = [(root / "briefs").resolve()]
    png = (root / output / "b--press.png").resolve()
    assert not feed._is_relevant(png), "the PNG watch writes into the sources would start a round: a loop"
    assert feed._is_relevant((root / "briefs/sections/one.md").resolve())
    assert feed._is_relevant((root / "briefs/sections/picture.png").resolve()), "real images still count"


def _watch(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "--no-serve", "-C", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=env)


def _wait_for_line(process: subprocess.Popen[str], text: str, deadline: float, seen: list[str]) -> None:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return
    pytest.fail(f"no line with {text!r}: {seen!r}")


@pytest.mark.parametrize("output", [".", "briefs"])
def test_watch_into_the_project_or_briefs_folder_rebuilds_on_a_change(tmp_path: Path, output: str) -> None:
    root = _project(tmp_path / "p")
    deadline = time.monotonic() + DEADLINE_SECONDS
    process = _watch(root, "-a", "press", "-o", str(root / output))
    seen: list[str] = []
    try:
        _wait_for_line(process, "watching for changes", deadline, seen)
        page = root / output / "b--press.html"
        assert "First words" in page.read_text(encoding="utf-8")
        (root / "briefs/sections/one.md").write_text(section_md("One", "Edited words [@gao2021].\n"), encoding="utf-8")
        _wait_for_line(process, "rebuilt b--press", deadline, seen)
        assert "Edited words" in page.read_text(encoding="utf-8")
    finally:
        process.terminate()
        process.wait(timeout=DEADLINE_SECONDS)
    assert not any("Traceback" in line for line in seen), seen


# --- stale outputs ---------------------------------------------------------------------------------


def test_a_pdf_that_watch_does_not_refresh_is_called_stale_once(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "output").mkdir()
    old_pdf = root / "output/b--press.pdf"
    old_pdf.write_bytes(b"%PDF-1.7 from an earlier build\n")
    live = LiveEditions(root, WatchOptions(audiences=("press",), output_dir=root / "output"))
    report = live.rebuild()
    stale = [p for p in report.problems if p.location is not None and p.location.path == old_pdf.resolve()]
    assert len(stale) == 1 and stale[0].severity is Severity.WARNING
    assert stale[0].format(root=root) == (
        "output/b--press.pdf: warning: is stale: watch updates only the HTML of this edition, so this file does "
        "not show the changes made since it was built; refresh it with briefgen build, or watch with -f pdf")
    assert report.failed == () and "b--press" in report.rebuilt, "a warning, not a failure"
    (root / "briefs/sections/one.md").write_text(section_md("One", "Edited [@gao2021].\n"), encoding="utf-8")
    again = live.rebuild([root / "briefs/sections/one.md"])
    assert "b--press" in again.rebuilt
    assert not [p for p in again.problems if p.location is not None and p.location.path == old_pdf.resolve()]


@pytest.mark.pdf
def test_watching_with_pdf_too_leaves_nothing_stale(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "output").mkdir()
    (root / "output/b--press.pdf").write_bytes(b"%PDF-1.7 old\n")
    live = LiveEditions(root, WatchOptions(audiences=("press",), formats=("html", "pdf"), output_dir=root / "output"))
    report = live.rebuild()
    assert report.failed == () and report.problems == (), report.problems
    assert (root / "output/b--press.pdf").read_bytes().startswith(b"%PDF-") and b"old" not in (
        root / "output/b--press.pdf").read_bytes()


# --- the preview server's connections ----------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    root = _project(tmp_path / "p")
    live = LiveEditions(root, WatchOptions(audiences=("press",)))
    live.rebuild()
    served = start_server(live, 0, lambda problem: problem.format(root=root))
    try:
        yield "127.0.0.1", served.server_address[1]
    finally:
        served.shutdown()
        served.server_close()


def test_an_idle_connection_is_closed(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=DEADLINE_SECONDS) as client:
        started = time.monotonic()
        assert client.recv(1024) == b"", "the server closes a connection that sends nothing"
        assert time.monotonic() - started < DEADLINE_SECONDS
    assert IDLE_SECONDS <= 10


def test_a_half_sent_request_is_closed_too(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=DEADLINE_SECONDS) as client:
        client.sendall(b"GET /b--press.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        assert client.recv(1024) == b""


def test_aborted_connections_print_nothing(server: tuple[str, int], capfd: pytest.CaptureFixture[str]) -> None:
    before = threading.active_count()
    for _ in range(20):
        client = socket.create_connection(server, timeout=DEADLINE_SECONDS)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # hang up with a reset
        client.sendall(b"GET /b--press.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        client.close()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)  # the handler threads finish writing into closed connections
    with socket.create_connection(server, timeout=DEADLINE_SECONDS) as client:
        client.sendall(b"GET /b--press.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        assert client.recv(12).startswith(b"HTTP/1.0 200"), "the server still answers"
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == "", captured.err
