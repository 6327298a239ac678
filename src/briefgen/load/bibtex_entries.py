"""One BibTeX entry (its fields read, macros and crossrefs applied) → a :class:`Reference`,
shaped like CSL-JSON: the entry type mapped to a CSL type, LaTeX decoded except in URLs and
DOIs, eprints turned into addresses, page ranges and language names normalised."""

from __future__ import annotations

import re

from bibtexparser.model import Entry

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.bibtex_dates import checked_date, iso_date, issued_date
from briefgen.load.bibtex_names import read_names
from briefgen.load.latex import decode_latex_checked
from briefgen.model import Name, Reference

_RAW_FIELDS = frozenset({"url", "doi", "urldate", "file", "eprint", "date", "year", "month", "day", "pages"})
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


def make_reference(entry: Entry, fields: dict[str, str], lines: dict[str, int], at: SourceLocation,
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
        return read_names(fields.get(field, ""), at.at_line(lines.get(field, at.line)), entry.key, diagnostics)

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
    issued = issued_date(fields, at, lines, entry.key, problems)
    accessed = checked_date(iso_date(fields.get("urldate", "")), "urldate", at.at_line(lines.get("urldate", at.line)),
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
