"""The PDF workers of a build: the job they run (an edition's HTML page → its PDF) and when
they start.

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

from briefgen.build.outputs import CACHE_DIR
from briefgen.build.workers import OnDemandPool
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, SourceLocation


@dataclass(frozen=True, slots=True)
class PdfJob:
    html: str
    base_dir: Path
    allowed_roots: tuple[Path, ...]
    location: SourceLocation
    variant: str = "pdf/ua-1"
    date: dt.date | None = None
    words: int = 0
    """The edition's length, to guess whether it needs a table of contents."""
    seconds: float | None = None
    """The layout's time limit, decided where the job is made (a worker may not share its settings)."""
    edition: str = ""
    """The edition's name (``brief--audience``), for warnings."""


@dataclass(frozen=True, slots=True)
class PdfOutcome:
    data: bytes
    pages: int
    diagnostics: tuple[Diagnostic, ...]


PdfWorkers = OnDemandPool[PdfJob, PdfOutcome]


def render_pdf_job(job: PdfJob) -> PdfOutcome:
    """HTML → PDF, in a worker process."""
    from briefgen.render.pdf import render_pdf

    diagnostics = Diagnostics()
    try:
        pdf = render_pdf(job.html, job.base_dir, list(job.allowed_roots), job.location, diagnostics,
                         job.variant, job.date, words=job.words,
                         seconds=job.seconds, edition=job.edition)  # type: ignore[arg-type]
    except BriefgenError as error:  # a limit was reached: this edition fails, the worker goes on
        return PdfOutcome(b"", 0, tuple([*diagnostics.items, *error.diagnostics]))
    return PdfOutcome(pdf.data, pdf.pages, tuple(diagnostics.items))


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
    pool: PdfWorkers = OnDemandPool(jobs or default_jobs(), render_pdf_job, load_pdf_renderer)
    if "pdf" in formats and (is_forced or not has_recorded_editions(output_dir)):
        is_one_edition = len(briefs) == 1 and len(audiences) == 1 and tuple(audiences) != ("all",)
        pool.start(1 if is_one_edition else None)
    return pool


def has_recorded_editions(output_dir: Path) -> bool:
    try:
        return any((output_dir / CACHE_DIR / "editions").iterdir())
    except OSError:
        return False


def default_jobs() -> int:
    """One worker per CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
