"""Audience profiles: built-in ones shipped with briefgen, then ``briefs/audiences/<id>.yaml``.

A project profile with the id of a built-in one overrides it key by key: the keys the
project sets win, the rest come from the built-in profile. A profile with ``extends: other``
takes every key it does not set from ``other``, and reads the content written for ``other``
(audience blocks, section and manifest audience lists, ``editions.other`` text) as its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.ids import check_id, is_valid_id
from briefgen.load.text_files import read_text
from briefgen.load.yaml_fields import FieldReader, did_you_mean, parse_yaml_mapping
from briefgen.model import CITATION_STYLES, FINDING_LEVELS, PAPERS, THEMES, Audience

AUDIENCE_KEYS = ("label", "extends", "description", "language", "include_tags", "exclude_tags", "key_takeaways_first",
                 "reading_grade", "max_pages", "citation_style", "theme", "paper", "absolute_claims")
MIN_GRADE, MAX_GRADE = 1, 20
"""A target school grade: 1 (first grade) to 20 (beyond a doctorate on the Flesch–Kincaid scale)."""
_LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def builtin_audience_paths() -> list[Path]:
    folder = resources.files("briefgen") / "audiences"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_audiences(folder: Path, diagnostics: Diagnostics,
                   allowed: Callable[[list[Path]], list[Path]] = lambda paths: paths,
                   defaults: Mapping[str, str] | None = None) -> dict[str, Audience]:
    """Built-in profiles, then the project's, which add new ids, override built-in ones, or
    extend another profile (``extends:``). ``defaults`` (the project settings' paper and language)
    replace the built-in profiles' values and fill in what a new project profile leaves out."""
    audiences: dict[str, Audience] = {}
    for path in builtin_audience_paths():
        profile = read_profile(path, diagnostics)
        if profile is not None and defaults:
            profile = replace(profile, changes={**profile.changes, **defaults})
        if profile is not None and (audience := _resolve(profile, None, (), diagnostics, is_builtin=True)) is not None:
            audiences[audience.id] = audience
    if not folder.is_dir():
        return audiences
    profiles = {profile.id: profile for path in allowed(sorted(folder.glob("*.yaml")))
                if (profile := read_profile(path, diagnostics)) is not None}
    failed = {path.stem for path in folder.glob("*.yaml")} - set(profiles)
    builtins = dict(audiences)
    resolved: dict[str, Audience | None] = {}

    def resolve(profile: Profile, visiting: tuple[str, ...]) -> Audience | None:
        if profile.id in resolved:
            return resolved[profile.id]
        parent: Audience | None = None
        if profile.extends:
            name, where = profile.extends, profile.extends_location
            if name == profile.id or name in visiting:
                cycle = " → ".join((*visiting[visiting.index(name):], profile.id, name) if name in visiting
                                   else (profile.id, name))
                diagnostics.error(where, f"audience profiles extend each other in a circle ({cycle})",
                                  "remove 'extends:' from one of them")
                resolved[profile.id] = None
                return None
            if name in profiles:
                parent = resolve(profiles[name], (*visiting, profile.id))
            elif name in builtins:
                parent = builtins[name]
            if parent is None:
                if name in profiles or name in failed:
                    hint = f"fix briefs/audiences/{name}.yaml first"
                    diagnostics.error(where, f"'{profile.id}' extends '{name}', whose profile has errors", hint)
                else:
                    known = sorted({*builtins, *profiles} - {profile.id})
                    diagnostics.error(where, f"'{profile.id}' extends '{name}', which is not an audience",
                                      did_you_mean(name, known) or "audiences: " + ", ".join(known))
                resolved[profile.id] = None
                return None
        base = parent if parent is not None else builtins.get(profile.id)
        if base is None and defaults:
            profile = replace(profile, changes={**defaults, **profile.changes})
        audience = _resolve(profile, base,
                            parent.reader_ids if parent is not None else (), diagnostics)
        resolved[profile.id] = audience
        return audience

    for profile in profiles.values():
        audience = resolve(profile, ())
        if audience is not None:
            audiences[audience.id] = audience
    return audiences


@dataclass(frozen=True, slots=True)
class Profile:
    """One profile file as written: the keys it sets (not yet merged with what it builds on)."""

    id: str
    location: SourceLocation
    changes: Mapping[str, Any]
    """Audience field name → value; each value is checked by the field reader for that key, so it
    has the type of the :class:`Audience` field of the same name."""
    extends: str = ""
    extends_location: SourceLocation | None = None


def read_profile(path: Path, diagnostics: Diagnostics) -> Profile | None:
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
    extends = fields.text("extends")
    if extends and not is_valid_id(extends):
        diagnostics.error(fields.line_of("extends"), f"'{extends}' is not an audience id",
                          "name one audience profile, e.g. 'extends: community-groups'")
    label = fields.text("label")
    if fields.has("label") and not label and fields.node("label") is not None:
        diagnostics.error(fields.line_of("label"), "'label' is blank", "give 'label' a value")
    values = {
        "label": label,
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
        "absolute_claims": fields.choice("absolute_claims", FINDING_LEVELS),
    }
    fields.finish()
    if len(diagnostics.errors) > errors_before:
        return None
    changes = {key: value for key, value in values.items() if value not in (None, "")}
    return Profile(path.stem, location.at_line(1), changes, extends,
                   fields.line_of("extends") if extends else None)


def _resolve(profile: Profile, base: Audience | None, parent_lineage: tuple[str, ...], diagnostics: Diagnostics,
             is_builtin: bool = False) -> Audience | None:
    """The profile's values over ``base`` (the profile it extends, or the built-in profile it overrides)."""
    if base is None:
        if "label" not in profile.changes:
            diagnostics.error(profile.location, "audience profile is missing the required key 'label'",
                              "add 'label: ...' (the audience's name, printed on its editions)")
            return None
        return Audience(id=profile.id, location=profile.location, is_builtin=is_builtin, **profile.changes)
    lineage = (profile.id, *parent_lineage) if profile.extends else ()
    return replace(base, id=profile.id, location=profile.location, is_builtin=False, extends=profile.extends,
                   lineage=lineage, **profile.changes)


def load_audience(path: Path, diagnostics: Diagnostics, base: Audience | None, is_builtin: bool = False) -> Audience | None:
    """One profile file over ``base`` (None: a new audience)."""
    profile = read_profile(path, diagnostics)
    return _resolve(profile, base, (), diagnostics, is_builtin) if profile is not None else None


def profile_as_yaml(audience: Audience, project_root: Path) -> str:
    """The profile as it applies, as YAML that loads back to the same values; each key says
    where its value comes from (the project's file, the built-in profile, or briefgen's default)."""
    import yaml

    project_file = project_root / "briefs" / "audiences" / f"{audience.id}.yaml"
    builtin = next((path for path in builtin_audience_paths() if path.stem == audience.id), None)
    set_in_project = _keys_of(project_file) if not audience.is_builtin else set()
    set_in_builtin = _keys_of(builtin) if builtin is not None else set()
    where = ("built in" if audience.is_builtin else
             f"{project_file.relative_to(project_root).as_posix()}" + (" over the built-in profile" if builtin else ""))
    if audience.extends:
        where += f", extending {audience.extends}"
    lines = [f"# {audience.id}: {where}"]
    for key in AUDIENCE_KEYS:
        if key == "extends" and not audience.extends:
            continue
        value = getattr(audience, key)
        if isinstance(value, tuple):
            value = list(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000,
                                default_flow_style=True).strip()
        dumped = dumped[1:-1] if dumped.startswith("{") and dumped.endswith("}") else dumped
        origin = ("set by the project" if key in set_in_project else
                  f"from {audience.extends}" if audience.extends else
                  "built in" if key in set_in_builtin else "default")
        lines.append(f"{dumped}  # {origin}")
    return "\n".join(lines) + "\n"


def _keys_of(path: Path | None) -> set[str]:
    import yaml

    if path is None or not path.is_file():
        return set()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return set()
    return {str(key) for key in data} if isinstance(data, dict) else set()
