"""The command line end to end: build (formats, audiences, output folder), list, --version, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import briefgen
from conftest import (
    BUILTIN_AUDIENCES,
    FIXTURES_DIR,
    OUTPUT_INDEX,
    assert_clean_error,
    brief_yaml,
    run_cli,
    run_console,
    section_md,
)

BASIC = FIXTURES_DIR / "basic"


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    """Two briefs, two sections (one with a Spanish translation) and a project audience."""
    return make_project({
        "briefs/alpha.yaml": brief_yaml(["one", "two"], title="Alpha Brief"),
        "briefs/beta.yaml": brief_yaml(["two"], title="Beta Brief", extra="audiences: [press, tenants]\n"),
        "briefs/sections/one.md": section_md("Section One", "Cites [@gao2021].\n"),
        "briefs/sections/one.es.md": section_md("Sección uno", "Cita [@gao2021].\n"),
        "briefs/sections/two.md": section_md("Section Two", "Cites [@doe2019].\n"),
        "briefs/audiences/tenants.yaml": "label: Tenant unions\nreading_grade: 7\n",
    }, name="proj")


def names(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(path.name for path in folder.iterdir() if path.is_file() and path.name not in OUTPUT_INDEX)


# --- version and help -------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    result = run_cli(["--version"], cwd=tmp_path)
    assert (result.exit_code, result.stdout.strip()) == (0, f"briefgen {briefgen.__version__}")


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli(["--help"], cwd=tmp_path)
    assert result.exit_code == 0
    assert "build" in result.stdout and "list" in result.stdout


# --- build -----------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_build_writes_html_and_pdf_by_default(tmp_path: Path) -> None:
    output = tmp_path / "out"
    result = run_cli(["build", "basic", "-a", "press", "-o", str(output)], cwd=BASIC)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert names(output) == ["basic--press.html", "basic--press.pdf"]
    assert (output / "basic--press.pdf").read_bytes().startswith(b"%PDF-")
    assert (output / "basic--press.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for name in ("basic--press.html", "basic--press.pdf"):
        assert f"wrote {output / name}" in result.stdout


def test_build_everything_into_the_project_output_folder(project: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert names(project / "output") == [
        *(f"alpha--{a}.html" for a in (*BUILTIN_AUDIENCES, "tenants")),
        "beta--press.html", "beta--tenants.html",
    ]
    assert "wrote output/alpha--press.html" in result.stdout.splitlines()


def test_project_option_from_another_folder(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli(["build", "beta", "-f", "html", "-C", str(project)], cwd=elsewhere)
    assert result.exit_code == 0, result.output
    assert names(project / "output") == ["beta--press.html", "beta--tenants.html"]
    assert names(elsewhere) == []


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["alpha"], [f"alpha--{a}.html" for a in (*BUILTIN_AUDIENCES, "tenants")], id="one-brief"),
    pytest.param(["alpha", "-a", "press"], ["alpha--press.html"], id="one-audience"),
    pytest.param(["alpha", "-a", "press", "-a", "county-officials"], ["alpha--county-officials.html", "alpha--press.html"],
                 id="repeated-audience"),
    pytest.param(["alpha", "-a", "all"], [f"alpha--{a}.html" for a in (*BUILTIN_AUDIENCES, "tenants")], id="all"),
    pytest.param(["alpha", "beta", "-a", "press"], ["alpha--press.html", "beta--press.html"], id="two-briefs"),
    pytest.param(["-a", "tenants"], ["alpha--tenants.html", "beta--tenants.html"], id="project-audience-every-brief"),
])
def test_build_selection(project: Path, tmp_path: Path, args: list[str], expected: list[str]) -> None:
    output = tmp_path / "out"
    result = run_cli(["build", *args, "-f", "html", "-o", str(output)], cwd=project)
    assert result.exit_code == 0, result.output
    assert names(output) == expected


def test_output_folder_is_created(project: Path, tmp_path: Path) -> None:
    output = tmp_path / "deep" / "er" / "out"
    result = run_cli(["build", "beta", "-a", "press", "-f", "html", "-o", str(output)], cwd=project)
    assert result.exit_code == 0, result.output
    assert names(output) == ["beta--press.html"]
    assert not (project / "output").exists()


def test_rebuild_is_identical(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for output in (first, second):
        assert run_cli(["build", "alpha", "-f", "html", "-o", str(output)], cwd=project).exit_code == 0
    for name in names(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_html_edition_carries_the_audience_and_the_sections(project: Path) -> None:
    run_cli(["build", "alpha", "-a", "tenants", "-f", "html"], cwd=project)
    html = (project / "output" / "alpha--tenants.html").read_text(encoding="utf-8")
    assert "Alpha Brief" in html and "Tenant unions" in html
    assert "Section One" in html and "Section Two" in html
    assert '<li id="ref-gao2021">' in html and '<li id="ref-doe2019">' in html


# --- exit codes ---------------------------------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["build", "alpa"], "briefgen: no brief 'alpa'; did you mean 'alpha'?", id="unknown-brief"),
    pytest.param(["build", "zzz"], "briefgen: no brief 'zzz'; briefs: alpha, beta", id="unknown-brief-lists-briefs"),
    pytest.param(["build", "-a", "prss"], "briefgen: no audience 'prss'; did you mean 'press'?", id="unknown-audience"),
    pytest.param(["build", "beta", "-a", "county-officials"],
                 "briefgen: brief 'beta' has no edition for audience 'county-officials'; add the audience to the brief's "
                 "'audiences:' list, or ask for another", id="audience-the-brief-is-not-for"),
    pytest.param(["build", "-f", "odt"], "briefgen: unknown format 'odt'; choose from html, pdf, handout, png, docx",
                 id="unknown-format"),
    pytest.param(["build", "-f", "html", "-f", "PDF"],
                 "briefgen: unknown format 'PDF'; choose from html, pdf, handout, png, docx",
                 id="format-is-case-sensitive"),
])
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    result = run_cli(args, cwd=project)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in result.stderr.splitlines()
    assert names(project / "output") == []


def test_unknown_option_exits_2(project: Path) -> None:
    result = run_cli(["build", "--colour"], cwd=project)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_content_error_exits_1(project: Path) -> None:
    (project / "briefs/sections/two.md").write_text(section_md("Section Two", "Cites [@doe2091].\n"), encoding="utf-8")
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, "briefs/sections/two.md:4:", "unknown citation key 'doe2091'", "did you mean 'doe2019'?")


def test_success_exits_0_with_nothing_on_stderr(project: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert (result.exit_code, result.stderr) == (0, "")


# --- list ------------------------------------------------------------------------------------------------


def test_list(project: Path, tmp_path: Path) -> None:
    result = run_cli(["list", "-C", str(project)], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["alpha", "Alpha", "Brief"] in lines
    assert ["beta", "Beta", "Brief"] in lines
    assert ["one", "Section", "One", "[es]"] in lines
    assert ["two", "Section", "Two"] in lines
    listed = " ".join(result.stdout.split())
    for audience in (*BUILTIN_AUDIENCES, "tenants"):
        assert audience in listed
    assert "Tenant unions" in listed


def test_list_reports_content_errors(project: Path) -> None:
    (project / "briefs/beta.yaml").write_text("title: Beta\nsections:\n  - two\nsumary: x\n", encoding="utf-8")
    result = run_cli(["list"], cwd=project)
    assert_clean_error(result, "briefs/beta.yaml:4:", "unknown key 'sumary'", "did you mean 'summary'?")


# --- the real console entry ---------------------------------------------------------------------------------


def test_python_dash_m_briefgen(tmp_path: Path) -> None:
    result = run_console(["--version"], cwd=tmp_path)
    assert (result.exit_code, result.stdout.strip()) == (0, f"briefgen {briefgen.__version__}")


@pytest.mark.slow
def test_console_build_reports_an_error_without_traceback(project: Path) -> None:
    (project / "briefs/sections/two.md").write_text(section_md("Section Two", "Fine.\n\nCites [@doe2091].\n"),
                                                    encoding="utf-8")
    result = run_console(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, "briefs/sections/two.md:6:", "unknown citation key 'doe2091'")
    assert "alpha--press.html" not in " ".join(names(project / "output"))


def test_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("briefgen", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("no briefgen console script next to this interpreter")
    completed = subprocess.run([script, "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert (completed.returncode, completed.stdout.strip()) == (0, f"briefgen {briefgen.__version__}")
