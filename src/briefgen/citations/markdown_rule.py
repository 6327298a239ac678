"""Citations in running text, as a markdown-it inline rule before ``link``: a bracketed group
(``[see @a, p. 4; @b]``) or a narrative key (``@a``, ``@a [p. 4]``, ``-@a``) becomes a
``citation`` token whose ``meta`` holds the :class:`Citation` and where it starts; a group
that looks like a citation but is never closed becomes a ``citation_problem`` token.

Deliberately stricter than pandoc: an ``@`` inside an e-mail address, a URL or a path
(``example.org/@user``) is not a citation.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_inline import StateInline

from briefgen.citations.locators import Locator, split_locator
from briefgen.citations.syntax import (
    Citation,
    CitationItem,
    Paragraph,
    parse_items,
    read_key,
    read_paragraph,
    split_parts,
    suffix_text,
)
from briefgen.markdown.context import link_references, parse_context


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", _citation_rule)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    char = state.src[state.pos]
    if char == "[":
        return _bracketed(state, silent)
    if char == "@" or char == "-" and state.src.startswith("-@", state.pos):
        return _narrative(state, silent)
    return False


def _paragraph(state: StateInline) -> Paragraph:
    """The paragraph being parsed, read once for all the rule's calls in it."""
    cache = parse_context(state.env).citation_paragraph
    if not cache or cache[0].text is not state.src:
        cache[:] = [read_paragraph(state.src)]
    return cache[0]


_LOOKS_LIKE_CITATION = re.compile(r"\[[^\]\n]{0,40}?-?@[\w{]")


def _bracketed(state: StateInline, silent: bool) -> bool:
    start = state.pos
    source = _paragraph(state)
    end = source.pairs.get(start)
    if end is None or end >= state.posMax:
        if not silent and _LOOKS_LIKE_CITATION.match(state.src, start, min(start + 200, state.posMax)):
            token = state.push("citation_problem", "", 0)
            token.meta = {"offset": start, "message": "this citation's '[' is never closed",
                          "hint": "add the closing ']' after the last key"}
            text = state.push("text", "", 0)
            text.content = "["
            state.pos = start + 1
            return True
        return False
    if state.src.startswith("[^", start) or not source.has_at(start, end) or _is_followed_by_link_part(state, end):
        return False
    items = parse_items(source, start + 1, end, first_needs_key=True)
    if not items:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"citation": Citation(items=items, is_narrative=False), "offset": start}
    state.pos = end + 1
    return True


def _is_followed_by_link_part(state: StateInline, end: int) -> bool:
    """``[...](url)``, ``[...][ref]`` and ``[...]{.class}`` are links and spans, not citations."""
    return end + 1 < state.posMax and state.src[end + 1] in "([{"


def _narrative(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if start > 0:
        before = state.src[start - 1]
        if before.isalnum() or before in "._%+-/:=\\@" and not state.src.endswith("--", 0, start):
            return False
        word_start = max(state.src.rfind(" ", 0, start), state.src.rfind("\n", 0, start)) + 1
        if "://" in state.src[word_start:start] or state.src[word_start:start].startswith("www."):
            return False
    suppress = state.src[start] == "-"
    at = start + 1 if suppress else start
    key = read_key(state.src, at + 1, state.posMax)
    if key is None:
        return False
    items: tuple[CitationItem, ...] = (CitationItem(key=key[0], suppress_author=suppress),)
    end = key[1]
    after = _bracket_after(state, end)
    if after is not None:
        locator, more, end = after
        if locator is not None:
            items = (CitationItem(key=key[0], locator=locator.value, label=locator.label, suffix=locator.suffix,
                                  suppress_author=suppress, locator_type=locator.type),)
        items = (*items, *more)
    if not silent:
        citation = Citation(items=items, is_narrative=not suppress)
        token = state.push("citation", "", 0)
        token.meta = {"citation": citation, "offset": start}
    state.pos = end
    return True


def _bracket_after(state: StateInline, end: int) -> tuple[Locator | None, tuple[CitationItem, ...], int] | None:
    """What a bracket right after a narrative key adds (pandoc: ``@a [p. 4]``, ``@a [@b]``,
    ``@a [p. 4; @b]``): the first item's locator and suffix, further items, and where the
    bracket ends; None when the bracket is not part of the citation."""
    match = re.compile(r"[ \t]*\n?[ \t]*\[").match(state.src, end, state.posMax)
    if match is None:
        return None
    open_at = match.end() - 1
    source = _paragraph(state)
    close_at = source.pairs.get(open_at)
    if close_at is None or close_at >= state.posMax or state.src.startswith("[^", open_at) \
            or _is_followed_by_link_part(state, close_at):
        return None
    if normalizeReference(state.src[open_at + 1:close_at]) in (link_references(state.env) or {}):
        return None
    group = parse_items(source, open_at + 1, close_at, first_needs_key=True) if source.has_at(open_at, close_at) else None
    if group:
        return None, group, close_at + 1
    parts = split_parts(source, open_at + 1, close_at)
    rest = parse_items(source, open_at + 1, close_at, first_needs_key=False)
    if rest is None:
        return None
    first_start, first_end = parts[0]
    locator = split_locator(suffix_text(state.src[first_start:first_end]))
    return locator, rest, close_at + 1
