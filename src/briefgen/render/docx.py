"""Render Word: an edition as a .docx a communications office can open, edit and restyle.

Made with python-docx from the edition's rendered body (the HTML its HTML and PDF editions
share), in Word's built-in styles (Title, Subtitle, Heading 1–3, List Bullet/Number, Quote,
Caption, Footnote Text, Hyperlink, Table Grid), so a house template restyles the whole brief.
Key takeaways and the call to action are one-cell tables with a border: a box that survives
editing. Chicago notes and Markdown footnotes are real Word footnotes; each citation links to
its Sources entry through a bookmark. A reference document (pandoc's ``--reference-doc``
convention) brings its styles, page size, margins, headers and footers; without one, python-docx's
default template is used with the audience's paper. The zip is written with fixed dates, so
the same edition gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import docx
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Mm, Pt
from markupsafe import Markup

from briefgen.i18n import messages_for
from briefgen.render.docx_html import Format, WordWriter
from briefgen.render.docx_images import add_picture
from briefgen.render.docx_parts import (
    box_borders,
    keep_row_together,
    reproducible_zip,
    set_document_language,
)
from briefgen.render.docx_styles import add_missing_styles
from briefgen.render.html import (
    edition_author,
    edition_date,
    edition_description,
    edition_keywords,
    footnotes_at_page_foot,
    further_question_href,
)

if TYPE_CHECKING:
    from docx.document import Document

    from briefgen.render.html import EditionBody

LOGO_HEIGHT = Cm(1.6)
SUBJECT_LIMIT = 250
"""Word keeps at most 255 characters in a document property."""
TAKEAWAYS_BOX = ("1F4E79", "EEF3F8")
"""Border and fill of the key takeaways box."""
ACTION_BOX = ("7A4A00", "FFF6E5")
"""Border and fill of the call-to-action box."""
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".svg": "image/svg+xml"}


class LogoImage(Protocol):
    """The organization's logo: a file inside the project and its alt text."""

    @property
    def path(self) -> Path: ...

    @property
    def alt(self) -> str: ...




def render_docx(body: EditionBody, logo: LogoImage | None = None, reference_doc: Path | None = None) -> bytes:
    """The edition as the bytes of a .docx: ``logo`` on the first page, the styles, page and
    headers of ``reference_doc`` when given (check it first with :func:`check_reference_doc`)."""
    edition = body.edition
    document = docx.Document(str(reference_doc)) if reference_doc is not None else docx.Document()
    _clear_body(document)
    if reference_doc is None:
        _set_page(document, edition.audience.paper, edition.audience.theme == "large-print")
    add_missing_styles(document)
    set_document_language(document, edition.language)
    _set_properties(document, body)
    writer = WordWriter(document, edition.language)
    _write_title_block(document, writer, body, logo)
    _write_body(document, writer, body)
    writer.finish()
    output = io.BytesIO()
    document.save(output)
    return reproducible_zip(output.getvalue())


def _clear_body(document: Document) -> None:
    """The template's text goes; its last section properties (page, margins, headers) stay."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_page(document: Document, paper: str, is_large_print: bool) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(210), Mm(297)) if paper == "a4" else (Inches(8.5), Inches(11))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    if is_large_print:
        document.styles["Normal"].font.size = Pt(14)


def _set_properties(document: Document, body: EditionBody) -> None:
    edition = body.edition
    properties = document.core_properties
    properties.title = edition.title
    properties.subject = edition_description(edition, limit=SUBJECT_LIMIT)
    properties.author = edition_author(edition)
    properties.keywords = ", ".join(edition_keywords(edition))
    properties.language = edition.language
    properties.category = edition.audience.label
    properties.comments = ""
    properties.last_modified_by = ""
    properties.revision = 1
    date = edition_date(edition)
    moment = dt.datetime.combine(date, dt.time(), dt.UTC) if date else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    properties.created = properties.modified = moment
    properties.last_printed = moment


def _write_title_block(document: Document, writer: WordWriter, body: EditionBody, logo: LogoImage | None) -> None:
    edition, brief = body.edition, body.edition.brief
    messages = messages_for(edition.language)
    if logo is not None:
        paragraph = document.add_paragraph()
        media_type = LOGO_TYPES.get(logo.path.suffix.lower(), "image/png")
        add_picture(paragraph, media_type, logo.path.read_bytes(), logo.alt, height=LOGO_HEIGHT)
    if brief.organization:
        writer.add_html(document, f"<p><strong>{Markup.escape(brief.organization)}</strong></p>")
    _styled_text(document, writer, edition.title, "Title")
    if edition.subtitle:
        _styled_text(document, writer, edition.subtitle, "Subtitle")
    meta = []
    if brief.checked:
        meta.append(messages.format("checked_on", date=messages.date(brief.checked)))
    meta.append(messages.format("edition_for", audience=edition.audience.label))
    if brief.authors:
        meta.append(f"{messages['by']} {', '.join(brief.authors)}")
    writer.add_html(document, f"<p><em>{Markup.escape(' · '.join(meta))}</em></p>")
    if brief.url:
        writer.add_html(document, Markup('<p>{}: <a href="{}">{}</a></p>').format(
            messages["read_online"], brief.url, brief.url))
    if body.fragments.get("disclaimer"):
        label = Markup("<strong>{}:</strong> ").format(messages["disclaimer"])
        writer.add_html(document, f"<div>{label}{_inline_html(body.fragments['disclaimer'])}</div>", "Quote")


def _write_body(document: Document, writer: WordWriter, body: EditionBody) -> None:
    edition, html = body.edition, body.fragments
    messages = messages_for(edition.language)
    takeaways = [html[f"takeaway-{i}"] for i in range(len(edition.key_takeaways))]
    _section(document, writer, messages["intro"], "intro", html.get("intro", ""))
    if takeaways and edition.audience.key_takeaways_first:
        _takeaways(document, writer, messages["key_takeaways"], takeaways)
    _section(document, writer, messages["summary"], "summary", html.get("summary", ""))
    if takeaways and not edition.audience.key_takeaways_first:
        _takeaways(document, writer, messages["key_takeaways"], takeaways)
    for section in edition.sections:
        _section(document, writer, f"{section.number}. {section.section.title}", section.anchor,
                 html[f"section-{section.number}"])
    if html.get("call_to_action"):
        cell = _box(document, ACTION_BOX)
        writer.add_html(cell, f'<h2 id="call-to-action">{Markup.escape(messages["call_to_action"])}</h2>')
        cell.paragraphs[-1].style = "Heading 1"
        cell.paragraphs[-1].paragraph_format.space_before = Pt(0)
        writer.add_html(cell, footnotes_at_page_foot(str(html["call_to_action"])))
    if edition.further_questions:
        items = [Markup('<li><a href="{}">{}</a></li>').format(href, q.question) if href
                 else Markup("<li>{}</li>").format(q.question)
                 for q in edition.further_questions
                 for href in [further_question_href(q, edition, body.project, is_for_pdf=True)]]
        _section(document, writer, messages["further_questions"], "further-questions", "<ul>" + "".join(items) + "</ul>")
    if body.references:
        _sources(document, writer, messages["sources"], messages["cited_in"], body)


def _section(document: Document, writer: WordWriter, title: str, anchor: str, html: str) -> None:
    if not str(html).strip():
        return
    heading = document.add_paragraph(style="Heading 1")
    writer.run(writer.target(heading), title, Format())
    writer.bookmarks.mark(heading._p, anchor)  # noqa: SLF001
    writer.add_html(document, footnotes_at_page_foot(str(html)))


def _takeaways(document: Document, writer: WordWriter, title: str, takeaways: list[Markup]) -> None:
    cell = _box(document, TAKEAWAYS_BOX)
    writer.add_html(cell, f'<h2 id="key-takeaways">{Markup.escape(title)}</h2>')
    cell.paragraphs[-1].style = "Heading 2"
    cell.paragraphs[-1].paragraph_format.space_before = Pt(0)
    items = "".join(f"<li>{_inline_html(t)}</li>" for t in takeaways)
    writer.add_html(cell, footnotes_at_page_foot(f"<ul>{items}</ul>"))


def _box(document: Document, colours: tuple[str, str]) -> Any:
    """A one-cell table as wide as the text, bordered and shaded: its content stays inside when
    edited, and a template's table styles leave its own border alone."""
    table = document.add_table(rows=1, cols=1)
    table.autofit = False
    cell = table.cell(0, 0)
    box_borders(cell._tc.get_or_add_tcPr(), *colours)  # noqa: SLF001
    keep_row_together(table.rows[0]._tr)  # noqa: SLF001
    document.add_paragraph()  # Word joins tables that touch; a box stands apart
    return cell


def _sources(document: Document, writer: WordWriter, title: str, cited_in: str, body: EditionBody) -> None:
    heading = document.add_paragraph(style="Heading 1")
    writer.run(writer.target(heading), title, Format())
    writer.bookmarks.mark(heading._p, "sources")  # noqa: SLF001
    for entry in body.references:
        places = Markup(", ").join(Markup('<a href="#{}">{}</a>').format(p.anchor, p.label) for p in entry.cited_in)
        label = Markup("{} ").format(entry.label) if entry.label else Markup("")
        back = Markup(" ({} {})").format(cited_in, places) if entry.cited_in else Markup("")
        writer.add_html(document, Markup('<p id="{}">{}{}{}</p>').format(entry.anchor, label, entry.html, back))
        if body.citation_style != "numeric":  # a hanging indent, as in the printed Sources
            document.paragraphs[-1].paragraph_format.left_indent = Cm(0.75)
            document.paragraphs[-1].paragraph_format.first_line_indent = Cm(-0.75)


def _inline_html(html: str) -> str:
    """A one-paragraph fragment's inside (a takeaway is one paragraph)."""
    text = str(html).strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        return text[3:-4]
    return text


def _styled_text(document: Document, writer: WordWriter, text: str, style: str) -> None:
    """A paragraph of plain ``text`` in ``style`` (its runs in the edition's language)."""
    paragraph = document.add_paragraph(style=style)
    writer.run(writer.target(paragraph), text, Format())
