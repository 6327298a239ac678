"""The stages in order: load → check → assemble → cite → render HTML → render PDF → write."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from briefgen.assemble import MarkdownCache, assemble_edition, check_audience_ids, edition_source_files
from briefgen.citations.resolve import CitationTable
from briefgen.errors import BriefgenError, Diagnostics, SourceLocation, UsageError
from briefgen.load.ids import is_valid_id
from briefgen.load.project import BRIEFS_DIR, load_project
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Audience, Brief, CitationStyle, Edition, OutputFormat, PdfVariant, Project
from briefgen.outputs import prepare_output_dir, write_all_atomic
from briefgen.readability import Readability, measure_edition
from briefgen.render.accessibility import check_alt_text
from briefgen.render.html import cite_edition, edition_date, render_html


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
    embed_fonts: bool = True
    """Embed the theme's fonts in the HTML edition (``check`` skips it: nothing is written)."""
    pdf_variant: PdfVariant = "pdf/ua-1"


@dataclass(frozen=True, slots=True)
class EditionReport:
    """What was built, measured against the audience's targets."""

    name: str
    audience: Audience
    reading: Readability
    pages: int | None
    handout_pages: int | None = None


@dataclass(slots=True)
class BuildResult:
    written: list[Path] = field(default_factory=list)
    reports: list[EditionReport] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def build(project_dir: Path, options: BuildOptions) -> BuildResult:
    result = BuildResult()
    project = load_project(project_dir, result.diagnostics)
    cache = MarkdownCache()
    check_audience_ids(project, result.diagnostics, cache)
    plan = [(brief, audience) for brief in select_briefs(project, options.briefs)
            for audience in select_audiences(project, brief, options.audiences)]
    check_plan(project, options, plan)
    output_dir = prepare_output_dir(options.output_dir or project.root / "output")
    files_with_errors = frozenset(d.location.path.resolve() for d in result.diagnostics.errors if d.location)
    for brief, audience in plan:
        broken = broken_inputs(project, brief, audience, files_with_errors)
        if broken:  # a broken file never yields a half-right edition
            name = f"{brief.id}--{audience.id}"
            result.diagnostics.error(brief.location, f"edition '{name}' is not built: "
                                     f"{', '.join(SourceLocation(p).display(project.root) for p in broken)} has errors "
                                     "(reported above)", "fix that file first")
            result.failed.append(name)
            continue
        built = build_edition(project, brief, audience, cache, options)
        result.diagnostics.extend(built.diagnostics)
        if not built.is_built:
            result.failed.append(built.edition.name)
            continue
        try:
            result.written.extend(write_all_atomic(output_dir, built.files))
        except BriefgenError as error:
            result.diagnostics.extend(error.diagnostics)
            result.failed.append(built.edition.name)
            continue
        assert built.report is not None
        result.reports.append(built.report)
    return result


@dataclass(slots=True)
class EditionBuild:
    """One edition, built in memory: what it says, the bytes of each output file, and its problems."""

    edition: Edition
    table: CitationTable
    html: str | None
    files: dict[str, bytes]
    report: EditionReport | None
    diagnostics: Diagnostics

    @property
    def is_built(self) -> bool:
        return not self.diagnostics.has_errors


def broken_inputs(project: Project, brief: Brief, audience: Audience, files_with_errors: frozenset[Path]) -> list[Path]:
    """The files with errors (found while loading) that this edition reads: its manifest, profile,
    sections, translations or references.bib. Another brief's manifest that a further question
    links to does not count."""
    own_manifest = brief.location.path.resolve()
    return sorted(path for path in edition_source_files(project, brief, audience) & files_with_errors
                  if path == own_manifest or path.parent != own_manifest.parent)


def build_edition(project: Project, brief: Brief, audience: Audience, cache: MarkdownCache,
                  options: BuildOptions) -> EditionBuild:
    """One edition, from assembly to the bytes of each output file (nothing is written here)."""
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, audience, cache, diagnostics, options.citation_style)
    table = cite_edition(edition, project, diagnostics)
    html = None
    files: dict[str, bytes] = {}
    pdf = handout = None
    try:
        wants_pdf = "pdf" in options.formats or "png" in options.formats
        check_alt_text(edition, diagnostics, is_required=wants_pdf and options.pdf_variant == "pdf/ua-1")
        if "html" in options.formats:
            html = render_html(edition, table, project, diagnostics, allow_remote=options.allow_remote,
                               embed_fonts=options.embed_fonts)
            files[f"{edition.name}.html"] = html.encode("utf-8")
        roots = [project.root, Path(str(resources.files("briefgen")))]
        if wants_pdf and not diagnostics.has_errors:
            from briefgen.render.pdf import render_pdf  # WeasyPrint loads only when a PDF is wanted

            page = render_html(edition, table, project, diagnostics, is_for_pdf=True, allow_remote=options.allow_remote)
            pdf = render_pdf(page, project.root, roots, brief.location, diagnostics, options.pdf_variant,
                             edition_date(edition))
            if "pdf" in options.formats:
                files[f"{edition.name}.pdf"] = pdf.data
            if "png" in options.formats:
                from briefgen.render.png import render_first_page

                files[f"{edition.name}.png"] = render_first_page(pdf.data)
        if "handout" in options.formats and not diagnostics.has_errors:
            from briefgen.render.handout import render_handout

            handout = render_handout(edition, project, roots, diagnostics, options.pdf_variant)
            if handout is not None:
                files[f"{edition.name}.handout.pdf"] = handout.data
    except BriefgenError as error:  # a limit was reached while rendering: this edition fails, the others go on
        diagnostics.extend(error.diagnostics)
    if diagnostics.has_errors:
        return EditionBuild(edition, table, html, {}, None, diagnostics)
    report = EditionReport(edition.name, audience, measure_edition(edition),
                           pdf.pages if pdf else None, handout.pages if handout else None)
    return EditionBuild(edition, table, html, files, report, diagnostics)


def check_plan(project: Project, options: BuildOptions, plan: list[tuple[Brief, Audience]]) -> None:
    """An audience asked for on the command line that a brief asked for has no edition for is a
    usage error, as is a request that matches no edition at all."""
    wanted = [a for a in options.audiences if a != "all"]
    if not wanted:
        return
    for brief_id in options.briefs:
        brief = project.briefs.get(brief_id)
        built = {audience.id for b, audience in plan if b is brief}
        for audience_id in wanted:
            if brief is not None and audience_id not in built:
                raise UsageError.at(None, f"brief '{brief_id}' has no edition for audience '{audience_id}'",
                                    "add the audience to the brief's 'audiences:' list, or ask for another")
    if not plan and project.briefs:
        raise UsageError.at(None, f"no brief has an edition for {', '.join(repr(a) for a in wanted)}",
                            "add the audience to a brief's 'audiences:' list, or ask for another")


def select_briefs(project: Project, wanted: tuple[str, ...]) -> list[Brief]:
    if not wanted:
        return list(project.briefs.values())
    chosen = []
    for brief_id in wanted:
        if brief_id in project.briefs:
            chosen.append(project.briefs[brief_id])
        # a manifest that exists but is broken has its own error already
        elif not is_valid_id(brief_id) or not (project.root / BRIEFS_DIR / f"{brief_id}.yaml").is_file():
            hint = did_you_mean(brief_id, list(project.briefs)) or "briefs: " + ", ".join(project.briefs)
            raise UsageError.at(None, f"no brief '{brief_id}'", hint)
    return chosen


def select_audiences(project: Project, brief: Brief, wanted: tuple[str, ...]) -> list[Audience]:
    ids = [a for a in wanted if a != "all"]
    for audience_id in ids:
        if audience_id not in project.audiences:
            hint = did_you_mean(audience_id, list(project.audiences)) or "audiences: " + ", ".join(project.audiences)
            raise UsageError.at(None, f"no audience '{audience_id}'", hint)
    for_brief = brief.audiences if brief.audiences is not None else tuple(project.audiences)
    if not ids:
        return [project.audiences[a] for a in for_brief if a in project.audiences]
    return [project.audiences[a] for a in ids if a in for_brief]
