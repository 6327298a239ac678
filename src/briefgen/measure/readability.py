"""Reading level of an edition: words and a school grade (Flesch–Kincaid; Crawford for Spanish).

Syllables come from pyphen's hyphenation dictionaries (the language of the edition),
which works offline and gives the same answer on every machine. Citations, code and
URLs are left out of the text that is scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefgen.measure.syllables import hyphenator
from briefgen.model import Edition

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*%?")
_VOWEL_GROUP = re.compile(r"[aeiouyáéíóúüàèìòùâêîôûäëïö]+")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|[\n]{2,}")


MIN_WORDS_GRADED = 100
"""Below this many words a reading grade says little, so none is given."""


@dataclass(frozen=True, slots=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    language: str = "en"

    @property
    def grade(self) -> float:
        """The school grade needed to read the text (0 when there is no text).

        Flesch–Kincaid for English and other languages; Crawford's formula for Spanish,
        whose words have more syllables, so Flesch–Kincaid would overstate the grade.
        """
        if not self.words:
            return 0.0
        if self.language.split("-")[0] == "es":
            sentences_per_100 = 100 * max(self.sentences, 1) / self.words
            syllables_per_100 = 100 * self.syllables / self.words
            return round(-0.205 * sentences_per_100 + 0.049 * syllables_per_100 - 3.407, 1)
        return round(0.39 * self.words / max(self.sentences, 1) + 11.8 * self.syllables / self.words - 15.59, 1)

    @property
    def is_graded(self) -> bool:
        return self.words >= MIN_WORDS_GRADED


def measure_edition(edition: Edition) -> Readability:
    """The reading level of what this audience reads (all but the disclaimer)."""
    from briefgen.markdown.plain import plain_text  # here: a build with nothing to do loads no Markdown parser

    texts = edition.texts(include_disclaimer=False)
    return measure("\n\n".join(plain_text(t.tokens) for t in texts), edition.language)


def measure(text: str, language: str) -> Readability:
    words = _WORD.findall(text)
    if not words:
        return Readability(0, 0, 0, language)
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    syllables = sum(_syllables(word, language) for word in words)
    return Readability(len(words), len(sentences), syllables, language)


@lru_cache(maxsize=65536)
def _syllables(word: str, language: str) -> int:
    """The larger of two counts: hyphenation points miss syllables at word edges
    ("coun-ty" is one point), vowel groups miss hiatus ("re-in-state").

    Cached: the same words recur in every edition of a build."""
    if word[0].isdigit():
        return max(1, len(word.replace(",", "").replace(".", "")) // 2)
    dictionary = hyphenator(language)
    lower = word.lower()
    by_hyphenation = len(dictionary.positions(lower)) + 1
    groups = len(_VOWEL_GROUP.findall(lower))
    if language.startswith("en") and lower.endswith("e") and not lower.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(by_hyphenation, groups, 1)
