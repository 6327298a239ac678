"""How a command ends: what a raised error prints and which exit code it gives.

Exit codes: 0 success, 1 the content has errors, 2 the command line asks for something that
does not exist, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from briefgen.errors import BriefgenError, Diagnostics
    from briefgen.model import Project

T = TypeVar("T")


def run_or_exit(action: Callable[[], T], loading: Diagnostics | None = None) -> T:
    """``action()``; its error is printed (after the problems ``loading`` found, which may explain it)."""
    from briefgen.errors import BriefgenError

    try:
        return action()
    except BriefgenError as error:
        if loading is not None:
            print_problems_of(loading)
        exit_with_error(error)
    except KeyboardInterrupt:
        typer.echo("briefgen: interrupted", err=True)
        raise typer.Exit(130) from None


def exit_with_error(error: BriefgenError) -> NoReturn:
    """Print the error's problems and exit with its code: a usage mistake reads
    ``briefgen: what; how``, a problem in the content as any other finding."""
    from briefgen.console import format_usage_problem, print_findings
    from briefgen.errors import UsageError

    if isinstance(error, UsageError):
        for problem in error.diagnostics:
            typer.echo(format_usage_problem(problem), err=True)
    else:
        print_findings(error.diagnostics)
    raise typer.Exit(error.exit_code) from None


def print_problems_of(diagnostics: Diagnostics) -> None:
    from briefgen.console import print_findings

    print_findings(diagnostics.items)


def exit_usage(message: str) -> NoReturn:
    """The command line asks for something that does not exist: exit 2."""
    typer.echo(f"briefgen: {message}", err=True)
    raise typer.Exit(2)


def exit_for(diagnostics: Diagnostics) -> NoReturn:
    """Exit 1 when an error was found, else 0."""
    raise typer.Exit(1 if diagnostics.has_errors else 0)


def load_or_exit(project: Path) -> tuple[Project, Diagnostics]:
    """The project and what loading it found (printed by the caller, once it knows more)."""
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    diagnostics = Diagnostics()
    return run_or_exit(lambda: load_project(project, diagnostics)), diagnostics
