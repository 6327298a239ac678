"""Compare briefgen's APA Sources entries with pandoc's citeproc and the official APA CSL style.

Used by tests/test_bib_oracle.py and runnable by hand (``python tests/bib_oracle.py``) to
print every entry that loses information. An entry *loses information* when a word or number
that citeproc prints is missing from briefgen's entry; words that only name a style's wording
("Retrieved", "In", "ed.") do not count.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import make_style
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "bib" / "real"
APA_CSL = FIXTURES / "csl" / "apa.csl"
SAMPLE_PER_FILE = 40
"""Entries compared per corpus file: every n-th entry, so the sample is fixed."""

STYLE_WORDS = frozenset("""
    a an and in of the on to from for by with at as or retrieved available doi https http org www dx ed eds
    edition vol vols volume pp p no trans translator translated edited editor editors n d nd th st nd rd
    in press advance online publication doctoral dissertation master thesis s et al report technical
    """.split())
"""Words of a style's own wording, and single letters (initials: briefgen prints the given names citeproc
abbreviates), are not information an entry loses."""


@dataclass(frozen=True, slots=True)
class Comparison:
    key: str
    ours: str
    theirs: str
    missing: tuple[str, ...]


def sample_keys(keys: list[str]) -> list[str]:
    step = max(1, len(keys) // SAMPLE_PER_FILE)
    return keys[::step][:SAMPLE_PER_FILE]


def ours(bib: Path) -> dict[str, str]:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib.read_text(encoding="utf-8-sig"), SourceLocation(bib), diagnostics)
    references = tuple(bibliography.references.values())
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    entries = make_style("apa", table, messages_for("en")).entries()
    by_anchor = {ref.id: ref for ref in references}
    from briefgen.citations.styles import entry_anchor

    anchors = {entry_anchor(key): key for key in by_anchor}
    return {anchors[entry.anchor]: " ".join(entry.html.striptags().split()) for entry in entries}


def theirs(bib: Path, keys: list[str], pandoc: str) -> dict[str, str] | None:
    """citeproc's bibliography entries for ``keys``, as plain text, by key; None when pandoc cannot read the file."""
    nocite = ", ".join(f"@{{{key}}}" for key in keys)
    document = f"---\nnocite: |\n  {nocite}\n---\n"
    result = subprocess.run([pandoc, "--citeproc", "--csl", str(APA_CSL), "--bibliography", str(bib), "-f", "markdown",
                             "-t", "html", "--wrap=none"], input=document, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    entries: dict[str, str] = {}
    for match in re.finditer(r'<div id="ref-(.*?)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.DOTALL):
        key = html.unescape(match.group(1))
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        entries[key] = " ".join(text.split())
    return entries


def tokens(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    words = set(re.findall(r"\d+|[^\W\d_]+", text))
    return {word for word in words if word not in STYLE_WORDS and len(word) > 1}


def is_missing(word: str, text: str) -> bool:
    """Not in ``text``, even where citeproc glued words that briefgen keeps apart ("vapourliquidsolid")."""
    folded = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())
    return word not in folded


def compare(bib: Path, pandoc: str) -> list[Comparison] | None:
    """The sampled entries of ``bib`` side by side; None when pandoc cannot read the file."""
    mine = ours(bib)
    keys = sample_keys(list(mine))
    reference = theirs(bib, keys, pandoc)
    if reference is None:
        return None
    comparisons = []
    for key in keys:
        if key not in reference:
            continue
        missing = {word for word in tokens(reference[key]) - tokens(mine[key]) if is_missing(word, mine[key])}
        comparisons.append(Comparison(key, mine[key], reference[key], tuple(sorted(missing))))
    return comparisons


if __name__ == "__main__":
    import sys

    import pypandoc

    pandoc_path = pypandoc.get_pandoc_path()
    total = lost = 0
    for path in sorted(CORPUS.glob("*.bib")):
        results = compare(path, pandoc_path)
        if results is None:
            print(f"{path.name}: pandoc cannot read this file")
            continue
        losses = [c for c in results if c.missing]
        total += len(results)
        lost += len(losses)
        print(f"{path.name}: {len(losses)} of {len(results)} entries lose information")
        if "-v" in sys.argv:
            for item in losses:
                print(f"  {item.key}: missing {', '.join(item.missing)}\n    ours:   {item.ours}\n    theirs: {item.theirs}")
    print(f"total: {lost} of {total} ({100 * lost / max(total, 1):.1f} %)")
