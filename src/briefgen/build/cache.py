"""The build cache, kept in ``<output>/.briefgen-cache/``.

``editions/<edition>.json`` records, for each edition built, what it read and the content
hash of it all (:class:`briefgen.build.inputs.EditionInputs`), the files written (size and
modification time, to notice one deleted or edited by hand), its reading level and page
count, and its diagnostics, so an unchanged edition is reported, warnings included, without
being rebuilt, or even assembled.

``references.json`` holds the parsed ``references.bib``, keyed by the file's content hash:
a 5,000-entry bibliography is parsed once, not on every run. ``audience-blocks.json`` holds
the audience blocks of each section that has some, keyed by its text's hash, so checking the
project's audience ids parses only the sections that changed. JSON, never pickle: a cache
folder is data and must not be able to run code.

A missing, unreadable or outdated cache file is simply a cache miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from briefgen.build.assemble import AudienceBlocks, MarkdownCache
from briefgen.build.inputs import EditionInputs, LinkedBrief, TextInputs, code_fingerprint
from briefgen.build.outputs import CACHE_DIR
from briefgen.errors import Diagnostic, Diagnostics, Severity, SourceLocation
from briefgen.load.project_files import FileRefused, read_file
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.measure.readability import Readability
from briefgen.model import Bibliography, DateParts, Name, Reference

_EDITIONS = "editions"
_REFERENCES = "references.json"
_AUDIENCE_BLOCKS = "audience-blocks.json"


@dataclass(frozen=True, slots=True)
class OutputStamp:
    """What a written file looked like right after briefgen wrote it."""

    file: str
    """Its name in the output folder."""
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> OutputStamp | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return cls(path.name, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class CachedEdition:
    key: str
    inputs: EditionInputs | None
    """What the edition read at that build (None in a record that does not say)."""
    outputs: Mapping[str, OutputStamp]
    """Output format → the stamp of the file written for it."""
    reading: Readability
    pages: int | None
    diagnostics: tuple[Diagnostic, ...]


class BuildCache:
    def __init__(self, output_dir: Path, is_forced: bool = False) -> None:
        self.output_dir = output_dir
        self.folder = output_dir / CACHE_DIR
        self.is_forced = is_forced
        self._pending_references: str | None = None
        self._recorded_blocks: dict[str, AudienceBlocks] = {}

    # --- editions -------------------------------------------------------------------

    def lookup(self, name: str) -> CachedEdition | None:
        """The record of the last build of ``name``, or None (``--force`` ignores every record)."""
        if self.is_forced:
            return None
        try:
            data = json.loads(_read_record(self.folder / _EDITIONS / f"{name}.json"))
            return CachedEdition(
                key=data["key"],
                inputs=_inputs_from_json(name, data["key"], data["inputs"]) if "inputs" in data else None,
                outputs={fmt: OutputStamp(*stamp) for fmt, stamp in data["outputs"].items()},
                reading=Readability(*data["reading"]),
                pages=data["pages"],
                diagnostics=tuple(_diagnostic_from_json(item) for item in data["diagnostics"]),
            )
        except (FileRefused, OSError, ValueError, KeyError, TypeError):
            return None

    def missing_formats(self, name: str, entry: CachedEdition | None, key: str, formats: Iterable[str]) -> list[str]:
        """The requested formats that must be (re)built: all of them unless the inputs are unchanged
        and the file written last time is still there, untouched."""
        if entry is None or entry.key != key:
            return list(formats)
        return [fmt for fmt in formats
                if fmt not in entry.outputs or OutputStamp.of(self.output_dir / entry.outputs[fmt].file) != entry.outputs[fmt]]

    def store(self, inputs: EditionInputs, previous: CachedEdition | None, written: Mapping[str, Path],
              reading: Readability, pages: int | None, diagnostics: Iterable[Diagnostic]) -> None:
        """Record a build of the edition that read ``inputs`` (``written``: format → file); formats
        not rebuilt this time stay recorded if still current."""
        name, key = inputs.name, inputs.key
        outputs = dict(previous.outputs) if previous is not None and previous.key == key else {}
        for fmt, path in written.items():
            stamp = OutputStamp.of(path)
            if stamp is not None:
                outputs[fmt] = stamp
        if pages is None and previous is not None and previous.key == key:
            pages = previous.pages
        data = {"key": key, "inputs": _inputs_to_json(inputs),
                "outputs": {fmt: [s.file, s.size, s.mtime_ns] for fmt, s in sorted(outputs.items())},
                "reading": [reading.words, reading.sentences, reading.syllables, reading.language], "pages": pages,
                "diagnostics": [_diagnostic_to_json(d) for d in diagnostics]}
        self._write(self.folder / _EDITIONS / f"{name}.json", json.dumps(data, ensure_ascii=False))

    # --- the parsed bibliography ----------------------------------------------------------

    def load_bibliography(self, path: Path, diagnostics: Diagnostics) -> Bibliography:
        """``references.bib`` parsed, from the cache when the file's bytes are unchanged.

        bibtexparser is only imported when the file has to be parsed. The file is checked
        (a regular file within the size limit) before its bytes are read for the hash; one that
        fails is left to the loader, which reports why.
        """
        try:
            data: bytes | None = read_file(path, None, MAX_FILE_BYTES)
        except FileRefused:
            data = None
        key = None
        if data is not None:
            key = hashlib.sha256(code_fingerprint().encode() + str(path.resolve()).encode() + b"\0" + data).hexdigest()
            cached = self._read_bibliography(key)  # exact by construction: even --force reuses it
            if cached is not None:
                bibliography, recorded = cached
                diagnostics.extend(recorded)
                return bibliography
        from briefgen.load.bibliography import load_bibliography

        found = Diagnostics()
        bibliography = load_bibliography(path, found)
        diagnostics.extend(found)
        if key is not None and bibliography.is_readable:
            self._pending_references = json.dumps({"key": key, "bibliography": _bibliography_to_json(bibliography),
                                                   "diagnostics": [_diagnostic_to_json(d) for d in found.items]},
                                                  ensure_ascii=False)
        return bibliography

    def save_bibliography(self) -> None:
        """Write the parsed bibliography, once the output folder is known to be writable."""
        if self._pending_references is not None:
            self._write(self.folder / _REFERENCES, self._pending_references)
            self._pending_references = None

    def _read_bibliography(self, key: str) -> tuple[Bibliography, list[Diagnostic]] | None:
        try:
            data = json.loads(_read_record(self.folder / _REFERENCES))
            if data.get("key") != key:
                return None
            return (_bibliography_from_json(data["bibliography"]),
                    [_diagnostic_from_json(item) for item in data["diagnostics"]])
        except (FileRefused, OSError, ValueError, KeyError, TypeError):
            return None

    # --- audience blocks -------------------------------------------------------------------

    def recorded_audience_blocks(self) -> dict[str, AudienceBlocks]:
        """The audience blocks of the texts the last build read (for :class:`MarkdownCache`);
        exact by construction (by content and briefgen's code), so even ``--force`` uses them."""
        try:
            data = json.loads(_read_record(self.folder / _AUDIENCE_BLOCKS))
            if data.get("code") != code_fingerprint():
                return {}
            self._recorded_blocks = {str(digest): tuple((str(expression), int(line)) for expression, line in blocks)
                                     for digest, blocks in data["blocks"].items()}
        except (FileRefused, OSError, ValueError, KeyError, TypeError, AttributeError):
            self._recorded_blocks = {}
        return dict(self._recorded_blocks)

    def save_audience_blocks(self, markdown: MarkdownCache) -> None:
        """Record the audience blocks of the texts this build read, when they differ from the record."""
        if markdown.blocks_read != self._recorded_blocks:
            blocks = {digest: [list(block) for block in found] for digest, found in sorted(markdown.blocks_read.items())}
            self._write(self.folder / _AUDIENCE_BLOCKS, json.dumps({"code": code_fingerprint(), "blocks": blocks}))
            self._recorded_blocks = dict(markdown.blocks_read)

    def _write(self, target: Path, text: str) -> None:
        """Atomically, like the editions; a cache that cannot be written is only a slower next build,
        and a write that fails half-way (a full disk, a folder in the way) leaves no temporary file."""
        temporary = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temporary, 0o644)  # as an ordinary file, not mkstemp's private 0600
            os.replace(temporary, target)
            temporary = None
        except (OSError, ValueError):
            return
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


_MAX_RECORD_BYTES = 64 * 1024 * 1024
"""A cache file larger than this is not briefgen's (the parsed 5 MiB bibliography is far smaller)."""


def _read_record(path: Path) -> str:
    """A cache file's text. The output folder may come with a shared project, so it is read
    like any untrusted file: a regular file, bounded, never blocking (a FIFO is a cache miss)."""
    return read_file(path, None, _MAX_RECORD_BYTES).decode("utf-8")


# --- JSON forms ------------------------------------------------------------------------------


def _inputs_to_json(inputs: EditionInputs) -> dict[str, Any]:
    return {"files": [str(path) for path in inputs.files], "printed": [str(path) for path in inputs.printed],
            "images": [str(path) for path in inputs.text.images], "cited": list(inputs.text.cited),
            "data": [str(path) for path in inputs.text.data],
            "linked": [[linked.id, str(linked.manifest), linked.title, linked.url] for linked in inputs.linked],
            "options": [list(option) for option in inputs.options]}


def _inputs_from_json(name: str, key: str, data: dict[str, Any]) -> EditionInputs:
    text = TextInputs(tuple(Path(path) for path in data["images"]), tuple(str(cited) for cited in data["cited"]),
                      tuple(Path(path) for path in data.get("data", ())))
    linked = tuple(LinkedBrief(str(brief_id), Path(manifest), None if title is None else str(title), str(url))
                   for brief_id, manifest, title, url in data["linked"])
    return EditionInputs(name, tuple(Path(path) for path in data["files"]), tuple(Path(path) for path in data["printed"]),
                         text, linked, tuple((str(option), str(value)) for option, value in data["options"]), str(key))


def _diagnostic_to_json(diagnostic: Diagnostic) -> list[Any]:
    location = diagnostic.location
    return [diagnostic.severity.value, str(location.path) if location else None, location.line if location else 0,
            diagnostic.message, diagnostic.hint, diagnostic.rule]


def _diagnostic_from_json(item: list[Any]) -> Diagnostic:
    severity, path, line, message, hint, rule = item
    return Diagnostic(Severity(severity), SourceLocation(Path(path), line) if path is not None else None, message, hint, rule)


_NAME_FIELDS = tuple(f.name for f in fields(Name))
_DATE_FIELDS = tuple(f.name for f in fields(DateParts))
_REFERENCE_FIELDS = tuple(f.name for f in fields(Reference))


def _bibliography_to_json(bibliography: Bibliography) -> dict[str, Any]:
    def reference(ref: Reference) -> list[Any]:
        values: list[Any] = []
        for name in _REFERENCE_FIELDS:
            value = getattr(ref, name)
            if isinstance(value, SourceLocation):
                value = value.line
            elif isinstance(value, DateParts):
                value = [getattr(value, f) for f in _DATE_FIELDS]
            elif isinstance(value, tuple):
                value = [[getattr(person, f) for f in _NAME_FIELDS] for person in value]
            values.append(value)
        return values

    return {"path": str(bibliography.path.path), "fields": _REFERENCE_FIELDS,
            "references": [reference(ref) for ref in bibliography.references.values()]}


def _bibliography_from_json(data: dict[str, Any]) -> Bibliography:
    if tuple(data["fields"]) != _REFERENCE_FIELDS:
        raise ValueError("the cache was written for another Reference model")
    path = Path(data["path"])
    convert = [_FROM_JSON.get(name) for name in _REFERENCE_FIELDS]
    location = _REFERENCE_FIELDS.index("location")
    references: dict[str, Reference] = {}
    for values in data["references"]:
        values = [value if how is None else how(value) for how, value in zip(convert, values, strict=True)]
        values[location] = SourceLocation(path, values[location])
        reference = Reference(*values)
        references[reference.id] = reference
    return Bibliography(SourceLocation(path), references)


def _names_from_json(value: list[list[Any]]) -> tuple[Name, ...]:
    return tuple(Name(*person) for person in value)


def _date_from_json(value: list[Any]) -> DateParts:
    return DateParts(*value)


_FROM_JSON = {"author": _names_from_json, "editor": _names_from_json, "translator": _names_from_json, "issued": _date_from_json,
              "accessed": _date_from_json}
