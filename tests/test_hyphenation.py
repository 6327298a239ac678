"""The lazy hyphenation dictionary gives exactly pyphen's points, so grades never change."""

from __future__ import annotations

import re

import pyphen
import pytest

from briefgen.measure.syllables import Hyphenator, hyphenator
from conftest import REPO_ROOT

WORDS = sorted({word.lower() for path in (REPO_ROOT / "briefs/sections").glob("*.md")
                for word in re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8"))})


@pytest.mark.slow
@pytest.mark.parametrize("language", [pytest.param(tag, id=tag) for tag in ("en", "es", "fr", "de", "nl")])
def test_points_are_pyphens(language: str) -> None:
    ours = hyphenator(language)
    assert isinstance(ours, Hyphenator)
    theirs = pyphen.Pyphen(lang=language, left=1, right=1)
    extra = ["hyphenation", "reinstate", "county", "cooperation", "lettergrepen", "Schifffahrt", "élève", "a", "ab"]
    for word in [*WORDS, *extra]:
        assert ours.positions(word) == [int(point) for point in theirs.positions(word)], word
