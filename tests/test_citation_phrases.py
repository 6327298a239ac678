"""What an author writes around a citation key, as it prints: prefixes and suffixes with their
inline Markdown (escaped), locators with en dashes, narrative citations with more items,
``-@key``, bracketed spans, and long groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.citations.resolve import CitationPart, CitationTable, CitedPlace, iter_citations, resolve_citations
from briefgen.citations.styles import make_style
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from briefgen.markdown.parser import parse_markdown
from briefgen.model import MarkdownText
from html_safety import unsafe_markup

BIB = "\n".join(f"@misc{{{key},\n  author = {{{name}, A.}},\n  title = {{Title {key}}},\n  year = {{{year}}}\n}}"
                for key, name, year in [("a", "Alpha", 2001), ("b", "Beta", 2002), ("peña2019", "Peña", 2019)])


def parts(text: str) -> tuple[list[CitationPart], list[str]]:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 3)), diagnostics)
    return ([CitationPart(parsed.tokens, SourceLocation(Path("s.md"), 3), CitedPlace("§1", "s"))],
            [d.format() for d in diagnostics.items])


def table_for(found: list[CitationPart]) -> CitationTable:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(BIB, SourceLocation(Path("references.bib")), diagnostics)
    table = resolve_citations(found, bibliography, (), SourceLocation(Path("b.yaml"), 1), diagnostics)
    assert [d.format() for d in diagnostics.items] == []
    return table


def marks(text: str, style: str) -> list[str]:
    found, problems = parts(text)
    assert problems == []
    rendered = make_style(style, table_for(found), messages_for("en"))  # type: ignore[arg-type]
    return [str(rendered.render_citation(citation)) for citation in iter_citations(found[0].tokens)]


def plain(html: str) -> str:
    import re
    from html import unescape
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(("text", "numeric", "author_date"), [
    pytest.param("[@a, Equation 1]", "[1, Equation 1]", "(Alpha, 2001, Equation 1)", id="suffix-keeps-its-comma"),
    pytest.param("[see @a p. 334-335]", "[see 1, p. 334–335]", "(see Alpha, 2001, p. 334–335)",
                 id="locator-without-comma"),
    pytest.param("[@a, pp. 93--101]", "[1, pp. 93–101]", "(Alpha, 2001, pp. 93–101)", id="latex-range"),
    pytest.param("[@a, 12,13]", "[1, 12, 13]", "(Alpha, 2001, 12, 13)", id="page-list-spaced"),
    pytest.param("[@a, 1:12]", "[1, 1:12]", "(Alpha, 2001, 1:12)", id="colon-locator"),
    pytest.param("[@a, § 3(a)(ii)]", "[1, § 3(a)(ii)]", "(Alpha, 2001, § 3(a)(ii))", id="legal-section"),
    pytest.param("[@a, 123(4)]", "[1, 123(4)]", "(Alpha, 2001, 123(4))", id="legal-subsection"),
    pytest.param("[@a, {iv, 3}]", "[1, iv, 3]", "(Alpha, 2001, iv, 3)", id="braced-locator"),
    pytest.param("[@a, {A-2}]", "[1, A–2]", "(Alpha, 2001, A–2)", id="braced-locator-with-dash"),
    pytest.param("[@a, Chap. 3]", "[1, Chap. 3]", "(Alpha, 2001, Chap. 3)", id="capitalised-term"),
    pytest.param("[@a, art. 5]", "[1, art. 5]", "(Alpha, 2001, art. 5)", id="article-term"),
    pytest.param("[@a, pp. 33-35, and *passim*]", "[1, pp. 33–35, and passim]", "(Alpha, 2001, pp. 33–35, and passim)",
                 id="emphasis-in-suffix"),
    pytest.param("@a [p. 33; @b] says", "Alpha [1, p. 33; 2]", "Alpha (2001, p. 33; Beta, 2002)",
                 id="narrative-with-more-items"),
    pytest.param("-@a says", "[1]", "(2001)", id="suppressed-author-outside-brackets"),
    pytest.param("@peña2019 says", "Peña [1]", "Peña (2019)", id="unicode-key"),
])
def test_phrases_print_as_written(text: str, numeric: str, author_date: str) -> None:
    assert [plain(mark) for mark in marks(text, "numeric")] == [numeric]
    assert [plain(mark) for mark in marks(text, "author-date")] == [author_date]


def test_inline_markdown_in_a_prefix_and_suffix_is_rendered() -> None:
    [mark] = marks("[*see* @a, p. 4, **emphasis added**]", "author-date")
    assert "<em>see</em> Alpha" in mark
    assert "p. 4, <strong>emphasis added</strong>" in mark


@pytest.mark.parametrize("text", [
    pytest.param("[<script>alert(1)</script> @a, <img src=x onerror=alert(1)>]", id="html"),
    pytest.param("[@a, see [x](javascript:alert(1))]", id="script-link"),
    pytest.param("[@a, see [x](file:///etc/passwd)]", id="file-link"),
    pytest.param('[@a, "><b onmouseover=x>]', id="attribute-breakout"),
])
@pytest.mark.parametrize("style", ["numeric", "author-date", "notes"])
def test_prefixes_and_suffixes_are_escaped(text: str, style: str) -> None:
    [mark] = marks(text, style)
    assert unsafe_markup(mark) == []
    assert "<script" not in mark and "<img" not in mark and "<b " not in mark


def test_a_link_in_a_suffix_stays_a_link() -> None:
    [mark] = marks("[@a, see [the annex](https://example.org/annex)]", "numeric")
    assert '<a href="https://example.org/annex">the annex</a>' in mark


def test_a_narrative_citation_before_a_bracketed_link_keeps_the_link() -> None:
    found, problems = parts("@a [the report](https://example.org/r) says")
    assert problems == []
    html = parse_markdown(MarkdownText("@a [the report](https://example.org/r) says", SourceLocation(Path("s.md"), 1)),
                          Diagnostics())
    [citation] = list(iter_citations(found[0].tokens))
    assert [item.key for item in citation.items] == ["a"] and citation.items[0].suffix == ""
    assert any(token.type == "link_open" for token in html.tokens[1].children or [])


def test_a_bracketed_span_holds_a_narrative_citation() -> None:
    found, problems = parts("See [@a]{.highlight} here.")
    assert problems == []
    [citation] = list(iter_citations(found[0].tokens))
    assert citation.is_narrative and [item.key for item in citation.items] == ["a"]
    children = found[0].tokens[1].children or []
    assert [token.type for token in children] == ["text", "span_open", "citation", "span_close", "text"]
    assert children[1].attrGet("class") == "highlight"


def test_a_citation_group_longer_than_2000_characters_is_read() -> None:
    keys = "; ".join(f"see @a, p. {page}" for page in range(1, 300))
    text = f"Many pages [{keys}; @b].\n"
    assert len(keys) > 2000
    found, problems = parts(text)
    assert problems == []
    [citation] = list(iter_citations(found[0].tokens))
    assert len(citation.items) == 300
    assert citation.items[-2].locator == "299" and citation.items[-1].key == "b"


def test_an_unclosed_long_group_is_still_reported_at_its_line() -> None:
    _found, problems = parts("Fine.\n\nBroken [@a, p. 3; " + "@b; " * 600 + "\nmore text.\n")
    assert problems == ["s.md:5: this citation's '[' is never closed; add the closing ']' after the last key"]
