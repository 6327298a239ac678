"""An edition holds only its audience's text: footnotes, link references and heading ids
follow the audience blocks; links lead somewhere in the edition or to another edition;
author ids never take over briefgen's; PDFs name no folder of the build machine.

Every project here is written in the test and built end to end with the real CLI.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO_ROOT, assert_clean_error, brief_yaml, run_cli, section_md, without_rule

SECRET_BLOCK = """Public text.[^pub]

::: {audience="county-officials"}
Officials only.[^memo]

[^memo]: SECRET MEMO TEXT.
:::

[^pub]: Public note.
"""


def built_text(project: Path, name: str) -> str:
    return (project / "output" / f"{name}.html").read_text(encoding="utf-8")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def project_with(make_project, body: str, extra_files: dict[str, str] | None = None, manifest: str | None = None):  # type: ignore[no-untyped-def]
    return make_project({"briefs/b.yaml": manifest or brief_yaml(["one"]),
                         "briefs/sections/one.md": section_md("One", body), **(extra_files or {})})


def line_of(project: Path, fragment: str, path: str = "briefs/sections/one.md") -> int:
    lines = (project / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if fragment in line)


# --- footnotes -------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_footnote_defined_and_referenced_in_a_hidden_block_is_in_no_other_edition(make_project) -> None:
    project = project_with(make_project, SECRET_BLOCK)
    result = run_cli(["build"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "SECRET MEMO TEXT" in built_text(project, "b--county-officials")
    assert "SECRET MEMO TEXT" in pdf_text(project / "output/b--county-officials.pdf")
    for audience in ("press", "community-groups"):
        html = built_text(project, f"b--{audience}")
        assert "SECRET" not in html and "Officials only" not in html
        assert "Public note." in html
        text = pdf_text(project / f"output/b--{audience}.pdf")
        assert "SECRET" not in text and "Public note." in text


def test_footnote_defined_outside_but_referenced_only_inside_a_hidden_block_is_dropped(make_project) -> None:
    body = ("Everyone reads this.\n\n::: {audience=\"county-officials\"}\nOfficials only.[^memo]\n:::\n\n"
            "[^memo]: Memo for officials.\n")
    project = project_with(make_project, body)
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "Memo for officials." in built_text(project, "b--county-officials")
    press = built_text(project, "b--press")
    assert "Memo for officials." not in press
    assert 'class="footnotes' not in press, "no empty footnote list either"


@pytest.mark.pdf
def test_visible_reference_to_a_hidden_footnote_is_an_error_at_its_line(make_project) -> None:
    body = ("Intro.\n\nEveryone reads this\nand this note.[^memo]\n\n::: {audience=\"county-officials\"}\n"
            "[^memo]: SECRET MEMO TEXT.\n:::\n")
    project = project_with(make_project, body)
    line = line_of(project, "and this note.[^memo]")
    result = run_cli(["build", "-a", "press", "-a", "county-officials"], cwd=project)
    error = assert_clean_error(result, f"briefs/sections/one.md:{line}: footnote [^memo] is defined only inside "
                                       "'::: {audience=\"county-officials\"}'")
    assert "move the definition '[^memo]: …' out of that block" in error
    assert not (project / "output/b--press.html").exists()
    assert not (project / "output/b--press.pdf").exists()
    assert "SECRET" in built_text(project, "b--county-officials"), "the officials' edition is fine"
    checked = run_cli(["check"], cwd=project)
    assert checked.exit_code == 1
    assert f"briefs/sections/one.md:{line}: error: footnote [^memo] is defined only inside" in checked.stdout


def test_footnotes_are_numbered_in_the_order_the_edition_reads_them(make_project) -> None:
    body = ("::: {audience=\"county-officials\"}\nFirst for officials.[^a]\n:::\n\nThen everyone.[^b] And more.[^c]\n\n"
            "[^a]: Note A.\n\n[^b]: Note B.\n\n[^c]: Note C.\n")
    project = project_with(make_project, body)
    assert run_cli(["build", "-f", "html"], cwd=project).exit_code == 0
    press = built_text(project, "b--press")
    notes = re.findall(r'<li id="(fn-[^"]+)" class="footnote-item"><p>(Note .)', press)
    assert [text for _id, text in notes] == ["Note B", "Note C"]
    assert re.findall(r'<sup class="footnote-ref"><a [^>]*>(\d+)</a>', press) == ["1", "2"]  # bare superscripts
    officials = built_text(project, "b--county-officials")
    assert [t for _i, t in re.findall(r'<li id="(fn-[^"]+)" class="footnote-item"><p>(Note .)', officials)] == \
        ["Note A", "Note B", "Note C"]


def test_a_footnote_inside_a_footnote_follows_the_wall_too(make_project) -> None:
    body = ("Text.[^a]\n\n[^a]: Outer note.[^b]\n\n::: {audience=\"press\"}\n[^b]: Press inner note.\n:::\n")
    project = project_with(make_project, body)
    line = line_of(project, "[^a]: Outer note.")
    result = run_cli(["build", "-f", "html", "-a", "county-officials"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line}: footnote [^b] is defined only inside")
    assert run_cli(["build", "-f", "html", "-a", "press"], cwd=project).exit_code == 0
    assert "Press inner note." in built_text(project, "b--press")


# --- link reference definitions, images, heading ids --------------------------------------------------


def test_link_reference_defined_in_a_hidden_block_lends_nothing(make_project) -> None:
    body = ("See [the memo][memo] for details.\n\n::: {audience=\"county-officials\"}\n"
            "[memo]: https://secret.example/memo \"SECRET TITLE\"\n:::\n")
    project = project_with(make_project, body)
    line = line_of(project, "See [the memo][memo]")
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line}: link reference [memo] is defined only inside "
                               "'::: {audience=\"county-officials\"}'", "move the definition '[memo]: …'")
    assert 'href="https://secret.example/memo"' in built_text(project, "b--county-officials")
    assert not (project / "output/b--press.html").exists()


def test_link_reference_used_only_inside_its_hidden_block_is_fine(make_project) -> None:
    body = ("Public.\n\n::: {audience=\"county-officials\"}\nSee [the memo][memo].\n\n"
            "[memo]: https://secret.example/memo \"SECRET TITLE\"\n:::\n")
    project = project_with(make_project, body)
    assert run_cli(["build", "-f", "html"], cwd=project).exit_code == 0
    press = built_text(project, "b--press")
    assert "secret.example" not in press and "SECRET" not in press


def test_the_first_definition_the_audience_reads_wins(make_project) -> None:
    body = ("See [the data][data].\n\n::: {audience=\"county-officials\"}\n[data]: https://internal.example/ \"Internal\"\n"
            ":::\n\n[data]: https://public.example/ \"Public\"\n")
    project = project_with(make_project, body)
    assert run_cli(["build", "-f", "html"], cwd=project).exit_code == 0
    assert 'href="https://internal.example/"' in built_text(project, "b--county-officials")
    press = built_text(project, "b--press")
    assert 'href="https://public.example/"' in press and "internal.example" not in press


def test_image_reference_to_a_hidden_definition_is_an_error(make_project) -> None:
    body = ("Intro.\n\n![A map][map]\n\n::: {audience=\"press\"}\n[map]: map.svg \"Press map\"\n:::\n")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    project = project_with(make_project, body, {"briefs/sections/map.svg": svg})
    line = line_of(project, "![A map][map]")
    result = run_cli(["build", "-f", "html", "-a", "county-officials"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line}: link reference [map] is defined only inside "
                               "'::: {audience=\"press\"}'")


def test_heading_ids_count_only_the_headings_the_audience_reads(make_project) -> None:
    body = "::: {audience=\"county-officials\"}\n## Costs\n\nOfficials.\n:::\n\n## Costs\n\nEveryone.\n"
    project = project_with(make_project, body)
    assert run_cli(["build", "-f", "html"], cwd=project).exit_code == 0
    press = built_text(project, "b--press")
    assert 'id="one--costs"' in press and "one--costs-2" not in press
    assert 'id="one--costs-2"' in built_text(project, "b--county-officials")


def test_diff_and_matrix_count_the_footnotes_each_edition_prints(make_project) -> None:
    project = project_with(make_project, SECRET_BLOCK)
    result = run_cli(["diff", "b", "county-officials", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "A: Officials only.\n      A: SECRET MEMO TEXT." in result.stdout
    assert "Public note" not in result.stdout, "both editions print the public note"
    matrix = run_cli(["matrix", "b", "--format", "csv"], cwd=project)
    words = dict(zip(matrix.stdout.splitlines()[0].split(","), matrix.stdout.splitlines()[-1].split(","), strict=True))
    # "Public text. Public note." = 4 words; officials add "Officials only. SECRET MEMO TEXT." = 5
    assert int(words["press"]) == 4
    assert int(words["county-officials"]) == 9


# --- links that lead nowhere: the build refuses them as check does ------------------------------------


@pytest.mark.pdf
def test_dead_internal_link_fails_the_build_at_its_line(make_project) -> None:
    body = "A first paragraph.\n\nA second one that goes on\nand links [nowhere](#nowhere) here.\n"
    project = project_with(make_project, body)
    line = line_of(project, "[nowhere](#nowhere)")
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line}: link to '#nowhere' leads nowhere in edition b--")
    assert "manifest" not in result.output and "PDF renderer" not in result.output
    assert not (project / "output/b--press.pdf").exists()
    checked = run_cli(["check"], cwd=project)
    assert checked.exit_code == 1
    assert f"briefs/sections/one.md:{line}: error: link to '#nowhere' leads nowhere in editions" in checked.stdout


def test_link_to_a_block_only_some_audiences_read_fails_only_their_editions(make_project) -> None:
    body = "See [the table](#one--details).\n\n::: {audience=\"press\"}\n## Details\n\nFor reporters.\n:::\n"
    project = project_with(make_project, body)
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 1
    assert (project / "output/b--press.html").exists()
    lines = [without_rule(line) for line in result.stderr.splitlines() if "leads nowhere" in line]
    assert sorted(line.split(" in edition ")[1].split(";")[0] for line in lines) == ["b--community-groups",
                                                                                       "b--county-officials"]


@pytest.mark.pdf
def test_further_question_to_a_missing_brief_fails_the_build_at_its_line(make_project) -> None:
    manifest = brief_yaml(["one"], extra="further_questions:\n  - question: What next?\n    brief: nothere\n")
    project = project_with(make_project, "Text.\n", manifest=manifest)
    line = line_of(project, "- question: What next?", "briefs/b.yaml")
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert_clean_error(result, f"briefs/b.yaml:{line}: further question links to brief 'nothere', which does not exist")
    assert "briefs/b.yaml:1:" not in result.output
    checked = run_cli(["check"], cwd=project)
    assert f"briefs/b.yaml:{line}: error: further question links to brief 'nothere'" in checked.stdout


# --- ids the author writes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("author_id", "reason"), [
    pytest.param("ref-k", "starts like the ids briefgen numbers", id="source-entry"),
    pytest.param("main", "is one briefgen gives a part of every edition", id="main"),
    pytest.param("sources", "is one briefgen gives a part of every edition", id="sources"),
    pytest.param("fn-one-1", "starts like the ids briefgen numbers", id="footnote"),
    pytest.param("fnref-one-1", "starts like the ids briefgen numbers", id="footnote-call"),
    pytest.param("note-1", "starts like the ids briefgen numbers", id="note"),
    pytest.param("one--costs", "has the form of briefgen's heading ids", id="heading-id"),
    pytest.param("summary-heading", "has the form of briefgen's heading ids", id="part-heading"),
    pytest.param("one", "is a section id", id="section-id"),
])
def test_author_id_never_takes_over_a_briefgen_id(make_project, author_id: str, reason: str) -> None:
    body = f"Intro.\n\n## Costs\n\n::: {{#{author_id}}}\nA block.\n:::\n"
    project = project_with(make_project, body)
    line = line_of(project, f"{{#{author_id}}}")
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line}: the id '{author_id}' {reason}")
    checked = run_cli(["check"], cwd=project)
    assert f"briefs/sections/one.md:{line}: error: the id '{author_id}' {reason}" in checked.stdout


def test_the_same_author_id_twice_in_an_edition_is_refused(make_project) -> None:
    body = "::: {#table}\nOne.\n:::\n\n::: {id=\"table\"}\nTwo.\n:::\n"
    project = project_with(make_project, body)
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, f"briefs/sections/one.md:{line_of(project, '{#table}')}: the id 'table' is used twice")


@pytest.mark.pdf
def test_an_author_id_of_its_own_works_and_links_to_it_land(make_project) -> None:
    body = "See [the table](#cost-table).\n\n::: {#cost-table}\nThe table.\n:::\n"
    project = project_with(make_project, body)
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert 'id="cost-table"' in built_text(project, "b--press")
    assert "warning" not in result.output


# --- links between briefs -----------------------------------------------------------------------------------


def annotations(path: Path) -> list[dict[str, str]]:
    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            found.append({"uri": str(action["/URI"]) if action and "/URI" in action else "",
                          "dest": str(annotation.get("/Dest") or ""), "contents": str(annotation.get("/Contents") or "")})
    return found


@pytest.mark.pdf
def test_further_questions_link_to_the_sibling_edition_or_the_published_url(make_project) -> None:
    manifest = brief_yaml(["one"], extra="further_questions:\n  - question: Published?\n    brief: published\n"
                                         "  - question: Local?\n    brief: local\n")
    project = project_with(make_project, "Text.\n", manifest=manifest, extra_files={
        "briefs/published.yaml": brief_yaml(["one"], title="Published", extra="url: https://example.org/published\n"),
        "briefs/local.yaml": brief_yaml(["one"], title="Local"),
    })
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = built_text(project, "b--press")
    assert '<a href="published--press.html">Published?</a>' in html
    assert '<a href="local--press.html">Local?</a>' in html
    uris = [a["uri"] for a in annotations(project / "output/b--press.pdf") if a["uri"]]
    assert uris == ["https://example.org/published", "local--press.pdf"]
    data = (project / "output/b--press.pdf").read_bytes()
    assert str(project).encode() not in data and b"file:" not in data


@pytest.mark.pdf
def test_relative_markdown_links_stay_relative_in_the_pdf(make_project) -> None:
    project = project_with(make_project, "Read [the annex](annex.pdf) and [the data](data/table.csv#row-2).\n")
    assert run_cli(["build", "-a", "press"], cwd=project).exit_code == 0
    uris = [a["uri"] for a in annotations(project / "output/b--press.pdf") if a["uri"]]
    assert uris == ["annex.pdf", "data/table.csv#row-2"]


def copy_example(destination: Path) -> Path:
    destination.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "briefs", destination / "briefs")
    shutil.copy(REPO_ROOT / "references.bib", destination / "references.bib")
    return destination


@pytest.mark.pdf
def test_example_pdfs_are_the_same_bytes_in_any_folder_and_name_none(tmp_path: Path) -> None:
    first = copy_example(tmp_path / "a")
    second = copy_example(tmp_path / "some" / "other-checkout-folder")
    for project in (first, second):
        result = run_cli(["build", "287g-police-ice", "-a", "press", "-f", "pdf"], cwd=project)
        assert result.exit_code == 0, result.output
    name = "output/287g-police-ice--press.pdf"
    one, two = (first / name).read_bytes(), (second / name).read_bytes()
    assert one == two
    links = annotations(first / name)
    uris = [a["uri"] for a in links if a["uri"]]
    assert "287g-costs--press.pdf" in uris, uris
    for link in links:
        for value in (link["uri"], link["contents"]):
            assert not value.startswith(("file:", "/")), link
            assert str(tmp_path) not in value, link
    assert str(tmp_path).encode() not in one


# --- what else carries text across: the page description, the Sources list --------------------------------


@pytest.mark.pdf
def test_page_description_and_pdf_subject_are_the_summary_this_audience_reads(make_project) -> None:
    manifest = brief_yaml(["one"], extra="summary: |\n  Public summary [@gao2021].\n\n"
                                         "  ::: {audience=\"county-officials\"}\n  SECRET SUMMARY PART.\n  :::\n")
    project = project_with(make_project, "Text.\n", manifest=manifest)
    result = run_cli(["build", "-a", "press", "-a", "county-officials"], cwd=project)
    assert result.exit_code == 0, result.output
    press = built_text(project, "b--press")
    assert "SECRET" not in press
    assert '<meta name="description" content="Public summary.">' in press
    assert PdfReader(project / "output/b--press.pdf").metadata["/Subject"] == "Public summary."
    assert "SECRET SUMMARY PART." in PdfReader(project / "output/b--county-officials.pdf").metadata["/Subject"]


def test_a_source_cited_only_in_hidden_footnotes_is_not_in_the_sources(make_project) -> None:
    body = ("Public text [@gao2021].[^pub]\n\n::: {audience=\"county-officials\"}\nOfficials.[^memo]\n\n"
            "[^memo]: Memo [@moller2020].\n:::\n\n[^pub]: Public note.\n\n[^unused]: Cites [@doe2019].\n\n"
            "::: {audience=\"county-officials\"}\nAlso [^unused].\n:::\n")
    project = project_with(make_project, body)
    assert run_cli(["build", "-f", "html", "-a", "press", "-a", "county-officials"], cwd=project).exit_code == 0
    press = built_text(project, "b--press")
    assert 'id="ref-gao2021"' in press
    assert 'id="ref-moller2020"' not in press and 'id="ref-doe2019"' not in press
    officials = built_text(project, "b--county-officials")
    assert 'id="ref-moller2020"' in officials and 'id="ref-doe2019"' in officials
