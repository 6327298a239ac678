"""Bounded input: a project file over the size limit is a located error (also one that is not a
regular file, such as a FIFO), and fenced divs nest only so deep.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.markdown.fenced_divs import MAX_DIV_DEPTH
from conftest import FIXTURE_BIB, assert_clean_error, brief_yaml, section_md
from hostile_project import BASE, build_html, line_of

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


LIMIT = 4096


def padded(content: str, size: int, comment: str) -> bytes:
    """``content`` followed by a comment line that brings the file to exactly ``size`` bytes."""
    data = content.encode("utf-8")
    filler = size - len(data) - len(comment) - 1
    assert filler >= 0
    return data + comment.encode() + b"x" * filler + b"\n"


SIZE_CASES = [
    pytest.param("briefs/sections/one.md", section_md("One", "Plain text [@gao2021].\n"), "\n", id="section"),
    pytest.param("briefs/b.yaml", brief_yaml(["one"]), "# ", id="manifest"),
    pytest.param("briefs/audiences/press.yaml", "label: Reporters\n", "# ", id="audience-profile"),
    pytest.param("references.bib", FIXTURE_BIB, "% ", id="bibliography"),
]


@pytest.mark.parametrize(("name", "content", "comment"), SIZE_CASES)
def test_file_over_the_size_limit_is_a_located_error(make_project: Callable[..., Path],
                                                     monkeypatch: pytest.MonkeyPatch, name: str, content: str,
                                                     comment: str) -> None:
    monkeypatch.setattr("briefgen.load.text_files.MAX_FILE_BYTES", LIMIT)
    at_limit = make_project({**BASE, name: padded(content, LIMIT, comment)})
    result = build_html(at_limit, "-a", "press")
    assert result.exit_code == 0, f"a file of exactly the limit is fine:\n{result.output}"
    over = make_project({**BASE, name: padded(content, LIMIT + 1, comment)})
    result = build_html(over, "-a", "press")
    assert_clean_error(result, f"{name}: ", "larger than the", "limit")


def test_size_limit_holds_for_a_file_that_is_not_a_regular_file(make_project: Callable[..., Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO (like a symlink to /dev/zero) reports size 0: the limit must hold while reading."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    monkeypatch.setattr("briefgen.load.text_files.MAX_FILE_BYTES", LIMIT)
    project = make_project(BASE)
    pipe = project / "briefs/sections/pipe.md"
    os.mkfifo(pipe)
    payload = padded(section_md("Pipe", "Text.\n"), LIMIT * 4, "\n")
    done = threading.Event()

    def feed() -> None:  # bounded: gives up when the build is over or after 10 s
        deadline = time.monotonic() + 10
        while not done.is_set() and time.monotonic() < deadline:
            try:
                handle = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.01)
                continue
            os.set_blocking(handle, True)
            try:
                os.write(handle, payload)
            except OSError:
                pass
            finally:
                os.close(handle)
            return

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        result = build_html(project, "-a", "press")
    finally:
        done.set()
        writer.join(timeout=10)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert any(line.startswith("briefs/sections/pipe.md") for line in result.stderr.splitlines()), result.stderr


def nested_divs(depth: int) -> str:
    return "".join(f"::: {{.level-{level}}}\n" for level in range(1, depth + 1)) + "Deepest text.\n" + ":::\n" * depth


def test_fenced_divs_nested_to_the_limit_are_fine(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", nested_divs(MAX_DIV_DEPTH))})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "Deepest text." in html and f'class="level-{MAX_DIV_DEPTH}"' in html


def test_fenced_divs_nested_past_the_limit_are_a_located_error(make_project: Callable[..., Path]) -> None:
    text = section_md("One", nested_divs(MAX_DIV_DEPTH + 1))
    project = make_project({**BASE, "briefs/sections/one.md": text})
    result = build_html(project, "-a", "press")
    line = line_of(text, f".level-{MAX_DIV_DEPTH + 1}}}")
    assert_clean_error(result, f"briefs/sections/one.md:{line}:", f"nested more than {MAX_DIV_DEPTH} deep")
