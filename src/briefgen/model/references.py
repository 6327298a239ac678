"""The references of a project: a small CSL-JSON-shaped model of ``references.bib``, so more
citation styles can follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.errors import SourceLocation


@dataclass(frozen=True, slots=True)
class Name:
    """A person (family/given) or an organisation (literal)."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""
    is_particle_dropping: bool = False
    """biblatex ``useprefix=false``: "Gestel, R. van" rather than "van Gestel, R."."""

    @property
    def is_organization(self) -> bool:
        return bool(self.literal)


@dataclass(frozen=True, slots=True)
class DateParts:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    literal: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """One bibliography entry, shaped like CSL-JSON so more styles can follow."""

    id: str
    location: SourceLocation
    type: str
    title: str = ""
    author: tuple[Name, ...] = ()
    et_al: bool = False
    """The author list ended in ``and others``."""
    editor: tuple[Name, ...] = ()
    issued: DateParts = DateParts()
    accessed: DateParts = DateParts()
    container_title: str = ""
    collection_title: str = ""
    publisher: str = ""
    publisher_place: str = ""
    genre: str = ""
    number: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    edition: str = ""
    url: str = ""
    doi: str = ""
    note: str = ""
    howpublished: str = ""
    short_author: str = ""
    """biblatex ``shortauthor``: the name used in author-date citations ("GAO")."""
    short_title: str = ""
    """biblatex ``shorttitle``: the title used in short notes."""
    language: str = ""
    """The work's language as a BCP-47 tag (``en``), from biblatex ``langid`` or ``language``; empty when unknown."""
    translator: tuple[Name, ...] = ()
    group_author: str = ""
    """An organisation that stands as author (APA's group author): the ``institution`` or
    ``organization`` of an entry with no author or editor."""
    status: str = ""
    """biblatex ``pubstate`` as written (``inpress``, ``forthcoming``, ...)."""
    issue_title: str = ""
    problem: str = ""
    """Why this entry cannot be printed correctly (a different duplicate, an undefined macro,
    an impossible date ...): an error where it is cited, a warning in ``check`` otherwise."""
    problem_hint: str = ""
    problem_line: int = 0


@dataclass(frozen=True, slots=True)
class Bibliography:
    path: SourceLocation
    references: Mapping[str, Reference]
    is_readable: bool = True
    """False when the file is missing or unreadable (already reported): keys are not checked."""
