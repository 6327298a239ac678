"""Plan: assemble every edition asked for, hash its inputs, and compare them with the last
build; an edition that reads a file with errors is held back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, assemble_edition, edition_source_files
from briefgen.build.cache import BuildCache, CachedEdition
from briefgen.build.inputs import InputHashes, edition_key
from briefgen.build.options import NOT_IN_EDITION_KEY, BuildOptions
from briefgen.build.select import check_request, select_audiences, select_briefs
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.measure.readability import Readability
from briefgen.model import Audience, Brief, Edition, Project


def broken_inputs(project: Project, brief: Brief, audience: Audience, files_with_errors: frozenset[Path]) -> list[Path]:
    """The files with errors (found while loading) that this edition reads: its manifest, profile,
    sections, translations or references.bib. Another brief's manifest that a further question
    links to does not count."""
    own_manifest = brief.location.path.resolve()
    return sorted(path for path in edition_source_files(project, brief, audience) & files_with_errors
                  if path == own_manifest or path.parent != own_manifest.parent)


@dataclass(slots=True)
class PlannedEdition:
    """An edition to build: assembled, hashed, and the formats it needs."""

    edition: Edition
    key: str
    formats: list[str]
    previous: CachedEdition | None
    diagnostics: Diagnostics
    outcome: EditionOutcome | None = None
    """Set once built (None: up to date, not rebuilt)."""


@dataclass(frozen=True, slots=True)
class EditionOutcome:
    written: tuple[Path, ...]
    reading: Readability
    pages: int | None
    is_failed: bool
    handout_pages: int | None = None


def plan_editions(project: Project, options: BuildOptions, markdown: MarkdownCache, cache: BuildCache,
                  files_with_errors: frozenset[Path] = frozenset()) -> list[PlannedEdition]:
    """Assemble every edition asked for and compare its inputs with the last build."""
    hashes = InputHashes(project)
    key_options = [(f.name, getattr(options, f.name)) for f in dataclasses.fields(options)
                   if f.name not in NOT_IN_EDITION_KEY]
    chosen = [(brief, audience) for brief in select_briefs(project, options.briefs)
              for audience in select_audiences(project, brief, options.audiences)]
    check_request(project, options, chosen)
    plan = []
    broken_by_edition = {(brief.id, audience.id): tuple(broken_inputs(project, brief, audience, files_with_errors))
                         for brief, audience in chosen}
    reported: set[tuple[str, tuple[Path, ...]]] = set()
    for brief, audience in chosen:
        diagnostics = Diagnostics()
        edition = assemble_edition(project, brief, audience, markdown, diagnostics, options.citation_style)
        broken = broken_by_edition[(brief.id, audience.id)]
        if broken:  # a broken file never yields a half-right edition
            if (brief.id, broken) not in reported:  # one line for all of a brief's editions held back by the same files
                reported.add((brief.id, broken))
                held = [f"{b}--{a}" for (b, a), files in broken_by_edition.items() if b == brief.id and files == broken]
                what = f"edition '{held[0]}' is" if len(held) == 1 else f"editions {', '.join(held)} are"
                files = [SourceLocation(p).display(project.root) for p in broken]
                diagnostics.error(brief.location, f"{what} not built: {', '.join(files)} "
                                  f"{'has' if len(files) == 1 else 'have'} errors (reported above)",
                                  "fix that file first" if len(files) == 1 else "fix those files first")
            failed = EditionOutcome((), Readability(0, 0, 0), None, is_failed=True)
            plan.append(PlannedEdition(edition, "", [], None, diagnostics, failed))
            continue
        key = edition_key(edition, project, hashes, key_options)
        previous = cache.lookup(edition.name)
        formats = cache.missing_formats(edition.name, previous, key, options.formats)
        plan.append(PlannedEdition(edition, key, formats, previous, diagnostics))
    return plan
