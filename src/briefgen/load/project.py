"""A whole brief project: briefs, sections, audience profiles and the bibliography."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefgen.errors import BriefgenError, Diagnostics, SourceLocation
from briefgen.load.audiences import load_audiences
from briefgen.load.briefs import load_brief
from briefgen.load.sections import load_section
from briefgen.model import Bibliography, Brief, Project, Section

BRIEFS_DIR = "briefs"
SECTIONS_DIR = "briefs/sections"
AUDIENCES_DIR = "briefs/audiences"
BIBLIOGRAPHY = "references.bib"


def load_project(root: Path, diagnostics: Diagnostics,
                 read_bibliography: Callable[[Path, Diagnostics], Bibliography] | None = None) -> Project:
    """Everything the project holds. A file with errors is left out and its errors recorded,
    so the editions that do not need it can still be built.

    ``read_bibliography`` replaces the BibTeX loader (a build reads it through its cache)."""
    if read_bibliography is None:
        from briefgen.load.bibliography import load_bibliography as read_bibliography
    root = root.resolve()
    briefs_dir = root / BRIEFS_DIR
    if not briefs_dir.is_dir():
        raise BriefgenError.at(SourceLocation(root), "this folder is not a brief project (no 'briefs/' folder)",
                               "run briefgen in a project folder or pass -C/--project DIR")
    briefs: dict[str, Brief] = {}
    for path in sorted(briefs_dir.glob("*.yaml")):
        brief = load_brief(path, diagnostics)
        if brief is not None:
            briefs[brief.id] = brief
    sections: dict[str, Section] = {}
    translations: dict[tuple[str, str], Section] = {}
    broken_sections: set[str] = set()
    for path in sorted((root / SECTIONS_DIR).glob("*.md")):
        errors_before = len(diagnostics.errors)
        section = load_section(path, diagnostics)
        if section is None:
            if len(diagnostics.errors) > errors_before:
                broken_sections.add(path.name.split(".")[0])
            continue
        if section.language:
            translations[(section.id, section.language)] = section
        else:
            sections[section.id] = section
    return Project(root=root, briefs=briefs, sections=sections, translations=translations,
                   broken_sections=frozenset(broken_sections),
                   audiences=load_audiences(root / AUDIENCES_DIR, diagnostics),
                   bibliography=read_bibliography(root / BIBLIOGRAPHY, diagnostics))
