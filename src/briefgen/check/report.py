"""Findings → text for people, JSON for programs, or GitHub Actions workflow annotations.

Text: each finding as :func:`briefgen.console.format_finding` writes it, then a summary line.
JSON (``"schema": "briefgen-check/1"``): see docs/commands.md; fields are only ever added.
GitHub: ``::error file=path,line=N,title=rule-id::message; hint`` (``::warning``, ``::notice``).
"""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.check.run import CheckResult
from briefgen.console import display_path
from briefgen.errors import Diagnostic, Severity, SourceLocation

JSON_SCHEMA = "briefgen-check/1"
_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


SUMMARISED_RULES = ("citations/unused-entry",)
"""Info rules whose findings a whole-library export can produce by the thousand: printed as one
line unless ``--verbose`` (the JSON report always lists each)."""
_SUMMARY_THRESHOLD = 3


def summarise(findings: list[Diagnostic]) -> list[Diagnostic]:
    """``findings`` with each summarised rule's lines folded into one, when there are more than a few."""
    folded: list[Diagnostic] = []
    for rule in SUMMARISED_RULES:
        matching = [f for f in findings if f.rule == rule]
        if len(matching) <= _SUMMARY_THRESHOLD:
            continue
        keys = [f.message.split("'")[1] for f in matching[:3] if f.message.count("'") >= 2]
        example = f" (e.g. {', '.join(repr(k) for k in keys)})" if keys else ""
        first = matching[0]
        folded.append(Diagnostic(first.severity, SourceLocation(first.location.path) if first.location else None,
                                 f"{len(matching):,} entries are cited by no brief{example}",
                                 "briefgen check -v lists each with its line", rule))
        findings = [f for f in findings if f.rule != rule]
    return sorted([*findings, *folded], key=lambda d: (str(d.location.path) if d.location else "",
                                                      (d.location.line or 0) if d.location else 0))


def summary_line(result: CheckResult, is_strict: bool) -> str:
    counts = [_plural(result.count(Severity.ERROR), "error"), _plural(result.count(Severity.WARNING), "warning"),
              f"{result.count(Severity.INFO)} info"]
    editions = len(result.editions) + result.rows
    scope = f"{_plural(editions, 'edition')} of {_plural(result.briefs, 'brief')}"
    if result.rows:
        scope += f" ({result.rows} of them further rows of places, checked for their values)"
    text = f"checked {scope}: {', '.join(counts)}"
    if result.unreadable:
        names = ", ".join(f"briefs/{brief_id}.yaml" for brief_id in result.unreadable)
        text += (f" ({_plural(len(result.unreadable), 'brief')} not checked: "
                 f"{names} {'has' if len(result.unreadable) == 1 else 'have'} errors)")
    if is_strict and result.count(Severity.WARNING):
        text += " (--strict: warnings fail the check)"
    return text


def exit_code(result: CheckResult, is_strict: bool) -> int:
    failing = result.count(Severity.ERROR) + (result.count(Severity.WARNING) if is_strict else 0)
    return 1 if failing else 0


def to_json(result: CheckResult, root: Path, is_strict: bool) -> str:
    findings = [{
        "path": display_path(f.location.path, root) if f.location else None,
        "line": f.location.line if f.location and f.location.line else None,
        "severity": f.severity.value,
        "rule": f.rule,
        "message": f.message,
        "hint": f.hint,
    } for f in result.findings]
    editions = [{
        "name": c.edition.name,
        "brief": c.edition.brief.id,
        "audience": c.edition.audience.id,
        "built": c.is_built,
        "words": c.reading.words,
        "grade": c.reading.grade,
        "grade_target": c.edition.audience.reading_grade,
        "pages": c.pages,
        "pages_target": c.edition.audience.max_pages,
    } for c in result.editions]
    summary = {"errors": result.count(Severity.ERROR), "warnings": result.count(Severity.WARNING),
               "info": result.count(Severity.INFO), "editions": len(result.editions), "place_rows": result.rows,
               "briefs": result.briefs,
               "unreadable_briefs": result.unreadable, "strict": is_strict, "exit_code": exit_code(result, is_strict)}
    document = {"schema": JSON_SCHEMA, "summary": summary, "editions": editions, "findings": findings}
    return json.dumps(document, indent=2, ensure_ascii=False)


def to_github(finding: Diagnostic, root: Path) -> str:
    """One workflow command; GitHub shows it on the file and line in the pull request."""
    properties = []
    if finding.location is not None:
        properties.append(f"file={_escape_property(display_path(finding.location.path, root))}")
        if finding.location.line:
            properties.append(f"line={finding.location.line}")
    properties.append(f"title={_escape_property(f'briefgen {finding.rule}')}")
    message = finding.message + (f"; {finding.hint}" if finding.hint else "") + f" [{finding.rule}]"
    return f"::{_GITHUB_COMMANDS[finding.severity]} {','.join(properties)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
