"""Hyphenation points for syllable counts, from pyphen's dictionaries, read lazily.

pyphen parses every pattern of a dictionary when it opens it: 0.1–0.15 s for English, paid
by every run that scores an edition. A brief looks up a few thousand of the patterns, so
this indexes each pattern by its letters (one C-speed ``str.translate`` per line) and
parses its digits on first use. The points are the ones pyphen gives (Liang's algorithm as
pyphen implements it; a test compares them word for word). A dictionary using pyphen's
rarer syntax (``^^hh`` escapes, nonstandard hyphenation) is handed to pyphen itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

_DIGITS = str.maketrans("", "", "0123456789")
_IGNORED = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
_PARSE = re.compile(r"(\d?)(\D?)").findall
_Pattern = tuple[int, tuple[int, ...]]
"""The offset of a pattern's first non-zero value, and its values from there."""
_UNPARSED: _Pattern = (-1, ())
"""A pattern not looked at yet (compared by identity)."""


class HyphenationDictionary(Protocol):
    """What counting syllables asks of a dictionary: pyphen's ``Pyphen`` and :class:`Hyphenator` both have it."""

    def positions(self, word: str) -> list[int]: ...


class Hyphenator:
    """``positions(word)``: where ``word`` may be hyphenated, at least one letter from each end."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as stream:
            encoding = stream.readline().decode().strip()
        if encoding.lower() == "microsoft-cp1251":
            encoding = "cp1251"
        self._raw: dict[str, str] = {}
        for line in path.read_text(encoding).split("\n")[1:]:
            line = line.strip()
            if not line or line.startswith(_IGNORED):
                continue
            if "^^" in line or ("/" in line and "=" in line):
                raise NotImplementedError("pyphen's extended pattern syntax")
            self._raw[line.translate(_DIGITS)] = line
        self._parsed: dict[str, _Pattern | None] = {}
        self._maxlen = max(len(letters) for letters in self._raw)

    def _pattern(self, letters: str) -> _Pattern | None:
        parsed = self._parsed.get(letters, _UNPARSED)
        if parsed is _UNPARSED:
            raw = self._raw.get(letters)
            parsed = self._parsed[letters] = None if raw is None else _parse_pattern(raw)
        return parsed

    def positions(self, word: str) -> list[int]:
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self._maxlen, len(pointed)) + 1):
                pattern = self._pattern(pointed[i:j])
                if pattern is None:
                    continue
                offset, values = pattern
                window = slice(i + offset, i + offset + len(values))
                references[window] = map(max, values, references[window])
        right = len(word) - 1
        return [i - 1 for i, reference in enumerate(references) if reference % 2 and 1 <= i - 1 <= right]


def _parse_pattern(raw: str) -> _Pattern | None:
    """``".ach4"`` → (4, (4,)): the offset of the first non-zero value and the values from there."""
    values = [int(digit or "0") for digit, _letter in _PARSE(raw)]
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, tuple(values[start:end])


@lru_cache(maxsize=8)
def hyphenator(language: str) -> HyphenationDictionary:
    """The hyphenation dictionary for a BCP-47 tag (English when pyphen has none)."""
    import pyphen

    tag = pyphen.language_fallback(language.replace("-", "_")) or "en"
    try:
        return Hyphenator(Path(str(pyphen.LANGUAGES[tag])))
    except (NotImplementedError, OSError, UnicodeDecodeError, ValueError):
        dictionary: HyphenationDictionary = pyphen.Pyphen(lang=tag, left=1, right=1)
        return dictionary
