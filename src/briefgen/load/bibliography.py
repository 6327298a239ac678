"""``references.bib`` → :class:`Reference` models, with every problem located.

bibtexparser 2 splits the file and never raises: a broken entry comes back as a failed
block that keeps its (0-based) line. Here the blocks are checked, each entry's raw fields
read (``@string`` macros evaluated, ``crossref`` parents inherited), and each entry becomes
a reference in :mod:`briefgen.load.bibtex_entries` (names in ``bibtex_names``, dates in
``bibtex_dates``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ImplicitComment, ParsingFailedBlock

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.bibtex_entries import make_reference
from briefgen.load.bibtex_values import Macros, blank_comments
from briefgen.load.text_files import read_text
from briefgen.model import Bibliography, Reference

_SILENT = logging.NullHandler()
MAX_BRACE_DEPTH = 32
_STRAY_FIELD = re.compile(r"^\s*,?\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")
_MISSING_COMMA = re.compile(r"(?:\n|[}\"])\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]")


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
        library = parse_string(blank_comments(text), parse_stack=[])
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
        reference = make_reference(entry, fields, field_lines, at, diagnostics, entry_problems)
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
