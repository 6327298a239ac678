"""CSV as spreadsheets save it: commas, or semicolons (where the comma is the decimal mark), or
tabs, chosen by the header line; a byte-order mark and CRLF line ends; one reader for the places
table, data tables and chart data, each problem still at its own line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics
from briefgen.load.csv_text import csv_reader, separator_of
from briefgen.load.project import load_project
from conftest import assert_clean_error, brief_yaml, run_cli, section_md

PLACES = "places:\n  data: data/towns.csv\n  id: fips\n  name: town\n"


@pytest.mark.parametrize(("text", "separator"), [
    pytest.param("fips,town,population\n001,A;B,1\n", ",", id="commas"),
    pytest.param("fips;town;population\r\n001;Alba, Sur;1,5\r\n", ";", id="semicolons"),
    pytest.param("fips\ttown\tpopulation\n", "\t", id="tabs"),
    pytest.param('"a;b;c",d,e\n', ",", id="separators-inside-quotes-do-not-count"),
    pytest.param("population\n12\n", ",", id="one-column"),
    pytest.param("a;b,c\n", ",", id="a-tie-is-a-comma"),
])
def test_the_header_line_decides_the_separator(text: str, separator: str) -> None:
    assert separator_of(text) == separator


def test_quoted_line_breaks_and_unicode_line_separators_keep_line_numbers() -> None:
    reader = csv_reader('a;b\n1;"two\nlines"\n3;x\u2028y\n5;z\n')
    rows = [(reader.line_num, row) for row in reader]
    assert rows == [(1, ["a", "b"]), (3, ["1", "two\nlines"]), (4, ["3", "x\u2028y"]), (5, ["5", "z"])]


def project(make_project: Callable[..., Path], towns: bytes, body: str) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], extra="audiences: [press]\n" + PLACES),
                         "briefs/data/towns.csv": towns, "briefs/sections/one.md": section_md("One", body)})


SPREADSHEET = "\ufefffips;town;population\r\n001;\"Alba; Sur\";12500\r\n002;Brea;800\r\n".encode()
"""As a spreadsheet in Spanish saves "CSV UTF-8": a byte-order mark, semicolons, CRLF."""


def test_a_semicolon_places_table_builds(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = project(make_project, SPREADSHEET, "In {{< data town >}}: {{< data population number >}}.\n")
    diagnostics = Diagnostics()
    brief = load_project(root, diagnostics).briefs["b"]
    assert diagnostics.items == [] and brief.places is not None
    assert [(row.id, row.name, row.location.line) for row in brief.places.rows] == [("001", "Alba; Sur", 2),
                                                                                   ("002", "Brea", 3)]
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert result.exit_code == 0, result.output
    assert "In Alba; Sur: 12,500." in (tmp_path / "b--press--001.html").read_text(encoding="utf-8")


def test_a_decimal_comma_is_an_error_at_its_line(make_project: Callable[..., Path], tmp_path: Path) -> None:
    towns = SPREADSHEET.replace(b"002;Brea;800", b"002;Brea;800,5")
    root = project(make_project, towns, "{{< data population number >}}\n")
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert_clean_error(result, "briefs/data/towns.csv:3:", "'800,5'")
    assert (tmp_path / "b--press--001.html").is_file()


TABLE = """
```{.table #tbl-towns}
data: data/towns.csv
caption: Towns.
```

```{.chart #fig-towns}
data: data/towns.tsv
mark: bar
encoding:
  y: {field: town, type: nominal}
  x: {field: population, type: quantitative}
caption: Towns.
alt: Two towns by population.
```
"""


@pytest.mark.slow
def test_data_tables_and_charts_read_semicolons_and_tabs(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = project(make_project, SPREADSHEET, TABLE)
    (root / "briefs/data/towns.tsv").write_text("town\tpopulation\nAlba\t12500\nBrea\tmany\n", encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert_clean_error(result, "briefs/data/towns.tsv:3:", "'many' in column 'population' is not a number")
    (root / "briefs/data/towns.tsv").write_text("town\tpopulation\nAlba\t12500\nBrea\t800\n", encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "b--press--002.html").read_text(encoding="utf-8")
    assert "<td>Alba; Sur</td>" in html and "<svg" in html
