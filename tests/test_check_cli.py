"""briefgen check as CI sees it: the three output formats (golden files), exit codes,
options, and what it must never do (write files, load the PDF renderer, print a traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.check.report import to_github
from briefgen.check.rules import RULES
from briefgen.errors import Diagnostic, Severity, SourceLocation
from conftest import FIXTURES_DIR, REPO_ROOT, brief_yaml, run_cli, section_md
from golden import assert_matches_golden

FINDINGS = FIXTURES_DIR / "check-findings"


@pytest.mark.parametrize(("output_format", "golden"), [
    pytest.param("text", "check.txt", id="text"),
    pytest.param("json", "check.json", id="json"),
    pytest.param("github", "check.github", id="github"),
])
def test_output_formats_match_golden(output_format: str, golden: str) -> None:
    result = run_cli(["check", "--format", output_format], cwd=FINDINGS)
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    assert_matches_golden(result.stdout, FINDINGS / "expected" / golden)


def test_text_findings_have_the_documented_shape() -> None:
    lines = run_cli(["check"], cwd=FINDINGS).stdout.splitlines()
    *findings, summary = lines
    assert summary == "checked 3 editions of 1 brief: 4 errors, 6 warnings, 1 info"
    for line in findings:
        path, line_number, severity, rest = line.split(":", 3)
        assert (FINDINGS / path).is_file()
        assert int(line_number) > 0
        assert severity in (" error", " warning", " info")
        assert rest.startswith(" ") and rest.endswith("]") and " [" in rest


def test_json_is_stable_and_complete() -> None:
    report = json.loads(run_cli(["check", "--format", "json"], cwd=FINDINGS).stdout)
    assert list(report) == ["schema", "summary", "editions", "findings"]
    assert report["schema"] == "briefgen-check/1"
    assert report["summary"] == {"errors": 4, "warnings": 6, "info": 1, "editions": 3, "place_rows": 0, "briefs": 1,
                                 "unreadable_briefs": [], "strict": False, "exit_code": 1}
    assert all(list(f) == ["path", "line", "severity", "rule", "message", "hint"] for f in report["findings"])
    assert list(report["editions"][0]) == ["name", "brief", "audience", "built", "words", "grade", "grade_target",
                                           "pages", "pages_target"]


def test_github_annotations_escape_what_would_break_them() -> None:
    finding = Diagnostic(Severity.WARNING, SourceLocation(Path("a,b:c.md").resolve(), 3), "50% of\nthings", "fix it",
                         "evidence/uncited-claim")
    assert to_github(finding, Path.cwd()) == ("::warning file=a%2Cb%3Ac.md,line=3,title=briefgen evidence/uncited-claim"
                                              "::50%25 of%0Athings; fix it [evidence/uncited-claim]")
    info = Diagnostic(Severity.INFO, None, "note", "", "citations/unused-entry")
    assert to_github(info, Path.cwd()).startswith("::notice title=briefgen citations/unused-entry::note")


def test_strict_makes_warnings_fail_but_never_info(make_project) -> None:
    bib = "@book{spare,\n  title = {Never cited},\n  year = {2020}\n}\n"
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")},
                           bib=bib)
    assert run_cli(["check", "--strict"], cwd=project).exit_code == 0
    (project / "briefs/sections/one.md").write_text(section_md("One", "Costs rose 5 percent.\n"), encoding="utf-8")
    assert run_cli(["check"], cwd=project).exit_code == 0
    strict = run_cli(["check", "--strict"], cwd=project)
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1].endswith("(--strict: warnings fail the check)")


def test_quiet_prints_only_errors_and_warnings() -> None:
    result = run_cli(["check", "-q"], cwd=FINDINGS)
    assert result.exit_code == 1
    assert "info:" not in result.stdout and "checked 3 editions" not in result.stdout
    assert len(result.stdout.splitlines()) == 10
    assert run_cli(["-q", "check"], cwd=FINDINGS).stdout == result.stdout, "the option works before the command too"


def test_verbose_describes_every_edition_on_stderr() -> None:
    result = run_cli(["check", "--verbose"], cwd=FINDINGS)
    assert "findings--press: 49 words, no grade (under 100 words)" in result.stderr
    assert "took " in result.stderr
    assert "findings--press: " not in result.stdout


def test_ignore_leaves_out_warnings_but_never_errors() -> None:
    result = run_cli(["check", "--ignore", "evidence", "--ignore", "citations"], cwd=FINDINGS)
    assert "[evidence/" not in result.stdout
    assert "[citations/stale-source]" not in result.stdout and "[citations/unused-entry]" not in result.stdout
    assert "[citations/unknown-key]" in result.stdout, "errors always count"
    assert result.exit_code == 1
    unknown = run_cli(["check", "--ignore", "evidense"], cwd=FINDINGS)
    assert unknown.exit_code == 2
    assert "briefgen: no rule or rule family 'evidense'" in unknown.stderr


def test_list_rules_names_every_rule() -> None:
    result = run_cli(["check", "--list-rules"], cwd=FINDINGS)
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [rule.id for rule in RULES]


def test_only_the_briefs_and_audiences_asked_for_are_checked() -> None:
    report = json.loads(run_cli(["check", "findings", "-a", "press", "--format", "json"], cwd=FINDINGS).stdout)
    assert [e["name"] for e in report["editions"]] == ["findings--press"]
    rules = {f["rule"] for f in report["findings"]}
    assert "structure/orphan-section" not in rules and "citations/unused-entry" not in rules, \
        "project-wide rules only run when the whole project is checked"


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["nope"], "briefgen: no brief 'nope'", id="unknown-brief"),
    pytest.param(["-a", "reporters"], "briefgen: no audience 'reporters'", id="unknown-audience"),
    pytest.param(["--format", "xml"], "briefgen: unknown format 'xml'", id="unknown-format"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run_cli(["check", *args], cwd=FINDINGS)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_that_is_not_a_project_is_a_clean_error(tmp_path: Path) -> None:
    result = run_cli(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "error: this folder is not a brief project (no 'briefs/' folder)" in result.stdout
    assert "Traceback" not in result.output
    report = json.loads(run_cli(["check", "--format", "json"], cwd=tmp_path).stdout)
    assert report["summary"]["exit_code"] == 1 and report["findings"][0]["rule"] == "build"


@pytest.mark.slow
def test_plain_check_never_loads_the_pdf_renderer() -> None:
    code = ("import sys\nfrom briefgen.cli import main\nsys.argv = ['briefgen', 'check', '-q']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
            "print('weasyprint' in sys.modules, code)\n")
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "NO_COLOR": "1"}, check=False)
    assert completed.stdout.strip().splitlines()[-1] == "False 0", completed.stdout + completed.stderr


@pytest.mark.pdf
def test_check_writes_nothing(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")})
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    run_cli(["check", "--pages"], cwd=project)
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before
