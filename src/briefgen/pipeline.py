"""The stages in order: load → check → plan → assemble → cite → render HTML → render PDF → write.

Planning assembles every edition asked for and hashes its inputs; an edition whose inputs
and output files are unchanged since the last build is reported from the build cache
(:mod:`briefgen.cache`) instead of being rebuilt. PDFs are made in worker processes
(:mod:`briefgen.workers`) that load WeasyPrint once each, while the main process loads the
project and prepares the next edition's HTML. A failed edition never stops the others.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from briefgen.assemble import MarkdownCache, assemble_edition, check_audience_ids
from briefgen.cache import BuildCache, CachedEdition
from briefgen.errors import Diagnostic, Diagnostics, UsageError
from briefgen.fingerprints import InputHashes, edition_key
from briefgen.load.project import BRIEFS_DIR, load_project
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Audience, Brief, CitationStyle, Edition, OutputFormat, Project
from briefgen.outputs import output_folder, prepare_output_dir, write_atomic
from briefgen.pdf_workers import PdfJob, PdfOutcome, PdfWorkers, default_jobs, start_pdf_workers
from briefgen.readability import Readability, measure_edition
from briefgen.render.html import cite_edition, render_html
from briefgen.workers import WorkerFailure, WorkerPool, start_method


@dataclass(frozen=True, slots=True)
class BuildOptions:
    briefs: tuple[str, ...] = ()
    """Brief ids to build; empty means every brief."""
    audiences: tuple[str, ...] = ()
    """Audience ids; empty (or ``all``) means every audience the brief is for."""
    formats: tuple[OutputFormat, ...] = ("html", "pdf")
    output_dir: Path | None = None
    citation_style: CitationStyle | None = None
    jobs: int | None = None
    """Worker processes making PDFs (and the pages of large HTML-only builds); None: one per CPU."""
    force: bool = False
    """Rebuild every edition, even those whose inputs are unchanged."""
    on_progress: Callable[[int, int], None] | None = None
    """Called with (editions done, editions to build) as the build goes."""


_NOT_IN_EDITION_KEY = frozenset({"briefs", "audiences", "formats", "output_dir", "jobs", "force", "on_progress"})
"""Options that choose *which* editions and files to build, not what an edition contains; every
other option (present or future) is part of each edition's cache key."""


@dataclass(frozen=True, slots=True)
class EditionReport:
    """What was built, measured against the audience's targets."""

    name: str
    audience: Audience
    reading: Readability
    pages: int | None
    is_up_to_date: bool = False
    """True when the edition was unchanged and not rebuilt (the figures are from its last build)."""


@dataclass(slots=True)
class BuildResult:
    written: list[Path] = field(default_factory=list)
    reports: list[EditionReport] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def up_to_date(self) -> list[str]:
        return [report.name for report in self.reports if report.is_up_to_date]


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


def build(project_dir: Path, options: BuildOptions, pdf_workers: PdfWorkers | None = None) -> BuildResult:
    """Build the editions ``options`` asks for. ``pdf_workers``: a pool the caller started early
    (see :func:`start_pdf_workers`); by default the build starts its own."""
    result = BuildResult()
    output_dir = output_folder(project_dir, options.output_dir)
    cache = BuildCache(output_dir, is_forced=options.force)
    if pdf_workers is None:
        pdf_workers = start_pdf_workers(output_dir, options.formats, options.jobs, options.force, options.briefs,
                                        options.audiences)
    with pdf_workers:
        project = load_project(project_dir, result.diagnostics, cache.load_bibliography)
        markdown = MarkdownCache()
        check_audience_ids(project, result.diagnostics, markdown)
        plan = plan_editions(project, options, markdown, cache)
        output_dir = prepare_output_dir(output_dir)
        cache.save_bibliography()
        stale = [planned for planned in plan if planned.formats]
        progress = Progress(len(stale), options.on_progress)
        for planned, outcome in build_editions(stale, project, options, pdf_workers, output_dir, cache):
            planned.outcome = outcome
            progress.advance()
    for planned in plan:
        report_edition(planned, options, result)
    return result


def plan_editions(project: Project, options: BuildOptions, markdown: MarkdownCache, cache: BuildCache) -> list[PlannedEdition]:
    """Assemble every edition asked for and compare its inputs with the last build."""
    hashes = InputHashes(project)
    key_options = [(f.name, getattr(options, f.name)) for f in dataclasses.fields(options)
                   if f.name not in _NOT_IN_EDITION_KEY]
    plan = []
    for brief in select_briefs(project, options.briefs):
        for audience in select_audiences(project, brief, options.audiences):
            diagnostics = Diagnostics()
            edition = assemble_edition(project, brief, audience, markdown, diagnostics, options.citation_style)
            key = edition_key(edition, project, hashes, key_options)
            previous = cache.lookup(edition.name)
            formats = cache.missing_formats(edition.name, previous, key, options.formats)
            plan.append(PlannedEdition(edition, key, formats, previous, diagnostics))
    return plan


@dataclass(slots=True)
class EditionHtml:
    html: str
    reading: Readability


def render_edition_html(planned: PlannedEdition, project: Project) -> tuple[tuple[PlannedEdition, EditionHtml], PdfJob | None]:
    """Cite and render the HTML page; the PDF job for it when a PDF is wanted and all is well."""
    edition, diagnostics = planned.edition, planned.diagnostics
    table = cite_edition(edition, project, diagnostics)
    html = EditionHtml(render_html(edition, table, project, diagnostics), measure_edition(edition))
    if diagnostics.has_errors or "pdf" not in planned.formats:
        return (planned, html), None
    roots = (project.root, Path(str(resources.files("briefgen"))))
    return (planned, html), PdfJob(html.html, project.root, roots, edition.brief.location)


def build_editions(stale: list[PlannedEdition], project: Project, options: BuildOptions, pdf_workers: PdfWorkers,
                   output_dir: Path, cache: BuildCache) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """Every edition to build, written, as each is done. The HTML pages are made here while the
    PDF workers make the PDFs; a large HTML-only build is spread over worker processes."""
    if is_for_html_workers(stale, options):
        yield from build_pages_in_workers(stale, options, output_dir, cache, project)
        return
    pdf_jobs = sum(1 for planned in stale if "pdf" in planned.formats)
    pages = (render_edition_html(planned, project) for planned in stale)
    for (planned, html), pdf in pdf_workers.run_where_needed(pages, pdf_jobs):
        yield planned, write_edition(planned, html, pdf, output_dir, cache)


HTML_WORKERS_FROM = 16
"""An HTML-only build of at least this many editions is spread over worker processes; below
it, starting them costs more than it saves."""
HTML_WORKER_CHUNK = 8
"""Editions per job sent to an HTML worker: one edition is ~5 ms of work, so jobs are batched."""


def is_for_html_workers(stale: list[PlannedEdition], options: BuildOptions) -> bool:
    return ((options.jobs or default_jobs()) > 1 and len(stale) >= HTML_WORKERS_FROM
            and not any("pdf" in planned.formats for planned in stale) and start_method() == "fork")


def build_pages_in_workers(stale: list[PlannedEdition], options: BuildOptions, output_dir: Path, cache: BuildCache,
                           project: Project) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """The HTML-only editions, rendered and written by worker processes forked now: they inherit
    the loaded project and the planned editions rather than load them again."""
    chunks = [list(range(start, min(start + HTML_WORKER_CHUNK, len(stale))))
              for start in range(0, len(stale), HTML_WORKER_CHUNK)]
    run = functools.partial(build_pages_job, stale, project, output_dir, cache)
    gc.freeze()  # the workers' garbage collector leaves the inherited objects alone: fewer pages copied
    try:
        with WorkerPool(options.jobs or default_jobs(), run) as pool:
            for number, outcomes in pool.map_unordered(enumerate(chunks)):
                if isinstance(outcomes, WorkerFailure):
                    for index in chunks[number]:
                        planned = stale[index]
                        planned.diagnostics.error(planned.edition.brief.location,
                                                  f"could not make the HTML of {planned.edition.name} ({outcomes.message})",
                                                  "the other editions are not affected; please report this with the brief")
                        yield planned, EditionOutcome((), Readability(0, 0, 0), None, is_failed=True)
                    continue
                for index, (outcome, diagnostics) in zip(chunks[number], outcomes, strict=True):
                    stale[index].diagnostics = Diagnostics(list(diagnostics))
                    yield stale[index], outcome
    finally:
        gc.unfreeze()


def build_pages_job(stale: list[PlannedEdition], project: Project, output_dir: Path, cache: BuildCache,
                    indexes: list[int]) -> list[tuple[EditionOutcome, tuple[Diagnostic, ...]]]:
    """In an HTML worker: render and write some editions; only their outcomes go back."""
    done = []
    for index in indexes:
        (planned, html), _pdf_job = render_edition_html(stale[index], project)
        done.append((write_edition(planned, html, None, output_dir, cache), tuple(planned.diagnostics.items)))
    return done


def write_edition(planned: PlannedEdition, html: EditionHtml, pdf: PdfOutcome | WorkerFailure | None,
                  output_dir: Path, cache: BuildCache) -> EditionOutcome:
    """Write the edition's files, all or none, and record the build in the cache."""
    edition, diagnostics = planned.edition, planned.diagnostics
    if isinstance(pdf, WorkerFailure):
        diagnostics.error(edition.brief.location, f"could not make the PDF of {edition.name} ({pdf.message})",
                          "the other editions are not affected; please report this with the brief")
        pdf = None
    elif pdf is not None:
        diagnostics.extend(list(pdf.diagnostics))
    if diagnostics.has_errors or ("pdf" in planned.formats and pdf is None):
        return EditionOutcome(written=(), reading=html.reading, pages=None, is_failed=True)
    written: dict[str, Path] = {}
    if "html" in planned.formats:
        written["html"] = write_atomic(output_dir, f"{edition.name}.html", html.html.encode("utf-8"))
    if pdf is not None:
        written["pdf"] = write_atomic(output_dir, f"{edition.name}.pdf", pdf.data)
    pages = pdf.pages if pdf is not None else None
    cache.store(edition.name, planned.key, planned.previous, written, html.reading, pages, diagnostics.items)
    return EditionOutcome(written=tuple(written.values()), reading=html.reading, pages=pages, is_failed=False)


def report_edition(planned: PlannedEdition, options: BuildOptions, result: BuildResult) -> None:
    """Add an edition to the result, in plan order whatever order the workers finished in."""
    edition, previous, outcome = planned.edition, planned.previous, planned.outcome
    is_current = previous is not None and previous.key == planned.key
    if outcome is None:  # up to date: the figures and diagnostics of its last build
        assert previous is not None
        result.diagnostics.extend(list(previous.diagnostics))
        pages = previous.pages if "pdf" in options.formats else None
        result.reports.append(EditionReport(edition.name, edition.audience, previous.reading, pages, is_up_to_date=True))
        return
    result.diagnostics.extend(planned.diagnostics)
    if outcome.is_failed:
        result.failed.append(edition.name)
        return
    result.written.extend(outcome.written)
    pages = outcome.pages
    if pages is None and "pdf" in options.formats and is_current and previous is not None:
        pages = previous.pages  # only the HTML was rebuilt; the PDF is unchanged
    result.reports.append(EditionReport(edition.name, edition.audience, outcome.reading, pages))


class Progress:
    def __init__(self, total: int, report: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.report = total, 0, report
        if report is not None:
            report(0, total)

    def advance(self) -> None:
        self.done += 1
        if self.report is not None:
            self.report(self.done, self.total)


def select_briefs(project: Project, wanted: tuple[str, ...]) -> list[Brief]:
    if not wanted:
        return list(project.briefs.values())
    chosen = []
    for brief_id in wanted:
        if brief_id in project.briefs:
            chosen.append(project.briefs[brief_id])
        elif not (project.root / BRIEFS_DIR / f"{brief_id}.yaml").is_file():  # a broken one has its own error
            hint = did_you_mean(brief_id, list(project.briefs)) or "briefs: " + ", ".join(project.briefs)
            raise UsageError.at(None, f"no brief '{brief_id}'", hint)
    return chosen


def select_audiences(project: Project, brief: Brief, wanted: tuple[str, ...]) -> list[Audience]:
    ids = [a for a in wanted if a != "all"]
    for audience_id in ids:
        if audience_id not in project.audiences:
            hint = did_you_mean(audience_id, list(project.audiences)) or "audiences: " + ", ".join(project.audiences)
            raise UsageError.at(None, f"no audience '{audience_id}'", hint)
    for_brief = brief.audiences if brief.audiences is not None else tuple(project.audiences)
    if not ids:
        return [project.audiences[a] for a in for_brief if a in project.audiences]
    return [project.audiences[a] for a in ids if a in for_brief]
