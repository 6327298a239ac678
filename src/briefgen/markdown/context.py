"""What briefgen hands markdown-it while it parses and renders, typed.

markdown-it passes one mutable mapping, ``env``, to every rule; its own rules and plugins keep
their state there (``references``, ``duplicate_refs``, ``footnotes``, ``docId``), so ``env``
stays a mapping. briefgen keeps its own state in two typed objects, each under one key:
:class:`ParseContext` (set before parsing; the rules add what they find to it) and
:class:`RenderContext` (how citations and images are rendered). This module is the only one
that reads or writes ``env`` by key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from briefgen.citations.syntax import Citation, Paragraph
from briefgen.figures.model import FigureRendering

if TYPE_CHECKING:
    from briefgen.charts.spec import ChartSpec

Env = MutableMapping[str, Any]
"""markdown-it's ``env`` (its ``EnvType``)."""

Finding = tuple[int, str, str]
"""A problem found while parsing: the 0-based line in the parsed text, the message, the hint."""

_PARSE = "briefgen_parse"
_RENDER = "briefgen_render"


@dataclass(frozen=True, slots=True)
class ParseContext:
    """How one text is parsed, and what the parsing rules found in it."""

    first_line: int = 1
    """The file line of the text's first line."""
    id_prefix: str = ""
    """Heading ids start with it (the section id), so ids never clash in the page."""
    heading_shift: int = 1
    """Levels a heading moves down (``##`` → ``<h3>`` under the section's ``<h2>``)."""
    audience: str | tuple[str, ...] | None = None
    """Who reads the text: the audience blocks they do not read are left out (None: keep all)."""
    problems: list[Finding] = field(default_factory=list)
    """Errors found while parsing."""
    warnings: list[Finding] = field(default_factory=list)
    hidden_footnotes: dict[str, str] = field(default_factory=dict)
    """Footnote label → the audience expression of the block that hides its definition."""
    hidden_links: dict[str, str] = field(default_factory=dict)
    """Link reference label (as written) → the audience expression of the block that hides it."""
    citation_paragraph: list[Paragraph] = field(default_factory=list)
    """The citation rule's reading of the paragraph being parsed (at most one), kept between its calls."""

    def file_line(self, zero_based_line: int) -> int:
        """The file line of a 0-based line of the parsed text."""
        return self.first_line + zero_based_line


@dataclass(frozen=True, slots=True)
class RenderContext:
    """How the parts markdown-it cannot render on its own become HTML."""

    render_citation: Callable[[Citation], str] | None = None
    """A citation's mark in the edition's style (None: the keys as written)."""
    resolve_image: Callable[[str, int], str | None] | None = None
    """An image's source and file line → the address to show it from (None: it cannot be shown)."""
    figures: FigureRendering | None = None
    """The edition's float numbers and data tables (None: captions print unnumbered)."""
    render_chart: Callable[[ChartSpec], str] | None = None
    """A chart (:mod:`briefgen.charts`) → its HTML (None: its alt text is shown)."""


def new_env(context: ParseContext) -> Env:
    """A fresh ``env`` for parsing with ``context``."""
    return {_PARSE: context, "docId": context.id_prefix}  # docId: the footnote plugin's id prefix


def parse_context(env: Env) -> ParseContext:
    """The parse context in ``env``; one with the defaults is added when there is none (a parse
    started without :func:`new_env`)."""
    context = env.get(_PARSE)
    if not isinstance(context, ParseContext):
        context = env[_PARSE] = ParseContext()
    return context


def render_context(env: Mapping[str, Any]) -> RenderContext:
    context = env.get(_RENDER)
    return context if isinstance(context, RenderContext) else RenderContext()


def render_env(env: Mapping[str, Any], context: RenderContext) -> Env:
    """The ``env`` to render parsed tokens with: the parse's (markdown-it's footnotes, ids) and ``context``."""
    return {**env, _RENDER: context}


def reparse_env(env: Mapping[str, Any]) -> Env:
    """A copy of a parse's ``env`` for parsing its text again: it knows the footnotes and link
    references; what the new parse adds or finds stays out of the original."""
    copied: Env = copy.deepcopy({key: value for key, value in env.items() if key not in (_PARSE, _RENDER)})
    old = parse_context(dict(env))
    copied[_PARSE] = replace(old, problems=[], warnings=[], hidden_footnotes=dict(old.hidden_footnotes),
                             hidden_links=dict(old.hidden_links), citation_paragraph=[])
    return copied


# markdown-it's own state, read and rewritten by the audience wall

def link_references(env: Env) -> dict[str, dict[str, Any]] | None:
    """The link reference definitions markdown-it collected (normalised label → href, title, map)."""
    references = env.get("references")
    return references if isinstance(references, dict) else None


def set_link_references(env: Env, references: dict[str, dict[str, Any]]) -> None:
    env["references"] = references


def duplicate_link_references(env: Env) -> list[dict[str, Any]]:
    """Definitions of a label defined before, which markdown-it set aside (each with its label)."""
    duplicates = env.get("duplicate_refs")
    return duplicates if isinstance(duplicates, list) else []


def footnote_state(env: Env) -> dict[str, Any] | None:
    """The footnote plugin's state (``refs``: the definitions by ``:label``; ``list``: the notes)."""
    footnotes = env.get("footnotes")
    return footnotes if isinstance(footnotes, dict) else None
