"""Number the citations of one edition and collect the references it cites.

Numbers follow the order of first citation across the whole edition (summary first,
then the sections in order); ``nocite`` keys come after the cited ones. Every unknown
key is an error at its file and line, with the closest known key suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from briefgen.citations.syntax import Citation
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.tokens import walk_tokens
from briefgen.model import Bibliography, Reference


@dataclass(frozen=True, slots=True)
class CitedPlace:
    """Where a part of the edition is, for "cited in §2" back-links."""

    label: str
    anchor: str


@dataclass(frozen=True, slots=True)
class CitationPart:
    """One piece of an edition's text, in reading order, with the tokens to scan."""

    tokens: Sequence[Token]
    location: SourceLocation
    place: CitedPlace


@dataclass(frozen=True, slots=True)
class CitationTable:
    """What an edition cites: references in number order, and where each is cited."""

    references: tuple[Reference, ...]
    numbers: dict[str, int]
    cited_in: dict[str, tuple[CitedPlace, ...]]

    def number(self, key: str) -> int:
        return self.numbers[key]


def resolve_citations(parts: Iterable[CitationPart], bibliography: Bibliography, nocite: Sequence[str],
                      nocite_location: SourceLocation | Mapping[str, SourceLocation],
                      diagnostics: Diagnostics) -> CitationTable:
    """``nocite_location``: where the nocite keys are written, one place or one per key."""
    order: list[str] = []
    places: dict[str, list[CitedPlace]] = {}
    known = bibliography.references
    for part in parts:
        for citation in iter_citations(part.tokens):
            for item in citation.items:
                if item.key not in known:
                    if not bibliography.is_readable:
                        continue
                    diagnostics.error(part.location.at_line(citation.line), f"unknown citation key '{item.key}'",
                                      _suggest(item.key, known), rule="citations/unknown-key")
                    continue
                if item.key not in places:
                    order.append(item.key)
                    places[item.key] = []
                if part.place not in places[item.key]:
                    places[item.key].append(part.place)
    for key in nocite:
        if key == "*":
            order.extend(k for k in known if k not in places)
            places.update({k: [] for k in known if k not in places})
        elif key not in known:
            at = nocite_location.get(key) if isinstance(nocite_location, Mapping) else nocite_location
            diagnostics.error(at, f"unknown key '{key}' in nocite", _suggest(key, known),
                              rule="citations/unknown-key")
        elif key not in places:
            order.append(key)
            places[key] = []
    for key in order:
        check_reference(known[key], diagnostics)
    return CitationTable(references=tuple(known[key] for key in order),
                         numbers={key: index for index, key in enumerate(order, start=1)},
                         cited_in={key: tuple(value) for key, value in places.items()})


ONLINE_TYPES = frozenset({"webpage", "post", "post-weblog"})
"""Pages that change: the only ones a retrieval date (urldate) is asked for and printed."""
_AUTHORLESS_TYPES = frozenset({"legislation", "legal_case", "bill", "treaty"})


def check_reference(reference: Reference, diagnostics: Diagnostics) -> None:
    """Warnings for a cited entry that would print badly in the Sources list."""
    at = reference.location
    if reference.problem:
        diagnostics.error(at.at_line(reference.problem_line or at.line), reference.problem, reference.problem_hint,
                          rule="citations/broken-entry")
    if not reference.title:
        diagnostics.warning(at, f"entry '{reference.id}' has no title", "add a title field",
                            rule="citations/incomplete-entry")
    if reference.type not in _AUTHORLESS_TYPES and not (reference.author or reference.editor or reference.publisher
                                                          or reference.short_author or reference.group_author):
        diagnostics.warning(at, f"entry '{reference.id}' has no author or institution",
                            "add an author (an organisation in double braces: {{Agency Name}}) or an institution",
                            rule="citations/incomplete-entry")
    is_online = reference.type in ONLINE_TYPES  # a landing-page URL on an article needs no retrieval date (APA 7)
    if is_online and not reference.doi and not (reference.accessed.year or reference.accessed.literal):
        diagnostics.warning(at, f"online source '{reference.id}' has no urldate",
                            "add urldate = {YYYY-MM-DD}, the day you last opened the URL and checked the facts",
                            rule="citations/missing-urldate")


def iter_citations(tokens: Iterable[Token]) -> Iterator[Citation]:
    """Every citation in the tokens, in document order."""
    for token in walk_tokens(tokens):
        if token.type == "citation":
            yield token.meta["citation"]


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "add the entry to references.bib or correct the key"
