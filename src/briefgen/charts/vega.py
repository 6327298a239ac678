"""Drawing a chart: the checked spec and its data → a Vega-Lite spec → SVG, with vl-convert.

vl-convert runs Vega-Lite in an embedded JavaScript engine, with no browser; given data inline
(never a URL) it fetches nothing. The chart is set in the edition's theme: its heading face (the
font files briefgen bundles, registered with vl-convert so that text is measured with the faces
the page embeds), its colours (the theme stylesheet's ``--text``, ``--muted``, ``--accent``,
``--focus``, ``--rule`` and ``--paper``) and its text size; numbers and dates are formatted in the
edition's language (the catalogue's ``chart_locale``, a d3 locale such as ``es-ES``).

The SVG is made safe by construction and checked like any SVG image (:mod:`briefgen.render.svg`):
Vega's ARIA and class attributes are dropped, hidden labels removed, ids prefixed with the chart's
id, and the root gets ``role="img"``, ``aria-label`` and a ``<title>`` with the alt text (which
WeasyPrint writes as the PDF Figure's /Alt). Each drawing is cached by the content hash of all it
is made from, in this process and in the build cache's ``charts/`` folder, so a rebuild whose
chart did not change never starts the renderer.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import tinycss2

from briefgen.charts.data import ChartData
from briefgen.charts.spec import ChartSpec
from briefgen.i18n import messages_for

CHART_SCHEMA = "briefgen-chart-2"
VEGA_LITE_VERSION = "6.4"
"""Pinned, so that a vl-convert upgrade that adds a newer Vega-Lite does not change charts unasked."""
_SVG = "http://www.w3.org/2000/svg"
_DROPPED_ATTRIBUTES = ("role", "class", "pointer-events", "aria-hidden", "aria-roledescription", "aria-label")
_REFERENCE = re.compile(r"url\(#([^)]+)\)")


@dataclass(frozen=True, slots=True)
class ChartTheme:
    font: str
    """The family the chart is set in (the theme's heading face), quoted as CSS wants it."""
    text: str
    muted: str
    accent: str
    focus: str
    rule: str
    paper: str
    size_px: float
    """The theme's text size in CSS pixels."""

    @property
    def peers(self) -> str:
        """The colour of the rows a chart's ``highlight:`` does not pick: ``--muted`` faded 40 % towards
        ``--paper`` (still 3:1 against white paper, as graphics need, and clearly apart from ``--accent``)."""
        return _mix(self.muted, self.paper, 0.6)


def _mix(colour: str, other: str, share: float) -> str:
    """``share`` of ``colour`` and the rest of ``other`` (hex colours; ``colour`` itself for any other form)."""
    def channels(hex_colour: str) -> list[int] | None:
        digits = hex_colour.strip().lstrip("#")
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        if len(digits) != 6 or any(d not in "0123456789abcdefABCDEF" for d in digits):
            return None
        return [int(digits[i:i + 2], 16) for i in (0, 2, 4)]

    a, b = channels(colour), channels(other)
    if a is None or b is None:
        return colour
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02x}" for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=8)
def chart_theme(theme: str) -> ChartTheme:
    """The theme's custom properties (its top-level ``:root`` rules over base.css's)."""
    folder = resources.files("briefgen") / "themes"
    values: dict[str, str] = {}
    for name in ("base.css", f"{theme}.css"):
        css = (folder / name).read_text(encoding="utf-8")
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule" or tinycss2.serialize(rule.prelude).strip() != ":root":
                continue
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.name.startswith("--"):
                    values[declaration.name] = tinycss2.serialize(declaration.value).strip()
    family = values["--font-head"].split(",")[0].strip()  # quoted as in the CSS: "Source Sans 3" is not a CSS name
    size = float(values["--size"].removesuffix("pt")) * 4 / 3
    return ChartTheme(family, values["--text"], values["--muted"], values["--accent"], values["--focus"],
                      values["--rule"], values["--paper"], size)


PLACE_FIELD = "place"
"""The inline data's field holding each row's place column (the others are ``c0``, ``c1``…)."""


def vega_lite_spec(spec: ChartSpec, data: ChartData, theme: ChartTheme, highlight: str | None = None) -> dict[str, Any]:
    """The Vega-Lite spec vl-convert draws: data inline, never a URL.

    ``highlight``: the edition's place's value of the spec's ``highlight:`` column; the rows
    holding it are drawn in the accent colour, the others in a fainter one. The value goes into
    a field predicate (``{"field": …, "equal": value}``), never into an expression."""
    label = round(theme.size_px * 0.8)
    heading = round(theme.size_px * 0.9)
    width = spec.width or int(min(36 * theme.size_px, 640) - 90)
    height = spec.height or int(width * 0.3)
    values = [{_key(index): value for index, value in enumerate(row)} for row in data.rows]
    is_highlighted = highlight is not None and spec.place_column is not None and not spec.is_filter
    if is_highlighted:
        for row, key in zip(values, data.keys, strict=True):
            row[PLACE_FIELD] = key
    encoding: dict[str, Any] = {}
    for index, channel in enumerate(spec.channels):
        entry: dict[str, Any] = {"field": _key(index), "type": channel.type, "title": channel.title or channel.field}
        if channel.type == "temporal":
            entry["scale"] = {"type": "utc"}
        if channel.name != "color":
            axis: dict[str, Any] = {}
            if channel.axis.format:
                axis["format"] = channel.axis.format
            if channel.axis.title:
                axis["title"] = channel.axis.title
            if channel.type == "quantitative" and channel.axis.format is None:
                axis["format"] = ",~r"  # grouped thousands, in the edition's locale
            entry["axis"] = axis
            if spec.top is not None and channel.type in ("nominal", "ordinal"):
                entry["sort"] = None  # the rows' order: largest first
        encoding[channel.name] = entry
    mark: dict[str, Any] = {"type": spec.mark, "color": theme.accent}
    if spec.mark in ("line", "area") and spec.has_points:
        mark["point"] = {"filled": True, "color": theme.accent, "size": 40}
    if spec.mark == "line":
        mark["strokeWidth"] = 2
    if spec.channel("color") is not None:
        del mark["color"]
    if is_highlighted:
        del mark["color"]
        encoding["color"] = {"condition": {"test": {"field": PLACE_FIELD, "equal": highlight}, "value": theme.accent},
                             "value": theme.peers}
    axis_style = {"labelColor": theme.muted, "titleColor": theme.text, "gridColor": theme.rule, "domainColor": theme.muted,
                  "tickColor": theme.muted, "labelFontSize": label, "titleFontSize": label, "titleFontWeight": 600,
                  "labelFont": theme.font, "titleFont": theme.font}
    vega: dict[str, Any] = {
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "width": width,
        "height": height,
        "background": theme.paper,
        "config": {
            "font": theme.font,
            "view": {"stroke": None},
            "axis": axis_style,
            "legend": {"labelColor": theme.text, "titleColor": theme.text, "labelFontSize": label, "titleFontSize": label,
                       "labelFont": theme.font, "titleFont": theme.font},
            "title": {"color": theme.text, "fontSize": heading, "font": theme.font, "anchor": "start"},
            "range": {"category": [theme.accent, theme.focus, theme.text, theme.muted]},
        },
    }
    if is_highlighted and spec.mark == "bar":
        vega["layer"] = [{"mark": vega.pop("mark"), "encoding": {"color": encoding.pop("color")}},
                         _place_label(spec, encoding, highlight, theme, label)]
    if spec.title:
        vega["title"] = spec.title
    return vega


def _place_label(spec: ChartSpec, encoding: dict[str, Any], highlight: str | None, theme: ChartTheme,
                 size: int) -> dict[str, Any]:
    """A layer writing the place's value beside its bar, which may be too short to see (a county
    of 2,568 people among counties of millions). The place is picked by a field predicate."""
    measure = spec.measure
    along = next(name for name, entry in encoding.items() if name != "color" and entry["field"] == _key(
        spec.channels.index(measure)))
    number_format = measure.axis.format or ",~r"
    mark: dict[str, Any] = {"type": "text", "color": theme.text, "fontSize": size, "fontWeight": 600}
    mark.update({"align": "left", "baseline": "middle", "dx": 4} if along == "x" else
                {"align": "center", "baseline": "bottom", "dy": -4})
    return {"transform": [{"filter": {"field": PLACE_FIELD, "equal": highlight}}], "mark": mark,
            "encoding": {"text": {"field": encoding[along]["field"], "type": "quantitative", "format": number_format}}}


def _key(index: int) -> str:
    """Columns go to Vega-Lite under plain names: a column named ``a.b`` or ``a[0]`` would be
    read as a path into the row."""
    return f"c{index}"


class ChartRenderer:
    """Draws charts, each once per content (in memory, and in ``folder`` across builds)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._drawn: dict[str, str] = {}

    def svg(self, spec: ChartSpec, data: ChartData, theme_name: str, language: str, highlight: str | None = None) -> str:
        """``highlight``: see :func:`vega_lite_spec` (it is part of the spec, so of the drawing's cache key)."""
        theme = chart_theme(theme_name)
        vega = vega_lite_spec(spec, data, theme, highlight)
        messages = messages_for(language)
        locale = (messages["chart_locale"], messages["chart_thousands"])
        key = _content_key(vega, data, "\0".join(locale), theme_name, spec)
        if key in self._drawn:
            return self._drawn[key]
        svg = self._read(key)
        if svg is None:
            svg = safe_svg(draw_svg(vega, locale, theme.font), spec, theme.font)
            self._write(key, svg)
        self._drawn[key] = svg
        return svg

    def _read(self, key: str) -> str | None:
        if self.folder is None:
            return None
        from briefgen.load.project_files import FileRefused, read_file

        try:
            return read_file(self.folder / f"{key}.svg", None, 16 * 1024 * 1024).decode("utf-8")
        except (FileRefused, UnicodeDecodeError):
            return None

    def _write(self, key: str, svg: str) -> None:
        if self.folder is None or not self.folder.parent.parent.is_dir():  # only into an output folder that exists
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.tmp"
            temporary.write_text(svg, encoding="utf-8")
            os.replace(temporary, self.folder / f"{key}.svg")
        except OSError:
            return  # a cache that cannot be written is only a cache miss next time


@lru_cache(maxsize=4)
def chart_renderer(folder: Path | None) -> ChartRenderer:
    """The renderer keeping its drawings in ``folder``: one per process, so that ``watch``
    draws a chart again only when it changed."""
    return ChartRenderer(folder)


def chart_cache_folder(root: Path, output_dir: Path | None) -> Path:
    """Where drawings are kept: the build cache's ``charts/`` folder in the output folder."""
    from briefgen.build.outputs import CACHE_DIR, output_folder

    return output_folder(root, output_dir) / CACHE_DIR / "charts"


def _content_key(vega: dict[str, Any], data: ChartData, locale: str, theme: str, spec: ChartSpec) -> str:
    digest = hashlib.sha256()
    for part in (CHART_SCHEMA, vl_convert_version(), VEGA_LITE_VERSION, locale, theme, spec.id, spec.alt,
                 json.dumps(vega, sort_keys=True)):
        digest.update(part.encode() + b"\0")
    digest.update(hashlib.sha256(data.raw).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def vl_convert_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vl-convert-python")
    except PackageNotFoundError:
        return "absent"


_MEASURED = frozenset(chr(code) for code in (*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2010, 0x2030)))
"""Letters whose widths vl-convert knows in the theme's face (others are measured in a fallback)."""


@lru_cache(maxsize=4)
def measuring_font(family: str) -> str:
    """The name vl-convert finds ``family`` (a CSS family, quoted) by, once its file is registered.

    vl-convert measures text with the fonts registered with it, but does not find the bundled
    variable fonts (Source Sans 3) by their family name: each is given to it as a static face at
    weight 400, cut by the same HarfBuzz subsetter that embeds the page's fonts (a few
    milliseconds), and asked for by its PostScript name. The SVG then names the CSS family
    (see :func:`safe_svg`)."""
    import io
    import tempfile

    import vl_convert
    from fontTools.ttLib import TTFont

    from briefgen.render.fonts import THEME_FACES, _face_bytes

    name = family.strip().strip("\"'")
    face = next(face for faces in THEME_FACES.values() for face in faces
                if face.family == name and face.weight == 400 and face.style == "normal")
    data = _face_bytes(face, _MEASURED, "truetype")
    folder = Path(tempfile.mkdtemp(prefix="briefgen-chart-font-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "regular.ttf").write_bytes(data)
    vl_convert.register_font_directory(str(folder))
    return str(TTFont(io.BytesIO(data))["name"].getDebugName(6) or name)


def _with_font(vega: dict[str, Any], font: str) -> dict[str, Any]:
    config = vega["config"]
    return {**vega, "config": {**config, "font": font,
                               "axis": {**config["axis"], "labelFont": font, "titleFont": font},
                               "legend": {**config["legend"], "labelFont": font, "titleFont": font},
                               "title": {**config["title"], "font": font}}}


def draw_svg(vega: dict[str, Any], locale: tuple[str, str], family: str = '"Source Sans 3"') -> str:
    """vl-convert's SVG for ``vega``, its text measured in ``family``: no base URL is allowed,
    and the spec holds none.

    ``locale``: the d3 locale of the edition's language and its thousands separator (Spanish
    groups with a no-break space, as the Spanish text does, not d3's point)."""
    import vl_convert

    measured = _with_font(vega, measuring_font(family)) if "config" in vega else vega
    named: Any = locale[0]  # a d3 locale name from the catalogue (vl-convert types them as a closed list)
    numbers = dict(vl_convert.get_format_locale(named), thousands=locale[1])
    return str(vl_convert.vegalite_to_svg(measured, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[],
                                          format_locale=numbers, time_format_locale=named))


def safe_svg(svg: str, spec: ChartSpec, family: str) -> str:
    """vl-convert's SVG, cut down to drawing and labelled with the alt text (see the module's text)."""
    ElementTree.register_namespace("", _SVG)
    root = ElementTree.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{_SVG}}}text" and child.get("opacity") == "0":
                parent.remove(child)
    for element in root.iter():
        for name in _DROPPED_ATTRIBUTES:
            element.attrib.pop(name, None)
        for name, value in list(element.attrib.items()):
            if name == "id":
                element.set(name, f"{spec.id}-{value}")
            elif name.endswith("href") and value.startswith("#"):
                element.set(name, f"#{spec.id}-{value[1:]}")
            elif name == "font-family":
                element.set(name, family)  # the page's family, not the name vl-convert measured it by
            elif "url(#" in value:
                element.set(name, _REFERENCE.sub(lambda match: f"url(#{spec.id}-{match.group(1)})", value))
    root.set("role", "img")
    root.set("aria-label", spec.alt)
    title = ElementTree.Element(f"{{{_SVG}}}title")
    title.text = spec.alt
    root.insert(0, title)
    return ElementTree.tostring(root, encoding="unicode")
