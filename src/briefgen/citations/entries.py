"""Reference-list entries as HTML, from the CSL-JSON-shaped :class:`Reference`.

Two name orders serve the styles: given name first ("Randy Capps") for numeric, family
name first with initials and the year after the authors for APA. Chicago notes and
bibliography have their own forms in ``chicago.py``. Every piece of bibliography text is escaped; URLs and DOIs are links,
never shortened.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from markupsafe import Markup, escape

from briefgen.citations.resolve import ONLINE_TYPES
from briefgen.i18n import Messages
from briefgen.model import DateParts, Name, Reference

MAX_LISTED_NAMES = 10
APA_LISTED_NAMES = 20
_QUOTED = frozenset({"article-journal", "article-newspaper", "article-magazine", "chapter", "paper-conference",
                     "webpage", "entry-encyclopedia", "post", "manuscript", "thesis", "document", "legislation"})
_PERIODICAL = frozenset({"article-journal", "article-newspaper", "article-magazine"})
_IN_A_BOOK = frozenset({"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary"})


# --- names ------------------------------------------------------------------------------


def display_name(name: Name) -> str:
    """"Randy Capps", "Jean de la Fontaine, Jr.", or an organisation as written."""
    if name.literal:
        return name.literal
    family = f"{name.particle} {name.family}".strip()
    text = f"{name.given} {family}".strip()
    return f"{text}, {name.suffix}" if name.suffix else text


def inverted_name(name: Name) -> str:
    """"Capps, R.", "de la Fontaine, J., Jr.": family name first, initials (APA-like)."""
    if name.literal:
        return name.literal
    family = name.family if name.is_particle_dropping else f"{name.particle} {name.family}".strip()
    initials = " ".join("-".join(_initial(piece) for piece in part.split("-") if piece)
                        for part in name.given.split())
    if name.is_particle_dropping:  # biblatex useprefix=false: "Gestel, R. van"
        initials = f"{initials} {name.particle}".strip()
    text = f"{family}, {initials}" if initials else family
    return f"{text}, {name.suffix}" if name.suffix else text


def _initial(part: str) -> str:
    return part if part.endswith(".") else part[0] + "."  # "Johs." is already short


def given_first_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    rendered = [display_name(name) for name in names]
    return _join(rendered, et_al, messages, ampersand=False)


def family_first_names(names: Sequence[Name], et_al: bool, messages: Messages) -> str:
    """APA 7: up to 20 names; from 21, the first 19, an ellipsis, and the last."""
    rendered = [inverted_name(name) for name in names]
    if len(rendered) > APA_LISTED_NAMES and not et_al:
        return ", ".join(rendered[:APA_LISTED_NAMES - 1]) + ", . . . " + rendered[-1]
    return _join(rendered, et_al, messages, ampersand=True, limit=APA_LISTED_NAMES)


def _join(rendered: list[str], et_al: bool, messages: Messages, ampersand: bool, limit: int = MAX_LISTED_NAMES) -> str:
    if not rendered:
        return ""
    if len(rendered) > limit:
        rendered, et_al = rendered[:limit - 1], True
    if et_al:
        comma = "," if ampersand or len(rendered) > 1 else ""
        return ", ".join(rendered) + f"{comma} {messages['et_al']}"
    if len(rendered) == 1:
        return rendered[0]
    joiner = "&" if ampersand else messages["and"]
    separator = ", " if ampersand or len(rendered) > 2 else " "
    return ", ".join(rendered[:-1]) + f"{separator}{joiner} " + rendered[-1]


def short_author(reference: Reference, messages: Messages) -> str:
    """"GAO", "Capps et al.", "Nguyen and Gill": the name used in citations."""
    if reference.short_author:
        return reference.short_author
    names = reference.author or reference.editor
    if not names:
        return reference.group_author or short_title(reference)
    families = [name.literal or f"{name.particle} {name.family}".strip() for name in names]
    if len(families) >= 3 or reference.et_al:
        return f"{families[0]} {messages['et_al']}"
    if len(families) == 2:
        return f"{families[0]} {messages['and']} {families[1]}"
    return families[0]


def short_title(reference: Reference) -> str:
    if reference.short_title:
        return reference.short_title
    title = reference.title.split(": ")[0]
    if len(title.split()) > 8 and len(title.split(", ")[0].split()) <= 8:
        title = title.split(", ")[0]
    words = title.split()
    return title if len(words) <= 8 else " ".join(words[:8]) + "…"


def has_creator(reference: Reference) -> bool:
    return bool(reference.short_author or reference.author or reference.editor or reference.group_author)


def sort_key(reference: Reference, messages: Messages) -> tuple[str, int, str]:
    """What leads the entry (author, editor, group author, else the title), then year, then title;
    accents ignored."""
    names = reference.author or reference.editor
    first = (names[0].literal or f"{names[0].family} {names[0].given}") if names else (reference.group_author
                                                                                         or reference.title)
    return (_fold(first), reference.issued.year or 0, _fold(reference.title))


def leading_names(reference: Reference, messages: Messages) -> str:
    """The full creator list as the reference list prints it (APA order): what year suffixes compare."""
    names = reference.author or reference.editor
    if names:
        return family_first_names(names, reference.et_al, messages)
    return reference.group_author or reference.title


def year_label(reference: Reference, messages: Messages) -> str:
    """The year, else the publication state ("in press", "forthcoming"), else "n.d."."""
    if not (reference.issued.year or reference.issued.literal) and reference.status:
        return localised(reference.status, messages)
    return date_label(reference.issued, messages)


def localised(value: str, messages: Messages) -> str:
    """A biblatex localisation key (``mathesis``, ``inpress``, ``newseries`` ...) as words; other text as is."""
    return messages.labels.get(f"genre_{value.strip().lower()}", value)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).casefold().lstrip("“\"'")


# --- entries ----------------------------------------------------------------------------


def format_entry(reference: Reference, messages: Messages, *, year_suffix: str = "", author_date: bool = False) -> Markup:
    """One reference-list entry. With ``author_date`` the authors are inverted and the year
    (with its a/b suffix) follows them, as APA does."""
    parts: list[Markup] = []
    names = reference.author or reference.editor
    creators = (family_first_names if author_date else given_first_names)(names, reference.et_al, messages)
    if creators and not reference.author and reference.editor:
        creators += f" ({messages['editor_abbrev'] if len(reference.editor) == 1 else messages['editors_abbrev']})"
    if not creators:
        creators = reference.group_author  # APA: an organisation with no author above it is the author
    date_text = year_label(reference, messages) + year_suffix
    title_first = author_date and not creators  # APA: a work with no author is listed by its title
    if title_first and reference.title:
        parts.append(_title(reference, messages))
    if author_date:
        if creators:
            parts.append(escape(creators) + _stop(creators))
        parts.append(Markup("({}).").format(date_text))
    elif creators:
        parts.append(escape(creators) + _stop(creators))
    if reference.title and not title_first:
        parts.append(_title(reference, messages))
    contributors = []
    if reference.editor and reference.author and reference.type not in _IN_A_BOOK:
        contributors.append(f"{messages['edited_by']} {given_first_names(reference.editor, False, messages)}")
    if reference.translator:
        contributors.append(f"{messages['translated_by']} {given_first_names(reference.translator, False, messages)}")
    for contributor in contributors:
        parts.append(escape(contributor[:1].upper() + contributor[1:]) + _stop(contributor))
    details = _details(reference, messages, with_date=not author_date, date_text=date_text)
    if details:
        parts.append(linked(details) + _stop(details))
    link = reference_url(reference)
    if link and is_web_address(link):
        parts.append(Markup('<a class="url" href="{0}">{0}</a>').format(link))
    elif link:  # not a web address (javascript:, file: …): shown, never made a link
        parts.append(Markup('<span class="url">{}</span>').format(link))
    shows_accessed = not author_date or reference.type in ONLINE_TYPES  # APA 7: retrieval dates for changing pages
    if link and not reference.doi and shows_accessed and (reference.accessed.year or reference.accessed.literal):
        accessed = messages.format("accessed", date=messages.date_parts(reference.accessed))
        parts.append(escape(accessed[:1].upper() + accessed[1:]) + Markup("."))
    return Markup(" ").join(parts)


def is_web_address(url: str) -> bool:
    return url.strip().lower().startswith(("https://", "http://"))


def reference_url(reference: Reference) -> str:
    if reference.doi:
        return "https://doi.org/" + reference.doi
    return reference.url


def date_label(date: DateParts, messages: Messages) -> str:
    if date.literal:
        return date.literal
    return str(date.year) if date.year else messages["no_date"]


_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
"""A web address inside a field's text (``\\url{…}`` or ``\\href{…}`` in a title or a note, or
pasted as is), without the punctuation that ends the sentence around it."""


def linked(text: str) -> Markup:
    """``text`` escaped, with each web address in it made a link."""
    pieces: list[Markup] = []
    start = 0
    for match in _WEB_ADDRESS.finditer(text):
        pieces.append(escape(text[start:match.start()]))
        pieces.append(Markup('<a class="url" href="{0}">{0}</a>').format(match.group(0)))
        start = match.end()
    pieces.append(escape(text[start:]))
    return Markup("").join(pieces)


def _title(reference: Reference, messages: Messages) -> Markup:
    title: str | Markup = linked(reference.title)
    language = reference.language
    if language and language.split("-")[0].lower() != messages.language.split("-")[0].lower():
        # A title in another language than the edition's is marked, so screen readers say it right.
        title = Markup('<span lang="{}">{}</span>').format(language, title)
    if reference.type in _QUOTED:
        end = "" if reference.title.endswith(("?", "!", ".")) else "."
        if messages["punctuation_inside_quotes"] == "True":  # “Title.” (English); «Title». (Spanish)
            return Markup("{}{}{}{}").format(messages["quote_open"], title, end, messages["quote_close"])
        return Markup("{}{}{}{}").format(messages["quote_open"], title, messages["quote_close"], end)
    return Markup("<cite>{}</cite>").format(title) + _stop(reference.title)


def _details(reference: Reference, messages: Messages, *, with_date: bool, date_text: str) -> str:
    items: list[str] = []
    full_date = messages.date_parts(reference.issued)
    if reference.type in _PERIODICAL:
        container = reference.container_title
        if reference.volume:
            container += f" {reference.volume}"
        if reference.issue:
            container += f" ({reference.issue})"
        if reference.issue_title:
            container += f": {reference.issue_title}"
        if container:
            items.append(container.strip())
        if reference.page:
            items.append(reference.page)
    elif reference.type in _IN_A_BOOK:
        if reference.container_title:
            book = messages["in"] + " " + reference.container_title
            if reference.editor and reference.author:
                book += ", " + messages["edited_by"] + " " + given_first_names(reference.editor, False, messages)
            items.append(book)
        if reference.page:
            items.append(_pages(reference.page, messages))
    elif reference.container_title:
        items.append(reference.container_title)
    if reference.volume and reference.type not in _PERIODICAL:
        items.append(f"{messages['volume_abbrev']} {reference.volume}")
    if reference.page and reference.type not in _PERIODICAL and reference.type not in _IN_A_BOOK:
        items.append(_pages(reference.page, messages))
    if reference.edition:
        items.append(localised(reference.edition, messages) if not reference.edition.isdigit()
                     else messages.format("edition_format", ordinal=_ordinal(reference.edition), number=reference.edition))
    genre = localised(reference.genre, messages)
    if genre and reference.number:
        items.append(f"{genre} {reference.number}")
    elif reference.number:
        items.append(reference.number)
    elif genre:
        items.append(genre)
    if reference.collection_title:
        items.append(localised(reference.collection_title, messages))
    if reference.howpublished:
        items.append(reference.howpublished)
    author_names = {name.literal for name in reference.author if name.literal} | {reference.group_author}
    if reference.publisher and reference.publisher not in author_names and reference.type not in _PERIODICAL:
        items.append(f"{reference.publisher_place}: {reference.publisher}" if reference.publisher_place
                     else reference.publisher)
    if with_date:
        items.append(full_date or (localised(reference.status, messages) if reference.status else messages["no_date"]))
    elif reference.status and (reference.issued.year or reference.issued.literal):
        items.append(localised(reference.status, messages))
    elif reference.type in ("article-newspaper", "article-magazine", "webpage") and reference.issued.month:
        items.append(full_date)
    if reference.note:
        items.append(reference.note)
    return ", ".join(item for item in items if item)


def _pages(page: str, messages: Messages) -> str:
    label = messages["pages_abbrev"] if any(mark in page for mark in "–-,") else messages["page_abbrev"]
    return f"{label} {page}"


def _ordinal(number: str) -> str:
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _stop(text: str) -> Markup:
    return Markup("") if text.endswith((".", "?", "!")) else Markup(".")
