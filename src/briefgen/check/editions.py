"""One edition as ``briefgen build`` makes it, by the same stages (:func:`build_edition`:
assembled, cited, rendered to HTML, optionally laid out as a PDF), kept in memory for the rules
to look at; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.build.assemble import MarkdownCache
from briefgen.build.edition import build_edition
from briefgen.build.options import BuildOptions
from briefgen.build.plan import broken_inputs
from briefgen.citations.resolve import CitationTable
from briefgen.errors import Diagnostics
from briefgen.measure.readability import Readability
from briefgen.model import Audience, Brief, Edition, EditionText, Place, Project
from briefgen.render.anchors import BROKEN_LINK


@dataclass(frozen=True, slots=True)
class CheckedEdition:
    edition: Edition
    table: CitationTable
    html: str
    reading: Readability
    pages: int | None
    """Pages of the PDF, when pages were counted and the edition has no errors."""
    is_built: bool
    """False when the edition has errors (``briefgen build`` would not write it)."""

    @property
    def texts(self) -> list[EditionText]:
        """Every piece of Markdown the audience reads, in reading order (disclaimer last)."""
        return self.edition.texts()


def check_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache, count_pages: bool,
                  diagnostics: Diagnostics, place: Place | None = None) -> CheckedEdition:
    """The edition (of ``place``, a row of the brief's ``places:``) built exactly as ``briefgen
    build`` builds it, in memory (no fonts embedded in the page, since nothing is written; with
    ``count_pages`` the PDF is laid out too)."""
    options = BuildOptions(formats=("html", "pdf") if count_pages else ("html",), embed_fonts=False)
    built = build_edition(project, brief, audience, cache, options, place)
    # links that lead nowhere are reported by check_structure, once for all the editions they fail in
    diagnostics.extend([d for d in built.diagnostics.items if d.rule != BROKEN_LINK])
    pages = built.report.pages if built.report else None
    is_built = built.is_built and not broken_inputs(project, brief, audience)
    return CheckedEdition(built.edition, built.table, built.html or "", built.reading, pages,
                          is_built=is_built)
