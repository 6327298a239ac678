"""A local web server that counts what it is asked: ``http.server`` on 127.0.0.1, bounded in
requests and time, whose connection count proves that nothing was fetched.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hostile_project import PNG

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy",
                   "NO_PROXY")


@contextlib.contextmanager
def without_proxies() -> Iterator[None]:
    """urllib honours *_proxy variables; the tests talk to 127.0.0.1 directly."""
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        yield


@dataclass(frozen=True)
class Route:
    status: int
    content_type: str = "image/png"
    body: bytes = PNG
    location: str = ""


@dataclass
class CountingServer:
    """``http.server`` on 127.0.0.1, in a thread: counts connections and requests per path.

    Bounded: it serves at most ``max_requests`` connections (later ones are dropped), each
    socket times out after 5 s, and it is shut down when the ``with`` block ends.
    """

    routes: dict[str, Route] = field(default_factory=dict)
    max_requests: int = 25
    hits: collections.Counter[str] = field(default_factory=collections.Counter)
    connections: int = 0

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                owner.hits[self.path.split("?")[0]] += 1
                route = owner.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        class Server(HTTPServer):
            def verify_request(self, request: object, client_address: object) -> bool:
                owner.connections += 1
                return owner.connections <= owner.max_requests

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def default_routes(server: CountingServer) -> dict[str, Route]:
    return {
        "/x.png": Route(200),
        "/big.png": Route(200, body=PNG + b"\x00" * 4096),
        "/page.png": Route(200, content_type="text/html; charset=utf-8", body=b"<html><body>not an image</body></html>"),
        "/redirect.png": Route(302, content_type="text/plain", body=b"", location=server.url("/x.png")),
    }


def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """briefgen refuses loopback addresses; these tests let the local test server through."""
    monkeypatch.setattr("briefgen.render.remote.is_public_address", lambda ip: str(ip) == "127.0.0.1")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingServer]:
    allow_loopback(monkeypatch)
    with without_proxies(), CountingServer() as running:
        running.routes.update(default_routes(running))
        yield running
