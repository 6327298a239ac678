"""What the figures stage knows: floats, their numbers in one edition, data table specs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

MAX_TABLE_ROWS = 1000
"""Most rows a data table prints (about 25 pages); a brief's table is a few dozen."""

FloatKind = Literal["fig", "tbl"]
ColumnFormat = Literal["text", "number", "percent", "currency", "date"]
Align = Literal["left", "center", "right"]

FLOAT_ID = re.compile(r"^(fig|tbl)-[A-Za-z0-9_-]+$")
"""A float's id: ``fig-`` or ``tbl-`` and then letters, digits, ``-`` or ``_``."""
CROSSREF_PREFIXES = ("fig-", "tbl-", "sec-")
"""Keys starting with these are cross-references, never citations."""


def is_crossref_key(key: str) -> bool:
    return key.startswith(CROSSREF_PREFIXES)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column of a data table as the author chose it."""

    name: str
    """The CSV header it shows."""
    heading: str
    format: ColumnFormat = "text"
    align: Align | None = None
    """None: numbers right, text left."""


@dataclass(frozen=True, slots=True)
class DataTableSpec:
    """A ```` ```{.table #tbl-x} ```` block: which CSV and how to show it."""

    data: str
    """The CSV's path as written, relative to the project's ``briefs/`` folder."""
    columns: tuple[ColumnSpec, ...]
    """Empty: every column as text with its CSV header."""
    line: int
    """The file line of the ``data:`` key (errors about the file point there)."""
    place_column: str | None = None
    """``highlight: COLUMN`` or ``filter: COLUMN``: the CSV's column holding the edition's place."""
    is_filter: bool = False
    """True: only the place's rows are shown; False: they are shown in bold among the others."""
    place_line: int = 0
    """The file line of the ``highlight:`` or ``filter:`` key."""


@dataclass(frozen=True, slots=True)
class FloatNumber:
    """One float as an edition numbers it."""

    id: str
    kind: FloatKind
    number: int
    caption: str
    """The caption as plain text (for a list of figures)."""


@dataclass(frozen=True, slots=True)
class SectionTarget:
    number: int
    anchor: str


@dataclass(frozen=True, slots=True)
class FloatNumbers:
    """An edition's floats and sections, as cross-references name them."""

    floats: Mapping[str, FloatNumber] = field(default_factory=dict)
    sections: Mapping[str, SectionTarget] = field(default_factory=dict)
    """``sec-…`` id → the numbered section it is in."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """``fig``/``tbl``/``sec`` → the word printed before the number ("Figure", "Tabla")."""


@dataclass(frozen=True, slots=True)
class FigureRendering:
    """What rendering a float or a cross-reference needs from its edition."""

    numbers: FloatNumbers
    render_table: Callable[[DataTableSpec], str] | None = None
    """A data table's HTML (its CSV read and formatted in the edition's language)."""
