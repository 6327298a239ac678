"""The editions being watched: the files each depends on, and rebuilding only the ones a
change touches.

Loading the project is cheap (milliseconds), so every round reloads it; assembling and
rendering are what a round saves. An edition depends on what it reads
(:class:`briefgen.build.inputs.EditionInputs`, the answer the build cache uses too): its brief
manifest and the manifests its further questions link to, its audience profiles,
``references.bib``, the section files its brief lists for it (with the translations for its
language) and the images it shows. A change to briefgen's own templates, themes or message
catalogues, or to the bibliography, rebuilds everything.

An edition with errors is not written: the last good page stays in place (and is still
served, under the list of problems), so a typo never blanks the preview.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, check_audience_ids
from briefgen.build.data_rows import RowsRead
from briefgen.build.edition import build_edition
from briefgen.build.inputs import REFUSED, InputHashes, content_digest, edition_inputs, known_paths, read_text_inputs
from briefgen.build.options import BuildOptions
from briefgen.build.outputs import prepare_output_dir, write_all_atomic
from briefgen.build.plan import edition_settings
from briefgen.build.select import select_audiences, select_briefs, select_places
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, Severity, SourceLocation
from briefgen.load.project import BIBLIOGRAPHY, BRIEFS_DIR, load_project
from briefgen.load.settings import SETTINGS_FILE
from briefgen.model import Audience, Brief, OutputFormat, Place, Project, edition_name

OUTPUT_SUFFIXES = (".html", ".pdf", ".handout.pdf", ".png")
"""The files an edition can have in the output folder (see ``briefgen build -f``)."""

PACKAGE_FOLDERS = ("templates", "themes", "i18n", "audiences")
"""briefgen's own files that shape every edition."""


@dataclass(frozen=True, slots=True)
class WatchOptions:
    briefs: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    formats: tuple[OutputFormat, ...] = ("html",)
    output_dir: Path | None = None
    """Where editions are written; None keeps them in memory only (``briefgen preview``)."""
    where: tuple[tuple[str, str], ...] = ()
    """``--where COLUMN=VALUE``: only these rows of briefs with ``places:`` (default: every row)."""
    is_first_row_only: bool = False
    """Without ``where``, only the first row of a brief's places (``briefgen preview``)."""


@dataclass(frozen=True, slots=True)
class EditionState:
    name: str
    brief_id: str
    audience_id: str
    version: int
    """The round in which this edition was last rebuilt (pages reload when it changes)."""
    html: str | None
    """The last page built without errors (None until there is one)."""
    pdf: bytes | None
    problems: tuple[Diagnostic, ...]
    """What the last rebuild found; with an error, ``html`` is the previous good page."""
    dependencies: frozenset[Path]
    place_values: tuple[tuple[str, str], ...] = ()
    """The row of the brief's ``places:`` it was built from (a change to another row of the CSV leaves it alone)."""
    whole_data: frozenset[Path] = frozenset()
    """The data files its charts and tables read whole (every row of them counts; the places CSV too)."""
    rows_read: tuple[RowsRead, ...] = ()
    rows_digest: str = ""
    """The rows of the other data files they draw for its place, and their hash when it was built."""

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    round: int
    rebuilt: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    written: tuple[Path, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    """Every problem found in this round, each once."""
    seconds: float = 0.0
    changed: tuple[Path, ...] = ()
    """The changed files that started this round (empty for a full round)."""


@dataclass(slots=True)
class _Round:
    number: int
    changed: set[Path] | None
    states: dict[str, EditionState]
    rebuilt: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    problems: Diagnostics = field(default_factory=Diagnostics)


class LiveEditions:
    """The watched editions, safe to read from the server's threads while a round runs."""

    def __init__(self, root: Path, options: WatchOptions) -> None:
        self.root = root.resolve()
        self.options = options
        self.round = 0
        self._states: dict[str, EditionState] = {}
        self._lock = threading.Lock()
        self._package = Path(str(resources.files("briefgen"))).resolve()
        self._digests: dict[Path, str | None] = {}
        """Content hashes of the files the editions read, as of their last build."""
        self._warned: set[Diagnostic] = set()
        """Warnings already printed: said again only when the file they point at changes."""
        self._written: set[Path] = set()
        self._said_stale: set[Path] = set()

    # --- reading (any thread) -----------------------------------------------------------

    def snapshot(self) -> tuple[int, dict[str, EditionState]]:
        with self._lock:
            return self.round, dict(self._states)

    def get(self, name: str) -> EditionState | None:
        with self._lock:
            return self._states.get(name)

    def watched_folders(self) -> tuple[list[Path], list[Path]]:
        """(folders to watch with their subfolders, folders to watch alone): the project's
        ``briefs/``, briefgen's own templates, and any other folder holding an embedded image;
        the project folder itself for ``references.bib``."""
        recursive = {self.root / BRIEFS_DIR, *(self._package / name for name in PACKAGE_FOLDERS)}
        with self._lock:
            dependencies = [path for state in self._states.values() for path in state.dependencies]
        for path in dependencies:
            if path.is_relative_to(self.root) and path.parent != self.root and not path.is_relative_to(self.root / BRIEFS_DIR):
                recursive.add(self.root / path.relative_to(self.root).parts[0])
        return sorted(p for p in recursive if p.is_dir()), [self.root]

    def is_own_output(self, path: Path) -> bool:
        """A file this watcher writes: its change never starts a round, wherever the output folder is
        (``-o .`` or ``-o briefs`` put it among the watched sources)."""
        return path.resolve() in self._written

    def is_global(self, path: Path) -> bool:
        """A change that concerns every edition."""
        return path in (self.root / BIBLIOGRAPHY, self.root / SETTINGS_FILE) or any(
            path.is_relative_to(self._package / name) for name in PACKAGE_FOLDERS)

    # --- one round (the watching thread) -----------------------------------------------

    def changed_content(self, changed: Collection[Path]) -> set[Path]:
        """The paths among ``changed`` whose content differs from what the editions last read: a
        save without changes (or ``touch``) rebuilds nothing and reloads no page."""
        really = set()
        for path in (Path(p).resolve() for p in changed):
            digest = _digest(path)
            if path in self._digests and digest is not None and self._digests[path] == digest:
                continue
            self._digests[path] = digest
            really.add(path)
        return really

    def rebuild(self, changed: Collection[Path] | None = None) -> RebuildReport:
        """Rebuild the editions ``changed`` files touch (every edition when None)."""
        started = time.perf_counter()
        changed_set = None if changed is None else {Path(p).resolve() for p in changed}
        if changed_set is not None and any(self.is_global(path) for path in changed_set):
            _forget_package_files()
            changed_set = None
        with self._lock:
            work = _Round(self.round + 1, changed_set, dict(self._states))
        try:
            self._run(work)
        except BriefgenError as error:  # the project cannot be loaded at all (e.g. briefs/ is gone)
            work.problems.extend(error.diagnostics)
            for name, state in work.states.items():
                work.states[name] = replace(state, version=work.number, problems=tuple(error.diagnostics))
                work.failed.append(name)
        with self._lock:
            removed = sorted(set(self._states) - set(work.states))
            self.round = work.number
            self._states = work.states
        self._remember(work)
        unchanged = sorted(set(work.states) - set(work.rebuilt) - set(work.failed))
        return RebuildReport(work.number, tuple(work.rebuilt), tuple(work.failed), tuple(removed), tuple(unchanged),
                             tuple(work.written), tuple(dict.fromkeys(work.problems.items)), time.perf_counter() - started,
                             tuple(sorted(changed_set or ())))

    def _remember(self, work: _Round) -> None:
        """Record the content of every file the editions read (and of the bibliography) not yet known."""
        paths = {self.root / BIBLIOGRAPHY, *(path for state in work.states.values() for path in state.dependencies)}
        for path in paths:
            resolved = path.resolve()
            if resolved not in self._digests:
                self._digests[resolved] = _digest(resolved)

    def check_selection(self) -> list[str]:
        """Raise :class:`UsageError` when the briefs, audiences or rows asked for do not exist (before
        watching starts); else notes on the rows watched (a preview of the first row only)."""
        project = load_project(self.root, Diagnostics())
        briefs = select_briefs(project, self.options.briefs)
        for brief in briefs:
            select_audiences(project, brief, self.options.audiences)
        rows = select_places(project, briefs, self.options.where)
        notes = []
        for brief in briefs:
            table = brief.places
            if table is None or not rows[brief.id]:
                continue
            chosen = self._rows(rows[brief.id])
            if len(chosen) < len(table.rows) and not self.options.where:
                first = chosen[0]
                assert first is not None
                notes.append(f"{brief.id}: showing the first of its {len(table.rows)} places, {first.name} "
                             f"({table.id_column} {first.id}); add --where {table.id_column}=VALUE for another")
        return notes

    def _rows(self, rows: list[Place | None]) -> list[Place | None]:
        return rows[:1] if self.options.is_first_row_only and not self.options.where else rows

    def _run(self, work: _Round) -> None:
        loading = Diagnostics()
        project = load_project(self.root, loading)
        project = check_audience_ids(project, loading, MarkdownCache())
        self._report_loading(loading, work)
        cache = MarkdownCache()
        hashes = InputHashes(project)
        planned: set[str] = set()
        briefs = self._briefs(project, work)
        rows = select_places(project, briefs, self.options.where)
        for brief in briefs:
            for audience in select_audiences(project, brief, self.options.audiences):
                static = known_paths(project, brief, audience)
                for place in self._rows(rows[brief.id]):
                    name = edition_name(brief.id, audience.id, place)
                    planned.add(name)
                    old = work.states.get(name)
                    if _is_touched(work.changed, old, static, brief, place, hashes):
                        self._build(project, brief, audience, place, old, static, loading, cache, hashes, work)
        for name, state in list(work.states.items()):
            if name in planned:
                continue
            manifest = self.root / BRIEFS_DIR / f"{state.brief_id}.yaml"
            if state.brief_id not in project.briefs and manifest.is_file():  # broken manifest: keep the last good page
                problems = tuple(p for p in loading.items if p.location and p.location.path.resolve() == manifest.resolve())
                if work.changed is None or manifest.resolve() in work.changed:
                    work.states[name] = replace(state, version=work.number, problems=problems)
                    work.failed.append(name)
            else:
                del work.states[name]

    def _briefs(self, project: Project, work: _Round) -> list[Brief]:
        wanted = tuple(b for b in self.options.briefs if b in project.briefs)
        for brief_id in self.options.briefs:
            manifest = (self.root / BRIEFS_DIR / f"{brief_id}.yaml").resolve()
            if brief_id in project.briefs or manifest.is_file():
                continue
            if work.changed is None or manifest in work.changed:  # said once, when it goes
                work.problems.error(SourceLocation(manifest), f"the brief '{brief_id}' being watched no longer exists",
                                    "restore its manifest, or stop with Ctrl-C and watch other briefs")
        if self.options.briefs and not wanted:
            return []
        return select_briefs(project, wanted)

    def _report_loading(self, loading: Diagnostics, work: _Round) -> None:
        """Loading problems are shown when their file changed (or on a full round), not every round."""
        for problem in loading.items:
            path = problem.location.path.resolve() if problem.location else None
            if work.changed is None or path is None or path in work.changed:
                work.problems.items.append(problem)

    def _build(self, project: Project, brief: Brief, audience: Audience, place: Place | None,
               old: EditionState | None, static: frozenset[Path], loading: Diagnostics, cache: MarkdownCache,
               hashes: InputHashes, work: _Round) -> None:
        found = Diagnostics()
        found.extend([p for p in loading.items if p.location and p.location.path.resolve() in static])
        options = BuildOptions(formats=self.options.formats)
        built = build_edition(project, brief, audience, cache, options, place)
        found.extend(built.diagnostics)
        edition = built.edition
        html = built.html or ""
        pdf = built.files.get(f"{edition.name}.pdf")
        if not found.has_errors and self.options.output_dir is not None:
            self._write(edition.name, built.files, found, work)
        text = read_text_inputs(edition)
        dependencies = static | edition_inputs(project, brief, audience, edition_settings(options), text, hashes,
                                               place).paths
        problems = tuple(dict.fromkeys(found.items))
        values = _row(place)
        whole = frozenset(path.resolve() for path in text.data)
        digest = hashes.rows.digests(text.rows)
        if found.has_errors:
            work.states[edition.name] = EditionState(edition.name, brief.id, audience.id, work.number,
                                                     old.html if old else None, old.pdf if old else None,
                                                     problems, dependencies, values, whole, text.rows, digest)
            work.failed.append(edition.name)
        else:
            work.states[edition.name] = EditionState(edition.name, brief.id, audience.id, work.number, html, pdf,
                                                     problems, dependencies, values, whole, text.rows, digest)
            work.rebuilt.append(edition.name)
        work.problems.extend([p for p in problems if self._is_news(p, work)])

    def _is_news(self, problem: Diagnostic, work: _Round) -> bool:
        """Errors are always shown; a warning once, and again after its own file changes."""
        if problem.severity is Severity.ERROR:
            return True
        path = problem.location.path.resolve() if problem.location else None
        if problem in self._warned and not (work.changed is None or (path is not None and path in work.changed)):
            return False
        self._warned.add(problem)
        return True

    def _write(self, name: str, files: dict[str, bytes], found: Diagnostics, work: _Round) -> None:
        assert self.options.output_dir is not None
        try:
            folder = prepare_output_dir(self.options.output_dir)
            self._written.update(folder / file_name for file_name in files)  # before writing: no event is missed
            work.written.extend(write_all_atomic(folder, files))
        except BriefgenError as error:
            found.extend(error.diagnostics)
            return
        self._say_stale(folder, name, files, found)

    def _say_stale(self, folder: Path, name: str, files: dict[str, bytes], found: Diagnostics) -> None:
        """An output of this edition that watch does not make (a PDF from an earlier build, beside the HTML
        written now) no longer matches the sources: said once per file, so nobody hands it out unawares."""
        for suffix in OUTPUT_SUFFIXES:
            other = folder / f"{name}{suffix}"
            if other.name in files or other in self._said_stale or not other.is_file():
                continue
            self._said_stale.add(other)
            made = ", ".join(Path(file_name).suffix.lstrip(".").upper() for file_name in files)
            found.warning(SourceLocation(other), f"is stale: watch updates only the {made} of this edition, "
                          "so this file does not show the changes made since it was built",
                          "refresh it with briefgen build, or watch with -f "
                          + ("handout" if suffix == ".handout.pdf" else suffix.lstrip(".")))


_LARGEST_HASHED_FILE = 64 * 1024 * 1024


def _row(place: Place | None) -> tuple[tuple[str, str], ...]:
    return tuple(place.values.items()) if place is not None else ()


def _is_touched(changed: set[Path] | None, old: EditionState | None, static: frozenset[Path], brief: Brief,
                place: Place | None, hashes: InputHashes) -> bool:
    """Whether an edition must be rebuilt: every edition in a full round, a new one, one that reads a
    changed file; but not a place's edition when what changed is only other rows of the places CSV
    (its own row did not) and of data files its charts and tables draw rows of for its place (the
    rows they draw did not: :mod:`briefgen.build.data_rows`)."""
    if changed is None or old is None:
        return True
    touching = changed & (old.dependencies | static)
    if not touching:
        return False
    unchanged: set[Path] = set()
    partial = {read.path.resolve() for read in old.rows_read}
    if touching & partial:
        if hashes.rows.digests(old.rows_read) != old.rows_digest:
            return True
        unchanged |= partial
    if brief.places is not None:
        table = brief.places.location.path.resolve()
        (unchanged.add if old.place_values == _row(place) else unchanged.discard)(table)
    return not touching <= unchanged - old.whole_data


def _digest(path: Path) -> str | None:
    """The content hash of a regular file (None for anything else, which always counts as changed)."""
    digest = content_digest(path, None, _LARGEST_HASHED_FILE)
    return None if digest.startswith(REFUSED) else digest


def _forget_package_files() -> None:
    """Templates, themes and catalogues are cached per process; a change to them must be seen."""
    from briefgen.i18n import messages_for
    from briefgen.render import html

    for cached in (html.theme_css, messages_for, html.template_environment):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()
