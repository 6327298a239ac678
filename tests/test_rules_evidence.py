"""The evidence rules called directly (check/evidence.py, check/absolute_claims.py): editions built
in code, findings asserted with their path, line and severity."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from briefgen.check.absolute_claims import check_absolute_claims
from briefgen.check.evidence import check_evidence
from briefgen.errors import Diagnostics
from conftest import builtin_audiences, make_brief, make_section
from rule_inputs import checked_editions, findings, line_of, project_of

SECTION_PATH = "briefs/sections/one.md"
BODY_LINE = 4
"""make_section's body starts on line 4 of its file."""


def _evidence(body: str, **brief_fields: object) -> list[tuple[str, str, int | None, str]]:
    project = project_of(make_brief(["one"], **brief_fields), [make_section("one", body)])
    diagnostics = Diagnostics()
    check_evidence(checked_editions(project), diagnostics)
    return findings(diagnostics)


@pytest.mark.parametrize(("body", "fragment"), [
    pytest.param("Some context first.\n\nCrossings rose 40 percent last year.\n", "Crossings", id="percentage"),
    pytest.param("Intro.\n\n- The program cost $2.5 million\n  in its first year.\n", "The program", id="list-item"),
    pytest.param("Intro.\n\nThe second line\nsays 1,200 people applied.\n", "says 1,200", id="line-inside-paragraph"),
    pytest.param("| County | Agreements |\n|---|---|\n| Harris | 12 |\n", "| Harris", id="table-row"),
])
def test_an_uncited_figure_is_reported_at_its_line(body: str, fragment: str) -> None:
    assert _evidence(body) == [("evidence/uncited-claim", SECTION_PATH, line_of(body, fragment, BODY_LINE), "warning")]


@pytest.mark.parametrize("body", [
    pytest.param("Crossings rose 40 percent last year [@gao2021].\n", id="cited"),
    pytest.param("Crossings rose 40 percent last year.[^1]\n\n[^1]: See [@gao2021].\n", id="cited-in-a-footnote"),
    pytest.param("## The 2021 report\n\nNo figures here.\n", id="heading"),
    pytest.param("Did 40 percent of counties sign?\n", id="question"),
    pytest.param("Section 287(g) of the act and GAO-21-186 say so.\n", id="identifiers"),
    pytest.param("| Year | County |\n|---|---|\n| Harris | Dallas |\n", id="header-row"),
])
def test_what_is_not_an_uncited_claim(body: str) -> None:
    assert _evidence(body) == []


def test_the_checked_date_is_not_a_claim() -> None:
    body = "Figures checked as of January 24, 2026.\n"
    assert _evidence(body, checked=dt.date(2026, 1, 24)) == []
    assert _evidence(body) == []  # "checked as of <date>" is never a claim


def test_a_claim_in_the_summary_is_reported_at_the_manifest_line() -> None:
    found = _evidence("Text.\n", summary="Enforcement rose 40 percent.")
    assert found == [("evidence/uncited-claim", "briefs/b.yaml", 20, "warning")]


def _absolute(body: str, audience_ids: tuple[str, ...] = ("press",),
              absolute_claims: str | None = None) -> list[tuple[str, str, int | None, str]]:
    audiences = builtin_audiences()
    if absolute_claims is not None:
        audiences = {key: replace(value, absolute_claims=absolute_claims) for key, value in audiences.items()}
    project = project_of(make_brief(["one"]), [make_section("one", body)], audiences=audiences)
    diagnostics = Diagnostics()
    check_absolute_claims(checked_editions(project, audience_ids), diagnostics)
    return findings(diagnostics)


def test_an_absolute_claim_is_info_at_its_sentence_line() -> None:
    body = "Counties may join.\nNo county has ever been forced to sign.\n"
    assert _absolute(body) == [("evidence/absolute-claim", SECTION_PATH, line_of(body, "No county", BODY_LINE), "info")]


def test_an_absolute_claim_is_a_warning_where_the_profile_asks() -> None:
    body = "Intro.\n\nNobody is deported for reporting a crime.\n"
    assert _absolute(body, absolute_claims="warning") == [
        ("evidence/absolute-claim", SECTION_PATH, line_of(body, "Nobody", BODY_LINE), "warning")]


def test_one_finding_for_a_sentence_that_several_editions_read() -> None:
    body = "Officers never ask about status.\n"
    assert _absolute(body, ("press", "county-officials")) == [
        ("evidence/absolute-claim", SECTION_PATH, BODY_LINE, "info")]


@pytest.mark.parametrize("body", [
    pytest.param("No county has to sign [@gao2021].\n", id="cited-sentence"),
    pytest.param("No county has to sign.[^1]\n\n[^1]: As [@gao2021] shows.\n", id="cited-footnote"),
    pytest.param("If all 10 officers agree, the county signs.\n", id="conditional"),
    pytest.param("Does every county have to sign?\n", id="question"),
    pytest.param("We found no study of this.\n", id="own-search"),
    pytest.param("| Claim | Source |\n|---|---|\n| No county signs | [@gao2021] |\n", id="table-row-cited-in-a-cell"),
])
def test_what_is_not_an_absolute_claim(body: str) -> None:
    assert _absolute(body) == []


def test_a_later_sentence_citation_does_not_cover_an_earlier_claim() -> None:
    body = "No county has to sign. Most do [@gao2021].\n"
    assert _absolute(body) == [("evidence/absolute-claim", SECTION_PATH, BODY_LINE, "info")]
