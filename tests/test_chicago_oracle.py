"""briefgen's Chicago notes and bibliography against pandoc's citeproc with the official Chicago
17th edition CSL style (full notes), on a fixed sample of the real corpus: what citeproc prints
in a first note or a bibliography entry, briefgen prints too, except the deliberate differences
listed here and in docs/citations.md ("Chicago notes and citeproc")."""

from __future__ import annotations

import pytest

from bib_oracle import CORPUS
from chicago_oracle import Comparison, compare

pypandoc = pytest.importorskip("pypandoc")
pytestmark = pytest.mark.slow  # pandoc on a sample of the real corpus

DELIBERATE = {
    "barker13_-51234_20171101": "years before 1 and beyond 9999 are printed as written (-51234), not as 51235 BC",
    "barker4_-876_turkey": "years before 1 are printed as written (-0876), not as 877 BC",
    "barker9_2004_turkey": "an EDTF season (2004-22) prints its year only, not 'Summer 2004'",
    "Bogadottir2012": "an accent command with no letter ({\\d}ur) is dropped, not put on a neighbouring letter",
}
"""Entry key → why briefgen prints less than citeproc there (docs/citations.md says the same)."""
UNREADABLE_BY_PANDOC = {"handkept-973-ai-planning.bib", "mendeley-450-psychology.bib"}


@pytest.fixture(scope="module")
def comparisons() -> dict[str, list[Comparison] | None]:
    pandoc = pypandoc.get_pandoc_path()
    return {path.name: compare(path, pandoc) for path in sorted(CORPUS.glob("*.bib"))}


def test_citeproc_reads_all_but_the_files_it_cannot(comparisons: dict[str, list[Comparison] | None]) -> None:
    assert {name for name, result in comparisons.items() if result is None} == UNREADABLE_BY_PANDOC


def test_every_loss_against_citeproc_is_a_deliberate_choice(comparisons: dict[str, list[Comparison] | None]) -> None:
    compared = [item for result in comparisons.values() if result for item in result]
    losses = {item.key: item for item in compared if item.missing}
    assert len(compared) >= 200
    assert {key: item.missing for key, item in losses.items() if key not in DELIBERATE} == {}
    assert len(losses) <= 0.02 * len(compared), "at most 2 % of entries print less than citeproc"


def test_the_deliberate_differences_still_differ(comparisons: dict[str, list[Comparison] | None]) -> None:
    """A difference that disappeared leaves the table (here and in the docs)."""
    compared = {item.key: item for result in comparisons.values() if result for item in result}
    assert {key for key in DELIBERATE if compared[key].missing} == set(DELIBERATE)


def test_first_notes_match_citeproc_word_for_word_on_plain_entries(
        comparisons: dict[str, list[Comparison] | None]) -> None:
    """Beyond words: on most sampled entries the whole first note reads as citeproc's, up to the
    capitals of title case (briefgen keeps titles as written)."""
    compared = [item for result in comparisons.values() if result for item in result]
    same = [item for item in compared if item.ours.note.rstrip(".").casefold() == item.theirs.note.casefold()]
    assert len(same) >= 0.6 * len(compared), f"{len(same)} of {len(compared)} first notes read as citeproc's"
