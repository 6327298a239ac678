"""The command reference in docs/commands.md shows every command with the options and
metavars that its --help prints: one is generated from the other and compared."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from briefgen.cli import app
from conftest import REPO_ROOT
from golden import is_updating

DOCS = REPO_ROOT / "docs" / "commands.md"


def usage_lines() -> list[str]:
    """``briefgen COMMAND ARGS [OPTIONS]`` for every command, as the Typer app defines them."""
    root = typer.main.get_command(app)
    lines: list[str] = []

    def visit(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):  # a group of commands
            for name in sorted(command.commands, key=list(command.commands).index):
                visit(command.commands[name], [*path, name])
            if command is not root and command.callback is not None and command.invoke_without_command:
                lines.append(_usage(command, path))
            return
        lines.append(_usage(command, path))

    visit(root, ["briefgen"])
    return [_usage(root, ["briefgen"]) + " COMMAND ...", *lines]


def _usage(command: Any, path: list[str]) -> str:
    parts = list(path)
    for param in command.params:
        if getattr(param, "hidden", False) or param.name in ("help",):
            continue
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()  # type: ignore[union-attr]
            name = name.strip("[]").replace(" ...", "")
            parts.append(f"[{name} ...]" if param.nargs == -1 else f"{name}" if param.required else f"[{name}]")
            continue
        names = "/".join(param.opts + param.secondary_opts)
        if param.is_flag:
            parts.append(f"[{names}]")
        else:
            metavar = param.metavar or param.type.name.upper()
            parts.append(f"[{names} {metavar}{' ...' if param.multiple else ''}]")
    return " ".join(parts)


def documented_lines() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```\n(briefgen .*?)```", text, re.DOTALL)
    assert block is not None, "docs/commands.md starts with the usage of every command"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_command_reference_matches_the_help_of_every_command() -> None:
    """``pytest --update-golden`` rewrites the usage block from the commands' --help."""
    if is_updating():
        text = DOCS.read_text(encoding="utf-8")
        block = "\n".join(usage_lines()) + "\n"
        DOCS.write_text(re.sub(r"```\n(briefgen .*?)```", lambda _m: f"```\n{block}```", text, count=1, flags=re.DOTALL),
                        encoding="utf-8")
    assert documented_lines() == usage_lines(), "\n".join(["regenerate the usage block of docs/commands.md "
                                                            "(pytest --update-golden):", *usage_lines()])
