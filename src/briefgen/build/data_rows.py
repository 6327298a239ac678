"""What a place's edition reads of a data file: the rows its chart or table draws, not the file.

A chart with ``filter: COLUMN`` draws the rows of its edition's place; with ``highlight: COLUMN``
and ``top: N`` the N largest rows and the place's; a data table with ``filter: COLUMN`` shows the
place's rows. Such an edition is keyed by those rows (:class:`RowsRead`, recorded in the build
cache with the edition), so changing one county's figures in a table that every county's chart
reads rebuilds that county's editions, and the others' only when the rows they draw change
(a county entering the ten largest changes every top-ten chart). A chart or table that shows
every row reads the whole file.

The rows are found again from the file alone, the way :func:`briefgen.charts.data.rows_for_place`
picks them (the same numbers, the same order of ties), without the spec or the Markdown. A file
that cannot be read as a table counts whole: every edition reading it is rebuilt and reports why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.load.project_files import FileRefused, read_file, referenced_path
from briefgen.load.text_files import MAX_FILE_BYTES

if TYPE_CHECKING:
    from briefgen.model import Edition

# The chart and table modules (and the Markdown parser behind them) are imported by the functions
# that need them: a build with nothing to do reads RowsRead from its cache and imports none of them.


@dataclass(frozen=True, slots=True)
class RowsRead:
    """The rows of ``path`` whose ``column`` holds ``value``, and with ``top`` the ``top`` rows
    with the largest ``measure``."""

    path: Path
    """Named as the text names it (relative to ``briefs/``, links not resolved)."""
    column: str | None
    value: str | None
    measure: str | None = None
    top: int = 0

    def to_json(self) -> list[object]:
        return [str(self.path), self.column, self.value, self.measure, self.top]

    @classmethod
    def from_json(cls, item: list[object]) -> RowsRead:
        path, column, value, measure, top = item
        return cls(Path(str(path)), None if column is None else str(column), None if value is None else str(value),
                   None if measure is None else str(measure), int(str(top)))


def data_reads(edition: Edition) -> tuple[tuple[Path, ...], tuple[RowsRead, ...]]:
    """The data files an edition's charts and data tables read whole, and the rows it reads of the others."""
    from briefgen.charts.data import data_path
    from briefgen.charts.markdown_rule import chart_of
    from briefgen.figures.model import DataTableSpec

    whole: dict[Path, None] = {}
    rows: dict[RowsRead, None] = {}
    briefs_dir = edition.brief.location.path.parent  # manifests sit in briefs/, which data files are named from
    values = edition.place.values if edition.place is not None else {}
    for text in edition.texts():
        for token in text.tokens:
            chart = chart_of(token)
            table = token.meta.get("spec") if token.type == "data_table" and token.meta else None
            if chart is not None and (path := data_path(chart, briefs_dir)) is not None:
                value = values.get(chart.place_column, "").strip() if chart.place_column else None
                if chart.is_filter and value:
                    rows[RowsRead(path, chart.place_column, value)] = None
                elif chart.top is not None and (value or chart.place_column is None):
                    rows[RowsRead(path, chart.place_column, value, chart.measure.field, chart.top)] = None
                else:
                    whole[path] = None
            elif isinstance(table, DataTableSpec) and (path := referenced_path(table.data, edition.brief.location.path)):
                value = values.get(table.place_column, "").strip() if table.place_column else None
                if table.is_filter and value:
                    rows[RowsRead(path, table.place_column, value)] = None
                else:
                    whole[path] = None
    return tuple(whole), tuple(rows)


class RowDigests:
    """The content hash of the rows each :class:`RowsRead` names; every file read and ranked once per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tables: dict[Path, tuple[bytes, list[str], list[dict[str, str]]] | None] = {}
        self._ranked: dict[tuple[Path, str, int], frozenset[int]] = {}
        self._indexes: dict[tuple[Path, str], dict[str, list[int]]] = {}

    def digest(self, read: RowsRead) -> str:
        from briefgen.figures.model import MAX_TABLE_ROWS

        table = self._table(read.path)
        if table is None:
            return self._whole(read.path)
        _raw, header, records = table
        chosen: set[int] = set()
        if read.column is not None and read.value is not None:
            chosen.update(self._index(read.path, read.column, records).get(read.value, ()))
        if read.top and read.measure is not None:
            chosen |= self._top(read.path, read.measure, read.top, records)
        digest = hashlib.sha256(repr((header, len(records) > MAX_TABLE_ROWS)).encode())  # a data table's limit
        for index in sorted(chosen):
            digest.update(b"\0" + repr(sorted(records[index].items())).encode())
        return digest.hexdigest()

    def digests(self, reads: Iterable[RowsRead]) -> str:
        """One hash of several :meth:`digest`."""
        return hashlib.sha256("\n".join(self.digest(read) for read in reads).encode()).hexdigest()

    def _index(self, path: Path, column: str, records: list[dict[str, str]]) -> dict[str, list[int]]:
        """The rows of each value of ``column``: a table of 3,000 places is scanned once, not per place."""
        key = (path, column)
        if key not in self._indexes:
            found: dict[str, list[int]] = {}
            for index, record in enumerate(records):
                found.setdefault(record.get(column, "").strip(), []).append(index)
            self._indexes[key] = found
        return self._indexes[key]

    def _top(self, path: Path, measure: str, top: int, records: list[dict[str, str]]) -> frozenset[int]:
        key = (path, measure, top)
        if key not in self._ranked:
            from briefgen.charts.data import largest_first, number

            sizes = [number(record.get(measure, "").strip()) for record in records]
            self._ranked[key] = frozenset(largest_first(range(len(records)), sizes)[:top])
        return self._ranked[key]

    def _table(self, path: Path) -> tuple[bytes, list[str], list[dict[str, str]]] | None:
        if path not in self._tables:
            from briefgen.charts.data import read_records
            from briefgen.errors import Diagnostics

            self._tables[path] = None
            try:
                raw = read_file(path, self.root, MAX_FILE_BYTES)
                records = read_records(raw, path, Diagnostics())
            except FileRefused:
                records = None
            if records is not None:
                self._tables[path] = (raw, records[0], [record for _line, record in records[1]])
        return self._tables[path]

    def _whole(self, path: Path) -> str:
        try:
            return "whole " + hashlib.sha256(read_file(path, self.root, MAX_FILE_BYTES)).hexdigest()
        except FileRefused as refused:
            return "refused: " + refused.reason
