"""A chart's spec: the YAML inside a ```` ```{.chart} ```` fence, read into typed values.

The spec is a small subset of Vega-Lite, so that everything a chart may do is known and
checked: a data file of the project, one mark, the x, y and colour encodings, a caption
(Markdown, shown under the chart) and an ``alt`` text. Every problem is reported at its line,
with the key's likely intended name for a misspelt one. Any URL is refused wherever it is
written (``url:``, ``href:``, an ``image`` mark, a value such as ``https://…``): a chart is
drawn from the project's own files and never loads anything. ``caption`` and ``alt`` are text
for readers, never given to the renderer, so they are not searched for URLs.

For a brief with places (an edition per row of a table), ``highlight: COLUMN`` draws the rows
of the data whose COLUMN holds the edition's place's value in the accent colour and the others
fainter (bar and point marks), ``filter: COLUMN`` draws only those rows, and ``top: N`` keeps
the N rows with the largest quantitative value, largest first (and the highlighted row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import yaml

from briefgen.load.yaml_fields import did_you_mean

Finding = tuple[int, str, str]
"""A problem: the 0-based line in the parsed text, the message, the hint."""

MarkType = Literal["bar", "line", "point", "area"]
FieldType = Literal["quantitative", "temporal", "nominal", "ordinal"]
MARKS: tuple[MarkType, ...] = ("bar", "line", "point", "area")
FIELD_TYPES: tuple[FieldType, ...] = ("quantitative", "temporal", "nominal", "ordinal")
CHANNELS = ("x", "y", "color")
TOP_KEYS = ("data", "mark", "encoding", "title", "caption", "alt", "width", "height", "highlight", "filter", "top")
PLACE_MARKS: tuple[MarkType, ...] = ("bar", "point")
"""Marks ``highlight:`` colours one of (a line or an area is one shape for every row)."""
MARK_KEYS = ("type", "point")
CHANNEL_KEYS = ("field", "type", "title", "axis")
AXIS_KEYS = ("format", "title")
DATA_SUFFIXES = (".csv", ".tsv", ".json")
_URL_KEYS = frozenset({"url", "href", "$schema", "src", "image"})
_URL_VALUE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")
_NUMBER_FORMAT = re.compile(r"^(.?[<>=^])?[-+( ]?[$#]?0?\d*,?(\.\d+)?~?[eEfgGnoprsXxdc%]?$")
_TIME_FORMAT = re.compile(r"^[^%]*(%[-_0]?[a-zA-Z%][^%]*)+$")


@dataclass(frozen=True, slots=True)
class Axis:
    format: str | None = None
    """A d3 number format (``,d``) for a quantitative field, a d3 time format (``%Y``) for a temporal one."""
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    """One encoding: which column of the data, read as which type."""

    name: str
    field: str
    type: FieldType
    title: str | None
    axis: Axis
    line: int
    """0-based line of the ``field:`` key in the parsed text (for "no such column")."""


@dataclass(frozen=True, slots=True)
class ChartSpec:
    id: str
    """The figure id (``fig-…``), from the fence's braces."""
    data: str
    """The data file as written, relative to the project's ``briefs/`` folder."""
    data_line: int
    mark: MarkType
    has_points: bool
    channels: tuple[Channel, ...]
    title: str | None
    caption: str
    caption_line: int
    alt: str
    alt_line: int
    """0-based line of ``alt:`` (of the fence when it is missing)."""
    width: int | None = None
    height: int | None = None
    place_column: str | None = None
    """``highlight: COLUMN`` or ``filter: COLUMN``: the data's column holding the edition's place
    (its value of the same column of the brief's ``places:`` table)."""
    is_filter: bool = False
    """True: only the rows of the edition's place are drawn; False: they are highlighted."""
    place_line: int = 0
    """0-based line of the ``highlight:`` or ``filter:`` key."""
    top: int | None = None
    """``top: N``: the N rows with the largest value of the quantitative field, largest first
    (and the highlighted row, when it is not among them)."""

    def channel(self, name: str) -> Channel | None:
        return next((channel for channel in self.channels if channel.name == name), None)

    @property
    def measure(self) -> Channel:
        """The channel ``top: N`` ranks by: the first quantitative one that is not the colour."""
        return next(channel for channel in self.channels if channel.type == "quantitative" and channel.name != "color")


def read_chart_spec(text: str, chart_id: str, first_line: int, fence_line: int) -> tuple[ChartSpec | None, list[Finding]]:
    """The spec in ``text`` (the fence's body, whose first line is ``first_line`` of the parsed
    text), or None with every problem found."""
    problems: list[Finding] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.append((first_line + (mark.line if mark else 0),
                         f"the chart spec is not valid YAML ({error.problem or error.context or 'syntax error'})",
                         "write the spec as YAML keys: data, mark, encoding, caption, alt"))
        return None, problems
    if not isinstance(root, yaml.MappingNode):
        problems.append((fence_line, "the chart spec is empty or not a mapping of keys",
                         "write the spec as YAML keys: data, mark, encoding, caption, alt"))
        return None, problems
    reader = _Reader(first_line, problems)
    reader.refuse_urls(root)
    return reader.spec(root, chart_id, fence_line), problems


class _Reader:
    def __init__(self, first_line: int, problems: list[Finding]) -> None:
        self.first_line = first_line
        self.problems = problems
        self._refused: set[int] = set()
        """Nodes already reported as URLs (not reported again as unknown keys)."""

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def problem(self, node: yaml.Node, message: str, hint: str) -> None:
        self.problems.append((self.line(node), message, hint))

    def refuse_urls(self, node: yaml.Node, key: str = "") -> None:
        """Any URL anywhere in the spec, except in the reader's text (caption, alt)."""
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                name = str(key_node.value)
                if name in ("caption", "alt") and node is not None and key == "":
                    continue
                if name.lower() in _URL_KEYS:
                    self._refused.add(id(key_node))
                    self.problem(key_node, f"the chart spec may not use '{name}': a chart never loads or links to "
                                 "anything", "name a CSV or JSON file of the project under data:, and leave out URLs")
                    continue
                self.refuse_urls(value, name)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.refuse_urls(item, key)
        elif isinstance(node, yaml.ScalarNode):
            value = str(node.value)
            if value.strip().lower() == "image" and key in ("mark", "type"):
                self._refused.add(id(node))
                self.problem(node, "image marks are refused: they load pictures from URLs",
                             f"use one of the marks {', '.join(MARKS)}")
            elif _URL_VALUE.match(value) and not (key == "format" and "%" in value):
                self._refused.add(id(node))
                self.problem(node, f"the chart spec may not hold a URL or address ('{_short(value)}')",
                             "a chart is drawn only from a CSV or JSON file inside the project; remove the address")

    def mapping(self, node: yaml.Node, what: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of keys", "known keys: " + ", ".join(keys))
            return {}
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            name = str(key_node.value)
            if id(key_node) in self._refused or id(value) in self._refused:
                continue
            if name in found:
                self.problem(key_node, f"'{name}' is given twice in {what}", "keep one")
            elif name not in keys:
                self.problem(key_node, f"unknown key '{name}' in {what}",
                             did_you_mean(name, keys) or "known keys: " + ", ".join(keys))
            else:
                found[name] = value
        return found

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None or id(node) in self._refused:
            return None
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.problem(node, f"{what} must be a text", f"write {what} as one line of text, or quote it")
            return None
        return str(node.value).strip()

    def choice(self, node: yaml.Node | None, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if value not in choices:
            self.problem(node, f"{what} '{value}' is not one briefgen draws",
                         did_you_mean(value, choices) or "use one of: " + ", ".join(choices))
            return None
        return value

    def size(self, node: yaml.Node | None, what: str) -> int | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if not value.isdigit() or not 50 <= int(value) <= 2000:
            self.problem(node, f"{what} must be a whole number of pixels from 50 to 2000", f"for example {what}: 300")
            return None
        return int(value)

    def spec(self, root: yaml.MappingNode, chart_id: str, fence_line: int) -> ChartSpec | None:
        keys = self.mapping(root, "the chart spec", TOP_KEYS)
        data = self.data(keys.get("data"), fence_line)
        mark, has_points = self.mark(keys.get("mark"), fence_line)
        channels = self.encoding(keys.get("encoding"), fence_line)
        caption = self.text(keys.get("caption"), "caption")
        if "caption" not in keys:
            self.problems.append((fence_line, f"chart '{chart_id}' has no caption",
                                  "add caption: one sentence saying what the chart shows and its source [@key]"))
        alt = self.text(keys.get("alt"), "alt") if "alt" in keys else ""
        title = self.text(keys.get("title"), "title") if "title" in keys else None
        width = self.size(keys.get("width"), "width") if "width" in keys else None
        height = self.size(keys.get("height"), "height") if "height" in keys else None
        place_column, is_filter, place_line = self.place(keys, mark, channels)
        top = self.top(keys.get("top"), channels, is_filter) if "top" in keys else None
        if self.problems or data is None or mark is None or caption is None or alt is None:
            return None
        return ChartSpec(chart_id, data, self.line(keys["data"]), mark, has_points, channels, title, caption,
                         self.line(keys["caption"]), alt, self.line(keys["alt"]) if "alt" in keys else fence_line,
                         width, height, place_column, is_filter, place_line, top)

    def place(self, keys: dict[str, yaml.Node], mark: str | None, channels: tuple[Channel, ...]
              ) -> tuple[str | None, bool, int]:
        """``highlight: COLUMN`` or ``filter: COLUMN`` (at most one of them)."""
        if "highlight" in keys and "filter" in keys:
            self.problem(keys["filter"], "a chart may highlight its place's row or filter to it, not both",
                         "keep highlight: (the place among its peers) or filter: (the place alone)")
            return None, False, 0
        key = "highlight" if "highlight" in keys else "filter" if "filter" in keys else None
        if key is None:
            return None, False, 0
        node = keys[key]
        column = self.text(node, key)
        if column is None:
            return None, False, 0
        if key == "highlight" and mark is not None and mark not in PLACE_MARKS:
            self.problem(node, f"highlight: colours one {mark} of many, but a {mark} chart draws one shape",
                         "use mark: bar or mark: point, or filter: to draw the place alone")
        if key == "highlight" and any(channel.name == "color" for channel in channels):
            self.problem(node, "highlight: sets the colours, so the chart cannot also have encoding.color",
                         "remove encoding.color, or remove highlight:")
        return column, key == "filter", self.line(node)

    def top(self, node: yaml.Node | None, channels: tuple[Channel, ...], is_filter: bool) -> int | None:
        value = self.text(node, "top")
        if value is None or node is None:
            return None
        if not value.isdigit() or not 1 <= int(value) <= 100:
            self.problem(node, "top must be a whole number from 1 to 100", "for example top: 10")
            return None
        if is_filter:
            self.problem(node, "top: and filter: cannot be used together (filter: keeps the place's rows only)",
                         "remove one of them")
            return None
        if not any(channel.type == "quantitative" and channel.name != "color" for channel in channels):
            self.problem(node, "top: keeps the rows with the largest values, but the chart has no quantitative x or y",
                         "give x or y type: quantitative, or remove top:")
            return None
        return int(value)

    def data(self, node: yaml.Node | None, fence_line: int) -> str | None:
        if node is None:
            self.problems.append((fence_line, "the chart has no data", "add data: data/<file>.csv (relative to briefs/)"))
            return None
        if isinstance(node, yaml.MappingNode):
            self.problem(node, "data: must name a file", "write data: data/<file>.csv (a CSV or JSON file in the project)")
            return None
        path = self.text(node, "data")
        if path is not None and not path.lower().endswith(DATA_SUFFIXES):
            self.problem(node, f"data file '{path}' is not a .csv, .tsv or .json file",
                         "save the data as CSV (with a header row) or JSON")
            return None
        return path

    def mark(self, node: yaml.Node | None, fence_line: int) -> tuple[MarkType | None, bool]:
        if node is None:
            self.problems.append((fence_line, "the chart has no mark", "add mark: line (or bar, point, area)"))
            return None, False
        if isinstance(node, yaml.MappingNode):
            keys = self.mapping(node, "mark", MARK_KEYS)
            kind = self.choice(keys.get("type"), "mark type", MARKS) if "type" in keys else None
            if "type" not in keys and id(node) not in self._refused:
                self.problem(node, "mark has no type", "add type: line (or bar, point, area)")
            points = keys.get("point")
            if points is not None and str(points.value).lower() not in ("true", "false"):
                self.problem(points, "point must be true or false", "write point: true to mark each value")
            return kind, points is not None and str(points.value).lower() == "true"  # type: ignore[return-value]
        return self.choice(node, "mark", MARKS), False  # type: ignore[return-value]

    def encoding(self, node: yaml.Node | None, fence_line: int) -> tuple[Channel, ...]:
        if node is None:
            self.problems.append((fence_line, "the chart has no encoding", "add encoding: with x: and y: fields"))
            return ()
        channels = []
        for name, value in self.mapping(node, "encoding", CHANNELS).items():
            keys = self.mapping(value, f"encoding.{name}", CHANNEL_KEYS)
            field = self.text(keys.get("field"), f"encoding.{name}.field")
            kind = self.choice(keys.get("type"), f"encoding.{name}.type", FIELD_TYPES)
            if "field" not in keys or "type" not in keys:
                missing = "field" if "field" not in keys else "type"
                self.problem(value, f"encoding.{name} has no {missing}",
                             "give the column's name (field:) and its type (type: quantitative, temporal, nominal or ordinal)")
            title = self.text(keys.get("title"), f"encoding.{name}.title") if "title" in keys else None
            axis = self.axis(keys.get("axis"), name, kind) if "axis" in keys else Axis()
            if field is not None and kind is not None:
                channels.append(Channel(name, field, kind, title, axis, self.line(keys["field"])))  # type: ignore[arg-type]
        if channels and not {"x", "y"} <= {channel.name for channel in channels}:
            self.problem(node, "the chart needs both an x and a y encoding", "add the one that is missing")
        return tuple(channels)

    def axis(self, node: yaml.Node | None, channel: str, kind: str | None) -> Axis:
        if node is None or channel == "color":
            if node is not None:
                self.problem(node, "encoding.color has no axis", "remove axis: (the colour legend takes the field's title)")
            return Axis()
        keys = self.mapping(node, f"encoding.{channel}.axis", AXIS_KEYS)
        title = self.text(keys.get("title"), "axis title") if "title" in keys else None
        pattern = self.text(keys.get("format"), "axis format") if "format" in keys else None
        if pattern is not None:
            is_time = kind == "temporal"
            if not (_TIME_FORMAT if is_time else _NUMBER_FORMAT).match(pattern):
                self.problem(keys["format"], f"'{pattern}' is not a {'time' if is_time else 'number'} format",
                             "for example format: \"%Y\" or \"%b %Y\"" if is_time else "for example format: \",d\" or \".1%\"")
                pattern = None
        return Axis(pattern, title)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
