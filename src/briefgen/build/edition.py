"""One edition, stage by stage: assemble → cite → render HTML → render PDF → files.

Every command that makes an edition makes it with these functions. :func:`build_edition` runs
them one after the other in this process (``check`` and ``watch`` use it); ``build`` runs the
same functions through its scheduler (:mod:`briefgen.build.schedule`): citing and rendering
the HTML here, the PDF (its picture and the handout) in a PDF worker, then writing the files.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.build.options import BuildOptions, EditionReport
from briefgen.build.pdf_workers import PdfJob, PdfOutcome, render_pdf_job
from briefgen.build.workers import WorkerFailure
from briefgen.charts.html import check_chart_alt_text
from briefgen.charts.vega import chart_cache_folder
from briefgen.citations.cite import cite_edition
from briefgen.citations.resolve import CitationTable
from briefgen.errors import Diagnostics
from briefgen.measure.readability import Readability, measure_edition
from briefgen.model import Audience, Brief, Edition, Place, Project
from briefgen.render import time_limit
from briefgen.render.accessibility import check_alt_text
from briefgen.render.anchors import check_page
from briefgen.render.handout import HandoutPage, render_handout_page
from briefgen.render.html import EditionBody, edition_date, render_body, render_page

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages

@dataclass(frozen=True, slots=True)
class EditionPages:
    """An edition cited and rendered: its HTML edition, and what a PDF worker lays out (None
    when no PDF, picture or handout is wanted, or the edition has errors)."""

    table: CitationTable
    html: str | None
    job: PdfJob | None
    reading: Readability
    docx: bytes | None = None
    """The Word edition (``-f docx``)."""


def render_pages(edition: Edition, table: CitationTable, project: Project, options: BuildOptions, formats: Collection[str],
                 diagnostics: Diagnostics) -> EditionPages:
    """Render HTML: the edition's body once, then from it the HTML edition and the page its PDF
    is made from; the handout's page. Nothing is made for paper once the edition has an error."""
    wants_pdf = "pdf" in formats or "png" in formats
    check_alt_text(edition, diagnostics, is_required=wants_pdf and options.pdf_variant == "pdf/ua-1")
    check_chart_alt_text(edition, diagnostics, is_required=wants_pdf and options.pdf_variant == "pdf/ua-1")
    body = None
    if "html" in formats or ((wants_pdf or "docx" in formats) and not diagnostics.has_errors):
        body = render_body(edition, table, project, diagnostics, remote_images=_remote_images(options),
                           chart_cache=chart_cache_folder(project.root, options.output_dir))
    html = render_page(body, embed_fonts=options.embed_fonts) if body is not None and "html" in formats else None
    pdf_page = render_page(body, is_for_pdf=True) if body is not None and wants_pdf and not diagnostics.has_errors else None
    page = html if html is not None else pdf_page
    if page is not None:
        check_page(edition, project, page, diagnostics)
    handout = None
    if "handout" in formats and not diagnostics.has_errors:
        handout = render_handout_page(edition, project, diagnostics)
    reading = measure_edition(edition)
    docx = render_word(body, project, options) if body is not None and "docx" in formats and not diagnostics.has_errors else None
    if diagnostics.has_errors or (pdf_page is None and handout is None):
        return EditionPages(table, html, None, reading, docx)
    return EditionPages(table, html, pdf_job(edition, project, options, formats, pdf_page, handout, reading.words), reading,
                        docx)


def render_word(body: EditionBody, project: Project, options: BuildOptions) -> bytes:
    """The Word edition, with the project's logo, in the styles of ``--docx-template`` or else of the
    project's ``word_template:`` (python-docx loads here, only for builds that make Word files)."""
    from briefgen.render.docx import render_docx

    return render_docx(body, logo=project.settings.logo,
                       reference_doc=options.docx_template or project.settings.word_template)


def _remote_images(options: BuildOptions) -> RemoteImages | None:
    """The build's fetcher; a fetcher of this edition's own when remote images are allowed and
    the caller made none."""
    if options.remote_images is None and options.allow_remote:
        from briefgen.render.remote import RemoteImages

        return RemoteImages()
    return options.remote_images


def pdf_job(edition: Edition, project: Project, options: BuildOptions, formats: Collection[str], page: str | None,
            handout: HandoutPage | None, words: int) -> PdfJob:
    """What a PDF worker lays out for the edition, as plain data."""
    return PdfJob(page, project.root, package_roots(project), edition.brief.location, options.pdf_variant,
                  edition_date(edition), words, time_limit.MAX_RENDER_SECONDS, edition.name,
                  wants_png=page is not None and "png" in formats, handout=handout)


def package_roots(project: Project) -> tuple[Path, ...]:
    """Where the PDF renderer may read files: the project and briefgen's own package data."""
    return (project.root, Path(str(resources.files("briefgen"))))


@dataclass(frozen=True, slots=True)
class EditionFiles:
    files: dict[str, tuple[str, bytes]]
    """format → (file name, bytes)"""
    pages: int | None
    handout_pages: int | None

    @property
    def by_name(self) -> dict[str, bytes]:
        return dict(self.files.values())


def edition_files(edition: Edition, formats: Collection[str], pages: EditionPages, pdf: PdfOutcome | WorkerFailure | None,
                  diagnostics: Diagnostics) -> EditionFiles | None:
    """Files: the bytes of each output file asked for, with the problems the PDF worker found;
    None when the edition has an error (nothing of it is written)."""
    if isinstance(pdf, WorkerFailure):
        diagnostics.error(edition.brief.location, f"could not make the PDF of {edition.name} ({pdf.message})",
                          "the other editions are not affected; please report this with the brief")
        pdf = None
    elif pdf is not None:
        diagnostics.extend(list(pdf.diagnostics))
    if diagnostics.has_errors or (pages.job is not None and pdf is None):
        return None
    files: dict[str, tuple[str, bytes]] = {}
    if pages.html is not None and "html" in formats:
        files["html"] = (f"{edition.name}.html", pages.html.encode("utf-8"))
    if pdf is not None and pdf.data is not None and "pdf" in formats:
        files["pdf"] = (f"{edition.name}.pdf", pdf.data)
    if pdf is not None and pdf.png is not None:
        files["png"] = (f"{edition.name}.png", pdf.png)
    if pdf is not None and pdf.handout is not None:
        files["handout"] = (f"{edition.name}.handout.pdf", pdf.handout)
    if pages.docx is not None and "docx" in formats:
        files["docx"] = (f"{edition.name}.docx", pages.docx)
    return EditionFiles(files, pdf.pages if pdf is not None else None, pdf.handout_pages if pdf is not None else None)


@dataclass(frozen=True, slots=True)
class EditionBuild:
    """One edition, built in memory: what it says, the bytes of each output file, and its problems."""

    edition: Edition
    table: CitationTable
    html: str | None
    reading: Readability
    files: dict[str, bytes]
    """file name → bytes; empty when the edition has an error."""
    report: EditionReport | None
    diagnostics: Diagnostics

    @property
    def is_built(self) -> bool:
        return not self.diagnostics.has_errors


def build_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                  options: BuildOptions, place: Place | None = None) -> EditionBuild:
    """One edition (of ``place``, a row of the brief's ``places:``), from assembly to the bytes of
    each output file, every stage in this process (nothing is written here)."""
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, audience, cache, diagnostics, options.citation_style, place)
    table = cite_edition(edition, project, diagnostics)
    pages = render_pages(edition, table, project, options, options.formats, diagnostics)
    pdf = render_pdf_job(pages.job) if pages.job is not None else None
    made = edition_files(edition, options.formats, pages, pdf, diagnostics)
    if made is None:
        return EditionBuild(edition, table, pages.html, pages.reading, {}, None, diagnostics)
    report = EditionReport(edition.name, audience, pages.reading, made.pages, made.handout_pages)
    return EditionBuild(edition, table, pages.html, pages.reading, made.by_name, report, diagnostics)
