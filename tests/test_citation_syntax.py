"""Pandoc citation syntax in Markdown (citations/syntax.py) → Citation records with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.citations.resolve import iter_citations
from briefgen.citations.syntax import Citation, CitationItem, parse_group
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.parser import parse_markdown
from briefgen.model import MarkdownText


def citations(text: str, first_line: int = 1) -> tuple[list[Citation], list[str]]:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), first_line)), diagnostics)
    return list(iter_citations(parsed.tokens)), [d.format() for d in diagnostics.items]


def the_citation(text: str) -> Citation:
    found, problems = citations(text)
    assert problems == []
    assert len(found) == 1, found
    return found[0]


def page(value: str, label: str = "p.", **fields: object) -> CitationItem:
    return CitationItem(**{"key": "a", "locator": value, "label": label, "locator_type": "page", **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "items", "is_narrative"), [
    pytest.param("Text [@gao2021].", (CitationItem("gao2021"),), False, id="single"),
    pytest.param("Text [@a; @b].", (CitationItem("a"), CitationItem("b")), False, id="group"),
    pytest.param("Text [@a;@b].", (CitationItem("a"), CitationItem("b")), False, id="group-without-spaces"),
    pytest.param("Text [see @a, pp. 3-5; also @b].",
                 (page("3-5", "pp.", prefix="see"), CitationItem("b", prefix="also")), False,
                 id="prefix-locator-range-and-second-prefix"),
    pytest.param("Text [@a, p. 4].", (page("4"),), False, id="page-locator"),
    pytest.param("Text [@a, 33].", (page("33", ""),), False, id="bare-number-locator"),
    pytest.param("Text [@a, chap. 2].", (CitationItem("a", locator="2", label="chap.", locator_type="chapter"),), False,
                 id="chapter-locator"),
    pytest.param("Text [@a, § 4].", (CitationItem("a", locator="4", label="§", locator_type="section"),), False,
                 id="section-sign-locator"),
    pytest.param("Text [@a, p. 33, emphasis added].", (page("33", suffix=", emphasis added"),), False,
                 id="locator-then-suffix"),
    pytest.param("Text [@a, and elsewhere].", (CitationItem("a", suffix=", and elsewhere"),), False,
                 id="suffix-only-keeps-its-comma"),
    pytest.param("Text [@a and elsewhere].", (CitationItem("a", suffix=" and elsewhere"),), False,
                 id="suffix-without-comma"),
    pytest.param("Text [@MyPaper, Equation 1].", (CitationItem("MyPaper", suffix=", Equation 1"),), False,
                 id="word-and-number-is-a-suffix"),
    pytest.param("Text [e.g., @a].", (CitationItem("a", prefix="e.g.,"),), False, id="prefix-with-punctuation"),
    pytest.param("Smith says [-@a].", (CitationItem("a", suppress_author=True),), False, id="suppress-author"),
    pytest.param("Smith says -@a.", (CitationItem("a", suppress_author=True),), False, id="suppress-author-outside-brackets"),
    pytest.param("@a says so.", (CitationItem("a"),), True, id="narrative-at-start"),
    pytest.param("As @a said.", (CitationItem("a"),), True, id="narrative-trailing-period-not-in-key"),
    pytest.param("As @a [p. 4] says.", (page("4"),), True, id="narrative-with-locator"),
    pytest.param("As @a [and others] says.", (CitationItem("a", suffix=", and others"),), True, id="narrative-with-suffix"),
    pytest.param("As @a [p. 33; @b] says.", (page("33"), CitationItem("b")), True, id="narrative-then-more-items"),
    pytest.param("As @a [@b] says.", (CitationItem("a"), CitationItem("b")), True, id="narrative-then-a-group"),
    pytest.param("As “@a” says.", (CitationItem("a"),), True, id="narrative-in-quotes"),
    pytest.param("Text [@doe:2019].", (CitationItem("doe:2019"),), False, id="key-with-colon"),
    pytest.param("Text [@{https://example.com/bib?name=x&y}, p. 3].",
                 (CitationItem("https://example.com/bib?name=x&y", locator="3", label="p.", locator_type="page"),), False,
                 id="braced-key"),
    pytest.param("Text [@Foo_bar--baz].", (CitationItem("Foo_bar", suffix="--baz"),), False,
                 id="repeated-punctuation-ends-a-key"),
    pytest.param("Text [@peña2019].", (CitationItem("peña2019"),), False, id="key-with-accent"),
    pytest.param("Text [@müller2010, p. 4].", (CitationItem("müller2010", locator="4", label="p.", locator_type="page"),),
                 False, id="key-with-umlaut"),
    pytest.param("Text [see @пункт3 p. 34-35].",
                 (CitationItem("пункт3", prefix="see", locator="34-35", label="p.", locator_type="page"),), False,
                 id="cyrillic-key-and-locator-without-comma"),
    pytest.param("As @peña2019 shows.", (CitationItem("peña2019"),), True, id="narrative-key-with-accent"),
    pytest.param("Text **[@a]**.", (CitationItem("a"),), False, id="inside-emphasis"),
    pytest.param("| x |\n|---|\n| [@a] |\n", (CitationItem("a"),), False, id="inside-table-cell"),
    pytest.param("- item [@a]\n", (CitationItem("a"),), False, id="inside-list-item"),
    pytest.param("Text [@a, p. 4\\; and more].", (page("4", suffix="\\; and more"),), False, id="escaped-semicolon"),
    pytest.param("Text [@a, p.\\ 4].", (page("4"),), False, id="non-breaking-space-after-term"),
    pytest.param("Text [*@a*].", (CitationItem("a"),), True, id="key-in-emphasis-is-narrative"),
    pytest.param("Text [see `@x` @a].", (CitationItem("a", prefix="see `@x`"),), False, id="key-in-code-is-prefix"),
    pytest.param("Text [@a, p. **32**].", (page("32"),), False, id="emphasised-locator"),
])
def test_citation_forms(text: str, items: tuple[CitationItem, ...], is_narrative: bool) -> None:
    citation = the_citation(text)
    assert citation.items == items
    assert citation.is_narrative is is_narrative


@pytest.mark.parametrize("text", [
    pytest.param("Write to jane@example.org today.", id="email"),
    pytest.param("Write to john_doe@example.org today.", id="email-with-underscore"),
    pytest.param("Write to jane+tag@example.org today.", id="email-with-plus"),
    pytest.param("Write to first.last@example.org.", id="email-with-dot"),
    pytest.param("Write to <jane@example.org>.", id="email-autolink"),
    pytest.param("Write to [help@example.org].", id="email-in-brackets"),
    pytest.param("Write to [write to help@example.org].", id="email-in-bracketed-text"),
    pytest.param("Write to (help@example.org).", id="email-in-parentheses"),
    pytest.param("mailto:jane@example.org", id="mailto"),
    pytest.param("See https://example.org/@user now.", id="url"),
    pytest.param("See (https://example.org/@user).", id="url-in-parentheses"),
    pytest.param("See www.example.org/@user now.", id="www-url"),
    pytest.param("See example.org/@user now.", id="bare-domain-path"),
    pytest.param("See https://x.org/?q=@b now.", id="url-query"),
    pytest.param("See <https://example.org/@user>.", id="url-autolink"),
    pytest.param("See [profile](https://example.org/@user).", id="url-in-link-target"),
    pytest.param("Use `[@a]` and `@b` literally.", id="code-span"),
    pytest.param("```\n[@a] and @b\n```\n", id="fenced-code"),
    pytest.param("~~~\n[@a]\n~~~\n", id="tilde-fenced-code"),
    pytest.param("    [@a] indented code\n", id="indented-code"),
    pytest.param("An escaped \\@a is text.", id="escaped-at"),
    pytest.param("A lone @ sign and @ 5.", id="lone-at"),
    pytest.param("Version 1@a is not a key.", id="digit-before-at"),
    pytest.param("[text without keys] and [x](y).", id="brackets-without-at"),
    pytest.param("[@a]: https://example.org\n", id="link-reference-definition"),
])
def test_not_citations(text: str) -> None:
    found, problems = citations(text)
    assert found == []
    assert problems == []


def test_email_next_to_a_real_citation() -> None:
    found, problems = citations("Write to jane@example.org [@b].")
    assert problems == []
    assert [[item.key for item in citation.items] for citation in found] == [["b"]]


def test_citations_keep_their_file_line() -> None:
    text = "First [@a].\n\nSecond paragraph\nwraps here @b.\n\n- list [@c]\n\n| h |\n|---|\n| [@d] |\n"
    found, problems = citations(text, first_line=5)
    assert problems == []
    assert [(citation.items[0].key, citation.line) for citation in found] == [("a", 5), ("b", 8), ("c", 10), ("d", 14)]


def test_unclosed_bracket_is_an_error_at_its_line() -> None:
    _found, problems = citations("Fine [@a].\n\nBroken [@b and\nmore text.\n", first_line=4)
    assert problems == ["s.md:6: this citation's '[' is never closed; add the closing ']' after the last key"]


@pytest.mark.parametrize("text", [
    pytest.param("[see the appendix", id="plain-bracket"),
    pytest.param("An open [ bracket with no key.", id="bracket-no-at"),
])
def test_unclosed_bracket_without_a_key_is_just_text(text: str) -> None:
    found, problems = citations(text)
    assert (found, problems) == ([], [])


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("@a", (CitationItem("a"),), id="one"),
    pytest.param("see @a, p. 3; @b", (page("3", prefix="see"), CitationItem("b")), id="two"),
    pytest.param("not a group", None, id="no-key"),
    pytest.param("@a; plain text", None, id="second-part-not-an-item"),
    pytest.param("foo@a", None, id="email-like-prefix"),
    pytest.param("@{weird key}", None, id="braced-key-with-a-space"),
])
def test_parse_group(content: str, expected: tuple[CitationItem, ...] | None) -> None:
    assert parse_group(content) == expected
