"""Scheduling: the HTML pages are made in this process while PDF workers make the PDFs; a
large HTML-only build is spread over worker processes.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.cache import BuildCache
from briefgen.build.edition import EditionPages, pdf_job, render_pages
from briefgen.build.options import BuildOptions
from briefgen.build.pdf_workers import PdfJob, PdfWorkers, default_jobs
from briefgen.build.plan import EditionOutcome, PlannedEdition
from briefgen.build.workers import WorkerFailure, WorkerPool, start_method
from briefgen.build.write import write_edition
from briefgen.errors import Diagnostic, Diagnostics
from briefgen.measure.readability import Readability
from briefgen.model import Project

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages


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
    from briefgen.markdown.tokens import walk_tokens
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


class Progress:
    def __init__(self, total: int, report: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.report = total, 0, report
        if report is not None:
            report(0, total)

    def advance(self) -> None:
        self.done += 1
        if self.report is not None:
            self.report(self.done, self.total)
