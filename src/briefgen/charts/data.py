"""A chart's data: a CSV or JSON file of the project, read into typed rows, every problem at its line.

The file is named relative to the project's ``briefs/`` folder and opened only through
:func:`briefgen.load.project_files.read_file` (inside the project once symlinks are resolved,
a regular file, within the 5 MiB limit of any text file). A CSV has a header row; a JSON file
is a list of objects. The columns the encodings name must exist, and their values must be what
the encoding says: numbers for ``quantitative``, ISO dates (``2025``, ``2025-09``,
``2025-09-17``) for ``temporal``. A ragged row or bytes that are not UTF-8 are errors at the
file's line; so is a bad number or date, in the editions that draw its row.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.charts.spec import ChartSpec
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.csv_text import csv_reader
from briefgen.load.project_files import FileRefused, read_file, referenced_path
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.load.yaml_fields import did_you_mean

Value = float | str | None
Problem = tuple[int, str, str]
"""A bad value: the data file's line, what is wrong, how to fix it."""
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True, slots=True)
class ChartData:
    path: Path
    raw: bytes
    columns: tuple[str, ...]
    """The columns the chart shows, in encoding order (x, y, colour)."""
    rows: tuple[tuple[Value, ...], ...]
    """Each row's values for :attr:`columns`: numbers as float, the rest as written."""
    texts: tuple[tuple[str, ...], ...]
    """The same values as written in the file (for the table of the data)."""
    keys: tuple[str, ...] = ()
    """Each row's value of the spec's place column (``highlight:``/``filter:``), as written; empty without one."""
    problems: tuple[tuple[Problem, ...], ...] = ()
    """Each row's bad values, reported only for the rows a chart draws (:func:`rows_for_place`): one
    county's bad figure stops that county's edition, not the others'."""


def data_path(spec: ChartSpec, briefs_dir: Path) -> Path | None:
    """The file the spec names, not yet checked; None when it is not a relative path."""
    return referenced_path(spec.data, briefs_dir / "chart.yaml")  # relative to briefs/, like a manifest's paths


def read_chart_data(spec: ChartSpec, briefs_dir: Path, root: Path, location: SourceLocation,
                    diagnostics: Diagnostics) -> ChartData | None:
    """The rows the chart draws, or None after errors (at ``location``, the spec's text, or at the data file's lines)."""
    at_spec = location.at_line(location.line + spec.data_line) if location.line else location
    path = data_path(spec, briefs_dir)
    if path is None:
        diagnostics.error(at_spec, f"data file '{spec.data}' is outside the project",
                          "copy it into the project and name it relative to the briefs/ folder (data/<file>.csv)")
        return None
    try:
        raw = read_file(path, root, MAX_FILE_BYTES)
    except FileRefused as refused:
        diagnostics.error(at_spec, f"data file '{spec.data}' {refused.reason}",
                          "name it relative to the briefs/ folder (data/<file>.csv)" if "exist" in refused.reason
                          else refused.hint)
        return None
    file = SourceLocation(path)
    records = read_records(raw, path, diagnostics)
    if records is None:
        return None
    header, lines = records
    first = len(diagnostics.items)
    for channel in spec.channels:
        if channel.field not in header:
            diagnostics.error(location.at_line(location.line + channel.line) if location.line else location,
                              f"the data file '{spec.data}' has no column '{channel.field}'",
                              did_you_mean(channel.field, header) or "its columns: " + ", ".join(header))
    if spec.place_column is not None and spec.place_column not in header:
        key = "filter" if spec.is_filter else "highlight"
        diagnostics.error(location.at_line(location.line + spec.place_line) if location.line else location,
                          f"'{key}: {spec.place_column}': the data file '{spec.data}' has no column '{spec.place_column}'",
                          did_you_mean(spec.place_column, header) or "its columns: " + ", ".join(header))
    if len(diagnostics.items) > first:
        return None
    columns = tuple(channel.field for channel in spec.channels)
    rows, texts, problems = [], [], []
    for line, record in lines:
        values: list[Value] = []
        found: list[Problem] = []
        for channel in spec.channels:
            value, problem = _value(record.get(channel.field, "").strip(), channel.type, channel.field)
            values.append(value)
            if problem is not None:
                found.append((line, *problem))
        rows.append(tuple(values))
        texts.append(tuple(record.get(column, "").strip() for column in columns))
        problems.append(tuple(found))
    if not rows:
        diagnostics.error(file, "the data file has no rows", "add a row of values under the header")
        return None
    keys = tuple(record.get(spec.place_column, "").strip() for _line, record in lines) if spec.place_column else ()
    return ChartData(path, raw, columns, tuple(rows), tuple(texts), keys, tuple(problems))


def read_records(raw: bytes, path: Path, diagnostics: Diagnostics
                 ) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    """The header and rows (each with its line) of a data file's bytes: JSON when its name ends in
    ``.json``, else CSV (or TSV: :mod:`briefgen.load.csv_text`); None after an error at the file's line."""
    file = SourceLocation(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        diagnostics.error(file.at_line(line), "the data file is not UTF-8 text", "save it as CSV or JSON in UTF-8")
        return None
    if path.suffix.lower() == ".json":
        return _read_json(text, file, diagnostics)
    return _read_csv(text, file, diagnostics)


def rows_for_place(spec: ChartSpec, data: ChartData, value: str | None, diagnostics: Diagnostics) -> ChartData | None:
    """The rows the chart draws for the place whose column holds ``value`` (all of them without a
    place): only its rows with ``filter:``; with ``top: N`` the N largest (and the place's row),
    largest first. None after a bad value in a row it draws (at the data file's line); a bad value
    in a row it does not draw is left for the edition that draws it.

    :class:`briefgen.build.data_rows.RowsRead` names the same rows for the build cache."""
    chosen = list(range(len(data.rows)))
    if spec.is_filter and value is not None:
        chosen = [index for index in chosen if data.keys[index] == value]
    if spec.top is not None:
        measure = spec.channels.index(spec.measure)
        ranked = largest_first(chosen, [row[measure] for row in data.rows])
        kept = set(ranked[:spec.top])
        if value is not None and spec.place_column is not None:
            kept.update(index for index in ranked if data.keys[index] == value)
        chosen = [index for index in ranked if index in kept]
    file = SourceLocation(data.path)
    bad = [problem for index in sorted(chosen) for problem in (data.problems[index] if data.problems else ())]
    for line, message, hint in bad:
        diagnostics.error(file.at_line(line), message, hint)
    if bad:
        return None
    return ChartData(data.path, data.raw, data.columns, tuple(data.rows[i] for i in chosen),
                     tuple(data.texts[i] for i in chosen), tuple(data.keys[i] for i in chosen) if data.keys else ())


def largest_first(indexes: Iterable[int], values: Sequence[Value]) -> list[int]:
    """``indexes`` in the order ``top: N`` ranks their rows: by value, largest first (a row
    without a number last), ties in file order. The build cache ranks rows the same way
    (:class:`briefgen.build.data_rows.RowDigests`)."""
    def size(index: int) -> float:
        value = values[index]
        return value if isinstance(value, float) else -math.inf

    return sorted(indexes, key=lambda index: (-size(index), index))


def number(written: str) -> float | None:
    """A quantitative value as the chart reads it: a finite number, else None."""
    try:
        value = float(written.replace("_", "x"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _value(written: str, kind: str, column: str) -> tuple[Value, tuple[str, str] | None]:
    """The value as the chart reads it, and what is wrong with it (None when nothing is)."""
    if written == "":
        return None, None
    if kind == "quantitative":
        value = number(written)
        if value is None:
            return None, (f"'{written}' in column '{column}' is not a number",
                          "write plain numbers (1001 or 1001.5), without thousands separators or units")
        return value, None
    if kind == "temporal" and not _DATE.match(written):
        return None, (f"'{written}' in column '{column}' is not a date", "write dates as YYYY, YYYY-MM or YYYY-MM-DD")
    return written, None


def _read_csv(text: str, file: SourceLocation, diagnostics: Diagnostics
              ) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    reader = csv_reader(text)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            diagnostics.error(file.at_line(1), "the CSV file has no header row", "put the column names on its first line")
            return None
        header = [cell.strip() for cell in header]
        rows: list[tuple[int, dict[str, str]]] = []
        start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                diagnostics.error(file.at_line(start), f"this row has {len(row)} values, the header {len(header)}",
                                  "give every row one value per column (quote values that hold a comma)")
                return None
            rows.append((start, dict(zip(header, row, strict=True))))
            start = reader.line_num + 1
    except csv.Error as error:
        diagnostics.error(file.at_line(reader.line_num or 1), f"the CSV file cannot be read ({error})",
                          "check the quotes on this line")
        return None
    return header, rows


def _read_json(text: str, file: SourceLocation, diagnostics: Diagnostics
               ) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        diagnostics.error(file.at_line(error.lineno), f"the JSON file cannot be read ({error.msg})", "fix the JSON here")
        return None
    except RecursionError:
        diagnostics.error(file, "the JSON file is nested too deeply", "write a list of flat objects")
        return None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        diagnostics.error(file.at_line(1), "the JSON file is not a list of objects",
                          'write [{"column": value, ...}, ...], one object per row')
        return None
    header: dict[str, None] = {}
    rows = []
    for item in data:
        record = {}
        for key, value in item.items():
            header.setdefault(str(key))
            if isinstance(value, (dict, list)):
                diagnostics.error(file, f"the value of '{key}' is not a number or a text", "write flat objects")
                return None
            record[str(key)] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        rows.append((0, record))
    return list(header), rows
