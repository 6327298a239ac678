"""How the command line talks: how much it says (``--quiet``, ``--verbose``) and whether it
uses colours (only on a terminal, and never when ``NO_COLOR`` is set).

Only the CLI uses this module; stages never print.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

import typer

from briefgen.errors import Severity

QUIET, NORMAL, VERBOSE = -1, 0, 1
_level = NORMAL

_SEVERITY_COLOURS = {Severity.ERROR: typer.colors.RED, Severity.WARNING: typer.colors.YELLOW,
                     Severity.INFO: typer.colors.CYAN}


def set_verbosity(level: int) -> None:
    global _level
    _level = level


def is_quiet() -> bool:
    return _level <= QUIET


def is_verbose() -> bool:
    return _level >= VERBOSE


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


def say(text: str, err: bool = False) -> None:
    """Ordinary progress output: left out with ``--quiet``."""
    if not is_quiet():
        typer.echo(text, err=err)


def detail(text: str) -> None:
    """Extra output for ``--verbose`` only (on stderr, so it never mixes with a command's data)."""
    if is_verbose():
        typer.echo(text, err=True)
