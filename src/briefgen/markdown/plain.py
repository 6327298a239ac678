"""Parsed Markdown → its plain text, for metadata (page description, PDF subject).

Taken from the token stream, not by deleting characters from the source: ``2*3``, ``C#``
and ``case_id`` stay as written, emphasis markers go, code spans keep their text, and
citations, footnote references, footnotes and images (which have no words of their own in
running text) are left out. The blocks are the edition's own (audience blocks already
applied); the text of each is read again without typographic replacements, so quotes and
dashes are the characters the author typed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from markdown_it.token import Token

from briefgen.markdown.parser import markdown_parser

_BLOCK_ENDS = frozenset({"paragraph_close", "heading_close", "list_item_close", "td_close", "th_close",
                         "blockquote_close"})


def plain_text(tokens: Iterable[Token], env: Mapping[str, object], language: str = "en") -> str:
    """The text of the tokens (parsed with ``env``) on one line, whitespace collapsed."""
    parser = markdown_parser(language, typographer=False)
    parts: list[str] = []
    footnote_depth = 0
    for token in tokens:
        if token.type in ("footnote_block_open", "footnote_block_close"):
            footnote_depth += 1 if token.type == "footnote_block_open" else -1
        elif footnote_depth:
            continue
        elif token.type == "inline":
            inline_env = {**copy.deepcopy(dict(env)), "problems": []}  # knows the footnotes; parsing adds to it
            parts.extend(_inline_text(parser.parseInline(token.content, inline_env)[0].children or ()))
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
