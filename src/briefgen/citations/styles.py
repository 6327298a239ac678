"""Citation styles: how a citation mark and a reference-list entry look, as HTML.

A style works on the CSL-JSON-shaped :class:`Reference`, so adding a style means adding
one class here; text from the bibliography is always escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from briefgen.citations.resolve import CitationTable
from briefgen.citations.syntax import Citation, CitationItem
from briefgen.i18n import Messages
from briefgen.model import Name, Reference

_QUOTED_TITLE_TYPES = frozenset({"article-journal", "article-newspaper", "article-magazine", "chapter",
                                 "paper-conference", "webpage", "entry-encyclopedia", "post", "manuscript"})


def entry_anchor(key: str) -> str:
    return "ref-" + "".join(char if char.isalnum() or char in "-_" else "-" for char in key)


class NumericStyle:
    """``[1]``, ``[1, 3]``, ``[2–5]``, ``[2, p. 4]``; narrative ``GAO [3]``; list in number order."""

    name = "numeric"

    def __init__(self, table: CitationTable, messages: Messages) -> None:
        self.table = table
        self.messages = messages

    def render_citation(self, citation: Citation) -> Markup:
        items = [item for item in citation.items if item.key in self.table.numbers]
        if not items:
            return Markup('<span class="citation citation-unknown">[?]</span>')
        if citation.is_narrative:
            item = items[0]
            reference = self.table.references[self.table.number(item.key) - 1]
            return Markup('<span class="citation">{} {}</span>').format(
                short_author(reference, self.messages), self._group([item]))
        return Markup('<span class="citation">{}</span>').format(self._group(items))

    def _group(self, items: Sequence[CitationItem]) -> Markup:
        plain = all(not (item.prefix or item.locator or item.suffix) for item in items)
        if plain:
            numbers = sorted({self.table.number(item.key) for item in items})
            keys = {self.table.number(item.key): item.key for item in items}
            parts = [self._link(keys[first], first if first == last else None, (first, last))
                     for first, last in _ranges(numbers)]
            return Markup("[") + Markup(", ").join(parts) + Markup("]")
        rendered = []
        for item in items:
            text = Markup("")
            if item.prefix:
                text += escape(item.prefix) + " "
            text += self._link(item.key, self.table.number(item.key), None)
            if item.locator:
                text += Markup(", ") + escape(f"{item.label} {item.locator}".strip())
            if item.suffix:
                text += Markup(" ") + escape(item.suffix)
            rendered.append(text)
        return Markup("[") + Markup("; ").join(rendered) + Markup("]")

    def _link(self, key: str, number: int | None, span: tuple[int, int] | None) -> Markup:
        if span is not None and span[0] != span[1]:
            first_key = _key_for(self.table, span[0])
            last_key = _key_for(self.table, span[1])
            return Markup('<a href="#{}">{}</a>–<a href="#{}">{}</a>').format(
                entry_anchor(first_key), span[0], entry_anchor(last_key), span[1])
        return Markup('<a href="#{}">{}</a>').format(entry_anchor(key), number if number else self.table.number(key))

    def entry_label(self, reference: Reference) -> str:
        return f"[{self.table.number(reference.id)}]"

    def render_entry(self, reference: Reference) -> Markup:
        return format_reference(reference, self.messages)


def _key_for(table: CitationTable, number: int) -> str:
    return table.references[number - 1].id


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
        if len(run) >= 3:
            result.append((run[0], run[-1]))
        else:
            result.extend((number, number) for number in run)
    return result


# --- reference list entries ------------------------------------------------------------


def format_reference(reference: Reference, messages: Messages) -> Markup:
    """One entry: creators, title, container, publisher, number, date, URL/DOI, accessed."""
    parts: list[Markup] = []
    creators = format_names(reference.author, reference.et_al, messages)
    if creators:
        parts.append(escape(creators) + _stop(creators))
    if reference.title:
        title = reference.title
        if reference.type in _QUOTED_TITLE_TYPES:
            parts.append(Markup("“{}{}”").format(title, "" if title.endswith(("?", "!", ".")) else "."))
        else:
            parts.append(Markup("<cite>{}</cite>").format(title) + _stop(title))
    details: list[str] = []
    if reference.container_title:
        container = reference.container_title
        if reference.volume:
            container += f" {reference.volume}"
        if reference.issue:
            container += f" ({reference.issue})"
        details.append(container)
    if reference.genre and reference.number:
        details.append(f"{reference.genre} {reference.number}")
    elif reference.number:
        details.append(reference.number)
    elif reference.genre:
        details.append(reference.genre)
    if reference.howpublished:
        details.append(reference.howpublished)
    author_names = {name.literal for name in reference.author if name.literal}
    if reference.publisher and reference.publisher not in author_names:
        details.append(reference.publisher if not reference.publisher_place
                       else f"{reference.publisher_place}: {reference.publisher}")
    if reference.page:
        details.append(f"pp. {reference.page}" if reference.type != "article-journal" else reference.page)
    date = messages.date_parts(reference.issued)
    details.append(date or messages["no_date"])
    detail_text = ", ".join(item for item in details if item)
    parts.append(escape(detail_text) + _stop(detail_text))
    if reference.doi:
        doi_url = "https://doi.org/" + reference.doi
        parts.append(Markup('<a class="url" href="{0}">{0}</a>').format(doi_url))
    elif reference.url:
        parts.append(Markup('<a class="url" href="{0}">{0}</a>').format(reference.url))
    if (reference.url or reference.doi) and (reference.accessed.year or reference.accessed.literal):
        accessed = messages.format("accessed", date=messages.date_parts(reference.accessed))
        parts.append(escape(accessed[:1].upper() + accessed[1:]) + Markup("."))
    return Markup(" ").join(parts)


def _stop(text: str) -> Markup:
    return Markup("") if text.endswith((".", "?", "!")) else Markup(".")


def format_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    rendered = [display_name(name) for name in names]
    if not rendered:
        return ""
    if len(rendered) > 3 or (et_al and rendered):
        return f"{rendered[0]} {messages['et_al']}"
    if len(rendered) == 1:
        return rendered[0]
    return ", ".join(rendered[:-1]) + f" {messages['and']} " + rendered[-1]


def display_name(name: Name) -> str:
    if name.literal:
        return name.literal
    family = f"{name.particle} {name.family}".strip()
    text = f"{name.given} {family}".strip()
    return f"{text}, {name.suffix}" if name.suffix else text


def short_author(reference: Reference, messages: Messages) -> str:
    """"GAO", "Capps et al.", "Nguyen and Gill": the name used in narrative citations."""
    names = reference.author or reference.editor
    if not names:
        return reference.publisher or reference.title
    families = [name.literal or f"{name.particle} {name.family}".strip() for name in names]
    if len(families) >= 3 or reference.et_al:
        return f"{families[0]} {messages['et_al']}"
    if len(families) == 2:
        return f"{families[0]} {messages['and']} {families[1]}"
    return families[0]
