"""Citation styles: how a citation and the source list look, as HTML.

- ``numeric``: ``[1]``, ``[1, 3]``, ``[2–5]``, ``[2, p. 4]``; narrative ``GAO [3]``; the list
  in number order.
- ``apa`` (APA 7; ``author-date`` is another name for it): ``(GAO, 2009, p. 4)``,
  ``(Capps et al., 2011; ICE, 2025)``, narrative ``Capps et al. (2011)``, a/b suffixes for
  works whose author lists and years print the same; the list sorted by what leads each
  entry (author, group author, or title), then year.
- ``chicago-notes`` (Chicago notes and bibliography, 17th ed.; ``notes`` is another name for
  it): a numbered note per citation, full the first time a source is cited and short after
  ("Andersson, “Æstetik og kunst,” 170"); footnotes at the foot of the PDF page, numbered notes
  in HTML; Sources as a Chicago bibliography.

All three work on the CSL-JSON-shaped :class:`Reference`, numeric and APA through
``entries.py``, Chicago through ``chicago.py``; another style is another class here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from briefgen.citations import chicago, chicago_names
from briefgen.citations.chicago import full_note, short_note
from briefgen.citations.entries import (
    format_entry,
    leading_names,
    short_author,
    sort_key,
    year_label,
)
from briefgen.citations.punctuation import attach, page_range
from briefgen.citations.resolve import CitationTable, CitedPlace
from briefgen.citations.syntax import Citation, CitationItem
from briefgen.i18n import Messages
from briefgen.markdown.parser import render_phrase
from briefgen.model import CitationStyle, Reference


def entry_anchor(key: str) -> str:
    return "ref-" + "".join(char if char.isalnum() or char in "-_" else "-" for char in key)


@dataclass(frozen=True, slots=True)
class RenderedEntry:
    anchor: str
    label: str
    html: Markup
    cited_in: tuple[CitedPlace, ...]


class Style:
    """What the renderer asks of a style."""

    name: CitationStyle

    def __init__(self, table: CitationTable, messages: Messages) -> None:
        self.table = table
        self.messages = messages
        self.notes: list[Markup] = []

    def render_citation(self, citation: Citation) -> Markup:
        raise NotImplementedError

    def entries(self) -> list[RenderedEntry]:
        raise NotImplementedError

    def finish_fragment(self, html: str) -> str:
        """A last touch on a rendered piece of text (notes move after punctuation)."""
        return html

    def _known(self, citation: Citation) -> list[CitationItem]:
        return [item for item in citation.items if item.key in self.table.numbers]

    def _is_narrative(self, citation: Citation) -> bool:
        """The author is named in the text: the first written item, when its key is known."""
        return citation.is_narrative and citation.items[0].key in self.table.numbers

    def _reference(self, key: str) -> Reference:
        return self.table.references[self.table.number(key) - 1]

    def _entry(self, reference: Reference, label: str, html: Markup) -> RenderedEntry:
        return RenderedEntry(entry_anchor(reference.id), label, html, self.table.cited_in.get(reference.id, ()))


def locator_value(item: CitationItem) -> str:
    """The locator's value as citeproc prints it: ranges with en dashes (``\\-`` keeps a
    hyphen); for pages, one space after each comma of a list (``12,13`` → ``12, 13``)."""
    value = re.sub(r"(?<!\\)-+", "–", item.locator).replace("\\-", "-")
    if item.locator_type == "page":
        value = re.sub(r"\s*,\s*", ", ", value)
    return value


def note_locator(item: CitationItem) -> str:
    """The cited place in a Chicago note: a page bare ("170", "167–73"), anything else with its term ("chap. 3")."""
    if item.locator_type == "page":
        return page_range(locator_value(item))
    return locator_text(item)


def locator_text(item: CitationItem) -> str:
    """``pp. 3–5``: the term as written, then the value."""
    return f"{item.label} {locator_value(item)}".strip()


def prefix_html(item: CitationItem, language: str = "en") -> Markup:
    return Markup(render_phrase(item.prefix, language))


def suffix_html(item: CitationItem, language: str = "en") -> Markup:
    """The suffix as printed after the key or locator; it carries its own leading comma or space."""
    return Markup(render_phrase(item.suffix, language))


def _decorated(item: CitationItem, core: Markup, language: str = "en") -> Markup:
    """``see`` + core + ``, pp. 3–5`` + suffix: the parts an author wrote around a key."""
    text = (prefix_html(item, language) + Markup(" ") if item.prefix else Markup("")) + core
    if item.locator:
        text += Markup(", ") + escape(locator_text(item))
    return text + suffix_html(item, language)


def _link(key: str, text: str | Markup) -> Markup:
    return Markup('<a href="#{}">{}</a>').format(entry_anchor(key), text)


class NumericStyle(Style):
    name: CitationStyle = "numeric"

    def render_citation(self, citation: Citation) -> Markup:
        items = self._known(citation)
        if not items:
            return Markup('<span class="citation citation-unknown">[?]</span>')
        if self._is_narrative(citation):
            return Markup('<span class="citation">{} {}</span>').format(
                short_author(self._reference(items[0].key), self.messages), self._group(items))
        return Markup('<span class="citation">{}</span>').format(self._group(items))

    def _group(self, items: Sequence[CitationItem]) -> Markup:
        if all(not (item.prefix or item.locator or item.suffix) for item in items):
            numbers = sorted({self.table.number(item.key) for item in items})
            parts = []
            for first, last in _ranges(numbers):
                first_key, last_key = self._key(first), self._key(last)
                parts.append(_link(first_key, str(first)) if first == last
                             else _link(first_key, str(first)) + Markup("–") + _link(last_key, str(last)))
            return Markup("[") + Markup(", ").join(parts) + Markup("]")
        rendered = [_decorated(item, _link(item.key, str(self.table.number(item.key))), self.messages.language)
                    for item in items]
        return Markup("[") + Markup("; ").join(rendered) + Markup("]")

    def _key(self, number: int) -> str:
        return self.table.references[number - 1].id

    def entries(self) -> list[RenderedEntry]:
        return [self._entry(ref, f"[{self.table.number(ref.id)}]", format_entry(ref, self.messages))
                for ref in self.table.references]


def _ranges(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5] → [(1, 3), (5, 5)]; only runs of three or more become ranges."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    result: list[tuple[int, int]] = []
    for run in runs:
        result.extend([(run[0], run[-1])] if len(run) >= 3 else [(n, n) for n in run])
    return result


class ApaStyle(Style):
    name: CitationStyle = "apa"

    def __init__(self, table: CitationTable, messages: Messages) -> None:
        super().__init__(table, messages)
        self.ordered = sorted(table.references, key=lambda ref: sort_key(ref, messages))
        self.suffixes = _year_suffixes(self.ordered, messages)

    def _year(self, reference: Reference) -> str:
        return year_label(reference, self.messages) + self.suffixes.get(reference.id, "")

    def render_citation(self, citation: Citation) -> Markup:
        items = self._known(citation)
        if not items:
            return Markup('<span class="citation citation-unknown">(?)</span>')
        rendered = []
        for index, item in enumerate(items):
            reference = self._reference(item.key)
            is_named = item.suppress_author or index == 0 and self._is_narrative(citation)
            author = Markup("") if is_named else escape(short_author(reference, self.messages)) + Markup(", ")
            rendered.append(_decorated(item, author + _link(item.key, self._year(reference)), self.messages.language))
        if self._is_narrative(citation):
            return Markup('<span class="citation">{} ({})</span>').format(
                short_author(self._reference(items[0].key), self.messages), Markup("; ").join(rendered))
        return Markup('<span class="citation">(') + Markup("; ").join(rendered) + Markup(")</span>")

    def entries(self) -> list[RenderedEntry]:
        return [self._entry(ref, "", format_entry(ref, self.messages, year_suffix=self.suffixes.get(ref.id, ""),
                                                  author_date=True))
                for ref in self.ordered]


def _year_suffixes(ordered: Sequence[Reference], messages: Messages) -> dict[str, str]:
    """2011a, 2011b for works whose whole author lists and years print the same (list order decides)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for reference in ordered:
        groups.setdefault((leading_names(reference, messages), year_label(reference, messages)), []).append(reference.id)
    suffixes: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) > 1:
            for index, key in enumerate(keys):
                suffixes[key] = string.ascii_lowercase[index % 26]
    return suffixes


class ChicagoNotesStyle(Style):
    """Chicago notes and bibliography (CMOS 17): a full note the first time a source is cited,
    a short note after; Sources as a Chicago bibliography (``citations/chicago.py``)."""

    name: CitationStyle = "chicago-notes"

    def __init__(self, table: CitationTable, messages: Messages) -> None:
        super().__init__(table, messages)
        self.seen: set[str] = set()

    def render_citation(self, citation: Citation) -> Markup:
        items = self._known(citation)
        if not items:
            return Markup('<span class="citation citation-unknown">[?]</span>')
        parts = []
        for item in items:
            reference = self._reference(item.key)
            locator = note_locator(item)
            form = short_note if item.key in self.seen else full_note
            self.seen.add(item.key)
            core = form(reference, self.messages, locator=locator, href=entry_anchor(item.key))
            prefix = prefix_html(item, self.messages.language) + Markup(" ") if item.prefix else Markup("")
            parts.append(prefix + core + suffix_html(item, self.messages.language))
        note = attach(Markup("; ").join(parts), ".", self.messages)
        self.notes.append(note)
        number = len(self.notes)
        call = Markup('<a class="note-call" id="note-ref-{0}" href="#note-{0}"><sup>{0}</sup></a>'
                      '<span class="footnote">{1}</span>').format(number, note)
        if self._is_narrative(citation):
            return Markup('<span class="citation">{}{}</span>').format(short_author(self._reference(items[0].key),
                                                                                  self.messages), call)
        return Markup('<span class="citation">{}</span>').format(call)

    def entries(self) -> list[RenderedEntry]:
        ordered = sorted(self.table.references, key=lambda ref: chicago_names.sort_key(ref, self.messages))
        rendered: list[RenderedEntry] = []
        previous = ""
        for reference in ordered:
            leading = chicago_names.leading_creators(reference, self.messages)
            entry = chicago.bibliography_entry(reference, self.messages, repeats_creators=leading == previous)
            rendered.append(self._entry(reference, "", entry))
            previous = leading
        return rendered

    def finish_fragment(self, html: str) -> str:
        """Notes sit right after the word, and after a following punctuation mark: "stop.¹"."""
        return _NOTE_BEFORE_PUNCTUATION.sub(r"\2\1", _SPACE_BEFORE_NOTE.sub(r"\1", html))


_NOTE = r'<span class="citation"><a class="note-call"(?:(?!</span></span>).)*</span></span>'
_SPACE_BEFORE_NOTE = re.compile(r"\s+(" + _NOTE + ")", re.DOTALL)
_NOTE_BEFORE_PUNCTUATION = re.compile("(" + _NOTE + r")([.,;:!?])", re.DOTALL)


STYLES: dict[str, type[Style]] = {"numeric": NumericStyle, "apa": ApaStyle, "author-date": ApaStyle,
                                  "chicago-notes": ChicagoNotesStyle, "notes": ChicagoNotesStyle}
"""``author-date`` is the name ``apa`` had before it followed APA 7, and ``notes`` the name
``chicago-notes`` had before it followed the Chicago Manual; both pairs stay."""
ALIASES: dict[str, str] = {"author-date": "apa", "notes": "chicago-notes"}
"""Other names of a style → its own name."""


def make_style(name: CitationStyle, table: CitationTable, messages: Messages) -> Style:
    return STYLES[name](table, messages)
