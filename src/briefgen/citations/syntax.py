"""Pandoc citation syntax as a markdown-it inline rule.

``[@a]``, ``[@a; @b]``, ``[see @a, pp. 3-5; also @b]``, ``[-@a]`` and narrative ``@a``
become ``citation`` tokens whose ``meta`` holds a :class:`Citation`. ``@`` inside an
e-mail address, a URL or code is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
_ITEM = re.compile(rf"^(?P<prefix>.*?)(?P<suppress>-?)@(?:\{{(?P<braced>[^{{}}]+)\}}|(?P<key>{_KEY}))(?P<rest>.*)$", re.DOTALL)
_NARRATIVE_KEY = re.compile(rf"@(?:\{{(?P<braced>[^{{}}]+)\}}|(?P<key>{_KEY}))")
_LOCATOR_LABELS = {
    "p.": "page", "pp.": "page", "page": "page", "pages": "page",
    "ch.": "chapter", "chap.": "chapter", "chapter": "chapter", "chapters": "chapter",
    "sec.": "section", "secs.": "section", "section": "section", "sections": "section",
    "§": "section", "§§": "section",
    "para.": "paragraph", "paras.": "paragraph", "paragraph": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "fig.": "figure", "figs.": "figure", "figure": "figure", "vol.": "volume", "vols.": "volume",
    "n.": "note", "nn.": "note", "note": "note", "l.": "line", "ll.": "line", "line": "line", "tbl.": "table",
}
_LABEL_PATTERN = "|".join(re.escape(label) for label in sorted(_LOCATOR_LABELS, key=len, reverse=True))
_LOCATOR_VALUE = r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s*(?:[-–—,&]|and)\s*[0-9ivxlcdmIVXLCDM]+[a-z]?)*"
_LOCATOR = re.compile(r"^\s*(?P<label>" + _LABEL_PATTERN + r")?\s*(?P<value>" + _LOCATOR_VALUE + r")(?P<suffix>.*)$",
                      re.DOTALL)
MAX_GROUP_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class CitationItem:
    key: str
    prefix: str = ""
    locator: str = ""
    label: str = ""
    """The locator's label as written (``p.``, ``pp.``, ``§``); empty when none."""
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True, slots=True)
class Citation:
    items: tuple[CitationItem, ...]
    is_narrative: bool
    line: int = 0
    """1-based line in the source file; filled in after parsing."""


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", _citation_rule)


def parse_group(content: str) -> tuple[CitationItem, ...] | None:
    """The items of a bracketed group's inside, or None when it is not a citation group."""
    items = []
    for part in content.split(";"):
        match = _ITEM.match(part.strip())
        if not match:
            return None
        prefix = match["prefix"].strip()
        if prefix and not match["prefix"].endswith((" ", "\n")) and not prefix.endswith(("(", "[")):
            return None
        items.append(_item(match["key"] or match["braced"], prefix, match["rest"], bool(match["suppress"])))
    return tuple(items)


def _item(key: str, prefix: str, rest: str, suppress: bool) -> CitationItem:
    rest = rest.strip()
    if rest.startswith(","):
        rest = rest[1:].strip()
        locator = _LOCATOR.match(rest)
        if locator and (locator["label"] or locator["value"][:1].isdigit()):
            label = locator["label"] or ""
            return CitationItem(key=key, prefix=prefix, locator=locator["value"].replace("-", "–"), label=label,
                                suffix=locator["suffix"].strip(), suppress_author=suppress)
        return CitationItem(key=key, prefix=prefix, suffix=rest, suppress_author=suppress)
    return CitationItem(key=key, prefix=prefix, suffix=rest, suppress_author=suppress)



def _citation_rule(state: StateInline, silent: bool) -> bool:
    char = state.src[state.pos]
    if char == "[":
        return _bracketed(state, silent)
    if char == "@":
        return _narrative(state, silent)
    return False


def _bracketed(state: StateInline, silent: bool) -> bool:
    start = state.pos
    end = _matching_bracket(state, start)
    if end is None:
        if not silent and re.match(r"\[[^\]\n]{0,40}?-?@" + _KEY, state.src[start:start + 200]):
            token = state.push("citation_problem", "", 0)
            token.meta = {"offset": start, "message": "this citation's '[' is never closed",
                          "hint": "add the closing ']' after the last key"}
            text = state.push("text", "", 0)
            text.content = "["
            state.pos = start + 1
            return True
        return False
    content = state.src[start + 1:end]
    if "@" not in content or end + 1 < state.posMax and state.src[end + 1] in "([":
        return False
    items = parse_group(content)
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"citation": Citation(items=items, is_narrative=False), "offset": start}
    state.pos = end + 1
    return True


def _narrative(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if start > 0:
        before = state.src[start - 1]
        if before.isalnum() or before in "._%+-/:=\\@":
            return False
        word_start = max(state.src.rfind(" ", 0, start), state.src.rfind("\n", 0, start)) + 1
        if "://" in state.src[word_start:start] or state.src[word_start:start].startswith("www."):
            return False
    match = _NARRATIVE_KEY.match(state.src, start, state.posMax)
    if not match:
        return False
    key = match["key"] or match["braced"]
    end = match.end()
    item = CitationItem(key=key)
    locator = re.match(r" \[([^\[\]@]*)\]", state.src[end:state.posMax])
    if locator:
        inside = locator.group(1)
        item = _item(key, "", inside if inside.lstrip().startswith(",") else "," + inside, False)
        end += locator.end()
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"citation": Citation(items=(item,), is_narrative=True), "offset": start}
    state.pos = end
    return True


def _matching_bracket(state: StateInline, start: int) -> int | None:
    """The index of the ``]`` that closes the ``[`` at ``start``, or None.

    All pairs of a paragraph are found in one pass and kept for the paragraph, so text with
    thousands of unclosed ``[`` costs linear time, not quadratic.
    """
    cached = state.env.get("_bracket_pairs")
    if cached is None or cached[0] is not state.src:
        cached = (state.src, _bracket_pairs(state.src))
        state.env["_bracket_pairs"] = cached
    end = cached[1].get(start)
    if end is None or end >= state.posMax or end - start > MAX_GROUP_LENGTH:
        return None
    return end


def _bracket_pairs(src: str) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    index = 0
    length = len(src)
    while index < length:
        char = src[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            stack.append(index)
        elif char == "]" and stack:
            pairs[stack.pop()] = index
        index += 1
    return pairs
