"""Ids cannot walk out of their folders: a file with an invalid id is an error and writes nothing,
brief and audience ids on the command line are not paths, section ids in a manifest cannot
reach other files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import assert_clean_error, brief_yaml, section_md
from hostile_project import BASE, build_html, output_files

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


BAD_ID_FILES = [
    pytest.param("briefs/Bad.Name.yaml", "is not a valid brief id", id="brief-with-dot-and-capitals"),
    pytest.param("briefs/has space.yaml", "is not a valid brief id", id="brief-with-space"),
    pytest.param("briefs/-dash.yaml", "is not a valid brief id", id="brief-starting-with-dash"),
    pytest.param("briefs/café.yaml", "is not a valid brief id", id="brief-non-ascii"),
    pytest.param("briefs/sections/Two.md", "is not a valid section id", id="section-capitals"),
    pytest.param("briefs/sections/a b.md", "is not a valid section id", id="section-with-space"),
    pytest.param("briefs/sections/x.y.z.md", "cannot tell the section id", id="section-with-dots"),
    pytest.param("briefs/audiences/Press.yaml", "is not a valid audience id", id="audience-capitals"),
    pytest.param("briefs/audiences/a.b.yaml", "is not a valid audience id", id="audience-with-dot"),
]


@pytest.mark.parametrize(("name", "message"), BAD_ID_FILES)
def test_file_with_an_invalid_id_is_an_error_and_writes_nothing(make_project: Callable[..., Path], tmp_path: Path,
                                                                name: str, message: str) -> None:
    content = (section_md("X", "Text.\n") if name.endswith(".md") else
               "label: X\n" if "audiences" in name else brief_yaml(["one"]))
    project = make_project({**BASE, name: content})
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, name, message)
    stem = Path(name).name.removesuffix(".md").removesuffix(".yaml")
    written = output_files(output)
    assert "b--press.html" in written, "the valid brief is still built"
    assert [file for file in written if file.startswith(f"{stem}--") or f"--{stem}." in file] == []


@pytest.mark.parametrize("brief_id", ["../x", "./b", "../briefs/b", "b/../b", "B", "b.yaml", "b "])
def test_brief_id_on_the_command_line_is_not_a_path(make_project: Callable[..., Path], brief_id: str) -> None:
    project = make_project(BASE)
    (project / "x.yaml").write_text(brief_yaml(["one"]), encoding="utf-8")
    result = build_html(project, brief_id)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"no brief '{brief_id}'" in result.stderr
    assert not (project / "output").exists() or output_files(project / "output") == {}


@pytest.mark.parametrize("audience_id", ["../x", "Press", "press/../press", ""])
def test_audience_id_on_the_command_line_is_not_a_path(make_project: Callable[..., Path], audience_id: str) -> None:
    project = make_project(BASE)
    result = build_html(project, "-a", audience_id)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"no audience '{audience_id}'" in result.stderr


def test_section_ids_in_a_manifest_cannot_reach_other_files(make_project: Callable[..., Path],
                                                            outside: Path) -> None:
    manifest = "title: T\nsections:\n  - ../../../outside/secret\n  - one/../one\n  - /etc/passwd\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest}, name="project")
    result = build_html(project)
    for line, ref in ((3, "../../../outside/secret"), (4, "one/../one"), (5, "/etc/passwd")):
        assert_clean_error(result, f"briefs/b.yaml:{line}:", f"no section '{ref}'")
    assert output_files(project / "output") == {}
