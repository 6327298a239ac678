"""Every Word edition of the example opens in a real word processor: LibreOffice (headless)
converts each to PDF, which must have pages and the edition's text, footnotes included.

LibreOffice runs with a profile of its own in a temporary folder, so the tests never touch
(or depend on) a user's settings. Debian: ``libreoffice-writer-nogui``.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE_BRIEFS, REPO_ROOT, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.pdf,  # the example's SVG logo goes into Word as a PNG drawn by WeasyPrint
              pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")]

EXAMPLE_EDITIONS = 10


def convert(files: list[Path], folder: Path) -> dict[str, Path]:
    """Each .docx converted to PDF by LibreOffice → {file stem: PDF}."""
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
                             "--convert-to", "pdf", "--outdir", str(folder), *map(str, files)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return {path.stem: path for path in folder.glob("*.pdf")}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_example_word_edition_opens_and_paginates_in_libreoffice(tmp_path: Path) -> None:
    result = run_cli(["build", "-f", "docx", "-o", str(tmp_path / "out"), *EXAMPLE_BRIEFS], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.docx"))
    assert len(files) == EXAMPLE_EDITIONS
    pdfs = convert(files, tmp_path / "pdf")
    assert sorted(pdfs) == sorted(file.stem for file in files)
    for name, pdf in pdfs.items():
        pages = len(PdfReader(pdf).pages)
        assert pages >= 4, (name, pages)
        text = " ".join(pdf_text(pdf).split())
        assert "Example County Policy Lab" in text
        assert ("Sources" in text or "Fuentes" in text), name
    officials = " ".join(pdf_text(pdfs["287g-costs--county-officials"]).split())
    assert "Key takeaways" in officials and "Government Accountability Office" in officials


def test_chicago_notes_print_as_footnotes_in_libreoffice(tmp_path: Path) -> None:
    result = run_cli(["build", "287g-costs", "-a", "county-officials", "-f", "docx", "--citation-style",
                      "chicago-notes", "-o", str(tmp_path / "out")], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    pdf = convert([tmp_path / "out/287g-costs--county-officials.docx"], tmp_path / "pdf")["287g-costs--county-officials"]
    first_page = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    # the first note's text sits at the foot of the page its call is on, not in a list at the end
    assert "Immigration and Nationality Act" in first_page or "U.S.C." in first_page, first_page[-600:]


def test_pandocs_reference_docx_restyles_the_edition(tmp_path: Path) -> None:
    """pandoc's own reference.docx (the convention --docx-template follows) as the template:
    its styles are used, the ones it lacks (List Bullet, Quote) are added, and it opens."""
    import docx
    import pypandoc

    template = tmp_path / "reference.docx"
    subprocess.run([pypandoc.get_pandoc_path(), "-o", str(template), "--print-default-data-file", "reference.docx"],
                   check=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_cli(["build", "287g-costs", "-a", "county-officials", "-f", "docx", "--docx-template",
                          str(template), "-o", str(tmp_path / "out")], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    # its "Caption" (Word writes "caption") is found by name, with no python-docx warning printed
    assert [str(warning.message) for warning in caught if "docx" in warning.filename] == []
    built = tmp_path / "out/287g-costs--county-officials.docx"
    document = docx.Document(str(built))
    assert document.styles["Title"].element.xml == docx.Document(str(template)).styles["Title"].element.xml
    used = {paragraph.style.name for paragraph in document.paragraphs}
    assert {"Title", "Heading 1", "List Bullet", "Quote", "Caption"} <= used
    pdf = convert([built], tmp_path / "pdf")["287g-costs--county-officials"]
    assert len(PdfReader(pdf).pages) >= 4
