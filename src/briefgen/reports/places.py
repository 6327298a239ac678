"""A brief's places, as ``list`` and ``matrix`` show them: the table, its size and its rows."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import SourceLocation
from briefgen.model import Brief

SHOWN_ROWS = 5
"""Rows named before "…"; ``briefgen build BRIEF --where`` builds any of them."""


def describe_places(brief: Brief, root: Path, shown: int = SHOWN_ROWS) -> list[str]:
    """Lines about ``brief``'s ``places:`` (none without one): where the rows come from, how many
    editions they make per audience, the first rows (id and name) and the rows left out."""
    table = brief.places
    if table is None:
        return []
    count = len(table.rows)
    lines = [f"places: {count} row{'s' if count != 1 else ''} of {SourceLocation(table.location.path).display(root)} "
             f"(id: {table.id_column}, name: {table.name_column}), one edition per row and audience"]
    rows = [f"{place.id} {place.name}" for place in table.rows[:shown]]
    if rows:
        lines.append("rows: " + "; ".join(rows) + ("; …" if count > shown else ""))
    if table.failed_rows:
        lines.append(f"left out for errors: {', '.join(table.failed_rows)}")
    return lines
