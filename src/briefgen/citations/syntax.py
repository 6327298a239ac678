"""Pandoc citation syntax as a markdown-it inline rule, read the way pandoc reads it.

``[@a]``, ``[@a; @b]``, ``[see @a, pp. 3-5; also @b]``, ``[-@a]``, narrative ``@a`` and
``@a [p. 4]``, suppressed ``-@a`` are read here into :class:`Citation` records. Keys, prefixes
and suffixes follow pandoc's Markdown reader (``Text.Pandoc.Readers.Markdown``: ``cite``,
``citeKey``); the locator is split off the suffix in :mod:`briefgen.citations.locators`, and
:mod:`briefgen.citations.markdown_rule` finds citations in running text for markdown-it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from briefgen.citations.locators import split_locator
from briefgen.citations.suffix_tokens import EMPHASIS, code_span_close


@dataclass(frozen=True, slots=True)
class CitationItem:
    key: str
    prefix: str = ""
    """Markdown written before the key, trimmed (``see``, ``*cf.*``)."""
    locator: str = ""
    """The locator's value as written (``33-35``, ``3(a)(ii)``, ``iv, 3``); empty when none."""
    label: str = ""
    """The locator's term as written (``p.``, ``Chap.``, ``§``); empty when none was written."""
    suffix: str = ""
    """Markdown after the locator (or after the key), as pandoc keeps it: a leading comma or
    space included (``, emphasis added``, `` and *passim*``)."""
    suppress_author: bool = False
    locator_type: str = ""
    """citeproc's locator type (``page``, ``chapter``, ``section`` ...): ``page`` for a bare
    number, empty for a braced locator without a term or when there is no locator."""


@dataclass(frozen=True, slots=True)
class Citation:
    items: tuple[CitationItem, ...]
    is_narrative: bool
    """The first item names its author in the text (``@a says``); the others are normal items."""
    line: int = 0
    """1-based line in the source file; filled in after parsing."""


_INTERNAL_PUNCTUATION = frozenset(":.#$%&-+?<>~/")


def _is_key_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def read_key(src: str, pos: int, end: int) -> tuple[str, int] | None:
    """The key starting at ``pos`` (just after ``@``) and where it ends, as pandoc reads it:
    a letter, digit or ``_``, then those and single internal punctuation; or ``{...}`` braced
    (balanced, no white space)."""
    if pos >= end:
        return None
    if src[pos] == "{":
        depth, index = 0, pos
        while index < end:
            char = src[index]
            if char.isspace():
                return None
            depth += 1 if char == "{" else -1 if char == "}" else 0
            if depth == 0:
                return (src[pos + 1:index], index + 1) if index > pos + 1 else None
            index += 1
        return None
    if not _is_key_char(src[pos]):
        return None
    index = pos + 1
    while index < end:
        char = src[index]
        if _is_key_char(char):
            index += 1
        elif char in _INTERNAL_PUNCTUATION and index + 1 < end and _is_key_char(src[index + 1]):
            index += 2
        elif char in ":/" and index + 1 < end and src[index + 1] == "/":
            index += 1
        else:
            break
    return src[pos:index], index


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph's text with its bracket pairs and ``@`` positions, computed once."""

    text: str
    pairs: dict[int, int]
    ats: list[int]

    def has_at(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.ats, start)
        return index < len(self.ats) and self.ats[index] < end


def read_paragraph(text: str) -> Paragraph:
    return Paragraph(text, bracket_pairs(text), [index for index, char in enumerate(text) if char == "@"])


def parse_group(content: str) -> tuple[CitationItem, ...] | None:
    """The items of a bracketed group's inside, or None when it is not a citation group."""
    return parse_items(read_paragraph(content), 0, len(content), first_needs_key=True)


def parse_items(source: Paragraph, start: int, end: int, first_needs_key: bool) -> tuple[CitationItem, ...] | None:
    items = []
    for index, (part_start, part_end) in enumerate(split_parts(source, start, end)):
        if index == 0 and not first_needs_key:
            continue
        item = _parse_item(source, part_start, part_end)
        if item is None:
            return None
        items.append(item)
    return tuple(items)


def split_parts(source: Paragraph, start: int, end: int) -> list[tuple[int, int]]:
    """``start..end`` cut at the semicolons outside nested brackets and escapes."""
    parts, part_start, index, text = [], start, start, source.text
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[" and index in source.pairs and source.pairs[index] < end:
            index = source.pairs[index] + 1
            continue
        if char == ";":
            parts.append((part_start, index))
            part_start = index + 1
        index += 1
    parts.append((part_start, end))
    return parts


def _parse_item(source: Paragraph, start: int, end: int) -> CitationItem | None:
    text, index = source.text, start
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[" and index in source.pairs and source.pairs[index] < end:
            index = source.pairs[index] + 1
            continue
        if char in "*_`" and (skipped := _inline_span_end(text, index, end)) is not None:
            index = skipped  # a key inside emphasis or code is not this item's key (pandoc reads the span first)
            continue
        if char == "@" and not (index > start and _is_key_char(text[index - 1])):
            key = read_key(text, index + 1, end)
            if key is not None:
                suppress = index > start and text[index - 1] == "-" and not (index - 1 > start and _is_key_char(text[index - 2]))
                prefix = text[start:index - 1 if suppress else index]
                return _item(key[0], prefix.strip(), suffix_text(text[key[1]:end]), suppress)
        index += 1
    return None


def _inline_span_end(text: str, index: int, end: int) -> int | None:
    """Where an emphasis or code span starting at ``index`` ends, if it closes before ``end``."""
    if text[index] == "`":
        close = code_span_close(text, index, end)
        return None if close is None else close[1]
    if text[index] == "_" and index > 0 and text[index - 1].isalnum():
        return None
    match = EMPHASIS.match(text, index, end)
    return match.end() if match else None


def suffix_text(raw: str) -> str:
    """pandoc's suffix: trimmed, with one leading space when the source had one."""
    rest = raw.strip()
    return (" " + rest) if rest and raw[:1].isspace() else rest


def _item(key: str, prefix: str, suffix: str, suppress: bool) -> CitationItem:
    locator = split_locator(suffix)
    return CitationItem(key=key, prefix=prefix, locator=locator.value, label=locator.label, suffix=locator.suffix,
                        suppress_author=suppress, locator_type=locator.type)


def bracket_pairs(src: str) -> dict[int, int]:
    """Every ``[`` of a paragraph with its ``]``, in one pass (linear even for thousands of
    unclosed brackets); escaped brackets do not count."""
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
