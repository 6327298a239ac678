"""Hostile projects' HTML editions, opened in headless Chromium: no script runs, nothing is fetched.

The organization, the title and the Markdown carry payloads that would run a script or load
a URL if any of them reached the page as markup or CSS. The browser is the judge: a dialog,
a changed window flag or any request besides the page itself (and data: URIs) fails the test.
The browser is the session's one Chromium (the ``chromium`` fixture in conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md
from test_injection import yaml_string

PAYLOADS = [
    pytest.param("Lab</style><script>window.pwned=1;alert(1)</script><style>", id="end-of-style"),
    pytest.param("Lab</STYLE><img src=x onerror=\"window.pwned=2;alert(2)\"><style>", id="img-onerror"),
    pytest.param('Lab";}\n@import url(http://127.0.0.1:9/import.css);\n'
                 "body{background:url(http://127.0.0.1:9/bg.png)}\n", id="newline-css"),
    pytest.param("Lab\n}} body{background:url(http://127.0.0.1:9/bg.png)} @font-face{font-family:x;"
                 "src:url(http://127.0.0.1:9/f.woff)} .organization{font-family:x} a{", id="newline-closes-page-rule"),
    pytest.param("Lab\\\"} @import 'http://127.0.0.1:9/i2.css'; html{background-image:url(//127.0.0.1:9/b2.png)} a{",
                 id="backslash-css"),
]

SECTION = ("Text with <script>window.pwned=3</script> and <img src=x onerror=alert(4)>.\n\n"
           "[click](javascript:window.pwned=5) [data](data:text/html,<script>alert(6)</script>)\n\n"
           "![A square](square.svg)\n")
SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#369"/></svg>'


class Opened:
    """A page opened from a file: the dialogs it showed and every request it made (all but itself refused)."""

    def __init__(self, browser, url: str, own: str = "") -> None:  # type: ignore[no-untyped-def]
        """Open ``url``; requests to addresses starting with ``own`` (default: only ``url``) are let through."""
        self.context = browser.new_context(java_script_enabled=True)
        self.page = self.context.new_page()
        self.url = url
        self._own = own
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.route("**/*", lambda route: route.continue_() if self.is_own(route.request.url, own) else route.abort())
        self.page.add_init_script("window.pwned = 0;")
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_timeout(300)  # let any queued handler (onerror, onload) run

    def is_own(self, url: str, own: str = "") -> bool:
        return url.startswith(own) if own else url == self.url

    @property
    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("data:") and not self.is_own(url, self._own)]

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("as_title", [False, True], ids=["organization", "title-without-organization"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_project_runs_no_script_and_loads_nothing(chromium, make_project: Callable[..., Path],  # type: ignore[no-untyped-def]
                                                            payload: str, as_title: bool) -> None:
    manifest = (f"title: {yaml_string(payload)}\nsections:\n  - one\n" if as_title
                else brief_yaml(["one"], extra=f"organization: {yaml_string(payload)}\n"))
    project = make_project({"briefs/b.yaml": manifest, "briefs/sections/one.md": section_md("One", SECTION),
                            "briefs/sections/square.svg": SQUARE})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    opened = Opened(chromium, (project / "output" / "b--press.html").as_uri())
    try:
        page = opened.page
        assert opened.dialogs == [], "a script ran and opened a dialog"
        assert page.evaluate("window.pwned") == 0, "a script ran"
        assert page.evaluate("document.scripts.length") == 0
        assert opened.outside_requests == [], "the page asked for something besides itself"
        assert page.evaluate("""() => Array.from(document.styleSheets).flatMap(s => Array.from(s.cssRules))
            .filter(r => r instanceof CSSImportRule).length""") == 0
        assert page.evaluate("getComputedStyle(document.body).backgroundImage") == "none"
        shown = page.evaluate("document.querySelector(as_title ? '.brief-title' : '.organization').textContent"
                              .replace("as_title", "true" if as_title else "false"))
        assert " ".join(shown.split()) == " ".join(payload.split()), "the author's text shows as written"
        assert page.evaluate("document.querySelector('img[alt=\"A square\"]').naturalWidth") == 10
    finally:
        opened.close()


def test_the_preview_server_shows_a_hostile_edition_without_running_it(chromium,  # type: ignore[no-untyped-def]
                                                                      make_project: Callable[..., Path]) -> None:
    from briefgen.watch.rebuild import LiveEditions, WatchOptions
    from briefgen.watch.server import start_server

    payload = PAYLOADS[0].values[0]
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra=f"organization: {yaml_string(payload)}\n"),
                            "briefs/sections/one.md": section_md("One", SECTION),
                            "briefs/sections/square.svg": SQUARE})
    live = LiveEditions(project, WatchOptions(output_dir=None))
    live.rebuild()
    # the section then breaks, so the last good page is served under the problem banner
    (project / "briefs/sections/one.md").write_text(section_md("One", SECTION + "\nSee [@nokey].\n"))
    live.rebuild([project / "briefs/sections/one.md"])
    server = start_server(live, 0, lambda problem: problem.format(root=project))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/b--press.html", "/nothing%3Cscript%3Ealert(8)%3C%2Fscript%3E.html"):
            opened = Opened(chromium, base + path, own=base)
            try:
                page = opened.page
                assert opened.dialogs == [] and page.evaluate("window.pwned") == 0, path
                assert page.evaluate("document.scripts.length") == 1, "only the reload script"
                assert opened.outside_requests == [], path
                if path == "/b--press.html":
                    banner = page.evaluate("document.getElementById('briefgen-problems').textContent")
                    assert banner.count("nokey") == 1
            finally:
                opened.close()
    finally:
        server.shutdown()
        server.server_close()
