"""Text from a brief project as CSS: every value is a quoted, escaped CSS string.

The page's ``<style>`` element holds the themes and a few rules made from the author's
text (the running header, the localised page label). HTML ends a ``<style>`` element at the
first ``</style``, whatever CSS thinks, and CSS ends a string at a newline or a quote; so
an author's text goes into CSS only through :func:`css_string`, which writes every
character that could end the string, the element or the rule (quotes, backslash, ``<``,
``>``, ``&``, line breaks, control and invisible characters) as a CSS hex escape
(``\\3c `). The text reads the same on the page, and no text can become a rule, a URL or
markup. Values that are not text (paper size, theme) come from closed lists checked when
the audience profile is read.
"""

from __future__ import annotations

import re
import string
import unicodedata

_LITERAL_ASCII = frozenset(string.ascii_letters + string.digits + " !#$%()*+,-./:;=?@[]^_`{|}~")
_LITERAL_CATEGORIES = ("L", "M", "N", "P", "S")
"""Letters, marks, numbers, punctuation and symbols of any script print as themselves."""


def css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string that cannot end early."""
    return '"' + "".join(_escaped(char) for char in text) + '"'


def _escaped(char: str) -> str:
    if char in _LITERAL_ASCII:
        return char
    code = ord(char)
    if code > 0x7F and unicodedata.category(char)[0] in _LITERAL_CATEGORIES:
        return char
    if code == 0 or 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD  # what CSS makes of them anyway
    return f"\\{code:x} "  # the space ends the escape and is not part of the text


_END_OF_STYLE = re.compile(r"</style|<!--|-->|<script", re.IGNORECASE)


def style_element_text(css: str) -> str:
    """``css`` for a ``<style>`` element, after making sure nothing in it can end the element.

    Every author value reaches CSS through :func:`css_string`, so this never fails; it is the
    last guard should a later change forget that.
    """
    found = _END_OF_STYLE.search(css)
    if found:
        raise ValueError(f"refusing to write {found.group(0)!r} into a <style> element")
    return css
