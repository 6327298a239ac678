"""One edition as ``briefgen build`` would make it (assembled, cited, rendered to HTML),
kept in memory for the rules to look at; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefgen.assemble import MarkdownCache, assemble_edition
from briefgen.citations.resolve import CitationTable
from briefgen.errors import Diagnostics
from briefgen.model import Audience, Brief, Edition, EditionText, Project
from briefgen.readability import Readability, measure_edition
from briefgen.render.html import cite_edition, render_html


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
        edition = self.edition
        texts = [edition.intro, edition.summary, *edition.key_takeaways, *(s.text for s in edition.sections),
                 edition.call_to_action, edition.disclaimer]
        return [text for text in texts if text is not None]


def check_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache, count_pages: bool,
                  diagnostics: Diagnostics) -> CheckedEdition:
    found = Diagnostics()
    edition = assemble_edition(project, brief, audience, cache, found)
    table = cite_edition(edition, project, found)
    html = render_html(edition, table, project, found)
    pages = None
    if count_pages and not found.has_errors:
        from briefgen.render.pdf import render_pdf  # WeasyPrint loads only when pages are counted

        pages = render_pdf(html, project.root, [project.root, Path(str(resources.files("briefgen")))],
                           brief.location, found).pages
    diagnostics.extend(found)
    return CheckedEdition(edition, table, html, measure_edition(edition), pages, is_built=not found.has_errors)
