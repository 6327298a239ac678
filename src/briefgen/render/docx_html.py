"""The edition's rendered Markdown (the HTML its pages share) → Word paragraphs, lists, tables
and pictures in Word's built-in styles, with links, bookmarks and real footnotes.

The HTML is the body :func:`briefgen.render.html.render_body` made once for the HTML and PDF
editions, so the Word edition says what they say: the same audience walls, citations and notes.
Its vocabulary is small (what markdown-it and the citation styles write), and each element
maps to one Word construct; an element it does not know is read for its text.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import lxml.html
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from briefgen.render.docx_images import add_picture, data_uri_bytes
from briefgen.render.docx_parts import (
    Bookmarks,
    Footnotes,
    hyperlink,
    repeat_header_row,
    restart_numbering,
    set_language,
    set_numbering,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docx.oxml.xmlchemy import BaseOxmlElement

CODE_FONT = "Consolas"
_SPACE = re.compile(r"\s+")
_INLINE = {"a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "img", "kbd", "mark", "q", "s", "small", "span",
           "strong", "sub", "sup", "u", "var", "time", "svg"}


@dataclass(frozen=True, slots=True)
class Format:
    """How a run looks, inherited from the elements around it."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    position: str = ""
    """``superscript`` or ``subscript``"""
    language: str = ""
    link: bool = False


@dataclass(slots=True)
class Target:
    """Where inline content goes: a paragraph (or a link inside one), in a part (the document's
    or the footnotes')."""

    paragraph: Paragraph | None
    element: BaseOxmlElement
    part: Part


class WordWriter:
    """Writes HTML fragments into a Word document; one per edition."""

    def __init__(self, document: Document, language: str) -> None:
        self.document = document
        self.language = language
        self.footnotes = Footnotes(document)
        self.bookmarks = Bookmarks()
        self.links: list[tuple[BaseOxmlElement, str]] = []
        self.table_style = _first_style(document, ("Table Grid",))

    # blocks ---------------------------------------------------------------------------------

    def add_html(self, container: Any, html: str, style: str | None = None) -> None:
        """A fragment's blocks at the end of ``container`` (the document or a table cell)."""
        if not html.strip():
            return
        for item in lxml.html.fragments_fromstring(html):
            if isinstance(item, str):
                if item.strip():
                    self.run(self.target(self.paragraph(container, style)), item.strip(), Format())
            else:
                self.add_block(container, item, style)

    def add_block(self, container: Any, element: Any, style: str | None = None, level: int = 0) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("p", "dt", "dd", "address", "figcaption"):
            paragraph = self.paragraph(container, "Caption" if tag == "figcaption" else style)
            self.add_inline_children(self.target(paragraph), element, Format())
            self._anchor(paragraph, element)
            if tag == "p" and _is_only_picture(element):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif re.fullmatch(r"h[1-6]", tag):
            paragraph = self.paragraph(container, f"Heading {min(3, max(2, int(tag[1]) - 1))}")
            self.add_inline_children(self.target(paragraph), element, Format())
            self._anchor(paragraph, element)
        elif tag in ("ul", "ol"):
            self.add_list(container, element, tag == "ol", level + 1)
        elif tag == "blockquote":
            for child in _block_children(element):
                self.add_block(container, child, "Quote", level)
        elif tag == "pre":
            paragraph = self.paragraph(container, style)
            lines = element.text_content().rstrip("\n").split("\n")
            for index, line in enumerate(lines):
                run = self.run(self.target(paragraph), line, Format(code=True))
                if index < len(lines) - 1:
                    run.append(OxmlElement("w:br"))
        elif tag == "table":
            self.add_table(container, element)
        elif tag in ("img", "svg"):
            paragraph = self.paragraph(container, style)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.add_inline(self.target(paragraph), element, Format())
        elif tag == "hr" or tag in ("script", "style", "nav"):
            return
        elif tag in ("div", "section", "figure", "main", "article", "aside", "header", "footer", "dl", "details"):
            first = len(_blocks_of(container))
            for child in _block_children(element):
                self.add_block(container, child, style, level)
            self._anchor_first(container, first, element)
        elif tag:
            paragraph = self.paragraph(container, style)
            self.add_inline(self.target(paragraph), element, Format())

    def add_list(self, container: Any, element: Any, is_numbered: bool, level: int) -> None:
        name = "List Number" if is_numbered else "List Bullet"
        style = name if level == 1 else f"{name} {min(level, 3)}"
        num_id: int | None = None
        for item in element:
            if not isinstance(item.tag, str) or item.tag != "li":
                continue
            paragraph = self.paragraph(container, style)
            if is_numbered and level == 1:
                num_id = restart_numbering(self.document, paragraph) if num_id is None else num_id
                if num_id is not None:
                    set_numbering(paragraph, num_id)
            target = self.target(paragraph)
            if item.text and item.text.strip():
                self.run(target, item.text, Format())
            is_first_block = True
            for child in item:
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag in _INLINE or not tag:
                    self.add_inline(target, child, Format())
                elif tag == "p" and is_first_block:
                    self.add_inline_children(target, child, Format())
                    is_first_block = False
                elif tag in ("ul", "ol"):
                    self.add_list(container, child, tag == "ol", level + 1)
                else:
                    self.add_block(container, child, style, level)
                if child.tail and child.tail.strip():
                    self.run(target, child.tail, Format())
            self._anchor(paragraph, item)

    def add_table(self, container: Any, element: Any) -> None:
        rows = [row for row in element.iter("tr")]
        if not rows:
            return
        columns = max(len([cell for cell in row if cell.tag in ("td", "th")]) for row in rows)
        table = container.add_table(rows=len(rows), cols=max(columns, 1))
        if self.table_style is not None:
            table.style = self.table_style
        for r, row in enumerate(rows):
            is_header = row.getparent().tag == "thead" or all(cell.tag == "th" for cell in row if isinstance(cell.tag, str))
            if is_header and r == 0 or is_header and rows[r - 1].getparent().tag == "thead":
                repeat_header_row(table.rows[r]._tr)  # noqa: SLF001
            for c, cell in enumerate(cell for cell in row if cell.tag in ("td", "th")):
                paragraph = table.cell(r, c).paragraphs[0]
                self.add_inline_children(self.target(paragraph), cell, Format(bold=is_header))
                align = re.search(r"text-align:\s*(left|right|center)", cell.get("style", ""))
                if align:
                    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                                           "center": WD_ALIGN_PARAGRAPH.CENTER}[align.group(1)]
        self._anchor_table(table, element)

    # inline ---------------------------------------------------------------------------------

    def add_inline_children(self, target: Target, element: Any, fmt: Format) -> None:
        if element.text:
            self.run(target, element.text, fmt)
        for child in element:
            self.add_inline(target, child, fmt)
            if child.tail:
                self.run(target, child.tail, fmt)

    def add_inline(self, target: Target, element: Any, fmt: Format) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = set((element.get("class") or "").split()) if tag else set()
        if not tag or "note-call" in classes or "footnote-backref" in classes:
            return
        if element.get("lang"):
            fmt = dataclasses.replace(fmt, language=element.get("lang"))
        if "footnote" in classes:
            note = self.footnotes.add(target.element)
            self.add_inline_children(Target(None, note, self.footnotes.part), element, Format())
        elif tag in ("strong", "b"):
            self.add_inline_children(target, element, dataclasses.replace(fmt, bold=True))
        elif tag in ("em", "i", "cite", "var"):
            self.add_inline_children(target, element, dataclasses.replace(fmt, italic=not fmt.italic))
        elif tag in ("code", "kbd"):
            self.add_inline_children(target, element, dataclasses.replace(fmt, code=True))
        elif tag in ("del", "s"):
            self.add_inline_children(target, element, dataclasses.replace(fmt, strike=True))
        elif tag in ("sup", "sub"):
            self.add_inline_children(target, element,
                                     dataclasses.replace(fmt, position="superscript" if tag == "sup" else "subscript"))
        elif tag == "br":
            self.run(target, "", fmt).append(OxmlElement("w:br"))
        elif tag == "a" and element.get("href") and not fmt.link:
            self.add_link(target, element, fmt)
        elif tag in ("img", "svg"):
            self.add_image(target, element)
        else:
            self.add_inline_children(target, element, fmt)

    def add_link(self, target: Target, element: Any, fmt: Format) -> None:
        href = element.get("href")
        anchor = self.bookmarks.name(href[1:]) if href.startswith("#") else None
        link = hyperlink(target.part, href, anchor)
        target.element.append(link)
        if anchor is not None:
            self.links.append((link, href[1:]))
        self.add_inline_children(Target(target.paragraph, link, target.part), element,
                                 dataclasses.replace(fmt, link=True))

    def add_image(self, target: Target, element: Any) -> None:
        if target.paragraph is None:
            return  # no pictures in footnotes
        if element.tag == "svg":
            picture: tuple[str, bytes] | None = ("image/svg+xml", etree.tostring(element))
        else:
            picture = data_uri_bytes(element.get("src") or "")
        if picture is not None and picture[0] in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
            add_picture(target.paragraph, picture[0], picture[1], element.get("alt") or element.get("aria-label") or "")
        elif element.get("alt"):
            self.run(target, element.get("alt"), Format(italic=True))

    def run(self, target: Target, text: str, fmt: Format) -> BaseOxmlElement:
        """A run of ``text`` (white space collapsed as a browser does) in ``fmt``."""
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        if fmt.link:
            _append(properties, "w:rStyle", "Hyperlink")
        if fmt.code:
            fonts = OxmlElement("w:rFonts")
            for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attribute), CODE_FONT)
            properties.append(fonts)
        if fmt.bold:
            properties.append(OxmlElement("w:b"))
        if fmt.italic:
            properties.append(OxmlElement("w:i"))
        if fmt.strike:
            properties.append(OxmlElement("w:strike"))
        if fmt.position:
            _append(properties, "w:vertAlign", fmt.position)
        set_language(properties, fmt.language or self.language)
        run.append(properties)
        if text:
            node = OxmlElement("w:t")
            node.text = _SPACE.sub(" ", text)
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(node)
        target.element.append(run)
        return run

    # structure ------------------------------------------------------------------------------

    def paragraph(self, container: Any, style: str | None) -> Paragraph:
        paragraphs = container.paragraphs if not hasattr(container, "add_section") else []
        if len(paragraphs) == 1 and not paragraphs[0].text and len(container._element) <= 2 and \
                not paragraphs[0]._p.findall(qn("w:r")):  # noqa: SLF001 - a new table cell's empty paragraph
            paragraph: Paragraph = paragraphs[0]
            if style:
                paragraph.style = style
            return paragraph
        added: Paragraph = container.add_paragraph(style=style)
        return added

    def target(self, paragraph: Paragraph) -> Target:
        return Target(paragraph, paragraph._p, paragraph.part)  # noqa: SLF001

    def _anchor(self, paragraph: Paragraph, element: Any) -> None:
        if element.get("id"):
            self.bookmarks.mark(paragraph._p, element.get("id"))  # noqa: SLF001

    def _anchor_first(self, container: Any, first: int, element: Any) -> None:
        """A block's id on the first paragraph it made."""
        if not element.get("id"):
            return
        for child in _blocks_of(container)[first:]:
            paragraph = child if child.tag == qn("w:p") else next(child.iter(qn("w:p")), None)
            if paragraph is not None:
                self.bookmarks.mark(paragraph, element.get("id"))
                return

    def _anchor_table(self, table: Any, element: Any) -> None:
        if element.get("id"):
            self.bookmarks.mark(table.cell(0, 0).paragraphs[0]._p, element.get("id"))  # noqa: SLF001

    def finish(self) -> None:
        """Links to anchors that no paragraph carries become plain text (their runs stay)."""
        marked = set(self.bookmarks.names[anchor] for anchor in self._marked())
        for link, anchor in self.links:
            if self.bookmarks.name(anchor) not in marked:
                parent = link.getparent()
                index = parent.index(link)
                for run in list(link):
                    _remove_link_style(run)
                    parent.insert(index, run)
                    index += 1
                parent.remove(link)

    def _marked(self) -> set[str]:
        names: set[str] = set()
        for part in (self.document.part,) + ((self.footnotes.part,) if self.footnotes._part is not None else ()):  # noqa: SLF001
            names.update(start.get(qn("w:name")) for start in part.element.iter(qn("w:bookmarkStart")))
        return {anchor for anchor, name in self.bookmarks.names.items() if name in names}


def _blocks_of(container: Any) -> list[BaseOxmlElement]:
    """A container's paragraphs and tables (of the body, or of a cell), in order."""
    element = container.element.body if hasattr(container, "add_section") else container._tc  # noqa: SLF001
    return [child for child in element if child.tag in (qn("w:p"), qn("w:tbl"))]


def _append(properties: BaseOxmlElement, tag: str, value: str) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    properties.append(element)


def _remove_link_style(run: BaseOxmlElement) -> None:
    for style in run.iter(qn("w:rStyle")):
        if style.get(qn("w:val")) == "Hyperlink":
            style.getparent().remove(style)


def _block_children(element: Any) -> list[Any]:
    """An element's blocks; loose text and inline elements beside them make a paragraph."""
    blocks: list[Any] = []
    loose: list[Any] = []

    def flush() -> None:
        if loose and any(isinstance(item, str) and item.strip() or not isinstance(item, str) for item in loose):
            paragraph = lxml.html.Element("p")
            for item in loose:
                if isinstance(item, str):
                    if len(paragraph):
                        paragraph[-1].tail = (paragraph[-1].tail or "") + item
                    else:
                        paragraph.text = (paragraph.text or "") + item
                else:
                    paragraph.append(item)
            blocks.append(paragraph)
        loose.clear()

    if element.text:
        loose.append(element.text)
    for child in list(element):
        tail = child.tail
        if isinstance(child.tag, str) and child.tag not in _INLINE:
            flush()
            blocks.append(child)
            if tail:
                loose.append(tail)
        else:
            child.tail = None
            loose.append(child)
            if tail:
                loose.append(tail)
    flush()
    return blocks


def _is_only_picture(element: Any) -> bool:
    return not (element.text or "").strip() and len(element) == 1 and element[0].tag in ("img", "svg") and \
        not (element[0].tail or "").strip()


def _first_style(document: Document, names: tuple[str, ...]) -> str | None:
    present = {style.name for style in document.styles}
    return next((name for name in names if name in present), None)
