"""The build cache, kept in ``<output>/.briefgen-cache/``.

``editions.json`` records, for each edition built, what it read and the content hash of it
all (:class:`briefgen.build.inputs.EditionInputs`), the files written (size and modification
time, to notice one deleted or edited by hand), its reading level and page count, and its
diagnostics, so an unchanged edition is reported, warnings included, without being rebuilt,
or even assembled. It is one file for the whole output folder, read once per build: a folder
of 6,000 editions costs one read, not 6,000.

Each edition's record is first appended, as one JSON line, to a journal of the process that
wrote the edition (``journal/<build>-<pid>.jsonl``; HTML workers write their own), the moment
its files are written; at the end of the build the journals are folded into ``editions.json``
(written atomically) and removed. A build stopped half-way (Ctrl-C, a crash) leaves its
journals, and the next build reads them: it resumes where that one stopped. Every record
carries the time it was made, so the newest record of an edition wins however the journals and
the file were left; a line cut short is skipped.

``references.json`` holds the parsed ``references.bib``, keyed by the file's content hash:
a 5,000-entry bibliography is parsed once, not on every run. ``audience-blocks.json`` holds
the audience blocks of each section that has some, keyed by its text's hash, so checking the
project's audience ids parses only the sections that changed. JSON, never pickle: a cache
folder is data and must not be able to run code.

A missing, unreadable or outdated cache file is simply a cache miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.build.assemble import AudienceBlocks, MarkdownCache
from briefgen.build.cache_json import (
    bibliography_from_json,
    bibliography_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
    inputs_to_json,
)
from briefgen.build.data_rows import RowsRead
from briefgen.build.inputs import EditionInputs, LinkedBrief, TextInputs, code_fingerprint
from briefgen.build.outputs import CACHE_DIR
from briefgen.errors import Diagnostic, Diagnostics
from briefgen.load.project_files import FileRefused, read_file
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.measure.readability import Readability
from briefgen.model import Bibliography

_EDITIONS = "editions.json"
_JOURNALS = "journal"
_LEGACY_EDITIONS = "editions"
"""Where records were kept one file per edition before ``editions.json``; removed when it is written."""
_RECORDS_VERSION = 1
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
        self._records: dict[str, dict[str, Any]] | None = None
        """Edition name → its newest record (as read from JSON), once read."""
        self._journals_read: list[Path] = []
        self._build = f"{int(time.time())}-{secrets.token_hex(4)}"
        """Names this build's journals (those of its HTML workers too)."""
        self._journal: tuple[int, int] | None = None
        """(process id, file descriptor) of this process's journal, once opened."""
        self._stored: dict[str, dict[str, Any]] = {}
        """The records this process made in this build."""
        self._paths: dict[str, Path] = {}

    # --- editions -------------------------------------------------------------------

    def lookup(self, name: str) -> CachedEdition | None:
        """The record of the last build of ``name``, or None (``--force`` ignores every record)."""
        if self.is_forced:
            return None
        data = self._read_records().get(name)
        if data is None:
            return None
        try:
            return CachedEdition(
                key=data["key"],
                inputs=self._inputs_from_json(name, data["key"], data["inputs"]) if "inputs" in data else None,
                outputs={fmt: OutputStamp(*stamp) for fmt, stamp in data["outputs"].items()},
                reading=Readability(*data["reading"]),
                pages=data["pages"],
                diagnostics=tuple(diagnostic_from_json(item) for item in data["diagnostics"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
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
        not rebuilt this time stay recorded if still current. The record goes to this process's
        journal at once (a build stopped after this edition still knows it was built)."""
        name, key = inputs.name, inputs.key
        outputs = dict(previous.outputs) if previous is not None and previous.key == key else {}
        for fmt, path in written.items():
            stamp = OutputStamp.of(path)
            if stamp is not None:
                outputs[fmt] = stamp
        if pages is None and previous is not None and previous.key == key:
            pages = previous.pages
        data = {"name": name, "at": time.time_ns(), "key": key, "inputs": inputs_to_json(inputs),
                "outputs": {fmt: [s.file, s.size, s.mtime_ns] for fmt, s in sorted(outputs.items())},
                "reading": [reading.words, reading.sentences, reading.syllables, reading.language], "pages": pages,
                "diagnostics": [diagnostic_to_json(d) for d in diagnostics]}
        self._append_journal(json.dumps(data, ensure_ascii=False) + "\n")
        self._stored[name] = data

    def save(self) -> None:
        """Fold the journals of this build (and of a build stopped before it) into ``editions.json``,
        then remove them; nothing is written when no edition was built and no journal was left."""
        own = self._journal_path()
        if self._journal is not None and self._journal[0] == os.getpid():
            os.close(self._journal[1])
            self._journal = None
        journals = self._journals()
        if not self._stored and not journals:
            return
        records = dict(self._read_records())
        others = [journal for journal in journals if journal not in self._journals_read and journal != own]
        _replay(records, others)  # the HTML workers' journals
        _replay(records, [], self._stored.values())
        text = json.dumps({"version": _RECORDS_VERSION, "code": code_fingerprint(),
                           "editions": dict(sorted(records.items()))}, ensure_ascii=False)
        if not self._write(self.folder / _EDITIONS, text):
            return  # the journals stay: the next build reads them
        for journal in {*self._journals_read, *others, own}:
            with contextlib.suppress(OSError):
                journal.unlink(missing_ok=True)
        self._records, self._journals_read, self._stored = records, [], {}
        legacy = self.folder / _LEGACY_EDITIONS
        if legacy.is_dir() and not legacy.is_symlink():
            import shutil

            shutil.rmtree(legacy, ignore_errors=True)

    def _journals(self) -> list[Path]:
        try:
            return sorted(path for path in (self.folder / _JOURNALS).glob("*.jsonl") if path.is_file())
        except OSError:
            return []

    def _append_journal(self, line: str) -> None:
        """One line, in one write, to this process's journal (opened on first use; a forked worker
        opens its own). A journal that cannot be written is only a slower next build."""
        try:
            if self._journal is None or self._journal[0] != os.getpid():
                path = self._journal_path()
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
                self._journal = (os.getpid(), descriptor)
            os.write(self._journal[1], line.encode("utf-8"))
        except (OSError, ValueError):
            return

    def _read_records(self) -> dict[str, dict[str, Any]]:
        """Every edition's newest record: ``editions.json``, then the journals left beside it."""
        if self._records is not None:
            return self._records
        records: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(_read_record(self.folder / _EDITIONS))
            if data.get("version") == _RECORDS_VERSION and data.get("code") == code_fingerprint():
                records = {str(name): record for name, record in data["editions"].items() if isinstance(record, dict)}
        except (FileRefused, OSError, ValueError, KeyError, TypeError, AttributeError):
            records = {}
        self._journals_read = self._journals()
        _replay(records, self._journals_read)
        self._records = records
        return records

    def _journal_path(self) -> Path:
        return self.folder / _JOURNALS / f"{self._build}-{os.getpid()}.jsonl"

    def _path(self, text: str) -> Path:
        """``Path(text)``, made once per distinct text: thousands of records name the same files."""
        path = self._paths.get(text)
        if path is None:
            path = self._paths[text] = Path(text)
        return path

    def _inputs_from_json(self, name: str, key: str, data: dict[str, Any]) -> EditionInputs:
        path = self._path
        text = TextInputs(tuple(path(item) for item in data["images"]), tuple(str(cited) for cited in data["cited"]),
                          tuple(path(item) for item in data.get("data", ())),
                          tuple(RowsRead.from_json(item) for item in data.get("rows", ())))
        linked = tuple(LinkedBrief(str(brief_id), path(manifest), None if title is None else str(title), str(url))
                       for brief_id, manifest, title, url in data["linked"])
        return EditionInputs(name, tuple(path(item) for item in data["files"]), tuple(path(item) for item in data["printed"]),
                             text, linked, tuple((str(option), str(value)) for option, value in data["options"]), str(key))

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
            self._pending_references = json.dumps({"key": key, "bibliography": bibliography_to_json(bibliography),
                                                   "diagnostics": [diagnostic_to_json(d) for d in found.items]},
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
            return (bibliography_from_json(data["bibliography"]),
                    [diagnostic_from_json(item) for item in data["diagnostics"]])
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

    def _write(self, target: Path, text: str) -> bool:
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
            return False
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
        return True


def _replay(records: dict[str, dict[str, Any]], journals: Iterable[Path], made: Iterable[dict[str, Any]] = ()) -> None:
    """Put into ``records`` each record of the ``journals`` (and ``made``) newer than the one there."""
    def newest(record: dict[str, Any]) -> None:
        try:
            name, at = str(record["name"]), int(record["at"])
        except (KeyError, TypeError, ValueError):
            return
        known = records.get(name)
        if known is None or not isinstance(known.get("at"), int) or known["at"] <= at:
            records[name] = record

    for record in made:
        newest(record)
    for journal in journals:
        try:
            lines = _read_record(journal).splitlines()
        except (FileRefused, OSError, ValueError):
            continue
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a stopped build
            if isinstance(record, dict):
                newest(record)


_MAX_RECORD_BYTES = 64 * 1024 * 1024
"""A cache file larger than this is not briefgen's (the parsed 5 MiB bibliography is far smaller)."""


def _read_record(path: Path) -> str:
    """A cache file's text. The output folder may come with a shared project, so it is read
    like any untrusted file: a regular file, bounded, never blocking (a FIFO is a cache miss)."""
    return read_file(path, None, _MAX_RECORD_BYTES).decode("utf-8")
