"""The structure rules called directly (check/structure.py): a project built in code, findings
asserted with their path, line and severity."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefgen.check.structure import check_structure
from briefgen.errors import Diagnostics
from briefgen.model import Project
from conftest import make_brief, make_section
from rule_inputs import checked_editions, findings, line_of, project_of

SECTION_PATH = "briefs/sections/one.md"
BODY_LINE = 4


def _check(project: Project, is_whole_project: bool = False,
           audience_ids: tuple[str, ...] = ("press",)) -> tuple[list[tuple[str, str, int | None, str]], list[str]]:
    diagnostics = Diagnostics()
    check_structure(project, checked_editions(project, audience_ids), is_whole_project, diagnostics)
    return findings(diagnostics), [d.message for d in diagnostics.items]


@pytest.mark.parametrize(("body", "fragment"), [
    pytest.param("Intro.\n\n# A second title\n\nText.\n", "# A second", id="top-level-heading"),
    pytest.param("## First\n\nText.\n\n#### Too deep\n\nText.\n", "#### Too", id="skips-a-level"),
    pytest.param("### Starts too deep\n\nText.\n", "### Starts", id="first-heading-skips"),
])
def test_a_heading_out_of_order_is_reported_at_its_line(body: str, fragment: str) -> None:
    project = project_of(make_brief(["one"]), [make_section("one", body)])
    found, _ = _check(project)
    assert found == [("structure/heading-level", SECTION_PATH, line_of(body, fragment, BODY_LINE), "warning")]


def test_headings_one_level_at_a_time_are_fine() -> None:
    project = project_of(make_brief(["one"]), [make_section("one", "## A\n\n### B\n\n## C\n\nText.\n")])
    assert _check(project) == ([], [])


def test_an_anchor_link_that_leads_nowhere_names_every_edition_it_fails_in() -> None:
    body = "Intro.\n\nSee [the costs](#costs) and [the start](#one).\n"
    project = project_of(make_brief(["one"]), [make_section("one", body)])
    found, messages = _check(project, audience_ids=("press", "county-officials"))
    assert found == [("structure/broken-link", SECTION_PATH, line_of(body, "See [", BODY_LINE), "error")]
    assert "'#costs'" in messages[0] and "editions b--county-officials, b--press" in messages[0]


def test_a_section_no_brief_lists_is_reported_in_a_whole_project_check_only() -> None:
    listed, orphan = make_section("one"), make_section("spare")
    project = project_of(make_brief(["one"]), [listed, orphan])
    assert _check(project, is_whole_project=True)[0] == [
        ("structure/orphan-section", "briefs/sections/spare.md", 1, "warning")]
    assert _check(project)[0] == []


def test_a_translation_of_a_missing_section_is_an_orphan() -> None:
    project = project_of(make_brief(["one"]), [make_section("one")])
    translation = make_section("gone", language="es")
    project = replace(project, translations={("gone", "es"): translation})
    assert _check(project, is_whole_project=True)[0] == [
        ("structure/orphan-section", "briefs/sections/gone.es.md", 1, "warning")]
