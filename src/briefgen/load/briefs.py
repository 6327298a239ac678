"""Brief manifests: ``briefs/<brief-id>.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.ids import check_id
from briefgen.load.places import read_places
from briefgen.load.text_files import read_text
from briefgen.load.yaml_fields import FieldReader, markdown_from_node, parse_yaml_mapping, read_list
from briefgen.model import CITATION_STYLES, Audience, Brief, EditionOverrides, FurtherQuestion, MarkdownText, SectionRef

BRIEF_KEYS = ("title", "subtitle", "checked", "authors", "organization", "url", "disclaimer", "summary",
              "key_takeaways", "sections", "further_questions", "audiences", "nocite", "citation_style", "editions",
              "list_of_figures", "places")
SECTION_REF_KEYS = ("id", "audiences")
QUESTION_KEYS = ("question", "brief")
_NO_SECTIONS = "the edition would have no sections"
EDITION_KEYS = ("title", "subtitle", "summary", "disclaimer", "further_questions", "intro",
                "call_to_action", "key_takeaways", "sections", "extra_sections", "citation_style")


def load_brief(path: Path, diagnostics: Diagnostics) -> Brief | None:
    location = SourceLocation(path)
    brief_id = path.stem
    if not check_id(brief_id, "brief id (the file name)", location, diagnostics):
        return None
    text = read_text(path, diagnostics)
    if text is None:
        return None
    if not text.strip():
        diagnostics.error(location.at_line(1), "the brief manifest is empty", "add at least 'title:' and 'sections:'")
        return None
    errors_before = len(diagnostics.errors)  # from here on, any error leaves the brief out
    node = parse_yaml_mapping(text, location.at_line(1), diagnostics, "brief manifest")
    if node is None:
        return None
    fields = FieldReader(node, location.at_line(1), diagnostics, "brief manifest", BRIEF_KEYS)
    if not fields.is_valid:
        return None
    title = fields.text("title", required=True)
    if not fields.has("sections"):
        diagnostics.error(location.at_line(1), "brief manifest is missing the required key 'sections'",
                          "list the section ids under 'sections:'")
    sections = read_list(fields, "sections", lambda n, at: _read_section_ref(n, at, diagnostics), _NO_SECTIONS)
    brief_audiences = fields.located_text_list("audiences", "the brief would have no edition at all")
    nocite = fields.located_text_list("nocite")
    row_problems = Diagnostics()  # a bad row of places: leaves that row out, not the brief
    brief = Brief(
        id=brief_id,
        location=location.at_line(1),
        title=title,
        subtitle=fields.text("subtitle"),
        checked=fields.date("checked"),
        authors=fields.text_list("authors") or (),
        organization=fields.text("organization"),
        url=_web_address(fields, diagnostics),
        disclaimer=fields.markdown("disclaimer"),
        summary=fields.markdown("summary"),
        key_takeaways=_read_markdown_list(fields, "key_takeaways", diagnostics) or (),
        sections=sections,
        further_questions=read_list(fields, "further_questions", lambda n, at: _read_question(n, at, diagnostics)),
        audiences=tuple(brief_audiences) if brief_audiences is not None else None,
        audience_locations=brief_audiences or {},
        nocite=tuple(nocite or ()),
        nocite_locations=nocite or {},
        list_of_figures=fields.boolean("list_of_figures"),
        citation_style=fields.choice("citation_style", CITATION_STYLES),
        editions=_read_editions(fields, diagnostics),
        key_locations={key: fields.line_of(key) for key in TRANSLATED_KEYS if fields.has(key)},
        places=read_places(fields, path, diagnostics, row_problems),
    )
    fields.finish()
    if len(diagnostics.errors) > errors_before:
        return None
    diagnostics.extend(row_problems)
    return brief


TRANSLATED_KEYS = ("title", "subtitle", "summary", "disclaimer", "key_takeaways", "further_questions")
"""Manifest text that an edition in another language needs in its own words (``editions.<id>.<key>``)."""


def report_unread_text(brief: Brief, audiences: Mapping[str, Audience], diagnostics: Diagnostics) -> None:
    """Text for an audience the brief makes no edition for would never be printed: say so where it is.
    Text for an audience that an edition's audience extends is read by that edition."""
    if brief.audiences is None:
        return
    readers = {reader for audience_id in brief.audiences if (audience := audiences.get(audience_id)) is not None
               for reader in audience.reader_ids} | set(brief.audiences)
    hint = "add the audience to the brief's 'audiences:' list, or remove it here"
    for audience_id, overrides in brief.editions.items():
        if audience_id not in readers:
            diagnostics.warning(overrides.location, f"'editions.{audience_id}' is never used: the brief has no edition "
                                f"for '{audience_id}' (see its 'audiences:' list)", hint)
    refs = [*brief.sections, *(r for o in brief.editions.values() for r in (*(o.sections or ()), *o.extra_sections))]
    for ref in refs:
        for audience_id in ref.audiences or ():
            if audience_id not in readers:
                diagnostics.warning(ref.audience_locations.get(audience_id, ref.location),
                                    f"section '{ref.id}' is listed for '{audience_id}', for which the brief has no "
                                    "edition (see its 'audiences:' list)", hint)


def _web_address(fields: FieldReader, diagnostics: Diagnostics) -> str:
    url = fields.text("url")
    if url and not _is_web_address(url):
        diagnostics.error(fields.line_of("url"), f"'url' must be a web address starting with https://, not '{url}'",
                          "give the address where the brief is published online")
        return ""
    return url


def _is_web_address(url: str) -> bool:
    """http(s), a host name, and no spaces or control characters."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed '[' of an IPv6 address
        return False
    return (parts.scheme.lower() in ("https", "http") and bool(host)
            and not any(char.isspace() or not char.isprintable() for char in url))


def _read_section_ref(node: yaml.Node, at: SourceLocation, diagnostics: Diagnostics) -> SectionRef | None:
    if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
        return SectionRef(id=str(node.value).strip(), location=at)
    fields = _nested_reader(node, at, diagnostics, "a 'sections' entry", SECTION_REF_KEYS)
    if fields is None:
        return None
    section_id = fields.text("id", required=True)
    audiences = fields.located_text_list("audiences", "no audience would read this section")
    fields.finish()
    if not section_id:
        return None
    return SectionRef(id=section_id, location=at, audiences=tuple(audiences) if audiences is not None else None,
                      audience_locations=audiences or {})


def _read_question(node: yaml.Node, at: SourceLocation, diagnostics: Diagnostics) -> FurtherQuestion | None:
    if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
        return FurtherQuestion(question=str(node.value).strip(), location=at)
    fields = _nested_reader(node, at, diagnostics, "a 'further_questions' entry", QUESTION_KEYS)
    if fields is None:
        return None
    question = fields.text("question", required=True)
    brief = fields.text("brief") or None
    if brief is not None and not check_id(brief, "brief id", fields.line_of("brief"), diagnostics):
        brief = None
    fields.finish()
    return FurtherQuestion(question=question, location=at, brief=brief) if question else None


def _read_markdown_list(fields: FieldReader, key: str, diagnostics: Diagnostics) -> tuple[MarkdownText, ...] | None:
    items = fields.sequence(key)
    if items is None:
        return None
    result = []
    for item in items:
        if isinstance(item, yaml.ScalarNode) and str(item.value).strip():
            result.append(markdown_from_node(item, fields.at(item)))
        else:
            diagnostics.error(fields.at(item), f"each item of '{key}' must be Markdown text", "write '- text' on its own line")
    return tuple(result)


def _read_editions(fields: FieldReader, diagnostics: Diagnostics) -> dict[str, EditionOverrides]:
    node = fields.mapping("editions")
    if node is None:
        return {}
    editions: dict[str, EditionOverrides] = {}
    for key_node, value_node in node.value:
        at = fields.at(key_node)
        audience_id = str(key_node.value)
        if not check_id(audience_id, "audience id", at, diagnostics):
            continue
        reader = _nested_reader(value_node, fields.at(value_node), diagnostics, f"editions.{audience_id}", EDITION_KEYS)
        if reader is None:
            continue
        sections = None
        if reader.has("sections"):
            sections = read_list(reader, "sections", lambda n, a: _read_section_ref(n, a, diagnostics), _NO_SECTIONS)
        questions = None
        if reader.has("further_questions"):
            questions = read_list(reader, "further_questions", lambda n, a: _read_question(n, a, diagnostics))
        editions[audience_id] = EditionOverrides(
            location=at,
            title=reader.text("title"),
            subtitle=reader.text("subtitle"),
            summary=reader.markdown("summary"),
            disclaimer=reader.markdown("disclaimer"),
            further_questions=questions,
            intro=reader.markdown("intro"),
            call_to_action=reader.markdown("call_to_action"),
            key_takeaways=_read_markdown_list(reader, "key_takeaways", diagnostics),
            sections=sections,
            extra_sections=read_list(reader, "extra_sections", lambda n, a: _read_section_ref(n, a, diagnostics)),
            citation_style=reader.choice("citation_style", CITATION_STYLES),
        )
        reader.finish()
    return editions


def _nested_reader(node: yaml.Node, at: SourceLocation, diagnostics: Diagnostics, what: str,
                   known: tuple[str, ...]) -> FieldReader | None:
    """A reader for a mapping nested in a file; node marks are file-relative, so rebase them."""
    fields = FieldReader(node, at.at_line(at.line - node.start_mark.line), diagnostics, what, known)
    return fields if fields.is_valid else None
