"""``references.bib`` → :class:`Reference` models, with every problem located.

bibtexparser 2 splits the file and never raises: a broken entry comes back as a failed
block that keeps its (0-based) line. Field values are then decoded from LaTeX to clean
Unicode here, except URLs and DOIs, where ``%`` and ``~`` are real characters.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser import Library
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ImplicitComment, ParsingFailedBlock

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.text_files import read_text
from briefgen.model import Bibliography, DateParts, Name, Reference

_SILENT = logging.NullHandler()
MAX_BRACE_DEPTH = 32
_STRAY_FIELD = re.compile(r"^\s*,?\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")
_RAW_FIELDS = frozenset({"url", "doi", "urldate", "file", "eprint", "date", "year", "month", "day", "pages"})
_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MISSING_COMMA = re.compile(r"(?:\n|[}\"])\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")

_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "bookinbook": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
    "report": "report", "techreport": "report", "thesis": "thesis", "phdthesis": "thesis",
    "mastersthesis": "thesis", "online": "webpage", "webpage": "webpage", "www": "webpage",
    "electronic": "webpage", "misc": "document", "unpublished": "manuscript", "manual": "report",
    "legislation": "legislation", "legal": "legislation", "law": "legislation",
    "jurisdiction": "legal_case", "case": "legal_case", "patent": "patent", "dataset": "dataset",
    "newsarticle": "article-newspaper", "periodical": "periodical", "govdoc": "report",
}


def load_bibliography(path: Path, diagnostics: Diagnostics) -> Bibliography:
    location = SourceLocation(path)
    if not path.exists():
        diagnostics.error(location, "the bibliography file is missing",
                          "create references.bib in the project folder (it may be empty)")
        return Bibliography(location, {}, is_readable=False)
    text = read_text(path, diagnostics)
    if text is None:
        return Bibliography(location, {}, is_readable=False)
    return parse_bibliography(text, location, diagnostics)


def parse_bibliography(text: str, location: SourceLocation, diagnostics: Diagnostics) -> Bibliography:
    logger = logging.getLogger("bibtexparser")
    propagate, logger.propagate = logger.propagate, False  # its log lines would bypass our diagnostics
    logger.addHandler(_SILENT)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.removeHandler(_SILENT)
        logger.propagate = propagate
    _report_failed_blocks(library, location, diagnostics)
    _report_stray_fields(library, location, diagnostics)
    raw_entries = {entry.key: entry for entry in library.entries}
    references: dict[str, Reference] = {}
    for entry in library.entries:
        at = location.at_line(entry.start_line + 1)
        fields = _raw_fields(entry, raw_entries, at, diagnostics)
        references[entry.key] = _make_reference(entry, fields, at, diagnostics)
    return Bibliography(location, references)


def _report_stray_fields(library: Library, location: SourceLocation, diagnostics: Diagnostics) -> None:
    """Text between entries that looks like a field: an extra '}' closed the entry before it."""
    for block in library.blocks:
        if isinstance(block, ImplicitComment) and (match := _STRAY_FIELD.match(block.comment)):
            line = block.start_line + 1 + block.raw[: block.raw.find(match.group(1))].count("\n")
            diagnostics.error(location.at_line(line), f"field '{match.group(1)}' stands outside any entry",
                              "an extra '}' before it closes the entry too early; remove that brace",
                              rule="citations/bib-syntax")


def _report_failed_blocks(library: Library, location: SourceLocation, diagnostics: Diagnostics) -> None:
    for block in library.failed_blocks:
        at = location.at_line(block.start_line + 1)
        if isinstance(block, DuplicateBlockKeyBlock):
            first = block.previous_block.start_line + 1 if block.previous_block else 0
            diagnostics.error(at, f"duplicate key '{block.key}' (first defined on line {first})",
                              "give one of the entries another key, or delete the copy", rule="citations/duplicate-key")
        elif isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            diagnostics.error(at, f"entry sets the field {names} twice", "keep one of them", rule="citations/bib-syntax")
        elif isinstance(block, ParsingFailedBlock):
            reason = (getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__)
            reason = reason.strip().split("\n")[0].rstrip(".")
            diagnostics.error(at, f"cannot read this BibTeX entry ({reason})",
                              "check its braces, quotes and the commas between fields", rule="citations/bib-syntax")


def _raw_fields(entry: Entry, entries: dict[str, Entry], at: SourceLocation, diagnostics: Diagnostics) -> dict[str, str]:
    fields: dict[str, str] = {}
    for field in entry.fields:
        value = field.value if isinstance(field.value, str) else str(field.value)
        name = field.key.lower()
        if _brace_depth(value) > MAX_BRACE_DEPTH:
            diagnostics.error(at.at_line(field.start_line + 1 if isinstance(field.start_line, int) else at.line),
                              f"field '{name}' of '{entry.key}' nests braces more than {MAX_BRACE_DEPTH} deep",
                              "remove the extra braces")
            continue
        swallowed = _MISSING_COMMA.search(value)
        if swallowed:
            line = field.start_line + 1 if isinstance(field.start_line, int) else at.line + _line_offset(entry, field.key)
            diagnostics.error(at.at_line(line),
                              f"field '{name}' of '{entry.key}' swallows the next field '{swallowed.group(1)}'",
                              f"add the missing comma after the value of '{name}'", rule="citations/bib-syntax")
        fields[name] = value
    parent_key = fields.get("crossref")
    if parent_key:
        parent = entries.get(parent_key)
        if parent is None:
            diagnostics.error(at, f"'{entry.key}' has crossref '{parent_key}', which is not in the bibliography",
                              "add that entry or remove the crossref")
        else:
            for field in parent.fields:
                name = field.key.lower()
                target = "booktitle" if name == "title" else name
                fields.setdefault(target, str(field.value))
    return fields


def _brace_depth(value: str) -> int:
    depth = deepest = 0
    for char in value:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _line_offset(entry: Entry, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", entry.raw, flags=re.MULTILINE | re.IGNORECASE)
    return entry.raw.count("\n", 0, match.start()) if match else 0


def _make_reference(entry: Entry, fields: dict[str, str], at: SourceLocation, diagnostics: Diagnostics) -> Reference:
    entry_type = entry.entry_type.lower()
    csl_type = _TYPES.get(entry_type, "document")
    if csl_type == "article-journal" and fields.get("entrysubtype", "").lower() in ("newspaper", "magazine"):
        csl_type = "article-" + fields["entrysubtype"].lower()
    if csl_type == "document" and fields.get("url"):
        csl_type = "webpage"
    if entry_type in ("phdthesis", "mastersthesis") and not fields.get("type"):
        fields = {**fields, "type": entry_type}  # named in the edition's language by the formatter

    def text(*names: str) -> str:
        for name in names:
            if fields.get(name):
                return decode_latex(fields[name]) if name not in _RAW_FIELDS else fields[name].strip()
        return ""

    authors, et_al = _names(fields.get("author", ""), at, entry.key, diagnostics)
    editors, _ = _names(fields.get("editor", ""), at, entry.key, diagnostics)
    publisher = text("publisher")
    institution = text("institution", "organization", "school")
    is_periodical = csl_type in ("article-journal", "article-newspaper", "article-magazine")
    doi = fields.get("doi", "").strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)
    return Reference(
        id=entry.key,
        location=at,
        type=csl_type,
        title=text("title"),
        author=authors,
        et_al=et_al,
        editor=editors,
        issued=_valid_date(_issued(fields), "date" if fields.get("date") else "day", entry.key, at, diagnostics),
        accessed=_valid_date(_iso_date(fields.get("urldate", "")), "urldate", entry.key, at, diagnostics),
        container_title=text("journaltitle", "journal", "booktitle", "maintitle"),
        collection_title=text("series"),
        publisher=institution if csl_type in ("report", "thesis") and institution else (publisher or institution),
        publisher_place=text("location", "address"),
        genre=text("type"),
        number="" if is_periodical else text("number"),
        volume=text("volume"),
        issue=text("issue", "number") if is_periodical else text("issue"),
        page=fields.get("pages", "").strip().replace("--", "–"),
        edition=text("edition"),
        url=fields.get("url", "").strip(),
        doi=doi,
        note=text("note"),
        howpublished=text("howpublished"),
        short_author=text("shortauthor"),
        short_title=text("shorttitle"),
        language=_language_tag(text("langid", "language")),
    )


_LANGUAGE_NAMES = {"english": "en", "american": "en-US", "british": "en-GB", "usenglish": "en-US", "ukenglish": "en-GB",
                   "spanish": "es", "french": "fr", "german": "de", "ngerman": "de", "italian": "it", "portuguese": "pt",
                   "brazilian": "pt-BR", "dutch": "nl", "catalan": "ca"}


def _language_tag(value: str) -> str:
    """biblatex's language names (``english``, ``spanish``) or a BCP-47 tag → a BCP-47 tag."""
    value = value.strip()
    if not value:
        return ""
    return _LANGUAGE_NAMES.get(value.lower(), value if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value) else "")


def _names(value: str, at: SourceLocation, key: str, diagnostics: Diagnostics) -> tuple[tuple[Name, ...], bool]:
    if not value.strip():
        return (), False
    names: list[Name] = []
    et_al = False
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if raw.lower() == "others":
            et_al = True
            continue
        if raw.startswith("{") and raw.endswith("}") and _is_one_group(raw):
            names.append(Name(literal=decode_latex(raw[1:-1])))
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=True)
        except InvalidNameError as error:
            diagnostics.error(at, f"cannot read the name '{raw}' in '{key}' ({error})",
                              "write names as 'Last, First' or 'First Last', organisations in double braces")
            continue
        names.append(Name(family=decode_latex(" ".join(parts.last)), given=decode_latex(" ".join(parts.first)),
                          particle=decode_latex(" ".join(parts.von)), suffix=decode_latex(" ".join(parts.jr))))
    return tuple(names), et_al


def _is_one_group(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _issued(fields: dict[str, str]) -> DateParts:
    if fields.get("date"):
        return _iso_date(fields["date"])
    year_text = fields.get("year", "").strip()
    year_match = re.match(r"^\d{4}$", year_text)
    if not year_text:
        return DateParts()
    if not year_match:
        return DateParts(literal=decode_latex(year_text))
    month = _month(fields.get("month", ""))
    day_text = fields.get("day", "").strip()
    day = int(day_text) if day_text.isdigit() and month else None
    return DateParts(year=int(year_text), month=month, day=day)


def _valid_date(parts: DateParts, field: str, key: str, at: SourceLocation, diagnostics: Diagnostics) -> DateParts:
    """A date that exists; an impossible day (February 30) is dropped with a warning."""
    if parts.year is None or parts.month is None or parts.day is None:
        return parts
    try:
        dt.date(parts.year, parts.month, parts.day)
    except ValueError:
        diagnostics.warning(at, f"'{key}' has an impossible date {parts.year}-{parts.month:02d}-{parts.day:02d} in '{field}'",
                            "correct the day; until then only the month and year are shown")
        return DateParts(year=parts.year, month=parts.month)
    return parts


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value[:3])


def _iso_date(value: str) -> DateParts:
    match = _ISO_DATE.match(value.strip())
    if not match:
        return DateParts(literal=value.strip()) if value.strip() else DateParts()
    year, month, day = (int(group) if group else None for group in match.groups())
    return DateParts(year=year, month=month if month and 1 <= month <= 12 else None, day=day)


_PRE_DECODE = (("``", "\u201c"), ("''", "\u201d"), ("\\textsection", "§"), ("\\S ", "§ "), ("\\S{}", "§"), ("\\S", "§"))


@lru_cache(maxsize=4096)
def decode_latex(value: str) -> str:
    """LaTeX field text → clean Unicode: accents, ``\\&``, ``--``, protected capitals, no braces."""
    text = value
    for old, new in _PRE_DECODE:
        text = text.replace(old, new)
    if "\\" in text or "{" in text or "$" in text or "--" in text or "~" in text or "%" in text:
        try:
            text = _latex_decoder().latex_to_text(text.replace("%", "\\%").replace("\\\\%", "\\%"))
        except RecursionError:  # absurdly deep braces: keep the words, drop the markup
            text = re.sub(r"\\[A-Za-z]+\s*", "", text)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@lru_cache(maxsize=1)
def _latex_decoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", keep_comments=False, strict_latex_spaces=False)
