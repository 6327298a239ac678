"""The sections × audiences matrix of a brief: which sections each audience's edition holds,
and its word count, as text, CSV or HTML."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from briefgen.errors import Diagnostics
from briefgen.measure.readability import measure_edition
from briefgen.model import Audience, Brief, Place, Project
from briefgen.reports.editions import assemble_editions
from briefgen.reports.places import describe_places


@dataclass(frozen=True, slots=True)
class MatrixRow:
    section_id: str
    title: str
    included: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    brief: Brief
    audiences: tuple[Audience, ...]
    rows: tuple[MatrixRow, ...]
    words: tuple[int, ...]
    root: Path = Path()
    """The project folder (a brief with places: names its table relative to it)."""
    note: str = ""
    """Which row of the brief's places the sections and words are for ("" without places)."""


def build_matrix(project: Project, brief: Brief, audiences: list[Audience], diagnostics: Diagnostics,
                 place: Place | None = None, note: str = "") -> Matrix:
    """``place``: the row of the brief's places whose editions are shown (``note`` says which)."""
    editions = assemble_editions(project, brief, audiences, diagnostics, place)
    order: dict[str, str] = {}
    for edition in editions:
        for section in edition.sections:
            order.setdefault(section.section.id, section.section.title)
    rows = tuple(
        MatrixRow(section_id, title, tuple(any(s.section.id == section_id for s in e.sections) for e in editions))
        for section_id, title in order.items()
    )
    return Matrix(brief, tuple(audiences), rows, tuple(measure_edition(e).words for e in editions), project.root, note)


def matrix_text(matrix: Matrix) -> str:
    width = max([len(row.section_id) for row in matrix.rows] + [len("words")])
    columns = [audience.id for audience in matrix.audiences]
    lines = [f"{matrix.brief.id}: {matrix.brief.title}", *describe_places(matrix.brief, matrix.root),
             *([f"sections and words {matrix.note}"] if matrix.note else []), " " * width + "  " + "  ".join(columns)]
    for row in matrix.rows:
        cells = ["✓".center(len(c)) if inc else "·".center(len(c)) for c, inc in zip(columns, row.included, strict=True)]
        lines.append(f"{row.section_id:<{width}}  " + "  ".join(cells))
    lines.append(f"{'words':<{width}}  " + "  ".join(f"{w:,}".center(len(c)) for c, w in zip(columns, matrix.words, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def matrix_csv(matrix: Matrix) -> str:
    out = io.StringIO()
    # RFC 4180 line ends: the writer then quotes any cell holding a line break, so no title can start a row
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "title", *(_inert_cell(a.id) for a in matrix.audiences)])
    for row in matrix.rows:
        writer.writerow([_inert_cell(row.section_id), _inert_cell(row.title), *("yes" if inc else "no" for inc in row.included)])
    writer.writerow(["words", "", *matrix.words])
    return out.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote (OWASP's advice
    against CSV injection), so ``=HYPERLINK(...)`` in a section title is shown, not run."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def matrix_html(matrix: Matrix) -> str:
    head = "".join(f"<th scope=\"col\">{escape(a.label)}<br><code>{escape(a.id)}</code></th>" for a in matrix.audiences)
    body = []
    for row in matrix.rows:
        cells = "".join("<td>✓</td>" if inc else "<td class=\"no\">—</td>" for inc in row.included)
        row_head = Markup("<tr><th scope=\"row\">{} <code>{}</code></th>").format(row.title, row.section_id)
        body.append(row_head + Markup(cells) + Markup("</tr>"))
    words = "".join(f"<td>{w:,}</td>" for w in matrix.words)
    return str(Markup(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — sections by audience</title>"
        "<style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:.3em .6em}}"
        "td{{text-align:center}}td.no{{color:#767676}}</style></head><body><h1>{}</h1>"
    ).format(matrix.brief.title, matrix.brief.title)
        + (Markup("<p>Sections and words {}</p>").format(matrix.note) if matrix.note else Markup(""))
        + Markup("<table><thead><tr><th>Section</th>") + Markup(head) + Markup("</tr></thead><tbody>") + Markup("").join(body)
        + Markup("<tr><th scope=\"row\">Words</th>" + words + "</tr></tbody></table></body></html>\n"))
