"""Punctuation between the parts of a Chicago note or entry: a comma or period after a closing
quotation mark moves inside it in English (“Title,”), never a second stop after "?", "!" or
".", and page ranges abbreviated as Chicago does (CMOS 9.61)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from briefgen.i18n import Messages

_ENDS_IN_QUOTE = re.compile(r"(”)((?:</(?:a|span|cite)>)*)$")
_TRAILING_CLOSERS = re.compile(r"(?:[”»]|</(?:a|span|cite)>)+$")


def attach(text: Markup, mark: str, messages: Messages) -> Markup:
    """``text`` followed by ``mark`` (``.`` or ``,``): no second period after ".", "?" or "!",
    no comma after "?" or "!"; in English, inside a closing quotation mark (“Title,”)."""
    bare = _TRAILING_CLOSERS.sub("", str(text))
    is_quoted = bool(_ENDS_IN_QUOTE.search(str(text))) or str(text).rstrip("</>acspni").endswith("»")
    if bare.endswith(("?", "!")) or bare.endswith(".") and (mark == "." or is_quoted):
        return text  # “Why?” 12; “Title ends.” Journal; but “eds.,” keeps its comma
    if messages["punctuation_inside_quotes"] == "True" and _ENDS_IN_QUOTE.search(str(text)):
        return Markup(_ENDS_IN_QUOTE.sub(lambda match: mark + match.group(1) + match.group(2), str(text)))
    return text + Markup(mark)


def join_parts(parts: Sequence[Markup], mark: str, messages: Messages) -> Markup:
    """The non-empty parts joined by ``mark`` and a space, each mark attached as :func:`attach` does."""
    text = Markup("")
    for part in parts:
        if part:
            text = attach(text, mark, messages) + Markup(" ") + part if text else part
    return text


_RANGE = re.compile(r"\b([A-Za-z]?\d+)\s*~?\s*[–-]+\s*~?\s*([A-Za-z]?\d+)\b")


def page_range(pages: str) -> str:
    """Page ranges as Chicago abbreviates them (CMOS 9.61, as citeproc's ``chicago`` format):
    71–72, 100–104, 101–8, 321–28, 498–532, 1496–1504, 11564–615; a hyphen becomes an en dash."""
    return _RANGE.sub(lambda match: f"{match.group(1)}–{_range_end(match.group(1), match.group(2))}", pages)


def _range_end(first: str, last: str) -> str:
    if not (first.isdigit() and last.isdigit()):
        return last  # L225–L227: numbers with letters are printed whole
    start, end = int(first), int(last)
    if start < 100 or start % 100 == 0 or end <= start or len(first) != len(last):
        return last
    shared = 0
    while shared < len(first) and first[shared] == last[shared]:
        shared += 1
    kept = last[shared:] if start % 100 < 10 else last[min(shared, len(last) - 2):]
    return last if len(last) == 4 and len(kept) >= 3 else kept  # 1496–1504: three of four digits change
