"""Numbered figures and tables, data tables from CSV and cross-references: numbering per
edition after audience blocks, localisation, links, and every author error at its file and line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.figures.numbers import format_value
from briefgen.i18n import messages_for
from conftest import FIXTURES_DIR, assert_clean_error, brief_yaml, run_cli, section_md
from golden import assert_matches_golden
from test_golden import without_font_data

FIGURES = FIXTURES_DIR / "figures"
EDITIONS = ("county-officials", "community-groups", "community-groups-es")
CSV = "item,amount,share\nSalaries,1250,62.5\nOvertime,980,12\n"
TABLE = ("```{.table #tbl-costs}\ndata: data/costs.csv\ncaption: Costs by item\n"
         "columns:\n  - item\n  - name: amount\n    format: currency\n  - name: share\n    format: percent\n```\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project's HTML editions."""
    project = tmp_path_factory.mktemp("figures") / "project"
    shutil.copytree(FIGURES, project, ignore=shutil.ignore_patterns("expected", "output"))
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    return project / "output"


def page(built: Path, audience: str) -> str:
    return (built / f"figures--{audience}.html").read_text(encoding="utf-8")


def main(html: str) -> str:
    return html[html.index('<main id="main">'):html.index("</main>")]


@pytest.mark.parametrize("audience", EDITIONS)
def test_editions_match_golden(built: Path, audience: str) -> None:
    assert_matches_golden(without_font_data(page(built, audience)), FIGURES / "expected" / f"figures--{audience}.html")


def labels(html: str) -> list[str]:
    return re.findall(r'<span class="float-label">([^<]*):</span>', html)


def test_numbering_follows_reading_order_after_audience_blocks(built: Path) -> None:
    assert labels(page(built, "county-officials")) == ["Figure\u00a01", "Figure\u00a02", "Table\u00a01", "Table\u00a02"]
    # the community groups do not read the board's figure: no gap, and nothing points to it
    community = page(built, "community-groups")
    assert labels(community) == ["Figure\u00a01", "Table\u00a01", "Table\u00a02"]
    assert "fig-board" not in community
    assert '<a class="crossref" href="#fig-trend">Figure\u00a01</a>' in community


def test_spanish_labels_and_numbers(built: Path) -> None:
    html = main(page(built, "community-groups-es"))
    assert labels(html) == ["Figura\u00a01", "Tabla\u00a01", "Tabla\u00a02"]
    assert '<a class="crossref" href="#oversight">Sección\u00a02</a>' in html
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert ["$1\u00a0250\u00a0000,5", "62,5\u00a0%", "1 de octubre de 2025"] == cells[1:4]
    assert "$980" in cells and "$15\u00a0000" in cells


def test_cross_references_link_to_the_float(built: Path) -> None:
    html = main(page(built, "county-officials"))
    links = re.findall(r'<a class="crossref" href="#([^"]+)">([^<]+)</a>', html)
    assert ("tbl-costs", "Table\u00a01") in links
    assert ("tbl-costs", "1") in links  # [-@tbl-costs]: the number only
    assert ("oversight", "Section\u00a02") in links
    for target, _text in links:
        assert f'id="{target}"' in html
    assert "@fig" not in html and "@tbl" not in html


def test_a_data_table_has_a_header_row_and_a_cited_source_note(built: Path) -> None:
    html = main(page(built, "county-officials"))
    figure = html[html.index('<figure id="tbl-costs"'):]
    figure = figure[:figure.index("</figure>")]
    assert figure.index("<figcaption>") < figure.index("<table>")
    assert '<th scope="col" style="text-align:right">Amount</th>' in figure
    assert "<td>Detention beds</td>" in figure and "$1,250,000.5" in figure and "25.5%" in figure
    assert re.search(r'<p class="source-note">Source: .*<a href="#ref-gao2021">1</a>', figure)


@pytest.mark.parametrize(("raw", "column_format", "english", "spanish"), [
    pytest.param("1001", "number", "1,001", "1001", id="four-digits"),
    pytest.param("10000", "number", "10,000", "10\u00a0000", id="five-digits"),
    pytest.param("-1234567.25", "number", "-1,234,567.25", "-1\u00a0234\u00a0567,25", id="negative-decimals"),
    pytest.param("12.5", "percent", "12.5%", "12,5\u00a0%", id="percent"),
    pytest.param("-750", "currency", "-$750", "-$750", id="negative-currency"),
    pytest.param("2025-09-30", "date", "September 30, 2025", "30 de septiembre de 2025", id="date"),
    pytest.param("", "number", "", "", id="empty-cell"),
    pytest.param("n/a", "text", "n/a", "n/a", id="text"),
])
def test_number_formats(raw: str, column_format: str, english: str, spanish: str) -> None:
    assert format_value(raw, column_format, messages_for("en")) == english  # type: ignore[arg-type]
    assert format_value(raw, column_format, messages_for("es")) == spanish  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["1,000", "12%", "$5", "1e3", "one"])
def test_a_bad_number_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        format_value(raw, "number", messages_for("en"))


# --- errors, each at its file and line ---------------------------------------------------

Build = Callable[..., str]


@pytest.fixture
def build_error(make_project: Callable[..., Path]) -> Callable[..., None]:
    def check(body: str, prefix: str, *fragments: str, files: dict[str, str | bytes] | None = None,
              bib: str | None = None) -> None:
        project_files: dict[str, str | bytes] = {"briefs/b.yaml": brief_yaml(["one"]),
                                                 "briefs/sections/one.md": section_md("One", body),
                                                 **(files or {})}
        project = make_project(project_files, **({"bib": bib} if bib is not None else {}))
        assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), prefix, *fragments)

    return check


IMAGE = {"briefs/sections/a.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'}


def test_reference_to_a_missing_id(build_error: Callable[..., None]) -> None:
    build_error("Text.\n\nSee @fig-nowhere.\n", "briefs/sections/one.md:6: @fig-nowhere refers to no figure")


def test_reference_to_a_figure_hidden_from_the_audience(build_error: Callable[..., None]) -> None:
    body = ('::: {audience="press"}\n![A chart](a.svg){#fig-a}\n:::\n\nSee @fig-a.\n')
    build_error(body, "briefs/sections/one.md:8: @fig-a refers to something hidden from audience", files=IMAGE)


def test_duplicate_id(build_error: Callable[..., None]) -> None:
    body = "![One](a.svg){#fig-a}\n\n![Two](a.svg){#fig-a}\n"
    build_error(body, "briefs/sections/one.md:6: the id 'fig-a' is used twice", "first at briefs/sections/one.md:4",
                files=IMAGE)


def test_id_that_is_also_a_citation_key(build_error: Callable[..., None]) -> None:
    bib = "@misc{fig-a,\n  author = {Doe, J.},\n  title = {A chart},\n  year = {2020}\n}\n"
    build_error("Text.\n\n![One](a.svg){#fig-a}\n", "briefs/sections/one.md:6: 'fig-a' is both a figure or table id "
                "and a citation key", files=IMAGE, bib=bib)


def test_a_float_id_never_takes_over_a_heading_id(build_error: Callable[..., None]) -> None:
    body = "## Costs {#fig-a}\n\n![One](a.svg){#fig-a}\n"
    build_error(body, "briefs/sections/one.md:6: the id 'fig-a' is already the id of a section or heading", files=IMAGE)


def test_a_cross_reference_and_a_citation_in_one_bracket(build_error: Callable[..., None]) -> None:
    body = "![One](a.svg){#fig-a}\n\nSee [@fig-a; @gao2021].\n"
    build_error(body, "briefs/sections/one.md:6: a cross-reference and a citation share one bracket", files=IMAGE)


def test_a_table_caption_away_from_a_table(build_error: Callable[..., None]) -> None:
    build_error("Text.\n\n: Costs {#tbl-costs}\n", "briefs/sections/one.md:6: the caption of table 'tbl-costs' "
                "is not next to a table")


@pytest.mark.parametrize(("block", "line", "message"), [
    pytest.param("```{.table}\ndata: data/costs.csv\ncaption: C\n```\n", 4, "needs an id starting 'tbl-'", id="no-id"),
    pytest.param("```{.table #tbl-a}\ncaption: C\n```\n", 5, "missing the required key 'data'", id="no-data"),
    pytest.param("```{.table #tbl-a}\ndata: data/costs.csv\ncaption: C\nsort: item\n```\n", 7, "unknown key 'sort'",
                 id="unknown-key"),
    pytest.param("```{.table #tbl-a}\ndata: data/costs.csv\ncaption: C\ncolumns:\n  - name: amount\n    format: money\n```\n",
                 9, "'format' cannot be 'money'", id="bad-format"),
    pytest.param("```{.table #tbl-a}\ndata: data/costs.csv\ncaption: C\ncolumns: [cost]\n```\n", 5,
                 "has no column 'cost'", id="unknown-column"),
    pytest.param("```{.table #tbl-a}\ndata: ../../outside.csv\ncaption: C\n```\n", 5, "is outside the project",
                 id="outside"),
    pytest.param("```{.table #tbl-a}\ndata: https://example.org/a.csv\ncaption: C\n```\n", 5,
                 "is not a file in the project", id="url"),
    pytest.param("```{.table #tbl-a}\ndata: data/none.csv\ncaption: C\n```\n", 5, "data 'data/none.csv'",
                 id="missing-file"),
])
def test_data_table_spec_errors(build_error: Callable[..., None], block: str, line: int, message: str) -> None:
    build_error(block, f"briefs/sections/one.md:{line}: ", message, files={"briefs/data/costs.csv": CSV})


@pytest.mark.parametrize(("csv", "line", "message"), [
    pytest.param(CSV + "Beds,15000\n", 4, "this row has 2 cells, the header has 3", id="ragged"),
    pytest.param(CSV + "Beds,15 000,3\n", 4, "column 'amount': '15 000' is not a number", id="bad-number"),
    pytest.param(CSV + "Beds,1500,three\n", 4, "column 'share': 'three' is not a number", id="bad-percent"),
    pytest.param(CSV.encode() + "Camas,1500,3\n".encode("latin-1") + "Años,1,1\n".encode("latin-1"), 5,
                 "not valid UTF-8", id="encoding"),
    pytest.param('item,amount,share\n"Salaries\nand wages",1250,62.5\nBeds,x,1\n', 4, "'x' is not a number",
                 id="line-after-a-quoted-newline"),
])
def test_csv_errors_at_the_csv_line(build_error: Callable[..., None], csv: str | bytes, line: int, message: str) -> None:
    build_error(TABLE, f"briefs/data/costs.csv:{line}: ", message, files={"briefs/data/costs.csv": csv})


def test_a_csv_over_the_size_limit(build_error: Callable[..., None]) -> None:
    big = CSV + "Beds,1,1\n" * 700_000
    build_error(TABLE, "briefs/sections/one.md:5: ", "data 'data/costs.csv' is larger than the 5 MiB limit",
                files={"briefs/data/costs.csv": big})


# --- the list of figures ------------------------------------------------------------------

def test_a_list_of_figures_when_the_manifest_asks(make_project: Callable[..., Path]) -> None:
    body = "![A chart](a.svg){#fig-a}\n\n| A |\n|---|\n| 1 |\n\n: Costs {#tbl-a}\n"
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]) + "list_of_figures: true\n",
                            "briefs/sections/one.md": section_md("One", body), **IMAGE})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    listed = html[html.index('<nav class="list-of-figures"'):]
    listed = listed[:listed.index("</nav>")]
    assert re.findall(r'<a href="#([^"]+)"><span class="float-label">([^<]+)</span> ([^<]+)<', listed) == [
        ("fig-a", "Figure\u00a01:", "A chart"), ("tbl-a", "Table\u00a01:", "Costs")]


def test_no_list_of_figures_by_default(built: Path) -> None:
    assert "list-of-figures" not in main(page(built, "county-officials"))


def test_list_of_figures_must_be_true_or_false(make_project: Callable[..., Path]) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]) + "list_of_figures: sometimes\n",
                            "briefs/sections/one.md": section_md("One", "Text.\n")})
    assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), "briefs/b.yaml:4: 'list_of_figures' must be "
                       "true or false")


def test_section_references_by_heading_id_and_by_section_id(make_project: Callable[..., Path]) -> None:
    files = {"briefs/b.yaml": brief_yaml(["one", "two"]),
             "briefs/sections/one.md": section_md("One", "See @sec-limits, [@sec-two] and [-@sec-two].\n"),
             "briefs/sections/two.md": section_md("Two", "Text.\n\n## Limits {#sec-limits}\n\nMore.\n")}
    project = make_project(files)
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = main((project / "output" / "b--press.html").read_text(encoding="utf-8"))
    assert re.findall(r'<a class="crossref" href="#([^"]+)">([^<]+)</a>', html) == [
        ("sec-limits", "Section\u00a02"), ("two", "Section\u00a02"), ("two", "2")]
    assert '<h3 id="sec-limits">Limits</h3>' in html


def test_a_changed_csv_rebuilds_the_edition(make_project: Callable[..., Path]) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", TABLE),
                            "briefs/data/costs.csv": CSV})
    assert run_cli(["build", "-f", "html", "-a", "press"], cwd=project).exit_code == 0
    again = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert "1 up to date" in again.output, again.output
    (project / "briefs" / "data" / "costs.csv").write_text(CSV.replace("980", "981"), encoding="utf-8")
    changed = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert "1 edition(s) built" in changed.output, changed.output
    assert "$981" in (project / "output" / "b--press.html").read_text(encoding="utf-8")


def test_a_caption_line_without_a_blank_line_after_the_table(build_error: Callable[..., None]) -> None:
    build_error("| A |\n|---|\n| 1 |\n: Costs {#tbl-a}\n", "briefs/sections/one.md:7: this table caption is read as "
                "a row of the table above it")


def test_a_figure_s_alt_text_is_its_caption_without_citation_marks_unless_fig_alt_says(
        make_project: Callable[..., Path]) -> None:
    body = ('![Spending by year [@gao2021]](a.svg){#fig-a}\n\n'
            '![Spending by month](a.svg){#fig-b fig-alt="Bars rising from 2 to 7"}\n')
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", body),
                            **IMAGE})
    assert run_cli(["build", "-f", "html", "-a", "press"], cwd=project).exit_code == 0
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert re.findall(r'<img src="[^"]*" alt="([^"]*)"', html) == ["Spending by year", "Bars rising from 2 to 7"]
    assert "Figure\u00a02:</span> Spending by month</figcaption>" in html
