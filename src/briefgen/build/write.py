"""Write: an edition's files, all or none, recorded in the build cache.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.build.cache import BuildCache
from briefgen.build.edition import EditionPages, edition_files
from briefgen.build.outputs import write_all_atomic
from briefgen.build.pdf_workers import PdfOutcome
from briefgen.build.plan import EditionOutcome, PlannedEdition
from briefgen.build.workers import WorkerFailure
from briefgen.errors import BriefgenError


def write_edition(planned: PlannedEdition, pages: EditionPages, pdf: PdfOutcome | WorkerFailure | None,
                  output_dir: Path, cache: BuildCache) -> EditionOutcome:
    """Write the edition's files, all or none, and record the build in the cache."""
    edition, diagnostics = planned.edition, planned.diagnostics
    failed = EditionOutcome(written=(), reading=pages.reading, pages=None, is_failed=True)
    made = edition_files(edition, planned.formats, pages, pdf, diagnostics)
    if made is None:
        return failed
    try:
        paths = write_all_atomic(output_dir, made.by_name)
    except BriefgenError as error:
        diagnostics.extend(error.diagnostics)
        return failed
    written = dict(zip(made.files, paths, strict=True))
    assert planned.inputs is not None, "an edition held back is never written"
    cache.store(planned.inputs, planned.previous, written, pages.reading, made.pages, diagnostics.items)
    return EditionOutcome(tuple(paths), pages.reading, made.pages, is_failed=False, handout_pages=made.handout_pages)
