"""The build, stage by stage: load → validate → select → plan (cache) → assemble → cite →
render HTML → render PDF → write.

Loading reads the project (:mod:`briefgen.load.project`) and validation checks what the
loader cannot (:mod:`briefgen.build.assemble`). Planning (:mod:`briefgen.build.plan`) selects
the editions asked for (:mod:`briefgen.build.select`) and compares what each reads
(:mod:`briefgen.build.inputs`) with its last build (:mod:`briefgen.build.cache`): an edition
whose inputs and files are unchanged is reported from the cache without being assembled, and
one that reads a file with errors is not built. A build with nothing to do never loads the
renderers. Every other edition is assembled, cited (:mod:`briefgen.citations.cite`), rendered
to HTML (:mod:`briefgen.build.edition`), laid out as a PDF in a worker process
(:mod:`briefgen.build.pdf_workers`) and written (:mod:`briefgen.build.write`); the scheduler
(:mod:`briefgen.build.schedule`) runs those stages and decides which process runs each (with
``--scheduler``, the PDFs are made on a Dask cluster: :mod:`briefgen.build.dask_scheduler`). A
failed edition never stops the others. Last, the output folder's index of editions is updated
(:mod:`briefgen.build.index`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.assemble import MarkdownCache, check_audience_ids
from briefgen.build.cache import BuildCache
from briefgen.build.dask_scheduler import connect  # Dask itself is imported only when a scheduler is named
from briefgen.build.index import update_index
from briefgen.build.options import BuildOptions, BuildResult, with_remote_images
from briefgen.build.outputs import output_folder, prepare_output_dir
from briefgen.build.pdf_workers import PdfWorkers, start_pdf_workers
from briefgen.build.plan import EditionOutcome, PlannedEdition, plan_editions
from briefgen.build.select import failed_rows, unreadable_briefs
from briefgen.load.project import load_project

if TYPE_CHECKING:
    from briefgen.build.edition import EditionPages
    from briefgen.build.pdf_workers import PdfOutcome
    from briefgen.build.workers import WorkerFailure


def build(project_dir: Path, options: BuildOptions, pdf_workers: PdfWorkers | None = None) -> BuildResult:
    """Build the editions ``options`` asks for. ``pdf_workers``: a pool the caller started early
    (see :func:`start_pdf_workers`); by default the build starts its own."""
    result, options = BuildResult(), with_remote_images(options)
    output_dir = output_folder(project_dir, options.output_dir)
    cache = BuildCache(output_dir, is_forced=options.force)
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(connect(options.scheduler)) if options.scheduler else None
        if pdf_workers is None:  # with a cluster, local PDF workers are never started
            pdf_workers = start_pdf_workers(output_dir, () if cluster is not None else options.formats, options.jobs,
                                            options.force, options.briefs, options.audiences)
        stack.enter_context(pdf_workers)
        project = load_project(project_dir, result.diagnostics, cache.load_bibliography)  # load
        markdown = MarkdownCache(cache.recorded_audience_blocks())
        project = check_audience_ids(project, result.diagnostics, markdown)  # validate
        plan = plan_editions(project, options, markdown, cache)  # select, plan (cache); assembles what changed
        output_dir = prepare_output_dir(output_dir)
        cache.save_bibliography()
        cache.save_audience_blocks(markdown)
        stale = [planned for planned in plan if planned.formats and planned.outcome is None]
        if stale:  # the renderers are loaded only when there is an edition to build
            from briefgen.build.edition import render_pages
            from briefgen.build.schedule import schedule_editions
            from briefgen.build.write import write_edition
            from briefgen.citations.cite import cite_edition

            def render(planned: PlannedEdition) -> EditionPages:
                table = cite_edition(planned.edition, project, planned.diagnostics)  # cite
                return render_pages(planned.edition, table, project, options, planned.formats, planned.diagnostics)

            def write(planned: PlannedEdition, pages: EditionPages, pdf: PdfOutcome | WorkerFailure | None
                      ) -> EditionOutcome:
                return write_edition(planned, pages, pdf, output_dir, cache)  # after the PDF workers' render PDF

            for planned, outcome in schedule_editions(stale, render, write, pdf_workers, options, cluster):
                planned.outcome = outcome
                planned.assembled = None  # its text is no longer needed: memory stays flat as the build goes on
        cache.save()  # the records of this build's editions, in one file (left as journals if stopped)
        update_index(output_dir, plan)
    for planned in plan:
        result.add(planned, options.formats)
    result.failed += [f"{brief_id} (its manifest has errors)" for brief_id in unreadable_briefs(project, options.briefs)]
    result.failed += failed_rows(project, options.briefs)
    return result

