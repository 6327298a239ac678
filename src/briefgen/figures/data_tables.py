"""A data table: its CSV read (inside the project, within the input size limit), checked
row by row, and written as an HTML table in the edition's language.

A malformed CSV is an error at the CSV's own line: a row with more or fewer cells than the
header, a cell that is not a number in a numeric column, text that is not UTF-8.

For a brief with places, ``highlight: COLUMN`` sets the edition's place's rows in bold and
``filter: COLUMN`` shows only them (:mod:`briefgen.figures.place_rows`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from markdown_it.common.utils import escapeHtml as escape_html

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.figures.model import MAX_TABLE_ROWS, ColumnSpec, DataTableSpec
from briefgen.figures.numbers import format_value, is_numeric
from briefgen.figures.place_rows import check_match, place_value
from briefgen.i18n import Messages
from briefgen.load.csv_text import csv_reader
from briefgen.load.project import BRIEFS_DIR
from briefgen.load.project_files import FileRefused, read_file, referenced_path, resolve_inside
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Place

_OUTSIDE_HINT = "put the CSV inside the project and name it relative to the briefs/ folder, e.g. data/costs.csv"


def data_path(spec: DataTableSpec, root: Path) -> Path | None:
    """The CSV a spec names (relative to the project's ``briefs/`` folder), not yet checked;
    None for a URL or an absolute path."""
    return referenced_path(spec.data, root / BRIEFS_DIR / "manifest.yaml")


def render_data_table(spec: DataTableSpec, root: Path, where: SourceLocation, messages: Messages,
                      diagnostics: Diagnostics, place: Place | None = None) -> str:
    """The table as HTML, or "" after an error. ``where``: the section file (its ``data:`` line);
    ``place``: the edition's row of its brief's ``places:``."""
    read = read_table(spec, root, where, diagnostics)
    if read is None:
        return ""
    csv_at, header, body = read
    at = where.at_line(spec.line)
    columns = spec.columns or tuple(ColumnSpec(name, name) for name in header)
    index: list[int] = []
    for column in columns:
        if column.name not in header:
            diagnostics.error(at, f"{spec.data} has no column '{column.name}'",
                              did_you_mean(column.name, header) or "its columns are: " + ", ".join(header))
            return ""
        index.append(header.index(column.name))
    marked = [False] * len(body)
    if spec.place_column is not None:
        picked = place_rows(spec, header, body, root, where, place, diagnostics)
        if picked is None:
            return ""
        marked = picked
        if spec.is_filter:
            body = [row for row, is_place in zip(body, marked, strict=True) if is_place]
            marked = [True] * len(body)
    cells: list[list[str]] = []
    problems = len(diagnostics.errors)
    for line, row in body:
        formatted = []
        for column, position in zip(columns, index, strict=True):
            try:
                formatted.append(format_value(row[position], column.format, messages))
            except ValueError as reason:
                diagnostics.error(csv_at.at_line(line), f"column '{column.name}': {reason}",
                                  f"fix the cell, or give the column another format in table '{spec.data}'")
        cells.append(formatted)
    if len(diagnostics.errors) > problems:
        return ""
    return _table_html(columns, cells, marked if not spec.is_filter else None)


def read_table(spec: DataTableSpec, root: Path, where: SourceLocation, diagnostics: Diagnostics
               ) -> tuple[SourceLocation, list[str], list[tuple[int, list[str]]]] | None:
    """The CSV a spec names: its location, header and rows (each with its line); None after an error."""
    at = where.at_line(spec.line)
    path = data_path(spec, root)
    if path is None:
        diagnostics.error(at, f"data '{spec.data}' is not a file in the project", _OUTSIDE_HINT)
        return None
    try:
        resolve_inside(path, root)
        data = read_file(path, root, MAX_FILE_BYTES)
    except FileRefused as refused:
        diagnostics.error(at, f"data '{spec.data}' {refused.reason}", refused.hint)
        return None
    csv_at = SourceLocation(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.error(csv_at.at_line(line), f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
                          "save the CSV as UTF-8 (in a spreadsheet: CSV UTF-8)")
        return None
    rows = _read_rows(text, csv_at, diagnostics)
    if rows is None:
        return None
    header, body = rows
    return csv_at, header, body


def place_rows(spec: DataTableSpec, header: list[str], body: list[tuple[int, list[str]]], root: Path,
               where: SourceLocation, place: Place | None, diagnostics: Diagnostics) -> list[bool] | None:
    """Which rows (of :func:`read_table`) are the place's, by ``highlight:`` or ``filter:``; None after an error."""
    column = spec.place_column
    assert column is not None
    key = "filter" if spec.is_filter else "highlight"
    at = where.at_line(spec.place_line)
    if column not in header:
        diagnostics.error(at, f"'{key}: {column}': {spec.data} has no column '{column}'",
                          did_you_mean(column, header) or "its columns are: " + ", ".join(header))
        return None
    value = place_value(key, column, place, at, root, diagnostics)
    if value is None or place is None:
        return None
    position = header.index(column)
    keys = [row[position].strip() for _line, row in body]
    if not check_match(key, column, spec.data, value, keys, place, at, root, diagnostics):
        return None
    return [written == value for written in keys]


def _read_rows(text: str, at: SourceLocation, diagnostics: Diagnostics) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    reader = csv_reader(text)
    try:
        header = [name.strip() for name in next(reader, [])]
        if not header or not any(header):
            diagnostics.error(at.at_line(1), "the CSV has no header row", "write the column names on its first line")
            return None
        body: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                diagnostics.error(at.at_line(line), f"this row has {len(row)} cells, the header has {len(header)}",
                                  "give every row one cell per column (quote cells that hold a comma)")
                return None
            body.append((line, row))
            if len(body) > MAX_TABLE_ROWS:
                diagnostics.error(at.at_line(line), f"the table has more than {MAX_TABLE_ROWS} rows",
                                  "show a summary of the data in the brief")
                return None
    except csv.Error as error:
        diagnostics.error(at.at_line(reader.line_num), f"the CSV cannot be read ({error})",
                          "check the quotes on this line")
        return None
    return header, body


def _table_html(columns: tuple[ColumnSpec, ...], cells: list[list[str]], marked: list[bool] | None = None) -> str:
    """``marked``: the rows set in bold (the edition's place's, for ``highlight:``)."""
    aligns = [column.align or ("right" if is_numeric(column.format) else None) for column in columns]
    # the alignments are a closed set (ColumnSpec.align), so they may go into style as written
    styles = [f' style="text-align:{align}"' if align else "" for align in aligns]
    head = "".join(f'<th scope="col"{style}>{escape_html(column.heading)}</th>'
                   for column, style in zip(columns, styles, strict=True))
    places = marked or [False] * len(cells)
    rows = "".join(('<tr class="place-row">' if is_place else "<tr>")
                   + "".join(f"<td{style}><strong>{escape_html(cell)}</strong></td>" if is_place
                             else f"<td{style}>{escape_html(cell)}</td>" for cell, style in zip(row, styles, strict=True))
                   + "</tr>\n" for row, is_place in zip(cells, places, strict=True))
    return f'<table>\n<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n{rows}</tbody>\n</table>\n'
