"""Structure: sections no brief lists, links that lead nowhere, images without alt text,
and headings that skip a level.

Unknown section ids and audience ids are reported by assembly itself (the build needs
them too); this module adds what the build lets through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

from briefgen.check.editions import CheckedEdition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.project import BRIEFS_DIR
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Brief, EditionText, Project, SectionRef

_HTML_ID = re.compile(r"""\sid=["']([^"']+)["']""")


def check_structure(project: Project, editions: Sequence[CheckedEdition], is_whole_project: bool,
                    diagnostics: Diagnostics) -> None:
    if is_whole_project:
        check_orphans(project, diagnostics)
    links = _BrokenLinks()
    for checked in editions:
        check_further_questions(project, checked, links, diagnostics)
        check_anchor_links(checked, links)
        for text in checked.texts:  # images without alt text: reported by the build itself (check_alt_text)
            check_headings(text, diagnostics)
    links.report(diagnostics)


class _BrokenLinks:
    """A link that leads nowhere in several editions is one finding that names them."""

    def __init__(self) -> None:
        self.found: dict[tuple[SourceLocation, str, str], list[str]] = {}

    def add(self, location: SourceLocation, message: str, hint: str, edition: str) -> None:
        self.found.setdefault((location, message, hint), []).append(edition)

    def report(self, diagnostics: Diagnostics) -> None:
        for (location, message, hint), editions in self.found.items():
            names = sorted(set(editions))
            where = f"edition {names[0]}" if len(names) == 1 else "editions " + ", ".join(names)
            diagnostics.error(location, message.format(where=where), hint, rule="structure/broken-link")


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


def check_further_questions(project: Project, checked: CheckedEdition, links: _BrokenLinks,
                            diagnostics: Diagnostics) -> None:
    edition = checked.edition
    for question in edition.further_questions:
        if question.brief is None:
            continue
        target = project.briefs.get(question.brief)
        if target is None:
            if (project.root / BRIEFS_DIR / f"{question.brief}.yaml").is_file():
                continue  # the manifest exists but has errors of its own
            known = [b for b in project.briefs if b != edition.brief.id]
            diagnostics.error(question.location, f"further question links to brief '{question.brief}', which does not exist",
                              did_you_mean(question.brief, known) or "fix the brief id or remove 'brief:'",
                              rule="structure/broken-link")
        elif target.audiences is not None and edition.audience.id not in target.audiences:
            links.add(question.location, f"further question links to brief '{question.brief}', which has no edition "
                      "for the audience of {where}",
                      f"add the audience to the audiences of '{question.brief}', or set further_questions for it "
                      "under editions.<audience-id>", edition.name)


def check_anchor_links(checked: CheckedEdition, links: _BrokenLinks) -> None:
    """``[see the costs](#resources-and-costs)`` must land on something in this edition's page."""
    ids = set(_HTML_ID.findall(checked.html))
    for text in checked.texts:
        for token, line in _inline_children(text):
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if not href.startswith("#") or href == "#" or href[1:] in ids:
                continue
            links.add(text.source.location.at_line(line), f"link to '{href}' leads nowhere in {{where}}",
                      "link to a section id this audience's edition includes, or to a heading id "
                      "('<section-id>--<heading-words>')", checked.edition.name)


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


def _inline_children(text: EditionText) -> Iterator[tuple[Token, int]]:
    """Every inline token with the file line of its block (1-based)."""
    first = text.source.location.line
    for block in text.tokens:
        if block.type != "inline" or not block.children:
            continue
        yield from _walk(block.children, block, first + (block.map[0] if block.map else 0))


def _walk(children: list[Token], block: Token, line: int) -> Iterator[tuple[Token, int]]:
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            position = block.content.find(f"({href}") if href else -1
            yield child, line + (block.content.count("\n", 0, position) if position > 0 else 0)
        else:
            yield child, line
        if child.children:
            yield from _walk(child.children, block, line)
