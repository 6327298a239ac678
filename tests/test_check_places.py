"""``briefgen check`` on a brief with places checks every row: each bad value at its CSV line and
column, once per row and column however many texts use it; one bad row never hides another;
the rows a chart or table picks are checked for every row; ``--where`` checks some rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md

PLACES = "audiences: [press]\nplaces:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
BODY = """\
In {{< data town >}}, {{< data population number >}} people.

Again: {{< data population number >}}.

::: {when="population >= 1000"}
A large town.
:::
"""


def towns(*rows: str) -> str:
    return "fips,town,population\n" + "".join(row + "\n" for row in rows)


def project_with(make_project: Callable[..., Path], csv: str, body: str = BODY,
                 extra: dict[str, str] | None = None) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], extra=PLACES),
                         "briefs/data/towns.csv": csv,
                         "briefs/sections/one.md": section_md("One", body),
                         **(extra or {})})


def findings(root: Path, *args: str) -> tuple[int, list[tuple[str, int, str]]]:
    result = run_cli(["check", "--format", "json", *args], cwd=root)
    assert "Traceback" not in result.output, result.output
    report = json.loads(result.stdout)
    return result.exit_code, [(f["path"], f["line"], f["message"]) for f in report["findings"] if f["severity"] == "error"]


def test_two_bad_rows_are_each_reported_once_at_their_csv_line(make_project: Callable[..., Path]) -> None:
    root = project_with(make_project, towns("001,Alpha,1500", "002,Beta,many", "003,Gamma,3100", "004,Delta,"))
    code, errors = findings(root)
    assert code == 1
    assert [(path, line) for path, line, _message in errors] == [("briefs/data/towns.csv", 3), ("briefs/data/towns.csv", 5)]
    assert errors[0][2].startswith("row '002', column 3 ('population'): the value 'many' is not a number")
    assert errors[1][2].startswith("row '004', column 3 ('population'): the value is empty")
    assert "briefs/sections/one.md:4" in errors[0][2]


def test_a_bad_first_row_does_not_hide_the_others(make_project: Callable[..., Path]) -> None:
    root = project_with(make_project, towns("001,Alpha,", "002,Beta,800", "003,Gamma,lots"))
    code, errors = findings(root)
    assert code == 1 and [line for _path, line, _message in errors] == [2, 4]


def test_a_clean_table_passes_and_the_summary_counts_every_row(make_project: Callable[..., Path]) -> None:
    root = project_with(make_project, towns("001,Alpha,1500", "002,Beta,800", "003,Gamma,3100"))
    result = run_cli(["check"], cwd=root)
    assert result.exit_code == 0, result.output
    assert "checked 3 editions of 1 brief (2 of them further rows of places" in result.output
    report = json.loads(run_cli(["check", "--format", "json"], cwd=root).stdout)
    assert (report["summary"]["editions"], report["summary"]["place_rows"]) == (1, 2)
    assert [edition["name"] for edition in report["editions"]] == ["b--press--001"]


def test_where_checks_only_the_rows_asked_for(make_project: Callable[..., Path]) -> None:
    root = project_with(make_project, towns("001,Alpha,1500", "002,Beta,many", "003,Gamma,"))
    code, errors = findings(root, "--where", "fips=003")
    assert code == 1 and [line for _path, line, _message in errors] == [4]
    assert findings(root, "--where", "fips=001") == (0, [])


def test_the_rows_a_table_picks_are_checked_for_every_row(make_project: Callable[..., Path]) -> None:
    table = "```{.table #tbl-peers}\ndata: data/peers.csv\nfilter: fips\ncaption: Peers.\n```\n"
    root = project_with(make_project, towns("001,Alpha,1500", "002,Beta,800", "003,Gamma,3100"), body=table,
                        extra={"briefs/data/peers.csv": "fips,share\n001,0.5\n003,0.2\n"})
    code, errors = findings(root)
    assert code == 1
    assert errors == [("briefs/data/towns.csv", 3, "row '002': no row of data/peers.csv has fips '002', so "
                       "'filter: fips' at briefs/sections/one.md:6 has nothing to show")]


@pytest.mark.slow
def test_the_rows_a_chart_highlights_are_checked_for_every_row(make_project: Callable[..., Path]) -> None:
    chart = ("```{.chart #fig-peers}\ndata: data/peers.csv\nmark: bar\nhighlight: fips\ntop: 1\nencoding:\n"
             "  x: {field: fips, type: nominal}\n  y: {field: share, type: quantitative}\ncaption: Peers.\nalt: Peers.\n```\n")
    root = project_with(make_project, towns("001,Alpha,1500", "002,Beta,800", "003,Gamma,3100", "004,Delta,9"),
                        body=chart, extra={"briefs/data/peers.csv": "fips,share\n001,0.5\n003,0.2\n"})
    code, errors = findings(root)
    assert code == 1
    assert [(line, message.split(",")[0]) for _path, line, message in errors] == [
        (3, "row '002': no row of data/peers.csv has fips '002'"), (5, "row '004': no row of data/peers.csv has fips '004'")]
    assert "'highlight: fips' at briefs/sections/one.md:7 has nothing to highlight" in errors[0][2]
