"""briefgen init and briefgen new: starter files that load, check clean and build, and never overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import OUTPUT_INDEX, run_cli

# One brief for one audience: the starter says how to add more, so a new author sees one edition.
STARTER_EDITIONS = ["first-brief--general-public"]


@pytest.mark.pdf
def test_init_then_build_makes_a_pdf_and_html_with_no_edits(tmp_path: Path) -> None:
    created = run_cli(["init", "my-briefs"], cwd=tmp_path)
    assert created.exit_code == 0, created.output
    project = tmp_path / "my-briefs"
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == [
        ".gitignore", "briefs/audiences/general-public.yaml", "briefs/first-brief.yaml", "briefs/project.yaml",
        "briefs/sections/background.md", "references.bib"]
    assert "next: cd my-briefs && briefgen build" in created.stdout
    built = run_cli(["build"], cwd=project)
    assert built.exit_code == 0, built.output
    assert built.stderr == "", "the starter project builds with no warnings"
    output = project / "output"
    assert sorted(p.stem for p in output.glob("*.html") if p.name not in OUTPUT_INDEX) == STARTER_EDITIONS
    assert sorted(p.stem for p in output.glob("*.pdf")) == STARTER_EDITIONS
    assert len(PdfReader(output / "first-brief--general-public.pdf").pages) == 1
    checked = run_cli(["check", "--strict"], cwd=project)
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings, 0 info" in checked.stdout


def test_init_never_overwrites(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "briefs").mkdir(parents=True)
    (project / "references.bib").write_text("% mine\n", encoding="utf-8")
    (project / ".gitignore").write_text("mine\n", encoding="utf-8")
    result = run_cli(["init", "p"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("p/references.bib: error: already exists; init never overwrites a file; ")
    assert "Traceback" not in result.output
    assert (project / "references.bib").read_text(encoding="utf-8") == "% mine\n"
    assert not (project / "briefs" / "first-brief.yaml").exists(), "nothing is written when anything is in the way"


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    assert run_cli(["init", ".", "--brief", "housing"], cwd=tmp_path).exit_code == 0
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "briefs" / "housing.yaml").is_file()


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    assert run_cli(["init", "p"], cwd=tmp_path).exit_code == 0
    return tmp_path / "p"


def test_new_section_and_brief_build(starter: Path) -> None:
    section = run_cli(["new", "section", "local-costs", "--title", "Costs: who pays?"], cwd=starter)
    assert section.exit_code == 0, section.output
    assert section.stdout.startswith("created briefs/sections/local-costs.md\n")
    brief = run_cli(["new", "brief", "costs", "--section", "local-costs", "--section", "background"], cwd=starter)
    assert brief.exit_code == 0, brief.output
    manifest = (starter / "briefs" / "costs.yaml").read_text(encoding="utf-8")
    assert "sections:" in manifest and "  - local-costs\n  - background\n" in manifest
    assert "title: Costs\n" in manifest
    built = run_cli(["build", "costs", "-a", "press", "-f", "html"], cwd=starter)
    assert built.exit_code == 0, built.output
    html = (starter / "output" / "costs--press.html").read_text(encoding="utf-8")
    assert "Costs: who pays?" in html, "a title with a colon is quoted in the YAML"
    assert run_cli(["check", "--strict"], cwd=starter).exit_code == 0


def test_a_new_brief_without_sections_lists_the_first_and_the_others_as_comments(starter: Path) -> None:
    assert run_cli(["new", "section", "costs"], cwd=starter).exit_code == 0
    assert run_cli(["new", "brief", "empty"], cwd=starter).exit_code == 0
    manifest = (starter / "briefs" / "empty.yaml").read_text(encoding="utf-8")
    assert "  - background\n  # - costs\n" in manifest
    assert run_cli(["check", "empty"], cwd=starter).exit_code == 0


def test_new_audience_gets_an_edition(starter: Path) -> None:
    created = run_cli(["new", "audience", "school-boards", "--label", "School boards"], cwd=starter)
    assert created.exit_code == 0
    assert "add school-boards to the 'audiences:' list" in created.stdout
    manifest = starter / "briefs" / "first-brief.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "audiences: [general-public]" in text
    manifest.write_text(text.replace("audiences: [general-public]", "audiences: [general-public, school-boards]"),
                        encoding="utf-8")
    shown = run_cli(["audiences", "show", "school-boards"], cwd=starter)
    assert shown.exit_code == 0, shown.output
    assert "label: School boards" in shown.stdout and "reading_grade: 10" in shown.stdout
    built = run_cli(["build", "-a", "school-boards", "-f", "html"], cwd=starter)
    assert built.exit_code == 0, built.output
    assert (starter / "output" / "first-brief--school-boards.html").is_file()


def test_new_audience_with_a_builtin_id_keeps_the_builtin_values(starter: Path) -> None:
    assert run_cli(["new", "audience", "press"], cwd=starter).exit_code == 0
    text = (starter / "briefs" / "audiences" / "press.yaml").read_text(encoding="utf-8")
    assert "label: Press\n" in text and "# reading_grade: 10\n" in text
    shown = run_cli(["audiences", "show", "press"], cwd=starter)
    assert "reading_grade: 10" in shown.stdout and "max_pages: 6" in shown.stdout
    assert run_cli(["check", "--strict"], cwd=starter).exit_code == 0


@pytest.mark.parametrize(("args", "path"), [
    pytest.param(["new", "section", "background"], "briefs/sections/background.md", id="section"),
    pytest.param(["new", "brief", "first-brief"], "briefs/first-brief.yaml", id="brief"),
    pytest.param(["new", "audience", "general-public"], "briefs/audiences/general-public.yaml", id="audience"),
])
def test_new_never_overwrites(starter: Path, args: list[str], path: str) -> None:
    before = (starter / path).read_text(encoding="utf-8")
    result = run_cli(args, cwd=starter)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: error: already exists; briefgen never overwrites it; ")
    assert (starter / path).read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(["new", "section", "Bad_Id"], 2, "briefgen: 'Bad_Id' is not a valid section id", id="invalid-id"),
    pytest.param(["new", "brief", "b", "--section", "backgrond"], 2,
                 "briefgen: no section 'backgrond' (looked for briefs/sections/backgrond.md); did you mean 'background'?",
                 id="unknown-section"),
])
def test_new_refuses_bad_requests(starter: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli(args, cwd=starter)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_new_outside_a_project_says_how_to_start_one(tmp_path: Path) -> None:
    result = run_cli(["new", "section", "x"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "this folder is not a brief project (no 'briefs/' folder); start one with briefgen init DIR" in result.stderr
