"""The PDF's structure tree after WeasyPrint: one element per HTML element, and its language.

WeasyPrint 70 builds the tag tree page by page, so everything that continues over a page break
(the section, the paragraph, the list item, the table) becomes one structure element per page,
and each run of text becomes a ``Span`` of its own. A screen reader then announces a new
paragraph in the middle of a sentence. :func:`join_page_fragments` reads the written PDF with
pikepdf and, using what :mod:`briefgen.render.pdf` recorded while WeasyPrint built the tree (which
HTML element each structure element came from: WeasyPrint's own box identity, never a guess from
text or position), makes the fragments of one HTML element one structure element whose ``/K``
holds the marked content of every page, in order. It also gives ``/Lang`` to every element whose
language differs from the one it sits in (an English source title in a Spanish edition), and
rebuilds the ``/ParentTree`` so that every marked-content id points back to its element.

Two fragments are joined only when they come from the same HTML element and nothing of the same
flow stands between them: the fragment that continues on a later page joins the last earlier
sibling of the same element when every sibling in between ended on an earlier page (a footnote
area, the other cells of a table row that broke over the page).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pikepdf


@dataclass(frozen=True, slots=True)
class ElementOrigin:
    """What made one structure element, as WeasyPrint built it: the structure type it wrote, the
    HTML element (a number unique within the document; ``None`` for boxes of no element, such
    as the footnote area), the box's tag (``li`` and ``li::marker`` differ) and its language."""

    structure_type: str
    element: int | None
    tag: str | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class _Content:
    """One marked-content reference (``page``, ``mcid``) or one annotation reference (``objr``)."""

    page: int
    mcid: int | None = None
    objr: pikepdf.Dictionary | None = None


@dataclass(slots=True, eq=False)
class _Node:
    obj: pikepdf.Dictionary
    origin: ElementOrigin | None
    first_page: int
    last_page: int
    kids: list[_Node | _Content] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str | None, str] | None:
        origin = self.origin
        if origin is None or origin.element is None:
            return None
        return origin.element, origin.tag, origin.structure_type


class StructureMismatch(RuntimeError):
    """The PDF's structure tree is not the one WeasyPrint was seen building (a WeasyPrint other
    than the pinned one): a fault of briefgen, never of a brief."""


def join_page_fragments(data: bytes, origins: Mapping[int, ElementOrigin]) -> bytes:
    """The PDF ``data`` with one structure element per HTML element and ``/Lang`` where the
    language changes; ``origins`` maps the object number of each structure element WeasyPrint
    made for a box to that box's :class:`ElementOrigin`. A PDF without tags (no origins: the
    archival variant) comes back as is, unread."""
    if not origins:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pikepdf.Dictionary):
            return data
        page_numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        roots = [_read(kid, origins, page_numbers) for kid in _array(tree.get("/K"))]
        joined = _Joined()
        for root in roots:
            if isinstance(root, _Node):
                _join(root, joined)
        for root in roots:
            if isinstance(root, _Node):
                _group_captions(root)
        document_lang = str(pdf.Root.get("/Lang", ""))
        pages = [page.obj for page in pdf.pages]
        for root in roots:
            if isinstance(root, _Node):
                _write(root, pages, document_lang)
        if joined.aliases:
            _rename_headers(roots, joined.aliases)
        for index, mcids in sorted(joined.artifacts.items()):
            _mark_as_artifacts(pdf.pages[index], mcids)
        _write_parent_tree(tree, roots, pages)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _array(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


def _read(obj: object, origins: Mapping[int, ElementOrigin], page_numbers: Mapping[tuple[int, int], int],
          page: int = 0) -> _Node | _Content | None:
    """The structure element ``obj`` and everything under it; WeasyPrint's one ``Span`` per run
    of text (no element of the page behind it, one marked-content id) dissolves into its parent."""
    if isinstance(obj, int):
        return _Content(page, mcid=int(obj))
    if not isinstance(obj, pikepdf.Dictionary):
        return None
    kind = obj.get("/Type")
    if kind == "/MCR":
        return _Content(page_numbers.get(obj.Pg.objgen, page) if "/Pg" in obj else page, mcid=int(obj.MCID))
    if kind == "/OBJR":
        return _Content(page, objr=obj)
    if "/S" not in obj:
        return None
    if "/Pg" in obj:
        page = page_numbers.get(obj.Pg.objgen, page)
    origin = origins.get(obj.objgen[0]) if obj.is_indirect else None
    if origin is not None and origin.structure_type != str(obj.S)[1:]:
        raise StructureMismatch(f"structure element {obj.objgen[0]} is {obj.S}, WeasyPrint was seen making "
                                f"/{origin.structure_type}")
    node = _Node(obj, origin, page, page)
    for kid in _array(obj.get("/K")):
        item = _read(kid, origins, page_numbers, page)
        if isinstance(item, _Node) and _is_text_run(item):
            node.kids.extend(item.kids)
        elif item is not None:
            node.kids.append(item)
    return node


def _is_text_run(node: _Node) -> bool:
    return (node.origin is None and str(node.obj.S) == "/Span" and len(node.obj.keys()) <= 5
            and all(isinstance(kid, _Content) and kid.mcid is not None for kid in node.kids))


@dataclass(slots=True)
class _Joined:
    """What joining changed beyond the tree: header cell ids now named by their first fragment's
    id, and the marked content of repeated table headers and footers, now artifacts."""

    aliases: dict[str, str] = field(default_factory=dict)
    artifacts: dict[int, set[int]] = field(default_factory=dict)


_REPEATED_GROUPS = frozenset({"/THead", "/TFoot"})
"""Table row groups WeasyPrint draws again on every page a table runs over."""


def _join(node: _Node, joined: _Joined) -> None:
    """Join the page fragments among ``node``'s kids, then among each kid's kids."""
    kept: list[_Node | _Content] = []
    for kid in node.kids:
        target = _fragment_before(kept, kid) if isinstance(kid, _Node) else None
        if target is None or not isinstance(kid, _Node):
            kept.append(kid)
        elif str(kid.obj.S) in _REPEATED_GROUPS and _is_repetition(target, kid):
            _drop_repetition(target, kid, joined)
        else:
            target.kids.extend(kid.kids)
            target.first_page = min(target.first_page, kid.first_page)
            target.last_page = max(target.last_page, kid.last_page)
            if "/ID" in kid.obj and "/ID" in target.obj:
                joined.aliases[str(kid.obj.ID)] = str(target.obj.ID)
    node.kids = kept
    for kid in kept:
        if isinstance(kid, _Node):
            _join(kid, joined)


def _is_repetition(first: _Node, later: _Node) -> bool:
    """A table header (or footer) drawn again on a later page: the same rows, cells and runs of
    text as the first, and no link in it (a link annotation must stay in the tree)."""
    def shape(node: _Node) -> list[object]:
        return [(str(kid.obj.S), shape(kid)) if isinstance(kid, _Node) else kid.objr is None for kid in node.kids]

    def has_link(node: _Node) -> bool:
        return any(has_link(kid) if isinstance(kid, _Node) else kid.objr is not None for kid in node.kids)

    return later.first_page > first.last_page and not has_link(later) and shape(later) == shape(first)


def _drop_repetition(first: _Node, repeated: _Node, joined: _Joined) -> None:
    """Leave a repeated header out of the tree: its text becomes an artifact (read once, at the
    top of the table), and its header cells' ids are names for the first header's cells."""
    stack = [(first, repeated)]
    while stack:
        original, copy = stack.pop()
        if "/ID" in copy.obj and "/ID" in original.obj:
            joined.aliases[str(copy.obj.ID)] = str(original.obj.ID)
        for original_kid, copy_kid in zip(original.kids, copy.kids, strict=True):
            if isinstance(original_kid, _Node) and isinstance(copy_kid, _Node):
                stack.append((original_kid, copy_kid))
            elif isinstance(copy_kid, _Content) and copy_kid.mcid is not None:
                joined.artifacts.setdefault(copy_kid.page, set()).add(copy_kid.mcid)


def _fragment_before(kept: list[_Node | _Content], kid: _Node) -> _Node | None:
    """The earlier fragment of ``kid``'s HTML element that ``kid`` continues, if any: the one just
    before it, or the last one before it when everything in between ended on an earlier page."""
    key = kid.key
    if key is None:
        return None
    for index in range(len(kept) - 1, -1, -1):
        item = kept[index]
        if isinstance(item, _Node) and item.key == key:
            if index == len(kept) - 1 or item.last_page < kid.first_page:
                return item
            return None
        if not isinstance(item, _Node) or item.last_page >= kid.first_page:
            return None
    return None


def _group_captions(node: _Node) -> None:
    """Tie each caption to what it describes. WeasyPrint tags an HTML ``<figure>`` as NonStruct
    (no meaning), leaving its Caption a loose sibling: the figure becomes a Div, and a table's
    caption becomes the Table's own first or last kid, as ISO 32000 places it."""
    for kid in node.kids:
        if isinstance(kid, _Node):
            _group_captions(kid)
    if node.origin is None or node.origin.tag != "figure" or str(node.obj.get("/S")) != "/NonStruct":
        return
    node.obj.S = pikepdf.Name.Div
    elements = [kid for kid in node.kids if isinstance(kid, _Node)]
    captions = [kid for kid in elements if str(kid.obj.get("/S")) == "/Caption"]
    tables = [kid for kid in elements if str(kid.obj.get("/S")) == "/Table"]
    if len(captions) != 1 or len(tables) != 1:
        return
    caption, table = captions[0], tables[0]
    before = node.kids.index(caption) < node.kids.index(table)
    node.kids.remove(caption)
    if before:
        table.kids.insert(0, caption)
    else:
        table.kids.append(caption)
    table.first_page = min(table.first_page, caption.first_page)
    table.last_page = max(table.last_page, caption.last_page)


def _write(node: _Node, pages: Sequence[pikepdf.Object], inherited_lang: str) -> None:
    """Write ``node``'s kids back as its ``/K`` (marked content of another page than the element's
    own ``/Pg`` as a marked-content reference naming its page), and ``/Lang`` where it changes."""
    own_page = node.first_page if "/Pg" in node.obj else None
    lang = node.origin.lang if node.origin is not None and node.origin.lang else inherited_lang
    if lang.casefold() != inherited_lang.casefold():
        node.obj.Lang = pikepdf.String(lang)
    elif "/Lang" in node.obj:
        del node.obj.Lang
    kids: list[object] = []
    for kid in node.kids:
        if isinstance(kid, _Node):
            kid.obj.P = node.obj
            _write(kid, pages, lang)
            kids.append(kid.obj)
        elif kid.objr is not None:
            kids.append(kid.objr)
        elif kid.page == own_page:
            kids.append(kid.mcid)
        else:
            kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=pages[kid.page], MCID=kid.mcid))
    node.obj.K = pikepdf.Array(kids)


def _rename_headers(roots: list[_Node | _Content | None], aliases: Mapping[str, str]) -> None:
    """Table cells name their header cells by ``/ID``; a header joined into its first fragment
    is named by that fragment's id."""
    for root in roots:
        if not isinstance(root, _Node):
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            attributes = node.obj.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                attributes.Headers = pikepdf.Array(
                    [pikepdf.String(aliases.get(str(name), str(name))) for name in attributes.Headers])
            stack.extend(kid for kid in node.kids if isinstance(kid, _Node))


_MARKED_CONTENT = re.compile(rb"/[A-Za-z]+\s*<</MCID (\d+)>>\s*BDC")


def _mark_as_artifacts(page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the page's marked content ``mcids`` into artifacts (``/Artifact BMC``). WeasyPrint
    writes text as hexadecimal glyph strings, so the pattern cannot occur inside a string."""
    content = page.obj.Contents
    data = content.read_bytes()

    def artifact(match: re.Match[bytes]) -> bytes:
        return b"/Artifact BMC" if int(match.group(1)) in mcids else match.group(0)

    content.write(zlib.compress(_MARKED_CONTENT.sub(artifact, data)), filter=pikepdf.Name.FlateDecode)


def _write_parent_tree(tree: pikepdf.Dictionary, roots: list[_Node | _Content | None],
                       pages: Sequence[pikepdf.Object]) -> None:
    """Rebuild ``/ParentTree``: each page's marked-content ids → the element holding each, each
    annotation's ``/StructParent`` → its element; and ``/ParentTreeNextKey`` after them."""
    by_page: dict[int, dict[int, pikepdf.Dictionary]] = {}
    by_annotation: dict[int, pikepdf.Dictionary] = {}
    stack = [root for root in roots if isinstance(root, _Node)]
    while stack:
        node = stack.pop()
        for kid in node.kids:
            if isinstance(kid, _Node):
                stack.append(kid)
            elif kid.objr is not None:
                annotation = kid.objr.get("/Obj")
                if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                    by_annotation[int(annotation.StructParent)] = node.obj
            elif kid.mcid is not None:
                by_page.setdefault(kid.page, {})[kid.mcid] = node.obj
    entries: dict[int, object] = dict(by_annotation)
    for index, page in enumerate(pages):
        if "/StructParents" in page:
            mcids = by_page.get(index, {})
            entries[int(page.StructParents)] = pikepdf.Array(
                [mcids.get(mcid) for mcid in range(max(mcids, default=-1) + 1)])
    numbers: list[object] = []
    for key in sorted(entries):
        numbers += [key, entries[key]]
    parent_tree = tree.get("/ParentTree")
    if not isinstance(parent_tree, pikepdf.Dictionary):
        parent_tree = tree.ParentTree = pikepdf.Dictionary()
    parent_tree.Nums = pikepdf.Array(numbers)
    tree.ParentTreeNextKey = max(entries, default=-1) + 1
