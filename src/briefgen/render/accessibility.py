"""Accessibility checks on an edition's content, before it is laid out."""

from __future__ import annotations

from briefgen.errors import Diagnostics
from briefgen.markdown.tokens import walk_tokens
from briefgen.model import Edition


def check_alt_text(edition: Edition, diagnostics: Diagnostics, *, is_required: bool) -> None:
    """Every image needs a text alternative: an error when ``is_required`` (PDF/UA), else a warning."""
    report = diagnostics.error if is_required else diagnostics.warning
    for text in edition.texts():
        for token in walk_tokens(text.tokens):
            if token.type != "image" or (token.content or "").strip():
                continue
            line = int(token.meta.get("line", 0)) if token.meta else 0
            location = text.source.location.at_line(line) if line else text.source.location
            report(location, f"image '{token.attrGet('src')}' has no alt text"
                   + (" (required in a pdf/ua-1 PDF)" if is_required else ""),
                   "describe what it shows between the brackets: ![what the image shows](...)",
                   rule="structure/image-alt")

