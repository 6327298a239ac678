"""The command line: options in, messages and exit codes out.

Exit codes: 0 success, 1 the content has errors, 2 the command line asks for something
that does not exist. Heavy modules are imported inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from briefgen import __version__

if TYPE_CHECKING:
    from briefgen.build.options import BuildResult

app = typer.Typer(
    name="briefgen",
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

ProjectOption = Annotated[
    Path,
    typer.Option("-C", "--project", metavar="DIR",
                 help="The brief project folder.", file_okay=False, show_default="current folder"),
]


def _quiet(value: bool) -> None:
    if value:
        from briefgen.console import QUIET, set_verbosity

        set_verbosity(QUIET)


def _verbose(value: bool) -> None:
    if value:
        from briefgen.console import VERBOSE, set_verbosity

        set_verbosity(VERBOSE)


QuietOption = Annotated[bool, typer.Option("-q", "--quiet", callback=_quiet, expose_value=False,
                                           help="Print only problems: no progress lines or summaries.")]
VerboseOption = Annotated[bool, typer.Option("-v", "--verbose", callback=_verbose, expose_value=False,
                                             help="Print more: each edition, what changed, and timings.")]


def _complete_briefs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: the brief ids of the project (file names, nothing is parsed)."""
    root = Path(ctx.params.get("project") or ".")
    return sorted(path.stem for path in (root / "briefs").glob("*.yaml") if path.stem.startswith(incomplete))


def _complete_audiences(ctx: typer.Context, incomplete: str) -> list[str]:
    from briefgen.load.audiences import builtin_audience_paths

    root = Path(ctx.params.get("project") or ".")
    ids = {path.stem for path in builtin_audience_paths()} | {path.stem for path in (root / "briefs/audiences").glob("*.yaml")}
    return sorted(i for i in ids | {"all"} if i.startswith(incomplete))


def _choices(*values: str) -> Callable[[str], list[str]]:
    """Shell completion from a fixed list of values."""
    return lambda incomplete: [value for value in values if value.startswith(incomplete)]


def _complete_build_formats(incomplete: str) -> list[str]:
    from briefgen.model import OUTPUT_FORMATS

    return [name for name in OUTPUT_FORMATS if name.startswith(incomplete)]


def _complete_citation_styles(incomplete: str) -> list[str]:
    from briefgen.model import CITATION_STYLES

    return [name for name in CITATION_STYLES if name.startswith(incomplete)]


def _complete_pdf_variants(incomplete: str) -> list[str]:
    from briefgen.model import PDF_VARIANTS

    return [name for name in PDF_VARIANTS if name.startswith(incomplete)]


def _complete_keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: the entry keys of references.bib (a quick scan of the entry heads; nothing is parsed)."""
    import re

    root = Path(ctx.params.get("project") or ".")
    try:
        text = (root / "references.bib").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    keys = re.findall(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]\s*([^,\s{}()]+)\s*,", text, re.IGNORECASE | re.MULTILINE)
    return sorted({key for key in keys if key.startswith(incomplete)})


def _complete_rules(incomplete: str) -> list[str]:
    from briefgen.check.rules import RULES

    ids = {rule.id for rule in RULES} | {rule.id.split("/")[0] for rule in RULES if "/" in rule.id}
    return sorted(i for i in ids if i.startswith(incomplete))


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


@app.command()
def build(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to build (default: every brief).",
                                                          show_default=False, autocompletion=_complete_briefs)] = None,
    audience: Annotated[Optional[list[str]], typer.Option("-a", "--audience", metavar="ID",
                                                          help="Audience id, repeatable, or 'all'.",
                                                          show_default=False, autocompletion=_complete_audiences)] = None,
    output_format: Annotated[Optional[list[str]], typer.Option(
        "-f", "--format", show_default=False, autocompletion=_complete_build_formats, metavar="html|pdf|handout|png",
        help="html, pdf, handout (a one-sheet PDF to hand out) or png (the PDF's first page), "
             "repeatable (default: html and pdf).")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="DIR",
                                                   help="Output folder (default: PROJECT/output).",
                                                   file_okay=False, show_default=False)] = None,
    citation_style: Annotated[Optional[str], typer.Option("--citation-style", metavar="STYLE",
                                                          help="numeric, apa (also called author-date) or "
                                                               "chicago-notes (also called notes).",
                                                          show_default=False,
                                                          autocompletion=_complete_citation_styles)] = None,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help="Download images linked from other web sites.")] = False,
    pdf_variant: Annotated[str, typer.Option("--pdf-variant", metavar="pdf/ua-1|pdf/a-3b",
                                             help="pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival).",
                                             autocompletion=_complete_pdf_variants)] = "pdf/ua-1",
    jobs: Annotated[Optional[int], typer.Option("-j", "--jobs", metavar="N", help="Worker processes (default: one per CPU).",
                                                show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every edition, even unchanged ones.")] = False,
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Build editions: <output>/<brief-id>--<audience-id>.html, .pdf, .handout.pdf and .png.

    An edition whose inputs are unchanged since the last build is not rebuilt
    (the cache is kept in <output>/.briefgen-cache/).

    Example: briefgen build 287g-police-ice -a county-officials -f pdf -f handout
    """
    if jobs is not None and jobs < 1:
        _usage(f"--jobs must be 1 or more, not {jobs}")
    from briefgen.build.outputs import output_folder
    from briefgen.build.pdf_workers import start_pdf_workers
    from briefgen.build.progress import is_terminal, progress_bar
    from briefgen.console import detail, is_quiet, say

    # Started before the rest of briefgen is imported: the workers load WeasyPrint meanwhile.
    pdf_workers = start_pdf_workers(output_folder(project, output), output_format or ("pdf",), jobs, force,
                                    briefs or (), audience or ())
    started = time.perf_counter()
    with pdf_workers, progress_bar(is_terminal() and not is_quiet()) as on_progress:
        def run_build() -> BuildResult:
            from briefgen.build.options import BuildOptions
            from briefgen.build.pipeline import build
            from briefgen.model import CITATION_STYLES, DEFAULT_FORMATS, OUTPUT_FORMATS, PDF_VARIANTS

            formats = tuple(dict.fromkeys(output_format or DEFAULT_FORMATS))
            for name in formats:
                if name not in OUTPUT_FORMATS:
                    _usage(f"unknown format '{name}'; choose from {', '.join(OUTPUT_FORMATS)}")
            if pdf_variant not in PDF_VARIANTS:
                _usage(f"unknown PDF variant '{pdf_variant}'; choose from {', '.join(PDF_VARIANTS)}")
            if citation_style is not None and citation_style not in CITATION_STYLES:
                _usage(f"unknown citation style '{citation_style}'; choose from {', '.join(CITATION_STYLES)}")
            options = BuildOptions(briefs=tuple(briefs or ()), audiences=tuple(audience or ()),
                                   formats=formats, output_dir=output, citation_style=citation_style,  # type: ignore[arg-type]
                                   allow_remote=allow_remote, pdf_variant=pdf_variant,  # type: ignore[arg-type]
                                   jobs=jobs, force=force, on_progress=on_progress)
            return build(project, options, pdf_workers)

        result = _run(run_build)  # Ctrl-C while importing is handled like Ctrl-C while building
    _report(result.diagnostics)
    cwd = Path.cwd()
    for path in result.written:
        say(f"wrote {_display(path, cwd)}")
    for report in result.reports:
        say(_describe_edition(report))
    up_to_date = len(result.up_to_date)
    summary = f"{len(result.reports) - up_to_date} edition(s) built"
    if up_to_date:
        summary += f", {up_to_date} up to date"
    if result.failed:
        summary += f", {len(result.failed)} failed: {', '.join(result.failed)}"
        typer.echo(summary, err=True)
    else:
        say(summary)
    detail(f"took {time.perf_counter() - started:.2f} s")
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


audiences_app = typer.Typer(help="List audience profiles, or show one fully resolved.\n\n"
                                 "Example: briefgen audiences show community-groups", no_args_is_help=False)
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
    from briefgen.load.audiences import builtin_audience_paths

    builtin_ids = {path.stem for path in builtin_audience_paths()}
    id_width = max([len(a) for a in loaded.audiences] + [2])
    label_width = max([len(a.label) for a in loaded.audiences.values()] + [5])
    typer.echo(f"{'id':{id_width}}  {'label':{label_width}}  {'lang':5} {'grade ≤':8} {'pages ≤':8} origin")
    for audience in loaded.audiences.values():
        grade = f"{audience.reading_grade:g}" if audience.reading_grade is not None else "-"
        pages = str(audience.max_pages) if audience.max_pages is not None else "-"
        origin = ("built-in" if audience.is_builtin else
                  "built-in, overridden" if audience.id in builtin_ids else "project")
        name = f"{audience.id:{id_width}}  {audience.label:{label_width}}"
        typer.echo(f"{name}  {audience.language:5} {grade:8} {pages:8} {origin}")
    raise typer.Exit(1 if diagnostics.has_errors else 0)


@audiences_app.command("show")
def audiences_show(audience_id: Annotated[str, typer.Argument(metavar="ID", help="Audience id.")],
                   project: ProjectOption = Path(".")) -> None:
    """Print one profile as it applies, as YAML: the built-in values with the project's overrides
    (each key says whether the project sets it).

    Example: briefgen audiences show community-groups
    """

    loaded, diagnostics = _load(project)
    _report(diagnostics)
    audience = loaded.audiences.get(audience_id)
    if audience is None and _is_broken_file(loaded.root, "briefs/audiences", f"{audience_id}.yaml", diagnostics):
        raise typer.Exit(1)  # its errors are printed above
    if audience is None:
        from briefgen.load.yaml_fields import did_you_mean

        _usage(f"no audience '{audience_id}'; " + (did_you_mean(audience_id, list(loaded.audiences)) or
                                                     "audiences: " + ", ".join(loaded.audiences)))
    from briefgen.load.audiences import profile_as_yaml

    typer.echo(profile_as_yaml(audience, loaded.root), nl=False)
    raise typer.Exit(1 if diagnostics.has_errors else 0)


@app.command()
def matrix(
    brief_id: Annotated[Optional[str], typer.Argument(metavar="[BRIEF]", help="Brief id (default: every brief).")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="text|csv|html", help="text, html or csv.",
                                               autocompletion=_choices("text", "html", "csv"))] = "text",
    project: ProjectOption = Path("."),
) -> None:
    """Show which sections each audience's edition gets, and its word count.

    Example: briefgen matrix 287g-police-ice --format csv > matrix.csv
    """
    from briefgen.build.select import select_audiences, select_briefs
    from briefgen.reports.tailoring import build_matrix, matrix_csv, matrix_html, matrix_text

    renderers = {"text": matrix_text, "csv": matrix_csv, "html": matrix_html}
    if output_format not in renderers:
        _usage(f"unknown format '{output_format}'; choose from text, html, csv")
    loaded, diagnostics = _load(project)
    briefs = _run(lambda: select_briefs(loaded, (brief_id,) if brief_id else ()), diagnostics)
    outputs = [renderers[output_format](build_matrix(loaded, brief, select_audiences(loaded, brief, ()), diagnostics))
               for brief in briefs]
    _report(diagnostics)
    if outputs:  # none when the brief asked for has errors (printed above)
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
    from briefgen.build.select import select_briefs
    from briefgen.reports.tailoring import diff_editions

    loaded, diagnostics = _load(project)
    chosen = _run(lambda: select_briefs(loaded, (brief_id,)), diagnostics)
    if not chosen:  # the manifest exists but has errors
        _report(diagnostics)
        raise typer.Exit(1)
    (brief,) = chosen
    a, b = (_edition_audience(loaded, brief, x, diagnostics) for x in (audience_a, audience_b))
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


@app.command()
def refs(
    keys: Annotated[Optional[list[str]], typer.Argument(metavar="[KEY ...]", help="Entry keys (default: every entry).",
                                                        show_default=False, autocompletion=_complete_keys)] = None,
    style: Annotated[str, typer.Option("--style", metavar="STYLE",
                                       help="numeric, apa (also called author-date) or chicago-notes (also called notes).",
                                       autocompletion=_complete_citation_styles)] = "numeric",
    language: Annotated[str, typer.Option("--language", metavar="en|es", help="Language of labels and dates (en, es).",
                                          autocompletion=_choices("en", "es"))] = "en",
    project: ProjectOption = Path("."),
) -> None:
    """Print references from references.bib, formatted as a brief's Sources list shows them.

    Example: briefgen refs gao09109 oig1877 --style apa
    """
    from briefgen.citations.resolve import CitationTable, check_reference
    from briefgen.citations.styles import STYLES, make_style
    from briefgen.errors import Diagnostics
    from briefgen.i18n import messages_for
    from briefgen.load.project import BIBLIOGRAPHY, load_project_bibliography
    from briefgen.load.yaml_fields import did_you_mean

    if style not in STYLES:
        _usage(f"unknown citation style '{style}'; choose from {', '.join(STYLES)}")
    from briefgen.i18n import available_languages

    if language.split("-")[0] not in available_languages():
        _usage(f"no labels for language '{language}'; choose from {', '.join(available_languages())}")
    diagnostics = Diagnostics()
    bibliography = load_project_bibliography(project, diagnostics)
    wanted = list(keys or bibliography.references)
    for key in wanted:
        if key not in bibliography.references:
            _report(diagnostics)
            _usage(f"no entry '{key}' in {BIBLIOGRAPHY}; " + (did_you_mean(key, list(bibliography.references))
                                                              or "check the key"))
    references = tuple(bibliography.references[key] for key in wanted)
    for reference in references:
        check_reference(reference, diagnostics)
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    _report(diagnostics)
    for entry in make_style(style, table, messages_for(language)).entries():  # type: ignore[arg-type]
        text = " ".join(entry.html.striptags().split())
        typer.echo(f"{entry.label} {text}" if entry.label else text)
    raise typer.Exit(1 if diagnostics.has_errors else 0)


@app.command()
def check(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to check (default: every brief).",
                                                          show_default=False, autocompletion=_complete_briefs)] = None,
    audience: Annotated[Optional[list[str]], typer.Option("-a", "--audience", metavar="ID",
                                                          help="Audience id, repeatable, or 'all'.",
                                                          show_default=False, autocompletion=_complete_audiences)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too (exit 1).")] = False,
    output_format: Annotated[str, typer.Option("--format", metavar="text|json|github",
                                               autocompletion=_choices("text", "json", "github"),
                                               help="text for people, json for programs, github for workflow "
                                                    "annotations.")] = "text",
    pages: Annotated[bool, typer.Option("--pages", help="Lay each edition out as a PDF and compare its pages with the "
                                                        "audience's max_pages (slower: loads the PDF renderer).")] = False,
    recheck_after: Annotated[int, typer.Option("--recheck-after", metavar="DAYS", min=0,
                                               help="Warn when a source's urldate is this many days older than the "
                                                    "brief's 'checked' date.")] = 365,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="RULE", show_default=False,
                                                        autocompletion=_complete_rules,
                                                        help="Leave out the warnings and info of a rule or rule family "
                                                             "(e.g. evidence), repeatable; errors always count.")] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List every rule with its id and severity, and exit.")] = False,
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Check every brief × audience edition without writing anything; exit 1 when there are errors.

    Each finding reads 'path:line: severity: message; hint [rule-id]', then a summary line.
    Plain check never loads the PDF renderer; --pages does.

    Example: briefgen check --strict --format github
    """
    from briefgen.build.options import EditionReport
    from briefgen.check.report import exit_code, format_finding, summarise, summary_line, to_github, to_json
    from briefgen.check.rules import RULES
    from briefgen.check.run import CheckOptions, check_project
    from briefgen.console import detail, is_quiet, is_verbose, paint, say
    from briefgen.errors import Severity

    if list_rules:
        for rule in RULES:
            typer.echo(f"{rule.id:28} {rule.severity.value:8} {rule.summary}")
        raise typer.Exit(0)
    if output_format not in ("text", "json", "github"):
        _usage(f"unknown format '{output_format}'; choose from text, json, github")
    options = CheckOptions(briefs=tuple(briefs or ()), audiences=tuple(audience or ()), count_pages=pages,
                           recheck_after_days=recheck_after, ignore=tuple(ignore or ()))
    started = time.perf_counter()
    result = _run(lambda: check_project(project, options))
    cwd = Path.cwd()
    if output_format == "json":
        typer.echo(to_json(result, cwd, strict))
        raise typer.Exit(exit_code(result, strict))
    for checked in result.editions:
        detail(_describe_edition(EditionReport(checked.edition.name, checked.edition.audience, checked.reading,
                                               checked.pages)))
    for finding in (result.findings if is_verbose() else summarise(result.findings)):
        if is_quiet() and finding.severity is Severity.INFO:
            continue
        if output_format == "github":
            typer.echo(to_github(finding, cwd))
        else:
            typer.echo(format_finding(finding, cwd, lambda text, severity: paint(text, severity, sys.stdout)))
    say(summary_line(result, strict))
    detail(f"took {time.perf_counter() - started:.2f} s")
    raise typer.Exit(exit_code(result, strict))


new_app = typer.Typer(help="Create a brief, a section or an audience profile from a commented template; never "
                           "overwrites a file.\n\nExample: briefgen new section local-costs --title \"What it costs\"",
                      no_args_is_help=True)
app.add_typer(new_app, name="new")


@new_app.command("brief")
def new_brief(
    brief_id: Annotated[str, typer.Argument(metavar="ID", help="The brief id: lower-case letters, digits and '-'.")],
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="The brief's question (default: from the id).")] = "",
    section: Annotated[Optional[list[str]], typer.Option("--section", metavar="ID", show_default=False,
                                                         help="An existing section to list, repeatable.")] = None,
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Create briefs/ID.yaml: a commented brief manifest.

    Example: briefgen new brief jail-costs --title "What does the jail model cost?" --section background
    """
    import datetime as dt

    from briefgen.scaffold import new_brief as create

    path = _run(lambda: create(project, brief_id, dt.date.today(), title, tuple(section or ())))
    _created([path], f"build it with: briefgen build {brief_id}")


@new_app.command("section")
def new_section(
    section_id: Annotated[str, typer.Argument(metavar="ID", help="The section id: lower-case letters, digits and '-'.")],
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="The section title (default: from the id).")] = "",
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Create briefs/sections/ID.md: front matter and a first paragraph.

    Example: briefgen new section local-costs --title "What it costs the county"
    """
    from briefgen.scaffold import new_section as create

    path = _run(lambda: create(project, section_id, title))
    _created([path], f"list '{section_id}' under 'sections:' in a brief to use it")


@new_app.command("audience")
def new_audience(
    audience_id: Annotated[str, typer.Argument(metavar="ID", help="The audience id; a built-in id makes an override file.")],
    label: Annotated[str, typer.Option("--label", metavar="TEXT",
                                       help="The audience's name as printed (default: from the id).")] = "",
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Create briefs/audiences/ID.yaml: a new audience profile, or changes to a built-in one.

    Example: briefgen new audience school-boards --label "School boards"
    """
    from briefgen.scaffold import new_audience as create

    path = _run(lambda: create(project, audience_id, label))
    _created([path], f"next: add {audience_id} to the 'audiences:' list of each brief that should have an edition "
                     "for it (a brief without that list has one for every audience already)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The folder for the new project (created if needed).",
                                              file_okay=False)],
    brief_id: Annotated[str, typer.Option("--brief", metavar="ID", help="The id of the first brief.")] = "first-brief",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Start a brief project: one brief, one section, one audience profile and an empty references.bib.

    It builds as it is; nothing is overwritten.

    Example: briefgen init my-briefs && cd my-briefs && briefgen build
    """
    import datetime as dt

    from briefgen.scaffold import init_project

    paths = _run(lambda: init_project(directory, dt.date.today(), brief_id))
    _created(paths, f"next: cd {directory} && briefgen build")


def _created(paths: list[Path], next_step: str) -> None:
    from briefgen.console import say

    cwd = Path.cwd()
    for path in paths:
        say(f"created {_display(path, cwd)}")
    say(next_step)


@app.command()
def watch(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to watch (default: every brief).",
                                                          show_default=False, autocompletion=_complete_briefs)] = None,
    audience: Annotated[Optional[list[str]], typer.Option("-a", "--audience", metavar="ID",
                                                          help="Audience id, repeatable, or 'all'.",
                                                          show_default=False, autocompletion=_complete_audiences)] = None,
    output_format: Annotated[Optional[list[str]], typer.Option("-f", "--format", show_default=False, metavar="html|pdf",
                                                               autocompletion=_choices("html", "pdf"),
                                                               help="html or pdf, repeatable (default: html).")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="DIR",
                                                   help="Output folder (default: PROJECT/output).",
                                                   file_okay=False, show_default=False)] = None,
    port: Annotated[int, typer.Option("--port", metavar="N", min=0, max=65535,
                                      help="Port on 127.0.0.1 (0 picks a free one).")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the editions with live reload.")] = True,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the preview in a web browser.")] = False,
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Rebuild the editions a change affects, write them to the output folder, and serve them with live reload.

    Watches sections, brief manifests, audience profiles, references.bib, images and briefgen's
    templates; only the editions that use a changed file are rebuilt. Problems are printed here
    and shown on the page, and watching goes on. Stop with Ctrl-C.

    Example: briefgen watch 287g-costs -a press
    """
    from briefgen.model import OUTPUT_FORMATS

    formats = tuple(output_format or ("html",))
    for name in formats:
        if name not in OUTPUT_FORMATS:
            _usage(f"unknown format '{name}'; choose from {', '.join(OUTPUT_FORMATS)}")
    _watch(project, tuple(briefs or ()), tuple(audience or ()), formats, output or project / "output", port, serve,
           open_browser)


@app.command()
def preview(
    briefs: Annotated[Optional[list[str]], typer.Argument(metavar="BRIEF", help="Brief ids to preview (default: every brief).",
                                                          show_default=False, autocompletion=_complete_briefs)] = None,
    audience: Annotated[Optional[list[str]], typer.Option("-a", "--audience", metavar="ID",
                                                          help="Audience id, repeatable, or 'all'.",
                                                          show_default=False, autocompletion=_complete_audiences)] = None,
    port: Annotated[int, typer.Option("--port", metavar="N", min=0, max=65535,
                                      help="Port on 127.0.0.1 (0 picks a free one).")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the preview in a web browser.")] = False,
    project: ProjectOption = Path("."),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Serve live-reloading previews of the editions on 127.0.0.1, without writing any file.

    Like watch, but the editions stay in memory: the output folder is left alone. Stop with Ctrl-C.

    Example: briefgen preview 287g-police-ice --open
    """
    _watch(project, tuple(briefs or ()), tuple(audience or ()), ("html",), None, port, True, open_browser)


def _watch(project: Path, briefs: tuple[str, ...], audiences: tuple[str, ...], formats: tuple[str, ...],
           output: Optional[Path], port: int, serve: bool, open_browser: bool) -> None:
    import signal
    import threading

    from briefgen.console import detail, say
    from briefgen.errors import BriefgenError
    from briefgen.watch.rebuild import RebuildReport, WatchOptions
    from briefgen.watch.session import ServeOptions, run_session

    cwd = Path.cwd()
    stop = threading.Event()

    def on_report(report: RebuildReport) -> None:
        from briefgen.errors import Diagnostics

        for path in report.changed:
            detail(f"changed: {_display(path, cwd)}")
        _report(Diagnostics(list(report.problems)))
        for path in report.written:
            detail(f"wrote {_display(path, cwd)}")
        if report.round == 1:
            say(f"built {len(report.rebuilt)} edition(s)" + (f", {len(report.failed)} with errors" if report.failed else "")
                + f" in {report.seconds:.2f} s")
        elif report.rebuilt or report.removed:
            say(f"rebuilt {', '.join(report.rebuilt) or 'nothing'} in {report.seconds:.2f} s"
                + (f"; removed {', '.join(report.removed)}" if report.removed else ""))
        for name in report.failed:
            typer.echo(f"{name} has errors; " + ("the last good version stays in place" if report.round > 1
                                                 else "fix them and save"), err=True)
        if report.round > 1 and report.unchanged:
            detail(f"unchanged: {', '.join(report.unchanged)}")

    def on_ready(url: Optional[str]) -> None:
        if url is None:
            typer.echo("watching for changes (Ctrl-C to stop)")
            return
        typer.echo(f"serving {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    options = WatchOptions(briefs=briefs, audiences=audiences, formats=formats, output_dir=output)  # type: ignore[arg-type]
    def on_terminate(_signum: int, _frame: object) -> None:
        """SIGTERM stops at once, like Ctrl-C, even in the middle of a rebuild (files are written atomically)."""
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_terminate)
    try:
        run_session(project, options, ServeOptions(serve, port), stop, on_report, on_ready, _format)
    except BriefgenError as error:
        for diagnostic in error.diagnostics:
            typer.echo(_format(diagnostic), err=True)
        raise typer.Exit(error.exit_code) from None
    except OSError as error:  # the file watcher or the preview server could not go on
        typer.echo(f"briefgen: watching stopped: {error}; check the project folder and try again", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    typer.echo("stopped")


def _edition_audience(project, brief, audience_id: str, diagnostics):  # type: ignore[no-untyped-def]
    from briefgen.build.select import select_audiences

    if audience_id not in project.audiences and _is_broken_file(project.root, "briefs/audiences", f"{audience_id}.yaml",
                                                                 diagnostics):
        _report(diagnostics)
        raise typer.Exit(1)
    chosen = _run(lambda: select_audiences(project, brief, (audience_id,)), diagnostics)
    if not chosen:
        _report(diagnostics)
        _usage(f"brief '{brief.id}' has no edition for audience '{audience_id}' (see its 'audiences:' list)")
    return chosen[0]


def _is_broken_file(root: Path, folder: str, name: str, diagnostics) -> bool:  # type: ignore[no-untyped-def]
    """The file exists and loading it found errors (they are in ``diagnostics``)."""
    path = (root / folder / name).resolve()
    return any(d.location is not None and d.location.path.resolve() == path for d in diagnostics.errors)


def _clip(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load(project: Path):  # type: ignore[no-untyped-def]
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    diagnostics = Diagnostics()
    return _run(lambda: load_project(project, diagnostics)), diagnostics


def _describe_edition(report) -> str:  # type: ignore[no-untyped-def]
    """``287g-costs--press: 1,204 words, grade 9.8 (target ≤ 10), 4 pages (target ≤ 6)``"""
    from briefgen.measure.readability import MIN_WORDS_GRADED

    audience = report.audience
    text = f"{report.name}: {report.reading.words:,} words"
    if not report.reading.is_graded:
        text += f", no grade (under {MIN_WORDS_GRADED} words)"
    else:
        text += f", grade {report.reading.grade:.1f}"
    if report.reading.is_graded and audience.reading_grade is not None:
        mark = "" if report.reading.grade <= audience.reading_grade else " — above target"
        text += f" (target ≤ {audience.reading_grade:g}{mark})"
    if report.pages is not None:
        text += f", {report.pages} page{'s' if report.pages != 1 else ''}"
        if audience.max_pages is not None:
            mark = "" if report.pages <= audience.max_pages else " — over target"
            text += f" (target ≤ {audience.max_pages}{mark})"
    if report.handout_pages is not None:
        text += f", handout {report.handout_pages} page{'s' if report.handout_pages != 1 else ''}"
    if report.is_up_to_date:
        text += " — up to date"
    return text


def _run(action, loading=None):  # type: ignore[no-untyped-def]
    """``action()``; its error is printed (after the problems ``loading`` found, which may explain it)."""
    from briefgen.errors import BriefgenError

    try:
        return action()
    except BriefgenError as error:
        if loading is not None:
            _report(loading)
        for diagnostic in error.diagnostics:
            typer.echo(_format(diagnostic), err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("briefgen: interrupted", err=True)
        raise typer.Exit(130) from None


def _report(diagnostics) -> None:  # type: ignore[no-untyped-def]
    from briefgen.console import paint

    seen: set[str] = set()
    for diagnostic in diagnostics.items:
        text = _format(diagnostic)
        if text not in seen:
            seen.add(text)
            typer.echo(paint(text, diagnostic.severity, sys.stderr), err=True)


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
