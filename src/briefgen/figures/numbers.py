"""Values of a data table's cell, as the edition's language writes them.

The CSV holds machine-readable values (``1234.5``, ``12.5`` for 12.5 %, ``2025-09-30``); the
catalogue says how they print: English "1,234.5", "12.5%", "$1,000"; Spanish, after the RAE's
*Ortografía* (2010), "1234,5" (no group mark below five integer digits), "10 000" (a no-break
space), "12,5 %" and "$1000" (as the Spanish sections write dollar amounts).
"""

from __future__ import annotations

import datetime as dt
import re

from briefgen.figures.model import ColumnFormat
from briefgen.i18n import Messages

_NUMBER = re.compile(r"^(?P<sign>-?)(?P<integer>\d+)(?:\.(?P<fraction>\d+))?$")
_NUMERIC: tuple[ColumnFormat, ...] = ("number", "percent", "currency")


def is_numeric(column_format: ColumnFormat) -> bool:
    return column_format in _NUMERIC


def format_value(raw: str, column_format: ColumnFormat, messages: Messages) -> str:
    """The cell's text; :class:`ValueError` saying what is wrong when ``raw`` does not fit the format.
    An empty cell stays empty."""
    value = raw.strip()
    if not value or column_format == "text":
        return value
    if column_format == "date":
        try:
            return messages.date(dt.date.fromisoformat(value))
        except ValueError:
            raise ValueError(f"'{value}' is not a date written YYYY-MM-DD") from None
    number = format_number(value, messages)
    if column_format == "percent":
        return messages.format("percent_format", number=number)
    if column_format == "currency":
        if number.startswith("-"):
            return "-" + messages.format("currency_format", number=number[1:])
        return messages.format("currency_format", number=number)
    return number


def format_number(value: str, messages: Messages) -> str:
    """``1234.5`` → "1,234.5" (en) or "1234,5" (es); the decimals as written."""
    match = _NUMBER.match(value.strip())
    if match is None:
        raise ValueError(f"'{value}' is not a number (write digits with an optional '.' and decimals, "
                         "no thousands separators or units)")
    integer = match.group("integer")
    if len(integer) >= int(messages["group_min_digits"]):
        groups: list[str] = []
        while integer:
            groups.insert(0, integer[-3:])
            integer = integer[:-3]
        integer = messages["group_mark"].join(groups)
    fraction = match.group("fraction")
    sign = "-" if match.group("sign") else ""
    return sign + integer + (messages["decimal_mark"] + fraction if fraction else "")
