"""Edition → a handout: one sheet (one page, or two printed back to back) for printing in bulk.

It holds the question, a lead (the edition's summary, else its intro), the key takeaways,
the call to action, a QR code to the online edition and a short list of the sources those
parts cite, numbered for the handout. A standard handout is one page: when the lead would
push it onto a second, the intro takes the summary's place, and then no lead at all (a
large-print handout, two sides at 18 pt, has none). When even that does not fit, the build
fails with the parts to cut, longest first, each with its file and line.

Its page is made where the edition is rendered (:func:`render_handout_page`); it is laid out
with WeasyPrint in a PDF worker (:func:`lay_out_handout`), so it carries what that needs and
no parsed text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from markupsafe import Markup

from briefgen.citations.entries import is_web_address, reference_url, short_author
from briefgen.citations.resolve import CitationPart, CitedPlace, resolve_citations
from briefgen.citations.styles import NumericStyle, entry_anchor
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import Messages, messages_for
from briefgen.model import Edition, EditionText, PdfVariant, Project, Reference
from briefgen.render.brand import project_brand
from briefgen.render.css import style_element_text
from briefgen.render.fonts import font_faces_css
from briefgen.render.html import (
    FONTS_MARKER,
    edition_author,
    edition_date,
    fragment_renderer,
    page_css,
    template_environment,
    theme_css,
)
from briefgen.render.links import breakable_url, qr_code_svg, short_url

HANDOUT_MAX_PAGES = 2
"""One sheet: a front and, at most, a back."""

HandoutLead = Literal["summary", "intro", "none"]
"""What opens the handout under its title: the edition's summary, its intro, or nothing."""


@dataclass(frozen=True, slots=True)
class HandoutLayout:
    """One way to set the sheet: which lead opens it, and whether in the roomier type size."""

    lead: HandoutLead = "none"
    is_roomy: bool = False


@dataclass(frozen=True, slots=True)
class HandoutPart:
    label: str
    text: EditionText

    @property
    def words(self) -> int:
        return len(re.findall(r"\w+", re.sub(r"\[[^\]]*@[^\]]*\]", "", self.text.source.text)))


def handout_parts(edition: Edition) -> list[HandoutPart]:
    messages = messages_for(edition.language)
    parts = [HandoutPart(f"{messages['key_takeaways'].lower()} #{number}", text)
             for number, text in enumerate(edition.key_takeaways, start=1)]
    if edition.call_to_action is not None:
        parts.append(HandoutPart(messages["call_to_action"].lower(), edition.call_to_action))
    return parts


def _lead_text(edition: Edition, lead: HandoutLead) -> EditionText | None:
    return edition.summary if lead == "summary" else edition.intro if lead == "intro" else None


def handout_layouts(edition: Edition) -> list[HandoutLayout]:
    """The layouts to try, fullest first. A standard handout fills its one page with the
    summary when it fits, else the intro, else neither, each in the roomier type size first;
    a large-print one (two sides, already at 18 pt) opens with the takeaways."""
    if edition.audience.theme == "large-print":
        return [HandoutLayout()]
    fullest: tuple[HandoutLead, ...] = ("summary", "intro")
    leads = [lead for lead in fullest if _lead_text(edition, lead) is not None]
    return [HandoutLayout(lead, is_roomy) for lead in (*leads, "none") for is_roomy in (True, False)]


def render_handout_html(edition: Edition, project: Project, diagnostics: Diagnostics, is_for_pdf: bool = True,
                        layout: HandoutLayout = HandoutLayout()) -> str:
    messages = messages_for(edition.language)
    parts = handout_parts(edition)
    lead = layout.lead
    lead_text = _lead_text(edition, lead)
    if lead_text is not None:  # it comes first on the page, so its sources are numbered first
        parts.insert(0, HandoutPart(messages[lead], lead_text))
    # The handout numbers only what it cites; unknown keys were reported for the edition already.
    table = resolve_citations(
        [CitationPart(part.text.tokens, part.text.source.location, CitedPlace(part.label, "")) for part in parts],
        project.bibliography, (), edition.brief.location, Diagnostics())
    style = NumericStyle(table, messages)
    fragment = fragment_renderer(edition, style, project, diagnostics)
    brief = edition.brief
    sources = [{"anchor": entry_anchor(ref.id), "label": f"[{table.number(ref.id)}]", "author": short_author(ref, messages),
                "title": title, "year": ref.issued.year or ref.issued.literal or messages["no_date"],
                "url": reference_url(ref) if is_web_address(reference_url(ref)) else "",
                # The whole address, short (no https://www.) but never cut: a reader types it.
                "short_url": Markup(breakable_url(short_url(reference_url(ref), None)))}
               for ref, title in zip(table.references, _distinct_titles(table.references, messages), strict=True)]
    date = edition_date(edition)
    brand = project_brand(project, edition.audience.theme)
    page = template_environment().get_template("handout.html.j2").render(
        logo=brand.logo, logo_names=brand.logo_names, brand_css=Markup(style_element_text(brand.css)),
        edition=edition, brief=brief, audience=edition.audience, lang=edition.language, t=messages,
        title=edition.title, author=edition_author(edition), is_roomy=layout.is_roomy,
        date=date.isoformat() if date else "",
        checked=messages.date(brief.checked) if brief.checked else "",
        lead=fragment(lead_text) if lead_text is not None else "",
        lead_heading=messages[lead] if lead_text is not None else "",
        takeaways=[fragment(text) for text in edition.key_takeaways],
        call_to_action=fragment(edition.call_to_action),
        qr_code=qr_code_svg(brief.url, messages.format("qr_label", url=brief.url)) if brief.url else "",
        short_url=Markup(breakable_url(short_url(brief.url, None))) if brief.url else "",
        disclaimer=fragment(edition.disclaimer),
        sources=sources,
        fonts_marker=Markup(FONTS_MARKER),
        css=Markup(style_element_text(theme_css(edition.audience.theme) + "\n" + theme_css("handout", base=False))),
        page_css=Markup(style_element_text(page_css(edition, messages))),
    )
    fonts = font_faces_css(edition.audience.theme, page, "truetype" if is_for_pdf else "woff", brand.fonts)
    return page.replace(FONTS_MARKER, fonts, 1)


def _distinct_titles(references: Sequence[Reference], messages: Messages) -> list[str]:
    """Each source's short title, or its whole title where two sources by the same author
    would print alike; none where the title only repeats the author (a court case)."""
    titles = []
    for ref in references:
        author, title = short_author(ref, messages), _short_title(ref.title)
        if title.startswith(author) or author.startswith(title):
            title = ""
        titles.append(title)
    keys = [(short_author(ref, messages), title) for ref, title in zip(references, titles, strict=True)]
    return [_distinct_title(ref.title, title) if keys.count(key) > 1 and title else title
            for ref, title, key in zip(references, titles, keys, strict=True)]


def _short_title(title: str, limit: int = 60) -> str:
    """A title up to its subtitle, cut at a word near ``limit`` characters."""
    main = re.split(r":\s", title, maxsplit=1)[0]
    return _cut(main, limit)


def _distinct_title(title: str, short: str) -> str:
    """A title that another source's short title repeats: the short title and the first words
    of its subtitle ("Immigration Enforcement: Better Controls Needed…")."""
    return _cut(title, len(short.rstrip("…")) + 28)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True, slots=True)
class HandoutPartSize:
    """A part of the handout, measured: what to name when the handout is too long."""

    label: str
    location: SourceLocation
    words: int


@dataclass(frozen=True, slots=True)
class HandoutPage:
    """The handout's HTML page, ready to be laid out (in a PDF worker: it holds no parsed text)."""

    html: str
    edition: str
    """The edition's name (``brief--audience``)."""
    parts: tuple[HandoutPartSize, ...]
    base_dir: Path
    """The folder the page's relative addresses start from: the project's."""
    root: Path
    """The folder locations are shown relative to, when the handout is too long."""
    fallbacks: tuple[str, ...] = ()
    """The same page set tighter or with less text (a shorter lead, then none), tried in turn
    when ``html`` takes more than ``pages_wanted`` pages."""
    pages_wanted: int = 1


def render_handout_page(edition: Edition, project: Project, diagnostics: Diagnostics) -> HandoutPage | None:
    """The handout's page, or ``None`` (with an error) when the edition has nothing to put on it."""
    parts = handout_parts(edition)
    if not parts:
        diagnostics.error(edition.brief.location, f"the handout of {edition.name} would be empty",
                          "give the brief key_takeaways (and a call_to_action for this audience)")
        return None
    sizes = tuple(HandoutPartSize(part.label, part.text.source.location, part.words) for part in parts)
    pages = [render_handout_html(edition, project, diagnostics if index == 0 else Diagnostics(), layout=layout)
             for index, layout in enumerate(handout_layouts(edition))]
    wanted = HANDOUT_MAX_PAGES if edition.audience.theme == "large-print" else 1
    return HandoutPage(pages[0], edition.name, sizes, project.root, _root(edition), tuple(pages[1:]), wanted)


@dataclass(frozen=True, slots=True)
class RenderedHandout:
    data: bytes
    pages: int


def lay_out_handout(page: HandoutPage, allowed_roots: list[Path], location: SourceLocation, diagnostics: Diagnostics,
                    variant: PdfVariant, date: dt.date | None, seconds: float | None = None) -> RenderedHandout | None:
    """The handout PDF: the fullest of its pages that takes no more than ``pages_wanted`` pages,
    else the leanest; or ``None`` (with an error naming what to cut) when that is longer than
    one sheet."""
    from briefgen.render.pdf import render_pdf

    for html in (page.html, *page.fallbacks):
        found = Diagnostics()  # only the warnings of the layout kept are reported
        pdf = render_pdf(html, page.base_dir, allowed_roots, location, found, variant, date,
                         toc_after_pages=None, seconds=seconds, edition=f"the handout of {page.edition}")
        if pdf.pages <= page.pages_wanted:
            break
    diagnostics.extend(found)
    if pdf.pages > HANDOUT_MAX_PAGES:
        _report_overflow(page, pdf.pages, diagnostics)
        return None
    return RenderedHandout(pdf.data, pdf.pages)


def _report_overflow(page: HandoutPage, pages: int, diagnostics: Diagnostics) -> None:
    words = sum(part.words for part in page.parts)
    excess = max(10, math.ceil(words * (pages - HANDOUT_MAX_PAGES) / pages / 10) * 10)
    longest = sorted(page.parts, key=lambda part: part.words, reverse=True)[:3]
    listed = ", ".join(f"{part.label} ({part.location.display(page.root)}, {part.words} words)" for part in longest)
    diagnostics.error(longest[0].location, f"the handout of {page.edition} takes {pages} pages, more than one sheet "
                      f"({HANDOUT_MAX_PAGES} sides) holds",
                      f"cut about {excess} of its {words} words; the longest parts are: {listed}")


def _root(edition: Edition) -> Path:
    # the brief lives in <project>/briefs/<id>.yaml
    return edition.brief.location.path.resolve().parent.parent
