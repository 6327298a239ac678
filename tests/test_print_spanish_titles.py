"""The example's Spanish editions mark the English titles of their sources as English
(``lang="en"``, from each bibliography entry's ``langid``), so that screen readers read them
with English pronunciation and browsers hyphenate them with English patterns; the English
editions mark nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.bibliography import parse_bibliography
from conftest import REPO_ROOT

_ENTRY = re.compile(r'<li id="ref-([^"]+)">(.*?)</li>', re.S)


@pytest.fixture(scope="module")
def example_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("spanish-titles")
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", "-a", "community-groups-es", "-a",
                             "community-groups", "-f", "html", "-o", str(output), "-q"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def _sources(html: str) -> dict[str, str]:
    return dict(_ENTRY.findall(html.split('<section class="sources"', 1)[1]))


def test_every_example_source_declares_its_language() -> None:
    diagnostics = Diagnostics()
    text = (REPO_ROOT / "references.bib").read_text(encoding="utf-8")
    references = parse_bibliography(text, SourceLocation(REPO_ROOT / "references.bib"), diagnostics).references
    assert references, "the example cites sources"
    undeclared = sorted(key for key, reference in references.items() if not reference.language)
    assert undeclared == [], f"entries without langid: {undeclared}"


@pytest.mark.parametrize("brief", ["287g-costs", "287g-police-ice"])
def test_the_spanish_edition_marks_every_english_title(example_pages: Path, brief: str) -> None:
    sources = _sources((example_pages / f"{brief}--community-groups-es.html").read_text(encoding="utf-8"))
    assert len(sources) >= 10
    unmarked = [key for key, entry in sources.items() if '<span lang="en">' not in entry]
    assert unmarked == [], f"English titles not marked as English: {unmarked}"


@pytest.mark.parametrize("brief", ["287g-costs", "287g-police-ice"])
def test_the_english_edition_marks_no_title(example_pages: Path, brief: str) -> None:
    html = (example_pages / f"{brief}--community-groups.html").read_text(encoding="utf-8")
    assert 'lang="en">' not in html.split("<body", 1)[1]
