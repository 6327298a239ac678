"""The command line itself: help with an example for every command, --quiet and --verbose,
and colours only on a terminal without NO_COLOR."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from briefgen.cli import app
from briefgen.console import paint, use_colour
from briefgen.errors import Severity
from conftest import brief_yaml, run_cli, section_md


def command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            paths += command_paths(sub, (*prefix, name))
    return paths


COMMANDS = command_paths(typer.main.get_command(app))


def test_the_expected_commands_exist() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"build", "check", "init", "new brief", "new section", "new audience", "watch", "preview"} <= names


@pytest.mark.parametrize("path", [pytest.param(path, id=" ".join(path) or "briefgen") for path in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], tmp_path: Path) -> None:
    result = run_cli([*path, "--help"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout, result.stdout
    assert "briefgen " in result.stdout.split("Example", 1)[1]


def test_the_root_help_mentions_shell_completion(tmp_path: Path) -> None:
    result = run_cli(["--help"], cwd=tmp_path)
    assert "--install-completion" in result.stdout and "--quiet" in result.stdout and "--verbose" in result.stdout


def test_shell_completion_offers_the_projects_brief_ids(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({"briefs/costs.yaml": brief_yaml(["one"]), "briefs/care.yaml": brief_yaml(["one"])})
    env = {**os.environ, "_BRIEFGEN_COMPLETE": "complete_bash", "COMP_WORDS": "briefgen build c", "COMP_CWORD": "2"}
    completed = subprocess.run([sys.executable, "-c", "from briefgen.cli import main; main()"], cwd=project, env=env,
                               capture_output=True, text=True, timeout=60, check=False)
    assert completed.stdout.split() == ["care", "costs"], completed.stdout + completed.stderr


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project({"briefs/b.yaml": brief_yaml(["one"]),
                         "briefs/sections/one.md": section_md("One", "The county pays [@gao2021].\n")})


def test_build_quiet_prints_nothing_when_all_is_well(project: Path) -> None:
    for args in (["build", "-f", "html", "--quiet"], ["-q", "build", "-f", "html"]):
        result = run_cli(args, cwd=project)
        assert result.exit_code == 0, result.output
        assert result.output == ""


def test_build_quiet_still_reports_problems(project: Path) -> None:
    (project / "briefs/sections/one.md").write_text(section_md("One", "Oops [@nope].\n"), encoding="utf-8")
    result = run_cli(["build", "-f", "html", "-q"], cwd=project)
    assert result.exit_code == 1
    assert "briefs/sections/one.md:4: error: unknown citation key 'nope'" in result.stderr
    assert "0 edition(s) built, 3 failed" in result.stderr


def test_build_verbose_adds_timing(project: Path) -> None:
    result = run_cli(["build", "-f", "html", "-v"], cwd=project)
    assert result.exit_code == 0
    assert "took " in result.stderr and "wrote output/b--press.html" in result.stdout


def test_quiet_does_not_leak_into_the_next_command(project: Path) -> None:
    run_cli(["-q", "build", "-f", "html"], cwd=project)
    assert "edition(s) built" in run_cli(["build", "-f", "html"], cwd=project).stdout


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colours_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal())
    assert not use_colour(io.StringIO()), "a pipe or a file gets no colour"
    assert paint("error", Severity.ERROR, Terminal()) != "error"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())
    assert paint("error", Severity.ERROR, Terminal()) == "error"


def test_output_to_a_pipe_has_no_escape_codes(project: Path) -> None:
    (project / "briefs/sections/one.md").write_text(section_md("One", "Costs rose 5 percent [@nope].\n"), encoding="utf-8")
    for command in (["build", "-f", "html"], ["check"]):
        result = run_cli(command, cwd=project)
        assert result.exit_code == 1 and "unknown citation key 'nope'" in result.output
        assert "\x1b[" not in result.output
