"""The example's Spanish sections (``<id>.es.md``) say what their English twins say to the
same readers: every number of the Spanish text appears in the English text that the
Spanish edition's audience would read (after thousands separators are removed), and
both cite the same keys. Spanish numbers follow Spanish conventions ("1001", "10 000"),
never the English "1,001"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics
from briefgen.load.sections import load_section
from briefgen.markdown.audience_blocks import keep_audience_blocks
from briefgen.markdown.parser import parse_markdown
from briefgen.markdown.tokens import walk_tokens
from conftest import REPO_ROOT

SECTIONS = REPO_ROOT / "briefs" / "sections"
SPANISH_AUDIENCE = "community-groups-es"
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def spanish_readers() -> tuple[str, ...]:
    """The Spanish profile's lineage: itself and the community-groups profile it extends."""
    from briefgen.load.audiences import load_audiences

    diagnostics = Diagnostics()
    audiences = load_audiences(REPO_ROOT / "briefs" / "audiences", diagnostics)
    assert not diagnostics.errors, diagnostics.items
    return audiences[SPANISH_AUDIENCE].reader_ids


def twin_pairs() -> list[Path]:
    return sorted(SECTIONS.glob("*.es.md"))


def read_for_spanish_readers(path: Path, language: str) -> tuple[str, set[str]]:
    """The visible text and the citation keys of ``path`` as the Spanish edition's audience reads it."""
    diagnostics = Diagnostics()
    section = load_section(path, diagnostics)
    assert section is not None and not diagnostics.errors, diagnostics.items
    parsed = parse_markdown(section.body, diagnostics, language=language)
    tokens = keep_audience_blocks(parsed.tokens, spanish_readers())
    words: list[str] = []
    keys: set[str] = set()
    for token in walk_tokens(tokens):
        if token.type == "text":
            words.append(token.content)
        elif token.type == "citation" and token.meta and "citation" in token.meta:
            keys |= {item.key for item in token.meta["citation"].items}
    return " ".join(words), keys


def numbers_in(text: str) -> set[str]:
    return {match.group() for match in _NUMBER.finditer(_THOUSANDS.sub("", text))}


def test_there_are_twins_to_compare() -> None:
    assert len(twin_pairs()) >= 8


@pytest.mark.parametrize("spanish", twin_pairs(), ids=lambda path: path.name)
def test_spanish_numbers_appear_in_the_english_twin(spanish: Path) -> None:
    english = spanish.with_name(spanish.name.replace(".es.md", ".md"))
    spanish_text, _ = read_for_spanish_readers(spanish, "es")
    english_text, _ = read_for_spanish_readers(english, "en")
    missing = numbers_in(spanish_text) - numbers_in(english_text)
    assert not missing, f"{spanish.name} states {sorted(missing)}, which {english.name} does not"


@pytest.mark.parametrize("spanish", twin_pairs(), ids=lambda path: path.name)
def test_spanish_twin_cites_the_same_keys(spanish: Path) -> None:
    english = spanish.with_name(spanish.name.replace(".es.md", ".md"))
    _, spanish_keys = read_for_spanish_readers(spanish, "es")
    _, english_keys = read_for_spanish_readers(english, "en")
    assert spanish_keys, f"{spanish.name} cites nothing"
    assert spanish_keys == english_keys


@pytest.mark.parametrize("spanish", twin_pairs(), ids=lambda path: path.name)
def test_spanish_numbers_use_spanish_separators(spanish: Path) -> None:
    text, _ = read_for_spanish_readers(spanish, "es")
    assert not re.search(r"\d,\d{3}(?!\d)", text), f"{spanish.name} writes a thousands comma (use 1001 or 10 000)"


def test_numbers_are_compared_without_thousands_separators() -> None:
    assert numbers_in("1,001 and $10\u00a0000 and 10 000 and 2025") == {"1001", "10000", "2025"}


FIELDS = ("intro", "summary", "key_takeaways", "call_to_action", "disclaimer")


def _field_text(overrides, name: str) -> str:  # type: ignore[no-untyped-def]
    value = getattr(overrides, name)
    if value is None:
        return ""
    return " ".join(item.text for item in value) if isinstance(value, tuple) else value.text


@pytest.mark.parametrize("field", FIELDS)
def test_spanish_manifest_text_states_the_english_numbers(field: str) -> None:
    """The Spanish edition's own intro, summary … in each manifest against the English community edition's."""
    from briefgen.load.project import load_project

    diagnostics = Diagnostics()
    project = load_project(REPO_ROOT, diagnostics)
    for brief in project.briefs.values():
        spanish, english = brief.editions.get(SPANISH_AUDIENCE), brief.editions.get("community-groups")
        if spanish is None or english is None:
            continue
        spanish_text, english_text = _field_text(spanish, field), _field_text(english, field)
        if field == "disclaimer":  # the English disclaimer is the brief's own
            english_text = brief.disclaimer.text if brief.disclaimer else ""
        assert not re.search(r"\d,\d{3}(?!\d)", spanish_text), f"{brief.id}: {field} writes a thousands comma"
        missing = numbers_in(spanish_text) - numbers_in(english_text)
        assert not missing, f"{brief.id}: the Spanish {field} states {sorted(missing)}, the English one does not"
