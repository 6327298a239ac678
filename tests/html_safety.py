"""What "neutralised" means for a page briefgen wrote: no element or attribute that could run
script or pull in content, whatever the author's text contained.

Used by the hostile-input tests and the fuzz tests.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

DANGEROUS_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                            "input", "button", "textarea", "svg", "math", "link", "template", "noscript", "portal"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                            "srcset", "cite", "longdesc", "ping"})
_STRIPPED = re.compile(r"[\x00-\x20]")


class PageParser(HTMLParser):
    """Every start tag with its attributes, and the text a reader sees (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text_parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def attribute(self, tag: str, **match: str) -> str | None:
        """The ``content`` (or, with ``_attr``, another) attribute of the first ``tag`` whose attributes match."""
        wanted = match.pop("_attr", "content")
        for name, attrs in self.tags:
            values = dict(attrs)
            if name == tag and all(values.get(key) == value for key, value in match.items()):
                return values.get(wanted)
        return None


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def unsafe_markup(html: str) -> list[str]:
    """Everything in ``html`` that could run script or load something: empty for a safe page."""
    problems: list[str] = []
    for tag, attrs in parse_page(html).tags:
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                problems.append(f"<{tag} style=...> inline style")
            if name in URL_ATTRIBUTES and value:
                url = _STRIPPED.sub("", value).lower()
                is_embedded_image = tag == "img" and name == "src" and url.startswith("data:image/")
                if url.startswith(("javascript:", "vbscript:", "livescript:")) or (url.startswith("data:")
                                                                                    and not is_embedded_image):
                    problems.append(f"<{tag} {name}={value!r}>")
    return problems
