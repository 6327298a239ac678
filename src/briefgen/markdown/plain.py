"""Parsed Markdown → the plain text a reader sees, for metadata (page description, PDF subject).

Taken from the token stream, not by deleting characters from the source: ``2*3``, ``C#``
and ``case_id`` stay as written, emphasis markers go, code spans keep their text, and
citations, footnote references and images (which have no words of their own in running
text) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it.token import Token

_BLOCK_ENDS = frozenset({"paragraph_close", "heading_close", "list_item_close", "td_close", "th_close",
                         "blockquote_close"})


def plain_text(tokens: Iterable[Token]) -> str:
    """The text of the tokens on one line, whitespace collapsed."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.extend(_inline_text(token.children or ()))
        elif token.type in _BLOCK_ENDS or token.type == "fence" or token.type == "code_block":
            parts.append(token.content if token.type in ("fence", "code_block") else " ")
    return " ".join("".join(parts).split())


def _inline_text(children: Iterable[Token]) -> list[str]:
    text = ""
    for child in children:
        if child.type in ("text", "code_inline"):
            text += child.content
        elif child.type in ("softbreak", "hardbreak"):
            text += " "
        elif child.type in ("citation", "footnote_ref"):
            text = text.rstrip()  # "grew [@gao2021]." reads "grew."
    return [text]


def shortened(text: str, limit: int) -> str:
    """``text`` cut at a word so that it is at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
