"""Edition conflicts: parallel audience blocks of a section that may tell their readers
different facts, as a prompt for a human to compare them.

Parallel blocks are fenced divs with an ``audience`` attribute that follow one another
in a section (blank lines between them only) and that no audience reads together, such as
``::: {audience="!community-groups"}`` followed by ``::: {audience="community-groups"}``.
Items that open with the same bold label ("**Health care.**") are compared one by one;
otherwise block with block. Two differences are reported:

- a number: each side states a number the other does not (a longer version that only
  adds figures is fine; "36" against "35" is not);
- a negation, between items with the same label: one side says "no", "not", "never",
  "ningún" … and the other says none of them (a summary that drops "no measurable change"
  may say the opposite of the full text). Whole blocks are reworded too freely for this.

Numbers are compared after thousands separators are removed ("1,001", "1 001" and "1001"
are one number); statute and document identifiers (``287(g)``, ``GAO-21-186``) are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from markdown_it.token import Token

from briefgen.check.editions import CheckedEdition
from briefgen.check.evidence import IDENTIFIERS, TextUnit, blank, text_units
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.audience_blocks import audience_matches
from briefgen.markdown.parser import parse_markdown
from briefgen.markdown.plain import CHECKED, inline_text
from briefgen.model import Project, Section

_NEGATIONS = {
    "en": re.compile(r"\b(?:no|not|never|none|nobody|nothing|cannot|without)\b|n[’']t\b", re.IGNORECASE),
    "es": re.compile(r"\b(?:no|nunca|ning[uú]n[oa]?|nadie|nada|jam[aá]s|sin)\b", re.IGNORECASE),
}
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w(])")


@dataclass(frozen=True, slots=True)
class AudienceBlock:
    expression: str
    units: tuple[TextUnit, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """What one block says at one place: its numbers and negations, and where it starts."""

    line: int
    numbers: frozenset[str]
    negations: tuple[str, ...]


def check_edition_conflicts(project: Project, editions: Sequence[CheckedEdition], diagnostics: Diagnostics) -> None:
    """Each section file that a checked edition reads, once."""
    sections: dict[Path, Section] = {}
    for checked in editions:
        for included in checked.edition.sections:
            sections.setdefault(included.section.location.path, included.section)
    for section in sections.values():
        readers = tuple(audience.reader_ids for audience in project.audiences.values())
        for location, message in section_conflicts(section, readers):
            diagnostics.info(location, message,
                             "make sure every audience is told the same facts, then reword one block or leave it "
                             "as it is (this is a prompt, not an error)", rule="evidence/edition-conflict")


def section_conflicts(section: Section, audience_ids: Sequence[str | Sequence[str]]) -> Iterator[tuple[SourceLocation, str]]:
    """``audience_ids``: each audience as its id or its lineage (id, then the profiles it extends)."""
    language = (section.language or "en").split("-")[0]
    negation = _NEGATIONS.get(language, _NEGATIONS["en"])
    parsed = parse_markdown(section.body, Diagnostics(), language=language)
    first_line = section.body.location.line
    for group in parallel_groups(parsed.tokens):
        for left, right in combinations(group, 2):
            if any(audience_matches(left.expression, a) and audience_matches(right.expression, a) for a in audience_ids):
                continue  # some audience reads both: they are not alternatives
            for mine, theirs in _aligned(left, right, negation):
                where = SourceLocation(section.body.location.path, first_line + theirs.line)
                problem = _difference(mine, theirs)
                if problem:
                    yield where, (f"parallel audience blocks differ in {problem[0]}: the block for "
                                  f"'{right.expression}' {problem[1]} where the block for '{left.expression}' "
                                  f"(line {first_line + mine.line}) {problem[2]}")


def parallel_groups(tokens: Sequence[Token]) -> list[list[AudienceBlock]]:
    """Runs of top-level audience blocks that follow one another with nothing in between."""
    groups: list[list[AudienceBlock]] = []
    current: list[AudienceBlock] = []
    depth = 0
    start = 0
    expression = ""
    for index, token in enumerate(tokens):
        if token.type == "div_open":
            if depth == 0:
                audience = token.meta.get("audience") if token.meta else None
                if audience is None:
                    current = _close(groups, current)
                expression, start = str(audience or ""), index + 1
            depth += 1
        elif token.type == "div_close":
            depth -= 1
            if depth == 0 and expression:
                current.append(AudienceBlock(expression, tuple(text_units(tokens[start:index]))))
                expression = ""
        elif depth == 0:
            current = _close(groups, current)
    _close(groups, current)
    return groups


def _close(groups: list[list[AudienceBlock]], current: list[AudienceBlock]) -> list[AudienceBlock]:
    if len(current) > 1:
        groups.append(current)
    return []


def _aligned(left: AudienceBlock, right: AudienceBlock,
             negation: re.Pattern[str]) -> Iterator[tuple[Passage, Passage]]:
    """Items that share a bold label ("**Health care.**") one by one; otherwise the whole blocks."""
    labels = {_label(unit): unit for unit in right.units if _label(unit)}
    pairs = [(unit, labels[_label(unit)]) for unit in left.units if _label(unit) in labels]
    if pairs:
        for mine, theirs in pairs:
            yield _passage([mine], negation), _passage([theirs], negation)
    elif left.units and right.units:
        yield _passage(left.units, negation, with_negations=False), _passage(right.units, negation, with_negations=False)


def _label(unit: TextUnit) -> str:
    """The first word of a unit's leading bold label, cut to its stem ("Schools." and "School." match)."""
    match = re.match(r"\s*(?:\*\*|__)\W*([^\W\d_]+)", unit.inlines[0].content) if unit.inlines else None
    return match.group(1).lower()[:5] if match else ""


def _passage(units: Sequence[TextUnit], negation: re.Pattern[str], with_negations: bool = True) -> Passage:
    text = " ".join(inline_text(token.children or (), CHECKED) for unit in units for token in unit.inlines)
    words = blank(IDENTIFIERS, _THOUSANDS.sub("", text))
    numbers = frozenset(match.group().replace(",", ".") for match in _NUMBER.finditer(words))
    negations = tuple(match.group().lower() for match in negation.finditer(text)) if with_negations else ()
    return Passage(units[0].line, numbers, negations)


def _difference(mine: Passage, theirs: Passage) -> tuple[str, str, str] | None:
    only_mine, only_theirs = sorted(mine.numbers - theirs.numbers), sorted(theirs.numbers - mine.numbers)
    if only_mine and only_theirs:
        return "a number", f"says {', '.join(only_theirs)}", f"says {', '.join(only_mine)}"
    if bool(mine.negations) != bool(theirs.negations):
        said = f"says '{theirs.negations[0]}'" if theirs.negations else "has no negation"
        other = f"says '{mine.negations[0]}'" if mine.negations else "has none"
        return "a negation", said, other
    return None
