"""pandoc and Quarto syntax that authors bring along: what briefgen supports, and a located
warning for what it does not (rather than printing it as literal text without a word).

Supported: heading ids (``## Costs {#sec-costs}``), image sizes (``![x](a.png){width=50%}``),
definition lists, ``~sub~`` and ``^super^`` (the last two through their mdit-py-plugins).
Warned about: TeX math (``$x^2$``), shortcodes (``{{< include file.md >}}``), footnote
references with no definition (``[^x]``), and image or heading attributes other than those above.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes

from briefgen.figures.model import FLOAT_ID
from briefgen.markdown.context import parse_context

HEADING_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")
"""An id an author may give a heading (pandoc's identifiers, without spaces)."""

_TRAILING_ATTRIBUTES = re.compile(r"\s*(\{[^{}]*\})\s*$")
_LENGTH = re.compile(r"^(?:\d{1,4}(?:\.\d{1,3})?)(?:%|px|in|cm|mm|pt|em)?$")
"""An image size: a number with a CSS unit (pixels when there is none); nothing else reaches the page."""
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
"""A footnote reference left as text: its definition is missing (hidden ones are reported elsewhere)."""
_SHORTCODE = re.compile(r"\{\{[<%]\s*([A-Za-z][\w-]*)[^}]*[>%]\}\}")
_TEX_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]*?\S)\$(?![\d$])")
"""pandoc's rule for inline TeX math: no space after the opening ``$``, none before the closing
one, and no digit right after it, so "$5 to $10" is money, not math."""


def warn(state: StateCore, line: int, message: str, hint: str) -> None:
    """A warning at the 0-based line of the parsed text (see ``parse_markdown``)."""
    parse_context(state.env).warnings.append((line, message, hint))


def heading_attributes(state: StateCore) -> None:
    """``## Title {#id .class}``: the id replaces the generated one; the braces are not printed."""
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[index + 1]
        match = _TRAILING_ATTRIBUTES.search(inline.content)
        if match is None:
            continue
        line = token.map[0] if token.map else 0
        try:
            _end, attributes = parse_attributes(match.group(1))
        except ParseError:
            continue  # not attribute syntax: the braces are text
        inline.content = inline.content[: match.start()]
        _strip_trailing_text(inline, match.group(0))
        identifier = attributes.pop("id", None)
        attributes.pop("class", None)  # classes change nothing in the page; accepted as pandoc does
        if identifier is not None:
            if HEADING_ID.match(identifier):
                token.meta = {**(token.meta or {}), "explicit_id": identifier}
            else:
                warn(state, line, f"'{identifier}' cannot be a heading id",
                     "start with a letter and use letters, digits, '-', '_', ':' or '.'")
        for name in attributes:
            warn(state, line, f"the heading attribute '{name}' is not supported, so it is left out",
                 "keep only {#id} on a heading")


def _strip_trailing_text(inline: Token, text: str) -> None:
    """Remove ``text`` from the end of the heading's last text token."""
    for child in reversed(inline.children or []):
        if child.type == "text":
            stripped = child.content.rstrip()
            target = text.strip()
            if stripped.endswith(target):
                child.content = stripped[: -len(target)].rstrip()
            return


_ATTRIBUTE_BLOCK = re.compile(r"^\{([^{}\n]*)\}")
_ATTRIBUTE = re.compile(r"""\s*(?:#(?P<id>[^\s}]+)|\.(?P<class>[^\s}]+)|(?P<key>[A-Za-z][\w-]*)="""
                        r"""(?:["“„«](?P<quoted>[^"”“»]*)["”“»]|(?P<bare>[^\s"“”}]+)))""")
"""One attribute; quotes may already be typographic (the typographer runs before this rule)."""


def _parse_image_attributes(text: str) -> list[tuple[str, str]] | None:
    """pandoc's ``{#id .class key=value key="a value"}`` (values may hold ``%``, as in ``width=50%``);
    None when ``text`` is not attribute syntax."""
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _ATTRIBUTE.match(text, position)
        if match is None:
            return None
        if match.group("id") is not None:
            found.append(("id", match.group("id")))
        elif match.group("class") is not None:
            found.append(("class", match.group("class")))
        else:
            value = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
            found.append((match.group("key"), value))
        position = match.end()
    return found


def image_attributes(state: StateCore) -> None:
    """``![x](a.png){width=50%}``: images keep ``width`` and ``height`` when they are plain
    lengths, a ``#fig-…`` id (the image becomes a numbered figure, see
    :mod:`briefgen.figures.markdown_rules`) and ``fig-alt``; any other attribute is dropped with
    a warning at its line. The braces are not printed."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        for index, child in enumerate(children[:-1]):
            following = children[index + 1]
            if child.type != "image" or following.type != "text":
                continue
            match = _ATTRIBUTE_BLOCK.match(following.content)
            attributes = _parse_image_attributes(match.group(1)) if match else None
            if match is None or attributes is None:
                continue
            following.content = following.content[match.end():]
            line = block.map[0] if block.map else 0
            for name, value in attributes:
                if name in ("width", "height") and _LENGTH.match(value):
                    unit = "" if value[-1:].isalpha() or value.endswith("%") else "px"
                    child.meta = {**(child.meta or {}), name: value + unit}
                elif name == "id" and FLOAT_ID.match(value) and value.startswith("fig-"):
                    child.meta = {**(child.meta or {}), "float_id": value}
                elif name == "fig-alt":
                    child.meta = {**(child.meta or {}), "alt": value}
                elif name in ("width", "height"):
                    warn(state, line, f"image {name} '{value}' is not a length, so it is left out",
                         f"write a number with a unit, e.g. {{{name}=50%}} or {{{name}=300px}}")
                else:
                    shown = {"id": f"#{value}", "class": f".{value}"}.get(name, f"{name}={value}")
                    warn(state, line, f"the image attribute '{shown}' is not supported, so it is left out",
                         "images take {#fig-name}, {width=...}, {height=...} and {fig-alt=\"...\"}")


def unsupported_syntax(state: StateCore) -> None:
    """TeX math and shortcodes are printed as written; say so at their line."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first = block.map[0] if block.map else 0
        for match in _SHORTCODE.finditer(block.content):
            line = first + block.content.count("\n", 0, match.start())
            name = match.group(1)
            if name == "data":  # a data placeholder (briefgen.markdown.placeholders)
                continue
            hint = ("list the section in the brief's manifest instead; sections are reusable by id" if name == "include"
                    else "remove it; briefgen prints it as written")
            warn(state, line, f"the shortcode '{{{{< {name} >}}}}' is not supported, so it is printed as written", hint)
        for child in block.children:
            if child.type != "text":
                continue
            for match in _FOOTNOTE_REFERENCE.finditer(child.content):
                line = first + block.content.count("\n", 0, max(block.content.find(match.group(0)), 0))
                warn(state, line, f"footnote [^{match.group(1)}] has no definition, so it is printed as written",
                     f"add '[^{match.group(1)}]: the note' on a line of its own in this section")
            for match in _TEX_MATH.finditer(child.content):
                line = first + block.content.count("\n", 0, max(block.content.find(match.group(0)), 0))
                warn(state, line, f"TeX math '{match.group(0)}' is not rendered, so it is printed as written",
                     "write it in words or plain characters (x², CO₂), or escape the dollar signs as \\$")
