"""The stages in order: load → check → plan → assemble → cite → render HTML → render PDF → write.

Planning assembles every edition asked for and hashes its inputs; an edition whose inputs
and output files are unchanged since the last build is reported from the build cache
(:mod:`briefgen.build.cache`) instead of being rebuilt. PDFs are made in worker processes
(:mod:`briefgen.build.workers`) that load WeasyPrint once each, while the main process loads the
project and prepares the next edition's pages. A failed edition never stops the others, and
an edition that reads a file with errors is not built at all.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.assemble import MarkdownCache, assemble_edition, check_audience_ids, edition_source_files
from briefgen.build.cache import BuildCache, CachedEdition
from briefgen.build.inputs import InputHashes, edition_key
from briefgen.build.outputs import output_folder, prepare_output_dir, write_all_atomic
from briefgen.build.pdf_workers import PdfJob, PdfOutcome, PdfWorkers, default_jobs, render_pdf_job, start_pdf_workers
from briefgen.build.workers import WorkerFailure, WorkerPool, start_method
from briefgen.citations.resolve import CitationTable
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, SourceLocation, UsageError
from briefgen.load.ids import is_valid_id
from briefgen.load.project import AUDIENCES_DIR, BRIEFS_DIR, load_project
from briefgen.load.yaml_fields import did_you_mean
from briefgen.measure.readability import Readability, measure_edition
from briefgen.model import Audience, Brief, CitationStyle, Edition, OutputFormat, PdfVariant, Project
from briefgen.render import time_limit
from briefgen.render.accessibility import check_alt_text
from briefgen.render.anchors import check_page
from briefgen.render.html import cite_edition, edition_date, render_html

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages


@dataclass(frozen=True, slots=True)
class BuildOptions:
    briefs: tuple[str, ...] = ()
    """Brief ids to build; empty means every brief."""
    audiences: tuple[str, ...] = ()
    """Audience ids; empty (or ``all``) means every audience the brief is for."""
    formats: tuple[OutputFormat, ...] = ("html", "pdf")
    output_dir: Path | None = None
    citation_style: CitationStyle | None = None
    allow_remote: bool = False
    """Download images that sections link to on other sites (off: only project files)."""
    remote_images: RemoteImages | None = field(default=None, compare=False, repr=False)
    """The build's remote image fetcher (each image downloaded once per build); made by
    :func:`build` when ``allow_remote`` is on and none is given."""
    embed_fonts: bool = True
    """Embed the theme's fonts in the HTML edition (``check`` skips it: nothing is written)."""
    pdf_variant: PdfVariant = "pdf/ua-1"
    jobs: int | None = None
    """Worker processes making PDFs (and the pages of large HTML-only builds); None: one per CPU."""
    force: bool = False
    """Rebuild every edition, even those whose inputs are unchanged."""
    on_progress: Callable[[int, int], None] | None = None
    """Called with (editions done, editions to build) as the build goes."""


_NOT_IN_EDITION_KEY = frozenset({"briefs", "audiences", "formats", "output_dir", "jobs", "force", "on_progress",
                                 "remote_images"})
"""Options that choose *which* editions and files to build, not what an edition contains; every
other option (present or future) is part of each edition's cache key."""


@dataclass(frozen=True, slots=True)
class EditionReport:
    """What was built, measured against the audience's targets."""

    name: str
    audience: Audience
    reading: Readability
    pages: int | None
    handout_pages: int | None = None
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


# --- one edition's pages and files: shared by build, check and watch ------------------------


@dataclass(slots=True)
class EditionPages:
    """An edition cited and rendered: the HTML edition and the page its PDF is made from."""

    table: CitationTable
    html: str | None
    pdf_page: str | None
    reading: Readability


def render_pages(edition: Edition, project: Project, options: BuildOptions, formats: list[str] | tuple[str, ...],
                 diagnostics: Diagnostics) -> EditionPages:
    table = cite_edition(edition, project, diagnostics)
    wants_pdf = "pdf" in formats or "png" in formats
    check_alt_text(edition, diagnostics, is_required=wants_pdf and options.pdf_variant == "pdf/ua-1")
    remote = options.remote_images
    if remote is None and options.allow_remote:
        from briefgen.render.remote import RemoteImages

        remote = RemoteImages()
    html = (render_html(edition, table, project, diagnostics, remote_images=remote,
                        embed_fonts=options.embed_fonts) if "html" in formats else None)
    pdf_page = None
    if wants_pdf and not diagnostics.has_errors:
        pdf_page = render_html(edition, table, project, diagnostics, is_for_pdf=True, remote_images=remote)
    page = html if html is not None else pdf_page
    if page is not None:
        check_page(edition, project, page, diagnostics)
    if diagnostics.has_errors:
        pdf_page = None
    return EditionPages(table, html, pdf_page, measure_edition(edition))


def pdf_job(edition: Edition, project: Project, options: BuildOptions, page: str, words: int) -> PdfJob:
    return PdfJob(page, project.root, package_roots(project), edition.brief.location, options.pdf_variant,
                  edition_date(edition), words, time_limit.MAX_RENDER_SECONDS, edition.name)


def package_roots(project: Project) -> tuple[Path, ...]:
    """Where the PDF renderer may read files: the project and briefgen's own package data."""
    return (project.root, Path(str(resources.files("briefgen"))))


@dataclass(slots=True)
class EditionFiles:
    files: dict[str, tuple[str, bytes]]
    """format → (file name, bytes)"""
    pages: int | None
    handout_pages: int | None


def edition_files(edition: Edition, project: Project, options: BuildOptions, formats: list[str] | tuple[str, ...],
                  pages: EditionPages, pdf: PdfOutcome | None, diagnostics: Diagnostics) -> EditionFiles:
    """The bytes of each output file asked for (the PNG is the PDF's first page; the handout is
    laid out here)."""
    files: dict[str, tuple[str, bytes]] = {}
    if pages.html is not None and "html" in formats:
        files["html"] = (f"{edition.name}.html", pages.html.encode("utf-8"))
    if pdf is not None and "pdf" in formats:
        files["pdf"] = (f"{edition.name}.pdf", pdf.data)
    if pdf is not None and "png" in formats:
        from briefgen.render.png import render_first_page

        files["png"] = (f"{edition.name}.png", render_first_page(pdf.data))
    handout_pages = None
    if "handout" in formats and not diagnostics.has_errors:
        from briefgen.render.handout import render_handout

        try:
            handout = render_handout(edition, project, list(package_roots(project)), diagnostics, options.pdf_variant)
        except BriefgenError as error:
            diagnostics.extend(error.diagnostics)
            handout = None
        if handout is not None:
            files["handout"] = (f"{edition.name}.handout.pdf", handout.data)
            handout_pages = handout.pages
    return EditionFiles(files, pdf.pages if pdf is not None else None, handout_pages)


@dataclass(slots=True)
class EditionBuild:
    """One edition, built in memory: what it says, the bytes of each output file, and its problems."""

    edition: Edition
    table: CitationTable
    html: str | None
    files: dict[str, bytes]
    report: EditionReport | None
    diagnostics: Diagnostics

    @property
    def is_built(self) -> bool:
        return not self.diagnostics.has_errors


def build_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                  options: BuildOptions) -> EditionBuild:
    """One edition, from assembly to the bytes of each output file, in this process (``check``
    and ``watch`` use it; nothing is written here)."""
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, audience, cache, diagnostics, options.citation_style)
    pages = render_pages(edition, project, options, options.formats, diagnostics)
    pdf = None
    if pages.pdf_page is not None:
        pdf = render_pdf_job(pdf_job(edition, project, options, pages.pdf_page, pages.reading.words))
        diagnostics.extend(list(pdf.diagnostics))
    made = edition_files(edition, project, options, options.formats, pages, pdf, diagnostics)
    if diagnostics.has_errors:
        return EditionBuild(edition, pages.table, pages.html, {}, None, diagnostics)
    report = EditionReport(edition.name, audience, pages.reading, made.pages, made.handout_pages)
    return EditionBuild(edition, pages.table, pages.html, {name: data for name, data in made.files.values()},
                        report, diagnostics)


def broken_inputs(project: Project, brief: Brief, audience: Audience, files_with_errors: frozenset[Path]) -> list[Path]:
    """The files with errors (found while loading) that this edition reads: its manifest, profile,
    sections, translations or references.bib. Another brief's manifest that a further question
    links to does not count."""
    own_manifest = brief.location.path.resolve()
    return sorted(path for path in edition_source_files(project, brief, audience) & files_with_errors
                  if path == own_manifest or path.parent != own_manifest.parent)


# --- the build: plan, render in workers, write -------------------------------------------


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


def build(project_dir: Path, options: BuildOptions, pdf_workers: PdfWorkers | None = None) -> BuildResult:
    """Build the editions ``options`` asks for. ``pdf_workers``: a pool the caller started early
    (see :func:`start_pdf_workers`); by default the build starts its own."""
    result = BuildResult()
    if options.allow_remote and options.remote_images is None:
        from briefgen.render.remote import RemoteImages

        options = dataclasses.replace(options, remote_images=RemoteImages())  # one download per image per build
    output_dir = output_folder(project_dir, options.output_dir)
    cache = BuildCache(output_dir, is_forced=options.force)
    if pdf_workers is None:
        pdf_workers = start_pdf_workers(output_dir, options.formats, options.jobs, options.force, options.briefs,
                                        options.audiences)
    with pdf_workers:
        project = load_project(project_dir, result.diagnostics, cache.load_bibliography)
        markdown = MarkdownCache()
        check_audience_ids(project, result.diagnostics, markdown)
        files_with_errors = frozenset(d.location.path.resolve() for d in result.diagnostics.errors if d.location)
        plan = plan_editions(project, options, markdown, cache, files_with_errors)
        output_dir = prepare_output_dir(output_dir)
        cache.save_bibliography()
        stale = [planned for planned in plan if planned.formats and planned.outcome is None]
        progress = Progress(len(stale), options.on_progress)
        for planned, outcome in build_editions(stale, project, options, pdf_workers, output_dir, cache):
            planned.outcome = outcome
            progress.advance()
    for planned in plan:
        report_edition(planned, options, result)
    for brief_id in unreadable_briefs(project, options.briefs):
        result.failed.append(f"{brief_id} (its manifest has errors)")
    return result


def unreadable_briefs(project: Project, wanted: tuple[str, ...]) -> list[str]:
    """Briefs whose manifest exists but could not be read (its errors are reported)."""
    found = sorted(path.stem for path in (project.root / BRIEFS_DIR).glob("*.yaml") if path.stem not in project.briefs)
    return [brief_id for brief_id in found if not wanted or brief_id in wanted]


def plan_editions(project: Project, options: BuildOptions, markdown: MarkdownCache, cache: BuildCache,
                  files_with_errors: frozenset[Path] = frozenset()) -> list[PlannedEdition]:
    """Assemble every edition asked for and compare its inputs with the last build."""
    hashes = InputHashes(project)
    key_options = [(f.name, getattr(options, f.name)) for f in dataclasses.fields(options)
                   if f.name not in _NOT_IN_EDITION_KEY]
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


def check_request(project: Project, options: BuildOptions, chosen: list[tuple[Brief, Audience]]) -> None:
    """An audience asked for on the command line that a brief asked for has no edition for is a
    usage error, as is a request that matches no edition at all. (An audience whose profile has
    errors has its own, located, error already.)"""
    wanted = [a for a in options.audiences if a != "all" and a in project.audiences]
    if not wanted:
        return
    for brief_id in options.briefs:
        brief = project.briefs.get(brief_id)
        built = {audience.id for b, audience in chosen if b is brief}
        for audience_id in wanted:
            if brief is not None and audience_id not in built:
                raise UsageError.at(None, f"brief '{brief_id}' has no edition for audience '{audience_id}'",
                                    "add the audience to the brief's 'audiences:' list, or ask for another")
    if not chosen and project.briefs:
        raise UsageError.at(None, f"no brief has an edition for {', '.join(repr(a) for a in wanted)}",
                            "add the audience to a brief's 'audiences:' list, or ask for another")


def render_planned(planned: PlannedEdition, project: Project, options: BuildOptions
                   ) -> tuple[tuple[PlannedEdition, EditionPages], PdfJob | None]:
    """Cite and render the pages; the PDF job when a PDF (or its picture) is wanted and all is well."""
    pages = render_pages(planned.edition, project, options, planned.formats, planned.diagnostics)
    job = (pdf_job(planned.edition, project, options, pages.pdf_page, pages.reading.words)
           if pages.pdf_page is not None else None)
    return (planned, pages), job


def build_editions(stale: list[PlannedEdition], project: Project, options: BuildOptions, pdf_workers: PdfWorkers,
                   output_dir: Path, cache: BuildCache) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """Every edition to build, written, as each is done. The HTML pages are made here while the
    PDF workers make the PDFs; a large HTML-only build is spread over worker processes."""
    if is_for_html_workers(stale, options):
        if options.remote_images is not None:  # downloaded here, once, before the workers are forked
            fetch_remote_images(stale, options.remote_images)
        yield from build_pages_in_workers(stale, options, output_dir, cache, project)
        return
    pdf_jobs = sum(1 for planned in stale if "pdf" in planned.formats or "png" in planned.formats)
    rendered = (render_planned(planned, project, options) for planned in stale)
    for (planned, pages), pdf in pdf_workers.run_where_needed(rendered, pdf_jobs):
        yield planned, write_edition(planned, project, options, pages, pdf, output_dir, cache)


def fetch_remote_images(stale: list[PlannedEdition], remote: RemoteImages) -> None:
    """Download every remote image the editions show (errors are kept and reported by each edition)."""
    from briefgen.load.project_files import is_remote
    from briefgen.markdown.parser import walk_tokens
    from briefgen.render.remote import RemoteRefused

    for planned in stale:
        for text in planned.edition.texts():
            for token in walk_tokens(text.tokens):
                source = str(token.attrGet("src") or "") if token.type == "image" else ""
                if is_remote(source):
                    try:
                        remote.fetch(source)
                    except RemoteRefused:
                        continue


HTML_WORKERS_FROM = 16
"""An HTML-only build of at least this many editions is spread over worker processes; below
it, starting them costs more than it saves."""
HTML_WORKER_CHUNK = 8
"""Editions per job sent to an HTML worker: one edition is ~5 ms of work, so jobs are batched."""


def is_for_html_workers(stale: list[PlannedEdition], options: BuildOptions) -> bool:
    return ((options.jobs or default_jobs()) > 1 and len(stale) >= HTML_WORKERS_FROM
            and all(set(planned.formats) <= {"html"} for planned in stale) and start_method() == "fork")


def build_pages_in_workers(stale: list[PlannedEdition], options: BuildOptions, output_dir: Path, cache: BuildCache,
                           project: Project) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """The HTML-only editions, rendered and written by worker processes forked now: they inherit
    the loaded project and the planned editions rather than load them again."""
    chunks = [list(range(start, min(start + HTML_WORKER_CHUNK, len(stale))))
              for start in range(0, len(stale), HTML_WORKER_CHUNK)]
    run = functools.partial(build_pages_job, stale, project, options, output_dir, cache)
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


def build_pages_job(stale: list[PlannedEdition], project: Project, options: BuildOptions, output_dir: Path,
                    cache: BuildCache, indexes: list[int]) -> list[tuple[EditionOutcome, tuple[Diagnostic, ...]]]:
    """In an HTML worker: render and write some editions; only their outcomes go back."""
    done = []
    for index in indexes:
        (planned, pages), _job = render_planned(stale[index], project, options)
        outcome = write_edition(planned, project, options, pages, None, output_dir, cache)
        done.append((outcome, tuple(planned.diagnostics.items)))
    return done


def write_edition(planned: PlannedEdition, project: Project, options: BuildOptions, pages: EditionPages,
                  pdf: PdfOutcome | WorkerFailure | None, output_dir: Path, cache: BuildCache) -> EditionOutcome:
    """Write the edition's files, all or none, and record the build in the cache."""
    edition, diagnostics = planned.edition, planned.diagnostics
    if isinstance(pdf, WorkerFailure):
        diagnostics.error(edition.brief.location, f"could not make the PDF of {edition.name} ({pdf.message})",
                          "the other editions are not affected; please report this with the brief")
        pdf = None
    elif pdf is not None:
        diagnostics.extend(list(pdf.diagnostics))
    failed = EditionOutcome(written=(), reading=pages.reading, pages=None, is_failed=True)
    wants_pdf = "pdf" in planned.formats or "png" in planned.formats
    if diagnostics.has_errors or (wants_pdf and pdf is None):
        return failed
    made = edition_files(edition, project, options, planned.formats, pages, pdf, diagnostics)
    if diagnostics.has_errors:
        return failed
    formats = list(made.files)
    try:
        paths = write_all_atomic(output_dir, {name: data for name, data in made.files.values()})
    except BriefgenError as error:
        diagnostics.extend(error.diagnostics)
        return failed
    written = dict(zip(formats, paths, strict=True))
    cache.store(edition.name, planned.key, planned.previous, written, pages.reading, made.pages, diagnostics.items)
    return EditionOutcome(tuple(paths), pages.reading, made.pages, is_failed=False, handout_pages=made.handout_pages)


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
    result.reports.append(EditionReport(edition.name, edition.audience, outcome.reading, pages, outcome.handout_pages))


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
        # a manifest that exists but is broken has its own error already
        elif not is_valid_id(brief_id) or not (project.root / BRIEFS_DIR / f"{brief_id}.yaml").is_file():
            known = sorted(path.stem for path in (project.root / BRIEFS_DIR).glob("*.yaml"))
            hint = (did_you_mean(brief_id, known) or "briefs: " + ", ".join(known) if known
                    else f"there is no manifest in {BRIEFS_DIR}/; start one with briefgen new brief ID")
            raise UsageError.at(None, f"no brief '{brief_id}'", hint)
    return chosen


def select_audiences(project: Project, brief: Brief, wanted: tuple[str, ...]) -> list[Audience]:
    ids = [a for a in wanted if a != "all"]
    for audience_id in ids:
        # a profile that exists but is broken has its own error already
        if audience_id not in project.audiences and not (project.root / AUDIENCES_DIR / f"{audience_id}.yaml").is_file():
            hint = did_you_mean(audience_id, list(project.audiences)) or "audiences: " + ", ".join(project.audiences)
            raise UsageError.at(None, f"no audience '{audience_id}'", hint)
    for_brief = brief.audiences if brief.audiences is not None else tuple(project.audiences)
    if not ids:
        return [project.audiences[a] for a in for_brief if a in project.audiences]
    return [project.audiences[a] for a in ids if a in for_brief and a in project.audiences]
