"""``briefgen list`` and ``briefgen audiences [show ID]``: what a project holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefgen.commands.exits import exit_for, load_or_exit, print_problems_of, run_or_exit
from briefgen.commands.parameters import ProjectOption

if TYPE_CHECKING:
    from briefgen.model import Audience, Project


def list_project(project: ProjectOption = Path(".")) -> None:
    """List the project's briefs, sections and audiences, with their titles.

    Example: briefgen list -C my-briefs
    """
    from briefgen.reports.places import describe_places

    loaded, diagnostics = load_or_exit(project)
    print_problems_of(diagnostics)
    typer.echo("Briefs:")
    for brief in loaded.briefs.values():
        typer.echo(f"  {brief.id:28} {brief.title}")
        for line in describe_places(brief, loaded.root):  # a brief with places: its rows
            typer.echo(f"  {'':28}   {line}")
    typer.echo("Sections:")
    for section in loaded.sections.values():
        languages = sorted(lang for (sid, lang) in loaded.translations if sid == section.id)
        extra = f"  [{', '.join(languages)}]" if languages else ""
        typer.echo(f"  {section.id:28} {section.title}{extra}")
    typer.echo("Audiences:")
    for audience in loaded.audiences.values():
        origin = "built-in" if audience.is_builtin else "project"
        typer.echo(f"  {audience.id:28} {audience.label} ({audience.language}, {origin})")
    exit_for(diagnostics)


app = typer.Typer(help="List audience profiles, or show one fully resolved.\n\n"
                       "Example: briefgen audiences show community-groups",
                  no_args_is_help=False, rich_markup_mode=None, add_completion=False)


@app.callback(invoke_without_command=True)
def audiences_list(ctx: typer.Context, project: ProjectOption = Path(".")) -> None:
    """List audience profiles: id, label, language and targets.

    Example: briefgen audiences -C my-briefs
    """
    if ctx.invoked_subcommand is not None:
        return
    loaded, diagnostics = load_or_exit(project)
    print_problems_of(diagnostics)
    _print_audience_table(loaded)
    exit_for(diagnostics)


def _print_audience_table(project: Project) -> None:
    from briefgen.load.audiences import builtin_audience_paths

    builtin_ids = {path.stem for path in builtin_audience_paths()}
    id_width = max([len(a) for a in project.audiences] + [2])
    label_width = max([len(a.label) for a in project.audiences.values()] + [5])
    typer.echo(f"{'id':{id_width}}  {'label':{label_width}}  {'lang':5} {'grade ≤':8} {'pages ≤':8} origin")
    for audience in project.audiences.values():
        name = f"{audience.id:{id_width}}  {audience.label:{label_width}}"
        typer.echo(f"{name}  {audience.language:5} {_targets(audience)} {_origin(audience, builtin_ids)}")


def _targets(audience: Audience) -> str:
    grade = f"{audience.reading_grade:g}" if audience.reading_grade is not None else "-"
    pages = str(audience.max_pages) if audience.max_pages is not None else "-"
    return f"{grade:8} {pages:8}"


def _origin(audience: Audience, builtin_ids: set[str]) -> str:
    if audience.is_builtin:
        return "built-in"
    return "built-in, overridden" if audience.id in builtin_ids else "project"


@app.command("show")
def audiences_show(audience_id: Annotated[str, typer.Argument(metavar="ID", help="Audience id.")],
                   project: ProjectOption = Path(".")) -> None:
    """Print one profile as it applies, as YAML: the built-in values with the project's overrides
    (each key says whether the project sets it).

    Example: briefgen audiences show community-groups
    """
    from briefgen.load.audiences import profile_as_yaml
    from briefgen.load.lookup import find_audience

    loaded, diagnostics = load_or_exit(project)
    print_problems_of(diagnostics)
    audience = run_or_exit(lambda: find_audience(loaded, audience_id, diagnostics))
    typer.echo(profile_as_yaml(audience, loaded.root), nl=False)
    exit_for(diagnostics)
