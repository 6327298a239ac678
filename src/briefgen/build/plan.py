"""Plan: which editions asked for must be built, in which formats.

An edition that reads a file with errors is held back. For every other one, the inputs
recorded at its last build are checked first: the project's model says which files it reads,
and the images and citation keys recorded then stand for its text, so an unchanged edition is
known to be up to date without parsing its Markdown. Only an edition whose inputs changed (or
that was never built) is assembled here and its text read again.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.build.cache import BuildCache, CachedEdition
from briefgen.build.inputs import EditionInputs, InputHashes, edition_files, edition_inputs, read_text_inputs
from briefgen.build.options import NOT_IN_EDITION_KEY, BuildOptions
from briefgen.build.select import check_request, select_audiences, select_briefs, select_places
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.measure.readability import Readability
from briefgen.model import Audience, Brief, Edition, Place, Project, edition_name


def broken_inputs(project: Project, brief: Brief, audience: Audience) -> list[Path]:
    """The files with errors (found while loading and checking the project) that this edition
    reads: its manifest, profiles, sections, translations or references.bib. Another brief's
    manifest that a further question links to does not count."""
    return sorted(set(edition_files(project, brief, audience)) & project.files_with_errors)


@dataclass(slots=True)
class PlannedEdition:
    """An edition asked for: up to date (no ``formats``), to build in ``formats``, or held back
    (``outcome`` is already a failure)."""

    brief: Brief
    audience: Audience
    inputs: EditionInputs | None
    """What it reads (None when held back)."""
    formats: list[str]
    previous: CachedEdition | None
    diagnostics: Diagnostics
    assemble: Callable[[], Edition] = field(repr=False)
    """Assembles the edition, reporting into ``diagnostics``."""
    outcome: EditionOutcome | None = None
    """Set once built (None: up to date, not rebuilt)."""
    assembled: Edition | None = field(default=None, repr=False)
    place: Place | None = None
    """The row of the brief's ``places:`` it is for."""

    @property
    def name(self) -> str:
        return edition_name(self.brief.id, self.audience.id, self.place)

    @property
    def key(self) -> str:
        return self.inputs.key if self.inputs is not None else ""

    @property
    def edition(self) -> Edition:
        """The edition, assembled on first use: one that is up to date never needs it."""
        if self.assembled is None:
            self.assembled = self.assemble()
        return self.assembled


@dataclass(frozen=True, slots=True)
class EditionOutcome:
    written: tuple[Path, ...]
    reading: Readability
    pages: int | None
    is_failed: bool
    handout_pages: int | None = None


def plan_editions(project: Project, options: BuildOptions, markdown: MarkdownCache, cache: BuildCache) -> list[PlannedEdition]:
    """Every edition asked for, compared with its last build."""
    hashes = InputHashes(project)
    settings = edition_settings(options)
    briefs = select_briefs(project, options.briefs)
    rows = select_places(project, briefs, options.where)
    chosen = [(brief, audience) for brief in briefs if brief.id in rows
              for audience in select_audiences(project, brief, options.audiences)]
    check_request(project, options, chosen)
    broken_by_edition = {(brief.id, audience.id): tuple(broken_inputs(project, brief, audience))
                         for brief, audience in chosen}
    reported: set[tuple[str, tuple[Path, ...]]] = set()
    plan = []
    for brief, audience, place in ((b, a, p) for b, a in chosen for p in rows[b.id]):
        diagnostics = Diagnostics()
        assemble = functools.partial(assemble_edition, project, brief, audience, markdown, diagnostics,
                                     options.citation_style, place)
        planned = PlannedEdition(brief, audience, None, [], None, diagnostics, assemble, place=place)
        if broken_by_edition[(brief.id, audience.id)]:  # a broken file never yields a half-right edition
            hold_back(planned, project, broken_by_edition, reported)
        else:
            planned.previous = cache.lookup(planned.name)
            inputs = recorded_inputs_if_unchanged(project, brief, audience, settings, planned.previous, hashes, place)
            if inputs is None:  # changed, or never built: assembled now, and its text read
                inputs = edition_inputs(project, brief, audience, settings, read_text_inputs(planned.edition), hashes,
                                        place)
            planned.inputs = inputs
            planned.formats = cache.missing_formats(planned.name, planned.previous, inputs.key, options.formats)
        plan.append(planned)
    return plan


def hold_back(planned: PlannedEdition, project: Project, broken_by_edition: dict[tuple[str, str], tuple[Path, ...]],
              reported: set[tuple[str, tuple[Path, ...]]]) -> None:
    """Fail an edition that reads files with errors: one error for all of a brief's editions held
    back by the same files. It is assembled all the same, for the problems it has of its own."""
    planned.assembled = planned.assemble()
    brief, broken = planned.brief, broken_by_edition[(planned.brief.id, planned.audience.id)]
    if (brief.id, broken) not in reported:
        reported.add((brief.id, broken))
        held = [f"{b}--{a}" for (b, a), files in broken_by_edition.items() if b == brief.id and files == broken]
        what = f"edition '{held[0]}' is" if len(held) == 1 else f"editions {', '.join(held)} are"
        files = [SourceLocation(path).display(project.root) for path in broken]
        planned.diagnostics.error(brief.location, f"{what} not built: {', '.join(files)} "
                                  f"{'has' if len(files) == 1 else 'have'} errors (reported above)",
                                  "fix that file first" if len(files) == 1 else "fix those files first")
    planned.outcome = EditionOutcome((), Readability(0, 0, 0), None, is_failed=True)


def recorded_inputs_if_unchanged(project: Project, brief: Brief, audience: Audience, settings: list[tuple[str, object]],
                                 previous: CachedEdition | None, hashes: InputHashes,
                                 place: Place | None = None) -> EditionInputs | None:
    """The edition's inputs, when its last build recorded them and their key is unchanged.

    The images and citation keys recorded stand for the text: they can only differ now if a
    section or the manifest changed, which changes the key anyway."""
    if previous is None or previous.inputs is None:
        return None
    inputs = edition_inputs(project, brief, audience, settings, previous.inputs.text, hashes, place)
    return inputs if inputs.key == previous.key else None


def edition_settings(options: BuildOptions) -> list[tuple[str, object]]:
    """The options that shape what an edition contains (every option but those that choose
    which editions and files are built)."""
    return [(f.name, getattr(options, f.name)) for f in dataclasses.fields(options) if f.name not in NOT_IN_EDITION_KEY]
