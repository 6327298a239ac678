"""Line-aware YAML reading (load/yaml_fields.py): typed fields, and every problem at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.yaml_fields import FieldReader, did_you_mean, parse_yaml

FILE = SourceLocation(Path("briefs/b.yaml"), 1)
KNOWN = ("title", "subtitle", "checked", "count", "ratio", "flag", "style", "tags", "body", "nested")


def read(text: str, location: SourceLocation = FILE) -> tuple[FieldReader, Diagnostics]:
    diagnostics = Diagnostics()
    node = parse_yaml(text, location, diagnostics)
    assert node is not None, [d.format() for d in diagnostics.items]
    return FieldReader(node, location, diagnostics, "test file", KNOWN), diagnostics


def only_error(diagnostics: Diagnostics) -> str:
    assert len(diagnostics.errors) == 1, [d.format() for d in diagnostics.items]
    return diagnostics.errors[0].format()


# --- syntax errors ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "start", "line"), [
    pytest.param("title: T\nsubtitle: a: b\n", 1, 2, id="colon-in-plain-value"),
    pytest.param("title: T\nsections:\n  - one\n - two\n", 1, 4, id="bad-indentation"),
    pytest.param("title: T\nsubtitle: a: b\n", 2, 3, id="front-matter-offset"),
])
def test_syntax_error_is_reported_at_its_file_line(text: str, start: int, line: int) -> None:
    diagnostics = Diagnostics()
    assert parse_yaml(text, SourceLocation(Path("f.yaml"), start), diagnostics) is None
    assert only_error(diagnostics).startswith(f"f.yaml:{line}: YAML syntax error")


def test_valid_yaml_gives_no_diagnostics() -> None:
    diagnostics = Diagnostics()
    assert parse_yaml("title: T\n", FILE, diagnostics) is not None
    assert diagnostics.items == []


# --- the mapping itself -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "what"), [
    pytest.param("- a\n- b\n", "a list", id="list"),
    pytest.param("just words\n", "the text 'just words'", id="scalar"),
])
def test_top_level_must_be_a_mapping(text: str, what: str) -> None:
    reader, diagnostics = read(text)
    assert not reader.is_valid
    assert only_error(diagnostics) == (f"briefs/b.yaml:1: test file must be a mapping of 'key: value' lines, not {what}; "
                                       "write it as 'title: ...' and other keys, one per line")


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    reader, diagnostics = read("title: A\nsubtitle: S\ntitle: B\n")
    assert only_error(diagnostics) == "briefs/b.yaml:3: duplicate key 'title' (first set on line 1); keep one of them"
    assert reader.text("title") == "A"


@pytest.mark.parametrize(("key", "hint"), [
    pytest.param("subtitel", "did you mean 'subtitle'?", id="close-match"),
    pytest.param("zzz", "known keys: " + ", ".join(KNOWN), id="no-close-match"),
])
def test_unknown_key_is_reported_at_its_line_on_finish(key: str, hint: str) -> None:
    reader, diagnostics = read(f"title: T\n\n{key}: x\n")
    assert diagnostics.items == []
    reader.finish()
    assert only_error(diagnostics) == f"briefs/b.yaml:3: unknown key '{key}' in test file; {hint}"


def test_lines_are_offset_by_where_the_yaml_starts() -> None:
    reader, diagnostics = read("title: T\nsubtitel: x\n", SourceLocation(Path("s.md"), 2))
    reader.finish()
    assert only_error(diagnostics).startswith("s.md:3: unknown key 'subtitel'")


# --- typed getters -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("Plain words", "Plain words", id="plain"),
    pytest.param("'  padded  '", "padded", id="stripped"),
    pytest.param("2026", "2026", id="number-kept-as-written"),
    pytest.param("2026-01-24", "2026-01-24", id="date-kept-as-written"),
    pytest.param("yes", "yes", id="yaml11-boolean-kept-as-written"),
    pytest.param("3.10", "3.10", id="float-kept-as-written"),
    pytest.param("Émile «quoted»", "Émile «quoted»", id="unicode"),
])
def test_text_returns_what_the_author_wrote(value: str, expected: str) -> None:
    reader, diagnostics = read(f"title: {value}\n")
    assert reader.text("title") == expected
    assert diagnostics.items == []


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("subtitle: S\n", "briefs/b.yaml:1: test file is missing the required key 'title'; add 'title: ...'",
                 id="missing"),
    pytest.param("subtitle: S\ntitle:\n", "briefs/b.yaml:2: 'title' is empty; give 'title' a value", id="empty"),
    pytest.param("subtitle: S\ntitle: [a, b]\n",
                 "briefs/b.yaml:2: 'title' must be text, not a list; write 'title: ...' on one line", id="list-not-text"),
])
def test_required_text_problems(text: str, message: str) -> None:
    reader, diagnostics = read(text)
    assert reader.text("title", required=True) == ""
    assert only_error(diagnostics) == message


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("2026-01-24", dt.date(2026, 1, 24), id="iso-date"),
    pytest.param("2026-01-24 10:30:00", dt.date(2026, 1, 24), id="datetime-becomes-date"),
])
def test_date(value: str, expected: dt.date) -> None:
    reader, diagnostics = read(f"title: T\nchecked: {value}\n")
    assert reader.date("checked") == expected
    assert diagnostics.items == []


@pytest.mark.parametrize("value", [
    pytest.param("January 24, 2026", id="words"),
    pytest.param("24/01/2026", id="slashes"),
    pytest.param("2026-13-01", id="month-13"),
    pytest.param("2026-02-30", id="day-out-of-range"),
])
def test_bad_date_is_an_error_at_its_line(value: str) -> None:
    reader, diagnostics = read(f"title: T\nchecked: {value}\n")
    assert reader.date("checked") is None
    assert only_error(diagnostics).startswith("briefs/b.yaml:2: 'checked' must be a date like 2026-01-24")


@pytest.mark.parametrize(("value", "expected", "error"), [
    pytest.param("4", 4, "", id="ok"),
    pytest.param("0", None, "must be a whole number of at least 1, not '0'", id="below-minimum"),
    pytest.param("2.5", None, "must be a whole number of at least 1, not '2.5'", id="fraction"),
    pytest.param("true", None, "must be a whole number of at least 1, not 'true'", id="boolean"),
    pytest.param("four", None, "must be a whole number of at least 1, not 'four'", id="word"),
])
def test_integer(value: str, expected: int | None, error: str) -> None:
    reader, diagnostics = read(f"title: T\ncount: {value}\n")
    assert reader.integer("count", minimum=1) == expected
    if error:
        assert only_error(diagnostics).startswith(f"briefs/b.yaml:2: 'count' {error}")
    else:
        assert diagnostics.items == []


@pytest.mark.parametrize(("value", "expected", "is_error"), [
    pytest.param("8", 8.0, False, id="int"),
    pytest.param("9.5", 9.5, False, id="float"),
    pytest.param("hard", None, True, id="word"),
    pytest.param("no", None, True, id="boolean"),
])
def test_number(value: str, expected: float | None, is_error: bool) -> None:
    reader, diagnostics = read(f"title: T\nratio: {value}\n")
    assert reader.number("ratio") == expected
    assert diagnostics.has_errors is is_error
    if is_error:
        assert only_error(diagnostics).startswith("briefs/b.yaml:2: 'ratio' must be a number")


@pytest.mark.parametrize(("value", "expected", "is_error"), [
    pytest.param("true", True, False, id="true"),
    pytest.param("false", False, False, id="false"),
    pytest.param("maybe", False, True, id="word-is-error-and-default"),
    pytest.param("1", False, True, id="number-is-error"),
])
def test_boolean(value: str, expected: bool, is_error: bool) -> None:
    reader, diagnostics = read(f"title: T\nflag: {value}\n")
    assert reader.boolean("flag") is expected
    assert diagnostics.has_errors is is_error
    if is_error:
        assert only_error(diagnostics).startswith("briefs/b.yaml:2: 'flag' must be true or false")


@pytest.mark.parametrize(("value", "expected", "error"), [
    pytest.param("numeric", "numeric", "", id="known"),
    pytest.param("numerc", None, "briefs/b.yaml:2: 'style' cannot be 'numerc'; did you mean 'numeric'?", id="did-you-mean"),
    pytest.param("harvard", None, "briefs/b.yaml:2: 'style' cannot be 'harvard'; choose one of numeric, author-date",
                 id="lists-choices"),
])
def test_choice(value: str, expected: str | None, error: str) -> None:
    reader, diagnostics = read(f"title: T\nstyle: {value}\n")
    assert reader.choice("style", ("numeric", "author-date")) == expected
    assert [d.format() for d in diagnostics.errors] == ([error] if error else [])


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("tags:\n  - a\n  - b c\n", ("a", "b c"), id="block-list"),
    pytest.param("tags: [a, b]\n", ("a", "b"), id="flow-list"),
    pytest.param("tags: []\n", (), id="empty-flow-list"),
    pytest.param("tags:\n", (), id="key-without-value-is-empty"),
    pytest.param("title: T\n", None, id="absent"),
])
def test_text_list(text: str, expected: tuple[str, ...] | None) -> None:
    reader, diagnostics = read(text)
    assert reader.text_list("tags") == expected
    assert diagnostics.items == []


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("title: T\ntags: \"a, b\"\n",
                 "briefs/b.yaml:2: 'tags' must be a list, not the text 'a, b'; "
                 "write one item per line under 'tags:', each starting with '- '", id="comma-text"),
    pytest.param("title: T\ntags:\n  a: 1\n",
                 "briefs/b.yaml:3: 'tags' must be a list, not a mapping; "
                 "write one item per line under 'tags:', each starting with '- '", id="mapping"),
    pytest.param("title: T\ntags:\n  - a\n  - [b, c]\n",
                 "briefs/b.yaml:4: each item of 'tags' must be a word or short text; write '- item' on its own line",
                 id="nested-list-item"),
])
def test_text_list_problems(text: str, message: str) -> None:
    reader, diagnostics = read(text)
    reader.text_list("tags")
    assert only_error(diagnostics) == message


@pytest.mark.parametrize(("text", "first_line"), [
    pytest.param("title: T\nbody: Plain *text*\n", 2, id="plain-scalar-same-line"),
    pytest.param("title: T\nbody: |\n  Block *text*\n  more\n", 3, id="literal-block-next-line"),
    pytest.param("title: T\nbody: >-\n  Folded *text*\n", 3, id="folded-block-next-line"),
])
def test_markdown_knows_its_first_line(text: str, first_line: int) -> None:
    reader, diagnostics = read(text)
    markdown = reader.markdown("body")
    assert markdown is not None
    assert markdown.location == SourceLocation(Path("briefs/b.yaml"), first_line)
    assert "*text*" in markdown.text
    assert diagnostics.items == []


def test_mapping_of_wrong_type_is_an_error() -> None:
    reader, diagnostics = read("title: T\nnested: [a]\n")
    assert reader.mapping("nested") is None
    assert only_error(diagnostics).startswith("briefs/b.yaml:2: 'nested' must be a mapping of 'key: value' lines, not a list")


@pytest.mark.parametrize(("word", "choices", "expected"), [
    pytest.param("prees", ["press", "county-officials"], "did you mean 'press'?", id="typo"),
    pytest.param("xyz", ["press"], "", id="nothing-close"),
    pytest.param("press", [], "", id="no-choices"),
])
def test_did_you_mean(word: str, choices: list[str], expected: str) -> None:
    assert did_you_mean(word, choices) == expected
