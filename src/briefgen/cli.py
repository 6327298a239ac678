"""The command line: options in, messages and exit codes out.

Exit codes: 0 success, 1 the content has errors, 2 the command line asks for something
that does not exist. Heavy modules are imported inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from briefgen import __version__

if TYPE_CHECKING:
    from briefgen.pipeline import BuildResult

app = typer.Typer(
    name="briefgen",
    help="Compile policy briefs: reusable Markdown sections + references.bib → an HTML page and a PDF per audience.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

ProjectOption = Annotated[
    Path,
    typer.Option("-C", "--project", help="The brief project folder.", file_okay=False, show_default="current folder"),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefgen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                     help="Print the version and exit.")] = None,
) -> None:
    """briefgen compiles policy briefs tailored to each audience."""


@app.command()
def build(
    briefs: Annotated[Optional[list[str]], typer.Argument(help="Brief ids to build (default: every brief).",
                                                          show_default=False)] = None,
    audience: Annotated[Optional[list[str]], typer.Option("-a", "--audience", help="Audience id, repeatable, or 'all'.",
                                                          show_default=False)] = None,
    output_format: Annotated[Optional[list[str]], typer.Option("-f", "--format", help="html or pdf, repeatable (default: both).",
                                                               show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output folder (default: PROJECT/output).",
                                                   file_okay=False, show_default=False)] = None,
    citation_style: Annotated[Optional[str], typer.Option("--citation-style", help="numeric (overrides briefs and profiles).",
                                                          show_default=False)] = None,
    jobs: Annotated[Optional[int], typer.Option("-j", "--jobs", help="Worker processes (default: one per CPU).",
                                                show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every edition, even unchanged ones.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Build editions: <output>/<brief-id>--<audience-id>.html and .pdf.

    An edition whose inputs are unchanged since the last build is not rebuilt
    (the cache is kept in <output>/.briefgen-cache/).

    Example: briefgen build 287g-police-ice -a county-officials -f pdf
    """
    if jobs is not None and jobs < 1:
        _usage(f"--jobs must be 1 or more, not {jobs}")
    from briefgen.outputs import output_folder
    from briefgen.pdf_workers import start_pdf_workers
    from briefgen.progress import is_terminal, progress_bar

    # Started before the rest of briefgen is imported: the workers load WeasyPrint meanwhile.
    pdf_workers = start_pdf_workers(output_folder(project, output), output_format or ("pdf",), jobs, force,
                                    briefs or (), audience or ())
    with pdf_workers, progress_bar(is_terminal()) as on_progress:
        def run_build() -> BuildResult:
            from briefgen.model import CITATION_STYLES, OUTPUT_FORMATS
            from briefgen.pipeline import BuildOptions, build

            formats = tuple(output_format or OUTPUT_FORMATS)
            for name in formats:
                if name not in OUTPUT_FORMATS:
                    _usage(f"unknown format '{name}'; choose from {', '.join(OUTPUT_FORMATS)}")
            if citation_style is not None and citation_style not in CITATION_STYLES:
                _usage(f"unknown citation style '{citation_style}'; choose from {', '.join(CITATION_STYLES)}")
            options = BuildOptions(briefs=tuple(briefs or ()), audiences=tuple(audience or ()),
                                   formats=formats, output_dir=output, citation_style=citation_style,  # type: ignore[arg-type]
                                   jobs=jobs, force=force, on_progress=on_progress)
            return build(project, options, pdf_workers)

        result = _run(run_build)  # Ctrl-C while importing is handled like Ctrl-C while building
    _report(result.diagnostics)
    cwd = Path.cwd()
    for path in result.written:
        typer.echo(f"wrote {_display(path, cwd)}")
    for report in result.reports:
        typer.echo(_describe_edition(report))
    up_to_date = len(result.up_to_date)
    summary = f"{len(result.reports) - up_to_date} edition(s) built"
    if up_to_date:
        summary += f", {up_to_date} up to date"
    if result.failed:
        summary += f", {len(result.failed)} failed: {', '.join(result.failed)}"
    typer.echo(summary, err=bool(result.failed))
    raise typer.Exit(1 if result.diagnostics.has_errors else 0)


@app.command("list")
def list_project(project: ProjectOption = Path(".")) -> None:
    """List the project's briefs, sections and audiences, with their titles.

    Example: briefgen list -C my-briefs
    """
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    diagnostics = Diagnostics()
    loaded = _run(lambda: load_project(project, diagnostics))
    _report(diagnostics)
    typer.echo("Briefs:")
    for brief in loaded.briefs.values():
        typer.echo(f"  {brief.id:28} {brief.title}")
    typer.echo("Sections:")
    for section in loaded.sections.values():
        languages = sorted(lang for (sid, lang) in loaded.translations if sid == section.id)
        extra = f"  [{', '.join(languages)}]" if languages else ""
        typer.echo(f"  {section.id:28} {section.title}{extra}")
    typer.echo("Audiences:")
    for audience in loaded.audiences.values():
        origin = "built-in" if audience.is_builtin else "project"
        typer.echo(f"  {audience.id:28} {audience.label} ({audience.language}, {origin})")
    raise typer.Exit(1 if diagnostics.has_errors else 0)


audiences_app = typer.Typer(help="List audience profiles, or show one fully resolved.", no_args_is_help=False)
app.add_typer(audiences_app, name="audiences")


@audiences_app.callback(invoke_without_command=True)
def audiences_list(ctx: typer.Context, project: ProjectOption = Path(".")) -> None:
    """List audience profiles: id, label, language and targets.

    Example: briefgen audiences -C my-briefs
    """
    if ctx.invoked_subcommand is not None:
        return
    loaded, diagnostics = _load(project)
    _report(diagnostics)
    typer.echo(f"{'id':24} {'label':32} {'lang':5} {'grade ≤':8} {'pages ≤':8} origin")
    for audience in loaded.audiences.values():
        grade = f"{audience.reading_grade:g}" if audience.reading_grade is not None else "-"
        pages = str(audience.max_pages) if audience.max_pages is not None else "-"
        origin = "built-in" if audience.is_builtin else ("project" if audience.location.path.is_relative_to(loaded.root)
                                                          else "built-in")
        typer.echo(f"{audience.id:24} {audience.label:32} {audience.language:5} {grade:8} {pages:8} {origin}")
    raise typer.Exit(1 if diagnostics.has_errors else 0)


@audiences_app.command("show")
def audiences_show(audience_id: Annotated[str, typer.Argument(metavar="ID", help="Audience id.")],
                   project: ProjectOption = Path(".")) -> None:
    """Print one profile as it applies: the built-in values with the project's overrides.

    Example: briefgen audiences show community-groups
    """
    import dataclasses

    loaded, diagnostics = _load(project)
    _report(diagnostics)
    audience = loaded.audiences.get(audience_id)
    if audience is None:
        from briefgen.load.yaml_fields import did_you_mean

        _usage(f"no audience '{audience_id}'; " + (did_you_mean(audience_id, list(loaded.audiences)) or
                                                     "audiences: " + ", ".join(loaded.audiences)))
    typer.echo(f"# {audience.id}: defined in {_display(audience.location.path, Path.cwd())}")
    for field in dataclasses.fields(audience):
        if field.name in ("id", "location", "is_builtin"):
            continue
        value = getattr(audience, field.name)
        if isinstance(value, tuple):
            value = "[" + ", ".join(value) + "]"
        elif value is None:
            value = "~"
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, float):
            value = f"{value:g}"
        typer.echo(f"{field.name}: {value}")


@app.command()
def matrix(
    brief_id: Annotated[Optional[str], typer.Argument(metavar="[BRIEF]", help="Brief id (default: every brief).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text, html or csv.")] = "text",
    project: ProjectOption = Path("."),
) -> None:
    """Show which sections each audience's edition gets, and its word count.

    Example: briefgen matrix 287g-police-ice --format csv > matrix.csv
    """
    from briefgen.pipeline import select_audiences, select_briefs
    from briefgen.tailoring import build_matrix, matrix_csv, matrix_html, matrix_text

    renderers = {"text": matrix_text, "csv": matrix_csv, "html": matrix_html}
    if output_format not in renderers:
        _usage(f"unknown format '{output_format}'; choose from text, html, csv")
    loaded, diagnostics = _load(project)
    briefs = _run(lambda: select_briefs(loaded, (brief_id,) if brief_id else ()))
    outputs = [renderers[output_format](build_matrix(loaded, brief, select_audiences(loaded, brief, ()), diagnostics))
               for brief in briefs]
    _report(diagnostics)
    typer.echo(("\n\n" if output_format == "text" else "").join(outputs).rstrip("\n"))
    raise typer.Exit(1 if diagnostics.has_errors else 0)


@app.command()
def diff(
    brief_id: Annotated[str, typer.Argument(metavar="BRIEF", help="Brief id.")],
    audience_a: Annotated[str, typer.Argument(metavar="A", help="Audience id.")],
    audience_b: Annotated[str, typer.Argument(metavar="B", help="Audience id.")],
    project: ProjectOption = Path("."),
) -> None:
    """Show, section by section, what audience A reads that B does not (and the reverse).

    Example: briefgen diff 287g-police-ice county-officials community-groups
    """
    from briefgen.pipeline import select_audiences, select_briefs
    from briefgen.tailoring import diff_editions

    loaded, diagnostics = _load(project)
    (brief,) = _run(lambda: select_briefs(loaded, (brief_id,)))
    a, b = _run(lambda: [select_audiences(loaded, brief, (x,))[0] for x in (audience_a, audience_b)])
    result = diff_editions(loaded, brief, a, b, diagnostics)
    _report(diagnostics)
    typer.echo(f"{brief.id}: what {a.id} (A) reads that {b.id} (B) does not")
    for entry in result:
        if entry.status == "same":
            typer.echo(f"  = {entry.section_id}: the same for both")
        elif entry.status == "only-a":
            typer.echo(f"  A {entry.section_id}: only {a.id} gets this section ({entry.title})")
        elif entry.status == "only-b":
            typer.echo(f"  B {entry.section_id}: only {b.id} gets this section ({entry.title})")
        else:
            typer.echo(f"  ~ {entry.section_id}: read differently")
            for text in entry.a_only:
                typer.echo(f"      A: {_clip(text)}")
            for text in entry.b_only:
                typer.echo(f"      B: {_clip(text)}")
    raise typer.Exit(1 if diagnostics.has_errors else 0)


def _clip(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load(project: Path):  # type: ignore[no-untyped-def]
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    diagnostics = Diagnostics()
    return _run(lambda: load_project(project, diagnostics)), diagnostics


def _describe_edition(report) -> str:  # type: ignore[no-untyped-def]
    """``287g-costs--press: 1,204 words, grade 9.8 (target ≤ 10), 4 pages (target ≤ 6)``"""
    audience = report.audience
    text = f"{report.name}: {report.reading.words:,} words, grade {report.reading.grade:.1f}"
    if audience.reading_grade is not None:
        mark = "" if report.reading.grade <= audience.reading_grade else " — above target"
        text += f" (target ≤ {audience.reading_grade:g}{mark})"
    if report.pages is not None:
        text += f", {report.pages} page{'s' if report.pages != 1 else ''}"
        if audience.max_pages is not None:
            mark = "" if report.pages <= audience.max_pages else " — over target"
            text += f" (target ≤ {audience.max_pages}{mark})"
    if report.is_up_to_date:
        text += " — up to date"
    return text


def _run(action):  # type: ignore[no-untyped-def]
    from briefgen.errors import BriefgenError

    try:
        return action()
    except BriefgenError as error:
        for diagnostic in error.diagnostics:
            typer.echo(_format(diagnostic), err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("briefgen: interrupted", err=True)
        raise typer.Exit(130) from None


def _report(diagnostics) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    for diagnostic in diagnostics.items:
        text = _format(diagnostic)
        if text not in seen:
            seen.add(text)
            typer.echo(text, err=True)


def _format(diagnostic) -> str:  # type: ignore[no-untyped-def]
    text = diagnostic.format(root=Path.cwd())
    return text if diagnostic.location is not None else f"briefgen: {text}"


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _usage(message: str) -> NoReturn:
    typer.echo(f"briefgen: {message}", err=True)
    raise typer.Exit(2)


def main() -> None:
    app(prog_name="briefgen")


if __name__ == "__main__":
    sys.exit(main())
