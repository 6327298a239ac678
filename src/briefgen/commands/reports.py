"""``briefgen matrix``, ``diff`` and ``refs``: reports on a project, printed, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from briefgen.commands.completion import choices, complete_citation_styles, complete_keys
from briefgen.commands.exits import exit_for, exit_usage, load_or_exit, print_problems_of, run_or_exit
from briefgen.commands.parameters import ProjectOption, WhereOption, where_pairs

if TYPE_CHECKING:
    from briefgen.errors import Diagnostics
    from briefgen.model import Audience, Brief, Project
    from briefgen.reports.diff import SectionDiff

MatrixFormatOption = Annotated[str, typer.Option("--format", metavar="text|csv|html", help="text, html or csv.",
                                                 autocompletion=choices("text", "html", "csv"))]


def matrix(brief_id: Annotated[Optional[str], typer.Argument(metavar="[BRIEF]", help="Brief id (default: every brief).")]
           = None, output_format: MatrixFormatOption = "text", project: ProjectOption = Path("."),
           where: WhereOption = None) -> None:
    """Show which sections each audience's edition gets, and its word count.

    A brief with places: is shown for its first row, or the first row --where picks (said above
    the table; on standard error for csv).

    Example: briefgen matrix 287g-police-ice --format csv > matrix.csv
    """
    from briefgen.build.select import select_audiences, select_briefs, select_places
    from briefgen.reports.editions import place_note
    from briefgen.reports.matrix import build_matrix, matrix_csv, matrix_html, matrix_text

    renderers = {"text": matrix_text, "csv": matrix_csv, "html": matrix_html}
    if output_format not in renderers:
        exit_usage(f"unknown format '{output_format}'; choose from text, html, csv")
    loaded, diagnostics = load_or_exit(project)
    briefs = run_or_exit(lambda: select_briefs(loaded, (brief_id,) if brief_id else ()), diagnostics)
    conditions = where_pairs(where)
    rows = run_or_exit(lambda: select_places(loaded, briefs, conditions), diagnostics)
    outputs = []
    for brief in (brief for brief in briefs if rows[brief.id]):
        place = rows[brief.id][0]
        note = place_note(brief, place, conditions)
        if note and output_format == "csv":
            typer.echo(f"{brief.id}: sections and words {note}", err=True)
        outputs.append(renderers[output_format](build_matrix(loaded, brief, select_audiences(loaded, brief, ()),
                                                             diagnostics, place, note)))
    print_problems_of(diagnostics)
    if outputs:  # none when the brief asked for has errors (printed above)
        typer.echo(("\n\n" if output_format == "text" else "").join(outputs).rstrip("\n"))
    exit_for(diagnostics)


def diff(brief_id: Annotated[str, typer.Argument(metavar="BRIEF", help="Brief id.")],
         audience_a: Annotated[str, typer.Argument(metavar="A", help="Audience id.")],
         audience_b: Annotated[str, typer.Argument(metavar="B", help="Audience id.")],
         project: ProjectOption = Path("."), where: WhereOption = None) -> None:
    """Show, section by section, what audience A reads that B does not (and the reverse).

    A brief with places: is compared for its first row, or the first row --where picks.

    Example: briefgen diff 287g-police-ice county-officials community-groups
    """
    from briefgen.build.select import select_briefs, select_places
    from briefgen.reports.diff import diff_editions
    from briefgen.reports.editions import place_note

    loaded, diagnostics = load_or_exit(project)
    chosen = run_or_exit(lambda: select_briefs(loaded, (brief_id,)), diagnostics)
    if not chosen:  # the manifest exists but has errors
        print_problems_of(diagnostics)
        raise typer.Exit(1)
    (brief,) = chosen
    a, b = (_edition_audience(loaded, brief, x, diagnostics) for x in (audience_a, audience_b))
    conditions = where_pairs(where)
    rows = run_or_exit(lambda: select_places(loaded, [brief], conditions), diagnostics)[brief.id]
    if not rows:  # --where for a brief without places
        exit_usage(f"--where chooses rows of a brief's 'places:', but brief '{brief.id}' has none")
    result = diff_editions(loaded, brief, a, b, diagnostics, rows[0])
    print_problems_of(diagnostics)
    note = place_note(brief, rows[0], conditions)
    typer.echo(f"{brief.id}: what {a.id} (A) reads that {b.id} (B) does not" + (f", {note}" if note else ""))
    for entry in result:
        _print_section_diff(entry, a.id, b.id)
    exit_for(diagnostics)


def _edition_audience(project: Project, brief: Brief, audience_id: str, diagnostics: Diagnostics) -> Audience:
    """The audience of one of the brief's editions (exit 1 when its profile has errors, 2 when
    the brief has no edition for it)."""
    from briefgen.build.select import select_audiences
    from briefgen.load.lookup import AUDIENCES_DIR, is_broken_file

    if audience_id not in project.audiences and is_broken_file(project.root, f"{AUDIENCES_DIR}/{audience_id}.yaml",
                                                               diagnostics):
        print_problems_of(diagnostics)
        raise typer.Exit(1)
    chosen = run_or_exit(lambda: select_audiences(project, brief, (audience_id,)), diagnostics)
    if not chosen:
        print_problems_of(diagnostics)
        exit_usage(f"brief '{brief.id}' has no edition for audience '{audience_id}' (see its 'audiences:' list)")
    return chosen[0]


def _print_section_diff(entry: SectionDiff, a: str, b: str) -> None:
    if entry.status == "same":
        typer.echo(f"  = {entry.section_id}: the same for both")
    elif entry.status == "only-a":
        typer.echo(f"  A {entry.section_id}: only {a} gets this section ({entry.title})")
    elif entry.status == "only-b":
        typer.echo(f"  B {entry.section_id}: only {b} gets this section ({entry.title})")
    else:
        typer.echo(f"  ~ {entry.section_id}: read differently")
        for text in entry.a_only:
            typer.echo(f"      A: {_clip(text)}")
        for text in entry.b_only:
            typer.echo(f"      B: {_clip(text)}")


def _clip(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def refs(keys: Annotated[Optional[list[str]], typer.Argument(
             metavar="[KEY ...]", help="Entry keys (default: every entry).", show_default=False,
             autocompletion=complete_keys)] = None,
         style: Annotated[str, typer.Option("--style", metavar="STYLE", autocompletion=complete_citation_styles,
                                            help="numeric, apa (also called author-date) or "
                                                "chicago-notes (also called notes).")] = "numeric",
         language: Annotated[str, typer.Option("--language", metavar="en|es", autocompletion=choices("en", "es"),
                                               help="Language of labels and dates (en, es).")] = "en",
         project: ProjectOption = Path(".")) -> None:
    """Print references from references.bib, formatted as a brief's Sources list shows them.

    Example: briefgen refs gao09109 oig1877 --style apa
    """
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project_bibliography
    from briefgen.reports.references import check_listing_options, list_references

    run_or_exit(lambda: check_listing_options(style, language))
    diagnostics = Diagnostics()
    bibliography = load_project_bibliography(project, diagnostics)
    lines = run_or_exit(lambda: list_references(bibliography, keys or (), style, language, diagnostics), diagnostics)
    print_problems_of(diagnostics)
    for line in lines:
        typer.echo(line)
    exit_for(diagnostics)
