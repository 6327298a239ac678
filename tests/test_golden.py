"""The committed fixture project, rendered end to end and compared with golden HTML.

``pytest --update-golden`` rewrites ``tests/golden/*.html``; review the diff before committing.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from briefgen.render.html import theme_css
from conftest import BUILTIN_AUDIENCES, FIXTURES_DIR, GOLDEN_DIR, CliResult, run_cli

BASIC = FIXTURES_DIR / "basic"

_EMBEDDED_FONT = re.compile(r"(url\(data:font/[a-z0-9]+;base64,)[A-Za-z0-9+/=]+\)")


def without_font_data(html: str) -> str:
    """Embedded fonts are binary and tested on their own, and so are the theme stylesheets
    (test_themes.py): the golden files keep a placeholder for each, so that they record the
    page itself and a change of style does not rewrite every one of them."""
    for theme, base in (("standard", True), ("large-print", True), ("screen", False)):
        css = theme_css(theme, base=base)
        assert html.count(css) <= 1
        html = html.replace(css, f"/* the {theme} stylesheet{' on base.css' if base else ''} */")
    return _EMBEDDED_FONT.sub(r"\1…)", html)


@pytest.fixture(scope="module")
def basic_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path]:
    output = tmp_path_factory.mktemp("basic-html")
    return run_cli(["build", "-f", "html", "-o", str(output)], cwd=BASIC), output


def test_basic_fixture_builds_cleanly(basic_html: tuple[CliResult, Path]) -> None:
    result, output = basic_html
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "a clean fixture builds with no warnings"
    editions = sorted(path.name for path in output.iterdir() if path.name != ".briefgen-cache")
    assert editions == [f"basic--{a}.html" for a in BUILTIN_AUDIENCES]


@pytest.mark.parametrize("audience", [pytest.param(a, id=a) for a in BUILTIN_AUDIENCES])
def test_basic_edition_matches_golden(basic_html: tuple[CliResult, Path], audience: str, update_golden: bool) -> None:
    _result, output = basic_html
    name = f"basic--{audience}.html"
    page = (output / name).read_text(encoding="utf-8")
    assert theme_css("standard") in page and theme_css("screen", base=False) in page, "the stylesheets are inlined"
    actual = without_font_data(page)
    golden = GOLDEN_DIR / name
    if update_golden:
        GOLDEN_DIR.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"missing {golden}; run pytest --update-golden and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"golden/{name}", f"built/{name}", n=2))
        pytest.fail(f"{name} differs from the golden file (pytest --update-golden rewrites it):\n{diff[:6000]}")
