"""Evidence: a paragraph, list item or table row that states a number, a percentage, a
money amount or a year must cite a source somewhere in it.

Not claims: headings, table header rows, questions, statute and document identifiers
(``287(g)``, ``(g)(1)``, ``8 U.S.C. 1357``, ``Executive Order 14159``, ``GAO-21-186``), and
the date the brief's facts were checked ("as of January 24, 2026"). The disclaimer and the
call to action are not checked: they frame the brief rather than state its facts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from briefgen.check.editions import CheckedEdition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.markdown.plain import CHECKED, inline_text
from briefgen.markdown.tokens import walk_tokens
from briefgen.model import EditionText

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|"
           "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre")
_DATE = (rf"(?:\d{{4}}-\d{{2}}-\d{{2}}"
         rf"|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}"
         rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}"
         rf"|(?:{_MONTHS})\.?\s+(?:de\s+)?\d{{4}})")
_CHECKED_PHRASE = re.compile(
    rf"\b(?:last\s+)?(?:checked|verified|reviewed|updated|verificad[oa]s?|revisad[oa]s?|comprobad[oa]s?)"
    rf"(?:\s+(?:on|in|as\s+of|el|en|a))?\s+{_DATE}", re.IGNORECASE)
IDENTIFIERS = re.compile(
    r"\w*\([a-z]{1,3}\)(?:\([0-9a-z]{1,4}\))*"  # 287(g), (g)(1), 1357(g)(10)
    r"|\b\d+\s+(?:U\.\s?S\.\s?C\.|C\.\s?F\.\s?R\.|U\.\s?S\.|Stat\.|F\.\s?(?:Supp\.\s?)?(?:\dd|\d[a-z]{2})?)\s*§*\s*[\d.()a-z–-]*"
    r"|§+\s*[\d.()a-z–-]+"
    r"|\b(?:executive\s+order|e\.\s?o\.|eo|public\s+law|pub\.\s?l\.|p\.\s?l\.|h\.\s?r\.|s\.|section|sec\.|title|chapter"
    r"|article|art\.|paragraph|para\.|rule|form|model|option|step|phase|tier|level|part|item|appendix|table|figure"
    r"|fig\.|page|pp?\.|no\.|number|version|orden\s+ejecutiva|ley|secci[oó]n|art[ií]culo|p[aá]gina|paso|opci[oó]n)"
    r"\s+(?:no\.\s*)?\d[\w.-]*"
    r"|\b[A-Za-z]+(?:[-/][A-Za-z0-9]+)*[-/]\d[\w./-]*",  # GAO-21-186, OIG-18-77, I-247A, COVID-19
    re.IGNORECASE)
_CLAIMS = (
    ("date", re.compile(rf"\b{_DATE}", re.IGNORECASE)),
    ("percentage", re.compile(r"\d[\d.,]*\s?(?:%|percent\b|per\s?cent\b|por\s+ciento\b)", re.IGNORECASE)),
    ("money amount", re.compile(r"[$€£¥]\s?\d[\d.,]*(?:\s?(?:million|billion|trillion)\b)?"
                                r"|\b\d[\d.,]*\s?(?:dollars|usd|euros|d[oó]lares|million|billion|trillion"
                                r"|millones|mil\s+millones)\b", re.IGNORECASE)),
    ("year", re.compile(r"(?<![\w.,/-])(?:1[89]\d\d|20\d\d)(?![\w/-]|[.,]\d)")),
    ("number", re.compile(r"(?<![\w./-])\d+(?:[.,]\d+)*(?![\w(/-]|[.,]\d)")),
)
_QUESTION = re.compile(r"[^.!?]*\?(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str
    snippet: str
    matched: str


def check_evidence(editions: Sequence[CheckedEdition], diagnostics: Diagnostics) -> None:
    for checked in editions:
        edition = checked.edition
        dates = checked_dates(edition.brief.checked, edition.language)
        for text in edition.texts(include_disclaimer=False):
            check_text(text, dates, diagnostics)


def check_text(text: EditionText, checked: Sequence[str], diagnostics: Diagnostics) -> None:
    cited_notes = cited_footnotes(text.tokens)
    for unit in text_units(text.tokens):
        if any(is_citing(token, cited_notes) for token in unit.inlines):
            continue
        claim = find_claim(" ".join(inline_text(token.children or (), CHECKED) for token in unit.inlines), checked)
        if claim is None:
            continue
        line = text.source.location.line + unit.line + line_in(unit.inlines, claim.matched)
        diagnostics.warning(SourceLocation(text.source.location.path, line),
                            f"uncited claim: '{claim.snippet}' states a {claim.kind}, and its "
                            f"{unit.kind} cites no source",
                            "cite the source in this " + unit.kind + ", e.g. [@key]", rule="evidence/uncited-claim")


def find_claim(text: str, checked: Sequence[str] = ()) -> Claim | None:
    """The first figure in ``text`` that needs a source, or None."""
    cleaned = blank(_CHECKED_PHRASE, text)
    for date in checked:
        cleaned = blank(re.compile(rf"(?:\bas\s+of\s+|\bby\s+|\bon\s+|\bal?\s+)?{re.escape(date)}", re.IGNORECASE),
                         cleaned)
    cleaned = blank(IDENTIFIERS, blank(_QUESTION, cleaned))
    found: list[tuple[int, str, re.Match[str]]] = []
    for kind, pattern in _CLAIMS:
        match = pattern.search(cleaned)
        if match:
            found.append((match.start(), kind, match))
    if not found:
        return None
    _start, kind, match = min(found, key=lambda item: item[0])
    return Claim(kind, _snippet(text, match.start(), match.end()), match.group().strip())


def blank(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every match of ``pattern`` replaced by as many spaces: positions stay put."""
    return pattern.sub(lambda match: " " * len(match.group()), text)


def checked_dates(checked: dt.date | None, language: str) -> list[str]:
    """The ways an edition may write its 'checked' date: ISO, the edition's language, English."""
    if checked is None:
        return []
    forms = {checked.isoformat(), messages_for(language).date(checked), messages_for("en").date(checked)}
    english = messages_for("en").months[checked.month - 1]
    forms |= {f"{checked.day} {english} {checked.year}", f"{english[:3]}. {checked.day}, {checked.year}"}
    return sorted(forms, key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class TextUnit:
    kind: str
    """paragraph or table row"""
    line: int
    """0-based line inside the text"""
    inlines: tuple[Token, ...]


def text_units(tokens: Sequence[Token]) -> Iterator[TextUnit]:
    """Paragraphs (in lists, quotes and footnotes too) and table body rows; never headings or header rows."""
    in_head = False
    row: list[Token] = []
    row_line = 0
    for index, token in enumerate(tokens):
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            row, row_line = [], token.map[0] if token.map else 0
        elif token.type == "inline" and index > 0 and tokens[index - 1].type in ("td_open",) and not in_head:
            row.append(token)
        elif token.type == "tr_close" and not in_head and row:
            yield TextUnit("table row", row_line, tuple(row))
            row = []
        elif token.type == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
            yield TextUnit("paragraph", token.map[0] if token.map else 0, (token,))


def is_citing(token: Token, cited_notes: set[int]) -> bool:
    for child in walk_tokens(token.children or []):
        if child.type == "citation":
            return True
        if child.type == "footnote_ref" and child.meta and child.meta.get("id") in cited_notes:
            return True
    return False


def cited_footnotes(tokens: Sequence[Token]) -> set[int]:
    cited: set[int] = set()
    current: int | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta.get("id") if token.meta else None
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type == "inline" and is_citing(token, set()):
            cited.add(current)
    return cited



def line_in(inlines: Sequence[Token], matched: str) -> int:
    """Lines between the unit's first line and the one holding ``matched`` (0 when unknown)."""
    content = inlines[0].content if inlines else ""
    position = content.find(matched)
    return content.count("\n", 0, position) if position > 0 else 0


def _snippet(text: str, start: int, end: int, width: int = 36) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    left = text.rfind(" ", 0, left) + 1 if left > 0 else 0
    right_space = text.find(" ", right)
    right = right_space if right < len(text) and right_space != -1 else len(text)
    snippet = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")
