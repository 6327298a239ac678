"""Names in Chicago notes and bibliography (CMOS 17): reading order in notes ("Helle Bjerg and
Lisa Rosén Rasmussen"), the first inverted in the bibliography ("Bjerg, Helle, and Lisa Rosén
Rasmussen"), family names in short notes, and the bibliography's order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from briefgen.i18n import Messages
from briefgen.model import Name, Reference

NOTE_LISTED_NAMES = 3
"""A note names up to three authors; from four, the first and "et al." (CMOS 14.76)."""
BIBLIOGRAPHY_LISTED_NAMES = 10
BIBLIOGRAPHY_NAMES_BEFORE_ET_AL = 7
"""The bibliography names up to ten authors; from eleven, the first seven and "et al." (CMOS 14.76)."""



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
