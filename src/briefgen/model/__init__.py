"""The typed models every stage passes along.

Everything read from a file knows where it came from (:class:`SourceLocation`), so a
later stage can point the author at the exact line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefgen.errors import SourceLocation
from briefgen.model.references import Bibliography as Bibliography
from briefgen.model.references import DateParts as DateParts
from briefgen.model.references import Name as Name
from briefgen.model.references import Reference as Reference

if TYPE_CHECKING:
    from markdown_it.token import Token  # only annotations: loading the project needs no Markdown parser

CitationStyle = Literal["numeric", "apa", "author-date", "chicago-notes", "notes"]
Theme = Literal["standard", "large-print"]
Paper = Literal["letter", "a4"]
OutputFormat = Literal["html", "pdf", "handout", "png", "docx"]
PdfVariant = Literal["pdf/ua-1", "pdf/a-3b"]
FindingLevel = Literal["info", "warning"]

CITATION_STYLES: tuple[CitationStyle, ...] = ("numeric", "apa", "author-date", "chicago-notes", "notes")
THEMES: tuple[Theme, ...] = ("standard", "large-print")
PAPERS: tuple[Paper, ...] = ("letter", "a4")
FINDING_LEVELS: tuple[FindingLevel, ...] = ("info", "warning")
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("html", "pdf", "handout", "png", "docx")
DEFAULT_FORMATS: tuple[OutputFormat, ...] = ("html", "pdf")
"""What ``build`` writes when no format is asked for."""
PDF_VARIANTS: tuple[PdfVariant, ...] = ("pdf/ua-1", "pdf/a-3b")
"""PDF/UA-1 (tagged, accessible; the default) and PDF/A-3b (archival)."""


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """Markdown source and the location of its first line."""

    text: str
    location: SourceLocation


# --- the project: what the author wrote -------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionRef:
    """One entry of a brief's ``sections`` list."""

    id: str
    location: SourceLocation
    audiences: tuple[str, ...] | None = None
    audience_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    """Where each audience id is written, for errors."""


@dataclass(frozen=True, slots=True)
class FurtherQuestion:
    question: str
    location: SourceLocation
    brief: str | None = None


@dataclass(frozen=True, slots=True)
class EditionOverrides:
    """What a brief changes for one audience (``editions.<audience-id>`` in the manifest)."""

    location: SourceLocation
    title: str = ""
    subtitle: str = ""
    summary: MarkdownText | None = None
    disclaimer: MarkdownText | None = None
    further_questions: tuple[FurtherQuestion, ...] | None = None
    intro: MarkdownText | None = None
    call_to_action: MarkdownText | None = None
    key_takeaways: tuple[MarkdownText, ...] | None = None
    sections: tuple[SectionRef, ...] | None = None
    extra_sections: tuple[SectionRef, ...] = ()
    citation_style: CitationStyle | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """One row of a brief's ``places:`` table: an edition per row and audience."""

    id: str
    name: str
    values: Mapping[str, str]
    """Every column of the row, by header name, as written in the CSV."""
    location: SourceLocation
    """The CSV line the row starts on."""


@dataclass(frozen=True, slots=True)
class PlaceTable:
    """A brief's ``places:``: the CSV's header and rows (those with errors are left out)."""

    location: SourceLocation
    """The CSV's header line."""
    id_column: str
    name_column: str
    columns: tuple[str, ...]
    rows: tuple[Place, ...]
    failed_rows: tuple[str, ...] = ()
    """Rows left out for their errors (reported), by id or CSV line."""

    def column_number(self, column: str) -> int:
        """The 1-based CSV column of ``column``."""
        return self.columns.index(column) + 1


@dataclass(frozen=True, slots=True)
class Brief:
    id: str
    location: SourceLocation
    title: str
    sections: tuple[SectionRef, ...]
    subtitle: str = ""
    checked: dt.date | None = None
    authors: tuple[str, ...] = ()
    organization: str = ""
    url: str = ""
    disclaimer: MarkdownText | None = None
    summary: MarkdownText | None = None
    key_takeaways: tuple[MarkdownText, ...] = ()
    further_questions: tuple[FurtherQuestion, ...] = ()
    audiences: tuple[str, ...] | None = None
    audience_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    nocite: tuple[str, ...] = ()
    nocite_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    list_of_figures: bool = False
    """Print a list of the numbered figures and tables after the contents."""
    citation_style: CitationStyle | None = None
    editions: Mapping[str, EditionOverrides] = field(default_factory=dict)
    key_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    """Where each top-level key of the manifest is written."""
    places: PlaceTable | None = None
    """``places:``: one edition per row and audience (None: one edition per audience)."""


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    location: SourceLocation
    title: str
    body: MarkdownText
    audiences: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()
    language: str = ""
    audience_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    """The language of a translated variant (``id.es.md``); empty for the default file."""


@dataclass(frozen=True, slots=True)
class Audience:
    id: str
    location: SourceLocation
    label: str
    description: str = ""
    language: str = "en"
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    key_takeaways_first: bool = False
    reading_grade: float | None = None
    max_pages: int | None = None
    citation_style: CitationStyle | None = None
    theme: Theme = "standard"
    paper: Paper = "letter"
    absolute_claims: FindingLevel = "info"
    """How ``briefgen check`` reports an uncited absolute claim ("no county", "nunca") in this edition."""
    is_builtin: bool = False
    extends: str = ""
    """The profile this one takes its values and content rules from (``extends:``), or empty."""
    lineage: tuple[str, ...] = ()
    """This audience's id, then the id of the profile it extends, and so on up: content written for
    any of them reaches this audience (see :meth:`reads_for`)."""

    @property
    def reader_ids(self) -> tuple[str, ...]:
        """The ids whose content this audience reads, most specific first."""
        return self.lineage or (self.id,)

    def reads_for(self, audience_ids: Iterable[str]) -> bool:
        """True when content meant for ``audience_ids`` reaches this audience (itself or a profile it extends)."""
        wanted = set(audience_ids)
        return any(reader in wanted for reader in self.reader_ids)


PALETTE_NAMES: tuple[str, ...] = ("text", "muted", "accent", "paper", "box", "rule", "focus")
"""The colours a project may set (``colors:`` in ``briefs/project.yaml``): the themes' CSS custom properties."""


@dataclass(frozen=True, slots=True)
class Logo:
    """The organization's logo, printed on the first page of every edition."""

    path: Path
    """An SVG or PNG file inside the project (resolved)."""
    alt: str
    """The text a screen reader reads in its place (required: PDF/UA refuses an image without it)."""
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Colour:
    """One colour of the project's palette, as ``#rrggbb``, and where it is written."""

    name: str
    value: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class FontChoice:
    """A font family chosen by name from the OFL font packages (``fontpkg-*`` on PyPI)."""

    family: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """What every brief of the project shares (``briefs/project.yaml``); the defaults are a project
    without that file. A brief's own ``organization:`` and ``url:`` win over these."""

    location: SourceLocation | None = None
    """The settings file, or None when the project has none."""
    organization: str = ""
    contact: str = ""
    website: str = ""
    url: str = ""
    """The address of each brief's online edition, with ``{brief}`` where the brief's id goes."""
    audiences: tuple[str, ...] | None = None
    audience_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    paper: Paper | None = None
    language: str = ""
    word_template: Path | None = None
    logo: Logo | None = None
    colors: tuple[Colour, ...] = ()
    body_font: FontChoice | None = None
    heading_font: FontChoice | None = None


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    briefs: Mapping[str, Brief]
    sections: Mapping[str, Section]
    translations: Mapping[tuple[str, str], Section]
    """Section variants by (section id, language)."""
    broken_sections: frozenset[str]
    """Section files that exist but could not be read (their errors are reported), by file
    name without ``.md``: ``costs``, or ``costs.es`` for a translation."""
    audiences: Mapping[str, Audience]
    bibliography: Bibliography
    broken_briefs: frozenset[str] = frozenset()
    """Brief manifests that exist but could not be read (their errors are reported), by file name
    without ``.yaml``."""
    broken_audiences: frozenset[str] = frozenset()
    """Project audience profiles that exist but cannot be used (their errors are reported), by
    file name without ``.yaml``."""
    files_with_errors: frozenset[Path] = frozenset()
    """Every file an error was reported at while loading and checking the project, symlinks
    resolved: an edition that reads one is not built (see :func:`briefgen.build.plan.broken_inputs`)."""
    settings: ProjectSettings = ProjectSettings()
    """``briefs/project.yaml``: what every brief shares (defaults when the project has no such file)."""


# --- an edition: one brief assembled for one audience ----------------------------------


@dataclass(frozen=True, slots=True)
class EditionText:
    """A piece of Markdown parsed for this edition, audience blocks already applied."""

    source: MarkdownText
    tokens: tuple[Token, ...]
    env: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class EditionSection:
    section: Section
    number: int
    anchor: str
    text: EditionText


@dataclass(frozen=True, slots=True)
class Edition:
    brief: Brief
    audience: Audience
    title: str
    subtitle: str
    further_questions: tuple[FurtherQuestion, ...]
    language: str
    citation_style: CitationStyle
    sections: tuple[EditionSection, ...]
    summary: EditionText | None
    intro: EditionText | None
    call_to_action: EditionText | None
    key_takeaways: tuple[EditionText, ...]
    disclaimer: EditionText | None
    place: Place | None = None
    """The row of the brief's ``places:`` this edition is for."""

    def texts(self, include_disclaimer: bool = True) -> list[EditionText]:
        """Every piece of Markdown the audience reads, in reading order (the disclaimer last)."""
        texts = [self.intro, self.summary, *self.key_takeaways, *(s.text for s in self.sections), self.call_to_action,
                 self.disclaimer if include_disclaimer else None]
        return [text for text in texts if text is not None]

    @property
    def name(self) -> str:
        """The output file name without extension: ``<brief-id>--<audience-id>[--<place-id>]``."""
        return edition_name(self.brief.id, self.audience.id, self.place)


def edition_name(brief_id: str, audience_id: str, place: Place | None = None) -> str:
    """``<brief-id>--<audience-id>``, and ``--<place-id>`` for an edition of one row of ``places:``."""
    return f"{brief_id}--{audience_id}" + (f"--{place.id}" if place is not None else "")
