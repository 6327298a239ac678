"""Themes: colour contrast (WCAG 2) computed from the CSS, embedded fonts, large print."""

from __future__ import annotations

import base64
import io
import re
from importlib import resources

import pytest
from fontTools.ttLib import TTFont

from briefgen.render.fonts import THEME_FACES, font_faces_css

THEMES = ("standard", "large-print")


def theme_colours(theme: str) -> dict[str, str]:
    folder = resources.files("briefgen") / "themes"
    colours: dict[str, str] = {}
    for name in ("base.css", f"{theme}.css"):
        css = (folder / name).read_text(encoding="utf-8")
        for block in re.findall(r":root\s*{([^}]*)}", css):
            colours.update(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))
    return colours


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("foreground", ["text", "muted", "accent"])
@pytest.mark.parametrize("background", ["paper", "box"])
def test_text_colours_have_at_least_4_5_to_1_contrast(theme: str, foreground: str, background: str) -> None:
    colours = theme_colours(theme)
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 4.5, f"{theme}: --{foreground} {colours[foreground]} on --{background} {colours[background]} is {ratio:.2f}:1"


def test_large_print_is_at_least_18_points() -> None:
    css = (resources.files("briefgen") / "themes" / "large-print.css").read_text(encoding="utf-8")
    size = re.search(r"--size:\s*(\d+(?:\.\d+)?)pt", css)
    assert size and float(size.group(1)) >= 18


@pytest.mark.parametrize("theme", THEMES)
def test_embedded_fonts_are_woff_subsets_of_every_face(theme: str) -> None:
    assert "Source Code Pro" not in font_faces_css(theme, "No code here.", "woff"), "the mono face only where code is"
    css = font_faces_css(theme, "<code>Ünïcode</code> ¿qué? — “quoted” ñ", "woff")
    faces = re.findall(r'font-family: "([^"]+)"; font-style: (\w+); font-weight: (\d+); '
                       r'src: url\(data:font/woff;base64,([^)]+)\) format\("woff"\)', css)
    assert [(f, s, int(w)) for f, s, w, _ in faces] == [(face.family, face.style, face.weight) for face in THEME_FACES[theme]]
    for family, _style, weight, data in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff"
        assert "fvar" not in font, "variable fonts are pinned to one weight"
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in "ñ¿“”—Ü"), f"{family} {weight} lacks a character of the text"
        assert len(cmap) < 400, f"{family} {weight} is not subset ({len(cmap)} characters)"
        assert font["OS/2"].usWeightClass == int(weight)


def test_font_subsetting_is_deterministic() -> None:
    from briefgen.render import fonts

    first = font_faces_css("standard", "Same text.", "woff")
    # subset again, not from the cache
    for cached in (fonts._face_bytes, getattr(fonts, "_face_rule", None), getattr(fonts, "_subset", None)):
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()
    assert first == font_faces_css("standard", "Same text.", "woff")
