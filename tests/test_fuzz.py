"""Property tests: each parser, given arbitrary text, returns a result or records briefgen
diagnostics — never another exception, never a hang.

The strategies mix free text with the characters and fragments each syntax is made of
(``@ [ ] { } ; : - ! " \\n``, ``:::``, ``---``, ``@misc{``…) so the interesting paths are reached.
Each test is bounded by a small ``max_examples`` and a per-example deadline.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.citations.cite import cite_edition
from briefgen.citations.entries import format_entry
from briefgen.citations.resolve import check_reference
from briefgen.citations.syntax import parse_group
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from briefgen.load.latex import decode_latex
from briefgen.load.sections import load_section
from briefgen.markdown.audience_blocks import keep_audience_blocks
from briefgen.markdown.fenced_divs import MAX_DIV_DEPTH
from briefgen.markdown.parser import markdown_parser, parse_markdown
from briefgen.model import MarkdownText, Project
from briefgen.render.html import render_html
from conftest import make_brief, make_project_model, make_section
from html_safety import unsafe_markup

FUZZ = settings(max_examples=200, deadline=timedelta(seconds=3),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much])

decode_latex("{\\\"o}")  # warm up pylatexenc and markdown-it outside the deadline
markdown_parser("en")

SYNTAX_CHARACTERS = list("@[]{};:-!\"\n \\,=#%~()`<>*_|&$^'./")
FRAGMENTS = [
    # citations
    "[@", "@", "]", "[", "-@", "[-@", "@{", "}", "[see @", "; @", ", p. 4", ", pp. 3-5", ", § 2", "[@a]", "@a",
    "[@a; @b]", "user@example.org", "https://x.org/@a", "`code @a`", "\\[", "\\@", "[^1]", "[^1]: note\n",
    # markdown
    "![x](", "](", ")", "<script>", "<img src=x onerror=alert(1)>", "[l](javascript:alert(1))", "*", "**", "\n\n",
    "# ", "> ", "- ", "1. ", "    ", "```\n", "|a|b|\n|-|-|\n", "\t", "é", "\u00a0", "\ufeff", "\x00",
    # fenced divs
    ":::", "::: ", ":::\n", "::: {", '{audience="press"}', '{audience="!press county-officials"}', ".note", "#id",
    "::: note\n", '::: {audience="press"}\n', "::::\n", "{key=value}", "{#a .b c=d}", "{broken",
    # front matter / yaml
    "---\n", "...\n", "title: ", "tags: [", "audiences: ", "title: T\n", "- ", ": ", "&a ", "*a", "!!python/object ",
    "? ", "|\n", ">\n", "'", '"',
]
_fragment = st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(SYNTAX_CHARACTERS), st.text(max_size=4),
                      st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True))
syntax_text = st.lists(_fragment, max_size=60).map("".join)
any_text = st.one_of(syntax_text, st.text(max_size=300))

AUDIENCES = ("press", "county-officials", "community-groups")
FIRST_LINE = 4


def normalized(text: str) -> str:
    """What ``load.text_files.read_text`` hands on: ``\\n`` line endings only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_located(diagnostics: Diagnostics, path: Path, first: int, last: int) -> None:
    for diagnostic in diagnostics.items:
        assert diagnostic.location is not None, diagnostic
        assert diagnostic.location.path == path, diagnostic
        assert first <= diagnostic.location.line <= last or diagnostic.location.line == 0, diagnostic.format()
        assert diagnostic.message and "Traceback" not in diagnostic.message


def parse(text: str) -> tuple[list, Diagnostics, Path]:  # type: ignore[type-arg]
    path = Path("briefs/sections/s.md")
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(normalized(text), SourceLocation(path, FIRST_LINE)), diagnostics, id_prefix="s")
    return list(parsed.tokens), diagnostics, path


def walk(tokens):  # type: ignore[no-untyped-def]
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def render(tokens: list) -> str:  # type: ignore[type-arg]
    md = markdown_parser("en")
    return md.renderer.render(tokens, md.options, {"resolve_image": lambda src, line: None})


# --- citations --------------------------------------------------------------------------------------


@FUZZ
@given(any_text)
@example("[@a; @b, p. 4] and @c [p. 5] and [see @{weird key}, pp. 3-5; -@d]")
@example("[" * 300 + "@a" + "]" * 300)
@example("[@a " * 50)
def test_citation_parsing_never_crashes(text: str) -> None:
    tokens, diagnostics, path = parse(text)
    last = FIRST_LINE + normalized(text).count("\n")
    assert_located(diagnostics, path, FIRST_LINE, last)
    for token in walk(tokens):
        if token.type == "citation":
            citation = token.meta["citation"]
            assert citation.items and all(item.key for item in citation.items)
            assert FIRST_LINE <= citation.line <= last, (citation, text)
    assert unsafe_markup(render(tokens)) == []


@FUZZ
@given(syntax_text)
def test_citation_group_parser_never_crashes(text: str) -> None:
    items = parse_group(text)
    assert items is None or all(item.key for item in items)


CITING_FRAGMENTS = ["[@gao2021]", "[@moller2020, p. 4]", "@doe2019", "[see @countypage, pp. 3-5; also @nguyen2018]",
                    "[-@conf2018]", "[@gao2021; @gao2021]", "@nokey", "[@nokey, p. 1]", "[^n]", "[^n]: A note [@doe2019].\n",
                    '::: {audience="press"}\n', ":::\n", "\n\n", " "]
citing_text = st.lists(st.one_of(st.sampled_from(CITING_FRAGMENTS), _fragment), max_size=40).map("".join)


@functools.cache
def fixture_project() -> Project:
    """The fixture bibliography and built-in audiences, loaded once (sections are swapped in per example)."""
    return make_project_model([make_brief(["s"])], [make_section("s")])


def render_section(body: str, style: str, audience: str) -> tuple[str, list[str]]:
    brief = make_brief(["s"], citation_style=style, summary="Summary [@gao2021].")
    project = dataclasses.replace(fixture_project(), briefs={brief.id: brief}, sections={"s": make_section("s", body)})
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, project.audiences[audience], MarkdownCache(), diagnostics)
    table = cite_edition(edition, project, diagnostics)
    html = render_html(edition, table, project, diagnostics)
    return html, [d.format() for d in diagnostics.items]


@settings(FUZZ, max_examples=150)
@given(citing_text, st.sampled_from(["numeric", "author-date", "notes"]), st.sampled_from(AUDIENCES))
@example("A [@gao2021] B @moller2020 [p. 3] C [@doe2019, pp. 3-5; @gao2021][^n]\n\n[^n]: Note [@conf2018].\n",
         "notes", "press")
def test_edition_rendering_never_crashes(monkeypatch: pytest.MonkeyPatch, text: str, style: str, audience: str) -> None:
    """The stages after loading, on one section: assemble, number citations, render the page.

    Font subsetting (about 0.1 s per new set of characters) is irrelevant here and left out."""
    monkeypatch.setattr("briefgen.render.html.font_faces_css", lambda *args, **kwargs: "", raising=False)
    html, problems = render_section(normalized(text), style, audience)
    assert all(re.match(r"^briefs/(sections/s\.md|b\.yaml):\d+: ", problem) for problem in problems), problems
    assert unsafe_markup(html) == []


# --- fenced divs ------------------------------------------------------------------------------------

DIV_LINES = ['::: {audience="press"}', '::: {audience="!press county-officials"}', "::: note", "::: {.a #b k=v}",
             "::: {broken", ":::", "::::", ":::::: {.x} :::", "    :::", "> :::", "- :::", "text [@a]", "", "```",
             "~~~", "# heading", "::: {audience=\"\"}", "::: {audience=press}", "::: {onclick=\"x\"}"]
div_text = st.lists(st.one_of(st.sampled_from(DIV_LINES), syntax_text), max_size=40).map("\n".join)


@FUZZ
@given(div_text)
def test_fenced_div_parsing_never_crashes(text: str) -> None:
    tokens, diagnostics, path = parse(text)
    assert_located(diagnostics, path, FIRST_LINE, FIRST_LINE + normalized(text).count("\n"))
    types = [token.type for token in tokens]
    assert types.count("div_open") == types.count("div_close"), "every div that opens closes"
    for audience in AUDIENCES:
        kept = keep_audience_blocks(tokens, audience)
        kept_types = [token.type for token in kept]
        assert kept_types.count("div_open") == kept_types.count("div_close")
        assert unsafe_markup(render(kept)) == []


@settings(max_examples=60, deadline=timedelta(seconds=3))
@given(st.integers(min_value=1, max_value=3 * MAX_DIV_DEPTH), st.sampled_from(['{audience="press"}', "{.x}", "note"]))
def test_fenced_div_depth_limit(depth: int, attributes: str) -> None:
    text = "".join(f"::: {attributes}\n" for _ in range(depth)) + "Deepest.\n" + ":::\n" * depth
    tokens, diagnostics, _path = parse(text)
    messages = [d.message for d in diagnostics.errors]
    if depth > MAX_DIV_DEPTH:
        assert any(f"nested more than {MAX_DIV_DEPTH} deep" in m for m in messages), messages
        assert diagnostics.errors[0].location.line == FIRST_LINE + MAX_DIV_DEPTH  # the first div too many
    else:
        assert messages == []
        assert [t.type for t in tokens].count("div_open") == depth
        assert "Deepest." in render(tokens)


# --- front matter (load_section on a real file) --------------------------------------------------------

front_matter_text = st.builds(
    lambda opener, yaml_lines, closer, body: opener + "\n".join(yaml_lines) + closer + body,
    st.sampled_from(["---\n", "--- \n", "---\r\n", "\ufeff---\n", "", "-- \n", "---"]),
    st.lists(st.one_of(st.sampled_from(["title: T", "title: [a", "title:", "tags: [a, b]", "tags: x", "audiences: [press]",
                                        "audiences:", "  - press", "title: T\ntitle: U", "- a", "{", "? x", "&a x: *a",
                                        "!!python/object:os.system x", "titel: T", "title: 2026-02-30", "# comment"]),
                       syntax_text), max_size=8),
    st.sampled_from(["\n---\n", "\n...\n", "\n", "", "\n--- \n", "\r\n---\r\n"]),
    any_text,
)


@pytest.fixture(scope="module")
def section_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "briefs" / "sections"
    folder.mkdir(parents=True)
    return folder / "s.md"


def check_load_section(section_file: Path, data: bytes) -> None:
    section_file.write_bytes(data)
    diagnostics = Diagnostics()
    section = load_section(section_file, diagnostics)
    text = data.decode("utf-8", errors="replace")
    last = normalized(text).count("\n") + 2
    assert_located(diagnostics, section_file, 1, last)
    if section is None:
        assert diagnostics.has_errors, "a section that is not loaded says why"
    else:
        assert section.title and section.id == "s"
        assert 1 <= section.body.location.line <= last


@FUZZ
@given(st.one_of(front_matter_text, any_text))
@example("---\ntitle: T\n---\n")
@example("---\n# only a comment\n---\nBody.\n")
@example("---\ntitle: T\n---")
def test_front_matter_loader_never_crashes(section_file: Path, text: str) -> None:
    check_load_section(section_file, text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=100, deadline=timedelta(seconds=3),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.sampled_from([b"", b"---\ntitle: T\n---\n", b"\xef\xbb\xbf---\n"]))
def test_front_matter_loader_never_crashes_on_bytes(section_file: Path, data: bytes, prefix: bytes) -> None:
    check_load_section(section_file, prefix + data)


# --- the bibliography ---------------------------------------------------------------------------------

FIELD_NAMES = ["title", "author", "editor", "year", "date", "month", "day", "url", "doi", "urldate", "pages", "crossref",
               "journal", "journaltitle", "booktitle", "institution", "number", "type", "note", "shortauthor",
               "entrysubtype", "howpublished", "publisher", "address", "edition"]
FIELD_VALUES = ["{Doe, Jane and others}", "{{U.S. Government Accountability Office}}", "jan", "{2020}", "2020",
                "{10--20}", "{M{\\\"o}ller, Anna and Gar\\c{c}on, Luc}", "\"quoted {inner}\"", "{von Neumann, Jr., John}",
                "{ and }", "{and}", "{, , ,}", "{{{}}}", "{\\}", "{$x^2$}", "{100%}", "{a~b}", "{2026-02-30}", "{13}",
                "{https://example.org/~a%20b}", "{10.1000/x}", "{doi:10.1/x}", "{conf}", "{newspaper}", "{\\S 287(g)}",
                "{``q''}", "{Jr.}", "{, Jane}", "{Doe,}", "{{Org} and {Other}}", "{A and B and C and D}", "@string"]
ENTRY_TYPES = ["article", "book", "techreport", "report", "online", "misc", "inproceedings", "proceedings", "thesis",
               "phdthesis", "legislation", "jurisdiction", "unknowntype", "string", "comment", "preamble", "STRING"]
bib_value = st.one_of(st.sampled_from(FIELD_VALUES), syntax_text.map(lambda s: "{" + s + "}"), syntax_text)
bib_field = st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), st.from_regex(r"[a-z]{1,6}", fullmatch=True)), bib_value)
bib_entry = st.builds(
    lambda kind, key, fields, separator, closer: (f"@{kind}{{{key},\n"
                                                   + separator.join(f"  {name} = {value}" for name, value in fields)
                                                   + closer),
    st.sampled_from(ENTRY_TYPES), st.one_of(st.sampled_from(["a", "b", "conf", "a:b", "k-1", ""]), syntax_text),
    st.lists(bib_field, max_size=6), st.sampled_from([",\n", "\n", ", ", ",\n,"]),
    st.sampled_from(["\n}\n", "\n", "}}\n", "\n)\n", ""]),
)
bib_text = st.lists(st.one_of(bib_entry, syntax_text), max_size=5).map("\n".join)


@FUZZ
@given(st.one_of(bib_text, any_text))
@example("@misc{a, title = {" + "{" * 40 + "x" + "}" * 40 + "}}")
@example("@string{x = {X}}\n@misc{a, title = x # {y}, crossref = {a}}")
@example("@misc{a, author = {Doe, Jane, Jr., Extra}}")
@example("@misc{a, title = {T}, date = {2026-02-30}}")
@example("@online{a, title = {T}, url = {https://x.org}, urldate = {2024-02-30}}")
@example("@misc{a, title = {T}, year = {2025}, month = feb, day = {31}}")
def test_bibliography_parser_never_crashes(text: str) -> None:
    path = Path("references.bib")
    diagnostics = Diagnostics()
    text = normalized(text)
    bibliography = parse_bibliography(text, SourceLocation(path), diagnostics)
    assert_located(diagnostics, path, 1, text.count("\n") + 1)
    messages = messages_for("en")
    for key, reference in bibliography.references.items():
        assert reference.id == key
        assert 1 <= reference.location.line <= text.count("\n") + 1
        check_reference(reference, diagnostics)
        for author_date in (False, True):
            html = str(format_entry(reference, messages, author_date=author_date))
            assert unsafe_markup(html) == [], html
            assert not re.search(r"<(?!/?(?:a|cite|em|i|span)\b)", html), html
