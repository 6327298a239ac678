"""HTML page → PDF with WeasyPrint: the only module that imports it.

WeasyPrint would otherwise read any local file and fetch any URL named in the page. All
loads go through :class:`ProjectFetcher`, which serves ``data:`` URIs and files inside
the allowed folders only, and records everything it refused.

The PDF is tagged for accessibility (``pdf/ua-1``, the default) or archival (``pdf/a-3b``),
carries the page's title, author, subject, keywords, language and date as metadata, gets a
table of contents when it runs longer than :data:`TOC_AFTER_PAGES` pages, and is
byte-for-byte the same for the same input: no clock, no random identifier.
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime as dt
import logging
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import weasyprint
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefgen.errors import BriefgenError, Diagnostics, SourceLocation
from briefgen.load.project_files import FileRefused, read_file
from briefgen.model import PdfVariant
from briefgen.render import time_limit
from briefgen.render.fonts import bundled_families
from briefgen.render.pdf_structure import ElementOrigin, join_page_fragments
from briefgen.render.resources import MAX_IMAGE_BYTES

WORDS_PER_PAGE = 300
"""About what one page of an edition holds, to guess its length before laying it out."""
TOC_AFTER_PAGES = 8
"""An edition longer than this many pages gets a table of contents after its summary; a short
edition reads straight through (a contents page there only leaves a half-empty page)."""

_TOC_CSS = """
nav.toc { display: block !important; break-inside: avoid; margin: 1.2em 0 1.6em; }
nav.toc li { margin: 0.15em 0; }
nav.toc a { color: inherit; }
/* Leader dots are a background drawn behind the line, not text: never read aloud or copied
   (leader(".") printed some 1,450 dots into the text layer). Title and page number sit on
   the paper colour, so the dots show only between them. */
nav.toc li { background-image: linear-gradient(to right, var(--muted) 30%, transparent 30%);
             background-size: 5px 1px; background-repeat: repeat-x; background-position: left bottom 0.3em; }
nav.toc a { background: var(--paper); padding-right: 0.3em; }
nav.toc .toc-page { float: right; background: var(--paper); padding-left: 0.3em; color: var(--muted); }
nav.toc .toc-page::after { content: target-counter(attr(data-target), page); }
"""


# A space between a word and an inline element (`` <span class="citation">``, `` <em>``, `` <a>``)
# ends a text box with a collapsible space. WeasyPrint 70 measures that box's one-line width
# with its trailing space; when the words fit only without it, it takes the line as unbreakable
# and breaks after the first word instead ("By" / "statute the county pays…"; upstream
# Kozea/WeasyPrint #1614, #2102, #2748). Moving the space inside the element keeps the same
# break opportunity and the same text, and leaves no text box ending in a space.
_SPACE_BEFORE_INLINE = re.compile(
    r"(?<=[^\s>]) (<(?:a|abbr|b|cite|code|em|i|kbd|q|s|samp|small|span|strong|sub|sup|time|u|var)(?:\s[^>]*)?>)")


def attach_spaces_to_inline_elements(html: str) -> str:
    """``word <em>text</em>`` → ``word<em> text</em>`` in the page's body (see above)."""
    head, separator, body = html.partition("<body")
    if not separator:
        return html
    return head + separator + _SPACE_BEFORE_INLINE.sub(r"\1 ", body)


class ProjectFetcher(URLFetcher):  # WeasyPrint ships no type information (see pyproject's mypy overrides)
    def __init__(self, allowed_roots: list[Path]) -> None:
        super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.allowed_roots = [root.resolve() for root in allowed_roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
            for root in self.allowed_roots:
                try:
                    return URLFetcherResponse(url, read_file(path, root, MAX_IMAGE_BYTES))
                except FileRefused:
                    continue
        self.refused.append(url)
        raise ValueError(f"briefgen does not load '{url}'")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    data: bytes
    pages: int
    has_toc: bool = False


def render_pdf(html: str, base_dir: Path, allowed_roots: list[Path], location: SourceLocation,
               diagnostics: Diagnostics, variant: PdfVariant = "pdf/ua-1",
               date: dt.date | None = None, toc_after_pages: int | None = TOC_AFTER_PAGES,
               words: int = 0, seconds: float | None = None, edition: str = "") -> RenderedPdf:
    """Lay out ``html`` and write the PDF.

    ``date`` (the edition's checked date) stands in for the clock wherever a library would
    read it. With ``toc_after_pages`` set, a document longer than that shows its table of
    contents; ``words`` (the edition's length) guesses which layout to try first. ``edition``
    names the edition in warnings (a glyph that fell back to a font of the machine's).
    """
    fetcher = ProjectFetcher(allowed_roots)
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    try:
        limit = time_limit.MAX_RENDER_SECONDS if seconds is None else seconds
        with _source_date(date), time_limit.time_limit(limit):
            page = weasyprint.HTML(string=attach_spaces_to_inline_elements(html), base_url=str(base_dir) + "/",
                                   url_fetcher=fetcher)
            # Lay out first the way the edition will most likely end (with a table of contents when
            # its words would fill more than the threshold), and a second time only when wrong.
            with_toc = [weasyprint.CSS(string=_TOC_CSS)]
            if toc_after_pages is not None and words > WORDS_PER_PAGE * toc_after_pages:
                document, has_toc = page.render(pdf_variant=variant, stylesheets=with_toc), True
                if len(document.pages) <= toc_after_pages + 1:
                    without_toc = page.render(pdf_variant=variant)
                    if len(without_toc.pages) <= toc_after_pages:
                        document, has_toc = without_toc, False
            else:
                document, has_toc = page.render(pdf_variant=variant), False
                if toc_after_pages is not None and len(document.pages) > toc_after_pages:
                    document, has_toc = page.render(pdf_variant=variant, stylesheets=with_toc), True
            keep_links_relative(document, page.base_url)
            _keep_safe_links(document, location, diagnostics)
            with _recording_origins() as origins:
                pdf = document.write_pdf(pdf_variant=variant, finisher=_Finisher(_anchor_texts(page)))
            pdf = join_page_fragments(pdf, origins.by_object)
    except time_limit.RenderTimeout:
        raise BriefgenError.at(location, f"laying out the PDF took longer than {limit:g} seconds",
                               "look for a very long table or paragraph in this edition and split it") from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    for url in fetcher.refused:
        diagnostics.error(location, f"refused to load '{url}' while making the PDF",
                          "only files inside the project can be used")
    for family, characters in _fallback_fonts(document).items():
        shown = ", ".join(f"'{character}' (U+{ord(character):04X})" for character in characters[:8])
        more = f" and {len(characters) - 8} more" if len(characters) > 8 else ""
        diagnostics.warning(location, f"{edition or 'this edition'}: {shown}{more} printed in the machine's font "
                                      f"'{family}', not one briefgen bundles",
                            "the theme's fonts have no glyph for it; write the character another way "
                            "or leave it out, since another machine would print it differently")
    for message in dict.fromkeys(collect.messages):
        if "refused" not in message and "does not load" not in message:
            diagnostics.warning(location, f"PDF renderer: {message}")
    assert isinstance(pdf, bytes)
    return RenderedPdf(pdf, len(document.pages), has_toc)


def keep_links_relative(document: weasyprint.Document, base_url: str | None) -> None:
    """WeasyPrint makes every relative link absolute against the base URL, the project folder:
    a further question's sibling PDF (``287g-costs--press.pdf``) would become
    ``file:///<build folder>/287g-costs--press.pdf``, dead for every reader and naming the build
    machine's folders. Such links go back to a path relative to the PDF itself."""
    if not base_url or not base_url.startswith("file:"):
        return
    base_dir = unquote(urlparse(base_url).path)
    for page in document.pages:
        links = []
        for kind, target, rectangle, box in page.links:
            if kind == "external" and isinstance(target, str) and target.startswith("file:"):
                parsed = urlparse(target)
                relative = posixpath.relpath(unquote(parsed.path), base_dir.rstrip("/") or "/")
                target = quote(relative) + (f"#{parsed.fragment}" if parsed.fragment else "")
            links.append((kind, target, rectangle, box))
        page.links = links


PDF_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})
"""What a link in a PDF may open: the web, mail, a phone number. Never a script or a file."""


def _keep_safe_links(document: weasyprint.Document, location: SourceLocation, diagnostics: Diagnostics) -> None:
    """Drop every link the PDF must not carry, whatever put it in the page.

    Links inside the document stay, and so do web, mail and phone links, and relative links to
    files in the PDF's own folder or below it (another brief's PDF, made relative by
    :func:`keep_links_relative`). A relative link that climbs out of that folder (``../``), or a
    ``file:`` link left over, would open a file on the reader's own computer, or nothing, and
    print the builder's folders into the PDF: its text stays, unlinked. Anything else
    (``javascript:``, ``data:``, attachments) cannot come from a brief, so it is reported too.
    """
    for page in document.pages:
        kept = []
        for link in page.links:
            link_type, target = link[0], str(link[1])
            scheme = urlparse(target).scheme.lower()
            if link_type == "internal" or (link_type == "external" and scheme in PDF_LINK_SCHEMES):
                kept.append(link)
            elif link_type == "external" and scheme == "" and _stays_beside(target):
                kept.append(link)
            elif scheme == "":
                continue
            elif scheme != "file":
                diagnostics.error(location, f"the PDF would carry a link to '{target[:80]}', which it may not",
                                  "link only to web addresses, e-mail addresses or places in the brief")
        page.links[:] = kept


def _stays_beside(target: str) -> bool:
    """A relative link to the PDF's folder or below: no absolute path, no ``..`` out of it."""
    path = unquote(urlparse(target).path)
    if not path or path.startswith(("/", "\\")) or "\\" in path:
        return False
    normal = posixpath.normpath(path)
    return normal != ".." and not normal.startswith("../")


def _anchor_texts(page: weasyprint.HTML) -> dict[str, str]:
    """id → what a reader sees there (its first words), for every element of the page with an id."""
    texts = {}
    for element in page.etree_element.iter():
        anchor = element.get("id") if hasattr(element, "get") else None
        if anchor:
            text = " ".join("".join(element.itertext()).split())
            texts[anchor] = text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"
    return texts


@dataclass(frozen=True, slots=True)
class _Finisher:
    """Last touches on the PDF's objects before they are written (WeasyPrint's ``finisher``)."""

    anchor_texts: dict[str, str]

    def __call__(self, document: weasyprint.Document, pdf: object) -> None:
        _scope_table_headers(pdf)
        _describe_links(pdf, self.anchor_texts)


def _describe_links(pdf: object, anchor_texts: dict[str, str]) -> None:
    """Each link annotation's ``/Contents`` (what assistive technology reads for it) says where
    it goes in words, "Go to: [3] GAO, Immigration Enforcement…" or "Open gao.gov/products/…",
    where WeasyPrint 70 writes the bare target (``ref-ina287g``)."""
    import pydyf

    from briefgen.render.links import short_url

    for obj in getattr(pdf, "objects", []):
        if not isinstance(obj, dict) or obj.get("Subtype") != "/Link" or "Contents" not in obj:
            continue
        target = getattr(obj["Contents"], "string", "")
        if "Dest" in obj:
            description = f"Go to: {anchor_texts.get(target, target)}"
        else:
            description = f"Open {short_url(target, None)}"
        obj["Contents"] = pydyf.String(description)


def _scope_table_headers(pdf: object) -> None:
    """Give every table header cell of the PDF's structure tree a ``/Scope``: ``/Row`` in a
    table's body, ``/Column`` otherwise. WeasyPrint 70 links data cells to headers with
    ``/Headers`` but leaves the headers without a scope, which PDF/UA checkers report."""
    objects = getattr(pdf, "objects", [])
    by_reference = {obj.reference: obj for obj in objects if getattr(obj, "number", None) is not None}
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("S") != "/TH":
            continue
        row = by_reference.get(obj.get("P"))
        group = by_reference.get(row.get("P")) if isinstance(row, dict) else None
        scope = "/Row" if isinstance(group, dict) and group.get("S") == "/TBody" else "/Column"
        attributes = obj.get("A")
        if isinstance(attributes, dict):
            attributes["Scope"] = scope


def _fallback_fonts(document: weasyprint.Document) -> dict[str, list[str]]:
    """Family → the characters the PDF prints in it, for every font briefgen does not bundle
    (read after ``write_pdf``, which records the fonts a page draws with)."""
    bundled = bundled_families()
    fallbacks: dict[str, list[str]] = {}
    for font in document.fonts.values():
        if font.family in bundled:
            continue
        characters = sorted({character for text in font.to_unicode.values() for character in text if not character.isspace()})
        if characters:
            fallbacks.setdefault(font.family, [])
            fallbacks[font.family] = sorted({*fallbacks[font.family], *characters})
    return fallbacks


@dataclass(slots=True)
class _Origins:
    """Object number of each structure element WeasyPrint makes for a box → where it came from."""

    by_object: dict[int, ElementOrigin]
    elements: dict[int, int]  # id() of an HTML element → its number in this document
    keep: list[object]  # the elements numbered, so that no id() is reused while recording


_ORIGINS: contextvars.ContextVar[_Origins | None] = contextvars.ContextVar("briefgen_pdf_origins", default=None)
_BUILD_BOX_TREE = weasyprint_tags._build_box_tree


def _build_box_tree_noting_origins(box: object, parent: object, *arguments: object) -> Iterator[object]:
    """WeasyPrint 70's ``_build_box_tree`` (it makes the structure elements of one box and yields
    them), noting for each new element the box it was made for: the one place where WeasyPrint
    knows that two elements on two pages are the same paragraph. Recursion goes through the
    module's name, so every box passes here."""
    origins = _ORIGINS.get()
    for element in _BUILD_BOX_TREE(box, parent, *arguments):
        number = getattr(element, "number", None)
        if origins is not None and number is not None and number not in origins.by_object:
            origins.by_object[number] = _origin(origins, box, element)
        yield element


def _origin(origins: _Origins, box: object, element: object) -> ElementOrigin:
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    html_element = getattr(box, "element", None)
    number = None
    if html_element is not None:
        number = origins.elements.setdefault(id(html_element), len(origins.elements))
        origins.keep.append(html_element)
    # The element's own ``lang`` attribute (the style's language may be a hyphenation locale).
    lang = html_element.get("lang") if html_element is not None else None
    structure_type = str(element["S"]).lstrip("/")  # type: ignore[index]
    return ElementOrigin(structure_type, number, getattr(box, "element_tag", None) if number is not None else None,
                         str(lang) if lang else None)


weasyprint_tags._build_box_tree = _build_box_tree_noting_origins


@contextlib.contextmanager
def _recording_origins() -> Iterator[_Origins]:
    origins = _Origins({}, {}, [])
    token = _ORIGINS.set(origins)
    try:
        yield origins
    finally:
        _ORIGINS.reset(token)


@contextlib.contextmanager
def _source_date(date: dt.date | None) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` (read by fontTools for font timestamps) unless the caller did."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    epoch = calendar.timegm(date.timetuple()) if date else 0
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
