"""The build cache's record of editions: one ``editions.json`` per output folder, journals while
a build runs. A build stopped before the journals were folded in resumes from them; a journal
line cut short or a damaged ``editions.json`` is a cache miss (the edition is built again),
never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.build.cache import BuildCache
from conftest import brief_yaml, run_cli, section_md

AUDIENCES = ("community-groups", "county-officials", "press")
EDITIONS = {f"b--{audience}" for audience in AUDIENCES}


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project({"briefs/b.yaml": brief_yaml(["one"]),
                         "briefs/sections/one.md": section_md("One", "Everyone reads this [@gao2021].\n")})


def build(project: Path, *args: str):  # type: ignore[no-untyped-def]
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == 0, result.output
    return result


def written(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {Path(line.split(" ", 1)[1]).stem for line in result.stdout.splitlines() if line.startswith("wrote ")}


def cache_folder(project: Path) -> Path:
    return project / "output/.briefgen-cache"


def journals(project: Path) -> list[Path]:
    return sorted((cache_folder(project) / "journal").glob("*.jsonl"))


def stop_before_folding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build stops after its editions are written, before the journals are folded in."""
    monkeypatch.setattr(BuildCache, "save", lambda self: None)


def test_one_file_records_every_edition_and_no_journal_is_left(project: Path) -> None:
    build(project)
    data = json.loads((cache_folder(project) / "editions.json").read_text(encoding="utf-8"))
    assert set(data["editions"]) == EDITIONS
    assert all(len(record["key"]) == 64 for record in data["editions"].values())
    assert journals(project) == []
    assert not (cache_folder(project) / "editions").exists(), "no file per edition"


def test_a_build_stopped_before_folding_is_resumed_from_its_journal(project: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    stop_before_folding(monkeypatch)
    assert written(build(project)) == EDITIONS
    monkeypatch.undo()
    assert not (cache_folder(project) / "editions.json").exists()
    assert len(journals(project)) == 1
    second = build(project)
    assert written(second) == set()
    assert "0 edition(s) built, 3 up to date" in second.output
    assert journals(project) == [], "folded into editions.json"
    data = json.loads((cache_folder(project) / "editions.json").read_text(encoding="utf-8"))
    assert set(data["editions"]) == EDITIONS


def test_a_journal_line_cut_short_rebuilds_only_that_edition(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop_before_folding(monkeypatch)
    build(project)
    monkeypatch.undo()
    [journal] = journals(project)
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 3
    last = json.loads(lines[-1])["name"]
    journal.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2], encoding="utf-8")
    assert written(build(project)) == {last}


def test_the_newest_record_wins_over_editions_json(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    section = project / "briefs/sections/one.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    stop_before_folding(monkeypatch)
    assert written(build(project)) == EDITIONS  # recorded in the journal only
    monkeypatch.undo()
    assert written(build(project)) == set(), "the journal's records are newer than editions.json's"


@pytest.mark.parametrize("damage", [
    pytest.param(b"\x00\xff not json", id="garbage"),
    pytest.param(b'{"version": 1, "code": "x", "editions": []}', id="another-code"),
    pytest.param(b"[1, 2, 3]", id="a-list"),
    pytest.param(b"", id="empty"),
])
def test_a_damaged_editions_json_rebuilds_every_edition(project: Path, damage: bytes) -> None:
    build(project)
    (cache_folder(project) / "editions.json").write_bytes(damage)
    result = build(project)
    assert written(result) == EDITIONS
    assert "Traceback" not in result.output
    assert set(json.loads((cache_folder(project) / "editions.json").read_text(encoding="utf-8"))["editions"]) == EDITIONS


def test_a_record_of_the_wrong_shape_is_a_cache_miss(project: Path) -> None:
    build(project)
    records = cache_folder(project) / "editions.json"
    data = json.loads(records.read_text(encoding="utf-8"))
    data["editions"]["b--press"]["outputs"] = "not a mapping"
    data["editions"]["b--county-officials"] = 42
    records.write_text(json.dumps(data), encoding="utf-8")
    result = build(project)
    assert written(result) == {"b--press", "b--county-officials"}
    assert "Traceback" not in result.output


def test_a_journal_that_is_not_a_regular_file_is_skipped(project: Path) -> None:
    build(project)
    (cache_folder(project) / "journal").mkdir(exist_ok=True)
    (cache_folder(project) / "journal/0-x-1.jsonl").mkdir()  # a folder named like a journal
    assert written(build(project)) == set()


@pytest.mark.slow
def test_html_workers_journals_are_folded_in(make_project) -> None:  # type: ignore[no-untyped-def]
    """A build spread over forked HTML workers: each writes its own journal; the build folds all."""
    rows = "\n".join(f"{n:03},Town {n}" for n in range(1, 21))
    root = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [press]\nplaces:\n  data: data/t.csv\n  id: fips\n"
                                                  "  name: town\n"),
        "briefs/data/t.csv": f"fips,town\n{rows}\n",
        "briefs/sections/one.md": section_md("One", "In {{< data town >}}.\n"),
    })
    first = build(root, "-j", "2")
    assert len(written(first)) == 20
    data = json.loads((cache_folder(root) / "editions.json").read_text(encoding="utf-8"))
    assert len(data["editions"]) == 20
    assert journals(root) == []
    assert "0 edition(s) built, 20 up to date" in build(root, "-j", "2").output


def test_the_pdf_workers_know_an_output_folder_with_records(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build starts its PDF workers only when a PDF is needed: it must see the records."""
    from briefgen.build.pdf_workers import has_recorded_editions

    output = project / "output"
    assert not has_recorded_editions(output)
    stop_before_folding(monkeypatch)
    build(project)
    assert has_recorded_editions(output), "a journal left by a stopped build counts"
    monkeypatch.undo()
    build(project)
    assert journals(project) == [] and has_recorded_editions(output)
