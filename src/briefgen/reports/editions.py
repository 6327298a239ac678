"""The editions of one brief, assembled side by side for a report (not cited or rendered)."""

from __future__ import annotations

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.errors import Diagnostics
from briefgen.model import Audience, Brief, Edition, Project


def assemble_editions(project: Project, brief: Brief, audiences: list[Audience],
                      diagnostics: Diagnostics) -> list[Edition]:
    """One edition of ``brief`` per audience, sharing one Markdown cache."""
    cache = MarkdownCache()
    return [assemble_edition(project, brief, audience, cache, diagnostics) for audience in audiences]
