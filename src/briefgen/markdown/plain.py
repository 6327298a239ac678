"""Parsed Markdown → plain text: the one extractor, read the way each use needs it.

Taken from the token stream, not by deleting characters from the source: ``2*3``, ``C#``
and ``case_id`` stay as written and emphasis markers go. What is not a plain word (a code
span, a citation, a footnote reference, an image, the marks around emphasis and links) is
read as a :class:`Reading` says: the reading level counts words only (:data:`MEASURED`),
the page's description keeps code and drops citations with the space before them
(:data:`DESCRIBED`), the evidence rules see a space wherever markup was (:data:`CHECKED`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it.token import Token

from briefgen.markdown.context import reparse_env
from briefgen.markdown.parser import markdown_parser


@dataclass(frozen=True, slots=True)
class Reading:
    """How the tokens that are not plain words are read."""

    code: Literal["text", "space", "omit"] = "omit"
    """A code span: its text, one space, or nothing."""
    markup: str = ""
    """What any other token becomes: emphasis and link marks, an image, a footnote reference
    to a note that cites nothing."""
    citation: str | None = ""
    """What a citation (and a footnote reference to a note in ``cited_notes``) becomes; None:
    it goes, with the spaces before it ("grew [@a]." reads "grew.")."""
    cited_notes: frozenset[int] = frozenset()
    """Footnotes (by the footnote plugin's id) that cite a source."""
    has_image_text: bool = False
    """Whether an image's description is read (after ``markup``)."""
    block_end: str = "\n\n"
    """What ends a paragraph, heading, list item, block quote or table row."""
    cell_end: str = "\n\n"
    """What ends a table cell."""
    has_footnotes: bool = True
    """Whether the footnotes at the end of the text are read."""
    has_code_blocks: bool = False
    """Whether the text of code blocks is read."""


MEASURED = Reading()
"""The words a reader reads: no code, no citations, blocks and cells separated by blank lines."""

DESCRIBED = Reading(code="text", citation=None, block_end=" ", cell_end=" ", has_footnotes=False, has_code_blocks=True)
"""The page's description: code kept, citations and footnotes left out, on one line."""

CHECKED = Reading(code="space", markup=" ", citation=" ", has_image_text=True)
"""What the evidence rules search: visible words, a space wherever markup or a citation was."""

_BLOCK_ENDS = frozenset({"paragraph_close", "heading_close", "list_item_close", "blockquote_close", "tr_close"})
_CELL_ENDS = frozenset({"td_close", "th_close"})


def inline_text(children: Iterable[Token], reading: Reading = MEASURED) -> str:
    """The text of an inline token's children, read as ``reading`` says."""
    text = ""
    for child in children:
        kind = child.type
        if kind == "text":
            text += child.content
        elif kind in ("softbreak", "hardbreak"):
            text += " "
        elif kind == "code_inline":
            text += child.content if reading.code == "text" else " " if reading.code == "space" else ""
        elif kind == "citation" or (kind == "footnote_ref" and (reading.citation is None or (
                child.meta and child.meta.get("id") in reading.cited_notes))):
            text = text.rstrip() if reading.citation is None else text + reading.citation
        else:
            text += reading.markup
        if child.children and reading.has_image_text:
            text += inline_text(child.children, reading)
    return text


def plain_text(tokens: Iterable[Token], reading: Reading = MEASURED) -> str:
    """The text of a parsed text's tokens, read as ``reading`` says; blocks end with ``reading.block_end``."""
    parts: list[str] = []
    footnote_depth = 0
    for token in tokens:
        if token.type in ("footnote_block_open", "footnote_block_close"):
            footnote_depth += 1 if token.type == "footnote_block_open" else -1
        elif footnote_depth and not reading.has_footnotes:
            continue
        elif token.type == "inline":
            parts.append(inline_text(token.children or (), reading).replace("\n", " "))
        elif token.type in _BLOCK_ENDS:
            parts.append(reading.block_end)
        elif token.type in _CELL_ENDS:
            parts.append(reading.cell_end)
        elif token.type in ("fence", "code_block") and reading.has_code_blocks:
            parts.append(token.content)
    return "".join(parts)


def description_text(tokens: Sequence[Token], env: Mapping[str, Any], language: str = "en") -> str:
    """The page's description (:data:`DESCRIBED`) on one line, whitespace collapsed, with the
    quotes and dashes the author typed: each block's text is parsed again (with ``env``,
    which knows the footnotes and link references) without typographic replacements."""
    parser = markdown_parser(language, typographer=False)
    retyped: list[Token] = []
    for token in tokens:
        if token.type == "inline":
            token = copy.copy(token)
            token.children = parser.parseInline(token.content, reparse_env(env))[0].children or []
        retyped.append(token)
    return " ".join(plain_text(retyped, DESCRIBED).split())


def shortened(text: str, limit: int) -> str:
    """``text`` cut at a word so that it is at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
