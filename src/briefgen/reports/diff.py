"""The difference between two editions of a brief, section by section: what audience A
reads that B does not, and the reverse."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token

from briefgen.errors import Diagnostics
from briefgen.markdown.plain import MEASURED, plain_text
from briefgen.model import Audience, Brief, Place, Project
from briefgen.reports.editions import assemble_editions


@dataclass(frozen=True, slots=True)
class SectionDiff:
    section_id: str
    title: str
    status: str
    """``only-a``, ``only-b``, ``differs`` or ``same``."""
    a_only: tuple[str, ...] = ()
    b_only: tuple[str, ...] = ()


def diff_editions(project: Project, brief: Brief, a: Audience, b: Audience, diagnostics: Diagnostics,
                  place: Place | None = None) -> list[SectionDiff]:
    """``place``: the row of the brief's places whose two editions are compared."""
    edition_a, edition_b = assemble_editions(project, brief, [a, b], diagnostics, place)
    sections_a = {s.section.id: s for s in edition_a.sections}
    sections_b = {s.section.id: s for s in edition_b.sections}
    order = list(sections_a) + [s for s in sections_b if s not in sections_a]
    result: list[SectionDiff] = []
    for section_id in order:
        in_a, in_b = sections_a.get(section_id), sections_b.get(section_id)
        if in_a is None or in_b is None:
            title = (sections_a.get(section_id) or sections_b[section_id]).section.title
            result.append(SectionDiff(section_id, title, "only-a" if in_b is None else "only-b"))
            continue
        title = in_a.section.title
        blocks_a, blocks_b = _blocks(in_a.text.tokens), _blocks(in_b.text.tokens)
        a_only = tuple(block for block in blocks_a if block not in blocks_b)
        b_only = tuple(block for block in blocks_b if block not in blocks_a)
        status = "differs" if a_only or b_only or in_a.section.language != in_b.section.language else "same"
        result.append(SectionDiff(section_id, title, status, a_only, b_only))
    return result


_DIFFED = replace(MEASURED, cell_end=" | ")
"""A table row is one block, its cells joined by bars."""


def _blocks(tokens: Sequence[Token]) -> list[str]:
    text = plain_text(tokens, _DIFFED)
    blocks = (re.sub(r"\s+([.,;:])", r"\1", " ".join(block.split())).strip(" |") for block in text.split("\n\n"))
    return [block for block in blocks if block]
