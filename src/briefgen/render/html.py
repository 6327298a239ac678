"""Edition → one self-contained HTML page (CSS inlined, images embedded).

The same page is the shareable HTML edition and the input of the PDF renderer, so the
two editions always say the same thing.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from briefgen.citations.resolve import CitationPart, CitationTable, CitedPlace, resolve_citations
from briefgen.citations.styles import NumericStyle, entry_anchor
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import Messages, messages_for
from briefgen.markdown.parser import markdown_parser
from briefgen.model import Edition, EditionText, Project
from briefgen.render.fonts import font_faces_css
from briefgen.render.links import qr_code_svg, short_url, shorten_printed_urls

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("briefgen", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=8)
def theme_css(theme: str, base: bool = True) -> str:
    folder = resources.files("briefgen") / "themes"
    css = (folder / f"{theme}.css").read_text(encoding="utf-8")
    return (folder / "base.css").read_text(encoding="utf-8") + "\n" + css if base else css


def cite_edition(edition: Edition, project: Project, diagnostics: Diagnostics) -> CitationTable:
    """Number the citations of the edition in reading order."""
    messages = messages_for(edition.language)
    parts = []
    front = [(edition.intro, messages["intro"], "intro"), (edition.summary, messages["summary"], "summary")]
    front += [(takeaway, messages["key_takeaways"], "key-takeaways") for takeaway in edition.key_takeaways]
    if edition.audience.key_takeaways_first:
        front = front[-len(edition.key_takeaways):] + front[:-len(edition.key_takeaways)] if edition.key_takeaways else front
    for text, label, anchor in front:
        if text is not None:
            parts.append(CitationPart(text.tokens, text.source.location, CitedPlace(label, anchor)))
    for section in edition.sections:
        parts.append(CitationPart(section.text.tokens, section.text.source.location,
                                  CitedPlace(f"§{section.number}", section.anchor)))
    if edition.call_to_action is not None:
        parts.append(CitationPart(edition.call_to_action.tokens, edition.call_to_action.source.location,
                                  CitedPlace(messages["call_to_action"], "call-to-action")))
    return resolve_citations(parts, project.bibliography, edition.brief.nocite, edition.brief.location, diagnostics)


FONTS_MARKER = "/* briefgen: fonts */"


def render_html(edition: Edition, table: CitationTable, project: Project, diagnostics: Diagnostics,
                is_for_pdf: bool = False) -> str:
    """The edition as one self-contained page, its fonts subset to the page's characters.

    The shareable page embeds WOFF2 fonts and a small-screen stylesheet; the page the PDF
    is made from embeds TrueType fonts (which WeasyPrint subsets again) and leaves out the
    screen-only rules, whose media queries WeasyPrint does not read.
    """
    page = _render_page(edition, table, project, diagnostics, is_for_pdf)
    fonts = font_faces_css(edition.audience.theme, page, "truetype" if is_for_pdf else "woff2")
    return page.replace(FONTS_MARKER, fonts, 1)


def _render_page(edition: Edition, table: CitationTable, project: Project, diagnostics: Diagnostics,
                 is_for_pdf: bool) -> str:
    messages = messages_for(edition.language)
    style = NumericStyle(table, messages)
    fragment = fragment_renderer(edition, style, project, diagnostics)

    brief = edition.brief
    references = [
        {"anchor": entry_anchor(ref.id), "label": style.entry_label(ref),
         "html": Markup(shorten_printed_urls(str(style.render_entry(ref)))),
         "cited_in": table.cited_in.get(ref.id, ())}
        for ref in table.references
    ]
    further = [
        {"question": q.question, "href": f"{q.brief}--{edition.audience.id}.html" if q.brief else "",
         "title": project.briefs[q.brief].title if q.brief in project.briefs else ""}
        for q in edition.further_questions
    ]
    date = edition_date(edition)
    qr_label = messages.format("qr_label", url=brief.url) if brief.url else ""
    return template_environment().get_template("brief.html.j2").render(
        edition=edition,
        date=date.isoformat() if date else "",
        keywords=", ".join(edition_keywords(edition)),
        author=edition_author(edition),
        qr_code=qr_code_svg(brief.url, qr_label) if brief.url else "",
        short_url=short_url(brief.url) if brief.url else "",
        fonts_marker=Markup(FONTS_MARKER),
        brief=brief,
        audience=edition.audience,
        lang=edition.language,
        t=messages,
        checked=messages.date(brief.checked) if brief.checked else "",
        css=Markup(theme_css(edition.audience.theme) + ("" if is_for_pdf else "\n" + theme_css("screen", base=False))),
        page_css=Markup(page_css(edition, messages)),
        title=edition.title,
        subtitle=edition.subtitle,
        description=_plain(edition.summary.source.text if edition.summary else edition.subtitle, 300),
        intro=fragment(edition.intro),
        summary=fragment(edition.summary),
        disclaimer=fragment(edition.disclaimer),
        call_to_action=fragment(edition.call_to_action),
        takeaways=[fragment(t) for t in edition.key_takeaways],
        sections=[{"number": s.number, "anchor": s.anchor, "title": s.section.title, "html": fragment(s.text)}
                  for s in edition.sections],
        further_questions=further,
        references=references,
    )


def fragment_renderer(edition: Edition, style: NumericStyle, project: Project,
                      diagnostics: Diagnostics) -> Callable[[EditionText | None], Markup]:
    """Markdown of the edition → HTML, with citations numbered by ``style`` and images embedded."""
    md = markdown_parser(edition.language)

    def fragment(text: EditionText | None) -> Markup:
        if text is None:
            return Markup("")
        env = dict(text.env)
        env["render_citation"] = style.render_citation
        env["resolve_image"] = lambda src, line: embed_image(src, text.source.location.at_line(line), project.root, diagnostics)
        return Markup(md.renderer.render(list(text.tokens), md.options, env))

    return fragment


def edition_date(edition: Edition) -> dt.date | None:
    """The date an edition carries in its metadata: the brief's ``checked`` date, else
    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention); never the clock."""
    if edition.brief.checked is not None:
        return edition.brief.checked
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return None


def edition_author(edition: Edition) -> str:
    """Authors, then the organization: the PDF's /Author and the page's author meta tag."""
    names = list(edition.brief.authors)
    if edition.brief.organization:
        names.append(edition.brief.organization)
    return ", ".join(names)


def edition_keywords(edition: Edition) -> list[str]:
    """The sections' tags and the audience, in reading order, each once."""
    keywords: list[str] = []
    for section in edition.sections:
        for tag in section.section.tags:
            if tag not in keywords:
                keywords.append(tag)
    keywords.append(edition.audience.label)
    return keywords


def page_css(edition: Edition, messages: Messages) -> str:
    """The @page rules that depend on the edition: paper size and the localised page label."""
    page_label = messages["page_of"]
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")

    def css_string(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    content = f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) {css_string(after)}"
    running = css_string(edition.brief.organization or edition.brief.title)
    return (f"@page {{ size: {edition.audience.paper}; @bottom-right {{ content: {content}; }} "
            f"@top-left {{ content: {running}; }} }}")


def embed_image(src: str, location: SourceLocation, root: Path, diagnostics: Diagnostics) -> str | None:
    """An image inside the project as a data URI; anything else is refused with an error."""
    if "://" in src or src.startswith(("/", "data:", "\\")) or ":" in src.split("/")[0]:
        diagnostics.error(location, f"image '{src}' is outside the project",
                          "copy the image into the project and refer to it by a relative path")
        return None
    path = (location.path.parent / src).resolve()
    try:
        path.relative_to(root)
    except ValueError:
        diagnostics.error(location, f"image '{src}' is outside the project",
                          "copy the image into the project and refer to it by a relative path")
        return None
    media_type = _IMAGE_TYPES.get(path.suffix.lower())
    if media_type is None:
        diagnostics.error(location, f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP file", "convert it to PNG or JPEG")
        return None
    if not path.is_file():
        diagnostics.error(location, f"image '{src}' does not exist", "check the path, relative to this file")
        return None
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        diagnostics.error(location, f"image '{src}' is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MiB", "make it smaller")
        return None
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _plain(markdown: str, limit: int) -> str:
    text = re.sub(r"\s*\[[^\]]*@[^\]]*\]", "", markdown)
    text = re.sub(r"[*_`#>]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

