"""The command line at its edges: every read-only command on a broken project gives the located
error (never a traceback), ``init`` checks everything before it writes anything, and a cache
write that fails leaves no temporary file behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md, write_project

BROKEN_MANIFEST = brief_yaml(extra="editions:\n  press:\n    intro: A.\n  press:\n    intro: B.\n")
"""``briefs/b.yaml``: the same audience twice under ``editions:``, the second on line 7."""
MANIFEST_ERROR = "briefs/b.yaml:7: error: duplicate key 'press' (first set on line 5)"
PROFILE_ERROR = "briefs/audiences/board.yaml:2: error: 'reading_grade' must be a number from 1 to 20, not '.nan'"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {
        "briefs/b.yaml": BROKEN_MANIFEST,
        "briefs/good.yaml": brief_yaml(),
        "briefs/sections/one.md": section_md("One", "Body.\n"),
        "briefs/audiences/board.yaml": "label: Board\nreading_grade: .nan\n",
    })


def _assert_located(result, line_start: str) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    assert any(line.startswith(line_start) for line in result.output.splitlines()), result.output


@pytest.mark.parametrize("args", [
    pytest.param(["diff", "b", "press", "county-officials"], id="diff"),
    pytest.param(["diff", "b", "board", "press"], id="diff-with-a-broken-profile-too"),
    pytest.param(["matrix", "b"], id="matrix-of-the-broken-brief"),
    pytest.param(["matrix"], id="matrix-of-every-brief"),
    pytest.param(["matrix", "b", "--format", "csv"], id="matrix-csv"),
    pytest.param(["list"], id="list"),
    pytest.param(["audiences"], id="audiences"),
    pytest.param(["audiences", "show", "press"], id="audiences-show"),
    pytest.param(["check"], id="check"),
    pytest.param(["check", "b"], id="check-the-broken-brief"),
    pytest.param(["check", "--strict", "--format", "github"], id="check-github"),
    pytest.param(["build", "b", "-f", "html"], id="build"),
])
def test_read_only_commands_on_a_broken_manifest_give_the_located_error(broken: Path, args: list[str]) -> None:
    result = run_cli(args, cwd=broken)
    if args[:2] == ["check", "--strict"]:
        assert result.exit_code == 1 and "file=briefs/b.yaml,line=7" in result.stdout, result.output
        return
    _assert_located(result, MANIFEST_ERROR)


def test_matrix_of_a_broken_brief_prints_no_empty_table(broken: Path) -> None:
    result = run_cli(["matrix", "b"], cwd=broken)
    assert result.stdout == "", result.output


@pytest.mark.parametrize("args", [
    pytest.param(["diff", "good", "board", "press"], id="diff-audience-a"),
    pytest.param(["diff", "good", "press", "board"], id="diff-audience-b"),
    pytest.param(["audiences", "show", "board"], id="audiences-show"),
    pytest.param(["check", "good", "-a", "board"], id="check"),
])
def test_naming_an_audience_whose_profile_is_broken_gives_its_error(broken: Path, args: list[str]) -> None:
    """Not "no audience 'board'" (exit 2): the profile exists, and its error says what to fix."""
    result = run_cli(args, cwd=broken)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    assert PROFILE_ERROR in result.output, result.output


def test_an_unknown_brief_when_every_manifest_is_broken_says_so(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"briefs/b.yaml": BROKEN_MANIFEST,
                                          "briefs/sections/one.md": section_md("One", "Body.\n")})
    result = run_cli(["diff", "bb", "press", "county-officials"], cwd=root)
    assert result.exit_code == 2, result.output
    assert MANIFEST_ERROR in result.stderr
    assert "briefgen: no brief 'bb'; did you mean 'b'?" in result.stderr


def test_diff_of_a_good_brief_still_works_beside_a_broken_one(broken: Path) -> None:
    result = run_cli(["diff", "good", "press", "county-officials"], cwd=broken)
    assert result.stdout.startswith("good: what press (A) reads that county-officials (B) does not\n"), result.output
    assert result.exit_code == 1 and MANIFEST_ERROR in result.stderr, "the project still has errors"


# --- init: everything is checked before anything is written -------------------------------------------


def _tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) + [
        str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_symlink() and not path.exists()]


@pytest.mark.parametrize(("prepare", "where", "message"), [
    pytest.param(lambda d: (d / "briefs").write_text("x"), "briefs", "is a file where init needs the folder 'briefs/'",
                 id="briefs-is-a-file"),
    pytest.param(lambda d: (d / "briefs").mkdir() or (d / "briefs" / "sections").write_text("x"), "briefs/sections",
                 "is a file where init needs the folder 'sections/'", id="sections-is-a-file"),
    pytest.param(lambda d: (d / ".gitignore").symlink_to(d / "nowhere"), ".gitignore",
                 "is a link to a file that does not exist", id="gitignore-dangling-link"),
    pytest.param(lambda d: (d / "briefs").symlink_to(d.parent), "briefs", "is a link; init writes only into real folders",
                 id="briefs-is-a-link"),
    pytest.param(lambda d: (d / "references.bib").write_text("% mine\n"), "references.bib", "already exists",
                 id="bib-exists"),
])
def test_init_writes_nothing_and_says_why(tmp_path: Path, prepare, where: str, message: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "new"
    target.mkdir()
    prepare(target)
    before = _tree(target)
    result = run_cli(["init", "new"], cwd=tmp_path)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    assert f"new/{where}: error: {message}" in result.stderr, result.stderr
    assert _tree(target) == before, "init wrote something"
    assert not list(tmp_path.rglob("*.tmp"))


def test_init_below_a_file_says_the_file_is_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    result = run_cli(["init", "plain/project"], cwd=tmp_path)
    assert result.exit_code == 1 and "plain: error: is a file, not a folder" in result.stderr, result.output
    assert (tmp_path / "plain").read_text() == "x"


def test_init_keeps_a_gitignore_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / ".gitignore").write_text("mine\n")
    assert run_cli(["init", "p"], cwd=tmp_path).exit_code == 0
    assert (tmp_path / "p" / ".gitignore").read_text() == "mine\n"


def test_init_that_fails_half_way_takes_back_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk on the fourth file: the three written before it and the folders made are removed."""
    real_open = Path.open

    def open_or_fail(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "general-public.yaml" and "x" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_or_fail)
    result = run_cli(["init", "p"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "p/briefs/audiences/general-public.yaml: error: cannot create this file (No space left on device)" in result.stderr
    assert not (tmp_path / "p").exists(), sorted(map(str, tmp_path.rglob("*")))


# --- the build cache: a failed write leaves no temporary file ------------------------------------------


def _cache_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(extra="audiences: [press]\n"),
                                          "briefs/sections/one.md": section_md("One", "Body.\n")})


def test_a_cache_record_that_cannot_replace_its_file_leaves_no_temporary_file(tmp_path: Path) -> None:
    root = _cache_project(tmp_path)
    (root / "output" / ".briefgen-cache" / "editions.json").mkdir(parents=True)  # a folder in the way
    (root / "output" / ".briefgen-cache" / "references.json").mkdir(parents=True)
    result = run_cli(["build", "-f", "html"], cwd=root)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "b--press.html").is_file()
    leftovers = [p for p in (root / "output").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_cache_write_that_fails_half_way_leaves_no_temporary_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the record is written: the build goes on, and the part-written file goes."""
    import briefgen.build.cache

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
            self.stream = stream

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
            self.stream.close()

        def write(self, text: str) -> int:
            self.stream.write(text[:10])
            self.stream.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd: int, *args, **kwargs):  # type: ignore[no-untyped-def]
        stream = real_fdopen(fd, *args, **kwargs)
        return FullDisk(stream) if ".briefgen-cache" in os.readlink(f"/proc/self/fd/{fd}") else stream

    monkeypatch.setattr(briefgen.build.cache.os, "fdopen", fdopen)
    root = _cache_project(tmp_path)
    result = run_cli(["build", "-f", "html"], cwd=root)
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    cache = root / "output" / ".briefgen-cache"
    assert [p for p in root.rglob("*") if p.name.endswith(".tmp")] == []
    assert not list(cache.rglob("*.json")), "nothing half-written was kept as a record"


@pytest.mark.parametrize("args", [["build", "-f", "html"], ["build", "-f", "html", "-a", "press"]])
def test_a_broken_override_of_a_builtin_profile_keeps_its_editions_unwritten(tmp_path: Path, args: list[str]) -> None:
    """The press edition is not made with the built-in values the author meant to change."""
    root = write_project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(),
                                          "briefs/sections/one.md": section_md("One", "Body.\n"),
                                          "briefs/audiences/press.yaml": "label: Press\nmax_pages: 0\n"})
    result = run_cli(args, cwd=root)
    _assert_located(result, "briefs/audiences/press.yaml:2: error: 'max_pages' must be a whole number of at least 1")
    assert not (root / "output" / "b--press.html").exists()
    assert (root / "output" / "b--county-officials.html").exists() == ("-a" not in args)
    assert run_cli(["check", "--strict", "-a", "press"], cwd=root).exit_code == 1


READ_ONLY = [["diff", "b", "press", "county-officials"], ["matrix"], ["matrix", "b", "--format", "html"], ["list"],
             ["audiences"], ["audiences", "show", "press"], ["check"], ["check", "--strict", "--format", "json"]]


def _replace_with_file(path: Path) -> None:
    import shutil

    shutil.rmtree(path)
    path.write_text("not a folder\n")


@pytest.mark.parametrize(("breakage", "where"), [
    pytest.param(lambda r: (r / "briefs/b.yaml").write_text("title: [unclosed\n"),
                 "briefs/b.yaml:1: error: YAML syntax error: expected ',' or ']', but got '<stream end>'; "
                 'put the value in quotes: title: "[unclosed"', id="manifest-syntax"),
    pytest.param(lambda r: (r / "briefs/b.yaml").write_text("- a list\n- not a mapping\n"), "briefs/b.yaml:1",
                 id="manifest-is-a-list"),
    pytest.param(lambda r: (r / "briefs/b.yaml").write_bytes(b"title: \xff\n"), "briefs/b.yaml:1", id="manifest-not-utf8"),
    pytest.param(lambda r: (r / "briefs/sections/one.md").write_text("---\ntitle: [\n---\nBody.\n"),
                 "briefs/sections/one.md:", id="front-matter-syntax"),
    pytest.param(lambda r: _replace_with_file(r / "briefs/sections"), "briefs/sections: error: this is a file",
                 id="sections-folder-is-a-file"),
    pytest.param(lambda r: _replace_with_file(r / "briefs/audiences"), "briefs/audiences: error: this is a file",
                 id="audiences-folder-is-a-file"),
])
def test_every_read_only_command_on_a_broken_project(tmp_path: Path, breakage, where: str) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(),
                                          "briefs/sections/one.md": section_md("One", "Body.\n"),
                                          "briefs/audiences/board.yaml": "label: Board\n"})
    breakage(root)
    for args in READ_ONLY:
        result = run_cli(args, cwd=root)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exit_code == 1, (args, result.output)
        if "json" not in args:
            assert where in result.output, (args, result.output)


def test_a_brief_for_an_audience_whose_new_profile_is_broken_points_at_the_profile(tmp_path: Path) -> None:
    """Not "unknown audience": the profile is there, and its own error comes first."""
    root = write_project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(extra="audiences: [board]\n"),
                                          "briefs/sections/one.md": section_md("One", "Body.\n"),
                                          "briefs/audiences/board.yaml": "label: Board\nreading_grade: -1\n"})
    for args in (["build", "-f", "html"], ["check", "--strict"], ["build", "-f", "html", "-a", "board"]):
        result = run_cli(args, cwd=root)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        output = result.output
        assert "briefs/audiences/board.yaml:2: error: 'reading_grade' must be a number from 1 to 20, not '-1'" in output
        if "-a" not in args:
            assert ("briefs/audiences/board.yaml: error: audience 'board' cannot be used because this profile has errors "
                    "(1 place names it)" in output), output
        assert "unknown audience" not in output
