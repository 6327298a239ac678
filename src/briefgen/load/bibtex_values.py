"""The BibTeX layer under the fields: ``%`` comments and ``@string`` macros, as biber reads them.

bibtexparser splits the file; it reads a commented-out ``%@article{...}`` as an entry and
resolves a macro only one level deep (``"A" # b`` stays literal). Here comments are blanked
before splitting (lines keep their numbers), and a field's raw value — braces, quotes,
numbers, macros joined by ``#`` — is evaluated with every macro resolved, undefined ones and
cycles reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_SCAN = re.compile(r'[{}"%()\\]')
_PAREN_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*$")
MONTH_MACROS = {name: name for name in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec")}


def blank_comments(text: str) -> str:
    """``%`` to the end of the line is a comment outside field values (as in biber): blanked.

    Inside a braced or quoted value ``%`` is kept (URLs hold ``%20``).
    """
    if "%" not in text:
        return text
    pieces: list[str] = []
    depth = 0
    in_quote = in_paren_entry = False
    position = last = 0
    while (match := _SCAN.search(text, position)) is not None:
        char, index = match.group(), match.start()
        position = index + 1
        if char == "\\":
            position += 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            in_quote = in_quote and depth > 0
        elif char == "(" and depth == 0 and _PAREN_ENTRY.search(text, max(0, index - 40), index):
            depth, in_paren_entry = 1, True  # @article( ... ): an entry in parentheses
        elif char == ")" and depth == 1 and in_paren_entry and not in_quote:
            depth, in_paren_entry = 0, False
        elif char == '"' and depth == 1:
            in_quote = not in_quote
        elif char == "%" and (depth == 0 or (depth == 1 and not in_quote)):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            pieces.append(text[last:index])
            pieces.append(" " * (end - index))
            last = position = end
    pieces.append(text[last:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class ValueProblem:
    message: str
    hint: str


class Macros:
    """The file's ``@string`` definitions, evaluated on demand."""

    def __init__(self, raw: Mapping[str, tuple[str, int]]) -> None:
        self.raw = {name.lower(): value for name, value in raw.items()}
        self.values: dict[str, str] = {}

    def evaluate(self, expression: str) -> tuple[str, list[ValueProblem]]:
        problems: list[ValueProblem] = []
        return self._evaluate(expression, (), problems), problems

    def _evaluate(self, expression: str, chain: tuple[str, ...], problems: list[ValueProblem]) -> str:
        parts = split_concatenation(expression)
        if parts is None:  # not a well-formed value: keep what is written
            return expression.strip()
        out: list[str] = []
        for part in parts:
            if part[:1] in "{\"":
                out.append(part[1:-1])
            elif part.isdigit():
                out.append(part)
            else:
                out.append(self._macro(part, chain, problems))
        return "".join(out)

    def _macro(self, name: str, chain: tuple[str, ...], problems: list[ValueProblem]) -> str:
        key = name.lower()
        if key in chain:
            cycle = " → ".join((*chain[chain.index(key):], key))
            line = self.raw[key][1]
            problems.append(ValueProblem(f"the @string macros {cycle} refer to each other in a circle (line {line})",
                                         "give one of them a plain value in braces"))
            return name
        if key in self.values:
            return self.values[key]
        if key not in self.raw:
            if key in MONTH_MACROS:
                return name
            problems.append(ValueProblem(f"uses the @string macro '{name}', which is not defined",
                                         f"define it with @string{{{name} = {{...}}}}, or write the value in braces"))
            return name
        value = self._evaluate(self.raw[key][0], (*chain, key), problems)
        if not problems:
            self.values[key] = value
        return value


_BARE = re.compile(r"[^\s#{}\"]+")


def split_concatenation(expression: str) -> list[str] | None:
    """``a # " x " # {y}`` → ``['a', '" x "', '{y}']``; None when the braces or quotes do not close."""
    parts: list[str] = []
    index, length = 0, len(expression)
    while True:
        while index < length and expression[index].isspace():
            index += 1
        if index >= length:
            return parts or None
        char = expression[index]
        if char == "{" and index == 0 and expression.endswith("}") and "#" not in expression:
            parts.append(expression)  # the usual case, one braced value: the splitter has matched its braces
            return parts
        if char in "{\"":
            end = _closing(expression, index)
            if end < 0:
                return None
            parts.append(expression[index:end + 1])
            index = end + 1
        else:
            match = _BARE.match(expression, index)
            if match is None:
                return None
            parts.append(match.group())
            index = match.end()
        while index < length and expression[index].isspace():
            index += 1
        if index >= length:
            return parts
        if expression[index] != "#":
            return None
        index += 1


_DELIMITER = re.compile(r'\\.|[{}"]', re.DOTALL)


def _closing(text: str, start: int) -> int:
    """The index of the brace or quote that closes the value opening at ``start``; -1 when none does."""
    opener = text[start]
    depth = 0
    for match in _DELIMITER.finditer(text, start if opener == "{" else start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if opener == "{" and depth == 0:
                return match.start()
            if depth < 0:
                return -1
        elif char == '"' and opener == '"' and depth == 0:
            return match.start()
    return -1
