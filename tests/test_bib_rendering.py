"""What an entry says reaches the page, in every style: the fields exported libraries carry
(subtitle, translator, volume, eprint, pubstate, ...), APA 7's group authors and year suffixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import ALIASES, STYLES, make_style
from briefgen.citations.syntax import Citation, parse_group
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography

CANONICAL = sorted(name for name in STYLES if name not in ALIASES)


def render(bib: str, style: str, language: str = "en") -> dict[str, str]:
    """key → the Sources entry as text, in list order."""
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib, SourceLocation(Path("references.bib")), diagnostics)
    assert diagnostics.errors == []
    references = tuple(bibliography.references.values())
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    entries = make_style(style, table, messages_for(language)).entries()  # type: ignore[arg-type]
    return {entry.anchor.removeprefix("ref-"): " ".join(entry.html.striptags().split()) for entry in entries}


def cite(bib: str, text: str) -> str:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib, SourceLocation(Path("references.bib")), diagnostics)
    references = tuple(bibliography.references.values())
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    items = parse_group(text)
    assert items is not None
    return make_style("apa", table, messages_for("en")).render_citation(Citation(items, False)).striptags()


BOOK = """@book{k,
  author = {Piketty, Thomas}, translator = {Goldhammer, Arthur}, editor = {Doe, Jane},
  title = {Capital in the Twenty-First Century}, subtitle = {A Study}, titleaddon = {Abridged},
  edition = {4}, volume = {2}, maintitle = {Collected Economics}, series = {newseries},
  publisher = {Belknap Press}, location = {Cambridge, MA}, year = {2014}
}
"""


@pytest.mark.parametrize("style", CANONICAL)
@pytest.mark.parametrize("fragment", [
    pytest.param("Capital in the Twenty-First Century: A Study. Abridged", id="subtitle-and-titleaddon"),
    pytest.param("Translated by Arthur Goldhammer", id="translator"),
    pytest.param("Edited by Jane Doe", id="editor-beside-author"),
    pytest.param("Collected Economics, vol. 2", id="volume-of-maintitle"),
    pytest.param("4th ed.", id="edition"),
    pytest.param("new series", id="localisation-key"),
])
def test_book_fields_are_printed(style: str, fragment: str) -> None:
    if style == "chicago-notes":  # Chicago's own forms of the same fields (CMOS 14.123; a series as a sentence)
        fragment = CHICAGO_FORMS.get(fragment, fragment)
    assert fragment in render(BOOK, style)["k"]


CHICAGO_FORMS = {"Collected Economics, vol. 2": "Vol. 2 of Collected Economics", "new series": "New series",
                 "Journal 3 (2): Special Issue on Policy": "Journal 3, no. 2, Special Issue on Policy"}


def test_spanish_words_for_the_same_fields() -> None:
    text = render(BOOK, "numeric", "es")["k"]
    assert "Traducido por Arthur Goldhammer" in text and "nueva serie" in text and "4.ª ed." in text


@pytest.mark.parametrize("style", CANONICAL)
def test_article_issue_title_eprint_and_pubstate(style: str) -> None:
    text = render("@article{k, author = {Ng, Al}, title = {Deep}, journaltitle = {Journal}, volume = {3}, number = {2},\n"
                  "  issuetitle = {Special Issue on Policy}, eprint = {2101.00001}, eprinttype = {arxiv},\n"
                  "  pubstate = {inpress}}\n", style)["k"]
    issue = "Journal 3 (2): Special Issue on Policy"
    assert (CHICAGO_FORMS[issue] if style == "chicago-notes" else issue) in text
    assert "https://arxiv.org/abs/2101.00001" in text
    assert "in press" in text and "n.d." not in text


def test_eprint_of_an_unknown_archive_is_printed_as_text() -> None:
    text = render("@misc{k, author = {Ng, Al}, title = {T}, year = 2020, eprint = {123}, eprinttype = {myarchive}}\n",
                  "numeric")["k"]
    assert "myarchive 123" in text


def test_eprint_never_hides_a_doi() -> None:
    text = render("@article{k, author = {Ng, Al}, title = {T}, year = 2020, doi = {10.1/x}, eprint = {2101.00001},\n"
                  "  archiveprefix = {arXiv}}\n", "apa")["k"]
    assert "https://doi.org/10.1/x" in text and "arxiv.org" not in text


@pytest.mark.parametrize(("thesis_type", "words"), [("mathesis", "Master's thesis"), ("phdthesis", "PhD thesis")])
def test_thesis_type_keys_are_words(thesis_type: str, words: str) -> None:
    text = render(f"@thesis{{k, author = {{Ng, Al}}, title = {{T}}, type = {{{thesis_type}}}, institution = {{MIT}},"
                  " year = 2020}\n", "apa")["k"]
    assert f"{words}, MIT" in text


def test_patent_type_key_is_words() -> None:
    assert "U.S. patent 123" in render("@patent{k, author = {Ng, Al}, title = {T}, type = {patentus}, number = {123},"
                                       " year = 2020}\n", "numeric")["k"]


def test_particle_follows_useprefix() -> None:
    bib = ("@article{a, author = {family=Gestel, given=Rob, prefix=van, useprefix=false}, title = {A}, year = 2020}\n"
           "@article{b, author = {family=Berg, given=Ann, prefix=van den, useprefix=true}, title = {B}, year = 2020}\n")
    entries = render(bib, "apa")
    assert list(entries) == ["b", "a"], "useprefix=true sorts under the particle (v), false under the family name (G)"
    assert entries["a"].startswith("Gestel, R. van. (2020).")
    assert entries["b"].startswith("van den Berg, A. (2020).")
    assert render(bib, "numeric")["a"].startswith("Rob van Gestel.")


# --- APA 7: group authors, year suffixes, up to 20 authors -----------------------------------------


GROUP = ("@report{zebra, institution = {{U.S. Government Accountability Office}}, title = {Zebra Report}, year = 2021}\n"
         "@report{alpha, institution = {{U.S. Government Accountability Office}}, title = {Alpha Report}, year = 2021}\n"
         "@book{mid, author = {Moore, Ann}, title = {Middle}, year = 2021, publisher = {Press}}\n")


def test_group_author_leads_the_entry_and_the_citation() -> None:
    entries = render(GROUP, "apa")
    assert list(entries) == ["mid", "alpha", "zebra"], "sorted by the group author (M before U)"
    assert entries["alpha"] == "U.S. Government Accountability Office. (2021a). Alpha Report."
    assert entries["zebra"].startswith("U.S. Government Accountability Office. (2021b). Zebra Report.")
    assert cite(GROUP, "@zebra") == "(U.S. Government Accountability Office, 2021b)"


def test_publisher_alone_is_not_an_author() -> None:
    bib = "@book{k, title = {Anonymous Pamphlet on Things}, publisher = {Penguin}, year = 2020}\n"
    assert render(bib, "apa")["k"].startswith("Anonymous Pamphlet on Things. (2020).")
    assert cite(bib, "@k") == "(Anonymous Pamphlet on Things, 2020)"


def test_court_is_not_a_group_author() -> None:
    bib = "@jurisdiction{k, title = {Melendres v. Arpaio}, institution = {D. Ariz.}, year = 2013}\n"
    assert render(bib, "apa")["k"].startswith("Melendres v. Arpaio. (2013).")


def test_year_suffixes_only_for_the_same_printed_author_list() -> None:
    bib = ("@article{one, author = {Smith, A. and Jones, B. and Lee, C.}, title = {One}, journal = {J}, year = 2020}\n"
           "@article{two, author = {Smith, A. and Brown, D. and Lee, C.}, title = {Two}, journal = {J}, year = 2020}\n"
           "@article{three, author = {Smith, A. and Brown, D. and Lee, C.}, title = {Three}, journal = {J}, year = 2020}\n")
    entries = render(bib, "apa")
    assert "(2020)." in entries["one"]
    assert "(2020a)." in entries["three"] and "(2020b)." in entries["two"]


def test_apa_lists_twenty_authors_then_ellipsis_and_last() -> None:
    authors = " and ".join(f"Author{n}, A." for n in range(1, 23))
    text = render(f"@article{{k, author = {{{authors}}}, title = {{T}}, journal = {{J}}, year = 2020}}\n", "apa")["k"]
    assert "Author19, A., . . . Author22, A. (2020)." in text and "Author20" not in text
    twenty = " and ".join(f"Author{n}, A." for n in range(1, 21))
    text = render(f"@article{{k, author = {{{twenty}}}, title = {{T}}, journal = {{J}}, year = 2020}}\n", "apa")["k"]
    assert "Author19, A., &amp; Author20, A." in text or "Author19, A., & Author20, A." in text


def test_retrieval_date_only_for_changing_pages_in_apa() -> None:
    bib = ("@online{page, author = {{Agency}}, title = {Page}, year = 2020, url = {https://example.org/p},"
           " urldate = {2024-01-05}}\n"
           "@article{art, author = {Ng, Al}, title = {Art}, journal = {J}, year = 2020, url = {https://example.org/a},"
           " urldate = {2024-01-05}}\n")
    entries = render(bib, "apa")
    assert "Accessed January 5, 2024" in entries["page"]
    assert "Accessed" not in entries["art"]
    assert "Accessed January 5, 2024" in render(bib, "numeric")["art"], "numeric keeps every date the entry gives"


def test_author_date_is_another_name_for_apa() -> None:
    assert STYLES["author-date"] is STYLES["apa"]
    assert render(GROUP, "author-date") == render(GROUP, "apa")


URL_IN_TEXT = r"""@misc{urlnote,
  author = {Doe, Jane},
  title = {Data portal, mirrored at \url{https://example.org/mirror_2}},
  year = {2020},
  note = {Archived at \url{https://archive.example.org/web/2020/x?a=1&b=2}. See also \href{https://example.org/faq}{the FAQ}.}
}
"""


@pytest.mark.parametrize("style", CANONICAL)
def test_a_url_inside_a_title_or_note_is_a_link(style: str) -> None:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(URL_IN_TEXT, SourceLocation(Path("references.bib")), diagnostics)
    references = tuple(bibliography.references.values())
    table = CitationTable(references, {ref.id: 1 for ref in references}, {ref.id: () for ref in references})
    html = str(make_style(style, table, messages_for("en")).entries()[0].html)  # type: ignore[arg-type]
    assert '<a class="url" href="https://example.org/mirror_2">https://example.org/mirror_2</a>' in html
    assert ('<a class="url" href="https://archive.example.org/web/2020/x?a=1&amp;b=2">'
            "https://archive.example.org/web/2020/x?a=1&amp;b=2</a>.") in html, "the sentence's period is not part of it"
    assert "the FAQ" in html and "\\" not in html and "{" not in html
