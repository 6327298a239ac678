"""pandoc as the oracle for citation syntax: what pandoc reads in a piece of Markdown.

Two passes over a batch of snippets (each wrapped in its own fenced div, so one pandoc run
serves the whole corpus; pandoc's example lists are off, since ``(@a)`` in one snippet would
turn every later ``@a`` into an example number, and briefgen has no example lists):

- ``pandoc -f markdown -t json``: the citations, their keys, modes, prefixes and suffixes;
- ``pandoc --citeproc`` with ``fixtures/citations/probe.csl``: a style that prints, for each
  item, its key, the locator type citeproc chose and the locator value, between markers, so
  that the prefix and the suffix citeproc keeps are the text around them.

Inline Markdown is compared in one normal form (``normal_html`` for briefgen's HTML,
``_inline_text`` for pandoc's JSON): emphasis, strong, code, sub/superscript and strikeout as
tags, everything else as text, white space collapsed.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pypandoc

PROBE_CSL = Path(__file__).resolve().parent / "fixtures" / "citations" / "probe.csl"
PANDOC = pypandoc.get_pandoc_path()
_READER = "markdown-example_lists"
_KEPT_TAGS = {"em", "strong", "code", "sup", "sub", "s"}


@dataclass(frozen=True, slots=True)
class ReadItem:
    """One citation item as a reader sees it, in a form both sides can produce."""

    key: str
    mode: str
    """``AuthorInText``, ``SuppressAuthor`` or ``NormalCitation`` (pandoc's names)."""
    prefix: str
    suffix: str
    """What follows the locator (or the key), as printed: a leading comma or space included."""
    locator_type: str | None
    """None without a locator; "" for a braced locator without a term."""
    locator: str


def normal_text(text: str) -> str:
    """Collapse white space; hyphens and en dashes in ranges read the same."""
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    return text


def normal_locator(text: str) -> str:
    return re.sub(r"\s*[-–]+\s*", "-", normal_text(text)).strip()


class _Normaliser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _KEPT_TAGS:
            self.parts.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _KEPT_TAGS:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def normal_html(fragment: str) -> str:
    """briefgen's rendered prefix or suffix in the common normal form."""
    parser = _Normaliser()
    parser.feed(fragment)
    parser.close()
    return normal_text("".join(parser.parts))


def _inline_text(inlines: list[dict]) -> str:
    return "".join(_one_inline(inline) for inline in inlines)


def _one_inline(inline: dict) -> str:
    kind, content = inline["t"], inline.get("c")
    tagged = {"Emph": "em", "Strong": "strong", "Superscript": "sup", "Subscript": "sub", "Strikeout": "s"}
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in tagged:
        return f"<{tagged[kind]}>{_inline_text(content)}</{tagged[kind]}>"
    if kind == "Code":
        return f"<code>{content[1]}</code>"
    if kind == "Math":
        return content[1]
    if kind == "Quoted":
        double = content[0]["t"] == "DoubleQuote"
        return ("“" if double else "‘") + _inline_text(content[1]) + ("”" if double else "’")
    if kind in ("Link", "Image", "Span"):
        return _inline_text(content[1])
    if kind in ("SmallCaps", "Underline"):
        return _inline_text(content)
    if kind == "Cite":
        return _inline_text(content[1])
    return ""


def _run(arguments: list[str], text: str) -> dict:
    completed = subprocess.run([PANDOC, *arguments], input=text.encode(), capture_output=True, timeout=300, check=True)
    return json.loads(completed.stdout)


def _batch(snippets: list[str]) -> str:
    return "\n\n".join(f"::::::::: {{#snippet-{index}}}\n{text}\n:::::::::" for index, text in enumerate(snippets)) + "\n"


def _cites_by_snippet(document: dict, count: int) -> list[list[dict]]:
    found: list[list[dict]] = [[] for _ in range(count)]

    def walk(node: object, into: list[dict] | None) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Div" and str(node["c"][0][0]).startswith("snippet-"):
                into = found[int(node["c"][0][0].split("-")[1])]
            if node.get("t") == "Cite" and into is not None:
                into.append(node)
                return
            for value in node.values():
                walk(value, into)
        elif isinstance(node, list):
            for value in node:
                walk(value, into)

    walk(document["blocks"], None)
    return found


def read_with_pandoc(snippets: list[str]) -> list[list[tuple[ReadItem, ...]]]:
    """For each snippet, its citations (in document order) as pandoc and citeproc read them."""
    batch = _batch(snippets)
    parsed = _cites_by_snippet(_run(["-f", _READER, "-t", "json"], batch), len(snippets))
    keys = sorted({citation["citationId"] for cites in parsed for cite in cites for citation in cite["c"][0]})
    with tempfile.TemporaryDirectory() as folder:
        bibliography = Path(folder) / "refs.json"
        bibliography.write_text(json.dumps([{"id": key, "type": "book", "title": "k"} for key in keys]))
        probed = _cites_by_snippet(_run(["-f", _READER, "-t", "json", "--citeproc", "--csl", str(PROBE_CSL),
                                         "--bibliography", str(bibliography)], batch), len(snippets))
    result = []
    for cites, probes in zip(parsed, probed, strict=True):
        assert len(cites) == len(probes), (cites, probes)
        result.append([_items(cite, probe) for cite, probe in zip(cites, probes, strict=True)])
    return result


_PROBE_ITEM = re.compile(r"^(?P<prefix>.*?)⟦k¦(?P<type>[^«⟧]*)(?:«(?P<locator>.*)»)?⟧(?P<suffix>.*)$", re.DOTALL)


def _items(cite: dict, probe: dict) -> tuple[ReadItem, ...]:
    citations = cite["c"][0]
    rendered = _inline_text(probe["c"][1]).split("‖")
    assert len(rendered) == len(citations), (rendered, citations)
    items = []
    for citation, text in zip(citations, rendered, strict=True):
        match = _PROBE_ITEM.match(text)
        assert match, text
        locator_type = None if match["type"] == "-" else ("" if match["type"] == "none" else match["type"])
        items.append(ReadItem(key=citation["citationId"], mode=citation["citationMode"]["t"],
                              prefix=normal_text(_inline_text(citation["citationPrefix"])).strip(),
                              suffix=normal_text(match["suffix"]).rstrip(),
                              locator_type=locator_type, locator=normal_locator(match["locator"] or "")))
    return tuple(items)
