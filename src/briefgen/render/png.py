"""A PDF's first page as a PNG picture, for sharing and for documentation.

PDFium (the pypdfium2 wheel) rasterises the page; Pillow writes the PNG without a
timestamp, so the same PDF gives the same bytes.
"""

from __future__ import annotations

import io

PNG_DPI = 100
"""Small enough to commit and share, sharp enough to read the title and the takeaways."""


def render_first_page(pdf: bytes, dpi: int = PNG_DPI) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    output = io.BytesIO()
    image.quantize(colors=256, method=2, dither=0).save(output, format="PNG", optimize=True)
    return output.getvalue()
