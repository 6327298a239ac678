"""The Word writer on its own: the logo on the first page (passed in, as the build will pass the
project's), and each HTML construct the edition body can hold → its Word construct and style
(figures and captions, nested and numbered lists, code, line breaks, links inside notes)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.citations.cite import cite_edition
from briefgen.errors import Diagnostics
from briefgen.load.project import load_project
from briefgen.render.docx import render_docx
from briefgen.render.docx_html import WordWriter
from briefgen.render.docx_styles import add_missing_styles
from briefgen.render.html import render_body
from conftest import brief_yaml, section_md


@dataclass(frozen=True)
class Logo:
    path: Path
    alt: str


def png(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    Image.new("RGB", size, (20, 60, 120)).save(path, format="PNG")
    return path


def body_of(project: Path):  # type: ignore[no-untyped-def]
    diagnostics = Diagnostics()
    loaded = load_project(project, diagnostics)
    edition = assemble_edition(loaded, loaded.briefs["b"], loaded.audiences["county-officials"], MarkdownCache(),
                               diagnostics)
    table = cite_edition(edition, loaded, diagnostics)
    body = render_body(edition, table, loaded, diagnostics)
    assert not diagnostics.has_errors, diagnostics.items
    return body


def test_logo_is_the_first_thing_on_the_first_page_with_its_alt_text(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra="organization: Example Org\n"),
                            "briefs/sections/one.md": section_md("One", "Text.\n")})
    logo = Logo(png(project / "logo.png"), "Example Org logo")
    document = docx.Document(io.BytesIO(render_docx(body_of(project), logo=logo)))
    first = document.paragraphs[0]
    assert first.text == "" and len(first._p.findall(".//" + qn("wp:inline"))) == 1  # noqa: SLF001
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "Example Org logo"  # noqa: SLF001
    assert abs(document.inline_shapes[0].height.cm - 1.6) < 0.01
    assert abs(document.inline_shapes[0].width.cm - 4.8) < 0.01  # its proportions kept
    assert document.paragraphs[1].text == "Example Org" and document.paragraphs[2].style.name == "Title"


def test_without_a_logo_the_title_block_starts_with_the_organization(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra="organization: Example Org\n"),
                            "briefs/sections/one.md": section_md("One", "Text.\n")})
    document = docx.Document(io.BytesIO(render_docx(body_of(project))))
    assert document.inline_shapes == [] or len(document.inline_shapes) == 0
    assert document.paragraphs[0].text == "Example Org"


@pytest.fixture
def written() -> tuple[docx.document.Document, WordWriter]:
    document = docx.Document()
    add_missing_styles(document)
    return document, WordWriter(document, "en")


def paragraphs(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_nested_lists_take_the_second_level_styles(written) -> None:  # type: ignore[no-untyped-def]
    document, writer = written
    writer.add_html(document, "<ul><li>one<ul><li>inner</li></ul></li><li><p>loose</p><p>more</p></li></ul>"
                              "<ol><li>a</li><li>b<ol><li>b1</li></ol></li></ol>")
    assert paragraphs(document) == [("List Bullet", "one"), ("List Bullet 2", "inner"), ("List Bullet", "loose"),
                                    ("List Bullet", "more"), ("List Number", "a"), ("List Number", "b"),
                                    ("List Number 2", "b1")]


def test_each_numbered_list_starts_again_at_one(written) -> None:  # type: ignore[no-untyped-def]
    document, writer = written
    writer.add_html(document, "<ol><li>a</li><li>b</li></ol><p>between</p><ol><li>c</li></ol>")
    ids = [p._p.pPr.numPr.numId.val if p._p.pPr is not None and p._p.pPr.numPr is not None else None  # noqa: SLF001
           for p in document.paragraphs]
    assert ids[0] == ids[1] and ids[2] is None and ids[3] not in (None, ids[0])
    numbering = document.part.numbering_part.element
    restart = [num for num in numbering.findall(qn("w:num")) if num.get(qn("w:numId")) == str(ids[3])][0]
    assert restart.find(".//" + qn("w:startOverride")).get(qn("w:val")) == "1"


def test_figure_caption_quote_code_and_breaks(written) -> None:  # type: ignore[no-untyped-def]
    document, writer = written
    image = io.BytesIO()
    Image.new("RGB", (10, 10)).save(image, format="PNG")
    import base64

    uri = "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()
    writer.add_html(document, f'<figure id="fig-a"><p><img src="{uri}" alt="A dot"></p>'
                              '<figcaption>Figure 1: A dot</figcaption></figure>'
                              "<blockquote><p>Quoted</p></blockquote><pre><code>x = 1\ny = 2</code></pre>"
                              "<p>line<br>next</p>")
    assert paragraphs(document)[1:] == [("Caption", "Figure 1: A dot"), ("Quote", "Quoted"),
                                        ("Normal", "x = 1\ny = 2"), ("Normal", "line\nnext")]
    assert document.paragraphs[0]._p.find(qn("w:bookmarkStart")).get(qn("w:name")) == "b_fig_a"  # noqa: SLF001
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "A dot"  # noqa: SLF001
    code = document.paragraphs[3].runs[0]
    assert code.font.name == "Consolas"


def test_links_to_anchors_nothing_carries_become_plain_text(written) -> None:  # type: ignore[no-untyped-def]
    document, writer = written
    writer.add_html(document, '<p id="here">Target</p><p><a href="#here">to here</a> and <a href="#gone">to nowhere</a></p>')
    writer.finish()
    links = list(document.element.body.iter(qn("w:hyperlink")))
    assert [link.get(qn("w:anchor")) for link in links] == ["b_here"]
    assert "to nowhere" in document.paragraphs[1].text


def test_external_links_in_a_footnote_are_related_to_the_footnotes_part(written) -> None:  # type: ignore[no-untyped-def]
    document, writer = written
    writer.add_html(document, '<p>Claim<span class="footnote">See <a href="https://example.org/x">this</a>.</span></p>')
    part = writer.footnotes.part
    link = next(part.element.iter(qn("w:hyperlink")))
    assert part.rels[link.get(qn("r:id"))].target_ref == "https://example.org/x"
    assert all(rel.reltype != link.get(qn("r:id")) for rel in document.part.rels.values())


@pytest.mark.pdf
def test_an_svg_picture_is_embedded_as_a_png_of_its_size(make_project) -> None:  # type: ignore[no-untyped-def]
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
           '<rect width="120" height="60" fill="#1f4e79"/></svg>')
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "![A blue bar](bar.svg)\n"),
                            "briefs/sections/bar.svg": svg})
    document = docx.Document(io.BytesIO(render_docx(body_of(project))))
    shape = document.inline_shapes[0]
    assert shape._inline.docPr.get("descr") == "A blue bar"  # noqa: SLF001
    assert round(shape.width / 9525) == 120 and round(shape.height / 9525) == 60  # CSS pixels, as on the page
    blob = next(rel.target_part.blob for rel in document.part.rels.values() if rel.reltype.endswith("/image"))
    picture = Image.open(io.BytesIO(blob))
    assert picture.format == "PNG" and picture.size == (240, 120)
    assert picture.getpixel((120, 60))[:3] == (0x1F, 0x4E, 0x79)
