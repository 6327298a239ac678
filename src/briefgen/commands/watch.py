"""``briefgen watch`` and ``briefgen preview``: rebuild on every save, serve with live reload."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from briefgen.commands.completion import choices, complete_briefs
from briefgen.commands.exits import exit_usage
from briefgen.commands.parameters import (
    AudienceOption,
    OpenOption,
    OutputOption,
    PortOption,
    ProjectOption,
    QuietOption,
    VerboseOption,
    WhereOption,
    where_pairs,
)

if TYPE_CHECKING:
    from briefgen.watch.rebuild import RebuildReport, WatchOptions

WATCH_FORMATS = ("html", "pdf")
"""What watch keeps up to date and serves; handouts and PNGs are made by ``build``."""

SERVE_OPTION = typer.Option("--serve/--no-serve", help="Serve the editions with live reload.")


def watch(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to watch (default: every brief).",
                                                          show_default=False, autocompletion=complete_briefs)] = None,
    audience: AudienceOption = None,
    output_format: Annotated[Optional[list[str]], typer.Option("-f", "--format", show_default=False, metavar="html|pdf",
                                                               autocompletion=choices(*WATCH_FORMATS),
                                                               help="html or pdf, repeatable (default: html).")] = None,
    output: OutputOption = None, port: PortOption = 8000, serve: Annotated[bool, SERVE_OPTION] = True,
    open_browser: OpenOption = False, project: ProjectOption = Path("."),
    quiet: QuietOption = False, verbose: VerboseOption = False, where: WhereOption = None,
) -> None:
    """Rebuild the editions a change affects, write them to the output folder, and serve them with live reload.

    Watches sections, brief manifests, audience profiles, references.bib, images and briefgen's
    templates; only the editions that use a changed file are rebuilt. Problems are printed here
    and shown on the page, and watching goes on. Stop with Ctrl-C. A brief with places: has an
    edition per row (--where picks rows); a change to one row of its table rebuilds that row's.

    Example: briefgen watch 287g-costs -a press
    """
    from briefgen.watch.rebuild import WatchOptions

    formats = tuple(dict.fromkeys(output_format or ("html",)))
    for name in formats:
        if name not in WATCH_FORMATS:
            exit_usage(f"unknown format '{name}' for watch; choose from {', '.join(WATCH_FORMATS)} "
                       "(briefgen build makes handouts and PNGs)")
    options = WatchOptions(tuple(briefs or ()), tuple(audience or ()), formats, output or project / "output",  # type: ignore[arg-type]
                           where=where_pairs(where))
    _watch(project, options, serve, port, open_browser)


def preview(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to preview (default: every brief).",
                                                          show_default=False, autocompletion=complete_briefs)] = None,
    audience: AudienceOption = None, port: PortOption = 8000, open_browser: OpenOption = False,
    project: ProjectOption = Path("."), quiet: QuietOption = False, verbose: VerboseOption = False,
    where: WhereOption = None,
) -> None:
    """Serve live-reloading previews of the editions on 127.0.0.1, without writing any file.

    Like watch, but the editions stay in memory: the output folder is left alone. Stop with Ctrl-C.
    A brief with places: is previewed for its first row, or the rows --where picks.

    Example: briefgen preview 287g-police-ice --open
    """
    from briefgen.watch.rebuild import WatchOptions

    _watch(project, WatchOptions(tuple(briefs or ()), tuple(audience or ()), ("html",), None, where_pairs(where),
                                 is_first_row_only=True), True, port, open_browser)


def _watch(project: Path, options: WatchOptions, is_serving: bool, port: int, open_browser: bool) -> None:
    import signal

    from briefgen.console import format_finding
    from briefgen.errors import BriefgenError
    from briefgen.watch.session import ServeOptions, run_session

    stop = threading.Event()

    def on_terminate(_signum: int, _frame: object) -> None:
        """SIGTERM stops at once, like Ctrl-C, even in the middle of a rebuild (files are written atomically)."""
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_terminate)
    try:
        run_session(project, options, ServeOptions(is_serving, port), stop, print_round,
                    lambda url: _say_ready(url, open_browser), lambda problem: format_finding(problem, Path.cwd()),
                    lambda note: typer.echo(f"note: {note}"))
    except BriefgenError as error:
        from briefgen.commands.exits import exit_with_error

        exit_with_error(error)
    except OSError as error:  # the file watcher or the preview server could not go on
        typer.echo(f"briefgen: watching stopped: {error}; check the project folder and try again", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    typer.echo("stopped")


def print_round(report: RebuildReport) -> None:
    """What one round of rebuilding found and did."""
    from briefgen.console import detail, display_path, print_findings, say

    for path in report.changed:
        detail(f"changed: {display_path(path, Path.cwd())}")
    print_findings(report.problems)
    for path in report.written:
        detail(f"wrote {display_path(path, Path.cwd())}")
    if report.round == 1:
        say(f"built {len(report.rebuilt)} edition(s)" + (f", {len(report.failed)} with errors" if report.failed else "")
            + f" in {report.seconds:.2f} s")
    elif report.rebuilt or report.removed:
        say(f"rebuilt {_names(report.rebuilt) or 'nothing'} in {report.seconds:.2f} s"
            + (f"; removed {_names(report.removed)}" if report.removed else ""))
    for name in report.failed:
        typer.echo(f"{name} has errors; " + ("the last good version stays in place" if report.round > 1
                                             else "fix them and save"), err=True)
    if report.round > 1 and report.unchanged:
        detail(f"unchanged: {_names(report.unchanged)}")


NAMED = 6
"""Editions named in a round's summary; a brief with places has hundreds."""


def _names(names: tuple[str, ...]) -> str:
    """``a, b, c``; past :data:`NAMED` names, the first ones and how many more."""
    if len(names) <= NAMED:
        return ", ".join(names)
    return f"{len(names)} editions ({', '.join(names[:NAMED - 1])} and {len(names) - NAMED + 1} more)"


def _say_ready(url: str | None, open_browser: bool) -> None:
    if url is None:
        typer.echo("watching for changes (Ctrl-C to stop)")
        return
    typer.echo(f"serving {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
