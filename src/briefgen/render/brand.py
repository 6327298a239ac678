"""A project's house style on the page: its logo, colours and fonts (from ``briefs/project.yaml``).

The themes name every colour and family as CSS custom properties; the project's palette and
fonts are one more ``:root`` rule after the theme's, so every rule that uses them follows. The
logo is embedded as a data URI (like every image of an edition), read through the same checks
as any project file.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from markupsafe import Markup, escape

from briefgen.errors import BriefgenError
from briefgen.load.project_files import FileRefused, read_file
from briefgen.load.settings import MAX_LOGO_BYTES
from briefgen.model import Project, ProjectSettings
from briefgen.render.css import css_string
from briefgen.render.fonts import FontChoices

_MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True, slots=True)
class Brand:
    """What a page template prints of the house style."""

    logo: Markup
    """``<img class="logo">`` with the logo and its alt text, or empty."""
    logo_names: str
    """The organization the logo stands for (the project's): a brief of that organization prints
    the logo in place of its name; one of another organization prints both."""
    css: str
    """CSS after the theme's: the palette and the fonts as custom properties."""
    fonts: FontChoices | None


def project_brand(project: Project, theme: str) -> Brand:
    settings = project.settings
    logo = logo_html(project)
    return Brand(logo, settings.organization if logo else "", brand_css(settings, theme), font_choices(settings))


def font_choices(settings: ProjectSettings) -> FontChoices | None:
    if settings.body_font is None and settings.heading_font is None:
        return None
    return FontChoices(settings.body_font.family if settings.body_font else None,
                       settings.heading_font.family if settings.heading_font else None)


def brand_css(settings: ProjectSettings, theme: str) -> str:
    """The palette for every theme; the fonts for the standard theme only (large print keeps the
    face designed for low-vision readers). Colours were checked as ``#rrggbb`` and family names
    against the installed packages when the settings were read; names go in as CSS strings."""
    properties = [f"--{colour.name}: {colour.value};" for colour in settings.colors]
    page_boxes = ""
    if theme == "standard":
        if settings.body_font is not None:
            properties.append(f"--font-body: {css_string(settings.body_font.family)}, serif;")
        if settings.heading_font is not None:
            family = css_string(settings.heading_font.family)
            properties.append(f"--font-head: {family}, sans-serif;")
            # The page's margin boxes name their family outright (custom properties do not reach them).
            page_boxes = "@page { " + " ".join(f"@{box} {{ font-family: {family}, sans-serif; }}"
                                               for box in ("top-left", "top-right", "bottom-right")) + " }"
    if not properties and not page_boxes:
        return ""
    # It follows the theme's CSS on the same line: a project without settings gets the page it always got.
    return "\n" + (":root { " + " ".join(properties) + " }\n" if properties else "") + page_boxes


def logo_html(project: Project) -> Markup:
    """The logo as an image; it was checked when the settings were read, so a failure here means it
    changed during the build (an error that stops it)."""
    logo = project.settings.logo
    if logo is None:
        return Markup("")
    try:
        data = read_file(logo.path, project.root, MAX_LOGO_BYTES)
    except FileRefused as refused:
        raise BriefgenError.at(logo.location, f"the logo {refused.reason}", refused.hint) from None
    media_type = _MEDIA_TYPES[logo.path.suffix.lower()]
    uri = f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
    return Markup(f'<img class="logo" src="{uri}" alt="{escape(logo.alt)}">')
