"""How floats and cross-references print: "Figure 1: " before a caption, "Figure 1" (or just
"1" for ``[-@fig-x]``) as a link to the float, a data table as an HTML table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.figures.data_tables import render_data_table
from briefgen.figures.model import DataTableSpec, FigureRendering, FloatNumbers
from briefgen.i18n import messages_for
from briefgen.markdown.context import Env, render_context
from briefgen.model import Place


def add_figure_renderers(md: MarkdownIt) -> None:
    md.add_render_rule("figcaption_open", _render_figcaption)
    md.add_render_rule("crossref", _render_crossref)
    md.add_render_rule("data_table", _render_data_table)


def _render_figcaption(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: Env) -> str:
    figures = render_context(env).figures
    number = figures.numbers.floats.get(str(tokens[idx].meta.get("float_id"))) if figures else None
    if figures is None or number is None:
        return "<figcaption>"
    label = f"{figures.numbers.labels.get(number.kind, '')}\u00a0{number.number}"
    return f'<figcaption><span class="float-label">{escape_html(label)}:</span> '


def crossref_text(identifier: str, numbers: FloatNumbers, is_number_only: bool) -> tuple[str, str] | None:
    """The text and the anchor a cross-reference prints, or None when the edition has no such id."""
    kind: str
    if identifier in numbers.floats:
        number = numbers.floats[identifier]
        kind, value, anchor = number.kind, number.number, identifier
    elif identifier in numbers.sections:
        target = numbers.sections[identifier]
        kind, value, anchor = "sec", target.number, target.anchor
    else:
        return None
    text = str(value) if is_number_only else f"{numbers.labels.get(kind, '')}\u00a0{value}"
    return text, anchor


def _render_crossref(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    meta = tokens[idx].meta
    figures = render_context(env).figures
    links = []
    for identifier in meta["ids"]:
        found = crossref_text(identifier, figures.numbers, bool(meta["is_number_only"])) if figures else None
        if found is None:
            links.append(f'<span class="crossref-missing">?{escape_html(identifier)}</span>')
        else:
            text, anchor = found
            links.append(f'<a class="crossref" href="#{escape_html(anchor)}">{escape_html(text)}</a>')
    prefix, suffix = str(meta.get("prefix") or ""), str(meta.get("suffix") or "")
    return escape_html(prefix + (" " if prefix else "")) + ", ".join(links) + escape_html(suffix)


def _render_data_table(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: Env) -> str:
    figures = render_context(env).figures
    if figures is None or figures.render_table is None:
        return ""
    return figures.render_table(tokens[idx].meta["spec"])


def figure_rendering(numbers: FloatNumbers, root: Path, where: SourceLocation, language: str,
                     diagnostics: Diagnostics, place: Place | None = None) -> FigureRendering:
    """What one text of an edition (written in the file ``where``) renders its floats with
    (``place``: the edition's row of its brief's ``places:``, for a table's ``highlight:`` or ``filter:``)."""
    messages = messages_for(language)

    def render_table(spec: DataTableSpec) -> str:
        return render_data_table(spec, root, where, messages, diagnostics, place)

    return FigureRendering(numbers, render_table)


def list_of_figures(numbers: FloatNumbers) -> list[dict[str, str]]:
    """The entries of a list of figures and tables: figures first, then tables, each in number order."""
    ordered = sorted(numbers.floats.values(), key=lambda number: (number.kind != "fig", number.number))
    return [{"id": number.id, "label": f"{numbers.labels.get(number.kind, '')}\u00a0{number.number}",
             "caption": number.caption.strip()} for number in ordered]
