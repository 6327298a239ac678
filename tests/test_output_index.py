"""The output folder's index: ``index.json`` for programs, ``index.html`` for people.

Every build updates both: every edition in the folder with its brief, audience, place, title,
language, pages and files (size and SHA-256); a build of a subset keeps the others listed; an
edition whose files are gone is dropped. The HTML page is checked in a real browser in
test_index_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from briefgen.build.index import IndexedEdition, IndexedFile, read_index, render_index_html, update_index
from conftest import FIXTURES_DIR, brief_yaml, run_cli, section_md
from golden import assert_matches_golden

BASIC_EDITIONS = [f"basic--{audience}" for audience in ("community-groups", "county-officials", "press")]


@pytest.fixture
def basic(tmp_path: Path) -> Path:
    project = tmp_path / "basic"
    shutil.copytree(FIXTURES_DIR / "basic", project, ignore=shutil.ignore_patterns("expected"))
    return project


def index_of(output: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((output / "index.json").read_text(encoding="utf-8"))
    return data


def test_every_edition_is_listed_with_its_files_sizes_and_hashes(basic: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=basic)
    assert result.exit_code == 0, result.output
    output = basic / "output"
    index = index_of(output)
    assert index["version"] == 1
    assert [entry["name"] for entry in index["editions"]] == BASIC_EDITIONS
    press = index["editions"][2]
    assert press["brief"] == "basic" and press["audience"] == "press" and press["audience_label"] == "Reporters"
    assert press["title"] == "What Does the Basic Program Cost?" and press["language"] == "en"
    assert press["place"] == {"id": "", "name": ""}, "no place until editions come from a table's rows"
    assert press["pages"] is None, "an HTML-only build has no pages"
    for entry in index["editions"]:
        [listed] = entry["files"]
        data = (output / listed["name"]).read_bytes()
        assert listed["format"] == "html"
        assert listed["bytes"] == len(data) and listed["sha256"] == hashlib.sha256(data).hexdigest()
    page = (output / "index.html").read_text(encoding="utf-8")
    for name in BASIC_EDITIONS:
        assert f'<span class="file"><a href="{name}.html">HTML</a>' in page
    assert "3 editions of 1 brief." in page


def test_a_subset_build_keeps_the_others_and_gone_files_are_dropped(basic: Path) -> None:
    assert run_cli(["build", "-f", "html"], cwd=basic).exit_code == 0
    output = basic / "output"
    (output / "basic--county-officials.html").unlink()
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=basic)
    assert result.exit_code == 0, result.output
    names = [entry["name"] for entry in index_of(output)["editions"]]
    assert names == ["basic--community-groups", "basic--press"], "the other edition stays; the one whose file is gone goes"
    assert "basic--county-officials" not in (output / "index.html").read_text(encoding="utf-8")


def test_a_no_op_build_leaves_the_index_alone(basic: Path) -> None:
    assert run_cli(["build", "-f", "html"], cwd=basic).exit_code == 0
    index = basic / "output" / "index.json"
    before = index.stat().st_mtime_ns
    assert run_cli(["build", "-f", "html"], cwd=basic).exit_code == 0
    assert index.stat().st_mtime_ns == before


def test_a_changed_file_is_hashed_again(basic: Path) -> None:
    assert run_cli(["build", "-f", "html"], cwd=basic).exit_code == 0
    output = basic / "output"
    section = basic / "briefs" / "sections"
    first = next(section.glob("*.md"))
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run_cli(["build", "-f", "html"], cwd=basic).exit_code == 0
    for entry in index_of(output)["editions"]:
        for listed in entry["files"]:
            assert listed["sha256"] == hashlib.sha256((output / listed["name"]).read_bytes()).hexdigest()


def test_a_damaged_index_is_rebuilt(basic: Path) -> None:
    output = basic / "output"
    output.mkdir()
    (output / "index.json").write_text("{not json", encoding="utf-8")
    assert run_cli(["build", "-f", "html", "-a", "press"], cwd=basic).exit_code == 0
    assert [entry["name"] for entry in index_of(output)["editions"]] == ["basic--press"]


def test_an_index_entry_naming_a_file_outside_the_folder_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text(json.dumps({"version": 1, "editions": [
        {"name": "x", "brief": "x", "audience": "a", "files": [{"name": "../secret", "format": "html", "bytes": 1,
                                                                "sha256": ""}]}]}), encoding="utf-8")
    assert read_index(tmp_path) == {}


def test_entries_of_earlier_builds_are_kept_while_their_files_exist(tmp_path: Path) -> None:
    (tmp_path / "old--press.pdf").write_bytes(b"%PDF-old")
    recorded = IndexedEdition("old--press", "old", "press", "Press", "48201", "Harris County", "Old", "en", 2,
                              (IndexedFile("old--press.pdf", "pdf", 8, "stale"), IndexedFile("old--press.html", "html", 3, "x")))
    (tmp_path / "index.json").write_text(json.dumps({"version": 1, "editions": [{
        "name": recorded.name, "brief": "old", "audience": "press", "audience_label": "Press",
        "place": {"id": "48201", "name": "Harris County"}, "title": "Old", "language": "en", "pages": 2,
        "files": [{"name": f.name, "format": f.format, "bytes": f.bytes, "sha256": f.sha256} for f in recorded.files]}]}),
        encoding="utf-8")
    index_time = (tmp_path / "index.json").stat().st_mtime_ns
    os.utime(tmp_path / "old--press.pdf", ns=(index_time - 10**9, index_time - 10**9))
    update_index(tmp_path, [])
    [entry] = index_of(tmp_path)["editions"]
    assert entry["place"] == {"id": "48201", "name": "Harris County"} and entry["pages"] == 2
    assert entry["files"] == [{"name": "old--press.pdf", "format": "pdf", "bytes": 8, "sha256": "stale"}], \
        "the HTML is gone; the PDF, unchanged since the index was written, keeps its recorded hash"
    index_time = (tmp_path / "index.json").stat().st_mtime_ns
    os.utime(tmp_path / "old--press.pdf", ns=(index_time + 10**9, index_time + 10**9))
    update_index(tmp_path, [])
    [entry] = index_of(tmp_path)["editions"]
    assert entry["files"][0]["sha256"] == hashlib.sha256(b"%PDF-old").hexdigest(), "a file modified since is hashed again"


def test_titles_and_names_are_escaped() -> None:
    entry = IndexedEdition("b--a", "b", "a", "<Audience>", "1", 'Place "&"', "<script>alert(1)</script>", "en", None,
                           (IndexedFile("b--a.html", "html", 10, "h"),))
    page = render_index_html([entry])
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Place &quot;&amp;&quot; (1)" in page and "&lt;Audience&gt;" in page


def normalized(text: str) -> str:
    """Sizes and hashes change with every change to the rendered pages: the golden keeps their shape."""
    text = re.sub(r'"sha256": "[0-9a-f]{64}"', '"sha256": "…"', text)
    text = re.sub(r'"bytes": \d+', '"bytes": 0', text)
    return re.sub(r"\(\d+(?:\.\d)? (?:B|KB|MB)\)", "(… KB)", text)


def test_golden_index_of_the_basic_fixture(basic: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=basic)
    assert result.exit_code == 0, result.output
    for name in ("index.json", "index.html"):
        assert_matches_golden(normalized((basic / "output" / name).read_text(encoding="utf-8")),
                              FIXTURES_DIR / "basic" / "expected" / "index" / name)


def test_a_build_with_errors_still_lists_what_is_there(make_project: Any) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Body.\n")})
    assert run_cli(["build", "-f", "html", "-a", "press"], cwd=project).exit_code == 0
    (project / "briefs" / "sections" / "one.md").write_text(section_md("One", "Body [@nokey].\n"), encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-a", "press", "-a", "county-officials"], cwd=project)
    assert result.exit_code == 1, result.output
    assert [entry["name"] for entry in index_of(project / "output")["editions"]] == ["b--press"], \
        "the failed build leaves the earlier edition, still listed"
