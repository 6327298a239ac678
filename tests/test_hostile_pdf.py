"""The PDF: one hostile project, built once (HTML and PDF), and nothing from outside reaches any
output: refused images are reported, no network request is made, a section linked from outside
is refused, no secret leaks into any file, script text stays text, metadata is the literal
text. Then the PDF renderer's own guard, fed hostile HTML directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.errors import Diagnostics, SourceLocation
from conftest import OUTPUT_INDEX, CliResult, assert_clean_error, run_cli, section_md, write_project
from counting_server import CountingServer, default_routes, without_proxies
from hostile_project import (
    HOSTILE_BIB,
    MARKER,
    PNG,
    SECRET_PNG,
    line_of,
    passwd_first_line,
    pdf_texts,
    secret_leaks,
    squash,
    yaml_quote,
)
from html_safety import parse_page, unsafe_markup

pytestmark = [pytest.mark.pdf, pytest.mark.usefixtures("no_font_subsetting")]


PDF_TITLE = 'Fish & Chips (and "<b>bold</b>") \\ </title><script>alert(401)</script>'
PDF_AUTHOR = 'A. <i>Analyst</i> & "Co"'
PICS_BODY = """\
![passwd](/etc/passwd)

![escape](../../../outside/secret.png)

![remote]({remote})

![linked](linked.png)

![folder](assets/secret.png)
"""
SAFE_BODY = """\
Safe text <script>alert(402)</script> and [a link](javascript:alert(403)) citing [@evil].
"""


@dataclass(frozen=True)
class HostileBuild:
    project: Path
    output: Path
    result: CliResult
    remote: str
    connections: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    """One project, three editions, HTML and PDF:

    - community-groups: the ``safe`` section (script text, a script link, a hostile bib entry);
    - county-officials: also ``leak``, a section file that is a symlink to a file outside;
    - press: also ``pics``, every kind of image reference that must be refused.
    """
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    (outside / "assets").mkdir(parents=True)
    (outside / "secret.png").write_bytes(SECRET_PNG)
    (outside / "assets/secret.png").write_bytes(SECRET_PNG)
    (outside / "secret.md").write_text(section_md("Leaked", f"{MARKER} leaked text.\n"), encoding="utf-8")
    with without_proxies(), CountingServer() as server:
        server.routes.update(default_routes(server))
        remote = server.url("/x.png")
        manifest = (f"title: {yaml_quote(PDF_TITLE)}\nauthors: [{yaml_quote(PDF_AUTHOR)}]\n"
                    "sections:\n  - safe\n  - id: leak\n    audiences: [county-officials]\n"
                    "  - id: pics\n    audiences: [press]\n")
        project = write_project(root / "project", {
            "briefs/b.yaml": manifest,
            "briefs/sections/safe.md": section_md("Safe", SAFE_BODY),
            "briefs/sections/pics.md": section_md("Pics", PICS_BODY.format(remote=remote)),
        }, bib=HOSTILE_BIB)
        (project / "briefs/sections/leak.md").symlink_to(outside / "secret.md")
        (project / "briefs/sections/linked.png").symlink_to(outside / "secret.png")
        (project / "briefs/sections/assets").symlink_to(outside / "assets", target_is_directory=True)
        output = root / "out"
        result = run_cli(["build", "-o", str(output)], cwd=project)
        return HostileBuild(project, output, result, remote, server.connections)


def test_hostile_build_reports_every_refused_image(hostile: HostileBuild) -> None:
    text = section_md("Pics", PICS_BODY.format(remote=hostile.remote))
    for src in ("/etc/passwd", "../../../outside/secret.png", hostile.remote, "linked.png", "assets/secret.png"):
        assert_clean_error(hostile.result, f"briefs/sections/pics.md:{line_of(text, f']({src})')}:", f"image '{src}'")
    assert "b--press" in hostile.result.stderr, "the press edition is reported as failed"
    assert not (hostile.output / "b--press.html").exists() and not (hostile.output / "b--press.pdf").exists()


def test_hostile_build_made_no_network_request(hostile: HostileBuild) -> None:
    assert hostile.connections == 0


def test_hostile_build_refuses_a_section_file_linked_from_outside(hostile: HostileBuild) -> None:
    assert "Traceback" not in hostile.result.output
    assert hostile.result.exit_code == 1
    lines = [line for line in hostile.result.stderr.splitlines() if line.startswith("briefs/sections/leak.md")]
    assert lines and "outside" in lines[0], f"no error for the symlinked section:\n{hostile.result.stderr}"


def test_hostile_build_leaks_no_secret_into_any_output(hostile: HostileBuild) -> None:
    written = sorted(p for p in hostile.output.iterdir() if p.is_file())
    assert hostile.output / "b--community-groups.pdf" in written, hostile.result.output
    assert [leak for path in written for leak in secret_leaks(path)] == []
    passwd = passwd_first_line()
    for path in written:
        texts = pdf_texts(path).values() if path.suffix == ".pdf" else [path.read_text(encoding="utf-8")]
        assert not passwd or not any(squash(passwd) in squash(text) for text in texts), path.name


def test_hostile_pdf_has_no_image_at_all(hostile: HostileBuild) -> None:
    """Only the refused images were images, so a PDF with any image got one from outside."""
    for pdf in hostile.output.glob("*.pdf"):
        assert [image.name for page in PdfReader(pdf).pages for image in page.images] == [], pdf.name


def test_hostile_html_is_neutralised(hostile: HostileBuild) -> None:
    pages = [page for page in hostile.output.glob("*.html") if page.name not in OUTPUT_INDEX]
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert unsafe_markup(html) == [], page.name
        text = parse_page(html).text
        assert "<script>alert(402)</script>" in text and "<script>alert(202)</script> Evil <Co>" in text


def test_hostile_pdf_shows_script_as_text(hostile: HostileBuild) -> None:
    for tool, text in pdf_texts(hostile.output / "b--community-groups.pdf").items():
        assert squash("<script>alert(402)</script>") in squash(text), tool
        assert squash("<script>alert(202)</script> Evil <Co>") in squash(text), tool


def test_hostile_pdf_metadata_is_the_literal_text(hostile: HostileBuild) -> None:
    metadata = PdfReader(hostile.output / "b--community-groups.pdf").metadata
    assert metadata is not None
    assert metadata.title == f"{PDF_TITLE} — Community groups"
    assert metadata.author == PDF_AUTHOR


def test_pdf_fetcher_refuses_everything_outside_the_project(tmp_path: Path, outside: Path) -> None:
    """Second line of defence: even if hostile HTML reached WeasyPrint, it reads only project files."""
    from briefgen.render.pdf import render_pdf

    project = tmp_path / "project"
    project.mkdir()
    (project / "inside.png").write_bytes(PNG)
    (project / "linked.png").symlink_to(outside / "secret.png")
    (project / "linked.css").symlink_to(outside / "evil.css")
    (outside / "evil.css").write_text(f'body::after {{ content: "{MARKER}"; }}', encoding="utf-8")
    with without_proxies(), CountingServer() as server:
        server.routes.update(default_routes(server))
        hostile_urls = [f"file://{outside}/secret.png", "../outside/secret.png", "/etc/passwd", "linked.png",
                        server.url("/x.png")]
        images = "".join(f'<img src="{url}" alt="{index}">' for index, url in enumerate(hostile_urls))
        html = f"""<!DOCTYPE html><html lang="en"><head><title>Fetcher</title>
<link rel="attachment" href="file://{outside}/secret.txt" title="a">
<link rel="stylesheet" href="file://{outside}/evil.css">
<link rel="stylesheet" href="linked.css">
<style>@import url("../outside/evil.css"); body {{ background: url("{server.url('/x.png')}"); }}</style>
</head><body><p>Visible text.</p><img src="inside.png" alt="inside">{images}
<a rel="attachment" href="../outside/secret.txt">attached</a>
<object data="file://{outside}/secret.txt" type="text/plain"></object>
<embed src="file://{outside}/secret.png" type="image/png"></body></html>"""
        diagnostics = Diagnostics()
        pdf = render_pdf(html, project, [project], SourceLocation(project / "briefs/b.yaml", 1), diagnostics)
        connections = server.connections
    path = tmp_path / "fetcher.pdf"
    path.write_bytes(pdf.data)
    assert connections == 0
    assert secret_leaks(path) == []
    reader = PdfReader(path)
    assert [image.name for page in reader.pages for image in page.images] != [], "the project's own image is in"
    assert sum(len(page.images) for page in reader.pages) == 1, "only the project's own image"
    refused = " ".join(d.message for d in diagnostics.errors)
    for fragment in ("secret.png", "secret.txt", "evil.css", "linked.png", "linked.css", "/etc/passwd",
                     f"127.0.0.1:{server.port}"):
        assert fragment in refused, f"no error names {fragment!r}: {refused}"
