"""The project settings file, ``briefs/project.yaml``: what every brief of the project shares.

Every key is optional; a project without the file builds as before. The keys:

``organization``
    The organization's name, printed above each brief's title, in the running header and in the
    PDF's author. A brief's own ``organization:`` wins.
``contact``
    Address, phone, e-mail: a few lines of plain text printed at the end of each edition.
``website``
    The organization's web address (``https://...``), printed with the contact lines.
``url``
    Where each brief's online edition is published, with ``{brief}`` where the brief's id goes:
    ``https://example.org/briefs/{brief}/``. It gives every brief the "Online" QR code and link, and
    the "Want to dive deeper?" links in PDFs, without a ``url:`` in each manifest. A brief's own
    ``url:`` wins.
``audiences``
    The audiences of a brief whose manifest has no ``audiences:`` list (else every audience).
``paper``
    ``letter`` or ``a4``: the paper of every audience whose project profile does not choose one
    (built-in profiles included).
``language``
    The language (BCP-47 tag, ``en``, ``es``) of every audience whose project profile names none,
    built-in profiles included: dates, labels and hyphenation follow it.
``word_template``
    A reference ``.docx`` (styles, page size, margins, headers) for Word editions.
``logo``
    ``file:`` an SVG or PNG, and ``alt:`` the text read in its place (required: an image without it
    fails PDF/UA). Printed on the first page of the PDF, HTML and handout editions.
``colors``
    The palette: ``text``, ``muted``, ``accent``, ``paper``, ``box``, ``rule``, ``focus`` as
    ``"#rrggbb"``. Every text colour on every background must reach WCAG AA (4.5:1).
``fonts``
    ``body:`` and ``headings:``, each a family name from an OFL font package on PyPI
    (``fontpkg-public-sans`` gives "Public Sans"). Used by the standard theme; large print keeps
    Atkinson Hyperlegible.

Paths are relative to the ``briefs/`` folder and must stay inside the project.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.briefs import _is_web_address as is_web_address
from briefgen.load.colours import check_palette, is_hex_colour, normalized
from briefgen.load.ids import check_id
from briefgen.load.project_files import FileRefused, check_file
from briefgen.load.text_files import read_text
from briefgen.load.word_template import reference_doc_problem
from briefgen.load.yaml_fields import FieldReader, did_you_mean, parse_yaml
from briefgen.model import PALETTE_NAMES, PAPERS, Colour, FontChoice, Logo, ProjectSettings

SETTINGS_FILE = "briefs/project.yaml"
SETTINGS_KEYS = ("organization", "contact", "website", "url", "audiences", "paper", "language", "word_template",
                 "logo", "colors", "fonts")
LOGO_KEYS = ("file", "alt")
FONT_KEYS = ("body", "headings")
LOGO_SUFFIXES = (".svg", ".png")
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def load_settings(root: Path, diagnostics: Diagnostics) -> ProjectSettings:
    """The project's settings; the defaults when it has no settings file. Every problem is reported
    at its line, and a file with errors gives the defaults (the editions that read it are not built)."""
    path = root / SETTINGS_FILE
    if not (path.exists() or path.is_symlink()):
        return ProjectSettings()
    location = SourceLocation(path)
    try:
        check_file(path, root, MAX_TEMPLATE_BYTES)
    except FileRefused as refused:
        diagnostics.error(location, f"the settings file {refused.reason}", refused.hint)
        return ProjectSettings(location=location.at_line(1))
    text = read_text(path, diagnostics)
    if text is None:
        return ProjectSettings(location=location.at_line(1))
    node = parse_yaml(text, location.at_line(1), diagnostics) if text.strip() else None
    if node is None:  # empty, only comments, or a syntax error (reported)
        return ProjectSettings(location=location.at_line(1))
    errors_before = len(diagnostics.errors)
    fields = FieldReader(node, location.at_line(1), diagnostics, "the project settings", SETTINGS_KEYS)
    if not fields.is_valid:
        return ProjectSettings(location=location.at_line(1))
    audiences = fields.located_text_list("audiences", "a brief without its own list would have no edition")
    for audience_id, at in (audiences or {}).items():
        check_id(audience_id, "audience id", at, diagnostics)
    settings = ProjectSettings(
        location=location.at_line(1),
        organization=fields.text("organization"),
        contact=fields.text("contact"),
        website=_address(fields, "website", "give the organization's web address"),
        url=_edition_url(fields),
        audiences=tuple(audiences) if audiences is not None else None,
        audience_locations=audiences or {},
        paper=fields.choice("paper", PAPERS),
        language=_language(fields),
        word_template=_word_template(fields, root),
        logo=_logo(fields, root),
        colors=_palette(fields),
        body_font=_font(fields, "body"),
        heading_font=_font(fields, "headings"),
    )
    fields.finish()
    if len(diagnostics.errors) > errors_before:
        return ProjectSettings(location=location.at_line(1))
    return settings


def _address(fields: FieldReader, key: str, hint: str) -> str:
    value = fields.text(key)
    if value and not is_web_address(value):
        fields.diagnostics.error(fields.line_of(key), f"'{key}' must be a web address starting with https://, "
                                 f"not '{value}'", hint)
        return ""
    return value


def _edition_url(fields: FieldReader) -> str:
    url = _address(fields, "url", "give the address of the briefs' online editions, e.g. "
                                  "'https://example.org/briefs/{brief}/'")
    if url and "{brief}" not in url:
        fields.diagnostics.error(fields.line_of("url"), "'url' has no '{brief}': every brief would get the same address",
                                 "put '{brief}' where each brief's id goes, e.g. 'https://example.org/briefs/{brief}/'")
        return ""
    if re.search(r"\{(?!brief\})[^}]*\}", url):
        fields.diagnostics.error(fields.line_of("url"), "'url' may hold only the placeholder '{brief}'",
                                 "remove the other '{...}' from the address")
        return ""
    return url


def _language(fields: FieldReader) -> str:
    language = fields.text("language")
    if language and not _LANGUAGE_TAG.match(language):
        fields.diagnostics.error(fields.line_of("language"), f"'{language}' is not a language tag",
                                 "use a BCP-47 tag such as 'en' or 'es'")
        return ""
    return language


def _project_file(fields: FieldReader, key: str, what: str | None, root: Path, suffixes: tuple[str, ...],
                  limit: int) -> Path | None:
    """A file named by ``key``, relative to the briefs/ folder, that must exist inside the project."""
    name = fields.text(key)
    if not name:
        return None
    at = fields.line_of(key)
    label = what or key
    if name.startswith(("/", "\\", "~")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name):
        fields.diagnostics.error(at, f"'{label}' must be a path inside the project, not '{name}'",
                                 "copy the file into the project and give its path relative to the briefs/ folder")
        return None
    if not name.lower().endswith(suffixes):
        fields.diagnostics.error(at, f"'{label}' must be a {' or '.join(s[1:].upper() for s in suffixes)} file, "
                                 f"not '{name}'", f"give a file ending in {' or '.join(suffixes)}")
        return None
    path = fields.location.path.parent / name
    try:
        resolved, _status = check_file(path, root, limit)
    except FileRefused as refused:
        fields.diagnostics.error(at, f"'{name}' {refused.reason}", refused.hint.replace("this file", "the briefs/ folder"))
        return None
    return resolved


def _word_template(fields: FieldReader, root: Path) -> Path | None:
    """The reference .docx of the Word editions: a file inside the project that is a Word document."""
    path = _project_file(fields, "word_template", None, root, (".docx",), MAX_TEMPLATE_BYTES)
    problem = reference_doc_problem(path) if path is not None else ""
    if problem:
        fields.diagnostics.error(fields.line_of("word_template"), f"'word_template' is not a Word document (.docx): "
                                 f"{problem}", "save the template from Word or LibreOffice as a .docx document")
        return None
    return path


def _logo(fields: FieldReader, root: Path) -> Logo | None:
    node = fields.mapping("logo")  # a plain 'logo: x.svg' is reported there: the logo needs 'file:' and 'alt:'
    if node is None:
        return None
    at = fields.line_of("logo")
    logo = _nested(fields, node, "'logo'", LOGO_KEYS)
    path = _project_file(logo, "file", "logo: file", root, LOGO_SUFFIXES, MAX_LOGO_BYTES)
    if not logo.has("file"):
        fields.diagnostics.error(at, "'logo' has no 'file:'", "give the logo's SVG or PNG file, e.g. 'file: logo.svg'")
    alt = logo.text("alt")
    if not alt:
        fields.diagnostics.error(logo.line_of("alt") if logo.has("alt") else at,
                                 "the logo has no alternative text: PDF/UA (pdf/ua-1) requires it of every image",
                                 "add 'alt: ...' under 'logo:', e.g. the organization's name and 'logo'")
    logo.finish()
    return Logo(path, alt, at) if path is not None and alt else None


def _palette(fields: FieldReader) -> tuple[Colour, ...]:
    node = fields.mapping("colors")
    if node is None:
        return ()
    colours = _nested(fields, node, "'colors'", PALETTE_NAMES)
    palette = []
    for name in PALETTE_NAMES:
        value = colours.text(name)
        if not value:
            continue
        if not is_hex_colour(value):
            fields.diagnostics.error(colours.line_of(name), f"colour '{name}' must be written '#rrggbb', not '{value}'",
                                     f"quote it, e.g. {name}: \"#1d4e89\" (YAML reads an unquoted # as a comment)")
            continue
        palette.append(Colour(name, normalized(value), colours.line_of(name)))
    colours.finish()
    check_palette(tuple(palette), fields.diagnostics)
    return tuple(palette)


def _font(fields: FieldReader, key: str) -> FontChoice | None:
    node = fields.mapping("fonts")
    if node is None:
        return None
    fonts = _nested(fields, node, "'fonts'", FONT_KEYS)
    family = fonts.text(key)
    if key == FONT_KEYS[-1]:
        fonts.finish()  # once, after the last key is read
    if not family:
        return None
    at = fonts.line_of(key)
    problem = font_problem(family)
    if problem:
        fields.diagnostics.error(at, problem[0], problem[1])
        return None
    return FontChoice(family, at)


def font_problem(family: str) -> tuple[str, str] | None:
    """Why the family cannot be used (what is wrong, how to fix it), or None."""
    import fontpkg

    slug = fontpkg.slugify(family)
    try:
        found = fontpkg.family(family)
    except fontpkg.FontpkgError:
        installed = [f.name for f in fontpkg.families().values()]
        near = did_you_mean(family, installed)
        return (f"the font '{family}' is not installed",
                f"install its OFL package: pip install fontpkg-{slug}" + (f" ({near})" if near else ""))
    for weight in (400, 700):
        for style in ("normal", "italic"):
            try:
                fontpkg.select_file(found, weight, style)
            except fontpkg.FontpkgError:
                return (f"the font '{found.name}' has no {style} face at weight {weight}, which briefs set",
                        "choose a family with regular, bold and italic faces (e.g. 'Source Sans 3')")
    return None


def _nested(fields: FieldReader, node: yaml.MappingNode, what: str, known: tuple[str, ...]) -> FieldReader:
    """A reader for a mapping nested in the file (node marks are file-relative, so rebase them)."""
    at = fields.at(node)
    return FieldReader(node, at.at_line(at.line - node.start_mark.line), fields.diagnostics, what, known)


def brief_url(settings: ProjectSettings, brief_id: str) -> str:
    """The published address of a brief from the settings' ``url`` pattern (empty when there is none)."""
    return settings.url.replace("{brief}", brief_id) if settings.url else ""
