"""Parsing rules that make numbered floats and cross-references (contract C1).

- ``![Caption](chart.svg){#fig-x}`` alone in its paragraph becomes a figure whose caption is
  the image's description (``fig-alt="…"`` gives the image a different alt text);
- a paragraph ``: Caption {#tbl-x}`` right after (or before) a pipe table captions it;
- a ```` ```{.table #tbl-x} ```` block (YAML naming a CSV file) becomes a data table;
- ``@fig-x``, ``@tbl-x``, ``@sec-x`` and ``[-@fig-x]`` become ``crossref`` tokens, never citations.

Each float comes out as ``figure_open`` … ``figcaption_open``, ``inline``, ``figcaption_close``
… ``figure_close``; numbers are given per edition (:mod:`briefgen.figures.numbering`).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from briefgen.citations.syntax import Citation
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.figures.model import FLOAT_ID, Align, ColumnFormat, ColumnSpec, DataTableSpec, FloatKind, is_crossref_key
from briefgen.load.yaml_fields import FieldReader, parse_yaml
from briefgen.markdown.context import parse_context
from briefgen.markdown.tokens import walk_tokens

_TABLE_FENCE = re.compile(r"^\{\s*\.table\b(?P<rest>[^{}]*)\}\s*$")
_FENCE_ID = re.compile(r"#(\S+)")
_TABLE_CAPTION = re.compile(r"^:\s+(?P<caption>.*?)\s*\{#(?P<id>[^\s{}]+)\}\s*$", re.S)
_FORMATS: tuple[ColumnFormat, ...] = ("text", "number", "percent", "currency", "date")
_ALIGNS: tuple[Align, ...] = ("left", "center", "right")
_SPEC_KEYS = ("data", "caption", "source", "columns", "highlight", "filter")
_COLUMN_KEYS = ("name", "heading", "format", "align")


_CAPTION_LINE = re.compile(r"^:\s+.*\{#tbl-[^\s{}]*\}\s*$")


def figures_plugin(md: MarkdownIt) -> None:
    """Use after the definition list plugin: a table caption line is never a definition."""
    md.core.ruler.before("inline", "briefgen_data_tables", data_tables)
    _keep_captions_out_of_definition_lists(md)


def _keep_captions_out_of_definition_lists(md: MarkdownIt) -> None:
    """``Text.`` then a blank line then ``: Caption {#tbl-x}`` is a paragraph and a table caption,
    as in pandoc, not a term and its definition."""
    ruler = md.block.ruler
    index = ruler.__find__("deflist")
    if index < 0:
        return
    rule = ruler.__rules__[index]
    definition_list = rule.fn

    def definition_list_unless_caption(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        following = start + 1
        while following < end and state.isEmpty(following):
            following += 1
        if following < end:
            text = state.src[state.bMarks[following] + state.tShift[following]:state.eMarks[following]]
            if _CAPTION_LINE.match(text):
                return False
        return bool(definition_list(state, start, end, silent))

    ruler.at("deflist", definition_list_unless_caption, {"alt": list(rule.alt)})


def _problem(state: StateCore, line: int, message: str, hint: str) -> None:
    parse_context(state.env).problems.append((line, message, hint))


def _float_open(kind: FloatKind, identifier: str, line_map: list[int] | None, level: int) -> Token:
    token = Token("figure_open", "figure", 1)
    token.block, token.level, token.map = True, level, line_map
    token.attrs = {"id": identifier, "class": "figure" if kind == "fig" else "table-figure"}
    token.meta = {"float_kind": kind, "float_id": identifier}
    return token


def _caption(identifier: str, inline: Token, level: int) -> list[Token]:
    opening = Token("figcaption_open", "figcaption", 1)
    opening.block, opening.level, opening.meta = True, level, {"float_id": identifier}
    closing = Token("figcaption_close", "figcaption", -1)
    closing.block, closing.level = True, level
    inline.level = level + 1
    return [opening, inline, closing]


def _float_close(level: int) -> Token:
    token = Token("figure_close", "figure", -1)
    token.block, token.level = True, level
    return token


# --- data tables: before inline parsing, so their caption and source note are parsed as text ---

def data_tables(state: StateCore) -> None:
    """```` ```{.table #tbl-x} ```` holding YAML (``data:``, ``caption:``, ``source:``, ``columns:``)."""
    tokens: list[Token] = []
    for token in state.tokens:
        match = _TABLE_FENCE.match(token.info.strip()) if token.type == "fence" else None
        if match is None:
            tokens.append(token)
            continue
        tokens.extend(_data_table(state, token, match.group("rest")))
    state.tokens = tokens


def _data_table(state: StateCore, fence: Token, rest: str) -> list[Token]:
    line = fence.map[0] if fence.map else 0
    ids = _FENCE_ID.findall(rest)
    if not ids or not FLOAT_ID.match(ids[0]) or not ids[0].startswith("tbl-"):
        _problem(state, line, "a {.table} block needs an id starting 'tbl-', like {.table #tbl-costs}",
                 "add '#tbl-' and a name (letters, digits, '-', '_') inside the braces")
        return []
    identifier = ids[0]
    found = Diagnostics()
    # The YAML starts on the line after the fence; locations count 0-based lines of the parsed text.
    where = SourceLocation(Path(), line + 1)
    node = parse_yaml(fence.content, where, found)
    reader = FieldReader(node, where, found, f"table '{identifier}'", _SPEC_KEYS) if node is not None else None
    spec: DataTableSpec | None = None
    caption = source = None
    if reader is not None and reader.is_valid:
        data = reader.text("data", required=True)
        caption = reader.markdown("caption", required=True)
        source = reader.markdown("source")
        columns = tuple(column for item in reader.sequence("columns", "name the columns to show") or []
                        if (column := _column(item, where, found)) is not None)
        highlight, kept = reader.text("highlight"), reader.text("filter")
        if highlight and kept:
            found.error(reader.line_of("filter"), "a table may show its place's row in bold or filter to it, not both",
                        "keep highlight: (the place among the others) or filter: (the place alone)")
        reader.finish()
        place_key = "filter" if kept else "highlight"
        if data:
            file_line = parse_context(state.env).file_line
            spec = DataTableSpec(data, columns, file_line(reader.line_of("data").line), kept or highlight or None,
                                 bool(kept), file_line(reader.line_of(place_key).line))
    elif node is None and not found.has_errors:
        found.error(where, f"table '{identifier}' is empty", "write 'data: data/file.csv' and 'caption: ...' in it")
    for diagnostic in found.items:
        location = diagnostic.location
        _problem(state, location.line if location else line, diagnostic.message, diagnostic.hint)
    if found.has_errors or spec is None or caption is None:
        return []
    level = fence.level
    tokens = [_float_open("tbl", identifier, fence.map, level)]
    tokens += _caption(identifier, _inline(caption.text, caption.location.line), level + 1)
    table = Token("data_table", "table", 0)
    table.block, table.level, table.map, table.meta = True, level + 1, fence.map, {"spec": spec}
    tokens.append(table)
    if source is not None:
        opening = Token("paragraph_open", "p", 1)
        opening.block, opening.level, opening.attrs = True, level + 1, {"class": "source-note"}
        closing = Token("paragraph_close", "p", -1)
        closing.block, closing.level = True, level + 1
        tokens += [opening, _inline(source.text, source.location.line, level + 2), closing]
    tokens.append(_float_close(level))
    return tokens


def _inline(text: str, line: int, level: int = 0) -> Token:
    token = Token("inline", "", 0)
    token.content, token.map, token.level, token.children = text.strip(), [line, line + 1], level, []
    return token


def _column(node: yaml.Node, location: SourceLocation, diagnostics: Diagnostics) -> ColumnSpec | None:
    if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
        return ColumnSpec(str(node.value).strip(), str(node.value).strip())
    reader = FieldReader(node, location, diagnostics, "a column", _COLUMN_KEYS)
    if not reader.is_valid:
        return None
    name = reader.text("name", required=True)
    heading = reader.text("heading") or name
    column_format = reader.choice("format", _FORMATS) or "text"
    align = reader.choice("align", _ALIGNS)
    reader.finish()
    return ColumnSpec(name, heading, column_format, align) if name else None


# --- after inline parsing -----------------------------------------------------------------

def image_figures(state: StateCore) -> None:
    """A paragraph holding only an image with ``{#fig-x}`` becomes a figure captioned by the
    image's description."""
    tokens = state.tokens
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        inline = tokens[index + 1] if token.type == "paragraph_open" and index + 2 < len(tokens) else None
        images = [child for child in (inline.children or []) if child.type == "image"] if inline else []
        figure = next((image for image in images if (image.meta or {}).get("float_id")), None)
        if inline is None or figure is None:
            result.append(token)
            index += 1
            continue
        identifier = str(figure.meta["float_id"])
        others = [child for child in inline.children or [] if child is not figure
                  and not (child.type in ("text", "softbreak") and not child.content.strip())]
        if others:
            _problem(state, inline.map[0] if inline.map else 0,
                     f"figure '{identifier}' shares its paragraph with other text, so it is not numbered",
                     "put the image and its {#fig-...} on a paragraph of their own")
            result.append(token)
            index += 1
            continue
        level = token.level
        image_line = Token("inline", "", 0)
        image_line.map, image_line.level, image_line.children = inline.map, level + 1, [figure]
        caption = Token("inline", "", 0)
        caption.map, caption.children = inline.map, list(figure.children or [])
        caption.content = figure.content
        # the image's alt text: fig-alt, else the caption's words (without its citation marks)
        alt = Token("text", "", 0)
        alt.content = str(figure.meta["alt"]) if figure.meta.get("alt") is not None else " ".join(
            "".join(part.content for part in walk_tokens(caption.children or []) if part.type in ("text", "code_inline"))
            .split())
        figure.children = [alt]
        result += [_float_open("fig", identifier, token.map, level), image_line,
                   *_caption(identifier, caption, level + 1), _float_close(level)]
        index += 3
    state.tokens = result


def table_captions(state: StateCore) -> None:
    """``: Caption {#tbl-x}`` on a paragraph of its own right after a pipe table (or right
    before it) captions the table; the table becomes a numbered float."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        cell = tokens[index + 1] if token.type == "td_open" else None
        if cell is not None and _TABLE_CAPTION.match(cell.content):
            line = cell.map[0] if cell.map else 0
            _problem(state, line, "this table caption is read as a row of the table above it",
                     "put a blank line between the table and the ': Caption {#tbl-...}' line")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        inline = tokens[index + 1] if token.type == "paragraph_open" and index + 1 < len(tokens) else None
        match = _TABLE_CAPTION.match(inline.content) if inline is not None and inline.type == "inline" else None
        if inline is None or match is None or not match.group("id").startswith("tbl-"):
            index += 1
            continue
        line = inline.map[0] if inline.map else 0
        identifier = match.group("id")
        if not FLOAT_ID.match(identifier):
            _problem(state, line, f"'{identifier}' cannot be a table id",
                     "use 'tbl-' and then letters, digits, '-' or '_'")
            index += 1
            continue
        after = index > 0 and tokens[index - 1].type == "table_close"
        before = index + 3 < len(tokens) and tokens[index + 3].type == "table_open"
        if not after and not before:
            _problem(state, line, f"the caption of table '{identifier}' is not next to a table",
                     "put the ': Caption {#tbl-...}' line right after the table, separated by one blank line")
            index += 1
            continue
        _strip_caption_marks(inline, match.group(0))
        if after:
            start = max(i for i in range(index) if tokens[i].type == "table_open" and tokens[i].level == token.level
                        and i < index)
            table = tokens[start:index]
        else:
            end = next(i for i in range(index + 3, len(tokens)) if tokens[i].type == "table_close"
                       and tokens[i].level == token.level)
            table = tokens[index + 3:end + 1]
            start = index
        level = token.level
        for part in table:
            part.level += 1
        figure = [_float_open("tbl", identifier, table[0].map, level), *_caption(identifier, inline, level + 1),
                  *table, _float_close(level)]
        stop = index + 3 if after else index + 3 + len(table)
        tokens[start:stop] = figure
        index = start + len(figure)
    state.tokens = tokens


def _strip_caption_marks(inline: Token, text: str) -> None:
    """Drop the leading ``: `` and the trailing ``{#tbl-x}`` from the caption's text tokens."""
    inline.content = _TABLE_CAPTION.sub(r"\g<caption>", inline.content)
    children = inline.children or []
    if children and children[0].type == "text":
        children[0].content = re.sub(r"^:\s+", "", children[0].content)
    if children and children[-1].type == "text":
        children[-1].content = re.sub(r"\s*\{#[^\s{}]+\}\s*$", "", children[-1].content)


def crossrefs(state: StateCore) -> None:
    """Citations of ``fig-``, ``tbl-`` and ``sec-`` keys are cross-references: they never reach
    the bibliography. Mixing them with citations in one bracket is an error."""
    context = parse_context(state.env)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        _crossrefs_in(block.children, context.first_line, state)


def _crossrefs_in(children: list[Token], first_line: int, state: StateCore) -> None:
    for child in children:
        if child.children:
            _crossrefs_in(child.children, first_line, state)
        if child.type != "citation":
            continue
        citation: Citation = child.meta["citation"]
        keys = [item.key for item in citation.items]
        refs = [key for key in keys if is_crossref_key(key)]
        if not refs:
            continue
        line = (citation.line or first_line) - first_line
        if len(refs) != len(keys):
            _problem(state, line, "a cross-reference and a citation share one bracket: "
                     + ", ".join("@" + key for key in keys),
                     "cite sources in one bracket and refer to figures, tables and sections outside it")
        child.type = "crossref"
        child.meta = {"ids": tuple(refs), "is_number_only": all(item.suppress_author for item in citation.items),
                      "line": citation.line or first_line,
                      "prefix": citation.items[0].prefix, "suffix": citation.items[-1].suffix}
