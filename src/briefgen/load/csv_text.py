"""The one way briefgen reads CSV text: the places table, data tables and chart data alike.

Spreadsheets write CSV with commas, or with semicolons where the comma is the decimal mark
(Excel in Spanish, French or German), or with tabs; the separator is the one the header line
uses most, outside quotes (a comma when it uses none). Lines end as the file ends them (a
quoted value may hold a line break); a value's surrounding spaces are the caller's to strip.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import _reader

SEPARATORS = (",", ";", "\t")


def separator_of(text: str) -> str:
    """The separator the header line of ``text`` uses most outside quotes (a comma for ties and none)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return max(SEPARATORS, key=lambda separator: (counts[separator], separator == ","))


def csv_reader(text: str) -> _reader:
    """A strict ``csv.reader`` over ``text`` with its separator; its ``line_num`` counts the file's lines."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator_of(text), strict=True)
