"""The PDF's structure tree, read back with pikepdf from PDFs WeasyPrint really wrote: one
structure element per HTML element whatever the page breaks, ``/Lang`` where the language
changes, a ``/ParentTree`` that leads every marked-content id back to its element, and still
nothing for ``pdfua check`` to report."""

from __future__ import annotations

import ctypes
import io
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.model import PdfVariant
from conftest import REPO_ROOT

pytestmark = pytest.mark.pdf

_WORDS = ("county", "board", "detainer", "budget", "jail", "agreement", "sheriff", "federal", "hearing",
          "notice", "policy", "record", "statute", "review", "cost", "staff")


def _words(count: int, seed: int) -> str:
    return " ".join(_WORDS[(seed * 7 + index * 5) % len(_WORDS)] for index in range(count))


def _page(body: str, lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Structure test</title>'
            "<style>@page { size: A6; margin: 12mm } body { font-size: 10pt; line-height: 1.3 }</style>"
            f"</head><body>{body}</body></html>")


def _render(html: str, tmp_path: Path, variant: PdfVariant = "pdf/ua-1") -> bytes:
    from briefgen.render.pdf import render_pdf

    rendered = render_pdf(html, tmp_path, [tmp_path], SourceLocation(tmp_path / "test.md", 1), Diagnostics(),
                          variant=variant, toc_after_pages=None)
    return rendered.data


@dataclass(eq=False)
class Element:
    kind: str
    lang: str | None
    objgen: tuple[int, int]
    content: list[tuple[int, int]] = field(default_factory=list)  # (page, mcid) held directly, in order
    kids: list[Element] = field(default_factory=list)
    annotations: list[int] = field(default_factory=list)  # /StructParent of each annotation held

    def walk(self) -> list[Element]:
        return [self, *(element for kid in self.kids for element in kid.walk())]

    def mcids(self) -> list[tuple[int, int]]:
        """Every (page, mcid) under this element, in reading order."""
        found: list[tuple[int, int]] = []
        for item in self.order:
            found.extend([item] if isinstance(item, tuple) else item.mcids())
        return found

    order: list[tuple[int, int] | Element] = field(default_factory=list)

    def pages(self) -> set[int]:
        return {page for page, _ in self.mcids()}


def _read_tree(data: bytes) -> tuple[Element, pikepdf.Pdf]:
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def read(obj: pikepdf.Dictionary) -> Element:
        element = Element(str(obj.S), str(obj.Lang) if "/Lang" in obj else None, obj.objgen)
        own = pages[obj.Pg.objgen] if "/Pg" in obj else None
        kids = obj.K if isinstance(obj.K, pikepdf.Array) else [obj.K]
        for kid in kids:
            if isinstance(kid, int):
                assert own is not None, f"{element.kind} holds a bare mcid but names no page"
                element.content.append((own, int(kid)))
                element.order.append((own, int(kid)))
            elif kid.get("/Type") == "/MCR":
                reference = (pages[kid.Pg.objgen] if "/Pg" in kid else own, int(kid.MCID))
                assert reference[0] is not None
                element.content.append(reference)  # type: ignore[arg-type]
                element.order.append(reference)  # type: ignore[arg-type]
            elif kid.get("/Type") == "/OBJR":
                element.annotations.append(int(kid.Obj.StructParent))
            else:
                assert kid.is_indirect and kid.P.objgen == obj.objgen, f"{kid.S} does not name {obj.S} as /P"
                child = read(kid)
                element.kids.append(child)
                element.order.append(child)
        return element

    root = pdf.Root.StructTreeRoot
    return read(root.K[0] if isinstance(root.K, pikepdf.Array) else root.K), pdf


def _texts(data: bytes) -> dict[tuple[int, int], str]:
    """(page, mcid) → the text drawn in that marked content, as PDFium reads it."""
    texts: dict[tuple[int, int], str] = {}
    document = pypdfium2.PdfDocument(data)
    for index in range(len(document)):
        page = document[index]
        text_page = page.get_textpage()
        for obj in page.get_objects():
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw, None, 0)
            buffer = (ctypes.c_ushort * (size // 2))()
            pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw, buffer, size)
            texts[index, mcid] = texts.get((index, mcid), "") + bytes(buffer)[:size - 2].decode("utf-16-le")
    return texts


def _text(element: Element, texts: dict[tuple[int, int], str]) -> str:
    return " ".join("".join(texts.get(reference, "") + " " for reference in element.mcids()).split())


def _of_kind(root: Element, kind: str) -> list[Element]:
    return [element for element in root.walk() if element.kind == kind]


def _assert_parent_tree_matches(data: bytes) -> None:
    """Every mcid and annotation in the tree is mapped back to the element holding it, and the
    ParentTree holds nothing else."""
    root, pdf = _read_tree(data)
    tree = pdf.Root.StructTreeRoot
    numbers = list(tree.ParentTree.Nums)
    entries = dict(zip((int(key) for key in numbers[::2]), numbers[1::2], strict=True))
    assert int(tree.ParentTreeNextKey) == max(entries) + 1
    held: dict[tuple[int, int], tuple[int, int]] = {}
    for element in root.walk():
        for reference in element.content:
            assert reference not in held, f"mcid {reference} held twice"
            held[reference] = element.objgen
        for key in element.annotations:
            assert entries[key].objgen == element.objgen
    mapped: dict[tuple[int, int], tuple[int, int]] = {}
    for index, page in enumerate(pdf.pages):
        for mcid, obj in enumerate(entries[int(page.obj.StructParents)]):
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            mapped[index, mcid] = obj.objgen
    assert mapped == held


_LONG = "START of the long paragraph " + _words(230, 1) + " END of the long paragraph."


def test_a_paragraph_across_a_page_break_is_one_p_with_all_its_text(tmp_path: Path) -> None:
    data = _render(_page(f"<h1>Title</h1><p>A short first paragraph.</p><p>{_LONG}</p><p>A short last one.</p>"), tmp_path)
    root, pdf = _read_tree(data)
    texts = _texts(data)
    paragraphs = _of_kind(root, "/P")
    assert [_text(p, texts) for p in paragraphs] == ["A short first paragraph.", _LONG, "A short last one."]
    long = paragraphs[1]
    assert len(long.pages()) == 2, "the paragraph runs over a page break"
    assert {page for page, _ in long.content} == long.pages(), "its own /K holds the text of both pages"
    _assert_parent_tree_matches(data)
    assert len(pdf.pages) == 2


def test_adjacent_paragraphs_at_a_page_break_stay_two_even_with_the_same_text(tmp_path: Path) -> None:
    body = ("<section><p>Same words.</p><p style='break-before: page'>Same words.</p></section>"
            "<p>Ends here.</p><p style='break-before: page'>Starts here.</p>")
    data = _render(_page(body), tmp_path)
    root, _ = _read_tree(data)
    texts = _texts(data)
    assert [_text(p, texts) for p in _of_kind(root, "/P")] == ["Same words.", "Same words.", "Ends here.", "Starts here."]
    assert [len(p.pages()) for p in _of_kind(root, "/P")] == [1, 1, 1, 1]
    sections = _of_kind(root, "/Sect")
    assert len(sections) == 1 and sections[0].pages() == {0, 1}, "the section over the break is one element"


def test_every_paragraph_is_one_p_in_order_whatever_the_breaks(tmp_path: Path) -> None:
    paragraphs = [f"P{index} " + _words(7 + (index * 37) % 90, index) + "." for index in range(40)]
    body = "".join(f"<section><h2>Part {part}</h2>" + "".join(f"<p>{text}</p>" for text in paragraphs[part * 10:part * 10 + 10])
                   + "</section>" for part in range(4))
    data = _render(_page(body), tmp_path)
    root, pdf = _read_tree(data)
    texts = _texts(data)
    found = _of_kind(root, "/P")
    assert [_text(p, texts) for p in found] == paragraphs
    assert sum(len(p.pages()) > 1 for p in found) >= 3, "several paragraphs run over a page break"
    assert len(_of_kind(root, "/Sect")) == 4
    assert not _of_kind(root, "/Span"), "no Span per run of text: the paragraph holds its text itself"
    _assert_parent_tree_matches(data)
    assert len(pdf.pages) >= 6


def test_a_list_item_across_pages_is_one_li_with_one_body(tmp_path: Path) -> None:
    items = ["First item.", "LONG item " + _words(260, 3) + ".", "Last item."]
    data = _render(_page("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"), tmp_path)
    root, _ = _read_tree(data)
    texts = _texts(data)
    lists = _of_kind(root, "/L")
    assert len(lists) == 1
    assert [kid.kind for kid in lists[0].kids] == ["/LI"] * 3
    bodies = _of_kind(root, "/LBody")
    assert [_text(body, texts) for body in bodies] == items
    assert len(bodies[1].pages()) >= 2
    assert [len(_of_kind(item, "/Lbl")) for item in lists[0].kids] == [1, 1, 1], "one bullet per item"
    _assert_parent_tree_matches(data)


def test_a_table_over_pages_is_one_table_with_its_header_read_once(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Row {index}</td><td>Value {index}</td></tr>" for index in range(28))
    tall = f"<tr><td>Tall row</td><td>{_words(150, 5)}</td></tr>"
    body = (f"<p>Before.</p><table><thead><tr><th>Name</th><th>Value</th></tr></thead>"
            f"<tbody>{rows}{tall}</tbody></table>")
    data = _render(_page(body), tmp_path)
    root, pdf = _read_tree(data)
    texts = _texts(data)
    assert len(pdf.pages) >= 3
    tables = _of_kind(root, "/Table")
    assert len(tables) == 1
    assert [kid.kind for kid in tables[0].kids] == ["/THead", "/TBody"]
    assert [_text(cell, texts) for cell in _of_kind(root, "/TH")] == ["Name", "Value"]
    assert len(_of_kind(root, "/TR")) == 1 + 29
    assert _text(_of_kind(root, "/TD")[-1], texts) == _words(150, 5)
    assert len(_of_kind(root, "/TD")[-1].pages()) == 2, "the tall row's cell runs over the break"
    header_ids = {str(obj.ID) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH"}
    for cell in pdf.objects:
        if isinstance(cell, pikepdf.Dictionary) and cell.get("/S") == "/TD":
            assert {str(name) for name in cell.A.Headers} <= header_ids
    _assert_parent_tree_matches(data)
    for index in range(1, len(pdf.pages)):
        assert b"/Artifact BMC" in pdf.pages[index].obj.Contents.read_bytes(), "the repeated header is an artifact"


def test_text_in_another_language_carries_its_lang(tmp_path: Path) -> None:
    body = ('<p>Fuente: <span lang="en">The Costs of Local Immigration Enforcement</span>, 2023.</p>'
            '<p lang="en">An English paragraph.</p><p lang="es">Un párrafo en español.</p>')
    data = _render(_page(body, lang="es"), tmp_path)
    root, pdf = _read_tree(data)
    texts = _texts(data)
    assert str(pdf.Root.Lang) == "es"
    marked = {(element.kind, element.lang, _text(element, texts)) for element in root.walk() if element.lang}
    assert marked == {("/Span", "en", "The Costs of Local Immigration Enforcement"), ("/P", "en", "An English paragraph.")}


@pytest.mark.slow
def test_the_spanish_example_edition_marks_its_english_titles(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", "287g-police-ice", "-a", "community-groups-es",
                             "-f", "pdf", "-o", str(tmp_path), "-q"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "287g-police-ice--community-groups-es.pdf").read_bytes()
    root, pdf = _read_tree(data)
    texts = _texts(data)
    assert str(pdf.Root.Lang) == "es"
    english = [_text(element, texts) for element in root.walk() if element.lang == "en"]
    assert len(english) >= 5, english
    assert all(element.lang in (None, "en") for element in root.walk())
    html = subprocess.run([sys.executable, "-m", "briefgen", "build", "287g-police-ice", "-a", "community-groups-es",
                           "-f", "html", "-o", str(tmp_path), "-q"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert html.returncode == 0, html.stderr
    page = (tmp_path / "287g-police-ice--community-groups-es.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<[a-z]+ lang="en"', page)) == len(english), "every element marked English in the HTML"
    _assert_parent_tree_matches(data)


def test_pdfua_check_finds_nothing_and_the_bytes_are_reproducible(tmp_path: Path) -> None:
    pdfua = Path(sys.executable).with_name("pdfua")
    if not pdfua.exists():
        pytest.skip("pdfua is in the test extra: pip install -e '.[test]'")
    rows = "".join(f"<tr><td>Row {index}</td><td>Value {index}</td></tr>" for index in range(30))
    body = (f'<h1>Title</h1><p>{_LONG}</p><ul><li>One</li><li>{_words(200, 2)}</li></ul>'
            f'<p>See <a href="https://example.org/report">the <span lang="fr">rapport</span> online</a>.</p>'
            f"<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>")
    first = _render(_page(body), tmp_path)
    assert _render(_page(body), tmp_path) == first
    target = tmp_path / "structure.pdf"
    target.write_bytes(first)
    result = subprocess.run([str(pdfua), "check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "errors=0 warnings=0" in result.stdout
    _assert_parent_tree_matches(first)


def test_the_archival_variant_has_no_tree_and_stays_reproducible(tmp_path: Path) -> None:
    body = f"<p>{_LONG}</p>"
    first = _render(_page(body), tmp_path, "pdf/a-3b")
    assert _render(_page(body), tmp_path, "pdf/a-3b") == first
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root


def test_a_tree_other_than_the_one_seen_built_is_refused(tmp_path: Path) -> None:
    from briefgen.render.pdf_structure import ElementOrigin, StructureMismatch, join_page_fragments

    data = _render(_page("<p>One paragraph.</p>"), tmp_path)
    root, _ = _read_tree(data)
    paragraph = _of_kind(root, "/P")[0]
    with pytest.raises(StructureMismatch, match="WeasyPrint was seen making /H1"):
        join_page_fragments(data, {paragraph.objgen[0]: ElementOrigin("H1", 0, "h1", None)})
