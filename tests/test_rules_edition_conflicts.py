"""The edition-conflict rule called directly (check/edition_conflicts.py): sections built in code,
findings asserted with their path, line and severity."""

from __future__ import annotations

import pytest

from briefgen.check.edition_conflicts import check_edition_conflicts, section_conflicts
from briefgen.errors import Diagnostics
from conftest import make_brief, make_section
from rule_inputs import checked_editions, findings, line_of, project_of

SECTION_PATH = "briefs/sections/one.md"
BODY_LINE = 4


def _blocks(first: str, second: str, first_audience: str = "!community-groups",
            second_audience: str = "community-groups") -> str:
    return (f'::: {{audience="{first_audience}"}}\n{first}\n:::\n\n'
            f'::: {{audience="{second_audience}"}}\n{second}\n:::\n')


def _check(body: str) -> tuple[list[tuple[str, str, int | None, str]], list[str]]:
    project = project_of(make_brief(["one"]), [make_section("one", body)])
    diagnostics = Diagnostics()
    check_edition_conflicts(project, checked_editions(project, ("press", "community-groups")), diagnostics)
    return findings(diagnostics), [d.message for d in diagnostics.items]


def test_parallel_blocks_with_different_numbers_are_reported_at_the_second_block() -> None:
    body = _blocks("About 36 officers took part.", "About 35 officers took part.")
    found, messages = _check(body)
    assert found == [("evidence/edition-conflict", SECTION_PATH, line_of(body, "About 35", BODY_LINE), "info")]
    assert "a number" in messages[0] and f"(line {line_of(body, 'About 36', BODY_LINE)})" in messages[0]


def test_labelled_items_that_differ_in_a_negation_are_reported() -> None:
    body = _blocks("- **Health care.** Reporting changed nothing.\n- **Schools.** Attendance fell.",
                   "- **Health care.** Reporting changed a lot.\n- **Schools.** Attendance fell.")
    found, messages = _check(body)
    assert found == [("evidence/edition-conflict", SECTION_PATH, line_of(body, "- **Health care.** Reporting changed a",
                                                                          BODY_LINE), "info")]
    assert "a negation" in messages[0]


@pytest.mark.parametrize("body", [
    pytest.param(_blocks("About 36 officers took part.", "About 36 officers, in 2 counties, took part."),
                 id="longer-version-adds-figures"),
    pytest.param(_blocks("About 36 officers took part.", "About 35 officers took part.", "press", "!community-groups"),
                 id="press-reads-both"),
    pytest.param(_blocks("About 1,001 officers.", "About 1001 officers."), id="thousands-separator"),
    pytest.param(_blocks("Under 287(g) agreements.", "Under GAO-21-186 findings."), id="identifiers-are-not-numbers"),
    pytest.param('::: {audience="!community-groups"}\nAbout 36.\n:::\n\nBetween.\n\n'
                 '::: {audience="community-groups"}\nAbout 35.\n:::\n', id="not-adjacent"),
])
def test_what_is_not_an_edition_conflict(body: str) -> None:
    assert _check(body) == ([], [])


def test_section_conflicts_takes_audiences_as_lineages() -> None:
    body = _blocks("About 36 officers.", "About 35 officers.", "press", "local-press")
    section = make_section("one", body)
    # as two unrelated audiences, each reads one block: alternatives
    assert [location.line for location, _ in section_conflicts(section, ["press", "local-press"])] == [
        line_of(body, "About 35", BODY_LINE)]
    # local-press extends press, so it reads both blocks: not alternatives
    assert list(section_conflicts(section, [("local-press", "press"), "press"])) == []
