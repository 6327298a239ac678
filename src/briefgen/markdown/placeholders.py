"""Data placeholders: ``{{< data COLUMN >}}`` or ``{{< data COLUMN FORMAT >}}``.

A placeholder is a column name and a named format, nothing else: no expression, no template
code. The inline rule turns one into a ``data_placeholder`` token when the text is parsed
(once per audience); each place's edition then swaps the tokens for text tokens holding the
row's value (:func:`fill_placeholders`), so the value is always text, never markup. The
same form works in titles (:func:`fill_plain`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from briefgen.markdown.context import Env

FORMATS = ("text", "number", "percent", "currency", "date")
CURRENCY = "USD"
"""The currency of ``currency`` values."""
PLACEHOLDER = re.compile(r"\{\{<\s*data\b(?P<args>[^>]*?)\s*>\}\}")
PLACEHOLDER_HINT = "write {{< data COLUMN >}} or {{< data COLUMN FORMAT >}}, FORMAT one of " + ", ".join(FORMATS)
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


@dataclass(frozen=True, slots=True)
class Placeholder:
    column: str
    format: str
    written: str


class ValueProblem(Exception):
    """A row's value cannot be shown in a placeholder's format."""


def read_placeholder(args: str) -> Placeholder | str:
    """The placeholder of ``{{< data ARGS >}}``, or what is wrong with it."""
    words = args.split()
    written = "{{< data " + " ".join(words) + " >}}"
    if not words or len(words) > 2:
        return f"'{written}' needs a column name and at most a format"
    if not _NAME.match(words[0]):
        return f"'{words[0]}' in '{written}' is not a column name"
    fmt = words[1] if len(words) == 2 else "text"
    if fmt not in FORMATS:
        return f"unknown format '{fmt}' in '{written}' (formats: {', '.join(FORMATS)})"
    return Placeholder(words[0], fmt, written)


def placeholder_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.after("text", "data_placeholder", _placeholder_rule)
    md.add_render_rule("data_placeholder", _render_unfilled)


def _placeholder_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("{{<", state.pos):
        return False
    found = PLACEHOLDER.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        read = read_placeholder(found.group("args"))
        token = state.push("data_placeholder", "", 0)
        token.content = found.group(0)
        token.meta = {"offset": state.pos}
        if isinstance(read, str):
            token.meta["problem"] = read
        else:
            token.meta["placeholder"] = read
    state.pos = found.end()
    return True


def _render_unfilled(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A placeholder no place filled (the brief has no ``places:``): reported, shown as written."""
    return escape_html(tokens[idx].content)


# --- formatting a row's value ---------------------------------------------------------------


def babel_locale(language: str) -> str:
    """The Babel locale of an edition language (``en`` → ``en_US``, ``es-MX`` → ``es_MX``)."""
    tag = language.replace("-", "_") or "en"
    return "en_US" if tag == "en" else tag


def format_value(value: str, fmt: str, language: str) -> str:
    """``value`` as ``fmt`` in ``language``; :class:`ValueProblem` when it is empty or not of that kind."""
    import babel.dates
    import babel.numbers

    text = value.strip()
    if not text:
        raise ValueProblem("is empty")
    if fmt == "text":
        return text
    locale = babel_locale(language)
    if fmt == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueProblem(f"'{text}' is not a date written YYYY-MM-DD") from None
        return str(babel.dates.format_date(day, format="long", locale=locale))
    number = parse_number(text.removesuffix("%") if fmt == "percent" else text)
    if number is None:
        raise ValueProblem(f"'{text}' is not a number")
    if fmt == "number":
        return str(babel.numbers.format_decimal(number, locale=locale))
    if fmt == "percent":
        share = number / 100 if text.endswith("%") or abs(number) > 1 else number
        return str(babel.numbers.format_percent(share, locale=locale, decimal_quantization=False))
    return str(babel.numbers.format_currency(number, CURRENCY, locale=locale))


def parse_number(text: str) -> Decimal | None:
    """A number as a CSV writes it: ``1234.5``, ``-3``, ``1,234,567`` (thousands with commas)."""
    cleaned = text.strip().replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text.strip()) else text.strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def fill_plain(text: str, values: dict[str, str] | None, language: str) -> tuple[str, list[str]]:
    """A title with its placeholders filled from ``values``, and the problems found."""
    problems: list[str] = []

    def fill(found: re.Match[str]) -> str:
        read = read_placeholder(found.group("args"))
        if isinstance(read, str):
            problems.append(read)
            return found.group(0)
        if values is None or read.column not in values:
            problems.append(f"unknown column '{read.column}' in '{read.written}'")
            return found.group(0)
        try:
            return format_value(values[read.column], read.format, language)
        except ValueProblem as problem:
            problems.append(f"column '{read.column}' {problem}")
            return found.group(0)

    return (PLACEHOLDER.sub(fill, text) if "{{<" in text else text), problems
