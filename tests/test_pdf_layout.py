"""The PDF edition read back with pypdf: structure, metadata, fonts, links, layout, variants, reproducibility."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import FIXTURES_DIR, assert_clean_error, brief_yaml, run_cli, section_md

BASIC = FIXTURES_DIR / "basic"
LETTER = (612, 792)
A4 = (595, 842)


def resolve(value):  # type: ignore[no-untyped-def]
    return value.get_object() if isinstance(value, IndirectObject) else value


@pytest.fixture(scope="module")
def basic_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("basic-pdf")
    result = run_cli(["build", "-f", "pdf", "-o", str(output)], cwd=BASIC)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "a clean fixture builds with no warnings"
    return output


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def fonts_of(reader: PdfReader) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for page in reader.pages:
        resources = resolve(page.get("/Resources")) or {}
        for font in (resolve(resources.get("/Font")) or {}).values():
            font = resolve(font)
            descendant = resolve(font["/DescendantFonts"][0]) if "/DescendantFonts" in font else font
            found[str(font["/BaseFont"])] = resolve(descendant["/FontDescriptor"])
    return found


@pytest.mark.pdf
def test_every_page_is_numbered_page_n_of_m(basic_pdfs: Path) -> None:
    texts = page_texts(basic_pdfs / "basic--county-officials.pdf")
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


@pytest.mark.pdf
def test_metadata_language_and_tagging(basic_pdfs: Path) -> None:
    reader = PdfReader(basic_pdfs / "basic--county-officials.pdf")
    info = reader.metadata
    assert info is not None
    assert info["/Title"] == "What Does the Basic Program Cost? — County officials"
    assert info["/Author"] == "Ana Pérez, Test Policy Lab"
    assert info["/Subject"].startswith("The program shifts costs to counties.")
    assert "County officials" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20260124") and info["/ModDate"].startswith("D:20260124")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root, "pdf/ua-1 is tagged"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.pdf
def test_outline_lists_the_numbered_sections(basic_pdfs: Path) -> None:
    reader = PdfReader(basic_pdfs / "basic--county-officials.pdf")

    def titles(items) -> list[str]:  # type: ignore[no-untyped-def]
        out: list[str] = []
        for item in items:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    outline = titles(reader.outline)
    assert outline, "the PDF has bookmarks"
    assert "What Does the Basic Program Cost?" in outline
    assert "1. What the program does" in [re.sub(r"\s+", " ", t) for t in outline]
    assert "Sources" in outline


@pytest.mark.pdf
def test_fonts_are_the_bundled_ones_embedded_and_subset(basic_pdfs: Path) -> None:
    fonts = fonts_of(PdfReader(basic_pdfs / "basic--county-officials.pdf"))
    names = " ".join(fonts)
    assert "Source-Serif-4" in names and "Source-Sans-3" in names and "Bold" in names
    assert "DejaVu" not in names, f"a character fell back to a system font: {names}"
    for name, descriptor in fonts.items():
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not subset"
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{name} is not embedded"


@pytest.mark.pdf
def test_internal_links_and_urls_are_clickable(basic_pdfs: Path) -> None:
    reader = PdfReader(basic_pdfs / "basic--county-officials.pdf")
    uris, internal = set(), 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = resolve(annotation)
            action = resolve(annotation.get("/A")) or {}
            if "/URI" in action:
                uris.add(action["/URI"])
            elif "/Dest" in annotation or action.get("/S") == "/GoTo":
                internal += 1
    assert "https://www.gao.gov/products/gao-21-186" in uris
    assert internal >= 5, "citations link to their Sources entry"


@pytest.mark.pdf
def test_sources_print_short_urls_with_hanging_numbers(basic_pdfs: Path) -> None:
    text = "\n".join(page_texts(basic_pdfs / "basic--county-officials.pdf"))
    text = re.sub(r"(?<=/)\n", "", text)  # an address may break after a slash, and only there
    assert "gao.gov/products/gao-21-186" in text
    assert "https://www.gao.gov" not in text


@pytest.mark.pdf
def test_running_header_names_the_current_section(make_project) -> None:
    long_body = "\n\n".join(f"Paragraph {n} of the long section. " + "The county pays for the program. " * 30
                            for n in range(40))
    project = make_project({
        "briefs/b.yaml": brief_yaml(["long", "short"], extra="organization: Header Lab\n"),
        "briefs/sections/long.md": section_md("A long section", long_body),
        "briefs/sections/short.md": section_md("A short section", "Short.\n"),
    })
    result = run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    texts = page_texts(project / "output" / "b--press.pdf")
    assert len(texts) > 4
    assert "Header Lab" not in texts[0].splitlines()[0], "the first page has no running header"
    # a page in the middle of section 1, where no heading starts, still names section 1
    assert "1. A long section" in texts[2] and "2. A short section" not in texts[2]
    # the long edition gets a table of contents with page numbers
    contents = "\n".join(texts[:2])
    assert "Contents" in contents
    assert re.search(r"1\.\s+A long section", contents) and re.search(r"^\d+$", contents, re.M), contents


@pytest.mark.pdf
def test_short_edition_has_no_table_of_contents(basic_pdfs: Path) -> None:
    texts = page_texts(basic_pdfs / "basic--press.pdf")
    assert len(texts) <= 4
    assert "Contents" not in "\n".join(texts)


@pytest.mark.pdf
@pytest.mark.parametrize(("paper", "size"), [pytest.param("letter", LETTER, id="letter"), pytest.param("a4", A4, id="a4")])
def test_paper_size(make_project, paper: str, size: tuple[int, int]) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "Text [@gao2021].\n"),
                            "briefs/audiences/press.yaml": f"paper: {paper}\n"})
    assert run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project).exit_code == 0
    box = PdfReader(project / "output" / "b--press.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


@pytest.mark.pdf
def test_large_print_sets_every_character_at_18_points_or_more(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra="organization: Lab\nchecked: 2026-01-24\n"
                                    "summary: A summary [@gao2021].\ndisclaimer: Not advice.\n"),
        "briefs/sections/one.md": section_md("One", "Body text [@moller2020].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
        "briefs/audiences/press.yaml": "theme: large-print\n",
    })
    assert run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project).exit_code == 0
    reader = PdfReader(project / "output" / "b--press.pdf")
    sizes: list[float] = []
    source_sizes: list[float] = []  # the Sources list is reference matter, set at 16 pt

    def visit(text, cm, tm, font_dict, font_size) -> None:  # type: ignore[no-untyped-def]
        if text.strip() and (text.strip() == "Sources" or source_sizes):
            source_sizes.append(font_size * abs(tm[3]) * abs(cm[3] or 1))
        elif text.strip():
            sizes.append(font_size * abs(tm[3]) * abs(cm[3] or 1))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 17.9, f"smallest text is {min(sizes):.1f} pt"
    assert len(source_sizes) > 1 and min(source_sizes) >= 15.9, f"smallest source text is {min(source_sizes):.1f} pt"
    assert "Atkinson-Hyperlegible" in " ".join(fonts_of(reader))


@pytest.mark.pdf
def test_pdf_a3b_is_archival(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\n"),
                            "briefs/sections/one.md": section_md("One", "Text [@gao2021].\n")})
    result = run_cli(["build", "-f", "pdf", "-a", "press", "--pdf-variant", "pdf/a-3b"], cwd=project)
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / "output" / "b--press.pdf")
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = resolve(root["/Metadata"]).get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)


def test_unknown_pdf_variant_is_a_usage_error(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "x\n")})
    result = run_cli(["build", "--pdf-variant", "pdf/x-4"], cwd=project)
    assert result.exit_code == 2
    assert "unknown PDF variant 'pdf/x-4'; choose from pdf/ua-1, pdf/a-3b" in result.stderr


@pytest.mark.pdf
def test_image_without_alt_text_is_an_error_in_a_tagged_pdf(make_project) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format="PNG")
    png = buffer.getvalue()
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "Text.\n\n![](chart.png)\n"),
                            "briefs/sections/chart.png": png})
    line = assert_clean_error(run_cli(["build", "-f", "pdf", "-a", "press"], cwd=project), "briefs/sections/one.md:6:",
                              "image 'chart.png' has no alt text")
    assert "![what the image shows]" in line
    archival = run_cli(["build", "-f", "pdf", "-a", "press", "--pdf-variant", "pdf/a-3b"], cwd=project)
    assert archival.exit_code == 0, archival.output
    assert "briefs/sections/one.md:6: warning: image 'chart.png' has no alt text" in archival.stderr


@pytest.mark.pdf
def test_qr_code_links_to_the_online_edition(make_project) -> None:
    url = "https://example.org/briefs/b"
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra=f"url: {url}\n"),
                            "briefs/sections/one.md": section_md("One", "Text [@gao2021].\n")})
    assert run_cli(["build", "-a", "press"], cwd=project).exit_code == 0
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert re.search(r'<svg role="img" aria-label="QR code: the online edition, https://example.org/briefs/b"', html)
    assert '<meta property="og:url" content="https://example.org/briefs/b">' in html
    reader = PdfReader(project / "output" / "b--press.pdf")
    first = reader.pages[0]
    assert "example.org/briefs/b" in re.sub(r"\s+", "", first.extract_text() or "")
    uris = [resolve(resolve(a).get("/A") or {}).get("/URI") for a in first.get("/Annots") or []]
    assert url in uris


@pytest.mark.pdf
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    outputs = []
    for run in ("first", "second"):
        output = tmp_path / run
        completed = subprocess.run([sys.executable, "-m", "briefgen", "build", "-a", "county-officials", "-o", str(output)],
                                   cwd=BASIC, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert completed.returncode == 0, completed.stderr
        outputs.append(output)
    for name in ("basic--county-officials.pdf", "basic--county-officials.html"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), f"{name} differs between builds"
