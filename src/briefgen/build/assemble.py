"""Brief + audience → edition: which sections, in which language, which audience blocks.

Also checks, once per project, that every audience id the content names exists: a
mistyped id is an error at its file and line, never silently ignored.

The Markdown parser is imported on first use: a build whose editions are all up to date
parses nothing it does not have to.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from briefgen.build.place_text import fill_section_title, fill_text, fill_title
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import DEFAULT_LANGUAGE
from briefgen.load.briefs import report_unread_text
from briefgen.load.project import AUDIENCES_DIR, files_with_errors
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import (
    Audience,
    Brief,
    CitationStyle,
    Edition,
    EditionOverrides,
    EditionSection,
    EditionText,
    FurtherQuestion,
    MarkdownText,
    Place,
    Project,
    Section,
    SectionRef,
)

if TYPE_CHECKING:
    from briefgen.markdown.parser import ParsedMarkdown


AudienceBlocks = tuple[tuple[str, int], ...]
"""A text's audience blocks: each one's ``audience`` expression and the line it opens on,
counted from the text's first line (0-based)."""


class MarkdownCache:
    """Parse each piece of Markdown once per run and per way of reading it: texts without
    audience blocks (most of them) once for every edition, others once for each set of blocks
    an audience reads.

    ``known_blocks``: the audience blocks of texts an earlier build read (by :func:`text_digest`),
    so that checking audience ids need not parse a text that has not changed."""

    def __init__(self, known_blocks: Mapping[str, AudienceBlocks] | None = None) -> None:
        self._parsed: dict[tuple[str, int, str, str, int, tuple[bool, ...] | None],
                           tuple[ParsedMarkdown, Diagnostics]] = {}
        self._known_blocks = dict(known_blocks or {})
        self.blocks_read: dict[str, AudienceBlocks] = {}
        """The audience blocks of every text :meth:`audience_blocks` was asked about, by digest."""

    def audience_blocks(self, source: MarkdownText, id_prefix: str, language: str) -> AudienceBlocks:
        """The audience blocks of ``source``, parsed only when not known already."""
        if not may_have_audience_blocks(source):
            return ()
        digest = text_digest(source, language)
        blocks = self._known_blocks.get(digest)
        if blocks is None:
            parsed = self.parse(source, Diagnostics(), id_prefix, language)
            blocks = tuple((str(token.meta["audience"]), token.map[0] if token.map else 0) for token in parsed.tokens
                           if token.type == "div_open" and token.meta and token.meta.get("audience") is not None)
        self.blocks_read[digest] = blocks
        return blocks

    def parse(self, source: MarkdownText, diagnostics: Diagnostics, id_prefix: str, language: str,
              heading_shift: int = 1, audience: str | tuple[str, ...] | None = None) -> ParsedMarkdown:
        """``audience``: parse the text as that audience reads it (None: every block)."""
        from briefgen.markdown.audience_blocks import audience_expressions, audience_matches

        key = (str(source.location.path), source.location.line, id_prefix, language, heading_shift)
        parsed, found = self._parse(source, key, None, None)
        if audience is not None:
            reads = tuple(audience_matches(expression, audience) for expression in audience_expressions(parsed.tokens))
            if not all(reads):
                parsed, found = self._parse(source, key, reads, audience)
        diagnostics.extend(found)
        return parsed

    def _parse(self, source: MarkdownText, key: tuple[str, int, str, str, int], reads: tuple[bool, ...] | None,
               audience: str | tuple[str, ...] | None) -> tuple[ParsedMarkdown, Diagnostics]:
        from briefgen.markdown.parser import parse_markdown

        full_key = (*key, reads)
        if full_key not in self._parsed:
            found = Diagnostics()
            self._parsed[full_key] = (parse_markdown(source, found, key[2], key[3], key[4], audience), found)
        return self._parsed[full_key]


def edition_overrides(brief: Brief, audience: Audience) -> EditionOverrides | None:
    """What the brief changes for this audience: ``editions.<id>``, with every key it leaves unset
    taken from the ``editions`` entry of the profile it extends (and so on up)."""
    found = [brief.editions[reader] for reader in audience.reader_ids if reader in brief.editions]
    if len(found) <= 1:
        return found[0] if found else None
    merged = found[-1]
    for nearer in reversed(found[:-1]):
        changes = {f.name: getattr(nearer, f.name) for f in dataclasses.fields(nearer)
                   if f.name != "location" and getattr(nearer, f.name) not in (None, "", ())}
        merged = dataclasses.replace(merged, location=nearer.location, **changes)
    return merged


def assemble_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                     diagnostics: Diagnostics, citation_style: CitationStyle | None = None,
                     place: Place | None = None) -> Edition:
    """``place``: the row of the brief's ``places:`` the edition is for (its texts are parsed once
    per audience and filled with the row's values, see :mod:`briefgen.build.place_text`)."""
    overrides = edition_overrides(brief, audience)
    language = audience.language or DEFAULT_LANGUAGE
    # without a place (check, matrix, diff), the table's first row stands in for every row
    edition_place, place = place, place or (brief.places.rows[0] if brief.places and brief.places.rows else None)

    def text(source: MarkdownText | None, prefix: str, shift: int = 1) -> EditionText | None:
        if source is None:
            return None
        parsed = cache.parse(source, diagnostics, prefix, language, shift, audience.reader_ids)
        tokens = fill_text(source, parsed.tokens, brief, place, language, diagnostics,
                                                    project.root) if "{{<" in source.text \
            or ":::" in source.text else parsed.tokens
        return EditionText(source, tokens, parsed.env)

    sections = []
    for number, section in enumerate(select_sections(project, brief, audience, diagnostics), start=1):
        edition_text = text(section.body, section.id)
        assert edition_text is not None
        if "{{<" in section.title:  # a data placeholder in the section's title
            section = dataclasses.replace(section, title=fill_section_title(section, brief, place, language,
                                                                            diagnostics, project.root))
        sections.append(EditionSection(section=section, number=number, anchor=section.id, text=edition_text))
    takeaways = overrides.key_takeaways if overrides and overrides.key_takeaways is not None else brief.key_takeaways
    style = (citation_style or (overrides.citation_style if overrides else None) or audience.citation_style
             or brief.citation_style or "numeric")

    def pick_text(name: str) -> MarkdownText | None:
        value: MarkdownText | None = getattr(overrides, name) if overrides else None
        return value if value is not None else getattr(brief, name)

    edition = Edition(
        brief=brief,
        audience=audience,
        title=fill_title((overrides.title if overrides else "") or brief.title, "title", brief, place, language,
                         diagnostics, project.root),
        subtitle=fill_title((overrides.subtitle if overrides else "") or brief.subtitle, "subtitle", brief, place,
                            language, diagnostics, project.root),
        further_questions=edition_further_questions(brief, audience),
        language=language,
        citation_style=style,
        sections=tuple(sections),
        summary=text(pick_text("summary"), "summary"),
        intro=text(overrides.intro if overrides else None, "intro"),
        call_to_action=text(overrides.call_to_action if overrides else None, "call-to-action"),
        key_takeaways=tuple(t for i, source in enumerate(takeaways)
                            if (t := text(source, f"takeaway-{i + 1}")) is not None),
        disclaimer=text(pick_text("disclaimer"), "disclaimer"),
        place=edition_place,
    )
    report_untranslated(project, brief, audience, diagnostics)
    return edition


_TRANSLATED_TEXT = ("title", "subtitle", "summary", "disclaimer", "key_takeaways", "further_questions",
                    "intro", "call_to_action")
"""Manifest text an edition prints, which an edition in another language needs in its own words."""


def report_untranslated(project: Project, brief: Brief, audience: Audience, diagnostics: Diagnostics) -> None:
    """Manifest text written in another language than the edition's: the brief's own keys (in
    the default language), or an ``editions.<id>`` entry of a profile it extends that has another
    language. One warning per key, as for a section without its translation."""
    language = (audience.language or DEFAULT_LANGUAGE).split("-")[0]
    for key in _TRANSLATED_TEXT:
        source = next((reader for reader in audience.reader_ids if reader in brief.editions
                       and getattr(brief.editions[reader], key) not in (None, "")), None)
        if source is None:
            if getattr(brief, key, None) in (None, "", ()):
                continue
            written_in, location = DEFAULT_LANGUAGE, brief.key_locations.get(key, brief.location)
        else:
            other = project.audiences.get(source)
            written_in = ((other.language if other else None) or DEFAULT_LANGUAGE)
            location = brief.editions[source].location
        if written_in.split("-")[0] == language:
            continue
        diagnostics.warning(location, f"the '{audience.language}' edition for '{audience.id}' prints '{key}' untranslated",
                            f"add it in the edition's language under editions.{audience.id}.{key}")


def edition_further_questions(brief: Brief, audience: Audience) -> tuple[FurtherQuestion, ...]:
    """The further questions an edition prints: the audience's ``editions.<id>`` list when it has
    one (even an empty one), else the brief's."""
    overrides = edition_overrides(brief, audience)
    if overrides is not None and overrides.further_questions is not None:
        return overrides.further_questions
    return brief.further_questions


def listed_sections(brief: Brief, audience: Audience) -> list[SectionRef]:
    """The manifest's section entries for this audience, in order, without those the manifest
    keeps from it (``audiences:`` on the entry). Each names a section the edition prints, unless
    the section's own front matter or tags keep it from this audience."""
    overrides = edition_overrides(brief, audience)
    refs: Sequence[SectionRef] = overrides.sections if overrides and overrides.sections is not None else brief.sections
    if overrides:
        refs = [*refs, *overrides.extra_sections]
    return [ref for ref in refs if ref.audiences is None or audience.reads_for(ref.audiences)]


def translation_tags(language: str) -> tuple[str, ...]:
    """The language tags whose translation of a section an edition in ``language`` prints, most
    specific first (``es-MX``, then ``es``); none for the default language, whose text is the section's own."""
    base = language.split("-")[0]
    if base == DEFAULT_LANGUAGE:
        return ()
    return tuple(dict.fromkeys((language, base)))


def select_sections(project: Project, brief: Brief, audience: Audience, diagnostics: Diagnostics) -> list[Section]:
    """The sections this audience reads, in order, in its language where a translation exists."""
    chosen: list[Section] = []
    seen: set[str] = set()
    for ref in listed_sections(brief, audience):
        section = project.sections.get(ref.id)
        if section is None and ref.id == brief.id:
            diagnostics.error(ref.location, f"brief '{brief.id}' lists itself as a section",
                              "list section ids here; to point readers to another brief use further_questions")
            continue
        if section is None and ref.id in project.broken_sections:
            diagnostics.error(ref.location, f"section '{ref.id}' cannot be used: its file has errors (reported above)",
                              "fix the section file; this edition is not written until then")
            continue
        if section is None:
            diagnostics.error(ref.location, f"no section '{ref.id}' (looked for briefs/sections/{ref.id}.md)",
                              did_you_mean(ref.id, list(project.sections)) or "create the file or fix the id",
                              rule="structure/unknown-section")
            continue
        if ref.id in seen:
            diagnostics.error(ref.location, f"section '{ref.id}' is listed twice for audience '{audience.id}'",
                              "remove one of the entries")
            continue
        seen.add(ref.id)
        if not is_for_audience(section, audience):
            continue
        chosen.append(translated(project, section, audience.language or DEFAULT_LANGUAGE, diagnostics))
    return chosen


def is_for_audience(section: Section, audience: Audience) -> bool:
    if section.audiences is not None and not audience.reads_for(section.audiences):
        return False
    if audience.include_tags and not set(audience.include_tags) & set(section.tags):
        return False
    return not set(audience.exclude_tags) & set(section.tags)


def translated(project: Project, section: Section, language: str, diagnostics: Diagnostics) -> Section:
    tags = translation_tags(language)
    if not tags:
        return section
    for tag in tags:
        variant = project.translations.get((section.id, tag))
        if variant is not None:
            return variant
        if f"{section.id}.{tag}" in project.broken_sections:
            diagnostics.error(section.location, f"the '{tag}' translation of section '{section.id}' has errors (reported above)",
                              "fix that file; this edition is not written until then")
            return section
    diagnostics.warning(section.location, f"no '{language}' translation of section '{section.id}'; using the default text",
                        f"add briefs/sections/{section.id}.{language.split('-')[0]}.md")
    return section


def check_audience_ids(project: Project, diagnostics: Diagnostics, cache: MarkdownCache) -> Project:
    """Every audience id named in briefs, sections and audience blocks must have a profile.

    Returns the project with the files these errors are at added to its ``files_with_errors``."""
    first_problem = len(diagnostics.items)
    known = list(project.audiences)
    profiles = project.root / AUDIENCES_DIR
    unusable: dict[str, int] = {}
    """Audiences whose profile file exists but has errors (reported at that file): id → uses."""

    def check(audience_id: str, location: SourceLocation) -> None:
        if audience_id in project.audiences:
            return
        if audience_id in project.broken_audiences:
            unusable[audience_id] = unusable.get(audience_id, 0) + 1
            return
        diagnostics.error(location, f"unknown audience '{audience_id}'",
                          did_you_mean(audience_id, known) or "known audiences: " + ", ".join(known),
                          rule="structure/unknown-audience")

    for brief in project.briefs.values():
        report_unread_text(brief, project.audiences, diagnostics)
        for audience_id in brief.audiences or ():
            check(audience_id, brief.audience_locations.get(audience_id, brief.location))
        for audience_id, overrides in brief.editions.items():
            check(audience_id, overrides.location)
        refs = [*brief.sections, *(r for o in brief.editions.values() for r in (*(o.sections or ()), *o.extra_sections))]
        for ref in refs:
            for audience_id in ref.audiences or ():
                check(audience_id, ref.audience_locations.get(audience_id, ref.location))
    for section in [*project.sections.values(), *project.translations.values()]:
        for audience_id in section.audiences or ():
            check(audience_id, section.audience_locations.get(audience_id, section.location))
        for expression, offset in cache.audience_blocks(section.body, section.id, section.language or DEFAULT_LANGUAGE):
            line = section.body.location.line + offset
            for audience_id in expression.split():
                check(audience_id.lstrip("!"), section.body.location.at_line(line))
    for audience_id, uses in sorted(unusable.items()):
        places = "1 place names it" if uses == 1 else f"{uses} places name it"
        diagnostics.error(SourceLocation(profiles / f"{audience_id}.yaml"),
                          f"audience '{audience_id}' cannot be used because this profile has errors ({places})",
                          "fix the errors reported for this file; its editions are built again once it loads")
    found = files_with_errors(diagnostics.items[first_problem:])
    return dataclasses.replace(project, files_with_errors=project.files_with_errors | found) if found else project


def may_have_audience_blocks(text: MarkdownText) -> bool:
    """False when ``text`` certainly holds no audience block (``::: {audience="…"}``), which is
    most sections: they need not be parsed to be checked."""
    return ":::" in text.text and "audience" in text.text


def text_digest(text: MarkdownText, language: str) -> str:
    """What a text's audience blocks depend on: its words and the language it is parsed in."""
    return hashlib.sha256(f"{language}\0{text.text}".encode()).hexdigest()
