"""Untrusted files: nothing outside the project is opened, and nothing can hang or exhaust the machine.

- Every reader of a project file (image loader, build cache hashes, cached bibliography, watch's
  dependency scan) checks the path first: inside the project once links are resolved, a regular
  file, within a size limit. ``/dev/zero``, a FIFO named ``pic.png``, a folder, a link to a file
  outside: each is a located error, within seconds, and is never opened (an in-process record of
  every ``open``, and ``strace`` of a real process where strace is installed).
- Images: a decompression bomb, too many pixels, bytes that are not what the name says: a
  located error, never a Pillow traceback or warning; ``watch``/``preview`` survive them.
- ``references.bib``: size and link checks come before any read; ``refs`` refuses a link out.
- ``--allow-remote``: loopback, private, link-local and metadata addresses refused after DNS and
  on each redirect; deadlines per image and per build; a size limit; one download per build.

Hostile projects are made in each test. Real processes run with a timeout and a memory limit,
so a regression fails in seconds instead of hanging or exhausting the machine. The local web
server listens on 127.0.0.1, which briefgen refuses as loopback: tests of the download itself
pass an address check that lets exactly 127.0.0.1 through (``RemoteImages(is_allowed=...)`` or,
for whole builds, by replacing ``briefgen.render.remote.is_public_address``); everything else
(resolution, pinning, redirects, deadlines, limits) is the real code.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import io
import ipaddress
import os
import re
import resource
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from PIL import Image

from briefgen.load.project_files import FileRefused, read_file, referenced_path
from briefgen.render import remote
from briefgen.render.remote import RemoteImages, RemoteRefused, is_public_address
from briefgen.render.resources import MAX_IMAGE_PIXELS
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from conftest import OUTPUT_INDEX, CliResult, assert_clean_error, brief_yaml, run_cli, section_md

PROCESS_SECONDS = 30
"""A real briefgen process that takes longer has hung (an HTML build takes about a second)."""
PROCESS_MEMORY = 3 * 2**30
"""Address-space limit of a real briefgen process: reading /dev/zero fails instead of filling RAM."""
MARKER = "BGSECRET-4d1f0a9c"

BASE = {"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Plain text [@gao2021].\n")}
IMAGE_LINE = "briefs/sections/one.md:6:"
"""Where the image sits in :func:`with_image`'s section."""


def with_image(src: str, **files: bytes | str) -> dict[str, bytes | str]:
    return {**BASE, "briefs/sections/one.md": section_md("One", f"Text [@gao2021].\n\n![A chart]({src})\n"), **files}


def png(width: int = 1, height: int = 1) -> bytes:
    stream = io.BytesIO()
    Image.new("L", (width, height), 128).save(stream, "PNG")
    return stream.getvalue()


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A real 1-bit PNG of ``width``×``height`` black pixels: ~47 KiB on disk, 400 megapixels decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = (width + 7) // 8 + 1  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    blank = bytes(row * 1000)
    data = b"".join(compressor.compress(blank) for _ in range(height // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def image_bytes(fmt: str) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(stream, fmt)
    return stream.getvalue()


def run_process(args: list[str], cwd: Path) -> CliResult:
    """``python -m briefgen ARGS`` as a real process, bounded in time and memory."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (PROCESS_MEMORY, PROCESS_MEMORY))

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", env=env, timeout=PROCESS_SECONDS, check=False, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"briefgen {' '.join(args)} hung for more than {PROCESS_SECONDS} s")
    return CliResult(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def recorded_opens() -> Iterator[list[str]]:
    """Every path this process opens (``open``, ``io.open``, ``os.open``) while the block runs."""
    opened: list[str] = []
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

    def note(file: object) -> None:
        if isinstance(file, (str, bytes, os.PathLike)):
            opened.append(os.path.realpath(os.fsdecode(file)))

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        note(file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def fake_io_open(file: object, *args: object, **kwargs: object) -> object:
        note(file)
        return real_io_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def fake_os_open(file: object, *args: object, **kwargs: object) -> int:
        note(file)
        return real_os_open(file, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", fake_open)
        patch.setattr(io, "open", fake_io_open)
        patch.setattr(os, "open", fake_os_open)
        yield opened


@pytest.fixture(autouse=True)
def no_font_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Font subsetting costs ~0.3 s per in-process HTML build and is not what these tests check."""
    monkeypatch.setattr("briefgen.render.html.font_faces_css", lambda *args, **kwargs: "", raising=False)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the projects with a secret image and bibliography; projects using it are
    made with ``name="project"`` so ``../../../outside/`` from ``briefs/sections/`` reaches it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(png())
    (folder / "refs.bib").write_text(f"@misc{{leak, title = {{{MARKER}}}, year = {{2020}}}}\n", encoding="utf-8")
    return folder


# =====================================================================================================
# Image paths: checked before anything opens them
# =====================================================================================================


def hostile_image(kind: str, project: Path, outside: Path) -> str:
    """Make the hostile thing ``kind`` in ``project`` and return the reference to write."""
    sections = project / "briefs/sections"
    if kind == "dev-zero-by-path":
        return "../../" + "../" * 12 + "dev/zero"
    if kind == "link-to-dev-zero":
        (sections / "pic.png").symlink_to("/dev/zero")
        return "pic.png"
    if kind == "fifo":
        os.mkfifo(sections / "pic.png")
        return "pic.png"
    if kind == "fifo-percent-encoded":
        os.mkfifo(sections / "my chart.png")
        return "my%20chart.png"
    if kind == "folder":
        (sections / "pic.png").mkdir()
        return "pic.png"
    if kind == "link-out":
        (sections / "pic.png").symlink_to(outside / "secret.png")
        return "pic.png"
    if kind == "dotdot-out":
        return "../../../outside/secret.png"
    raise AssertionError(kind)


HOSTILE_IMAGES = [
    pytest.param("dev-zero-by-path", "is outside the project", id="dev-zero-by-path"),
    pytest.param("link-to-dev-zero", "is outside the project", id="link-to-dev-zero"),
    pytest.param("fifo", "is not a regular file", id="fifo-named-pic-png"),
    pytest.param("fifo-percent-encoded", "is not a regular file", id="fifo-through-percent-encoding"),
    pytest.param("folder", "is not a regular file (it is a folder)", id="folder-named-pic-png"),
    pytest.param("link-out", "is outside the project", id="link-out-of-the-project"),
    pytest.param("dotdot-out", "is outside the project", id="dotdot-out-of-the-project"),
]


BUILD_HTML = ["build", "-f", "html", "-a", "press"]
BUILD_PDF = ["build", "-a", "press"]
CHECK = ["check", "--strict"]


def assert_failed(result: CliResult, command: list[str], prefix: str, *fragments: str) -> None:
    """``build`` reports on stderr, ``check`` on stdout with a severity; both exit 1, no traceback."""
    if command[0] != "check":
        assert_clean_error(result, prefix, *fragments)
        return
    assert "Traceback" not in result.output and result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{prefix} error: ")]
    assert [line for line in lines if all(f in line for f in fragments)], result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "message", "command"), [
    *[pytest.param(*p.values, BUILD_HTML, id=f"build-{p.id}") for p in HOSTILE_IMAGES],
    *[pytest.param(*p.values, CHECK, id=f"check-strict-{p.id}") for p in HOSTILE_IMAGES],
    pytest.param("fifo", "is not a regular file", BUILD_PDF, id="pdf-build-fifo", marks=pytest.mark.pdf),
    pytest.param("link-to-dev-zero", "is outside the project", BUILD_PDF, id="pdf-build-link-to-dev-zero", marks=pytest.mark.pdf),
])
def test_a_hostile_image_path_is_a_located_error_in_seconds(make_project: Callable[..., Path], outside: Path,
                                                            kind: str, message: str, command: list[str]) -> None:
    """A real process, bounded in time and memory: a regression fails in seconds, not by hanging
    or eating the machine's memory. A PDF build too (its planning hashes the inputs as well)."""
    project = make_project(BASE, name="project")
    src = hostile_image(kind, project, outside)
    (project / "briefs/sections/one.md").write_text(section_md("One", f"Text [@gao2021].\n\n![A chart]({src})\n"),
                                                    encoding="utf-8")
    result = run_process(command, project)
    assert_failed(result, command, IMAGE_LINE, f"image '{src}' {message}")
    assert not (project / "output/b--press.html").exists()
    assert not (project / "output/b--press.pdf").exists()


@pytest.mark.parametrize(("kind", "message"), HOSTILE_IMAGES)
def test_a_refused_image_is_never_opened(make_project: Callable[..., Path], outside: Path, kind: str,
                                         message: str) -> None:
    """In-process: every open of the build (loading, cache hashes, rendering) is recorded."""
    project = make_project(BASE, name="project")
    src = hostile_image(kind, project, outside)
    (project / "briefs/sections/one.md").write_text(section_md("One", f"Text [@gao2021].\n\n![A chart]({src})\n"),
                                                    encoding="utf-8")
    target = os.path.realpath(project / "briefs/sections" / src.replace("%20", " "))
    with recorded_opens() as opened:
        result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, IMAGE_LINE, message)
    assert target not in opened
    assert not [path for path in opened if path.startswith(("/dev/", str(outside)))]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_shows_no_open_of_a_file_outside_the_project(make_project: Callable[..., Path], outside: Path,
                                                            tmp_path: Path) -> None:
    """The system's own record: the secret outside, /dev/zero and the FIFO are never opened."""
    project = make_project({**BASE, "briefs/sections/one.md": section_md(
        "One", "Text [@gao2021].\n\n![a](../../../outside/secret.png)\n\n![b](pic.png)\n\n"
               f"![c](../../{'../' * 12}dev/zero)\n\n![d](link.png)\n")}, name="project")
    os.mkfifo(project / "briefs/sections/pic.png")
    (project / "briefs/sections/link.png").symlink_to(outside / "secret.png")
    log = tmp_path / "strace.log"
    try:
        done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", str(log),
                               sys.executable, "-m", "briefgen", "build", "-f", "html", "-a", "press"],
                              cwd=project, capture_output=True, text=True, timeout=PROCESS_SECONDS * 2, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("briefgen hung under strace")
    assert done.returncode == 1, done.stderr
    for line in (8, 10, 12):
        assert f"briefs/sections/one.md:{line}:" in done.stderr
    trace = log.read_text(encoding="utf-8")
    assert "openat" in trace, "strace recorded nothing"
    for never in (str(outside / "secret.png"), "/dev/zero", str(project / "briefs/sections/pic.png"), "link.png"):
        assert never not in trace, f"{never} was opened"


def test_percent_encoded_names_mean_the_same_file_to_every_reader(make_project: Callable[..., Path]) -> None:
    """Renderer, cache and watch agree on ``my%20chart.png``: it is embedded, a change to it
    rebuilds the edition, and watch lists it as a dependency."""
    project = make_project(with_image("my%20chart.png", **{"briefs/sections/my chart.png": png(1, 1)}))
    first = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert first.exit_code == 0, first.output
    (project / "briefs/sections/my chart.png").write_bytes(png(2, 2))
    second = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert second.exit_code == 0, second.output
    assert "up to date" not in second.output, "the cache did not see the changed image"
    third = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert "up to date" in third.output
    live = LiveEditions(project, WatchOptions(audiences=("press",)))
    live.rebuild()
    state = live.get("b--press")
    assert state is not None and (project / "briefs/sections/my chart.png").resolve() in state.dependencies


@pytest.mark.parametrize(("src", "expected"), [
    pytest.param("my%20chart.png", "my chart.png", id="percent-space"),
    pytest.param("Gr%C3%A1fico.png", "Gráfico.png", id="percent-utf8"),
    pytest.param("a/b.png", "a/b.png", id="subfolder"),
    pytest.param("%2Fetc%2Fshadow", None, id="encoded-absolute"),
    pytest.param("/etc/shadow", None, id="absolute"),
    pytest.param("~/x.png", None, id="home"),
    pytest.param("file:///etc/shadow", None, id="file-url"),
    pytest.param("https://example.org/x.png", None, id="remote"),
    pytest.param("a%00.png", None, id="nul-byte"),
])
def test_referenced_path_decodes_once_for_every_caller(src: str, expected: str | None) -> None:
    found = referenced_path(src, Path("/p/briefs/sections/one.md"))
    assert found == (None if expected is None else Path("/p/briefs/sections") / expected)


def test_read_file_refuses_a_file_that_grew_past_the_limit_after_the_check(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is checked again on the bytes read: a file appended to between stat and read."""
    path = tmp_path / "a.png"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat

    def grow_then_fstat(fd: int) -> os.stat_result:
        with open(path, "ab") as stream:
            stream.write(b"x" * 100)
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", grow_then_fstat)
    with pytest.raises(FileRefused, match="larger than the 50 bytes limit"):
        read_file(path, tmp_path, 50)


def test_read_file_refuses_a_fifo_swapped_in_after_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO put in place between the check and the open: opened without blocking, then refused."""
    path = tmp_path / "a.png"
    path.write_bytes(b"x")
    real_open = os.open

    def swap_then_open(file: object, flags: int, *args: object) -> int:
        path.unlink()
        os.mkfifo(path)
        return real_open(file, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", swap_then_open)
    with pytest.raises(FileRefused, match="changed while it was being read"):
        read_file(path, tmp_path, 50)


# =====================================================================================================
# Image content: bombs, huge images, bytes that do not match the name
# =====================================================================================================


@pytest.mark.slow
def test_a_decompression_bomb_png_is_a_located_error(make_project: Callable[..., Path]) -> None:
    bomb = bomb_png()
    assert len(bomb) < 64 * 1024, len(bomb)
    project = make_project(with_image("bomb.png", **{"briefs/sections/bomb.png": bomb}))
    result = run_process(["build", "-f", "html", "-a", "press"], project)
    assert_clean_error(result, IMAGE_LINE, "image 'bomb.png' has too many pixels (20000×20000; the limit is 50 megapixels)",
                       "; scale it down")
    assert "DecompressionBomb" not in result.output and "PIL" not in result.output
    checked = run_process(CHECK, project)
    assert_failed(checked, CHECK, IMAGE_LINE, "image 'bomb.png' has too many pixels")


@pytest.mark.parametrize(("width", "height"), [
    pytest.param(10_000, 9_000, id="90-megapixels-pillow-would-only-warn"),
    pytest.param(8_000, 6_251, id="just-over-the-limit"),
])
def test_too_many_pixels_is_a_located_error_without_warnings(make_project: Callable[..., Path], width: int,
                                                             height: int) -> None:
    assert width * height > MAX_IMAGE_PIXELS
    project = make_project(with_image("big.png", **{"briefs/sections/big.png": bomb_png(width, height)}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, IMAGE_LINE, f"image 'big.png' has too many pixels ({width}×{height};")
    assert not [w for w in caught if "Decompression" in str(w.category)], caught


def test_an_image_at_the_pixel_limit_is_embedded(make_project: Callable[..., Path]) -> None:
    project = make_project(with_image("ok.png", **{"briefs/sections/ok.png": bomb_png(10_000, 5_000)}))
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert '<img src="data:image/png;base64,' in (project / "output/b--press.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("scan.png", image_bytes("TIFF"), "is a TIFF image, not a PNG one", id="tiff-named-png"),
    pytest.param("photo.png", image_bytes("JPEG"), "is a JPEG image, not a PNG one", id="jpeg-named-png"),
    pytest.param("chart.jpg", image_bytes("PNG"), "is a PNG image, not a JPEG one", id="png-named-jpg"),
    pytest.param("photo.gif", image_bytes("BMP"), "is a BMP image, not a GIF one", id="bmp-named-gif"),
    pytest.param("notes.jpg", b"Meeting notes, not a picture.\n" * 20, "cannot be read as an image", id="text-named-jpg"),
    pytest.param("empty.webp", b"", "cannot be read as an image", id="empty-webp"),
])
def test_bytes_that_do_not_match_the_name_are_a_located_error(make_project: Callable[..., Path], name: str,
                                                              data: bytes, message: str) -> None:
    project = make_project(with_image(name, **{f"briefs/sections/{name}": data}))
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, IMAGE_LINE, f"image '{name}' {message}")
    checked = run_cli(CHECK, cwd=project)
    assert_failed(checked, CHECK, IMAGE_LINE, f"image '{name}' {message}")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_supported_format_under_its_own_name_is_embedded(make_project: Callable[..., Path], fmt: str) -> None:
    suffix = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}[fmt]
    project = make_project(with_image(f"a.{suffix}", **{f"briefs/sections/a.{suffix}": image_bytes(fmt)}))
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_watch_survives_a_bomb_and_recovers_when_it_is_replaced(make_project: Callable[..., Path]) -> None:
    """``watch`` and ``preview`` share these live editions: the bad image is a located problem
    of the round, the previous page is kept, and a good image rebuilds it."""
    image = "briefs/sections/pic.png"
    project = make_project(with_image("pic.png", **{image: png()}))
    live = LiveEditions(project, WatchOptions(audiences=("press",)))
    assert live.rebuild().failed == ()
    good = live.get("b--press")
    assert good is not None and good.html
    (project / image).write_bytes(bomb_png())
    report = live.rebuild([project / image])
    assert report.failed == ("b--press",)
    problem = next(p for p in report.problems if "too many pixels" in p.message)
    assert problem.location is not None and problem.location.line == 6
    assert problem.location.path == project / "briefs/sections/one.md"
    state = live.get("b--press")
    assert state is not None and state.html == good.html, "the last good page is kept"
    (project / image).unlink()
    os.mkfifo(project / image)
    report = live.rebuild([project / image])
    assert report.failed == ("b--press",)
    assert any("is not a regular file" in p.message for p in report.problems)
    (project / image).unlink()
    (project / image).write_bytes(png(3, 3))
    report = live.rebuild([project / image])
    assert report.rebuilt == ("b--press",) and report.failed == ()


# =====================================================================================================
# references.bib: checked before anything reads it; refs refuses a link out like build and check
# =====================================================================================================


def test_an_oversized_bibliography_is_never_read(make_project: Callable[..., Path]) -> None:
    """Refused on its size (a sparse 6 MiB file), before the cache hashes or the loader reads it."""
    project = make_project({**BASE, "briefs/b.yaml": brief_yaml(["one"], extra="nocite: ['*']\n")})
    bib = project / "references.bib"
    with bib.open("r+b") as stream:
        stream.truncate(6 * 2**20)
    with recorded_opens() as opened:
        result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, "references.bib: ", "larger than the 5 MiB limit")
    assert str(bib.resolve()) not in opened
    checked = run_cli(CHECK, cwd=project)
    assert_failed(checked, CHECK, "references.bib:", "larger than the 5 MiB limit")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero", "link-out"])
@pytest.mark.parametrize("command", [BUILD_HTML, CHECK, ["refs"]], ids=["build", "check-strict", "refs"])
def test_a_hostile_bibliography_is_refused_by_every_command(make_project: Callable[..., Path], outside: Path,
                                                            kind: str, command: list[str]) -> None:
    project = make_project(BASE, bib=None, name="project")
    bib = project / "references.bib"
    if kind == "fifo":
        os.mkfifo(bib)
    elif kind == "link-to-dev-zero":
        bib.symlink_to("/dev/zero")
    else:
        bib.symlink_to(outside / "refs.bib")
    result = run_process(command, project)
    expected = "this is not a regular file" if kind == "fifo" else "this file is a link to a file outside the project"
    assert_failed(result, command, "references.bib:" if command[0] == "check" else "references.bib: ", expected)
    assert MARKER not in result.output


def test_refs_reads_a_bibliography_linked_inside_the_project(make_project: Callable[..., Path]) -> None:
    """The control: a link that stays inside the project is read."""
    project = make_project(BASE)
    (project / "data").mkdir()
    (project / "references.bib").rename(project / "data/refs.bib")
    (project / "references.bib").symlink_to(project / "data/refs.bib")
    result = run_cli(["refs", "gao2021"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "GAO-21-186" in result.stdout


@pytest.mark.slow
def test_a_hostile_build_cache_in_a_shared_project_is_a_cache_miss(make_project: Callable[..., Path]) -> None:
    """A project may arrive with its output folder: FIFOs and /dev/zero as cache records are not
    read, and the build goes on as if there were no cache."""
    project = make_project(BASE)
    cache = project / "output/.briefgen-cache"
    (cache / "journal").mkdir(parents=True)
    os.mkfifo(cache / "references.json")
    (cache / "editions.json").symlink_to("/dev/zero")
    (cache / "journal/1-a-1.jsonl").symlink_to("/dev/zero")
    result = run_process(BUILD_HTML, project)
    assert result.exit_code == 0, result.output
    assert (project / "output/b--press.html").is_file()


# =====================================================================================================
# --allow-remote
# =====================================================================================================


class Server:
    """``http.server`` on 127.0.0.1 in a thread. ``routes``: path → (status, headers, body or a
    callable that writes the body slowly). Counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes | Callable[[io.BufferedIOBase], None]]] = {}
        self.hits: collections.Counter[str] = collections.Counter()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0]
                owner.hits[path] += 1
                status, headers, body = owner.routes.get(path, (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("PORT", str(owner.port)))
                if isinstance(body, bytes) and "Content-Length" not in headers and headers.get("X-No-Length") is None:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    body(self.wfile) if callable(body) else self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


PNG = png(2, 2)


def only_loopback_127_0_0_1(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return str(ip) == "127.0.0.1"


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        running.routes["/x.png"] = (200, {"Content-Type": "image/png"}, PNG)
        yield running


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every outgoing connection attempt, recorded and refused."""
    attempts: list[tuple[str, int]] = []

    def refuse(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        attempts.append(address)
        raise ConnectionRefusedError("the test allows no connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize("address", ["127.0.0.1", "127.5.5.5", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1",
                                     "100.64.0.1", "169.254.169.254", "169.254.1.1", "fe80::1", "fc00::1",
                                     "fd00:ec2::254", "100.100.100.200", "0.0.0.0", "::", "224.0.0.1",
                                     "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                                     "64:ff9b::a9fe:a9fe", "192.0.0.192", "198.18.0.1"])
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "151.101.1.69"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_loopback_is_refused_by_default_and_nothing_is_requested(make_project: Callable[..., Path],
                                                                 server: Server) -> None:
    """The real address check: the local test server on 127.0.0.1 is never asked."""
    for url in (server.url("/x.png"), f"http://localhost:{server.port}/x.png"):
        project = make_project(with_image(url))
        result = run_cli(["build", "-f", "html", "-a", "press", "--allow-remote"], cwd=project)
        assert_clean_error(result, IMAGE_LINE, f"image '{url}' points at a private, loopback, link-local or "
                                               "cloud-metadata address (")
    assert server.hits == {}


@pytest.mark.parametrize("resolved", [["169.254.169.254"], ["10.0.0.5"], ["93.184.216.34", "127.0.0.1"],
                                      ["::1"], ["fd00:ec2::254"]],
                         ids=["metadata", "private", "one-of-several-is-loopback", "ipv6-loopback", "aws-ipv6"])
def test_a_public_name_that_resolves_inside_is_refused_before_connecting(resolved: list[str],
                                                                         no_connections: list[tuple[str, int]]) -> None:
    """The check is on the addresses the name resolves to (through the resolver hook), not on the name."""
    images = RemoteImages(resolve=lambda host, port: resolved)
    with pytest.raises(RemoteRefused, match="private, loopback, link-local or cloud-metadata"):
        images.fetch("https://images.example.org/chart.png")
    assert no_connections == []


def test_metadata_host_names_are_refused_without_resolving(no_connections: list[tuple[str, int]]) -> None:
    asked: list[str] = []
    images = RemoteImages(resolve=lambda host, port: asked.append(host) or ["93.184.216.34"])  # type: ignore[func-returns-value]
    for url in ("http://metadata.google.internal/computeMetadata/v1/", "http://metadata/latest",
                "http://METADATA.google.internal./x"):
        with pytest.raises(RemoteRefused, match="cloud-metadata"):
            images.fetch(url)
    assert asked == [] and no_connections == []


def test_the_connection_goes_to_the_address_that_was_checked(server: Server) -> None:
    """No second resolution: the name is resolved once, checked, and that address is used."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    images = RemoteImages(is_allowed=only_loopback_127_0_0_1, resolve=resolve)
    media_type, data = images.fetch(f"http://images.example.org:{server.port}/x.png")
    assert (media_type, data) == ("image/png", PNG)
    assert calls == ["images.example.org"] and server.hits["/x.png"] == 1


def test_redirects_are_followed_and_each_hop_is_checked(server: Server) -> None:
    server.routes["/to-good"] = (302, {"Location": "/x.png"}, b"")
    server.routes["/to-inside"] = (301, {"Location": "http://127.0.0.2:PORT/x.png"}, b"")
    server.routes["/to-metadata"] = (307, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    server.routes["/to-file"] = (302, {"Location": "file:///etc/passwd"}, b"")
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    images = RemoteImages(is_allowed=only_loopback_127_0_0_1)
    assert images.fetch(server.url("/to-good")) == ("image/png", PNG)
    assert server.hits["/x.png"] == 1
    with pytest.raises(RemoteRefused, match=r"private, loopback, link-local or cloud-metadata address \(127\.0\.0\.2\)"):
        images.fetch(server.url("/to-inside"))
    with pytest.raises(RemoteRefused, match=r"\(169\.254\.169\.254\)"):
        images.fetch(server.url("/to-metadata"))
    with pytest.raises(RemoteRefused, match="not an http or https address"):
        images.fetch(server.url("/to-file"))
    with pytest.raises(RemoteRefused, match="redirects more than 5 times"):
        images.fetch(server.url("/loop"))
    assert server.hits["/x.png"] == 1 and server.hits["/loop"] == 6


def test_a_redirect_to_an_internal_address_is_a_located_error_in_a_build(make_project: Callable[..., Path],
                                                                          server: Server,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "is_public_address", only_loopback_127_0_0_1)
    server.routes["/chart.png"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    project = make_project(with_image(server.url("/chart.png")))
    result = run_cli(["build", "-f", "html", "-a", "press", "--allow-remote"], cwd=project)
    assert_clean_error(result, IMAGE_LINE, f"image '{server.url('/chart.png')}' points at a private",
                       "(169.254.169.254)")


def trickle(seconds_per_byte: float, count: int) -> Callable[[io.BufferedIOBase], None]:
    def write(stream: io.BufferedIOBase) -> None:
        for _ in range(count):
            stream.write(b"\0")
            stream.flush()
            time.sleep(seconds_per_byte)

    return write


@pytest.mark.slow
def test_a_slow_drip_server_hits_the_deadline_for_the_whole_image(server: Server,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each byte arrives well within a socket timeout, but the image as a whole takes too long."""
    monkeypatch.setattr(remote, "REMOTE_TIMEOUT_SECONDS", 1.0)
    server.routes["/slow.png"] = (200, {"Content-Type": "image/png", "Content-Length": "100"}, trickle(0.1, 100))
    images = RemoteImages(is_allowed=only_loopback_127_0_0_1)
    started = time.monotonic()
    with pytest.raises(RemoteRefused, match="took longer than 1 s to download"):
        images.fetch(server.url("/slow.png"))
    assert time.monotonic() - started < 5


def test_a_resolver_that_never_answers_hits_the_deadline(monkeypatch: pytest.MonkeyPatch,
                                                         no_connections: list[tuple[str, int]]) -> None:
    """The system resolver has no timeout: name resolution counts against the image's deadline."""
    monkeypatch.setattr(remote, "REMOTE_TIMEOUT_SECONDS", 0.5)
    release = threading.Event()

    def stuck(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["93.184.216.34"]

    images = RemoteImages(resolve=stuck)
    started = time.monotonic()
    try:
        with pytest.raises(RemoteRefused, match=r"took longer than 0\.5 s to download"):
            images.fetch("https://slow-dns.example.org/chart.png")
    finally:
        release.set()
    assert time.monotonic() - started < 5 and no_connections == []


@pytest.mark.slow
def test_the_build_deadline_covers_all_remote_images(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "REMOTE_TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(remote, "REMOTE_BUILD_SECONDS", 1.5)
    server.routes["/slow.png"] = (200, {"Content-Type": "image/png", "Content-Length": "100"}, trickle(0.1, 100))
    images = RemoteImages(is_allowed=only_loopback_127_0_0_1)
    with pytest.raises(RemoteRefused, match="took longer than 1 s"):
        images.fetch(server.url("/slow.png"))
    with pytest.raises(RemoteRefused, match=r"took longer than 0\.\d+ s"):  # what is left of the build's 1.5 s
        images.fetch(server.url("/slow.png?again"))
    with pytest.raises(RemoteRefused, match="this build's remote images took 2 s already"):
        images.fetch(server.url("/x.png"))
    assert server.hits["/x.png"] == 0


def test_the_size_limit_holds_with_and_without_a_content_length(server: Server,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "MAX_REMOTE_BYTES", 1000)
    server.routes["/declared.png"] = (200, {"Content-Type": "image/png"}, PNG + bytes(2000))
    server.routes["/undeclared.png"] = (200, {"Content-Type": "image/png", "X-No-Length": "1"}, PNG + bytes(5000))
    images = RemoteImages(is_allowed=only_loopback_127_0_0_1)
    with pytest.raises(RemoteRefused, match="is larger than the 1000 bytes limit"):
        images.fetch(server.url("/declared.png"))
    with pytest.raises(RemoteRefused, match="is larger than the 1000 bytes limit"):
        images.fetch(server.url("/undeclared.png"))


def test_a_remote_bomb_or_mislabelled_image_is_a_located_error(make_project: Callable[..., Path], server: Server,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "is_public_address", only_loopback_127_0_0_1)
    server.routes["/bomb.png"] = (200, {"Content-Type": "image/png"}, bomb_png())
    server.routes["/scan.png"] = (200, {"Content-Type": "image/png"}, image_bytes("TIFF"))
    for path, message in (("/bomb.png", "has too many pixels (20000×20000;"),
                          ("/scan.png", "is not a PNG, JPEG, GIF, SVG or WebP image")):
        project = make_project(with_image(server.url(path)))
        result = run_cli(["build", "-f", "html", "-a", "press", "--allow-remote"], cwd=project)
        assert_clean_error(result, IMAGE_LINE, f"image '{server.url(path)}' {message}")


@pytest.mark.pdf
def test_each_remote_image_is_downloaded_once_per_build(make_project: Callable[..., Path], server: Server,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two audiences, HTML and PDF, the image shown twice in the section: one request."""
    monkeypatch.setattr(remote, "is_public_address", only_loopback_127_0_0_1)
    url = server.url("/x.png")
    project = make_project({**BASE, "briefs/sections/one.md": section_md(
        "One", f"Text [@gao2021].\n\n![A chart]({url})\n\nAgain: ![The same chart]({url})\n")})
    result = run_cli(["build", "-a", "press", "-a", "community-groups", "--allow-remote", "--jobs", "1"],
                     cwd=project)
    assert result.exit_code == 0, result.output
    assert server.hits == {"/x.png": 1}
    for audience in ("press", "community-groups"):
        assert "data:image/png;base64," in (project / f"output/b--{audience}.html").read_text(encoding="utf-8")
        assert (project / f"output/b--{audience}.pdf").stat().st_size > 0
    again = run_cli(["build", "-a", "press", "--allow-remote", "--force", "-f", "html"], cwd=project)
    assert again.exit_code == 0, again.output
    assert server.hits == {"/x.png": 2}, "a new build downloads it again"


def test_html_workers_share_one_download(make_project: Callable[..., Path], server: Server,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A large HTML-only build is rendered by forked workers; the image is downloaded before they start."""
    monkeypatch.setattr(remote, "is_public_address", only_loopback_127_0_0_1)
    url = server.url("/x.png")
    files: dict[str, bytes | str] = {"briefs/sections/one.md": section_md("One", f"Text [@gao2021].\n\n![A chart]({url})\n")}
    for number in range(6):
        files[f"briefs/b{number}.yaml"] = brief_yaml(["one"], title=f"Brief {number}")
    project = make_project(files)
    result = run_cli(["build", "-f", "html", "--allow-remote", "--jobs", "2"], cwd=project)
    assert result.exit_code == 0, result.output
    assert len([page for page in (project / "output").glob("*.html") if page.name not in OUTPUT_INDEX]) == 18
    assert server.hits == {"/x.png": 1}


def test_refusals_are_remembered_for_the_build_too(server: Server) -> None:
    server.routes["/gone.png"] = (404, {}, b"")
    images = RemoteImages(is_allowed=only_loopback_127_0_0_1)
    for _ in range(3):
        with pytest.raises(RemoteRefused, match=re.escape("cannot be downloaded (HTTP 404")):
            images.fetch(server.url("/gone.png"))
    assert server.hits["/gone.png"] == 1 and images.downloads == 1
