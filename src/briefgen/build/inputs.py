"""What an edition reads, and the content hash of all of it: its key.

One answer serves the build cache, ``watch`` and the rule that an edition reading a file with
errors is not built (:func:`briefgen.build.plan.broken_inputs`):

- the files it opens (:func:`edition_files`): its brief's manifest, the profiles of its
  audience's lineage (``extends:`` parents included), the section files the manifest lists for
  it with the translations it looks for, ``references.bib``, and the project settings file
  ``briefs/project.yaml`` with the logo and Word template it names;
- the images its text shows, named by the one path resolver the renderer uses
  (:func:`briefgen.load.project_files.referenced_path`, which decodes ``my%20chart.png``), and
  the data files its charts and tables draw (:func:`briefgen.charts.data.data_path`), or only
  the rows of them a place's edition draws (:mod:`briefgen.build.data_rows`);
- the citation keys it cites (and ``nocite``), the briefs its further questions link to, and
  the build options and environment that shape it.

The key changes exactly when something the edition is made from changes: the manifest, the
sections it prints, the resolved audience profile, the bibliography entries it cites (not the
rest of ``references.bib``), the titles and addresses of the briefs it links to, its images,
briefgen's own code, templates, themes and message catalogues, the libraries that shape the
output, and the options. Files are compared by content, never by modification time. A section
kept from this audience by its own front matter counts by that decision, not by its text.

The images and keys are only known once the text is parsed (:class:`TextInputs`); everything
else comes from the loaded project, so an edition's key can be checked again from the images
and keys recorded at its last build without parsing any Markdown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import __version__
from briefgen.build.assemble import edition_further_questions, listed_sections, select_sections, translation_tags
from briefgen.errors import Diagnostics
from briefgen.i18n import DEFAULT_LANGUAGE
from briefgen.load.project import AUDIENCES_DIR, BRIEFS_DIR, SECTIONS_DIR
from briefgen.load.project_files import FileRefused, read_file, referenced_path
from briefgen.load.settings import MAX_TEMPLATE_BYTES
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.model import Audience, Brief, Edition, Place, Project, Reference, edition_name

if TYPE_CHECKING:
    from briefgen.build.data_rows import RowDigests, RowsRead

KEY_SCHEMA = "briefgen-edition-4"
OUTPUT_LIBRARIES = ("markdown_it", "mdit_py_plugins", "jinja2", "markupsafe", "pyphen", "bibtexparser", "pylatexenc",
                    "yaml", "weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools", "docx", "vl_convert")
"""Libraries whose version can change an edition's bytes; an upgrade rebuilds everything."""
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
"""Environment variables an edition reads: the date of a brief without ``checked:`` comes from it."""
REFUSED = "refused: "
"""How the digest of a file that may not be read begins (the stage that reads it reports why)."""
_CODE_SUFFIXES = (".py", ".j2", ".css", ".yaml")


@dataclass(frozen=True, slots=True)
class TextInputs:
    """What an edition's parsed text points to: the images it shows and the keys it cites."""

    images: tuple[Path, ...] = ()
    """Each image as its reference names it (decoded, relative to its file, links not resolved)."""
    cited: tuple[str, ...] = ()
    """Citation keys, sorted, without ``nocite`` (which the manifest holds)."""
    data: tuple[Path, ...] = ()
    """The data files its charts and tables draw whole (named relative to ``briefs/``, links not resolved)."""
    rows: tuple[RowsRead, ...] = ()
    """The rows of the other data files its charts and tables draw for its place."""


@dataclass(frozen=True, slots=True)
class LinkedBrief:
    """A brief that a further question of the edition links to, as the edition prints it."""

    id: str
    manifest: Path
    title: str | None
    """None when no brief of that id could be loaded."""
    url: str


@dataclass(frozen=True, slots=True)
class EditionInputs:
    """Everything one edition is made from, and the content hash of it all."""

    name: str
    """The edition's name (``<brief-id>--<audience-id>``)."""
    files: tuple[Path, ...]
    """The files it opens, symlinks resolved (see :func:`edition_files`)."""
    printed: tuple[Path, ...]
    """The section files whose text it prints (the default text or a translation)."""
    text: TextInputs
    linked: tuple[LinkedBrief, ...]
    options: tuple[tuple[str, str], ...]
    """The build options that shape its content, and the environment variables it reads."""
    key: str

    @property
    def paths(self) -> frozenset[Path]:
        """Every file whose change can change the edition, symlinks resolved (what ``watch`` watches)."""
        return frozenset({*self.files, *(image.resolve() for image in self.text.images),
                          *(data.resolve() for data in self.text.data), *(read.path.resolve() for read in self.text.rows),
                          *(linked.manifest for linked in self.linked)})


def edition_files(project: Project, brief: Brief, audience: Audience) -> tuple[Path, ...]:
    """The files an edition opens, known from the loaded project alone, symlinks resolved: the
    manifest, each profile of the audience's lineage (a built-in profile's project file too, which
    would override it), each section file the manifest lists for this audience with the
    translations an edition in its language looks for, and ``references.bib``. A section the
    manifest keeps from this audience is not opened; one whose front matter does is."""
    root = project.root
    paths = [brief.location.path, *(root / AUDIENCES_DIR / f"{reader}.yaml" for reader in audience.reader_ids)]
    tags = translation_tags(audience.language or DEFAULT_LANGUAGE)
    for ref in listed_sections(brief, audience):
        paths.append(root / SECTIONS_DIR / f"{ref.id}.md")
        paths.extend(root / SECTIONS_DIR / f"{ref.id}.{tag}.md" for tag in tags)
    paths.append(project.bibliography.path.path)
    paths.extend(settings_files(project))
    return tuple(dict.fromkeys(path.resolve() for path in paths))


def settings_files(project: Project) -> list[Path]:
    """The project settings file and the files it names (logo, Word template): every edition reads them."""
    settings = project.settings
    if settings.location is None:
        return []
    return [settings.location.path, *(path for path in (settings.logo.path if settings.logo else None,
                                                        settings.word_template) if path is not None)]


def known_paths(project: Project, brief: Brief, audience: Audience) -> frozenset[Path]:
    """The files an edition reads that the loaded project names, before its text is parsed: its
    :func:`edition_files` and the manifests of the briefs it links to (:attr:`EditionInputs.paths`
    adds the images)."""
    return frozenset({*edition_files(project, brief, audience),
                      *(linked.manifest for linked in linked_briefs(project, brief, audience))})


def linked_briefs(project: Project, brief: Brief, audience: Audience) -> tuple[LinkedBrief, ...]:
    """The briefs the edition's further questions link to, each once, by id."""
    ids = sorted({question.brief for question in edition_further_questions(brief, audience) if question.brief})
    found = []
    for brief_id in ids:
        target = project.briefs.get(brief_id)
        manifest = (project.root / BRIEFS_DIR / f"{brief_id}.yaml").resolve()
        found.append(LinkedBrief(brief_id, manifest, target.title if target else None, target.url if target else ""))
    return tuple(found)


def key_options(options: Iterable[tuple[str, object]], brief: Brief) -> tuple[tuple[str, str], ...]:
    """The options that shape an edition's content, as text, and the environment it reads."""
    found = [(name, repr(value)) for name, value in sorted(options, key=lambda item: item[0])]
    if brief.checked is None:
        found.extend((f"${name}", os.environ.get(name, "").strip()) for name in ENVIRONMENT)
    return tuple(found)


def read_text_inputs(edition: Edition) -> TextInputs:
    """The images, citation keys and data files (or rows of them) of an assembled edition's text
    (all it reads, disclaimer included)."""
    from briefgen.build.data_rows import data_reads
    from briefgen.citations.resolve import iter_citations
    from briefgen.markdown.tokens import image_sources

    images: dict[Path, None] = {}
    cited: set[str] = set()
    for text in edition.texts():
        for source in image_sources(text.tokens):
            path = referenced_path(source, text.source.location.path) if source else None
            if path is not None:
                images[path] = None
        cited.update(item.key for citation in iter_citations(text.tokens) for item in citation.items)
    data, rows = data_reads(edition)
    return TextInputs(tuple(images), tuple(sorted(cited)), data, rows)


def edition_inputs(project: Project, brief: Brief, audience: Audience, options: Iterable[tuple[str, object]],
                   text: TextInputs, hashes: InputHashes, place: Place | None = None) -> EditionInputs:
    """What the edition of ``brief`` for ``audience`` (and ``place``) reads, with ``text`` from its
    parsed text (:func:`read_text_inputs`) or from its last build, and the key of it all.

    A place's edition counts the CSV's header and its own row, never the other rows (unless a chart
    or table of it draws them): changing one row's figures rebuilds only that row's editions."""
    options = list(options)
    printed, linked, files = hashes.shared_inputs(project, brief, audience)
    settings = hashes.shared(key_options(options, brief))
    shared = hashes.shared_digest(project, brief, audience, settings, options)
    parts: list[str] = [shared]
    for key in [*text.cited, *sorted(k for k in brief.nocite if k != "*")]:
        parts.append(f"cites {key} {hashes.reference(key)}")
    parts.extend(f"image {path} " + hashes.image(path) for path in text.images)
    parts.extend(f"chart data {path} " + hashes.file(path) for path in text.data)
    parts.extend(f"rows {read.to_json()!r} " + hashes.rows.digest(read) for read in text.rows)
    if place is not None and brief.places is not None:
        parts.append("place " + repr((brief.places.columns, sorted(place.values.items()))))
        files = (*files, hashes.resolved(brief.places.location.path))
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return EditionInputs(edition_name(brief.id, audience.id, place), files, printed, text, linked, settings, key)


def _audience_values(audience: Audience) -> list[tuple[str, object]]:
    return [(field.name, getattr(audience, field.name)) for field in dataclasses.fields(audience)
            if field.name not in ("location", "is_builtin")]


# --- content hashes ----------------------------------------------------------------------


def content_digest(path: Path, root: Path | None, limit: int = MAX_FILE_BYTES) -> str:
    """The content hash of a file, read only after :func:`read_file`'s checks (inside ``root``
    when given, a regular file, within ``limit``); a refused file digests as :data:`REFUSED`
    and its reason."""
    try:
        return hashlib.sha256(read_file(path, root, limit)).hexdigest()
    except FileRefused as refused:
        return REFUSED + refused.reason


class InputHashes:
    """Content hashes of input files and bibliography entries, each computed once per run."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._files: dict[tuple[Path, int], str] = {}
        self._references: dict[str, str] = {}
        self._shared: dict[tuple[str, str], tuple[tuple[Path, ...], tuple[LinkedBrief, ...], tuple[Path, ...]]] = {}
        self._digests: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
        self._resolved: dict[Path, Path] = {}
        self._settings: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self._rows: RowDigests | None = None

    @property
    def rows(self) -> RowDigests:
        """The hashes of the rows of data files that place editions draw (:mod:`briefgen.build.data_rows`)."""
        if self._rows is None:
            from briefgen.build.data_rows import RowDigests

            self._rows = RowDigests(self.project.root)
        return self._rows

    def shared_inputs(self, project: Project, brief: Brief, audience: Audience) -> tuple[
            tuple[Path, ...], tuple[LinkedBrief, ...], tuple[Path, ...]]:
        """The section files printed, the briefs linked to and the files opened by every edition of
        ``brief`` for ``audience`` (each row of its places reads the same), worked out once per run."""
        key = (brief.id, audience.id)
        if key not in self._shared:
            printed = tuple(section.location.path for section in select_sections(project, brief, audience, Diagnostics()))
            self._shared[key] = (printed, linked_briefs(project, brief, audience), edition_files(project, brief, audience))
        return self._shared[key]

    def shared_digest(self, project: Project, brief: Brief, audience: Audience, settings: tuple[tuple[str, str], ...],
                      options: Iterable[tuple[str, object]]) -> str:
        """The hash of what every edition of ``brief`` for ``audience`` reads alike (code, options,
        manifest, settings, profile, sections, links, ``nocite *``, a Word template), worked out
        once per run: a brief of 3,000 places hashes it once per audience, not per row."""
        key = (brief.id, audience.id, settings)
        if key not in self._digests:
            printed, linked, _files = self.shared_inputs(project, brief, audience)
            parts: list[str] = [code_fingerprint(), str(project.root), repr(settings)]
            parts.append("manifest " + self.file(brief.location.path))
            parts.extend(f"settings {path} " + self.file(path, MAX_TEMPLATE_BYTES) for path in settings_files(project))
            parts.append("audience " + repr(_audience_values(audience)))
            parts.extend(f"section {path} " + self.file(path) for path in printed)
            parts.append("links " + repr([(b.id, b.title, b.url) for b in linked]))
            parts.append(f"bibliography readable={project.bibliography.is_readable}")
            if "*" in brief.nocite:
                parts.append("nocite * " + self.file(project.bibliography.path.path))
            parts.extend(f"word template {value} " + content_digest(value, None) for name, value in options
                         if name == "docx_template" and isinstance(value, Path))  # may sit outside the project
            self._digests[key] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._digests[key]

    def shared(self, settings: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """One tuple for every edition with the same options (thousands of place editions keep one)."""
        return self._settings.setdefault(settings, settings)

    def resolved(self, path: Path) -> Path:
        """``path.resolve()``, once per run."""
        if path not in self._resolved:
            self._resolved[path] = path.resolve()
        return self._resolved[path]

    def file(self, path: Path, limit: int = MAX_FILE_BYTES) -> str:
        if (path, limit) not in self._files:
            self._files[(path, limit)] = content_digest(path, self.project.root, limit)
        return self._files[(path, limit)]

    def image(self, path: Path) -> str:
        from briefgen.render.resources import MAX_IMAGE_BYTES  # a constant, but only editions with images need it

        return self.file(path, MAX_IMAGE_BYTES)

    def reference(self, key: str) -> str:
        if key not in self._references:
            reference = self.project.bibliography.references.get(key)
            self._references[key] = "unknown" if reference is None else _reference_digest(reference)
        return self._references[key]


def _reference_digest(reference: Reference) -> str:
    """The entry's content; its line in references.bib is left out, so adding an entry above it
    does not rebuild every edition below."""
    values = [(field.name, getattr(reference, field.name)) for field in dataclasses.fields(reference)
              if field.name != "location"]
    return hashlib.sha256(repr(values).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """briefgen's version, the content of its package files, and the installed output libraries."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{KEY_SCHEMA}\0{__version__}\0{package_fingerprint(package)}\0".encode())
    for name in OUTPUT_LIBRARIES:
        digest.update(f"{name}={_library_stamp(name)}\0".encode())
    return digest.hexdigest()


def package_fingerprint(package: Path) -> str:
    """The content of every code, template, theme and catalogue file in ``package``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _library_stamp(module: str) -> str:
    """Where a library is installed and its entry file's size and time: changes on any upgrade.

    Reading package metadata (importlib.metadata) costs ~5 ms per library; this costs one stat,
    and never imports the library (WeasyPrint stays unloaded for HTML-only builds).
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "absent"
    try:
        stat = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"

