"""Chart fences: the spec is checked at parse time, every problem at the section's file and line,
any URL refused wherever it is written, and a good chart becomes a numbered figure in the token
stream (the shape every float maker emits). Nothing here draws a chart (see test_chart_builds.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.charts.data import read_chart_data, rows_for_place
from briefgen.charts.markdown_rule import chart_of
from briefgen.charts.spec import ChartSpec
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.parser import parse_markdown
from briefgen.model import MarkdownText

SECTION = Path("/project/briefs/sections/growth.md")
FIRST_LINE = 4
"""The file line the section's body starts on (after its front matter)."""

GOOD = """\
data: data/agreements.csv
mark: {type: line, point: true}
encoding:
  x: {field: date, type: temporal, title: As of, axis: {format: "%Y"}}
  y: {field: count, type: quantitative, title: Agreements}
caption: Agreements by date [@gao2021].
alt: Agreements rose from 35 in 2017 to 1,001 in 2025.
"""


def parse(body: str) -> tuple[list[str], list]:  # type: ignore[type-arg]
    """Diagnostics as ``path:line: message`` and the tokens, for a section body holding ``body``."""
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(body, SourceLocation(SECTION, FIRST_LINE)), diagnostics)
    return ([f"{d.location.path}:{d.location.line}: {d.message}; {d.hint}" for d in diagnostics.items if d.location],
            list(parsed.tokens))


def fenced(spec: str, info: str = "{.chart #fig-growth}") -> str:
    """Intro paragraph (file line 4), blank line, the fence opening on file line 6, its body from line 7."""
    return f"Intro.\n\n```{info}\n{spec}```\n\nAfter.\n"


def test_a_chart_becomes_a_figure_with_its_caption_parsed() -> None:
    problems, tokens = parse(fenced(GOOD))
    assert problems == []
    kinds = [token.type for token in tokens]
    start = kinds.index("figure_open")
    assert kinds[start:start + 6] == ["figure_open", "html_block", "figcaption_open", "inline", "figcaption_close",
                                      "figure_close"]
    figure, chart, caption_open, caption = tokens[start:start + 4]
    assert figure.attrs == {"id": "fig-growth", "class": "chart"}
    assert figure.meta == {"float_kind": "fig", "float_id": "fig-growth"}
    assert figure.map == [2, 11]  # the fence, from its opening line to after its closing one
    assert caption_open.meta == {"float_id": "fig-growth"}
    assert caption.content == "Agreements by date [@gao2021]."
    citations = [child for child in caption.children if child.type == "citation"]
    assert [item.key for item in citations[0].meta["citation"].items] == ["gao2021"]
    assert citations[0].meta["citation"].line == 12  # the caption's line in the file
    spec = chart_of(chart)
    assert isinstance(spec, ChartSpec)
    assert (spec.data, spec.mark, spec.has_points) == ("data/agreements.csv", "line", True)
    assert [(c.name, c.field, c.type, c.axis.format) for c in spec.channels] == [
        ("x", "date", "temporal", "%Y"), ("y", "count", "quantitative", None)]
    assert spec.alt.startswith("Agreements rose")
    assert chart.content == ""  # nothing raw reaches the page: the chart is drawn when the page is rendered


def test_the_side_class_is_kept_on_the_figure() -> None:
    problems, tokens = parse(fenced(GOOD, "{.chart .side #fig-growth}"))
    assert problems == []
    assert next(t for t in tokens if t.type == "figure_open").attrs["class"] == "chart side"


def test_an_ordinary_code_block_is_left_alone() -> None:
    problems, tokens = parse(fenced("data: x.csv\n", "yaml"))
    assert problems == []
    assert [t.type for t in tokens if t.type in ("fence", "figure_open")] == ["fence"]


BAD_SPECS = [
    pytest.param("data: data/a.csv\nmark: line: bar\n", 8, "not valid YAML", id="yaml-error"),
    pytest.param(GOOD.replace("mark:", "marks:"), 8, "unknown key 'marks' in the chart spec", id="unknown-top-key"),
    pytest.param(GOOD.replace("mark:", "marks:"), 8, "did you mean 'mark'?", id="did-you-mean"),
    pytest.param(GOOD.replace("type: temporal", "type: temporl"), 10, "encoding.x.type 'temporl'", id="bad-type"),
    pytest.param(GOOD.replace("{type: line,", "{type: pie,"), 8, "mark type 'pie' is not one briefgen draws", id="bad-mark"),
    pytest.param(GOOD.replace("title: As of,", "titel: As of,"), 10, "unknown key 'titel' in encoding.x", id="channel-key"),
    pytest.param(GOOD.replace('format: "%Y"', 'format: "Y"'), 10, "'Y' is not a time format", id="bad-time-format"),
    pytest.param(GOOD.replace("caption: Agreements by date [@gao2021].\n", ""), 6, "has no caption", id="no-caption"),
    pytest.param(GOOD.replace("data: data/agreements.csv\n", ""), 6, "the chart has no data", id="no-data"),
    pytest.param(GOOD.replace("data/agreements.csv", "data/agreements.xlsx"), 7, "is not a .csv, .tsv or .json file",
                 id="not-csv"),
    pytest.param(GOOD + "width: 9000\n", 14, "width must be a whole number of pixels", id="bad-width"),
    pytest.param("- a\n- b\n", 6, "not a mapping", id="not-a-mapping"),
]


@pytest.mark.parametrize(("spec", "line", "message"), BAD_SPECS)
def test_spec_errors_are_at_the_section_file_and_line(spec: str, line: int, message: str) -> None:
    problems, tokens = parse(fenced(spec))
    assert any(p.startswith(f"{SECTION}:{line}: ") and message in p for p in problems), problems
    assert not any(t.type == "figure_open" for t in tokens)


def test_a_chart_needs_a_fig_id() -> None:
    problems, _ = parse(fenced(GOOD, "{.chart #tbl-growth}"))
    assert problems == [f"{SECTION}:6: a chart needs an id starting with 'fig-' (found 'tbl-growth'); "
                        "write the fence as ```{.chart #fig-name} (letters, digits, - and _)"]


URLS = [
    pytest.param(GOOD.replace("data: data/agreements.csv", "data: {url: 'https://example.org/a.csv'}"), 7, "'url'",
                 id="data-url"),
    pytest.param(GOOD.replace("data: data/agreements.csv", "data: https://example.org/a.csv"), 7, "https://example.org",
                 id="data-address"),
    pytest.param(GOOD.replace("  y:", "  href: {field: link, type: nominal}\n  y:"), 11, "'href'", id="href-encoding"),
    pytest.param(GOOD.replace("{type: line, point: true}", "image"), 8, "image marks are refused", id="image-mark"),
    pytest.param(GOOD.replace("{type: line, point: true}", "{type: image, url: 'http://x/p.png'}"), 8, "image marks",
                 id="image-mark-object"),
    pytest.param("$schema: https://vega.github.io/schema/vega-lite/v5.json\n" + GOOD, 7, "'$schema'", id="schema"),
    pytest.param(GOOD.replace("title: As of", "title: 'file:///etc/passwd'"), 10, "file:///etc/passwd", id="file-url"),
    pytest.param(GOOD.replace("title: Agreements}", "title: //example.org/x}"), 11, "//example.org", id="scheme-less"),
]


@pytest.mark.parametrize(("spec", "line", "what"), URLS)
def test_any_url_in_a_spec_is_refused_at_its_line(spec: str, line: int, what: str) -> None:
    problems, tokens = parse(fenced(spec))
    refused = [p for p in problems if p.startswith(f"{SECTION}:{line}: ") and what in p]
    assert refused and ("URL" in refused[0] or "never loads" in refused[0] or "refused" in refused[0]), problems
    assert not any(t.type == "figure_open" for t in tokens)


def test_a_url_in_the_caption_is_text_for_readers_not_refused() -> None:
    problems, _ = parse(fenced(GOOD.replace("caption: Agreements by date", "caption: See https://example.org,")))
    assert problems == []


# --- the data file -------------------------------------------------------------------------------


def spec_of(body: str = GOOD) -> ChartSpec:
    _, tokens = parse(fenced(body))
    spec = next(chart_of(t) for t in tokens if chart_of(t) is not None)
    assert spec is not None
    return spec


def read_data(tmp_path: Path, files: dict[str, bytes], spec: ChartSpec | None = None) -> tuple[list[str], object]:
    root = tmp_path / "project"
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    (root / "briefs").mkdir(parents=True, exist_ok=True)
    diagnostics = Diagnostics()
    location = SourceLocation(root / "briefs/sections/growth.md", FIRST_LINE)
    spec = spec or spec_of()
    data = read_chart_data(spec, root / "briefs", root, location, diagnostics)
    if data is not None:  # the rows a chart without a place draws: all of them, their values checked
        data = rows_for_place(spec, data, None, diagnostics)
    shown = [f"{d.location.display(root)}: {d.message}" for d in diagnostics.items if d.location]
    return shown, data


GOOD_CSV = b"date,count,source\n2017-01,35,crs\n2025-09-17,1001,dhs\n"


def test_good_data_is_read_into_typed_rows(tmp_path: Path) -> None:
    problems, data = read_data(tmp_path, {"briefs/data/agreements.csv": GOOD_CSV})
    assert problems == []
    assert data.columns == ("date", "count")  # type: ignore[attr-defined]
    assert data.rows == (("2017-01", 35.0), ("2025-09-17", 1001.0))  # type: ignore[attr-defined]
    assert data.texts == (("2017-01", "35"), ("2025-09-17", "1001"))  # type: ignore[attr-defined]


BAD_DATA = [
    pytest.param(b"date,count\n2017-01,35\n2018-01,35,extra\n", "briefs/data/agreements.csv:3", "has 3 values", id="ragged"),
    pytest.param(b"date,count\n2017-01,35\n\n2018-01,many\n", "briefs/data/agreements.csv:4",
                 "'many' in column 'count' is not a number", id="bad-number"),
    pytest.param(b"date,count\n2017-01,35\n2018-01,1,000\n", "briefs/data/agreements.csv:3", "has 3 values", id="comma-number"),
    pytest.param(b"date,count\nJan 2017,35\n", "briefs/data/agreements.csv:2", "'Jan 2017' in column 'date' is not a date",
                 id="bad-date"),
    pytest.param(b"date,count\n2017-01,35\n2018-01,\xff\xfe\n", "briefs/data/agreements.csv:3", "not UTF-8", id="encoding"),
    pytest.param(b'date,count\n2017-01,"35\n', "briefs/data/agreements.csv:2", "cannot be read", id="open-quote"),
    pytest.param(b"date,number\n2017-01,35\n", "briefs/sections/growth.md:11", "has no column 'count'", id="missing-column"),
]


@pytest.mark.parametrize(("csv", "where", "message"), BAD_DATA)
def test_bad_data_is_an_error_at_its_line(tmp_path: Path, csv: bytes, where: str, message: str) -> None:
    problems, data = read_data(tmp_path, {"briefs/data/agreements.csv": csv})
    assert data is None
    assert any(p.startswith(where + ": ") and message in p for p in problems), problems


def test_a_missing_column_suggests_the_close_one(tmp_path: Path) -> None:
    problems, _ = read_data(tmp_path, {"briefs/data/agreements.csv": b"date,counts\n2017-01,35\n"})
    assert problems == ["briefs/sections/growth.md:11: the data file 'data/agreements.csv' has no column 'count'"]


def test_json_data_is_read_and_its_syntax_errors_located(tmp_path: Path) -> None:
    spec = spec_of(GOOD.replace("agreements.csv", "agreements.json"))
    problems, data = read_data(tmp_path, {"briefs/data/agreements.json": b'[{"date": "2017-01", "count": 35}]'}, spec)
    assert problems == [] and data.rows == (("2017-01", 35.0),)  # type: ignore[attr-defined]
    problems, data = read_data(tmp_path, {"briefs/data/agreements.json": b'[\n{"date": "2017-01",\n "count": }]'}, spec)
    assert data is None and problems[0].startswith("briefs/data/agreements.json:3: the JSON file cannot be read")


@pytest.mark.parametrize(("path", "message"), [
    pytest.param("../../outside.csv", "is outside the project", id="dot-dot"),
    pytest.param("/etc/passwd.csv", "is outside the project", id="absolute"),
    pytest.param("data/missing.csv", "does not exist", id="missing"),
])
def test_data_only_from_files_inside_the_project(tmp_path: Path, path: str, message: str) -> None:
    (tmp_path / "outside.csv").write_bytes(GOOD_CSV)
    problems, data = read_data(tmp_path, {}, spec_of(GOOD.replace("data/agreements.csv", path)))
    assert data is None
    assert problems == [f"briefs/sections/growth.md:7: data file '{path}' {message}"]


def test_data_within_the_size_limit(tmp_path: Path) -> None:
    big = b"date,count\n" + b"2017-01,35\n" * (5 * 1024 * 1024 // 11 + 10)
    problems, data = read_data(tmp_path, {"briefs/data/agreements.csv": big})
    assert data is None and problems[0].startswith("briefs/sections/growth.md:7: data file 'data/agreements.csv' is larger than")


def test_a_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_bytes(GOOD_CSV)
    root = tmp_path / "project"
    (root / "briefs/data").mkdir(parents=True)
    (root / "briefs/data/agreements.csv").symlink_to(tmp_path / "secret.csv")
    problems, data = read_data(tmp_path, {})
    assert data is None and problems == ["briefs/sections/growth.md:7: data file 'data/agreements.csv' is outside the project"]
