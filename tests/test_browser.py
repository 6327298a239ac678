"""Every example HTML edition, opened in headless Chromium.

The page must load with no console error and no request to anything but itself, every
in-page link (each citation above all) must land on an existing element, the embedded
fonts must load, a phone-sized window must not scroll sideways, and axe-core must report
no serious or critical accessibility violation.

One browser for the whole session; the editions are built HTML-only. ``make test``
installs Debian's chromium and ``npm ci`` installs axe-core into tests/browser/. Without
them the tests are skipped on a developer's machine and fail under CI (``CI`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLE_BRIEFS, REPO_ROOT, TESTS_DIR, missing_tool, run_cli

AXE = TESTS_DIR / "browser" / "node_modules" / "axe-core" / "axe.min.js"
EXAMPLE_EDITIONS = [f"{brief}--{audience}" for brief in ("287g-police-ice", "287g-costs")
                    for audience in ("county-officials", "community-groups", "community-groups-es",
                                     "community-groups-large-print", "press")]


@pytest.fixture(scope="session")
def browser(chromium):  # type: ignore[no-untyped-def]
    if not AXE.is_file():
        missing_tool("axe-core (tests/browser/node_modules)")
    return chromium


@pytest.fixture(scope="session")
def example_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("example-html")
    result = run_cli(["build", *EXAMPLE_BRIEFS, "-f", "html", "-o", str(output)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    return output


class Visit:
    """A page opened from a file, with everything it asked for and complained about."""

    def __init__(self, browser, path: Path, viewport: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport=viewport, java_script_enabled=True)
        self.page = self.context.new_page()
        self.url = path.as_uri()
        self.name = path.stem
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # anything but the page itself and data: URIs is refused, so nothing can leave the machine
        self.page.route("**/*", lambda route: route.continue_() if route.request.url == self.url else route.abort())
        self.page.goto(self.url, wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session", params=EXAMPLE_EDITIONS)
def visit(request: pytest.FixtureRequest, browser, example_html: Path) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    opened = Visit(browser, example_html / f"{request.param}.html", {"width": 1280, "height": 900})
    yield opened
    opened.close()


def test_loads_without_console_errors_or_outside_requests(visit: Visit) -> None:
    assert visit.errors == []
    outside = [url for url in visit.requests if url != visit.url and not url.startswith("data:")]
    assert outside == [], "the page asked for something besides itself"


def test_embedded_fonts_load(visit: Visit) -> None:
    faces = visit.page.evaluate(
        "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight + ' ' + f.style)")
    body_font = visit.page.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    if visit.name.endswith("large-print"):  # the large-print theme sets everything in Atkinson Hyperlegible
        assert any("Atkinson Hyperlegible 700" in face for face in faces), faces
        assert body_font.startswith('"Atkinson Hyperlegible"')
        return
    assert any("Source Serif 4" in face for face in faces), faces
    assert visit.page.evaluate("document.fonts.check('700 16px \"Source Sans 3\"')")
    assert body_font.startswith('"Source Serif 4"')


def test_every_citation_and_in_page_link_lands_on_an_entry(visit: Visit) -> None:
    broken = visit.page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="#"]'))
        .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(decodeURIComponent(id)))""")
    assert broken == []
    citations = visit.page.evaluate("""() => Array.from(document.querySelectorAll('.citation a')).map(a => {
        const target = document.getElementById(a.getAttribute('href').slice(1));
        return target && target.closest('#sources') && target.tagName === 'LI' && target.textContent.trim().length > 20;
    })""")
    assert citations and all(citations), "each citation number leads to a Sources entry"


def test_no_serious_or_critical_accessibility_violations(visit: Visit) -> None:
    visit.page.add_script_tag(path=str(AXE))
    violations = visit.page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_landmarks_language_and_skip_link(visit: Visit) -> None:
    page = visit.page
    assert page.evaluate("document.documentElement.lang") == ("es" if visit.name.endswith("-es") else "en")
    assert page.evaluate("document.querySelectorAll('header, main, footer').length") == 3
    levels = page.evaluate("Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), "no heading level is skipped"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", "focus is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_readable_on_a_phone_and_printable(browser, example_html: Path) -> None:  # type: ignore[no-untyped-def]
    opened = Visit(browser, example_html / "287g-police-ice--county-officials.html", {"width": 375, "height": 740})
    try:
        page = opened.page
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, "the page scrolls sideways on a phone"
        assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")) >= 14
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('.colophon')).display") == "none"
        pdf = page.pdf(format="Letter")
        assert pdf.startswith(b"%PDF")
    finally:
        opened.close()


def test_share_preview_tags(visit: Visit) -> None:
    tags = visit.page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('meta[property], meta[name]'))
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert tags["og:title"] and tags["og:description"] and tags["og:type"] == "article"
    assert tags["twitter:card"] == "summary" and tags["description"] == tags["og:description"]


# At phone and desktop width: axe-core finds nothing serious at either, tables that scroll
# sideways are reachable by keyboard, and body text keeps a readable measure.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _violations(visit: Visit) -> list[dict[str, object]]:
    visit.page.add_script_tag(path=str(AXE))
    violations = visit.page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({id: v.id, impact: v.impact,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("edition", EXAMPLE_EDITIONS)
def test_no_serious_accessibility_violations_on_a_phone(browser, example_html: Path, edition: str) -> None:
    opened = Visit(browser, example_html / f"{edition}.html", PHONE)
    try:
        assert _violations(opened) == []
        regions = opened.page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap'))
            .map(w => [w.tabIndex, w.getAttribute('role'), w.getAttribute('aria-label') || ''])""")
        for tab_index, role, label in regions:
            assert tab_index == 0 and role == "region" and len(label) > 6, (tab_index, role, label)
    finally:
        opened.close()


@pytest.mark.parametrize("edition", [e for e in EXAMPLE_EDITIONS if not e.endswith("large-print")])
def test_desktop_body_text_holds_45_to_80_characters_a_line(browser, example_html: Path, edition: str) -> None:
    opened = Visit(browser, example_html / f"{edition}.html", DESKTOP)
    try:
        size, per_line = opened.page.evaluate("""() => {
            const p = Array.from(document.querySelectorAll('main section p'))
                .sort((a, b) => b.textContent.length - a.textContent.length)[0];
            const style = getComputedStyle(p);
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const average = context.measureText(p.textContent).width / p.textContent.length;
            return [parseFloat(style.fontSize), p.clientWidth / average];
        }""")
        assert size >= 16, f"body text is {size} px"
        assert 45 <= per_line <= 80, f"a line of body text holds about {per_line:.0f} characters"
    finally:
        opened.close()
