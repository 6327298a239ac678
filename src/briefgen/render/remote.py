"""Remote images, for builds run with ``--allow-remote``: fetched once per build, and only from
the public internet.

- Only http and https. The host name is resolved here, every address it resolves to must be
  public (no loopback, private, link-local, shared, multicast, reserved or cloud-metadata
  address), and the connection goes to an address that was checked, so a name cannot be
  re-resolved to an internal address between the check and the connection.
- Redirects are followed here, at most :data:`MAX_REDIRECTS`, and each new address is checked
  the same way.
- One image may take at most :data:`REMOTE_TIMEOUT_SECONDS` in all (connecting, redirects,
  headers and body together), every remote image of a build together at most
  :data:`REMOTE_BUILD_SECONDS`, and an image may be at most ``MAX_IMAGE_BYTES``.
- Each address is fetched once per build; the HTML edition, the page the PDF is made from and
  every other edition that shows the image reuse the bytes (or the error).

http.client rather than urllib: urllib connects to whatever the name resolves to at
connection time and follows redirects on its own, which is exactly what must be checked.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from briefgen.load.project_files import describe_size

REMOTE_TIMEOUT_SECONDS = 10.0
"""The most one remote image may take: connection, redirects, headers and body together."""
REMOTE_BUILD_SECONDS = 60.0
"""The most all the remote images of one build may take together."""
MAX_REDIRECTS = 5
MAX_REMOTE_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal",
                            "metadata.azure.internal"})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192", "169.254.170.2"))
"""Cloud instance-metadata services (AWS IPv4 and IPv6, Alibaba, Oracle, ECS tasks)."""
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RemoteRefused(Exception):
    """Why a remote image was not fetched: ``reason`` follows "image 'URL'"."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason, hint)
        self.reason = reason
        self.hint = hint


_PUBLIC_HINT = "use an image from a public web site, or copy it into the project"


def is_public_address(ip: Address) -> bool:
    """Whether an address is on the public internet (never loopback, private, link-local,
    carrier-grade shared, multicast, reserved, unspecified or a cloud-metadata service)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in METADATA_ADDRESSES:
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
                                 or ip.is_link_local or ip.is_private)


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class RemoteImages:
    """The remote images of one build: each address fetched once, within the deadlines.

    ``is_allowed`` and ``resolve`` default to :func:`is_public_address` and :func:`resolve_host`
    (looked up when used); tests pass others to reach a local server.
    """

    def __init__(self, is_allowed: Callable[[Address], bool] | None = None,
                 resolve: Callable[[str, int], list[str]] | None = None) -> None:
        self.is_allowed = is_allowed
        self.resolve = resolve
        self._fetched: dict[str, tuple[str, bytes] | RemoteRefused] = {}
        self._build_deadline: float | None = None
        self.downloads = 0
        """Addresses requested over the network so far (redirects not counted)."""

    def fetch(self, url: str) -> tuple[str, bytes]:
        """The image's media type (from the server) and bytes; :class:`RemoteRefused` otherwise."""
        if url not in self._fetched:
            try:
                self._fetched[url] = self._download(url)
            except RemoteRefused as refused:
                self._fetched[url] = refused
        found = self._fetched[url]
        if isinstance(found, RemoteRefused):
            raise found
        return found

    def _download(self, url: str) -> tuple[str, bytes]:
        now = time.monotonic()
        if self._build_deadline is None:
            self._build_deadline = now + REMOTE_BUILD_SECONDS
        if now >= self._build_deadline:
            raise RemoteRefused(f"was not downloaded: this build's remote images took {REMOTE_BUILD_SECONDS:.0f} s "
                                "already", "copy the images into the project")
        deadline = min(now + REMOTE_TIMEOUT_SECONDS, self._build_deadline)
        self.downloads += 1
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response_or_location = self._request(current, deadline)
            except TimeoutError:
                raise RemoteRefused(f"took longer than {deadline - now:.3g} s to download",
                                    "use an image from a faster site, or copy it into the project") from None
            if isinstance(response_or_location, str):
                current = urljoin(current, response_or_location)
                continue
            return response_or_location
        raise RemoteRefused(f"redirects more than {MAX_REDIRECTS} times", "link to the image file itself")

    def _connect(self, url: str, deadline: float) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise RemoteRefused(f"leads to '{url}', which is not an http or https address", _PUBLIC_HINT)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise RemoteRefused(f"has a bad port in '{url}'", "check the address") from None
        if not host or host.lower().rstrip(".") in METADATA_HOSTS:
            raise RemoteRefused(f"points at a private, loopback, link-local or cloud-metadata address ({host})",
                                _PUBLIC_HINT)
        try:
            found = _within(deadline, self.resolve or resolve_host, host, port)
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
        except TimeoutError:
            raise
        except (OSError, UnicodeError, ValueError) as error:
            raise RemoteRefused(f"cannot be downloaded (the host '{host}' is not found: {error})",
                                "check the address, or copy the image in") from None
        is_allowed = self.is_allowed or is_public_address
        if not addresses or not all(is_allowed(ip) for ip in addresses):
            shown = ", ".join(sorted({str(ip) for ip in addresses})) or host
            raise RemoteRefused(f"points at a private, loopback, link-local or cloud-metadata address ({shown})",
                                _PUBLIC_HINT)
        timeout = _remaining(deadline)
        target = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = target(host, port, str(addresses[0]), timeout)
        return connection, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _request(self, url: str, deadline: float) -> tuple[str, bytes] | str:
        """The media type and bytes, or the address a redirect leads to. A watchdog cuts the
        connection at the deadline, whatever it is waiting for (a socket timeout alone bounds
        each wait, not a server that sends one byte at a time)."""
        connection, target = self._connect(url, deadline)
        watchdog: threading.Timer | None = None
        try:
            connection.connect()
            sock = connection.sock
            watchdog = threading.Timer(_remaining(deadline), _cut, (sock,))
            watchdog.daemon = True
            watchdog.start()
            connection.request("GET", target, headers={"User-Agent": "briefgen", "Accept": "image/*",
                                                       "Accept-Encoding": "identity"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise RemoteRefused(f"redirects nowhere (HTTP {response.status})", "link to the image file itself")
                return location
            if response.status != 200:
                raise RemoteRefused(f"cannot be downloaded (HTTP {response.status} {response.reason})",
                                    "check the address, or copy the image in")
            length = response.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > MAX_REMOTE_BYTES:
                raise _too_large(int(length))
            media_type = response.headers.get_content_type()
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(min(_CHUNK, MAX_REMOTE_BYTES + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_REMOTE_BYTES:
                    raise _too_large(size)
            _remaining(deadline)  # cut off by the watchdog: not a whole image
            return media_type, b"".join(chunks)
        except (OSError, http.client.HTTPException) as error:  # ssl.SSLError is an OSError
            _remaining(deadline)  # a timeout, or the watchdog's cut, is reported as the deadline
            raise RemoteRefused(f"cannot be downloaded ({error or type(error).__name__})",
                                "check the address, or copy the image in") from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            connection.close()


def _within(deadline: float, resolve: Callable[[str, int], list[str]], host: str, port: int) -> list[str]:
    """``resolve(host, port)`` within the deadline: the system resolver has no timeout of its own,
    so it runs in a thread that is left behind (a daemon) if it does not answer in time."""
    answer: list[list[str]] = []
    failure: list[Exception] = []

    def run() -> None:
        try:
            answer.append(resolve(host, port))
        except Exception as error:  # noqa: BLE001 - handed back to the caller below
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True, name="briefgen-resolve")
    thread.start()
    thread.join(_remaining(deadline))
    if failure:
        raise failure[0]
    if not answer:
        raise TimeoutError
    return answer[0]


def _cut(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _too_large(size: int) -> RemoteRefused:
    return RemoteRefused(f"is larger than the {describe_size(MAX_REMOTE_BYTES)} limit ({describe_size(size)} or more)",
                         "use a smaller image")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is still verified for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
