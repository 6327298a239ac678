"""Brief + audience → edition: which sections, in which language, which audience blocks.

Also checks, once per project, that every audience id the content names exists: a
mistyped id is an error at its file and line, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from markdown_it.token import Token

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import DEFAULT_LANGUAGE
from briefgen.load.project import AUDIENCES_DIR, BIBLIOGRAPHY, BRIEFS_DIR, SECTIONS_DIR
from briefgen.load.yaml_fields import did_you_mean
from briefgen.markdown.parser import ParsedMarkdown, parse_markdown
from briefgen.model import (
    Audience,
    Brief,
    CitationStyle,
    Edition,
    EditionSection,
    EditionText,
    MarkdownText,
    Project,
    Section,
    SectionRef,
)


class MarkdownCache:
    """Parse each piece of Markdown once per run, whatever the number of editions using it."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int, str, str, int], tuple[ParsedMarkdown, Diagnostics]] = {}

    def parse(self, source: MarkdownText, diagnostics: Diagnostics, id_prefix: str, language: str,
              heading_shift: int = 1) -> ParsedMarkdown:
        key = (str(source.location.path), source.location.line, id_prefix, language, heading_shift)
        if key not in self._parsed:
            found = Diagnostics()
            self._parsed[key] = (parse_markdown(source, found, id_prefix, language, heading_shift), found)
        parsed, found = self._parsed[key]
        diagnostics.extend(found)
        return parsed


def assemble_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                     diagnostics: Diagnostics, citation_style: CitationStyle | None = None) -> Edition:
    overrides = brief.editions.get(audience.id)
    language = audience.language or DEFAULT_LANGUAGE

    def text(source: MarkdownText | None, prefix: str, shift: int = 1) -> EditionText | None:
        if source is None:
            return None
        parsed = cache.parse(source, diagnostics, prefix, language, shift)
        return EditionText(source, tuple(keep_audience_blocks(parsed.tokens, audience.id)), parsed.env)

    sections = []
    for number, section in enumerate(select_sections(project, brief, audience, diagnostics), start=1):
        edition_text = text(section.body, section.id)
        assert edition_text is not None
        sections.append(EditionSection(section=section, number=number, anchor=section.id, text=edition_text))
    takeaways = overrides.key_takeaways if overrides and overrides.key_takeaways is not None else brief.key_takeaways
    style = (citation_style or (overrides.citation_style if overrides else None) or audience.citation_style
             or brief.citation_style or "numeric")
    def pick(name: str):  # type: ignore[no-untyped-def]
        value = getattr(overrides, name) if overrides else None
        return value if value not in (None, "") else getattr(brief, name)

    return Edition(
        brief=brief,
        audience=audience,
        title=pick("title"),
        subtitle=pick("subtitle"),
        further_questions=pick("further_questions"),
        language=language,
        citation_style=style,
        sections=tuple(sections),
        summary=text(pick("summary"), "summary"),
        intro=text(overrides.intro if overrides else None, "intro"),
        call_to_action=text(overrides.call_to_action if overrides else None, "call-to-action"),
        key_takeaways=tuple(t for i, source in enumerate(takeaways)
                            if (t := text(source, f"takeaway-{i + 1}")) is not None),
        disclaimer=text(pick("disclaimer"), "disclaimer"),
    )


def select_sections(project: Project, brief: Brief, audience: Audience, diagnostics: Diagnostics) -> list[Section]:
    """The sections this audience reads, in order, in its language where a translation exists."""
    overrides = brief.editions.get(audience.id)
    refs: Sequence[SectionRef] = overrides.sections if overrides and overrides.sections is not None else brief.sections
    if overrides:
        refs = [*refs, *overrides.extra_sections]
    chosen: list[Section] = []
    seen: set[str] = set()
    for ref in refs:
        if ref.audiences is not None and audience.id not in ref.audiences:
            continue
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
    if section.audiences is not None and audience.id not in section.audiences:
        return False
    if audience.include_tags and not set(audience.include_tags) & set(section.tags):
        return False
    return not set(audience.exclude_tags) & set(section.tags)


def translated(project: Project, section: Section, language: str, diagnostics: Diagnostics) -> Section:
    if language.split("-")[0] == DEFAULT_LANGUAGE:
        return section
    for tag in (language, language.split("-")[0]):
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


def audience_matches(expression: str, audience_id: str) -> bool:
    """``"a b"`` → only a and b; ``"!a"`` → everyone but a; ``"a !b"`` works too."""
    ids = expression.split()
    wanted = [i for i in ids if not i.startswith("!")]
    unwanted = {i[1:] for i in ids if i.startswith("!")}
    if audience_id in unwanted:
        return False
    return not wanted or audience_id in wanted


def keep_audience_blocks(tokens: Iterable[Token], audience_id: str) -> list[Token]:
    """Drop the fenced-div blocks this audience does not read (with everything inside)."""
    kept: list[Token] = []
    skip_depth = 0
    depth_stack: list[bool] = []
    for token in tokens:
        if token.type == "div_open":
            expression = token.meta.get("audience") if token.meta else None
            hidden = skip_depth > 0 or (expression is not None and not audience_matches(str(expression), audience_id))
            depth_stack.append(hidden)
            if hidden:
                skip_depth += 1
                continue
        elif token.type == "div_close":
            hidden = depth_stack.pop() if depth_stack else False
            if hidden:
                skip_depth -= 1
                continue
        if skip_depth == 0:
            kept.append(token)
    return kept


def check_audience_ids(project: Project, diagnostics: Diagnostics, cache: MarkdownCache) -> None:
    """Every audience id named in briefs, sections and audience blocks must have a profile."""
    known = list(project.audiences)

    def check(audience_id: str, location: SourceLocation) -> None:
        profile = project.root / AUDIENCES_DIR / f"{audience_id}.yaml"
        if audience_id not in project.audiences and profile.is_file():  # its own errors are reported
            diagnostics.error(location, f"audience '{audience_id}' has errors in its profile "
                              f"({SourceLocation(profile).display(project.root)})", "fix the profile first",
                              rule="structure/unknown-audience")
        elif audience_id not in project.audiences:
            diagnostics.error(location, f"unknown audience '{audience_id}'",
                              did_you_mean(audience_id, known) or "known audiences: " + ", ".join(known),
                              rule="structure/unknown-audience")

    for brief in project.briefs.values():
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
        parsed = cache.parse(section.body, Diagnostics(), section.id, section.language or DEFAULT_LANGUAGE)
        for token in parsed.tokens:
            expression = token.meta.get("audience") if token.type == "div_open" and token.meta else None
            if expression is None:
                continue
            line = section.body.location.line + (token.map[0] if token.map else 0)
            for audience_id in str(expression).split():
                check(audience_id.lstrip("!"), section.body.location.at_line(line))


def edition_source_files(project: Project, brief: Brief, audience: Audience) -> frozenset[Path]:
    """The files an edition reads, known before it is assembled (images come after): its
    manifest, profile, sections with their translations, references.bib, and the manifests of
    the briefs its further questions link to."""
    root = project.root
    sections = root / SECTIONS_DIR
    language = audience.language or "en"
    variants = {language, language.split("-")[0]}
    paths = {brief.location.path, root / AUDIENCES_DIR / f"{audience.id}.yaml", root / BIBLIOGRAPHY}
    overrides = brief.editions.get(audience.id)
    questions = [*brief.further_questions, *(overrides.further_questions or () if overrides else ())]
    paths.update(root / BRIEFS_DIR / f"{q.brief}.yaml" for q in questions if q.brief)
    refs = [*brief.sections, *(overrides.sections or () if overrides else ()), *(overrides.extra_sections if overrides else ())]
    for ref in refs:
        if ref.audiences is not None and audience.id not in ref.audiences:
            continue  # the manifest says this audience never reads it (a manifest change is seen anyway)
        paths.add(sections / f"{ref.id}.md")
        paths.update(sections / f"{ref.id}.{variant}.md" for variant in variants)
    return frozenset(path.resolve() for path in paths)
