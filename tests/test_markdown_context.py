"""markdown/context.py (what briefgen hands markdown-it, typed), markdown/tokens.py (the one token
walker) and markdown/plain.py (the one plain-text extractor)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.citations.syntax import Citation
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.context import (
    ParseContext,
    RenderContext,
    new_env,
    parse_context,
    render_context,
    render_env,
    reparse_env,
)
from briefgen.markdown.parser import ParsedMarkdown, markdown_parser, parse_markdown
from briefgen.markdown.plain import CHECKED, DESCRIBED, MEASURED, Reading, description_text, inline_text, plain_text
from briefgen.markdown.tokens import image_sources, inline_tokens_with_lines, walk_tokens
from briefgen.model import MarkdownText

SRC = Path(__file__).resolve().parent.parent / "src" / "briefgen"


def _parse(text: str, first_line: int = 10, **options: object) -> tuple[ParsedMarkdown, Diagnostics]:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), first_line)), diagnostics, **options)  # type: ignore[arg-type]
    return parsed, diagnostics


def _render(parsed: ParsedMarkdown, context: RenderContext | None = None) -> str:
    md = markdown_parser()
    env = render_env(parsed.env, context) if context else dict(parsed.env)
    return str(md.renderer.render(list(parsed.tokens), md.options, env))


# --- the parse context ---------------------------------------------------------------------------

def test_the_parse_context_carries_the_settings_and_collects_what_the_rules_find() -> None:
    parsed, diagnostics = _parse("## Costs\n\n::: {.note\nText.\n", id_prefix="sec", heading_shift=2)
    context = parse_context(parsed.env)
    assert (context.first_line, context.id_prefix, context.heading_shift) == (10, "sec", 2)
    assert {line for line, _message, _hint in context.problems} == {2}  # the unclosed div, 0-based in the text
    assert {d.location.line for d in diagnostics.items if d.location} == {12}
    assert '<h4 id="sec--costs">' in _render(parsed)


def test_the_file_line_of_a_text_line() -> None:
    assert ParseContext(first_line=7).file_line(0) == 7
    assert ParseContext(first_line=7).file_line(3) == 10


def test_a_parse_started_without_a_context_gets_the_defaults() -> None:
    env: dict[str, object] = {}
    tokens = markdown_parser().parse("## Title\n\n[@a] says.\n", env)
    context = parse_context(env)
    assert (context.first_line, context.id_prefix, context.heading_shift, context.audience) == (1, "", 1, None)
    assert context.problems == [] and context.warnings == []
    assert next(t for t in tokens if t.type == "heading_open").attrGet("id") == "title"


def test_the_footnote_plugin_gets_the_id_prefix() -> None:
    parsed, _ = _parse("Text.[^n]\n\n[^n]: A note.\n", id_prefix="costs")
    assert parsed.env["docId"] == "costs"  # markdown-it's own key, set by new_env only
    assert 'id="fnref-costs-1"' in _render(parsed) and 'id="fn-costs-1"' in _render(parsed)


def test_the_hidden_definitions_are_recorded_in_the_context() -> None:
    text = 'See [the page][p] and note.[^n]\n\n::: {audience="press"}\n[p]: https://example.org\n\n[^n]: Hidden.\n:::\n'
    parsed, diagnostics = _parse(text, audience="community-groups")
    context = parse_context(parsed.env)
    assert context.hidden_links == {"p": "press"}
    assert context.hidden_footnotes == {"n": "press"}
    assert sorted(d.location.line for d in diagnostics.items if d.location) == [10, 10]


def test_citations_render_with_the_render_context_or_as_their_keys() -> None:
    parsed, _ = _parse("As [@a; @b] shows.\n")
    assert "[@a; @b]" in _render(parsed)
    seen: list[Citation] = []

    def mark(citation: Citation) -> str:
        seen.append(citation)
        return "<sup>1</sup>"

    assert "As <sup>1</sup> shows." in _render(parsed, RenderContext(render_citation=mark))
    assert [item.key for item in seen[0].items] == ["a", "b"] and seen[0].line == 10


def test_images_resolve_through_the_render_context_with_their_line() -> None:
    parsed, _ = _parse("Intro.\n\n![A chart](chart.png)\n")
    asked: list[tuple[str, int]] = []

    def resolve(src: str, line: int) -> str | None:
        asked.append((src, line))
        return "data:image/png;base64,AAAA"

    assert '<img src="data:image/png;base64,AAAA" alt="A chart">' in _render(parsed, RenderContext(resolve_image=resolve))
    assert asked == [("chart.png", 12)]
    assert '<span class="missing-image">[A chart]</span>' in _render(parsed)


def test_a_reparse_leaves_the_original_context_and_footnotes_alone() -> None:
    parsed, _ = _parse("Text.[^n]\n\n[^n]: A note.\n")
    before = len(parsed.env["footnotes"]["list"])
    copied = reparse_env(parsed.env)
    markdown_parser().parseInline("Again.[^n] And ::: broken [@x", copied)
    parse_context(copied).problems.append((0, "found in the copy", ""))
    assert len(parsed.env["footnotes"]["list"]) == before
    assert parse_context(parsed.env).problems == []
    assert parse_context(copied) is not parse_context(parsed.env)


def test_render_context_defaults_when_absent() -> None:
    assert render_context({}) == RenderContext()
    assert render_context(render_env(new_env(ParseContext()), RenderContext(render_citation=str))).render_citation is str


def test_no_module_but_the_context_reads_env_by_key() -> None:
    pattern = re.compile(r"""env(?:\[|\.get\(|\.setdefault\(|\.pop\()\s*["']""")
    offenders = [f"{path.relative_to(SRC)}:{number}" for path in sorted(SRC.rglob("*.py"))
                 if path.name != "context.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if pattern.search(line)]
    assert offenders == []


# --- the token walker ----------------------------------------------------------------------------

def test_walk_tokens_visits_inline_children_and_image_descriptions_in_order() -> None:
    parsed, _ = _parse("A *b* ![c **d**](x.png)\n")
    kinds = [token.type for token in walk_tokens(parsed.tokens)]
    assert kinds == ["paragraph_open", "inline", "text", "em_open", "text", "em_close", "text", "image", "text",
                     "strong_open", "text", "strong_close", "text", "paragraph_close"]


def test_image_sources_in_document_order() -> None:
    parsed, _ = _parse("![a](one.png)\n\n- ![b](my%20chart.png)\n\n| x |\n|---|\n| ![c](gr%C3%A1fico.png) |\n")
    assert list(image_sources(parsed.tokens)) == ["one.png", "my%20chart.png", "gr%C3%A1fico.png"]


def test_inline_tokens_carry_their_own_line_or_their_blocks() -> None:
    parsed, _ = _parse("First line\nsecond [a link](#x) line.\n\nNext ![i](x.png)\n", first_line=5)
    lines = {token.type: line for token, line in inline_tokens_with_lines(parsed.tokens, 5)
             if token.type in ("link_open", "image")}
    assert lines == {"link_open": 6, "image": 8}
    texts = [line for token, line in inline_tokens_with_lines(parsed.tokens, 5) if token.type == "text"]
    assert texts[0] == 5 and texts[-1] == 8


# --- the plain-text extractor --------------------------------------------------------------------

SAMPLE = ("## The *2021* report\n\nCrossings grew [@gao2021] by `40%` in **Harris**.[^n] ![A chart](c.png)\n\n"
          "| County | Rate |\n|---|---|\n| Harris | 12 |\n\n```\ncode block\n```\n\n[^n]: A note [@a].\n")


@pytest.mark.parametrize(("reading", "expected"), [
    pytest.param(MEASURED, "The 2021 report\n\nCrossings grew  by  in Harris. \n\nCounty\n\nRate\n\n\n\n"
                           "Harris\n\n12\n\n\n\nA note .\n\n", id="measured"),
    pytest.param(DESCRIBED, "The 2021 report Crossings grew by 40% in Harris.  County Rate  Harris 12  code block\n",
                 id="described"),
    pytest.param(CHECKED, "The  2021  report\n\nCrossings grew   by   in  Harris .   A chart\n\nCounty\n\nRate\n\n\n\n"
                          "Harris\n\n12\n\n\n\nA note  .\n\n", id="checked"),
])
def test_each_reading_of_the_same_tokens(reading: Reading, expected: str) -> None:
    parsed, _ = _parse(SAMPLE)
    assert plain_text(parsed.tokens, reading) == expected


def test_a_citation_read_as_nothing_takes_the_space_before_it() -> None:
    parsed, _ = _parse("It grew [@a]. And [^1] more.\n\n[^1]: Note.\n")
    inline = next(token for token in parsed.tokens if token.type == "inline")
    assert inline_text(inline.children or (), Reading(citation=None)) == "It grew. And more."
    assert inline_text(inline.children or (), Reading(citation="*", cited_notes=frozenset({0}))) == "It grew *. And * more."


def test_the_description_keeps_the_quotes_and_dashes_as_typed() -> None:
    parsed, _ = _parse('He said "no" -- twice [@a], see note.[^1]\n\n[^1]: Not "this".\n')
    assert "“" in plain_text(parsed.tokens, DESCRIBED)  # the parse itself is typographic
    assert description_text(parsed.tokens, parsed.env) == 'He said "no" -- twice, see note.'
