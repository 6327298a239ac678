"""The output index at scale: a build that changes nothing the index says renders neither page,
and files rewritten with the same bytes are hashed once, not on every build after."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project({"briefs/b.yaml": brief_yaml(["one"]),
                         "briefs/sections/one.md": section_md("One", "Everyone reads this [@gao2021].\n")})


def build(project: Path, *args: str) -> None:
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == 0, result.output


def test_files_rewritten_with_the_same_bytes_are_not_hashed_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    output = project / "output"
    index_bytes = (output / "index.json").read_bytes()
    build(project, "--force")  # every file written again, the same bytes
    assert (output / "index.json").read_bytes() == index_bytes, "nothing the index says changed"
    index_time = (output / "index.json").stat().st_mtime_ns
    assert all(path.stat().st_mtime_ns <= index_time for path in output.glob("b--*.html")), \
        "the index is marked as true of the files as they are now"
    hashed: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b"", **kwargs: object):  # type: ignore[no-untyped-def]
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(hashlib, "sha256", counting)
    build(project)
    monkeypatch.undo()
    page_sizes = {path.stat().st_size for path in output.glob("b--*.html")}
    assert not page_sizes & set(hashed), "no edition file hashed by a no-op build"


def test_a_deleted_index_page_is_written_again(project: Path) -> None:
    build(project)
    output = project / "output"
    (output / "index.html").unlink()
    build(project)
    assert "b--press" in (output / "index.html").read_text(encoding="utf-8")
    assert [entry["name"] for entry in json.loads((output / "index.json").read_text(encoding="utf-8"))["editions"]] == [
        "b--community-groups", "b--county-officials", "b--press"]


def test_a_place_edition_is_listed_with_its_title_as_printed(make_project) -> None:  # type: ignore[no-untyped-def]
    root = make_project({
        "briefs/b.yaml": brief_yaml(["one"], title="'A note for {{< data town >}}'",
                                    extra="audiences: [press]\nplaces:\n  data: data/t.csv\n  id: fips\n  name: town\n"),
        "briefs/data/t.csv": "fips,town\n001,Alpha\n002,Beta\n",
        "briefs/sections/one.md": section_md("One", "In {{< data town >}}.\n"),
    })
    build(root)
    entries = json.loads((root / "output/index.json").read_text(encoding="utf-8"))["editions"]
    assert [(entry["name"], entry["title"]) for entry in entries] == [
        ("b--press--001", "A note for Alpha"), ("b--press--002", "A note for Beta")]
    assert "A note for Beta" in (root / "output/index.html").read_text(encoding="utf-8")
