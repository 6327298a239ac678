"""The command line's shape: one line per finding whichever command finds it, commands made
only when used, watch's formats as its help says, and the domain answers the commands print
(``refs``, ``audiences show``) computed outside the CLI."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.core

from briefgen.cli import COMMANDS, load_command
from briefgen.commands import watch as watch_command
from briefgen.console import format_finding, format_usage_problem
from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, Severity, SourceLocation, UsageError
from briefgen.load.lookup import find_audience
from briefgen.load.project import load_project
from briefgen.model import Bibliography
from briefgen.reports.references import check_listing_options, list_references
from conftest import REPO_ROOT, brief_yaml, run_cli, section_md

FINDING = re.compile(r"^\S+?(:\d+)?: (error|warning|info): ")

# --- one line per finding -----------------------------------------------------------------------

BAD_BIB = "@misc{notitle,\n  author = {{Agency}},\n  year = {2020}\n}\n"


@pytest.fixture
def broken(make_project: Callable[..., Path]) -> Path:
    """An unknown citation key (error), an entry with no title (warning) and a manifest with an unknown key."""
    return make_project({
        "briefs/b.yaml": brief_yaml(["one", "two"]),
        "briefs/c.yaml": brief_yaml(["one"], extra="titel: Typo\n"),
        "briefs/sections/one.md": section_md("One", "The county pays [@notitle].\n"),
        "briefs/sections/two.md": section_md("Two", "Costs rose [@nope].\n"),
    }, bib=BAD_BIB)


def _findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if FINDING.match(line)]


@pytest.mark.parametrize("expected", [
    pytest.param("briefs/sections/two.md:4: error: unknown citation key 'nope'", id="error"),
    pytest.param("references.bib:1: warning: entry 'notitle' has no title", id="warning"),
    pytest.param("briefs/c.yaml:4: error: unknown key 'titel' in brief manifest; did you mean 'title'?", id="manifest"),
    pytest.param("briefs/c.yaml:4: error: unknown key 'titel' in brief manifest; did you mean 'title'?\n",
                 id="no-catch-all-rule-id"),
])
def test_build_and_check_print_the_same_line_for_the_same_finding(broken: Path, expected: str) -> None:
    built = run_cli(["build", "-f", "html"], cwd=broken)
    checked = run_cli(["check"], cwd=broken)
    assert built.exit_code == checked.exit_code == 1, built.output + checked.output
    from_build = [line for line in _findings(built.stderr) if (line + "\n").startswith(expected)]
    from_check = [line for line in _findings(checked.stdout) if (line + "\n").startswith(expected)]
    assert len(from_build) == 1, built.stderr
    assert from_build == from_check, (built.stderr, checked.stdout)


def test_every_finding_build_prints_is_a_line_check_prints_too(broken: Path) -> None:
    built = _findings(run_cli(["build", "-f", "html"], cwd=broken).stderr)
    checked = set(_findings(run_cli(["check"], cwd=broken).stdout))
    assert built and all(line in checked for line in built), (built, checked)


def test_watch_prints_a_finding_as_build_does(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from briefgen.watch.rebuild import RebuildReport

    problem = Diagnostic(Severity.ERROR, SourceLocation(broken / "briefs/sections/two.md", 4),
                         "unknown citation key 'nope'", "add the entry", "citations/unknown-key")
    import contextlib

    with contextlib.chdir(broken):
        watch_command.print_round(RebuildReport(round=1, failed=("c--press",), problems=(problem,)))
    assert capsys.readouterr().err.splitlines()[0] == ("briefs/sections/two.md:4: error: unknown citation key 'nope'; "
                                                       "add the entry [citations/unknown-key]")


@pytest.mark.parametrize(("finding", "line"), [
    pytest.param(Diagnostic(Severity.ERROR, SourceLocation(Path("s.md"), 3), "bad", "fix it", "rule/x"),
                 "s.md:3: error: bad; fix it [rule/x]", id="line-hint-rule"),
    pytest.param(Diagnostic(Severity.WARNING, SourceLocation(Path("s.md")), "odd"), "s.md: warning: odd",
                 id="whole-file"),
    pytest.param(Diagnostic(Severity.INFO, None, "note", "do this"), "briefgen: info: note; do this", id="no-file"),
])
def test_a_finding_reads_path_line_severity_what_how(finding: Diagnostic, line: str) -> None:
    assert format_finding(finding, Path.cwd()) == line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_only_the_severity_is_coloured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    finding = Diagnostic(Severity.ERROR, SourceLocation(Path("s.md"), 3), "bad")
    painted = format_finding(finding, Path.cwd(), Terminal())
    assert painted.startswith("s.md:3: \x1b[") and painted.endswith(": bad") and "error" in painted
    assert format_finding(finding, Path.cwd(), io.StringIO()) == "s.md:3: error: bad"


def test_a_usage_mistake_reads_briefgen_what_how() -> None:
    assert format_usage_problem(Diagnostic(Severity.ERROR, None, "no brief 'x'", "did you mean 'y'?")) == \
        "briefgen: no brief 'x'; did you mean 'y'?"


# --- watch -f: what its help says is what it accepts --------------------------------------------


def test_watch_format_help_lists_what_watch_accepts(tmp_path: Path) -> None:
    help_text = " ".join(run_cli(["watch", "--help"], cwd=tmp_path).stdout.split())
    assert "-f, --format html|pdf" in help_text and "html or pdf, repeatable (default: html)." in help_text
    assert watch_command.WATCH_FORMATS == ("html", "pdf")


@pytest.mark.parametrize("value", ["handout", "png", "docx"])
def test_watch_refuses_a_format_its_help_does_not_list(tmp_path: Path, value: str) -> None:
    result = run_cli(["watch", "--no-serve", "-f", value], cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"briefgen: unknown format '{value}' for watch; choose from html, pdf"), result.stderr


def test_watch_takes_every_format_its_help_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(watch_command, "_watch", lambda project, options, *rest: seen.append(options.formats))
    for args in (["-f", "html"], ["-f", "pdf"], ["-f", "pdf", "-f", "html"], []):
        assert run_cli(["watch", "--no-serve", *args], cwd=tmp_path).exit_code == 0
    assert seen == [("html",), ("pdf",), ("pdf", "html"), ("html",)]


# --- commands are made when used ----------------------------------------------------------------


def _modules_after(args: list[str]) -> set[str]:
    code = ("import sys\nfrom briefgen.cli import main\nsys.argv = ['briefgen', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('briefgen'))), file=sys.stderr)\n")
    completed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                               check=False)
    return set(completed.stderr.split())


def test_the_root_help_imports_no_command_module() -> None:
    assert _modules_after(["--help"]) == {"briefgen", "briefgen.cli"}


def test_a_commands_help_imports_that_command_only() -> None:
    loaded = _modules_after(["build", "--help"])
    assert "briefgen.commands.build" in loaded
    assert not loaded & {"briefgen.commands.check", "briefgen.commands.watch", "briefgen.build.pipeline"}, loaded


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_root_help_summary_of_a_command_is_its_own(name: str) -> None:
    """The summaries ``briefgen --help`` prints without importing a command are the commands' own help."""
    command = load_command(name, COMMANDS[name])
    assert command.name == name
    first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
    assert first_paragraph == COMMANDS[name].summary


def test_the_commands_are_the_ones_the_app_lists() -> None:
    root = typer.main.get_command(__import__("briefgen.cli", fromlist=["app"]).app)
    assert isinstance(root, typer.core.TyperGroup)
    assert list(root.commands) == list(COMMANDS)
    assert {name for name in COMMANDS} >= {"build", "check", "watch", "preview", "refs", "audiences", "new"}


COMMANDS_DIR = REPO_ROOT / "src" / "briefgen" / "commands"


def _function_bodies() -> list[tuple[str, int]]:
    found = []
    for path in sorted(COMMANDS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(
                    node.body[0].value, ast.Constant) else node.body  # leave out the docstring
                found.append((f"{path.name}:{node.name}", (body[-1].end_lineno or 0) - body[0].lineno + 1))
    return found


def test_every_function_in_the_commands_package_is_short() -> None:
    too_long = [(name, lines) for name, lines in _function_bodies() if lines > 30]
    assert _function_bodies() and not too_long, too_long


# --- the answers of refs and audiences show, without the command line -------------------------


def test_find_audience_gives_the_profile_as_it_applies(make_project: Callable[..., Path]) -> None:
    project_dir = make_project({"briefs/b.yaml": brief_yaml(), "briefs/sections/one.md": section_md("One", "Body.\n"),
                                "briefs/audiences/press.yaml": "max_pages: 2\n"})
    diagnostics = Diagnostics()
    project = load_project(project_dir, diagnostics)
    assert find_audience(project, "press", diagnostics).max_pages == 2


def test_find_audience_names_the_closest_id(make_project: Callable[..., Path]) -> None:
    project_dir = make_project({"briefs/b.yaml": brief_yaml(), "briefs/sections/one.md": section_md("One", "Body.\n")})
    diagnostics = Diagnostics()
    project = load_project(project_dir, diagnostics)
    with pytest.raises(UsageError) as raised:
        find_audience(project, "prss", diagnostics)
    (problem,) = raised.value.diagnostics
    assert (problem.message, problem.hint) == ("no audience 'prss'", "did you mean 'press'?")


def test_find_audience_of_a_broken_profile_adds_nothing_to_its_errors(make_project: Callable[..., Path]) -> None:
    project_dir = make_project({"briefs/b.yaml": brief_yaml(), "briefs/sections/one.md": section_md("One", "Body.\n"),
                                "briefs/audiences/board.yaml": "label: Board\nreading_grade: .nan\n"})
    diagnostics = Diagnostics()
    project = load_project(project_dir, diagnostics)
    with pytest.raises(BriefgenError) as raised:
        find_audience(project, "board", diagnostics)
    assert not isinstance(raised.value, UsageError) and raised.value.diagnostics == []
    assert [d.location.line for d in diagnostics.errors if d.location] == [2]


def test_list_references_in_the_order_asked_numbered_by_the_style(make_project: Callable[..., Path]) -> None:
    project = load_project(make_project({"briefs/b.yaml": brief_yaml(),
                                         "briefs/sections/one.md": section_md("One", "Body.\n")}), Diagnostics())
    diagnostics = Diagnostics()
    keys = sorted(project.bibliography.references)[:2][::-1]
    lines = list_references(project.bibliography, keys, "numeric", "en", diagnostics)
    assert [line.split(" ", 1)[0] for line in lines] == ["[1]", "[2]"]
    titles = [project.bibliography.references[key].title.split(":")[0][:10] for key in keys]
    assert all(title in line for title, line in zip(titles, lines, strict=True)), lines
    assert len(list_references(project.bibliography, (), "apa", "es", Diagnostics())) == len(project.bibliography.references)


@pytest.mark.parametrize(("call", "message", "hint"), [
    pytest.param(lambda bib: list_references(bib, ["gao2012"], "numeric", "en", Diagnostics()),
                 "no entry 'gao2012' in references.bib", "did you mean 'gao2021'?", id="unknown-key"),
    pytest.param(lambda bib: check_listing_options("harvard", "en"),
                 "unknown citation style 'harvard'; choose from numeric, apa, author-date, chicago-notes, notes", "", id="style"),
    pytest.param(lambda bib: check_listing_options("numeric", "fr"), "no labels for language 'fr'; choose from en, es",
                 "", id="language"),
])
def test_list_references_refuses_what_does_not_exist(make_project: Callable[..., Path],
                                                     call: Callable[[Bibliography], object], message: str,
                                                     hint: str) -> None:
    project = load_project(make_project({"briefs/b.yaml": brief_yaml(),
                                         "briefs/sections/one.md": section_md("One", "Body.\n")}), Diagnostics())
    with pytest.raises(UsageError) as raised:
        call(project.bibliography)
    (problem,) = raised.value.diagnostics
    assert (problem.message, problem.hint) == (message, hint)


def test_the_catch_all_rule_id_is_the_one_check_gives() -> None:
    from briefgen.check.rules import BUILD
    from briefgen.console import CATCH_ALL_RULE

    assert CATCH_ALL_RULE == BUILD
    finding = Diagnostic(Severity.WARNING, SourceLocation(Path("b.yaml"), 2), "odd", "fix", BUILD)
    assert format_finding(finding, Path.cwd()) == "b.yaml:2: warning: odd; fix"


def test_a_mistyped_command_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    result = run_cli(["buld"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "No such command 'buld'. Did you mean 'build'?" in result.output
