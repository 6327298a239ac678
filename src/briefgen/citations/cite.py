"""Cite: number an edition's citations in the order a reader meets them.

The stage between assembling an edition and rendering it. Its table says which references
the edition cites, the number (or label) of each and where each is cited; the renderer and
the checks read it, and never number anything themselves.
"""

from __future__ import annotations

from briefgen.citations.resolve import CitationPart, CitationTable, CitedPlace, resolve_citations
from briefgen.errors import Diagnostics
from briefgen.i18n import Messages, messages_for
from briefgen.model import Edition, EditionText, Project

_Piece = tuple[str, EditionText | None, CitedPlace]


def reading_order(edition: Edition, messages: Messages) -> list[tuple[str, EditionText, CitedPlace]]:
    """The edition's Markdown pieces in the order a reader meets them (citations are
    numbered, and notes counted, in this order): each with its key in the page and its place."""
    pieces: list[_Piece] = [
        ("disclaimer", edition.disclaimer, CitedPlace(messages["disclaimer"], "main")),
        ("intro", edition.intro, CitedPlace(messages["intro"], "intro")),
    ]
    takeaways: list[_Piece] = [(f"takeaway-{i}", text, CitedPlace(messages["key_takeaways"], "key-takeaways"))
                 for i, text in enumerate(edition.key_takeaways)]
    summary: list[_Piece] = [("summary", edition.summary, CitedPlace(messages["summary"], "summary"))]
    pieces += takeaways + summary if edition.audience.key_takeaways_first else summary + takeaways
    pieces += [(f"section-{s.number}", s.text, CitedPlace(f"§{s.number}", s.anchor)) for s in edition.sections]
    pieces.append(("call_to_action", edition.call_to_action, CitedPlace(messages["call_to_action"], "call-to-action")))
    return [(key, text, place) for key, text, place in pieces if text is not None]


def cite_edition(edition: Edition, project: Project, diagnostics: Diagnostics) -> CitationTable:
    """Number the citations of the edition in reading order; an unknown key is an error at its line."""
    parts = [CitationPart(text.tokens, text.source.location, place)
             for _key, text, place in reading_order(edition, messages_for(edition.language))]
    brief = edition.brief
    locations = {key: brief.nocite_locations.get(key, brief.location) for key in brief.nocite}
    return resolve_citations(parts, project.bibliography, brief.nocite, locations, diagnostics)
