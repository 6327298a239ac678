"""What a build is asked for and what it reports back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Diagnostics
from briefgen.measure.readability import Readability
from briefgen.model import Audience, CitationStyle, OutputFormat, PdfVariant

if TYPE_CHECKING:
    from briefgen.build.plan import PlannedEdition
    from briefgen.render.remote import RemoteImages


@dataclass(frozen=True, slots=True)
class BuildOptions:
    briefs: tuple[str, ...] = ()
    """Brief ids to build; empty means every brief."""
    audiences: tuple[str, ...] = ()
    """Audience ids; empty (or ``all``) means every audience the brief is for."""
    formats: tuple[OutputFormat, ...] = ("html", "pdf")
    output_dir: Path | None = None
    citation_style: CitationStyle | None = None
    allow_remote: bool = False
    """Download images that sections link to on other sites (off: only project files)."""
    remote_images: RemoteImages | None = field(default=None, compare=False, repr=False)
    """The build's remote image fetcher (each image downloaded once per build); made by
    :func:`build` when ``allow_remote`` is on and none is given."""
    embed_fonts: bool = True
    """Embed the theme's fonts in the HTML edition (``check`` skips it: nothing is written)."""
    pdf_variant: PdfVariant = "pdf/ua-1"
    docx_template: Path | None = None
    """A reference .docx whose styles, page, margins, headers and footers the Word editions use."""
    jobs: int | None = None
    """Worker processes making PDFs (and the pages of large HTML-only builds); None: one per CPU."""
    force: bool = False
    """Rebuild every edition, even those whose inputs are unchanged."""
    on_progress: Callable[[int, int], None] | None = None
    """Called with (editions done, editions to build) as the build goes."""
    where: tuple[tuple[str, str], ...] = ()
    """``--where COLUMN=VALUE``: only the rows of ``places:`` that match all of them."""
    scheduler: str | None = None
    """The address of a Dask scheduler (``tcp://HOST:8786``) whose workers make the PDFs; None:
    this machine's PDF workers (see :mod:`briefgen.build.dask_scheduler`)."""


def with_remote_images(options: BuildOptions) -> BuildOptions:
    """The options with the build's one remote image fetcher, when remote images are allowed
    (each image is downloaded once per build, whichever editions show it)."""
    if not options.allow_remote or options.remote_images is not None:
        return options
    from briefgen.render.remote import RemoteImages

    return dataclasses.replace(options, remote_images=RemoteImages())


NOT_IN_EDITION_KEY = frozenset({"briefs", "audiences", "formats", "output_dir", "jobs", "force", "on_progress",
                                 "remote_images", "where", "scheduler"})
"""Options that choose *which* editions and files to build, not what an edition contains; every
other option (present or future) is part of each edition's cache key."""


@dataclass(frozen=True, slots=True)
class EditionReport:
    """What was built, measured against the audience's targets."""

    name: str
    audience: Audience
    reading: Readability
    pages: int | None
    handout_pages: int | None = None
    is_up_to_date: bool = False
    """True when the edition was unchanged and not rebuilt (the figures are from its last build)."""


@dataclass(slots=True)
class BuildResult:
    written: list[Path] = field(default_factory=list)
    reports: list[EditionReport] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def up_to_date(self) -> list[str]:
        return [report.name for report in self.reports if report.is_up_to_date]

    def add(self, planned: PlannedEdition, formats: Collection[str]) -> None:
        """Report a planned edition: built, failed, or up to date (with the figures and problems
        of its last build). Called in plan order, whatever order the editions finished in."""
        previous, outcome = planned.previous, planned.outcome  # never planned.edition: an edition up to date is not assembled
        if outcome is None:  # up to date
            assert previous is not None
            self.diagnostics.extend(list(previous.diagnostics))
            pages = previous.pages if "pdf" in formats else None
            self.reports.append(EditionReport(planned.name, planned.audience, previous.reading, pages, is_up_to_date=True))
            return
        self.diagnostics.extend(planned.diagnostics)
        if outcome.is_failed:
            self.failed.append(planned.name)
            return
        self.written.extend(outcome.written)
        pages = outcome.pages
        if pages is None and "pdf" in formats and previous is not None and previous.key == planned.key:
            pages = previous.pages  # only the HTML was rebuilt; the PDF is unchanged
        self.reports.append(EditionReport(planned.name, planned.audience, outcome.reading, pages, outcome.handout_pages))
