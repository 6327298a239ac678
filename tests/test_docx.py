"""Word editions (``build -f docx``), read back with python-docx: Word's built-in styles, real
footnotes, links to bookmarks that exist, the edition's language on every run, document
properties, a repeating table header, pictures, audience walls, byte-identical rebuilds, a
reference .docx's styles and page, and located errors for a bad one.

Each project is written in the test and built with the real CLI (Word files only: no PDF).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image

from conftest import REPO_ROOT, brief_yaml, run_cli, section_md
from test_audience_walls import SECRET_BLOCK

W_ANCHOR = qn("w:anchor")

BODY = """Intro paragraph with a [link](https://example.org/page) and a cited claim [@gao2021].

## A subsection

- first point [@moller2020]
- second point

1. step one
2. step two

> A quoted line.

| Name | Count |
|------|------:|
| North | 12 |
| South | 7 |

A footnote here.[^n]

![A red square](square.png)

[^n]: The footnote's own text.
"""

MANIFEST = brief_yaml(["one"], extra="subtitle: The subtitle\norganization: Example Org\nauthors: [Ana Analyst]\n"
                                      "summary: The summary [@doe2019].\nkey_takeaways:\n  - Take this away.\n"
                                      "editions:\n  county-officials:\n    call_to_action: Act now.\n")


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project({"briefs/b.yaml": MANIFEST, "briefs/sections/one.md": section_md("One", BODY),
                         "briefs/sections/square.png": png_bytes()})


def build(project: Path, *args: str) -> None:
    result = run_cli(["build", "-f", "docx", *args], cwd=project)
    assert result.exit_code == 0, result.output


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
                or name.endswith(".rels")}


def styles_used(document: docx.document.Document) -> set[str]:
    used = {paragraph.style.name for paragraph in document.paragraphs}
    for table in document.tables:
        for cell in table._cells:  # noqa: SLF001
            used.update(paragraph.style.name for paragraph in cell.paragraphs)
    return used


@dataclass
class Links:
    external: list[str]
    internal: list[str]
    bookmarks: set[str]


def links(path: Path) -> Links:
    document = docx.Document(str(path))
    parts = [document.part] + [rel.target_part for rel in document.part.rels.values()
                               if rel.reltype.endswith("/footnotes")]
    external, internal, bookmarks = [], [], set()
    for part in parts:
        element = part.element if hasattr(part, "element") else None
        if element is None:
            from docx.oxml import parse_xml

            element = parse_xml(part.blob)
        for link in element.iter(qn("w:hyperlink")):
            if link.get(W_ANCHOR):
                internal.append(link.get(W_ANCHOR))
            else:
                external.append(part.rels[link.get(qn("r:id"))].target_ref)
        bookmarks.update(mark.get(qn("w:name")) for mark in element.iter(qn("w:bookmarkStart")))
    return Links(external, internal, bookmarks)


def test_word_edition_uses_words_built_in_styles(project: Path) -> None:
    build(project, "-a", "county-officials")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    used = styles_used(document)
    for style in ("Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "List Number", "Quote"):
        assert style in used, (style, used)
    assert [table.style.name for table in document.tables if len(table.columns) == 2] == ["Table Grid"]
    xml = xml_parts(project / "output/b--county-officials.docx")
    assert 'w:rStyle w:val="Hyperlink"' in xml["word/document.xml"]
    assert 'w:pStyle w:val="FootnoteText"' in xml["word/footnotes.xml"]


def test_takeaways_and_call_to_action_are_bordered_one_cell_tables(project: Path) -> None:
    build(project, "-a", "county-officials")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    boxes = [table for table in document.tables if len(table.rows) == 1 and len(table.columns) == 1]
    texts = [table.cell(0, 0).text for table in boxes]
    assert any("Take this away." in text for text in texts) and any("Act now." in text for text in texts)
    for table in boxes:
        borders = table.cell(0, 0)._tc.tcPr.find(qn("w:tcBorders"))  # noqa: SLF001
        assert borders is not None and borders.find(qn("w:top")).get(qn("w:val")) == "single"


def test_table_is_a_word_table_whose_header_row_repeats(project: Path) -> None:
    build(project, "-a", "county-officials")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    table = next(table for table in document.tables if table.cell(0, 0).text == "Name")
    assert [[cell.text for cell in row.cells] for row in table.rows] == [["Name", "Count"], ["North", "12"], ["South", "7"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # noqa: SLF001
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None  # noqa: SLF001
    assert table.cell(1, 1).paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_picture_is_embedded_with_its_alt_text(project: Path) -> None:
    build(project, "-a", "county-officials")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "A red square"  # noqa: SLF001
    images = [rel.target_part.blob for rel in document.part.rels.values() if rel.reltype.endswith("/image")]
    assert images == [png_bytes()]


@pytest.mark.parametrize("style", ["numeric", "apa"])
def test_every_citation_links_to_a_bookmarked_sources_entry(project: Path, style: str) -> None:
    build(project, "-a", "county-officials", "--citation-style", style)
    found = links(project / "output/b--county-officials.docx")
    assert "https://example.org/page" in found.external
    citations = [anchor for anchor in found.internal if anchor.startswith("b_ref_")]
    assert len(citations) >= 3 and set(citations) <= found.bookmarks
    assert set(found.internal) <= found.bookmarks  # every internal link lands
    assert any(anchor == "b_one" or anchor.startswith("b_one") for anchor in found.internal)  # "cited in" → the section
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    sources = [p.text for p in document.paragraphs]
    start = sources.index("Sources")
    assert any("Government Accountability Office" in text for text in sources[start:])


def test_chicago_notes_and_markdown_footnotes_are_word_footnotes(project: Path) -> None:
    build(project, "-a", "county-officials", "--citation-style", "chicago-notes")
    xml = xml_parts(project / "output/b--county-officials.docx")
    document_xml, notes = xml["word/document.xml"], xml["word/footnotes.xml"]
    references = re.findall(r'<w:footnoteReference w:id="(\d+)"/>', document_xml)
    notes_ids = re.findall(r'<w:footnote w:id="(\d+)"', notes)
    assert references == notes_ids and len(references) == 4  # three citations and one Markdown footnote
    assert "The footnote’s own text." in notes and "Government Accountability Office" in notes
    assert "The footnote’s own text." not in document_xml
    assert "footnotes" in xml["word/_rels/document.xml.rels"]
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml" in xml["[Content_Types].xml"]
    found = links(project / "output/b--county-officials.docx")
    assert set(found.internal) <= found.bookmarks
    assert any(anchor.startswith("b_ref_") for anchor in found.internal)  # notes link to their Sources entry


def test_document_properties_and_language(project: Path) -> None:
    build(project, "-a", "county-officials")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    properties = document.core_properties
    assert properties.title == "A Test Brief"
    assert properties.author == "Ana Analyst, Example Org"
    assert properties.subject == "The summary."
    assert "County officials" in properties.keywords and properties.language == "en"
    runs = list(document.element.body.iter(qn("w:r")))
    langs = {run.find(qn("w:rPr") + "/" + qn("w:lang")).get(qn("w:val")) for run in runs
             if run.find(qn("w:t")) is not None}
    assert langs == {"en"}


@pytest.mark.slow
@pytest.mark.pdf  # the example's SVG logo goes into Word as a PNG, drawn by WeasyPrint
def test_spanish_edition_is_spanish_and_its_english_titles_are_marked_english(tmp_path: Path) -> None:
    result = run_cli(["build", "287g-costs", "-a", "community-groups-es", "-f", "docx", "-o", str(tmp_path)],
                     cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "287g-costs--community-groups-es.docx"))
    assert document.core_properties.language == "es"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "es"
    by_language: dict[str, list[str]] = {}
    for run in document.element.body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if text.strip():
            language = run.find(qn("w:rPr") + "/" + qn("w:lang")).get(qn("w:val"))
            by_language.setdefault(language, []).append(text)
    assert set(by_language) == {"es", "en"}
    assert any("Vanished Classmates" in text for text in by_language["en"])  # an English title in the Sources
    assert sum(map(len, by_language["es"])) > 5 * sum(map(len, by_language["en"]))


@pytest.mark.parametrize("audience, is_shown", [("county-officials", True), ("press", False),
                                                 ("community-groups", False)])
def test_text_walled_off_from_the_audience_is_nowhere_in_the_word_file(make_project, audience: str,
                                                                      is_shown: bool) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", SECRET_BLOCK)})
    build(project, "-a", audience)
    with zipfile.ZipFile(project / f"output/b--{audience}.docx") as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert (b"SECRET MEMO TEXT" in everything) is is_shown
    assert (b"Officials only" in everything) is is_shown
    assert b"Public note." in everything


def test_the_same_edition_gives_the_same_bytes(project: Path, tmp_path: Path) -> None:
    build(project, "-a", "county-officials", "-o", str(tmp_path / "first"))
    build(project, "-a", "county-officials", "-o", str(tmp_path / "second"))
    first = (tmp_path / "first/b--county-officials.docx").read_bytes()
    assert first == (tmp_path / "second/b--county-officials.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def make_template(path: Path, header: str = "HOUSE HEADER") -> Path:
    document = docx.Document()
    document.add_paragraph("Template body text that must not survive.")
    section = document.sections[0]
    section.left_margin = section.right_margin = Inches(2)
    section.header.paragraphs[0].text = header
    document.styles["Heading 1"].font.name = "Garamond"
    document.save(str(path))
    return path


def test_reference_docx_brings_its_styles_margins_and_header(project: Path) -> None:
    template = make_template(project / "house.docx")
    build(project, "-a", "county-officials", "--docx-template", "house.docx")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    assert document.sections[0].left_margin == Inches(2)
    assert document.sections[0].header.paragraphs[0].text == "HOUSE HEADER"
    assert document.styles["Heading 1"].font.name == "Garamond"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Template body text" not in text and "A Test Brief" in text
    assert template.exists()


def test_a_changed_template_rebuilds_the_word_edition(project: Path) -> None:
    make_template(project / "house.docx")
    build(project, "-a", "county-officials", "--docx-template", "house.docx")
    make_template(project / "house.docx", header="NEW HEADER")
    result = run_cli(["build", "-f", "docx", "-a", "county-officials", "--docx-template", "house.docx"], cwd=project)
    assert result.exit_code == 0 and "up to date" not in result.output, result.output
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    assert document.sections[0].header.paragraphs[0].text == "NEW HEADER"


@pytest.mark.parametrize("content, message", [
    pytest.param(None, "does not exist", id="missing"),
    pytest.param(b"not a zip", "is not a Word document (.docx): it is not a zip archive", id="not-a-zip"),
    pytest.param("zip", "is not a Word document (.docx): it has no [Content_Types].xml", id="zip-not-docx"),
])
def test_bad_template_is_a_located_error(project: Path, content: bytes | str | None, message: str) -> None:
    path = project / "house.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    result = run_cli(["build", "-f", "docx", "-a", "county-officials", "--docx-template", "house.docx"], cwd=project)
    assert result.exit_code == 1
    assert f"house.docx: error: Word template 'house.docx' {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "output/b--county-officials.docx").exists()


def test_styles_a_template_lacks_are_copied_with_their_numbering(project: Path) -> None:
    template = docx.Document()
    styles = template.styles.element
    for name in ("Quote", "List Bullet", "List Number", "Table Grid"):
        styles.remove(template.styles[name].element)
    template.styles["Heading 1"].font.name = "Garamond"
    template.save(str(project / "sparse.docx"))
    build(project, "-a", "county-officials", "--docx-template", "sparse.docx")
    document = docx.Document(str(project / "output/b--county-officials.docx"))
    assert {"Quote", "List Bullet", "List Number"} <= styles_used(document)
    assert document.styles["Heading 1"].font.name == "Garamond"  # the template's own style is kept
    numbering = document.part.numbering_part.element
    num_ids = {num.get(qn("w:numId")) for num in numbering.findall(qn("w:num"))}
    abstract_ids = {a.get(qn("w:abstractNumId")) for a in numbering.findall(qn("w:abstractNum"))}
    for name in ("List Bullet", "List Number"):
        num_id = document.styles[name].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
        assert num_id in num_ids
    assert {num.find(qn("w:abstractNumId")).get(qn("w:val")) for num in numbering.findall(qn("w:num"))} <= abstract_ids
    tags = [child.tag for child in numbering]
    assert tags.index(qn("w:num")) > max(i for i, tag in enumerate(tags) if tag == qn("w:abstractNum"))
