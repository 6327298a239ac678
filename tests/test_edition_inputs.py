"""What an edition reads (EditionInputs): one answer for the build cache, watch and the rule
that an edition reading a file with errors is not built; and a build with nothing to do
checks those inputs without assembling, parsing or rendering anything."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

import briefgen.build.plan
from briefgen.build.assemble import MarkdownCache, assemble_edition, check_audience_ids
from briefgen.build.inputs import EditionInputs, InputHashes, edition_inputs, read_text_inputs
from briefgen.build.plan import broken_inputs
from briefgen.build.select import select_briefs, unreadable_briefs
from briefgen.errors import Diagnostics
from briefgen.load.project import load_project
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from conftest import FIXTURE_BIB, TESTS_DIR, brief_yaml, make_project_model, run_cli, section_md

AUDIENCES = ("community-groups", "county-officials", "press")
MakeProject = Callable[..., Path]


def png(colour: str) -> bytes:
    """A small, real PNG (the renderer checks that an image is what its name says)."""
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(stream, format="PNG")
    return stream.getvalue()


def written(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {Path(line.split(" ", 1)[1]).stem for line in result.stdout.splitlines() if line.startswith("wrote ")}


def build(project: Path, *args: str):  # type: ignore[no-untyped-def]
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == 0, result.output
    return result


def inputs_of(project_dir: Path, brief_id: str, audience_id: str) -> EditionInputs:
    """The inputs of one edition, as a build computes them after assembling it."""
    diagnostics = Diagnostics()
    project = load_project(project_dir, diagnostics)
    project = check_audience_ids(project, diagnostics, MarkdownCache())
    brief, audience = project.briefs[brief_id], project.audiences[audience_id]
    edition = assemble_edition(project, brief, audience, MarkdownCache(), diagnostics)
    return edition_inputs(project, brief, audience, [], read_text_inputs(edition), InputHashes(project))


# --- images named with spaces and accents --------------------------------------------------

IMAGE_NAMES = [
    pytest.param("my chart.png", "my%20chart.png", id="space-percent-encoded"),
    pytest.param("my chart.png", "<my chart.png>", id="space-in-angle-brackets"),
    pytest.param("gráfico.png", "gráfico.png", id="accent-as-typed"),
    pytest.param("gráfico.png", "gr%C3%A1fico.png", id="accent-percent-encoded"),
    pytest.param("figures/año 2024.png", "figures/a%C3%B1o%202024.png", id="folder-accent-and-space"),
]


def image_project(make_project: MakeProject, file_name: str, reference: str) -> Path:
    """One brief whose press edition alone shows the image."""
    return make_project({
        "briefs/b.yaml": brief_yaml(["shared", "chart"]),
        "briefs/sections/shared.md": section_md("Shared", "Everyone reads this.\n"),
        "briefs/sections/chart.md": section_md("Chart", f"![A chart]({reference})\n", front="audiences: [press]\n"),
        f"briefs/sections/{file_name}": png("red"),
    })


@pytest.mark.parametrize(("file_name", "reference"), IMAGE_NAMES)
def test_a_changed_image_with_spaces_or_accents_in_its_name_is_rebuilt(make_project: MakeProject, file_name: str,
                                                                        reference: str) -> None:
    project = image_project(make_project, file_name, reference)
    first = build(project)
    assert written(first) == {f"b--{audience}" for audience in AUDIENCES}
    page = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page, "the renderer found the image"
    (project / "briefs/sections" / file_name).write_bytes(png("blue"))
    assert written(build(project)) == {"b--press"}
    assert (project / "output/b--press.html").read_text(encoding="utf-8") != page
    assert written(build(project)) == set()


@pytest.mark.parametrize(("file_name", "reference"), IMAGE_NAMES)
def test_watch_rebuilds_the_edition_showing_a_changed_image_with_spaces_or_accents(make_project: MakeProject,
                                                                                   file_name: str, reference: str) -> None:
    project = image_project(make_project, file_name, reference)
    live = LiveEditions(project, WatchOptions(output_dir=None))
    assert live.rebuild().failed == ()
    image = project / "briefs/sections" / file_name
    image.write_bytes(png("blue"))
    changed = live.changed_content([image])
    assert changed == {image.resolve()}, "the new bytes count as a change"
    assert live.rebuild(changed).rebuilt == ("b--press",)


def test_the_image_the_inputs_name_is_the_file_the_renderer_embeds(make_project: MakeProject) -> None:
    project = image_project(make_project, "gráfico.png", "gr%C3%A1fico.png")
    inputs = inputs_of(project, "b", "press")
    image = (project / "briefs/sections/gráfico.png").resolve()
    assert image in inputs.paths
    assert [path.resolve() for path in inputs.text.images] == [image]
    assert inputs_of(project, "b", "county-officials").text.images == (), "the section is for the press only"


# --- what an edition reads, exactly ----------------------------------------------------------

READING_PROJECT = {
    "briefs/b.yaml": ("title: A brief\nsections:\n  - shared\n  - id: press-only\n    audiences: [press]\n"
                      "  - officials\nnocite: [doe2019]\nfurther_questions:\n  - question: And the other one?\n"
                      "    brief: other\n"),
    "briefs/other.yaml": brief_yaml(["shared"], title="The other brief"),
    "briefs/sections/shared.md": section_md("Shared", "Everyone reads this [@gao2021].\n"),
    "briefs/sections/shared.es.md": section_md("Compartida", "Todos leen esto [@gao2021].\n"),
    "briefs/sections/press-only.md": section_md("Press only", "Reporters read this [@moller2020].\n"),
    "briefs/sections/officials.md": section_md("Officials", "Officials read this [@countypage].\n",
                                               front="audiences: [county-officials]\n"),
    "briefs/audiences/grupos.yaml": "extends: community-groups\nlabel: Grupos\nlanguage: es\n",
}


@pytest.fixture
def reading(make_project: MakeProject) -> Path:
    return make_project(READING_PROJECT)


def relative(project: Path, paths: tuple[Path, ...] | frozenset[Path]) -> set[str]:
    root = project.resolve()
    return {str(path.relative_to(root)) for path in paths}


def test_edition_inputs_list_exactly_what_an_edition_reads(reading: Path) -> None:
    inputs = inputs_of(reading, "b", "grupos")
    assert inputs.name == "b--grupos"
    assert relative(reading, inputs.files) == {
        "briefs/b.yaml",
        "briefs/audiences/grupos.yaml",
        "briefs/audiences/community-groups.yaml",  # the parent profile: a project file there would override it
        "briefs/sections/shared.md", "briefs/sections/shared.es.md",
        "briefs/sections/officials.md", "briefs/sections/officials.es.md",  # its front matter keeps it from grupos
        "references.bib",
    }, "press-only is kept from this audience by the manifest: it is not read at all"
    assert relative(reading, inputs.printed) == {"briefs/sections/shared.es.md"}
    assert inputs.text.cited == ("gao2021",)
    assert [(linked.id, linked.title) for linked in inputs.linked] == [("other", "The other brief")]
    assert relative(reading, inputs.paths) == relative(reading, inputs.files) | {"briefs/other.yaml"}


def test_the_press_edition_reads_its_own_section_and_no_translation(reading: Path) -> None:
    inputs = inputs_of(reading, "b", "press")
    assert relative(reading, inputs.printed) == {"briefs/sections/shared.md", "briefs/sections/press-only.md"}
    assert not any(".es." in name or ".en." in name for name in relative(reading, inputs.files)), \
        "an English edition prints each section's own text and looks for no translation"
    assert inputs.text.cited == ("gao2021", "moller2020")


@pytest.mark.parametrize(("change", "rebuilt"), [
    pytest.param(lambda p: (p / "briefs/sections/press-only.md").write_text(section_md("Press only", "New [@gao2021].\n")),
                 {"b--press"}, id="section-the-manifest-keeps-from-the-others"),
    pytest.param(lambda p: (p / "briefs/audiences/community-groups.yaml").write_text("label: Neighbours\n"),
                 {"b--community-groups", "other--community-groups"}, id="parent-profile-key-the-child-sets"),
    pytest.param(lambda p: (p / "briefs/audiences/community-groups.yaml").write_text("paper: a4\n"),
                 {"b--community-groups", "b--grupos", "other--community-groups", "other--grupos"}, id="parent-profile"),
    pytest.param(lambda p: (p / "briefs/sections/officials.md").write_text(section_md(
        "Officials", "Officials read this [@countypage].\n", front="audiences: [county-officials, press]\n")),
                 {"b--county-officials", "b--press"}, id="front-matter-lets-another-audience-read-a-section"),
    pytest.param(lambda p: (p / "briefs/sections/officials.es.md").write_text(section_md("Funcionarios", "Texto.\n")),
                 set(), id="translation-of-a-section-no-spanish-edition-prints"),
    pytest.param(lambda p: (p / "briefs/sections/shared.es.md").write_text(section_md("Compartida", "Cambio [@gao2021].\n")),
                 {"b--grupos", "other--grupos"}, id="translation"),
    pytest.param(lambda p: (p / "briefs/other.yaml").write_text(brief_yaml(["shared"], title="Renamed")),
                 {"b--community-groups", "b--county-officials", "b--press", "b--grupos",
                  "other--community-groups", "other--county-officials", "other--press", "other--grupos"},
                 id="linked-brief-title"),
    pytest.param(lambda p: (p / "references.bib").write_text(FIXTURE_BIB.replace("Local Policing", "Local Police")),
                 {"b--community-groups", "b--county-officials", "b--press", "b--grupos"}, id="nocite-entry"),
    pytest.param(lambda p: (p / "references.bib").write_text(FIXTURE_BIB.replace("Jail Population", "Jail Census")),
                 {"b--county-officials"}, id="entry-cited-by-one"),
])
def test_a_change_rebuilds_exactly_the_editions_that_read_it(reading: Path, change, rebuilt: set[str]) -> None:  # type: ignore[no-untyped-def]
    build(reading, "-a", "all")
    change(reading)
    assert written(build(reading, "-a", "all")) == rebuilt
    assert written(build(reading, "-a", "all")) == set()


def test_a_new_translation_rebuilds_the_edition_in_its_language(reading: Path) -> None:
    build(reading, "-a", "all")
    (reading / "briefs/sections/officials.es.md").unlink(missing_ok=True)
    (reading / "briefs/audiences/grupos.yaml").write_text("extends: county-officials\nlabel: Funcionarios\nlanguage: es\n")
    assert "b--grupos" in written(build(reading, "-a", "all"))
    (reading / "briefs/sections/officials.es.md").write_text(section_md("Funcionarios", "Leen esto.\n"))
    assert written(build(reading, "-a", "all")) == {"b--grupos"}


def test_the_date_of_a_brief_without_checked_comes_from_the_environment(reading: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(reading, "-a", "press")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert written(build(reading, "-a", "press")) == {"b--press", "other--press"}


# --- the broken-input rule and the project's broken files ----------------------------------


def test_the_project_records_its_broken_files_when_it_loads(make_project: MakeProject) -> None:
    project_dir = make_project({
        "briefs/b.yaml": brief_yaml(["good", "bad"]),
        "briefs/c.yaml": brief_yaml(["good"]),
        "briefs/broken.yaml": "title: [unclosed\n",
        "briefs/sections/good.md": section_md("Good", "Fine.\n"),
        "briefs/sections/bad.md": "---\ntitle: [unclosed\n---\nText\n",
        "briefs/audiences/odd.yaml": "label: Odd\ntheme: huge\n",
    })
    project = load_project(project_dir, Diagnostics())
    root = project_dir.resolve()
    assert project.broken_briefs == {"broken"}
    assert project.broken_audiences == {"odd"}
    assert project.files_with_errors == {root / "briefs/broken.yaml", root / "briefs/sections/bad.md",
                                         root / "briefs/audiences/odd.yaml"}
    assert broken_inputs(project, project.briefs["b"], project.audiences["press"]) == [root / "briefs/sections/bad.md"]
    assert broken_inputs(project, project.briefs["c"], project.audiences["press"]) == []


def test_audience_ids_that_name_no_profile_mark_their_file(make_project: MakeProject) -> None:
    project_dir = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("One", '::: {audience="pres"}\nFor reporters.\n:::\n'),
    })
    diagnostics = Diagnostics()
    project = check_audience_ids(load_project(project_dir, diagnostics), diagnostics, MarkdownCache())
    assert project.files_with_errors == {(project_dir / "briefs/sections/one.md").resolve()}
    assert any("unknown audience 'pres'" in d.message and d.location and d.location.line == 4 for d in diagnostics.items)


def test_selection_asks_the_model_not_the_disk(tmp_path: Path) -> None:
    # no folder at all: that a manifest failed to load is known from the model alone
    project = dataclasses.replace(make_project_model([], []), root=tmp_path / "nowhere", broken_briefs=frozenset({"broken"}))
    assert unreadable_briefs(project, ()) == ["broken"]
    assert select_briefs(project, ("broken",)) == [], "its own error is reported; asking for it is no usage error"


# --- a build with nothing to do ------------------------------------------------------------


def test_an_up_to_date_edition_is_not_assembled(reading: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(reading, "-a", "all")

    def must_not_assemble(*args: object, **kwargs: object) -> None:
        raise AssertionError("an up-to-date edition was assembled")

    monkeypatch.setattr(briefgen.build.plan, "assemble_edition", must_not_assemble)
    result = build(reading, "-a", "all")
    assert written(result) == set()
    assert "0 edition(s) built, 8 up to date" in result.output


def test_a_deleted_output_of_an_unchanged_edition_is_written_again(reading: Path) -> None:
    build(reading, "-a", "press")
    (reading / "output/b--press.html").unlink()
    assert written(build(reading, "-a", "press")) == {"b--press"}


def test_an_edition_whose_record_does_not_say_what_it_read_is_assembled_to_compare_keys(
        reading: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(reading, "-a", "press")
    records = reading / "output/.briefgen-cache/editions.json"
    data = json.loads(records.read_text())
    del data["editions"]["b--press"]["inputs"]
    records.write_text(json.dumps(data))
    assembled: list[str] = []

    def assemble(project, brief, audience, *args):  # type: ignore[no-untyped-def]
        assembled.append(f"{brief.id}--{audience.id}")
        return assemble_edition(project, brief, audience, *args)

    monkeypatch.setattr(briefgen.build.plan, "assemble_edition", assemble)
    assert written(build(reading, "-a", "press")) == set(), "its key is unchanged"
    assert assembled == ["b--press"]


def test_a_changed_audience_block_is_checked_again(make_project: MakeProject) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("One", '::: {audience="press"}\nFor reporters.\n:::\n'),
    })
    build(project)
    build(project)
    (project / "briefs/sections/one.md").write_text(section_md("One", '::: {audience="pres"}\nFor reporters.\n:::\n'))
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 1
    assert "briefs/sections/one.md:4: error: unknown audience 'pres'" in result.stderr


NO_OP_IMPORTS = """
import sys
from pathlib import Path
from briefgen.build.options import BuildOptions
from briefgen.build.pipeline import build
result = build(Path(sys.argv[1]), BuildOptions(briefs=("b",), audiences=("press",), formats=("html", "pdf")))
assert not result.written and result.up_to_date == ["b--press"], (result.written, result.up_to_date, result.diagnostics)
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] in ("weasyprint", "jinja2", "markdown_it")
                      or name.startswith(("briefgen.render", "briefgen.markdown", "briefgen.citations")))))
"""


@pytest.mark.pdf
def test_a_build_with_nothing_to_do_imports_no_renderer_and_no_markdown_parser(reading: Path) -> None:
    section = reading / "briefs/sections/shared.md"  # a section with an audience block: its ids are checked
    section.write_text(section_md("Shared", '::: {audience="press"}\nReporters [@gao2021].\n:::\n\nAll [@gao2021].\n'))
    assert run_cli(["build", "b", "-a", "press"], cwd=reading).exit_code == 0
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR.parent / "src"), *sys.path])}
    done = subprocess.run([sys.executable, "-c", NO_OP_IMPORTS, str(reading)], capture_output=True, text=True,
                          env=environment, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
