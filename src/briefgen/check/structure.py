"""Structure: sections no brief lists, links that lead nowhere, images without alt text,
and headings that skip a level.

Unknown section ids and audience ids are reported by assembly itself (the build needs
them too); this module adds what the build lets through.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefgen.check.editions import CheckedEdition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.model import Brief, EditionText, Project, SectionRef
from briefgen.render.anchors import BROKEN_LINK, link_problems


def check_structure(project: Project, editions: Sequence[CheckedEdition], is_whole_project: bool,
                    diagnostics: Diagnostics) -> None:
    if is_whole_project:
        check_orphans(project, diagnostics)
    links = _BrokenLinks()
    for checked in editions:
        for problem in link_problems(checked.edition, project, checked.html):
            links.add(problem.location, problem.message, problem.hint, checked.edition.name)
        for text in checked.texts:  # images without alt text: reported by the build itself (check_alt_text)
            check_headings(text, diagnostics)
    links.report(diagnostics)


class _BrokenLinks:
    """A link that leads nowhere in several editions is one finding that names them (the build
    reports the same links per edition; :func:`briefgen.check.editions.check_edition` leaves
    those out)."""

    def __init__(self) -> None:
        self.found: dict[tuple[SourceLocation, str, str], list[str]] = {}

    def add(self, location: SourceLocation, message: str, hint: str, edition: str) -> None:
        self.found.setdefault((location, message, hint), []).append(edition)

    def report(self, diagnostics: Diagnostics) -> None:
        for (location, message, hint), editions in self.found.items():
            names = sorted(set(editions))
            where = f"edition {names[0]}" if len(names) == 1 else "editions " + ", ".join(names)
            diagnostics.error(location, message.replace("{where}", where), hint, rule=BROKEN_LINK)


def check_orphans(project: Project, diagnostics: Diagnostics) -> None:
    listed = {ref.id for brief in project.briefs.values() for ref in _all_refs(brief)}
    for section in project.sections.values():
        if section.id not in listed:
            diagnostics.warning(section.location, f"section '{section.id}' is listed in no brief",
                                "add it to a brief's sections, or delete the file if it is no longer needed",
                                rule="structure/orphan-section")
    for (section_id, language), variant in project.translations.items():
        if section_id not in project.sections and section_id not in project.broken_sections:
            diagnostics.warning(variant.location, f"'{language}' translation of a section '{section_id}' that does not exist",
                                f"add briefs/sections/{section_id}.md, or rename this file",
                                rule="structure/orphan-section")


def _all_refs(brief: Brief) -> Iterator[SectionRef]:
    yield from brief.sections
    for overrides in brief.editions.values():
        yield from overrides.sections or ()
        yield from overrides.extra_sections


def check_headings(text: EditionText, diagnostics: Diagnostics) -> None:
    """The section title is the top heading (level 1): sub-headings start at '##' and go down one level at a time."""
    previous = 1
    for token in text.tokens:
        if token.type != "heading_open":
            continue
        level = len(token.markup) if token.markup.startswith("#") else (1 if token.markup.startswith("=") else 2)
        location = text.source.location.at_line(text.source.location.line + (token.map[0] if token.map else 0))
        if level == 1:
            diagnostics.warning(location, "a top-level heading ('#') in section text; the section title is the top heading",
                                "use '##' for the first level of sub-headings", rule="structure/heading-level")
        elif level > previous + 1:
            after = "the section title (level 1)" if previous == 1 else f"a level {previous} heading"
            diagnostics.warning(location, f"a level {level} heading ('{'#' * level}') follows {after}, skipping "
                                f"level {previous + 1}", f"use '{'#' * (previous + 1)}' here",
                                rule="structure/heading-level")
        previous = level
