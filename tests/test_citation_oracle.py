"""briefgen's citation syntax against pandoc's own reading of the same Markdown.

The corpus (``fixtures/citations/corpus.json``, origins in that folder's README) holds
citation usages from pandoc's manual and test suite plus the forms briefgen's users write.
pandoc (from the pypandoc-binary wheel, a test dependency) reads it twice: as JSON for keys,
modes, prefixes and suffixes, and through citeproc with a probe style for the locators.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("pypandoc", reason="pandoc (the pypandoc-binary test dependency) is not installed")

pytestmark = pytest.mark.slow  # pandoc reads the same citations

import citation_oracle as oracle  # noqa: E402
from briefgen.citations.resolve import iter_citations  # noqa: E402
from briefgen.citations.syntax import Citation  # noqa: E402
from briefgen.errors import Diagnostics, SourceLocation  # noqa: E402
from briefgen.markdown.parser import parse_markdown  # noqa: E402
from briefgen.model import MarkdownText  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "fixtures" / "citations" / "corpus.json"


def read_with_briefgen(text: str) -> list[tuple[oracle.ReadItem, ...]]:
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 1)), Diagnostics())
    return [_read_items(citation) for citation in iter_citations(parsed.tokens)]


def _read_items(citation: Citation) -> tuple[oracle.ReadItem, ...]:
    from briefgen.citations.styles import locator_value, prefix_html, suffix_html
    items = []
    for index, item in enumerate(citation.items):
        if item.suppress_author:
            mode = "SuppressAuthor"
        elif citation.is_narrative and index == 0:
            mode = "AuthorInText"
        else:
            mode = "NormalCitation"
        items.append(oracle.ReadItem(
            key=item.key, mode=mode, prefix=oracle.normal_html(prefix_html(item)).strip(),
            suffix=oracle.normal_html(suffix_html(item)).rstrip(),
            locator_type=item.locator_type if item.locator or item.locator_type else None,
            locator=oracle.normal_locator(locator_value(item))))
    return tuple(items)


DELIBERATE = {
    r"\bch\.": "briefgen reads `ch.` (and `chs.`) as chapter; pandoc keeps it in the suffix (or reads `ch.3` as page 'ch.3')",
    r"\bart\.": "briefgen reads `art.` (and `arts.`) as an article locator; pandoc keeps it in the suffix",
    r"\btbl\.": "briefgen reads `tbl.` as a table locator; pandoc keeps it in the suffix",
    r"\$[^$\s][^$]*\$": "TeX math is not typeset: briefgen prints `$x^2$` as written",
    r"\w/@": "an `@` inside a URL or path (medium.com/@user) is not a citation",
}
"""Every remaining difference from pandoc, by a pattern found in the snippet (the README's table)."""


def _deliberate(text: str) -> str | None:
    return next((pattern for pattern in DELIBERATE if re.search(pattern, text, re.IGNORECASE)), None)


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, str]]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pandoc_readings(corpus: list[dict[str, str]]) -> list[list[tuple[oracle.ReadItem, ...]]]:
    return oracle.read_with_pandoc([usage["text"] for usage in corpus])


def _keys_and_kinds(citations: list[tuple[oracle.ReadItem, ...]]) -> list[list[tuple[str, str]]]:
    return [[(item.key, item.mode) for item in citation] for citation in citations]


def _prefixes_and_suffixes(citations: list[tuple[oracle.ReadItem, ...]]) -> list[list[tuple[str, str]]]:
    """citeproc capitalises a prefix that starts a sentence; the case of that first letter does not count."""
    return [[(item.prefix[:1].lower() + item.prefix[1:], item.suffix) for item in citation] for citation in citations]


def _locators(citations: list[tuple[oracle.ReadItem, ...]]) -> list[tuple[str | None, str]]:
    return [(item.locator_type, item.locator) for citation in citations for item in citation]


def test_corpus_is_large_and_sourced(corpus: list[dict[str, str]]) -> None:
    from_pandoc = [usage for usage in corpus if usage["repo"] == "jgm/pandoc"]
    assert len(from_pandoc) >= 200
    assert all(usage["path"] and len(usage["commit"]) == 40 for usage in from_pandoc)


def test_briefgen_reads_the_corpus_as_pandoc_does(corpus: list[dict[str, str]],
                                                   pandoc_readings: list[list[tuple[oracle.ReadItem, ...]]]) -> None:
    total = len(corpus)
    same_keys = same_phrases = 0
    located = same_locators = 0
    unexplained = []
    for usage, theirs in zip(corpus, pandoc_readings, strict=True):
        ours = read_with_briefgen(usage["text"])
        keys_agree = _keys_and_kinds(ours) == _keys_and_kinds(theirs)
        phrases_agree = keys_agree and _prefixes_and_suffixes(ours) == _prefixes_and_suffixes(theirs)
        same_keys += keys_agree
        same_phrases += phrases_agree
        their_locators, our_locators = _locators(theirs), _locators(ours)
        their_items = [item for citation in theirs for item in citation]
        for index, item in enumerate(their_items):
            ours_found = our_locators[index] if len(our_locators) == len(their_locators) else ("missing", "")
            if item.locator_type is not None or item.suffix or ours_found[0] is not None:
                located += 1
                same_locators += ours_found == their_locators[index]
        if not (phrases_agree and our_locators == their_locators) and _deliberate(usage["text"]) is None:
            unexplained.append((usage["text"], theirs, ours))
    assert unexplained == []
    assert same_keys / total >= 0.97, f"keys and kinds agree in {same_keys} of {total}"
    assert same_phrases / total >= 0.97, f"prefixes and suffixes agree in {same_phrases} of {total}"
    assert same_locators / located >= 0.95, f"locators agree for {same_locators} of {located} items"


def test_every_deliberate_difference_still_differs(corpus: list[dict[str, str]],
                                                   pandoc_readings: list[list[tuple[oracle.ReadItem, ...]]]) -> None:
    """The README's table of differences lists only what really differs."""
    differing = set()
    for usage, theirs in zip(corpus, pandoc_readings, strict=True):
        if read_with_briefgen(usage["text"]) != theirs and (marker := _deliberate(usage["text"])):
            differing.add(marker)
    assert differing == set(DELIBERATE)


def test_the_authors_comma_is_kept_where_pandoc_keeps_it(corpus: list[dict[str, str]],
                                                         pandoc_readings: list[list[tuple[oracle.ReadItem, ...]]]) -> None:
    checked = 0
    for usage, theirs in zip(corpus, pandoc_readings, strict=True):
        if _deliberate(usage["text"]):
            continue
        ours = [item for citation in read_with_briefgen(usage["text"]) for item in citation]
        for index, item in enumerate(item for citation in theirs for item in citation):
            if item.suffix.startswith(","):
                checked += 1
                assert ours[index].suffix.startswith(","), (usage["text"], item, ours[index])
    assert checked >= 20


# --- generated groups -------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefgen.citations.locators import BRIEFGEN_LOCATOR_TERMS, LOCATOR_TERMS  # noqa: E402

_CITEPROC_TERMS = sorted(term for term in LOCATOR_TERMS if term not in BRIEFGEN_LOCATOR_TERMS)
_keys = st.one_of(
    st.sampled_from(["gao2021", "Smith_2004", "doe:2019", "peña2019", "müller2010", "пункт3", "a1", "x.y-z", "C22"]),
    st.from_regex(r"[a-zA-Zñüøé][a-z0-9ñü]{0,5}(?:[:.\-/_][a-z0-9]{1,3})?", fullmatch=True))
_prefixes = st.sampled_from(["", "see", "see also", "e.g.,", "*cf.*", "**compare**", "as in", "contra", "see `x`",
                             "[the annex](https://example.org/a) and"])
_values = st.sampled_from(["3", "33-35", "33--35", "12a", "iv", "xii", "1:12", "123(4)", "3(a)(ii)", "4, 7", "4 & 9",
                           "{iv, 3}", "{A-2}", "[17]", "1.2.3", "C22"])
_terms = st.sampled_from(_CITEPROC_TERMS + ["", "Chapter", "PP.", "Pages"])
_tails = st.sampled_from(["", ", and passim", " and *passim*", ", emphasis added", " among others", ", Equation 1",
                          ", table 3", " n. 4", ", note 2", " (quoted)", ", \"a quote\"", ", p. 3",
                          ", see [the annex](https://example.org/a)", ", p. 3\\; more", ", 2nd ed."])
_locators_written = st.one_of(
    st.just(""),
    st.builds(lambda comma, term, value: f"{comma}{term}{' ' if term else ''}{value}",
              st.sampled_from([", ", " ", ","]), _terms, _values))


@st.composite
def _group(draw: st.DrawFn) -> str:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        prefix = draw(_prefixes)
        dash = draw(st.sampled_from(["", "", "-"]))
        items.append(f"{prefix}{' ' if prefix else ''}{dash}@{draw(_keys)}{draw(_locators_written)}{draw(_tails)}")
    if draw(st.booleans()):
        return "Text [" + "; ".join(items) + "]."
    narrative_tail = (draw(_locators_written).lstrip(", ") + draw(_tails)).strip()
    return f"As @{draw(_keys)}" + (f" [{narrative_tail}]" if narrative_tail else "") + " says."


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_group(), min_size=10, max_size=10))
def test_generated_groups_read_as_pandoc_reads_them(groups: list[str]) -> None:
    theirs = oracle.read_with_pandoc(groups)
    for text, expected in zip(groups, theirs, strict=True):
        assert read_with_briefgen(text) == expected, text
