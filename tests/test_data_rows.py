"""A place's chart or table that draws some rows of a data file: the edition is keyed by those
rows, not the file. One county's figures changed rebuild that county's editions (and every
county's when the change moves a county into the ten largest); a bad value stops only the
editions that draw it; build, check and watch agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.build.data_rows import RowDigests, RowsRead
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from conftest import assert_clean_error, brief_yaml, run_cli, section_md

pytestmark = pytest.mark.slow

PLACES = "audiences: [press]\nplaces:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
TOWNS = ("fips,town,population\n001,Alpha,1500\n002,Beta,800\n003,Gamma,3100\n004,Delta,200\n"
         "005,Epsilon,90\n006,Zeta,2400\n")
NAMES = [f"b--press--00{n}" for n in range(1, 7)]
TOP = """
```{.chart #fig-towns}
data: data/towns.csv
mark: bar
highlight: fips
top: 2
encoding:
  y: {field: town, type: nominal}
  x: {field: population, type: quantitative}
caption: The two largest towns and this one.
alt: Towns by population.
```
"""
FILTER_TABLE = """
```{.table #tbl-budget}
data: data/budget.csv
caption: This town's budget.
filter: fips
```
"""
BUDGET = "fips,year,amount\n001,2024,10\n001,2025,11\n002,2024,20\n003,2024,30\n004,2024,40\n005,2024,50\n006,2024,60\n"


def project(make_project: Callable[..., Path], body: str = TOP) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], extra=PLACES),
                         "briefs/data/towns.csv": TOWNS, "briefs/data/budget.csv": BUDGET,
                         "briefs/sections/one.md": section_md("One", "In {{< data town >}}.\n" + body)})


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def build(root: Path, output: Path, *args: str) -> tuple[list[str], str]:
    """The editions a build wrote (by their files' times), and what it printed."""
    before = {path.name: path.stat().st_mtime_ns for path in output.glob("*--*.html")}
    result = run_cli(["build", "-f", "html", "-o", str(output), *args], cwd=root)
    after = {path.name: path.stat().st_mtime_ns for path in output.glob("*--*.html")}
    return sorted(name.removesuffix(".html") for name in after if after[name] != before.get(name)), result.output


def test_a_changed_row_outside_the_top_rebuilds_only_its_place(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root, output = project(make_project), tmp_path / "out"
    assert build(root, output)[0] == NAMES
    table = root / "briefs/data/towns.csv"
    edit(table, "004,Delta,200", "004,Delta,300")  # Delta stays out of the two largest
    rebuilt, printed = build(root, output)
    assert rebuilt == ["b--press--004"], printed
    assert "1 edition(s) built, 5 up to date" in printed
    edit(table, "001,Alpha,1500", "001,Alpha,1600")  # Alpha is not among the two largest either
    assert build(root, output)[0] == ["b--press--001"]
    edit(table, "002,Beta,800", "002,Beta,5000")  # Beta becomes the largest: every chart shows it now
    assert build(root, output)[0] == NAMES
    assert ">Beta<" in (output / "b--press--005.html").read_text(encoding="utf-8")
    edit(table, "003,Gamma,3100", "003,Gamma,3200")  # a bar of the top two: every chart draws it
    assert build(root, output)[0] == NAMES


def test_a_filtered_table_is_keyed_by_its_place_rows(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root, output = project(make_project, FILTER_TABLE), tmp_path / "out"
    assert build(root, output)[0] == NAMES
    budget = root / "briefs/data/budget.csv"
    edit(budget, "003,2024,30", "003,2024,33")
    assert build(root, output)[0] == ["b--press--003"]
    edit(budget, "001,2025,11", "001,2025,12\n002,2025,21")  # a row added for two places
    assert build(root, output)[0] == ["b--press--001", "b--press--002"]
    edit(budget, "fips,year,amount", "fips,year,amount_usd")  # the header: every edition's table
    rebuilt, printed = build(root, output)
    assert rebuilt == NAMES, printed


def test_a_bad_value_stops_only_the_editions_that_draw_it(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = project(make_project)
    edit(root / "briefs/data/towns.csv", "005,Epsilon,90", "005,Epsilon,ninety")
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert_clean_error(result, "briefs/data/towns.csv:6:", "'ninety' in column 'population' is not a number")
    assert sorted(path.stem for path in tmp_path.glob("*.html") if "--" in path.stem) == [
        name for name in NAMES if name != "b--press--005"]
    assert result.stderr.strip().splitlines()[-1].endswith("5 edition(s) built, 1 failed: b--press--005")
    checked = run_cli(["check"], cwd=root)
    assert checked.exit_code == 1
    assert checked.output.count("'ninety' in column 'population' is not a number") == 1, checked.output


def test_watch_rebuilds_the_places_whose_drawn_rows_changed(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions())
    assert sorted(live.rebuild().rebuilt) == NAMES
    table = root / "briefs/data/towns.csv"
    report = live.rebuild([edit(table, "004,Delta,200", "004,Delta,300")])
    assert report.rebuilt == ("b--press--004",) and len(report.unchanged) == 5
    assert sorted(live.rebuild([edit(table, "002,Beta,800", "002,Beta,5000")]).rebuilt) == NAMES


def test_the_digest_follows_the_rows_drawn(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(TOWNS, encoding="utf-8")
    read = RowsRead(tmp_path / "t.csv", "fips", "004", "population", 2)
    first = RowDigests(tmp_path).digest(read)
    assert RowDigests(tmp_path).digest(RowsRead.from_json(read.to_json())) == first
    (tmp_path / "t.csv").write_text(TOWNS.replace("005,Epsilon,90", "005,Epsilon,95"), encoding="utf-8")
    assert RowDigests(tmp_path).digest(read) == first  # not drawn for 004
    (tmp_path / "t.csv").write_text(TOWNS.replace("006,Zeta,2400", "006,Zeta,1400"), encoding="utf-8")
    assert RowDigests(tmp_path).digest(read) != first  # Zeta was the second largest
    (tmp_path / "t.csv").write_text(TOWNS + "007,Eta\n", encoding="utf-8")  # ragged: the whole file counts
    assert RowDigests(tmp_path).digest(read).startswith("whole ")
