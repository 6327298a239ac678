"""Nothing is written outside the output folder: not through a symlink in it, not into a file named
by ``-o``; an output folder that cannot be made or written is a clean error, and a write that
fails (a full disk) keeps the previous file and leaves no temporary one.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import OUTPUT_INDEX, assert_clean_error, section_md
from hostile_project import BASE, all_files, build_html, output_files

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


def test_build_writes_only_inside_the_output_folder(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project(BASE, name="project")
    before = all_files(tmp_path)
    result = build_html(project, "-o", "deep/new/out")
    assert result.exit_code == 0, result.output
    after = all_files(tmp_path)
    changed = sorted(name for name in after if before.get(name) != after[name])
    outputs = [name for name in changed if "/.briefgen-cache/" not in name and name.rsplit("/", 1)[-1] not in OUTPUT_INDEX]
    assert outputs == [f"project/deep/new/out/b--{a}.html" for a in ("community-groups", "county-officials", "press")]
    assert all(name.startswith("project/deep/new/out/.briefgen-cache/") or name in {f"project/deep/new/out/{index}"
                                                                                   for index in OUTPUT_INDEX}
               for name in changed if name not in outputs)


def test_a_symlink_in_the_output_folder_is_not_followed(make_project: Callable[..., Path], tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not overwrite\n", encoding="utf-8")
    project = make_project(BASE)
    (project / "output").mkdir()
    (project / "output/b--press.html").symlink_to(victim)
    result = build_html(project)
    assert "Traceback" not in result.output
    assert victim.read_text(encoding="utf-8") == "do not overwrite\n"
    assert result.exit_code == 1
    assert "refusing to write outside the output folder" in result.stderr


def test_output_option_naming_a_file_is_refused(make_project: Callable[..., Path]) -> None:
    project = make_project(BASE)
    (project / "afile").write_text("keep\n", encoding="utf-8")
    result = build_html(project, "-o", "afile")
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert "'afile' is a file" in result.stderr
    assert (project / "afile").read_text(encoding="utf-8") == "keep\n"


def test_output_folder_under_a_file_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    project = make_project(BASE)
    (project / "afile").write_text("keep\n", encoding="utf-8")
    result = build_html(project, "-o", "afile/sub")
    assert_clean_error(result, "afile/sub: ", "cannot create the output folder", "-o/--output")


def test_output_folder_without_write_permission_is_a_clean_error(make_project: Callable[..., Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(BASE)
    (project / "locked").mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the permission check see what a user would
        real_access = os.access
        monkeypatch.setattr("briefgen.build.outputs.os.access", lambda path, mode, **kw: False if (
            Path(path).name == "locked" and mode & os.W_OK) else real_access(path, mode, **kw))
    else:
        (project / "locked").chmod(0o500)
    try:
        result = build_html(project, "-o", "locked")
    finally:
        (project / "locked").chmod(0o700)
    assert_clean_error(result, "locked: ", "cannot write to the output folder")
    assert list((project / "locked").iterdir()) == []


def test_a_failed_write_is_a_clean_error_and_keeps_the_old_file(make_project: Callable[..., Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills up while writing: the previous edition stays, no temporary file is left."""
    project = make_project(BASE)
    assert build_html(project, "-a", "press").exit_code == 0
    before = output_files(project / "output")

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("briefgen.build.outputs.os.replace", full_disk)
    (project / "briefs/sections/one.md").write_text(section_md("One", "Changed text [@gao2021].\n"), encoding="utf-8")
    result = build_html(project, "-a", "press")
    assert output_files(project / "output") == before
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "b--press.html" in result.stderr
