"""The output index (``index.html``) in a real Chromium: the filter narrows the list by brief,
audience or place; without JavaScript it is a plain, complete list; axe-core finds nothing;
the page asks for nothing over the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen.build.index import IndexedEdition, IndexedFile, render_index_html
from conftest import TESTS_DIR, missing_tool

AXE = TESTS_DIR / "browser" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.slow

ENTRIES = [
    IndexedEdition(f"txsb8--{audience}--{fips}", "txsb8", audience, label, fips, county, title, language, 2,
                   (IndexedFile(f"txsb8--{audience}--{fips}.html", "html", 51200, "0" * 64),
                    IndexedFile(f"txsb8--{audience}--{fips}.pdf", "pdf", 80000, "1" * 64)))
    for fips, county in (("48201", "Harris County"), ("48113", "Dallas County"), ("48453", "Travis County"))
    for audience, label, language, title in (
        ("county-officials", "County officials", "en", "What S.B. 8 means for your county"),
        ("community-groups-es", "Grupos comunitarios", "es", "Lo que significa la ley S.B. 8 para su condado"))
] + [IndexedEdition("287g-costs--press", "287g-costs", "press", "Reporters", "", "", "What 287(g) costs", "en", 4,
                    (IndexedFile("287g-costs--press.pdf", "pdf", 90000, "2" * 64),))]


@pytest.fixture(scope="module")
def index_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    page = folder / "index.html"
    page.write_text(render_index_html(ENTRIES), encoding="utf-8")
    return page


class Opened:
    def __init__(self, browser: Any, path: Path, *, has_javascript: bool) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=has_javascript)
        self.page = self.context.new_page()
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", lambda route: route.continue_() if route.request.url == self.url else route.abort())
        self.page.goto(self.url, wait_until="load")

    def visible_rows(self) -> list[str]:
        rows: list[str] = self.page.evaluate(
            "() => Array.from(document.querySelectorAll('#editions tbody tr'))"
            ".filter(row => row.offsetParent !== null).map(row => row.querySelector('a').getAttribute('href'))")
        return rows


@pytest.fixture
def opened(chromium: Any, index_page: Path) -> Iterator[Opened]:
    page = Opened(chromium, index_page, has_javascript=True)
    yield page
    page.context.close()


def test_the_filter_narrows_by_place_audience_and_brief(opened: Opened) -> None:
    assert len(opened.visible_rows()) == 7
    assert opened.page.locator("#filter-count").inner_text() == "7 of 7 editions shown"
    opened.page.get_by_label("Filter by title, brief, audience, place or language").fill("harris")
    assert opened.visible_rows() == ["txsb8--county-officials--48201.html", "txsb8--community-groups-es--48201.html"]
    opened.page.get_by_label("Filter by title, brief, audience, place or language").fill("Grupos  dallas")
    assert opened.visible_rows() == ["txsb8--community-groups-es--48113.html"]
    assert opened.page.locator("#filter-count").inner_text() == "1 of 7 editions shown"
    opened.page.get_by_label("Filter by title, brief, audience, place or language").fill("287g")
    assert opened.visible_rows() == ["287g-costs--press.pdf"]
    opened.page.get_by_label("Filter by title, brief, audience, place or language").fill("")
    assert len(opened.visible_rows()) == 7
    assert opened.errors == []
    assert opened.requests == [opened.url], "the page loads nothing but itself"


def test_without_javascript_it_is_a_plain_complete_list(chromium: Any, index_page: Path) -> None:
    page = Opened(chromium, index_page, has_javascript=False)
    try:
        assert len(page.page.locator("#editions tbody tr").all()) == 7
        assert page.page.locator("#editions tbody tr:visible").count() == 7
        assert not page.page.locator("#filter-text").is_visible(), "a filter that cannot work is not shown"
        assert page.requests == [page.url]
    finally:
        page.context.close()


def test_axe_finds_no_violations(opened: Opened) -> None:
    if not AXE.is_file():
        missing_tool("axe-core (tests/browser/node_modules)")
    opened.page.add_script_tag(path=str(AXE))
    for words in ("", "harris", "no such place"):
        opened.page.locator("#filter-text").fill(words)
        violations = opened.page.evaluate("""async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        assert violations == [], (words, violations)
