"""Pandoc fenced divs: ``::: {audience="county-officials press" .note}`` … ``:::``.

Divs nest; a bare ``:::`` closes the innermost open one. The ``audience`` attribute is
kept on the token (``meta["audience"]``) so that assembly can keep or drop the div's
content per edition; other attributes become the div's id, classes and ``data-`` attributes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs

from briefgen.markdown.conditions import HINT as CONDITION_HINT
from briefgen.markdown.conditions import Condition, read_condition
from briefgen.markdown.context import Env, parse_context

MAX_DIV_DEPTH = 16
_OPEN = re.compile(r"^(:{3,})\s*(\{.*|[A-Za-z][\w-]*\s*:*)\s*$")
"""An opening fence; attributes that never close ('{audience="press"') are read, and refused, below."""
_CLOSE = re.compile(r"^:{3,}\s*$")


def fenced_div_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "fenced_div", _fenced_div, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.add_render_rule("div_open", _render_div_open)
    md.add_render_rule("div_close", lambda self, tokens, idx, options, env: "</div>\n")


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = _OPEN.match(_line(state, start))
    if not opening:
        return False
    if silent:
        return True
    problems = parse_context(state.env).problems
    attrs = _parse_div_attrs(opening.group(2), start, problems)
    depth = 1
    line = start + 1
    while line < end:
        text = _line(state, line)
        if state.sCount[line] - state.blkIndent < 4:
            if _OPEN.match(text):
                depth += 1
                if depth > MAX_DIV_DEPTH:
                    problems.append((line, f"fenced divs are nested more than {MAX_DIV_DEPTH} deep",
                                     "close some divs with ':::' or flatten the structure"))
                    break
            elif _CLOSE.match(text):
                depth -= 1
                if depth == 0:
                    break
        line += 1
    if depth != 0:
        problems.append((start, "this fenced div ('::: {...}') is never closed", "add a line with ':::' where it ends"))
    if depth > MAX_DIV_DEPTH:
        state.line = end
        return True

    token = state.push("div_open", "div", 1)
    token.map = [start, line]
    token.block = True
    audience = attrs.pop("audience", None)
    token.meta = {"audience": audience, "when": _when(attrs.pop("when", None), start, problems)}
    for key, value in attrs.items():
        token.attrSet(key if key in ("id", "class") else f"data-{key}", value)

    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "div"
    state.lineMax = line
    state.md.block.tokenize(state, start + 1, line)
    state.parentType, state.lineMax = old_parent, old_max

    close = state.push("div_close", "div", -1)
    close.block = True
    state.line = min(line + 1, end)
    return True


def _when(text: str | None, line: int, problems: list[tuple[int, str, str]]) -> Condition | None:
    """The ``when`` condition of a div (see :mod:`briefgen.markdown.conditions`)."""
    condition = read_condition(text) if text is not None else None
    if isinstance(condition, str):
        problems.append((line, condition, CONDITION_HINT))
        return None
    return condition


def _parse_div_attrs(text: str, line: int, problems: list[tuple[int, str, str]]) -> dict[str, str]:
    text = text.rstrip(": \t")
    if not text.startswith("{"):
        return {"class": text}
    if not text.endswith("}"):
        problems.append((line, f"the fenced div attributes {text} are never closed with '}}'",
                         'write them like {audience="county-officials press"}'))
        return {}
    try:
        _end, attrs = parse_attrs(text)
    except ParseError as error:
        problems.append((line, f"cannot read the fenced div attributes {text} ({error})",
                         'write them like {audience="county-officials press"} or {.class}'))
        return {}
    return dict(attrs)


def _render_div_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    token = tokens[idx]
    return f"<div{self.renderAttrs(token)}>\n"
