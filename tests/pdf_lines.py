"""The lines of a PDF as a reader sees them, read back with poppler's ``pdftotext -bbox-layout``.

Used by the layout tests: where each line of each paragraph ends, how full each page is,
and how many characters a line of body text holds.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_NS = "{http://www.w3.org/1999/xhtml}"
_LIST_MARKER = re.compile(r"^(•|–|—|\d+\.|\[\d+\]|\d+$|[a-z]\.)$")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True, slots=True)
class Block:
    lines: tuple[Line, ...]
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    width: float
    height: float
    blocks: tuple[Block, ...]

    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]


def read_pages(pdf: Path) -> list[Page]:
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    root = ET.fromstring(xhtml)
    pages = []
    for number, page in enumerate(root.iter(f"{_NS}page"), start=1):
        blocks = []
        for block in page.iter(f"{_NS}block"):
            lines = []
            for line in block.iter(f"{_NS}line"):
                words = tuple(Word(word.text or "", float(word.get("xMin", 0)), float(word.get("xMax", 0)))
                              for word in line.iter(f"{_NS}word"))
                lines.append(Line(words, float(line.get("xMin", 0)), float(line.get("xMax", 0)),
                                  float(line.get("yMin", 0)), float(line.get("yMax", 0))))
            blocks.append(Block(tuple(lines), float(block.get("xMin", 0)), float(block.get("xMax", 0))))
        pages.append(Page(number, float(page.get("width", 0)), float(page.get("height", 0)), tuple(blocks)))
    return pages


@dataclass(frozen=True, slots=True)
class StrayBreak:
    page: int
    line: str
    next_line: str
    fullness: float

    def __str__(self) -> str:
        return f"p{self.page}: {self.line!r} / {self.next_line!r} ({self.fullness:.0%} of its column)"


def stray_breaks(pages: list[Page], threshold: float = 0.7) -> list[StrayBreak]:
    """Lines inside a paragraph (not its last) shorter than ``threshold`` of their column while
    the next line's first word would have fit after them: a line broken too early.

    A paragraph is one of poppler's blocks; its column runs from the block's left edge to its
    right edge, which is the right edge of its longest line, so a block of one full line and
    one short line is measured against the full one. Blocks whose lines do not start at the
    same place are compared line by line all the same; a next line that starts with a list
    marker, or further left than the line before it (a hanging indent's next entry), or that
    has a label of its own to its left (``[3]``, a bullet set apart), begins a new item and is
    skipped."""
    found = []
    for page in pages:
        every_line = page.lines()
        for block in page.blocks:
            if len(block.lines) < 2:
                continue
            width = block.x1 - block.x0
            for line, following in zip(block.lines, block.lines[1:], strict=False):
                if not following.words or _LIST_MARKER.match(following.words[0].text):
                    continue
                if abs(following.y0 - line.y0) < 1:  # side by side (table cells, columns)
                    continue
                if following.x0 < line.x0 - 2:  # outdented: the next entry of a hanging list
                    continue
                if any(abs(other.y0 - following.y0) < 1 and other.x1 <= following.x0 + 1
                       for other in every_line if other not in block.lines):  # a label or marker to its left
                    continue
                used = line.x1 - block.x0
                first = following.words[0]
                space = max(2.0, (first.x1 - first.x0) / max(len(first.text), 1) * 0.6)
                fits = line.x1 + space + (first.x1 - first.x0) <= block.x1
                if width > 0 and used < threshold * width and fits:
                    found.append(StrayBreak(page.number, line.text, following.text, used / width))
    return found


_PAGE_NUMBER = re.compile(r"^(Page|Página) \d+ (of|de) \d+$")


def page_fullness(pages: list[Page]) -> list[float]:
    """How full each page is: from the top of the text area to the bottom of its lowest line,
    as a share of the text area's height. The text area runs from the first line of page 1
    (which has no running header) to the lowest line any page reaches; running headers (above
    that top) and page numbers are left out."""
    top = min((line.y0 for line in pages[0].lines()), default=0.0)
    content = [[line for line in page.lines() if line.y0 >= top - 1 and not _PAGE_NUMBER.match(line.text)]
               for page in pages]
    bottom = max((line.y1 for lines in content for line in lines), default=top + 1)
    return [max(((max(line.y1 for line in lines) - top) / (bottom - top)) if lines else 0.0, 0.0)
            for lines in content]


def characters_per_line(pages: list[Page], min_lines: int = 3) -> list[int]:
    """The length in characters of every full line of running text: the lines of blocks of at
    least ``min_lines`` lines, their last line left out."""
    lengths = []
    for page in pages:
        for block in page.blocks:
            if len(block.lines) < min_lines:
                continue
            lengths.extend(len(line.text) for line in block.lines[:-1])
    return lengths
