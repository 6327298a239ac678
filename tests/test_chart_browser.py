"""A chart in a real browser: named for screen readers, its data table reachable and accessible,
nothing loaded from anywhere, and it fits a phone without scrolling the page sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md
from test_browser import AXE, DESKTOP, PHONE, Visit, missing_tool
from test_chart_builds import ALT, CHART, CSV

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chart_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("chart-page")
    for name, text in {"briefs/b.yaml": brief_yaml(["one"]), "briefs/data/agreements.csv": CSV,
                       "briefs/sections/one.md": section_md("Growth", CHART.format(alt=f"alt: {ALT}\n"))}.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    from conftest import FIXTURE_BIB

    (project / "references.bib").write_text(FIXTURE_BIB, encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    return project / "output/b--press.html"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chart_is_named_fits_and_its_data_table_is_accessible(chromium, chart_page: Path,  # type: ignore[no-untyped-def]
                                                                   viewport: dict[str, int]) -> None:
    if not AXE.is_file():
        missing_tool("axe-core (tests/browser/node_modules)")
    visit = Visit(chromium, chart_page, viewport)
    try:
        assert visit.errors == [] and visit.requests == [visit.url]
        name = visit.page.evaluate("""() => {
            const svg = document.querySelector('figure.chart svg');
            return [svg.getAttribute('role'), svg.getAttribute('aria-label'), svg.getBoundingClientRect().width,
                    document.documentElement.clientWidth, document.documentElement.scrollWidth];
        }""")
        role, label, width, client, scroll = name
        assert role == "img" and label == ALT
        assert 200 < width <= client and scroll <= client  # scales down to a phone; the page never scrolls sideways
        visit.page.click("figure.chart details summary")
        rows = visit.page.evaluate("""() => Array.from(document.querySelectorAll('figure.chart details tbody tr'))
            .filter(row => row.getBoundingClientRect().height > 0).map(row => row.innerText.split('\\t'))""")
        assert rows == [["2011", "72"], ["2017-01", "35"], ["2025-09-17", "1,001"]]
        visit.page.add_script_tag(path=str(AXE))
        violations = visit.page.evaluate("""async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({id: v.id, impact: v.impact,
                                                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        assert violations == [], violations  # none at all, with the table open
    finally:
        visit.close()
