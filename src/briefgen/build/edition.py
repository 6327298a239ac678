"""One edition's pages and files: cite, render the HTML and the page its PDF is made from,
then the bytes of each output file. ``build``, ``check`` and ``watch`` share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.build.options import BuildOptions, EditionReport
from briefgen.build.pdf_workers import PdfJob, PdfOutcome, render_pdf_job
from briefgen.citations.resolve import CitationTable
from briefgen.errors import BriefgenError, Diagnostics
from briefgen.measure.readability import Readability, measure_edition
from briefgen.model import Audience, Brief, Edition, Project
from briefgen.render import time_limit
from briefgen.render.accessibility import check_alt_text
from briefgen.render.anchors import check_page
from briefgen.render.html import cite_edition, edition_date, render_html


@dataclass(slots=True)
class EditionPages:
    """An edition cited and rendered: the HTML edition and the page its PDF is made from."""

    table: CitationTable
    html: str | None
    pdf_page: str | None
    reading: Readability


def render_pages(edition: Edition, project: Project, options: BuildOptions, formats: list[str] | tuple[str, ...],
                 diagnostics: Diagnostics) -> EditionPages:
    table = cite_edition(edition, project, diagnostics)
    wants_pdf = "pdf" in formats or "png" in formats
    check_alt_text(edition, diagnostics, is_required=wants_pdf and options.pdf_variant == "pdf/ua-1")
    remote = options.remote_images
    if remote is None and options.allow_remote:
        from briefgen.render.remote import RemoteImages

        remote = RemoteImages()
    html = (render_html(edition, table, project, diagnostics, remote_images=remote,
                        embed_fonts=options.embed_fonts) if "html" in formats else None)
    pdf_page = None
    if wants_pdf and not diagnostics.has_errors:
        pdf_page = render_html(edition, table, project, diagnostics, is_for_pdf=True, remote_images=remote)
    page = html if html is not None else pdf_page
    if page is not None:
        check_page(edition, project, page, diagnostics)
    if diagnostics.has_errors:
        pdf_page = None
    return EditionPages(table, html, pdf_page, measure_edition(edition))


def pdf_job(edition: Edition, project: Project, options: BuildOptions, page: str, words: int) -> PdfJob:
    return PdfJob(page, project.root, package_roots(project), edition.brief.location, options.pdf_variant,
                  edition_date(edition), words, time_limit.MAX_RENDER_SECONDS, edition.name)


def package_roots(project: Project) -> tuple[Path, ...]:
    """Where the PDF renderer may read files: the project and briefgen's own package data."""
    return (project.root, Path(str(resources.files("briefgen"))))


@dataclass(slots=True)
class EditionFiles:
    files: dict[str, tuple[str, bytes]]
    """format → (file name, bytes)"""
    pages: int | None
    handout_pages: int | None


def edition_files(edition: Edition, project: Project, options: BuildOptions, formats: list[str] | tuple[str, ...],
                  pages: EditionPages, pdf: PdfOutcome | None, diagnostics: Diagnostics) -> EditionFiles:
    """The bytes of each output file asked for (the PNG is the PDF's first page; the handout is
    laid out here)."""
    files: dict[str, tuple[str, bytes]] = {}
    if pages.html is not None and "html" in formats:
        files["html"] = (f"{edition.name}.html", pages.html.encode("utf-8"))
    if pdf is not None and "pdf" in formats:
        files["pdf"] = (f"{edition.name}.pdf", pdf.data)
    if pdf is not None and "png" in formats:
        from briefgen.render.png import render_first_page

        files["png"] = (f"{edition.name}.png", render_first_page(pdf.data))
    handout_pages = None
    if "handout" in formats and not diagnostics.has_errors:
        from briefgen.render.handout import render_handout

        try:
            handout = render_handout(edition, project, list(package_roots(project)), diagnostics, options.pdf_variant)
        except BriefgenError as error:
            diagnostics.extend(error.diagnostics)
            handout = None
        if handout is not None:
            files["handout"] = (f"{edition.name}.handout.pdf", handout.data)
            handout_pages = handout.pages
    return EditionFiles(files, pdf.pages if pdf is not None else None, handout_pages)


@dataclass(slots=True)
class EditionBuild:
    """One edition, built in memory: what it says, the bytes of each output file, and its problems."""

    edition: Edition
    table: CitationTable
    html: str | None
    files: dict[str, bytes]
    report: EditionReport | None
    diagnostics: Diagnostics

    @property
    def is_built(self) -> bool:
        return not self.diagnostics.has_errors


def build_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                  options: BuildOptions) -> EditionBuild:
    """One edition, from assembly to the bytes of each output file, in this process (``check``
    and ``watch`` use it; nothing is written here)."""
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, audience, cache, diagnostics, options.citation_style)
    pages = render_pages(edition, project, options, options.formats, diagnostics)
    pdf = None
    if pages.pdf_page is not None:
        pdf = render_pdf_job(pdf_job(edition, project, options, pages.pdf_page, pages.reading.words))
        diagnostics.extend(list(pdf.diagnostics))
    made = edition_files(edition, project, options, options.formats, pages, pdf, diagnostics)
    if diagnostics.has_errors:
        return EditionBuild(edition, pages.table, pages.html, {}, None, diagnostics)
    report = EditionReport(edition.name, audience, pages.reading, made.pages, made.handout_pages)
    return EditionBuild(edition, pages.table, pages.html, {name: data for name, data in made.files.values()},
                        report, diagnostics)
