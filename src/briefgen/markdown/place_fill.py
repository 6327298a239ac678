"""A text parsed once per audience, made one place's: its ``when`` blocks kept or dropped by the
row's values and its data placeholders replaced by the row's values, as text tokens.

The parsed tokens are shared by every place's edition and never changed: only the inline
tokens that hold a placeholder are copied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from briefgen.markdown.conditions import Condition, holds
from briefgen.markdown.placeholders import Placeholder, ValueProblem, format_value


@dataclass(frozen=True, slots=True)
class PlaceProblem:
    """What stops a text from being filled for a row."""

    line: int
    """The text's file line that names the column."""
    column: str
    written: str
    """The placeholder or condition as written."""
    problem: str = ""
    """Empty: the column does not exist; else what is wrong with the row's value."""


def fill_place(tokens: Sequence[Token], values: Mapping[str, str], language: str,
               first_line: int) -> tuple[tuple[Token, ...], list[PlaceProblem]]:
    """``tokens`` as the row with ``values`` reads them, and the problems found."""
    kept: list[Token] = []
    problems: list[PlaceProblem] = []
    hidden_depth = 0
    hidden_notes: set[int] = set()
    for token in tokens:
        if hidden_depth:
            hidden_depth += 1 if token.type == "div_open" else -1 if token.type == "div_close" else 0
            hidden_notes.update(_footnote_ids(token))
            continue
        condition = token.meta.get("when") if token.type == "div_open" and token.meta else None
        if isinstance(condition, Condition):
            line = first_line + (token.map[0] if token.map else 0)
            if condition.column not in values:
                problems.append(PlaceProblem(line, condition.column, f'when="{condition.written}"'))
            elif not holds(condition, values[condition.column]):
                hidden_depth = 1
                continue
        if token.type == "inline" and token.children and any(c.type == "data_placeholder" for c in token.children):
            token = token.copy(children=[_filled(child, values, language, problems) for child in token.children])
        kept.append(token)
    if hidden_notes:
        kept = _without_notes(kept, hidden_notes - {i for token in kept for i in _footnote_ids(token)})
    return tuple(kept), problems


def _footnote_ids(token: Token) -> list[int]:
    """The footnotes an inline token refers to."""
    return [int(child.meta["id"]) for child in token.children or () if child.type == "footnote_ref"]


def _without_notes(tokens: list[Token], unreferenced: set[int]) -> list[Token]:
    """Drop the footnotes only a hidden ``when`` block referred to (and an emptied list of notes)."""
    kept: list[Token] = []
    dropping = False
    for token in tokens:
        if token.type == "footnote_open" and int(token.meta.get("id", -1)) in unreferenced:
            dropping = True
        if not dropping:
            kept.append(token)
        if token.type == "footnote_close":
            dropping = False
    if kept and kept[-1].type == "footnote_block_close" and kept[-2].type == "footnote_block_open":
        kept = kept[:-2]
    return kept


def _filled(child: Token, values: Mapping[str, str], language: str, problems: list[PlaceProblem]) -> Token:
    placeholder = child.meta.get("placeholder") if child.type == "data_placeholder" else None
    if not isinstance(placeholder, Placeholder):
        return child
    line = int(child.meta.get("line", 0))
    if placeholder.column not in values:
        problems.append(PlaceProblem(line, placeholder.column, placeholder.written))
        return child
    try:
        text = format_value(values[placeholder.column], placeholder.format, language)
    except ValueProblem as problem:
        problems.append(PlaceProblem(line, placeholder.column, placeholder.written, str(problem)))
        return child
    return Token("text", "", 0, content=text)
