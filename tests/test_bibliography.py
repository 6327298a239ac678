"""references.bib → Reference models (load/bibliography.py): LaTeX decoding, names, dates, URLs, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.bibliography import load_bibliography, parse_bibliography
from briefgen.load.latex import decode_latex
from briefgen.model import Bibliography, DateParts, Name, Reference
from conftest import FIXTURE_BIB, make_brief, make_section, plain_text, render_edition, source_entries, without_rule

BIB = SourceLocation(Path("references.bib"))


def parse(text: str) -> tuple[Bibliography, list[str]]:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(text, BIB, diagnostics)
    return bibliography, [without_rule(d.format()) for d in diagnostics.items]


def one(text: str) -> Reference:
    bibliography, problems = parse(text)
    assert problems == []
    assert len(bibliography.references) == 1
    return next(iter(bibliography.references.values()))


def cited(key: str, bib: str = FIXTURE_BIB) -> tuple[str, str]:
    """(the narrative citation's text, the Sources entry's text) for ``key`` in a one-section edition."""
    html, _table, problems = render_edition(make_brief(["one"]), [make_section("one", f"As @{key} shows.\n")], "press",
                                            bib=bib)
    assert [p for p in problems if "warning" not in p] == []
    paragraph = html[html.index('<section class="brief-section"'):]
    paragraph = paragraph[paragraph.index("<p>"):paragraph.index("</p>")]
    return plain_text(paragraph).removeprefix("As ").removesuffix(" shows."), source_entries(html)[key]


@pytest.fixture(scope="module")
def fixture_bib() -> Bibliography:
    bibliography, problems = parse(FIXTURE_BIB)
    assert problems == []
    return bibliography


# --- LaTeX → Unicode -------------------------------------------------------------------


@pytest.mark.parametrize(("latex", "text"), [
    pytest.param(r'M{\"o}ller', "Möller", id="umlaut-braced"),
    pytest.param(r'na\"ive', "naïve", id="umlaut-bare"),
    pytest.param(r"Gar\c{c}on", "Garçon", id="cedilla"),
    pytest.param(r"Mart{\'\i}nez", "Martínez", id="acute-dotless-i"),
    pytest.param(r"{\'E}cole", "École", id="acute-capital"),
    pytest.param(r"Pe\~na", "Peña", id="tilde-accent"),
    pytest.param(r"{\o}re and {\aa}r and Stra{\ss}e", "øre and år and Straße", id="special-letters"),
    pytest.param(r"Policy \& Practice", "Policy & Practice", id="escaped-ampersand"),
    pytest.param("pages 10--20", "pages 10–20", id="en-dash"),
    pytest.param("1990---2000", "1990—2000", id="em-dash"),
    pytest.param("{Protected} Capitals in {ICE}", "Protected Capitals in ICE", id="protected-braces"),
    pytest.param(r"\S~287(g)", "§ 287(g)", id="section-sign-and-tie"),
    pytest.param("``quoted''", "“quoted”", id="tex-quotes"),
    pytest.param(r"50\% of cases", "50% of cases", id="escaped-percent"),
    pytest.param("50% of cases", "50% of cases", id="bare-percent-is-not-a-comment"),
    pytest.param(r"\emph{Italic} and \textbf{bold}", "Italic and bold", id="formatting-commands"),
    pytest.param("Plain  text\n  over lines", "Plain text over lines", id="whitespace-collapsed"),
    pytest.param("Crème brûlée", "Crème brûlée", id="unicode-untouched"),
])
def test_decode_latex(latex: str, text: str) -> None:
    assert decode_latex(latex) == text


def test_fields_are_decoded(fixture_bib: Bibliography) -> None:
    article = fixture_bib.references["moller2020"]
    assert article.title == "Trust and Reporting: Evidence from Three Counties"
    assert article.container_title == "Journal of Policy & Practice"
    assert [name.family for name in article.author] == ["Möller", "Garçon", "Martínez", "Smith"]
    assert article.page == "10–20"


# --- names -------------------------------------------------------------------------------


def test_corporate_author_is_one_literal_name(fixture_bib: Bibliography) -> None:
    report = fixture_bib.references["gao2021"]
    assert report.author == (Name(literal="U.S. Government Accountability Office"),)
    assert report.author[0].is_organization


@pytest.mark.parametrize(("author", "expected"), [
    pytest.param("{{Smith and Jones LLP}}", (Name(literal="Smith and Jones LLP"),), id="corporate-with-and-not-split"),
    pytest.param(r"{{Barnes {\&} Noble}}", (Name(literal="Barnes & Noble"),), id="corporate-with-escaped-ampersand"),
    pytest.param("{{Smith and Jones LLP}} and Doe, Jane",
                 (Name(literal="Smith and Jones LLP"), Name(family="Doe", given="Jane")), id="corporate-then-person"),
    pytest.param("Jane Doe and John Roe", (Name(family="Doe", given="Jane"), Name(family="Roe", given="John")),
                 id="first-last"),
    pytest.param("van der Berg, Jan", (Name(family="Berg", given="Jan", particle="van der"),), id="particle"),
    pytest.param("Smith, Jr., John", (Name(family="Smith", given="John", suffix="Jr."),), id="suffix"),
    pytest.param(r"M{\"u}ller, J{\"o}rg", (Name(family="Müller", given="Jörg"),), id="accents-in-names"),
])
def test_author_names(author: str, expected: tuple[Name, ...]) -> None:
    reference = one(f"@misc{{k, author = {{{author}}}, title = {{T}}, year = {{2020}}}}\n")
    assert reference.author == expected
    assert reference.et_al is False


def test_and_others_becomes_et_al(fixture_bib: Bibliography) -> None:
    book = fixture_bib.references["doe2019"]
    assert book.author == (Name(family="Doe", given="Jane"),)
    assert book.et_al is True
    narrative, entry = cited("doe2019")
    assert narrative == "Doe et al. [1]"
    assert entry.startswith("[1] Jane Doe") and "et al." in entry
    assert "others" not in entry


@pytest.mark.parametrize(("authors", "short"), [
    pytest.param("Ann A", "A", id="one"),
    pytest.param("Ann A and Ben B", "A and B", id="two"),
    pytest.param("Ann A and Ben B and Cy C", "A et al.", id="three"),
    pytest.param("Ann A and Ben B and Cy C and Di D", "A et al.", id="four"),
    pytest.param("{{Example Agency}}", "Example Agency", id="organization"),
])
def test_short_author_in_narrative_citations(authors: str, short: str) -> None:
    narrative, entry = cited("k", f"@book{{k,\n  author = {{{authors}}},\n  title = {{T}},\n  year = {{2020}}\n}}\n")
    assert narrative == f"{short} [1]"
    assert entry.startswith("[1] " + authors.split(" and ")[0].strip("{}"))


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "issued"), [
    pytest.param("year = {2021}, month = jan", DateParts(2021, 1), id="month-macro-jan"),
    pytest.param("year = {2021}, month = sep", DateParts(2021, 9), id="month-macro-sep"),
    pytest.param("year = {2021}, month = {March}", DateParts(2021, 3), id="month-name"),
    pytest.param("year = {2021}, month = {11}", DateParts(2021, 11), id="month-number"),
    pytest.param("year = {2021}, month = {3}, day = {5}", DateParts(2021, 3, 5), id="with-day"),
    pytest.param("year = 2021", DateParts(2021), id="bare-year"),
    pytest.param("date = {2021-04-03}", DateParts(2021, 4, 3), id="biblatex-date"),
    pytest.param("date = {2021-04}", DateParts(2021, 4), id="biblatex-year-month"),
    pytest.param("year = {forthcoming}", DateParts(literal="forthcoming"), id="literal"),
    pytest.param("note = {none}", DateParts(), id="no-date"),
])
def test_issued_date(fields: str, issued: DateParts) -> None:
    assert one(f"@misc{{k, title = {{T}}, {fields}}}\n").issued == issued


def test_month_shows_in_the_entry() -> None:
    _narrative, entry = cited("gao2021")
    assert "January 2021" in entry


# --- URLs and DOIs ------------------------------------------------------------------------------


def test_url_with_percent_and_tilde_is_kept_intact(fixture_bib: Bibliography) -> None:
    page = fixture_bib.references["countypage"]
    assert page.url == "https://example.org/~sheriff/data%20dashboard?id=7"
    assert page.type == "webpage"
    assert page.accessed == DateParts(2026, 1, 24)
    html, _table, problems = render_edition(make_brief(["one"]), [make_section("one", "See [@countypage].\n")], "press")
    assert problems == []
    assert 'href="https://example.org/~sheriff/data%20dashboard?id=7"' in html
    entry = source_entries(html)["countypage"]
    assert "https://example.org/~sheriff/data%20dashboard?id=7" in entry
    assert "January 24, 2026" in entry, "the urldate is shown"


@pytest.mark.parametrize(("raw", "doi"), [
    pytest.param("10.1000/jpp.2020.12.3", "10.1000/jpp.2020.12.3", id="bare"),
    pytest.param("https://doi.org/10.1000/ABC%2F~x", "10.1000/ABC%2F~x", id="https-prefix-stripped-rest-intact"),
    pytest.param("http://dx.doi.org/10.1000/x_y", "10.1000/x_y", id="dx-prefix"),
    pytest.param("doi:10.1000/x", "10.1000/x", id="doi-colon-prefix"),
])
def test_doi(raw: str, doi: str) -> None:
    reference = one(f"@article{{k, title = {{T}}, journal = {{J}}, year = {{2020}}, doi = {{{raw}}}}}\n")
    assert reference.doi == doi


# --- types and crossref --------------------------------------------------------------------------


@pytest.mark.parametrize(("entry_type", "csl_type"), [
    pytest.param("article", "article-journal", id="article"),
    pytest.param("techreport", "report", id="techreport"),
    pytest.param("report", "report", id="report"),
    pytest.param("online", "webpage", id="online"),
    pytest.param("book", "book", id="book"),
    pytest.param("inproceedings", "paper-conference", id="inproceedings"),
    pytest.param("whatever", "document", id="unknown-type"),
])
def test_entry_types(entry_type: str, csl_type: str) -> None:
    assert one(f"@{entry_type}{{k, title = {{T}}, year = {{2020}}}}\n").type == csl_type


def test_report_publisher_is_the_institution(fixture_bib: Bibliography) -> None:
    report = fixture_bib.references["gao2021"]
    assert (report.publisher, report.genre, report.number) == ("U.S. Government Accountability Office", "Report", "GAO-21-186")


def test_crossref_inherits_from_the_parent(fixture_bib: Bibliography) -> None:
    paper = fixture_bib.references["nguyen2018"]
    assert paper.title == "Interior Enforcement and Community Trust"
    assert paper.container_title == "Proceedings of the Example Policy Conference", "parent title → booktitle"
    assert paper.publisher == "Example Society"
    assert paper.issued == DateParts(2018)
    assert paper.page == "45–60", "the child's own fields win"


def test_crossref_to_a_missing_entry_is_an_error_where_cited() -> None:
    bibliography, problems = parse("@misc{a, title = {A}}\n\n@inproceedings{b,\n  title = {B},\n  crossref = {nope}\n}\n")
    assert problems == []
    reference = bibliography.references["b"]
    assert (reference.problem_line, reference.problem) == (
        5, "'b' has crossref 'nope', which is not in the bibliography")


# --- locations and errors -------------------------------------------------------------------------


def test_every_reference_knows_the_line_where_it_starts(fixture_bib: Bibliography) -> None:
    lines = FIXTURE_BIB.splitlines()
    for key, reference in fixture_bib.references.items():
        assert lines[reference.location.line - 1].endswith(f"{{{key},"), key


def test_duplicate_key_is_reported_at_the_copy() -> None:
    text = "@misc{a,\n  title = {A}\n}\n\n@misc{b, title = {B}}\n@misc{a,\n  title = {Again}\n}\n"
    bibliography, problems = parse(text)
    assert problems == ["references.bib:6: warning: the key 'a' is used by two different entries (lines 1 and 6); "
                        "the first is used where it is cited; "
                        "give one of them another key, or delete the one you do not mean"]
    assert bibliography.references["a"].title == "A"
    assert bibliography.references["a"].problem.startswith("the key 'a' is used by two different entries")


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("@misc{a, title = {A}}\n\n@misc{b,\n  title = {B\n  year = 2020\n}\n\n@misc{c, title = {C}}\n", 3,
                 id="unclosed-brace"),
    pytest.param("@misc{a, title = {A}}\n@misc{b\n  title = {B},\n}\n", 2, id="no-comma-after-key"),
])
def test_syntax_error_is_reported_where_the_entry_starts(text: str, line: int) -> None:
    bibliography, problems = parse(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"references.bib:{line}: cannot read this BibTeX entry")
    assert "a" in bibliography.references, "the entries around a broken one are still read"


def test_syntax_error_message_says_what_is_wrong() -> None:
    _bibliography, problems = parse("@misc{b,\n  title = {B\n  year = 2020\n}\n")
    assert len(problems) == 1
    assert "()" not in problems[0], f"the reason in parentheses is empty: {problems[0]}"


@pytest.mark.parametrize("text", [
    pytest.param("@misc{b,\n  title = {B}\n  year = {2020}\n}\n", id="next-line"),
    pytest.param("@misc{b,\n  title = {B} year = {2020}\n}\n", id="same-line"),
])
def test_missing_comma_between_fields_is_an_error(text: str) -> None:
    _bibliography, problems = parse(text)
    assert problems == ["references.bib:2: field 'title' of 'b' swallows the next field 'year'; "
                        "add the missing comma after the value of 'title'"]


def test_missing_bibliography_file(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    bibliography = load_bibliography(tmp_path / "references.bib", diagnostics)
    assert bibliography.references == {}
    assert [without_rule(d.format(root=tmp_path)) for d in diagnostics.items] == [
        "references.bib: the bibliography file is missing; create references.bib in the project folder (it may be empty)"]


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty"),
    pytest.param(b"% only a comment\n", id="comment-only"),
    pytest.param("\ufeff".encode() + FIXTURE_BIB.replace("\n", "\r\n").encode(), id="bom-and-crlf"),
])
def test_files_that_just_work(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(data)
    diagnostics = Diagnostics()
    bibliography = load_bibliography(path, diagnostics)
    assert diagnostics.items == []
    if data.strip(b"\n") and b"@" in data:
        assert set(bibliography.references) == {"gao2021", "moller2020", "countypage", "doe2019", "conf2018", "nguyen2018"}
        assert bibliography.references["moller2020"].location.line == FIXTURE_BIB.splitlines().index("@article{moller2020,") + 1


def test_invalid_utf8_in_bibliography_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"@misc{a,\n  title = {A}\n}\n@misc{b,\n  title = {Caf\xe9}\n}\n")
    diagnostics = Diagnostics()
    load_bibliography(path, diagnostics)
    assert [without_rule(d.format(root=tmp_path)) for d in diagnostics.items] == [
        "references.bib:5: not valid UTF-8 (byte 0xe9); save the file as UTF-8 in your editor"]
