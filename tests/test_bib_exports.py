"""What Zotero (Better BibTeX), JabRef, Mendeley and Google Scholar really write into references.bib.

Each case is the smallest reproduction of something a real exported library holds; the rule
is biber's: a file biber reads is read, what an entry says is kept, and every problem is
reported at its line.
"""

from __future__ import annotations

import pytest

from briefgen.citations.resolve import check_reference
from briefgen.errors import Diagnostics
from briefgen.model import DateParts, Name, Reference
from conftest import without_rule
from test_bibliography import one, parse  # the same small readers of a .bib text


def cite_problems(reference: Reference) -> list[str]:
    diagnostics = Diagnostics()
    check_reference(reference, diagnostics)
    return [without_rule(d.format()) for d in diagnostics.errors]


# --- never stop a build that biber runs ---------------------------------------------------------


def test_href_in_a_field_is_read_as_its_text() -> None:
    reference = one("@misc{k,\n  title = {Data at \\href{https://example.org/a_b}{the portal}},\n"
                    "  note = {See \\url{https://example.org/x}}, year = 2020}\n")
    assert reference.title == "Data at the portal"
    assert reference.note == "See https://example.org/x"


def test_latex_the_decoder_cannot_read_is_kept_as_words_with_a_warning() -> None:
    bibliography, problems = parse("@misc{k,\n  title = {Plain},\n  note = {Broken \\verb|x| \\frac{1}},\n  year = 2020}\n")
    reference = bibliography.references["k"]
    assert "Broken" in reference.note
    assert all(":3: warning: cannot read the LaTeX in field 'note'" in p for p in problems)


@pytest.mark.parametrize(("author", "expected"), [
    pytest.param("family=Gestel, given=Rob, prefix=van, useprefix=true",
                 Name(family="Gestel", given="Rob", particle="van"), id="useprefix-true"),
    pytest.param("family=Gestel, given=Rob, prefix=van, useprefix=false",
                 Name(family="Gestel", given="Rob", particle="van", is_particle_dropping=True), id="useprefix-false"),
    pytest.param("family=King, given=Martin Luther, suffix=Jr., giveni=M. L.",
                 Name(family="King", given="Martin Luther", suffix="Jr."), id="suffix-and-giveni"),
    pytest.param("family={M{\\\"u}ller}, given=Jana", Name(family="Müller", given="Jana"), id="braced-and-accented"),
])
def test_better_biblatex_extended_names(author: str, expected: Name) -> None:
    reference = one(f"@book{{k, author = {{{author} and Doe, Jane}}, title = {{T}}, year = 2020}}\n")
    assert reference.author == (expected, Name(family="Doe", given="Jane"))


def test_name_with_a_trailing_comma_is_read_with_a_warning() -> None:
    bibliography, problems = parse("@book{k,\n  title = {T},\n  author = {Weilbach,},\n  year = 2020}\n")
    assert bibliography.references["k"].author == (Name(family="Weilbach"),)
    assert problems == ["references.bib:3: warning: the name 'Weilbach,' in 'k' ends with a comma; read as 'Weilbach'; "
                        "remove the comma (an organisation goes in double braces: {{Name}})"]


def test_unreadable_name_is_printed_as_written_not_fatal() -> None:
    bibliography, problems = parse("@book{k,\n  author = {A, B, C, D},\n  title = {T}, year = 2020}\n")
    assert bibliography.references["k"].author == (Name(literal="A, B, C, D"),)
    assert len(problems) == 1 and problems[0].startswith("references.bib:2: warning: cannot read the name 'A, B, C, D'")


def test_percent_comments_outside_values_are_comments() -> None:
    text = ("% Exported by a reference manager, 100% of the library\n"
            "@book{a,\n  title = {Real},\n  % year = {1999},\n  year = {2020},\n"
            "  url = {https://example.org/a%20b}\n}\n"
            "%@book{a, title = {Commented-out copy}}\n"
            "% @misc{ghost, title = {Not an entry}}\n"
            "@misc{b, title = \"50% of \\{cases\\}\", year = 2021}\n")
    bibliography, problems = parse(text)
    assert problems == []
    assert list(bibliography.references) == ["a", "b"]
    assert bibliography.references["a"].issued == DateParts(2020)
    assert bibliography.references["a"].url == "https://example.org/a%20b"
    assert bibliography.references["b"].title == "50% of cases"


def test_identical_duplicate_is_a_warning_and_the_first_is_kept() -> None:
    entry = "@article{same,\n  title = {Twice},\n  year = {2020}\n}\n"
    bibliography, problems = parse(entry + "\n" + entry.replace("\n", "\n  ", 1))
    assert bibliography.references["same"].problem == ""
    assert problems == ["references.bib:6: warning: entry 'same' repeats the entry on line 1 word for word; "
                        "the first is used; delete the copy"]


def test_different_duplicate_is_an_error_only_where_cited() -> None:
    bibliography, problems = parse("@article{dup,\n  title = {One}, year = 2020}\n@article{dup,\n  title = {Two}, year = 2021}\n")
    assert problems[0].startswith("references.bib:3: warning: the key 'dup' is used by two different entries (lines 1 and 3)")
    assert cite_problems(bibliography.references["dup"]) == [
        "references.bib:1: the key 'dup' is used by two different entries (lines 1 and 3); "
        "give one of them another key, or delete the one you do not mean"]


def test_entry_with_no_key_says_so() -> None:
    bibliography, problems = parse("@misc{a, title = {A}}\n@article{,\n  title = {No key}}\n@article{,\n  title = {X}}\n")
    assert list(bibliography.references) == ["a"]
    assert sorted(problems) == [
        "references.bib:2: warning: this entry has no key, so it cannot be cited; write a key after the brace: "
        "@article{smith2020, ...",
        "references.bib:4: warning: this entry has no key, so it cannot be cited; write a key after the brace: "
        "@article{smith2020, ..."]


def test_stray_closing_brace_is_an_error_at_the_field_it_strands() -> None:
    _bibliography, problems = parse("@article{k,\n  title = {T}},\n  year = {2020}\n}\n")
    assert problems == ["references.bib:3: field 'year' stands outside any entry; "
                        "an extra '}' before it closes the entry too early; remove that brace"]


# --- @string, crossref, dates, DOIs: located, never silent ---------------------------------------


def test_string_concatenation_is_resolved_through_macros() -> None:
    reference = one('@string{pre = "Journal of"}\n@string{jpp = pre # " Policy " # {Practice}}\n'
                    '@article{k, title = {T}, journal = jpp, year = 2020, month = mar}\n')
    assert reference.container_title == "Journal of Policy Practice"
    assert reference.issued == DateParts(2020, 3)


def test_undefined_macro_is_an_error_where_cited() -> None:
    bibliography, problems = parse("@article{k,\n  title = {T},\n  journal = jnope,\n  year = 2020}\n")
    assert problems == []
    assert cite_problems(bibliography.references["k"]) == [
        "references.bib:3: field 'journal' of 'k' uses the @string macro 'jnope', which is not defined; "
        "define it with @string{jnope = {...}}, or write the value in braces"]


def test_string_cycle_is_an_error_where_cited() -> None:
    bibliography, _ = parse('@string{a = "x" # b}\n@string{b = a}\n@article{k,\n  title = {T},\n  journal = a, year = 2020}\n')
    assert cite_problems(bibliography.references["k"]) == [
        "references.bib:5: field 'journal' of 'k' the @string macros a → b → a refer to each other in a circle "
        "(line 1); give one of them a plain value in braces"]


def test_crossref_cycle_is_an_error_where_cited() -> None:
    bibliography, problems = parse("@inproceedings{a,\n  title = {A},\n  crossref = {b}}\n"
                                   "@proceedings{b,\n  title = {B},\n  crossref = {a}}\n")
    assert problems == []
    assert cite_problems(bibliography.references["a"]) == [
        "references.bib:3: the crossref fields of a → b → a go round in a circle; remove the crossref that points back"]


def test_crossref_chain_is_followed() -> None:
    bibliography, _ = parse("@inproceedings{a, title = {A}, crossref = {b}}\n@proceedings{b, title = {B}, crossref = {c}}\n"
                            "@proceedings{c, publisher = {Press}, year = 2019}\n")
    assert (bibliography.references["a"].publisher, bibliography.references["a"].issued) == ("Press", DateParts(2019))


@pytest.mark.parametrize(("fields", "line", "message"), [
    pytest.param("year = 2020,\n  month = 13", 4, "'k' has an impossible month '13'", id="month-13"),
    pytest.param("date = {2020-13-01}", 3, "'k' has an impossible month 13 in 'date'", id="iso-month"),
    pytest.param("date = {2021-02-30}", 3, "'k' has an impossible date 2021-02-30 in 'date'", id="february-30"),
    pytest.param("year = 2020,\n  month = 4,\n  day = 31", 5, "'k' has an impossible date 2020-04-31 in 'day'",
                 id="april-31"),
    pytest.param("year = 20201", 3, "'k' has an impossible year '20201'", id="five-digit-year"),
    pytest.param("urldate = {2024-00-10}", 3, "'k' has an impossible month 0 in 'urldate'", id="urldate-month-0"),
])
def test_impossible_dates_are_errors_at_their_line(fields: str, line: int, message: str) -> None:
    bibliography, _ = parse(f"@misc{{k,\n  title = {{T}},\n  {fields}\n}}\n")
    errors = cite_problems(bibliography.references["k"])
    assert errors[0].startswith(f"references.bib:{line}: {message}")


@pytest.mark.parametrize("doi", [
    "https://doi.org/10.1000/xyz_1", "http://dx.doi.org/10.1000/xyz_1", "https://www.doi.org/10.1000/xyz_1",
    "doi:10.1000/xyz_1", "DOI: 10.1000/xyz_1", "doi.org/10.1000/xyz_1", "10.1000/xyz\\_1", "\\url{https://doi.org/10.1000/xyz_1}",
])
def test_doi_written_as_a_url_is_not_prefixed_twice(doi: str) -> None:
    reference = one(f"@article{{k, title = {{T}}, year = 2020, doi = {{{doi}}}}}\n")
    assert reference.doi == "10.1000/xyz_1"


def test_url_escapes_are_removed() -> None:
    reference = one("@misc{k, title = {T}, year = 2020, url = {https://example.org/a\\_b\\#c\\%20d}}\n")
    assert reference.url == "https://example.org/a_b#c%20d"


# --- LaTeX that reference managers write ----------------------------------------------------------


@pytest.mark.parametrize(("latex", "text"), [
    pytest.param(r"The \TeX{}book and \LaTeX", "The TeXbook and LaTeX", id="logos"),
    pytest.param(r"Long\hyphen term and either\slash or", "Long-term and either/or", id="hyphen-slash"),
    pytest.param(r"Cu$_2$O and m$^2$ and CO$_{2}$", "Cu₂O and m² and CO₂", id="sub-superscript"),
    pytest.param(r"H\textsubscript{2}O", "H₂O", id="textsubscript"),
    pytest.param(r"x$_{ij}$", "xij", id="no-unicode-form-is-plain"),
])
def test_latex_in_titles(latex: str, text: str) -> None:
    assert one(f"@misc{{k, title = {{{latex}}}, year = 2020}}\n").title == text


@pytest.mark.parametrize(("pages", "expected"), [
    pytest.param("10-20", "10–20", id="single-hyphen"),
    pytest.param("10--20", "10–20", id="double-hyphen"),
    pytest.param("e101-e110", "e101–e110", id="letters"),
    pytest.param("1-5, 7-9", "1–5, 7–9", id="several"),
    pytest.param("S1", "S1", id="single-page"),
    pytest.param("4044--52", "4044–4052", id="abbreviated-end-written-in-full"),
    pytest.param("1300-5", "1300–1305", id="abbreviated-end-one-digit"),
    pytest.param("95-102", "95–102", id="longer-end"),
])
def test_page_ranges_take_an_en_dash(pages: str, expected: str) -> None:
    assert one(f"@article{{k, title = {{T}}, year = 2020, pages = {{{pages}}}}}\n").page == expected


def test_field_given_twice_keeps_the_entry_and_the_first_value() -> None:
    bibliography, problems = parse("@article{k,\n  title = {T},\n  keywords = {a},\n  keywords = {b},\n  year = 2020}\n"
                                   "@article{j,\n  title = {T},\n  year = 2020,\n  year = 2020}\n")
    assert list(bibliography.references) == ["k", "j"]
    assert problems == [
        "references.bib:1: warning: entry 'k' sets the field keywords twice; the first value is used; keep one of them",
        "references.bib:6: warning: entry 'j' sets the field year twice; the first value is used; keep one of them"]
    assert cite_problems(bibliography.references["k"]) == [
        "references.bib:1: entry 'k' gives the field 'keywords' two different values; keep the right one"]
    assert cite_problems(bibliography.references["j"]) == []


def test_percent_inside_an_entry_in_parentheses_is_kept() -> None:
    reference = one('@misc(k,\n  % a comment\n  title = "50% of cases",\n'
                    '  url = {https://example.org/a%20b},\n  year = 2020\n)\n')
    assert (reference.title, reference.url) == ("50% of cases", "https://example.org/a%20b")


@pytest.mark.parametrize(("date", "year", "label"), [
    pytest.param("1988/1992", 1988, "1988–1992", id="range"),
    pytest.param("1723~", 1723, "ca. 1723", id="approximate"),
    pytest.param("199X", 1990, "1990–1999", id="decade"),
    pytest.param("2004-01-01/..", 2004, "2004–", id="open-end"),
    pytest.param("2004-22", 2004, "", id="season-keeps-the-year"),
    pytest.param("2016-07-18T20:26:06Z", 2016, "", id="timestamp"),
])
def test_edtf_dates(date: str, year: int, label: str) -> None:
    issued = one(f"@misc{{k, title = {{T}}, date = {{{date}}}}}\n").issued
    assert (issued.year, issued.literal) == (year, label)


def test_set_entries_are_left_out_and_their_members_kept() -> None:
    bibliography, problems = parse("@set{both, entryset = {a,b}}\n@misc{a, title = {A}, year = 2020}\n"
                                   "@misc{b, title = {B}, year = 2021}\n")
    assert problems == []
    assert list(bibliography.references) == ["a", "b"]


def test_missing_urldate_is_asked_only_of_online_pages() -> None:
    bibliography, _ = parse("@article{art,\n  title = {T}, author = {Ng, Al}, journal = {J}, year = 2020,\n"
                            "  url = {https://example.org/landing}}\n"
                            "@online{page,\n  title = {P}, author = {{Agency}}, year = 2020, url = {https://example.org/p}}\n")
    warnings = {}
    for key, reference in bibliography.references.items():
        diagnostics = Diagnostics()
        check_reference(reference, diagnostics)
        warnings[key] = [d.rule for d in diagnostics.items]
    assert warnings == {"art": [], "page": ["citations/missing-urldate"]}
