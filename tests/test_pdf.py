"""PDF editions: structure, metadata and extracted text, never raw bytes.

Each PDF is built once per module (about a second each): one edition of the basic fixture and
one of the example project in the repository root.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.errors import Diagnostics
from briefgen.load.bibliography import load_bibliography
from conftest import FIXTURES_DIR, REPO_ROOT, reference_keys, run_cli, section_titles

pytestmark = pytest.mark.pdf

AUDIENCE = "county-officials"


@dataclass(frozen=True)
class BuiltPdf:
    project: Path
    brief_id: str
    pdf: Path
    html: str

    @property
    def title(self) -> str:
        match = re.search(r'<h1 class="brief-title">(.*?)</h1>', self.html, flags=re.S)
        assert match is not None
        return normalize(match.group(1))


def normalize(text: str) -> str:
    """Compare text as a reader sees it: ligatures unfolded, soft hyphens dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"')
    return " ".join(text.split())


def squash(text: str) -> str:
    """For "is this title in the text": line breaks may fall anywhere, and a hyphen at a break is
    dropped by text extraction (pdftotext joins "PHX-" + "GMS"), so ignore whitespace and hyphens."""
    return re.sub(r"[\s\-\u2010\u2011]", "", normalize(text))


def first_brief(project: Path) -> str:
    briefs = sorted(path.stem for path in (project / "briefs").glob("*.yaml"))
    assert briefs, f"no briefs in {project}"
    return briefs[0]


def build_pdf(project: Path, output: Path) -> BuiltPdf:
    brief_id = "basic" if project.name == "basic" else first_brief(project)
    result = run_cli(["build", brief_id, "-a", AUDIENCE, "-o", str(output)], cwd=project)
    assert result.exit_code == 0, result.output
    name = f"{brief_id}--{AUDIENCE}"
    return BuiltPdf(project, brief_id, output / f"{name}.pdf", (output / f"{name}.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[pytest.param(FIXTURES_DIR / "basic", id="basic-fixture"),
                                        pytest.param(REPO_ROOT, id="example-project")])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltPdf:
    return build_pdf(request.param, tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def pypdf_text(built: BuiltPdf) -> str:
    return normalize(" ".join(page.extract_text() or "" for page in PdfReader(built.pdf).pages))


@pytest.fixture(scope="module")
def poppler_text(built: BuiltPdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    completed = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built.pdf), "-"], capture_output=True, check=True,
                               timeout=60)
    return normalize(completed.stdout.decode("utf-8"))


@pytest.fixture(params=["pypdf", "pdftotext"])
def text(request: pytest.FixtureRequest, built: BuiltPdf) -> str:
    """The PDF's text as extracted by each tool in turn."""
    return str(request.getfixturevalue("pypdf_text" if request.param == "pypdf" else "poppler_text"))


def test_is_a_pdf_with_pages(built: BuiltPdf) -> None:
    reader = PdfReader(built.pdf)
    assert built.pdf.read_bytes().startswith(b"%PDF-")
    assert len(reader.pages) >= 1


def test_metadata_title(built: BuiltPdf) -> None:
    metadata = PdfReader(built.pdf).metadata
    assert metadata is not None and metadata.title
    assert normalize(metadata.title).startswith(built.title)


def test_text_holds_the_title(built: BuiltPdf, text: str) -> None:
    assert squash(built.title) in squash(text)


def test_text_holds_every_section_title(built: BuiltPdf, text: str) -> None:
    titles = section_titles(built.html)
    assert titles, "the HTML edition has sections"
    missing = [title for title in titles if squash(title) not in squash(text)]
    assert missing == []


def test_text_holds_citation_marks_and_no_raw_keys(text: str) -> None:
    assert re.search(r"\[\d+(?:[,–-]\s?\d+)*\]", text), "numeric marks like [1] or [2, 3]"
    assert "[@" not in text
    assert not re.search(r"(?<![\w.])@[a-z]+\d{4}", text), "no bare narrative keys survive"


def test_text_holds_sources_and_cited_titles(built: BuiltPdf, text: str) -> None:
    assert "Sources" in text
    keys = reference_keys(built.html)
    assert keys, "the edition cites something"
    diagnostics = Diagnostics()
    references = load_bibliography(built.project / "references.bib", diagnostics).references
    missing = [key for key in keys if squash(references[key].title) not in squash(text)]
    assert missing == []


def test_fonts_are_embedded(built: BuiltPdf) -> None:
    reader = PdfReader(built.pdf)
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for font in (font_dict.get_object().values() if font_dict else ()):
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for candidate in descendants:
                descriptor = candidate.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                fonts[str(candidate.get("/BaseFont"))] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts, "the PDF uses fonts"
    assert [name for name, is_embedded in fonts.items() if not is_embedded] == []


def test_pdffonts_reports_every_font_embedded(built: BuiltPdf) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    completed = subprocess.run(["pdffonts", str(built.pdf)], capture_output=True, text=True, check=True, timeout=60)
    rows = completed.stdout.splitlines()[2:]
    assert rows, completed.stdout
    # columns: name type [type...] encoding emb sub uni object ID — 'emb' is 5th from the end
    assert [row for row in rows if row.split()[-5] != "yes"] == []
