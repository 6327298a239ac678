"""Titles in another language than the edition's are marked with their language (``lang``), taken
from the bibliography entry's biblatex ``langid`` or ``language`` field."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.citations.entries import format_entry
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography
from briefgen.model import Reference

AT = SourceLocation(Path("references.bib"), 1)


@pytest.mark.parametrize(("language", "edition", "marked"), [
    pytest.param("en", "es", True, id="english-title-in-spanish-edition"),
    pytest.param("en-US", "en", False, id="same-language-unmarked"),
    pytest.param("", "es", False, id="unknown-language-unmarked"),
])
def test_a_title_in_another_language_is_marked(language: str, edition: str, marked: bool) -> None:
    reference = Reference("r", AT, "report", title="Immigration Enforcement", language=language)
    html = str(format_entry(reference, messages_for(edition)))
    assert (f'<span lang="{language}">Immigration Enforcement</span>' in html) is marked, html


@pytest.mark.parametrize(("field", "tag"), [
    pytest.param("langid = {english}", "en", id="langid-name"),
    pytest.param("language = {en-US}", "en-US", id="language-tag"),
    pytest.param("langid = {klingon}", "", id="unknown-name-dropped"),
])
def test_langid_and_language_become_a_language_tag(field: str, tag: str) -> None:
    bib = f"@report{{r,\n  title = {{A Title}},\n  institution = {{GAO}},\n  year = {{2021}},\n  {field}\n}}\n"
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib, SourceLocation(Path("references.bib")), diagnostics)
    assert bibliography.references["r"].language == tag
