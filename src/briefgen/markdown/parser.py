"""One configured markdown-it parser, and parsing that keeps source lines.

Raw HTML is off (``<script>`` comes out as text), typography is on (smart quotes,
dashes), tables, strikethrough and footnotes are on, plus pandoc fenced divs, bracketed spans
(``[text]{.class}``, classes only) and citations.
Headings inside a section move one level down (``##`` → ``<h3>``, under the section's
``<h2>``) and get ids prefixed with the section id, so ids never clash in the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.renderer import RendererHTML, RendererProtocol
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import image as image_rule
from markdown_it.rules_inline import link as link_rule
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from briefgen.charts.markdown_rule import chart_plugin
from briefgen.citations.markdown_rule import citation_plugin
from briefgen.citations.syntax import Citation
from briefgen.errors import Diagnostics
from briefgen.figures.markdown_rules import crossrefs, figures_plugin, image_figures, table_captions
from briefgen.figures.render import add_figure_renderers
from briefgen.markdown.audience_blocks import audience_wall_plugin, hidden_link_label, hidden_reference_problem
from briefgen.markdown.context import Env, ParseContext, new_env, parse_context, render_context
from briefgen.markdown.fenced_divs import fenced_div_plugin
from briefgen.markdown.pandoc_syntax import heading_attributes, image_attributes, unsupported_syntax
from briefgen.markdown.placeholders import PLACEHOLDER_HINT, placeholder_plugin
from briefgen.markdown.tokens import walk_tokens
from briefgen.model import MarkdownText

_QUOTES = {"en": "“”‘’", "es": "«»“”", "fr": "«»‘’", "de": "„“‚‘"}


@dataclass(frozen=True, slots=True)
class ParsedMarkdown:
    source: MarkdownText
    tokens: tuple[Token, ...]
    env: Env
    """markdown-it's state after parsing (footnotes, link references; see :mod:`briefgen.markdown.context`)."""


@lru_cache(maxsize=8)
def markdown_parser(language: str = "en", typographer: bool = True) -> MarkdownIt:
    """The parser for ``language``; without ``typographer``, quotes and dashes stay as typed (for metadata)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": typographer,
                                   "quotes": _QUOTES.get(language[:2], _QUOTES["en"])})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.validateLink = is_parseable_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.use(fenced_div_plugin)
    md.use(citation_plugin)
    # pandoc's bracketed spans, classes only: [@a]{.class} is a span around a narrative citation
    md.use(attrs_plugin, after=(), spans=True, allowed=["class"])
    md.use(audience_wall_plugin)
    md.use(chart_plugin)  # ```{.chart #fig-x} fences → figures (after the audience wall, before inline parsing)
    md.use(figures_plugin)
    md.use(placeholder_plugin)
    md.inline.ruler.at("link", _with_offset(link_rule, "link_open"))
    md.inline.ruler.at("image", _with_offset(image_rule, "image"))
    _report_lost_nesting(md)
    md.core.ruler.push("briefgen_lines", _attach_lines)
    md.core.ruler.push("briefgen_heading_attributes", heading_attributes)
    md.core.ruler.push("briefgen_image_attributes", image_attributes)
    md.core.ruler.push("briefgen_image_figures", image_figures)
    md.core.ruler.push("briefgen_table_captions", table_captions)
    md.core.ruler.push("briefgen_crossrefs", crossrefs)
    md.core.ruler.push("briefgen_unsupported", unsupported_syntax)
    md.core.ruler.push("briefgen_headings", _shift_headings)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("citation_problem", lambda self, tokens, idx, options, env: "")
    md.add_render_rule("image", _render_image)
    md.add_render_rule("footnote_caption", _render_footnote_caption)
    add_figure_renderers(md)
    return md


@lru_cache(maxsize=8)
def _phrase_parser(language: str) -> MarkdownIt:
    """Inline Markdown for the short phrases around a citation key: emphasis, code, links,
    smart typography; no raw HTML (and images become their description, see render_phrase)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": _QUOTES.get(language[:2], _QUOTES["en"])})
    md.enable(["strikethrough", "replacements", "smartquotes"])
    md.validateLink = is_parseable_link  # type: ignore[method-assign]
    return md


def render_phrase(text: str, language: str = "en") -> str:
    """A citation's prefix or suffix (Markdown) as safe HTML; leading and trailing spaces kept.
    Links follow the same rule as in the text: only to the web, mail or inside the project."""
    if not text.strip():
        return escape_html(text)
    md = _phrase_parser(language)
    tokens = md.parseInline(text.strip(), {})
    children = tokens[0].children or [] if tokens else []
    for child in list(children):
        if child.type == "link_open" and not is_safe_link(str(child.attrGet("href") or "")):
            _neutralise_link(children, child)
        elif child.type == "image":
            child.type, child.tag, child.attrs, child.nesting = "text", "", {}, 0
            child.content, child.children = _html_renderer(md).renderInlineAsText(child.children or [], md.options, {}), None
    html = str(md.renderer.render(tokens, md.options, {}))
    return text[:len(text) - len(text.lstrip())] + html + text[len(text.rstrip()):]


def _html_renderer(md: MarkdownIt) -> RendererHTML:
    renderer = md.renderer
    if not isinstance(renderer, RendererHTML):
        raise TypeError(f"briefgen's parsers render HTML, not with {type(renderer).__name__}")
    return renderer


MAX_NESTING = 20
"""markdown-it's limit on nested blocks (its ``maxNesting``): a list takes two levels (the list and
its item), a block quote or a fenced div one, and text inside the 20th level is dropped by the parser.
So 9 lists or 19 block quotes inside each other are the most that keep their text; deeper is an error."""


def _report_lost_nesting(md: MarkdownIt) -> None:
    """Text nested deeper than :data:`MAX_NESTING` would vanish without a word: report its first line.

    markdown-it skips the rest of a container once ``state.level`` reaches ``maxNesting``; this
    wrapper sees the same condition, at the line the parser would skip."""
    md.options["maxNesting"] = MAX_NESTING
    tokenize = md.block.tokenize

    def tokenize_reporting_depth(state: StateBlock, start: int, end: int) -> None:
        if state.level >= MAX_NESTING:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                parse_context(state.env).problems.append((
                    line, f"lists, block quotes and fenced divs are nested more than {MAX_NESTING - 1} levels deep here "
                          "(a list counts 2, a block quote or a div 1), so this text would be lost",
                    "flatten the structure: fewer lists or quotes inside each other"))
        tokenize(state, start, end)

    md.block.tokenize = tokenize_reporting_depth  # type: ignore[method-assign,assignment]


def _render_footnote_caption(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                             env: Env) -> str:
    """A footnote's marker is a bare superscript number ("¹"), never "[1]": in the numeric
    citation style "[1]" is a citation, and the two must not look alike."""
    meta = tokens[idx].meta
    return str(meta["id"] + 1) + (f".{meta['subId']}" if meta.get("subId", -1) > 0 else "")


_SCRIPT_SCHEME = re.compile(r"^\s*(javascript|vbscript)\s*:", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})


def is_parseable_link(url: str) -> bool:
    """What markdown-it may turn into a link or image at all: never a script URL. Images with
    other schemes (``file:``, ``data:``) become image tokens so that the resource policy can
    refuse them with a located error; links with such schemes are neutralised after parsing."""
    return not _SCRIPT_SCHEME.match(url.replace("\x00", ""))


def is_safe_link(url: str) -> bool:
    """Links may go to the web, to mail, or inside the project; never scripts, files or data URIs."""
    scheme = _SCHEME.match(url.replace("\x00", ""))
    return scheme is None or scheme.group(1).lower() in LINK_SCHEMES


def _render_citation(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    render = render_context(env).render_citation
    citation: Citation = tokens[idx].meta["citation"]
    return str(render(citation)) if render else escape_html("[" + "; ".join("@" + i.key for i in citation.items) + "]")


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    resolve = render_context(env).resolve_image
    src = resolve(str(token.attrGet("src") or ""), int(token.meta.get("line", 0))) if resolve else None
    if not src:
        return f'<span class="missing-image">[{escape_html(alt)}]</span>'
    title = token.attrGet("title")
    title_attr = f' title="{escape_html(str(title))}"' if title else ""
    # width and height are checked lengths (see pandoc_syntax.image_attributes): nothing else reaches style
    size = "".join(f"{name}:{token.meta[name]};" for name in ("width", "height") if token.meta.get(name))
    size_attr = f' style="{escape_html(size)}"' if size else ""
    return f'<img src="{escape_html(src)}" alt="{escape_html(alt)}"{title_attr}{size_attr}>'


def _with_offset(rule: Callable[[StateInline, bool], bool], token_type: str) -> Callable[[StateInline, bool], bool]:
    """Wrap markdown-it's link or image rule so that the token records where it starts (for its line)."""

    def rule_with_offset(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = bool(rule(state, silent))
        if found and not silent:
            for token in state.tokens[count:]:
                if token.type == token_type:
                    token.meta = {**(token.meta or {}), "offset": start}
                    break
        return found

    return rule_with_offset


def parse_markdown(source: MarkdownText, diagnostics: Diagnostics, id_prefix: str = "", language: str = "en",
                   heading_shift: int = 1, audience: str | tuple[str, ...] | None = None) -> ParsedMarkdown:
    """Parse Markdown; problems found while parsing become located diagnostics.

    With ``audience``, the text is parsed as that audience reads it: the audience blocks it
    does not read are left out before inline parsing, so footnotes, link references and
    heading ids follow them (see :mod:`briefgen.markdown.audience_blocks`)."""
    context = ParseContext(first_line=source.location.line or 1, id_prefix=id_prefix, heading_shift=heading_shift,
                           audience=audience)
    env = new_env(context)
    tokens = markdown_parser(language).parse(source.text, env)
    for line, message, hint in context.problems:
        diagnostics.error(source.location.at_line(context.file_line(line)), message, hint)
    for line, message, hint in sorted(context.warnings):
        diagnostics.warning(source.location.at_line(context.file_line(line)), message, hint)
    return ParsedMarkdown(source, tuple(tokens), env)


def _attach_lines(state: StateCore) -> None:
    """Give every citation and image token the 1-based file line it sits on."""
    context = parse_context(state.env)
    problems = context.problems
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first = block.map[0] if block.map else 0
        for child in walk_tokens(block.children):
            offset = child.meta.get("offset") if child.meta else None
            line = first + (block.content.count("\n", 0, offset) if isinstance(offset, int) else 0)
            if child.type == "citation":
                citation: Citation = child.meta["citation"]
                child.meta["citation"] = Citation(citation.items, citation.is_narrative, context.file_line(line))
            elif child.type == "citation_problem":
                problems.append((line, child.meta["message"], child.meta["hint"]))
            elif child.type == "hidden_footnote_ref":
                label = child.meta["label"]
                problems.append((line, *hidden_reference_problem("footnote", label, context.hidden_footnotes[label])))
            elif child.type == "data_placeholder":
                child.meta["line"] = context.file_line(line)
                if child.meta.get("problem"):
                    problems.append((line, child.meta["problem"], PLACEHOLDER_HINT))
            elif child.type == "image" and (label := hidden_link_label(str(child.attrGet("src") or ""))) is not None:
                problems.append((line, *hidden_reference_problem("link reference", label, context.hidden_links[label])))
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None
            elif child.type == "image":
                child.meta = {**(child.meta or {}), "line": context.file_line(line)}
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                child.meta = {**(child.meta or {}), "line": context.file_line(line)}
                if (label := hidden_link_label(href)) is not None:
                    problems.append((line, *hidden_reference_problem("link reference", label, context.hidden_links[label])))
                    _neutralise_link(block.children, child)
                elif not is_safe_link(href):
                    _neutralise_link(block.children, child)


def _neutralise_link(children: list[Token], opening: Token) -> None:
    """Keep the link's text, drop the link: ``[x](file:///etc/passwd)`` reads as plain "x"."""
    index = children.index(opening)
    for token in children[index:]:
        if token.type in ("link_open", "link_close"):
            token.type, token.tag, token.attrs = "span_" + token.type.split("_")[1], "span", {}
            if token.nesting == -1:
                break


def _shift_headings(state: StateCore) -> None:
    context = parse_context(state.env)
    shift, prefix = context.heading_shift, context.id_prefix
    used: set[str] = set()
    for index, token in enumerate(state.tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        level = min(int(token.tag[1]) + shift, 6)
        token.tag = f"h{level}"
        if token.type == "heading_open" and token.meta and token.meta.get("explicit_id"):
            token.attrSet("id", str(token.meta["explicit_id"]))  # the author's {#id}, kept as written
            used.add(str(token.meta["explicit_id"]))
        elif token.type == "heading_open":
            inline = state.tokens[index + 1]
            base = slugify(inline.content) or "heading"
            slug, counter = f"{prefix}--{base}" if prefix else base, 1
            while slug in used:
                counter += 1
                slug = f"{prefix}--{base}-{counter}" if prefix else f"{base}-{counter}"
            used.add(slug)
            token.attrSet("id", slug)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"\[[^\]]*@[^\]]*\]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
