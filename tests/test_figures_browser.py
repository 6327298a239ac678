"""The figures fixture's HTML editions in headless Chromium: axe-core finds no serious or
critical violation (captions, data tables with their header cells, cross-reference links), and
every cross-reference lands on its figure or table."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES_DIR, run_cli
from test_browser import AXE, Visit, browser  # noqa: F401  (browser: the session's Chromium with axe-core)

EDITIONS = ("county-officials", "community-groups", "community-groups-es")


@pytest.fixture(scope="module")
def figures_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("figures-browser") / "project"
    shutil.copytree(FIXTURES_DIR / "figures", project, ignore=shutil.ignore_patterns("expected", "output"))
    (project / "briefs" / "figures.yaml").write_text(
        (project / "briefs" / "figures.yaml").read_text(encoding="utf-8") + "list_of_figures: true\n", encoding="utf-8")
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    return project / "output"


@pytest.fixture(params=EDITIONS)
def visit(request: pytest.FixtureRequest, browser, figures_html: Path) -> Iterator[Visit]:  # type: ignore[no-untyped-def]  # noqa: F811
    opened = Visit(browser, figures_html / f"figures--{request.param}.html", {"width": 1280, "height": 900})
    yield opened
    opened.close()


def test_no_serious_accessibility_violations(visit: Visit) -> None:
    visit.page.add_script_tag(path=str(AXE))
    violations = visit.page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({id: v.id, impact: v.impact,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    assert visit.errors == []


def test_every_cross_reference_lands_on_a_numbered_float_or_section(visit: Visit) -> None:
    targets = visit.page.evaluate("""() => Array.from(document.querySelectorAll('a.crossref, .list-of-figures a')).map(a => {
        const target = document.getElementById(a.getAttribute('href').slice(1));
        return target ? target.tagName : null;
    })""")
    assert targets and set(targets) <= {"FIGURE", "SECTION"}, targets
