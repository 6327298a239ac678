"""The fonts of each theme, from maintained OFL font packages, subset to the text they print.

The same faces go into both editions, so the HTML page and the PDF look alike on every
machine: the standard theme sets Source Serif 4 (text) and Source Sans 3 (headings), the
large-print theme Atkinson Hyperlegible, a face designed for low-vision readers; both set
code in Source Code Pro. No glyph may come from the machine's own fonts:
:func:`bundled_families` names the families a PDF may use, and the PDF renderer warns about
any other (see ``render/pdf.py``).

Source Serif 4 and Source Sans 3 ship as variable fonts. HarfBuzz's subsetter (the
``libharfbuzz-subset0`` system library WeasyPrint needs anyway) cuts each one down to the
characters of the page and pins it to the weight a rule asks for, in a few milliseconds:
one static face per weight and style used. The HTML edition embeds them as WOFF data
URIs; the PDF renderer gets TrueType data URIs and subsets and embeds them again itself.
Every step is deterministic, so the same text gives the same bytes.
"""

from __future__ import annotations

import base64
import ctypes
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import fontpkg

from briefgen.errors import BriefgenError, Diagnostic, Severity

FontFormat = Literal["woff", "truetype"]


@dataclass(frozen=True, slots=True)
class Face:
    """One ``@font-face``: a family at one weight and style."""

    family: str
    weight: int
    style: Literal["normal", "italic"]
    pins: tuple[tuple[str, float], ...] = ()
    """Variation axes pinned to a value (``wght``, ``opsz``), for a variable font file."""
    file_weight: int = 0
    """The weight of the static file that serves this face when the family has none of ``weight``
    (a project's family without a semibold); 0: ``weight`` itself."""


def _serif(weight: int, style: Literal["normal", "italic"]) -> Face:
    # Optical size 12: the cut for text sizes, which is what the serif sets.
    return Face("Source Serif 4", weight, style, (("wght", weight), ("opsz", 12)))


def _sans(weight: int, style: Literal["normal", "italic"]) -> Face:
    return Face("Source Sans 3", weight, style, (("wght", weight),))


def _mono(weight: int, style: Literal["normal", "italic"]) -> Face:
    # Code, file names and addresses set in monospace: the Source family's own mono face.
    return Face("Source Code Pro", weight, style, (("wght", weight),))


_MONO_FACES = (_mono(400, "normal"), _mono(700, "normal"), _mono(400, "italic"))
_STYLES: tuple[Literal["normal", "italic"], ...] = ("normal", "italic")


THEME_FACES: dict[str, tuple[Face, ...]] = {
    "standard": (
        _serif(400, "normal"), _serif(700, "normal"), _serif(400, "italic"), _serif(700, "italic"),
        _sans(400, "normal"), _sans(600, "normal"), _sans(700, "normal"), _sans(400, "italic"),
        *_MONO_FACES,
    ),
    "large-print": (*(Face("Atkinson Hyperlegible", weight, style)
                      for weight in (400, 700) for style in _STYLES),
                    *_MONO_FACES),
}
"""Every face a theme's CSS uses; a weight that is not here would be faked by the renderer."""

# Letters a page may print beyond its own text: ASCII for page numbers and generated labels,
# and the hyphens that automatic hyphenation adds (U+2010, or U+002D in browsers). The PDF's
# copy also gets Latin-1 and general punctuation, since WeasyPrint cuts it down again anyway.
_BASE_CHARACTERS = frozenset(chr(code) for code in (*range(0x20, 0x7F), 0x2010, 0x2011, 0xA0, 0xAD))
_PDF_CHARACTERS = _BASE_CHARACTERS | frozenset(chr(code) for code in (*range(0xA0, 0x100), *range(0x2010, 0x2027),
                                                                      *range(0x2030, 0x203B), 0x2192, 0x2191))


def bundled_families() -> frozenset[str]:
    """Every family a theme or a project may set (the installed ``fontpkg-*`` packages); a PDF font
    outside this set is a fallback to a machine font."""
    return frozenset({*(face.family for faces in THEME_FACES.values() for face in faces),
                      *(family.name for family in fontpkg.families().values())})


@dataclass(frozen=True, slots=True)
class FontChoices:
    """The families a project chose for the standard theme (``fonts:`` in its settings)."""

    body: str | None = None
    headings: str | None = None


def theme_faces(theme: str, choices: FontChoices | None = None) -> tuple[Face, ...]:
    """The faces of ``theme``: the standard theme's serif (text) and sans (headings) faces give way
    to the project's chosen families, at the same weights and styles; large print keeps its face."""
    faces = THEME_FACES[theme]
    if theme != "standard" or choices is None:
        return faces
    chosen = []
    for face in faces:
        family = (choices.body if face.family == "Source Serif 4"
                  else choices.headings if face.family == "Source Sans 3" else None)
        chosen.append(face if family is None else project_face(family, face.weight, face.style))
    return tuple(dict.fromkeys(chosen))


def project_face(family: str, weight: int, style: Literal["normal", "italic"]) -> Face:
    """A face of a family from a font package, its variable axes pinned where the file has them."""
    try:
        found = fontpkg.family(family)
    except fontpkg.FontpkgError as error:
        raise FontError(f"the font '{family}' is not installed ({error}); "
                        f"install it with: pip install fontpkg-{fontpkg.slugify(family)}") from None
    axes = {axis.tag for axis in found.axes}
    pins: tuple[tuple[str, float], ...] = (("wght", weight),) if "wght" in axes else ()
    if "opsz" in axes:
        pins += (("opsz", 12),)
    if "wght" in axes:
        return Face(family, weight, style, pins)
    weights = sorted({file.weight for file in found.files if file.style == style and file.weight is not None})
    nearest = min(weights, key=lambda w: (abs(w - weight), -w)) if weights else weight  # 600 → 700, not 500
    return Face(family, weight, style, pins, 0 if nearest == weight else nearest)


class FontError(BriefgenError):
    """A font package or the subsetting library is missing: briefgen's installation, not the
    author's content, is at fault; the message says what to install."""

    def __init__(self, message: str) -> None:
        super().__init__(Diagnostic(Severity.ERROR, None, message))


def font_faces_css(theme: str, text: str, font_format: FontFormat, choices: FontChoices | None = None) -> str:
    """``@font-face`` rules for ``theme`` (with a project's ``choices``), each font subset to the characters of ``text``."""
    characters = frozenset(text) | (_BASE_CHARACTERS if font_format == "woff" else _PDF_CHARACTERS)
    rules = []
    sets_code = any(tag in text for tag in ("<code", "<pre", "<kbd", "<samp"))
    for face in theme_faces(theme, choices):
        if face in _MONO_FACES and not sets_code:  # a page without code does not carry the mono face
            continue
        rules.append(_face_rule(face, characters, font_format))
    return "\n".join(rules)


@lru_cache(maxsize=32)  # a few editions' faces in both formats; each rule is up to ~100 KB
def _face_rule(face: Face, characters: frozenset[str], font_format: FontFormat) -> str:
    """The ``@font-face`` rule with the subset font as a data URI, made once per process for the
    same face and characters: the editions of a brief's places mostly share their characters,
    so the subset, its WOFF form and its base64 text are made once, not once an edition."""
    data = _face_bytes(face, characters, font_format)
    media_type = "font/woff" if font_format == "woff" else "font/ttf"
    uri = f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
            f'font-weight: {face.weight}; src: url({uri}) format("{font_format}"); }}')


@lru_cache(maxsize=256)
def _face_bytes(face: Face, characters: frozenset[str], font_format: FontFormat) -> bytes:
    truetype = _subset(_font_file(face), characters, face.pins)
    if font_format == "truetype":
        return truetype
    from fontTools.ttLib import TTFont

    # WOFF (zlib), not WOFF2: WOFF2's glyph transform and Brotli took 0.4 s an edition, WOFF 0.02 s,
    # for pages about a fifth larger; the subset already makes the big saving.
    font = TTFont(io.BytesIO(truetype), recalcTimestamp=False)
    font.flavor = "woff"
    output = io.BytesIO()
    font.save(output, reorderTables=False)
    return output.getvalue()


def _font_file(face: Face) -> Path:
    try:
        family = fontpkg.family(face.family)
        chosen = fontpkg.select_file(family, face.file_weight or face.weight, face.style)
    except fontpkg.FontpkgError as error:
        raise FontError(f"the font '{face.family}' ({face.weight} {face.style}) is not installed ({error}); "
                        "reinstall briefgen with its dependencies") from None
    return Path(chosen.path)


# --- HarfBuzz's subsetter, through ctypes -------------------------------------------------

_NO_HINTING = 1 << 0


@lru_cache(maxsize=1)
def _harfbuzz() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    try:
        hb = ctypes.CDLL("libharfbuzz.so.0")
        subset = ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        raise FontError("the HarfBuzz subsetting library is missing; install the system package "
                        "libharfbuzz-subset0 (scripts/install-system-deps does)") from None
    pointer = ctypes.c_void_p
    signatures: list[tuple[Any, Any, list[Any]]] = [  # ctypes functions, their result and argument types
        (hb.hb_blob_create_from_file, pointer, [ctypes.c_char_p]),
        (hb.hb_face_create, pointer, [pointer, ctypes.c_uint]),
        (hb.hb_face_reference_blob, pointer, [pointer]),
        (hb.hb_blob_get_data, ctypes.POINTER(ctypes.c_char), [pointer, ctypes.POINTER(ctypes.c_uint)]),
        (hb.hb_blob_destroy, None, [pointer]),
        (hb.hb_face_destroy, None, [pointer]),
        (hb.hb_set_add, None, [pointer, ctypes.c_uint32]),
        (hb.hb_tag_from_string, ctypes.c_uint32, [ctypes.c_char_p, ctypes.c_int]),
        (subset.hb_subset_input_create_or_fail, pointer, []),
        (subset.hb_subset_input_destroy, None, [pointer]),
        (subset.hb_subset_input_unicode_set, pointer, [pointer]),
        (subset.hb_subset_input_set_flags, None, [pointer, ctypes.c_uint]),
        (subset.hb_subset_input_pin_axis_location, ctypes.c_int, [pointer, pointer, ctypes.c_uint32, ctypes.c_float]),
        (subset.hb_subset_or_fail, pointer, [pointer, pointer]),
    ]
    for function, restype, argtypes in signatures:
        function.restype = restype
        function.argtypes = argtypes
    return hb, subset


def _subset(path: Path, characters: Iterable[str], pins: tuple[tuple[str, float], ...]) -> bytes:
    """The font at ``path`` cut to ``characters``, with its variation axes pinned; TrueType bytes."""
    hb, hb_subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file(str(path).encode())
    face = hb.hb_face_create(blob, 0)
    plan = hb_subset.hb_subset_input_create_or_fail()
    try:
        unicodes = hb_subset.hb_subset_input_unicode_set(plan)
        for character in sorted(characters):
            hb.hb_set_add(unicodes, ord(character))
        for tag, value in pins:
            if not hb_subset.hb_subset_input_pin_axis_location(plan, face, hb.hb_tag_from_string(tag.encode(), -1), value):
                raise FontError(f"cannot set the '{tag}' axis of {path.name} to {value}")
        hb_subset.hb_subset_input_set_flags(plan, _NO_HINTING)
        result = hb_subset.hb_subset_or_fail(face, plan)
        if not result:
            raise FontError(f"cannot subset the font {path.name}")
        result_blob = hb.hb_face_reference_blob(result)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(result_blob, ctypes.byref(length))
        truetype = ctypes.string_at(data, length.value)
        hb.hb_blob_destroy(result_blob)
        hb.hb_face_destroy(result)
        return truetype
    finally:
        hb_subset.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
