"""Line-aware YAML: read a mapping and its typed fields, reporting every problem with a line.

PyYAML's node tree keeps the line of every key and value. Reading fields from nodes (not
from plain dicts) lets each error point at the exact line, and lets us notice duplicate
keys, which ``yaml.safe_load`` silently drops.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Sequence
from typing import TypeVar

import yaml

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.model import MarkdownText

T = TypeVar("T")

_constructor = yaml.constructor.SafeConstructor()
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser (15× faster) where PyYAML was built with it: the same node tree, except that a plain
scalar's style is "" rather than None."""


def parse_yaml(text: str, location: SourceLocation, diagnostics: Diagnostics) -> yaml.Node | None:
    """Parse YAML text into a node tree; syntax errors become diagnostics.

    ``location.line`` is the file line of the text's first line (front matter starts at 2).
    """
    node = _compose(text, location, diagnostics)
    if node is not None:
        report_duplicate_keys(node, location, diagnostics)
    return node


def _compose(text: str, location: SourceLocation, diagnostics: Diagnostics) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # parse again below, so the messages are PyYAML's own whichever loader is installed
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = location.line + (mark.line if mark else 0)
        problem = error.problem or error.context or "invalid YAML"
        lines = text.splitlines()
        at = mark.line if mark else 0
        nearby = [(at, lines[at])] if at < len(lines) else []
        nearby += [(at - 1, lines[at - 1])] if 0 < at <= len(lines) else []
        trap = next(((number, quoted) for number, raw in nearby if (quoted := quote_hint(raw))), None)
        if trap is not None:
            line = location.line + trap[0]
            hint = f"put the value in quotes: {trap[1]}"
        else:
            hint = "check indentation, colons and quotes on this line and the one above"
        diagnostics.error(location.at_line(line), f"YAML syntax error: {problem}", hint)
    except yaml.YAMLError as error:  # a reader error, e.g. a control character
        diagnostics.error(location, f"YAML error: {error}", "remove the unusual character")
    except RecursionError:
        diagnostics.error(location, "the YAML is nested too deeply to read", "flatten the lists and mappings")
    return None


_NEEDS_QUOTES_AT_START = tuple("[]{}@`!&*|>%")
"""Characters that YAML reads as syntax at the start of a value (a takeaway that starts with a
citation, ``[@key]``, is read as a list)."""


def quote_hint(raw: str) -> str:
    """The line written as it should be when its value is text that YAML reads as syntax: it starts
    with ``[``, ``@`` and the like, or holds ``: `` (a title with a colon). Empty when the line
    looks fine."""
    stripped = raw.strip()
    if not stripped or stripped.startswith("#"):
        return ""
    indent = raw[: len(raw) - len(raw.lstrip())]
    prefix, value = "", stripped
    if value.startswith("- "):
        prefix, value = "- ", value[2:].lstrip()
    key, separator, rest = value.partition(": ")
    if separator and key and not key.startswith(("'", '"', "[", "{")) and " " not in key.strip():
        prefix, value = f"{prefix}{key}: ", rest.strip()
    if not value or value[0] in "'\"" or value in ("|", ">", "|-", ">-"):
        return ""
    if value.startswith(_NEEDS_QUOTES_AT_START) or ": " in value or value.endswith(":"):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{indent}{prefix}"{escaped}"'.strip()
    return ""


def report_duplicate_keys(root: yaml.Node, location: SourceLocation, diagnostics: Diagnostics) -> None:
    """Every key set twice in any mapping of the tree, at any depth: an error at the second, naming the first.

    YAML loaders keep the last value without a word, so ``editions:`` with the same audience twice
    would silently lose the first block."""
    seen_nodes: set[int] = set()
    pending = [root]
    while pending:  # a loop, not recursion: nesting depth is the author's choice
        node = pending.pop()
        if id(node) in seen_nodes:  # an alias repeats a node (and may point back to itself)
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            first_lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                    line = location.line + key_node.start_mark.line
                    if key_node.value in first_lines:
                        diagnostics.error(location.at_line(line),
                                          f"duplicate key '{key_node.value}' (first set on line {first_lines[key_node.value]})",
                                          "keep one of them")
                    else:
                        first_lines[key_node.value] = line
                pending.append(value_node)


def parse_yaml_mapping(text: str, location: SourceLocation, diagnostics: Diagnostics, what: str,
                       empty_at: SourceLocation | None = None) -> yaml.Node | None:
    """Like :func:`parse_yaml`, but a file with no keys at all (only comments) is an error too."""
    errors_before = len(diagnostics.errors)
    node = parse_yaml(text, location, diagnostics)
    if node is None and len(diagnostics.errors) == errors_before:
        key = "label" if what == "audience profile" else "title"
        diagnostics.error(empty_at or location, f"the {what} is empty: it has no keys, only comments or blank lines",
                          f"add at least '{key}: ...'")
    return node


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class FieldReader:
    """Typed access to the keys of one YAML mapping, with every error located.

    Call :meth:`finish` at the end: keys that were never read are reported as unknown.
    """

    def __init__(self, node: yaml.Node, location: SourceLocation, diagnostics: Diagnostics,
                 what: str, known: Sequence[str]) -> None:
        self.location = location  # line of the file's first YAML line
        self.diagnostics = diagnostics
        self.what = what
        self.known = known
        self.values: dict[str, yaml.Node] = {}
        self.key_lines: dict[str, int] = {}
        self.is_valid = True
        self.here = self.at(node)
        if not isinstance(node, yaml.MappingNode):
            diagnostics.error(self.at(node), f"{what} must be a mapping of 'key: value' lines, not {_describe(node)}",
                              "write it as 'title: ...' and other keys, one per line")
            self.is_valid = False
            return
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                diagnostics.error(self.at(key_node), f"{what} has a key that is not text", "use plain words as keys")
                continue
            if key in self.values:  # reported by parse_yaml, which read every mapping of the file
                continue
            self.values[key] = value_node
            self.key_lines[key] = self.at(key_node).line

    def at(self, node: yaml.Node) -> SourceLocation:
        return self.location.at_line(self.location.line + node.start_mark.line)

    def line_of(self, key: str) -> SourceLocation:
        return self.location.at_line(self.key_lines.get(key, self.here.line))

    def has(self, key: str) -> bool:
        return key in self.values

    def node(self, key: str) -> yaml.Node | None:
        return self.values.get(key)

    # --- typed getters -----------------------------------------------------------

    def _scalar(self, key: str, required: bool, expected: str) -> tuple[object, yaml.ScalarNode] | None:
        node = self.values.get(key)
        if node is None:
            if required:
                self.diagnostics.error(self.here, f"{self.what} is missing the required key '{key}'", f"add '{key}: ...'")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.diagnostics.error(self.at(node), f"'{key}' must be {expected}, not {_describe(node)}",
                                   f"write '{key}: ...' on one line")
            return None
        try:
            value = _constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as error:
            if expected == "a date":
                self.diagnostics.error(self.at(node), f"'{key}' must be a date like 2026-01-24, not '{node.value}' ({error})",
                                       "write a real date as YYYY-MM-DD")
            else:
                self.diagnostics.error(self.at(node), f"'{key}' has an invalid value '{node.value}' ({error})",
                                       "quote text that looks like a number or a date")
            return None
        if value is None or value == "":
            if required:
                self.diagnostics.error(self.at(node), f"'{key}' is empty", f"give '{key}' a value")
            return None
        return value, node

    def text(self, key: str, required: bool = False) -> str:
        found = self._scalar(key, required, "text")
        if found is None:
            return ""
        value, node = found
        if isinstance(value, (dt.date, bool)) or isinstance(value, (int, float)):
            return str(node.value)
        text = str(value).strip()
        if required and not text:
            self.diagnostics.error(self.at(node), f"'{key}' is blank", f"give '{key}' a value")
        return text

    def markdown(self, key: str, required: bool = False) -> MarkdownText | None:
        found = self._scalar(key, required, "Markdown text")
        if found is None:
            return None
        _value, node = found
        if not str(node.value).strip():  # only spaces: as if the key were not there
            if required:
                self.diagnostics.error(self.at(node), f"'{key}' is blank", f"give '{key}' a value")
            return None
        return markdown_from_node(node, self.at(node))

    def date(self, key: str) -> dt.date | None:
        found = self._scalar(key, False, "a date")
        if found is None:
            return None
        value, node = found
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.diagnostics.error(self.at(node), f"'{key}' must be a date like 2026-01-24, not '{node.value}'",
                               "write the date as YYYY-MM-DD")
        return None

    def integer(self, key: str, minimum: int = 0) -> int | None:
        found = self._scalar(key, False, "a whole number")
        if found is None:
            return None
        value, node = found
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.diagnostics.error(self.at(node), f"'{key}' must be a whole number of at least {minimum}, not '{node.value}'",
                                   f"write e.g. '{key}: {max(minimum, 4)}'")
            return None
        return value

    def number(self, key: str, minimum: float = -math.inf, maximum: float = math.inf) -> float | None:
        """A finite number from ``minimum`` to ``maximum`` (``.nan`` and ``.inf`` are YAML numbers too)."""
        found = self._scalar(key, False, "a number")
        if found is None:
            return None
        value, node = found
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not minimum <= value <= maximum):
            allowed = (f" from {minimum:g} to {maximum:g}" if math.isfinite(minimum) and math.isfinite(maximum)
                       else f" of at least {minimum:g}" if math.isfinite(minimum)
                       else f" of at most {maximum:g}" if math.isfinite(maximum) else "")
            self.diagnostics.error(self.at(node), f"'{key}' must be a number{allowed}, not '{node.value}'",
                                   f"write e.g. '{key}: 8'")
            return None
        return float(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        found = self._scalar(key, False, "true or false")
        if found is None:
            return default
        value, node = found
        if not isinstance(value, bool):
            self.diagnostics.error(self.at(node), f"'{key}' must be true or false, not '{node.value}'",
                                   f"write '{key}: true' or '{key}: false'")
            return default
        return value

    def choice(self, key: str, choices: Sequence[T]) -> T | None:
        value = self.text(key)
        if not value:
            return None
        if value not in choices:
            hint = did_you_mean(value, [str(c) for c in choices]) or "choose one of " + ", ".join(map(str, choices))
            self.diagnostics.error(self.line_of(key), f"'{key}' cannot be '{value}'", hint)
            return None
        return choices[list(choices).index(value)]  # type: ignore[arg-type]

    def sequence(self, key: str, empty: str = "") -> list[yaml.Node] | None:
        """The list's items. ``empty`` says why an empty list makes no sense here (then it is an error)."""
        node = self.values.get(key)
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.value == "" and node.tag.endswith(":null"):
            items: list[yaml.Node] = []
        elif not isinstance(node, yaml.SequenceNode):
            self.diagnostics.error(self.at(node), f"'{key}' must be a list, not {_describe(node)}",
                                   f"write one item per line under '{key}:', each starting with '- '")
            return None
        else:
            items = list(node.value)
        if empty and not items:
            self.diagnostics.error(self.at(node), f"'{key}' is an empty list: {empty}",
                                   f"list at least one item under '{key}:', or remove the key")
            return None
        return items

    def text_list(self, key: str, empty: str = "") -> tuple[str, ...] | None:
        items = self.located_text_list(key, empty)
        return None if items is None else tuple(items)

    def located_text_list(self, key: str, empty: str = "") -> dict[str, SourceLocation] | None:
        """The items of a list of words, each with the line it is written on."""
        items = self.sequence(key, empty)
        if items is None:
            return None
        result: dict[str, SourceLocation] = {}
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                self.diagnostics.error(self.at(item), f"each item of '{key}' must be a word or short text",
                                       "write '- item' on its own line")
                continue
            result.setdefault(str(item.value).strip(), self.at(item))
        return result

    def mapping(self, key: str) -> yaml.MappingNode | None:
        node = self.values.get(key)
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.diagnostics.error(self.at(node), f"'{key}' must be a mapping of 'key: value' lines, not {_describe(node)}",
                                   "indent its keys under it")
            return None
        return node

    def finish(self) -> None:
        for key, line in self.key_lines.items():
            if key not in self.known:
                hint = did_you_mean(key, self.known) or "known keys: " + ", ".join(self.known)
                self.diagnostics.error(self.location.at_line(line), f"unknown key '{key}' in {self.what}", hint)


def markdown_from_node(node: yaml.ScalarNode, location: SourceLocation) -> MarkdownText:
    """Markdown from a scalar; block scalars (``|``, ``>``) start on the line after the key."""
    first_line = location.line + (1 if node.style in ("|", ">") else 0)
    return MarkdownText(str(node.value), location.at_line(first_line))


def read_list(reader: FieldReader, key: str, read_item: Callable[[yaml.Node, SourceLocation], T | None],
              empty: str = "") -> tuple[T, ...]:
    items = reader.sequence(key, empty) or []
    result = []
    for item in items:
        value = read_item(item, reader.at(item))
        if value is not None:
            result.append(value)
    return tuple(result)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"the text '{node.value}'" if node.value else "empty"
