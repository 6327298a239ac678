"""Conditional blocks by data: ``::: {when="COLUMN OP VALUE"}`` … ``:::``.

A tiny grammar, read here and never evaluated as code::

    condition := COLUMN OP VALUE
    OP        := "=" | "!=" | "<" | "<=" | ">" | ">="
    VALUE     := a word, or text in single or double quotes

Both sides are compared as numbers when both are numbers (``population >= 100000``), as text
otherwise (``jail = yes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.markdown.placeholders import parse_number

OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_CONDITION = re.compile(r"""^\s*(?P<column>[A-Za-z_][\w.-]*)\s*(?P<op><=|>=|!=|=|<|>)\s*
                            (?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<word>[^\s"']+))\s*$""", re.VERBOSE)
HINT = 'write when="COLUMN OP VALUE" with OP one of = != < <= > >= (for example when="population >= 100000")'


@dataclass(frozen=True, slots=True)
class Condition:
    column: str
    operator: str
    value: str
    written: str


def read_condition(text: str) -> Condition | str:
    """The condition written in a ``when`` attribute, or what is wrong with it."""
    found = _CONDITION.match(text)
    if found is None:
        return f"cannot read the condition when=\"{text}\""
    value = next(v for v in (found.group("double"), found.group("single"), found.group("word")) if v is not None)
    return Condition(found.group("column"), found.group("op"), value, text.strip())


def holds(condition: Condition, value: str) -> bool:
    """Whether a row whose column holds ``value`` meets ``condition``."""
    left, right = parse_number(value), parse_number(condition.value)
    if left is not None and right is not None:
        return _compare(condition.operator, left, right)
    return _compare(condition.operator, value.strip(), condition.value)


def _compare(operator: str, a: Any, b: Any) -> bool:
    if operator == "=":
        return bool(a == b)
    if operator == "!=":
        return bool(a != b)
    if operator == "<":
        return bool(a < b)
    if operator == "<=":
        return bool(a <= b)
    if operator == ">":
        return bool(a > b)
    return bool(a >= b)
