"""A chart in the page: the SVG inline (vector, in the page's own fonts) and, for the HTML
edition, the data behind it as a real table in a ``<details>`` (print hides it).

Inline, not ``<img src="data:…">``: an SVG inside ``<img>`` cannot use the fonts the page
embeds. The SVG carries ``role="img"`` and ``aria-label`` (read by browsers and axe) and a
``<title>`` (which WeasyPrint writes as the /Alt of the PDF's Figure element).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from briefgen.charts.data import read_chart_data, rows_for_place
from briefgen.charts.markdown_rule import chart_of
from briefgen.charts.spec import ChartSpec
from briefgen.charts.vega import chart_renderer
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.figures.numbers import format_number
from briefgen.figures.place_rows import check_match, place_value
from briefgen.i18n import messages_for
from briefgen.load.project import BRIEFS_DIR
from briefgen.model import Edition, Place
from briefgen.render.svg import svg_problem


def chart_drawer(root: Path, theme: str, language: str, cache: Path | None, diagnostics: Diagnostics,
                 place: Place | None = None) -> Callable[[ChartSpec, SourceLocation], str]:
    """A function drawing a chart of a text at ``location`` (its first line) as HTML; drawings
    are kept in ``cache`` (a folder of the build cache). ``place``: the edition's row of its
    brief's ``places:`` (what ``highlight:`` and ``filter:`` pick)."""
    messages = messages_for(language)
    summary = messages["chart_data"]

    def cell(value: str, channel_type: str, is_place: bool = False) -> str:
        """A value of the data table; numbers written as the edition's language writes them (in bold
        in the row of the edition's place)."""
        if channel_type == "quantitative":
            try:
                value = format_number(value, messages)
            except ValueError:  # the chart reads it as it is; so does the table
                pass
        return f"<td><strong>{escape(value)}</strong></td>" if is_place else f"<td>{escape(value)}</td>"

    def draw(spec: ChartSpec, location: SourceLocation) -> str:
        data = read_chart_data(spec, root / BRIEFS_DIR, root, location, diagnostics)
        if data is None:
            return ""
        value = None
        if spec.place_column is not None:
            key = "filter" if spec.is_filter else "highlight"
            at = location.at_line(location.line + spec.place_line) if location.line else location
            value = place_value(key, spec.place_column, place, at, root, diagnostics)
            if value is None or place is None or not check_match(key, spec.place_column, spec.data, value, data.keys,
                                                                   place, at, root, diagnostics):
                return ""
        drawn = rows_for_place(spec, data, value, diagnostics)
        if drawn is None:
            return ""
        data = drawn
        svg = chart_renderer(cache).svg(spec, data, theme, language, value)
        problem = svg_problem(svg.encode("utf-8"))
        if problem:  # cannot happen with what vl-convert draws; never shown if it did
            diagnostics.error(location.at_line(location.line + spec.data_line), f"the chart '{spec.id}' {problem}",
                              "please report this with the chart's spec")
            return ""
        headings = "".join(f'<th scope="col">{escape(channel.title or channel.field)}</th>' for channel in spec.channels)
        marked = [value is not None and not spec.is_filter and key == value for key in data.keys] or [False] * len(data.texts)
        rows = "".join(("<tr class=\"place-row\">" if is_place else "<tr>")
                       + "".join(cell(text, channel.type, is_place) for text, channel in zip(row, spec.channels, strict=False))
                       + "</tr>\n" for row, is_place in zip(data.texts, marked, strict=True))
        return (f'<div class="chart-image">{svg}</div>\n'
                f'<details class="chart-data"><summary>{escape(summary)}</summary>\n'
                f"<table>\n<thead><tr>{headings}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>\n")

    return draw



def check_chart_alt_text(edition: Edition, diagnostics: Diagnostics, *, is_required: bool) -> None:
    """Every chart needs ``alt:``, a text alternative: an error when ``is_required`` (PDF/UA), else a
    warning (as for images, :func:`briefgen.render.accessibility.check_alt_text`)."""
    report = diagnostics.error if is_required else diagnostics.warning
    for text in edition.texts():
        for token in text.tokens:
            spec = chart_of(token)
            if spec is None or spec.alt:
                continue
            location = text.source.location
            report(location.at_line(location.line + spec.alt_line) if location.line else location,
                   f"chart '{spec.id}' has no alt text" + (" (required in a pdf/ua-1 PDF)" if is_required else ""),
                   "add alt: one or two sentences saying what the chart shows (its trend and key values)",
                   rule="structure/image-alt")
