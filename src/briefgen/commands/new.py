"""``briefgen init`` and ``briefgen new brief|section|audience``: files from commented
templates; nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.commands.exits import run_or_exit
from briefgen.commands.parameters import ProjectOption, QuietOption, VerboseOption

app = typer.Typer(help="Create a brief, a section or an audience profile from a commented template; never "
                       "overwrites a file.\n\nExample: briefgen new section local-costs --title \"What it costs\"",
                  no_args_is_help=True, rich_markup_mode=None, add_completion=False)


@app.command("brief")
def new_brief(
    brief_id: Annotated[str, typer.Argument(metavar="ID", help="The brief id: lower-case letters, digits and '-'.")],
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="The brief's question (default: from the id).")] = "",
    section: Annotated[Optional[list[str]], typer.Option("--section", metavar="ID", show_default=False,
                                                         help="An existing section to list, repeatable.")] = None,
    project: ProjectOption = Path("."), quiet: QuietOption = False, verbose: VerboseOption = False,
) -> None:
    """Create briefs/ID.yaml: a commented brief manifest.

    Example: briefgen new brief jail-costs --title "What does the jail model cost?" --section background
    """
    from briefgen.scaffold import new_brief as create

    path = run_or_exit(lambda: create(project, brief_id, dt.date.today(), title, tuple(section or ())))
    _print_created([path], f"build it with: briefgen build {brief_id}")


@app.command("section")
def new_section(
    section_id: Annotated[str, typer.Argument(metavar="ID", help="The section id: lower-case letters, digits and '-'.")],
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="The section title (default: from the id).")] = "",
    project: ProjectOption = Path("."), quiet: QuietOption = False, verbose: VerboseOption = False,
) -> None:
    """Create briefs/sections/ID.md: front matter and a first paragraph.

    Example: briefgen new section local-costs --title "What it costs the county"
    """
    from briefgen.scaffold import new_section as create

    path = run_or_exit(lambda: create(project, section_id, title))
    _print_created([path], f"list '{section_id}' under 'sections:' in a brief to use it")


@app.command("audience")
def new_audience(
    audience_id: Annotated[str, typer.Argument(metavar="ID", help="The audience id; a built-in id makes an override file.")],
    label: Annotated[str, typer.Option("--label", metavar="TEXT",
                                       help="The audience's name as printed (default: from the id).")] = "",
    project: ProjectOption = Path("."), quiet: QuietOption = False, verbose: VerboseOption = False,
) -> None:
    """Create briefs/audiences/ID.yaml: a new audience profile, or changes to a built-in one.

    Example: briefgen new audience school-boards --label "School boards"
    """
    from briefgen.scaffold import new_audience as create

    path = run_or_exit(lambda: create(project, audience_id, label))
    _print_created([path], f"next: add {audience_id} to the 'audiences:' list of each brief that should have an "
                           "edition for it (a brief without that list has one for every audience already)")


def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The folder for the new project (created if needed).",
                                              file_okay=False)],
    brief_id: Annotated[str, typer.Option("--brief", metavar="ID", help="The id of the first brief.")] = "first-brief",
    quiet: QuietOption = False, verbose: VerboseOption = False,
) -> None:
    """Start a brief project: one brief, one section, one audience profile and an empty references.bib.

    It builds as it is; nothing is overwritten.

    Example: briefgen init my-briefs && cd my-briefs && briefgen build
    """
    from briefgen.scaffold import init_project

    paths = run_or_exit(lambda: init_project(directory, dt.date.today(), brief_id))
    _print_created(paths, f"next: cd {directory} && briefgen build")


def _print_created(paths: Sequence[Path], next_step: str) -> None:
    from briefgen.console import print_paths, say

    print_paths("created", paths)
    say(next_step)
