"""The parts of a Word file python-docx has no API for: footnotes, bookmarks, internal and
external hyperlinks, the styles they use, numbered lists that restart, and a byte-reproducible
zip. Each is written through python-docx's XML layer (``OxmlElement``), into the same parts.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.text.paragraph import Paragraph

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
BOX_PADDING = 144
"""Space between a box's border and its text, in twentieths of a point (0.1 inch)."""
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every member of the zip carries this date: the same edition gives the same bytes."""

def set_document_language(document: Document, language: str) -> None:
    """The edition's language as the default of every run (docDefaults) and of the Normal style."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = _child(defaults, "w:rPrDefault")
    properties = _child(run_defaults, "w:rPr")
    set_language(properties, language)


def set_language(properties: BaseOxmlElement, language: str) -> None:
    """``<w:lang w:val=... w:eastAsia? w:bidi?>`` on a run's (or a style's) properties."""
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    found: BaseOxmlElement | None = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


class Footnotes:
    """The document's footnotes part: made when the first note is added, or the template's own
    (its separators kept, its notes dropped)."""

    def __init__(self, document: Document) -> None:
        self.document_part = document.part
        self._part: XmlPart | None = None
        self.next_id = 1

    @property
    def part(self) -> XmlPart:
        if self._part is None:
            self._part = self._make_part()
        return self._part

    def _make_part(self) -> XmlPart:
        for rel in self.document_part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                old: Part = rel.target_part
                element = parse_xml(old.blob)
                for note in element.findall(qn("w:footnote")):
                    if note.get(qn("w:type")) not in ("separator", "continuationSeparator"):
                        element.remove(note)
                part = XmlPart(old.partname, FOOTNOTES_TYPE, element, old.package)
                rel._target = part  # noqa: SLF001 - python-docx has no API to replace a part
                return part
        element = parse_xml(
            f'<w:footnotes {nsdecls("w", "r")}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>')
        part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, element, self.document_part.package)
        self.document_part.relate_to(part, RT.FOOTNOTES)
        return part

    def add(self, parent: BaseOxmlElement) -> BaseOxmlElement:
        """A footnote reference at the end of ``parent`` (a paragraph, or a link in one); returns
        the note's own paragraph (Footnote Text, its number first) for the caller to fill."""
        number = self.next_id
        self.next_id += 1
        reference = OxmlElement("w:r")
        parent.append(reference)
        reference.append(_run_style("FootnoteReference"))
        mark = OxmlElement("w:footnoteReference")
        mark.set(qn("w:id"), str(number))
        reference.append(mark)
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(number))
        p = OxmlElement("w:p")
        p_pr = OxmlElement("w:pPr")
        p_style = OxmlElement("w:pStyle")
        p_style.set(qn("w:val"), "FootnoteText")
        p_pr.append(p_style)
        p.append(p_pr)
        own = OxmlElement("w:r")
        own.append(_run_style("FootnoteReference"))
        own.append(OxmlElement("w:footnoteRef"))
        p.append(own)
        space = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        text.text = " "
        space.append(text)
        p.append(space)
        note.append(p)
        self.part.element.append(note)
        return p


def _run_style(style_id: str) -> BaseOxmlElement:
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), style_id)
    properties.append(style)
    return properties


class Bookmarks:
    """Word bookmark names for the page's anchors: letters, digits and ``_``, at most 40
    characters, starting with a letter (Word drops or renames others)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.next_id = 0

    def name(self, anchor: str) -> str:
        if anchor not in self.names:
            base = ("b_" + re.sub(r"[^A-Za-z0-9_]", "_", anchor))[:36]
            name = base
            while name in self.names.values():
                name = f"{base[:32]}_{len(self.names)}"
            self.names[anchor] = name
        return self.names[anchor]

    def mark(self, paragraph_element: BaseOxmlElement, anchor: str) -> None:
        """Bookmark the whole paragraph under ``anchor``."""
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.next_id))
        start.set(qn("w:name"), self.name(anchor))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.next_id))
        self.next_id += 1
        p_pr = paragraph_element.find(qn("w:pPr"))
        index = 1 if p_pr is not None else 0
        paragraph_element.insert(index, start)
        paragraph_element.append(end)


def hyperlink(part: Part, target: str, anchor: str | None) -> BaseOxmlElement:
    """An empty ``<w:hyperlink>``: to a bookmark (``anchor``) or to an external ``target``
    (its relationship on ``part``, the document's or the footnotes' part)."""
    link = OxmlElement("w:hyperlink")
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    else:
        link.set(qn("r:id"), part.relate_to(target, RT.HYPERLINK, is_external=True))
    link.set(qn("w:history"), "1")
    return link


def restart_numbering(document: Document, paragraph: Paragraph) -> int | None:
    """A new numbering instance for a numbered list, starting at 1 (the List Number style's
    list would otherwise continue from the previous list). Returns its id, or None when the
    style has no numbering (a template may define it without one)."""
    style = paragraph.style
    num_pr = style.element.find(qn("w:pPr") + "/" + qn("w:numPr")) if style is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    abstract = None
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == num_id.get(qn("w:val")):
            abstract = num.find(qn("w:abstractNumId"))
    if abstract is None:
        return None
    new_id = max(int(num.get(qn("w:numId"))) for num in numbering.findall(qn("w:num"))) + 1
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract.get(qn("w:val"))}"/>'
                    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    numbering.append(num)
    return new_id


def set_numbering(paragraph: Paragraph, num_id: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()  # noqa: SLF001
    num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
    style = p_pr.find(qn("w:pStyle"))
    p_pr.insert(1 if style is not None else 0, num_pr)


def repeat_header_row(row_element: BaseOxmlElement) -> None:
    """The row repeats at the top of each page the table continues on."""
    _row_properties(row_element).append(OxmlElement("w:tblHeader"))


def keep_row_together(row_element: BaseOxmlElement) -> None:
    """The row is never split across pages (a box moves to the next page whole)."""
    _row_properties(row_element).insert(0, OxmlElement("w:cantSplit"))


def _row_properties(row_element: BaseOxmlElement) -> BaseOxmlElement:
    properties: BaseOxmlElement | None = row_element.find(qn("w:trPr"))
    if properties is None:
        properties = OxmlElement("w:trPr")
        row_element.insert(1 if row_element.find(qn("w:tblPrEx")) is not None else 0, properties)
    return properties


def box_borders(cell_properties: BaseOxmlElement, colour: str, fill: str) -> None:
    """A box around one cell: its borders and its shading, in the file (not in a style)."""
    borders = parse_xml(f'<w:tcBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="single" w:sz="12" w:space="0" w:color="{colour}"/>'
        for side in ("top", "left", "bottom", "right")) + "</w:tcBorders>")
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    margins = parse_xml(f'<w:tcMar {nsdecls("w")}>' + "".join(
        f'<w:{side} w:w="{BOX_PADDING}" w:type="dxa"/>' for side in ("top", "left", "bottom", "right")) + "</w:tcMar>")
    cell_properties.append(borders)
    cell_properties.append(shading)
    cell_properties.append(margins)


def reproducible_zip(data: bytes) -> bytes:
    """The same members in the same order, each with one fixed date and the same compression."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 0
            target.writestr(member, source.read(info.filename))
    return output.getvalue()
