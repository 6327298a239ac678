"""A citation's suffix cut into words, single punctuation marks and spaces, as pandoc's
``splitInp`` cuts it before looking for a locator (``Text.Pandoc.Citeproc.Locator``);
emphasis, code spans and TeX math are one token each."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SuffixToken:
    text: str
    kind: str
    """``space``, ``str`` (a word or a single punctuation mark), ``emph``, ``math`` or ``code``."""
    start: int


def is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=[^\s*_])([^*_]*?[^\s*_])\1(?![*_])")


def tokenize_suffix(text: str) -> list[SuffixToken]:
    """Words, single punctuation marks (``:`` stays inside words) and spaces, as pandoc's
    ``splitInp`` cuts a suffix; backslash escapes are the character they escape."""
    tokens: list[SuffixToken] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            stop = index
            while stop < length and text[stop].isspace():
                stop += 1
            tokens.append(SuffixToken(" ", "space", index))
            index = stop
        elif char == "\\" and text.startswith(" ", index + 1):
            tokens.append(SuffixToken("\u00a0", "space", index))
            index += 2
        elif char == "\\" and index + 1 < length and is_punctuation(text[index + 1]):
            tokens.append(SuffixToken(text[index + 1], "str", index))
            index += 2
        elif char == "`":
            close = code_span_close(text, index, length)
            if close is None:
                ticks = backtick_run(text, index, length)
                tokens.append(SuffixToken("`" * ticks, "str", index))
                index += ticks
            else:
                tokens.append(SuffixToken(text[index + backtick_run(text, index, length):close[0]], "code", index))
                index = close[1]
        elif char in "*_" and (emphasis := EMPHASIS.match(text, index)) \
                and not (char == "_" and index > 0 and text[index - 1].isalnum()):
            tokens.append(SuffixToken(re.sub(r"[*_]", "", emphasis.group(2)), "emph", index))
            index = emphasis.end()
        elif char == "$" and (math := re.match(r"\$(?=\S)((?:[^$\\]|\\.)*?\S)\$(?!\d)", text[index:])):
            tokens.append(SuffixToken(math.group(1), "math", index))
            index += math.end()
        elif is_punctuation(char) and char != ":":
            tokens.append(SuffixToken(char, "str", index))
            index += 1
        else:
            stop = index
            while stop < length and not text[stop].isspace() and text[stop] not in "\\`" \
                    and not (is_punctuation(text[stop]) and text[stop] != ":"):
                stop += 1
            tokens.append(SuffixToken(text[index:stop], "str", index))
            index = stop
    return tokens


def backtick_run(text: str, index: int, end: int) -> int:
    stop = index
    while stop < end and text[stop] == "`":
        stop += 1
    return stop - index


def code_span_close(text: str, index: int, end: int) -> tuple[int, int] | None:
    """The closing run of a code span opened at ``index`` (same number of backticks): where it
    starts and ends, or None. Runs of another length are skipped, as CommonMark does."""
    ticks = backtick_run(text, index, end)
    at = index + ticks
    while (at := text.find("`", at, end)) != -1:
        run = backtick_run(text, at, end)
        if run == ticks:
            return at, at + run
        at += run
    return None
