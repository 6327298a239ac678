"""Compare briefgen's Chicago notes and bibliography with pandoc's citeproc and the official
Chicago 17th edition CSL style (full notes: ``chicago-fullnote-bibliography.csl``, whose
bibliography is that of ``chicago-note-bibliography.csl``).

Used by tests/test_chicago_oracle.py and runnable by hand (``python tests/chicago_oracle.py -v``)
to print every entry that loses information. Each sampled key is cited once, alone, in its own
paragraph, so citeproc writes its full first note; the bibliography lists the same keys. An
entry *loses information* when a word or number that citeproc prints in the note or in the
bibliography entry is missing from briefgen's; the style's own wording does not count.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bib_oracle import CORPUS, STYLE_WORDS, is_missing, sample_keys
from bib_oracle import tokens as apa_tokens
from briefgen.citations.chicago import REPEATED_CREATORS, bibliography_entry
from briefgen.citations.chicago_names import leading_creators
from briefgen.citations.resolve import CitationTable
from briefgen.citations.styles import make_style
from briefgen.citations.syntax import Citation, CitationItem
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.i18n import messages_for
from briefgen.load.bibliography import parse_bibliography

FIXTURES = Path(__file__).parent / "fixtures"
CHICAGO_CSL = FIXTURES / "csl" / "chicago-fullnote-bibliography.csl"
CHICAGO_WORDS = STYLE_WORDS | frozenset("diss accessed trans ed eds no vol ibid ad".split())
"""Chicago's own wording: "PhD diss.", "accessed", "trans.", "no.", the "AD" of a year."""


@dataclass(frozen=True, slots=True)
class Rendering:
    note: str
    entry: str


@dataclass(frozen=True, slots=True)
class Comparison:
    key: str
    ours: Rendering
    theirs: Rendering
    missing: tuple[str, ...]


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def read_keys(bib: Path) -> list[str]:
    diagnostics = Diagnostics()
    return list(parse_bibliography(bib.read_text(encoding="utf-8-sig"), SourceLocation(bib), diagnostics).references)


def ours(bib: Path, keys: list[str]) -> dict[str, Rendering]:
    """briefgen's full first note and bibliography entry for ``keys`` of ``bib`` (each entry
    whole: no 3-em dash for the creators of the entry above)."""
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib.read_text(encoding="utf-8-sig"), SourceLocation(bib), diagnostics)
    references = tuple(bibliography.references[key] for key in keys)
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    style = make_style("chicago-notes", table, messages_for("en"))
    for reference in references:
        style.render_citation(Citation((CitationItem(reference.id),), False))
    notes = {ref.id: _plain(str(note)) for ref, note in zip(references, style.notes, strict=True)}
    messages = messages_for("en")
    entries = {ref.id: _plain(str(bibliography_entry(ref, messages))) for ref in references}
    return {key: Rendering(notes[key], entries[key]) for key in notes}


def creators_of(bib: Path, keys: list[str]) -> dict[str, str]:
    """What a 3-em dash in citeproc's list stands for: the creators of the entry above, which
    are this entry's own (the entry above is in the sample and compared in full)."""
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib.read_text(encoding="utf-8-sig"), SourceLocation(bib), diagnostics)
    return {key: leading_creators(bibliography.references[key], messages_for("en")) for key in keys}


def theirs(bib: Path, keys: list[str], pandoc: str) -> dict[str, Rendering] | None:
    """citeproc's full notes and bibliography entries for ``keys``; None when pandoc cannot read the file."""
    document = "\n\n".join(f"Item {number}.[@{{{key}}}]" for number, key in enumerate(keys)) + "\n"
    result = subprocess.run([pandoc, "--citeproc", "--csl", str(CHICAGO_CSL), "--bibliography", str(bib),
                             "-f", "markdown", "-t", "html", "--wrap=none"],
                            input=document, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    entries = {html.unescape(match.group(1)): _plain(match.group(2)) for match in
               re.finditer(r'<div id="ref-(.*?)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.DOTALL)}
    notes = [_plain(re.sub(r'<a href="#fnref\d+"[^>]*>.*?</a>', "", match.group(1), flags=re.DOTALL))
             for match in re.finditer(r'<li id="fn\d+">(.*?)</li>', result.stdout, re.DOTALL)]
    if len(notes) != len(keys):
        return None
    return {key: Rendering(note.rstrip("."), entries.get(key, "")) for key, note in zip(keys, notes, strict=True)}


def tokens(text: str) -> set[str]:
    return {word for word in apa_tokens(text) if word not in CHICAGO_WORDS}


def lost_words(ours_text: str, theirs_text: str) -> set[str]:
    return {word for word in tokens(theirs_text) - tokens(ours_text) if is_missing(word, ours_text)}


def compare(bib: Path, pandoc: str) -> list[Comparison] | None:
    """The sampled entries of ``bib`` side by side; None when pandoc cannot read the file."""
    keys = sample_keys(read_keys(bib))
    mine = ours(bib, keys)
    reference = theirs(bib, keys, pandoc)
    if reference is None:
        return None
    creators = creators_of(bib, keys)
    comparisons = []
    for key in keys:
        their = reference[key]
        if their.entry.startswith(REPEATED_CREATORS):
            their = Rendering(their.note, creators[key] + their.entry[len(REPEATED_CREATORS):])
        missing = lost_words(mine[key].note, their.note) | lost_words(mine[key].entry, their.entry)
        comparisons.append(Comparison(key, mine[key], their, tuple(sorted(missing))))
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
        for item in losses if "-v" in sys.argv else []:
            print(f"  {item.key}: missing {', '.join(item.missing)}")
            print(f"    our note:      {item.ours.note}\n    their note:    {item.theirs.note}")
            print(f"    our entry:     {item.ours.entry}\n    their entry:   {item.theirs.entry}")
    print(f"total: {lost} of {total} ({100 * lost / max(total, 1):.1f} %)")
