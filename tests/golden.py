"""Golden files: what briefgen wrote for a fixture project, committed beside the project.

Each fixture project keeps its goldens in ``tests/fixtures/<project>/expected/``. A test hands
the text it got to :func:`assert_matches_golden`; on a difference it fails with a unified diff.
``pytest --update-golden`` writes the text instead (creating the file if needed): review the
diff with ``git diff tests/fixtures`` before committing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent

_is_updating = False
"""Set by conftest.py from ``--update-golden`` when the run starts."""

MAX_DIFF_CHARS = 6000


def set_updating(is_updating: bool) -> None:
    global _is_updating
    _is_updating = is_updating


def is_updating() -> bool:
    return _is_updating


def assert_matches_golden(actual: str, path: Path) -> None:
    """``actual`` equals the text of the golden file ``path``; under ``--update-golden``, write it there."""
    shown = path.relative_to(TESTS_DIR) if path.is_relative_to(TESTS_DIR) else path
    if _is_updating:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes().decode("utf-8") != actual:
            path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.is_file():
        pytest.fail(f"missing golden file {shown}: run pytest --update-golden, then read it before committing")
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"golden {shown}", "actual", n=2))
        if len(diff) > MAX_DIFF_CHARS:
            diff = diff[:MAX_DIFF_CHARS] + f"\n… ({len(diff) - MAX_DIFF_CHARS} more characters of diff)"
        pytest.fail(f"{shown} differs from what was built (pytest --update-golden rewrites it; review the diff):\n{diff}",
                    pytrace=False)
