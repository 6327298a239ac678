"""Audience blocks (``::: {audience="a b"}`` / ``::: {audience="!a"}``) and the wall they make.

An edition is parsed as if the blocks its audience does not read were never written: they
are removed after the block stage and before inline parsing. So everything that refers
across the text follows the audience of the place that refers:

- a footnote is printed only when a reference to it survives, and numbered in the order
  the surviving references are read; a definition nothing visible refers to is dropped;
- a link reference definition (``[ref]: url "title"``) inside a hidden block lends neither
  its address nor its title to a visible ``[text][ref]``;
- heading ids are counted among the visible headings only.

A visible reference whose footnote or link definition is hidden from the audience is an
error at the reference's line (recorded in the parse context's problems).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from briefgen.markdown.context import (
    duplicate_link_references,
    footnote_state,
    link_references,
    parse_context,
    set_link_references,
)

HIDDEN_LINK_SCHEME = "briefgen-hidden-reference:"
"""Stands in for the address of a link reference whose definition the audience cannot read."""


def audience_matches(expression: str, audience: str | Sequence[str]) -> bool:
    """``"a b"`` → only a and b; ``"!a"`` → everyone but a; ``"a !b"`` works too.

    ``audience`` is an id, or an audience's lineage (its id, then the profiles it extends):
    a block for a profile reaches the profiles that extend it, and the most specific id named
    decides (``"community-groups !community-groups-es"`` reaches the large-print variant of
    community groups but not the Spanish one)."""
    lineage = (audience,) if isinstance(audience, str) else tuple(audience)
    ids = expression.split()
    wanted = {i for i in ids if not i.startswith("!")}
    unwanted = {i[1:] for i in ids if i.startswith("!")}
    for reader in lineage:
        if reader in unwanted:
            return False
        if reader in wanted:
            return True
    return not wanted


def is_hidden_div(token: Token, audience_id: str | Sequence[str]) -> bool:
    expression = token.meta.get("audience") if token.meta else None
    return expression is not None and not audience_matches(str(expression), audience_id)


def keep_audience_blocks(tokens: Iterable[Token], audience_id: str | Sequence[str]) -> list[Token]:
    """Drop the fenced-div blocks this audience does not read (with everything inside)."""
    kept: list[Token] = []
    skip_depth = 0
    depth_stack: list[bool] = []
    for token in tokens:
        if token.type == "div_open":
            hidden = skip_depth > 0 or is_hidden_div(token, audience_id)
            depth_stack.append(hidden)
            if hidden:
                skip_depth += 1
                continue
        elif token.type == "div_close":
            hidden = depth_stack.pop() if depth_stack else False
            if hidden:
                skip_depth -= 1
                continue
        if skip_depth == 0:
            kept.append(token)
    return kept


def audience_expressions(tokens: Iterable[Token]) -> tuple[str, ...]:
    """The audience expressions of a text's blocks, in order (what decides what an audience reads)."""
    return tuple(str(token.meta["audience"]) for token in tokens
                 if token.type == "div_open" and token.meta and token.meta.get("audience") is not None)


def audience_wall_plugin(md: MarkdownIt) -> None:
    """Apply the parse context's audience (when set) between the block and the inline stage."""
    md.core.ruler.after("block", "briefgen_audience_blocks", _hide_audience_blocks)
    md.inline.ruler.before("footnote_ref", "hidden_footnote_ref", _hidden_footnote_ref)
    md.add_render_rule("hidden_footnote_ref", lambda self, tokens, idx, options, env: "")


def _hide_audience_blocks(state: StateCore) -> None:
    audience = parse_context(state.env).audience
    if audience is None:
        return
    kept: list[Token] = []
    hidden_by: dict[int, str] = {}
    """id(token) of each removed token → the audience expression of the block that hides it."""
    hidden_lines: list[tuple[int, int, str]] = []
    stack: list[str | None] = []
    for token in state.tokens:
        outer = next((expression for expression in stack if expression is not None), None)
        if token.type == "div_open":
            hides = outer is None and is_hidden_div(token, audience if isinstance(audience, tuple) else str(audience))
            expression = str(token.meta["audience"]) if hides else None
            stack.append(expression)
            if expression is not None and token.map:
                hidden_lines.append((token.map[0], token.map[1], expression))
            outer = outer or expression
        elif token.type == "div_close" and stack:
            stack.pop()
        if outer is None:
            kept.append(token)
        else:
            hidden_by[id(token)] = outer
    if not hidden_lines:
        return
    removed = [(token, hidden_by[id(token)]) for token in state.tokens if id(token) in hidden_by]
    state.tokens = kept
    _hide_footnote_definitions(state, removed, kept)
    _hide_link_definitions(state, hidden_lines)


def _hide_footnote_definitions(state: StateCore, removed: list[tuple[Token, str]], kept: list[Token]) -> None:
    footnotes = footnote_state(state.env)
    if footnotes is None:
        return
    visible = {str(t.meta["label"]) for t in kept if t.type == "footnote_reference_open" and t.meta}
    hidden: dict[str, str] = {}
    for token, expression in removed:
        label = str(token.meta["label"]) if token.type == "footnote_reference_open" and token.meta else None
        if label is not None and label not in visible:
            hidden.setdefault(label, expression)
    refs = footnotes.get("refs", {})
    for label in hidden:
        refs.pop(":" + label, None)
    parse_context(state.env).hidden_footnotes.update(hidden)


def _hide_link_definitions(state: StateCore, hidden_lines: list[tuple[int, int, str]]) -> None:
    """Rebuild markdown-it's link references from the definitions the audience reads (the first one of
    a label wins, as in CommonMark); a label defined only in hidden blocks points to a marker
    that :func:`hidden_link_label` recognises."""
    references = link_references(state.env)
    if references is None:
        return

    def hiding(line_range: list[int] | None) -> str | None:
        start = line_range[0] if line_range else -1
        return next((expression for first, last, expression in hidden_lines if first <= start <= last), None)

    definitions = [(label, data) for label, data in references.items()]
    definitions += [(str(d["label"]), d) for d in duplicate_link_references(state.env)]
    definitions.sort(key=lambda item: (item[1].get("map") or [0])[0])
    visible: dict[str, dict[str, object]] = {}
    hidden: dict[str, str] = {}
    lines = state.src.split("\n")
    written: dict[str, str] = {}
    for label, data in definitions:
        expression = hiding(data.get("map"))
        if expression is not None:
            hidden.setdefault(label, expression)
            line = lines[data["map"][0]] if data.get("map") and data["map"][0] < len(lines) else ""
            found = re.match(r"\s*(?:>\s*)*\[([^\]]+)\]:", line)
            written.setdefault(label, found.group(1) if found else label.lower())
        else:
            visible.setdefault(label, data)
    for label, expression in hidden.items():
        if label not in visible:
            visible[label] = {"href": HIDDEN_LINK_SCHEME + written[label], "title": "", "map": None}
            parse_context(state.env).hidden_links[written[label]] = expression
    set_link_references(state.env, visible)


def hidden_link_label(href: str) -> str | None:
    """The label of a link reference whose definition is hidden, from the marker address."""
    return href[len(HIDDEN_LINK_SCHEME):] if href.startswith(HIDDEN_LINK_SCHEME) else None


def hidden_reference_problem(kind: str, label: str, expression: str) -> tuple[str, str]:
    """The message and hint for a visible reference (``kind``: footnote or link) to a hidden definition."""
    written = f"[^{label}]" if kind == "footnote" else f"[{label}]"
    return (f"{kind} {written} is defined only inside '::: {{audience=\"{expression}\"}}', a block that this "
            "edition's audience does not read",
            f"move the definition '{written}: …' out of that block, or put this reference in a block for the "
            "same audiences")


def _hidden_footnote_ref(state: StateInline, silent: bool) -> bool:
    """``[^label]`` whose definition the audience does not read: a marker token, reported later."""
    start = state.pos
    if not state.src.startswith("[^", start):
        return False
    hidden = parse_context(state.env).hidden_footnotes
    if not hidden:
        return False
    end = state.src.find("]", start + 2, state.posMax)
    if end < 0:
        return False
    label = state.src[start + 2:end]
    if label not in hidden:
        return False
    if not silent:
        token = state.push("hidden_footnote_ref", "", 0)
        token.meta = {"label": label, "offset": start}
    state.pos = end + 1
    return True
