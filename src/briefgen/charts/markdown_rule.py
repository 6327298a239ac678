"""The ```` ```{.chart #fig-id} ```` fence → a numbered figure in the token stream.

A core rule, run after the block parser (and the audience wall) and before inline parsing, so
that the caption is parsed as Markdown with the text (its citations are cited like any other).
Each chart fence becomes::

    figure_open (id, class "chart" (and "side" for {.chart .side}); meta float_kind "fig", float_id)
      html_block  (meta "chart": the ChartSpec; drawn when the page is rendered)
      figcaption_open, inline (the caption), figcaption_close
    figure_close
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes

from briefgen.charts.spec import ChartSpec, read_chart_spec
from briefgen.markdown.context import Env, parse_context, render_context

CHART_CLASS = "chart"
CHART_META = "chart"
SIDE_CLASS = "side"
"""``{.chart .side #fig-x}``: on paper the caption sits beside a narrow chart, not under it."""
_ID = re.compile(r"^fig-[A-Za-z0-9_-]+$")


def chart_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("briefgen_audience_blocks", "briefgen_charts", _charts)
    md.add_render_rule("html_block", _render_html_block)


def _render_html_block(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A chart, drawn by the render context (its alt text where nothing draws charts); any
    other HTML block as markdown-it renders it."""
    token = tokens[idx]
    spec = chart_of(token)
    if spec is None:
        return token.content
    draw = render_context(env).render_chart
    return draw(spec) if draw is not None else f'<p class="chart-alt">{escape_html(spec.alt)}</p>\n'


def chart_of(token: Token) -> ChartSpec | None:
    """The chart a token draws (the ``html_block`` inside a chart figure), or None."""
    chart = token.meta.get(CHART_META) if token.type == "html_block" and token.meta else None
    return chart if isinstance(chart, ChartSpec) else None


def _is_chart_fence(token: Token) -> tuple[bool, dict[str, str]]:
    info = token.info.strip()
    if token.type != "fence" or not info.startswith("{"):
        return False, {}
    try:
        _end, attributes = parse_attributes(info)
    except ParseError:
        return False, {}
    classes = str(attributes.get("class", "")).split()
    return CHART_CLASS in classes, {key: str(value) for key, value in attributes.items()}


def _charts(state: StateCore) -> None:
    context = parse_context(state.env)
    tokens: list[Token] = []
    for token in state.tokens:
        is_chart, attributes = _is_chart_fence(token)
        if not is_chart:
            tokens.append(token)
            continue
        fence_line = token.map[0] if token.map else 0
        chart_id = attributes.get("id", "")
        if not _ID.match(chart_id):
            context.problems.append((fence_line, f"a chart needs an id starting with 'fig-' (found '{chart_id or 'none'}')",
                                     "write the fence as ```{.chart #fig-name} (letters, digits, - and _)"))
            continue
        spec, problems = read_chart_spec(token.content, chart_id, fence_line + 1, fence_line)
        context.problems.extend(problems)
        if spec is not None:
            tokens.extend(_figure_tokens(spec, token, is_beside_text=SIDE_CLASS in attributes.get("class", "").split()))
    state.tokens = tokens


def _figure_tokens(spec: ChartSpec, fence: Token, is_beside_text: bool) -> list[Token]:
    level, where = fence.level, list(fence.map) if fence.map else None
    classes = f"{CHART_CLASS} {SIDE_CLASS}" if is_beside_text else CHART_CLASS
    opening = Token("figure_open", "figure", 1, attrs={"id": spec.id, "class": classes}, map=where, level=level,
                    block=True, meta={"float_kind": "fig", "float_id": spec.id})
    chart = Token("html_block", "", 0, map=where, level=level + 1, block=True, meta={CHART_META: spec})
    caption_open = Token("figcaption_open", "figcaption", 1, level=level + 1, block=True, meta={"float_id": spec.id})
    caption = Token("inline", "", 0, content=spec.caption, map=[spec.caption_line, spec.caption_line + 1],
                    level=level + 2, children=[])
    caption_close = Token("figcaption_close", "figcaption", -1, level=level + 1, block=True)
    closing = Token("figure_close", "figure", -1, level=level, block=True)
    return [opening, chart, caption_open, caption, caption_close, closing]
