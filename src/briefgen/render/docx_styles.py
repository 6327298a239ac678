"""The Word styles a Word edition uses, present in every document it is written into.

A house template keeps its own definition of each style it has. A style it lacks (pandoc's
reference.docx has no List Bullet or Quote; a template saved from LibreOffice may have few)
is copied from python-docx's default template, with the styles it is based on and, for a list
style, its numbering; Hyperlink and the footnote styles, which that template lacks too, are
Word's own definitions written out here.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.styles import BabelFish

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.xmlchemy import BaseOxmlElement

WORD_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2",
               "List Bullet 3", "List Number", "List Number 2", "List Number 3", "Quote", "Caption", "Table Grid")
"""The built-in styles the Word writer gives paragraphs and tables."""

_WRITTEN_OUT = {
    "Hyperlink": ('<w:style w:type="character" w:styleId="Hyperlink" {ns}><w:name w:val="Hyperlink"/>'
                  '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                  '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'),
    "footnote text": ('<w:style w:type="paragraph" w:styleId="FootnoteText" {ns}><w:name w:val="footnote text"/>'
                      '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                      '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                      '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'),
    "footnote reference": ('<w:style w:type="character" w:styleId="FootnoteReference" {ns}>'
                           '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
                           '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:vertAlign w:val="superscript"/>'
                           '</w:rPr></w:style>'),
}
"""Word's own definitions (by their names in styles.xml, as Word writes them)."""


@lru_cache(maxsize=1)
def _default_template() -> Document:
    return docx.Document()


def add_missing_styles(document: Document) -> None:
    """Every style the writer uses, in ``document``: its own when it has it, else a copy."""
    styles = document.styles.element
    _name_built_in_styles_as_word_does(styles)
    for name, xml in _WRITTEN_OUT.items():
        if _find(styles, "w:name", name) is None:
            styles.append(parse_xml(xml.format(ns=nsdecls("w"))))
    source = _default_template()
    for name in WORD_STYLES:
        if _find(styles, "w:name", name) is None:
            original = _find(source.styles.element, "w:name", name)
            if original is not None:
                _copy_style(document, source, original)


def _name_built_in_styles_as_word_does(styles: BaseOxmlElement) -> None:
    """Word stores built-in style names in lower case ("caption", "heading 1") and matches them
    in any case; some templates (pandoc's reference.docx) write "Caption". python-docx looks names
    up exactly, so such a style is renamed to Word's own spelling of it."""
    for style in styles.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        written = name.get(qn("w:val")) if name is not None else None
        if written and BabelFish.ui2internal(written) != written:
            name.set(qn("w:val"), BabelFish.ui2internal(written))


def _find(styles: BaseOxmlElement, attribute: str, value: str) -> Any:
    """The style whose name (``w:name``, in any case) or id (``w:styleId``) is ``value``, or None."""
    for style in styles.findall(qn("w:style")):
        if attribute == "w:styleId":
            if style.get(qn("w:styleId")) == value:
                return style
            continue
        name = style.find(qn("w:name"))
        if name is not None and (name.get(qn("w:val")) or "").lower() == value.lower():  # Word writes "heading 1"
            return style
    return None


def _copy_style(document: Document, source: Document, original: BaseOxmlElement) -> None:
    styles = document.styles.element
    style = copy.deepcopy(original)
    for link in style.findall(qn("w:link")):
        style.remove(link)
    styles.append(style)
    based_on = style.find(qn("w:basedOn"))
    if based_on is not None and _find(styles, "w:styleId", based_on.get(qn("w:val"))) is None:
        parent = _find(source.styles.element, "w:styleId", based_on.get(qn("w:val")))
        if parent is not None:
            _copy_style(document, source, parent)
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is not None:
        num_id.set(qn("w:val"), str(_copy_numbering(document, source, num_id.get(qn("w:val")))))


def _copy_numbering(document: Document, source: Document, num_id: str) -> int:
    """A list style's numbering, copied under new ids; returns the new numbering id."""
    theirs = source.part.numbering_part.element
    ours = document.part.numbering_part.element
    num = next(n for n in theirs.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = copy.deepcopy(next(a for a in theirs.findall(qn("w:abstractNum"))
                                  if a.get(qn("w:abstractNumId")) == abstract_id))
    new_abstract = 1 + max((int(a.get(qn("w:abstractNumId"))) for a in ours.findall(qn("w:abstractNum"))), default=-1)
    new_num = 1 + max((int(n.get(qn("w:numId"))) for n in ours.findall(qn("w:num"))), default=0)
    abstract.set(qn("w:abstractNumId"), str(new_abstract))
    for unique in abstract.findall(qn("w:nsid")) + abstract.findall(qn("w:tmpl")):
        abstract.remove(unique)
    existing = ours.findall(qn("w:abstractNum"))
    if existing:  # every abstractNum comes before the first num
        existing[-1].addnext(abstract)
    else:
        ours.insert(0, abstract)
    ours.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{new_num}"><w:abstractNumId w:val="{new_abstract}"/></w:num>'))
    return new_num
