"""The people of a BibTeX name field (``author``, ``editor``, ``translator``): ``Last, First``,
``First von Last``, organisations in braces, biblatex's extended ``family=…, given=…`` names."""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.latex import decode_latex
from briefgen.model import Name

_EXTENDED_NAME = re.compile(r"^\s*(family|given|prefix|suffix|useprefix|giveni|familyi|prefixi|suffixi)\s*=",
                            re.IGNORECASE)


def read_names(value: str, at: SourceLocation, key: str, diagnostics: Diagnostics) -> tuple[tuple[Name, ...], bool]:
    if not value.strip():
        return (), False
    names, et_al, problems = _parse_names(value)
    for message, hint in problems:
        diagnostics.warning(at, message.format(key=key), hint, rule="citations/bib-syntax")
    return names, et_al


@lru_cache(maxsize=16384)
def _parse_names(value: str) -> tuple[tuple[Name, ...], bool, tuple[tuple[str, str], ...]]:
    """The people of a name field, whether it ends in 'and others', and what was wrong (message, hint).

    Cached: a library names the same people again and again, and name parsing is most of the loading time."""
    names: list[Name] = []
    problems: list[tuple[str, str]] = []
    et_al = False
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if raw.lower() == "others":
            et_al = True
            continue
        if raw.startswith("{") and raw.endswith("}") and _is_one_group(raw):
            names.append(Name(literal=decode_latex(raw[1:-1])))
            continue
        if _EXTENDED_NAME.match(raw):
            names.append(_extended_name(raw))
            continue
        shown = raw.replace("{", "{{").replace("}", "}}")
        if raw.endswith(",") and not raw.endswith("\\,"):
            problems.append((f"the name '{shown}' in '{{key}}' ends with a comma; read as '{shown.rstrip(', ')}'",
                             "remove the comma (an organisation goes in double braces: {{Name}})"))
            raw = raw.rstrip(", ")
            shown = shown.rstrip(", ")
        try:
            parts = parse_single_name_into_parts(raw, strict=True)
        except InvalidNameError as error:
            reason = str(error).replace("{", "{{").replace("}", "}}")
            problems.append((f"cannot read the name '{shown}' in '{{key}}' ({reason}); it is printed as written",
                             "write names as 'Last, First' or 'First Last', organisations in double braces"))
            names.append(Name(literal=decode_latex(raw)))
            continue
        names.append(Name(family=decode_latex(" ".join(parts.last)), given=decode_latex(" ".join(parts.first)),
                          particle=decode_latex(" ".join(parts.von)), suffix=decode_latex(" ".join(parts.jr))))
    return tuple(names), et_al, tuple(problems)


def _extended_name(raw: str) -> Name:
    """Better BibLaTeX's ``family=Gestel, given=Rob, prefix=van, useprefix=true`` (biblatex's extended names)."""
    parts: dict[str, str] = {}
    for piece in _split_top_level(raw):
        name, _, value = piece.partition("=")
        value = value.strip()
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        parts[name.strip().lower()] = value
    return Name(family=decode_latex(parts.get("family", "")), given=decode_latex(parts.get("given", "")),
                particle=decode_latex(parts.get("prefix", "")), suffix=decode_latex(parts.get("suffix", "")),
                is_particle_dropping=bool(parts.get("prefix")) and parts.get("useprefix", "false").lower() != "true")


def _split_top_level(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _is_one_group(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and index < len(text) - 1:
            return False
    return True
