"""The dates of a BibTeX entry: ``date`` (ISO 8601 / EDTF, as biblatex reads it) or
``year``, ``month`` and ``day``; an impossible date is the entry's problem, at its line."""

from __future__ import annotations

import datetime as dt
import re

from briefgen.errors import SourceLocation
from briefgen.load.latex import decode_latex
from briefgen.model import DateParts

_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)")


def issued_date(fields: dict[str, str], at: SourceLocation, lines: dict[str, int], key: str,
            problems: list[tuple[int, str, str]]) -> DateParts:
    if fields.get("date"):
        return checked_date(iso_date(fields["date"]), "date", at.at_line(lines.get("date", at.line)), key, problems)
    year_text = fields.get("year", "").strip()
    if not year_text:
        return DateParts()
    year_at = at.at_line(lines.get("year", at.line))
    if year_text.isdigit() and len(year_text) != 4:
        problems.append((year_at.line, f"'{key}' has an impossible year '{year_text}'", "write the year with four digits"))
        return DateParts(literal=year_text)
    if not re.match(r"^\d{4}$", year_text):
        return DateParts(literal=decode_latex(year_text))
    month_text = fields.get("month", "").strip()
    month = _month(month_text)
    if month_text and month is None and month_text.isdigit():
        problems.append((lines.get("month", at.line), f"'{key}' has an impossible month '{month_text}'",
                         "write a month from 1 to 12 (or jan ... dec)"))
    day_text = fields.get("day", "").strip()
    day = int(day_text) if day_text.isdigit() and month else None
    return checked_date(DateParts(year=int(year_text), month=month, day=day), "day",
                         at.at_line(lines.get("day", at.line)), key, problems)


def checked_date(parts: DateParts, field: str, at: SourceLocation, key: str,
                  problems: list[tuple[int, str, str]]) -> DateParts:
    """A date that exists; an impossible one (2020-13-01, February 30) is the entry's problem."""
    if parts.month is not None and not 1 <= parts.month <= 12:
        problems.append((at.line, f"'{key}' has an impossible month {parts.month} in '{field}'",
                         "write the date as YYYY-MM-DD with a month from 01 to 12"))
        return DateParts(year=parts.year)
    if parts.year is None or parts.month is None or parts.day is None:
        return parts
    try:
        dt.date(parts.year, parts.month, parts.day)
    except ValueError:
        problems.append((at.line, f"'{key}' has an impossible date {parts.year}-{parts.month:02d}-{parts.day:02d} "
                         f"in '{field}'", "correct the day"))
        return DateParts(year=parts.year, month=parts.month)
    return parts


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value[:3])


def iso_date(value: str) -> DateParts:
    """An ISO 8601 / EDTF date as biblatex takes it: ``2020-05-01``, ``1988/1992`` (a range), ``1723~`` (circa),
    ``199X`` or ``199u`` (a decade), ``2004-22`` (a season: the year is kept), ``2016-07-18T20:26Z``."""
    value = value.strip()
    if not value:
        return DateParts()
    if "/" in value:
        start_text, _, end_text = value.partition("/")
        start, end = iso_date(start_text), iso_date(end_text)
        if start.year and end.year and end.year != start.year:
            return DateParts(year=start.year, literal=f"{_year_text(start)}–{_year_text(end)}")
        if start.year:
            return start if end.year else DateParts(year=start.year, literal=f"{_year_text(start)}–")
        return end
    is_approximate = "~" in value or "%" in value
    plain = value.replace("~", "").replace("%", "").replace("?", "")
    unspecified = re.match(r"^(\d{2,3})([uX]{1,2})(?:$|-)", plain)
    if unspecified and len(unspecified.group(1)) + len(unspecified.group(2)) == 4:
        first = int(unspecified.group(1).ljust(4, "0"))
        last = int(unspecified.group(1).ljust(4, "9"))
        return DateParts(year=first, literal=f"{first}–{last}")
    plain = re.sub(r"-(?:uu|XX)", "", plain)
    match = _ISO_DATE.match(plain)
    if not match:
        return DateParts(literal=value)
    year, month, day = (int(group) if group else None for group in match.groups())
    if month is not None and 21 <= month <= 24:  # an EDTF season: only the year is printed
        month = day = None
    if is_approximate:
        return DateParts(year=year, literal=f"ca. {year}")
    return DateParts(year=year, month=month, day=day)


def _year_text(date: DateParts) -> str:
    return date.literal.removeprefix("ca. ") if date.literal else str(date.year)
