"""One place's edition text: the brief's texts, parsed once per audience, filled with a row's
values (:mod:`briefgen.markdown.place_fill`), with every problem located twice over: at the
text's line that names the column, and at the CSV line (header or row) that lacks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.model import Brief, MarkdownText, Place, PlaceTable, Section

if TYPE_CHECKING:
    from markdown_it.token import Token


def fill_text(source: MarkdownText, tokens: Sequence[Token], brief: Brief, place: Place | None, language: str,
              diagnostics: Diagnostics, root: Path) -> tuple[Token, ...]:
    """``tokens`` as ``place`` reads them; without a place, data placeholders and ``when`` blocks are errors."""
    from briefgen.markdown.place_fill import fill_place

    table = brief.places
    values = place.values if place is not None else {}
    filled, problems = fill_place(tokens, values, language, source.location.line or 1)
    for problem in problems:
        at = source.location.at_line(problem.line)
        if table is None or place is None:
            diagnostics.error(at, f"'{problem.written}' needs a place, but brief '{brief.id}' has no 'places:' table",
                              "add 'places:' (data, id, name) to the brief's manifest, or remove it")
        elif not problem.problem:
            diagnostics.error(at, f"unknown column '{problem.column}' in '{problem.written}'; "
                                  f"{header(table, root)} has the columns {', '.join(table.columns)}",
                              "use one of those columns, or add the column to the CSV")
        else:
            report_value(table, place, problem.column, f"{problem.problem}, but '{problem.written}' at "
                         f"{at.display(root)} needs it", diagnostics)
    return filled


def fill_section_title(section: Section, brief: Brief, place: Place | None, language: str, diagnostics: Diagnostics,
                       root: Path) -> str:
    """A section's title (front matter) with its placeholders filled from ``place``."""
    return fill_title(section.title, "title", brief, place, language, diagnostics, root, section.location)


def fill_title(text: str, key: str, brief: Brief, place: Place | None, language: str, diagnostics: Diagnostics,
               root: Path, location: SourceLocation | None = None) -> str:
    """A title or subtitle with its placeholders filled from ``place``."""
    if "{{<" not in text:
        return text
    from briefgen.markdown.placeholders import fill_plain

    filled, problems = fill_plain(text, dict(place.values) if place is not None else None, language)
    at = location or brief.key_locations.get(key, brief.location)
    for problem in problems:
        if place is not None and brief.places is not None and problem.startswith("column '"):
            report_value(brief.places, place, problem.split("'")[1], f"{problem.split(' ', 2)[2]}, but the {key} at "
                         f"{at.display(root)} needs it", diagnostics)
        elif brief.places is not None:
            diagnostics.error(at, f"{problem} in the {key}; {header(brief.places, root)} has the columns "
                                  f"{', '.join(brief.places.columns)}", "use one of those columns")
        else:
            diagnostics.error(at, f"{problem}: brief '{brief.id}' has no 'places:' table", "add 'places:' or remove it")
    return filled


def header(table: PlaceTable, root: Path) -> str:
    """``path:1``, where the CSV's columns are named."""
    return table.location.display(root)


def report_value(table: PlaceTable, place: Place, column: str, problem: str, diagnostics: Diagnostics) -> None:
    """A row's value that cannot be shown, at the row's CSV line and column."""
    location: SourceLocation = place.location
    diagnostics.error(location, f"row '{place.id}', column {table.column_number(column)} ('{column}'): the value "
                                f"{problem}", "fix the value in the CSV; the other rows are built")
