"""Charts in built editions: drawn with vl-convert into the page as labelled vector SVG, with
the data as a table in the HTML edition, in the edition's language, theme and fonts; cached by
content; rebuilt when the data changes; never a network request; alt text required for PDF/UA
and carried into the PDF's structure tree as the Figure's /Alt.

Every test here starts vl-convert's JavaScript engine (~0.8 s the first time in a process)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import briefgen.charts.vega
from briefgen.build.inputs import edition_inputs
from conftest import brief_yaml, run_cli, section_md
from counting_server import CountingServer, without_proxies

pytestmark = pytest.mark.slow

ALT = "Agreements fell from 72 in 2011 to 35 in 2017, then rose to 1,001 in 2025."
CHART = """\
Before the chart.

```{{.chart #fig-growth}}
data: data/agreements.csv
mark: {{type: line, point: true}}
encoding:
  x: {{field: date, type: temporal, title: As of, axis: {{format: "%b %Y"}}}}
  y: {{field: count, type: quantitative, title: Agreements}}
caption: Agreements by date [@gao2021].
{alt}```

After the chart.
"""
CSV = "date,count,source\n2011,72,crs\n2017-01,35,crs\n2025-09-17,1001,dhs\n"


def chart_project(make_project, alt: str = f"alt: {ALT}\n", extra: dict[str, str] | None = None) -> Path:  # type: ignore[no-untyped-def]
    """Section 'one' (body from file line 4; the fence opens on line 6) with a chart of data/agreements.csv."""
    return make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("Growth", CHART.format(alt=alt)),
        "briefs/data/agreements.csv": CSV,
        **(extra or {}),
    })


def build(project: Path, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = run_cli(["build", *args], cwd=project)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(autouse=True)
def fresh_renderer() -> None:
    """Each test starts with no drawing kept in this process."""
    briefgen.charts.vega.chart_renderer.cache_clear()


def svg_of(html: str) -> str:
    match = re.search(r'<div class="chart-image">(<svg.*?</svg>)</div>', html, re.S)
    assert match, "no chart in the page"
    return match.group(1)


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_the_html_edition_shows_the_chart_as_labelled_svg_and_its_data_as_a_table(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project)
    build(project, "-f", "html", "-a", "press")
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure id="fig-growth" class="chart">(.*?)</figure>', html, re.S)
    assert figure, "the chart is a figure with its id"
    svg = svg_of(figure.group(1))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert f'role="img" aria-label="{ALT}"' in svg and f"<title>{ALT}</title>" in svg
    assert "<script" not in svg and "href" not in svg and "foreignObject" not in svg
    assert 'font-family="&quot;Source Sans 3&quot;"' in svg  # the theme's heading face (embedded in the page), quoted
    assert "#1d4e89" in svg  # the theme's accent colour draws the line
    texts = svg_texts(svg)
    assert "1,000" in texts and any(re.fullmatch(r"Jan 20\d\d", text) for text in texts), texts  # English formats
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure.group(1), re.S)
    assert caption and "Agreements by date" in caption.group(1) and 'href="#ref-gao2021"' in caption.group(1)
    details = re.search(r'<details class="chart-data"><summary>Data behind the chart</summary>(.*?)</details>',
                        figure.group(1), re.S)
    assert details, "the data is offered in a details element"
    table = details.group(1)
    assert re.findall(r'<th scope="col">([^<]*)</th>', table) == ["As of", "Agreements"]
    assert re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", table) == [
        ("2011", "72"), ("2017-01", "35"), ("2025-09-17", "1,001")]  # numbers as the text writes them


def test_a_spanish_edition_formats_numbers_and_dates_in_spanish(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project, extra={
        "briefs/audiences/lectores.yaml": "label: Lectores\nlanguage: es\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [lectores]\n"),
        "briefs/sections/one.es.md": section_md("Crecimiento", CHART.format(alt=f"alt: {ALT}\n")),
    })
    build(project, "-f", "html")
    html = (project / "output/b--lectores.html").read_text(encoding="utf-8")
    texts = set(svg_texts(svg_of(html)))
    assert "1\u00a0000" in texts, texts  # thousands as the Spanish text writes them (a no-break space)
    assert any(re.fullmatch(r"ene 20\d\d", text) for text in texts), texts  # es-ES month names
    assert "1,000" not in texts and not any(text.startswith("Jan ") for text in texts)
    assert "<summary>Datos del gráfico</summary>" in html
    assert "<td>1001</td>" in html  # four digits take no separator in Spanish (RAE), as in the data tables


def test_the_large_print_theme_sets_the_chart_in_its_face_and_size(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project, extra={
        "briefs/audiences/big.yaml": "label: Big\ntheme: large-print\n",
        "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [big, press]\n"),
    })
    build(project, "-f", "html")
    big = svg_of((project / "output/b--big.html").read_text(encoding="utf-8"))
    standard = svg_of((project / "output/b--press.html").read_text(encoding="utf-8"))
    assert 'font-family="&quot;Atkinson Hyperlegible&quot;"' in big
    size = re.compile(r'font-size="(\d+)px"')
    assert min(map(int, size.findall(big))) > max(map(int, size.findall(standard)))


def test_a_rebuild_reuses_the_drawing_without_calling_the_renderer(make_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project)
    build(project, "-f", "html", "-a", "press")
    kept = list((project / "output/.briefgen-cache/charts").glob("*.svg"))
    assert len(kept) == 1
    first = (project / "output/b--press.html").read_text(encoding="utf-8")
    section = project / "briefs/sections/one.md"
    section.write_text(section.read_text(encoding="utf-8").replace("After the chart.", "Text after the chart."))
    briefgen.charts.vega.chart_renderer.cache_clear()  # as in a new process: only the build cache has it

    def must_not_draw(*args: object) -> str:
        raise AssertionError("the chart was drawn again although nothing it is made from changed")

    monkeypatch.setattr(briefgen.charts.vega, "draw_svg", must_not_draw)
    second = build(project, "-f", "html", "-a", "press")
    assert "wrote" in second.output  # the edition was rebuilt (its text changed) ...
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "Text after the chart." in html and svg_of(html) == svg_of(first)  # ... with the same drawing


def test_changing_the_data_rebuilds_the_edition_and_the_chart(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project)
    build(project, "-f", "html", "-a", "press")
    assert "0 edition(s) built, 1 up to date" in build(project, "-f", "html", "-a", "press").output
    (project / "briefs/data/agreements.csv").write_text(CSV.replace("1001", "1372"))
    third = build(project, "-f", "html", "-a", "press")
    assert "1 edition(s) built" in third.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "<td>1,372</td>" in html and "<td>1,001</td>" not in html
    assert len(list((project / "output/.briefgen-cache/charts").glob("*.svg"))) == 2


def test_the_data_file_is_an_input_of_the_edition(make_project) -> None:  # type: ignore[no-untyped-def]
    from briefgen.build.assemble import MarkdownCache, assemble_edition
    from briefgen.build.inputs import InputHashes, read_text_inputs
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    project_dir = chart_project(make_project)
    project = load_project(project_dir, Diagnostics())
    brief, audience = project.briefs["b"], project.audiences["press"]
    edition = assemble_edition(project, brief, audience, MarkdownCache(), Diagnostics())
    text = read_text_inputs(edition)
    data_file = (project_dir / "briefs/data/agreements.csv").resolve()
    assert [path.resolve() for path in text.data] == [data_file]
    inputs = edition_inputs(project, brief, audience, [], text, InputHashes(project))
    assert data_file in inputs.paths  # what watch watches
    (project_dir / "briefs/data/agreements.csv").write_text(CSV + "2026,1372,fwd\n")
    assert edition_inputs(project, brief, audience, [], text, InputHashes(project)).key != inputs.key


def test_the_renderer_makes_no_network_request(make_project) -> None:  # type: ignore[no-untyped-def]
    """A whole build with a chart asks the counting server nothing; and vl-convert, called as
    briefgen calls it (no base URL allowed), refuses even a data URL given to it directly."""
    with without_proxies(), CountingServer() as server:
        project = chart_project(make_project, extra={
            "briefs/sections/one.md": section_md("Growth", CHART.format(alt=f"alt: {ALT}\n")
                                                 + f"\nSee {server.url('/agreements.csv')}.\n")})
        build(project, "-f", "html", "-a", "press")
        vega = {"data": {"url": server.url("/agreements.csv")}, "mark": "point",
                "encoding": {"x": {"field": "a", "type": "quantitative"}}}
        with pytest.raises(Exception, match="(?i)url|allowed|denied|permission"):
            briefgen.charts.vega.draw_svg(vega, ("en-US", ","))
        assert server.connections == 0 and not server.hits


def test_a_chart_without_alt_is_a_warning_and_an_error_for_a_pdf_ua_pdf(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project, alt="")
    html_only = build(project, "-f", "html", "-a", "press")
    assert "briefs/sections/one.md:6: warning: chart 'fig-growth' has no alt text" in html_only.output


@pytest.mark.pdf
def test_a_pdf_ua_pdf_of_a_chart_without_alt_is_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    project = chart_project(make_project, alt="")
    refused = build(project, "-f", "pdf", "-a", "press", code=1)
    assert "briefs/sections/one.md:6: error: chart 'fig-growth' has no alt text (required in a pdf/ua-1 PDF)" in refused.output
    assert not (project / "output/b--press.pdf").exists()


@pytest.mark.pdf
def test_the_pdf_tags_the_chart_as_a_figure_with_its_alt_text(make_project) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    project = chart_project(make_project)
    build(project, "-f", "pdf", "-a", "press")
    with pikepdf.open(project / "output/b--press.pdf") as pdf:
        figures = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            if isinstance(kids, pikepdf.Array):
                stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
        fonts = {str(font.BaseFont).split("+")[-1] for page in pdf.pages
                 for font in (page.Resources.get("/Font") or {}).values()}
    assert ALT in figures, figures
    # the chart's text is set in the theme's bundled faces: no machine font (DejaVu) stands in for it
    assert fonts and all(name.startswith(("Source-Sans-3", "Source-Serif-4")) for name in fonts), fonts
    text = subprocess.run(["pdftotext", str(project / "output/b--press.pdf"), "-"], capture_output=True,
                                        text=True, check=True).stdout
    assert re.search(r"Jan 20\d\d", text) and "Agreements by date" in text
    assert "Data behind the chart" not in text  # the table is for the HTML edition
