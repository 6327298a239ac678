"""Nothing the author writes becomes code: not in the page's CSS, not in the PDF's links,
not in a spreadsheet opened from `matrix --format csv`, not inside an SVG image.

Each test makes a hostile project and builds it for real; the HTML is parsed back, the
CSS read with tinycss2 (WeasyPrint's own CSS parser), the PDF read with pypdf.
tests/test_injection_browser.py opens the same pages in Chromium.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import tinycss2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.render.css import css_string, style_element_text
from briefgen.render.svg import svg_problem
from briefgen.reports.matrix import Matrix, MatrixRow, matrix_csv
from briefgen.watch.server import with_reload_script
from conftest import (
    assert_clean_error,
    brief_yaml,
    builtin_audiences,
    make_brief,
    make_section,
    render_edition,
    run_cli,
    section_md,
)
from html_safety import parse_page, unsafe_markup

HOSTILE_NAMES = [
    pytest.param("Lab</style><script>alert(1)</script><style>", id="end-of-style"),
    pytest.param('Lab";}\n@import url(http://127.0.0.1:9/x.css);\nbody{background:url(http://127.0.0.1:9/y.png)}\n',
                 id="newline-css"),
    pytest.param("Lab\\\";} @import 'http://127.0.0.1:9/z.css'; a{", id="backslash-quote"),
    pytest.param("Lab\n}} body{background:url(http://127.0.0.1:9/bg.png)} a{", id="newline-closes-page-rule"),
    pytest.param("Lab</STYLE ><img src=x onerror=alert(2)><style>", id="upper-case-end"),
    pytest.param("Lab<!--</style><script>alert(3)</script>-->", id="comment-trick"),
    pytest.param("Lab\u2028\x0c\x0b\u0085 end", id="odd-breaks"),
]

LONG_SECTION = "\n\n".join(["The county reviewed its agreement and the costs of the program, year by year. " * 6] * 8)


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (newlines and backslashes kept)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\u2028", "\\L")
    escaped = escaped.replace("\x0c", "\\f").replace("\x0b", "\\v").replace("\x00", "\\0").replace("\x85", "\\N")
    return f'"{escaped}"'


class _Styles(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.scripts = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self._in_style = tag == "style"
        if tag == "style":
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles[-1] += data


def page_styles(html: str) -> _Styles:
    parser = _Styles()
    parser.feed(html)
    parser.close()
    return parser


def outside_references(css: str) -> list[str]:
    """Every at-rule and every url() in ``css`` that is not an embedded data: URI."""
    found: list[str] = []

    def walk(nodes: list) -> None:  # type: ignore[type-arg]
        for node in nodes:
            kind = node.type
            if kind == "at-rule":
                if node.lower_at_keyword not in ("page", "font-face", "media", "top-left", "top-right", "top-center",
                                                 "bottom-left", "bottom-right", "bottom-center"):
                    found.append("@" + node.at_keyword)
                walk(node.prelude)
                walk(tinycss2.parse_blocks_contents(node.content or []))
            elif kind == "qualified-rule":
                walk(node.prelude)
                walk(tinycss2.parse_blocks_contents(node.content))
            elif kind == "declaration":
                walk(node.value)
            elif kind == "url" and not node.value.startswith("data:"):
                found.append(node.value)
            elif kind == "function":
                if node.lower_name == "url":
                    found.append(tinycss2.serialize(node.arguments))
                walk(node.arguments)
            elif kind in ("() block", "[] block", "{} block"):
                walk(node.content)
            elif kind == "at-keyword":
                found.append("@" + node.value)

    walk(tinycss2.parse_stylesheet(css))
    return found


def running_header(css: str) -> list[str]:
    """The strings of the @top-left content in the @page rules made for the edition."""
    values: list[str] = []
    for rule in tinycss2.parse_stylesheet(css):
        if rule.type != "at-rule" or rule.lower_at_keyword != "page":
            continue
        for inner in tinycss2.parse_blocks_contents(rule.content or []):
            if inner.type == "at-rule" and inner.lower_at_keyword == "top-left":
                for declaration in tinycss2.parse_blocks_contents(inner.content or []):
                    if declaration.type == "declaration" and declaration.lower_name == "content":
                        values += [token.value for token in declaration.value if token.type == "string"]
    return values


# --- CSS strings ---------------------------------------------------------------------------------


@given(st.text())
def test_any_text_is_one_css_string_that_reads_back_the_same(text: str) -> None:
    written = css_string(text)
    assert "<" not in written and ">" not in written and "\n" not in written and "\r" not in written
    tokens = tinycss2.parse_component_value_list(written)
    assert [token.type for token in tokens] == ["string"]
    expected = "".join("\ufffd" if char == "\x00" or 0xD800 <= ord(char) <= 0xDFFF else char for char in text)
    assert tokens[0].value == expected


def test_a_style_element_never_receives_its_own_end() -> None:
    assert style_element_text("a { color: red }") == "a { color: red }"
    for bad in ("a{}</style><script>", "a{}</STYLE", "<!-- a{}", "a{} -->"):
        with pytest.raises(ValueError):
            style_element_text(bad)


# --- the HTML and PDF editions -------------------------------------------------------------------


_ORGANIZATIONS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40) | st.sampled_from(
    ["</style>", "</style ", "<!--", "-->", '"\n}', "\\", "\\\n", "'\n@import 'x';", "\r\n}} a{", "\x00\x0c"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organization=_ORGANIZATIONS, title=_ORGANIZATIONS)
def test_any_organization_or_title_is_one_css_string_in_one_style_element(organization: str, title: str) -> None:
    for brief in (make_brief(["one"], organization=organization, title=title), make_brief(["one"], title=title)):
        html, _table, _problems = render_edition(brief, [make_section("one")], "press")
        styles = page_styles(html)
        assert styles.scripts == 0 and len(styles.styles) == 1
        expected = brief.organization or brief.title
        assert running_header(styles.styles[0]) == ["".join("\ufffd" if c == "\x00" else c for c in expected)]
        assert outside_references(styles.styles[0]) == []


def hostile_project(make_project: Callable[..., Path], name: str, *, as_title: bool = False) -> Path:
    manifest = (f"title: {yaml_string(name)}\nsections:\n  - one\n" if as_title
                else brief_yaml(["one"], extra=f"organization: {yaml_string(name)}\n"))
    return make_project({"briefs/b.yaml": manifest, "briefs/sections/one.md": section_md("One", LONG_SECTION + "\n")})


@pytest.mark.parametrize("as_title", [False, True], ids=["organization", "title-without-organization"])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_organization_or_title_stays_text_in_the_html(make_project: Callable[..., Path], name: str,
                                                               as_title: bool) -> None:
    project = hostile_project(make_project, name, as_title=as_title)
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    styles = page_styles(html)
    assert styles.scripts == 0 and len(styles.styles) == 1, "the page has one <style> element and no script"
    assert unsafe_markup(html) == []
    css = styles.styles[0]
    assert outside_references(css) == [], "the page's CSS loads nothing and imports nothing"
    assert running_header(css) == [name.strip()], "the running header reads the author's text, character for character"
    assert " ".join(name.split()) in parse_page(html).text


@pytest.mark.pdf
@pytest.mark.parametrize("name", [
    HOSTILE_NAMES[0], HOSTILE_NAMES[1],
    pytest.param('Lab</style><a href="javascript:alert(1)">run</a> <a href="file:///etc/passwd">open</a><style>',
                 id="links-after-end-of-style"),
])
def test_a_hostile_organization_prints_as_text_and_links_nowhere_in_the_pdf(make_project: Callable[..., Path],
                                                                           name: str) -> None:
    project = hostile_project(make_project, name)
    result = run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(project / "output" / "b--press.pdf")
    assert len(reader.pages) >= 2, "the running header shows from the second page on"
    assert pdf_actions(reader) == [], "no link, script or launch action"
    header = " ".join(reader.pages[1].extract_text().split())
    assert " ".join(name.split()) in header, header
    assert reader.metadata is not None and reader.metadata.get("/Author") == name.strip()


def pdf_actions(reader: pypdf.PdfReader) -> list[str]:
    """Every action in the PDF: link URIs, JavaScript, launches; internal destinations are left out."""
    actions: list[str] = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                actions.append(f"{action.get('/S')} {action.get('/URI', action.get('/JS', action.get('/F', '')))}")
    catalog = reader.trailer["/Root"]
    if "/OpenAction" in catalog or "/AA" in catalog:
        actions.append("document action")
    names = catalog.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        actions.append("document JavaScript")
    return actions


@pytest.mark.pdf
def test_author_links_in_the_pdf_only_reach_the_web_mail_or_the_brief(make_project: Callable[..., Path]) -> None:
    body = ("Read [the report](https://example.org/report) or [write](mailto:office@example.org).\n\n"
            "Not [a script](javascript:alert(1)), [a file](file:///etc/passwd), [data](data:text/html,<b>x</b>),\n"
            "[a relative file](notes.pdf), [a folder](../../secret/), [a script with spaces]( JaVaScRiPt:alert(2) ),\n"
            "[vb](vbscript:msgbox(1)) or [an entity](&#106;avascript:alert(3)).\n\n"
            "[Back to the top](#main)\n\n" + LONG_SECTION + "\n")
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", body)})
    result = run_cli(["build", "-f", "pdf", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(project / "output" / "b--press.pdf")
    actions = pdf_actions(reader)
    # a file beside the PDF stays a relative link, as another brief's PDF does; nothing reaches out of its folder
    assert sorted(actions) == ["/URI https://example.org/report", "/URI mailto:office@example.org", "/URI notes.pdf"]
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "a file, data, a relative file, a folder" in text, "link texts stay"
    assert str(project) not in text and "file:" not in "".join(actions)
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []


# --- plain-text metadata ----------------------------------------------------------------------


EXACT = "Costs grew 2*3 times; C# flagged case_id 17 > 10"


@pytest.mark.pdf
@pytest.mark.parametrize(("summary", "subtitle", "expected"), [
    pytest.param(EXACT, "", EXACT, id="summary-as-written"),
    pytest.param("Costs *grew* `2*3` times [@gao2021]; see **C# & F#** <b>now</b>.", "",
                 "Costs grew 2*3 times; see C# & F# <b>now</b>.", id="markdown-and-citation"),
    pytest.param('He said "no" -- twice... (c) \'yes\'', "", 'He said "no" -- twice... (c) \'yes\'', id="typed-quotes"),
    pytest.param("Public text.\n\n::: {audience=\"county-officials\"}\nOfficials only.\n:::\n", "", "Public text.",
                 id="audience-block-left-out"),
    pytest.param("Costs grew[^a] \\*a lot\\* &amp; more.\n\n[^a]: The footnote.\n", "",
                 "Costs grew *a lot* & more.", id="footnote-and-escapes"),
    pytest.param(None, "Subtitle with 2*3 and C# and snake_case and # and > too", "Subtitle with 2*3 and C# and "
                 "snake_case and # and > too", id="plain-subtitle"),
])
def test_page_description_and_pdf_subject_are_the_text_a_reader_sees(
        make_project: Callable[..., Path], summary: str | None, subtitle: str, expected: str) -> None:
    extra = (f"summary: {yaml_string(summary)}\n" if summary is not None else "") + \
        (f"subtitle: {yaml_string(subtitle)}\n" if subtitle else "")
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra=extra),
                            "briefs/sections/one.md": section_md("One", "Text.\n")})
    result = run_cli(["build", "-f", "html", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    page = parse_page((project / "output" / "b--press.html").read_text(encoding="utf-8"))
    assert page.attribute("meta", name="description") == expected
    assert page.attribute("meta", property="og:description") == expected
    assert page.attribute("meta", name="twitter:description") == expected
    metadata = pypdf.PdfReader(project / "output" / "b--press.pdf").metadata
    assert metadata is not None and metadata.get("/Subject") == expected


@pytest.mark.pdf
def test_pdf_title_author_and_keywords_keep_the_authors_characters(make_project: Callable[..., Path]) -> None:
    title = "C# & 2*3 > 1: the case_id <review>"
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], title=yaml_string(title),
                                    extra='authors: ["Ana *Star* O\'Neil"]\norganization: "R&D_Lab <West>"\n'),
        "briefs/sections/one.md": section_md("One", "Text.\n", front="tags: [\"C#\", \"2*3\"]\n")})
    result = run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    metadata = pypdf.PdfReader(project / "output" / "b--press.pdf").metadata
    assert metadata is not None
    assert metadata.get("/Title") == f"{title} — Press"
    assert metadata.get("/Author") == "Ana *Star* O'Neil, R&D_Lab <West>"
    assert metadata.get("/Keywords") == "C#, 2*3, Press"


# --- matrix --format csv ----------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://127.0.0.1/x","click")', "+1+2", "-2+3", "@SUM(A1:A9)", "=1+1\tTabbed"]


def test_matrix_csv_cells_never_start_a_formula(make_project: Callable[..., Path]) -> None:
    files = {f"briefs/sections/s{index}.md": section_md(yaml_string(title), "Text.\n")
             for index, title in enumerate([*FORMULAS, "A plain title", "Costs - and benefits"])}
    sections = [f"s{index}" for index in range(len(FORMULAS) + 2)]
    project = make_project({"briefs/b.yaml": brief_yaml(sections), **files})
    result = run_cli(["matrix", "b", "--format", "csv"], cwd=project)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    titles = {row[0]: row[1] for row in rows[1:-1]}
    for index, formula in enumerate(FORMULAS):
        assert titles[f"s{index}"] == "'" + formula, titles
    assert titles[f"s{len(FORMULAS)}"] == "A plain title"
    assert titles[f"s{len(FORMULAS) + 1}"] == "Costs - and benefits"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize("title", ["\tcmd", "\r=1+1", "=1", "+1", "-1", "@A1"])
def test_a_matrix_cell_starting_with_a_tab_or_return_is_quoted_too(title: str) -> None:
    brief = make_brief(["s"])
    matrix = Matrix(brief, (builtin_audiences()["press"],), (MatrixRow("s", title, (True,)),), (3,))
    rows = list(csv.reader(io.StringIO(matrix_csv(matrix), newline="")))
    assert rows[1] == ["s", "'" + title, "yes"]


# --- values that reach CSS are checked ------------------------------------------------------------


@pytest.mark.parametrize("value", ['"letter; } body { background: url(http://127.0.0.1/x) } @page {"',
                                   '"a4</style><script>alert(1)</script>"'])
def test_paper_and_theme_are_checked_against_their_lists(make_project: Callable[..., Path], value: str) -> None:
    for key in ("paper", "theme"):
        project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                                "briefs/sections/one.md": section_md("One", "Text.\n"),
                                "briefs/audiences/press.yaml": f"label: Press\n{key}: {value}\n"})
        result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
        assert_clean_error(result, "briefs/audiences/press.yaml:2:", f"'{key}'")
        assert not (project / "output" / "b--press.html").exists()


# --- SVG images ------------------------------------------------------------------------------------


SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="10" height="10" viewBox="0 0 10 10">')
OUTSIDE = "refers to another file or site"
SCRIPT = "could run a script"
NOT_ALLOWED = "which briefgen does not allow in an image"

HOSTILE_SVGS = [
    pytest.param(SVG_OPEN + "<script>alert(1)</script></svg>", SCRIPT, id="script"),
    pytest.param(SVG_OPEN.replace("<svg ", '<svg onload="alert(1)" ') + "</svg>", SCRIPT, id="onload"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" onclick="alert(1)"/></svg>', SCRIPT, id="onclick"),
    pytest.param(SVG_OPEN + '<a href="javascript:alert(1)"><rect width="5" height="5"/></a></svg>', SCRIPT,
                 id="javascript-link"),
    pytest.param(SVG_OPEN + '<foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
                 "</foreignObject></svg>", NOT_ALLOWED, id="foreign-object"),
    pytest.param(SVG_OPEN + '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>', SCRIPT,
                 id="xhtml-script"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" style="fill: \\75 rl(http://127.0.0.1/a.png)"/></svg>',
                 OUTSIDE, id="css-escape-url"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" style="fill: u&#x72;l(http://127.0.0.1/a.png)"/></svg>',
                 OUTSIDE, id="entity-encoded-url"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" fill="url(\'file:///etc/passwd\')"/></svg>', OUTSIDE,
                 id="fill-url-file"),
    pytest.param(SVG_OPEN + '<style>@import url(http://127.0.0.1/x.css);</style></svg>', OUTSIDE, id="import"),
    pytest.param(SVG_OPEN + '<style>@\\69mport "http://127.0.0.1/x.css"; rect{fill:red}</style></svg>', OUTSIDE,
                 id="escaped-import"),
    pytest.param(SVG_OPEN + '<style><![CDATA[rect { fill: URL( "http://127.0.0.1/p.png" ) }]]></style></svg>',
                 OUTSIDE, id="cdata-upper-case-url"),
    pytest.param('<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>' + SVG_OPEN + "</svg>", NOT_ALLOWED,
                 id="dtd-default-attribute"),
    pytest.param('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG_OPEN + "<text>&x;</text></svg>",
                 NOT_ALLOWED, id="external-entity"),
    pytest.param('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                 + SVG_OPEN + "<text>&b;</text></svg>", NOT_ALLOWED, id="entity-expansion"),
    pytest.param(SVG_OPEN + '<image width="5" height="5" href="data:image/svg+xml;base64,'
                 'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="/></svg>', OUTSIDE, id="nested-data-svg"),
    pytest.param(SVG_OPEN + '<image width="5" height="5" xlink:href="https://127.0.0.1/p.png"/></svg>', OUTSIDE,
                 id="remote-image"),
    pytest.param(SVG_OPEN + '<use xlink:href="other.svg#shape"/></svg>', OUTSIDE, id="use-other-file"),
    pytest.param(SVG_OPEN + '<use href="data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E#a"/>'
                 "</svg>", OUTSIDE, id="use-data-uri"),
    pytest.param(SVG_OPEN + '<g xml:base="http://127.0.0.1/"><use href="#a"/></g></svg>', OUTSIDE, id="xml-base"),
    pytest.param('<?xml-stylesheet href="http://127.0.0.1/x.css"?>' + SVG_OPEN + "</svg>", OUTSIDE,
                 id="xml-stylesheet"),
    pytest.param(SVG_OPEN + '<set attributeName="href" to="javascript:alert(1)"/></svg>', NOT_ALLOWED,
                 id="animation-set"),
    pytest.param(SVG_OPEN + '<filter id="f"><feImage href="http://127.0.0.1/p.png"/></filter></svg>', OUTSIDE,
                 id="fe-image"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" cursor="url(http://127.0.0.1/c.cur), auto"/></svg>',
                 NOT_ALLOWED, id="cursor"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" style="background: image-set(\'x.png\' 1x)"/></svg>',
                 OUTSIDE, id="image-set"),
    pytest.param(SVG_OPEN + '<rect width="5" height="5" style="}\\000040import url(http://127.0.0.1/x.css)"/></svg>',
                 OUTSIDE, id="url-in-a-declaration-css-drops"),
    pytest.param(SVG_OPEN + "<style>rect{fill:red}<!-- a comment -->@import url(http://127.0.0.1/x.css);</style></svg>",
                 OUTSIDE, id="import-after-a-comment"),
    pytest.param(SVG_OPEN + "<rect", "is not well-formed XML", id="broken-xml"),
    pytest.param("<html><body/></html>", "is not an SVG drawing", id="not-svg"),
]


def svg_project(make_project: Callable[..., Path], svg: str | bytes) -> Path:
    return make_project({"briefs/b.yaml": brief_yaml(["one"]),
                         "briefs/sections/one.md": section_md("One", "Text.\n\n![A chart](chart.svg)\n"),
                         "briefs/sections/chart.svg": svg})


@pytest.mark.parametrize(("svg", "fragment"), HOSTILE_SVGS)
def test_a_hostile_svg_is_an_error_at_the_line_that_shows_it(make_project: Callable[..., Path], svg: str,
                                                             fragment: str) -> None:
    project = svg_project(make_project, svg)
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'chart.svg'", fragment)
    assert not (project / "output" / "b--press.html").exists()
    checked = run_cli(["check", "--strict", "-a", "press"], cwd=project)
    assert checked.exit_code == 1
    assert any(line.startswith("briefs/sections/one.md:6: error: image 'chart.svg'") and fragment in line
               for line in checked.stdout.splitlines() + checked.stderr.splitlines()), checked.output


GOOD_SVGS = [
    pytest.param(SVG_OPEN + '<defs><linearGradient id="g"><stop offset="0" stop-color="#369"/></linearGradient>'
                 '<path id="p" d="M0 0L5 5"/></defs><rect width="5" height="5" fill="url(#g)" style="stroke: url( \'#g\' )"/>'
                 '<use xlink:href="#p"/><use href="#p"/><text x="1" y="9" font-family="\'Source Sans 3\'">a &lt; b</text>'
                 "</svg>", id="gradient-and-use"),
    pytest.param('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
                 '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG_OPEN
                 + '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                 'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Chart</dc:title></rdf:RDF></metadata>'
                 '<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'
                 '<g id="figure_1" clip-path="url(#c)"><clipPath id="c"><rect width="10" height="10"/></clipPath>'
                 '<path d="M 0 0 L 10 10" style="fill: none; stroke: #1f77b4"/></g></svg>', id="chart-program-output"),
    pytest.param(SVG_OPEN.replace("<svg ", '<svg xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
                                  'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" ')
                 + '<sodipodi:namedview id="nv" inkscape:zoom="1"/><g inkscape:label="Layer 1" '
                 'inkscape:groupmode="layer"><circle cx="5" cy="5" r="4" aria-label="dot"/></g></svg>', id="editor"),
]


@pytest.mark.pdf
@pytest.mark.parametrize("svg", GOOD_SVGS)
def test_a_drawing_svg_is_embedded(make_project: Callable[..., Path], svg: str) -> None:
    assert svg_problem(svg.encode()) == ""
    project = svg_project(make_project, svg)
    result = run_cli(["build", "-f", "html", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="A chart">', html)
    assert pdf_actions(pypdf.PdfReader(project / "output" / "b--press.pdf")) == []


# --- the preview server's pages ---------------------------------------------------------------------


def test_the_reload_script_cannot_be_ended_by_an_edition_name() -> None:
    page = with_reload_script("<html><body><p>x</p></body></html>", "</script><script>alert(1)</script><!--", 3)
    styles = page_styles(page)
    assert styles.scripts == 1
    assert page.count("</script>") == 1 and "<!--" not in page
    assert "\\u003c/script\\u003e" in page


@pytest.mark.pdf
def test_the_pdf_renderer_drops_any_link_a_pdf_may_not_carry(tmp_path: Path) -> None:
    """The last guard, given markup no brief can produce: script and data links are dropped and
    reported; file links and relative links out of the PDF's folder dropped; a file beside it kept."""
    from briefgen.errors import Diagnostics, SourceLocation
    from briefgen.render.pdf import render_pdf

    html = ('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><h1 id="top">T</h1>'
            '<p><a href="javascript:alert(1)">a</a> <a href="file:///etc/passwd">b</a> <a href="notes.pdf">c</a> '
            '<a href="data:text/html,x">d</a> <a href="https://example.org/">e</a> <a href="#top">f</a></p></body></html>')
    diagnostics = Diagnostics()
    location = SourceLocation(Path("briefs/b.yaml"), 1)
    pdf = render_pdf(html, tmp_path, [tmp_path], location, diagnostics)
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    assert sorted(pdf_actions(reader)) == ["/URI https://example.org/", "/URI notes.pdf"]
    errors = [d.format() for d in diagnostics.errors]
    assert len(errors) == 2 and all(e.startswith("briefs/b.yaml:1: ") for e in errors), errors
    assert "'javascript:alert(1)'" in errors[0] and "'data:text/html,x'" in errors[1]
    assert str(tmp_path) not in reader.pages[0].extract_text()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_handout_page_holds_a_hostile_organization_as_text(name: str) -> None:
    from briefgen.build.assemble import MarkdownCache, assemble_edition
    from briefgen.errors import Diagnostics
    from briefgen.render.handout import render_handout_html
    from conftest import make_project_model

    brief = make_brief(["one"], organization=name, key_takeaways=["A takeaway."])
    project = make_project_model([brief], [make_section("one")])
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, project.audiences["press"], MarkdownCache(), diagnostics)
    html = render_handout_html(edition, project, diagnostics, is_for_pdf=False)
    styles = page_styles(html)
    assert styles.scripts == 0 and len(styles.styles) == 1 and unsafe_markup(html) == []
    assert running_header(styles.styles[0]) == [name] and outside_references(styles.styles[0]) == []


@pytest.mark.slow
def test_an_svg_nested_too_deeply_is_refused_not_a_crash() -> None:
    deep = SVG_OPEN + '<rect style="fill:' + "(" * 100_000 + '"/></svg>'
    assert svg_problem(deep.encode()) == "is nested too deeply to check"
