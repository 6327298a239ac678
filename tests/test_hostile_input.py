"""Hostile input: a brief project is untrusted text, and briefgen must stay safe and lose nothing.

- Safe by default: images come only from inside the project (no absolute paths, ``..``,
  symlinks out, ``file:``/``ftp:``, remote or cloud-metadata addresses); remote images only with
  ``--allow-remote`` and then with a size limit and image types only (more in test_untrusted_files.py); raw HTML and
  script links never reach the page; bibliography and YAML text is escaped in the body, in
  attributes and in the PDF metadata; ids cannot walk out of their folders; nothing is written
  outside the output folder; file size and div nesting are bounded.
- Nothing lost: a failed build leaves the previous outputs byte for byte, and one broken edition
  does not stop the others.
- Clear errors for broken input: ``path:line: message; hint``, exit 1, never a traceback.

Network: only a local ``http.server`` on 127.0.0.1, bounded in requests and time, whose
connection count proves that nothing was fetched. PDF builds are few (module-scoped fixtures).
Located errors already covered by ``test_errors.py`` are not repeated here.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import errno
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.markdown.fenced_divs import MAX_DIV_DEPTH
from conftest import FIXTURE_BIB, CliResult, assert_clean_error, brief_yaml, run_cli, section_md, write_project
from html_safety import parse_page, unsafe_markup

MARKER = "BGSECRET-9f4c2e71d8"
"""Put in every file outside the project; it must never show up in anything briefgen writes."""

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy",
                   "NO_PROXY")


def tiny_png(comment: str = "") -> bytes:
    """A valid 1×1 PNG; ``comment`` goes into a tEXt chunk (so a marker travels with the bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    text = chunk(b"tEXt", b"Comment\x00" + comment.encode()) if comment else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + text
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PNG = tiny_png()
SECRET_PNG = tiny_png(MARKER)


def data_uri(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def output_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()} if folder.is_dir() else {}


def all_files(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` (symlinks not followed), by relative path."""
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(root))] = path.read_bytes()
    return found


def pdf_texts(pdf: Path) -> dict[str, str]:
    """The PDF's text as pypdf and pdftotext see it (pdftotext only where installed)."""
    texts = {"pypdf": " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)}
    if shutil.which("pdftotext"):
        completed = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                                   timeout=60)
        texts["pdftotext"] = completed.stdout.decode("utf-8")
    return texts


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def secret_leaks(path: Path) -> list[str]:
    """Where the marker (or the outside PNG) shows up in a written file: empty when it does not."""
    data = path.read_bytes()
    leaks = []
    if MARKER.encode() in data:
        leaks.append(f"{path.name}: raw bytes")
    if base64.b64encode(SECRET_PNG) in data:
        leaks.append(f"{path.name}: the outside PNG, base64-encoded")
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        leaks += [f"{path.name}: {tool} text" for tool, text in pdf_texts(path).items() if MARKER in squash(text)]
        leaks += [f"{path.name}: attachment {name}" for name in reader.attachments]
    return leaks


def passwd_first_line() -> str | None:
    try:
        return Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return None


@contextlib.contextmanager
def without_proxies() -> Iterator[None]:
    """urllib honours *_proxy variables; the tests talk to 127.0.0.1 directly."""
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        yield


# --- a local web server that counts what it is asked -------------------------------------------


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


@pytest.fixture(autouse=True)
def no_font_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subsetting the theme fonts to each page's characters costs about 0.3 s per HTML build and has
    nothing to do with what these tests check. (The module-scoped PDF builds keep the real fonts.)"""
    monkeypatch.setattr("briefgen.render.html.font_faces_css", lambda *args, **kwargs: "", raising=False)


def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """briefgen refuses loopback addresses; these tests let the local test server through."""
    monkeypatch.setattr("briefgen.render.remote.is_public_address", lambda ip: str(ip) == "127.0.0.1")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingServer]:
    allow_loopback(monkeypatch)
    with without_proxies(), CountingServer() as running:
        running.routes.update(default_routes(running))
        yield running


def test_counting_server_counts(server: CountingServer) -> None:
    """The request counter the other tests rely on does see a real request."""
    with urllib.request.urlopen(server.url("/x.png"), timeout=5) as response:
        assert response.read() == PNG
    assert server.hits["/x.png"] == 1 and server.connections == 1


# --- small projects -------------------------------------------------------------------------------

BASE = {"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Plain text [@gao2021].\n")}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project holding secrets: ``secret.png`` (a real PNG with the marker),
    ``secret.txt`` and ``secret.md`` (a valid section whose body is the marker); and one more
    ``secret.png`` beside the project. Projects that use it are made with ``name="project"``."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(SECRET_PNG)  # what '../../../secret.png' from briefs/sections/ reaches
    (folder / "secret.png").write_bytes(SECRET_PNG)
    (folder / "secret.txt").write_text(f"{MARKER}\n", encoding="utf-8")
    (folder / "secret.md").write_text(section_md("Leaked", f"{MARKER} leaked text.\n"), encoding="utf-8")
    return folder


def build_html(project: Path, *args: str) -> CliResult:
    return run_cli(["build", "-f", "html", *args], cwd=project)


# =====================================================================================================
# Safe by default: images only from the project
# =====================================================================================================

REFUSED_SOURCES = [
    pytest.param("/etc/passwd", "outside the project", id="absolute-path"),
    pytest.param("../../../secret.png", "outside the project", id="dotdot-out-of-the-project"),
    pytest.param("../../../outside/secret.png", "outside the project", id="dotdot-into-a-sibling-folder"),
    pytest.param("~/secret.png", "outside the project", id="home-folder"),
    pytest.param("file:///etc/passwd", "outside the project", id="file-url"),
    pytest.param("FILE:///etc/passwd", "outside the project", id="file-url-upper-case"),
    pytest.param("ftp://127.0.0.1/secret.png", "outside the project", id="ftp-url"),
    pytest.param("C:/secret.png", "outside the project", id="windows-drive"),
    pytest.param("http://169.254.169.254/latest/meta-data/", "remote images are off", id="cloud-metadata-ip"),
    pytest.param("http://metadata.google.internal/computeMetadata/v1/", "remote images are off", id="gcp-metadata-host"),
]


@pytest.mark.parametrize(("src", "message"), REFUSED_SOURCES)
def test_image_outside_the_project_is_a_located_error(make_project: Callable[..., Path], outside: Path, src: str,
                                                      message: str) -> None:
    body = f"Fine.\n\n![picture]({src})\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body)}, name="project")
    assert project.parent == outside.parent, "'../../../' from briefs/sections/ reaches the secrets' folder"
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{src}'", message)
    assert not (project / "output" / "b--press.html").exists()


@pytest.mark.parametrize("src", [
    pytest.param("http://127.0.0.1:{port}/x.png", id="http"),
    pytest.param("https://127.0.0.1:{port}/x.png", id="https"),
    pytest.param("//127.0.0.1:{port}/x.png", id="protocol-relative"),
    pytest.param("HTTP://127.0.0.1:{port}/x.png", id="upper-case-scheme"),
])
def test_remote_image_without_allow_remote_is_never_fetched(make_project: Callable[..., Path], server: CountingServer,
                                                            src: str) -> None:
    src = src.format(port=server.port)
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", f"Fine.\n\n![remote]({src})\n")})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{src}'")
    assert server.connections == 0, f"the server was asked for {dict(server.hits)}"


def test_image_in_manifest_markdown_cannot_climb_out(make_project: Callable[..., Path], outside: Path) -> None:
    """Images in a manifest's Markdown resolve against briefs/, so '../../' already leaves the project."""
    manifest = "title: T\nsummary: |\n  Summary text.\n\n  ![s](../../outside/secret.png)\nsections:\n  - one\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest}, name="project")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:5:", "image '../../outside/secret.png'", "outside the project")


def test_symlinked_image_pointing_out_is_refused(make_project: Callable[..., Path], outside: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Fine.\n\n![logo](logo.png)\n")})
    (project / "briefs/sections/logo.png").symlink_to(outside / "secret.png")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'logo.png'", "outside the project")
    assert not (project / "output").exists() or all(secret_leaks(p) == [] for p in (project / "output").iterdir() if p.is_file())


def test_image_through_a_symlinked_folder_pointing_out_is_refused(make_project: Callable[..., Path],
                                                                  outside: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Fine.\n\n![secret](assets/secret.png)\n")},
                           name="project")
    (project / "briefs/sections/assets").symlink_to(outside, target_is_directory=True)
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'assets/secret.png'", "outside the project")


def test_image_inside_the_project_is_embedded(make_project: Callable[..., Path]) -> None:
    """The control for the refusals above: a real project image, also reached through an inner symlink."""
    body = "![a](img/a.png)\n\n![b](b.png)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body), "briefs/sections/img/a.png": PNG})
    (project / "briefs/sections/b.png").symlink_to(project / "briefs/sections/img/a.png")
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert html.count(f'src="{data_uri(PNG)}"') == 2


def test_image_file_names_with_spaces_and_accents_are_found(make_project: Callable[..., Path]) -> None:
    """markdown-it percent-encodes a link destination; the file on disk has the plain name."""
    body = "![a](<my chart.png>)\n\n![b](café.png)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body),
                            "briefs/sections/my chart.png": PNG, "briefs/sections/café.png": PNG})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    assert (project / "output/b--press.html").read_text(encoding="utf-8").count(data_uri(PNG)) == 2


@pytest.mark.parametrize("src", ["%2e%2e/%2e%2e/%2e%2e/secret.png", "..%2F..%2F..%2Fsecret.png",
                                 "%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.png", "img/..%2f..%2f..%2f..%2fsecret.png"])
def test_percent_encoded_escape_is_never_loaded(make_project: Callable[..., Path], outside: Path, src: str) -> None:
    """However the path is decoded, the check must apply to what is finally read."""
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", f"Text.\n\n![x]({src})\n"),
                            "briefs/sections/img/a.png": PNG}, name="project")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image '")
    assert not (project / "output/b--press.html").exists()


def test_oversized_project_image_is_a_located_error(make_project: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("briefgen.render.resources.MAX_IMAGE_BYTES", len(PNG) - 1)
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Text.\n\n![a](a.png)\n"),
                            "briefs/sections/a.png": PNG})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'a.png' is larger than")


# --- --allow-remote: opt-in, and bounded ---------------------------------------------------------------


def remote_project(make_project: Callable[..., Path], src: str) -> Path:
    return make_project({**BASE, "briefs/sections/one.md": section_md("One", f"Text.\n\n![remote]({src})\n")})


def test_allow_remote_embeds_the_image_as_a_data_uri(make_project: Callable[..., Path], server: CountingServer) -> None:
    project = remote_project(make_project, server.url("/x.png"))
    result = build_html(project, "-a", "press", "--allow-remote")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert f'<img src="{data_uri(PNG)}" alt="remote">' in html
    assert server.url("/x.png") not in html, "the page is self-contained: the reader's browser fetches nothing"
    assert server.hits == {"/x.png": 1}


@pytest.mark.parametrize(("path", "fragment"), [
    pytest.param("/big.png", "is larger than", id="over-the-size-limit"),
    pytest.param("/page.png", "is not an image (it is text/html)", id="html-instead-of-an-image"),
    pytest.param("/missing.png", "cannot be downloaded (HTTP 404", id="not-found"),
])
def test_allow_remote_refuses_a_bad_response(make_project: Callable[..., Path], server: CountingServer,
                                             monkeypatch: pytest.MonkeyPatch, path: str, fragment: str) -> None:
    monkeypatch.setattr("briefgen.render.remote.MAX_REMOTE_BYTES", len(PNG) + 1024)
    project = remote_project(make_project, server.url(path))
    result = build_html(project, "-a", "press", "--allow-remote")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"'{server.url(path)}'", fragment)
    assert server.hits[path] == 1
    assert not (project / "output/b--press.html").exists()


def test_allow_remote_gives_up_on_a_silent_server(make_project: Callable[..., Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that accepts the connection and never answers: the timeout turns it into an error."""
    monkeypatch.setattr("briefgen.render.remote.REMOTE_TIMEOUT_SECONDS", 0.5)
    allow_loopback(monkeypatch)
    with without_proxies(), socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)  # the kernel completes the handshake; nobody ever reads or answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow.png"
        project = remote_project(make_project, url)
        result = build_html(project, "-a", "press", "--allow-remote")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{url}' took longer than 0.5 s")


@pytest.mark.parametrize("src", [
    pytest.param("http://169.254.169.254/latest/meta-data/", id="aws-azure-gcp-ipv4"),
    pytest.param("http://2852039166/latest/meta-data/", id="metadata-ip-as-a-decimal-number"),
    pytest.param("http://[::ffff:169.254.169.254]/latest/", id="metadata-ip-mapped-to-ipv6"),
    pytest.param("http://metadata.google.internal/computeMetadata/v1/", id="gcp-metadata-host"),
    pytest.param("http://[fe80::1]/x.png", id="ipv6-link-local"),
    pytest.param("http://[fd00:ec2::254]/latest/meta-data/", id="aws-ipv6-metadata"),
    pytest.param("http://100.100.100.200/latest/meta-data/", id="alibaba-cloud-metadata"),
])
def test_allow_remote_never_contacts_a_metadata_address(make_project: Callable[..., Path],
                                                        monkeypatch: pytest.MonkeyPatch, src: str) -> None:
    """Refused before any connection: connecting is replaced by a recorder that refuses."""
    attempts: list[object] = []

    def record(address: object, *args: object, **kwargs: object) -> object:
        attempts.append(address)
        raise ConnectionRefusedError("the test blocks all network access")

    monkeypatch.setattr(socket, "create_connection", record)
    project = remote_project(make_project, src)
    result = build_html(project, "-a", "press", "--allow-remote")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{src}'", "link-local or cloud-metadata")
    assert attempts == []


def test_allow_remote_still_refuses_local_paths(make_project: Callable[..., Path], outside: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Text.\n\n![x](/etc/passwd)\n\n"
                                                                                "![y](../../../outside/secret.png)\n")},
                           name="project")
    result = build_html(project, "-a", "press", "--allow-remote")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image '/etc/passwd' is outside the project")
    assert_clean_error(result, "briefs/sections/one.md:8:", "image '../../../outside/secret.png' is outside the project")


# =====================================================================================================
# Safe by default: no markup or script from the author's text
# =====================================================================================================

SCRIPTY_BODY = """\
<script>alert(101)</script>

<img src=x onerror=alert(102)> <a href="javascript:alert(103)">raw link</a>

<iframe src="https://example.org"></iframe><style>body{display:none}</style>

[plain](javascript:alert(104)) [upper](JaVaScRiPt:alert(105)) [entity](javascript&#58;alert(106))
[spaced]( javascript:alert(107)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
[file](file:///etc/passwd) <javascript:alert(108)> [ref][evil]

[evil]: javascript:alert(109)

::: {onclick="alert(110)" style="background:url(/etc/passwd)" #x .y}
Inside a div with hostile attributes.
:::
"""


def test_raw_html_and_script_links_are_neutralised(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", SCRIPTY_BODY)})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    text = parse_page(html).text
    assert "<script>alert(101)</script>" in text, "raw HTML is shown as text"
    assert "<img src=x onerror=alert(102)>" in text
    assert "javascript:alert(104)" in text, "a script link stays visible as text, not a link"
    # The div's attributes survive only as inert data- attributes.
    div = parse_page(html).attribute("div", id="x", _attr="data-onclick")
    assert div == "alert(110)"


def test_ordinary_links_still_work(make_project: Callable[..., Path]) -> None:
    """The control for the test above: web, mail and in-page links are kept."""
    body = "[web](https://example.org/a?b=1) [mail](mailto:a@example.org) [here](#one) [rel](other.html)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body)})
    assert build_html(project, "-a", "press").exit_code == 0
    page = parse_page((project / "output/b--press.html").read_text(encoding="utf-8"))
    hrefs = [dict(attrs).get("href") for tag, attrs in page.tags if tag == "a"]
    assert {"https://example.org/a?b=1", "mailto:a@example.org", "#one", "other.html"} <= set(hrefs)


def test_the_safety_check_itself_catches_bad_markup() -> None:
    """``unsafe_markup`` is what the tests above rely on: it must flag each kind of problem."""
    assert unsafe_markup('<p><script>x</script></p>')
    assert unsafe_markup('<img src="a.png" onerror="x">')
    assert unsafe_markup('<a href=" JavaScript:alert(1)">x</a>')
    assert unsafe_markup('<a href="data:text/html,x">x</a>')
    assert unsafe_markup('<div style="x">x</div>')
    assert unsafe_markup('<p>&lt;script&gt;</p><img src="data:image/png;base64,AA" alt="">') == []


HOSTILE_BIB = FIXTURE_BIB + r"""
@misc{evil,
  author       = {{<b onmouseover=alert(201)>Org</b> \& Co}},
  title        = {<script>alert(202)</script> Evil <Co>},
  howpublished = {"><svg onload=alert(203)>},
  note         = {</li></ol><a href="javascript:alert(204)">x</a>},
  year         = {2020}
}
"""


@pytest.mark.parametrize("style", ["numeric", "author-date", "notes"])
def test_bibliography_fields_are_escaped_in_every_style(make_project: Callable[..., Path], style: str) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@evil, p. 4] and @evil.\n")},
                           bib=HOSTILE_BIB)
    result = build_html(project, "-a", "press", "--citation-style", style)
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    text = parse_page(html).text
    assert "<script>alert(202)</script> Evil <Co>" in text
    assert '"><svg onload=alert(203)>' in text


@pytest.mark.parametrize("url", ["javascript:alert(205)", " JavaScript:alert(206)", "data:text/html;base64,PHNjcmlwdD4="])
def test_script_url_in_a_bibliography_entry_is_not_a_link(make_project: Callable[..., Path], url: str) -> None:
    bib = FIXTURE_BIB + f"\n@online{{evilurl,\n  author = {{{{Org}}}},\n  title = {{T}},\n  url = {{{url}}},\n" \
                        f"  urldate = {{2026-01-24}}\n}}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@evilurl].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output
    html_path = project / "output/b--press.html"
    if html_path.exists():
        assert unsafe_markup(html_path.read_text(encoding="utf-8")) == []
    else:
        assert_clean_error(result, "references.bib:", "url")


YAML_TITLE = 'Fish & Chips (and "<b>bold</b>") \\ </title><script>alert(301)</script> \'q\''
YAML_AUTHORS = ['A. <i onmouseover=alert(302)>Analyst</i>', 'B & "C"']
YAML_ORG = '"><script>alert(303)</script>'
YAML_LABEL = 'Reporters <img src=x onerror=alert(304)>'
YAML_QUESTION = '</li><script>alert(305)</script>?'
YAML_SUMMARY = 'Summary: 5 < 6 & "x" [@gao2021].'
YAML_DESCRIPTION = 'Summary: 5 < 6 & "x".'


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


HOSTILE_MANIFEST = f"""\
title: {yaml_quote(YAML_TITLE)}
subtitle: {yaml_quote('<u>sub</u> & more')}
organization: {yaml_quote(YAML_ORG)}
authors: [{', '.join(yaml_quote(a) for a in YAML_AUTHORS)}]
disclaimer: {yaml_quote('<b>not</b> legal advice')}
summary: {yaml_quote(YAML_SUMMARY)}
sections:
  - safe
further_questions:
  - question: {yaml_quote(YAML_QUESTION)}
"""


def test_yaml_values_are_escaped_in_body_and_attributes(make_project: Callable[..., Path]) -> None:
    files = {"briefs/b.yaml": HOSTILE_MANIFEST, "briefs/sections/safe.md": section_md("Safe", "Text.\n"),
             "briefs/audiences/press.yaml": f"label: {yaml_quote(YAML_LABEL)}\n"}
    project = make_project(files)
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    page = parse_page(html)
    # attributes hold exactly the author's text
    assert page.attribute("meta", property="og:title") == YAML_TITLE
    assert page.attribute("meta", name="description") == YAML_DESCRIPTION
    assert page.attribute("meta", property="og:description") == YAML_DESCRIPTION
    author = page.attribute("meta", name="author")
    assert author is not None and all(name in author for name in YAML_AUTHORS), author
    # and the body shows it as text
    for value in (YAML_TITLE, YAML_ORG, YAML_LABEL, YAML_QUESTION, "<u>sub</u> & more", *YAML_AUTHORS):
        assert value in page.text, value
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    assert title is not None and "<" not in title.group(1)


@pytest.mark.parametrize("brief", [
    pytest.param("javascript:alert(306)//", id="script-url"),
    pytest.param("../../outside/secret", id="path"),
    pytest.param("Other Brief", id="not-an-id"),
])
def test_further_question_brief_must_be_a_valid_id(make_project: Callable[..., Path], brief: str) -> None:
    manifest = f"title: T\nsections:\n  - one\nfurther_questions:\n  - question: Where next?\n    brief: {yaml_quote(brief)}\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest})
    result = build_html(project, "-a", "press")
    for page in (project / "output").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert unsafe_markup(html) == []
        assert f'href="{brief}' not in html.replace("&#34;", '"'), "the value became a link"
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    line = [text for text in result.stderr.splitlines() if re.match(r"briefs/b\.yaml:[56]: ", text)]
    assert line and brief in line[0], result.stderr


# =====================================================================================================
# The PDF: one hostile project, built once; nothing from outside reaches any output
# =====================================================================================================

PDF_TITLE = 'Fish & Chips (and "<b>bold</b>") \\ </title><script>alert(401)</script>'
PDF_AUTHOR = 'A. <i>Analyst</i> & "Co"'
PICS_BODY = """\
![passwd](/etc/passwd)

![escape](../../../outside/secret.png)

![remote]({remote})

![linked](linked.png)

![folder](assets/secret.png)
"""
SAFE_BODY = """\
Safe text <script>alert(402)</script> and [a link](javascript:alert(403)) citing [@evil].
"""


@dataclass(frozen=True)
class HostileBuild:
    project: Path
    output: Path
    result: CliResult
    remote: str
    connections: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    """One project, three editions, HTML and PDF:

    - community-groups: the ``safe`` section (script text, a script link, a hostile bib entry);
    - county-officials: also ``leak``, a section file that is a symlink to a file outside;
    - press: also ``pics``, every kind of image reference that must be refused.
    """
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    (outside / "assets").mkdir(parents=True)
    (outside / "secret.png").write_bytes(SECRET_PNG)
    (outside / "assets/secret.png").write_bytes(SECRET_PNG)
    (outside / "secret.md").write_text(section_md("Leaked", f"{MARKER} leaked text.\n"), encoding="utf-8")
    with without_proxies(), CountingServer() as server:
        server.routes.update(default_routes(server))
        remote = server.url("/x.png")
        manifest = (f"title: {yaml_quote(PDF_TITLE)}\nauthors: [{yaml_quote(PDF_AUTHOR)}]\n"
                    "sections:\n  - safe\n  - id: leak\n    audiences: [county-officials]\n"
                    "  - id: pics\n    audiences: [press]\n")
        project = write_project(root / "project", {
            "briefs/b.yaml": manifest,
            "briefs/sections/safe.md": section_md("Safe", SAFE_BODY),
            "briefs/sections/pics.md": section_md("Pics", PICS_BODY.format(remote=remote)),
        }, bib=HOSTILE_BIB)
        (project / "briefs/sections/leak.md").symlink_to(outside / "secret.md")
        (project / "briefs/sections/linked.png").symlink_to(outside / "secret.png")
        (project / "briefs/sections/assets").symlink_to(outside / "assets", target_is_directory=True)
        output = root / "out"
        result = run_cli(["build", "-o", str(output)], cwd=project)
        return HostileBuild(project, output, result, remote, server.connections)


def test_hostile_build_reports_every_refused_image(hostile: HostileBuild) -> None:
    text = section_md("Pics", PICS_BODY.format(remote=hostile.remote))
    for src in ("/etc/passwd", "../../../outside/secret.png", hostile.remote, "linked.png", "assets/secret.png"):
        assert_clean_error(hostile.result, f"briefs/sections/pics.md:{line_of(text, f']({src})')}:", f"image '{src}'")
    assert "b--press" in hostile.result.stderr, "the press edition is reported as failed"
    assert not (hostile.output / "b--press.html").exists() and not (hostile.output / "b--press.pdf").exists()


def test_hostile_build_made_no_network_request(hostile: HostileBuild) -> None:
    assert hostile.connections == 0


def test_hostile_build_refuses_a_section_file_linked_from_outside(hostile: HostileBuild) -> None:
    assert "Traceback" not in hostile.result.output
    assert hostile.result.exit_code == 1
    lines = [line for line in hostile.result.stderr.splitlines() if line.startswith("briefs/sections/leak.md")]
    assert lines and "outside" in lines[0], f"no error for the symlinked section:\n{hostile.result.stderr}"


def test_hostile_build_leaks_no_secret_into_any_output(hostile: HostileBuild) -> None:
    written = sorted(p for p in hostile.output.iterdir() if p.is_file())
    assert hostile.output / "b--community-groups.pdf" in written, hostile.result.output
    assert [leak for path in written for leak in secret_leaks(path)] == []
    passwd = passwd_first_line()
    for path in written:
        texts = pdf_texts(path).values() if path.suffix == ".pdf" else [path.read_text(encoding="utf-8")]
        assert not passwd or not any(squash(passwd) in squash(text) for text in texts), path.name


def test_hostile_pdf_has_no_image_at_all(hostile: HostileBuild) -> None:
    """Only the refused images were images, so a PDF with any image got one from outside."""
    for pdf in hostile.output.glob("*.pdf"):
        assert [image.name for page in PdfReader(pdf).pages for image in page.images] == [], pdf.name


def test_hostile_html_is_neutralised(hostile: HostileBuild) -> None:
    pages = list(hostile.output.glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert unsafe_markup(html) == [], page.name
        text = parse_page(html).text
        assert "<script>alert(402)</script>" in text and "<script>alert(202)</script> Evil <Co>" in text


def test_hostile_pdf_shows_script_as_text(hostile: HostileBuild) -> None:
    for tool, text in pdf_texts(hostile.output / "b--community-groups.pdf").items():
        assert squash("<script>alert(402)</script>") in squash(text), tool
        assert squash("<script>alert(202)</script> Evil <Co>") in squash(text), tool


def test_hostile_pdf_metadata_is_the_literal_text(hostile: HostileBuild) -> None:
    metadata = PdfReader(hostile.output / "b--community-groups.pdf").metadata
    assert metadata is not None
    assert metadata.title == f"{PDF_TITLE} — Community groups"
    assert metadata.author == PDF_AUTHOR


# --- the PDF renderer's own guard, fed hostile HTML directly -------------------------------------------


def test_pdf_fetcher_refuses_everything_outside_the_project(tmp_path: Path, outside: Path) -> None:
    """Second line of defence: even if hostile HTML reached WeasyPrint, it reads only project files."""
    from briefgen.render.pdf import render_pdf

    project = tmp_path / "project"
    project.mkdir()
    (project / "inside.png").write_bytes(PNG)
    (project / "linked.png").symlink_to(outside / "secret.png")
    (project / "linked.css").symlink_to(outside / "evil.css")
    (outside / "evil.css").write_text(f'body::after {{ content: "{MARKER}"; }}', encoding="utf-8")
    with without_proxies(), CountingServer() as server:
        server.routes.update(default_routes(server))
        hostile_urls = [f"file://{outside}/secret.png", "../outside/secret.png", "/etc/passwd", "linked.png",
                        server.url("/x.png")]
        images = "".join(f'<img src="{url}" alt="{index}">' for index, url in enumerate(hostile_urls))
        html = f"""<!DOCTYPE html><html lang="en"><head><title>Fetcher</title>
<link rel="attachment" href="file://{outside}/secret.txt" title="a">
<link rel="stylesheet" href="file://{outside}/evil.css">
<link rel="stylesheet" href="linked.css">
<style>@import url("../outside/evil.css"); body {{ background: url("{server.url('/x.png')}"); }}</style>
</head><body><p>Visible text.</p><img src="inside.png" alt="inside">{images}
<a rel="attachment" href="../outside/secret.txt">attached</a>
<object data="file://{outside}/secret.txt" type="text/plain"></object>
<embed src="file://{outside}/secret.png" type="image/png"></body></html>"""
        diagnostics = Diagnostics()
        pdf = render_pdf(html, project, [project], SourceLocation(project / "briefs/b.yaml", 1), diagnostics)
        connections = server.connections
    path = tmp_path / "fetcher.pdf"
    path.write_bytes(pdf.data)
    assert connections == 0
    assert secret_leaks(path) == []
    reader = PdfReader(path)
    assert [image.name for page in reader.pages for image in page.images] != [], "the project's own image is in"
    assert sum(len(page.images) for page in reader.pages) == 1, "only the project's own image"
    refused = " ".join(d.message for d in diagnostics.errors)
    for fragment in ("secret.png", "secret.txt", "evil.css", "linked.png", "linked.css", "/etc/passwd",
                     f"127.0.0.1:{server.port}"):
        assert fragment in refused, f"no error names {fragment!r}: {refused}"


# =====================================================================================================
# Ids, and nothing written outside the output folder
# =====================================================================================================

BAD_ID_FILES = [
    pytest.param("briefs/Bad.Name.yaml", "is not a valid brief id", id="brief-with-dot-and-capitals"),
    pytest.param("briefs/has space.yaml", "is not a valid brief id", id="brief-with-space"),
    pytest.param("briefs/-dash.yaml", "is not a valid brief id", id="brief-starting-with-dash"),
    pytest.param("briefs/café.yaml", "is not a valid brief id", id="brief-non-ascii"),
    pytest.param("briefs/sections/Two.md", "is not a valid section id", id="section-capitals"),
    pytest.param("briefs/sections/a b.md", "is not a valid section id", id="section-with-space"),
    pytest.param("briefs/sections/x.y.z.md", "cannot tell the section id", id="section-with-dots"),
    pytest.param("briefs/audiences/Press.yaml", "is not a valid audience id", id="audience-capitals"),
    pytest.param("briefs/audiences/a.b.yaml", "is not a valid audience id", id="audience-with-dot"),
]


@pytest.mark.parametrize(("name", "message"), BAD_ID_FILES)
def test_file_with_an_invalid_id_is_an_error_and_writes_nothing(make_project: Callable[..., Path], tmp_path: Path,
                                                                name: str, message: str) -> None:
    content = (section_md("X", "Text.\n") if name.endswith(".md") else
               "label: X\n" if "audiences" in name else brief_yaml(["one"]))
    project = make_project({**BASE, name: content})
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, name, message)
    stem = Path(name).name.removesuffix(".md").removesuffix(".yaml")
    written = output_files(output)
    assert "b--press.html" in written, "the valid brief is still built"
    assert [file for file in written if file.startswith(f"{stem}--") or f"--{stem}." in file] == []


@pytest.mark.parametrize("brief_id", ["../x", "./b", "../briefs/b", "b/../b", "B", "b.yaml", "b "])
def test_brief_id_on_the_command_line_is_not_a_path(make_project: Callable[..., Path], brief_id: str) -> None:
    project = make_project(BASE)
    (project / "x.yaml").write_text(brief_yaml(["one"]), encoding="utf-8")
    result = build_html(project, brief_id)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"no brief '{brief_id}'" in result.stderr
    assert not (project / "output").exists() or output_files(project / "output") == {}


@pytest.mark.parametrize("audience_id", ["../x", "Press", "press/../press", ""])
def test_audience_id_on_the_command_line_is_not_a_path(make_project: Callable[..., Path], audience_id: str) -> None:
    project = make_project(BASE)
    result = build_html(project, "-a", audience_id)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"no audience '{audience_id}'" in result.stderr


def test_section_ids_in_a_manifest_cannot_reach_other_files(make_project: Callable[..., Path],
                                                            outside: Path) -> None:
    manifest = "title: T\nsections:\n  - ../../../outside/secret\n  - one/../one\n  - /etc/passwd\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest}, name="project")
    result = build_html(project)
    for line, ref in ((3, "../../../outside/secret"), (4, "one/../one"), (5, "/etc/passwd")):
        assert_clean_error(result, f"briefs/b.yaml:{line}:", f"no section '{ref}'")
    assert output_files(project / "output") == {}


def test_build_writes_only_inside_the_output_folder(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project(BASE, name="project")
    before = all_files(tmp_path)
    result = build_html(project, "-o", "deep/new/out")
    assert result.exit_code == 0, result.output
    after = all_files(tmp_path)
    changed = sorted(name for name in after if before.get(name) != after[name])
    outputs = [name for name in changed if "/.briefgen-cache/" not in name]
    assert outputs == [f"project/deep/new/out/b--{a}.html" for a in ("community-groups", "county-officials", "press")]
    assert all(name.startswith("project/deep/new/out/.briefgen-cache/") for name in changed if name not in outputs)


def test_a_symlink_in_the_output_folder_is_not_followed(make_project: Callable[..., Path], tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not overwrite\n", encoding="utf-8")
    project = make_project(BASE)
    (project / "output").mkdir()
    (project / "output/b--press.html").symlink_to(victim)
    result = build_html(project)
    assert "Traceback" not in result.output
    assert victim.read_text(encoding="utf-8") == "do not overwrite\n"
    assert result.exit_code == 1
    assert "refusing to write outside the output folder" in result.stderr


def test_output_option_naming_a_file_is_refused(make_project: Callable[..., Path]) -> None:
    project = make_project(BASE)
    (project / "afile").write_text("keep\n", encoding="utf-8")
    result = build_html(project, "-o", "afile")
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert "'afile' is a file" in result.stderr
    assert (project / "afile").read_text(encoding="utf-8") == "keep\n"


def test_output_folder_under_a_file_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    project = make_project(BASE)
    (project / "afile").write_text("keep\n", encoding="utf-8")
    result = build_html(project, "-o", "afile/sub")
    assert_clean_error(result, "afile/sub: ", "cannot create the output folder", "-o/--output")


def test_output_folder_without_write_permission_is_a_clean_error(make_project: Callable[..., Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(BASE)
    (project / "locked").mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the permission check see what a user would
        real_access = os.access
        monkeypatch.setattr("briefgen.build.outputs.os.access", lambda path, mode, **kw: False if (
            Path(path).name == "locked" and mode & os.W_OK) else real_access(path, mode, **kw))
    else:
        (project / "locked").chmod(0o500)
    try:
        result = build_html(project, "-o", "locked")
    finally:
        (project / "locked").chmod(0o700)
    assert_clean_error(result, "locked: ", "cannot write to the output folder")
    assert list((project / "locked").iterdir()) == []


def test_a_failed_write_is_a_clean_error_and_keeps_the_old_file(make_project: Callable[..., Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills up while writing: the previous edition stays, no temporary file is left."""
    project = make_project(BASE)
    assert build_html(project, "-a", "press").exit_code == 0
    before = output_files(project / "output")

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("briefgen.build.outputs.os.replace", full_disk)
    (project / "briefs/sections/one.md").write_text(section_md("One", "Changed text [@gao2021].\n"), encoding="utf-8")
    result = build_html(project, "-a", "press")
    assert output_files(project / "output") == before
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "b--press.html" in result.stderr


# =====================================================================================================
# Limits
# =====================================================================================================

LIMIT = 4096


def padded(content: str, size: int, comment: str) -> bytes:
    """``content`` followed by a comment line that brings the file to exactly ``size`` bytes."""
    data = content.encode("utf-8")
    filler = size - len(data) - len(comment) - 1
    assert filler >= 0
    return data + comment.encode() + b"x" * filler + b"\n"


SIZE_CASES = [
    pytest.param("briefs/sections/one.md", section_md("One", "Plain text [@gao2021].\n"), "\n", id="section"),
    pytest.param("briefs/b.yaml", brief_yaml(["one"]), "# ", id="manifest"),
    pytest.param("briefs/audiences/press.yaml", "label: Reporters\n", "# ", id="audience-profile"),
    pytest.param("references.bib", FIXTURE_BIB, "% ", id="bibliography"),
]


@pytest.mark.parametrize(("name", "content", "comment"), SIZE_CASES)
def test_file_over_the_size_limit_is_a_located_error(make_project: Callable[..., Path],
                                                     monkeypatch: pytest.MonkeyPatch, name: str, content: str,
                                                     comment: str) -> None:
    monkeypatch.setattr("briefgen.load.text_files.MAX_FILE_BYTES", LIMIT)
    at_limit = make_project({**BASE, name: padded(content, LIMIT, comment)})
    result = build_html(at_limit, "-a", "press")
    assert result.exit_code == 0, f"a file of exactly the limit is fine:\n{result.output}"
    over = make_project({**BASE, name: padded(content, LIMIT + 1, comment)})
    result = build_html(over, "-a", "press")
    assert_clean_error(result, f"{name}: ", "larger than the", "limit")


def test_size_limit_holds_for_a_file_that_is_not_a_regular_file(make_project: Callable[..., Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO (like a symlink to /dev/zero) reports size 0: the limit must hold while reading."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    monkeypatch.setattr("briefgen.load.text_files.MAX_FILE_BYTES", LIMIT)
    project = make_project(BASE)
    pipe = project / "briefs/sections/pipe.md"
    os.mkfifo(pipe)
    payload = padded(section_md("Pipe", "Text.\n"), LIMIT * 4, "\n")
    done = threading.Event()

    def feed() -> None:  # bounded: gives up when the build is over or after 10 s
        deadline = time.monotonic() + 10
        while not done.is_set() and time.monotonic() < deadline:
            try:
                handle = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.01)
                continue
            os.set_blocking(handle, True)
            try:
                os.write(handle, payload)
            except OSError:
                pass
            finally:
                os.close(handle)
            return

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        result = build_html(project, "-a", "press")
    finally:
        done.set()
        writer.join(timeout=10)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert any(line.startswith("briefs/sections/pipe.md") for line in result.stderr.splitlines()), result.stderr


def nested_divs(depth: int) -> str:
    return "".join(f"::: {{.level-{level}}}\n" for level in range(1, depth + 1)) + "Deepest text.\n" + ":::\n" * depth


def test_fenced_divs_nested_to_the_limit_are_fine(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", nested_divs(MAX_DIV_DEPTH))})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "Deepest text." in html and f'class="level-{MAX_DIV_DEPTH}"' in html


def test_fenced_divs_nested_past_the_limit_are_a_located_error(make_project: Callable[..., Path]) -> None:
    text = section_md("One", nested_divs(MAX_DIV_DEPTH + 1))
    project = make_project({**BASE, "briefs/sections/one.md": text})
    result = build_html(project, "-a", "press")
    line = line_of(text, f".level-{MAX_DIV_DEPTH + 1}}}")
    assert_clean_error(result, f"briefs/sections/one.md:{line}:", f"nested more than {MAX_DIV_DEPTH} deep")


# =====================================================================================================
# Nothing lost
# =====================================================================================================


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a good HTML + PDF edition already in output/ (one PDF for the module)."""
    project = write_project(tmp_path_factory.mktemp("atomic") / "project", BASE)
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert sorted(output_files(project / "output")) == ["b--press.html", "b--press.pdf"]
    return project


BREAKAGES = [
    pytest.param(section_md("One", "Now cites [@nokey].\n"), "briefs/sections/one.md:4:", "unknown citation key",
                 id="unknown-citation"),
    pytest.param("---\ntitle: One\ntags: [a\n---\nText [@gao2021].\n", "briefs/sections/one.md:", "YAML syntax error",
                 id="broken-front-matter"),
    pytest.param(b"---\ntitle: One\n---\nBad \xff byte.\n", "briefs/sections/one.md:4:", "not valid UTF-8",
                 id="invalid-utf8"),
]


@pytest.mark.parametrize(("broken", "prefix", "fragment"), BREAKAGES)
def test_failed_rebuild_leaves_previous_outputs_byte_identical(built_once: Path, tmp_path: Path,
                                                               broken: str | bytes, prefix: str, fragment: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(built_once, project, symlinks=True)
    before = output_files(project / "output")
    section = project / "briefs/sections/one.md"
    section.write_bytes(broken if isinstance(broken, bytes) else broken.encode("utf-8"))
    result = run_cli(["build", "-a", "press"], cwd=project)
    assert_clean_error(result, prefix, fragment)
    after = output_files(project / "output")
    assert sorted(after) == sorted(before), "no temporary or extra file is left in output/"
    assert after == before, "the previous HTML and PDF are unchanged"


def test_broken_editions_do_not_stop_the_good_one(make_project: Callable[..., Path], server: CountingServer,
                                                  tmp_path: Path) -> None:
    body = (f"Everyone reads this [@gao2021].\n\n::: {{audience=\"press\"}}\nPress only [@nokey].\n:::\n\n"
            f"::: {{audience=\"county-officials\"}}\n![chart]({server.url('/x.png')})\n:::\n")
    text = section_md("One", body)
    project = make_project({**BASE, "briefs/sections/one.md": text})
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, f"briefs/sections/one.md:{line_of(text, 'Press only')}:", "unknown citation key 'nokey'")
    assert_clean_error(result, f"briefs/sections/one.md:{line_of(text, '![chart]')}:", "remote images are off")
    assert sorted(output_files(output)) == ["b--community-groups.html"]
    assert "2 failed" in result.stderr and "b--press" in result.stderr and "b--county-officials" in result.stderr
    assert server.connections == 0


SECTION_BREAKAGES = [
    pytest.param("---\ntitle: One\ntags: [a\n---\nText.\n", "YAML syntax error", id="yaml-error"),
    pytest.param(b"---\ntitle: One\n---\nBad \xff byte.\n", "not valid UTF-8", id="invalid-utf8"),
    pytest.param("# One\n\nNo front matter.\n", "must start with front matter", id="no-front-matter"),
    pytest.param(None, "permission denied", id="unreadable"),
]


@pytest.mark.parametrize(("broken", "fragment"), SECTION_BREAKAGES)
def test_edition_needing_a_broken_section_is_not_written(make_project: Callable[..., Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, broken: str | bytes | None,
                                                         fragment: str) -> None:
    """A section that cannot be loaded fails the editions that use it (they are not written without
    it); editions that do not use it are built."""
    files = {**BASE, "briefs/b.yaml": brief_yaml(["one", "two"]), "briefs/other.yaml": brief_yaml(["two"], title="O"),
             "briefs/sections/two.md": section_md("Two", "Second [@doe2019].\n")}
    if broken is not None:
        files["briefs/sections/one.md"] = broken
    project = make_project(files)
    if broken is None:
        make_unreadable(project / "briefs/sections/one.md", monkeypatch)
    output = tmp_path / "out"
    result = build_html(project, "-o", str(output))
    assert_clean_error(result, "briefs/sections/one.md", fragment)
    written = sorted(output_files(output))
    assert [name for name in written if name.startswith("other--")] == [
        "other--community-groups.html", "other--county-officials.html", "other--press.html"]
    assert [name for name in written if name.startswith("b--")] == [], "b's editions would silently lack 'one'"


# =====================================================================================================
# Clear errors for broken input (the ones test_errors.py does not cover)
# =====================================================================================================


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 where permissions are enforced; as root (where they are not) make reading it fail
    the way it would for a user."""
    if os.geteuid() != 0:
        path.chmod(0)
        return
    real_read_bytes = Path.read_bytes
    target = path.resolve()

    def read_bytes(self: Path) -> bytes:
        if self.resolve() == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    real_open = os.open

    def open_file(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if isinstance(file, (str, Path)) and Path(file).resolve() == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "open", open_file)  # briefgen opens project files with os.open (no symlink, no block)


@pytest.mark.parametrize("name", ["briefs/sections/one.md", "briefs/b.yaml", "briefs/audiences/press.yaml",
                                  "references.bib"])
def test_unreadable_file_is_a_clean_error(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                          name: str) -> None:
    project = make_project({**BASE, "briefs/audiences/press.yaml": "label: Reporters\n"})
    make_unreadable(project / name, monkeypatch)
    try:
        result = build_html(project, "-a", "press")
    finally:
        (project / name).chmod(0o644)
    assert_clean_error(result, f"{name}: ", "cannot read this file (permission denied)")


ONE_LINE = "---\ntitle: One\n---\n"
CLEAR_ERRORS = [
    # encodings
    pytest.param({"briefs/audiences/press.yaml": b"label: Caf\xe9\n"}, "briefs/audiences/press.yaml:1:",
                 ("not valid UTF-8 (byte 0xe9)",), id="invalid-utf8-audience-profile"),
    pytest.param({"briefs/sections/one.md": "\ufeff---\ntitle: One\n---\nText.\n".encode("utf-16")},
                 "briefs/sections/one.md:1:", ("not valid UTF-8",), id="utf16-section"),
    pytest.param({"briefs/sections/one.md": b"---\ntitle: One\n---\nFine.\n\nCut off \xc3"},
                 "briefs/sections/one.md:6:", ("not valid UTF-8 (byte 0xc3)",), id="truncated-utf8-at-end"),
    pytest.param({"briefs/sections/one.md": b"\xef\xbb\xbf---\r\ntitle: One\r\n---\r\nFine.\r\n\r\nBad [@nokey].\r\n"},
                 "briefs/sections/one.md:6:", ("unknown citation key 'nokey'",), id="bom-and-crlf-keep-line-numbers"),
    pytest.param({"briefs/sections/one.md": b"---\rtitle: One\r---\rFine.\r\rBad [@nokey].\r"},
                 "briefs/sections/one.md:6:", ("unknown citation key 'nokey'",), id="cr-only-keeps-line-numbers"),
    pytest.param({"briefs/b.yaml": b"\xef\xbb\xbftitle: T\r\nsections:\r\n  - one\r\nsubtitel: S\r\n"},
                 "briefs/b.yaml:4:", ("unknown key 'subtitel'", "did you mean 'subtitle'?"), id="bom-crlf-manifest-lines"),
    # empty files
    pytest.param({"briefs/sections/one.md": ""}, "briefs/sections/one.md:1:", ("a section must start with front matter",),
                 id="empty-section"),
    pytest.param({"briefs/sections/one.md": b"\xef\xbb\xbf"}, "briefs/sections/one.md:1:",
                 ("a section must start with front matter",), id="section-only-a-bom"),
    pytest.param({"briefs/sections/one.md": "---\n---\nBody.\n"}, "briefs/sections/one.md:1:",
                 ("the front matter is empty",), id="empty-front-matter"),
    pytest.param({"briefs/b.yaml": ""}, "briefs/b.yaml:1:", ("the brief manifest is empty",), id="empty-manifest"),
    pytest.param({"briefs/b.yaml": "\n  \n# only a comment\n"}, "briefs/b.yaml:", ("empty",),
                 id="manifest-only-comments"),
    pytest.param({"briefs/audiences/press.yaml": ""}, "briefs/audiences/press.yaml:1:",
                 ("the audience profile is empty",), id="empty-audience-profile"),
    pytest.param({"briefs/audiences/press.yaml": "# label: Reporters\n"}, "briefs/audiences/press.yaml:",
                 ("empty",), id="audience-profile-only-comments"),
    pytest.param({"briefs/sections/one.md": "---\n# title: One\n---\nBody.\n"}, "briefs/sections/one.md:",
                 ("the front matter is empty",), id="front-matter-only-comments"),
    # a list or text where a mapping belongs
    pytest.param({"briefs/b.yaml": "- title: T\n- sections: [one]\n"}, "briefs/b.yaml:1:",
                 ("brief manifest must be a mapping", "not a list"), id="manifest-is-a-list"),
    pytest.param({"briefs/b.yaml": "just some text\n"}, "briefs/b.yaml:1:",
                 ("brief manifest must be a mapping", "not the text 'just some text'"), id="manifest-is-text"),
    pytest.param({"briefs/sections/one.md": "---\n- title: One\n---\nBody.\n"}, "briefs/sections/one.md:2:",
                 ("section front matter must be a mapping", "not a list"), id="front-matter-is-a-list"),
    pytest.param({"briefs/audiences/press.yaml": "- label: Reporters\n"}, "briefs/audiences/press.yaml:1:",
                 ("audience profile must be a mapping", "not a list"), id="audience-profile-is-a-list"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions: [press]\n"}, "briefs/b.yaml:4:",
                 ("'editions' must be a mapping", "not a list"), id="editions-is-a-list"),
    # wrong types
    pytest.param({"briefs/b.yaml": "title: [a, b]\nsections:\n  - one\n"}, "briefs/b.yaml:1:",
                 ("'title' must be text, not a list",), id="title-is-a-list"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\naudiences: press\n"}, "briefs/b.yaml:4:",
                 ("'audiences' must be a list, not the text 'press'",), id="audiences-is-text"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: policing, jail\n---\nBody.\n"},
                 "briefs/sections/one.md:3:", ("'tags' must be a list",), id="front-matter-tags-is-text"),
    pytest.param({"briefs/audiences/press.yaml": "label: P\nkey_takeaways_first: yes please\n"},
                 "briefs/audiences/press.yaml:2:", ("'key_takeaways_first' must be true or false",),
                 id="profile-boolean-is-text"),
    # duplicate keys outside the manifest
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: [a]\ntitle: Again\n---\nBody.\n"},
                 "briefs/sections/one.md:4:", ("duplicate key 'title' (first set on line 2)",),
                 id="duplicate-key-in-front-matter"),
    pytest.param({"briefs/audiences/press.yaml": "label: A\nlabel: B\n"}, "briefs/audiences/press.yaml:2:",
                 ("duplicate key 'label' (first set on line 1)",), id="duplicate-key-in-profile"),
    # citations and structure
    pytest.param({"briefs/b.yaml": "title: T\nsummary: See [@gao2021 and more.\nsections:\n  - one\n"},
                 "briefs/b.yaml:2:", ("this citation's '[' is never closed",), id="unclosed-citation-in-manifest"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - b\n"}, "briefs/b.yaml:4:",
                 ("brief 'b' lists itself as a section",), id="brief-lists-itself"),
    pytest.param({"briefs/sections/one.md": ONE_LINE + "Fine.\n\n::: {audience=\"press\"\nUnclosed brace.\n:::\n"},
                 "briefs/sections/one.md:6:", ("fenced div",), id="fenced-div-attributes-unclosed"),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), CLEAR_ERRORS)
def test_broken_input_is_a_clear_error(make_project: Callable[..., Path], files: dict[str, str | bytes],
                                       prefix: str, fragments: tuple[str, ...]) -> None:
    project = make_project({**BASE, **files})
    line = assert_clean_error(build_html(project), prefix, *fragments)
    assert "; " in line, "every message carries a hint after '; '"


def test_empty_bibliography_is_fine(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "No citations here.\n")}, bib="")
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_bibliography_with_only_comments_and_blank_lines_is_fine(make_project: Callable[..., Path]) -> None:
    bib = "\ufeff% exported by hand\r\n\r\n@comment{nothing here}\r\n   \r\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "No citations here.\n")}, bib=None)
    (project / "references.bib").write_bytes(bib.encode("utf-8"))
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_bibliography_entry_never_closed_at_end_of_file(make_project: Callable[..., Path]) -> None:
    bib = FIXTURE_BIB + "\n@misc{last,\n  title = {Never closed},\n  year  = {2020}\n"
    project = make_project(BASE, bib=bib)
    result = build_html(project, "-a", "press")
    assert_clean_error(result, f"references.bib:{line_of(bib, '@misc{last')}:", "cannot read this BibTeX entry")


def test_bibliography_with_an_extra_closing_brace(make_project: Callable[..., Path]) -> None:
    """``title = {Too many}},`` ends the entry early; the fields after it must not vanish silently."""
    bib = FIXTURE_BIB + "\n@misc{extra,\n  author = {{Org}},\n  title = {Too many}},\n  year = {2020}\n}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@extra].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output
    assert result.exit_code == 1, f"the stray '}}' and the lost year are not reported:\n{result.output}"
    start = line_of(bib, "@misc{extra")
    assert re.search(rf"^references\.bib:({start}|{start + 2}|{start + 3}): ", result.stderr, flags=re.M), result.stderr


def test_deeply_nested_yaml_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    deep = "[" * 1000 + "]" * 1000
    project = make_project({**BASE, "briefs/b.yaml": f"title: T\nsections:\n  - one\nauthors: {deep}\n"})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:")


def test_deeply_nested_front_matter_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    deep = "[" * 1000 + "]" * 1000
    project = make_project({**BASE, "briefs/sections/one.md": f"---\ntitle: One\ntags: {deep}\n---\nBody.\n"})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:")


def test_deeply_nested_braces_in_a_bibliography_field(make_project: Callable[..., Path]) -> None:
    """Legal BibTeX, absurdly deep: either decoded or a located error, never a crash."""
    bib = FIXTURE_BIB + "\n@misc{deep,\n  author = {{Org}},\n  title = {" + "{" * 1000 + "Deep" + "}" * 1000 + "}\n}\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Cites [@deep].\n")}, bib=bib)
    result = build_html(project, "-a", "press")
    assert "Traceback" not in result.output, result.output[-2000:]
    if result.exit_code == 0:
        assert "Deep" in (project / "output/b--press.html").read_text(encoding="utf-8")
    else:
        assert_clean_error(result, "references.bib:")


def test_yaml_alias_bomb_is_not_expanded(make_project: Callable[..., Path]) -> None:
    """A billion-laughs manifest: briefgen reads YAML nodes, so aliases are never multiplied out."""
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 10)}]\n" for i in range(9))
    manifest = f"title: T\nsections:\n  - one\n{levels}authors: *l8\nnocite: *l8\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:4:", "unknown key 'l0'")
    assert_clean_error(result, "briefs/b.yaml:", "each item of 'authors'")


def test_an_edition_that_takes_too_long_to_lay_out_fails_alone(make_project: Callable[..., Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF layout has a time limit; reaching it fails that edition with a clear error, not the build."""
    from briefgen.render import time_limit

    monkeypatch.setattr(time_limit, "MAX_RENDER_SECONDS", 0.001)
    project = make_project(BASE)
    result = run_cli(["build", "-a", "press", "-f", "pdf"], cwd=project)
    assert_clean_error(result, "briefs/b.yaml:1:", "laying out the PDF took longer than 0.001 seconds")
    assert not (project / "output" / "b--press.pdf").exists()
    html_only = run_cli(["build", "-a", "press", "-f", "html"], cwd=project)  # no layout, no limit reached
    assert html_only.exit_code == 0, html_only.output


@pytest.mark.parametrize(("files", "bib", "broken", "not_written", "written"), [
    pytest.param({"briefs/audiences/press.yaml": "theme: largeprint\n"}, FIXTURE_BIB, "briefs/audiences/press.yaml",
                 ["b--press"], ["b--county-officials", "b--community-groups"], id="broken-profile-override"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Text [@gao2021].\n\n::: {audience=\"presss\"}\nX\n:::\n")},
                 FIXTURE_BIB, "briefs/sections/one.md", ["b--press", "b--county-officials", "b--community-groups"], [],
                 id="unknown-audience-in-a-block"),
    pytest.param({}, FIXTURE_BIB + "\n@misc{x,\n  title = {X}\n  author = {Doe, J.}\n}\n", "references.bib",
                 ["b--press", "b--county-officials", "b--community-groups"], [], id="bib-field-swallowed"),
])
def test_an_error_in_a_file_an_edition_reads_keeps_that_edition_unwritten(
        make_project: Callable[..., Path], files: dict[str, str], bib: str, broken: str,
        not_written: list[str], written: list[str]) -> None:
    project = make_project({**BASE, **files}, bib=bib)
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    held_back = [line for line in result.stderr.splitlines() if "not built:" in line]
    assert len(held_back) == 1, "one line for all the editions the same broken file holds back"
    assert f"not built: {broken} has errors" in held_back[0]
    for name in not_written:
        assert not (project / "output" / f"{name}.html").exists(), name
        assert name in held_back[0]
    for name in written:
        assert (project / "output" / f"{name}.html").exists(), name


@pytest.mark.parametrize(("name", "data", "fragment"), [
    pytest.param("broken.png", b"\x89PNG\r\n\x1a\nnot really a png", "cannot be read as an image", id="damaged-png"),
    pytest.param("named.jpg", b"GIF89a-but-truncated", "cannot be read as an image", id="wrong-content"),
    pytest.param("linking.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 b'<image xlink:href="file:///etc/passwd"/></svg>', "refers to another file or site", id="svg-file-link"),
    pytest.param("styled.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://127.0.0.1/x.css);'
                 b'</style></svg>', "refers to another file or site", id="svg-import"),
])
def test_a_bad_image_is_a_located_error_before_any_rendering(make_project: Callable[..., Path], name: str, data: bytes,
                                                               fragment: str) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", f"Text.\n\n![A picture]({name})\n"),
                            f"briefs/sections/{name}": data})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{name}' {fragment}")


def test_a_self_contained_svg_and_a_good_png_are_embedded(make_project: Callable[..., Path]) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "![A square](square.svg) ![A dot](dot.png)\n"),
                            "briefs/sections/square.svg": svg, "briefs/sections/dot.png": tiny_png()})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in html and 'src="data:image/png;base64,' in html
