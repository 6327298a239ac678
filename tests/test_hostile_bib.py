"""An untrusted references.bib: its fields are escaped in every citation style and a script URL
is never a link; an empty or comment-only file is fine; an entry never closed, an extra
closing brace or absurdly deep braces are located errors (or decoded), never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURE_BIB, assert_clean_error, section_md
from hostile_project import BASE, HOSTILE_BIB, build_html, line_of
from html_safety import parse_page, unsafe_markup

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


@pytest.mark.parametrize("style", ["numeric", "author-date", "notes"])
def test_bibliography_fields_are_escaped_in_every_style(make_project: Callable[..., Path], style: str) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@evil, p. 4] and @evil.\n")},
                           bib=HOSTILE_BIB)
    result = build_html(project, "-a", "press", "--citation-style", style)
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    text = parse_page(html).text
    assert "<script>alert(202)</script> Evil <Co>" in text
    assert '"><svg onload=alert(203)>' in text


@pytest.mark.parametrize("url", ["javascript:alert(205)", " JavaScript:alert(206)", "data:text/html;base64,PHNjcmlwdD4="])
def test_script_url_in_a_bibliography_entry_is_not_a_link(make_project: Callable[..., Path], url: str) -> None:
    bib = FIXTURE_BIB + f"\n@online{{evilurl,\n  author = {{{{Org}}}},\n  title = {{T}},\n  url = {{{url}}},\n" \
                        f"  urldate = {{2026-01-24}}\n}}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@evilurl].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output
    html_path = project / "output/b--press.html"
    if html_path.exists():
        assert unsafe_markup(html_path.read_text(encoding="utf-8")) == []
    else:
        assert_clean_error(result, "references.bib:", "url")


def test_empty_bibliography_is_fine(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "No citations here.\n")}, bib="")
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_bibliography_with_only_comments_and_blank_lines_is_fine(make_project: Callable[..., Path]) -> None:
    bib = "\ufeff% exported by hand\r\n\r\n@comment{nothing here}\r\n   \r\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "No citations here.\n")}, bib=None)
    (project / "references.bib").write_bytes(bib.encode("utf-8"))
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_bibliography_entry_never_closed_at_end_of_file(make_project: Callable[..., Path]) -> None:
    bib = FIXTURE_BIB + "\n@misc{last,\n  title = {Never closed},\n  year  = {2020}\n"
    project = make_project(BASE, bib=bib)
    result = build_html(project, "-a", "press")
    assert_clean_error(result, f"references.bib:{line_of(bib, '@misc{last')}:", "cannot read this BibTeX entry")


def test_bibliography_with_an_extra_closing_brace(make_project: Callable[..., Path]) -> None:
    """``title = {Too many}},`` ends the entry early; the fields after it must not vanish silently."""
    bib = FIXTURE_BIB + "\n@misc{extra,\n  author = {{Org}},\n  title = {Too many}},\n  year = {2020}\n}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@extra].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output
    assert result.exit_code == 1, f"the stray '}}' and the lost year are not reported:\n{result.output}"
    start = line_of(bib, "@misc{extra")
    assert re.search(rf"^references\.bib:({start}|{start + 2}|{start + 3}): ", result.stderr, flags=re.M), result.stderr


def test_deeply_nested_braces_in_a_bibliography_field(make_project: Callable[..., Path]) -> None:
    """Legal BibTeX, absurdly deep: either decoded or a located error, never a crash."""
    bib = FIXTURE_BIB + "\n@misc{deep,\n  author = {{Org}},\n  title = {" + "{" * 1000 + "Deep" + "}" * 1000 + "}\n}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@deep].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output, result.output[-2000:]
    if result.exit_code == 0:
        assert "Deep" in (project / "output/b--press.html").read_text(encoding="utf-8")
    else:
        assert_clean_error(result, "references.bib:")
