"""Content hashes of everything an edition is made from.

An edition's key changes exactly when something it is built from changes: the brief's
manifest, the sections this audience reads (and their images), the resolved audience
profile, the bibliography entries it cites, the titles of briefs it links to, briefgen's
own code, templates, themes and message catalogues, the libraries that shape the output,
and the build options. Files are compared by content, never by modification time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from markdown_it.token import Token

from briefgen import __version__
from briefgen.citations.resolve import iter_citations
from briefgen.load.project_files import FileRefused, read_file, referenced_path
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.model import Audience, Edition, EditionText, Project, Reference
from briefgen.render.resources import MAX_IMAGE_BYTES

KEY_SCHEMA = "briefgen-edition-1"
OUTPUT_LIBRARIES = ("markdown_it", "mdit_py_plugins", "jinja2", "markupsafe", "pyphen", "bibtexparser", "pylatexenc",
                    "yaml", "weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools")
"""Libraries whose version can change an edition's bytes; an upgrade rebuilds everything."""
_CODE_SUFFIXES = (".py", ".j2", ".css", ".yaml")


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


class InputHashes:
    """Hashes of input files and bibliography entries, each computed once per run."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._files: dict[Path, str] = {}
        self._references: dict[str, str] = {}

    def file(self, path: Path, limit: int = MAX_FILE_BYTES) -> str:
        """The content hash of a project file, read only after :func:`read_file`'s checks (inside
        the project, a regular file, within ``limit``); a refused file hashes as its reason, and
        the stage that reads it reports the error."""
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(read_file(path, self.project.root, limit)).hexdigest()
            except FileRefused as refused:
                self._files[path] = f"refused: {refused.reason}"
        return self._files[path]

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


def edition_key(edition: Edition, project: Project, hashes: InputHashes, options: Iterable[tuple[str, object]]) -> str:
    """The content hash of everything ``edition`` is built from (see the module docstring)."""
    brief, audience = edition.brief, edition.audience
    parts: list[str] = [code_fingerprint(), str(project.root), repr(sorted(options, key=lambda item: item[0]))]
    parts.append("manifest " + hashes.file(brief.location.path))
    parts.append("audience " + repr(_audience_values(audience)))
    parts.append(f"language {edition.language} style {edition.citation_style}")
    for section in edition.sections:
        parts.append(f"section {section.section.id} {section.section.location.path.name} "
                     + hashes.file(section.section.location.path))
    linked = sorted({q.brief for q in edition.further_questions if q.brief})
    parts.append("links " + repr([(b, project.briefs[b].title if b in project.briefs else None) for b in linked]))
    texts = list(edition.texts())
    cited = sorted({item.key for text in texts for citation in iter_citations(text.tokens) for item in citation.items})
    parts.append(f"bibliography readable={project.bibliography.is_readable}")
    for key in [*cited, *sorted(k for k in brief.nocite if k != "*")]:
        parts.append(f"cites {key} {hashes.reference(key)}")
    if "*" in brief.nocite:
        parts.append("nocite * " + hashes.file(project.bibliography.path.path))
    for text in texts:
        for source in _image_sources(text.tokens):
            parts.append(f"image {source} " + _image_digest(source, text, hashes))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _audience_values(audience: Audience) -> list[tuple[str, object]]:
    return [(field.name, getattr(audience, field.name)) for field in dataclasses.fields(audience)
            if field.name not in ("location", "is_builtin")]


def _image_sources(tokens: Iterable[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type == "image":
            yield str(token.attrGet("src") or "")
        if token.children:
            yield from _image_sources(token.children)


def _image_digest(source: str, text: EditionText, hashes: InputHashes) -> str:
    path = referenced_path(source, text.source.location.path)
    if path is None:
        return "outside"
    return hashes.file(path, MAX_IMAGE_BYTES)
