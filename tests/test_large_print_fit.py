"""Large print fits: every example edition in the large-print theme stays within its audience's
own ``max_pages`` and within 2.5 times the pages of the standard edition it enlarges (the
edition of the audience its profile extends)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.errors import Diagnostics
from briefgen.load.audiences import load_audiences
from briefgen.model import Audience
from conftest import REPO_ROOT

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

LARGE_PRINT_FACTOR = 2.5
"""A large-print edition may take up to this many times the pages of its standard edition."""


def _large_print_audiences() -> dict[str, Audience]:
    audiences = load_audiences(REPO_ROOT / "briefs" / "audiences", Diagnostics())
    return {id_: audience for id_, audience in audiences.items() if audience.theme == "large-print"}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's large-print editions and the standard editions they enlarge, as PDF."""
    large_print = _large_print_audiences()
    assert large_print, "the example has a large-print audience"
    wanted = sorted({*large_print, *(audience.extends for audience in large_print.values())})
    output = tmp_path_factory.mktemp("large-print")
    audience_options = [option for id_ in wanted for option in ("-a", id_)]
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", "-f", "pdf", *audience_options,
                             "-o", str(output), "-q"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_every_large_print_edition_fits_its_pages(editions: Path) -> None:
    checked = []
    for audience in _large_print_audiences().values():
        assert audience.max_pages is not None, f"{audience.id} sets max_pages"
        assert audience.extends, f"{audience.id} extends the audience whose edition it enlarges"
        for pdf in sorted(editions.glob(f"*--{audience.id}.pdf")):
            standard = pdf.with_name(pdf.name.replace(f"--{audience.id}.pdf", f"--{audience.extends}.pdf"))
            pages, standard_pages = len(PdfReader(pdf).pages), len(PdfReader(standard).pages)
            limit = min(audience.max_pages, math.floor(LARGE_PRINT_FACTOR * standard_pages))
            assert pages <= limit, (f"{pdf.name}: {pages} pages; at most {limit} wanted (max_pages {audience.max_pages}, "
                                    f"{LARGE_PRINT_FACTOR} x the {standard_pages} of {standard.name})")
            checked.append(pdf.name)
    assert len(checked) >= 2, "both example briefs have a large-print edition"


def test_the_large_print_profile_allows_two_and_a_half_times_its_standard_profile() -> None:
    audiences = load_audiences(REPO_ROOT / "briefs" / "audiences", Diagnostics())
    for audience in _large_print_audiences().values():
        standard = audiences[audience.extends].max_pages
        assert standard is not None and audience.max_pages == math.floor(LARGE_PRINT_FACTOR * standard), audience.id
