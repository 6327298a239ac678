"""Index: ``index.json`` and ``index.html`` in the output folder, listing every edition in it.

Written after every build. The list is merged with the index already there, so a build of one
brief (or one place) keeps the other editions listed; an entry whose files are all gone is
dropped, and a file that is gone is left out of its entry. Each file is listed with its size
and SHA-256; a file unchanged since the last index was written (same size, not modified since)
keeps its recorded hash, so a no-op build of thousands of editions hashes nothing.

``index.json`` is for programs; ``index.html`` is for people: one self-contained page (no
network), a plain table that a few lines of inline script turn into a filterable one. Both are
written atomically, and only when their content changes (and not at all while the folder
holds no edition).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.build.outputs import write_all_atomic

if TYPE_CHECKING:
    from briefgen.build.plan import PlannedEdition

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"
INDEX_VERSION = 1
EDITION_SUFFIXES = (".html", ".pdf", ".handout.pdf", ".png", ".docx")
"""The files an edition may have, after its name; the order the index lists them in."""
FORMAT_LABELS = {".html": "HTML", ".pdf": "PDF", ".handout.pdf": "Handout", ".png": "PNG", ".docx": "Word"}


@dataclass(frozen=True, slots=True)
class IndexedFile:
    name: str
    format: str
    """``html``, ``pdf``, ``handout``, ``png`` or ``docx``."""
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class IndexedEdition:
    name: str
    brief: str
    audience: str
    audience_label: str
    place_id: str
    place_name: str
    title: str
    language: str
    pages: int | None
    files: tuple[IndexedFile, ...]


@dataclass(frozen=True, slots=True)
class EditionFacts:
    """What the index says of an edition besides its files."""

    name: str
    brief: str
    audience: str
    audience_label: str
    place_id: str
    place_name: str
    title: str
    language: str
    pages: int | None


def facts_of(planned: PlannedEdition) -> EditionFacts:
    """An edition of this build, described from its plan (never assembled for this)."""
    brief, audience = planned.brief, planned.audience
    overrides = brief.editions.get(audience.id)
    title = (overrides.title if overrides is not None and overrides.title else "") or brief.title
    if planned.place is not None and "{{<" in title:  # as the edition prints it (problems are the edition's to report)
        from briefgen.i18n import DEFAULT_LANGUAGE
        from briefgen.markdown.placeholders import fill_plain

        title = fill_plain(title, dict(planned.place.values), audience.language or DEFAULT_LANGUAGE)[0]
    place_id, place_name = place_of(planned)
    pages = planned.outcome.pages if planned.outcome is not None and not planned.outcome.is_failed else None
    if pages is None and planned.previous is not None:
        pages = planned.previous.pages
    return EditionFacts(planned.name, brief.id, audience.id, audience.label, place_id, place_name, title,
                        audience.language, pages)


def place_of(planned: PlannedEdition) -> tuple[str, str]:
    """The id and name of the edition's place (a row of its brief's ``places:``), or empty strings
    for an edition without one."""
    if planned.place is None:
        return "", ""
    return planned.place.id, planned.place.name


def update_index(output_dir: Path, plan: Iterable[PlannedEdition]) -> None:
    """Rewrite the index for this build's editions, keeping the others already listed."""
    previous = read_index(output_dir)
    index_time = _modified(output_dir / INDEX_JSON)
    facts = {entry.name: EditionFacts(entry.name, entry.brief, entry.audience, entry.audience_label, entry.place_id,
                                      entry.place_name, entry.title, entry.language, entry.pages)
             for entry in previous.values()}
    facts.update({item.name: item for item in map(facts_of, plan)})
    entries = []
    present = _edition_files_present(output_dir)
    hashed: list[str] = []
    for name in sorted(facts):
        recorded = {file.name: file for file in previous[name].files} if name in previous else {}
        files = tuple(_files_of(output_dir, name, recorded, index_time, present, hashed))
        if files:
            item = facts[name]
            entries.append(IndexedEdition(item.name, item.brief, item.audience, item.audience_label, item.place_id,
                                          item.place_name, item.title, item.language, item.pages, files))
    if not entries and not previous and not (output_dir / INDEX_JSON).exists():
        return  # nothing built yet: no empty index
    if entries == list(previous.values()) and (output_dir / INDEX_HTML).is_file():
        if hashed:  # files rewritten with the same bytes: the index is true of them as of now
            with contextlib.suppress(OSError):
                os.utime(output_dir / INDEX_JSON)
        return  # what the index says is still true: a no-op build renders neither page
    documents = {INDEX_JSON: render_index_json(entries).encode("utf-8"),
                 INDEX_HTML: render_index_html(entries).encode("utf-8")}
    changed = {name: data for name, data in documents.items() if _read_bytes(output_dir / name) != data}
    if changed:
        write_all_atomic(output_dir, changed)


def _edition_files_present(output_dir: Path) -> frozenset[str]:
    """The names in the output folder that may be an edition's file (one listing, not a stat per
    name and format: a folder of 6,000 editions has 30,000 names to try)."""
    try:
        with os.scandir(output_dir) as listing:
            return frozenset(entry.name for entry in listing if entry.name.endswith(EDITION_SUFFIXES))
    except OSError:
        return frozenset()


def _files_of(output_dir: Path, name: str, recorded: Mapping[str, IndexedFile], index_time: int | None,
              present: frozenset[str], hashed: list[str]) -> Iterable[IndexedFile]:
    """The edition's files (those in ``present``), with their hash: the recorded one if the file is
    unchanged since the index was written, else hashed now (and named in ``hashed``)."""
    for suffix in EDITION_SUFFIXES:
        if f"{name}{suffix}" not in present:
            continue
        path = output_dir / f"{name}{suffix}"
        try:
            status = path.stat()
        except OSError:
            continue
        known = recorded.get(path.name)
        if known is not None and known.bytes == status.st_size and index_time is not None and status.st_mtime_ns < index_time:
            yield known
            continue
        import hashlib  # only when a file is new or changed: a no-op build hashes nothing

        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
        hashed.append(path.name)
        yield IndexedFile(path.name, suffix.removesuffix(".pdf").strip(".") or "pdf", status.st_size, digest)


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def read_index(output_dir: Path) -> dict[str, IndexedEdition]:
    """The editions the index in ``output_dir`` lists (none when it is missing or unreadable:
    the index is rebuilt from this build's editions)."""
    try:
        data = json.loads((output_dir / INDEX_JSON).read_text(encoding="utf-8"))
        return {entry.name: entry for entry in map(_entry_from_json, data["editions"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _entry_from_json(data: Mapping[str, Any]) -> IndexedEdition:
    files = tuple(IndexedFile(str(f["name"]), str(f["format"]), int(f["bytes"]), str(f["sha256"])) for f in data["files"])
    if any(os.sep in file.name or file.name.startswith(".") for file in files):
        raise ValueError("a file outside the output folder")
    place = data.get("place") or {}
    pages = data.get("pages")
    return IndexedEdition(str(data["name"]), str(data["brief"]), str(data["audience"]), str(data.get("audience_label", "")),
                          str(place.get("id", "")), str(place.get("name", "")), str(data.get("title", "")),
                          str(data.get("language", "")), int(pages) if pages is not None else None, files)


def render_index_json(entries: Iterable[IndexedEdition]) -> str:
    editions = [{"name": entry.name, "brief": entry.brief, "audience": entry.audience,
                 "audience_label": entry.audience_label, "place": {"id": entry.place_id, "name": entry.place_name},
                 "title": entry.title, "language": entry.language, "pages": entry.pages,
                 "files": [asdict(file) for file in entry.files]} for entry in entries]
    return json.dumps({"version": INDEX_VERSION, "editions": editions}, indent=2, ensure_ascii=False) + "\n"



def render_index_html(entries: list[IndexedEdition]) -> str:
    from importlib import resources

    page = (resources.files("briefgen") / "templates" / "index.html").read_text(encoding="utf-8")
    briefs = len({entry.brief for entry in entries})
    summary = f"{len(entries)} edition{'s' if len(entries) != 1 else ''} of {briefs} brief{'s' if briefs != 1 else ''}."
    has_places = any(entry.place_id or entry.place_name for entry in entries)
    columns = ["Title", "Brief", "Audience", *(["Place"] if has_places else []), "Language", "Pages", "Files"]
    header = "<tr>" + "".join(f'<th scope="col">{name}</th>' for name in columns) + "</tr>"
    label = f"Filter by title, brief, audience{', place' if has_places else ''} or language"
    rows = "\n".join(_row(entry, has_places) for entry in entries)
    return (page.replace("{{summary}}", html.escape(summary)).replace("{{filter_label}}", label)
            .replace("{{header}}", header).replace("{{rows}}", rows))


def _row(entry: IndexedEdition, has_places: bool) -> str:
    from urllib.parse import quote

    searched = " ".join([entry.title, entry.brief, entry.audience, entry.audience_label, entry.place_id, entry.place_name,
                         entry.language]).lower()
    place = entry.place_name or entry.place_id
    if entry.place_name and entry.place_id:
        place = f"{entry.place_name} ({entry.place_id})"
    links = " ".join(f'<span class="file"><a href="{html.escape(quote(file.name))}">{FORMAT_LABELS[_suffix(file)]}</a>'
                     f' <span class="size">({_size(file.bytes)})</span></span>' for file in entry.files)
    cells = [f'<th scope="row" lang="{html.escape(entry.language)}">{html.escape(entry.title)}</th>',
             f"<td>{html.escape(entry.brief)}</td>",
             f"<td>{html.escape(entry.audience_label or entry.audience)}</td>",
             *([f"<td>{html.escape(place)}</td>"] if has_places else []),
             f"<td>{html.escape(entry.language)}</td>",
             f"<td>{entry.pages if entry.pages is not None else ''}</td>",
             f'<td class="files">{links}</td>']
    return f'<tr data-search="{html.escape(searched)}">{"".join(cells)}</tr>'


def _suffix(file: IndexedFile) -> str:
    return next(suffix for suffix in sorted(EDITION_SUFFIXES, key=len, reverse=True) if file.name.endswith(suffix))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
