"""Scheduling: which process runs each stage of each edition, and how many are under way.

The scheduler is handed the editions to build and two stages as functions, ``render`` (cite
and render the HTML, in this process) and ``write`` (make the files and write them, in this
process); the PDF stage is the PDF workers' job. It decides nothing about an edition:

- With PDF workers, this process is the producer and the workers the consumers. It renders
  an edition's pages and submits the job; when the job comes back it writes the edition. At
  most :data:`IN_FLIGHT_PER_WORKER` editions per worker are rendered and not yet written, so
  this process never runs ahead of the workers: memory stays flat however many editions the
  build has, and a worker that finishes finds its next job waiting.
- A large HTML-only build is spread over forked HTML workers, each rendering and writing a
  chunk of editions.
- With a Dask cluster (``--scheduler``), the cluster's workers take the PDF workers' place
  (:mod:`briefgen.build.dask_scheduler`), with the same bound on what is in flight.
- Anything else runs here, one edition after the other.

Progress is reported as each edition is done.
"""

from __future__ import annotations

import functools
import gc
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from briefgen.build.edition import EditionPages
from briefgen.build.options import BuildOptions
from briefgen.build.pdf_workers import PdfOutcome, PdfWorkers, default_jobs
from briefgen.build.plan import EditionOutcome, PlannedEdition
from briefgen.build.workers import WorkerFailure, WorkerPool, start_method
from briefgen.errors import Diagnostic, Diagnostics
from briefgen.measure.readability import Readability

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages

Render = Callable[[PlannedEdition], EditionPages]
"""Cite and render an edition's pages (the job for a PDF worker among them)."""
Write = Callable[[PlannedEdition, EditionPages, PdfOutcome | WorkerFailure | None], EditionOutcome]
"""Make an edition's files from its pages and the PDF worker's result, and write them."""

IN_FLIGHT_PER_WORKER = 2
"""Editions rendered and not yet written, per PDF worker: one being laid out, one waiting."""


def schedule_editions(stale: list[PlannedEdition], render: Render, write: Write, pdf_workers: PdfWorkers,
                      options: BuildOptions, cluster: Any = None) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """Every edition built and written, as each is done (in the order they finish). ``cluster``:
    a Dask client whose workers make the PDFs, or None."""
    progress = Progress(len(stale), options.on_progress)
    if cluster is not None:
        from briefgen.build.dask_scheduler import build_on_cluster

        pdf_workers.terminate()
        done = build_on_cluster(cluster, stale, render, write)
    elif is_for_html_workers(stale, options):
        pdf_workers.terminate()
        if options.remote_images is not None:  # downloaded here, once, before the workers are forked
            fetch_remote_images(stale, options.remote_images)
        done = build_in_html_workers(stale, render, write, options.jobs or default_jobs())
    else:
        done = build_with_pdf_workers(stale, render, write, pdf_workers)
    for planned, outcome in done:
        progress.advance()
        yield planned, outcome


def needs_pdf_worker(formats: list[str]) -> bool:
    return any(name in formats for name in ("pdf", "png", "handout"))


def build_with_pdf_workers(stale: list[PlannedEdition], render: Render, write: Write,
                           pdf_workers: PdfWorkers) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """Render here, lay out in the PDF workers, write here: a producer and its consumers with
    a bounded number of editions in between."""
    jobs = sum(1 for planned in stale if needs_pdf_worker(planned.formats))
    if jobs == 0:
        pdf_workers.terminate()  # a pool started ahead of time has nothing to do
        for planned in stale:
            yield planned, write(planned, render(planned), None)
        return
    pool = pdf_workers.start(jobs)
    limit = IN_FLIGHT_PER_WORKER * pool.size
    waiting = deque(stale)
    in_flight: dict[int, tuple[PlannedEdition, EditionPages]] = {}
    number = 0
    while waiting or in_flight:
        while waiting and len(in_flight) < limit:
            planned = waiting.popleft()
            pages = render(planned)
            if pages.job is None:  # nothing to lay out (HTML only, or an error)
                yield planned, write(planned, pages, None)
                continue
            number += 1
            in_flight[number] = (planned, pages)
            pool.submit(number, pages.job)
        if in_flight:
            finished, pdf = pool.next_result()
            planned, pages = in_flight.pop(finished)
            yield planned, write(planned, pages, pdf)


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


def build_in_html_workers(stale: list[PlannedEdition], render: Render, write: Write,
                          workers: int) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """The HTML-only editions, rendered and written by worker processes forked now: they inherit
    the loaded project and the planned editions rather than load them again."""
    chunks = [list(range(start, min(start + HTML_WORKER_CHUNK, len(stale))))
              for start in range(0, len(stale), HTML_WORKER_CHUNK)]
    run = functools.partial(build_chunk, stale, render, write)
    gc.freeze()  # the workers' garbage collector leaves the inherited objects alone: fewer pages copied
    try:
        with WorkerPool(workers, run) as pool:
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


def build_chunk(stale: list[PlannedEdition], render: Render, write: Write,
                indexes: list[int]) -> list[tuple[EditionOutcome, tuple[Diagnostic, ...]]]:
    """In an HTML worker: render and write some editions; only their outcomes go back."""
    done = []
    for index in indexes:
        planned = stale[index]
        outcome = write(planned, render(planned), None)
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
