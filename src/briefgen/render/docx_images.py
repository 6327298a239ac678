"""Pictures in a Word edition: the page's embedded images (data URIs) and the logo, as pictures
Word shows everywhere. Word reads PNG, JPEG and GIF; an SVG is drawn to a PNG first (by
the PDF renderer, which draws the PDF's SVGs, then PDFium), at twice its size, so it stays sharp.
"""

from __future__ import annotations

import base64
import io
import re
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from docx.shared import Emu, Inches, Length

from briefgen.errors import Diagnostics, SourceLocation

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

MAX_WIDTH = Inches(6)
"""The widest a picture is placed: the text width of a Letter or A4 page with 1-inch margins."""
SVG_SCALE = 2
EMU_PER_PX = 9525


def data_uri_bytes(uri: str) -> tuple[str, bytes] | None:
    """(media type, bytes) of a ``data:`` URI, or None when it is not one."""
    match = re.match(r"data:([^;,]+)(;base64)?,(.*)", uri, re.S)
    if match is None:
        return None
    payload = match.group(3)
    data = base64.b64decode(payload) if match.group(2) else urllib.parse.unquote_to_bytes(payload)
    return match.group(1).lower(), data


def svg_to_png(svg: bytes) -> bytes:
    """An SVG drawn to a PNG of twice its size (its width and height, else its viewBox)."""
    import pypdfium2

    from briefgen.render.pdf import render_pdf

    width, height = svg_size(svg)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page = (f"<style>@page{{size:{width}px {height}px;margin:0}}body{{margin:0}}"
            f"img{{display:block;width:{width}px;height:{height}px}}</style><img src=\"{uri}\" alt=\"\">")
    pdf = render_pdf(page, Path("."), [], SourceLocation(Path("image.svg")), Diagnostics(), "pdf/a-3b",
                     toc_after_pages=None).data
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=SVG_SCALE * 96 / 72).to_pil()  # PDF points → twice the CSS pixels
    finally:
        document.close()
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()


def svg_size(svg: bytes) -> tuple[float, float]:
    """The drawing's size in CSS pixels: width and height when given in px (or bare numbers),
    else the viewBox, else 300 × 150 (a browser's default)."""
    head = svg[:4096].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    attributes = tag.group(0) if tag else ""

    def number(name: str) -> float | None:
        found = re.search(rf'\s{name}\s*=\s*["\']\s*([0-9.]+)\s*(px)?\s*["\']', attributes)
        return float(found.group(1)) if found else None

    width, height = number("width"), number("height")
    if width and height:
        return width, height
    box = re.search(r'viewBox\s*=\s*["\']\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)', attributes)
    if box:
        return float(box.group(1)), float(box.group(2))
    return 300.0, 150.0


def add_picture(paragraph: Paragraph, media_type: str, data: bytes, alt: str, height: Length | None = None) -> None:
    """The picture at the end of ``paragraph``, no wider than the text, described by ``alt``
    (the text a screen reader reads, Word's "Alt Text")."""
    size = None
    if media_type == "image/svg+xml":
        size = svg_size(data)
        data = svg_to_png(data)
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(data))
    if size is not None:  # drawn at twice its size: placed at its own size (96 CSS pixels an inch)
        shape.width, shape.height = Emu(int(size[0] * EMU_PER_PX)), Emu(int(size[1] * EMU_PER_PX))
    if height is not None:
        shape.width, shape.height = Emu(int(shape.width * height / shape.height)), height
    if shape.width > MAX_WIDTH:
        shape.height = Emu(int(shape.height * MAX_WIDTH / shape.width))
        shape.width = MAX_WIDTH
    properties = shape._inline.docPr  # noqa: SLF001 - the alt text has no python-docx API
    properties.set("descr", alt)
    properties.set("title", "")
