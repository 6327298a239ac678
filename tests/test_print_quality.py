"""The printed page, checked after layout on every example edition and handout: the text layer
gives back what was written, no line breaks early, body text keeps a readable measure, pages
are not left near empty, only bundled fonts print, and ``pdfua check`` finds nothing."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from briefgen.render.fonts import bundled_families
from conftest import EXAMPLE_BRIEFS, REPO_ROOT, brief_yaml, run_cli, section_md
from pdf_lines import _PAGE_NUMBER, Block, Line, Page, Word, characters_per_line, page_fullness, read_pages, stray_breaks

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts)")

_REPORT_NUMBER = re.compile(r"\b[A-Z]{2,6}-\d{2}-\d{2,5}\b")
_DOI = re.compile(r"\b10\.\d{4,9}/[A-Za-z0-9._;()/:-]*[A-Za-z0-9]")


@pytest.fixture(scope="module")
def example_prints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example edition as HTML and PDF, and every handout."""
    output = tmp_path_factory.mktemp("example-prints")
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", *EXAMPLE_BRIEFS, "-f", "html", "-f", "pdf",
                             "-f", "handout", "-o", str(output), "-q"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "machine's font" not in result.stderr, result.stderr
    return output


def _pdfs(folder: Path) -> list[Path]:
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) >= 20, "ten example editions and their handouts"
    return pdfs


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _joined(text: str) -> str:
    """The text with addresses broken at a line end (at a ``/`` or a ``.``) joined again."""
    return re.sub(r"(?<=[/.])\n(?=\S)|\n(?=\.)", "", text)


@pytest.mark.pdf
def test_text_layer_gives_back_hyphens_report_numbers_and_dois(example_prints: Path) -> None:
    checked = 0
    for pdf in _pdfs(example_prints):
        text = _text(pdf)
        assert "\u2010" not in text and "\u2011" not in text, f"{pdf.name}: a hyphen extracts as U+2010/U+2011"
        assert "....." not in text, f"{pdf.name}: leader dots in the text layer (they are drawn, not text)"
        html = example_prints / pdf.name.replace(".pdf", ".html")
        if not html.exists():  # a handout: its report numbers are in its own text
            wanted = set(_REPORT_NUMBER.findall(text))
        else:
            page_text = unescape(re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8").split("<body", 1)[1]))
            wanted = set(_REPORT_NUMBER.findall(page_text)) | set(_DOI.findall(page_text))
        for identifier in wanted:
            assert identifier in _joined(text), f"{pdf.name}: '{identifier}' cannot be found in the PDF's text"
            checked += 1
    assert checked >= 20, "the examples cite GAO reports and DOIs"


@pytest.mark.pdf
def test_no_line_breaks_early(example_prints: Path) -> None:
    problems = [f"{pdf.name} {problem}" for pdf in _pdfs(example_prints) for problem in stray_breaks(read_pages(pdf))]
    assert problems == [], "lines broken too early:\n" + "\n".join(problems)


@pytest.mark.pdf
def test_standard_body_text_holds_45_to_80_characters_a_line(example_prints: Path) -> None:
    for pdf in _pdfs(example_prints):
        if "large-print" in pdf.name or pdf.name.endswith(".handout.pdf"):  # the handout sets two columns
            continue
        lengths = characters_per_line(read_pages(pdf))
        median = statistics.median(lengths)
        assert 45 <= median <= 80, f"{pdf.name}: body lines hold {median} characters (45–80 wanted)"


HALF_FULL = 0.5
"""Every page but the last is at least this full..."""
NEVER_BELOW = 0.3
"""...unless what opens the next page cannot split, and then still at least this full."""
LAST_PAGE = 0.15
"""The last page holds at least this much: never one stray line."""


def _opening_row_height(page: Page, text_top: float) -> float:
    """The height of a table row that opens ``page`` (its first line has a neighbour beside it
    at the same height, in another block: cells side by side), or 0 when the page opens with
    running text. A row is kept whole (``tr { break-inside: avoid }``): it cannot split."""
    content = [block for block in page.blocks if block.lines and not _PAGE_NUMBER.match(block.lines[0].text)
               and block.lines[0].y0 >= text_top - 1]
    if not content:
        return 0.0
    top = min(block.lines[0].y0 for block in content)
    cells = [block for block in content if abs(block.lines[0].y0 - top) < 1]
    if len(cells) < 2:
        return 0.0
    return max(block.lines[-1].y1 for block in cells) - top


def underfilled_pages(pages: list[Page]) -> list[str]:
    """The page-fill rule: no page but the last is less than half full, unless the next page
    opens with a table row (which cannot split) taller than the space left at the foot of the
    page; no page but the last is ever less than 30 % full; the last page is at least 15 % full."""
    fullness = page_fullness(pages)
    problems = []
    for index, full in enumerate(fullness[:-1]):
        number = index + 1
        if full < NEVER_BELOW:
            problems.append(f"page {number} is only {full:.0%} full")
        elif full < HALF_FULL:
            space_left = (1 - full) * _text_height(pages)
            text_top = min((line.y0 for line in pages[0].lines()), default=0.0)  # page 1 has no running header
            if _opening_row_height(pages[index + 1], text_top) <= space_left:
                problems.append(f"page {number} is only {full:.0%} full, and what follows could have split")
    if fullness and fullness[-1] < LAST_PAGE:
        problems.append(f"the last page is only {fullness[-1]:.0%} full")
    return problems


def _text_height(pages: list[Page]) -> float:
    """The height of the text area as page_fullness measures it (its top on page 1 to the
    lowest line on any page)."""
    top = min((line.y0 for line in pages[0].lines()), default=0.0)
    bottom = max((line.y1 for page in pages for line in page.lines()
                  if not _PAGE_NUMBER.match(line.text)), default=top + 1)
    return bottom - top


@pytest.mark.pdf
def test_no_page_is_left_near_empty(example_prints: Path) -> None:
    problems = [f"{pdf.name}: {problem}" for pdf in _pdfs(example_prints)
                for problem in underfilled_pages(read_pages(pdf))]
    assert problems == [], "pages left near empty:\n" + "\n".join(problems)


def _page(number: int, *rows: tuple[float, float, int]) -> Page:
    """A letter page whose content is ``rows`` of (top, bottom, cells side by side)."""
    blocks = []
    for top, bottom, cells in rows:
        for cell in range(cells):
            line = Line((Word("text", 100 + 150 * cell, 140 + 150 * cell),), 100 + 150 * cell, 140 + 150 * cell,
                        top, bottom)
            blocks.append(Block((line,), line.x0, line.x1))
    return Page(number, 612, 792, tuple(blocks))


@pytest.mark.parametrize(("second_page", "problems"), [
    pytest.param(_page(2, (100, 700, 1)), ["page 1 is only 40% full, and what follows could have split"],
                 id="running-text-could-have-filled-the-page"),
    pytest.param(_page(2, (80, 500, 3), (500, 700, 1)), [], id="a-table-row-too-tall-for-the-space-left"),
    pytest.param(_page(2, (80, 150, 3), (150, 700, 1)), ["page 1 is only 40% full, and what follows could have split"],
                 id="a-table-row-that-would-have-fit"),
])
def test_the_page_fill_rule(second_page: Page, problems: list[str]) -> None:
    first = _page(1, (80, 340, 1))  # 40 % of the text area (80 to 730)
    last = _page(3, (80, 730, 1))
    assert underfilled_pages([first, second_page, last]) == problems


def test_the_page_fill_rule_never_allows_less_than_30_percent_nor_a_near_empty_last_page() -> None:
    first = _page(1, (80, 200, 1))  # about 18 %
    second = _page(2, (80, 600, 3), (600, 730, 1))
    last = _page(3, (80, 130, 1))  # about 8 %
    assert underfilled_pages([first, second, last]) == ["page 1 is only 18% full", "the last page is only 8% full"]


@pytest.mark.pdf
def test_only_bundled_fonts_print(example_prints: Path) -> None:
    allowed = {family.replace(" ", "-") for family in bundled_families()}
    for pdf in _pdfs(example_prints):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        names = [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()]
        assert names, pdf.name
        for name in names:
            assert any(name.startswith(family) for family in allowed), f"{pdf.name} prints in '{name}'"


@pytest.mark.pdf
def test_pdfua_check_finds_nothing(example_prints: Path) -> None:
    pdfua = Path(sys.executable).with_name("pdfua")
    if not pdfua.exists():
        pytest.skip("pdfua is in the test extra: pip install -e '.[test]'")
    result = subprocess.run([str(pdfua), "check", *map(str, _pdfs(example_prints))], capture_output=True, text=True)
    summaries = re.findall(r"errors=(\d+) warnings=(\d+)", result.stdout)
    assert len(summaries) == len(_pdfs(example_prints)), result.stdout[-2000:]
    assert all(summary == ("0", "0") for summary in summaries), result.stdout[-4000:]
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.pdf
def test_a_character_no_bundled_font_has_is_a_warning_naming_it_and_the_edition(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("Weather", "The forecast: \u2603 snow.\n"),
    })
    result = run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if "machine's font" in line)
    assert warning.startswith("briefs/b.yaml:1:") and "b--press" in warning, warning
    assert "'\u2603' (U+2603)" in warning, warning


@pytest.mark.pdf
def test_urls_break_only_at_slashes_and_dots(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        # four sources: Sources is set in two columns, narrow enough for the address to break
        "briefs/sections/one.md": section_md("Costs", "The county pays [@gao2021; @moller2020; @doe2019; @countypage].\n"),
    })
    result = run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    text = _text(project / "output" / "b--press.pdf")
    lines = [line.rstrip() for line in text.splitlines()]
    broken = [line for line in lines if "gao.gov" in line and not line.endswith("gao-21-186")]
    assert broken, "the address breaks over two lines (else this test checks nothing)"
    for line in broken:
        assert line.endswith("/"), f"the address breaks inside a word: {line!r}"


def test_the_line_check_finds_a_line_broken_after_one_word() -> None:
    def line(words: list[str], x: float, y: float) -> Line:
        placed, left = [], x
        for word in words:
            placed.append(Word(word, left, left + 6 * len(word)))
            left += 6 * len(word) + 3
        return Line(tuple(placed), x, placed[-1].x1, y, y + 12)

    full = line(["statute"] * 12, 0, 14)
    broken = Page(1, 600, 800, (Block((line(["By"], 0, 0), full, line(["end."], 0, 28)), 0, full.x1),))
    assert [str(problem) for problem in stray_breaks([broken])] == [
        f"p1: 'By' / '{full.text}' ({12 / full.x1:.0%} of its column)"]
    fine = Page(1, 600, 800, (Block((full, line(["end."], 0, 14)), 0, full.x1),))
    assert stray_breaks([fine]) == []


@pytest.mark.pdf
def test_spaces_before_inline_elements_move_inside_them() -> None:
    from briefgen.render.pdf import attach_spaces_to_inline_elements

    page = '<style>p a { x: y }</style><body><p>optional <span class="citation">[<a href="#r">1</a>]</span>.</p></body>'
    assert attach_spaces_to_inline_elements(page) == (
        '<style>p a { x: y }</style><body><p>optional<span class="citation"> [<a href="#r">1</a>]</span>.</p></body>')


@pytest.mark.pdf
def test_links_say_where_they_go_in_words(example_prints: Path) -> None:
    from pypdf import PdfReader

    for pdf in _pdfs(example_prints):
        for page in PdfReader(pdf).pages:
            for annotation in page.get("/Annots") or []:
                contents = str(annotation.get_object().get("/Contents", ""))
                assert contents.startswith(("Go to: ", "Open ")), f"{pdf.name}: a link described as {contents!r}"
                assert not re.fullmatch(r"Go to: [\w-]+", contents), f"{pdf.name}: {contents!r} names an id, not a place"


PICTURES = REPO_ROOT / "docs" / "first-pages"
DRIFT = 0.005
"""The share of pixels of a first page that may differ from its reference picture."""


@pytest.mark.pdf
def test_first_pages_look_like_their_reference_pictures(example_prints: Path) -> None:
    """Visual regression: the first page of each example edition and handout, against the
    picture in docs/first-pages/ (refresh those deliberately with `make docs-images`)."""
    import io

    from PIL import Image, ImageChops

    from briefgen.render.png import render_first_page

    drifted = []
    for pdf in _pdfs(example_prints):
        reference = PICTURES / f"{pdf.name.removesuffix('.pdf')}.png"
        assert reference.exists(), f"no reference picture {reference.name}: run `make docs-images`"
        expected = Image.open(reference).convert("RGB")
        rendered = Image.open(io.BytesIO(render_first_page(pdf.read_bytes()))).convert("RGB")
        if rendered.size != expected.size:
            drifted.append(f"{pdf.name}: {rendered.size} instead of {expected.size}")
            continue
        changed = ImageChops.difference(rendered, expected).convert("L").point(lambda value: 255 if value > 40 else 0)
        share = changed.histogram()[255] / (rendered.width * rendered.height)
        if share > DRIFT:
            drifted.append(f"{pdf.name}: {share:.2%} of the pixels changed")
    assert drifted == [], "first pages drifted from docs/first-pages/ (`make docs-images` refreshes them):\n" + "\n".join(drifted)


@pytest.mark.pdf
def test_markdown_footnotes_are_superscripts_and_sit_at_the_foot_of_the_pdf_page(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("Costs", "The county pays [@gao2021].[^why]\n\n"
                                             "[^why]: Federal law says so, in plain words.\n"),
    })
    result = run_cli(["build", "-f", "html", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert re.search(r'<sup class="footnote-ref"><a href="#fn[^"]*" id="fnref[^"]*">1</a></sup>', html), "a bare superscript"
    pages = read_pages(project / "output" / "b--press.pdf")
    for page in pages:
        lines = [line.text for line in page.lines()]
        if any("Federal law says so" in text for text in lines):
            body = [text for text in lines if "The county pays" in text]
            assert body, "the note is on the page of its marker"
            note_index = next(i for i, text in enumerate(lines) if "Federal law says so" in text)
            assert note_index > next(i for i, text in enumerate(lines) if "Sources" in text or "U.S. Government" in text) \
                or note_index >= len(lines) - 3, f"the note sits at the foot of the page: {lines}"
            break
    else:
        pytest.fail("the footnote is not in the PDF")
