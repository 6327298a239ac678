"""Every row of a brief's ``places:`` checked, not only the first.

The first row's editions are built in full (:func:`briefgen.check.editions.check_edition`); the
texts, parsed once per audience, are the same for every other row, so for those only what a
row changes is checked: its values filled into the placeholders, titles and ``when`` blocks
(:func:`briefgen.build.assemble.assemble_edition` with the row), and the rows its charts' and
data tables' ``highlight:``/``filter:`` pick in their data, with their values (each data file read once). A bad
value is reported at the row's CSV line and column, once per row and column, and one bad row
never hides another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.charts.data import ChartData, read_chart_data, rows_for_place
from briefgen.charts.markdown_rule import chart_of
from briefgen.charts.spec import ChartSpec
from briefgen.errors import Diagnostic, Diagnostics, SourceLocation
from briefgen.figures.data_tables import place_rows, read_table
from briefgen.figures.model import DataTableSpec
from briefgen.figures.place_rows import check_match, place_value
from briefgen.load.project import BRIEFS_DIR
from briefgen.model import Audience, Brief, EditionText, Place, Project

_ROW = re.compile(r"^row '[^']*'(, column \d+)?")
"""How a problem of one row's value starts (:func:`briefgen.build.place_text.report_value`)."""


class FloatData:
    """The data files of a project's charts and data tables, each read once for all rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._charts: dict[tuple[ChartSpec, SourceLocation], ChartData | None] = {}
        self._tables: dict[tuple[DataTableSpec, SourceLocation], tuple[list[str], list[tuple[int, list[str]]]] | None] = {}

    def chart(self, spec: ChartSpec, location: SourceLocation) -> ChartData | None:
        """The chart's data (None when it cannot be read: reported for the first row)."""
        if (spec, location) not in self._charts:
            self._charts[(spec, location)] = read_chart_data(spec, self.root / BRIEFS_DIR, self.root, location, Diagnostics())
        return self._charts[(spec, location)]

    def table(self, spec: DataTableSpec, where: SourceLocation) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
        if (spec, where) not in self._tables:
            read = read_table(spec, self.root, where, Diagnostics())
            self._tables[(spec, where)] = (read[1], read[2]) if read is not None else None
        return self._tables[(spec, where)]


def check_place_rows(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache, rows: Sequence[Place],
                     data: FloatData, diagnostics: Diagnostics) -> None:
    """``rows`` of ``brief``'s places for ``audience``, each on its own (see the module's text)."""
    for place in rows:
        found = Diagnostics()
        edition = assemble_edition(project, brief, audience, cache, found, None, place)
        for text in edition.texts():
            check_floats(text, place, data, found)
        diagnostics.extend(once_per_row(found.items))


def check_floats(text: EditionText, place: Place, data: FloatData, diagnostics: Diagnostics) -> None:
    """The place's rows in the data of each chart and data table of ``text`` that shows the place."""
    location = text.source.location
    for token in text.tokens:
        chart = chart_of(token)
        if chart is not None and chart.place_column is not None:
            read = data.chart(chart, location)
            key = "filter" if chart.is_filter else "highlight"
            at = location.at_line(location.line + chart.place_line) if location.line else location
            value = place_value(key, chart.place_column, place, at, data.root, diagnostics) if read is not None else None
            if value is not None and read is not None and check_match(key, chart.place_column, chart.data, value,
                                                                      read.keys, place, at, data.root, diagnostics):
                rows_for_place(chart, read, value, diagnostics)  # the bad values of the rows it draws for this place
        table = token.meta.get("spec") if token.type == "data_table" and token.meta else None
        if isinstance(table, DataTableSpec) and table.place_column is not None:
            rows = data.table(table, location)
            if rows is not None:
                place_rows(table, rows[0], rows[1], data.root, location, place, diagnostics)


def once_per_row(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The problems, a row's value reported once per row and column however many texts use it."""
    seen: set[tuple[SourceLocation, str]] = set()
    kept = []
    for item in items:
        found = _ROW.match(item.message)
        if found is not None and item.location is not None:
            if (item.location, found.group(0)) in seen:
                continue
            seen.add((item.location, found.group(0)))
        kept.append(item)
    return kept
