"""The options several commands share, declared once so they read and behave the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.commands.completion import complete_audiences


def _quiet(value: bool) -> None:
    if value:
        from briefgen.console import QUIET, set_verbosity

        set_verbosity(QUIET)


def _verbose(value: bool) -> None:
    if value:
        from briefgen.console import VERBOSE, set_verbosity

        set_verbosity(VERBOSE)


ProjectOption = Annotated[
    Path,
    typer.Option("-C", "--project", metavar="DIR",
                 help="The brief project folder.", file_okay=False, show_default="current folder"),
]
QuietOption = Annotated[bool, typer.Option("-q", "--quiet", callback=_quiet, expose_value=False,
                                           help="Print only problems: no progress lines or summaries.")]
VerboseOption = Annotated[bool, typer.Option("-v", "--verbose", callback=_verbose, expose_value=False,
                                             help="Print more: each edition, what changed, and timings.")]
AudienceOption = Annotated[Optional[list[str]], typer.Option("-a", "--audience", metavar="ID",
                                                             help="Audience id, repeatable, or 'all'.",
                                                             show_default=False, autocompletion=complete_audiences)]
OutputOption = Annotated[Optional[Path], typer.Option("-o", "--output", metavar="DIR",
                                                      help="Output folder (default: PROJECT/output).",
                                                      file_okay=False, show_default=False)]
PortOption = Annotated[int, typer.Option("--port", metavar="N", min=0, max=65535,
                                         help="Port on 127.0.0.1 (0 picks a free one).")]
OpenOption = Annotated[bool, typer.Option("--open", help="Open the preview in a web browser.")]


WhereOption = Annotated[Optional[list[str]], typer.Option(
    "--where", metavar="COLUMN=VALUE", show_default=False,
    help="Only the rows of a brief's places: table whose COLUMN holds VALUE (repeatable: all must match).")]


def where_pairs(conditions: list[str] | None) -> tuple[tuple[str, str], ...]:
    """``--where COLUMN=VALUE`` as pairs (exit 2 for one without ``=``)."""
    from briefgen.commands.exits import exit_usage

    pairs = []
    for condition in conditions or ():
        column, equals, value = condition.partition("=")
        if not equals or not column.strip():
            exit_usage(f"--where '{condition}' must be COLUMN=VALUE (for example --where fips=48201)")
        pairs.append((column.strip(), value))
    return tuple(pairs)
