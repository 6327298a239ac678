"""A chart or a data table shown for one place: ``highlight: COLUMN`` or ``filter: COLUMN``.

The edition's place (a row of the brief's ``places:`` table) holds a value in COLUMN; the
chart's or table's data holds the same column, and its rows with that value are the place's.
The value is compared as text, as written in both files (``48201`` = ``48201``): it is never
read as an expression. Each problem is located: at the spec's line (no places, no such column)
or at the place's CSV line (an empty value, a value no row of the data holds).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Place

PLACE_KEYS = ("highlight", "filter")


def place_value(key: str, column: str, place: Place | None, at: SourceLocation, root: Path,
                diagnostics: Diagnostics) -> str | None:
    """The place's value of ``column`` for the ``key: column`` written at ``at``; None after an error."""
    written = f"{key}: {column}"
    if place is None:
        diagnostics.error(at, f"'{written}' needs the edition's place, but this brief has no 'places:' table",
                          f"add 'places:' (data, id, name) to the brief's manifest, or remove {key}:")
        return None
    if column not in place.values:
        columns = list(place.values)
        diagnostics.error(at, f"'{written}': the places table {place.location.path.name} has no column '{column}'",
                          did_you_mean(column, columns) or "name a column of both files: " + ", ".join(columns))
        return None
    value = place.values[column].strip()
    if not value:
        diagnostics.error(place.location, f"row '{place.id}', column {list(place.values).index(column) + 1} "
                          f"('{column}'): the value is empty, but '{written}' at {at.display(root)} needs it",
                          "fix the value in the CSV; the other rows are built")
        return None
    return value


def check_match(key: str, column: str, data: str, value: str, keys: Collection[str], place: Place,
                at: SourceLocation, root: Path, diagnostics: Diagnostics) -> bool:
    """Whether some row of the data (its ``column`` values: ``keys``) is the place's; an error at the
    place's CSV line when none is."""
    if value in keys:
        return True
    diagnostics.error(place.location, f"row '{place.id}': no row of {data} has {column} '{value}', so "
                      f"'{key}: {column}' at {at.display(root)} has nothing to "
                      f"{'show' if key == 'filter' else 'highlight'}",
                      f"add the place's row to {data}, or correct this row's '{column}'")
    return False
