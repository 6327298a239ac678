"""The HTML edition's page in real Chromium, at phone and desktop width: axe-core finds nothing
serious at either, tables that scroll sideways are reachable by keyboard, and body text keeps a
readable measure (45–80 characters a line, at least 16 px)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser import AXE, EXAMPLE_EDITIONS, Visit, browser, example_html  # noqa: F401  (fixtures)

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
def test_no_serious_accessibility_violations_on_a_phone(browser, example_html: Path, edition: str) -> None:  # noqa: F811
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
def test_desktop_body_text_holds_45_to_80_characters_a_line(browser, example_html: Path, edition: str) -> None:  # noqa: F811
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
