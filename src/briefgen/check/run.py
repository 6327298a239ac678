"""The check, in order: load → validate → select → every edition made as ``build`` makes it
(:func:`briefgen.build.edition.build_edition`: assemble, cite, render HTML, with ``--count-pages``
render PDF; nothing is written) → the rule families.

The build's own problems are collected as they are; then each rule family adds its
findings. A finding shared by several editions (a section used by many) is reported once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.build.assemble import MarkdownCache, check_audience_ids
from briefgen.build.select import select_audiences, select_briefs, select_places, unreadable_briefs
from briefgen.check.absolute_claims import check_absolute_claims
from briefgen.check.audience_fit import check_audience_fit
from briefgen.check.citations import check_citations
from briefgen.check.edition_conflicts import check_edition_conflicts
from briefgen.check.editions import CheckedEdition, check_edition
from briefgen.check.evidence import check_evidence
from briefgen.check.place_rows import FloatData, check_place_rows, once_per_row
from briefgen.check.rules import BUILD, rules_matching
from briefgen.check.structure import check_structure
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, Severity, UsageError
from briefgen.load.project import load_project

DEFAULT_RECHECK_AFTER_DAYS = 365


@dataclass(frozen=True, slots=True)
class CheckOptions:
    briefs: tuple[str, ...] = ()
    """Brief ids to check; empty means every brief."""
    audiences: tuple[str, ...] = ()
    """Audience ids; empty (or ``all``) means every audience each brief is for."""
    count_pages: bool = False
    """Lay every edition out as a PDF to count its pages (loads WeasyPrint)."""
    recheck_after_days: int = DEFAULT_RECHECK_AFTER_DAYS
    ignore: tuple[str, ...] = ()
    """Rule ids or families whose warnings and infos are left out (errors are always reported)."""
    where: tuple[tuple[str, str], ...] = ()
    """``--where COLUMN=VALUE``: only these rows of briefs with ``places:`` (default: every row)."""

    @property
    def is_whole_project(self) -> bool:
        return not self.briefs and all(a == "all" for a in self.audiences)


@dataclass(slots=True)
class CheckResult:
    findings: list[Diagnostic] = field(default_factory=list)
    editions: list[CheckedEdition] = field(default_factory=list)
    briefs: int = 0
    rows: int = 0
    """Editions of further rows of briefs with ``places:`` whose values were checked (beyond ``editions``)."""
    unreadable: list[str] = field(default_factory=list)
    """Briefs whose manifest exists but has errors, so none of their editions could be checked."""

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


def check_project(project_dir: Path, options: CheckOptions) -> CheckResult:
    """Check the project; raises :class:`UsageError` for an unknown brief or audience id."""
    for pattern in options.ignore:
        if not rules_matching(pattern):
            raise UsageError.at(None, f"no rule or rule family '{pattern}'", "briefgen check --list-rules shows them")
    diagnostics = Diagnostics()
    result = CheckResult()
    try:
        project = load_project(project_dir, diagnostics)
    except BriefgenError as error:  # not a project at all: nothing else can be checked
        result.findings = _tidy(Diagnostics(error.diagnostics), options)
        return result
    cache = MarkdownCache()
    project = check_audience_ids(project, diagnostics, cache)
    briefs = select_briefs(project, options.briefs)
    result.briefs = len(briefs)
    result.unreadable = unreadable_briefs(project, options.briefs)
    rows = select_places(project, briefs, options.where)
    data = FloatData(project.root)
    for brief in briefs:
        if not rows[brief.id]:
            continue
        first, *others = rows[brief.id]
        for audience in select_audiences(project, brief, options.audiences):
            # the first row's edition is built in full; every other row's values are checked on their own
            found = Diagnostics()
            result.editions.append(check_edition(project, brief, audience, cache, options.count_pages, found, first))
            diagnostics.extend(once_per_row(found.items))
            check_place_rows(project, brief, audience, cache, [p for p in others if p is not None], data, diagnostics)
            result.rows += len(others)
    # "cited by no brief" and "listed in no brief" need every brief: not when some are left out or unreadable
    is_whole = options.is_whole_project and not project.broken_briefs
    check_citations(project, result.editions, is_whole, options.recheck_after_days, diagnostics)
    check_evidence(result.editions, diagnostics)
    check_absolute_claims(result.editions, diagnostics)
    check_edition_conflicts(project, result.editions, diagnostics)
    check_audience_fit(result.editions, diagnostics)
    check_structure(project, result.editions, is_whole, diagnostics)
    result.findings = _tidy(diagnostics, options)
    return result


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _tidy(diagnostics: Diagnostics, options: CheckOptions) -> list[Diagnostic]:
    """Every finding once, with a rule id, in file and line order; ignored rules left out."""
    ignored = {rule.id for pattern in options.ignore for rule in rules_matching(pattern)}
    unique: dict[Diagnostic, None] = {}
    for diagnostic in diagnostics.items:
        if not diagnostic.rule:
            diagnostic = replace(diagnostic, rule=BUILD)
        if diagnostic.rule in ignored and diagnostic.severity is not Severity.ERROR:
            continue
        unique.setdefault(diagnostic, None)

    def order(d: Diagnostic) -> tuple[str, int, int, str, str]:
        path = str(d.location.path) if d.location else ""
        return (path, d.location.line if d.location else 0, _SEVERITY_ORDER[d.severity], d.rule, d.message)

    return sorted(unique, key=order)
