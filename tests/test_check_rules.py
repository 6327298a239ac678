"""briefgen check: every rule triggered by a small project, asserting file, line, rule id and exit code;
and what the rules must leave alone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from conftest import REPO_ROOT, brief_yaml, run_cli, section_md

BIB = r"""% One report, cited by the clean section.
@techreport{gao2021,
  author      = {{U.S. Government Accountability Office}},
  title       = {ICE Can Further Improve Its 287(g) Program Oversight},
  institution = {U.S. Government Accountability Office},
  number      = {GAO-21-186},
  year        = {2021},
  url         = {https://www.gao.gov/products/gao-21-186},
  urldate     = {2026-01-20}
}
"""

CLEAN_SECTION = section_md("One", "The county pays for the program [@gao2021].\n")
"""Body on line 4: front matter is lines 1-3."""

BRIEF = brief_yaml(["one"], extra="checked: 2026-01-24\n")


def project_with(make_project: Callable[..., Path], files: Mapping[str, str | None], bib: str = BIB) -> Path:
    return make_project({"briefs/b.yaml": BRIEF, "briefs/sections/one.md": CLEAN_SECTION, **files}, bib=bib)


def check_json(project: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli(["check", "--format", "json", *args], cwd=project)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def findings_of(report: dict, rule: str) -> list[dict]:  # type: ignore[type-arg]
    return [finding for finding in report["findings"] if finding["rule"] == rule]


def test_a_clean_project_has_no_findings(make_project) -> None:
    project = project_with(make_project, {})
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout == "checked 3 editions of 1 brief: 0 errors, 0 warnings, 0 info\n"
    assert result.stderr == ""
    assert not (project / "output").exists(), "check writes nothing"


HARD = ("Intergovernmental reimbursement arrangements notwithstanding, jurisdictional administrative obligations "
        "necessitate comprehensive institutional accountability [@gao2021].\n")
"""About eleven long words: ten of these make an edition worth grading (100 words or more)."""

ONLINE_NO_URLDATE = BIB + "\n@online{page,\n  title = {Dashboard},\n  url   = {https://example.org/d}\n}\n"
STALE = BIB.replace("2026-01-20", "2024-06-01")

# (rule id, files, bib, extra arguments, path, line, severity, exit code, exit code with --strict)
CASES = [
    pytest.param("citations/unknown-key", {"briefs/sections/one.md": section_md("One", "Intro.\n\nCosts rose [@gao2012].\n")},
                 BIB, (), "briefs/sections/one.md", 6, "error", 1, 1, id="unknown-key"),
    pytest.param("citations/unknown-key", {"briefs/b.yaml": BRIEF + "nocite: [nobody]\n"},
                 BIB, (), "briefs/b.yaml", BRIEF.count("\n") + 1, "error", 1, 1, id="unknown-nocite-key"),
    pytest.param("citations/duplicate-key", {}, BIB + "\n" + BIB.split("\n", 1)[1], (), "references.bib", 12,
                 "warning", 0, 1, id="duplicate-key"),
    pytest.param("citations/broken-entry", {"briefs/sections/one.md": section_md("One", "Cited [@macro].\n")},
                 BIB + "\n@article{macro,\n  title = {T},\n  journal = nomacro,\n  year = {2020}\n}\n", (),
                 "references.bib", 14, "error", 1, 1, id="broken-entry"),
    pytest.param("citations/corporate-name", {"briefs/sections/one.md": section_md("One", "Cited [@who].\n")},
                 BIB + "\n@report{who,\n  author = {World Health Organization},\n  title = {Report},\n  year = {2020}\n}\n",
                 (), "references.bib", 13, "warning", 0, 1, id="corporate-name"),
    pytest.param("citations/bib-syntax", {}, BIB + "\n@misc{broken,\n  title = {No closing brace\n", (),
                 "references.bib", 12, "error", 1, 1, id="bib-syntax"),
    pytest.param("citations/unused-entry", {}, BIB + "\n@book{spare,\n  title = {Never cited},\n  year = {2020}\n}\n", (),
                 "references.bib", 12, "info", 0, 0, id="unused-entry"),
    pytest.param("citations/missing-urldate", {"briefs/sections/one.md": section_md("One", "See the dashboard [@page].\n")},
                 ONLINE_NO_URLDATE, ("--ignore", "citations/unused-entry"),
                 "references.bib", 12, "warning", 0, 1, id="missing-urldate"),
    pytest.param("citations/incomplete-entry", {"briefs/sections/one.md": section_md("One", "Cited [@untitled].\n")},
                 BIB + "\n@book{untitled,\n  author = {Doe, Jane},\n  year = {2020}\n}\n", (),
                 "references.bib", 12, "warning", 0, 1, id="incomplete-entry"),
    pytest.param("citations/stale-source", {}, STALE, (), "references.bib", 9, "warning", 0, 1, id="stale-source"),
    pytest.param("evidence/uncited-claim",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\nIn 2024 the county spent\n"
                                                       "$3 million on overtime.\n")},
                 BIB, (), "briefs/sections/one.md", 6, "warning", 0, 1, id="uncited-claim"),
    pytest.param("evidence/absolute-claim",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\nNo county has to sign.\n")},
                 BIB, (), "briefs/sections/one.md", 6, "info", 0, 0, id="absolute-claim"),
    pytest.param("evidence/edition-conflict",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\n"
                                                       "::: {audience=\"!press\"}\n- **Schools.** Enrollment fell 10 percent "
                                                       "[@gao2021].\n:::\n\n::: {audience=\"press\"}\n"
                                                       "- **Schools.** Enrollment fell 12 percent [@gao2021].\n:::\n")},
                 BIB, (), "briefs/sections/one.md", 11, "info", 0, 0, id="edition-conflict"),
    pytest.param("audience/reading-grade",
                 {"briefs/audiences/plain.yaml": "label: Plain readers\nreading_grade: 4\n",
                  "briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\naudiences: [plain]\n"),
                  "briefs/sections/one.md": section_md("One", HARD * 10)},
                 BIB, (), "briefs/b.yaml", 1, "warning", 0, 1, id="reading-grade"),
    pytest.param("structure/orphan-section", {"briefs/sections/spare.md": section_md("Spare", "Not used.\n")},
                 BIB, (), "briefs/sections/spare.md", 1, "warning", 0, 1, id="orphan-section"),
    pytest.param("structure/unknown-section", {"briefs/b.yaml": brief_yaml(["one", "missing"], extra="checked: 2026-01-24\n")},
                 BIB, (), "briefs/b.yaml", 4, "error", 1, 1, id="unknown-section"),
    pytest.param("structure/broken-link",
                 {"briefs/b.yaml": BRIEF + "further_questions:\n  - question: What next?\n    brief: nowhere\n"},
                 BIB, (), "briefs/b.yaml", 6, "error", 1, 1, id="further-question-to-unknown-brief"),
    pytest.param("structure/broken-link",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\nSee [the costs](#costs).\n")},
                 BIB, (), "briefs/sections/one.md", 6, "error", 1, 1, id="anchor-link-to-nothing"),
    pytest.param("structure/image-alt",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\n![](map.svg)\n"),
                  "briefs/sections/map.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'},
                 BIB, (), "briefs/sections/one.md", 6, "warning", 0, 1, id="image-alt"),
    pytest.param("structure/heading-level",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\n## Costs\n\n#### Detail\n\n"
                                                       "More words.\n")},
                 BIB, (), "briefs/sections/one.md", 8, "warning", 0, 1, id="heading-skips-a-level"),
    pytest.param("structure/heading-level",
                 {"briefs/sections/one.md": section_md("One", "# Again the title\n\nThe county pays [@gao2021].\n")},
                 BIB, (), "briefs/sections/one.md", 4, "warning", 0, 1, id="top-level-heading-in-a-section"),
    pytest.param("structure/unknown-audience",
                 {"briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n\n::: {audience=\"pres\"}\n"
                                                       "For reporters.\n:::\n")},
                 BIB, (), "briefs/sections/one.md", 6, "error", 1, 1, id="audience-block-for-unknown-audience"),
    pytest.param("build", {"briefs/b.yaml": BRIEF + "colour: blue\n"}, BIB, (), "briefs/b.yaml", 5, "error", 1, 1,
                 id="other-build-problems"),
]


@pytest.mark.parametrize(("rule", "files", "bib", "args", "path", "line", "severity", "code", "strict_code"), CASES)
def test_each_rule_reports_file_line_and_rule(make_project, rule: str, files: dict[str, str], bib: str,
                                              args: tuple[str, ...], path: str, line: int, severity: str, code: int,
                                              strict_code: int) -> None:
    project = project_with(make_project, files, bib)
    exit_code, report = check_json(project, *args)
    found = findings_of(report, rule)
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [(path, line, severity)], report["findings"]
    assert exit_code == code
    assert check_json(project, "--strict", *args)[0] == strict_code
    text = run_cli(["check", *args], cwd=project)
    assert f"{path}:{line}: {severity}: " in text.stdout, text.output
    if rule == "build":  # the catch-all rule: the text report leaves its id out, as build's messages do
        assert not re.search(rf"^{re.escape(path)}:{line}: {severity}: .*\[[a-z/-]+\]$", text.stdout, re.MULTILINE)
    else:
        assert f"[{rule}]" in text.stdout, text.output
    assert "Traceback" not in text.output


@pytest.mark.pdf
def test_missing_page_budget_needs_pages_and_reports_actual_pages(make_project) -> None:
    body = "\n\n".join(f"Paragraph {n} of a long section about the county's costs [@gao2021]. " * 6 for n in range(40))
    project = project_with(make_project, {
        "briefs/audiences/brief-readers.yaml": "label: Brief readers\nmax_pages: 1\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\naudiences: [brief-readers]\n"),
        "briefs/sections/one.md": section_md("One", body + "\n"),
    })
    exit_code, report = check_json(project, "--ignore", "evidence")
    assert findings_of(report, "audience/max-pages") == [], "pages are only counted with --pages"
    assert report["editions"][0]["pages"] is None
    exit_code, report = check_json(project, "--pages", "--ignore", "evidence")
    (finding,) = findings_of(report, "audience/max-pages")
    pages = report["editions"][0]["pages"]
    assert pages > 1
    assert (finding["path"], finding["line"], finding["severity"]) == ("briefs/b.yaml", 1, "warning")
    assert f"has {pages} pages, over the 'brief-readers' target of 1" in finding["message"]
    assert exit_code == 0
    assert check_json(project, "--pages", "--strict", "--ignore", "evidence")[0] == 1


def test_reading_grade_names_the_hardest_sections_with_their_grades(make_project) -> None:
    project = project_with(make_project, {
        "briefs/audiences/plain.yaml": "label: Plain readers\nreading_grade: 6\n",
        "briefs/b.yaml": brief_yaml(["one", "hard"], extra="checked: 2026-01-24\naudiences: [plain]\n"),
        "briefs/sections/hard.md": section_md("Hard", HARD * 10),
        "briefs/sections/one.md": section_md("One", "We pay. It is a lot. We know it [@gao2021].\n"),
    })
    _code, report = check_json(project)
    (finding,) = findings_of(report, "audience/reading-grade")
    assert "edition b--plain reads at grade" in finding["message"]
    assert "above the 'plain' target of 6; hardest sections: hard (" in finding["message"]
    assert "one (" not in finding["message"], "sections within the target are not named"


def test_short_editions_are_not_graded(make_project) -> None:
    project = project_with(make_project, {
        "briefs/audiences/plain.yaml": "label: Plain readers\nreading_grade: 4\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\naudiences: [plain]\n"),
        "briefs/sections/one.md": section_md("One", HARD),
    })
    _code, report = check_json(project)
    assert findings_of(report, "audience/reading-grade") == []


def test_stale_source_limit_is_configurable(make_project) -> None:
    project = project_with(make_project, {}, STALE)
    _code, report = check_json(project)
    (finding,) = findings_of(report, "citations/stale-source")
    assert "re-check this source: 'gao2021' was last visited on 2024-06-01, 602 days before brief 'b'" in finding["message"]
    _code, report = check_json(project, "--recheck-after", "700")
    assert findings_of(report, "citations/stale-source") == []


def test_further_question_to_a_brief_without_this_audience(make_project) -> None:
    project = project_with(make_project, {
        "briefs/b.yaml": BRIEF + "further_questions:\n  - question: Press only?\n    brief: other\n",
        "briefs/other.yaml": brief_yaml(["one"], title="Other", extra="audiences: [press]\n"),
    })
    code, report = check_json(project)
    (finding,) = findings_of(report, "structure/broken-link")
    assert (finding["path"], finding["line"]) == ("briefs/b.yaml", 6)
    assert finding["message"] == ("further question links to brief 'other', which has no edition for the audience of "
                                  "editions b--community-groups, b--county-officials")
    assert code == 1


def test_anchor_link_resolves_only_where_the_section_is_included(make_project) -> None:
    project = project_with(make_project, {
        "briefs/b.yaml": "title: B\nchecked: 2026-01-24\nsections:\n  - one\n  - id: two\n    audiences: [press]\n",
        "briefs/sections/one.md": section_md("One", "The county pays [@gao2021]. See [the details](#two).\n"),
        "briefs/sections/two.md": section_md("Two", "Details for reporters [@gao2021].\n"),
    })
    _code, report = check_json(project)
    (finding,) = findings_of(report, "structure/broken-link")
    assert finding["message"] == "link to '#two' leads nowhere in editions b--community-groups, b--county-officials"
    assert (finding["path"], finding["line"]) == ("briefs/sections/one.md", 4)


@pytest.mark.parametrize("body", [
    pytest.param("## The 2025 numbers\n\nCounts went up [@gao2021].\n", id="heading"),
    pytest.param("| Year | Count |\n|---|---|\n| 2025 | 1,001 [@gao2021] |\n", id="table-header-row"),
    pytest.param("We found no review of this, as of January 24, 2026.\n", id="the-checked-date"),
    pytest.param("These facts were last checked on March 3, 2025.\n", id="a-checked-phrase"),
    pytest.param("What is the 25 percent limit measured against?\n", id="a-question"),
    pytest.param("Section 287(g), paragraph (g)(1), 8 U.S.C. 1357 and Executive Order 14159 apply. So do "
                 "GAO-21-186 and § 1357.\n", id="legal-and-document-identifiers"),
    pytest.param("Costs rose 10 percent.[^1]\n\n[^1]: As reported [@gao2021].\n", id="cited-in-a-footnote"),
    pytest.param("- Counties paid $3 million in 2024 [@gao2021].\n- No figure here.\n", id="cited-list-item"),
    pytest.param("Read `2025-budget.csv` or [the page](https://example.org/2025/report).\n", id="code-and-link-targets"),
])
def test_uncited_claim_leaves_alone(make_project, body: str) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": section_md("One", body)})
    _code, report = check_json(project)
    assert findings_of(report, "evidence/uncited-claim") == [], report["findings"]


@pytest.mark.parametrize(("body", "line", "kind"), [
    pytest.param("Costs rose 40 percent last year.\n", 4, "percentage", id="percentage"),
    pytest.param("The program cost €2,500 per officer.\n", 4, "money amount", id="money"),
    pytest.param("A first line.\nIn 2019 the county joined.\n", 5, "year", id="year-on-the-second-line"),
    pytest.param("| Figure | Source |\n|---|---|\n| 958 agreements | DHS |\n", 6, "number", id="table-body-row"),
    pytest.param("- 12 deputies were trained.\n", 4, "number", id="list-item"),
    pytest.param("On May 24, 2013, a court ruled.\n", 4, "date", id="date"),
])
def test_uncited_claim_fires_on(make_project, body: str, line: int, kind: str) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": section_md("One", body)})
    _code, report = check_json(project)
    (finding,) = findings_of(report, "evidence/uncited-claim")
    assert (finding["path"], finding["line"]) == ("briefs/sections/one.md", line)
    assert f"states a {kind}" in finding["message"]


def test_uncited_claims_in_the_summary_are_found_at_their_manifest_line(make_project) -> None:
    summary = "summary: |\n  Fine [@gao2021].\n\n  Costs doubled in 2024.\n"
    project = project_with(make_project, {"briefs/b.yaml": BRIEF + summary})
    _code, report = check_json(project)
    (finding,) = findings_of(report, "evidence/uncited-claim")
    assert (finding["path"], finding["line"]) == ("briefs/b.yaml", 8)


def test_a_finding_shared_by_several_editions_is_reported_once(make_project) -> None:
    project = project_with(make_project, {"briefs/sections/one.md": section_md("One", "In 2024 costs rose.\n")})
    _code, report = check_json(project)
    assert len(findings_of(report, "evidence/uncited-claim")) == 1


@pytest.mark.slow
def test_the_example_project_passes_check() -> None:
    result = run_cli(["check"], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert ": error: " not in result.stdout
    assert "Traceback" not in result.output
    assert result.stdout.rstrip().splitlines()[-1].startswith(
        "checked 264 editions of 3 briefs (253 of them further rows of places, checked for their values): 0 errors")


def test_project_wide_rules_wait_for_every_brief_to_load(make_project) -> None:
    project = project_with(make_project, {"briefs/broken.yaml": "title: [unclosed\n",
                                          "briefs/sections/spare.md": section_md("Spare", "Not used.\n")},
                           BIB + "\n@book{spare,\n  title = {Never cited},\n  year = {2020}\n}\n")
    code, report = check_json(project)
    assert code == 1
    assert {f["rule"] for f in report["findings"]} == {"build"}, "a broken brief may be the one that cites or lists them"


def test_every_rule_has_a_case_here() -> None:
    from briefgen.check.rules import RULES

    covered = {case.values[0] for case in CASES} | {"audience/max-pages"}  # max-pages: its own test above (needs --pages)
    assert {rule.id for rule in RULES} == covered
