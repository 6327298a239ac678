"""The editions of one brief, assembled side by side for a report (not cited or rendered)."""

from __future__ import annotations

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.errors import Diagnostics
from briefgen.model import Audience, Brief, Edition, Place, Project


def assemble_editions(project: Project, brief: Brief, audiences: list[Audience],
                      diagnostics: Diagnostics, place: Place | None = None) -> list[Edition]:
    """One edition of ``brief`` per audience (for ``place``, a row of its ``places:``), sharing one Markdown cache."""
    cache = MarkdownCache()
    return [assemble_edition(project, brief, audience, cache, diagnostics, None, place) for audience in audiences]


def place_note(brief: Brief, place: Place | None, where: tuple[tuple[str, str], ...]) -> str:
    """Which row a report on a brief with places shows ("" for a brief without places)."""
    table = brief.places
    if table is None or place is None:
        return ""
    which = f"{place.name} ({table.id_column} {place.id})"
    if where:
        return f"for the row --where {' '.join(f'{c}={v}' for c, v in where)} picks, {which}"
    return f"for the first row, {which}; --where {table.id_column}=VALUE shows another"
