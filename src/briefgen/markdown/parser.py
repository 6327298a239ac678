"""One configured markdown-it parser, and parsing that keeps source lines.

Raw HTML is off (``<script>`` comes out as text), typography is on (smart quotes,
dashes), tables, strikethrough and footnotes are on, plus pandoc fenced divs and citations.
Headings inside a section move one level down (``##`` → ``<h3>``, under the section's
``<h2>``) and get ids prefixed with the section id, so ids never clash in the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from briefgen.citations.syntax import Citation, citation_plugin
from briefgen.errors import Diagnostics
from briefgen.markdown.fenced_divs import fenced_div_plugin
from briefgen.model import MarkdownText

_QUOTES = {"en": "“”‘’", "es": "«»“”", "fr": "«»‘’", "de": "„“‚‘"}


@dataclass(frozen=True, slots=True)
class ParsedMarkdown:
    source: MarkdownText
    tokens: tuple[Token, ...]
    env: dict[str, object]


@lru_cache(maxsize=8)
def markdown_parser(language: str = "en") -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": _QUOTES.get(language[:2], _QUOTES["en"])})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.validateLink = is_parseable_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(fenced_div_plugin)
    md.use(citation_plugin)
    md.core.ruler.push("briefgen_lines", _attach_lines)
    md.core.ruler.push("briefgen_headings", _shift_headings)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("citation_problem", lambda self, tokens, idx, options, env: "")
    md.add_render_rule("image", _render_image)
    md.add_render_rule("footnote_caption", _render_footnote_caption)
    return md


def _render_footnote_caption(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
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


def _render_citation(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    render = env.get("render_citation")
    citation: Citation = tokens[idx].meta["citation"]
    return str(render(citation)) if render else escape_html("[" + "; ".join("@" + i.key for i in citation.items) + "]")


def _render_image(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    resolve = env.get("resolve_image")
    src = resolve(token.attrGet("src") or "", token.meta.get("line", 0)) if resolve else None
    if not src:
        return f'<span class="missing-image">[{escape_html(alt)}]</span>'
    title = token.attrGet("title")
    title_attr = f' title="{escape_html(str(title))}"' if title else ""
    return f'<img src="{escape_html(src)}" alt="{escape_html(alt)}"{title_attr}>'



def parse_markdown(source: MarkdownText, diagnostics: Diagnostics, id_prefix: str = "", language: str = "en",
                   heading_shift: int = 1) -> ParsedMarkdown:
    """Parse Markdown; problems found while parsing become located diagnostics."""
    env: dict[str, object] = {"first_line": source.location.line or 1, "id_prefix": id_prefix,
                              "docId": id_prefix, "heading_shift": heading_shift, "problems": []}
    tokens = markdown_parser(language).parse(source.text, env)
    for line, message, hint in env["problems"]:  # type: ignore[attr-defined]
        diagnostics.error(source.location.at_line(_absolute(env, line)), message, hint)
    return ParsedMarkdown(source, tuple(tokens), env)


def _absolute(env: dict[str, object], zero_based_line: int) -> int:
    return int(env["first_line"]) + zero_based_line  # type: ignore[call-overload]


def _attach_lines(state: StateCore) -> None:
    """Give every citation and image token the 1-based file line it sits on."""
    problems = state.env.setdefault("problems", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first = block.map[0] if block.map else 0
        for child in walk_tokens(block.children):
            offset = child.meta.get("offset") if child.meta else None
            line = first + (block.content.count("\n", 0, offset) if isinstance(offset, int) else 0)
            if child.type == "citation":
                citation: Citation = child.meta["citation"]
                child.meta["citation"] = Citation(citation.items, citation.is_narrative, _absolute(state.env, line))
            elif child.type == "citation_problem":
                problems.append((line, child.meta["message"], child.meta["hint"]))
            elif child.type == "image":
                child.meta = {**(child.meta or {}), "line": _absolute(state.env, line)}
            elif child.type == "link_open" and not is_safe_link(str(child.attrGet("href") or "")):
                _neutralise_link(block.children, child)


def _neutralise_link(children: list[Token], opening: Token) -> None:
    """Keep the link's text, drop the link: ``[x](file:///etc/passwd)`` reads as plain "x"."""
    index = children.index(opening)
    for token in children[index:]:
        if token.type in ("link_open", "link_close"):
            token.type, token.tag, token.attrs = "span_" + token.type.split("_")[1], "span", {}
            if token.nesting == -1:
                break


def walk_tokens(tokens: Iterable[Token]) -> Iterator[Token]:
    """Every token, and the inline tokens inside each, in document order."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk_tokens(token.children)


def _shift_headings(state: StateCore) -> None:
    shift = int(state.env.get("heading_shift", 1))
    prefix = str(state.env.get("id_prefix", ""))
    used: set[str] = set()
    for index, token in enumerate(state.tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        level = min(int(token.tag[1]) + shift, 6)
        token.tag = f"h{level}"
        if token.type == "heading_open":
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
