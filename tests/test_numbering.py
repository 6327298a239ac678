"""Numeric citations: numbers by first citation, merged groups and ranges, locators, the Sources list."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from briefgen.citations.resolve import CitationPart, CitationTable, CitedPlace, iter_citations, resolve_citations
from briefgen.citations.styles import NumericStyle
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from briefgen.markdown.parser import parse_markdown
from briefgen.model import Audience, Bibliography, MarkdownText
from conftest import (
    FIXTURE_BIB,
    first_appearances,
    main_text_numbers,
    make_brief,
    make_section,
    reference_keys,
    render_edition,
    without_rule,
)

KEYS_BIB = "\n".join(f"@misc{{k{n},\n  author = {{Author{n}, A.}},\n  title = {{Title {n}}},\n  year = {{2020}}\n}}"
                     for n in range(1, 8))


def bibliography(text: str = FIXTURE_BIB) -> Bibliography:
    diagnostics = Diagnostics()
    result = parse_bibliography(text, SourceLocation(Path("references.bib")), diagnostics)
    assert diagnostics.items == []
    return result


def part(text: str, path: str = "briefs/sections/s.md", first_line: int = 4, label: str = "§1",
         anchor: str = "s") -> CitationPart:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path(path), first_line)), diagnostics)
    assert diagnostics.items == []
    return CitationPart(parsed.tokens, SourceLocation(Path(path), first_line), CitedPlace(label, anchor))


def resolve(*parts: CitationPart, bib: Bibliography | None = None, nocite: tuple[str, ...] = ()
            ) -> tuple[CitationTable, list[str]]:
    diagnostics = Diagnostics()
    table = resolve_citations(parts, bib or bibliography(), nocite, SourceLocation(Path("briefs/b.yaml"), 1), diagnostics)
    return table, [without_rule(d.format()) for d in diagnostics.items]


def plain(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", markup))


def rendered_marks(text: str, table: CitationTable) -> list[str]:
    style = NumericStyle(table, messages_for("en"))
    return [str(style.render_citation(citation)) for citation in iter_citations(part(text).tokens)]


# --- order ----------------------------------------------------------------------------------


def test_numbers_follow_first_citation_across_parts() -> None:
    table, problems = resolve(
        part("Summary [@countypage].", label="Summary", anchor="summary"),
        part("One [@gao2021; @countypage] and @doe2019.", label="§1", anchor="one"),
        part("Two [@moller2020] and again [@gao2021].", label="§2", anchor="two"),
    )
    assert problems == []
    assert table.numbers == {"countypage": 1, "gao2021": 2, "doe2019": 3, "moller2020": 4}
    assert [reference.id for reference in table.references] == ["countypage", "gao2021", "doe2019", "moller2020"]
    assert [place.anchor for place in table.cited_in["gao2021"]] == ["one", "two"]
    assert [place.label for place in table.cited_in["countypage"]] == ["Summary", "§1"]


def test_order_inside_a_group_is_the_order_written() -> None:
    table, _problems = resolve(part("[@moller2020; @gao2021]"))
    assert table.numbers == {"moller2020": 1, "gao2021": 2}


def test_uncited_entries_are_not_listed() -> None:
    table, _problems = resolve(part("[@gao2021]"))
    assert [reference.id for reference in table.references] == ["gao2021"]


@pytest.mark.parametrize(("nocite", "expected"), [
    pytest.param(("doe2019",), ["gao2021", "doe2019"], id="nocite-after-cited"),
    pytest.param(("gao2021",), ["gao2021"], id="nocite-of-cited-is-not-repeated"),
    pytest.param(("*",), ["gao2021", "moller2020", "countypage", "doe2019", "conf2018", "nguyen2018"], id="star-adds-all"),
])
def test_nocite(nocite: tuple[str, ...], expected: list[str]) -> None:
    table, problems = resolve(part("[@gao2021]"), nocite=nocite)
    assert problems == []
    assert [reference.id for reference in table.references] == expected


def test_unknown_nocite_key_is_an_error_at_the_manifest() -> None:
    _table, problems = resolve(part("[@gao2021]"), nocite=("gao2012",))
    assert problems == ["briefs/b.yaml:1: unknown key 'gao2012' in nocite; did you mean 'gao2021'?"]


# --- unknown keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "hint"), [
    pytest.param("Cites [@gao2012].", 4, "did you mean 'gao2021'?", id="did-you-mean"),
    pytest.param("First line.\nSecond [@moler2020] here.", 5, "did you mean 'moller2020'?", id="second-line"),
    pytest.param("Narrative @doe2091 says.", 4, "did you mean 'doe2019'?", id="narrative"),
    pytest.param("Cites [@zzzzzz].", 4, "add the entry to references.bib or correct the key", id="nothing-close"),
])
def test_unknown_key_is_an_error_at_its_line(text: str, line: int, hint: str) -> None:
    _table, problems = resolve(part(text))
    key = re.search(r"@(\w+)", text)
    assert key is not None
    assert problems == [f"briefs/sections/s.md:{line}: unknown citation key '{key.group(1)}'; {hint}"]


def test_unknown_key_does_not_take_a_number() -> None:
    table, problems = resolve(part("[@nope; @gao2021] [@moller2020]"))
    assert len(problems) == 1
    assert table.numbers == {"gao2021": 1, "moller2020": 2}
    assert [plain(mark) for mark in rendered_marks("[@nope; @gao2021] [@nope]", table)] == ["[1]", "[?]"]


# --- rendering marks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seven() -> CitationTable:
    """k1..k7 numbered 1..7."""
    table, problems = resolve(part(" ".join(f"[@k{n}]" for n in range(1, 8))), bib=bibliography(KEYS_BIB))
    assert problems == []
    return table


@pytest.mark.parametrize(("text", "mark"), [
    pytest.param("[@k2]", "[2]", id="single"),
    pytest.param("[@k1; @k3]", "[1, 3]", id="two-apart"),
    pytest.param("[@k3; @k1]", "[1, 3]", id="sorted"),
    pytest.param("[@k1; @k2]", "[1, 2]", id="run-of-two-is-not-a-range"),
    pytest.param("[@k2; @k3; @k4]", "[2–4]", id="run-of-three-is-a-range"),
    pytest.param("[@k5; @k2; @k4; @k3]", "[2–5]", id="unsorted-run-becomes-range"),
    pytest.param("[@k1; @k2; @k3; @k5]", "[1–3, 5]", id="range-and-single"),
    pytest.param("[@k1; @k2; @k4; @k5; @k6; @k7]", "[1, 2, 4–7]", id="pair-and-range"),
    pytest.param("[@k2; @k2]", "[2]", id="duplicate-merged"),
    pytest.param("[@k2, p. 4]", "[2, p. 4]", id="page-locator"),
    pytest.param("[@k2, pp. 3-5]", "[2, pp. 3–5]", id="page-range-locator"),
    pytest.param("[@k2, 33]", "[2, 33]", id="bare-locator"),
    pytest.param("[@k2, chap. 3]", "[2, chap. 3]", id="chapter-locator"),
    pytest.param("[see @k2, p. 4]", "[see 2, p. 4]", id="prefix-and-locator"),
    pytest.param("[@k2, and elsewhere]", "[2, and elsewhere]", id="suffix-keeps-its-comma"),
    pytest.param("[-@k2]", "[2]", id="suppress-author"),
    pytest.param("@k3 says", "Author3 [3]", id="narrative"),
    pytest.param("@k3 [p. 7] says", "Author3 [3, p. 7]", id="narrative-with-locator"),
])
def test_numeric_marks(seven: CitationTable, text: str, mark: str) -> None:
    marks = rendered_marks(text, seven)
    assert [plain(m) for m in marks] == [mark]


def test_every_number_links_to_its_entry(seven: CitationTable) -> None:
    (mark,) = rendered_marks("[@k6; @k1; @k3; @k4; @k5]", seven)
    assert mark == ('<span class="citation">[<a href="#ref-k1">1</a>, '
                    '<a href="#ref-k3">3</a>–<a href="#ref-k6">6</a>]</span>')


@pytest.mark.parametrize(("key", "author"), [
    pytest.param("gao2021", "U.S. Government Accountability Office", id="corporate"),
    pytest.param("moller2020", "Möller et al.", id="four-authors"),
    pytest.param("nguyen2018", "Nguyen and Gill", id="two-authors"),
    pytest.param("doe2019", "Doe et al.", id="and-others"),
    pytest.param("conf2018", "Proceedings of the Example Policy Conference", id="no-author-is-cited-by-title"),
])
def test_narrative_citation_names_the_author(key: str, author: str) -> None:
    table, problems = resolve(part(f"[@{key}]"))
    assert problems == []
    assert [plain(m) for m in rendered_marks(f"As @{key} shows.", table)] == [f"{author} [1]"]


# --- a whole edition ---------------------------------------------------------------------------------


def edition_html(brief_fields: dict[str, object], audience: Audience | str,
                 sections: tuple[tuple[str, str], ...] = (("one", "One [@doe2019]."), ("two", "Two [@countypage]."))
                 ) -> tuple[str, CitationTable, list[str]]:
    brief = make_brief([section_id for section_id, _ in sections], **brief_fields)  # type: ignore[arg-type]
    return render_edition(brief, [make_section(section_id, body) for section_id, body in sections], audience)


@pytest.mark.parametrize("takeaways_first", [pytest.param(True, id="takeaways-first"),
                                             pytest.param(False, id="summary-first")])
def test_summary_and_takeaways_are_numbered_before_sections(takeaways_first: bool) -> None:
    audience = Audience(id="readers", location=SourceLocation(Path("a.yaml")), label="Readers",
                        key_takeaways_first=takeaways_first)
    html, table, problems = edition_html({"summary": "Summary [@moller2020].", "key_takeaways": ["Takeaway [@gao2021]."]},
                                         audience)
    assert problems == []
    front = ["gao2021", "moller2020"] if takeaways_first else ["moller2020", "gao2021"]
    assert [reference.id for reference in table.references] == [*front, "doe2019", "countypage"]
    assert reference_keys(html) == [*front, "doe2019", "countypage"]


def test_sections_are_numbered_in_manifest_order() -> None:
    _html, table, problems = edition_html({}, "press", sections=(("b-sec", "B [@gao2021]."), ("a-sec", "A [@doe2019].")))
    assert problems == []
    assert table.numbers == {"gao2021": 1, "doe2019": 2}


@pytest.mark.parametrize("takeaways_first", [pytest.param(True, id="takeaways-first"),
                                             pytest.param(False, id="summary-first")])
def test_numbers_first_appear_in_page_order(takeaways_first: bool) -> None:
    """Whatever the layout (intro, takeaways, summary, sections, call to action), a reader meets [1] first,
    then [2], and so on."""
    audience = Audience(id="readers", location=SourceLocation(Path("a.yaml")), label="Readers",
                        key_takeaways_first=takeaways_first)
    html, _table, problems = edition_html({
        "summary": "Summary [@moller2020].",
        "key_takeaways": ["Takeaway [@gao2021]."],
        "editions": {"readers": {"intro": "Intro [@nguyen2018].", "call_to_action": "Act [@conf2018]."}},
    }, audience)
    assert problems == []
    numbers = main_text_numbers(html)
    assert first_appearances(numbers) == list(range(1, len(set(numbers)) + 1)), numbers


def test_sources_list_is_in_number_order_with_back_links() -> None:
    html, _table, problems = edition_html({"summary": "Summary [@doe2019]."}, "press",
                                          sections=(("one", "One [@gao2021; @doe2019]."), ("two", "Two [@gao2021].")))
    assert problems == []
    sources = html[html.index("<ol class=\"references"):]
    entries = re.findall(r'<li id="ref-([^"]+)"><span class="ref-label">\[(\d+)\]</span>(.*?)</li>', sources)
    assert [(key, number) for key, number, _ in entries] == [("doe2019", "1"), ("gao2021", "2")]
    assert 'cited in <a href="#summary">Summary</a>, <a href="#one">§1</a>)' in entries[0][2]
    assert 'cited in <a href="#one">§1</a>, <a href="#two">§2</a>)' in entries[1][2]
    assert "<h2 id=\"sources-heading\">Sources</h2>" in html


@pytest.mark.parametrize(("audience", "expected"), [
    pytest.param("press", ["gao2021", "doe2019", "countypage"], id="reads-the-div"),
    pytest.param("county-officials", ["gao2021", "countypage"], id="div-dropped"),
])
def test_citations_in_dropped_divs_are_not_numbered(audience: str, expected: list[str]) -> None:
    body = "First [@gao2021].\n\n::: {audience=\"press\"}\nPress [@doe2019].\n:::\n\nLast [@countypage].\n"
    html, table, problems = render_edition(make_brief(["one"]), [make_section("one", body)], audience)
    assert problems == []
    assert [reference.id for reference in table.references] == expected
    assert reference_keys(html) == expected
