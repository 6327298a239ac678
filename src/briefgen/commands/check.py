"""``briefgen check``: every edition checked, nothing written; findings as text, JSON or
GitHub workflow annotations."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from briefgen.commands.completion import choices, complete_briefs, complete_rules
from briefgen.commands.exits import exit_usage, run_or_exit
from briefgen.commands.parameters import (
    AudienceOption,
    ProjectOption,
    QuietOption,
    VerboseOption,
    WhereOption,
    where_pairs,
)

if TYPE_CHECKING:
    from briefgen.check.run import CheckResult

BriefsArgument = Annotated[Optional[list[str]], typer.Argument(
    metavar="BRIEF", help="Brief ids to check (default: every brief).", show_default=False,
    autocompletion=complete_briefs)]
StrictOption = Annotated[bool, typer.Option("--strict", help="Warnings fail the check too (exit 1).")]
FormatOption = Annotated[str, typer.Option(
    "--format", metavar="text|json|github", autocompletion=choices("text", "json", "github"),
    help="text for people, json for programs, github for workflow annotations.")]
PagesOption = Annotated[bool, typer.Option("--pages", help="Lay each edition out as a PDF and compare its pages with the "
                                                           "audience's max_pages (slower: loads the PDF renderer).")]
RecheckOption = Annotated[int, typer.Option(
    "--recheck-after", metavar="DAYS", min=0,
    help="Warn when a source's urldate is this many days older than the brief's 'checked' date.")]
IgnoreOption = Annotated[Optional[list[str]], typer.Option(
    "--ignore", metavar="RULE", show_default=False, autocompletion=complete_rules,
    help="Leave out the warnings and info of a rule or rule family (e.g. evidence), repeatable; errors always count.")]
ListRulesOption = Annotated[bool, typer.Option("--list-rules", help="List every rule with its id and severity, and exit.")]


def check(briefs: BriefsArgument = None, audience: AudienceOption = None, strict: StrictOption = False,
          output_format: FormatOption = "text", pages: PagesOption = False, recheck_after: RecheckOption = 365,
          ignore: IgnoreOption = None, list_rules: ListRulesOption = False, project: ProjectOption = Path("."),
          quiet: QuietOption = False, verbose: VerboseOption = False, where: WhereOption = None) -> None:
    """Check every brief × audience edition without writing anything; exit 1 when there are errors.

    Each finding reads 'path:line: severity: message; hint [rule-id]', then a summary line.
    Plain check never loads the PDF renderer; --pages does. A brief with places: has every row
    checked: the first row's editions in full, every row's values (placeholders, when blocks,
    the rows its charts and tables pick), each bad value at its CSV line and column.

    Example: briefgen check --strict --format github
    """
    from briefgen.check.report import exit_code, summary_line, to_json
    from briefgen.check.run import CheckOptions, check_project
    from briefgen.console import detail, say

    if list_rules:
        _print_rules()
    if output_format not in ("text", "json", "github"):
        exit_usage(f"unknown format '{output_format}'; choose from text, json, github")
    options = CheckOptions(briefs=tuple(briefs or ()), audiences=tuple(audience or ()), count_pages=pages,
                           recheck_after_days=recheck_after, ignore=tuple(ignore or ()), where=where_pairs(where))
    started = time.perf_counter()
    result = run_or_exit(lambda: check_project(project, options))
    if output_format == "json":
        typer.echo(to_json(result, Path.cwd(), strict))
        raise typer.Exit(exit_code(result, strict))
    _print_findings(result, output_format == "github")
    say(summary_line(result, strict))
    detail(f"took {time.perf_counter() - started:.2f} s")
    raise typer.Exit(exit_code(result, strict))


def _print_rules() -> None:
    from briefgen.check.rules import RULES

    for rule in RULES:
        typer.echo(f"{rule.id:28} {rule.severity.value:8} {rule.summary}")
    raise typer.Exit(0)


def _print_findings(result: CheckResult, is_github: bool) -> None:
    """Each edition's figures (``--verbose``), then the findings on standard output: the report
    is the command's data. Info is left out with ``--quiet``; a flood of one rule is folded
    into one line unless ``--verbose``."""
    from briefgen.build.options import EditionReport
    from briefgen.check.report import summarise, to_github
    from briefgen.console import describe_edition, detail, is_quiet, is_verbose, print_findings
    from briefgen.errors import Severity

    for checked in result.editions:
        detail(describe_edition(EditionReport(checked.edition.name, checked.edition.audience, checked.reading,
                                              checked.pages)))
    findings = [finding for finding in (result.findings if is_verbose() else summarise(result.findings))
                if not (is_quiet() and finding.severity is Severity.INFO)]
    if is_github:
        for finding in findings:
            typer.echo(to_github(finding, Path.cwd()))
    else:
        print_findings(findings, sys.stdout, is_once=False)

