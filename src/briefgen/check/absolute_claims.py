"""Absolute claims: a sentence with an absolute quantifier ("no county", "never", "all",
"ningún", "nunca") that carries no citation of its own, so that an editor looks twice.

"No county has to sign" was true of federal law and false in two states; a sentence that
rules out every exception needs a source as much as a number does. Only the sentence's
own citations count (a citation later in the paragraph may back another sentence).
Questions, conditional sentences ("If all 10 officers …") and reports of the authors' own
dated search ("As of January 24, 2026, we found no study …") are not checked; a table row
that cites a source in any cell counts as cited. Reported as
info, or as a warning in the editions of an audience whose profile sets
``absolute_claims: warning``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from briefgen.check.editions import CheckedEdition
from briefgen.check.evidence import cited_footnotes, is_citing, text_units
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.plain import Reading, inline_text
from briefgen.model import EditionText

_WHO = (r"(?:one|body|county|counties|state|states|city|cities|locality|localities|agency|agencies|sheriffs?"
        r"|officers?|governments?|jurisdictions?|persons?|people|court|courts|law|laws)")
_QUANTIFIERS = {
    "en": re.compile(rf"\b(?:nobody|none|never|always|all|every(?:one|body)?|no\s+{_WHO})\b", re.IGNORECASE),
    "es": re.compile(r"\b(?:ning[uú]n[oa]?|nadie|nunca|jam[aá]s|siempre|todos|todas)\b", re.IGNORECASE),
}
"""Words that rule out every exception: "no county", "never", "all"; "ningún", "nunca", "todos"."""
_CITED = "\x00"
"""Stands for a citation inside the sentence text."""
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“¿¡(]*[^\W\d_]|\d)")
_NOT_A_CLAIM = re.compile(r"^\W*(?:if|si|suppose|supongamos)\b|\?\W*$"
                          r"|\bwe\s+(?:have\s+)?(?:found|did\s+not\s+find)\b|\bencontramos\b", re.IGNORECASE)
"""Questions, conditionals ("If all 10 …"), and reports of the authors' own search ("we found no study")."""


@dataclass(frozen=True, slots=True)
class AbsoluteClaim:
    word: str
    sentence: str


def check_absolute_claims(editions: Sequence[CheckedEdition], diagnostics: Diagnostics) -> None:
    """One finding per sentence, at the highest level any edition that reads it asks for."""
    found: dict[tuple[SourceLocation, str], bool] = {}
    for checked in editions:
        edition = checked.edition
        is_warning = edition.audience.absolute_claims == "warning"
        for text in edition.texts(include_disclaimer=False):
            for location, claim in absolute_claims_in(text, edition.language):
                message = (f"absolute claim without a citation: '{claim.sentence}' says '{claim.word}', "
                           "and this sentence cites no source")
                found[(location, message)] = found.get((location, message), False) or is_warning
    hint = "cite the source in this sentence, or soften the claim (most, usually, under federal law …)"
    for (location, message), is_warning in found.items():
        report = diagnostics.warning if is_warning else diagnostics.info
        report(location, message, hint, rule="evidence/absolute-claim")


def absolute_claims_in(text: EditionText, language: str) -> Iterator[tuple[SourceLocation, AbsoluteClaim]]:
    quantifier = _QUANTIFIERS.get(language.split("-")[0], _QUANTIFIERS["en"])
    cited_notes = cited_footnotes(text.tokens)
    for unit in text_units(text.tokens):
        if unit.kind == "table row" and any(is_citing(cell, cited_notes) for cell in unit.inlines):
            continue  # a table row's source often sits in its own column
        for inline in unit.inlines:
            for sentence in sentences(inline, cited_notes):
                if _CITED in sentence or _NOT_A_CLAIM.search(sentence):
                    continue
                match = quantifier.search(sentence)
                if match is None:
                    continue
                line = text.source.location.line + unit.line + _line_of(inline.content, sentence)
                yield (SourceLocation(text.source.location.path, line),
                       AbsoluteClaim(" ".join(match.group().split()), _shorten(sentence)))


def sentences(inline: Token, cited_notes: set[int]) -> list[str]:
    """The visible sentences of an inline token; a citation (or a cited footnote) shows as a marker."""
    reading = Reading(code="space", citation=_CITED, cited_notes=frozenset(cited_notes), has_image_text=True)
    text = " ".join(inline_text(inline.children or (), reading).split())
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def _line_of(content: str, sentence: str) -> int:
    """Lines from the start of the inline source to the sentence's first words (0 when not found)."""
    words = re.findall(r"[^\W_]+", sentence)[:4]
    if not words:
        return 0
    match = re.search(r"\W+".join(map(re.escape, words)), content)
    return content.count("\n", 0, match.start()) if match else 0


def _shorten(sentence: str, width: int = 90) -> str:
    sentence = sentence.replace(_CITED, "").strip()
    return sentence if len(sentence) <= width else sentence[:width].rsplit(" ", 1)[0] + "…"
