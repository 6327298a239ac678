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
    for token in tokens:
        if hidden_depth:
            hidden_depth += 1 if token.type == "div_open" else -1 if token.type == "div_close" else 0
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
    return tuple(kept), problems


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
