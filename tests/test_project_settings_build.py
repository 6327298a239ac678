"""The project settings in built editions: the logo on page 1 of the HTML, PDF and handout (with its
alt text in the PDF's structure tree), the palette in the CSS, the url pattern giving QR codes and
links, and a change to briefs/project.yaml rebuilding the editions."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from conftest import brief_yaml, run_cli, section_md

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

SETTINGS = """\
organization: Riverside Budget Office
website: https://riverside.example.org
url: https://riverside.example.org/briefs/{brief}/
audiences: [press]
logo:
  file: brand/logo.png
  alt: Riverside Budget Office logo
colors:
  accent: "#7a1f3d"
fonts:
  headings: Atkinson Hyperlegible
"""


def png_logo() -> bytes:
    picture = Image.new("RGB", (120, 40), (122, 31, 61))
    output = io.BytesIO()
    picture.save(output, format="PNG")
    return output.getvalue()


def branded_project(make_project: Callable[..., Path], settings: str = SETTINGS) -> Path:
    linking = brief_yaml(extra="key_takeaways:\n  - The county pays.\n"
                               "further_questions:\n  - question: What does it cost?\n    brief: costs\n")
    return make_project({"briefs/project.yaml": settings, "briefs/brand/logo.png": png_logo(),
                         "briefs/b.yaml": linking, "briefs/costs.yaml": brief_yaml(title="Costs"),
                         "briefs/sections/one.md": section_md("One", "Text.\n")})


def walk_structure(node: Any) -> Iterator[DictionaryObject]:
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        yield node
        kids = node.get("/K")
        if kids is not None:
            yield from walk_structure(kids)
    elif isinstance(node, list):
        for item in node:
            yield from walk_structure(item)


def test_a_branded_edition(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = branded_project(make_project)
    out = tmp_path / "out"
    result = run_cli(["build", "b", "-f", "html", "-f", "pdf", "-f", "handout", "-o", str(out)], cwd=root)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    html = (out / "b--press.html").read_text(encoding="utf-8")
    # the logo, with its alt text, where the organization's name was
    assert re.search(r'<p class="brand-logo"><img class="logo" src="data:image/png;base64,[^"]+" '
                     r'alt="Riverside Budget Office logo"></p>', html)
    assert '<p class="organization">' not in html, "the logo stands for the organization"
    assert "--accent: #7a1f3d;" in html, "the palette reaches the CSS"
    assert '<link rel="canonical" href="https://riverside.example.org/briefs/b/">' in html, "the url pattern"
    assert 'class="online-edition"' in html and "<svg" in html, "a QR code for the online edition"
    assert 'href="https://riverside.example.org"' in html, "the website in the colophon"
    # the PDF: the image on page 1, its alt text in the structure tree, dive-deeper links published
    reader = PdfReader(out / "b--press.pdf")
    page = reader.pages[0]
    images = [name for name, obj in page["/Resources"]["/XObject"].items()
              if obj.get_object().get("/Subtype") == "/Image"]
    assert images, "the logo is an image on page 1"
    figures = [node for node in walk_structure(reader.trailer["/Root"]["/StructTreeRoot"])
               if node.get("/S") == "/Figure"]
    assert "Riverside Budget Office logo" in [str(node.get("/Alt")) for node in figures]
    links = [annotation.get_object()["/A"].get("/URI") for p in reader.pages for annotation in p.get("/Annots", [])
             if "/A" in annotation.get_object()]
    assert "https://riverside.example.org/briefs/costs/" in links, "'Want to dive deeper?' links the brief's address"
    assert "https://riverside.example.org/briefs/b/" in links, "the QR code's link"
    fonts = {str(font.get_object()["/BaseFont"]) for p in reader.pages for font in p["/Resources"]["/Font"].values()}
    assert any("Atkinson-Hyperlegible-Bold" in font for font in fonts), fonts
    assert not any("DejaVu" in font for font in fonts), "no machine font: a static family serves weight 600 too"
    handout = PdfReader(out / "b--press.handout.pdf").pages[0]
    assert any(obj.get_object().get("/Subtype") == "/Image" for obj in handout["/Resources"]["/XObject"].values())


def test_a_logo_without_alt_stops_the_pdf_ua_build(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = branded_project(make_project, SETTINGS.replace("  alt: Riverside Budget Office logo\n", ""))
    result = run_cli(["build", "b", "-f", "pdf", "--pdf-variant", "pdf/ua-1", "-o", str(tmp_path / "out")], cwd=root)
    assert result.exit_code == 1
    assert ("briefs/project.yaml:5: error: the logo has no alternative text: PDF/UA (pdf/ua-1) requires it of every "
            "image; add 'alt: ...' under 'logo:'") in result.output, result.output
    assert not (tmp_path / "out" / "b--press.pdf").exists()


def test_editing_the_settings_rebuilds_the_editions(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = branded_project(make_project)
    out = tmp_path / "out"
    first = run_cli(["build", "-f", "html", "-o", str(out)], cwd=root)
    assert first.exit_code == 0, first.output
    again = run_cli(["build", "-f", "html", "-o", str(out)], cwd=root)
    assert "2 up to date" in again.output, again.output
    settings = root / "briefs/project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("#7a1f3d", "#1b4a80"), encoding="utf-8")
    changed = run_cli(["build", "-f", "html", "-o", str(out)], cwd=root)
    assert changed.exit_code == 0 and "up to date" not in changed.output, changed.output
    assert "--accent: #1b4a80;" in (out / "b--press.html").read_text(encoding="utf-8")
    Image.new("RGB", (60, 20), (0, 0, 0)).save(root / "briefs/brand/logo.png")
    logo_changed = run_cli(["build", "-f", "html", "-o", str(out)], cwd=root)
    assert "up to date" not in logo_changed.output, "a new logo rebuilds every edition"


def test_watch_rebuilds_every_edition_when_the_settings_change(make_project: Callable[..., Path],
                                                               tmp_path: Path) -> None:
    from briefgen.watch.rebuild import LiveEditions, WatchOptions

    root = branded_project(make_project).resolve()
    live = LiveEditions(root, WatchOptions(formats=("html",), output_dir=tmp_path / "out"))
    first = live.rebuild()
    assert sorted(first.rebuilt) == ["b--press", "costs--press"], first
    assert live.is_global(root / "briefs/project.yaml")
    logo = root / "briefs/brand/logo.png"
    Image.new("RGB", (60, 20), (0, 0, 0)).save(logo)
    after_logo = live.rebuild(live.changed_content({logo}))
    assert sorted(after_logo.rebuilt) == ["b--press", "costs--press"], "the logo is a dependency of every edition"
    settings = root / "briefs/project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("#7a1f3d", "#1b4a80"), encoding="utf-8")
    after_settings = live.rebuild(live.changed_content({settings}))
    assert sorted(after_settings.rebuilt) == ["b--press", "costs--press"], after_settings
