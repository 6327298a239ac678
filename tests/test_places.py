"""Places: the CSV table of a brief, data placeholders, when-blocks, and their located errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.errors import Diagnostics
from briefgen.load.briefs import load_brief
from briefgen.load.project import load_project
from briefgen.markdown.conditions import Condition, holds, read_condition
from briefgen.markdown.parser import markdown_parser
from briefgen.markdown.placeholders import ValueProblem, format_value
from briefgen.model import Brief, Edition
from conftest import brief_yaml, section_md

PLACES = "places:\n  data: data/towns.csv\n  id: fips\n  name: town\n"
CSV = ("fips,town,population,share,budget,updated,jail\n001,Alba,12500,0.25,1500000.5,2026-03-01,yes\n"
       "002,Brea,800,12%,90000,2025-12-31,no\n")


def project_files(csv: str | bytes = CSV, body: str = "Text.\n", extra: str = "") -> dict[str, str | bytes | None]:
    return {"briefs/b.yaml": brief_yaml(["one"], extra=PLACES + extra), "briefs/data/towns.csv": csv,
            "briefs/sections/one.md": section_md("One", body)}


def load(make_project: Callable[..., Path], **files: str | bytes) -> tuple[Brief | None, Diagnostics, Path]:
    root = make_project(project_files(**files))  # type: ignore[arg-type]
    diagnostics = Diagnostics()
    return load_brief(root / "briefs/b.yaml", diagnostics), diagnostics, root


def messages(diagnostics: Diagnostics, root: Path) -> list[str]:
    return [f"{item.location.display(root) if item.location else ''}: {item.message}" for item in diagnostics.items]


def edition_for(make_project: Callable[..., Path], body: str, row: int = 0, audience: str = "county-officials",
                extra: str = "") -> tuple[Edition, Diagnostics, Path]:
    root = make_project(project_files(body=body, extra=extra))
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    assert diagnostics.errors == [], messages(diagnostics, root)
    brief = project.briefs["b"]
    assert brief.places is not None
    edition = assemble_edition(project, brief, project.audiences[audience], MarkdownCache(), diagnostics,
                               place=brief.places.rows[row])
    return edition, diagnostics, root


def section_html(edition: Edition) -> str:
    text = edition.sections[0].text
    md = markdown_parser(edition.language)
    return str(md.renderer.render(list(text.tokens), md.options, dict(text.env)))


# --- the table ---------------------------------------------------------------------------------


def test_rows_are_read_with_their_lines(make_project: Callable[..., Path]) -> None:
    brief, diagnostics, _root = load(make_project)
    assert diagnostics.items == []
    assert brief is not None and brief.places is not None
    assert [(p.id, p.name, p.location.line) for p in brief.places.rows] == [("001", "Alba", 2), ("002", "Brea", 3)]
    assert brief.places.columns[:3] == ("fips", "town", "population")
    assert brief.places.column_number("population") == 3


@pytest.mark.parametrize(("csv", "where", "what"), [
    pytest.param(CSV + "003,Cora,5\n", "briefs/data/towns.csv:4", "this row has 3 values but the header has 7 columns",
                 id="ragged-row"),
    pytest.param(CSV + "001,Dup,1,0.1,1,2026-01-01,no\n", "briefs/data/towns.csv:4",
                 "row id '001' is used twice (first at towns.csv:2)", id="duplicate-id"),
    pytest.param(CSV + "No Good,Eve,1,0.1,1,2026-01-01,no\n", "briefs/data/towns.csv:4",
                 "'No Good' (column 'fips', column 1) is not a valid row id", id="invalid-id"),
    pytest.param(CSV.replace("\n002", '\n"003,Multi\nline",x,1,0.1,1,2026-01-01,no\n002'), "briefs/data/towns.csv:3",
                 "is not a valid row id", id="quoted-row-over-two-lines"),
])
def test_a_bad_row_is_located_and_left_out(make_project: Callable[..., Path], csv: str, where: str, what: str) -> None:
    brief, diagnostics, root = load(make_project, csv=csv)
    assert brief is not None and brief.places is not None, "one bad row never stops the brief"
    found = [m for m in messages(diagnostics, root) if m.startswith(where + ":") and what in m]
    assert found, messages(diagnostics, root)
    assert {"001", "002"} <= {p.id for p in brief.places.rows}
    assert len(brief.places.failed_rows) == 1


def test_a_row_after_a_multiline_row_keeps_its_line(make_project: Callable[..., Path]) -> None:
    csv = CSV.replace("\n002", '\n"003",x,1,0.1,1,2026-01-01,"two\nlines"\n002')
    brief, diagnostics, _root = load(make_project, csv=csv)
    assert diagnostics.items == []
    assert brief is not None and brief.places is not None
    assert {p.id: p.location.line for p in brief.places.rows} == {"001": 2, "003": 3, "002": 5}


@pytest.mark.parametrize(("files", "where", "what"), [
    pytest.param({"csv": CSV.encode() + b"003,Bad\xff,1,0.1,1,2026-01-01,no\n"}, "briefs/data/towns.csv:4",
                 "not valid UTF-8 (byte 0xff)", id="encoding"),
    pytest.param({"csv": "fips,town,town\n1,a,b\n"}, "briefs/data/towns.csv:1", "column 'town' is named twice",
                 id="duplicate-column"),
    pytest.param({"csv": "id,town\n1,a\n"}, "briefs/b.yaml:6", "no column 'fips' in towns.csv", id="unknown-id-column"),
    pytest.param({"extra": "  bogus: 1\n"}, "briefs/b.yaml:8", "unknown key 'bogus' in places", id="unknown-key"),
])
def test_a_bad_table_is_located_and_leaves_the_brief_out(make_project: Callable[..., Path], files: dict[str, str],
                                                         where: str, what: str) -> None:
    brief, diagnostics, root = load(make_project, **files)
    assert brief is None
    assert any(m.startswith(where + ":") and what in m for m in messages(diagnostics, root)), messages(diagnostics, root)


def test_the_table_must_be_inside_the_project(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project({"briefs/b.yaml": brief_yaml(["one"], extra=PLACES.replace("data/towns.csv", "../../x.csv")),
                         "briefs/sections/one.md": section_md("One", "Text.\n")})
    (root.parent / "x.csv").write_text(CSV, encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_brief(root / "briefs/b.yaml", diagnostics) is None
    assert any("briefs/b.yaml:5" in m and "is outside the project" in m for m in messages(diagnostics, root)), \
        messages(diagnostics, root)


# --- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "fmt", "language", "shown"), [
    pytest.param("4780913", "number", "en", "4,780,913", id="number-en"),
    pytest.param("4780913", "number", "es", "4.780.913", id="number-es"),
    pytest.param("1,234.5", "number", "en", "1,234.5", id="number-with-commas"),
    pytest.param("0.25", "percent", "en", "25%", id="share-as-percent-en"),
    pytest.param("0.125", "percent", "en", "12.5%", id="percent-keeps-its-decimals"),
    pytest.param("12%", "percent", "es", "12\u00a0%", id="percent-sign-es"),
    pytest.param("1500000.5", "currency", "en", "$1,500,000.50", id="currency-en"),
    pytest.param("90000", "currency", "es", "90.000,00\u00a0US$", id="currency-es"),
    pytest.param("2026-03-01", "date", "en", "March 1, 2026", id="date-en"),
    pytest.param("2026-03-01", "date", "es", "1 de marzo de 2026", id="date-es"),
    pytest.param("<b>Alba & co</b>", "text", "en", "<b>Alba & co</b>", id="text-as-written"),
])
def test_values_are_formatted_in_the_edition_language(value: str, fmt: str, language: str, shown: str) -> None:
    assert format_value(value, fmt, language) == shown


@pytest.mark.parametrize(("value", "fmt", "problem"), [
    pytest.param("", "text", "is empty", id="empty"),
    pytest.param("n/a", "number", "'n/a' is not a number", id="not-a-number"),
    pytest.param("1/3/2026", "date", "is not a date written YYYY-MM-DD", id="not-a-date"),
])
def test_a_value_that_does_not_fit_its_format_is_refused(value: str, fmt: str, problem: str) -> None:
    with pytest.raises(ValueProblem, match=problem):
        format_value(value, fmt, "en")


# --- conditions --------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "value", "expected"), [
    pytest.param("jail = yes", "yes", True, id="equal-text"),
    pytest.param("jail = yes", "no", False, id="equal-text-false"),
    pytest.param("jail != yes", "no", True, id="not-equal"),
    pytest.param("population < 1000", "800", True, id="less"),
    pytest.param("population < 1000", "12500", False, id="less-false"),
    pytest.param("population <= 800", "800", True, id="less-or-equal"),
    pytest.param("population > 9999", "12500", True, id="greater-numeric-not-text"),
    pytest.param("population >= 12500", "12500", True, id="greater-or-equal"),
    pytest.param("population = 800.0", "800", True, id="numbers-compare-as-numbers"),
    pytest.param('town = "Santa Fe"', "Santa Fe", True, id="quoted-value"),
])
def test_conditions(written: str, value: str, expected: bool) -> None:
    condition = read_condition(written)
    assert isinstance(condition, Condition)
    assert holds(condition, value) is expected


@pytest.mark.parametrize("written", ["population", "population ~ 3", "1 = 1 or x", "__import__('os') = 1", "a = b c"])
def test_a_condition_outside_the_grammar_is_refused(written: str) -> None:
    assert isinstance(read_condition(written), str)


# --- placeholders and when-blocks in an edition ---------------------------------------------------


def test_placeholders_are_filled_per_row_as_text(make_project: Callable[..., Path]) -> None:
    body = "In {{< data town >}}: {{< data population number >}} people, {{< data share percent >}}.\n"
    for row, expected in ((0, "In Alba: 12,500 people, 25%."), (1, "In Brea: 800 people, 12%.")):
        edition, diagnostics, _root = edition_for(make_project, body, row)
        assert diagnostics.errors == []
        assert expected in section_html(edition)
        assert edition.place is not None and edition.name == f"b--county-officials--{edition.place.id}"


def test_a_value_is_never_markup(make_project: Callable[..., Path]) -> None:
    root = make_project({**project_files(body="Name: {{< data town >}}.\n"),
                         "briefs/data/towns.csv": "fips,town\n001,<script>alert(1)</script> *x*\n"})
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief = project.briefs["b"]
    assert brief.places is not None
    edition = assemble_edition(project, brief, project.audiences["press"], MarkdownCache(), diagnostics,
                               place=brief.places.rows[0])
    html = section_html(edition)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *x*" in html and "<script>" not in html and "<em>" not in html


def test_placeholders_in_titles_are_filled(make_project: Callable[..., Path]) -> None:
    root = make_project({**project_files(), "briefs/b.yaml": brief_yaml(["one"], title="'Costs in {{< data town >}}'",
                                                                         extra=PLACES)})
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief = project.briefs["b"]
    assert brief.places is not None
    edition = assemble_edition(project, brief, project.audiences["press"], MarkdownCache(), diagnostics,
                               place=brief.places.rows[1])
    assert edition.title == "Costs in Brea"


def test_spanish_edition_formats_in_spanish(make_project: Callable[..., Path]) -> None:
    body = "{{< data population number >}} / {{< data updated date >}}\n"
    root = make_project({**project_files(body=body), "briefs/audiences/vecinos.yaml": "label: Vecinos\nlanguage: es\n",
                         "briefs/sections/one.es.md": section_md("Uno", body)})
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief = project.briefs["b"]
    assert brief.places is not None
    edition = assemble_edition(project, brief, project.audiences["vecinos"], MarkdownCache(), diagnostics,
                               place=brief.places.rows[0])
    assert "12.500 / 1 de marzo de 2026" in section_html(edition)


WHEN_BODY = """Always.

::: {when="population >= 10000"}
Large town.

::: {audience="press"}
Press only, inside a large-town block.
:::
:::

::: {audience="county-officials"}
::: {when="jail = no"}
No jail, officials only.
:::
:::
"""


@pytest.mark.parametrize(("row", "audience", "shown", "hidden"), [
    pytest.param(0, "press", ["Large town.", "Press only"], ["No jail"], id="large-town-press"),
    pytest.param(0, "county-officials", ["Large town."], ["Press only", "No jail"], id="large-town-officials"),
    pytest.param(1, "county-officials", ["No jail, officials only."], ["Large town.", "Press only"],
                 id="small-town-officials"),
    pytest.param(1, "press", ["Always."], ["Large town.", "No jail", "Press only"], id="small-town-press"),
])
def test_when_blocks_and_audience_walls_together(make_project: Callable[..., Path], row: int, audience: str,
                                                 shown: list[str], hidden: list[str]) -> None:
    edition, diagnostics, _root = edition_for(make_project, WHEN_BODY, row, audience)
    assert diagnostics.errors == []
    html = section_html(edition)
    assert all(text in html for text in shown), html
    assert not any(text in html for text in hidden), html


def test_the_parse_is_shared_by_every_row(make_project: Callable[..., Path]) -> None:
    """A text is parsed once per audience; each row gets its own filled copy of the tokens."""
    root = make_project(project_files(body="In {{< data town >}}.\n"))
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief, cache = project.briefs["b"], MarkdownCache()
    assert brief.places is not None
    editions = [assemble_edition(project, brief, project.audiences["press"], cache, diagnostics, place=place)
                for place in brief.places.rows]
    assert len(cache._parsed) == 1
    assert "In Alba." in section_html(editions[0]) and "In Brea." in section_html(editions[1])


@pytest.mark.parametrize(("body", "where", "fragments"), [
    pytest.param("Text.\n\nSee {{< data nope >}}.\n", "briefs/sections/one.md:6",
                 ["unknown column 'nope' in '{{< data nope >}}'", "briefs/data/towns.csv:1 has the columns fips, town"],
                 id="unknown-column-in-placeholder"),
    pytest.param('::: {when="size > 3"}\nx\n:::\n', "briefs/sections/one.md:4",
                 ["unknown column 'size' in 'when=\"size > 3\"'", "briefs/data/towns.csv:1"],
                 id="unknown-column-in-condition"),
    pytest.param("{{< data town money >}}\n", "briefs/sections/one.md:4", ["unknown format 'money'"],
                 id="unknown-format"),
    pytest.param('::: {when="size ~ 3"}\nx\n:::\n', "briefs/sections/one.md:4",
                 ["cannot read the condition when=\"size ~ 3\""], id="condition-outside-the-grammar"),
    pytest.param("{{< data budget currency >}} {{< data jail number >}}\n", "briefs/data/towns.csv:2",
                 ["row '001', column 7 ('jail'): the value 'yes' is not a number",
                  "'{{< data jail number >}}' at briefs/sections/one.md:4 needs it"], id="malformed-value"),
])
def test_errors_are_located(make_project: Callable[..., Path], body: str, where: str, fragments: list[str]) -> None:
    root = make_project(project_files(body=body))
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief = project.briefs["b"]
    assert brief.places is not None
    assemble_edition(project, brief, project.audiences["press"], MarkdownCache(), diagnostics, place=brief.places.rows[0])
    found = [m for m in messages(diagnostics, root) if m.startswith(where + ":") and all(f in m for f in fragments)]
    assert found, messages(diagnostics, root)


def test_a_missing_value_is_located_at_its_row(make_project: Callable[..., Path]) -> None:
    root = make_project({**project_files(body="{{< data population number >}}\n"),
                         "briefs/data/towns.csv": "fips,town,population\n001,Alba,5\n002,Brea,\n"})
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    brief = project.briefs["b"]
    assert brief.places is not None
    for place in brief.places.rows:
        assemble_edition(project, brief, project.audiences["press"], MarkdownCache(), diagnostics, place=place)
    assert messages(diagnostics, root) == [
        "briefs/data/towns.csv:3: row '002', column 3 ('population'): the value is empty, but "
        "'{{< data population number >}}' at briefs/sections/one.md:4 needs it"]


def test_a_placeholder_in_a_brief_without_places_is_an_error(make_project: Callable[..., Path]) -> None:
    root = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "{{< data x >}}\n")})
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    assemble_edition(project, project.briefs["b"], project.audiences["press"], MarkdownCache(), diagnostics)
    assert any(m.startswith("briefs/sections/one.md:4:") and "has no 'places:' table" in m
               for m in messages(diagnostics, root)), messages(diagnostics, root)


def test_a_footnote_only_a_hidden_when_block_refers_to_is_dropped(make_project: Callable[..., Path]) -> None:
    body = 'Always[^a].\n\n::: {when="jail = no"}\nNo jail[^b].\n:::\n\n[^a]: Note a.\n[^b]: Note b.\n'
    shown, _diagnostics, _root = edition_for(make_project, body, 1)
    hidden, _diagnostics, _root = edition_for(make_project, body, 0)
    assert "Note a." in section_html(shown) and "Note b." in section_html(shown)
    assert "Note a." in section_html(hidden) and "Note b." not in section_html(hidden)
    only, _diagnostics, _root = edition_for(make_project, '::: {when="jail = no"}\nNo jail[^b].\n:::\n\n[^b]: Note b.\n', 0)
    assert "footnote" not in section_html(only)
