"""Every file or URL a brief refers to is loaded here, and only from where it may come.

Images must be files inside the brief project (symlinks are followed first, so a link that
points out of the project is refused). Remote images are refused unless the author opts in
with ``--allow-remote``; even then only http(s), with a timeout, a size limit, no redirects,
and never from link-local or cloud-metadata addresses. Everything loaded is embedded in the
page as a data URI, so the HTML is self-contained and the PDF renderer needs no network.
"""

from __future__ import annotations

import base64
import io
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from briefgen.errors import Diagnostics, SourceLocation

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
REMOTE_TIMEOUT_SECONDS = 10
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"})
_METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192", "169.254.170.2"))
"""Cloud instance-metadata services (AWS IPv4 and IPv6, Alibaba, Oracle, ECS tasks)."""
_OUTSIDE_HINT = "copy the image into the project and refer to it by a path relative to this file"


def is_inside(path: Path, roots: list[Path]) -> bool:
    """Whether ``path`` (symlinks resolved) lies inside one of ``roots``."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    root: Path
    allow_remote: bool = False

    def load_image(self, src: str, location: SourceLocation, diagnostics: Diagnostics) -> str | None:
        """The image as a data URI, or None after an error naming the reference."""
        scheme = urlparse(src).scheme.lower()
        if scheme in ("http", "https"):
            if not self.allow_remote:
                diagnostics.error(location, f"image '{src}' is on another site, and remote images are off",
                                  "copy it into the project, or build with --allow-remote")
                return None
            return self._load_remote(src, location, diagnostics)
        if scheme or src.startswith(("/", "\\", "~")):
            diagnostics.error(location, f"image '{src}' is outside the project", _OUTSIDE_HINT)
            return None
        path = location.path.parent / unquote(src)  # Markdown percent-encodes spaces and accents
        if not is_inside(path, [self.root]):
            diagnostics.error(location, f"image '{src}' is outside the project", _OUTSIDE_HINT)
            return None
        media_type = IMAGE_TYPES.get(path.suffix.lower())
        if media_type is None:
            diagnostics.error(location, f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP file", "convert it to PNG or JPEG")
            return None
        if not path.is_file():
            diagnostics.error(location, f"image '{src}' does not exist", "check the path, relative to this file")
            return None
        if path.stat().st_size > MAX_IMAGE_BYTES:
            diagnostics.error(location, f"image '{src}' is larger than {MAX_IMAGE_BYTES // 2**20} MiB", "make it smaller")
            return None
        data = path.read_bytes()
        problem = image_problem(media_type, data)
        if problem:
            diagnostics.error(location, f"image '{src}' {problem}", "re-export the image, or use a PNG or JPEG")
            return None
        return _data_uri(media_type, data)

    def _load_remote(self, src: str, location: SourceLocation, diagnostics: Diagnostics) -> str | None:
        host = urlparse(src).hostname or ""
        if not _is_public_host(host):
            diagnostics.error(location, f"image '{src}' points at a link-local or cloud-metadata address",
                              "use an image from a public web site, or copy it into the project")
            return None
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            with opener.open(urllib.request.Request(src, headers={"User-Agent": "briefgen"}),
                             timeout=REMOTE_TIMEOUT_SECONDS) as response:
                media_type = response.headers.get_content_type()
                data = response.read(MAX_IMAGE_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as error:
            diagnostics.error(location, f"cannot download image '{src}' ({error})", "check the address, or copy the image in")
            return None
        if not media_type.startswith("image/"):
            diagnostics.error(location, f"'{src}' is not an image (it is {media_type})", "link to the image file itself")
            return None
        if len(data) > MAX_IMAGE_BYTES:
            diagnostics.error(location, f"image '{src}' is larger than {MAX_IMAGE_BYTES // 2**20} MiB", "use a smaller image")
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
    from PIL import Image, UnidentifiedImageError  # Pillow: WeasyPrint's own image library

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "cannot be read as an image (the file is damaged or not what its name says)"
    return ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise urllib.error.URLError("redirects are not followed")


def _is_public_host(host: str) -> bool:
    if not host or host.lower() in _METADATA_HOSTS:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return True  # the download fails with its own message
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip in _METADATA_ADDRESSES or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
            return False
    return True


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
