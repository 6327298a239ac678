"""The handout (-f handout) and the first-page picture (-f png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import EXAMPLE_BRIEFS, OUTPUT_INDEX, REPO_ROOT, assert_clean_error, brief_yaml, run_cli, section_md

pytestmark = pytest.mark.pdf

EXAMPLE_EDITIONS = [f"{brief}--{audience}" for brief in ("287g-police-ice", "287g-costs")
                    for audience in ("county-officials", "community-groups", "community-groups-es",
                                     "community-groups-large-print", "press")]


@pytest.fixture(scope="module")
def example_handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("handouts")
    result = run_cli(["build", *EXAMPLE_BRIEFS, "-f", "handout", "-o", str(output)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in output.iterdir() if p.is_file() and p.name not in OUTPUT_INDEX) == sorted(
        f"{name}.handout.pdf" for name in EXAMPLE_EDITIONS)
    return output


@pytest.mark.parametrize("name", EXAMPLE_EDITIONS)
def test_every_example_handout_fits_on_one_sheet(example_handouts: Path, name: str) -> None:
    reader = PdfReader(example_handouts / f"{name}.handout.pdf")
    # one page; large print (18 pt) may use the back of the sheet
    assert len(reader.pages) == (2 if name.endswith("large-print") else 1)
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    if name.endswith("-es"):
        assert "¿Cómo cambian los acuerdos 287(g)" in text or "¿Cuánto" in text or "¿Qué" in text
        assert "Puntos clave" in text and "Qué puede hacer" in text and "Fuentes" in text
    else:
        assert "How do 287(g) agreements" in text or "What fiscal costs" in text
        assert "Key takeaways" in text and "What you can do" in text and "Sources" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_handout_numbers_only_what_it_cites_and_has_a_qr_code(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra=(
            "url: https://example.org/b\n"
            "key_takeaways:\n  - Counties pay [@moller2020].\n"
            "editions:\n  press:\n    call_to_action: Ask for the agreement [@gao2021].\n")),
        "briefs/sections/one.md": section_md("One", "Body cites [@doe2019] only.\n"),
    })
    result = run_cli(["build", "-f", "handout", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "handout 1 page" in result.stdout
    reader = PdfReader(project / "output" / "b--press.handout.pdf")
    text = reader.pages[0].extract_text() or ""
    assert "Counties pay [1]" in text and "agreement [2]" in text
    assert "Local Policing and Federal Partnerships" not in text, "sources cited only in sections are left out"
    assert "gao.gov/products/gao-21-186" in text
    uris = [a.get_object().get("/A", {}).get("/URI") for a in reader.pages[0].get("/Annots") or []]
    assert "https://example.org/b" in uris


def test_handout_that_does_not_fit_fails_naming_what_to_cut(make_project) -> None:
    long = " ".join(["Counties that join must budget for officer time, training, jail space and legal review."] * 90)
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra=(
            "key_takeaways:\n  - Short one [@gao2021].\n"
            "editions:\n  press:\n    call_to_action: >-\n      " + long + "\n")),
        "briefs/sections/one.md": section_md("One", "Body.\n"),
    })
    result = run_cli(["build", "-f", "handout", "-a", "press"], cwd=project)
    line = assert_clean_error(result, "briefs/b.yaml:9:", "the handout of b--press takes", "more than one sheet")
    assert re.search(r"cut about \d+ of its \d+ words; the longest parts are: what you can do \(briefs/b.yaml:9, \d+ words\)",
                     line), line
    assert not (project / "output" / "b--press.handout.pdf").exists()


def test_png_is_the_first_page_at_100_dpi(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"], extra="checked: 2026-01-24\n"),
                            "briefs/sections/one.md": section_md("One", "Text [@gao2021].\n"),
                            "briefs/audiences/press.yaml": "paper: a4\n"})
    result = run_cli(["build", "-f", "png", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "output").iterdir() if p.is_file() and p.name not in OUTPUT_INDEX)
    assert written == ["b--press.png"], "only the picture is written"
    with Image.open(project / "output" / "b--press.png") as image:
        assert image.format == "PNG"
        assert image.size in ((827, 1169), (827, 1170))  # A4 (210 × 297 mm) at 100 dpi
        darkest, lightest = image.convert("L").getextrema()
        assert lightest - darkest > 100, "the page is not blank"
