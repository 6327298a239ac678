"""Inputs for the check rules, built in code: editions as ``briefgen check`` holds them in memory
(assembled, cited, rendered to HTML, measured), without running the command."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.check.editions import CheckedEdition
from briefgen.citations.cite import cite_edition
from briefgen.errors import Diagnostic, Diagnostics, SourceLocation
from briefgen.load.bibliography import parse_bibliography
from briefgen.measure.readability import measure_edition
from briefgen.model import Audience, Brief, Project, Section
from briefgen.render.html import render_html
from conftest import FIXTURE_BIB, make_project_model


def project_of(brief: Brief, sections: Sequence[Section], *, bib: str = FIXTURE_BIB, root: Path | None = None,
               audiences: dict[str, Audience] | None = None) -> Project:
    """A project of one brief; with ``root``, references.bib is written there (the rules that
    point at a field's line read the file)."""
    project = make_project_model([brief], sections, bib=bib, audiences=audiences)
    if root is None:
        return project
    path = root / "references.bib"
    path.write_text(bib, encoding="utf-8")
    found = Diagnostics()
    bibliography = parse_bibliography(bib, SourceLocation(path), found)
    assert found.items == []
    return replace(project, root=root, bibliography=bibliography)


def checked_editions(project: Project, audience_ids: Sequence[str] = ("press",), *, brief_id: str = "b",
                     pages: int | None = None) -> list[CheckedEdition]:
    """The brief's edition for each audience, as check holds it; the build's own findings must be none."""
    editions: list[CheckedEdition] = []
    for audience_id in audience_ids:
        found = Diagnostics()
        edition = assemble_edition(project, project.briefs[brief_id], project.audiences[audience_id], MarkdownCache(), found)
        table = cite_edition(edition, project, found)
        html = render_html(edition, table, project, found, embed_fonts=False)
        assert [d.format() for d in found.items if d.severity.value == "error"] == []
        editions.append(CheckedEdition(edition, table, html, measure_edition(edition), pages, is_built=True))
    return editions


def findings(diagnostics: Diagnostics) -> list[tuple[str, str, int | None, str]]:
    """(rule, path, line, severity) of each finding, in the order reported."""
    return [_finding(d) for d in diagnostics.items]


def _finding(diagnostic: Diagnostic) -> tuple[str, str, int | None, str]:
    location = diagnostic.location
    return (diagnostic.rule or "", str(location.path) if location else "", location.line if location else None,
            diagnostic.severity.value)


def line_of(text: str, fragment: str, first_line: int = 1) -> int:
    """The file line holding ``fragment`` in ``text``, whose first line is ``first_line``."""
    return first_line + text[: text.index(fragment)].count("\n")
