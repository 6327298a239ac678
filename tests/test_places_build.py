"""Building a brief with places: an edition per row and audience, --where, a bad row isolated,
per-row incremental rebuilds, resuming an interrupted build, and list/matrix showing the rows."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT, assert_clean_error, brief_yaml, run_cli, section_md

pytestmark = pytest.mark.slow

PLACES = "audiences: [county-officials, press]\nplaces:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
BODY = "In {{< data town >}}, {{< data population number >}} people.\n"


def towns_csv(rows: int, bad: str = "") -> str:
    lines = ["fips,town,population"] + [f"{n:03},Town {n},{1000 + n}" for n in range(1, rows + 1)]
    return "\n".join(lines) + "\n" + bad


def places_project(make_project: Callable[..., Path], rows: int = 3, bad: str = "", body: str = BODY) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], title="'Brief for {{< data town >}}'", extra=PLACES),
                         "briefs/data/towns.csv": towns_csv(rows, bad),
                         "briefs/sections/one.md": section_md("One in {{< data town >}}", body)})


def html_names(output: Path) -> list[str]:
    return sorted(path.stem for path in output.glob("*--*.html"))


def test_one_edition_per_row_and_audience(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = places_project(make_project)
    result = run_cli(["build", "-f", "html", "-o", str(tmp_path / "out")], cwd=root)
    assert result.exit_code == 0, result.output
    assert html_names(tmp_path / "out") == [f"b--{a}--{n:03}" for a in ("county-officials", "press") for n in (1, 2, 3)]
    html = (tmp_path / "out" / "b--press--002.html").read_text(encoding="utf-8")
    assert "Brief for Town 2" in html and "In Town 2, 1,002 people." in html and "One in Town 2" in html
    assert "6 edition(s) built" in result.output


def test_where_builds_the_matching_rows(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = places_project(make_project)
    result = run_cli(["build", "b", "-a", "press", "--where", "fips=002", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert result.exit_code == 0, result.output
    assert html_names(tmp_path) == ["b--press--002"]
    result = run_cli(["build", "--where", "town=Town 3", "--where", "population=1003", "-f", "html", "-o", str(tmp_path)],
                     cwd=root)
    assert result.exit_code == 0, result.output
    assert "b--county-officials--003" in html_names(tmp_path)


@pytest.mark.parametrize(("where", "message"), [
    pytest.param("county=1", "--where names no column 'county'", id="unknown-column"),
    pytest.param("fips=999", "no row matches --where fips=999", id="no-row"),
    pytest.param("fips", "--where 'fips' must be COLUMN=VALUE", id="no-equals"),
])
def test_a_bad_where_is_a_usage_error(make_project: Callable[..., Path], tmp_path: Path, where: str, message: str) -> None:
    root = places_project(make_project)
    result = run_cli(["build", "--where", where, "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unknown_where_column_points_at_the_csv_header(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = places_project(make_project)
    result = run_cli(["build", "--where", "county=1", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert "briefs/data/towns.csv:1" in result.output, result.output


def test_one_bad_row_never_stops_the_others(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = places_project(make_project, bad="004,Town 4,n/a\n005,Town 5\n001,Again,3\n")
    result = run_cli(["build", "-a", "press", "-f", "html", "-o", str(tmp_path)], cwd=root)
    assert_clean_error(result, "briefs/data/towns.csv:5:", "row '004', column 3 ('population')", "'n/a' is not a number",
                       "briefs/sections/one.md:4")
    assert_clean_error(result, "briefs/data/towns.csv:6:", "this row has 2 values but the header has 3 columns")
    assert_clean_error(result, "briefs/data/towns.csv:7:", "row id '001' is used twice (first at towns.csv:2)")
    assert html_names(tmp_path) == ["b--press--001", "b--press--002", "b--press--003"]
    summary = result.stderr.strip().splitlines()[-1]
    assert summary == ("3 edition(s) built, 3 failed: b--press--004, b row line 6, b row 001 (line 7)"), summary


def test_one_row_changed_rebuilds_only_its_editions(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = places_project(make_project, rows=4)
    output = tmp_path / "out"
    assert run_cli(["build", "-f", "html", "-o", str(output)], cwd=root).exit_code == 0
    before = {path.name: path.stat().st_mtime_ns for path in output.glob("*--*.html")}
    csv = root / "briefs/data/towns.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("003,Town 3,1003", "003,Town 3,2003"), encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-o", str(output)], cwd=root)
    assert result.exit_code == 0, result.output
    after = {path.name: path.stat().st_mtime_ns for path in output.glob("*--*.html")}
    rewritten = sorted(name for name in after if after[name] != before[name])
    assert rewritten == ["b--county-officials--003.html", "b--press--003.html"]
    assert "2 edition(s) built, 6 up to date" in result.output
    assert "2,003 people" in (output / "b--press--003.html").read_text(encoding="utf-8")
    # a shared section changed: every row again
    section = root / "briefs/sections/one.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-o", str(output)], cwd=root)
    assert "8 edition(s) built" in result.output, result.output


def test_an_interrupted_build_resumes_where_it_stopped(make_project: Callable[..., Path], tmp_path: Path) -> None:
    rows = 400
    root = places_project(make_project, rows=rows)
    output = tmp_path / "out"
    command = [sys.executable, "-m", "briefgen", "build", "-a", "press", "-f", "html", "-j", "1", "-o", str(output)]
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list(output.glob("*--*.html"))) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    done = len(list(output.glob("*--*.html")))
    assert process.returncode != 0 and 10 <= done < rows, (process.returncode, done, err)
    assert not list(output.glob(".*.tmp")), "no partial file is left"
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found = re.search(r"^(\d+) edition\(s\) built, (\d+) up to date$", result.stdout, flags=re.M)
    assert found is not None, result.stdout[-500:]
    built, up_to_date = int(found.group(1)), int(found.group(2))
    assert built + up_to_date == rows and up_to_date >= done - 1, (built, up_to_date, done)
    assert len(list(output.glob("*--*.html"))) == rows


def test_list_and_matrix_show_the_rows(make_project: Callable[..., Path]) -> None:
    root = places_project(make_project, rows=7, bad="bad id,X,1\n")
    listing = run_cli(["list"], cwd=root).stdout
    assert "places: 7 rows of briefs/data/towns.csv (id: fips, name: town), one edition per row and audience" in listing
    assert "rows: 001 Town 1; 002 Town 2; 003 Town 3; 004 Town 4; 005 Town 5; …" in listing
    assert "left out for errors: line 9" in listing
    matrix = run_cli(["matrix", "b"], cwd=root).stdout
    assert matrix.splitlines()[1].startswith("places: 7 rows of briefs/data/towns.csv")


def test_the_texas_example_builds_for_a_few_counties(tmp_path: Path) -> None:
    result = run_cli(["build", "txsb8-county", "--where", "fips=48201", "-f", "html", "-o", str(tmp_path)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    html = (tmp_path / "txsb8-county--county-officials--48201.html").read_text(encoding="utf-8")
    assert "What Texas S.B. 8 means for Harris County" in html
    assert "4,780,913" in html and "more than a million residents" in html and "fewer than ten thousand" not in html
    result = run_cli(["build", "txsb8-county", "--where", "county=Loving County", "-f", "html", "-o", str(tmp_path)],
                     cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    loving = (tmp_path / "txsb8-county--county-officials--48301.html").read_text(encoding="utf-8")
    assert "fewer than ten thousand residents" in loving and "more than a million" not in loving
