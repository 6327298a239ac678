"""The citation rules called directly (check/citations.py): a project built in code with its
references.bib on disk, findings asserted with their path, line and severity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefgen.check.citations import check_citations
from briefgen.errors import Diagnostics
from conftest import FIXTURE_BIB, make_brief, make_section
from rule_inputs import checked_editions, findings, line_of, project_of

RECHECK_AFTER_DAYS = 365

BIB = r"""% two entries
@report{who2020,
  author      = {Organization, World Health},
  title       = {Global Report},
  institution = {WHO},
  year        = {2020}
}

@online{page2019,
  author  = {{County Sheriff's Office}},
  title   = {Program Page},
  url     = {https://example.org/page},
  year    = {2019},
  urldate = {2019-03-01}
}

@misc{unused2018,
  author = {{Some Agency}},
  title  = {Never Cited},
  year   = {2018}
}
"""


def _check(tmp_path: Path, body: str, bib: str = BIB, is_whole_project: bool = False,
           checked: dt.date | None = None) -> list[tuple[str, str, int | None, str]]:
    project = project_of(make_brief(["one"], checked=checked), [make_section("one", body)], bib=bib, root=tmp_path)
    diagnostics = Diagnostics()
    check_citations(project, checked_editions(project), is_whole_project, RECHECK_AFTER_DAYS, diagnostics)
    return findings(diagnostics)


def test_an_organisation_read_as_a_person_is_reported_at_its_author_line(tmp_path: Path) -> None:
    found = _check(tmp_path, "As the report shows [@who2020].\n")
    assert found == [("citations/corporate-name", str(tmp_path / "references.bib"), line_of(BIB, "author      = {Organ"),
                      "warning")]


def test_an_organisation_in_double_braces_is_fine(tmp_path: Path) -> None:
    assert _check(tmp_path, "The office says so [@page2019].\n") == []


@pytest.mark.parametrize(("checked", "is_stale"), [
    pytest.param(dt.date(2021, 1, 1), True, id="older-than-the-limit"),
    pytest.param(dt.date(2019, 12, 1), False, id="within-the-limit"),
    pytest.param(None, False, id="brief-not-dated"),
])
def test_a_source_visited_long_before_the_brief_was_checked(tmp_path: Path, checked: dt.date | None,
                                                            is_stale: bool) -> None:
    found = _check(tmp_path, "The office says so [@page2019].\n", checked=checked)
    expected = [("citations/stale-source", str(tmp_path / "references.bib"), line_of(BIB, "urldate = {2019"), "warning")]
    assert found == (expected if is_stale else [])


def test_an_entry_nobody_cites_is_info_in_a_whole_project_check_only(tmp_path: Path) -> None:
    body = "Cited [@who2020] and [@page2019].\n"
    path = str(tmp_path / "references.bib")
    whole = [f for f in _check(tmp_path, body, is_whole_project=True) if f[0] != "citations/corporate-name"]
    assert whole == [("citations/unused-entry", path, line_of(BIB, "@misc{unused2018"), "info")]
    assert [f for f in _check(tmp_path, body) if f[0] == "citations/unused-entry"] == []


def test_a_broken_entry_nobody_cites_is_a_warning_at_its_problem_line(tmp_path: Path) -> None:
    bib = FIXTURE_BIB + "\n@misc{baddate,\n  author = {{An Agency}},\n  title = {Dated},\n  date = {2020-13-01}\n}\n"
    found = [f for f in _check(tmp_path, "Text.\n", bib=bib, is_whole_project=True) if f[0] == "citations/broken-entry"]
    assert found == [("citations/broken-entry", str(tmp_path / "references.bib"), line_of(bib, "date = {2020-13"),
                      "warning")]
