"""Every file or URL a brief refers to is loaded here, and only from where it may come.

Images must be regular files inside the brief project, checked before they are opened
(:mod:`briefgen.load.project_files`: symlinks are resolved first, so a link that points out of the
project is refused). Remote images are refused unless the author opts in with
``--allow-remote``; then :mod:`briefgen.render.remote` fetches them, once per build and only
from public addresses. Raster images are read lazily (header only) to check that their bytes
are the format their name says and that they are within :data:`MAX_IMAGE_PIXELS`. Everything
loaded is embedded in the page as a data URI, so the HTML is self-contained and the PDF
renderer needs no network.
"""

from __future__ import annotations

import base64
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.project_files import FileRefused, is_remote, read_file, referenced_path, resolve_inside

if TYPE_CHECKING:
    from briefgen.render.remote import RemoteImages

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
"""Largest raster image (width × height): 50 megapixels, about 200 MB once decoded. A full
page at 300 dpi is under 9 megapixels."""
_RASTER_FORMATS = {"image/png": ("PNG",), "image/jpeg": ("JPEG", "MPO"), "image/gif": ("GIF",),
                   "image/webp": ("WEBP",)}
"""Pillow's names for the formats an image type may hold (MPO: a camera's multi-picture JPEG)."""
_KIND = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP", "image/svg+xml": "SVG"}
_OTHER_KINDS = {"image/tiff": "TIFF", "image/bmp": "BMP"}
_OUTSIDE_HINT = "copy the image into the project and refer to it by a path relative to this file"


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    root: Path
    remote_images: RemoteImages | None = None
    """The build's remote image fetcher; None: remote images are off."""

    def load_image(self, src: str, location: SourceLocation, diagnostics: Diagnostics) -> str | None:
        """The image as a data URI, or None after an error naming the reference."""
        if is_remote(src):
            if self.remote_images is None:
                diagnostics.error(location, f"image '{src}' is on another site, and remote images are off",
                                  "copy it into the project, or build with --allow-remote")
                return None
            return self._load_remote(src, location, diagnostics)
        path = referenced_path(src, location.path)
        if path is None:
            diagnostics.error(location, f"image '{src}' is outside the project", _OUTSIDE_HINT)
            return None
        try:
            resolve_inside(path, self.root)
        except FileRefused as refused:
            diagnostics.error(location, f"image '{src}' {refused.reason}", _OUTSIDE_HINT)
            return None
        media_type = IMAGE_TYPES.get(path.suffix.lower())
        if media_type is None:
            diagnostics.error(location, f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP file", "convert it to PNG or JPEG")
            return None
        try:
            data = read_file(path, self.root, MAX_IMAGE_BYTES)
        except FileRefused as refused:
            diagnostics.error(location, f"image '{src}' {refused.reason}", refused.hint)
            return None
        problem = image_problem(media_type, data)
        if problem:
            diagnostics.error(location, f"image '{src}' {problem}", _SCALE_HINT if problem.startswith(_TOO_MANY)
                              else "re-export the image, or use a PNG or JPEG")
            return None
        return _data_uri(media_type, data)

    def _load_remote(self, src: str, location: SourceLocation, diagnostics: Diagnostics) -> str | None:
        from briefgen.render.remote import RemoteRefused  # http.client and ssl: only for remote builds

        assert self.remote_images is not None
        try:
            media_type, data = self.remote_images.fetch(src)
        except RemoteRefused as refused:
            diagnostics.error(location, f"image '{src}' {refused.reason}", refused.hint)
            return None
        if media_type != "image/svg+xml":
            if not media_type.startswith("image/"):
                diagnostics.error(location, f"'{src}' is not an image (it is {media_type})", "link to the image file itself")
                return None
            media_type = raster_type(data) or media_type
        if media_type not in _KIND:
            diagnostics.error(location, f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP image",
                              "use another image, or convert it and copy it into the project")
            return None
        problem = image_problem(media_type, data)
        if problem:
            diagnostics.error(location, f"image '{src}' {problem}", "use another image, or copy a good one into the project")
            return None
        return _data_uri(media_type, data)


def image_problem(media_type: str, data: bytes) -> str:
    """What is wrong with an image's bytes, or "" when it can be shown as it is."""
    if media_type == "image/svg+xml":
        from briefgen.render.svg import svg_problem  # only builds that show an SVG pay for its checks

        return svg_problem(data)
    return raster_problem(media_type, data)


def raster_problem(media_type: str, data: bytes) -> str:
    """What is wrong with a PNG, JPEG, GIF or WebP: not that format, too many pixels, damaged.

    Pillow (WeasyPrint's own image library) opens it lazily: the header gives the format and
    size without decoding a pixel, so a small file declaring 20000×20000 pixels costs nothing.
    """
    from PIL import Image  # only when an image is shown

    kind = _KIND.get(media_type, media_type)
    formats = _RASTER_FORMATS.get(media_type)
    if formats is None:
        return f"is not a PNG, JPEG, GIF, SVG or WebP image ({media_type})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(formats)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return _too_many_pixels(f"{width}×{height}")
                image.verify()
        except Image.DecompressionBombError:  # so many that Pillow refuses to open it
            return _too_many_pixels(_declared_size(data, formats))
        except Exception:  # noqa: BLE001 - any failure to read the header is the author's damaged file
            found = raster_type(data)
            if found and found != media_type:
                found_kind = _KIND.get(found) or _OTHER_KINDS[found]
                return f"is a {found_kind} image, not a {kind} one (its bytes do not match its name)"
            return f"cannot be read as an image (the file is damaged, or is not the {kind} its name says)"
    return ""


def raster_type(data: bytes) -> str | None:
    """The media type of raster image bytes by their content, or None when not one briefgen shows
    (e.g. TIFF, BMP) or not an image at all."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        for media_type, formats in _RASTER_FORMATS.items():
            try:
                with Image.open(io.BytesIO(data), formats=list(formats)):
                    return media_type
            except Image.DecompressionBombError:
                return media_type
            except Exception:  # noqa: BLE001,S112 - not this format; try the next
                continue
    return _other_format(data)


def _declared_size(data: bytes, formats: tuple[str, ...]) -> str:
    """Width × height from the header, for an image Pillow's own bomb check refuses to open:
    its format plugin reads the header without that check (and without decoding)."""
    from PIL import Image

    for name in formats:
        factory, accept = Image.OPEN.get(name, (None, None))
        if factory is None or (accept is not None and not accept(data[:16])):
            continue
        try:
            width, height = factory(io.BytesIO(data), "").size
        except Exception:  # noqa: BLE001,S112 - only for the message
            continue
        return f"{width}×{height}"
    return "far more"


def _other_format(data: bytes) -> str | None:
    for magic, name in ((b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"), (b"BM", "image/bmp")):
        if data.startswith(magic):
            return name
    return None


_TOO_MANY = "has too many pixels"
_SCALE_HINT = "scale it down (a full page at 300 dpi needs under 9 megapixels)"


def _too_many_pixels(size: str) -> str:
    return (f"{_TOO_MANY} ({size}; the limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels)")


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
