"""Links on paper: a QR code for the online edition, and short printed URLs for sources.

A printed page cannot be clicked, so the edition prints each source's address short
(``gao.gov/products/gao-21-186``) while the link itself keeps the full address, and a
brief with a ``url:`` gets a QR code that leads a phone to the online edition, where every
source is one tap away.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urlsplit

from markupsafe import Markup

SHORT_URL_LENGTH = 48
"""Printed addresses longer than this are cut (the link keeps the full address)."""

_URL_LINK = re.compile(r'<a class="url" href="([^"]*)">([^<]*)</a>')


def qr_code_svg(url: str, label: str) -> Markup:
    """An inline, vector QR code for ``url``, labelled for screen readers."""
    import segno  # only editions with a URL pay for it

    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def short_url(url: str, limit: int | None = SHORT_URL_LENGTH) -> str:
    """``https://www.gao.gov/products/gao-21-186/`` → ``gao.gov/products/gao-21-186``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/")
    if parts.query:
        rest += "?" + parts.query
    text = host + rest
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, len(host) + 2)].rstrip("/.-_?&=") + "…"


_BREAK_POINT = re.compile(r"(?<=/)(?=[^/])|(?<=[^/])(?=[.?#&=_])")


def breakable_url(text: str) -> str:
    """``text`` escaped for HTML, with ``<wbr>`` after each ``/`` and before each ``.``, ``?``,
    ``#``, ``&``, ``=`` and ``_``: where a printed address breaks first, the way style manuals
    break it. (A ``-`` is a break opportunity already.) ``<wbr>`` adds no character to the
    PDF's text layer, so the address still copies whole."""
    return "<wbr>".join(escape(part, quote=False) for part in _BREAK_POINT.split(text))


def shorten_printed_urls(html: str, limit: int | None = None) -> str:
    """Rewrite the text of ``<a class="url">`` links that show their own address: without
    ``https://`` and ``www.``, cut to ``limit`` characters only when one is given, and with
    break points (:func:`breakable_url`)."""

    def shorten(match: re.Match[str]) -> str:
        href, text = match.group(1), match.group(2)
        if unescape(text) != unescape(href):
            return match.group(0)
        return f'<a class="url" href="{href}">{breakable_url(short_url(unescape(href), limit))}</a>'

    return _URL_LINK.sub(shorten, html)
