"""Audience profiles: built-in ones shipped with briefgen, then ``briefs/audiences/<id>.yaml``.

A project profile with the id of a built-in one overrides it key by key: the keys the
project sets win, the rest come from the built-in profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.ids import check_id
from briefgen.load.text_files import read_text
from briefgen.load.yaml_fields import FieldReader, parse_yaml_mapping
from briefgen.model import CITATION_STYLES, PAPERS, THEMES, Audience

AUDIENCE_KEYS = ("label", "description", "language", "include_tags", "exclude_tags", "key_takeaways_first",
                 "reading_grade", "max_pages", "citation_style", "theme", "paper")
MIN_GRADE, MAX_GRADE = 1, 20
"""A target school grade: 1 (first grade) to 20 (beyond a doctorate on the Flesch–Kincaid scale)."""
_LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def builtin_audience_paths() -> list[Path]:
    folder = resources.files("briefgen") / "audiences"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_audiences(folder: Path, diagnostics: Diagnostics,
                   allowed: Callable[[list[Path]], list[Path]] = lambda paths: paths) -> dict[str, Audience]:
    """Built-in profiles, then the project's, which add new ids or override built-in ones."""
    audiences: dict[str, Audience] = {}
    for path in builtin_audience_paths():
        audience = load_audience(path, diagnostics, base=None, is_builtin=True)
        if audience is not None:
            audiences[audience.id] = audience
    if folder.is_dir():
        for path in allowed(sorted(folder.glob("*.yaml"))):
            audience = load_audience(path, diagnostics, base=audiences.get(path.stem))
            if audience is not None:
                audiences[audience.id] = audience
    return audiences


def load_audience(path: Path, diagnostics: Diagnostics, base: Audience | None, is_builtin: bool = False) -> Audience | None:
    location = SourceLocation(path)
    if not check_id(path.stem, "audience id (the file name)", location, diagnostics):
        return None
    text = read_text(path, diagnostics)
    if text is None:
        return None
    if not text.strip():
        diagnostics.error(location.at_line(1), "the audience profile is empty", "add at least 'label: ...'")
        return None
    errors_before = len(diagnostics.errors)  # from here on, any error leaves the profile out
    node = parse_yaml_mapping(text, location.at_line(1), diagnostics, "audience profile")
    if node is None:
        return None
    fields = FieldReader(node, location.at_line(1), diagnostics, "audience profile", AUDIENCE_KEYS)
    if not fields.is_valid:
        return None
    language = fields.text("language")
    if language and not re.match(_LANGUAGE_TAG, language):
        diagnostics.error(fields.line_of("language"), f"'{language}' is not a language tag",
                          "use a BCP-47 tag such as 'en' or 'es'")
    values = {
        "label": fields.text("label", required=base is None),
        "description": fields.text("description"),
        "language": language,
        "include_tags": fields.text_list("include_tags"),
        "exclude_tags": fields.text_list("exclude_tags"),
        "key_takeaways_first": fields.boolean("key_takeaways_first") if fields.has("key_takeaways_first") else None,
        "reading_grade": fields.number("reading_grade", minimum=MIN_GRADE, maximum=MAX_GRADE),
        "max_pages": fields.integer("max_pages", minimum=1),
        "citation_style": fields.choice("citation_style", CITATION_STYLES),
        "theme": fields.choice("theme", THEMES),
        "paper": fields.choice("paper", PAPERS),
    }
    fields.finish()
    if len(diagnostics.errors) > errors_before:
        return None
    changes = {key: value for key, value in values.items() if value not in (None, "")}
    if base is None:
        return Audience(id=path.stem, location=location.at_line(1), is_builtin=is_builtin, **changes)  # type: ignore[arg-type]
    return replace(base, location=location.at_line(1), is_builtin=False, **changes)
