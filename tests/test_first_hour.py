"""What a new author meets in the first hour: messages that say the right thing once, and
answers that stay right on a rebuild."""

from __future__ import annotations

from pathlib import Path

from conftest import brief_yaml, run_cli, section_md

SPANISH_AUDIENCE = "label: Comunidad\nlanguage: es\nreading_grade: 8\n"
SPANISH_TEXT = ("La policía local puede preguntar por el estatus migratorio de una persona detenida en la cárcel. "
                "Los oficiales reciben formación federal durante cuatro semanas antes de empezar. " * 12)


def _report_line(output: str, edition: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{edition}: "))


def test_a_rebuild_reports_the_same_reading_grade_for_a_spanish_edition(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["uno"], extra="audiences: [comunidad]\n"),
        "briefs/audiences/comunidad.yaml": SPANISH_AUDIENCE,
        "briefs/sections/uno.md": section_md("Uno", SPANISH_TEXT),
    })
    first = run_cli(["build", "-f", "html"], cwd=project)
    assert first.exit_code == 0, first.output
    second = run_cli(["build", "-f", "html"], cwd=project)
    assert second.exit_code == 0, second.output
    assert "up to date" in _report_line(second.stdout, "b--comunidad")
    built_grade = _report_line(first.stdout, "b--comunidad").split("grade ")[1].split(" ")[0]
    cached_grade = _report_line(second.stdout, "b--comunidad").split("grade ")[1].split(" ")[0]
    assert built_grade == cached_grade, (first.stdout, second.stdout)
