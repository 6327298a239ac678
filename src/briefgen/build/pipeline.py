"""The stages in order: load → check → plan → assemble → cite → render HTML → render PDF → write.

Planning compares what each edition asked for reads (:mod:`briefgen.build.inputs`) with its
last build; an edition whose inputs and output files are unchanged is reported from the build
cache (:mod:`briefgen.build.cache`) without being assembled, and a build with nothing to do
never imports the renderers. PDFs are made in worker processes
(:mod:`briefgen.build.workers`) that load WeasyPrint once each, while the main process loads the
project and prepares the next edition's pages. A failed edition never stops the others, and
an edition that reads a file with errors is not built at all.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, check_audience_ids
from briefgen.build.cache import BuildCache
from briefgen.build.options import BuildOptions, BuildResult, EditionReport
from briefgen.build.outputs import output_folder, prepare_output_dir
from briefgen.build.pdf_workers import PdfWorkers, start_pdf_workers
from briefgen.build.plan import PlannedEdition, plan_editions
from briefgen.build.select import unreadable_briefs
from briefgen.load.project import load_project


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
        markdown = MarkdownCache(cache.recorded_audience_blocks())
        project = check_audience_ids(project, result.diagnostics, markdown)
        plan = plan_editions(project, options, markdown, cache)
        output_dir = prepare_output_dir(output_dir)
        cache.save_bibliography()
        cache.save_audience_blocks(markdown)
        stale = [planned for planned in plan if planned.formats and planned.outcome is None]
        if stale:  # the renderers are imported only when there is something to build
            from briefgen.build.schedule import Progress, build_editions

            progress = Progress(len(stale), options.on_progress)
            for planned, outcome in build_editions(stale, project, options, pdf_workers, output_dir, cache):
                planned.outcome = outcome
                progress.advance()
    for planned in plan:
        report_edition(planned, options, result)
    for brief_id in unreadable_briefs(project, options.briefs):
        result.failed.append(f"{brief_id} (its manifest has errors)")
    return result


def report_edition(planned: PlannedEdition, options: BuildOptions, result: BuildResult) -> None:
    """Add an edition to the result, in plan order whatever order the workers finished in."""
    previous, outcome = planned.previous, planned.outcome
    is_current = previous is not None and previous.key == planned.key
    if outcome is None:  # up to date: the figures and diagnostics of its last build
        assert previous is not None
        result.diagnostics.extend(list(previous.diagnostics))
        pages = previous.pages if "pdf" in options.formats else None
        result.reports.append(EditionReport(planned.name, planned.audience, previous.reading, pages, is_up_to_date=True))
        return
    result.diagnostics.extend(planned.diagnostics)
    if outcome.is_failed:
        result.failed.append(planned.name)
        return
    result.written.extend(outcome.written)
    pages = outcome.pages
    if pages is None and "pdf" in options.formats and is_current and previous is not None:
        pages = previous.pages  # only the HTML was rebuilt; the PDF is unchanged
    result.reports.append(EditionReport(planned.name, planned.audience, outcome.reading, pages, outcome.handout_pages))
