"""matrix and diff on a brief with places say which row they show (the first, or the one --where
picks), and count that row's words: a ``when`` block by data changes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import brief_yaml, run_cli, section_md

PLACES = "audiences: [press, county-officials]\nplaces:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
BODY = """\
In {{< data town >}}.

::: {when="population >= 1000"}
A large town, with many more words to count in this block of text.
:::
"""


def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"], extra=PLACES),
                         "briefs/data/towns.csv": "fips,town,population\n001,Alpha,500\n002,Beta,1500\n",
                         "briefs/sections/one.md": section_md("One", BODY)})


def words(output: str) -> int:
    line = next(line for line in output.splitlines() if line.startswith("words"))
    return int(line.split()[1].replace(",", ""))


def test_matrix_says_which_row_it_counts(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    first = run_cli(["matrix", "b"], cwd=root)
    assert first.exit_code == 0, first.output
    assert "sections and words for the first row, Alpha (fips 001); --where fips=VALUE shows another" in first.stdout
    picked = run_cli(["matrix", "b", "--where", "fips=002"], cwd=root)
    assert "sections and words for the row --where fips=002 picks, Beta (fips 002)" in picked.stdout
    assert words(picked.stdout) > words(first.stdout)  # Beta's edition holds the large-town block
    csv = run_cli(["matrix", "b", "--format", "csv", "--where", "town=Beta"], cwd=root)
    assert csv.stdout.startswith("section,title,press,county-officials")
    assert "b: sections and words for the row --where town=Beta picks, Beta (fips 002)" in csv.stderr
    html = run_cli(["matrix", "b", "--format", "html"], cwd=root)
    assert "<p>Sections and words for the first row, Alpha (fips 001);" in html.stdout


def test_diff_says_which_row_it_compares(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    result = run_cli(["diff", "b", "press", "county-officials", "--where", "fips=002"], cwd=root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ("b: what press (A) reads that county-officials (B) does not, "
                                             "for the row --where fips=002 picks, Beta (fips 002)")
    missing = run_cli(["diff", "b", "press", "county-officials", "--where", "fips=009"], cwd=root)
    assert missing.exit_code == 2 and "no row matches --where fips=009" in missing.stderr
