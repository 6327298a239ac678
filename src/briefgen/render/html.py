"""Edition → one self-contained HTML page (CSS inlined, images embedded).

The same page is the shareable HTML edition and the input of the PDF renderer, so the
two editions always say the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefgen.citations.resolve import CitationPart, CitationTable, CitedPlace, resolve_citations
from briefgen.citations.styles import make_style
from briefgen.errors import Diagnostics
from briefgen.i18n import Messages, messages_for
from briefgen.markdown.parser import markdown_parser
from briefgen.model import Edition, EditionText, Project
from briefgen.render.resources import ResourcePolicy


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    # Sandboxed: a template can format what it is given, never read files or call Python.
    return SandboxedEnvironment(loader=jinja2.PackageLoader("briefgen", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=8)
def theme_css(theme: str) -> str:
    folder = resources.files("briefgen") / "themes"
    return (folder / "base.css").read_text(encoding="utf-8") + "\n" + (folder / f"{theme}.css").read_text(encoding="utf-8")


def reading_order(edition: Edition, messages: Messages) -> list[tuple[str, EditionText, CitedPlace]]:
    """The edition's Markdown pieces in the order a reader meets them (citations are
    numbered, and notes counted, in this order)."""
    pieces: list[tuple[str, EditionText | None, CitedPlace]] = [
        ("disclaimer", edition.disclaimer, CitedPlace(messages["disclaimer"], "main")),
        ("intro", edition.intro, CitedPlace(messages["intro"], "intro")),
    ]
    takeaways = [(f"takeaway-{i}", text, CitedPlace(messages["key_takeaways"], "key-takeaways"))
                 for i, text in enumerate(edition.key_takeaways)]
    summary = [("summary", edition.summary, CitedPlace(messages["summary"], "summary"))]
    pieces += takeaways + summary if edition.audience.key_takeaways_first else summary + takeaways
    pieces += [(f"section-{s.number}", s.text, CitedPlace(f"§{s.number}", s.anchor)) for s in edition.sections]
    pieces.append(("call_to_action", edition.call_to_action, CitedPlace(messages["call_to_action"], "call-to-action")))
    return [(key, text, place) for key, text, place in pieces if text is not None]


def cite_edition(edition: Edition, project: Project, diagnostics: Diagnostics) -> CitationTable:
    """Number the citations of the edition in reading order."""
    parts = [CitationPart(text.tokens, text.source.location, place)
             for _key, text, place in reading_order(edition, messages_for(edition.language))]
    return resolve_citations(parts, project.bibliography, edition.brief.nocite, edition.brief.location, diagnostics)


def render_html(edition: Edition, table: CitationTable, project: Project, diagnostics: Diagnostics,
                allow_remote: bool = False) -> str:
    policy = ResourcePolicy(project.root, allow_remote)
    messages = messages_for(edition.language)
    style = make_style(edition.citation_style, table, messages)
    md = markdown_parser(edition.language)

    def fragment(text: EditionText) -> Markup:
        env = dict(text.env)
        env["render_citation"] = style.render_citation
        env["resolve_image"] = lambda src, line: policy.load_image(src, text.source.location.at_line(line), diagnostics)
        return Markup(style.finish_fragment(md.renderer.render(list(text.tokens), md.options, env)))

    html = {key: fragment(text) for key, text, _place in reading_order(edition, messages)}
    further = [
        {"question": q.question, "href": f"{q.brief}--{edition.audience.id}.html" if q.brief else ""}
        for q in edition.further_questions
    ]
    return _jinja().get_template("brief.html.j2").render(
        edition=edition,
        brief=edition.brief,
        audience=edition.audience,
        lang=edition.language,
        t=messages,
        title=edition.title,
        subtitle=edition.subtitle,
        checked=messages.date(edition.brief.checked) if edition.brief.checked else "",
        css=Markup(theme_css(edition.audience.theme)),
        page_css=Markup(_page_css(edition, messages)),
        description=_plain(edition.summary.source.text if edition.summary else edition.subtitle, 300),
        intro=html.get("intro", ""),
        summary=html.get("summary", ""),
        disclaimer=html.get("disclaimer", ""),
        call_to_action=html.get("call_to_action", ""),
        takeaways=[html[f"takeaway-{i}"] for i in range(len(edition.key_takeaways))],
        sections=[{"number": s.number, "anchor": s.anchor, "title": s.section.title, "html": html[f"section-{s.number}"]}
                  for s in edition.sections],
        further_questions=further,
        references=style.entries(),
        notes=style.notes,
        citation_style=style.name,
    )


def _page_css(edition: Edition, messages: Messages) -> str:
    """The @page rules that depend on the edition: paper size and the localised page label."""
    page_label = messages["page_of"]
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")

    def css_string(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    content = f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) {css_string(after)}"
    return f"@page {{ size: {edition.audience.paper}; @bottom-center {{ content: {content}; }} }}"


def _plain(markdown: str, limit: int) -> str:
    text = re.sub(r"\s*\[[^\]]*@[^\]]*\]", "", markdown)
    text = re.sub(r"[*_`#>]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

