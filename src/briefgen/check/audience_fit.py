"""Audience fit: does each edition read at its audience's level, and fit its page budget?

The grade is the one ``briefgen build`` reports (readability.py); when it is above the
profile's ``reading_grade``, the sections that read hardest are named with their grades.
Editions shorter than :data:`MIN_WORDS_GRADED` words are not graded.
Pages are only known when the check laid the editions out (``--pages``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.check.editions import CheckedEdition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.plain import plain_text
from briefgen.measure.readability import MIN_WORDS_GRADED, measure

HARDEST_SHOWN = 3
"""How many of the hardest sections a reading-grade finding names."""
"""Below this many words a Flesch–Kincaid grade says little (one long word moves it by grades)."""


@dataclass(frozen=True, slots=True)
class SectionGrade:
    section_id: str
    grade: float


def check_audience_fit(editions: Sequence[CheckedEdition], diagnostics: Diagnostics) -> None:
    for checked in editions:
        _check_grade(checked, diagnostics)
        _check_pages(checked, diagnostics)


def section_grades(checked: CheckedEdition) -> list[SectionGrade]:
    """Each section's grade, hardest first."""
    language = checked.edition.language
    grades = [SectionGrade(s.section.id, measure(plain_text(s.text.tokens), language).grade)
              for s in checked.edition.sections]
    return sorted(grades, key=lambda g: g.grade, reverse=True)


def _edition_location(checked: CheckedEdition) -> SourceLocation:
    """Where an edition is declared: its ``editions.<audience>`` entry, or the brief's first line."""
    edition = checked.edition
    overrides = edition.brief.editions.get(edition.audience.id)
    return overrides.location if overrides else edition.brief.location


def _check_grade(checked: CheckedEdition, diagnostics: Diagnostics) -> None:
    audience = checked.edition.audience
    target = audience.reading_grade
    grade = checked.reading.grade
    if target is None or grade <= target or checked.reading.words < MIN_WORDS_GRADED:
        return
    hardest = [g for g in section_grades(checked) if g.grade > target][:HARDEST_SHOWN]
    named = ", ".join(f"{g.section_id} ({g.grade:.1f})" for g in hardest)
    message = (f"edition {checked.edition.name} reads at grade {grade:.1f}, above the '{audience.id}' target of "
               f"{target:g}" + (f"; hardest sections: {named}" if named else ""))
    diagnostics.warning(_edition_location(checked), message,
                        "use shorter sentences and plainer words there, or give this audience its own wording in an "
                        f"audience block (::: {{audience=\"{audience.id}\"}})", rule="audience/reading-grade")


def _check_pages(checked: CheckedEdition, diagnostics: Diagnostics) -> None:
    audience = checked.edition.audience
    if checked.pages is None or audience.max_pages is None or checked.pages <= audience.max_pages:
        return
    diagnostics.warning(_edition_location(checked),
                        f"edition {checked.edition.name} has {checked.pages} pages, over the '{audience.id}' target "
                        f"of {audience.max_pages}",
                        f"leave sections out for this audience (editions.{audience.id}.sections or audiences: on a "
                        "section), or shorten them", rule="audience/max-pages")
