"""Chicago notes and bibliography (The Chicago Manual of Style, 17th edition), as HTML.

Three forms of one :class:`Reference`:

- the **full note**, the first time a source is cited: names in reading order, commas between
  the parts, publication facts in parentheses, the cited page last but one, the link last::

      Sten-Ingvar Andersson, “Æstetik og kunst,” in Landskab og landskabsarkitektur, ed. Ib
      Asger Olsen (Biofolia, 2003), 170, https://…

- the **short note**, every later time: the authors' family names, the short title, the page::

      Andersson, “Æstetik og kunst,” 170

- the **bibliography entry** in Sources: the first author inverted, periods between the parts::

      Andersson, Sten-Ingvar. “Æstetik og kunst.” In Landskab og landskabsarkitektur, edited by Ib
      Asger Olsen, 167–73. Biofolia, 2003. https://…

Titles of whole works are italic (``<cite>``), titles of parts quoted; in English a comma or
period after a closing quote moves inside it. Access dates print only for sources with no
date of their own (CMOS 14.12). Every label comes from the edition's message catalogue, so a
Spanish edition reads «Título», trad., n.º, consultado el ….
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from briefgen.citations.chicago_names import creators, listed_names, note_names, short_names
from briefgen.citations.entries import date_label, is_web_address, linked, localised, reference_url
from briefgen.citations.punctuation import attach, join_parts, page_range
from briefgen.i18n import Messages
from briefgen.model import Reference

REPEATED_CREATORS = "———"
"""The 3-em dash that stands for the creators of the entry above (CMOS 14.67)."""

QUOTED_TYPES = frozenset({"article-journal", "article-newspaper", "article-magazine", "chapter", "paper-conference",
                          "webpage", "entry-encyclopedia", "entry-dictionary", "post", "post-weblog", "manuscript",
                          "thesis", "document", "speech", "review", "review-book"})
"""Parts of something larger, and unpublished works: their titles go in quotation marks."""
PLAIN_TYPES = frozenset({"legislation", "legal_case", "bill", "treaty", "patent", "interview"})
"""Laws, cases, patents and interviews: titles in roman, without quotation marks."""
PERIODICAL_TYPES = frozenset({"article-journal", "article-newspaper", "article-magazine"})
IN_A_BOOK_TYPES = frozenset({"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary"})
YEAR_ONLY_TYPES = frozenset({"book", "chapter", "paper-conference", "thesis", "motion_picture", "song"})
"""Dated by the year alone, as the CSL style does, even when the entry knows the day (laws and
orders keep their day: the CSL style drops it, but an executive order is known by it)."""
DATED_BY_DAY_TYPES = frozenset({"article-newspaper", "article-magazine", "webpage", "post", "post-weblog"})
"""Newspapers, magazines and web pages: the date stands in the text, not in parentheses."""


# --- titles -----------------------------------------------------------------------------


def title_html(reference: Reference, messages: Messages, *, is_short: bool = False) -> Markup:
    """The title, italic for a whole work, quoted for a part, plain for a law; marked with its
    language when that is not the edition's."""
    text = chicago_short_title(reference) if is_short else reference.title
    title: Markup = linked(text)
    language = reference.language
    if language and language.split("-")[0].lower() != messages.language.split("-")[0].lower():
        title = Markup('<span lang="{}">{}</span>').format(language, title)
    if reference.type in PLAIN_TYPES:
        return title
    if reference.type in QUOTED_TYPES:
        return Markup("{}{}{}").format(messages["quote_open"], title, messages["quote_close"])
    return Markup("<cite>{}</cite>").format(title)


SHORT_TITLE_WORDS = 4
_FUNCTION_WORDS = frozenset("a an the and or of for in on to at by with from as de del la las el los y en para por con "
                            "sobre".split())


def chicago_short_title(reference: Reference) -> str:
    """The title of a short note (CMOS 14.32): ``shorttitle`` when given, else the main title
    (before a colon), or its first clause when that is four words or fewer, else its first four
    words without a leading article and without a dangling "of" or "and" at the end."""
    if reference.short_title:
        return reference.short_title
    title = reference.title.split(": ")[0].strip()
    words = title.split()
    if len(words) <= SHORT_TITLE_WORDS:
        return title
    clause = title.split(", ")[0]
    if len(clause.split()) <= SHORT_TITLE_WORDS:  # "S.B. No. 8, 89th Legislature, Regular Session" → "S.B. No. 8"
        return clause
    if words[0].casefold() in ("the", "a", "an"):
        words = words[1:]
    words = words[:SHORT_TITLE_WORDS]
    while len(words) > 1 and words[-1].casefold().strip(",;") in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;")


def container_html(reference: Reference) -> Markup:
    return Markup("<cite>{}</cite>").format(linked(reference.container_title)) if reference.container_title else Markup("")


# --- the parts of an entry --------------------------------------------------------------


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _contributors(reference: Reference, messages: Messages, *, is_note: bool) -> list[str]:
    """Editors beside an author (of a whole work) and translators: "ed. …"/"trans. …" in a
    note, "Edited by …"/"Translated by …" in the bibliography."""
    found: list[str] = []
    names = note_names if is_note else listed_names
    if reference.editor and reference.author and reference.type not in IN_A_BOOK_TYPES:
        label = messages["editor_abbrev"] if is_note else _capitalised(messages["edited_by"])
        found.append(f"{label} {names(reference.editor, False, messages)}")
    if reference.translator and (reference.author or reference.editor or reference.group_author):
        label = messages["translator_abbrev"] if is_note else _capitalised(messages["translated_by"])
        found.append(f"{label} {names(reference.translator, False, messages)}")
    return found

def _pages(page: str, messages: Messages) -> str:
    page = page_range(page)
    label = messages["pages_abbrev"] if any(mark in page for mark in "–-,") else messages["page_abbrev"]
    return f"{label} {page}"


def _facts(reference: Reference, messages: Messages, *, is_note: bool) -> list[str]:
    """Volume, edition, report number, series and the like: what stands between the title
    and the publisher."""
    facts: list[str] = []
    if reference.volume and reference.type not in PERIODICAL_TYPES and not _is_volume_of(reference):
        facts.append(f"{messages['volume_abbrev']} {reference.volume}")
    if reference.page and reference.type not in PERIODICAL_TYPES | IN_A_BOOK_TYPES and not is_note:
        facts.append(_pages(reference.page, messages))
    if reference.edition:
        facts.append(localised(reference.edition, messages) if not reference.edition.isdigit() else
                     messages.format("edition_format", ordinal=_ordinal(reference.edition), number=reference.edition))
    genre = localised(reference.genre, messages) if reference.type != "thesis" else ""
    facts.append(f"{genre} {reference.number}".strip())
    if reference.collection_title:
        facts.append(localised(reference.collection_title, messages))
    if reference.howpublished:
        facts.append(reference.howpublished)
    facts = [fact for fact in facts if fact]
    return facts if is_note else [_capitalised(fact) for fact in facts]


def _ordinal(number: str) -> str:
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _date(reference: Reference, messages: Messages) -> str:
    """The date as given (the year alone for books, chapters and theses), else the publication
    state ("forthcoming"), else nothing when an access date stands for it, else "n.d."."""
    issued = reference.issued
    if issued.year or issued.literal:
        is_year_only = reference.type in YEAR_ONLY_TYPES and issued.year and not issued.literal
        date = str(issued.year) if is_year_only else messages.date_parts(issued)
        return f"{date}, {localised(reference.status, messages)}" if reference.status else date
    if reference.status:
        return localised(reference.status, messages)
    return "" if _accessed(reference, messages) else date_label(issued, messages)


def _publication(reference: Reference, messages: Messages) -> str:
    """"Place: Publisher, 2003", or for a thesis "PhD thesis, University, 2010"."""
    author_names = {name.literal for name in reference.author if name.literal} | {reference.group_author}
    publisher = reference.publisher if reference.publisher not in author_names or reference.type == "thesis" else ""
    if publisher and reference.publisher_place:
        publisher = f"{reference.publisher_place}: {publisher}"
    elif reference.publisher_place and not publisher:
        publisher = reference.publisher_place
    genre = _thesis_genre(reference, messages) if reference.type == "thesis" else ""
    return ", ".join(item for item in (genre, publisher, _date(reference, messages)) if item)


def _thesis_genre(reference: Reference, messages: Messages) -> str:
    """"PhD diss." for a doctoral thesis (CMOS 14.218), in the edition's words; other genres as written."""
    chicago_words = messages.labels.get(f"chicago_genre_{reference.genre.strip().lower()}")
    return chicago_words or localised(reference.genre, messages)


def _is_published(reference: Reference, messages: Messages) -> bool:
    """A publisher, a place or a thesis genre: what a note puts in parentheses with the date."""
    return _publication(reference, messages) != _date(reference, messages)


def _periodical(reference: Reference, messages: Messages) -> Markup:
    """"<cite>Journal</cite> 44, no. 6 (December 2008)"; a newspaper: "<cite>Paper</cite>, March 3, 2019"."""
    journal = container_html(reference)
    if reference.type != "article-journal" or not (reference.volume or reference.issue):
        return join_parts([journal, linked(reference.issue_title), escape(_date(reference, messages))], ",", messages)
    volume = escape(reference.volume)
    first = journal + Markup(" ") + volume if journal and volume else journal or volume
    issue = escape(f"{messages['issue_abbrev']} {reference.issue}" if reference.issue else "")
    numbering = join_parts([first, issue, linked(reference.issue_title)], ",", messages)
    return numbering + Markup(" ({})").format(_date(reference, messages))


def _in_book(reference: Reference, messages: Messages, *, is_note: bool) -> Markup:
    """"in <cite>Book</cite>, ed. Editor" (note) or "In <cite>Book</cite>, edited by Editor" (bibliography)."""
    if not reference.container_title:
        return Markup("")
    word = messages["in"].lower() if is_note else messages["in"]
    book = Markup("{} {}").format(word, container_html(reference))
    if reference.editor and reference.author:
        label, names = (messages["editor_abbrev"], note_names) if is_note else (messages["edited_by"], listed_names)
        book = join_parts([book, escape(f"{label} {names(reference.editor, False, messages)}")], ",", messages)
    return book


_SENTENCE_STOP = re.compile(r"(\d|\)|[^\W\d_]{4})\.$")


def _without_stop(text: str) -> str:
    """A note field without the period that ends its sentence ("released Mar. 4, 2009." → "… 2009"),
    so the entry's own punctuation follows; an abbreviation ("Inc.") keeps its period."""
    return _SENTENCE_STOP.sub(r"\1", text.strip())


def _is_volume_of(reference: Reference) -> bool:
    return bool(reference.volume and reference.container_title and reference.type not in PERIODICAL_TYPES
                and reference.type not in IN_A_BOOK_TYPES)


def _whole_work(reference: Reference, messages: Messages) -> Markup:
    """The work a book belongs to: "vol. 2 of <cite>Collected Economics</cite>" (CMOS 14.123)."""
    if _is_volume_of(reference):
        return Markup("{} {} {} {}").format(messages["volume_abbrev"], reference.volume, messages["volume_of"],
                                            container_html(reference))
    return container_html(reference)


def _capitalised_markup(text: Markup) -> Markup:
    plain = str(text)
    return Markup(plain[:1].upper() + plain[1:]) if plain[:1] != "<" else text


def _accessed(reference: Reference, messages: Messages) -> str:
    """"accessed January 18, 2014": only for a source with a link and no date of its own (CMOS 14.12)."""
    has_date = reference.issued.year or reference.issued.literal
    if has_date or not reference_url(reference) or not (reference.accessed.year or reference.accessed.literal):
        return ""
    return messages.format("accessed", date=messages.date_parts(reference.accessed))


def link_html(reference: Reference) -> Markup:
    """The DOI (as a https://doi.org/ address) or URL, a link when it is a web address."""
    link = reference_url(reference)
    if not link:
        return Markup("")
    if is_web_address(link):
        return Markup('<a class="url" href="{0}">{0}</a>').format(link)
    return Markup('<span class="url">{}</span>').format(link)  # javascript:, file: … shown, never a link


def _anchored(href: str, text: Markup) -> Markup:
    return Markup('<a href="#{}">{}</a>').format(href, text) if href and text else text


# --- the three forms --------------------------------------------------------------------


def full_note(reference: Reference, messages: Messages, *, locator: str = "", href: str = "") -> Markup:
    """The first note for a source, without its final period; ``locator`` is the cited place
    as printed ("170", "chap. 3"), and ``href`` the anchor of its entry in Sources (the head of
    the note links there)."""
    head = [escape(creators(reference, messages, is_note=True)), title_html(reference, messages)]
    head += [escape(item) for item in _contributors(reference, messages, is_note=True)]
    point = locator
    separator = ","
    if reference.type in PERIODICAL_TYPES:
        head.append(_periodical(reference, messages))
        point = locator or page_range(reference.page)
        separator = ":" if reference.type == "article-journal" and (reference.volume or reference.issue) else ","
        text = join_parts(head, ",", messages)
    else:
        if reference.type in IN_A_BOOK_TYPES:
            head.append(_in_book(reference, messages, is_note=True))
            point = locator or page_range(reference.page)
        elif reference.container_title:
            head.append(_whole_work(reference, messages))
        head += [escape(fact) for fact in _facts(reference, messages, is_note=True)]
        if reference.type in DATED_BY_DAY_TYPES or not _is_published(reference, messages):
            head.append(escape(_publication(reference, messages)))
            text = join_parts(head, ",", messages)
        else:
            text = join_parts(head, ",", messages) + Markup(" ({})").format(_publication(reference, messages))
    text = _anchored(href, text)
    if point:
        text = (text + Markup(": ") + escape(point) if separator == ":" else
                join_parts([text, escape(point)], ",", messages))
    tail = [linked(_without_stop(reference.note)), escape(_accessed(reference, messages)), link_html(reference)]
    return join_parts([text, *tail], ",", messages)


def short_note(reference: Reference, messages: Messages, *, locator: str = "", href: str = "") -> Markup:
    """A later note for a source: "Andersson, “Æstetik og kunst,” 170", without its final period."""
    names = short_names(reference, messages)
    title = title_html(reference, messages, is_short=True)
    if names == chicago_short_title(reference):  # shortauthor = short title ("Fla. Stat. § 908.11"): once
        names = ""
    text = _anchored(href, join_parts([escape(names), title], ",", messages))
    return join_parts([text, escape(locator)], ",", messages)


def bibliography_entry(reference: Reference, messages: Messages, *, repeats_creators: bool = False) -> Markup:
    """The entry in Sources, ending with its period; with ``repeats_creators`` the creators of
    the entry above are replaced by a 3-em dash."""
    who = creators(reference, messages, is_note=False)
    parts = [escape(REPEATED_CREATORS if who and repeats_creators else who), title_html(reference, messages)]
    parts += [escape(item) for item in _contributors(reference, messages, is_note=False)]
    if reference.type in PERIODICAL_TYPES:
        periodical = _periodical(reference, messages)
        if reference.page:
            has_numbers = reference.type == "article-journal" and (reference.volume or reference.issue)
            periodical += (Markup(": ") if has_numbers else Markup(", ")) + page_range(reference.page)
        parts.append(periodical)
    else:
        if reference.type in IN_A_BOOK_TYPES:
            parts.append(join_parts([_in_book(reference, messages, is_note=False), escape(page_range(reference.page))], ",",
                                    messages))
        elif reference.container_title:
            parts.append(_capitalised_markup(_whole_work(reference, messages)))
        parts += [escape(fact) for fact in _facts(reference, messages, is_note=False)]
        publication = escape(_capitalised(_publication(reference, messages)))
        if reference.type in DATED_BY_DAY_TYPES and reference.container_title and parts[-1] == container_html(reference):
            parts[-1] = join_parts([parts[-1], publication], ",", messages)
        else:
            parts.append(publication)
    parts += [linked(_capitalised(_without_stop(reference.note))), escape(_capitalised(_accessed(reference, messages))),
              link_html(reference)]
    if reference.type in PLAIN_TYPES:  # a law or a case reads as one citation: "Pub. L. 104-208, 110 Stat. 3009, 1996."
        law = [join_parts(parts[:2], ".", messages), join_parts(parts[2:-3], ",", messages), *parts[-3:]]
        return attach(join_parts(law, ".", messages), ".", messages)
    return attach(join_parts(parts, ".", messages), ".", messages)
