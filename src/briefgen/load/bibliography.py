"""``references.bib`` → :class:`Reference` models, with every problem located.

bibtexparser 2 splits the file and never raises: a broken entry comes back as a failed
block that keeps its (0-based) line. Field values are then decoded from LaTeX to clean
Unicode here, except URLs and DOIs, where ``%`` and ``~`` are real characters.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser import Library
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ImplicitComment, ParsingFailedBlock

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.bibtex_values import Macros, blank_comments
from briefgen.load.latex import decode_latex, decode_latex_checked
from briefgen.load.text_files import read_text
from briefgen.model import Bibliography, DateParts, Name, Reference

_SILENT = logging.NullHandler()
MAX_BRACE_DEPTH = 32
_STRAY_FIELD = re.compile(r"^\s*,?\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")
_RAW_FIELDS = frozenset({"url", "doi", "urldate", "file", "eprint", "date", "year", "month", "day", "pages"})
_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MISSING_COMMA = re.compile(r"(?:\n|[}\"])\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)")

_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "inreference": "entry-encyclopedia", "reference": "book", "collection": "book",
    "mvcollection": "book", "mvreference": "book", "mvproceedings": "book", "thesis": "thesis", "software": "software",
    "artwork": "graphic", "audio": "song", "video": "motion_picture", "movie": "motion_picture", "music": "song",
    "performance": "performance", "standard": "standard", "letter": "personal_communication",
    "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
    "report": "report", "techreport": "report", "phdthesis": "thesis",
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
        library = bibtexparser.parse_string(blank_comments(text), parse_stack=[])
    finally:
        logger.removeHandler(_SILENT)
        logger.propagate = propagate
    problems: dict[str, tuple[int, str, str]] = {}
    """entry key → (line, message, hint): what makes it an error to cite that entry"""
    recovered = _report_failed_blocks(library, location, diagnostics, problems)
    _report_stray_fields(library, location, diagnostics)
    macros = Macros({block.key: (str(block.value), _line(block)) for block in library.strings})
    entries: dict[str, Entry] = {}
    for entry in sorted([*library.entries, *recovered], key=_line):
        if not entry.key.strip():
            diagnostics.warning(location.at_line(_line(entry)), _NO_KEY, _NO_KEY_HINT, rule="citations/bib-syntax")
            continue
        entries.setdefault(entry.key, entry)
    references: dict[str, Reference] = {}
    for key, entry in entries.items():
        if entry.entry_type.lower() in ("set", "xdata"):
            continue  # a set only groups entries that are in the file themselves
        at = location.at_line(_line(entry))
        entry_problems: list[tuple[int, str, str]] = [problems[key]] if key in problems else []
        fields, field_lines = _raw_fields(entry, entries, macros, at, diagnostics, entry_problems)
        reference = _make_reference(entry, fields, field_lines, at, diagnostics, entry_problems)
        if entry_problems:
            line, message, hint = entry_problems[0]
            reference = replace(reference, problem=message, problem_hint=hint, problem_line=line)
        references[key] = reference
    return Bibliography(location, references)


_NO_KEY = "this entry has no key, so it cannot be cited"
_NO_KEY_HINT = "write a key after the brace: @article{smith2020, ..."


def _report_stray_fields(library: Library, location: SourceLocation, diagnostics: Diagnostics) -> None:
    """Text between entries that looks like a field: an extra '}' closed the entry before it."""
    for block in library.blocks:
        if isinstance(block, ImplicitComment) and (match := _STRAY_FIELD.match(block.comment)):
            raw = block.raw or ""
            line = _line(block) + raw[: raw.find(match.group(1))].count("\n")
            diagnostics.error(location.at_line(line), f"field '{match.group(1)}' stands outside any entry",
                              "an extra '}' before it closes the entry too early; remove that brace",
                              rule="citations/bib-syntax")


def _report_failed_blocks(library: Library, location: SourceLocation, diagnostics: Diagnostics,
                          problems: dict[str, tuple[int, str, str]]) -> list[Entry]:
    """Report what bibtexparser could not take as it is; return the entries that are still usable."""
    recovered: list[Entry] = []
    for block in library.failed_blocks:
        at = location.at_line(_line(block))
        if isinstance(block, DuplicateBlockKeyBlock):
            if not block.key.strip():
                diagnostics.warning(at, _NO_KEY, _NO_KEY_HINT, rule="citations/bib-syntax")
                continue
            previous = block.previous_block
            first = _line(previous) if previous else 0
            if previous is not None and _same_text(previous.raw or "", block.raw or ""):
                diagnostics.warning(at, f"entry '{block.key}' repeats the entry on line {first} word for word; "
                                    "the first is used", "delete the copy", rule="citations/duplicate-key")
            elif isinstance(previous, Entry):
                message = f"the key '{block.key}' is used by two different entries (lines {first} and {at.line})"
                hint = "give one of them another key, or delete the one you do not mean"
                diagnostics.warning(at, message + "; the first is used where it is cited", hint,
                                    rule="citations/duplicate-key")
                problems.setdefault(block.key, (first, message, hint))
            else:
                diagnostics.warning(at, f"@string '{block.key}' is defined twice (first on line {first}); "
                                    "the first is used", "delete one of them", rule="citations/duplicate-key")
        elif isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entry = block.ignore_error_block  # biber keeps the entry and the first value
            recovered.append(entry)
            names = sorted(block.duplicate_keys)
            diagnostics.warning(at, f"entry '{entry.key}' sets the field {', '.join(names)} twice; the first value is used",
                                "keep one of them", rule="citations/bib-syntax")
            for name in names:
                values = {" ".join(str(f.value).split()) for f in entry.fields if f.key.lower() == name.lower()}
                if len(values) > 1:
                    problems.setdefault(entry.key, (at.line, f"entry '{entry.key}' gives the field '{name}' two different "
                                                    "values", "keep the right one"))
        elif isinstance(block, ParsingFailedBlock):
            reason = (getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__)
            reason = reason.strip().split("\n")[0].rstrip(".")
            diagnostics.error(at, f"cannot read this BibTeX entry ({reason})",
                              "check its braces, quotes and the commas between fields", rule="citations/bib-syntax")
    return recovered


def _same_text(first: str, second: str) -> bool:
    return " ".join(first.split()) == " ".join(second.split())


_INHERITED_AS = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
_NOT_INHERITED = frozenset({"ids", "crossref", "xref", "entryset", "label", "shorthand", "sortkey", "options"})


def _raw_fields(entry: Entry, entries: dict[str, Entry], macros: Macros, at: SourceLocation,
                diagnostics: Diagnostics, problems: list[tuple[int, str, str]]) -> tuple[dict[str, str], dict[str, int]]:
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    for field in entry.fields:
        name = field.key.lower()
        line = field.start_line + 1 if isinstance(field.start_line, int) else at.line + _line_offset(entry, field.key)
        raw = field.value if isinstance(field.value, str) else str(field.value)
        if raw.count("{") > MAX_BRACE_DEPTH and _brace_depth(raw) > MAX_BRACE_DEPTH:
            diagnostics.error(at.at_line(line), f"field '{name}' of '{entry.key}' nests braces more than {MAX_BRACE_DEPTH} deep",
                              "remove the extra braces")
            continue
        value, value_problems = macros.evaluate(raw)
        for problem in value_problems:
            problems.append((line, f"field '{name}' of '{entry.key}' {problem.message}", problem.hint))
        swallowed = _MISSING_COMMA.search(value)
        if swallowed:
            diagnostics.error(at.at_line(line),
                              f"field '{name}' of '{entry.key}' swallows the next field '{swallowed.group(1)}'",
                              f"add the missing comma after the value of '{name}'", rule="citations/bib-syntax")
        if name not in fields:
            fields[name] = value
            lines[name] = line
    chain = [entry.key]
    parent_key = fields.get("crossref", "").strip()
    while parent_key:
        parent = entries.get(parent_key)
        if parent_key in chain:
            problems.append((lines.get("crossref", at.line),
                             f"the crossref fields of {' → '.join(chain + [parent_key])} go round in a circle",
                             "remove the crossref that points back"))
            break
        if parent is None:
            problems.append((lines.get("crossref", at.line),
                             f"'{chain[-1]}' has crossref '{parent_key}', which is not in the bibliography",
                             "add that entry or remove the crossref"))
            break
        chain.append(parent_key)
        parent_fields = {field.key.lower(): macros.evaluate(str(field.value))[0] for field in parent.fields}
        for name, value in parent_fields.items():
            if name not in _NOT_INHERITED:
                fields.setdefault(_INHERITED_AS.get(name, name), value)
        parent_key = parent_fields.get("crossref", "").strip()
    return fields, lines


def _brace_depth(value: str) -> int:
    if "{" not in value:
        return 0
    depth = deepest = 0
    for match in _BRACE.finditer(value):
        if match.group() == "{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


_BRACE = re.compile(r"[{}]")


def _line(block: Block) -> int:
    """The 1-based line where a block starts (bibtexparser counts from 0)."""
    return (block.start_line or 0) + 1


def _line_offset(entry: Entry, key: str) -> int:
    raw = entry.raw or ""
    match = re.search(rf"^\s*{re.escape(key)}\s*=", raw, flags=re.MULTILINE | re.IGNORECASE)
    return raw.count("\n", 0, match.start()) if match else 0


_EPRINT_URLS = {"arxiv": "https://arxiv.org/abs/{}", "jstor": "https://www.jstor.org/stable/{}",
                "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}/", "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
                "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/", "hdl": "https://hdl.handle.net/{}",
                "handle": "https://hdl.handle.net/{}", "googlebooks": "https://books.google.com/books?id={}",
                "ssrn": "https://ssrn.com/abstract={}", "doi": "https://doi.org/{}"}
_LEGAL_TYPES = frozenset({"legal_case", "legislation", "bill", "treaty"})
"""Their institution is a court or a legislature, never an author."""
_DOI_PREFIX = re.compile(r"^\s*(?:https?://)?(?:(?:dx|www)\.)?doi\.org/|^\s*doi:\s*", re.IGNORECASE)
_URL_ESCAPE = re.compile(r"\\([_#%&$~])")
_PAGE_RANGE = re.compile(r"^([A-Za-z]{0,3}\d+[A-Za-z]?)\s*(?:-{1,3}|–|—)\s*([A-Za-z]{0,3}\d+[A-Za-z]?)$")


def _make_reference(entry: Entry, fields: dict[str, str], lines: dict[str, int], at: SourceLocation,
                    diagnostics: Diagnostics, problems: list[tuple[int, str, str]]) -> Reference:
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
                if name in _RAW_FIELDS:
                    return fields[name].strip()
                decoded, is_understood = decode_latex_checked(fields[name])
                if not is_understood:
                    diagnostics.warning(at.at_line(lines.get(name, at.line)),
                                        f"cannot read the LaTeX in field '{name}' of '{entry.key}'; its commands "
                                        "were dropped", "check the field's braces and commands, or write plain text",
                                        rule="citations/bib-syntax")
                return decoded
        return ""

    def titled(prefix: str) -> str:
        """title + subtitle + titleaddon, as biblatex prints them: "Title: Subtitle. Addon"."""
        title = text(f"{prefix}title")
        subtitle = text(f"{prefix}subtitle")
        if subtitle:
            title = f"{title}{' ' if title.endswith(('?', '!', ':')) else ': '}{subtitle}" if title else subtitle
        addon = text(f"{prefix}titleaddon")
        if addon:
            title = f"{title}{' ' if title.endswith(('?', '!', '.')) else '. '}{addon}" if title else addon
        return title

    def names(field: str) -> tuple[tuple[Name, ...], bool]:
        return _names(fields.get(field, ""), at.at_line(lines.get(field, at.line)), entry.key, diagnostics)

    authors, et_al = names("author")
    editors, _ = names("editor")
    translators, _ = names("translator")
    publisher = text("publisher")
    institution = text("institution", "organization", "school")
    is_periodical = csl_type in ("article-journal", "article-newspaper", "article-magazine")
    doi = _URL_ESCAPE.sub(r"\1", _unwrap_url(fields.get("doi", "")))
    doi = _DOI_PREFIX.sub("", doi).strip()
    url = _URL_ESCAPE.sub(r"\1", _unwrap_url(fields.get("url", "")))
    eprint = _URL_ESCAPE.sub(r"\1", fields.get("eprint", "").strip())
    eprint_type = (fields.get("eprinttype") or fields.get("archiveprefix") or "").strip().lower()
    note = text("note")
    if eprint and not url and not doi:
        if eprint_type in _EPRINT_URLS:
            url = _EPRINT_URLS[eprint_type].format(eprint)
        else:
            note = ", ".join(item for item in (note, f"{text('eprinttype', 'archiveprefix')} {eprint}".strip()) if item)
    container = titled("journal") or text("journal") or titled("book") or titled("main")
    if csl_type in ("book", "report", "thesis", "document") and not fields.get("booktitle"):
        container = titled("main") if fields.get("maintitle") and fields.get("title") else ""
    issued = _issued(fields, at, lines, entry.key, problems)
    accessed = _checked_date(_iso_date(fields.get("urldate", "")), "urldate", at.at_line(lines.get("urldate", at.line)),
                             entry.key, problems)
    return Reference(
        id=entry.key,
        location=at,
        type=csl_type,
        title=titled("") or (titled("main") if not container else ""),
        author=authors,
        et_al=et_al,
        editor=editors,
        issued=issued,
        accessed=accessed,
        container_title=container,
        collection_title=text("series"),
        publisher=institution if csl_type in ("report", "thesis") and institution else (publisher or institution),
        publisher_place=text("location", "address"),
        genre=text("type"),
        number="" if is_periodical else text("number"),
        volume=text("volume"),
        issue=text("issue", "number") if is_periodical else text("issue"),
        page=_page_range(fields.get("pages", "")),
        edition=text("edition"),
        url=url,
        doi=doi,
        note=note,
        howpublished=text("howpublished"),
        short_author=text("shortauthor"),
        short_title=text("shorttitle"),
        language=_language_tag(text("langid", "language")),
        translator=translators,
        group_author="" if authors or editors or csl_type in _LEGAL_TYPES else text("institution", "organization"),
        status=text("pubstate"),
        issue_title=titled("issue") if is_periodical else "",
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


def _unwrap_url(value: str) -> str:
    """``\\url{https://...}`` or ``{https://...}`` → the address."""
    value = value.strip()
    match = re.fullmatch(r"\\url\s*\{(.*)\}", value, flags=re.DOTALL)
    return (match.group(1) if match else value).strip()


def _page_range(value: str) -> str:
    """``10-20``, ``10--20`` → ``10–20`` for each comma-separated range; other text kept."""
    pieces = []
    for piece in value.strip().split(","):
        match = _PAGE_RANGE.match(piece.strip())
        pieces.append(f"{match.group(1)}–{_expanded(match.group(1), match.group(2))}" if match
                      else piece.strip().replace("--", "–"))
    return ", ".join(piece for piece in pieces if piece)


def _expanded(first: str, last: str) -> str:
    """``4044-52`` → ``4052``: the last page written in full, as APA asks."""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        full = first[: len(first) - len(last)] + last
        return full if int(full) > int(first) else last
    return last


_EXTENDED_NAME = re.compile(r"^\s*(family|given|prefix|suffix|useprefix|giveni|familyi|prefixi|suffixi)\s*=",
                            re.IGNORECASE)


def _names(value: str, at: SourceLocation, key: str, diagnostics: Diagnostics) -> tuple[tuple[Name, ...], bool]:
    if not value.strip():
        return (), False
    names, et_al, problems = _read_names(value)
    for message, hint in problems:
        diagnostics.warning(at, message.format(key=key), hint, rule="citations/bib-syntax")
    return names, et_al


@lru_cache(maxsize=16384)
def _read_names(value: str) -> tuple[tuple[Name, ...], bool, tuple[tuple[str, str], ...]]:
    """The people of a name field, whether it ends in 'and others', and what was wrong (message, hint).

    Cached: a library names the same people again and again, and name parsing is most of the loading time."""
    names: list[Name] = []
    problems: list[tuple[str, str]] = []
    et_al = False
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if raw.lower() == "others":
            et_al = True
            continue
        if raw.startswith("{") and raw.endswith("}") and _is_one_group(raw):
            names.append(Name(literal=decode_latex(raw[1:-1])))
            continue
        if _EXTENDED_NAME.match(raw):
            names.append(_extended_name(raw))
            continue
        shown = raw.replace("{", "{{").replace("}", "}}")
        if raw.endswith(",") and not raw.endswith("\\,"):
            problems.append((f"the name '{shown}' in '{{key}}' ends with a comma; read as '{shown.rstrip(', ')}'",
                             "remove the comma (an organisation goes in double braces: {{Name}})"))
            raw = raw.rstrip(", ")
            shown = shown.rstrip(", ")
        try:
            parts = parse_single_name_into_parts(raw, strict=True)
        except InvalidNameError as error:
            reason = str(error).replace("{", "{{").replace("}", "}}")
            problems.append((f"cannot read the name '{shown}' in '{{key}}' ({reason}); it is printed as written",
                             "write names as 'Last, First' or 'First Last', organisations in double braces"))
            names.append(Name(literal=decode_latex(raw)))
            continue
        names.append(Name(family=decode_latex(" ".join(parts.last)), given=decode_latex(" ".join(parts.first)),
                          particle=decode_latex(" ".join(parts.von)), suffix=decode_latex(" ".join(parts.jr))))
    return tuple(names), et_al, tuple(problems)


def _extended_name(raw: str) -> Name:
    """Better BibLaTeX's ``family=Gestel, given=Rob, prefix=van, useprefix=true`` (biblatex's extended names)."""
    parts: dict[str, str] = {}
    for piece in _split_top_level(raw):
        name, _, value = piece.partition("=")
        value = value.strip()
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        parts[name.strip().lower()] = value
    return Name(family=decode_latex(parts.get("family", "")), given=decode_latex(parts.get("given", "")),
                particle=decode_latex(parts.get("prefix", "")), suffix=decode_latex(parts.get("suffix", "")),
                is_particle_dropping=bool(parts.get("prefix")) and parts.get("useprefix", "false").lower() != "true")


def _split_top_level(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _is_one_group(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _issued(fields: dict[str, str], at: SourceLocation, lines: dict[str, int], key: str,
            problems: list[tuple[int, str, str]]) -> DateParts:
    if fields.get("date"):
        return _checked_date(_iso_date(fields["date"]), "date", at.at_line(lines.get("date", at.line)), key, problems)
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
    return _checked_date(DateParts(year=int(year_text), month=month, day=day), "day",
                         at.at_line(lines.get("day", at.line)), key, problems)


def _checked_date(parts: DateParts, field: str, at: SourceLocation, key: str,
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


def _iso_date(value: str) -> DateParts:
    """An ISO 8601 / EDTF date as biblatex takes it: ``2020-05-01``, ``1988/1992`` (a range), ``1723~`` (circa),
    ``199X`` or ``199u`` (a decade), ``2004-22`` (a season: the year is kept), ``2016-07-18T20:26Z``."""
    value = value.strip()
    if not value:
        return DateParts()
    if "/" in value:
        start_text, _, end_text = value.partition("/")
        start, end = _iso_date(start_text), _iso_date(end_text)
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
