"""Colours of the themes and of a project's palette, and the WCAG 2 contrast of every pair that prints text.

The built-in themes are held to WCAG AA (4.5:1 for body text) by their tests; a project's
``colors:`` change the same CSS custom properties, so the same pairs are checked when the
settings file is read, with the error at the line of the colour that fails.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from briefgen.errors import Diagnostics
from briefgen.model import THEMES, Colour

MINIMUM_CONTRAST = 4.5
"""WCAG 2 AA for normal-size text."""
TEXT_COLOURS = ("text", "muted", "accent")
"""Colours text is set in (body, captions and meta lines, headings and links)."""
BACKGROUNDS = ("paper", "box")
"""What text is set on: the page and the boxes (key takeaways, call to action)."""
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def is_hex_colour(value: str) -> bool:
    return bool(_HEX.match(value))


def normalized(value: str) -> str:
    """``#abc`` → ``#aabbcc``, lower case."""
    digits = value.lstrip("#").lower()
    return "#" + ("".join(d * 2 for d in digits) if len(digits) == 3 else digits)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rgb`` or ``#rrggbb``."""
    digits = normalized(colour)[1:]
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@lru_cache(maxsize=4)
def theme_colours(theme: str) -> dict[str, str]:
    """The colour custom properties a theme sets in ``:root`` (base.css, then the theme's own file)."""
    folder = resources.files("briefgen") / "themes"
    colours: dict[str, str] = {}
    for name in ("base.css", f"{theme}.css"):
        css = (folder / name).read_text(encoding="utf-8")
        for block in re.findall(r":root\s*{([^}]*)}", css):
            colours.update(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))
    return colours


def check_palette(palette: tuple[Colour, ...], diagnostics: Diagnostics) -> bool:
    """Every text colour on every background, in every theme, with the project's colours in place:
    an error at the project colour of each pair under 4.5:1. True when all pass."""
    mine = {colour.name: colour for colour in palette}
    reported: set[tuple[str, str]] = set()
    for theme in THEMES:
        colours = {**theme_colours(theme), **{name: colour.value for name, colour in mine.items()}}
        for foreground in TEXT_COLOURS:
            for background in BACKGROUNDS:
                if foreground not in mine and background not in mine:
                    continue
                ratio = contrast(colours[foreground], colours[background])
                if ratio >= MINIMUM_CONTRAST or (foreground, background) in reported:
                    continue
                reported.add((foreground, background))
                at = mine[foreground] if foreground in mine else mine[background]
                diagnostics.error(
                    at.location,
                    f"'{foreground}' {colours[foreground]} on '{background}' {colours[background]} has a contrast of "
                    f"{ratio:.2f}:1 ({theme} theme), below the 4.5:1 that WCAG AA asks of text",
                    f"change '{at.name}' until the pair reaches 4.5:1 (darker text on a light background)")
    return not reported
