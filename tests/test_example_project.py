"""The example project in the repository root: every brief builds cleanly for every built-in audience."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics
from briefgen.load.briefs import load_brief
from conftest import (
    BUILTIN_AUDIENCES,
    EXAMPLE_BRIEFS,
    OUTPUT_INDEX,
    REPO_ROOT,
    first_appearances,
    main_text_numbers,
    run_cli,
    section_titles,
)


def test_the_example_has_briefs() -> None:
    assert len(EXAMPLE_BRIEFS) >= 2, EXAMPLE_BRIEFS


@pytest.fixture(scope="module")
def example_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("example-html")


@pytest.mark.parametrize("audience", [pytest.param(a, id=a) for a in BUILTIN_AUDIENCES])
@pytest.mark.parametrize("brief_id", [pytest.param(b, id=b) for b in EXAMPLE_BRIEFS])
def test_every_brief_builds_for_every_builtin_audience(example_output: Path, brief_id: str, audience: str) -> None:
    result = run_cli(["build", brief_id, "-a", audience, "-f", "html", "-o", str(example_output)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "the example builds with no warnings or errors"
    html = (example_output / f"{brief_id}--{audience}.html").read_text(encoding="utf-8")
    assert section_titles(html), "the edition has sections"
    assert "[@" not in html
    assert "citation-unknown" not in html
    assert not re.search(r"^:::", html, flags=re.M), "no fenced-div fence leaks into the page"
    assert 'class="citation"' in html, "the edition cites its sources"
    if 'class="references style-numeric"' in html:
        numbers = main_text_numbers(html)
        assert first_appearances(numbers) == list(range(1, len(set(numbers)) + 1)), "numbers appear in reading order"


def test_the_two_briefs_share_sections() -> None:
    diagnostics = Diagnostics()
    briefs = [load_brief(REPO_ROOT / "briefs" / f"{brief_id}.yaml", diagnostics) for brief_id in EXAMPLE_BRIEFS[:2]]
    assert diagnostics.errors == []
    first, second = ({ref.id for ref in brief.sections} for brief in briefs if brief is not None)
    assert len(first & second) >= 3, sorted(first & second)


def test_the_whole_example_builds_cleanly(tmp_path: Path) -> None:
    """Every brief for every audience it is for, the project's own audience profiles included."""
    result = run_cli(["build", *EXAMPLE_BRIEFS, "-f", "html", "-o", str(tmp_path)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    built = {path.stem.split("--")[0] for path in tmp_path.glob("*.html") if path.name not in OUTPUT_INDEX}
    assert built == set(EXAMPLE_BRIEFS)
