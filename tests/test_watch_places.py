"""watch and preview for a brief with places: an edition per row (or the rows --where picks), a
change to one row of the table rebuilds that row's editions only (every row's when a chart reads
the table as data), a shared section rebuilds them all, and preview shows the first row with a note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.errors import UsageError
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from conftest import brief_yaml, section_md

PLACES = "audiences: [press]\nplaces:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
TOWNS = "fips,town,population\n001,Alpha,1500\n002,Beta,800\n003,Gamma,3100\n"
NAMES = ["b--press--001", "b--press--002", "b--press--003"]
CHART = """
```{.chart #fig-towns}
data: data/towns.csv
mark: bar
highlight: fips
encoding:
  y: {field: town, type: nominal}
  x: {field: population, type: quantitative}
caption: Towns.
alt: Towns by population.
```
"""


def project(make_project: Callable[..., Path], body: str = "In {{< data town >}}: {{< data population number >}}.\n"
            ) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], extra=PLACES),
                         "briefs/data/towns.csv": TOWNS,
                         "briefs/sections/one.md": section_md("One", body)})


def edit(path: Path, old: str, new: str) -> Path:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def test_watch_builds_every_row_and_a_row_change_rebuilds_that_row(make_project: Callable[..., Path],
                                                                    tmp_path: Path) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions(output_dir=tmp_path / "out"))
    first = live.rebuild()
    assert sorted(first.rebuilt) == NAMES and first.failed == ()
    assert "In Beta: 800." in (tmp_path / "out/b--press--002.html").read_text(encoding="utf-8")
    table = edit(root / "briefs/data/towns.csv", "002,Beta,800", "002,Beta,900")
    report = live.rebuild([table])
    assert report.rebuilt == ("b--press--002",) and sorted(report.unchanged) == ["b--press--001", "b--press--003"]
    assert "In Beta: 900." in (tmp_path / "out/b--press--002.html").read_text(encoding="utf-8")
    assert sorted(live.rebuild([edit(root / "briefs/sections/one.md", "In ", "For ")]).rebuilt) == NAMES


def test_a_new_row_is_built_and_a_removed_row_dropped(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions())
    live.rebuild()
    table = edit(root / "briefs/data/towns.csv", "003,Gamma,3100\n", "004,Delta,200\n")
    report = live.rebuild([table])
    assert report.rebuilt == ("b--press--004",) and report.removed == ("b--press--003",)


@pytest.mark.slow
def test_a_chart_of_the_table_makes_every_row_depend_on_every_row(make_project: Callable[..., Path]) -> None:
    root = project(make_project, "In {{< data town >}}.\n" + CHART)
    live = LiveEditions(root, WatchOptions())
    assert live.rebuild().failed == ()
    report = live.rebuild([edit(root / "briefs/data/towns.csv", "002,Beta,800", "002,Beta,900")])
    assert sorted(report.rebuilt) == NAMES  # every town's chart shows Beta's bar


def test_a_bad_row_fails_alone(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions())
    live.rebuild()
    report = live.rebuild([edit(root / "briefs/data/towns.csv", "003,Gamma,3100", "003,Gamma,lots")])
    assert report.failed == ("b--press--003",) and report.rebuilt == ()
    errors = [problem.format(root=root) for problem in report.problems]
    assert any(line.startswith("briefs/data/towns.csv:4: row '003', column 3 ('population')") for line in errors)
    state = live.get("b--press--003")
    assert state is not None and state.html is not None and "3,100" in state.html  # the last good page stays


def test_where_watches_the_rows_it_picks(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions(where=(("town", "Gamma"),)))
    assert live.check_selection() == []
    assert live.rebuild().rebuilt == ("b--press--003",)
    with pytest.raises(UsageError, match="no row matches --where town=Omega"):
        LiveEditions(root, WatchOptions(where=(("town", "Omega"),))).check_selection()


def test_preview_shows_the_first_row_and_says_so(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    live = LiveEditions(root, WatchOptions(is_first_row_only=True))
    assert live.check_selection() == ["b: showing the first of its 3 places, Alpha (fips 001); add --where fips=VALUE "
                                      "for another"]
    assert live.rebuild().rebuilt == ("b--press--001",)
    picked = LiveEditions(root, WatchOptions(is_first_row_only=True, where=(("fips", "002"),)))
    assert picked.check_selection() == [] and picked.rebuild().rebuilt == ("b--press--002",)


def test_a_round_of_many_rows_is_summed_up_not_listed(capsys: pytest.CaptureFixture[str]) -> None:
    from briefgen.commands.watch import print_round
    from briefgen.watch.rebuild import RebuildReport

    names = tuple(f"b--press--{n:03}" for n in range(1, 255))
    print_round(RebuildReport(2, rebuilt=names, seconds=7.5))
    assert capsys.readouterr().out.strip() == ("rebuilt 254 editions (b--press--001, b--press--002, b--press--003, "
                                               "b--press--004, b--press--005 and 249 more) in 7.50 s")
