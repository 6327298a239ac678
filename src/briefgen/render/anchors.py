"""Where an edition's links lead, and whose ids its page uses.

Checked on the rendered page by ``build``, ``check`` and ``watch`` alike, so they agree:

- an internal link (``[the costs](#costs)``) lands on an id of this edition's page;
- a further question's ``brief:`` names a brief that exists and has an edition for the
  audience (its link leads to that edition);
- an id the author writes (``::: {#id}``) never takes over an id briefgen gives a part of
  the page. Refused, with an error at the div's line: briefgen's fixed ids
  (:data:`BRIEFGEN_IDS`), ids that start like the ones it numbers (:data:`BRIEFGEN_ID_PREFIXES`:
  sources ``ref-…``, footnotes ``fn-…``/``fnref-…``, notes ``note-…``, PDF footnote calls
  ``call-…``), ids ending in ``-heading``, ids holding ``--`` (heading ids), section ids, and
  any id used twice in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.project import BRIEFS_DIR
from briefgen.load.yaml_fields import did_you_mean
from briefgen.markdown.tokens import inline_tokens_with_lines
from briefgen.model import Edition, EditionText, Project

BROKEN_LINK = "structure/broken-link"
BRIEFGEN_IDS = frozenset({"main", "intro", "summary", "key-takeaways", "contents", "toc", "call-to-action",
                          "further-questions", "notes", "sources"})
BRIEFGEN_ID_PREFIXES = ("ref-", "fn-", "fnref-", "note-", "call-")
_HTML_ID = re.compile(r"""\sid=["']([^"']+)["']""")


@dataclass(frozen=True, slots=True)
class LinkProblem:
    """A link that leads nowhere. ``message`` may hold ``{where}``: the editions it leads nowhere in."""

    location: SourceLocation
    message: str
    hint: str


def check_page(edition: Edition, project: Project, page: str, diagnostics: Diagnostics) -> None:
    """Report, for one edition, its links that lead nowhere and ids the author took from briefgen."""
    for problem in link_problems(edition, project, page):
        diagnostics.error(problem.location, problem.message.replace("{where}", f"edition {edition.name}"), problem.hint,
                          rule=BROKEN_LINK)
    check_author_ids(edition, project, page, diagnostics)


def link_problems(edition: Edition, project: Project, page: str) -> list[LinkProblem]:
    return [*further_question_problems(edition, project), *anchor_link_problems(edition, page)]


def further_question_problems(edition: Edition, project: Project) -> Iterator[LinkProblem]:
    for question in edition.further_questions:
        if question.brief is None:
            continue
        target = project.briefs.get(question.brief)
        if target is None:
            if (project.root / BRIEFS_DIR / f"{question.brief}.yaml").is_file():
                continue  # the manifest exists but has errors of its own
            known = [b for b in project.briefs if b != edition.brief.id]
            yield LinkProblem(question.location, f"further question links to brief '{question.brief}', which does not "
                              "exist", did_you_mean(question.brief, known) or "fix the brief id or remove 'brief:'")
        elif target.audiences is not None and edition.audience.id not in target.audiences:
            yield LinkProblem(question.location, f"further question links to brief '{question.brief}', which has no "
                              "edition for the audience of {where}",
                              f"add the audience to the audiences of '{question.brief}', or set further_questions for "
                              "it under editions.<audience-id>")


def anchor_link_problems(edition: Edition, page: str) -> Iterator[LinkProblem]:
    """``[see the costs](#resources-and-costs)`` must land on something in this edition's page."""
    ids = set(_HTML_ID.findall(page))
    for text in edition.texts():
        for token, line in inline_tokens(text):
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if not href.startswith("#") or href == "#" or href[1:] in ids:
                continue
            yield LinkProblem(text.source.location.at_line(line), f"link to '{href}' leads nowhere in {{where}}",
                              "link to a section id this audience's edition includes, or to a heading id "
                              "('<section-id>--<heading-words>')")


def check_author_ids(edition: Edition, project: Project, page: str, diagnostics: Diagnostics) -> None:
    counts: dict[str, int] = {}
    for found in _HTML_ID.findall(page):
        counts[found] = counts.get(found, 0) + 1
    for text in edition.texts():
        for token in text.tokens:
            if token.type == "div_open":
                author_id = token.attrGet("id")
            elif token.type == "heading_open" and token.meta:
                author_id = token.meta.get("explicit_id")  # ## Title {#id}
            else:
                author_id = None
            if not author_id:
                continue
            location = text.source.location.at_line(text.source.location.line + (token.map[0] if token.map else 0))
            reason = _taken_by_briefgen(str(author_id), project)
            if reason is None and counts.get(str(author_id), 0) > 1:
                reason = "is used twice in this edition's page"
            if reason is not None:
                what = "heading" if token.type == "heading_open" else "block"
                diagnostics.error(location, f"the id '{author_id}' {reason}",
                                  f"choose another id for this {what}, for example one that starts with "
                                  f"the section id ('sec-…' for a heading)")


def _taken_by_briefgen(author_id: str, project: Project) -> str | None:
    if author_id in BRIEFGEN_IDS:
        return "is one briefgen gives a part of every edition"
    if author_id.startswith(BRIEFGEN_ID_PREFIXES):
        return f"starts like the ids briefgen numbers ({', '.join(p + '…' for p in BRIEFGEN_ID_PREFIXES)})"
    if author_id.endswith("-heading") or "--" in author_id:
        return "has the form of briefgen's heading ids ('…-heading', '<section-id>--<heading-words>')"
    if author_id in project.sections:
        return "is a section id, which briefgen gives that section in the page"
    return None


def inline_tokens(text: EditionText) -> Iterator[tuple[Token, int]]:
    """Every inline token with its file line (1-based): the token's own line when the parser
    recorded one, else the line of its block."""
    return inline_tokens_with_lines(text.tokens, text.source.location.line)
