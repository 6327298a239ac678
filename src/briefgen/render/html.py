"""Edition → one self-contained HTML page (CSS inlined, images embedded).

The edition's Markdown is rendered once (:func:`render_body`); the shareable HTML edition and
the page the PDF is made from are both filled in from that one body (:func:`render_page`), so
the two editions always say the same thing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefgen.charts.html import chart_drawer
from briefgen.citations.cite import reading_order
from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import RenderedEntry, Style, make_style
from briefgen.errors import Diagnostics
from briefgen.figures.model import FloatNumbers
from briefgen.figures.numbering import number_floats
from briefgen.figures.render import figure_rendering, list_of_figures
from briefgen.i18n import Messages, messages_for
from briefgen.markdown.context import RenderContext, render_env
from briefgen.markdown.parser import markdown_parser
from briefgen.markdown.plain import description_text, shortened
from briefgen.model import PAPERS, CitationStyle, Edition, EditionText, FurtherQuestion, Project
from briefgen.render.brand import font_choices, project_brand
from briefgen.render.css import css_string, style_element_text
from briefgen.render.fonts import font_faces_css
from briefgen.render.links import breakable_url, qr_code_svg, short_url, shorten_printed_urls
from briefgen.render.resources import ResourcePolicy

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    # Sandboxed: a template can format what it is given, never read files or call Python.
    return SandboxedEnvironment(loader=jinja2.PackageLoader("briefgen", "templates"), autoescape=True,
                                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=8)
def theme_css(theme: str, base: bool = True) -> str:
    folder = resources.files("briefgen") / "themes"
    css = (folder / f"{theme}.css").read_text(encoding="utf-8")
    return (folder / "base.css").read_text(encoding="utf-8") + "\n" + css if base else css


FONTS_MARKER = "/* briefgen: fonts */"
DESCRIPTION_LIMIT = 300
"""Characters of the summary kept in the page description and the PDF's subject."""


@dataclass(frozen=True, slots=True)
class EditionBody:
    """An edition's Markdown rendered once (citations by its style, images embedded): what its
    HTML edition and the page its PDF is made from share."""

    edition: Edition
    project: Project
    fragments: Mapping[str, Markup]
    """Each piece of Markdown as HTML, by its key in :func:`~briefgen.citations.cite.reading_order`."""
    references: tuple[RenderedEntry, ...]
    notes: tuple[Markup, ...]
    citation_style: CitationStyle
    floats: FloatNumbers = FloatNumbers()
    """The edition's numbered figures and tables (for its list of figures)."""


def render_body(edition: Edition, table: CitationTable, project: Project, diagnostics: Diagnostics,
                remote_images: RemoteImages | None = None, chart_cache: Path | None = None) -> EditionBody:
    """Render the edition's Markdown, once for every page made from it (charts cached in ``chart_cache``)."""
    messages = messages_for(edition.language)
    style = make_style(edition.citation_style, table, messages)
    numbers = number_floats(edition, project, diagnostics)
    fragment = fragment_renderer(edition, style, project, diagnostics, remote_images, numbers, chart_cache)
    fragments = {key: fragment(text) for key, text, _place in reading_order(edition, messages)}
    return EditionBody(edition, project, fragments, tuple(style.entries()), tuple(style.notes), style.name, numbers)


def render_html(edition: Edition, table: CitationTable, project: Project, diagnostics: Diagnostics,
                is_for_pdf: bool = False, remote_images: RemoteImages | None = None, embed_fonts: bool = True) -> str:
    """The edition as one self-contained page (see :func:`render_page`)."""
    return render_page(render_body(edition, table, project, diagnostics, remote_images), is_for_pdf, embed_fonts)


def render_page(body: EditionBody, is_for_pdf: bool = False, embed_fonts: bool = True) -> str:
    """The edition as one self-contained page, its fonts subset to the page's characters.

    The shareable page embeds WOFF fonts and a small-screen stylesheet; the page the PDF
    is made from embeds TrueType fonts (which WeasyPrint subsets again) and leaves out the
    screen-only rules, whose media queries WeasyPrint does not read.
    """
    edition = body.edition
    page = _fill_template(body, is_for_pdf)
    if not is_for_pdf:
        page = scrollable_tables(page, messages_for(edition.language)["table"])
    else:
        page = footnotes_at_page_foot(page)
    if not embed_fonts:
        return page.replace(FONTS_MARKER, "", 1)
    fonts = font_faces_css(edition.audience.theme, page, "truetype" if is_for_pdf else "woff",
                           font_choices(body.project.settings))
    return page.replace(FONTS_MARKER, fonts, 1)


_FOOTNOTES = re.compile(r'<hr class="footnotes-sep" ?/?>\s*<section class="footnotes">(.*?)</section>', re.S)
_FOOTNOTE_ITEM = re.compile(r'<li id="(fn[^"]*)" class="footnote-item">(.*?)</li>', re.S)
_FOOTNOTE_BACKREF = re.compile(r'\s*<a href="#fnref[^"]*" class="footnote-backref">.*?</a>', re.S)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#(fn[^"]*)" id="fnref[^"]*">[^<]*</a></sup>')


def footnotes_at_page_foot(page: str) -> str:
    """On paper a Markdown footnote sits at the foot of its page: each note moves next to its
    marker as a ``<span class="footnote">`` (the print stylesheet floats it there, numbered in
    one series with citation notes), and the endnote list of the section goes."""
    pieces = []
    start = 0
    for block in _FOOTNOTES.finditer(page):
        notes = {number: re.sub(r"</?p>", " ", _FOOTNOTE_BACKREF.sub("", text)).strip()
                 for number, text in _FOOTNOTE_ITEM.findall(block.group(1))}

        def inline(match: re.Match[str], notes: dict[str, str] = notes) -> str:
            note = notes.get(match.group(1))
            return f'<span class="footnote">{note}</span>' if note is not None else match.group(0)

        pieces.append(_FOOTNOTE_REF.sub(inline, page[start:block.start()]))
        start = block.end()
    pieces.append(page[start:])
    return "".join(pieces)


_TABLE = re.compile(r"<table>.*?</table>", re.S)


def scrollable_tables(page: str, label: str) -> str:
    """Wrap each table in a region a keyboard can reach: on a phone a wide table scrolls
    sideways inside it, and a region that scrolls must take focus (WCAG 2.1.1). Its name is
    "Table: " and the table's first column headings."""

    def wrap(match: re.Match[str]) -> str:
        headings = [" ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split())
                    for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", match.group(0), re.S)[:4]]
        name = f"{label}: {', '.join(headings)}" if headings else label
        return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(name)}">'
                f"{match.group(0)}</div>")

    return _TABLE.sub(wrap, page)


def _fill_template(body: EditionBody, is_for_pdf: bool) -> str:
    edition, project, html = body.edition, body.project, body.fragments
    messages = messages_for(edition.language)
    references = [
        # on paper, addresses print without "https://www." (the link keeps the full address); on screen, whole
        {"anchor": entry.anchor, "label": entry.label,
         "html": Markup(shorten_printed_urls(str(entry.html))) if is_for_pdf else entry.html,
         "cited_in": entry.cited_in}
        for entry in body.references
    ]
    brief = edition.brief
    further = [{"question": q.question, "href": further_question_href(q, edition, project, is_for_pdf)}
               for q in edition.further_questions]
    date = edition_date(edition)
    qr_label = messages.format("qr_label", url=brief.url) if brief.url else ""
    brand = project_brand(project, edition.audience.theme)
    return template_environment().get_template("brief.html.j2").render(
        logo=brand.logo, logo_names=brand.logo_names, brand_css=Markup(style_element_text(brand.css)), settings=project.settings,
        edition=edition,
        date=date.isoformat() if date else "",
        keywords=", ".join(edition_keywords(edition)),
        author=edition_author(edition),
        qr_code=qr_code_svg(brief.url, qr_label) if brief.url else "",
        short_url=Markup(breakable_url(short_url(brief.url, None))) if brief.url else "",
        fonts_marker=Markup(FONTS_MARKER),
        brief=brief,
        audience=edition.audience,
        lang=edition.language,
        t=messages,
        checked=messages.date(brief.checked) if brief.checked else "",
        css=Markup(style_element_text(theme_css(edition.audience.theme)
                                      + ("" if is_for_pdf else "\n" + theme_css("screen", base=False)))),
        page_css=Markup(style_element_text(page_css(edition, messages))),
        title=edition.title,
        subtitle=edition.subtitle,
        description=edition_description(edition),
        intro=html.get("intro", ""),
        summary=html.get("summary", ""),
        disclaimer=html.get("disclaimer", ""),
        call_to_action=html.get("call_to_action", ""),
        takeaways=[html[f"takeaway-{i}"] for i in range(len(edition.key_takeaways))],
        sections=[{"number": s.number, "anchor": s.anchor, "title": s.section.title, "html": html[f"section-{s.number}"]}
                  for s in edition.sections],
        further_questions=further,
        references=references,
        notes=body.notes,
        citation_style=body.citation_style,
        list_of_figures=list_of_figures(body.floats) if brief.list_of_figures else [],
    )


def further_question_href(question: FurtherQuestion, edition: Edition, project: Project, is_for_pdf: bool) -> str:
    """Where a further question leads: in the HTML edition, the linked brief's HTML edition for
    the same audience, beside this one; in the PDF, that brief's published ``url:``, else its
    PDF edition beside this one. Always relative or published: never a path of the build machine."""
    if not question.brief:
        return ""
    name = f"{question.brief}--{edition.audience.id}"
    if not is_for_pdf:
        return f"{name}.html"
    target = project.briefs.get(question.brief)
    return target.url if target is not None and target.url else f"{name}.pdf"


def fragment_renderer(edition: Edition, style: Style, project: Project, diagnostics: Diagnostics,
                      remote_images: RemoteImages | None = None, numbers: FloatNumbers | None = None,
                      chart_cache: Path | None = None) -> Callable[[EditionText | None], Markup]:
    """Markdown of the edition → HTML, with citations rendered by ``style``, images embedded
    (remote images only through ``remote_images``, the build's fetcher) and charts drawn."""
    md = markdown_parser(edition.language)
    policy = ResourcePolicy(project.root, remote_images)
    if numbers is None:
        numbers = number_floats(edition, project, diagnostics)
    draw_chart = chart_drawer(project.root, edition.audience.theme, edition.language, chart_cache, diagnostics,
                              edition.place)

    def fragment(text: EditionText | None) -> Markup:
        if text is None:
            return Markup("")
        env = render_env(text.env, RenderContext(
            render_citation=style.render_citation,
            resolve_image=lambda src, line: policy.load_image(src, text.source.location.at_line(line), diagnostics),
            figures=figure_rendering(numbers, project.root, text.source.location, edition.language, diagnostics,
                                     edition.place),
            render_chart=lambda spec: draw_chart(spec, text.source.location)))
        return Markup(style.finish_fragment(md.renderer.render(list(text.tokens), md.options, env)))

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
    """The @page rules that depend on the edition: paper size and the localised page label.

    The running header is the author's text, so it goes in as an escaped CSS string; the
    paper size is one of a closed list checked when the audience profile is read.
    """
    page_label = messages["page_of"]
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    content = f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) {css_string(after)}"
    running = css_string(edition.brief.organization or edition.brief.title)
    if edition.audience.paper not in PAPERS:  # checked when the profile is read; never written into CSS unchecked
        raise ValueError(f"unknown paper size {edition.audience.paper!r}")
    return (f"@page {{ size: {edition.audience.paper}; @bottom-right {{ content: {content}; }} "
            f"@top-left {{ content: {running}; }} }}")


def edition_description(edition: Edition, limit: int = DESCRIPTION_LIMIT) -> str:
    """The page description (and PDF subject): the summary's text as typed, else the subtitle."""
    summary = edition.summary
    text = description_text(summary.tokens, summary.env, edition.language) if summary else " ".join(edition.subtitle.split())
    return shortened(text, limit)
