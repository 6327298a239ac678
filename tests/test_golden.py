"""Fixture projects rendered end to end and compared with the golden files beside them, in
``tests/fixtures/<project>/expected/``:

- ``basic``: every built-in audience's HTML page; the press edition in the notes citation style;
  the county-officials handout (its text, read back from the PDF); ``matrix`` and ``diff``.
- ``variants``: a brief with a Spanish (author-date) and a large-print variant of the
  community-groups edition; the Spanish handout; ``matrix``, ``diff`` and ``refs``.

``pytest --update-golden`` rewrites them (tests/golden.py); review the diff before committing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.render.html import theme_css
from conftest import BUILTIN_AUDIENCES, FIXTURES_DIR, OUTPUT_INDEX, CliResult, run_cli
from golden import assert_matches_golden

BASIC = FIXTURES_DIR / "basic"
VARIANTS = FIXTURES_DIR / "variants"
VARIANT_AUDIENCES = ("community-groups", "community-groups-es", "community-groups-large-print")

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


def built_editions(output: Path) -> list[str]:
    return sorted(path.name for path in output.iterdir() if path.name != ".briefgen-cache" and path.name not in OUTPUT_INDEX)


def pdf_text(pdf: Path) -> str:
    """The PDF's text as ``pdftotext`` reads it, normalised: each page under a ``=== page N ===``
    line, trailing spaces and runs of blank lines removed."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make test installs it)")
    completed = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    pages = completed.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    text = []
    for number, page in enumerate(pages, start=1):
        lines = [line.rstrip() for line in page.strip("\n").splitlines()]
        text.append(f"=== page {number} ===\n" + re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n")
    return "\n".join(text)


# --- the basic fixture's HTML editions ---------------------------------------------------------


@pytest.fixture(scope="module")
def basic_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path]:
    output = tmp_path_factory.mktemp("basic-html")
    return run_cli(["build", "-f", "html", "-o", str(output)], cwd=BASIC), output


def test_basic_fixture_builds_cleanly(basic_html: tuple[CliResult, Path]) -> None:
    result, output = basic_html
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "a clean fixture builds with no warnings"
    assert built_editions(output) == [f"basic--{a}.html" for a in BUILTIN_AUDIENCES]


@pytest.mark.parametrize("audience", [pytest.param(a, id=a) for a in BUILTIN_AUDIENCES])
def test_basic_edition_matches_golden(basic_html: tuple[CliResult, Path], audience: str) -> None:
    _result, output = basic_html
    name = f"basic--{audience}.html"
    page = (output / name).read_text(encoding="utf-8")
    assert theme_css("standard") in page and theme_css("screen", base=False) in page, "the stylesheets are inlined"
    assert_matches_golden(without_font_data(page), BASIC / "expected" / name)


def test_basic_notes_edition_matches_golden(tmp_path: Path) -> None:
    """The notes style: footnote markers in the text, the full reference in each note."""
    result = run_cli(["build", "-f", "html", "-a", "press", "--citation-style", "notes", "-o", str(tmp_path)], cwd=BASIC)
    assert result.exit_code == 0 and result.stderr == "", result.output
    page = (tmp_path / "basic--press.html").read_text(encoding="utf-8")
    assert 'class="footnote' in page, "notes become footnotes"
    assert_matches_golden(without_font_data(page), BASIC / "expected" / "notes" / "basic--press.html")


# --- the variants fixture: a Spanish and a large-print edition -----------------------------------


@pytest.fixture(scope="module")
def variants_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path]:
    output = tmp_path_factory.mktemp("variants-html")
    return run_cli(["build", "-f", "html", "-o", str(output)], cwd=VARIANTS), output


def test_variants_fixture_builds_cleanly(variants_html: tuple[CliResult, Path]) -> None:
    result, output = variants_html
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "a clean fixture builds with no warnings (no untranslated text either)"
    assert built_editions(output) == sorted(f"variants--{a}.html" for a in VARIANT_AUDIENCES)


@pytest.mark.parametrize(("audience", "language", "theme"), [
    pytest.param("community-groups", "en", "standard", id="community-groups"),
    pytest.param("community-groups-es", "es", "standard", id="spanish"),
    pytest.param("community-groups-large-print", "en", "large-print", id="large-print"),
])
def test_variant_edition_matches_golden(variants_html: tuple[CliResult, Path], audience: str, language: str,
                                        theme: str) -> None:
    _result, output = variants_html
    name = f"variants--{audience}.html"
    page = (output / name).read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in page
    assert theme_css(theme) in page, f"the {theme} theme is inlined"
    assert_matches_golden(without_font_data(page), VARIANTS / "expected" / name)


# --- handouts, read back from the PDF --------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize(("project", "brief", "audience"), [
    pytest.param(BASIC, "basic", "county-officials", id="basic-county-officials"),
    pytest.param(VARIANTS, "variants", "community-groups-es", id="variants-spanish"),
])
def test_handout_text_matches_golden(tmp_path: Path, project: Path, brief: str, audience: str) -> None:
    result = run_cli(["build", "-f", "handout", "-a", audience, "-o", str(tmp_path)], cwd=project)
    assert result.exit_code == 0 and result.stderr == "", result.output
    name = f"{brief}--{audience}.handout"
    assert built_editions(tmp_path) == [f"{name}.pdf"]
    assert_matches_golden(pdf_text(tmp_path / f"{name}.pdf"), project / "expected" / "handout" / f"{name}.txt")


# --- what the reporting commands print --------------------------------------------------------------


@pytest.mark.parametrize(("project", "args", "golden"), [
    pytest.param(BASIC, ["matrix"], "matrix.txt", id="basic-matrix"),
    pytest.param(BASIC, ["matrix", "--format", "csv"], "matrix.csv", id="basic-matrix-csv"),
    pytest.param(BASIC, ["matrix", "--format", "html"], "matrix.html", id="basic-matrix-html"),
    pytest.param(BASIC, ["diff", "basic", "county-officials", "press"], "diff--county-officials--press.txt",
                 id="basic-diff"),
    pytest.param(VARIANTS, ["matrix"], "matrix.txt", id="variants-matrix"),
    pytest.param(VARIANTS, ["diff", "variants", "community-groups-es", "community-groups-large-print"],
                 "diff--community-groups-es--community-groups-large-print.txt", id="variants-diff"),
    pytest.param(VARIANTS, ["refs"], "refs--numeric.txt", id="variants-refs-numeric"),
    pytest.param(VARIANTS, ["refs", "--style", "apa"], "refs--apa.txt", id="variants-refs-apa"),
    pytest.param(VARIANTS, ["refs", "--style", "notes"], "refs--notes.txt", id="variants-refs-notes"),
    pytest.param(VARIANTS, ["refs", "--style", "apa", "--language", "es"], "refs--apa--es.txt",
                 id="variants-refs-apa-spanish"),
])
def test_command_output_matches_golden(project: Path, args: list[str], golden: str) -> None:
    result = run_cli(args, cwd=project)
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert result.stdout.strip(), "the command printed something"
    assert_matches_golden(result.stdout, project / "expected" / "commands" / golden)
