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
import unicodedata
from collections.abc import Sequence

from markupsafe import Markup, escape

from briefgen.citations.entries import (
    date_label,
    is_web_address,
    linked,
    localised,
    reference_url,
    short_title,
)
from briefgen.i18n import Messages
from briefgen.model import Name, Reference

NOTE_LISTED_NAMES = 3
"""A note names up to three authors; from four, the first and "et al." (CMOS 14.76)."""
BIBLIOGRAPHY_LISTED_NAMES = 10
BIBLIOGRAPHY_NAMES_BEFORE_ET_AL = 7
"""The bibliography names up to ten authors; from eleven, the first seven and "et al." (CMOS 14.76)."""
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

_ENDS_IN_QUOTE = re.compile(r"([”’])((?:</(?:a|span|cite)>)*)$")
_TRAILING_CLOSERS = re.compile(r"(?:[”’»]|</(?:a|span|cite)>)+$")


# --- punctuation ------------------------------------------------------------------------


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


# --- names ------------------------------------------------------------------------------


def reading_name(name: Name) -> str:
    """"Randy Capps", "Ludwig van Beethoven", "Martin Luther King Jr.", or an organisation as written."""
    if name.literal:
        return name.literal
    text = " ".join(part for part in (name.given, _with_family(name)) if part)
    return f"{text} {name.suffix}".strip() if name.suffix else text


def _with_family(name: Name) -> str:
    """"van Gogh", "d’Almeida", "al-One": a particle ending in an apostrophe or a hyphen joins the name."""
    particle = name.particle.replace("'", "’")
    if particle.endswith(("’", "-")):
        return particle + name.family
    return f"{particle} {name.family}".strip()


def sorting_name(name: Name) -> str:
    """"Capps, Randy", "Gestel, Rob van", "King, Martin Luther, Jr.": family name first, given names whole."""
    if name.literal:
        return name.literal
    given = " ".join(part for part in (name.given, name.particle.replace("'", "’")) if part)
    text = f"{name.family}, {given}" if given else name.family
    return f"{text}, {name.suffix}" if name.suffix else text


def _serial(names: Sequence[str], messages: Messages) -> str:
    """"A", "A and B", "A, B, and C" (the serial comma in English; "A, B y C" in Spanish)."""
    if len(names) <= 1:
        return "".join(names)
    comma = "," if messages.language == "en" and len(names) > 2 else ""
    return ", ".join(names[:-1]) + f"{comma} {messages['and']} {names[-1]}"


def listed_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    """Editors and translators after the title of a bibliography entry: all names in reading
    order (from eleven, the first seven and "et al.")."""
    rendered = [reading_name(name) for name in names]
    if len(rendered) > BIBLIOGRAPHY_LISTED_NAMES:
        rendered, et_al = rendered[:BIBLIOGRAPHY_NAMES_BEFORE_ET_AL], True
    if et_al and rendered:
        return ", ".join(rendered) + f", {messages['et_al']}"
    return _serial(rendered, messages)


def note_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    """"Helle Bjerg and Lisa Rosén Rasmussen"; "Randy Capps et al." from four names."""
    rendered = [reading_name(name) for name in names]
    if et_al or len(rendered) > NOTE_LISTED_NAMES:
        return f"{rendered[0]} {messages['et_al']}" if rendered else ""
    return _serial(rendered, messages)


def bibliography_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    """"Bjerg, Helle, and Lisa Rosén Rasmussen": the first inverted, a comma before "and" always."""
    rendered = [sorting_name(names[0])] + [reading_name(name) for name in names[1:]] if names else []
    if len(rendered) > BIBLIOGRAPHY_LISTED_NAMES:
        rendered, et_al = rendered[:BIBLIOGRAPHY_NAMES_BEFORE_ET_AL], True
    if et_al:
        return ", ".join(rendered) + f", {messages['et_al']}" if rendered else ""
    if len(rendered) == 2 and not names[0].literal:  # "Bjerg, Helle, and Lisa Rasmussen"; "ILRC and AJA"
        return f"{rendered[0]}, {messages['and']} {rendered[1]}"
    return _serial(rendered, messages)


def short_names(reference: Reference, messages: Messages) -> str:
    """Family names for a short note: "Capps", "Bjerg and Rasmussen", "Capps et al."; else the group author."""
    if reference.short_author:
        return reference.short_author
    names = reference.author or reference.editor
    if not names:
        return reference.group_author
    families = [name.literal or _with_family(name) for name in names]
    if reference.et_al or len(families) > NOTE_LISTED_NAMES:
        return f"{families[0]} {messages['et_al']}"
    return _serial(families, messages)


def creators(reference: Reference, messages: Messages, *, is_note: bool) -> str:
    """Who leads the entry: authors, else editors with "ed."/"eds.", else the group author."""
    render = note_names if is_note else bibliography_names
    if reference.author:
        return render(reference.author, reference.et_al, messages)
    if reference.editor:
        label = messages["editor_abbrev"] if len(reference.editor) == 1 else messages["editors_abbrev"]
        return f"{render(reference.editor, reference.et_al, messages)}, {label}"
    if reference.translator and not reference.group_author:
        return f"{render(reference.translator, False, messages)}, {messages['translator_abbrev']}"
    return reference.group_author


# --- titles -----------------------------------------------------------------------------


def title_html(reference: Reference, messages: Messages, *, is_short: bool = False) -> Markup:
    """The title, italic for a whole work, quoted for a part, plain for a law; marked with its
    language when that is not the edition's."""
    text = short_title(reference) if is_short else reference.title
    title: Markup = linked(text)
    language = reference.language
    if language and language.split("-")[0].lower() != messages.language.split("-")[0].lower():
        title = Markup('<span lang="{}">{}</span>').format(language, title)
    if reference.type in PLAIN_TYPES:
        return title
    if reference.type in QUOTED_TYPES:
        return Markup("{}{}{}").format(messages["quote_open"], title, messages["quote_close"])
    return Markup("<cite>{}</cite>").format(title)


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


_RANGE = re.compile(r"\b(\d+)\s*~?\s*[–-]+\s*~?\s*(\d+)\b")


def page_range(pages: str) -> str:
    """Page ranges as Chicago abbreviates them (CMOS 9.61, as citeproc's ``chicago`` format):
    71–72, 100–104, 101–8, 321–28, 498–532, 1496–1504, 11564–615; a hyphen becomes an en dash."""
    return _RANGE.sub(lambda match: f"{match.group(1)}–{_range_end(match.group(1), match.group(2))}", pages)


def _range_end(first: str, last: str) -> str:
    start, end = int(first), int(last)
    if start < 100 or start % 100 == 0 or end <= start or len(first) != len(last):
        return last
    shared = 0
    while shared < len(first) and first[shared] == last[shared]:
        shared += 1
    kept = last[shared:] if start % 100 < 10 else last[min(shared, len(last) - 2):]
    return last if len(last) == 4 and len(kept) >= 3 else kept  # 1496–1504: three of four digits change


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
    genre = localised(reference.genre, messages) if reference.type == "thesis" else ""
    return ", ".join(item for item in (genre, publisher, _date(reference, messages)) if item)


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
    tail = [linked(reference.note), escape(_accessed(reference, messages)), link_html(reference)]
    return join_parts([text, *tail], ",", messages)


def short_note(reference: Reference, messages: Messages, *, locator: str = "", href: str = "") -> Markup:
    """A later note for a source: "Andersson, “Æstetik og kunst,” 170", without its final period."""
    text = _anchored(href, join_parts([escape(short_names(reference, messages)),
                                       title_html(reference, messages, is_short=True)], ",", messages))
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
    parts += [linked(_capitalised(reference.note)), escape(_capitalised(_accessed(reference, messages))),
              link_html(reference)]
    if reference.type in PLAIN_TYPES:  # a law or a case reads as one citation: "Pub. L. 104-208, 110 Stat. 3009, 1996."
        law = [join_parts(parts[:2], ".", messages), join_parts(parts[2:-3], ",", messages), *parts[-3:]]
        return attach(join_parts(law, ".", messages), ".", messages)
    return attach(join_parts(parts, ".", messages), ".", messages)


_LEADING_SYMBOLS = re.compile(r"^[\W_]+")
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)


def sort_key(reference: Reference, messages: Messages) -> tuple[str, str, int]:
    """Bibliography order (CMOS 14.66, 14.68): by what leads the entry (all its names, else the
    title), then by title without a leading article, then by year; accents and case ignored."""
    title = _LEADING_ARTICLE.sub("", reference.title)
    return (_folded(leading_creators(reference, messages) or title), _folded(title), reference.issued.year or 0)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return _LEADING_SYMBOLS.sub("", folded)  # "“Title”", "§ 305c" and "- Vi har" sort by their first word


def leading_creators(reference: Reference, messages: Messages) -> str:
    """What the 3-em dash stands for: the bibliography's creator list."""
    return creators(reference, messages, is_note=False)
