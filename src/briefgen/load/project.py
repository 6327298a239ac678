"""A whole brief project: briefs, sections, audience profiles and the bibliography."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from briefgen.errors import Diagnostic, Diagnostics, Severity, SourceLocation, UsageError
from briefgen.load.audiences import load_audiences
from briefgen.load.briefs import load_brief
from briefgen.load.sections import load_section
from briefgen.load.settings import SETTINGS_FILE, brief_url, load_settings
from briefgen.model import Bibliography, Brief, Project, ProjectSettings, Section

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
    first_problem = len(diagnostics.items)
    root = root.resolve()
    briefs_dir = root / BRIEFS_DIR
    if not root.is_dir():
        raise UsageError.at(None, f"there is no folder '{root}'", "pass -C/--project with an existing project folder")
    if not briefs_dir.is_dir():
        raise UsageError.at(SourceLocation(root), "this folder is not a brief project (no 'briefs/' folder)",
                            "run briefgen in a project folder, pass -C/--project DIR, or start one with 'briefgen init DIR'")
    for folder in (SECTIONS_DIR, AUDIENCES_DIR):  # a file in their place would hide every section or profile
        if (root / folder).exists() and not (root / folder).is_dir():
            diagnostics.error(SourceLocation(root / folder), f"this is a file, but briefgen reads the folder '{folder}/' here",
                              "rename the file, and keep sections and audience profiles in folders of these names")
    settings = load_settings(root, diagnostics)
    briefs: dict[str, Brief] = {}
    manifests = sorted(path for path in briefs_dir.glob("*.yaml") if path.name != SETTINGS_NAME)
    for path in inside_project(manifests, root, diagnostics):
        brief = load_brief(path, diagnostics)
        if brief is not None:
            briefs[brief.id] = with_settings(brief, settings)
    sections: dict[str, Section] = {}
    translations: dict[tuple[str, str], Section] = {}
    broken_sections: set[str] = set()
    for path in sorted((root / SECTIONS_DIR).glob("*.md")):
        if not inside_project([path], root, diagnostics):
            broken_sections.add(path.name.removesuffix(".md"))
            continue
        errors_before = len(diagnostics.errors)
        section = load_section(path, diagnostics)
        if section is None:
            if len(diagnostics.errors) > errors_before:
                broken_sections.add(path.name.removesuffix(".md"))
            continue
        if section.language:
            translations[(section.id, section.language)] = section
        else:
            sections[section.id] = section
    audiences = load_audiences(root / AUDIENCES_DIR, diagnostics, lambda paths: inside_project(paths, root, diagnostics),
                               audience_defaults(settings))
    bibliography = load_project_bibliography(root, diagnostics, read_bibliography)
    profiles = sorted((root / AUDIENCES_DIR).glob("*.yaml"))
    return Project(root=root, briefs=briefs, sections=sections, translations=translations,
                   broken_sections=frozenset(broken_sections), audiences=audiences, bibliography=bibliography,
                   broken_briefs=frozenset(path.stem for path in manifests) - set(briefs),
                   broken_audiences=frozenset(path.stem for path in profiles) - set(audiences),
                   files_with_errors=files_with_errors(diagnostics.items[first_problem:]), settings=settings)


SETTINGS_NAME = SETTINGS_FILE.rsplit("/", 1)[-1]
"""``project.yaml`` in ``briefs/`` holds the settings, not a brief: no brief may be called ``project``."""


def with_settings(brief: Brief, settings: ProjectSettings) -> Brief:
    """The brief with the project's organization, address and audiences where it names none."""
    return replace(brief, organization=brief.organization or settings.organization,
                   url=brief.url or brief_url(settings, brief.id),
                   audiences=brief.audiences if brief.audiences is not None else settings.audiences,
                   audience_locations=brief.audience_locations if brief.audiences is not None
                   else settings.audience_locations)


def audience_defaults(settings: ProjectSettings) -> dict[str, str]:
    """What the settings choose for every audience whose project profile does not (paper, language)."""
    defaults = {"paper": settings.paper or "", "language": settings.language}
    return {key: value for key, value in defaults.items() if value}


def files_with_errors(problems: Iterable[Diagnostic]) -> frozenset[Path]:
    """The files (symlinks resolved) that ``problems`` report an error at."""
    return frozenset(problem.location.path.resolve() for problem in problems
                     if problem.severity is Severity.ERROR and problem.location is not None)


def load_project_bibliography(root: Path, diagnostics: Diagnostics,
                              read: Callable[[Path, Diagnostics], Bibliography] | None = None) -> Bibliography:
    """The project's ``references.bib``; a link that leads out of the project (or anything but a
    regular file) is an error and nothing is read. Used by every command that reads it."""
    if read is None:
        from briefgen.load.bibliography import load_bibliography

        read = load_bibliography
    root = root.resolve()
    path = root / BIBLIOGRAPHY
    if (path.exists() or path.is_symlink()) and not inside_project([path], root, diagnostics):
        return Bibliography(SourceLocation(path), {}, is_readable=False)
    return read(path, diagnostics)


def inside_project(paths: list[Path], root: Path, diagnostics: Diagnostics) -> list[Path]:
    """The paths that really are inside the project; a link that leads out is an error."""
    kept = []
    for path in paths:
        if (path.exists() or path.is_symlink()) and not path.resolve().is_relative_to(root):
            diagnostics.error(SourceLocation(path), "this file is a link to a file outside the project",
                              "copy the file into the project instead of linking to it")
        elif path.exists() and not path.is_file():
            diagnostics.error(SourceLocation(path), "this is not a regular file", "replace it with an ordinary text file")
        else:
            kept.append(path)
    return kept
