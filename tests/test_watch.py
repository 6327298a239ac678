"""briefgen watch and preview: which editions a change rebuilds, what is served, and a real
watcher process that sees an edited section. Every wait is bounded by a deadline."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefgen.watch.rebuild import LiveEditions, WatchOptions
from briefgen.watch.server import STATUS_PATH, start_server
from conftest import brief_yaml, section_md

DEADLINE_SECONDS = 60
"""The longest any wait in this file may take; a healthy run needs a second or two."""

FILES = {
    "briefs/a.yaml": "title: Brief A\nsections:\n  - shared\n  - id: press-only\n    audiences: [press]\n",
    "briefs/b.yaml": brief_yaml(["other"], title="Brief B"),
    "briefs/sections/shared.md": section_md("Shared", "Everyone reads this [@gao2021].\n"),
    "briefs/sections/press-only.md": section_md("Press only", "Reporters read this [@gao2021].\n"),
    "briefs/sections/other.md": section_md("Other", "Brief B only [@gao2021].\n"),
}
A = ["a--community-groups", "a--county-officials", "a--press"]
B = ["b--community-groups", "b--county-officials", "b--press"]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(FILES)


def live_editions(project: Path, output: bool = True) -> LiveEditions:
    live = LiveEditions(project, WatchOptions(output_dir=project / "output" if output else None))
    report = live.rebuild()
    assert report.failed == () and report.problems == (), report.problems
    assert sorted(report.rebuilt) == A + B
    return live


def edit(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_section_change_rebuilds_only_the_editions_that_use_it(project: Path) -> None:
    live = live_editions(project)
    changed = edit(project / "briefs/sections/other.md", section_md("Other", "Changed text [@gao2021].\n"))
    report = live.rebuild([changed])
    assert sorted(report.rebuilt) == B
    assert sorted(report.unchanged) == A
    assert "Changed text" in (project / "output/b--press.html").read_text(encoding="utf-8")


def test_a_section_for_one_audience_rebuilds_the_briefs_editions_that_list_it(project: Path) -> None:
    live = live_editions(project)
    changed = edit(project / "briefs/sections/press-only.md", section_md("Press only", "New [@gao2021].\n"))
    assert sorted(live.rebuild([changed]).rebuilt) == ["a--press"]


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param("references.bib", A + B, id="bibliography-rebuilds-everything"),
    pytest.param("briefs/a.yaml", A, id="manifest-rebuilds-its-brief"),
    pytest.param("briefs/audiences/press.yaml", ["a--press", "b--press"], id="profile-rebuilds-its-audience"),
    pytest.param("briefs/sections/unused.md", [], id="an-unlisted-section-rebuilds-nothing"),
])
def test_what_each_kind_of_file_rebuilds(project: Path, path: str, expected: list[str]) -> None:
    live = live_editions(project)
    target = project / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.endswith(".md"):
        edit(target, section_md("Unused", "Nobody lists this.\n"))
    elif path.endswith("press.yaml"):
        edit(target, "label: Reporters\n")
    else:
        edit(target, target.read_text(encoding="utf-8") + "\n")
    assert sorted(live.rebuild([target]).rebuilt) == expected


def test_a_content_error_keeps_the_last_good_page_and_recovers(project: Path) -> None:
    live = live_editions(project)
    output = project / "output/b--press.html"
    good = output.read_text(encoding="utf-8")
    broken = edit(project / "briefs/sections/other.md", section_md("Other", "Oops [@gao2012].\n"))
    report = live.rebuild([broken])
    assert sorted(report.failed) == B and report.rebuilt == ()
    assert any("unknown citation key 'gao2012'" in p.message and p.location and p.location.line == 4
               for p in report.problems)
    assert output.read_text(encoding="utf-8") == good, "a broken edition is not written"
    state = live.get("b--press")
    assert state is not None and state.has_errors and state.html == good
    fixed = edit(project / "briefs/sections/other.md", section_md("Other", "Fixed [@gao2021].\n"))
    assert sorted(live.rebuild([fixed]).rebuilt) == B
    assert "Fixed" in output.read_text(encoding="utf-8")


def test_a_broken_front_matter_fails_the_editions_that_use_the_file(project: Path) -> None:
    live = live_editions(project)
    broken = edit(project / "briefs/sections/shared.md", "---\ntitle: [unclosed\n---\nText\n")
    report = live.rebuild([broken])
    assert sorted(report.failed) == A
    assert any(p.location and p.location.path.name == "shared.md" for p in report.problems)


def test_a_new_brief_is_built_and_a_deleted_one_removed(project: Path) -> None:
    live = live_editions(project)
    new = edit(project / "briefs/c.yaml", brief_yaml(["other"], title="Brief C"))
    assert sorted(live.rebuild([new]).rebuilt) == ["c--community-groups", "c--county-officials", "c--press"]
    (project / "briefs/b.yaml").unlink()
    report = live.rebuild([project / "briefs/b.yaml"])
    assert sorted(report.removed) == B


def test_a_watched_brief_that_disappears_is_reported_once(project: Path) -> None:
    live = LiveEditions(project, WatchOptions(briefs=("b",), output_dir=None))
    assert sorted(live.rebuild().rebuilt) == B
    (project / "briefs/b.yaml").unlink()
    report = live.rebuild([project / "briefs/b.yaml"])
    assert sorted(report.removed) == B
    assert [p.message for p in report.problems] == ["the brief 'b' being watched no longer exists"]
    other = edit(project / "briefs/sections/shared.md", section_md("Shared", "Changed [@gao2021].\n"))
    assert live.rebuild([other]).problems == ()


def test_preview_writes_nothing(project: Path) -> None:
    live = live_editions(project, output=False)
    assert not (project / "output").exists()
    state = live.get("a--press")
    assert state is not None and state.html is not None and "Reporters read this" in state.html


# --- the server -----------------------------------------------------------------------------


@pytest.fixture
def served(project: Path) -> Iterator[tuple[LiveEditions, str]]:
    live = live_editions(project)
    server = start_server(live, 0, lambda problem: problem.format(root=project))
    try:
        yield live, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_served_pages_carry_the_reload_script_and_written_files_do_not(served, project: Path) -> None:
    _live, base = served
    status, page = fetch(f"{base}/a--press.html")
    assert status == 200
    assert 'id="briefgen-live-reload"' in page and STATUS_PATH in page
    written = (project / "output/a--press.html").read_text(encoding="utf-8")
    assert "briefgen-live-reload" not in written and "<script" not in written
    assert page.replace(page[page.index('<script id="briefgen-live-reload">'):page.index("</script>") + 10], "") == written


def test_status_lists_every_edition_with_its_version(served, project: Path) -> None:
    live, base = served
    _status, body = fetch(base + STATUS_PATH)
    status = json.loads(body)
    assert status == {"round": 1, "editions": dict.fromkeys(A + B, 1), "failed": []}
    live.rebuild([edit(project / "briefs/sections/other.md", section_md("Other", "New [@gao2021].\n"))])
    status = json.loads(fetch(base + STATUS_PATH)[1])
    assert status["editions"]["b--press"] == 2 and status["editions"]["a--press"] == 1


def test_an_edition_with_errors_is_served_under_a_banner(served, project: Path) -> None:
    live, base = served
    live.rebuild([edit(project / "briefs/sections/other.md", section_md("Other", "Oops [@gao2012].\n"))])
    status, page = fetch(f"{base}/b--press.html")
    assert status == 200
    assert 'id="briefgen-problems" role="alert"' in page
    assert "briefs/sections/other.md:4: unknown citation key" in page
    assert "Brief B only" in page, "the last good version stays visible"
    assert json.loads(fetch(base + STATUS_PATH)[1])["failed"] == B


@pytest.mark.parametrize(("path", "code"), [
    pytest.param("/", 200, id="index"),
    pytest.param("/nope.html", 404, id="unknown-edition"),
    pytest.param("/../references.bib", 404, id="no-files-outside-the-editions"),
    pytest.param("/a--press.pdf", 404, id="no-pdf-unless-asked-for"),
])
def test_routes(served, path: str, code: int) -> None:
    _live, base = served
    assert fetch(base + path)[0] == code


def test_requests_for_another_host_are_refused(served) -> None:
    _live, base = served
    assert fetch(f"{base}/a--press.html", host="attacker.example")[0] == 403


# --- a real watcher -----------------------------------------------------------------------


class Lines:
    """A process's output lines, read on a thread so that every wait can have a deadline."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put(line)

    def wait_for(self, pattern: str, deadline: float) -> re.Match[str]:
        while True:
            for line in self.seen:
                match = re.search(pattern, line)
                if match:
                    return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no output line matched {pattern!r}; got {self.seen!r}")
            try:
                self.seen.append(self.lines.get(timeout=remaining))
            except queue.Empty:
                continue


def wait_until(condition: Callable[[], bool], deadline: float, what: str) -> None:
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.slow
def test_watch_rebuilds_an_edited_section(project: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "--port", "0", "-C", str(project)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    try:
        out, err = Lines(process.stdout), Lines(process.stderr)
        base = out.wait_for(r"serving (http://127\.0\.0\.1:\d+)/", deadline).group(1)
        output = project / "output/b--press.html"
        assert "Brief B only" in output.read_text(encoding="utf-8")
        assert "Brief B only" in fetch(f"{base}/b--press.html")[1]

        edit(project / "briefs/sections/other.md", section_md("Other", "Edited while watching [@gao2021].\n"))
        wait_until(lambda: "Edited while watching" in output.read_text(encoding="utf-8"), deadline, "the rebuilt HTML")
        page = fetch(f"{base}/b--press.html")[1]
        assert "Edited while watching" in page and "briefgen-live-reload" in page
        assert "briefgen-live-reload" not in output.read_text(encoding="utf-8")
        versions = json.loads(fetch(base + STATUS_PATH)[1])["editions"]
        assert all(versions[name] == 1 for name in A), "editions without the changed file are not rebuilt"
        assert all(versions[name] > 1 for name in B)

        edit(project / "briefs/sections/other.md", section_md("Other", "Broken [@gao2012].\n"))
        err.wait_for(r"briefs/sections/other\.md:4: error: unknown citation key 'gao2012'", deadline)
        wait_until(lambda: "briefgen-problems" in fetch(f"{base}/b--press.html")[1], deadline, "the error banner")
        assert process.poll() is None, "a content error does not stop the watcher"
    finally:
        process.terminate()
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0


def test_a_save_without_changes_rebuilds_nothing(project: Path) -> None:
    live = live_editions(project)
    section = project / "briefs/sections/other.md"
    os.utime(section, None)  # what `touch` does: a change event, the same content
    assert live.changed_content([section]) == set()
    assert live.changed_content([project / "references.bib"]) == set(), "the bibliography is remembered too"
    edit(section, section_md("Other", "Now really changed [@gao2021].\n"))
    assert live.changed_content([section]) == {section.resolve()}
    assert live.changed_content([section]) == set(), "the new content is remembered"


@pytest.mark.slow
def test_touch_while_watching_reloads_no_page(project: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "-v", "watch", "--port", "0", "-C", str(project)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    try:
        out, _err = Lines(process.stdout), Lines(process.stderr)
        base = out.wait_for(r"serving (http://127\.0\.0\.1:\d+)/", deadline).group(1)
        os.utime(project / "briefs/sections/other.md", None)
        os.utime(project / "references.bib", None)
        time.sleep(2.5)  # longer than the watcher's debounce (0.8 s) and a rebuild of this project
        edit(project / "briefs/sections/shared.md", section_md("Shared", "A real edit [@gao2021].\n"))
        out.wait_for(r"rebuilt a--", deadline)
        versions = json.loads(fetch(base + STATUS_PATH)[1])["editions"]
        assert all(versions[name] == 1 for name in B), "the touched files changed nothing, so B's pages stay as built"
        assert all(versions[name] == 2 for name in A), "the one real change is the second round"
    finally:
        process.terminate()
        process.wait(timeout=DEADLINE_SECONDS)


@pytest.mark.pdf
def test_sigterm_stops_watch_at_once_even_during_a_build(make_project: Callable[..., Path]) -> None:
    many = {f"briefs/b{n}.yaml": brief_yaml(["shared"], title=f"Brief {n}") for n in range(30)}
    project = make_project({**many, "briefs/sections/shared.md": FILES["briefs/sections/shared.md"]})
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "-v", "watch", "--no-serve", "-f", "pdf",
                                "-C", str(project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", env=env)
    out = Lines(process.stdout)
    deadline = time.monotonic() + DEADLINE_SECONDS
    wait_until(lambda: any((project / "output").glob("*.pdf")), deadline, "the first PDF of the first round")
    process.terminate()
    try:
        process.wait(timeout=15)  # 90 PDF editions take far longer than this to build
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("watch went on building after SIGTERM")
    assert process.returncode == 0
    out.wait_for(r"^stopped$", time.monotonic() + 5)
    assert not list((project / "output").glob(".*.tmp")), "no half-written file is left behind"
