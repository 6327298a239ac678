"""Diagnostics: where a problem is, what it is, and how to fix it.

Stages never print. They add :class:`Diagnostic` records to a :class:`Diagnostics`
collector, or raise :class:`BriefgenError` (carrying one or more diagnostics) when they
cannot go on. Only the CLI turns them into text and exit codes.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A place in an input file. ``line`` is 1-based; 0 means "the whole file"."""

    path: Path
    line: int = 0

    def display(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            # abspath, not resolve: a symlink is shown where it is, not where it points
            for candidate, base in ((Path(os.path.abspath(self.path)), Path(os.path.abspath(root))),
                                    (self.path.resolve(), root.resolve())):
                if candidate.is_relative_to(base):
                    path = candidate.relative_to(base)
                    break
        return f"{path}:{self.line}" if self.line else str(path)

    def at_line(self, line: int) -> SourceLocation:
        return SourceLocation(self.path, line)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    location: SourceLocation | None
    message: str
    hint: str = ""
    rule: str = ""

    def format(self, root: Path | None = None) -> str:
        text = self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        if self.rule:
            text = f"{text} [{self.rule}]"
        prefix = f"{self.location.display(root)}: " if self.location else ""
        if self.severity is not Severity.ERROR:
            prefix += f"{self.severity.value}: "
        return prefix + text


@dataclass(slots=True)
class Diagnostics:
    """A collector that stages add to; the CLI reads it at the end."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: SourceLocation | None, message: str, hint: str = "", rule: str = "") -> None:
        self.items.append(Diagnostic(Severity.ERROR, location, message, hint, rule))

    def warning(self, location: SourceLocation | None, message: str, hint: str = "", rule: str = "") -> None:
        self.items.append(Diagnostic(Severity.WARNING, location, message, hint, rule))

    def info(self, location: SourceLocation | None, message: str, hint: str = "", rule: str = "") -> None:
        self.items.append(Diagnostic(Severity.INFO, location, message, hint, rule))

    def extend(self, other: Diagnostics | list[Diagnostic]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)



class BriefgenError(Exception):
    """A problem in the author's content: the CLI reports it and exits 1."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        self.diagnostics = [diagnostics] if isinstance(diagnostics, Diagnostic) else list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    @classmethod
    def at(cls, location: SourceLocation | None, message: str, hint: str = "") -> BriefgenError:
        return cls(Diagnostic(Severity.ERROR, location, message, hint))


class UsageError(BriefgenError):
    """The command line asks for something that does not exist: exit 2."""

    exit_code = 2
