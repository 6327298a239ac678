"""Nothing lost when a build fails: a failed rebuild leaves the previous outputs byte for byte; one
broken edition (or one that takes too long to lay out) does not stop the others; an edition that
needs a broken file is not written, with one line naming every edition it holds back.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURE_BIB, assert_clean_error, brief_yaml, run_cli, section_md, write_project
from counting_server import CountingServer
from hostile_project import BASE, build_html, line_of, make_unreadable, output_files

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a good HTML + PDF edition already in output/ (one PDF for the module)."""
    project = write_project(tmp_path_factory.mktemp("atomic") / "project", BASE)
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert sorted(output_files(project / "output")) == ["b--press.html", "b--press.pdf"]
    return project


BREAKAGES = [
    pytest.param(section_md("One", "Now cites [@nokey].\n"), "briefs/sections/one.md:4:", "unknown citation key",
                 id="unknown-citation"),
    pytest.param("---\ntitle: One\ntags: [a\n---\nText [@gao2021].\n", "briefs/sections/one.md:", "YAML syntax error",
                 id="broken-front-matter"),
    pytest.param(b"---\ntitle: One\n---\nBad \xff byte.\n", "briefs/sections/one.md:4:", "not valid UTF-8",
                 id="invalid-utf8"),
]


@pytest.mark.pdf
@pytest.mark.parametrize(("broken", "prefix", "fragment"), BREAKAGES)
def test_failed_rebuild_leaves_previous_outputs_byte_identical(built_once: Path, tmp_path: Path,
                                                               broken: str | bytes, prefix: str, fragment: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(built_once, project, symlinks=True)
    before = output_files(project / "output")
    section = project / "briefs/sections/one.md"
    section.write_bytes(broken if isinstance(broken, bytes) else broken.encode("utf-8"))
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert_clean_error(result, prefix, fragment)
    after = output_files(project / "output")
    assert sorted(after) == sorted(before), "no temporary or extra file is left in output/"
    assert after == before, "the previous HTML and PDF are unchanged"


def test_broken_editions_do_not_stop_the_good_one(make_project: Callable[..., Path], server: CountingServer,
                                                  tmp_path: Path) -> None:
    body = (f"Everyone reads this [@gao2021].\n\n::: {{audience=\"press\"}}\nPress only [@nokey].\n:::\n\n"
            f"::: {{audience=\"county-officials\"}}\n![chart]({server.url('/x.png')})\n:::\n")
    text = section_md("One", body)
    project = make_project({**BASE, "briefs/sections/one.md": text})
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, f"briefs/sections/one.md:{line_of(text, 'Press only')}:", "unknown citation key 'nokey'")
    assert_clean_error(result, f"briefs/sections/one.md:{line_of(text, '![chart]')}:", "remote images are off")
    assert sorted(output_files(output)) == ["b--community-groups.html"]
    assert "2 failed" in result.stderr and "b--press" in result.stderr and "b--county-officials" in result.stderr
    assert server.connections == 0


SECTION_BREAKAGES = [
    pytest.param("---\ntitle: One\ntags: [a\n---\nText.\n", "YAML syntax error", id="yaml-error"),
    pytest.param(b"---\ntitle: One\n---\nBad \xff byte.\n", "not valid UTF-8", id="invalid-utf8"),
    pytest.param("# One\n\nNo front matter.\n", "must start with front matter", id="no-front-matter"),
    pytest.param(None, "permission denied", id="unreadable"),
]


@pytest.mark.parametrize(("broken", "fragment"), SECTION_BREAKAGES)
def test_edition_needing_a_broken_section_is_not_written(make_project: Callable[..., Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, broken: str | bytes | None,
                                                         fragment: str) -> None:
    """A section that cannot be loaded fails the editions that use it (they are not written without
    it); editions that do not use it are built."""
    files: dict[str, str | bytes] = {
        **BASE, "briefs/b.yaml": brief_yaml(["one", "two"]), "briefs/other.yaml": brief_yaml(["two"], title="O"),
        "briefs/sections/two.md": section_md("Two", "Second [@doe2019].\n")}
    if broken is not None:
        files["briefs/sections/one.md"] = broken
    project = make_project(files)
    if broken is None:
        make_unreadable(project / "briefs/sections/one.md", monkeypatch)
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, "briefs/sections/one.md", fragment)
    written = sorted(output_files(output))
    assert [name for name in written if name.startswith("other--")] == [
        "other--community-groups.html", "other--county-officials.html", "other--press.html"]
    assert [name for name in written if name.startswith("b--")] == [], "b's editions would silently lack 'one'"


@pytest.mark.pdf
def test_an_edition_that_takes_too_long_to_lay_out_fails_alone(make_project: Callable[..., Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF layout has a time limit; reaching it fails that edition with a clear error, not the build."""
    from briefgen.render import time_limit

    monkeypatch.setattr(time_limit, "MAX_RENDER_SECONDS", 0.001)
    project = make_project(BASE)
    result = run_cli(["build", "-a", "press", "-f", "pdf"], cwd=project)
    assert_clean_error(result, "briefs/b.yaml:1:", "laying out the PDF took longer than 0.001 seconds")
    assert not (project / "output" / "b--press.pdf").exists()
    html_only = run_cli(["build", "-a", "press", "-f", "html"], cwd=project)  # no layout, no limit reached
    assert html_only.exit_code == 0, html_only.output


@pytest.mark.parametrize(("files", "bib", "broken", "not_written", "written"), [
    pytest.param({"briefs/audiences/press.yaml": "theme: largeprint\n"}, FIXTURE_BIB, "briefs/audiences/press.yaml",
                 ["b--press"], ["b--county-officials", "b--community-groups"], id="broken-profile-override"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Text [@gao2021].\n\n::: {audience=\"presss\"}\nX\n:::\n")},
                 FIXTURE_BIB, "briefs/sections/one.md", ["b--press", "b--county-officials", "b--community-groups"], [],
                 id="unknown-audience-in-a-block"),
    pytest.param({}, FIXTURE_BIB + "\n@misc{x,\n  title = {X}\n  author = {Doe, J.}\n}\n", "references.bib",
                 ["b--press", "b--county-officials", "b--community-groups"], [], id="bib-field-swallowed"),
])
def test_an_error_in_a_file_an_edition_reads_keeps_that_edition_unwritten(
        make_project: Callable[..., Path], files: dict[str, str], bib: str, broken: str,
        not_written: list[str], written: list[str]) -> None:
    project = make_project({**BASE, **files}, bib=bib)
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    held_back = [line for line in result.stderr.splitlines() if "not built:" in line]
    assert len(held_back) == 1, "one line for all the editions the same broken file holds back"
    assert f"not built: {broken} has errors" in held_back[0]
    for name in not_written:
        assert not (project / "output" / f"{name}.html").exists(), name
        assert name in held_back[0]
    for name in written:
        assert (project / "output" / f"{name}.html").exists(), name
