"""No markup or script from the author's Markdown: raw HTML is shown as text, script links are not
links, fenced-div attributes survive only as inert ``data-`` attributes; ordinary links still
work. Also checks ``unsafe_markup``, the check these tests rely on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import section_md
from hostile_project import BASE, build_html
from html_safety import parse_page, unsafe_markup

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


SCRIPTY_BODY = """\
<script>alert(101)</script>

<img src=x onerror=alert(102)> <a href="javascript:alert(103)">raw link</a>

<iframe src="https://example.org"></iframe><style>body{display:none}</style>

[plain](javascript:alert(104)) [upper](JaVaScRiPt:alert(105)) [entity](javascript&#58;alert(106))
[spaced]( javascript:alert(107)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
[file](file:///etc/passwd) <javascript:alert(108)> [ref][evil]

[evil]: javascript:alert(109)

::: {onclick="alert(110)" style="background:url(/etc/passwd)" #x .y}
Inside a div with hostile attributes.
:::
"""


def test_raw_html_and_script_links_are_neutralised(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", SCRIPTY_BODY)})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    text = parse_page(html).text
    assert "<script>alert(101)</script>" in text, "raw HTML is shown as text"
    assert "<img src=x onerror=alert(102)>" in text
    assert "javascript:alert(104)" in text, "a script link stays visible as text, not a link"
    # The div's attributes survive only as inert data- attributes.
    div = parse_page(html).attribute("div", id="x", _attr="data-onclick")
    assert div == "alert(110)"


def test_ordinary_links_still_work(make_project: Callable[..., Path]) -> None:
    """The control for the test above: web, mail and in-page links are kept."""
    body = "[web](https://example.org/a?b=1) [mail](mailto:a@example.org) [here](#one) [rel](other.html)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body)})
    assert build_html(project, "-a", "press").exit_code == 0
    page = parse_page((project / "output/b--press.html").read_text(encoding="utf-8"))
    hrefs = [dict(attrs).get("href") for tag, attrs in page.tags if tag == "a"]
    assert {"https://example.org/a?b=1", "mailto:a@example.org", "#one", "other.html"} <= set(hrefs)


def test_the_safety_check_itself_catches_bad_markup() -> None:
    """``unsafe_markup`` is what the tests above rely on: it must flag each kind of problem."""
    assert unsafe_markup('<p><script>x</script></p>')
    assert unsafe_markup('<img src="a.png" onerror="x">')
    assert unsafe_markup('<a href=" JavaScript:alert(1)">x</a>')
    assert unsafe_markup('<a href="data:text/html,x">x</a>')
    assert unsafe_markup('<div style="x">x</div>')
    assert unsafe_markup('<p>&lt;script&gt;</p><img src="data:image/png;base64,AA" alt="">') == []
