"""Pieces of an untrusted brief project, shared by the hostile-input tests (test_hostile_*.py,
test_remote_images.py, test_output_writes.py, test_input_limits.py, test_failed_builds.py,
test_broken_input.py): a secret marker that must never reach any output, tiny images, a
small base project, and readers for what a build wrote.

Its fixtures (``outside``, ``no_font_subsetting``), like ``server`` in counting_server.py, are
registered for every test by conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

import base64
import errno
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURE_BIB, OUTPUT_INDEX, CliResult, brief_yaml, run_cli, section_md

MARKER = "BGSECRET-9f4c2e71d8"
"""Put in every file outside the project; it must never show up in anything briefgen writes."""


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
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and path.name not in OUTPUT_INDEX} if folder.is_dir() else {}


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


BASE = {"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Plain text [@gao2021].\n")}


def build_html(project: Path, *args: str) -> CliResult:
    return run_cli(["build", "-f", "html", *args], cwd=project)


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


HOSTILE_BIB = FIXTURE_BIB + r"""
@misc{evil,
  author       = {{<b onmouseover=alert(201)>Org</b> \& Co}},
  title        = {<script>alert(202)</script> Evil <Co>},
  howpublished = {"><svg onload=alert(203)>},
  note         = {</li></ol><a href="javascript:alert(204)">x</a>},
  year         = {2020}
}
"""


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


@pytest.fixture
def no_font_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subsetting the theme fonts to each page's characters costs about 0.3 s per HTML build and has
    nothing to do with what the hostile-input tests check; each of their modules uses it for every
    test (``pytestmark``). (Module-scoped PDF builds keep the real fonts.)"""
    monkeypatch.setattr("briefgen.render.html.font_faces_css", lambda *args, **kwargs: "", raising=False)
