"""SVG images: only drawing, nothing that runs, links or loads.

An SVG is a program as much as a picture: it can hold scripts, event handlers, links, and
references to other files and sites (``<image href>``, ``url(...)`` in CSS, ``@import``,
entities and DTDs). Browsers and WeasyPrint would load some of them. So an SVG is read
with a real XML parser, defusedxml (a maintained wrapper of the standard library's expat
parser that refuses entity declarations and external references, the XML attacks known as
billion laughs and XXE), and then every element and attribute is checked against a list of
what drawings need. CSS inside the SVG (``style`` attributes and elements, and attributes
such as ``fill``) is read with tinycss2, WeasyPrint's own CSS parser, so escapes such as
``\\75 rl(`` are seen as the ``url(`` they are; character references such as ``u&#x72;l(``
are resolved by the XML parser before anything is checked.

Allowed: the SVG drawing elements (shapes, text, gradients, patterns, clipping, masks,
markers, filters but ``feImage``), ``use`` and ``url()`` pointing inside the SVG (``#id``),
a ``<!DOCTYPE svg ...>`` line without an internal subset, editor metadata (Inkscape,
Sodipodi, RDF, Dublin Core). Refused: everything else, including ``script``,
``foreignObject``, ``a``, ``image``, animation elements, ``on...`` attributes, any reference
that is not ``#id``, at-rules in CSS, and processing instructions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import tinycss2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
_EDITOR_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
})
_METADATA_NAMESPACES = frozenset({
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
})

ELEMENTS = frozenset("""
svg g defs symbol use switch title desc metadata style
path rect circle ellipse line polyline polygon text tspan textPath
clipPath mask pattern marker linearGradient radialGradient stop
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
""".split())
"""SVG elements that draw or define what is drawn (no script, foreignObject, a, image, feImage, animation)."""

ATTRIBUTES = frozenset("""
id class style lang role tabindex focusable version baseProfile x y width height viewBox preserveAspectRatio
transform d points cx cy r rx ry x1 y1 x2 y2 fx fy fr dx dy rotate textLength lengthAdjust startOffset method
spacing side path pathLength offset gradientUnits gradientTransform spreadMethod patternUnits
patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits markerUnits markerWidth
markerHeight refX refY orient filterUnits primitiveUnits in in2 result stdDeviation mode type values
tableValues slope intercept amplitude exponent operator k1 k2 k3 k4 order kernelMatrix divisor bias targetX
targetY edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent
kernelUnitLength scale xChannelSelector yChannelSelector azimuth elevation z pointsAtX pointsAtY pointsAtZ
limitingConeAngle radius baseFrequency numOctaves seed stitchTiles requiredFeatures requiredExtensions
systemLanguage media title href enable-background overflow
alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
color-interpolation-filters color-rendering direction display dominant-baseline fill fill-opacity fill-rule
filter flood-color flood-opacity font font-family font-size font-size-adjust font-stretch font-style
font-variant font-weight font-kerning glyph-orientation-horizontal glyph-orientation-vertical image-rendering
isolation kerning letter-spacing lighting-color marker marker-start marker-mid marker-end mask mix-blend-mode
opacity paint-order pointer-events shape-rendering stop-color stop-opacity stroke stroke-dasharray
stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor
text-decoration text-rendering transform-origin unicode-bidi vector-effect visibility white-space
word-spacing writing-mode
""".split())
"""Attributes (no namespace) of the allowed elements: geometry, presentation, filters, ARIA."""

_LOADING_FUNCTIONS = frozenset({"image", "image-set", "-webkit-image-set", "cross-fade", "-webkit-cross-fade",
                                "element", "-moz-element", "src"})
_REFUSED_PROPERTIES = frozenset({"behavior", "-moz-binding"})


class SvgProblem(Exception):
    """What is wrong with an SVG, said for its author."""


def _outside(detail: str) -> SvgProblem:
    return SvgProblem(f"refers to another file or site ({detail}), but an SVG must carry everything it shows "
                      "and point only at its own parts (#id)")


def _script(detail: str) -> SvgProblem:
    return SvgProblem(f"could run a script ({detail}), but an image may only draw")


def _not_allowed(detail: str) -> SvgProblem:
    return SvgProblem(f"holds {detail}, which briefgen does not allow in an image")


def svg_problem(data: bytes) -> str:
    """What makes this SVG unsafe to show, or "" when it only draws."""
    try:
        root, lines = _parse(data)
        _check_tree(root, lines)
    except SvgProblem as problem:
        return str(problem)
    except RecursionError:  # CSS blocks nested thousands deep
        return "is nested too deeply to check"
    return ""


# --- reading --------------------------------------------------------------------------------------


class _Builder(ElementTree.TreeBuilder):
    """A tree builder that notes each element's line and refuses processing instructions."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.line: Callable[[], int] = lambda: 0
        """The parser's current line (set once the parser exists)."""

    def start(self, tag: str, attrs: dict[str, str], /) -> ElementTree.Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.line()
        return element

    def pi(self, target: str, data: str | None = None, /) -> NoReturn:
        if "href" in (data or ""):
            raise _outside(f"<?{target} ...?> on line {self.line()}")
        raise _not_allowed(f"a processing instruction <?{target} ...?> on line {self.line()}")


class _Parser(DefusedXMLParser):
    """defusedxml with DTDs refused, except the bare ``<!DOCTYPE svg PUBLIC ...>`` line that
    many programs write (it declares nothing and is never loaded)."""

    def __init__(self, target: _Builder) -> None:
        super().__init__(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)

    def defused_start_doctype_decl(self, name: str, sysid: str | None, pubid: str | None,
                                   has_internal_subset: bool) -> None:
        if has_internal_subset:
            raise _not_allowed("its own DTD (<!DOCTYPE ... [ ... ]>), which can add attributes, entities and "
                               "references to other files")


def _parse(data: bytes) -> tuple[ElementTree.Element, dict[int, int]]:
    builder = _Builder()
    parser = _Parser(builder)
    builder.line = lambda: parser.parser.CurrentLineNumber
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        raise _outside(f"entities or an external DTD: {type(error).__name__}") from None
    except ElementTree.ParseError as error:
        raise SvgProblem(f"is not well-formed XML ({error})") from None
    return root, builder.lines


# --- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Name:
    namespace: str
    local: str


def _name(tag: str) -> _Name:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return _Name(namespace, local)
    return _Name("", tag)


def _check_tree(root: ElementTree.Element, lines: dict[int, int]) -> None:
    top = _name(root.tag)
    if top.local != "svg" or top.namespace not in (SVG, ""):
        raise SvgProblem(f"is not an SVG drawing (its root element is <{top.local}>)")
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        element, is_metadata = stack.pop()
        line = lines.get(id(element), 0)
        name = _name(element.tag)
        where = f"<{name.local}> on line {line}"
        if name.namespace in (SVG, ""):
            if name.local not in ELEMENTS:
                _check_hrefs(element, where)
                if name.local in ("script", "handler", "listener"):
                    raise _script(where)
                raise _not_allowed(f"{where} (only drawing: no scripts, links, embedded pages or pictures, animation)")
            if is_metadata and name.local != "metadata":
                raise _not_allowed(f"a drawing element {where} inside <metadata>")
            for attribute, value in element.attrib.items():
                _check_attribute(attribute, value, where)
            if name.local == "style":
                if len(element):
                    raise _not_allowed(f"elements inside its {where}")
                _check_css(element.text or "", where, is_stylesheet=True)
        elif name.namespace in _EDITOR_NAMESPACES or (is_metadata and name.namespace in _METADATA_NAMESPACES):
            for attribute, value in element.attrib.items():
                _check_editor_attribute(attribute, value, where)
        else:
            if name.local.lower() == "script":
                raise _script(f"<{name.local}> of {name.namespace} on line {line}")
            raise _not_allowed(f"<{name.local}> of another XML vocabulary ({name.namespace}) on line {line}")
        inside_metadata = is_metadata or (name.namespace in (SVG, "") and name.local == "metadata")
        stack.extend((child, inside_metadata) for child in reversed(element))


def _check_attribute(attribute: str, value: str, where: str) -> None:
    name = _name(attribute)
    if name.local.lower().startswith("on"):
        raise _script(f"the event handler '{name.local}' on {where}")
    if name.namespace == XLINK and name.local in ("href", "title"):
        pass
    elif name.namespace == XML and name.local in ("space", "lang"):
        pass
    elif name.namespace in _EDITOR_NAMESPACES:
        _check_editor_attribute(attribute, value, where)
        return
    elif name.namespace or not (name.local in ATTRIBUTES or name.local.startswith(("aria-", "data-"))):
        _check_hrefs_value(name.local, value, where)
        raise _not_allowed(f"the attribute '{name.local}' on {where}")
    if name.local == "href":
        _check_hrefs_value(name.local, value, where)
        return
    if name.local == "style":
        _check_css(value, where, is_stylesheet=False)
    else:
        _check_values(tinycss2.parse_component_value_list(value), where)


def _check_editor_attribute(attribute: str, value: str, where: str) -> None:
    """Editor and metadata attributes are never drawn or loaded; they still may not hide a handler or a URL
    an SVG reader could follow."""
    if _name(attribute).local.lower().startswith("on"):
        raise _script(f"the event handler '{_name(attribute).local}' on {where}")
    if "javascript:" in "".join(value.split()).lower():
        raise _script(f"a javascript: address in '{_name(attribute).local}' on {where}")


def _check_css(css: str, where: str, is_stylesheet: bool) -> None:
    """Every token first, wherever it sits (a url() inside a declaration CSS would drop is refused
    too), then the rules and declarations."""
    _check_values(tinycss2.parse_component_value_list(css), where)
    _check_rules(tinycss2.parse_stylesheet(css) if is_stylesheet else tinycss2.parse_blocks_contents(css), where)


def _check_rules(nodes: list, where: str) -> None:  # type: ignore[type-arg]
    for node in nodes:
        if node.type == "at-rule":
            if node.lower_at_keyword in ("import", "font-face", "namespace"):
                raise _outside(f"@{node.at_keyword} in {where}")
            raise _not_allowed(f"the CSS rule @{node.at_keyword} in {where}")
        if node.type == "qualified-rule":
            _check_rules(tinycss2.parse_blocks_contents(node.content), where)
        elif node.type == "declaration":
            if node.lower_name in _REFUSED_PROPERTIES:
                raise _outside(f"the CSS property '{node.name}' in {where}")


def _check_values(tokens: list, where: str) -> None:  # type: ignore[type-arg]
    for token in tokens:
        if token.type == "url":
            _check_reference(token.value, where)
        elif token.type == "function":
            if token.lower_name == "url":
                strings = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
                _check_reference(strings[0].value if len(strings) == 1 and strings[0].type == "string" else "?", where)
            elif token.lower_name in _LOADING_FUNCTIONS:
                raise _outside(f"{token.name}() in {where}")
            _check_values(token.arguments, where)
        elif token.type in ("() block", "[] block", "{} block"):
            _check_values(token.content, where)
        elif token.type == "at-keyword" and token.lower_value == "import":
            raise _outside(f"@import in {where}")


def _check_reference(target: str, where: str) -> None:
    if not target.strip().startswith("#"):
        raise _outside(f"url({_short(target)}) on {where}")


def _check_hrefs(element: ElementTree.Element, where: str) -> None:
    for attribute, value in element.attrib.items():
        _check_hrefs_value(_name(attribute).local, value, where)


def _check_hrefs_value(local_name: str, value: str, where: str) -> None:
    if local_name in ("href", "src", "base") and not value.strip().startswith("#"):
        if "javascript:" in "".join(value.split()).lower():
            raise _script(f"'{_short(value)}' on {where}")
        raise _outside(f"'{_short(value)}' from {where}")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
