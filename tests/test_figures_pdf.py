"""Numbered floats in real PDFs (WeasyPrint, read back with pdftotext and pypdf): a long data
table repeats its header row on every page it runs on, a caption never ends a page apart from
its table, and every caption is tagged /Caption in the structure tree."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from conftest import brief_yaml, run_cli, section_md

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

ROWS = 120


def pdf_pages(pdf: Path) -> list[str]:
    completed = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True,
                               check=True, timeout=60)
    return [page for page in completed.stdout.decode("utf-8").split("\f") if page.strip()]


@pytest.fixture(scope="module")
def long_table_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make test installs it)")
    root = tmp_path_factory.mktemp("long-table")
    rows = "".join(f"County {n:03d},{n * 1000 + 1},{n % 100}.5\n" for n in range(1, ROWS + 1))
    files = {
        "references.bib": "@misc{gao2021,\n  author = {{GAO}},\n  title = {Report},\n  year = {2021}\n}\n",
        "briefs/b.yaml": brief_yaml(["one"]) + "audiences: [county-officials]\nlist_of_figures: true\n",
        "briefs/data/counties.csv": "county,cost,share\n" + rows,
        "briefs/sections/one.md": section_md("Costs by county", (
            "Every county is in @tbl-counties.\n\n"
            "```{.table #tbl-counties}\ndata: data/counties.csv\ncaption: Cost by county\n"
            "source: \"Source: invented for this test [@gao2021].\"\n"
            "columns:\n  - name: county\n    heading: County name\n  - name: cost\n    heading: Yearly cost\n"
            "    format: currency\n  - name: share\n    heading: Share paid\n    format: percent\n```\n\n"
            "![A small chart](chart.svg){#fig-chart}\n")),
        "briefs/sections/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40">'
                                     '<rect width="80" height="40" fill="#345"/></svg>',
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = run_cli(["build", "-f", "pdf", "-a", "county-officials"], cwd=root)
    assert result.exit_code == 0, result.output
    return root / "output" / "b--county-officials.pdf"


def test_a_long_table_repeats_its_header_row_on_every_page(long_table_pdf: Path) -> None:
    pages = [page for page in pdf_pages(long_table_pdf) if "County 0" in page or "County 1" in page]
    assert len(pages) >= 3, "the table runs over several pages"
    for page in pages:
        first_row = re.search(r"County \d{3}", page)
        assert first_row is not None
        assert "County name" in page, f"no header row on a page of the table:\n{page[:400]}"
        assert page.index("County name") < first_row.start(), "the header row comes first"
    text = "\n".join(pages)
    assert "$120,001" in text and "County 120" in text and "99.5%" in text


def test_the_caption_starts_the_table_and_the_source_note_follows_it(long_table_pdf: Path) -> None:
    pages = pdf_pages(long_table_pdf)
    first = next(page for page in pages if "Table 1:" in page)
    assert first.index("Table 1:") < first.index("County name") < first.index("County 001")
    last = next(page for page in pages if "County 120" in page)
    assert "Source: invented for this test" in last


def test_the_list_of_figures_gives_page_numbers(long_table_pdf: Path) -> None:
    first = pdf_pages(long_table_pdf)[0]
    entries = re.findall(r"(Figure|Table) 1: (Cost by county|A small chart)\s+(\d+)", first)
    # the figure comes after the long table; its caption is the last "Figure 1" in the PDF
    figure_page = max(number for number, page in enumerate(pdf_pages(long_table_pdf), start=1)
                      if "Figure 1: A small chart" in page)
    assert figure_page > 1
    assert entries == [("Figure", "A small chart", str(figure_page)), ("Table", "Cost by county", "1")]


def structure_roles(pdf: Path) -> list[str]:
    reader = pypdf.PdfReader(pdf)
    roles: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, pypdf.generic.IndirectObject) else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for item in node:
                walk(item)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        if "/S" in node:
            roles.append(str(node["/S"]))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return roles


def test_every_caption_is_tagged_caption(long_table_pdf: Path) -> None:
    roles = structure_roles(long_table_pdf)
    assert roles.count("/Caption") == 2, roles  # the table's and the figure's
    assert "/Table" in roles and "/Figure" in roles


def structure_roles_under(node: object) -> list[str]:
    node = node.get_object() if isinstance(node, pypdf.generic.IndirectObject) else node
    if isinstance(node, pypdf.generic.ArrayObject):
        return [role for item in node for role in structure_roles_under(item)]
    if not isinstance(node, pypdf.generic.DictionaryObject):
        return []
    own = [str(node["/S"])] if "/S" in node else []
    return own + (structure_roles_under(node["/K"]) if "/K" in node else [])


def caption_parents(pdf: Path) -> list[tuple[str, list[str]]]:
    """(the role of each Caption's parent, the roles of that parent's element kids, then "under:"
    and the roles of all its descendants)."""
    found: list[tuple[str, list[str]]] = []

    def roles_of(kids: object) -> list[str]:
        kids = kids.get_object() if isinstance(kids, pypdf.generic.IndirectObject) else kids
        items = kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]
        return [str(item.get_object()["/S"]) for item in items
                if isinstance(item.get_object(), pypdf.generic.DictionaryObject) and "/S" in item.get_object()]

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, pypdf.generic.IndirectObject) else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for item in node:
                walk(item)
        elif isinstance(node, pypdf.generic.DictionaryObject) and "/K" in node:
            if "/S" in node and "/Caption" in roles_of(node["/K"]):
                found.append((str(node["/S"]), roles_of(node["/K"]) + ["under:"] + structure_roles_under(node["/K"])))
            walk(node["/K"])

    walk(pypdf.PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_a_tables_caption_is_its_first_kid_and_a_figures_caption_shares_a_div(long_table_pdf: Path) -> None:
    parents = caption_parents(long_table_pdf)
    assert sorted(role for role, _kids in parents) == ["/Div", "/Table"], parents
    table_kids = next(kids for role, kids in parents if role == "/Table")
    assert table_kids[0] == "/Caption"  # a table's caption comes before it
    figure_kids = next(kids for role, kids in parents if role == "/Div")
    kids, descendants = figure_kids[:figure_kids.index("under:")], figure_kids[figure_kids.index("under:") + 1:]
    assert kids[-1] == "/Caption" and "/Figure" in descendants, figure_kids  # a figure's caption follows it


def test_the_example_table_prints_in_both_languages(tmp_path: Path, make_project: Callable[..., Path]) -> None:
    from conftest import REPO_ROOT

    result = run_cli(["build", "287g-costs", "-f", "pdf", "-a", "county-officials", "-a", "community-groups-es",
                      "-o", str(tmp_path)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    english = "\n".join(pdf_pages(tmp_path / "287g-costs--county-officials.pdf"))
    spanish = "\n".join(pdf_pages(tmp_path / "287g-costs--community-groups-es.pdf"))
    assert "Table 1:" in english and "$1,000" in english and "90%" in english
    assert "Tabla 1:" in spanish and "$1000" in spanish and "90 %" in spanish
