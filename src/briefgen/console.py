"""How the command line talks: how much it says (``--quiet``, ``--verbose``), whether it uses
colours (only on a terminal, and never when ``NO_COLOR`` is set), and how a path, a finding and
an edition's figures are written. Every command prints through here, so ``build``, ``check``
and ``watch`` print the same problem as the same line::

    briefs/sections/costs.md:7: error: unknown citation key 'gao2012'; did you mean 'gao2021'? [citations/unknown-key]

Only the CLI uses this module; stages never print.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from briefgen.errors import Diagnostic, Severity

if TYPE_CHECKING:
    from briefgen.build.options import EditionReport

CATCH_ALL_RULE = "build"
"""The rule id ``check`` gives a problem no particular rule covers (:data:`briefgen.check.rules.BUILD`)."""

QUIET, NORMAL, VERBOSE = -1, 0, 1
_level = NORMAL

_SEVERITY_COLOURS = {Severity.ERROR: typer.colors.RED, Severity.WARNING: typer.colors.YELLOW,
                     Severity.INFO: typer.colors.CYAN}


# --- how much is said ---------------------------------------------------------------------------


def set_verbosity(level: int) -> None:
    global _level
    _level = level


def is_quiet() -> bool:
    return _level <= QUIET


def is_verbose() -> bool:
    return _level >= VERBOSE


def say(text: str, err: bool = False) -> None:
    """Ordinary progress output: left out with ``--quiet``."""
    if not is_quiet():
        typer.echo(text, err=err)


def detail(text: str) -> None:
    """Extra output for ``--verbose`` only (on stderr, so it never mixes with a command's data)."""
    if is_verbose():
        typer.echo(text, err=True)


# --- colours ------------------------------------------------------------------------------------


def use_colour(stream: TextIO) -> bool:
    """Colours only on a terminal, and never when ``NO_COLOR`` is set to anything (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, severity: Severity, stream: TextIO | None = None) -> str:
    if not use_colour(stream or sys.stdout):
        return text
    return typer.style(text, fg=_SEVERITY_COLOURS[severity], bold=severity is Severity.ERROR)


# --- paths and findings -------------------------------------------------------------------------


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (the working folder) when inside it, with '/' separators."""
    # abspath first: a symlink is shown where it is, not where it points (a link out of the project)
    for candidate, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))), (path.resolve(), root.resolve())):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return path.as_posix()


def format_finding(finding: Diagnostic, root: Path, stream: TextIO | None = None) -> str:
    """``path:line: severity: what is wrong; how to fix it [rule-id]``; the severity is coloured
    when ``stream`` is a terminal. A finding without a file starts with ``briefgen:``; one that no
    particular ``check`` rule covers has no rule id (``check``'s JSON calls it ``build``)."""
    where = "briefgen: "
    if finding.location is not None:
        where = display_path(finding.location.path, root)
        where += f":{finding.location.line}: " if finding.location.line else ": "
    severity = finding.severity.value if stream is None else paint(finding.severity.value, finding.severity, stream)
    rule = "" if finding.rule in ("", CATCH_ALL_RULE) else f" [{finding.rule}]"
    text = finding.message + (f"; {finding.hint}" if finding.hint else "") + rule
    return f"{where}{severity}: {text}"


def format_usage_problem(problem: Diagnostic) -> str:
    """A command-line mistake (exit 2): ``briefgen: no brief 'x'; did you mean 'y'?``; one that
    points at a file (a folder that is not a project) reads as any other finding."""
    if problem.location is not None:
        return format_finding(problem, Path.cwd())
    return "briefgen: " + problem.message + (f"; {problem.hint}" if problem.hint else "")


def print_findings(findings: Iterable[Diagnostic], stream: TextIO | None = None, is_once: bool = True) -> None:
    """Each finding (once, unless ``is_once`` is false), on standard error unless ``stream`` is
    given (``check`` prints its report on standard output)."""
    out = stream or sys.stderr
    seen: set[str] = set()
    for finding in findings:
        text = format_finding(finding, Path.cwd())
        if text not in seen or not is_once:
            seen.add(text)
            typer.echo(format_finding(finding, Path.cwd(), out), file=out)


def print_paths(verb: str, paths: Iterable[Path]) -> None:
    """``wrote output/b--press.html``, one line each (left out with ``--quiet``)."""
    cwd = Path.cwd()
    for path in paths:
        say(f"{verb} {display_path(path, cwd) if path.is_absolute() else path}")


# --- an edition's figures -----------------------------------------------------------------------


def describe_edition(report: EditionReport) -> str:
    """``287g-costs--press: 1,204 words, grade 9.8 (target ≤ 10), 4 pages (target ≤ 6)``"""
    from briefgen.measure.readability import MIN_WORDS_GRADED

    audience, reading = report.audience, report.reading
    text = f"{report.name}: {reading.words:,} words"
    if not reading.is_graded:
        text += f", no grade (under {MIN_WORDS_GRADED} words)"
    else:
        text += f", grade {reading.grade:.1f}"
    if reading.is_graded and audience.reading_grade is not None:
        mark = "" if reading.grade <= audience.reading_grade else " — above target"
        text += f" (target ≤ {audience.reading_grade:g}{mark})"
    if report.pages is not None:
        text += f", {_pages(report.pages)}"
        if audience.max_pages is not None:
            mark = "" if report.pages <= audience.max_pages else " — over target"
            text += f" (target ≤ {audience.max_pages}{mark})"
    if report.handout_pages is not None:
        text += f", handout {_pages(report.handout_pages)}"
    if report.is_up_to_date:
        text += " — up to date"
    return text


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"
