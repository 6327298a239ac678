"""The test tiers themselves (docs/development.md): markers follow from what a test uses, and a run
without the ``pdf`` (or ``browser``) tests refuses WeasyPrint (or Playwright) to every test, in the
test process and in every ``python`` it starts, naming the marker the test lacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TESTS_DIR

GUARD_DIR = TESTS_DIR / "tier_guard"
FAST_TIER = "not pdf and not browser and not slow"


def unguarded_environment() -> dict[str, str]:
    """This process's environment without the guard that a fast-tier run of this file installs."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith("BRIEFGEN_TEST_TIER_") and name != "PYTHONPATH"}


def guarded_python(code: str, record: Path) -> subprocess.CompletedProcess[str]:
    env = {**unguarded_environment(), "PYTHONPATH": os.pathsep.join([str(GUARD_DIR), str(REPO_ROOT / "src")]),
           "BRIEFGEN_TEST_TIER_BLOCKED": "weasyprint:pdf,playwright:browser",
           "BRIEFGEN_TEST_TIER_RECORD": str(record)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("module", "marker"), [
    pytest.param("weasyprint", "pdf", id="weasyprint"),
    pytest.param("weasyprint.text.fonts", "pdf", id="a-weasyprint-submodule"),
    pytest.param("playwright.sync_api", "browser", id="playwright"),
])
def test_a_guarded_python_refuses_the_library_and_records_it(tmp_path: Path, module: str, marker: str) -> None:
    record = tmp_path / "record.log"
    done = guarded_python(f"import {module}", record)
    assert done.returncode == 1, done.stderr
    assert f"mark the test that needs it @pytest.mark.{marker}" in done.stderr
    assert record.read_text(encoding="utf-8").split("\t")[:2] == [module.partition(".")[0], marker]


def test_a_guarded_python_still_finds_weasyprint_without_loading_it(tmp_path: Path) -> None:
    """briefgen stamps its cache key with where WeasyPrint is installed (find_spec, no import)."""
    record = tmp_path / "record.log"
    code = ("import importlib.util, sys\nspec = importlib.util.find_spec('weasyprint')\n"
            "print(spec.origin)\nprint('weasyprint' in sys.modules)\nimport briefgen.cli, yaml, markdown_it")
    done = guarded_python(code, record)
    assert done.returncode == 0, done.stderr
    origin, loaded = done.stdout.split()
    assert origin.endswith("weasyprint/__init__.py") and loaded == "False"
    assert not record.exists(), "finding a library is not importing it"


INNER_TESTS = '''
import pytest
from hypothesis import given, strategies as st


def test_imports_weasyprint_unmarked():
    import weasyprint  # noqa: F401


def test_imports_weasyprint_in_a_child_process_unmarked():
    import subprocess, sys
    subprocess.run([sys.executable, "-c", "import weasyprint"], check=False)


@pytest.mark.pdf
def test_imports_weasyprint_marked():
    import weasyprint  # noqa: F401


def test_uses_the_browser(chromium):
    pass


@given(st.integers())
def test_a_property(number):
    pass


def test_plain():
    pass
'''


def run_inner_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on ``folder/test_inner.py`` with this suite's conftest.py loaded as a plugin."""
    (folder / "test_inner.py").write_text(INNER_TESTS, encoding="utf-8")
    env = {**unguarded_environment(), "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), str(REPO_ROOT / "src")])}
    for variable in ("CI", "BUILD_NUMBER"):  # in CI pytest prints each failure's message in full twice
        env.pop(variable, None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q",
                           "--rootdir", str(folder), "-W", "ignore::pytest.PytestUnknownMarkWarning", *args,
                           str(folder / "test_inner.py")], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.slow
def test_the_fast_tier_fails_an_unmarked_test_that_imports_weasyprint(tmp_path: Path) -> None:
    done = run_inner_pytest(tmp_path, "-m", FAST_TIER)
    assert "2 failed, 1 passed, 3 deselected" in done.stdout, done.stdout + done.stderr
    failed = sorted(line.split()[1] for line in done.stdout.splitlines() if line.startswith("FAILED"))
    assert failed == ["test_inner.py::test_imports_weasyprint_in_a_child_process_unmarked",
                      "test_inner.py::test_imports_weasyprint_unmarked"]
    assert done.stdout.count("this test imported weasyprint (refused in this run): mark it @pytest.mark.pdf") == 2


@pytest.mark.slow
@pytest.mark.parametrize(("expression", "selected"), [
    pytest.param("browser", ["test_uses_the_browser"], id="chromium-fixture-is-browser"),
    pytest.param("slow", ["test_a_property"], id="hypothesis-test-is-slow"),
    pytest.param("pdf", ["test_imports_weasyprint_marked"], id="pdf-by-hand"),
])
def test_markers_follow_from_what_a_test_uses(tmp_path: Path, expression: str, selected: list[str]) -> None:
    done = run_inner_pytest(tmp_path, "--collect-only", "-m", expression)
    assert done.returncode == 0, done.stdout + done.stderr
    collected = [line.split("::")[1] for line in done.stdout.splitlines() if "::" in line]
    assert collected == selected
