"""Number an edition's floats in reading order, after its audience blocks are applied, and
check its cross-references: each names a float or section this edition prints.

A figure an audience does not read is not counted for it (no gap in its numbers), and a
reference to it from that audience's text is an error naming the audience.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

from briefgen.citations.cite import reading_order
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.figures.model import FloatKind, FloatNumber, FloatNumbers, SectionTarget
from briefgen.i18n import messages_for
from briefgen.load.yaml_fields import did_you_mean
from briefgen.markdown.plain import inline_text
from briefgen.markdown.tokens import walk_tokens
from briefgen.model import Edition, EditionText, Project

_WRITTEN_ID = re.compile(r"\{[^{}\n]*#((?:fig|tbl|sec)-[A-Za-z0-9_-]+)")
"""An id as an author writes it, in any attribute braces (``{#fig-x}``, ``{.table #tbl-x}``)."""


def number_floats(edition: Edition, project: Project, diagnostics: Diagnostics) -> FloatNumbers:
    """The edition's float numbers and section targets; duplicate ids, ids that are also
    citation keys and references to ids this edition does not print are errors at their line."""
    messages = messages_for(edition.language)
    labels = {"fig": messages["float_figure"], "tbl": messages["float_table"], "sec": messages["float_section"]}
    floats: dict[str, FloatNumber] = {}
    first_at: dict[str, SourceLocation] = {}
    counts: dict[FloatKind, int] = {"fig": 0, "tbl": 0}
    sections: dict[str, SectionTarget] = {}
    page_ids: dict[str, SourceLocation] = {}
    section_numbers = {f"section-{s.number}": s for s in edition.sections}
    pieces = reading_order(edition, messages)
    for numbered in edition.sections:
        page_ids[numbered.anchor] = numbered.section.location
    for key, text, _place in pieces:
        section = section_numbers.get(key)
        for token, location in _block_tokens(text):
            if token.type == "heading_open":
                identifier = str(token.attrGet("id") or "")
                page_ids.setdefault(identifier, location)
                if identifier.startswith("sec-") and section is not None:
                    sections[identifier] = SectionTarget(section.number, identifier)
            elif token.type == "figure_open" and token.meta and token.meta.get("float_id"):
                identifier, kind = str(token.meta["float_id"]), token.meta["float_kind"]
                if identifier in first_at:
                    diagnostics.error(location, f"the id '{identifier}' is used twice in this edition "
                                      f"(first at {first_at[identifier].display(project.root)})",
                                      "give each figure and table its own id")
                    continue
                first_at[identifier] = location
                if identifier in project.bibliography.references:
                    diagnostics.error(location, f"'{identifier}' is both a figure or table id and a citation key in "
                                      "references.bib, so @" + identifier + " would be ambiguous",
                                      "rename the id here or the key in references.bib")
                counts[kind] += 1
                floats[identifier] = FloatNumber(identifier, kind, counts[kind], _caption_text(text, token))
    for identifier, location in first_at.items():
        if identifier in page_ids:
            diagnostics.error(location, f"the id '{identifier}' is already the id of a section or heading",
                              "give the figure or table another id")
    for numbered in edition.sections:
        sections.setdefault(f"sec-{numbered.anchor}", SectionTarget(numbered.number, numbered.anchor))
    numbers = FloatNumbers(floats, sections, labels)
    _check_references(edition, project, numbers, diagnostics)
    return numbers


def _block_tokens(text: EditionText) -> Iterator[tuple[Token, SourceLocation]]:
    first = text.source.location.line or 1
    for token in text.tokens:
        yield token, text.source.location.at_line(first + (token.map[0] if token.map else 0))


def _caption_text(text: EditionText, opening: Token) -> str:
    tokens = list(text.tokens)
    start = tokens.index(opening)
    for token in tokens[start:]:
        if token.type == "figcaption_open":
            caption = tokens[tokens.index(token) + 1]
            return inline_text(caption.children or [])
        if token.type == "figure_close":
            break
    return ""


def _check_references(edition: Edition, project: Project, numbers: FloatNumbers, diagnostics: Diagnostics) -> None:
    known = [*numbers.floats, *numbers.sections]
    written = written_ids(project)
    for text in edition.texts():
        for token in walk_tokens(text.tokens):
            if token.type != "crossref":
                continue
            for identifier in token.meta["ids"]:
                if identifier in numbers.floats or identifier in numbers.sections:
                    continue
                location = text.source.location.at_line(int(token.meta["line"]))
                where = written.get(identifier)
                if where is not None:
                    hint = (f"'{identifier}' is in section '{where}', which this edition for '{edition.audience.id}' does "
                            "not print (an audience block or the section's audiences keep it out): refer to it only "
                            "where it is shown, e.g. inside the same audience block")
                    diagnostics.error(location, f"@{identifier} refers to something hidden from audience "
                                      f"'{edition.audience.id}'", hint)
                elif identifier in project.bibliography.references:
                    diagnostics.error(location, f"@{identifier} is a cross-reference, but no figure, table or section "
                                      "has this id; references.bib has an entry with this key",
                                      "keys starting 'fig-', 'tbl-' or 'sec-' are cross-references: rename the entry")
                else:
                    diagnostics.error(location, f"@{identifier} refers to no figure, table or section",
                                      did_you_mean(identifier, known) or "give the figure, table or heading this id "
                                      "with {#" + identifier + "}, or fix the reference")


def written_ids(project: Project) -> dict[str, str]:
    """Every float or section id written in the project's sections → the section it is in."""
    found: dict[str, str] = {}
    for section in [*project.sections.values(), *project.translations.values()]:
        for match in _WRITTEN_ID.finditer(section.body.text):
            found.setdefault(match.group(1), section.id)
        found.setdefault(f"sec-{section.id}", section.id)
    return found
