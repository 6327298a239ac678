"""The handout fills its sheet: every standard example handout is one page with at least 85 % of
its text area used (measured from the lowest line printed, read back from the PDF); a
large-print handout is one page, or two (front and back) each at least 60 % full. Its
sources print every address whole and tell apart titles that would print alike."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE_BRIEFS, REPO_ROOT
from pdf_lines import _PAGE_NUMBER, Page, read_pages

pytestmark = [pytest.mark.pdf, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")]

STANDARD_FILL = 0.85
"""A standard handout uses at least this share of its page's text area."""
LARGE_PRINT_FILL = 0.60
"""Each side of a two-sided large-print handout is at least this full."""
MM = 72 / 25.4


def _page_margins() -> tuple[float, float]:
    """The handout's top and bottom page margins in points, as its stylesheet sets them."""
    css = (REPO_ROOT / "src" / "briefgen" / "themes" / "handout.css").read_text(encoding="utf-8")
    found = re.search(r"@page\s*\{\s*margin:\s*([\d.]+)mm\s+[\d.]+mm\s+([\d.]+)mm", css)
    assert found, "handout.css sets the page margins as 'margin: TOP SIDES BOTTOM' in mm"
    return float(found[1]) * MM, float(found[2]) * MM


def text_area_used(page: Page, top_margin: float, bottom_margin: float) -> float:
    """The share of the page's text area above the lowest line printed (the page number, in
    the bottom margin, left out)."""
    bottom = page.height - bottom_margin
    lowest = max((line.y1 for line in page.lines() if not _PAGE_NUMBER.match(line.text)), default=top_margin)
    return (lowest - top_margin) / (bottom - top_margin)


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    output = tmp_path_factory.mktemp("handouts")
    command = [sys.executable, "-m", "briefgen", "build", "-f", "handout", "-o", str(output), "-q", *EXAMPLE_BRIEFS]
    result = subprocess.run(command,
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    found = sorted(output.glob("*.handout.pdf"))
    assert len(found) == 10, "two example briefs, five audiences"
    return found


def test_every_example_handout_fills_its_sheet(handouts: list[Path]) -> None:
    top, bottom = _page_margins()
    problems = []
    for pdf in handouts:
        pages = read_pages(pdf)
        used = [text_area_used(page, top, bottom) for page in pages]
        shown = ", ".join(f"{share:.0%}" for share in used)
        if "large-print" in pdf.name:
            if len(pages) > 2 or (len(pages) == 2 and min(used) < LARGE_PRINT_FILL):
                problems.append(f"{pdf.name}: {len(pages)} pages, {shown} full (one page, or two each "
                                f"{LARGE_PRINT_FILL:.0%} full, wanted)")
        elif len(pages) != 1 or used[0] < STANDARD_FILL:
            problems.append(f"{pdf.name}: {len(pages)} pages, {shown} full (one page {STANDARD_FILL:.0%} full wanted)")
    assert problems == [], "handouts that do not fill their sheet:\n" + "\n".join(problems)


def test_the_fill_measure_reads_the_lowest_line_above_the_page_number() -> None:
    from pdf_lines import Block, Line, Word

    def line(text: str, y0: float) -> Line:
        return Line((Word(text, 50, 150),), 50, 150, y0, y0 + 10)

    lines = (line("Takeaways", 40), line("Disclaimer", 380), line("Page 1 of 1", 760))
    page = Page(1, 612, 792, tuple(Block((one,), 50, 150) for one in lines))
    assert text_area_used(page, 40, 52) == pytest.approx(350 / 700)


def test_handout_sources_print_whole_addresses_and_distinct_titles(handouts: list[Path]) -> None:
    for pdf in handouts:
        reader = PdfReader(pdf)
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                uri = str(annotation.get_object().get("/A", {}).get("/URI", ""))
                if uri.startswith("http"):
                    short = re.sub(r"^https?://(www\.)?", "", uri).rstrip("/")
                    assert short in text, f"{pdf.name}: the address {uri} is not printed whole"
    police = next(pdf for pdf in handouts if pdf.name == "287g-police-ice--county-officials.handout.pdf")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(police).pages).split())
    assert "Immigration Enforcement: Better Controls Needed…" in text, "two GAO reports of the same short title"
    assert "Immigration Enforcement: ICE Can Further Enhance…" in text
