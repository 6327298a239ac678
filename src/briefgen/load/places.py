"""A brief's ``places:``: a CSV of places inside the project, one edition per row and audience.

    places:
      data: data/tx-counties.csv   # relative to the briefs/ folder
      id: fips                      # the column identifying a row (in file names, --where, the cache)
      name: county                  # the column naming a row

Problems with the table as a whole (the file, its header, the id or name column) leave the
brief out; a bad row (ragged, without a valid id, a duplicate id) is reported at its CSV line
and left out, and every other row still gets its editions.
"""

from __future__ import annotations

import csv
from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.csv_text import csv_reader
from briefgen.load.ids import is_valid_id
from briefgen.load.project_files import FileRefused, read_file
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.load.yaml_fields import FieldReader, did_you_mean
from briefgen.model import Place, PlaceTable

PLACES_KEYS = ("data", "id", "name")


def read_places(fields: FieldReader, manifest: Path, diagnostics: Diagnostics,
                row_problems: Diagnostics) -> PlaceTable | None:
    """The manifest's ``places:`` table, or None (none written, or an error reported in
    ``diagnostics``). Problems of single rows go to ``row_problems``."""
    node = fields.mapping("places")
    if node is None:
        return None
    spec = FieldReader(node, fields.location, diagnostics, "places", PLACES_KEYS)
    if not spec.is_valid:
        return None
    data, id_column = spec.text("data", required=True), spec.text("id", required=True)
    name_column = spec.text("name", required=True)
    spec.finish()
    if not (data and id_column and name_column):
        return None
    briefs_dir = manifest.parent
    path = briefs_dir / data
    try:
        raw = read_file(path, briefs_dir.parent, MAX_FILE_BYTES)
    except FileRefused as refused:
        diagnostics.error(spec.line_of("data"), f"the places table '{data}' {refused.reason}",
                          refused.hint + " (the path is relative to the briefs/ folder)")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        diagnostics.error(SourceLocation(path, line), f"not valid UTF-8 (byte 0x{raw[error.start]:02x})",
                          "save the CSV as UTF-8 (in a spreadsheet: CSV UTF-8)")
        return None
    return _read_table(path, text, (spec.line_of("id"), id_column), (spec.line_of("name"), name_column),
                       diagnostics, row_problems)


def _read_table(path: Path, text: str, id_spec: tuple[SourceLocation, str], name_spec: tuple[SourceLocation, str],
                diagnostics: Diagnostics, row_problems: Diagnostics) -> PlaceTable | None:
    reader = csv_reader(text)
    header_at = SourceLocation(path, 1)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        diagnostics.error(header_at, f"cannot read the CSV header ({error})", "check the quotes on this line")
        return None
    if not header or not any(header):
        diagnostics.error(header_at, "the places table has no header line", "write the column names on the first line")
        return None
    problems = [f"column {n} has no name" for n, name in enumerate(header, 1) if not name]
    problems += [f"column '{name}' is named twice" for n, name in enumerate(header) if name and name in header[:n]]
    for (location, column) in (id_spec, name_spec):
        if column not in header:
            diagnostics.error(location, f"no column '{column}' in {path.name} (its header is at {path.name}:1)",
                              did_you_mean(column, header) or "columns: " + ", ".join(header))
            return None
    if problems:
        diagnostics.error(header_at, "; ".join(problems), "give every column one unique name")
        return None
    rows: list[Place] = []
    failed: list[str] = []
    first_line: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as error:
            row_problems.error(SourceLocation(path, line), f"cannot read this row ({error})", "check its quotes")
            failed.append(f"line {line}")
            break
        if record is None:
            break
        at, line = SourceLocation(path, line), reader.line_num + 1
        if not any(value.strip() for value in record):
            continue
        if len(record) != len(header):
            row_problems.error(at, f"this row has {len(record)} values but the header has {len(header)} columns",
                               "add or remove values (a value with a comma needs \"quotes\")")
            failed.append(f"line {at.line}")
            continue
        values = dict(zip(header, (value.strip() for value in record), strict=True))
        place_id = values[id_spec[1]]
        if not is_valid_id(place_id):
            row_problems.error(at, f"'{place_id}' (column '{id_spec[1]}', column {header.index(id_spec[1]) + 1}) is not "
                                   "a valid row id", "use lower-case letters, digits and '-': it becomes part of file names")
            failed.append(f"line {at.line}")
            continue
        if place_id in first_line:
            row_problems.error(at, f"row id '{place_id}' is used twice (first at {path.name}:{first_line[place_id]})",
                               "give every row its own id; this row is left out")
            failed.append(f"{place_id} (line {at.line})")
            continue
        first_line[place_id] = at.line
        rows.append(Place(place_id, values[name_spec[1]] or place_id, values, at))
    return PlaceTable(header_at, id_spec[1], name_spec[1], tuple(header), tuple(rows), tuple(failed))
