"""Every rule ``briefgen check`` reports, with its id, severity and what it means.

A finding's rule id is ``family/name``. Problems that ``briefgen build`` reports too and
that no specific rule covers (YAML, front matter, Markdown, images …) carry the id ``build``.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.errors import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str


BUILD = "build"

RULES: tuple[Rule, ...] = (
    Rule("citations/unknown-key", Severity.ERROR, "a citation or nocite key that is not in references.bib"),
    Rule("citations/duplicate-key", Severity.WARNING,
         "two entries of references.bib with the same key (the first is used; citing a key whose entries differ is "
         "a citations/broken-entry error)"),
    Rule("citations/broken-entry", Severity.ERROR,
         "a cited entry that cannot print correctly: a key used by two different entries, an undefined or circular "
         "@string macro, a missing or circular crossref, an impossible date (a warning in check when not cited)"),
    Rule("citations/bib-syntax", Severity.ERROR, "an entry of references.bib that cannot be read"),
    Rule("citations/unused-entry", Severity.INFO, "an entry of references.bib that no brief cites (whole-project checks only)"),
    Rule("citations/incomplete-entry", Severity.WARNING, "a cited entry with no title, or no author or institution"),
    Rule("citations/missing-urldate", Severity.WARNING, "a cited online page (@online, or @misc with a url) with no urldate"),
    Rule("citations/corporate-name", Severity.WARNING,
         "a cited entry whose author looks like an organisation but is read as a person ('Organization, W. H.')"),
    Rule("citations/stale-source", Severity.WARNING,
         "a cited source whose urldate is older than the brief's 'checked' date by more than --recheck-after days"),
    Rule("evidence/uncited-claim", Severity.WARNING,
         "a paragraph, list item or table row that states a number, percentage, money amount or year with no citation"),
    Rule("evidence/absolute-claim", Severity.INFO,
         "a sentence with an absolute quantifier (no one, never, all, ningún, nunca …) that cites no source; "
         "a warning for audiences whose profile sets 'absolute_claims: warning'"),
    Rule("evidence/edition-conflict", Severity.INFO,
         "parallel audience blocks of a section that differ in a number or a negation: a prompt to compare them"),
    Rule("audience/reading-grade", Severity.WARNING,
         "an edition whose Flesch–Kincaid grade is above its audience's reading_grade; names the hardest sections"),
    Rule("audience/max-pages", Severity.WARNING, "an edition longer than its audience's max_pages (with --pages only)"),
    Rule("structure/orphan-section", Severity.WARNING, "a section file that no brief lists (whole-project checks only)"),
    Rule("structure/unknown-section", Severity.ERROR, "a section id in a brief that has no section file"),
    Rule("structure/broken-link", Severity.ERROR,
         "a further-question brief or a '#anchor' link that does not resolve in the edition"),
    Rule("structure/image-alt", Severity.WARNING, "an image without alt text"),
    Rule("structure/heading-level", Severity.WARNING, "a heading that skips a level, or a top-level '#' inside a section"),
    Rule("structure/unknown-audience", Severity.ERROR,
         "an audience id (in a brief, a section or an audience block) with no profile"),
    Rule(BUILD, Severity.ERROR, "any other problem briefgen build reports (YAML, front matter, Markdown, images …)"),
)

def rules_matching(pattern: str) -> list[Rule]:
    """The rules an ``--ignore`` value names: an exact id, or a family such as ``evidence``."""
    return [rule for rule in RULES if rule.id == pattern or rule.id.startswith(pattern.rstrip("/") + "/")]
