"""Pandoc citation syntax as a markdown-it inline rule, read the way pandoc reads it.

``[@a]``, ``[@a; @b]``, ``[see @a, pp. 3-5; also @b]``, ``[-@a]``, narrative ``@a`` and
``@a [p. 4]``, suppressed ``-@a`` become ``citation`` tokens whose ``meta`` holds a
:class:`Citation`. Keys, prefixes and suffixes follow pandoc's Markdown reader
(``Text.Pandoc.Readers.Markdown``: ``cite``, ``citeKey``); the locator is split off the suffix as
pandoc's citeproc does it (``Text.Pandoc.Citeproc.Locator``), with citeproc's English locator
terms plus the few briefgen adds (``LOCATOR_TERMS``).

Deliberately stricter than pandoc: an ``@`` inside an e-mail address, a URL or a path
(``example.org/@user``) is not a citation.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_inline import StateInline


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


def _terms(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {term.casefold(): name for name, terms in names.items() for term in terms}


LOCATOR_TERMS = _terms({
    # citeproc's en-US locale: long and short forms, singular and plural (pandoc reads these).
    "book": ("book", "books", "bk.", "bks."),
    "chapter": ("chapter", "chapters", "chap.", "chaps.", "c.", "cc."),
    "column": ("column", "columns", "col.", "cols."),
    "figure": ("figure", "figures", "fig.", "figs."),
    "folio": ("folio", "folios", "fol.", "fols."),
    "issue": ("issue", "issues", "no.", "nos."),
    "line": ("line", "lines", "l.", "ll."),
    "note": ("note", "notes", "n.", "nn."),
    "opus": ("opus", "opera", "op.", "opp."),
    "page": ("page", "pages", "p.", "pp."),
    "paragraph": ("paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶"),
    "part": ("part", "parts", "pt.", "pts."),
    "section": ("section", "sections", "sec.", "secs.", "§", "§§"),
    "sub-verbo": ("sub verbo", "sub verbis", "s.v.", "s.vv."),
    "verse": ("verse", "verses", "v.", "vv."),
    "volume": ("volume", "volumes", "vol.", "vols."),
})
BRIEFGEN_LOCATOR_TERMS = _terms({
    # Added by briefgen (pandoc keeps these in the suffix): common in policy and legal writing.
    "chapter": ("ch.", "chs."),
    "article-locator": ("art.", "arts."),
    "table": ("tbl.",),
})
LOCATOR_TERMS.update(BRIEFGEN_LOCATOR_TERMS)
_LONGEST_TERM = max(len(term) for term in LOCATOR_TERMS)


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", _citation_rule)


# --- keys -------------------------------------------------------------------------------------

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


# --- groups -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Source:
    """A paragraph's text with its bracket pairs and ``@`` positions, computed once."""

    text: str
    pairs: dict[int, int]
    ats: list[int]

    def has_at(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.ats, start)
        return index < len(self.ats) and self.ats[index] < end


def _source(text: str) -> _Source:
    return _Source(text, _bracket_pairs(text), [index for index, char in enumerate(text) if char == "@"])


def parse_group(content: str) -> tuple[CitationItem, ...] | None:
    """The items of a bracketed group's inside, or None when it is not a citation group."""
    return _parse_items(_source(content), 0, len(content), first_needs_key=True)


def _parse_items(source: _Source, start: int, end: int, first_needs_key: bool) -> tuple[CitationItem, ...] | None:
    items = []
    for index, (part_start, part_end) in enumerate(_split_parts(source, start, end)):
        if index == 0 and not first_needs_key:
            continue
        item = _parse_item(source, part_start, part_end)
        if item is None:
            return None
        items.append(item)
    return tuple(items)


def _split_parts(source: _Source, start: int, end: int) -> list[tuple[int, int]]:
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


def _parse_item(source: _Source, start: int, end: int) -> CitationItem | None:
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
                return _item(key[0], prefix.strip(), _suffix_text(text[key[1]:end]), suppress)
        index += 1
    return None


def _inline_span_end(text: str, index: int, end: int) -> int | None:
    """Where an emphasis or code span starting at ``index`` ends, if it closes before ``end``."""
    if text[index] == "`":
        close = _code_span_close(text, index, end)
        return None if close is None else close[1]
    if text[index] == "_" and index > 0 and text[index - 1].isalnum():
        return None
    match = _EMPHASIS.match(text, index, end)
    return match.end() if match else None


def _backtick_run(text: str, index: int, end: int) -> int:
    stop = index
    while stop < end and text[stop] == "`":
        stop += 1
    return stop - index


def _code_span_close(text: str, index: int, end: int) -> tuple[int, int] | None:
    """The closing run of a code span opened at ``index`` (same number of backticks): where it
    starts and ends, or None. Runs of another length are skipped, as CommonMark does."""
    ticks = _backtick_run(text, index, end)
    at = index + ticks
    while (at := text.find("`", at, end)) != -1:
        run = _backtick_run(text, at, end)
        if run == ticks:
            return at, at + run
        at += run
    return None


def _suffix_text(raw: str) -> str:
    """pandoc's suffix: trimmed, with one leading space when the source had one."""
    rest = raw.strip()
    return (" " + rest) if rest and raw[:1].isspace() else rest


def _item(key: str, prefix: str, suffix: str, suppress: bool) -> CitationItem:
    locator = split_locator(suffix)
    return CitationItem(key=key, prefix=prefix, locator=locator.value, label=locator.label, suffix=locator.suffix,
                        suppress_author=suppress, locator_type=locator.type)


# --- locators ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Locator:
    label: str
    type: str
    value: str
    suffix: str


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str
    """``space``, ``str`` (a word or a single punctuation mark), ``emph``, ``math`` or ``code``."""
    start: int


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=[^\s*_])([^*_]*?[^\s*_])\1(?![*_])")


def _tokens(text: str) -> list[_Token]:
    """Words, single punctuation marks (``:`` stays inside words) and spaces, as pandoc's
    ``splitInp`` cuts a suffix; backslash escapes are the character they escape."""
    tokens: list[_Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            stop = index
            while stop < length and text[stop].isspace():
                stop += 1
            tokens.append(_Token(" ", "space", index))
            index = stop
        elif char == "\\" and text.startswith(" ", index + 1):
            tokens.append(_Token("\u00a0", "space", index))
            index += 2
        elif char == "\\" and index + 1 < length and _is_punctuation(text[index + 1]):
            tokens.append(_Token(text[index + 1], "str", index))
            index += 2
        elif char == "`":
            close = _code_span_close(text, index, length)
            if close is None:
                ticks = _backtick_run(text, index, length)
                tokens.append(_Token("`" * ticks, "str", index))
                index += ticks
            else:
                tokens.append(_Token(text[index + _backtick_run(text, index, length):close[0]], "code", index))
                index = close[1]
        elif char in "*_" and (emphasis := _EMPHASIS.match(text, index)) \
                and not (char == "_" and index > 0 and text[index - 1].isalnum()):
            tokens.append(_Token(re.sub(r"[*_]", "", emphasis.group(2)), "emph", index))
            index = emphasis.end()
        elif char == "$" and (math := re.match(r"\$(?=\S)((?:[^$\\]|\\.)*?\S)\$(?!\d)", text[index:])):
            tokens.append(_Token(math.group(1), "math", index))
            index += math.end()
        elif _is_punctuation(char) and char != ":":
            tokens.append(_Token(char, "str", index))
            index += 1
        else:
            stop = index
            while stop < length and not text[stop].isspace() and text[stop] not in "\\`" \
                    and not (_is_punctuation(text[stop]) and text[stop] != ":"):
                stop += 1
            tokens.append(_Token(text[index:stop], "str", index))
            index = stop
    return tokens


_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_Parsed = tuple[bool, str, int]
"""(whether any part is digit-like, the text, the index after it)"""


class _LocatorParser:
    """A port of ``Text.Pandoc.Citeproc.Locator``: the same grammar over the same tokens."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.count = len(tokens)

    def char(self, index: int, test: Callable[[str], bool]) -> bool:
        if index >= self.count:
            return False
        token = self.tokens[index]
        return token.kind == "str" and len(token.text) == 1 and test(token.text)

    def space(self, index: int) -> bool:
        return index < self.count and (self.tokens[index].kind == "space" or self.tokens[index].text == "\u00a0")

    def text(self, start: int, stop: int) -> str:
        return "".join(token.text for token in self.tokens[start:stop])

    def parse(self) -> tuple[tuple[str, str, str] | None, int] | None:
        index = 0
        if self.char(index, lambda c: c == ","):
            index += 1
        if self.space(index):
            index += 1
        found = self.delimited(index) or self.integrated(index)
        if found is None:
            return None
        label, kind, value, index = found
        return ((label, kind, value) if label.strip() or value else None), index

    # {pp. iv, vi-xi}
    def delimited(self, index: int) -> tuple[str, str, str, int] | None:
        if not self.char(index, lambda c: c == "{"):
            return None
        index += 1
        while self.space(index):
            index += 1
        label = self.label(index, lambda at: at < self.count)
        if label is not None:
            raw, kind, index = label
        elif self.char(index, str.isdigit):
            raw, kind = "", "page"
        else:
            raw, kind = "", ""
        start = index
        while (found := self.balanced("{}[]", lambda at: (True, self.tokens[at].text, at + 1) if at < self.count
                                      else None, index)) is not None:
            index = found[2]
        if not self.char(index, lambda c: c == "}"):
            return None
        return raw, kind, self.text(start, index), index + 1

    # pp. 33-35, 123(4), § 3(a)(ii)
    def integrated(self, index: int) -> tuple[str, str, str, int] | None:
        label = self.label(index, lambda at: self.romans_or_digits(self.word(True, at)) is not None)
        if label is not None:
            raw, kind, index = label
            implicit = False
        elif self.digits(self.word(True, index)) is not None:
            raw, kind, implicit = "", "page", True
        else:
            return None
        require = self.digits if implicit else self.romans_or_digits
        first = require(self.word(not implicit, index))
        if first is None:
            return None
        parts, index = [first[1]], first[2]
        while (more := require(self.word(False, index))) is not None:
            parts.append(more[1])
            index = more[2]
        return raw, kind, "".join(parts), index

    @staticmethod
    def digits(found: _Parsed | None) -> _Parsed | None:
        return found if found is not None and any(char.isdigit() for char in found[1]) else None

    @staticmethod
    def romans_or_digits(found: _Parsed | None) -> _Parsed | None:
        return found if found is not None and found[0] else None

    def label(self, index: int, stop: Callable[[int], bool]) -> tuple[str, str, int] | None:
        """The longest run of tokens from ``index`` that is a locator term, each run ending
        where ``stop`` holds (pandoc's ``pLocatorLabel'``)."""
        best, text, at = None, "", index
        while at < self.count:
            end = at + 1
            while not stop(end):
                if end >= self.count:
                    return best
                end += 1
            text += self.text(at, end)
            if len(text.strip()) > _LONGEST_TERM:
                return best
            kind = LOCATOR_TERMS.get(text.strip().casefold())
            if kind is not None:
                best = (text.strip(), kind, end)
            at = end
        return best

    def word(self, is_first: bool, index: int) -> _Parsed | None:
        """One locator word: a separator (not for the first), a space, then page units in
        balanced brackets (pandoc's ``pLocatorWordIntegrated``)."""
        punctuation = ""
        if not is_first and self.char(index, lambda c: c in ",;"):
            punctuation = self.tokens[index].text
            index += 1
        space = ""
        if self.space(index):
            space, index = " ", index + 1
        found = self.balanced("()[]{}", self.page_sequence, index)
        if found is None:
            return None
        return found[0], punctuation + space + found[1], found[2]

    def balanced(self, braces: str, inner: Callable[[int], _Parsed | None], index: int) -> _Parsed | None:
        """One or more of: ``inner`` not starting with a bracket, or an open bracket, at most one
        ``inner``, its close bracket (pandoc's ``pBalancedBraces``)."""
        parts: list[tuple[bool, str]] = []
        while True:
            found = None
            if self.char(index, lambda c: c in braces[0::2]):
                opening = self.tokens[index].text
                closing = braces[braces.index(opening) + 1]
                middle = None if self.char(index + 1, lambda c: c in braces) else inner(index + 1)
                after = middle[2] if middle else index + 1
                if self.char(after, closing.__eq__):
                    found = (bool(middle and middle[0]), opening + (middle[1] if middle else "") + closing, after + 1)
            elif not self.char(index, lambda c: c in braces):
                found = inner(index)
            if found is None:
                break
            parts.append((found[0], found[1]))
            index = found[2]
        if not parts:
            return None
        return any(digit for digit, _ in parts), "".join(text for _, text in parts), index

    def page_sequence(self, index: int) -> _Parsed | None:
        """1, 1.2, 1.2.3 (not a trailing period)."""
        first = self.page_unit(index)
        if first is None:
            return self.with_period(index)
        parts, index, digit = [first[1]], first[2], first[0]
        while (more := self.with_period(index)) is not None:
            parts.append(more[1])
            index, digit = more[2], digit or more[0]
        return digit, "".join(parts), index

    def with_period(self, index: int) -> _Parsed | None:
        if not self.char(index, lambda c: c == "."):
            return None
        unit = self.page_unit(index + 1)
        return None if unit is None else (unit[0], "." + unit[1], unit[2])

    def page_unit(self, index: int) -> _Parsed | None:
        if index < self.count and self.tokens[index].kind == "str" and _ROMAN.match(self.tokens[index].text.upper()):
            return True, self.tokens[index].text, index + 1
        start = index
        while index < self.count:
            token = self.tokens[index]
            if token.kind in ("space", "math") or token.text == "\u00a0" or (
                    token.kind == "str" and len(token.text) == 1 and _is_punctuation(token.text) and token.text not in "-–:"):
                break
            index += 1
        if index == start:
            return None
        text = self.text(start, index)
        return any(char.isdigit() for char in text), text, index


def split_locator(suffix: str) -> Locator:
    """The locator at the start of a citation's suffix, and what remains of the suffix."""
    tokens = _tokens(suffix)
    parsed = _LocatorParser(tokens).parse()
    if parsed is None:
        return Locator("", "", "", _with_comma(suffix, tokens))
    found, index = parsed
    rest = suffix[tokens[index].start:] if index < len(tokens) else ""
    if found is None:
        return Locator("", "", "", _with_comma(rest, tokens[index:]))
    label, kind, value = found
    value = value.replace("---", "—").replace("--", "–")
    return Locator(label, kind, value, rest)


def _with_comma(suffix: str, tokens: list[_Token]) -> str:
    """A suffix that is not a locator is set off by a comma unless it starts with a space or
    punctuation of its own (pandoc's ``maybeAddComma``)."""
    if not tokens or tokens[0].kind == "space":
        return suffix
    first = tokens[0]
    is_quoted = first.text in "\"'" and re.match(r"([\"'])\S.*?\S?\1", suffix) is not None
    if first.kind == "str" and _is_punctuation(first.text[0]) and not is_quoted:
        return suffix
    return ", " + suffix


# --- the inline rule ----------------------------------------------------------------------------

def _citation_rule(state: StateInline, silent: bool) -> bool:
    char = state.src[state.pos]
    if char == "[":
        return _bracketed(state, silent)
    if char == "@" or char == "-" and state.src.startswith("-@", state.pos):
        return _narrative(state, silent)
    return False


def _paragraph(state: StateInline) -> _Source:
    cached = state.env.get("_citation_source")
    if not isinstance(cached, _Source) or cached.text is not state.src:
        cached = _source(state.src)
        state.env["_citation_source"] = cached
    return cached


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
    items = _parse_items(source, start + 1, end, first_needs_key=True)
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
    items, end = (CitationItem(key=key[0], suppress_author=suppress),), key[1]
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
    if normalizeReference(state.src[open_at + 1:close_at]) in state.env.get("references", {}):
        return None
    group = _parse_items(source, open_at + 1, close_at, first_needs_key=True) if source.has_at(open_at, close_at) else None
    if group:
        return None, group, close_at + 1
    parts = _split_parts(source, open_at + 1, close_at)
    rest = _parse_items(source, open_at + 1, close_at, first_needs_key=False)
    if rest is None:
        return None
    first_start, first_end = parts[0]
    locator = split_locator(_suffix_text(state.src[first_start:first_end]))
    return locator, rest, close_at + 1


def _bracket_pairs(src: str) -> dict[int, int]:
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
