"""Write: an edition's files, all or none, recorded in the build cache.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.build.cache import BuildCache
from briefgen.build.edition import EditionPages, edition_files
from briefgen.build.options import BuildOptions
from briefgen.build.outputs import write_all_atomic
from briefgen.build.pdf_workers import PdfOutcome
from briefgen.build.plan import EditionOutcome, PlannedEdition
from briefgen.build.workers import WorkerFailure
from briefgen.errors import BriefgenError
from briefgen.model import Project


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
    assert planned.inputs is not None, "an edition held back is never written"
    cache.store(planned.inputs, planned.previous, written, pages.reading, made.pages, diagnostics.items)
    return EditionOutcome(tuple(paths), pages.reading, made.pages, is_failed=False, handout_pages=made.handout_pages)
