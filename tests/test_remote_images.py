"""Remote images: never fetched without ``--allow-remote``; with it, embedded as a data URI, and
bounded (size, content type, HTTP errors, a silent server's timeout); cloud-metadata and
link-local addresses are refused before any connection, local paths still refused. More in
test_untrusted_files.py.

Network: only a local ``http.server`` on 127.0.0.1 (counting_server.py), whose connection
count proves that nothing was fetched.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import assert_clean_error, section_md
from counting_server import CountingServer, allow_loopback, without_proxies
from hostile_project import BASE, PNG, build_html, data_uri

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


def test_counting_server_counts(server: CountingServer) -> None:
    """The request counter the other tests rely on does see a real request."""
    with urllib.request.urlopen(server.url("/x.png"), timeout=5) as response:
        assert response.read() == PNG
    assert server.hits["/x.png"] == 1 and server.connections == 1


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
