"""The one way through a parsed text's tokens: every block token, and the inline tokens
inside each (an image's description too), in document order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from markdown_it.token import Token


def walk_tokens(tokens: Iterable[Token]) -> Iterator[Token]:
    """Every token, and the inline tokens inside each, in document order."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk_tokens(token.children)


def image_sources(tokens: Iterable[Token]) -> Iterator[str]:
    """The ``src`` of every image, as written, in document order."""
    for token in walk_tokens(tokens):
        if token.type == "image":
            yield str(token.attrGet("src") or "")


def inline_tokens_with_lines(tokens: Iterable[Token], first_line: int) -> Iterator[tuple[Token, int]]:
    """Every inline token with its file line (1-based): the token's own line when the parser
    recorded one (``meta["line"]``), else the line of its block; ``first_line`` is the file
    line of the text's first line."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        block_line = first_line + (block.map[0] if block.map else 0)
        for child in walk_tokens(block.children):
            own = child.meta.get("line") if child.meta else None
            yield child, own if isinstance(own, int) else block_line
