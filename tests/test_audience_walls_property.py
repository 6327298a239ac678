"""Property: for random sections with random (nested) audience blocks, footnotes and link
reference definitions, no text from a block an audience does not read reaches that
audience's HTML or PDF, and a footnote is printed exactly when a reference to it survives.

Each paragraph, footnote and link definition carries a unique marker word (``qz7k``); a
block hidden from an audience must leave none of its markers in that audience's edition,
text, link addresses and titles included. Real renders: the HTML page as ``build`` makes
it, and for the PDF part the page laid out by WeasyPrint and read back with pypdf.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.citations.cite import cite_edition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.audience_blocks import audience_matches
from briefgen.model import Project
from briefgen.render.html import render_html
from conftest import make_brief, make_project_model, make_section

AUDIENCES = ("county-officials", "community-groups", "press")
EXPRESSIONS = ("county-officials", "press", "community-groups", "!press", "county-officials press", "!community-groups")
SECTION_PATH = Path("briefs/sections/s.md")
FIRST_LINE = 4
"""The line of the section file the body starts on (after the front matter), as in make_section."""

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Paragraph:
    marker: str
    notes: tuple[int, ...]
    links: tuple[int, ...]


@dataclass(frozen=True)
class Note:
    number: int
    marker: str


@dataclass(frozen=True)
class LinkDefinition:
    number: int
    marker: str


@dataclass(frozen=True)
class Block:
    expression: str
    items: tuple[object, ...]


@st.composite
def sections(draw: st.DrawFn) -> tuple[object, ...]:
    """A section as a tree of paragraphs, footnote and link definitions, and audience blocks."""
    counter = {"marker": 0, "note": 0, "link": 0}
    paragraphs: list[dict[str, object]] = []

    def marker() -> str:
        counter["marker"] += 1
        return f"qz{counter['marker']}k"

    def items(depth: int) -> tuple[object, ...]:
        made: list[object] = []
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["paragraph", "paragraph", "note", "link", "block"] if depth < 2
                                        else ["paragraph", "paragraph", "note", "link"]))
            if kind == "block":
                made.append(Block(draw(st.sampled_from(EXPRESSIONS)), items(depth + 1)))
            elif kind == "note":
                made.append(Note(counter["note"], marker()))
                counter["note"] += 1
            elif kind == "link":
                made.append(LinkDefinition(counter["link"], marker()))
                counter["link"] += 1
            else:
                slot: dict[str, object] = {"marker": marker()}
                paragraphs.append(slot)
                made.append(slot)
        return tuple(made)

    tree = items(0)
    for slot in paragraphs:  # references are drawn once every definition exists
        slot["notes"] = tuple(draw(st.lists(st.integers(0, counter["note"] - 1), max_size=2))) if counter["note"] else ()
        slot["links"] = tuple(draw(st.lists(st.integers(0, counter["link"] - 1), max_size=2))) if counter["link"] else ()

    def freeze(item: object) -> object:
        if isinstance(item, dict):
            return Paragraph(str(item["marker"]), item["notes"], item["links"])  # type: ignore[arg-type]
        if isinstance(item, Block):
            return Block(item.expression, tuple(freeze(child) for child in item.items))
        return item

    return tuple(freeze(item) for item in tree)


def markdown(items: tuple[object, ...]) -> str:
    parts = []
    for item in items:
        if isinstance(item, Paragraph):
            parts.append(f"Text {item.marker}." + "".join(f"[^n{n}]" for n in item.notes)
                         + "".join(f" [see][r{n}]" for n in item.links))
        elif isinstance(item, Note):
            parts.append(f"[^n{item.number}]: Note {item.marker}.")
        elif isinstance(item, LinkDefinition):
            parts.append(f'[r{item.number}]: https://{item.marker}.example/ "{item.marker}"')
        elif isinstance(item, Block):
            parts.append(f'::: {{audience="{item.expression}"}}\n' + markdown(item.items) + "\n:::")
    return "\n\n".join(parts) + "\n"


@dataclass
class Expected:
    hidden_markers: set[str] = dataclasses.field(default_factory=set)
    visible: list[object] = dataclasses.field(default_factory=list)

    def visible_of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [item for item in self.visible if isinstance(item, kind)]

    @property
    def printed_notes(self) -> set[str]:
        """Markers of the footnotes a visible paragraph refers to (and that the audience reads)."""
        referenced = {n for p in self.visible_of(Paragraph) for n in p.notes}
        return {note.marker for note in self.visible_of(Note) if note.number in referenced}

    @property
    def has_hidden_reference(self) -> bool:
        notes = {note.number for note in self.visible_of(Note)}
        links = {link.number for link in self.visible_of(LinkDefinition)}
        return any(set(p.notes) - notes or set(p.links) - links for p in self.visible_of(Paragraph))


def expected_for(items: tuple[object, ...], audience: str, expected: Expected | None = None,
                 hidden: bool = False) -> Expected:
    expected = expected or Expected()
    for item in items:
        if isinstance(item, Block):
            expected_for(item.items, audience, expected, hidden or not audience_matches(item.expression, audience))
        elif hidden:
            expected.hidden_markers.add(item.marker)  # type: ignore[attr-defined]
        else:
            expected.visible.append(item)
    return expected


@functools.cache
def fixture_project() -> Project:
    return make_project_model([make_brief(["s"])], [make_section("s")])


def render(body: str, audience: str, is_for_pdf: bool = False) -> tuple[str, Diagnostics, Project]:
    brief = make_brief(["s"])
    project = dataclasses.replace(fixture_project(), briefs={brief.id: brief}, sections={"s": make_section("s", body)})
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, project.audiences[audience], MarkdownCache(), diagnostics)
    table = cite_edition(edition, project, diagnostics)
    html = render_html(edition, table, project, diagnostics, is_for_pdf=is_for_pdf, embed_fonts=False)
    return html, diagnostics, project


PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(PROPERTY, max_examples=150)
@given(sections())
def test_no_hidden_text_reaches_an_audiences_html(tree: tuple[object, ...]) -> None:
    body = markdown(tree)
    last_line = FIRST_LINE + body.count("\n")
    for audience in AUDIENCES:
        expected = expected_for(tree, audience)
        html, diagnostics, _project = render(body, audience)
        page = html.lower()
        leaked = sorted(marker for marker in expected.hidden_markers if marker in page)
        assert leaked == [], f"{audience} reads hidden {leaked}:\n{body}"
        for note in expected.visible_of(Note):
            assert (note.marker in page) == (note.marker in expected.printed_notes), (audience, note, body)
        for paragraph in expected.visible_of(Paragraph):
            assert paragraph.marker in page
        errors = diagnostics.errors
        assert bool(errors) == expected.has_hidden_reference, ([d.format() for d in errors], audience, body)
        for error in errors:
            assert error.location is not None and error.location.path == SECTION_PATH
            assert FIRST_LINE <= error.location.line <= last_line, error.format()
            assert "is defined only inside '::: {audience=" in error.message


@settings(PROPERTY, max_examples=25)
@given(sections(), st.sampled_from(AUDIENCES))
def test_no_hidden_text_reaches_an_audiences_pdf(tmp_path_factory: pytest.TempPathFactory, tree: tuple[object, ...],
                                                 audience: str) -> None:
    from briefgen.render.pdf import render_pdf

    expected = expected_for(tree, audience)
    body = markdown(tree)
    page, diagnostics, project = render(body, audience, is_for_pdf=True)
    if diagnostics.has_errors:  # the build writes no PDF for this edition (the HTML property covers the error)
        assert expected.has_hidden_reference
        return
    pdf = render_pdf(page, project.root, [project.root], SourceLocation(Path("briefs/b.yaml"), 1), diagnostics)
    path = tmp_path_factory.mktemp("pdf") / "edition.pdf"
    path.write_bytes(pdf.data)
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages).lower()
    uris = " ".join(str(annotation.get_object().get("/A", {}).get("/URI", ""))
                    for page in reader.pages for annotation in page.get("/Annots") or [])
    for marker in expected.hidden_markers:
        assert marker not in text and marker not in uris, (audience, marker, body)
    for paragraph in expected.visible_of(Paragraph):
        assert paragraph.marker in text, (audience, paragraph.marker, text)
    for note in expected.visible_of(Note):
        assert (note.marker in text) == (note.marker in expected.printed_notes), (audience, note, body)
