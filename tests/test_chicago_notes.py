"""Chicago notes and bibliography (CMOS 17), one rule at a time: the full first note, the short
note after, the bibliography entry, their punctuation, and the Spanish edition's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from briefgen.citations.chicago import bibliography_entry, chicago_short_title, full_note, short_note
from briefgen.citations.punctuation import page_range
from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import ALIASES, STYLES, make_style
from briefgen.citations.syntax import Citation, parse_group
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.model import Reference

EN = messages_for("en")
ES = messages_for("es")

ARTICLE = ("@article{bjerg, author = {Bjerg, Helle and Rasmussen, Lisa Rosén}, title = {Enacting Subjectivities},"
           " journaltitle = {Paedagogica Historica}, volume = {44}, number = {6}, date = {2008-12}, pages = {721-731},"
           " doi = {10.1080/00309230802486275}}\n")
BOOK = ("@book{cosgrove, author = {Cosgrove, Denis}, title = {Mappings: Essays}, publisher = {Reaktion Books},"
        " location = {London}, year = {1999}}\n")
CHAPTER = ("@incollection{nuti, author = {Nuti, Lucia}, title = {Mapping Places}, booktitle = {Mappings},"
           " editor = {Cosgrove, Denis}, publisher = {Reaktion Books}, location = {London}, year = {1999},"
           " pages = {90-108}}\n")
WEBPAGE = ("@online{dmi, author = {{DMI}}, title = {Forventet skybrud}, url = {https://www.dmi.dk/skybrud},"
           " urldate = {2014-01-18}}\n")


def reference(bib: str) -> Reference:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography_text(bib, diagnostics)
    assert diagnostics.errors == []
    (only,) = bibliography
    return only


def parse_bibliography_text(bib: str, diagnostics: Diagnostics) -> list[Reference]:
    from briefgen.load.bibliography import parse_bibliography

    return list(parse_bibliography(bib, SourceLocation(Path("references.bib")), diagnostics).references.values())


def text(markup: Markup) -> str:
    return " ".join(markup.striptags().split())


def notes_for(bib: str, cites: list[str], language: str = "en") -> list[str]:
    """The notes a brief gets when it cites ``cites`` (pandoc citation groups) in this order."""
    diagnostics = Diagnostics()
    references = tuple(parse_bibliography_text(bib, diagnostics))
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    style = make_style("chicago-notes", table, messages_for(language))
    for group in cites:
        style.render_citation(Citation(parse_group(group) or (), False))
    return [text(note) for note in style.notes]


def sources_for(bib: str, language: str = "en") -> list[str]:
    diagnostics = Diagnostics()
    references = tuple(parse_bibliography_text(bib, diagnostics))
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    return [text(entry.html) for entry in make_style("chicago-notes", table, messages_for(language)).entries()]


# --- the full note, then the short note ------------------------------------------------------


def test_first_note_is_full_and_later_notes_are_short() -> None:
    assert notes_for(BOOK, ["@cosgrove, p. 12", "@cosgrove, p. 14", "@cosgrove"]) == [
        "Denis Cosgrove, Mappings: Essays (London: Reaktion Books, 1999), 12.",
        "Cosgrove, Mappings, 14.",
        "Cosgrove, Mappings."]


def test_journal_article_note_and_entry() -> None:
    ref = reference(ARTICLE)
    assert text(full_note(ref, EN)) == ("Helle Bjerg and Lisa Rosén Rasmussen, “Enacting Subjectivities,” Paedagogica"
                                        " Historica 44, no. 6 (December 2008): 721–31,"
                                        " https://doi.org/10.1080/00309230802486275")
    assert text(bibliography_entry(ref, EN)) == ("Bjerg, Helle, and Lisa Rosén Rasmussen. “Enacting Subjectivities.”"
                                                 " Paedagogica Historica 44, no. 6 (December 2008): 721–31."
                                                 " https://doi.org/10.1080/00309230802486275.")


def test_the_cited_page_replaces_the_article_range_after_a_colon() -> None:
    assert text(full_note(reference(ARTICLE), EN, locator="725")).endswith("(December 2008): 725, https://doi.org/"
                                                                           "10.1080/00309230802486275")


def test_chapter_note_and_entry() -> None:
    ref = reference(CHAPTER)
    assert text(full_note(ref, EN, locator="95")) == ("Lucia Nuti, “Mapping Places,” in Mappings, ed. Denis Cosgrove"
                                                      " (London: Reaktion Books, 1999), 95")
    assert text(bibliography_entry(ref, EN)) == ("Nuti, Lucia. “Mapping Places.” In Mappings, edited by Denis Cosgrove,"
                                                 " 90–108. London: Reaktion Books, 1999.")


def test_titles_of_whole_works_are_italic_and_of_parts_quoted() -> None:
    assert "<cite>Mappings: Essays</cite>" in full_note(reference(BOOK), EN)
    assert "“Mapping Places,”" in full_note(reference(CHAPTER), EN)
    assert "<cite>Mappings</cite>" in full_note(reference(CHAPTER), EN)   # the book a chapter is in
    assert "<cite>Paedagogica Historica</cite>" in full_note(reference(ARTICLE), EN)


def test_short_note_quotes_a_part_with_the_comma_inside() -> None:
    assert text(short_note(reference(ARTICLE), EN, locator="725")) == "Bjerg and Rasmussen, “Enacting Subjectivities,” 725"
    assert notes_for(ARTICLE, ["@bjerg", "@bjerg"])[1] == "Bjerg and Rasmussen, “Enacting Subjectivities.”"


def test_page_locators_are_bare_and_other_locators_keep_their_term() -> None:
    assert notes_for(BOOK, ["@cosgrove, pp. 33-35"])[0].endswith("1999), 33–35.")
    assert notes_for(BOOK, ["@cosgrove, chap. 3"])[0].endswith("1999), chap. 3.")


def test_prefix_and_suffix_surround_the_note() -> None:
    assert notes_for(BOOK, ["see @cosgrove, p. 12, emphasis added"])[0] == (
        "see Denis Cosgrove, Mappings: Essays (London: Reaktion Books, 1999), 12, emphasis added.")


def test_several_sources_in_one_note_are_separated_by_semicolons() -> None:
    assert notes_for(BOOK + CHAPTER, ["@cosgrove; @nuti"])[0] == (
        "Denis Cosgrove, Mappings: Essays (London: Reaktion Books, 1999); Lucia Nuti, “Mapping Places,” in Mappings,"
        " ed. Denis Cosgrove (London: Reaktion Books, 1999), 90–108.")


# --- names ---------------------------------------------------------------------------------------

FOUR = "@book{four, author = {One, Ann and Two, Ben and Three, Cy and Four, Di}, title = {T}, year = {2020}}\n"
ELEVEN = ("@book{eleven, author = {" + " and ".join(f"Author{n}, Given" for n in range(1, 12))
          + "}, title = {T}, year = {2020}}\n")


def test_a_note_names_three_authors_and_from_four_the_first_et_al() -> None:
    assert text(full_note(reference(FOUR), EN)).startswith("Ann One et al., ")
    three = FOUR.replace(" and Four, Di", "")
    assert text(full_note(reference(three), EN)).startswith("Ann One, Ben Two, and Cy Three, ")
    assert text(short_note(reference(FOUR), EN)).startswith("One et al., ")


def test_the_bibliography_names_up_to_ten_then_seven_and_et_al() -> None:
    assert text(bibliography_entry(reference(FOUR), EN)).startswith("One, Ann, Ben Two, Cy Three, and Di Four. ")
    entry = text(bibliography_entry(reference(ELEVEN), EN))
    assert entry.startswith("Author1, Given, Given Author2, ") and "Given Author7, et al. " in entry
    assert "Author8" not in entry


@pytest.mark.parametrize(("bib", "note", "entry"), [
    pytest.param("@book{k, editor = {Cosgrove, Denis}, title = {T}, year = {1999}}\n", "Denis Cosgrove, ed., ",
                 "Cosgrove, Denis, ed. ", id="editor-leads"),
    pytest.param("@book{k, editor = {Brown, Nik and Webster, Andrew}, title = {T}, year = {2000}}\n",
                 "Nik Brown and Andrew Webster, eds., ", "Brown, Nik, and Andrew Webster, eds. ", id="editors-lead"),
    pytest.param("@book{k, author = {Piketty, Thomas}, translator = {Goldhammer, Arthur}, title = {T}, year = {2014}}\n",
                 "Thomas Piketty, T, trans. Arthur Goldhammer, ", "Piketty, Thomas. T. Translated by Arthur Goldhammer. ",
                 id="translator"),
    pytest.param("@book{k, author = {family=Gestel, given=Rob, prefix=van, useprefix=true}, title = {T}, year = {2020}}\n",
                 "Rob van Gestel, ", "Gestel, Rob van. ", id="particle"),
    pytest.param("@book{k, author = {family=Almeida, given=Luís, prefix=d', useprefix=true}, title = {T}, year = {2020}}\n",
                 "Luís d’Almeida, ",
                 "Almeida, Luís d’. ", id="apostrophe-particle"),
    pytest.param("@book{k, author = {King, Jr., Martin Luther}, title = {T}, year = {1963}}\n",
                 "Martin Luther King Jr., ", "King, Martin Luther, Jr. ", id="suffix"),
    pytest.param("@report{k, institution = {{U.S. Government Accountability Office}}, title = {T}, year = {2021}}\n",
                 "U.S. Government Accountability Office, ", "U.S. Government Accountability Office. ", id="group-author"),
])
def test_creators(bib: str, note: str, entry: str) -> None:
    ref = reference(bib)
    assert text(full_note(ref, EN)).startswith(note)
    assert text(bibliography_entry(ref, EN)).startswith(entry)


def test_two_organisations_are_joined_without_a_comma() -> None:
    bib = "@online{k, author = {{ILRC} and {AJA Advocacy}}, title = {T}, date = {2025-07-30}, url = {https://x.org}}\n"
    assert text(bibliography_entry(reference(bib), EN)).startswith("ILRC and AJA Advocacy. ")


# --- the bibliography ----------------------------------------------------------------------------


def test_repeated_creators_become_a_three_em_dash_and_titles_order_them() -> None:
    bib = ("@book{b, author = {Cosgrove, Denis}, title = {The Iconography of Landscape}, year = {1988}}\n"
           "@book{a, author = {Cosgrove, Denis}, title = {Mappings}, year = {1999}}\n"
           "@book{c, author = {Cosgrove, Denis and Daniels, Stephen}, title = {Apollo}, year = {2001}}\n")
    assert sources_for(bib) == ["Cosgrove, Denis. The Iconography of Landscape. 1988.",  # "The" is not sorted on
                                "———. Mappings. 1999.",
                                "Cosgrove, Denis, and Stephen Daniels. Apollo. 2001."]


def test_the_sources_list_is_alphabetical_by_what_leads_each_entry() -> None:
    assert [entry.split(".")[0] for entry in sources_for(CHAPTER + BOOK + WEBPAGE)] == [
        "Cosgrove, Denis", "DMI", "Nuti, Lucia"]


def test_access_dates_only_for_sources_without_a_date_of_their_own() -> None:
    assert text(bibliography_entry(reference(WEBPAGE), EN)) == ("DMI. “Forventet skybrud.” Accessed January 18, 2014."
                                                                " https://www.dmi.dk/skybrud.")
    assert text(full_note(reference(WEBPAGE), EN)) == "DMI, “Forventet skybrud,” accessed January 18, 2014, https://www.dmi.dk/skybrud"
    dated = WEBPAGE.replace("urldate", "date = {2011-07-08}, urldate")
    assert "ccessed" not in text(bibliography_entry(reference(dated), EN))
    assert "July 8, 2011" in text(bibliography_entry(reference(dated), EN))


def test_newspaper_dates_stand_in_the_text() -> None:
    bib = ("@article{k, entrysubtype = {newspaper}, author = {Ramírez, Lucía}, title = {Sheriff Signs},"
           " journaltitle = {The Example Gazette}, date = {2025-03-04}}\n")
    assert text(full_note(reference(bib), EN)) == "Lucía Ramírez, “Sheriff Signs,” The Example Gazette, March 4, 2025"


def test_thesis_genre_and_school_stand_in_the_parentheses() -> None:
    bib = "@thesis{k, author = {Ng, Al}, title = {Policing}, type = {phdthesis}, institution = {MIT}, year = {2020}}\n"
    assert text(full_note(reference(bib), EN)) == "Al Ng, “Policing” (PhD diss., MIT, 2020)"
    assert text(bibliography_entry(reference(bib), EN)) == "Ng, Al. “Policing.” PhD diss., MIT, 2020."
    assert text(full_note(reference(bib), ES)) == "Al Ng, «Policing» (tesis doctoral, MIT, 2020)"
    masters = bib.replace("phdthesis", "mathesis")
    assert text(full_note(reference(masters), EN)) == "Al Ng, “Policing” (Master's thesis, MIT, 2020)"


def test_a_volume_of_a_whole_work() -> None:
    bib = ("@book{k, author = {Ng, Al}, title = {Part}, maintitle = {Collected Works}, volume = {2},"
           " publisher = {Press}, year = {2014}}\n")
    assert text(bibliography_entry(reference(bib), EN)) == "Ng, Al. Part. Vol. 2 of Collected Works. Press, 2014."


def test_unpublished_work_with_only_a_date_takes_no_parentheses() -> None:
    bib = "@misc{k, author = {Ng, Al}, title = {Slides}, date = {2015-05-20}}\n"
    assert text(full_note(reference(bib), EN)) == "Al Ng, “Slides,” May 20, 2015"


# --- punctuation -------------------------------------------------------------------------------


def test_a_title_ending_in_a_question_mark_takes_no_comma_or_period() -> None:
    bib = "@article{k, author = {Ng, Al}, title = {Does It Work?}, journaltitle = {J}, volume = {1}, year = {2020}}\n"
    assert "“Does It Work?” <cite>J</cite> 1 (2020)" in full_note(reference(bib), EN)
    assert "“Does It Work?” <cite>J</cite> 1 (2020)." in bibliography_entry(reference(bib), EN)


def test_a_title_ending_in_a_period_takes_no_comma() -> None:
    bib = "@article{k, author = {Ng, Al}, title = {In Situ Growth.}, journaltitle = {J}, volume = {1}, year = {2020}}\n"
    assert "“In Situ Growth.” <cite>J</cite>" in full_note(reference(bib), EN)


def test_a_note_field_ending_its_sentence_gives_way_to_the_entry_s_punctuation() -> None:
    bib = "@book{k, author = {Ng, Al}, title = {T}, year = {2009}, note = {Released Mar. 4, 2009.}}\n"
    assert text(full_note(reference(bib), EN)) == "Al Ng, T, 2009, Released Mar. 4, 2009"


@pytest.mark.parametrize(("written", "printed"), [
    ("3-10", "3–10"), ("71-72", "71–72"), ("96-117", "96–117"), ("100-104", "100–104"), ("1100-1113", "1100–1113"),
    ("101-108", "101–8"), ("808-833", "808–33"), ("1103-1104", "1103–4"), ("321-328", "321–28"), ("498-532", "498–532"),
    ("1087-1089", "1087–89"), ("1496-1504", "1496–1504"), ("11564-11615", "11564–615"), ("3~--~11", "3–11"),
    ("L225-L227", "L225–L227"),
])
def test_page_ranges_are_abbreviated_as_chicago_does(written: str, printed: str) -> None:
    assert page_range(written) == printed


@pytest.mark.parametrize(("title", "short"), [
    ("Mappings: Essays on Maps", "Mappings"),
    ("Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act", "Delegation of Immigration Authority"),
    ("The Practice of Everyday Life in Modern Cities", "Practice of Everyday Life"),
    ("Federalism and the Police Forces of America", "Federalism and the Police"),
    ("S.B. No. 8, 89th Legislature, Regular Session", "S.B. No. 8"),
])
def test_short_titles_keep_four_words_at_most(title: str, short: str) -> None:
    assert chicago_short_title(reference(f"@book{{k, author = {{Ng, Al}}, title = {{{title}}}, year = 2020}}\n")) == short


def test_shorttitle_field_wins() -> None:
    bib = "@book{k, author = {Ng, Al}, title = {A Long Title of Many Words}, shorttitle = {Long Title}, year = 2020}\n"
    assert text(short_note(reference(bib), EN)) == "Ng, Long Title"


def test_a_short_author_equal_to_the_short_title_is_printed_once() -> None:
    bib = ("@legislation{k, author = {{Florida Legislature}}, shortauthor = {Fla. Stat. § 908.11},"
           " title = {Fla. Stat. § 908.11: Immigration enforcement}, year = 2023}\n")
    assert text(short_note(reference(bib), EN, locator="2")) == "Fla. Stat. § 908.11, 2"


# --- the Spanish edition -------------------------------------------------------------------------


def test_spanish_editions_keep_their_words() -> None:
    bib = ARTICLE.replace("number = {6}", "number = {6}, translator = {Ruiz, María}")
    note = text(full_note(reference(bib), ES))
    assert note.startswith("Helle Bjerg y Lisa Rosén Rasmussen, «Enacting Subjectivities», trad. María Ruiz,")
    assert "44, n.º 6 (diciembre de 2008): 721–31" in note
    assert text(bibliography_entry(reference(bib), ES)).startswith(
        "Bjerg, Helle, y Lisa Rosén Rasmussen. «Enacting Subjectivities». Traducido por María Ruiz.")
    assert text(full_note(reference(WEBPAGE), ES)) == ("DMI, «Forventet skybrud», consultado el 18 de enero de 2014,"
                                                       " https://www.dmi.dk/skybrud")


def test_spanish_series_of_three_has_no_comma_before_y() -> None:
    three = FOUR.replace(" and Four, Di", "")
    assert text(full_note(reference(three), ES)).startswith("Ann One, Ben Two y Cy Three, ")


# --- the style's names ---------------------------------------------------------------------------


def test_notes_is_another_name_for_chicago_notes() -> None:
    assert ALIASES["notes"] == "chicago-notes"
    assert STYLES["notes"] is STYLES["chicago-notes"]
    assert STYLES["chicago-notes"].name == "chicago-notes"


def test_refs_and_build_accept_both_names(make_project) -> None:  # type: ignore[no-untyped-def]
    from conftest import brief_yaml, run_cli, section_md

    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra="citation_style: notes\n"),
                            "briefs/sections/one.md": section_md("One", "Text [@gao2021, p. 4] and [@gao2021].\n")})
    chicago = run_cli(["refs", "doe2019", "gao2021", "--style", "chicago-notes"], cwd=project)
    assert chicago.exit_code == 0, chicago.output
    assert chicago.stdout == run_cli(["refs", "doe2019", "gao2021", "--style", "notes"], cwd=project).stdout
    assert chicago.stdout.splitlines()[0].startswith("Doe, J")
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert '<ol class="references style-chicago-notes">' in html
    first, second = (part.split("</span>")[0] for part in html.split('<span class="footnote">')[1:3])
    assert Markup(first).striptags().endswith(", 4, https://www.gao.gov/products/gao-21-186.") and "<cite>" in first
    assert len(Markup(second).striptags()) < len(Markup(first).striptags())  # the later note is short


# --- the deliberate differences from the CSL style (docs/citations.md, "Differences of form") ------


def test_deliberate_differences_from_the_csl_style() -> None:
    report = reference("@report{k, institution = {{GAO}}, title = {Immigration Enforcement}, type = {Report},"
                       " number = {GAO-21-186}, publisher = {{GAO}}, location = {Washington, DC}, date = {2021-01-27}}\n")
    note = full_note(report, EN)
    assert "<cite>Immigration Enforcement</cite>" in note                      # reports italic, not quoted
    assert text(note).count("GAO,") == 1 and "(Washington, DC, January 27, 2021)" in text(note)  # author once
    order = reference("@legislation{k, author = {{President of the United States}}, title = {Executive Order 14159},"
                      " date = {2025-01-20}}\n")
    assert "January 20, 2025" in text(bibliography_entry(order, EN))         # a law keeps its day
    chapter = reference(CHAPTER.replace("year = {1999}", "year = {1999}, edition = {3}"))
    assert "Mappings, ed. Denis Cosgrove, 3rd ed. (London" in text(full_note(chapter, EN))  # the book's edition
    assert notes_for(BOOK, ["@cosgrove", "@cosgrove"])[1] == "Cosgrove, Mappings."    # a short note, never "Ibid."
    lowercase = reference(ARTICLE.replace("Enacting Subjectivities", "Enacting subjectivities"))
    assert "“Enacting subjectivities,”" in text(full_note(lowercase, EN))   # titles keep their capitals
