"""The Texas example's handouts fill their sheet like the other example handouts: one page, at
least 85 % of its text area used, for the smallest county, the largest, and the longest name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from pdf_lines import read_pages
from test_handout_fill import STANDARD_FILL, _page_margins, text_area_used

pytestmark = [pytest.mark.pdf, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")]

COUNTIES = {"48301": "Loving County", "48201": "Harris County", "48087": "Collingsworth County"}


@pytest.mark.parametrize("fips", sorted(COUNTIES))
def test_a_county_handout_is_one_full_page(tmp_path: Path, fips: str) -> None:
    command = [sys.executable, "-m", "briefgen", "build", "txsb8-county", "-f", "handout", "--where", f"fips={fips}",
               "-o", str(tmp_path), "-q"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = read_pages(tmp_path / f"txsb8-county--county-officials--{fips}.handout.pdf")
    assert len(pages) == 1
    assert COUNTIES[fips] in " ".join(line.text for line in pages[0].lines())
    used = text_area_used(pages[0], *_page_margins())
    assert used >= STANDARD_FILL, f"{fips}: {used:.0%} of the text area used"
