"""Edition → a handout: one sheet (one page, or two printed back to back) for printing in bulk.

It holds the question, the key takeaways, the call to action, a QR code to the online
edition and a short list of the sources those parts cite, numbered for the handout. When
the content does not fit, the build fails with the parts to cut, longest first, each with
its file and line.

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


def render_handout_html(edition: Edition, project: Project, diagnostics: Diagnostics, is_for_pdf: bool = True) -> str:
    messages = messages_for(edition.language)
    parts = handout_parts(edition)
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
        title=edition.title, author=edition_author(edition),
        date=date.isoformat() if date else "",
        checked=messages.date(brief.checked) if brief.checked else "",
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
    return [_short_title(ref.title, 110) if keys.count(key) > 1 and title else title
            for ref, title, key in zip(references, titles, keys, strict=True)]


def _short_title(title: str, limit: int = 60) -> str:
    """A title up to its subtitle, cut at a word near ``limit`` characters."""
    main = re.split(r":\s", title, maxsplit=1)[0]
    return main if len(main) <= limit else main[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


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


def render_handout_page(edition: Edition, project: Project, diagnostics: Diagnostics) -> HandoutPage | None:
    """The handout's page, or ``None`` (with an error) when the edition has nothing to put on it."""
    parts = handout_parts(edition)
    if not parts:
        diagnostics.error(edition.brief.location, f"the handout of {edition.name} would be empty",
                          "give the brief key_takeaways (and a call_to_action for this audience)")
        return None
    sizes = tuple(HandoutPartSize(part.label, part.text.source.location, part.words) for part in parts)
    return HandoutPage(render_handout_html(edition, project, diagnostics), edition.name, sizes, project.root,
                       _root(edition))


@dataclass(frozen=True, slots=True)
class RenderedHandout:
    data: bytes
    pages: int


def lay_out_handout(page: HandoutPage, allowed_roots: list[Path], location: SourceLocation, diagnostics: Diagnostics,
                    variant: PdfVariant, date: dt.date | None, seconds: float | None = None) -> RenderedHandout | None:
    """The handout PDF, or ``None`` (with an error naming what to cut) when it is longer than one sheet."""
    from briefgen.render.pdf import render_pdf

    pdf = render_pdf(page.html, page.base_dir, allowed_roots, location, diagnostics, variant, date,
                     toc_after_pages=None, seconds=seconds, edition=f"the handout of {page.edition}")
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
