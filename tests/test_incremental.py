"""Incremental builds: an unchanged edition is not rebuilt; a change rebuilds exactly the
editions built from what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import briefgen.build.edition
import briefgen.build.inputs
from conftest import FIXTURE_BIB, FIXTURES_DIR, brief_yaml, run_cli, section_md

AUDIENCES = ("community-groups", "county-officials", "press")


def written(result) -> set[str]:  # type: ignore[no-untyped-def]
    """The edition names a build wrote files for."""
    return {Path(line.split(" ", 1)[1]).stem for line in result.stdout.splitlines() if line.startswith("wrote ")}


def edition_names(*audiences: str) -> set[str]:
    return {f"b--{audience}" for audience in audiences}


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    """One brief, three editions: 'shared' is read by all, 'officials' by county officials only,
    and 'officials' is the only section citing moller2020."""
    return make_project({
        "briefs/b.yaml": brief_yaml(["shared", "officials"]),
        "briefs/sections/shared.md": section_md("Shared", "Everyone reads this [@gao2021].\n"),
        "briefs/sections/officials.md": section_md("For officials", "Officials read this [@moller2020].\n",
                                                   front="audiences: [county-officials]\n"),
    })


def build(project: Path, *args: str):  # type: ignore[no-untyped-def]
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == 0, result.output
    return result


def test_a_second_build_rebuilds_nothing_and_renders_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(project)
    assert written(first) == edition_names(*AUDIENCES)
    before = {path.name: path.stat().st_mtime_ns for path in (project / "output").glob("*.html")}

    def must_not_render(*args: object, **kwargs: object) -> str:
        raise AssertionError("an up-to-date edition was rendered again")

    monkeypatch.setattr(briefgen.build.edition, "render_body", must_not_render)
    second = build(project)
    assert written(second) == set()
    assert "0 edition(s) built, 3 up to date" in second.output
    assert {path.name: path.stat().st_mtime_ns for path in (project / "output").glob("*.html")} == before
    for audience in AUDIENCES:  # the report is still given, from the last build
        assert any(line.startswith(f"b--{audience}: ") and line.endswith("up to date") for line in second.stdout.splitlines())


@pytest.mark.parametrize(("change", "rebuilt"), [
    pytest.param(lambda p: (p / "briefs/sections/shared.md").write_text(section_md("Shared", "Changed [@gao2021].\n")),
                 AUDIENCES, id="section-read-by-all"),
    pytest.param(lambda p: (p / "briefs/sections/officials.md").write_text(
        section_md("For officials", "Changed [@moller2020].\n", front="audiences: [county-officials]\n")),
                 ("county-officials",), id="section-read-by-one"),
    pytest.param(lambda p: (p / "briefs/audiences").mkdir() or (p / "briefs/audiences/press.yaml").write_text("paper: a4\n"),
                 ("press",), id="profile"),
    pytest.param(lambda p: (p / "references.bib").write_text(FIXTURE_BIB.replace("Trust and Reporting", "Trust, Reporting")),
                 ("county-officials",), id="bib-entry-cited-by-one"),
    pytest.param(lambda p: (p / "references.bib").write_text(FIXTURE_BIB.replace("Local Policing", "Local Police")),
                 (), id="bib-entry-cited-by-none"),
    pytest.param(lambda p: (p / "references.bib").write_text("% a comment above every entry\n" + FIXTURE_BIB),
                 (), id="bib-lines-moved"),
    pytest.param(lambda p: (p / "briefs/b.yaml").write_text(brief_yaml(["shared", "officials"], title="New title")),
                 AUDIENCES, id="manifest"),
    pytest.param(lambda p: (p / "briefs/sections/unused.md").write_text(section_md("Unused", "Nobody reads this.\n")),
                 (), id="section-used-by-no-brief"),
])
def test_a_change_rebuilds_exactly_the_editions_built_from_it(project: Path, change, rebuilt) -> None:  # type: ignore[no-untyped-def]
    build(project)
    change(project)
    assert written(build(project)) == edition_names(*rebuilt)
    assert written(build(project)) == set(), "after the rebuild, everything is up to date again"


def test_a_change_in_templates_themes_or_code_rebuilds_every_edition(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    monkeypatch.setattr(briefgen.build.inputs, "code_fingerprint", lambda: "another briefgen")
    assert written(build(project)) == edition_names(*AUDIENCES)


def test_the_code_fingerprint_covers_templates_and_themes(tmp_path: Path) -> None:
    package = tmp_path / "briefgen"
    shutil.copytree(Path(briefgen.build.inputs.__file__).parent.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = briefgen.build.inputs.package_fingerprint(package)
    for name in ("templates/brief.html.j2", "themes/large-print.css", "i18n/es.yaml"):
        path = package / name
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        after = briefgen.build.inputs.package_fingerprint(package)
        assert after != before, name
        before = after


def test_an_image_change_rebuilds_the_editions_showing_it(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["shared", "chart"]),
        "briefs/sections/shared.md": section_md("Shared", "Everyone reads this.\n"),
        "briefs/sections/chart.md": section_md("Chart", "![A chart](chart.svg)\n", front="audiences: [press]\n"),
        "briefs/sections/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
    })
    build(project)
    (project / "briefs/sections/chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    assert written(build(project)) == edition_names("press")


def test_force_rebuilds_everything(project: Path) -> None:
    build(project)
    assert written(build(project, "--force")) == edition_names(*AUDIENCES)


def test_an_output_deleted_or_edited_by_hand_is_rebuilt(project: Path) -> None:
    build(project)
    (project / "output/b--press.html").unlink()
    (project / "output/b--community-groups.html").write_text("edited by hand")
    assert written(build(project)) == edition_names("press", "community-groups")


def test_a_build_of_other_options_is_not_taken_for_this_one(project: Path) -> None:
    build(project, "-o", "out")
    cache = project / "out" / ".briefgen-cache" / "editions.json"
    key = json.loads(cache.read_text())["editions"]["b--press"]["key"]
    build(project, "-o", "out", "--citation-style", "numeric")
    assert json.loads(cache.read_text())["editions"]["b--press"]["key"] != key, \
        "an option that shapes the content is part of the key"


def test_a_failed_edition_is_not_cached_and_its_errors_come_back(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["shared", "officials"]),
        "briefs/sections/shared.md": section_md("Shared", "Everyone reads this [@gao2021].\n"),
        "briefs/sections/officials.md": section_md("For officials", "Officials read this [@gao2099].\n",
                                                   front="audiences: [county-officials]\n"),
    })
    for _ in range(2):
        result = run_cli(["build", "-f", "html"], cwd=project)
        assert result.exit_code == 1
        assert "briefs/sections/officials.md:5: error: unknown citation key 'gao2099'" in result.stderr
        assert "b--county-officials" not in written(result)


def test_warnings_of_an_up_to_date_edition_are_reported_again(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["shared"]),
        "briefs/sections/shared.md": section_md("Shared", "Everyone reads this.\n"),
        "briefs/audiences/spanish.yaml": "label: Spanish readers\nlanguage: es\n",
    })
    first = run_cli(["build", "-f", "html", "-a", "spanish"], cwd=project)
    second = run_cli(["build", "-f", "html", "-a", "spanish"], cwd=project)
    assert "no 'es' translation of section 'shared'" in first.stderr
    assert second.stderr == first.stderr
    assert written(second) == set()


def test_the_parsed_bibliography_is_reused_while_the_file_is_unchanged(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    import briefgen.load.bibliography

    def must_not_parse(*args: object) -> None:
        raise AssertionError("references.bib was parsed again")

    monkeypatch.setattr(briefgen.load.bibliography, "load_bibliography", must_not_parse)
    (project / "briefs/sections/shared.md").write_text(section_md("Shared", "Changed [@gao2021].\n"))
    assert written(build(project)) == edition_names(*AUDIENCES)


def test_the_basic_fixture_is_the_same_built_cold_or_incrementally(tmp_path: Path) -> None:
    project = tmp_path / "basic"
    shutil.copytree(FIXTURES_DIR / "basic", project)
    build(project, "-o", "cold")
    build(project, "-o", "warm")
    (project / "briefs/sections/one.md").write_text((project / "briefs/sections/one.md").read_text() + "\nMore.\n")
    build(project, "-o", "warm")
    build(project, "-o", "cold", "--force")
    for path in (project / "cold").glob("*.html"):
        assert path.read_bytes() == (project / "warm" / path.name).read_bytes(), path.name


def test_the_cached_bibliography_is_the_parsed_one(tmp_path: Path) -> None:
    from briefgen.build.cache_json import bibliography_from_json as _bibliography_from_json
    from briefgen.build.cache_json import bibliography_to_json as _bibliography_to_json
    from briefgen.errors import Diagnostics
    from briefgen.load.bibliography import load_bibliography

    (tmp_path / "references.bib").write_text(FIXTURE_BIB, encoding="utf-8")
    parsed = load_bibliography(tmp_path / "references.bib", Diagnostics())
    assert len(parsed.references) == 6
    assert _bibliography_from_json(json.loads(json.dumps(_bibliography_to_json(parsed)))) == parsed
