"""The command line: the ``briefgen`` Typer app, its global options, and where each command lives.

A command's module (``briefgen.commands.*``) is imported only when that command runs, shows
its help or completes a word, so ``briefgen --help`` costs little more than importing Typer.
Exit codes: 0 success, 1 the content has errors, 2 the command line asks for something that
does not exist (see :mod:`briefgen.commands.exits`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import typer
import typer.main
from typer.core import TyperGroup

from briefgen import __version__


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """Where a command is defined: ``module`` and its ``attribute``, a function (one command) or a
    Typer app (a group); ``summary`` is its line in ``briefgen --help``."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "build": CommandEntry("briefgen.commands.build", "build",
                          "Build editions: <output>/<brief-id>--<audience-id>.html, .pdf, .handout.pdf, .png and .docx."),
    "list": CommandEntry("briefgen.commands.project", "list_project",
                         "List the project's briefs, sections and audiences, with their titles."),
    "matrix": CommandEntry("briefgen.commands.reports", "matrix",
                           "Show which sections each audience's edition gets, and its word count."),
    "diff": CommandEntry("briefgen.commands.reports", "diff",
                         "Show, section by section, what audience A reads that B does not (and the reverse)."),
    "refs": CommandEntry("briefgen.commands.reports", "refs",
                         "Print references from references.bib, formatted as a brief's Sources list shows them."),
    "check": CommandEntry("briefgen.commands.check", "check", "Check every brief × audience edition without writing "
                                                              "anything; exit 1 when there are errors."),
    "init": CommandEntry("briefgen.commands.new", "init", "Start a brief project: one brief, one section, one audience "
                                                          "profile and an empty references.bib."),
    "watch": CommandEntry("briefgen.commands.watch", "watch", "Rebuild the editions a change affects, write them to the "
                                                              "output folder, and serve them with live reload."),
    "preview": CommandEntry("briefgen.commands.watch", "preview",
                            "Serve live-reloading previews of the editions on 127.0.0.1, without writing any file."),
    "audiences": CommandEntry("briefgen.commands.project", "app", "List audience profiles, or show one fully resolved."),
    "new": CommandEntry("briefgen.commands.new", "app", "Create a brief, a section or an audience profile from a "
                                                        "commented template; never overwrites a file."),
}
"""Every command, in the order ``briefgen --help`` lists them."""


def load_command(name: str, entry: CommandEntry) -> typer.core.TyperCommand | TyperGroup:
    """The click command of one entry, made from its module's Typer signature."""
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        target = single
    command = typer.main.get_command(target)
    command.name = name
    return command  # type: ignore[return-value]


class LazyCommands(Mapping[str, Any]):
    """The root group's commands, each made on first use (``--help`` lists their summaries only)."""

    def __init__(self, entries: Mapping[str, CommandEntry]) -> None:
        self._entries = entries
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            self._made[name] = load_command(name, self._entries[name])
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class BriefgenGroup(TyperGroup):
    """The root group: commands come from :data:`COMMANDS`, imported when used."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(COMMANDS)  # type: ignore[assignment]

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(COMMANDS)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, typer.core.TyperCommand(name=name, help=entry.summary).get_short_help_str(limit))
                for name, entry in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="briefgen",
    cls=BriefgenGroup,
    help="Compile policy briefs: reusable Markdown sections + references.bib → an HTML page and a PDF per audience.",
    epilog=("\b\nExamples:\n"
            "  briefgen init my-briefs          start a project\n"
            "  briefgen build                   every brief, every audience, HTML and PDF\n"
            "  briefgen build -a press -f pdf   one audience, PDF only\n"
            "  briefgen check --strict          what CI runs: exit 1 on errors and warnings\n"
            "  briefgen watch 287g-costs        rebuild on save, preview at http://127.0.0.1:8000/\n"
            "\b\nShell completion: briefgen --install-completion (bash, zsh, fish, PowerShell)."),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefgen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                     help="Print the version and exit.")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only problems: no progress lines or summaries.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose",
                                          help="Print more: each edition, what changed, and timings.")] = False,
) -> None:
    """briefgen compiles policy briefs tailored to each audience."""
    from briefgen.console import NORMAL, QUIET, VERBOSE, set_verbosity

    set_verbosity(QUIET if quiet else VERBOSE if verbose else NORMAL)


def main() -> None:
    app(prog_name="briefgen")


if __name__ == "__main__":
    main()
