"""Citation styles end to end: every entry type of two real-world-shaped .bib files in every
style (golden files), and the in-text forms of each style."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import ALIASES, STYLES, make_style
from briefgen.citations.syntax import Citation, CitationItem, parse_group
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from conftest import EXAMPLE_BRIEFS, FIXTURES_DIR, OUTPUT_INDEX, REPO_ROOT, brief_yaml, run_cli, section_md
from golden import assert_matches_golden

BIB_FILES = ("zotero-bbt", "jabref")


def load(name: str) -> tuple[dict, Diagnostics]:
    path = FIXTURES_DIR / "bib" / f"{name}.bib"
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(path.read_text(encoding="utf-8"), SourceLocation(path, 1), diagnostics)
    return dict(bibliography.references), diagnostics


def table_for(references: dict, keys: list[str]) -> CitationTable:
    chosen = tuple(references[key] for key in keys)
    return CitationTable(chosen, {ref.id: n for n, ref in enumerate(chosen, start=1)}, {ref.id: () for ref in chosen})


@pytest.mark.parametrize("style", sorted(name for name in STYLES if name not in ALIASES))  # an alias of apa
@pytest.mark.parametrize("bib", BIB_FILES)
def test_reference_lists_match_golden(bib: str, style: str) -> None:
    references, diagnostics = load(bib)
    assert diagnostics.errors == []
    rendered = make_style(style, table_for(references, list(references)), messages_for("en")).entries()  # type: ignore[arg-type]
    text = "\n".join(f"{entry.label} {entry.html}".strip() for entry in rendered) + "\n"
    for forbidden in ("{", "}", "\\"):
        assert forbidden not in Markup(text).striptags(), f"{forbidden!r} left in the {style} list of {bib}.bib"
    assert_matches_golden(text, FIXTURES_DIR / "bib" / "expected" / f"{bib}--{style}.html")


@pytest.mark.parametrize(("key", "fragment"), [
    pytest.param("Schoen2018", "Jürgen Schön, René François, María Ruiz, et al.", id="accents-and-others"),
    pytest.param("Schoen2018", "edited by Kelly O&#39;Brien and Pieter van der Berg, Jr.", id="von-and-jr-editor"),
    pytest.param("Schoen2018", "pp. 101–130", id="page-range-dash"),
    pytest.param("Lee2019", "In Proceedings of the 2019 Conference on Public Policy &amp; Data", id="crossref"),
    pytest.param("Smith2017", "A U.S. Guide to § 287(g), 50% Fewer Myths", id="section-sign-percent-protected"),
    pytest.param("GAO2009", "U.S. Government Accountability Office. <cite>Immigration", id="corporate-author-not-split"),
    pytest.param("GAO2009", "January 2009", id="month-macro"),
    pytest.param("Melendres2013", "No. CV-07-02513-PHX-GMS, D. Ariz., May 24, 2013", id="legal-case"),
    pytest.param("EO14159", "90 FR 8443, January 20, 2025", id="legislation"),
])
def test_jabref_entries_in_numeric_style(key: str, fragment: str) -> None:
    references, _ = load("jabref")
    (entry,) = make_style("numeric", table_for(references, [key]), messages_for("en")).entries()
    assert fragment in entry.html


def test_zotero_export_keeps_urls_whole_and_uses_shortauthor() -> None:
    references, _ = load("zotero-bbt")
    keys = list(references)
    style = make_style("author-date", table_for(references, keys), messages_for("en"))
    html = "".join(entry.html for entry in style.entries())
    assert 'href="https://www.ilrc.org/resources/immigration-dragnet?utm_source=x%20y&amp;ref=a~b"' in html
    assert 'href="https://doi.org/10.3102/0002831219860816"' in html
    assert "García Márquez, J., &amp; de la Fuente, A. (2022)." in html
    assert "PhD thesis" in html
    gao = "usgovernmentaccountabilityoffice2021ImmigrationEnforcementICE"
    cite = style.render_citation(Citation((CitationItem(gao, locator="4", label="p."),), is_narrative=False))
    assert cite.striptags() == "(GAO, 2021, p. 4)"


def cite(style_name: str, group: str, keys: list[str], narrative: bool = False, bib: str = "jabref") -> str:
    references, _ = load(bib)
    style = make_style(style_name, table_for(references, keys), messages_for("en"))  # type: ignore[arg-type]
    items = parse_group(group)
    assert items is not None
    return style.render_citation(Citation(items, narrative)).striptags()


@pytest.mark.parametrize(("group", "expected"), [
    pytest.param("@Smith2017", "(Smith and Jones, 2017)", id="one"),
    pytest.param("@Smith2017; @Lee2019", "(Smith and Jones, 2017; Lee, 2019)", id="group"),
    pytest.param("see @Smith2017, pp. 3-5; also @Lee2019", "(see Smith and Jones, 2017, pp. 3–5; also Lee, 2019)",
                 id="prefix-locator-suffix"),
    pytest.param("-@Smith2017", "(2017)", id="suppress-author"),
    pytest.param("@Schoen2018, ch. 2", "(Schön et al., 2018, ch. 2)", id="et-al-chapter"),
])
def test_author_date_in_text(group: str, expected: str) -> None:
    assert cite("author-date", group, ["Smith2017", "Lee2019", "Schoen2018"]) == expected


def test_author_date_narrative_and_year_suffixes() -> None:
    bib = (FIXTURES_DIR / "bib" / "jabref.bib").read_text(encoding="utf-8") + (
        "\n@Book{Smith2017b,\n  author = {Smith, John and Jones, Mary},\n  title = {A Second Book},\n"
        "  publisher = {Example Press},\n  year = {2017},\n}\n")
    diagnostics = Diagnostics()
    references = dict(parse_bibliography(bib, SourceLocation(Path("x.bib"), 1), diagnostics).references)
    style = make_style("author-date", table_for(references, ["Smith2017", "Smith2017b"]), messages_for("en"))
    first = style.render_citation(Citation((CitationItem("Smith2017b"),), is_narrative=True)).striptags()
    second = style.render_citation(Citation((CitationItem("Smith2017"),), is_narrative=True)).striptags()
    assert (first, second) == ("Smith and Jones (2017a)", "Smith and Jones (2017b)")  # "A Second" sorts before "Federalism"
    labels = [entry.html.striptags() for entry in style.entries()]
    assert labels[0].startswith("Smith, J., & Jones, M. (2017a). A Second Book.")


def test_numeric_in_text() -> None:
    keys = ["Smith2017", "Lee2019", "Schoen2018", "GAO2009"]
    assert cite("numeric", "@GAO2009; @Smith2017; @Lee2019; @Schoen2018", keys) == "[1–4]"
    assert cite("numeric", "@Schoen2018; @Smith2017", keys) == "[1, 3]"
    assert cite("numeric", "@Lee2019, p. 4", keys) == "[2, p. 4]"
    assert cite("numeric", "@Smith2017", keys, narrative=True) == "Smith and Jones [1]"


def test_notes_first_full_then_short() -> None:
    references, _ = load("jabref")
    style = make_style("notes", table_for(references, ["Smith2017", "Lee2019"]), messages_for("en"))
    style.render_citation(Citation(parse_group("@Smith2017, p. 12") or (), False))
    style.render_citation(Citation(parse_group("@Smith2017; @Lee2019") or (), False))
    first, second = (note.striptags() for note in style.notes)
    assert first == "John Smith and Mary Jones, Federalism and the Police: A U.S. Guide to § 287(g), 50% Fewer Myths " \
                    "(Example Press, 2017), 12."
    assert second.startswith("Smith and Jones, Federalism and the Police; Min-jun Lee, “Measuring Detainer Compliance,” in")
    # the Sources list of the notes style is alphabetical
    assert [entry.anchor for entry in style.entries()] == ["ref-Lee2019", "ref-Smith2017"]


def test_notes_move_after_punctuation_in_html() -> None:
    references, _ = load("jabref")
    style = make_style("notes", table_for(references, ["Smith2017"]), messages_for("en"))
    call = style.render_citation(Citation((CitationItem("Smith2017"),), False))
    html = style.finish_fragment(f"<p>The police changed {call}.</p>")
    assert html.startswith('<p>The police changed.<span class="citation"><a class="note-call"')


# --- warnings for cited entries, and styles chosen per brief, profile and command line --------


def test_cited_entries_that_would_print_badly_are_warned_about_at_their_line(make_project) -> None:
    bib = ("@misc{notitle,\n  author = {{Agency}},\n  year = {2020}\n}\n\n"
           "@misc{nobody,\n  title = {Anonymous Page},\n  year = {2021}\n}\n\n"
           "@online{nodate,\n  author = {{Agency}},\n  title = {A Page},\n  url = {https://example.org/p}\n}\n")
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "Text [@notitle; @nobody; @nodate].\n")}, bib=bib)
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "references.bib:1: warning: entry 'notitle' has no title; add a title field" in result.stderr
    assert "references.bib:6: warning: entry 'nobody' has no author or institution" in result.stderr
    assert "references.bib:11: warning: online source 'nodate' has no urldate" in result.stderr


def test_style_comes_from_command_line_then_edition_then_profile_then_brief(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra="citation_style: notes\neditions:\n  press:\n    citation_style: numeric\n"),
        "briefs/sections/one.md": section_md("One", "Text [@gao2021].\n"),
        "briefs/audiences/community-groups.yaml": "citation_style: author-date\n",
    })
    run_cli(["build", "-f", "html"], cwd=project)
    html = {p.stem: p.read_text(encoding="utf-8") for p in (project / "output").glob("*.html")}
    assert '<ol class="references style-numeric">' in html["b--press"]                    # edition override
    assert '<ol class="references style-apa">' in html["b--community-groups"]     # profile; author-date is apa
    assert '<ol class="references style-chicago-notes">' in html["b--county-officials"]   # brief; notes is chicago-notes
    assert 'class="note-call"' in html["b--county-officials"]
    run_cli(["build", "-f", "html", "--citation-style", "author-date"], cwd=project)
    press = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert '<ol class="references style-apa">' in press                           # command line wins


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(STYLES))
def test_example_builds_in_every_style(style: str, tmp_path: Path) -> None:
    result = run_cli(["build", *EXAMPLE_BRIEFS, "-f", "html", "--citation-style", style, "-o", str(tmp_path)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stderr.splitlines() if line.strip()], result.stderr
    for page in (page for page in tmp_path.glob("*.html") if page.name not in OUTPUT_INDEX):
        html = page.read_text(encoding="utf-8")
        assert f'<ol class="references style-{STYLES[style].name}">' in html
        assert "[@" not in html and "{" not in Markup(html.split("<body", 1)[1]).striptags()


def test_refs_command(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "x\n")})
    result = run_cli(["refs", "doe2019", "gao2021", "--style", "author-date"], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Doe, J., et al. (2019). Local Policing and Federal Partnerships. Springfield: Example Press.",
        "U.S. Government Accountability Office. (2021). Immigration Enforcement: ICE Can Further Improve Its 287(g) "
        "Program Oversight. Report GAO-21-186. https://www.gao.gov/products/gao-21-186",
    ]  # APA 7: a report is not a changing page, so no retrieval date
    numbered = run_cli(["refs", "gao2021"], cwd=project)
    assert numbered.stdout.startswith("[1] U.S. Government Accountability Office.")
    unknown = run_cli(["refs", "gao2012"], cwd=project)
    assert unknown.exit_code == 2 and "no entry 'gao2012' in references.bib; did you mean 'gao2021'?" in unknown.stderr


def test_spanish_sources_use_spanish_labels_quotes_and_dates() -> None:
    references, _ = load("jabref")
    (chapter,) = make_style("numeric", table_for(references, ["Schoen2018"]), messages_for("es")).entries()
    text = chapter.html.striptags()
    assert "«Sanctuary, Cooperation and the Secure Communities Era». En Immigration Policy" in text
    assert "editado por Kelly O'Brien y Pieter van der Berg, Jr., págs. 101–130, 2.ª ed." in text
    thesis_refs, _ = load("zotero-bbt")
    (thesis,) = make_style("author-date", table_for(thesis_refs, ["garcia2022LocalPolicing"]), messages_for("es")).entries()
    assert "Tesis doctoral" in thesis.html and "PhD" not in thesis.html
    (book,) = make_style("numeric", table_for(references, ["Smith2017"]), messages_for("es")).entries()
    assert book.html.striptags().endswith("Example Press, junio de 2017.")
