"""The locator at the start of a citation's suffix (``p. 4``, ``chaps. 3-5``, ``§ 3(a)(ii)``,
``{iv, 3}``), split off as pandoc's citeproc does it (``Text.Pandoc.Citeproc.Locator``), with
citeproc's English locator terms plus the few briefgen adds (``BRIEFGEN_LOCATOR_TERMS``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.citations.suffix_tokens import SuffixToken, is_punctuation, tokenize_suffix


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


@dataclass(frozen=True, slots=True)
class Locator:
    label: str
    type: str
    value: str
    suffix: str


_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_Parsed = tuple[bool, str, int]
"""(whether any part is digit-like, the text, the index after it)"""


class _LocatorParser:
    """A port of ``Text.Pandoc.Citeproc.Locator``: the same grammar over the same tokens."""

    def __init__(self, tokens: list[SuffixToken]) -> None:
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
                    token.kind == "str" and len(token.text) == 1 and is_punctuation(token.text) and token.text not in "-–:"):
                break
            index += 1
        if index == start:
            return None
        text = self.text(start, index)
        return any(char.isdigit() for char in text), text, index


def split_locator(suffix: str) -> Locator:
    """The locator at the start of a citation's suffix, and what remains of the suffix."""
    tokens = tokenize_suffix(suffix)
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


def _with_comma(suffix: str, tokens: list[SuffixToken]) -> str:
    """A suffix that is not a locator is set off by a comma unless it starts with a space or
    punctuation of its own (pandoc's ``maybeAddComma``)."""
    if not tokens or tokens[0].kind == "space":
        return suffix
    first = tokens[0]
    is_quoted = first.text in "\"'" and re.match(r"([\"'])\S.*?\S?\1", suffix) is not None
    if first.kind == "str" and is_punctuation(first.text[0]) and not is_quoted:
        return suffix
    return ", " + suffix
