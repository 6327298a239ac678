"""The audience-fit rules called directly (check/audience_fit.py): editions built in code, findings
asserted with their path, line and severity."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefgen.check.audience_fit import check_audience_fit, section_grades
from briefgen.errors import Diagnostics
from briefgen.model import Brief
from conftest import builtin_audiences, make_brief, make_section
from rule_inputs import checked_editions, findings, project_of

PLAIN = " ".join(["The dog ran to the park."] * 30) + "\n"
"""180 short words in short sentences: a low grade."""
HARD = " ".join(["Intergovernmental administrative responsibilities necessitate considerable organizational "
                 "coordination between jurisdictional authorities regarding immigration enforcement."] * 12) + "\n"
"""Long words, long sentences: a very high grade."""


def _check(brief: Brief, bodies: dict[str, str], *, reading_grade: float | None = 8, max_pages: int | None = None,
           pages: int | None = None) -> tuple[list[tuple[str, str, int | None, str]], list[str]]:
    audiences = builtin_audiences()
    audiences["press"] = replace(audiences["press"], reading_grade=reading_grade, max_pages=max_pages)
    project = project_of(brief, [make_section(key, body) for key, body in bodies.items()], audiences=audiences)
    diagnostics = Diagnostics()
    check_audience_fit(checked_editions(project, pages=pages), diagnostics)
    return findings(diagnostics), [d.message for d in diagnostics.items]


def test_an_edition_above_its_grade_names_its_hardest_sections_at_the_brief_line() -> None:
    found, messages = _check(make_brief(["easy", "hard"]), {"easy": PLAIN, "hard": HARD})
    assert found == [("audience/reading-grade", "briefs/b.yaml", 1, "warning")]
    assert "hardest sections: hard (" in messages[0] and "easy" not in messages[0]


def test_the_finding_points_at_the_editions_entry_when_the_brief_has_one() -> None:
    brief = make_brief(["hard"], editions={"press": {"title": "For the press"}})
    assert _check(brief, {"hard": HARD})[0] == [("audience/reading-grade", "briefs/b.yaml", 40, "warning")]


@pytest.mark.parametrize(("bodies", "reading_grade"), [
    pytest.param({"easy": PLAIN}, 8, id="below-the-target"),
    pytest.param({"hard": HARD}, None, id="no-target"),
    pytest.param({"hard": "Intergovernmental administrative responsibilities necessitate coordination.\n"}, 8,
                 id="too-short-to-grade"),
])
def test_no_reading_grade_finding(bodies: dict[str, str], reading_grade: float | None) -> None:
    assert _check(make_brief(list(bodies)), bodies, reading_grade=reading_grade)[0] == []


def test_section_grades_are_hardest_first() -> None:
    audiences = builtin_audiences()
    project = project_of(make_brief(["easy", "hard"]), [make_section("easy", PLAIN), make_section("hard", HARD)],
                         audiences=audiences)
    grades = section_grades(checked_editions(project)[0])
    assert [g.section_id for g in grades] == ["hard", "easy"]
    assert grades[0].grade > grades[1].grade


@pytest.mark.parametrize(("pages", "max_pages", "is_reported"), [
    pytest.param(5, 4, True, id="over-the-budget"),
    pytest.param(4, 4, False, id="at-the-budget"),
    pytest.param(None, 4, False, id="pages-not-counted"),
    pytest.param(9, None, False, id="no-budget"),
])
def test_page_budget(pages: int | None, max_pages: int | None, is_reported: bool) -> None:
    found, messages = _check(make_brief(["easy"]), {"easy": PLAIN}, max_pages=max_pages, pages=pages)
    assert found == ([("audience/max-pages", "briefs/b.yaml", 1, "warning")] if is_reported else [])
    if is_reported:
        assert f"has {pages} pages, over the 'press' target of {max_pages}" in messages[0]
