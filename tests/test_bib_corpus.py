"""Real exported libraries (tests/fixtures/bib/real, origins in its README): each loads with no
error and prints in every style with no LaTeX left over."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import ALIASES, STYLES, make_style
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from briefgen.model import Bibliography
from conftest import FIXTURES_DIR

CORPUS = sorted((FIXTURES_DIR / "bib" / "real").glob("*.bib"))

pytestmark = pytest.mark.slow  # thousands of real entries

_LOADED: dict[Path, tuple[Bibliography, Diagnostics]] = {}


def load(path: Path) -> tuple[Bibliography, Diagnostics]:
    if path not in _LOADED:
        diagnostics = Diagnostics()
        _LOADED[path] = (parse_bibliography(path.read_text(encoding="utf-8-sig"), SourceLocation(path), diagnostics),
                         diagnostics)
    return _LOADED[path]


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 8
    readme = (FIXTURES_DIR / "bib" / "real" / "README.md").read_text(encoding="utf-8")
    for path in CORPUS:
        assert f"`{path.name}`" in readme, f"{path.name} has no origin and licence in the README"


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_every_real_library_loads_without_an_error(path: Path) -> None:
    bibliography, diagnostics = load(path)
    assert [d.format() for d in diagnostics.errors] == []
    entries = len(re.findall(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]", path.read_text(encoding="utf-8-sig"),
                             flags=re.MULTILINE | re.IGNORECASE))
    skipped = sum("has no key" in d.message or "repeats the entry" in d.message or "used by two different" in d.message
                  for d in diagnostics.items)
    sets = len(re.findall(r"^\s*@set\s*[{(]", path.read_text(encoding="utf-8-sig"), flags=re.MULTILINE | re.IGNORECASE))
    assert len(bibliography.references) == entries - skipped - sets, "every entry with a key is read"


@pytest.mark.parametrize("style", sorted(name for name in STYLES if name not in ALIASES))
@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_every_entry_prints_without_latex(path: Path, style: str) -> None:
    bibliography, _ = load(path)
    references = tuple(bibliography.references.values())
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    leftovers = []
    for entry in make_style(style, table, messages_for("en")).entries():  # type: ignore[arg-type]
        text = entry.html.striptags()
        if re.search(r"[{}\\]", text):
            leftovers.append(f"{entry.anchor}: {text}")
    assert leftovers == []
