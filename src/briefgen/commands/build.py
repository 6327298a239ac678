"""``briefgen build``: editions written to the output folder."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, cast

import typer

from briefgen.commands.completion import complete_briefs, complete_build_formats, complete_citation_styles, complete_pdf_variants
from briefgen.commands.exits import exit_usage, run_or_exit
from briefgen.commands.parameters import (
    AudienceOption,
    OutputOption,
    ProjectOption,
    QuietOption,
    VerboseOption,
    WhereOption,
    where_pairs,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefgen.build.options import BuildOptions, BuildResult
    from briefgen.model import OutputFormat

BriefsArgument = Annotated[Optional[list[str]], typer.Argument(
    metavar="BRIEF", help="Brief ids to build (default: every brief).", show_default=False,
    autocompletion=complete_briefs)]
FormatOption = Annotated[Optional[list[str]], typer.Option(
    "-f", "--format", show_default=False, autocompletion=complete_build_formats, metavar="html|pdf|handout|png|docx",
    help="html, pdf, handout (a one-sheet PDF to hand out), png (the PDF's first page) or docx (Word), "
         "repeatable (default: html and pdf).")]
CitationStyleOption = Annotated[Optional[str], typer.Option(
    "--citation-style", metavar="STYLE", show_default=False,
    help="numeric, apa (also called author-date) or chicago-notes (also called notes).",
    autocompletion=complete_citation_styles)]
AllowRemoteOption = Annotated[bool, typer.Option("--allow-remote", help="Download images linked from other web sites.")]
PdfVariantOption = Annotated[str, typer.Option(
    "--pdf-variant", metavar="pdf/ua-1|pdf/a-3b", help="pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival).",
    autocompletion=complete_pdf_variants)]
JobsOption = Annotated[Optional[int], typer.Option("-j", "--jobs", metavar="N", show_default=False,
                                                   help="Worker processes (default: one per CPU).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Rebuild every edition, even unchanged ones.")]
DocxTemplateOption = Annotated[Optional[Path], typer.Option(
    "--docx-template", metavar="FILE", show_default=False,
    help="A reference .docx whose styles, page size, margins, headers and footers the Word editions use.")]


SchedulerOption = Annotated[Optional[str], typer.Option(
    "--scheduler", metavar="tcp://HOST:8786", show_default=False, envvar="BRIEFGEN_SCHEDULER",
    help="Make the PDFs on the workers of this Dask scheduler (needs pip install 'briefgen[dask]'; "
         "the workers need briefgen and the project at the same path). "
         "Set BRIEFGEN_SCHEDULER to use one for every build.")]


def build(briefs: BriefsArgument = None, audience: AudienceOption = None, output_format: FormatOption = None,
          output: OutputOption = None, citation_style: CitationStyleOption = None, allow_remote: AllowRemoteOption = False,
          pdf_variant: PdfVariantOption = "pdf/ua-1", jobs: JobsOption = None, force: ForceOption = False,
          docx_template: DocxTemplateOption = None, scheduler: SchedulerOption = None, project: ProjectOption = Path("."),
          quiet: QuietOption = False, verbose: VerboseOption = False, where: WhereOption = None) -> None:
    """Build editions: <output>/<brief-id>--<audience-id>.html, .pdf, .handout.pdf, .png and .docx.

    An edition whose inputs are unchanged since the last build is not rebuilt
    (the cache is kept in <output>/.briefgen-cache/). <output>/index.html and index.json
    list every edition in the folder.

    Example: briefgen build 287g-police-ice -a county-officials -f pdf -f handout
    """
    if jobs is not None and jobs < 1:
        exit_usage(f"--jobs must be 1 or more, not {jobs}")
    if scheduler is not None:
        _check_scheduler(scheduler)
    from briefgen.build.outputs import output_folder
    from briefgen.build.pdf_workers import start_pdf_workers
    from briefgen.commands.progress import is_terminal, progress_bar
    from briefgen.console import detail, is_quiet

    # Started before the rest of briefgen is imported: the workers load WeasyPrint meanwhile.
    pdf_workers = start_pdf_workers(output_folder(project, output), output_format or ("pdf",), jobs, force,
                                    briefs or (), audience or ()) if scheduler is None else None
    started = time.perf_counter()
    with pdf_workers or contextlib.nullcontext(), progress_bar(is_terminal() and not is_quiet()) as on_progress:
        def run_build() -> BuildResult:
            from briefgen.build.pipeline import build as build_project

            options = _options(briefs, audience, output_format, output, citation_style, allow_remote, pdf_variant,
                               jobs, force, on_progress, scheduler)
            if docx_template is not None:  # the Word template: checked before any edition is built
                from briefgen.load.word_template import check_reference_doc

                check_reference_doc(docx_template)
                options = dataclasses.replace(options, docx_template=docx_template.absolute())
            return build_project(project, dataclasses.replace(options, where=where_pairs(where)), pdf_workers)

        result = run_or_exit(run_build)  # Ctrl-C while importing is handled like Ctrl-C while building
    _print_result(result)
    detail(f"took {time.perf_counter() - started:.2f} s")
    raise typer.Exit(1 if result.diagnostics.has_errors else 0)


def _options(briefs: list[str] | None, audiences: list[str] | None, formats: list[str] | None, output: Path | None,
             citation_style: str | None, allow_remote: bool, pdf_variant: str, jobs: int | None, force: bool,
             on_progress: Callable[[int, int], None] | None, scheduler: str | None) -> BuildOptions:
    """The options, once each value is known to exist (exit 2 otherwise)."""
    from briefgen.build.options import BuildOptions
    from briefgen.model import CITATION_STYLES, DEFAULT_FORMATS, OUTPUT_FORMATS, PDF_VARIANTS

    chosen = tuple(dict.fromkeys(formats or DEFAULT_FORMATS))
    for name in chosen:
        if name not in OUTPUT_FORMATS:
            exit_usage(f"unknown format '{name}'; choose from {', '.join(OUTPUT_FORMATS)}")
    if pdf_variant not in PDF_VARIANTS:
        exit_usage(f"unknown PDF variant '{pdf_variant}'; choose from {', '.join(PDF_VARIANTS)}")
    if citation_style is not None and citation_style not in CITATION_STYLES:
        exit_usage(f"unknown citation style '{citation_style}'; choose from {', '.join(CITATION_STYLES)}")
    return BuildOptions(briefs=tuple(briefs or ()), audiences=tuple(audiences or ()),
                        formats=cast("tuple[OutputFormat, ...]", chosen), output_dir=output,
                        citation_style=citation_style, allow_remote=allow_remote,
                        pdf_variant=pdf_variant, jobs=jobs, force=force, on_progress=on_progress,
                        scheduler=scheduler)


def _check_scheduler(address: str) -> None:
    """``--scheduler`` names a scheduler and Dask is installed (exit 2 otherwise)."""
    from briefgen.build.dask_scheduler import check_dask_installed
    from briefgen.commands.exits import exit_with_error
    from briefgen.errors import UsageError

    if not address.strip():
        exit_usage("--scheduler needs an address such as tcp://HOST:8786")
    try:
        check_dask_installed()
    except UsageError as error:
        exit_with_error(error)


def _print_result(result: BuildResult) -> None:
    from briefgen.console import describe_edition, print_findings, print_paths, say

    print_findings(result.diagnostics.items)
    print_paths("wrote", result.written)
    for report in result.reports:
        say(describe_edition(report))
    up_to_date = len(result.up_to_date)
    summary = f"{len(result.reports) - up_to_date} edition(s) built"
    if up_to_date:
        summary += f", {up_to_date} up to date"
    if result.failed:
        typer.echo(f"{summary}, {len(result.failed)} failed: {', '.join(result.failed)}", err=True)
    else:
        say(summary)
