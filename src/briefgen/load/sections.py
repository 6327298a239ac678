"""Sections: ``briefs/sections/<id>.md`` (and ``<id>.<lang>.md`` translations)."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.ids import check_id
from briefgen.load.text_files import read_text
from briefgen.load.yaml_fields import FieldReader, parse_yaml_mapping
from briefgen.model import MarkdownText, Section

SECTION_KEYS = ("title", "audiences", "tags")
_VARIANT = re.compile(r"^(?P<id>[^.]+)(?:\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)*))?\.md$")


def load_section(path: Path, diagnostics: Diagnostics) -> Section | None:
    match = _VARIANT.match(path.name)
    location = SourceLocation(path)
    if not match:
        diagnostics.error(location, f"cannot tell the section id from the file name '{path.name}'",
                          "name sections '<id>.md' or '<id>.<language>.md', e.g. 'models.es.md'")
        return None
    section_id, language = match["id"], match["lang"] or ""
    if not check_id(section_id, "section id", location, diagnostics):
        return None
    text = read_text(path, diagnostics)
    if text is None:
        return None
    front, body_line, body = split_front_matter(text, location, diagnostics)
    if front is None:
        return None
    node = parse_yaml_mapping(front, location.at_line(2), diagnostics, "front matter", empty_at=location.at_line(1))
    if node is None:
        return None
    fields = FieldReader(node, location.at_line(2), diagnostics, "section front matter", SECTION_KEYS)
    if not fields.is_valid:
        return None
    title = fields.text("title", required=True)
    audiences = fields.located_text_list("audiences", "no audience would read this section")
    tags = fields.text_list("tags") or ()
    fields.finish()
    if not title:
        return None
    return Section(id=section_id, location=location.at_line(1), title=title,
                   body=MarkdownText(body, location.at_line(body_line)),
                   audiences=tuple(audiences) if audiences is not None else None, tags=tags, language=language,
                   audience_locations=audiences or {})


def split_front_matter(text: str, location: SourceLocation, diagnostics: Diagnostics) -> tuple[str | None, int, str]:
    """(front matter YAML, 1-based line where the body starts, body)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        diagnostics.error(location.at_line(1), "a section must start with front matter ('---', 'title: ...', '---')",
                          "add a front matter block with at least a title at the top of the file")
        return None, 0, ""
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), index + 2, "\n".join(lines[index + 1:])
    diagnostics.error(location.at_line(1), "the front matter opened here is never closed",
                      "add a line with '---' after the front matter keys")
    return None, 0, ""
