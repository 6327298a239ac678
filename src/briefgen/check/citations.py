"""Citation rules on top of the build's own (unknown keys, duplicate keys, BibTeX syntax,
incomplete entries, online sources without an access date): entries nobody cites, and
sources last visited long before the brief's facts were checked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from briefgen.check.editions import CheckedEdition
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.project_files import FileRefused, read_file
from briefgen.load.text_files import MAX_FILE_BYTES
from briefgen.model import Project, Reference


def check_citations(project: Project, editions: Sequence[CheckedEdition], is_whole_project: bool,
                    recheck_after_days: int, diagnostics: Diagnostics) -> None:
    bibliography = project.bibliography
    if not bibliography.is_readable:
        return
    field_lines = _FieldLines(bibliography.path.path, project.root)
    cited_by: dict[str, set[str]] = {}
    """reference id → ids of the briefs whose editions cite (or nocite) it"""
    for checked in editions:
        for reference in checked.table.references:
            cited_by.setdefault(reference.id, set()).add(checked.edition.brief.id)
    for key, brief_ids in cited_by.items():
        reference = bibliography.references[key]
        _check_corporate_names(reference, field_lines, diagnostics)
        # a cited entry with no urldate, title or author is already reported by the build (check_reference)
        for brief_id in sorted(brief_ids):
            _check_age(reference, project.briefs[brief_id].checked, brief_id, recheck_after_days,
                       field_lines, diagnostics)
    if is_whole_project:
        for key, reference in bibliography.references.items():
            if key not in cited_by and reference.problem:
                diagnostics.warning(reference.location.at_line(reference.problem_line or reference.location.line),
                                    reference.problem, reference.problem_hint + " (an error once the entry is cited)",
                                    rule="citations/broken-entry")
            if key not in cited_by:
                diagnostics.info(reference.location, f"'{key}' is cited by no brief",
                                 "cite it, list it under a brief's nocite, or remove it from references.bib",
                                 rule="citations/unused-entry")


_ORGANISATION_WORDS = frozenset("""
    organization organisation association agency administration authority bank board bureau center centre commission
    committee company corporation council department division federation foundation fund government group inc
    institute institution league ltd ministry network office program programme project service services society
    survey trust union university nations alliance coalition forum partnership consortium secretariat parliament
    congress senate court""".split())


def _check_corporate_names(reference: Reference, field_lines: _FieldLines, diagnostics: Diagnostics) -> None:
    """An organisation written without double braces is split into a person ("Organization, W. H.")."""
    for field, names in (("author", reference.author), ("editor", reference.editor)):
        for name in names:
            if name.literal or not name.given:
                continue
            words = f"{name.given} {name.particle} {name.family}".split()
            if not any(word.strip(".,").lower() in _ORGANISATION_WORDS for word in words):
                continue
            written = " ".join(words)
            diagnostics.warning(field_lines.line_of(reference, field),
                                f"'{written}' in '{reference.id}' looks like an organisation but is read as a person "
                                f"({name.family}, {name.given})",
                                f"put it in double braces: {field} = {{{{{written}}}}}", rule="citations/corporate-name")


def _check_age(reference: Reference, checked: dt.date | None, brief_id: str, limit: int,
               field_lines: _FieldLines, diagnostics: Diagnostics) -> None:
    accessed = reference.accessed
    if checked is None or accessed.year is None:
        return
    visited = dt.date(accessed.year, accessed.month or 1, _safe_day(accessed.year, accessed.month or 1, accessed.day))
    age = (checked - visited).days
    if age <= limit:
        return
    diagnostics.warning(field_lines.line_of(reference, "urldate"),
                        f"re-check this source: '{reference.id}' was last visited on {visited.isoformat()}, "
                        f"{age} days before brief '{brief_id}' was checked ({checked.isoformat()}); the limit is {limit} days",
                        "open the URL, confirm what the brief says, and update urldate", rule="citations/stale-source")


def _safe_day(year: int, month: int, day: int | None) -> int:
    if not day:
        return 1
    for candidate in (day, 30, 29, 28):
        try:
            dt.date(year, month, candidate)
            return candidate
        except ValueError:
            continue
    return 1


class _FieldLines:
    """The line of a field inside an entry of references.bib (the entry's line when not found)."""

    def __init__(self, path: Path, root: Path) -> None:
        try:
            text = read_file(path, root, MAX_FILE_BYTES).decode("utf-8-sig")  # the loader's own checks
            self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        except (FileRefused, UnicodeDecodeError):
            self.lines = []

    def line_of(self, reference: Reference, name: str) -> SourceLocation:
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=", re.IGNORECASE)
        start = reference.location.line
        for index in range(start - 1, len(self.lines)):
            if index > start - 1 and self.lines[index].lstrip().startswith("@"):
                break
            if pattern.match(self.lines[index]):
                return reference.location.at_line(index + 1)
        return reference.location
