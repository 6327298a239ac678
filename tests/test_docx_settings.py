"""The project settings in the Word editions: the logo of briefs/project.yaml on page 1 with its alt
text, the settings' Word template used for every Word edition, and --docx-template winning over it."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches

from conftest import brief_yaml, run_cli, section_md
from test_docx import png_bytes

SETTINGS = """\
organization: Riverside Budget Office
logo:
  file: brand/logo.png
  alt: Riverside Budget Office logo
word_template: brand/house.docx
"""


def template(header: str, margin: float) -> bytes:
    document = docx.Document()
    document.sections[0].left_margin = Inches(margin)
    document.sections[0].header.paragraphs[0].text = header
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


@pytest.fixture
def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    return make_project({"briefs/project.yaml": SETTINGS, "briefs/brand/logo.png": png_bytes(),
                         "briefs/brand/house.docx": template("HOUSE HEADER", 2),
                         "other.docx": template("OTHER HEADER", 1.5),
                         "briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")})


def word_edition(project: Path, *args: str) -> docx.document.Document:
    result = run_cli(["build", "-f", "docx", "-a", "press", *args], cwd=project)
    assert result.exit_code == 0, result.output
    return docx.Document(str(project / "output/b--press.docx"))


def test_the_settings_logo_opens_page_one_with_its_alt_text(project: Path) -> None:
    document = word_edition(project)
    first = document.paragraphs[0]
    pictures = first._p.findall(".//" + qn("wp:docPr"))  # noqa: SLF001
    assert [picture.get("descr") for picture in pictures] == ["Riverside Budget Office logo"]
    assert len(document.inline_shapes) == 1


def test_the_settings_word_template_is_used(project: Path) -> None:
    document = word_edition(project)
    assert document.sections[0].header.paragraphs[0].text == "HOUSE HEADER"
    assert document.sections[0].left_margin == Inches(2)


def test_docx_template_on_the_command_line_wins_over_the_setting(project: Path) -> None:
    document = word_edition(project, "--docx-template", "other.docx")
    assert document.sections[0].header.paragraphs[0].text == "OTHER HEADER"
    assert document.sections[0].left_margin == Inches(1.5)
