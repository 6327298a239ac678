"""Brief + audience → edition (assemble.py): which sections, which language, which audience blocks."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from briefgen.build.assemble import MarkdownCache, assemble_edition, check_audience_ids, select_sections
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.audience_blocks import audience_matches, keep_audience_blocks
from briefgen.markdown.parser import markdown_parser, parse_markdown
from briefgen.model import Audience, MarkdownText, SectionRef
from conftest import builtin_audiences, make_brief, make_project_model, make_section, without_rule

AUDIENCES = builtin_audiences()


@pytest.mark.parametrize(("expression", "audience", "expected"), [
    pytest.param("press", "press", True, id="listed"),
    pytest.param("press", "county-officials", False, id="not-listed"),
    pytest.param("county-officials press", "press", True, id="one-of-two"),
    pytest.param("  county-officials   press ", "county-officials", True, id="extra-spaces"),
    pytest.param("!community-groups", "press", True, id="negation-keeps-others"),
    pytest.param("!community-groups", "community-groups", False, id="negation-drops-named"),
    pytest.param("!press !community-groups", "county-officials", True, id="two-negations-keep-third"),
    pytest.param("!press !community-groups", "community-groups", False, id="two-negations-drop-second"),
    pytest.param("press !press", "press", False, id="negation-wins"),
    pytest.param("", "press", True, id="empty-means-everyone"),
])
def test_audience_matches(expression: str, audience: str, expected: bool) -> None:
    assert audience_matches(expression, audience) is expected


# --- fenced divs ------------------------------------------------------------------------------

DIVS = """Everyone reads this.

::: {audience="county-officials press"}
Officials and press.

::: {audience="!press"}
Officials only, nested.
:::

Officials and press, after the nested div.
:::

::: {audience="!community-groups"}
All but community groups.
:::

::: {.note}
A div without an audience is for everyone.
:::

::: {audience="community-groups"}
Community groups only.

::: {audience="press"}
Nobody: press inside community-groups.
:::
:::

Everyone again.
"""

ALL_LINES = ("Everyone reads this.", "Officials and press.", "Officials only, nested.",
             "Officials and press, after the nested div.", "All but community groups.",
             "A div without an audience is for everyone.", "Community groups only.",
             "Nobody: press inside community-groups.", "Everyone again.")


def render_for(text: str, audience_id: str) -> str:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 4)), diagnostics)
    assert diagnostics.items == []
    md = markdown_parser("en")
    return md.renderer.render(keep_audience_blocks(parsed.tokens, audience_id), md.options, dict(parsed.env))


@pytest.mark.parametrize(("audience", "kept"), [
    pytest.param("county-officials", {0, 1, 2, 3, 4, 5, 8}, id="county-officials"),
    pytest.param("press", {0, 1, 3, 4, 5, 8}, id="press-skips-nested-not-press"),
    pytest.param("community-groups", {0, 5, 6, 8}, id="community-groups"),
])
def test_fenced_divs_keep_and_drop_text_per_audience(audience: str, kept: set[int]) -> None:
    html = render_for(DIVS, audience)
    for index, line in enumerate(ALL_LINES):
        assert (line in html) is (index in kept), f"{line!r} for {audience}"


def test_fenced_divs_leave_balanced_html() -> None:
    for audience in AUDIENCES:
        html = render_for(DIVS, audience)
        assert html.count("<div") == html.count("</div>"), audience
        assert ":::" not in html


def test_audience_attribute_is_not_rendered_and_other_attributes_are() -> None:
    html = render_for('::: {audience="press" .box #facts lang="en"}\nText.\n:::\n', "press")
    assert "audience" not in html
    assert re.search(r'<div[^>]*class="box"', html)
    assert re.search(r'<div[^>]*id="facts"', html)


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("Intro.\n\n::: {audience=\"press\"}\nNever closed.\n", 6, id="top-level"),
    pytest.param("::: {audience=\"press\"}\nA\n\n::: {audience=\"!press\"}\nB\n:::\n", 4, id="outer-of-nested"),
])
def test_unclosed_div_is_an_error_at_its_opening_line(text: str, line: int) -> None:
    diagnostics = Diagnostics()
    parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 4)), diagnostics)
    assert [without_rule(d.format()) for d in diagnostics.items] == [
        f"s.md:{line}: this fenced div ('::: {{...}}') is never closed; add a line with ':::' where it ends"]


# --- section selection ---------------------------------------------------------------------------------


def selected(brief_sections: list[str | SectionRef], sections: list, audience: str | Audience,  # type: ignore[type-arg]
             **brief_fields: object) -> tuple[list[str], list[str]]:
    brief = make_brief(brief_sections, **brief_fields)  # type: ignore[arg-type]
    project = make_project_model([brief], sections)
    chosen = AUDIENCES[audience] if isinstance(audience, str) else audience
    diagnostics = Diagnostics()
    result = select_sections(project, brief, chosen, diagnostics)
    return [f"{s.id}.{s.language}" if s.language else s.id for s in result], [without_rule(d.format()) for d in diagnostics.items]


@pytest.mark.parametrize(("audience", "expected"), [
    pytest.param("press", ["all", "press-only"], id="press"),
    pytest.param("county-officials", ["all", "officials-and-groups"], id="county-officials"),
    pytest.param("community-groups", ["all", "officials-and-groups"], id="community-groups"),
])
def test_front_matter_audiences_select_sections(audience: str, expected: list[str]) -> None:
    sections = [make_section("all"), make_section("press-only", audiences=["press"]),
                make_section("officials-and-groups", audiences=["county-officials", "community-groups"]),
                make_section("nobody", audiences=[])]
    ids, problems = selected(["all", "press-only", "officials-and-groups", "nobody"], sections, audience)
    assert (ids, problems) == (expected, [])


@pytest.mark.parametrize(("audience", "expected"), [
    pytest.param("press", ["one", "two"], id="listed-in-entry"),
    pytest.param("community-groups", ["one"], id="not-listed-in-entry"),
])
def test_manifest_entry_audiences_select_sections(audience: str, expected: list[str]) -> None:
    refs: list[str | SectionRef] = ["one", SectionRef("two", SourceLocation(Path("briefs/b.yaml"), 4),
                                                      audiences=("press", "county-officials"))]
    ids, problems = selected(refs, [make_section("one"), make_section("two")], audience)
    assert (ids, problems) == (expected, [])


def test_manifest_entry_and_front_matter_must_both_allow() -> None:
    refs: list[str | SectionRef] = [SectionRef("two", SourceLocation(Path("briefs/b.yaml"), 4), audiences=("press",))]
    ids, _problems = selected(refs, [make_section("two", audiences=["county-officials"])], "press")
    assert ids == []


@pytest.mark.parametrize(("include", "exclude", "expected"), [
    pytest.param((), (), ["money", "law", "plain"], id="no-tag-filters"),
    pytest.param(("money",), (), ["money"], id="include"),
    pytest.param(("money", "law"), (), ["money", "law"], id="include-any-of"),
    pytest.param((), ("law",), ["money", "plain"], id="exclude"),
    pytest.param(("money", "law"), ("law",), ["money"], id="exclude-wins-over-include"),
])
def test_audience_tags_select_sections(include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]) -> None:
    audience = replace(AUDIENCES["press"], include_tags=include, exclude_tags=exclude)
    sections = [make_section("money", tags=["money"]), make_section("law", tags=["law", "basics"]), make_section("plain")]
    ids, problems = selected(["money", "law", "plain"], sections, audience)
    assert (ids, problems) == (expected, [])


def test_edition_sections_replace_the_list_and_extra_sections_add_to_it() -> None:
    at = SourceLocation(Path("briefs/b.yaml"), 12)
    editions = {"press": {"sections": (SectionRef("three", at), SectionRef("one", at)),
                          "extra_sections": (SectionRef("two", at),)},
                "county-officials": {"extra_sections": (SectionRef("three", at),)}}
    sections = [make_section("one"), make_section("two"), make_section("three")]
    assert selected(["one", "two"], sections, "press", editions=editions) == (["three", "one", "two"], [])
    assert selected(["one", "two"], sections, "county-officials", editions=editions) == (["one", "two", "three"], [])
    assert selected(["one", "two"], sections, "community-groups", editions=editions) == (["one", "two"], [])


def test_missing_section_is_an_error_at_the_manifest_line() -> None:
    ids, problems = selected(["one", "tow", "two"], [make_section("one"), make_section("two")], "press")
    assert ids == ["one", "two"]
    assert problems == ["briefs/b.yaml:4: no section 'tow' (looked for briefs/sections/tow.md); did you mean 'two'?"]


def test_section_listed_twice_is_an_error() -> None:
    ids, problems = selected(["one", "one"], [make_section("one")], "press")
    assert ids == ["one"]
    assert problems == ["briefs/b.yaml:4: section 'one' is listed twice for audience 'press'; remove one of the entries"]


def test_translation_is_used_for_the_audience_language() -> None:
    spanish = replace(AUDIENCES["community-groups"], id="vecinos", language="es")
    sections = [make_section("one"), make_section("one", "Texto.\n", title="Uno", language="es"), make_section("two")]
    ids, problems = selected(["one", "two"], sections, spanish)
    assert ids == ["one.es", "two"]
    assert problems == ["briefs/sections/two.md:1: warning: no 'es' translation of section 'two'; using the default text; "
                        "add briefs/sections/two.es.md"]


# --- a whole edition --------------------------------------------------------------------------------------


def test_edition_numbers_the_sections_it_keeps() -> None:
    brief = make_brief(["a", "b", "c"], summary="Summary.", key_takeaways=["One.", "Two."],
                       editions={"press": {"intro": "Hello press.", "call_to_action": "Act."}})
    project = make_project_model([brief], [make_section("a"), make_section("b", audiences=["county-officials"]),
                                           make_section("c")])
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, AUDIENCES["press"], MarkdownCache(), diagnostics)
    assert diagnostics.items == []
    assert [(s.section.id, s.number, s.anchor) for s in edition.sections] == [("a", 1, "a"), ("c", 2, "c")]
    assert edition.name == "b--press"
    assert edition.intro is not None and edition.call_to_action is not None
    assert len(edition.key_takeaways) == 2
    other = assemble_edition(project, brief, AUDIENCES["community-groups"], MarkdownCache(), diagnostics)
    assert other.intro is None and other.call_to_action is None


def test_edition_key_takeaways_override_the_brief() -> None:
    brief = make_brief(["a"], key_takeaways=["Brief one.", "Brief two."],
                       editions={"press": {"key_takeaways": ["Press only."]}})
    project = make_project_model([brief], [make_section("a")])
    diagnostics = Diagnostics()
    press = assemble_edition(project, brief, AUDIENCES["press"], MarkdownCache(), diagnostics)
    others = assemble_edition(project, brief, AUDIENCES["county-officials"], MarkdownCache(), diagnostics)
    assert [t.source.text for t in press.key_takeaways] == ["Press only."]
    assert [t.source.text for t in others.key_takeaways] == ["Brief one.", "Brief two."]


# --- audience ids named in content ---------------------------------------------------------------------------


def test_unknown_audience_ids_are_errors_where_they_are_written() -> None:
    body = "Text.\n\n::: {audience=\"press comunity-groups\"}\nX\n:::\n\n::: {audience=\"!prss\"}\nY\n:::\n"
    brief = make_brief(["a", SectionRef("b", SourceLocation(Path("briefs/b.yaml"), 9), audiences=("pres",))],
                       editions={"county-oficials": {}})
    project = make_project_model([brief], [make_section("a", body), make_section("b")])
    diagnostics = Diagnostics()
    check_audience_ids(project, diagnostics, MarkdownCache())
    assert sorted(without_rule(d.format()) for d in diagnostics.items) == sorted([
        "briefs/b.yaml:40: unknown audience 'county-oficials'; did you mean 'county-officials'?",
        "briefs/b.yaml:9: unknown audience 'pres'; did you mean 'press'?",
        "briefs/sections/a.md:6: unknown audience 'comunity-groups'; did you mean 'community-groups'?",
        "briefs/sections/a.md:10: unknown audience 'prss'; did you mean 'press'?",
    ])
