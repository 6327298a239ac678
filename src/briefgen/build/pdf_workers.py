"""Render PDF: the job a PDF worker runs for one edition (its page → the PDF and the PNG of its
first page; its handout's page → the handout) and when the workers start.

This module is light on imports on purpose. The command line starts the workers before it
imports the rest of briefgen, so on a cold build WeasyPrint (~0.6 s to import) loads in the
workers while the main process imports the pipeline and loads the project.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.outputs import CACHE_DIR
from briefgen.build.workers import OnDemandPool
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, SourceLocation

if TYPE_CHECKING:
    from briefgen.model import PdfVariant
    from briefgen.render.handout import HandoutPage


@dataclass(frozen=True, slots=True)
class PdfJob:
    """Everything laid out for one edition, in one worker: plain data, sent through a pipe."""

    html: str | None
    """The page the PDF is made from (None when only the handout is wanted)."""
    base_dir: Path
    allowed_roots: tuple[Path, ...]
    location: SourceLocation
    variant: PdfVariant = "pdf/ua-1"
    date: dt.date | None = None
    words: int = 0
    """The edition's length, to guess whether it needs a table of contents."""
    seconds: float | None = None
    """The layout's time limit, decided where the job is made (a worker may not share its settings)."""
    edition: str = ""
    """The edition's name (``brief--audience``), for warnings."""
    wants_png: bool = False
    """Also a picture of the PDF's first page."""
    handout: HandoutPage | None = None
    """The handout's page, laid out once the PDF is made without errors."""


@dataclass(frozen=True, slots=True)
class PdfOutcome:
    data: bytes | None
    pages: int | None
    diagnostics: tuple[Diagnostic, ...]
    png: bytes | None = None
    handout: bytes | None = None
    handout_pages: int | None = None


PdfWorkers = OnDemandPool[PdfJob, PdfOutcome]

JOBS_PER_PDF_WORKER = 50
"""A PDF worker is replaced by a fresh one after this many editions. Each document's font
configuration (fontconfig and Pango, in C) stays in WeasyPrint's process, ~0.2 MB a PDF, so a
worker that lived for the whole build would grow with the number of editions; a fresh worker
costs its warm-up (~0.6 s) once per 50 editions (~20 s of layout)."""


def render_pdf_job(job: PdfJob) -> PdfOutcome:
    """Lay out an edition's pages, in a worker process: a limit reached fails this edition, and
    the worker goes on with the next."""
    diagnostics = Diagnostics()
    data = pages = png = handout = handout_pages = None
    try:
        if job.html is not None:
            from briefgen.render.pdf import render_pdf

            pdf = render_pdf(job.html, job.base_dir, list(job.allowed_roots), job.location, diagnostics, job.variant,
                             job.date, words=job.words, seconds=job.seconds, edition=job.edition)
            data, pages = pdf.data, pdf.pages
            if job.wants_png:
                from briefgen.render.png import render_first_page

                png = render_first_page(pdf.data)
        if job.handout is not None and not diagnostics.has_errors:
            from briefgen.render.handout import lay_out_handout

            laid_out = lay_out_handout(job.handout, list(job.allowed_roots), job.location, diagnostics, job.variant,
                                       job.date, job.seconds)
            if laid_out is not None:
                handout, handout_pages = laid_out.data, laid_out.pages
    except BriefgenError as error:
        return PdfOutcome(None, None, tuple([*diagnostics.items, *error.diagnostics]))
    return PdfOutcome(data, pages, tuple(diagnostics.items), png, handout, handout_pages)


def load_pdf_renderer() -> None:
    """A worker's warm-up, before the first job arrives: import WeasyPrint (~0.6 s).

    Each PDF gets a font configuration of its own: every page embeds fonts subset to its own
    characters under the same family names, so a configuration shared between documents could
    lend one page's glyphs to another."""
    import briefgen.render.pdf  # noqa: F401


def start_pdf_workers(output_dir: Path, formats: Sequence[str], jobs: int | None, is_forced: bool,
                      briefs: Sequence[str], audiences: Sequence[str]) -> PdfWorkers:
    """The PDF worker pool of a build (use it as a context manager).

    On a cold build that makes PDFs (nothing recorded in the output folder yet, or ``--force``)
    the workers start now. On an incremental build most editions may be up to date, and
    starting then would only compete with planning for the CPU: they start when the first
    PDF is needed. One worker when the command names one brief and one audience.
    """
    pool: PdfWorkers = OnDemandPool(jobs or default_jobs(), render_pdf_job, load_pdf_renderer, JOBS_PER_PDF_WORKER)
    if "pdf" in formats and (is_forced or not has_recorded_editions(output_dir)):
        is_one_edition = len(briefs) == 1 and len(audiences) == 1 and tuple(audiences) != ("all",)
        pool.start(1 if is_one_edition else None)
    return pool


def has_recorded_editions(output_dir: Path) -> bool:
    cache = output_dir / CACHE_DIR  # the build cache's record of editions, or journals of a build stopped half-way
    try:
        return (cache / "editions.json").is_file() or any((cache / "journal").iterdir())
    except OSError:
        return False


def default_jobs() -> int:
    """One worker per CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
