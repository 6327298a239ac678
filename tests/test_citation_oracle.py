"""briefgen's citation syntax against pandoc's own reading of the same Markdown.

The corpus (``fixtures/citations/corpus.json``, origins in that folder's README) holds
citation usages from pandoc's manual and test suite plus the forms briefgen's users write.
pandoc (from the pypandoc-binary wheel, a test dependency) reads it twice: as JSON for keys,
modes, prefixes and suffixes, and through citeproc with a probe style for the locators.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

oracle = pytest.importorskip("citation_oracle", reason="pandoc (pypandoc-binary) is not installed", exc_type=ImportError)

from briefgen.citations.resolve import iter_citations  # noqa: E402
from briefgen.citations.syntax import Citation  # noqa: E402
from briefgen.errors import Diagnostics, SourceLocation  # noqa: E402
from briefgen.markdown.parser import parse_markdown  # noqa: E402
from briefgen.model import MarkdownText  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "fixtures" / "citations" / "corpus.json"


def read_with_briefgen(text: str) -> list[tuple[oracle.ReadItem, ...]]:
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 1)), Diagnostics())
    return [_read_items(citation) for citation in iter_citations(parsed.tokens)]


def _read_items(citation: Citation) -> tuple[oracle.ReadItem, ...]:
    from briefgen.citations.styles import prefix_html, suffix_html
    items = []
    for index, item in enumerate(citation.items):
        if item.suppress_author:
            mode = "SuppressAuthor"
        elif citation.is_narrative and index == 0:
            mode = "AuthorInText"
        else:
            mode = "NormalCitation"
        items.append(oracle.ReadItem(
            key=item.key, mode=mode, prefix=oracle.normal_html(prefix_html(item)).strip(),
            suffix=oracle.normal_html(suffix_html(item)).rstrip(),
            locator_type=item.locator_type if item.locator or item.locator_type else None,
            locator=oracle.normal_locator(item.locator)))
    return tuple(items)
