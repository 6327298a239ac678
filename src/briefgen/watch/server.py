"""Serve the watched editions on 127.0.0.1, with automatic reload.

Each served page gets a small script that polls ``/_briefgen/status`` and reloads the page
when its edition was rebuilt. Only served pages carry it: the files in ``output/`` are
exactly what ``briefgen build`` writes. An edition with errors is served as its last good
page under a banner listing the problems (or as a page of problems when there is none).

Requests must name this server as ``127.0.0.1`` or ``localhost`` in their Host header, so
a web page elsewhere cannot read drafts through DNS rebinding.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import escape

from briefgen.errors import Diagnostic, Severity, UsageError
from briefgen.watch.rebuild import EditionState, LiveEditions

STATUS_PATH = "/_briefgen/status"
IDLE_SECONDS = 5
"""A connection that sends nothing for this long is closed."""
CONNECTION_SECONDS = 60
"""No connection stays open longer than this, whatever it sends."""
HOST = "127.0.0.1"
POLL_MILLISECONDS = 500

_RELOAD_SCRIPT = """<script id="briefgen-live-reload">
(function () {
  var edition = %(edition)s, version = %(version)s;
  function poll() {
    fetch("%(status)s", {cache: "no-store"}).then(function (response) { return response.json(); }).then(function (status) {
      var now = edition === null ? status.round : (edition in status.editions ? status.editions[edition] : null);
      if (now !== version) { location.reload(); } else { setTimeout(poll, %(poll)d); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, %(poll)d);
})();
</script>
"""

_BANNER_STYLE = ("position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:45vh;overflow:auto;margin:0;"
                 "padding:0.8em 1em;background:#fff3f3;color:#5c0000;border-bottom:3px solid #b00020;"
                 "font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 2px 8px rgba(0,0,0,.2)")


def start_server(live: LiveEditions, port: int, format_problem: Callable[[Diagnostic], str]) -> ThreadingHTTPServer:
    """Serve in a background thread; ``server.server_address[1]`` is the port (useful with 0)."""

    class Handler(_Handler):
        editions = live
        describe = staticmethod(format_problem)

    try:
        server = _QuietServer((HOST, port), Handler)
    except OSError as error:
        raise UsageError.at(None, f"cannot serve on {HOST}:{port} ({error.strerror})",
                            "choose another port with --port (0 picks a free one)") from None
    threading.Thread(target=server.serve_forever, name="briefgen-preview", daemon=True).start()
    return server


def with_reload_script(html: str, edition: str | None, version: int | None) -> str:
    script = _RELOAD_SCRIPT % {"edition": _script_json(edition), "version": _script_json(version),
                               "status": STATUS_PATH, "poll": POLL_MILLISECONDS}
    index = html.rfind("</body>")
    return html[:index] + script + html[index:] if index != -1 else html + script


def _script_json(value: object) -> str:
    """``value`` as JSON that cannot end the ``<script>`` element it sits in (the not-found page's
    edition name comes from the requested address)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_problem_banner(html: str, problems: list[str], note: str) -> str:
    banner = (f'<div id="briefgen-problems" role="alert" style="{_BANNER_STYLE}"><strong>{escape(note)}</strong>\n'
              + "\n".join(str(escape(line)) for line in problems) + "</div>\n")
    start = html.find("<body")
    end = html.find(">", start) + 1 if start != -1 else 0
    return html[:end] + "\n" + banner + html[end:]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes the tab mid-page, or a connection that times out, is not a problem
        to print: only a real failure of the server is (with the standard report)."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    editions: LiveEditions
    describe: Callable[[Diagnostic], str]
    server_version = "briefgen-preview"
    timeout = IDLE_SECONDS  # a connection that sends nothing is closed, so it cannot hold a thread

    def setup(self) -> None:
        super().setup()
        # A client that trickles its request a byte at a time still loses the connection at the deadline.
        self._deadline = threading.Timer(CONNECTION_SECONDS, self._close_connection)
        self._deadline.daemon = True
        self._deadline.start()

    def finish(self) -> None:
        self._deadline.cancel()
        try:
            super().finish()
        except OSError:  # the client went away while the last bytes were flushed
            pass

    def _close_connection(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if not self._is_local_host():
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"briefgen preview answers to 127.0.0.1 only\n")
            return
        path = unquote(urlsplit(self.path).path)
        round_number, states = self.editions.snapshot()
        if path == STATUS_PATH:
            body = {"round": round_number, "editions": {name: state.version for name, state in states.items()},
                    "failed": sorted(name for name, state in states.items() if state.has_errors)}
            self._send(HTTPStatus.OK, "application/json", json.dumps(body).encode("utf-8"))
        elif path in ("/", "/index.html"):
            self._send_html(HTTPStatus.OK, with_reload_script(self._index(states), None, round_number))
        elif path.endswith(".html") and path[1:-5] in states:
            self._send_edition(states[path[1:-5]])
        elif path.endswith(".pdf") and path[1:-4] in states and states[path[1:-4]].pdf is not None:
            self._send(HTTPStatus.OK, "application/pdf", states[path[1:-4]].pdf or b"")
        elif path.endswith(".html"):
            page = _page("Not an edition", f"<p>No edition called <code>{escape(Path(path).stem)}</code> is being watched."
                         ' <a href="/">All editions</a></p>')
            self._send_html(HTTPStatus.NOT_FOUND, with_reload_script(page, Path(path).stem, None))
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def _send_edition(self, state: EditionState) -> None:
        errors = [self.describe(p) for p in state.problems if p.severity is Severity.ERROR]
        if state.html is None:
            page = _page(f"{state.name}: errors", f"<h1>{escape(state.name)} has errors</h1><pre>"
                         + "\n".join(str(escape(line)) for line in errors) + "</pre><p>Fix them and save: this page reloads.</p>")
        elif errors:
            page = with_problem_banner(state.html, errors, f"briefgen: {state.name} has errors; showing the last good version")
        else:
            page = state.html
        self._send_html(HTTPStatus.OK, with_reload_script(page, state.name, state.version))

    def _index(self, states: dict[str, EditionState]) -> str:
        rows = []
        for name, state in sorted(states.items()):
            mark = "errors" if state.has_errors else "ok"
            pdf = f' · <a href="/{escape(name)}.pdf">PDF</a>' if state.pdf is not None else ""
            rows.append(f'<li><a href="/{escape(name)}.html">{escape(name)}</a>{pdf} <small>({mark})</small></li>')
        return _page("briefgen preview", "<h1>Editions</h1><ul>" + "".join(rows) + "</ul>" if rows
                     else "<h1>Editions</h1><p>No edition yet: see the terminal.</p>")

    def _is_local_host(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost")

    def _send_html(self, status: HTTPStatus, html: str) -> None:
        self._send(status, "text/html; charset=utf-8", html.encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the signature of http.server)
        """Requests are not logged: the terminal is for the author's problems."""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<style>body{font-family:system-ui,sans-serif;margin:2em;line-height:1.5}pre{white-space:pre-wrap;'
            'background:#fff3f3;color:#5c0000;padding:1em;border-left:4px solid #b00020}</style></head>'
            f"<body>{body}</body></html>\n")
