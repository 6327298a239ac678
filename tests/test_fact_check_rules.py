"""The fact-check rules of briefgen check: evidence/absolute-claim and evidence/edition-conflict.

They must fire on the 287(g) example as it was before its fact-check (tests/fixtures/287g-before)
and stay quiet on the example as it is now."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES_DIR, REPO_ROOT, brief_yaml, run_cli, section_md
from test_check_rules import findings_of, project_with

ABSOLUTE = "evidence/absolute-claim"
CONFLICT = "evidence/edition-conflict"


def findings(project: Path, rule: str, *args: str) -> list[tuple[str, int, str, str]]:
    result = run_cli(["check", "--format", "json", *args], cwd=project)
    assert "Traceback" not in result.output, result.output
    return [(f["path"], f["line"], f["severity"], f["message"]) for f in findings_of(json.loads(result.stdout), rule)]


# --- evidence/absolute-claim ---------------------------------------------------------


@pytest.mark.parametrize(("body", "line", "word"), [
    pytest.param("No county has to sign.\n", 4, "No county", id="no-county"),
    pytest.param("A first line\nthat goes on. ICE never renews them.\n", 5, "never", id="second-line"),
    pytest.param("All agencies joined. The county pays [@gao2021].\n", 4, "All",
                 id="the-citation-backs-another-sentence"),
    pytest.param("- **Schools.** Every district lost pupils.\n", 4, "Every", id="list-item"),
])
def test_absolute_claim_fires_on(make_project, body: str, line: int, word: str) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": section_md("One", body)})
    ((path, found_line, severity, message),) = findings(project, ABSOLUTE)
    assert (path, found_line, severity) == ("briefs/sections/one.md", line, "info")
    assert f"says '{word}'" in message


@pytest.mark.parametrize("body", [
    pytest.param("No county has to sign [@gao2021].\n", id="cited-sentence"),
    pytest.param("If all 10 officers qualify, the county gets more.\n", id="conditional"),
    pytest.param("Does every county have to sign?\n", id="question"),
    pytest.param("As of January 24, 2026, we found no county that has paid.\n", id="dated-search-report"),
    pytest.param("| Rule | Source |\n|---|---|\n| Every sheriff must sign | [@gao2021] |\n", id="table-row-cited-in-a-cell"),
    pytest.param("No agreement does not mean no contact.\n", id="no-with-a-thing-not-a-population"),
    pytest.param("## No county is alike\n\nText [@gao2021].\n", id="heading"),
])
def test_absolute_claim_leaves_alone(make_project, body: str) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": section_md("One", body)})
    assert findings(project, ABSOLUTE) == []


def test_absolute_claim_knows_spanish(make_project) -> None:
    project = project_with(make_project, {
        "briefs/audiences/es-readers.yaml": "label: Lectores\nlanguage: es\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\naudiences: [es-readers]\n"),
        "briefs/sections/one.es.md": section_md("Uno", "El condado paga [@gao2021].\n\nNingún condado está obligado.\n"),
    })
    assert [(p, line, s) for p, line, s, _ in findings(project, ABSOLUTE)] == [("briefs/sections/one.es.md", 6, "info")]


def test_absolute_claim_is_a_warning_where_the_profile_asks(make_project) -> None:
    project = project_with(make_project, {
        "briefs/audiences/officials.yaml": "label: Officials\nabsolute_claims: warning\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\naudiences: [officials, press]\n"),
        "briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\nNo county has to sign.\n"),
    })
    # read by two audiences, one of which asks for warnings: one finding, a warning
    assert [(p, line, s) for p, line, s, _ in findings(project, ABSOLUTE)] == [("briefs/sections/one.md", 6, "warning")]
    assert run_cli(["check"], cwd=project).exit_code == 0
    assert run_cli(["check", "--strict"], cwd=project).exit_code == 1


def test_absolute_claims_setting_is_validated(make_project) -> None:
    project = project_with(make_project, {"briefs/audiences/officials.yaml": "label: Officials\nabsolute_claims: loud\n"})
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 1
    assert ("briefs/audiences/officials.yaml:2: error: 'absolute_claims' cannot be 'loud'; choose one of info, warning"
            in result.stdout), result.output


# --- evidence/edition-conflict -------------------------------------------------------


def blocks(first: str, second: str, first_audience: str = "!press", second_audience: str = "press") -> str:
    """A section body (from line 4) with two audience blocks; the first block's text is on line 7, the second's on line 11."""
    return section_md("One", f"Intro [@gao2021].\n\n::: {{audience=\"{first_audience}\"}}\n{first}\n:::\n\n"
                             f"::: {{audience=\"{second_audience}\"}}\n{second}\n:::\n")


@pytest.mark.parametrize(("first", "second", "kind"), [
    pytest.param("- **Health care.** One study found no change in prenatal care [@gao2021].",
                 "- **Health care.** People stayed away from care [@gao2021].", "a negation", id="dropped-negation"),
    pytest.param("Participants rose from 36 to 76 [@gao2021].", "Participants rose from 35 to 76 [@gao2021].",
                 "a number", id="different-number"),
])
def test_edition_conflict_fires_on(make_project, first: str, second: str, kind: str) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": blocks(first, second)})
    ((path, line, severity, message),) = findings(project, CONFLICT)
    assert (path, line, severity) == ("briefs/sections/one.md", 11, "info")
    assert f"differ in {kind}" in message and "(line 7)" in message


@pytest.mark.parametrize(("first", "second", "audiences"), [
    pytest.param("In 2018 participants rose from 36 to 76 [@gao2021].", "Participants rose to 76 [@gao2021].",
                 ("!press", "press"), id="the-short-version-drops-figures"),
    pytest.param("DHS counted 1,001 agreements [@gao2021].", "DHS counted 1001 agreements [@gao2021].",
                 ("!press", "press"), id="thousands-separators"),
    pytest.param("Under 287(g) and GAO-21-186 [@gao2021].", "Under 287(h) and GAO-09-109 [@gao2021].",
                 ("!press", "press"), id="identifiers-are-not-numbers"),
    pytest.param("Counties pay 10 percent [@gao2021].", "Counties pay 12 percent [@gao2021].",
                 ("press county-officials", "press"), id="an-audience-reads-both"),
    pytest.param("It is not free [@gao2021].", "It costs money [@gao2021].", ("!press", "press"),
                 id="whole-blocks-are-not-compared-for-negations"),
])
def test_edition_conflict_leaves_alone(make_project, first: str, second: str, audiences: tuple[str, str]) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": blocks(first, second, *audiences)})
    assert findings(project, CONFLICT) == []


def test_edition_conflict_needs_adjacent_blocks(make_project) -> None:
    body = section_md("One", "::: {audience=\"!press\"}\nRose to 36 [@gao2021].\n:::\n\nBetween [@gao2021].\n\n"
                             "::: {audience=\"press\"}\nRose to 35 [@gao2021].\n:::\n")
    project = project_with(make_project, {"briefs/sections/one.md": body})
    assert findings(project, CONFLICT) == []


# --- the 287(g) example, before and after its fact-check -------------------------------

BEFORE = FIXTURES_DIR / "287g-before"


@pytest.mark.slow
def test_both_rules_fire_on_the_example_as_it_was() -> None:
    absolute = {(path, line) for path, line, _, _ in findings(BEFORE, ABSOLUTE)}
    assert {("briefs/287g-police-ice.yaml", 115), ("briefs/287g-police-ice.yaml", 175),
            ("briefs/sections/expense-clause-state-law.md", 19),
            ("briefs/sections/expense-clause-state-law.es.md", 9)} <= absolute
    conflicts = findings(BEFORE, CONFLICT)
    # the community editions dropped "no measurable change" from the health-care finding
    assert any(path == "briefs/sections/community-trust.md" and line == 18 and "differ in a negation" in message
               for path, line, _, message in conflicts), conflicts


@pytest.mark.slow
def test_the_example_is_quiet_on_both_rules() -> None:
    assert findings(REPO_ROOT, ABSOLUTE) == []
    assert findings(REPO_ROOT, CONFLICT) == []


@pytest.mark.slow
def test_the_example_stays_quiet_when_every_profile_asks_for_warnings(tmp_path: Path) -> None:
    """Every profile of the example set to 'absolute_claims: warning' still gives no finding."""
    copy = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "briefs", copy / "briefs")
    shutil.copy(REPO_ROOT / "references.bib", copy / "references.bib")
    for audience in ("county-officials", "community-groups", "press", "community-groups-es",
                     "community-groups-large-print"):
        profile = copy / "briefs" / "audiences" / f"{audience}.yaml"
        existing = profile.read_text(encoding="utf-8") if profile.exists() else ""
        profile.write_text(existing + "\nabsolute_claims: warning\n", encoding="utf-8")
    assert findings(copy, ABSOLUTE) == []


@pytest.mark.slow
def test_edition_conflict_looks_only_at_sections_the_checked_editions_read() -> None:
    everyone = findings(BEFORE, CONFLICT)
    assert any(path == "briefs/sections/community-trust.md" for path, *_ in everyone)
    # the press editions do not read community-trust: checking them alone leaves it out
    assert findings(BEFORE, CONFLICT, "-a", "press") == []
