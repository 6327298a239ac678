"""Charts and data tables shown for an edition's place: ``highlight:`` draws the place's row in
the accent colour among its peers (the SVGs of two places differ only in which bar has it, in
English and Spanish), ``filter:`` keeps only its rows, ``top:`` keeps the largest rows and the
place's; every mistake is located at the spec's line or the place's CSV line.

The chart tests start vl-convert's JavaScript engine (~0.8 s the first time in a process)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import briefgen.charts.vega
from briefgen.charts.data import ChartData, rows_for_place
from briefgen.charts.spec import read_chart_spec
from briefgen.charts.vega import chart_theme, vega_lite_spec
from briefgen.errors import Diagnostics
from conftest import assert_clean_error, brief_yaml, run_cli, section_md

PLACES = "places:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
TOWNS = "fips,town,population\n001,Alpha,1500\n002,Beta,800\n003,Gamma,3100\n004,Delta,200\n"
CHART = """\
Before.

```{{.chart #fig-towns}}
data: data/towns.csv
mark: bar
{place}encoding:
  y: {{field: town, type: nominal, title: Town}}
  x: {{field: population, type: quantitative, title: People}}
caption: "{{{{< data town >}}}} among the towns."
alt: Population of each town, this edition's town darker.
```
"""
TABLE = """\
```{{.table #tbl-towns}}
data: data/towns.csv
{place}caption: Towns.
columns:
  - name: town
    heading: Town
  - name: population
    heading: People
    format: number
```
"""


def project_with(make_project: Callable[..., Path], body: str, *, places: bool = True, audiences: str = "[press]",
                 extra: dict[str, str] | None = None) -> Path:
    """Section 'one' (its body starts at file line 4) in brief 'b' with the towns table as places."""
    return make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra=f"audiences: {audiences}\n" + (PLACES if places else "")),
        "briefs/data/towns.csv": TOWNS,
        "briefs/sections/one.md": section_md("One", body),
        **(extra or {}),
    })


def build(project: Path, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == code, result.output
    return result


def page(project: Path, name: str) -> str:
    return (project / "output" / f"{name}.html").read_text(encoding="utf-8")


def svg_of(html: str) -> str:
    match = re.search(r'<div class="chart-image">(<svg.*?</svg>)</div>', html, re.S)
    assert match, "no chart in the page"
    return match.group(1)


PLACE_LABEL = re.compile(r'<text [^>]*font-weight="600"[^>]*>([0-9][^<]*)</text>')
"""The place's value written beside its bar (axis titles are bold too, but are words)."""


def place_labels(svg: str) -> list[str]:
    return PLACE_LABEL.findall(svg)


def differing_fills(a: str, b: str) -> list[tuple[str, str]]:
    """The attributes that differ between two SVGs, which must be the same but for colours (and
    the place's value beside its bar)."""
    a, b = PLACE_LABEL.sub("", a), PLACE_LABEL.sub("", b)
    split = re.compile(r'fill="(#[0-9a-f]+)"')
    assert split.sub('fill=""', a) == split.sub('fill=""', b), "the two drawings differ in more than colour"
    return [(x, y) for x, y in zip(split.findall(a), split.findall(b), strict=True) if x != y]


# --- the spec and the Vega-Lite it makes (no drawing) -----------------------------------------

def spec_of(place_lines: str):  # type: ignore[no-untyped-def]
    text = CHART.format(place=place_lines).split("```{.chart #fig-towns}\n")[1].split("```")[0]
    return read_chart_spec(text, "fig-towns", 1, 0)


def test_highlight_is_a_field_predicate_never_an_expression() -> None:
    spec, problems = spec_of("highlight: fips\n")
    assert problems == [] and spec is not None and spec.place_column == "fips" and not spec.is_filter
    data = ChartData(Path("t.csv"), b"", ("town", "population"), (("A", 1.0), ("B", 2.0)), (("A", "1"), ("B", "2")),
                     ("001", "x' || true || '"))
    vega = vega_lite_spec(spec, data, chart_theme("standard"), "x' || true || '")
    theme = chart_theme("standard")
    bars, label = vega["layer"]
    assert bars["encoding"]["color"] == {"condition": {"test": {"field": "place", "equal": "x' || true || '"},
                                                       "value": theme.accent}, "value": theme.peers}
    assert label["transform"] == [{"filter": {"field": "place", "equal": "x' || true || '"}}]
    assert "color" not in bars["mark"] and label["mark"]["type"] == "text" and "transform" not in vega
    assert "expr" not in repr(vega) and "datum" not in repr(vega)
    assert [row["place"] for row in vega["data"]["values"]] == ["001", "x' || true || '"]
    assert theme.peers not in (theme.accent, theme.muted)


@pytest.mark.parametrize(("lines", "line", "message"), [
    pytest.param("highlight: fips\nfilter: fips\n", 4, "not both", id="both-keys"),
    pytest.param("top: 0\n", 3, "top must be a whole number", id="top-zero"),
    pytest.param("filter: fips\ntop: 3\n", 4, "top: and filter: cannot be used together", id="top-with-filter"),
])
def test_spec_mistakes_are_located(lines: str, line: int, message: str) -> None:
    spec, problems = spec_of(lines)
    assert spec is None
    assert [(at, text) for at, text, _hint in problems if message in text] == [(line, problems[0][1])], problems


def test_highlight_of_a_line_chart_is_refused() -> None:
    text = "data: d.csv\nmark: line\nhighlight: fips\nencoding:\n  x: {field: a, type: nominal}\n" \
           "  y: {field: b, type: quantitative}\ncaption: C.\n"
    spec, problems = read_chart_spec(text, "fig-x", 10, 9)
    assert spec is None and [(line, "a line chart draws one shape" in message) for line, message, _ in problems] == [(12, True)]


def test_top_keeps_the_largest_rows_and_the_place_largest_first() -> None:
    spec, _ = spec_of("highlight: fips\ntop: 2\n")
    assert spec is not None
    rows = (("Alpha", 1500.0), ("Beta", 800.0), ("Gamma", 3100.0), ("Delta", 200.0))
    data = ChartData(Path("t.csv"), b"", ("town", "population"), rows, tuple((r[0], str(r[1])) for r in rows),
                     ("001", "002", "003", "004"))
    for place, drawn in (("004", ["Gamma", "Alpha", "Delta"]), ("003", ["Gamma", "Alpha"])):
        chosen = rows_for_place(spec, data, place, Diagnostics())
        assert chosen is not None and [row[0] for row in chosen.rows] == drawn
    assert vega_lite_spec(spec, data, chart_theme("standard"), "003")["encoding"]["y"]["sort"] is None


# --- built editions -----------------------------------------------------------------------------

@pytest.fixture
def fresh_renderer() -> None:
    briefgen.charts.vega.chart_renderer.cache_clear()


@pytest.mark.slow
@pytest.mark.usefixtures("fresh_renderer")
@pytest.mark.parametrize("language", ["en", "es"])
def test_two_places_charts_differ_only_in_which_bar_has_the_accent(make_project: Callable[..., Path],
                                                                   language: str) -> None:
    body = CHART.format(place="highlight: fips\n")
    extra = {"briefs/audiences/lectores.yaml": "label: Lectores\nlanguage: es\n",
             "briefs/sections/one.es.md": section_md("Uno", body)} if language == "es" else {}
    audience = "lectores" if language == "es" else "press"
    project = project_with(make_project, body, audiences=f"[{audience}]", extra=extra)
    build(project)
    theme = chart_theme("standard")
    alpha, gamma = (svg_of(page(project, f"b--{audience}--{fips}")) for fips in ("001", "003"))
    assert alpha != gamma
    # bars in data order (Alpha, Beta, Gamma, Delta): Alpha's and Gamma's swap colours, nothing else changes
    assert differing_fills(alpha, gamma) == [(theme.accent, theme.peers), (theme.peers, theme.accent)]
    assert alpha.count(f'fill="{theme.accent}"') == 1 and alpha.count(f'fill="{theme.peers}"') == 3
    # the place's value beside its bar, in the edition's language: a short bar stays readable
    assert (place_labels(alpha), place_labels(gamma)) == ((["1\xa0500"], ["3\xa0100"]) if language == "es" else
                                                          (["1,500"], ["3,100"]))  # as the axis writes them
    html = page(project, f"b--{audience}--003")
    assert '<tr class="place-row"><td><strong>Gamma</strong></td><td><strong>' in html  # the data under the chart
    assert "Gamma among the towns." in html
    if language == "es":
        assert "3100" in html and "Datos del gráfico" in html


@pytest.mark.slow
@pytest.mark.usefixtures("fresh_renderer")
def test_filter_draws_only_the_place(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, CHART.format(place="filter: fips\n"))
    build(project, "--where", "fips=002")
    html = page(project, "b--press--002")
    svg = svg_of(html)
    assert ">Beta<" in svg and ">Alpha<" not in svg and ">Gamma<" not in svg
    assert re.findall(r"<tr>(?:<td>[^<]*</td>)+</tr>", html) == ["<tr><td>Beta</td><td>800</td></tr>"]


@pytest.mark.slow
def test_a_table_filters_to_the_place_or_sets_its_row_in_bold(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, TABLE.format(place="filter: fips\n") + "\n"
                           + TABLE.format(place="highlight: fips\n").replace("tbl-towns", "tbl-all"))
    build(project, "--where", "fips=003")
    html = page(project, "b--press--003")
    tables = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    assert len(tables) == 2
    assert re.findall(r"<tr[^>]*>", tables[0]) == ["<tr>"] and "Gamma" in tables[0]  # alone: no need for bold
    assert "Alpha" not in tables[0]
    assert [">Alpha<" in tables[1], tables[1].count("place-row")] == [True, 1]
    assert re.search(r'<tr class="place-row"><td><strong>Gamma</strong></td><td style="text-align:right">'
                     r"<strong>3,100</strong></td></tr>", tables[1])


@pytest.mark.slow
def test_a_chart_column_missing_from_its_data_is_located_at_the_spec(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, CHART.format(place="highlight: fip\n"))
    result = build(project, "--where", "fips=002", code=1)
    assert_clean_error(result, "briefs/sections/one.md:9: ", "'highlight: fip': the data file 'data/towns.csv' has no "
                       "column 'fip'", "did you mean 'fips'?")


@pytest.mark.slow
def test_a_place_its_chart_data_lacks_is_located_at_the_place_row(make_project: Callable[..., Path]) -> None:
    body = CHART.format(place="filter: town\n").replace("data/towns.csv", "data/peers.csv")
    project = project_with(make_project, body, extra={"briefs/data/peers.csv": TOWNS.replace("002,Beta,800\n", "")})
    result = build(project, code=1)
    assert_clean_error(result, "briefs/data/towns.csv:3: ", "row '002': no row of data/peers.csv has town 'Beta'",
                       "'filter: town' at briefs/sections/one.md:9 has nothing to show")
    assert (project / "output/b--press--001.html").is_file()  # the other rows are built
    assert not (project / "output/b--press--002.html").exists()


@pytest.mark.slow
def test_a_place_key_in_a_brief_without_places_is_located(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, CHART.format(place="highlight: fips\n") + "\n" + TABLE.format(place="filter: fips\n"),
                           places=False)
    result = build(project, code=1)
    assert_clean_error(result, "briefs/sections/one.md:9: ", "'highlight: fips' needs the edition's place",
                       "no 'places:' table")
    assert_clean_error(result, "briefs/sections/one.md:19: ", "'filter: fips' needs the edition's place")


@pytest.mark.slow
def test_a_table_column_missing_from_the_places_table_is_located(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, TABLE.format(place="highlight: population\n"),
                           extra={"briefs/data/towns.csv": TOWNS,
                                  "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [press]\nplaces:\n"
                                                              "  data: data/places.csv\n  id: fips\n  name: town\n"),
                                  "briefs/data/places.csv": "fips,town\n001,Alpha\n"})
    result = build(project, code=1)
    assert_clean_error(result, "briefs/sections/one.md:6: ", "'highlight: population': the places table places.csv "
                       "has no column 'population'")


@pytest.mark.slow
def test_an_empty_place_value_is_reported_at_its_csv_line(make_project: Callable[..., Path]) -> None:
    project = project_with(make_project, TABLE.format(place="highlight: population\n"),
                           extra={"briefs/data/towns.csv": TOWNS.replace("002,Beta,800", "002,Beta,")})
    result = build(project, "--where", "fips=002", code=1)
    assert_clean_error(result, "briefs/data/towns.csv:3: ", "row '002', column 3 ('population'): the value is empty",
                       "'highlight: population' at briefs/sections/one.md:6 needs it")
