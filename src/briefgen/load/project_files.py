"""Which files of a brief project briefgen may open, and reading them within a size limit.

A project is untrusted: a section may name ``../../../../dev/zero``, a FIFO called
``pic.png``, or a symlink to ``/etc/shadow``. Every reader (the image loader, the build
cache's content hashes, ``watch``'s dependency scan, the bibliography cache, the PDF
renderer's fetcher) goes through :func:`check_file` and :func:`read_file`, so they all
agree on what a reference means and none opens a file before it is known to be

- inside the project once every symlink is resolved,
- a regular file (not a folder, device, FIFO or socket), and
- no larger than the caller's limit.

The checks use only ``lstat``/``readlink``/``stat``, which never open the file. The file is
then opened without following a final symlink and without blocking (a FIFO swapped in
after the check cannot hang the build), and ``fstat`` confirms it is the same regular
file; at most ``limit + 1`` bytes are read, so a file that grows is still caught.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlparse


class FileRefused(Exception):
    """Why a file may not be read: ``reason`` follows the file's name ("is outside the project")."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason, hint)
        self.reason = reason
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.reason}; {self.hint}"


OUTSIDE_HINT = "copy the file into the project and refer to it by a path relative to this file"


def is_remote(src: str) -> bool:
    """An http(s) address (which only ``--allow-remote`` may fetch)."""
    return urlparse(src).scheme.lower() in ("http", "https")


def referenced_path(src: str, referrer: Path) -> Path | None:
    """The file an image reference written in ``referrer`` names, not yet checked; None when
    it is not a relative path at all (a URL, ``data:``, an absolute or ``~`` path).

    Markdown percent-encodes a link (``my chart.png`` arrives as ``my%20chart.png``), so the
    reference is decoded once, here, for every caller.
    """
    if not src or urlparse(src).scheme or src.startswith(("/", "\\", "~")):
        return None
    decoded = unquote(src)
    if decoded.startswith(("/", "\\", "~")) or "\0" in decoded:
        return None
    return referrer.parent / decoded


def resolve_inside(path: Path, root: Path) -> Path:
    """``path`` with every symlink resolved; :class:`FileRefused` when that leads out of ``root``.
    Nothing is opened (``realpath`` only reads links)."""
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(Path(os.path.realpath(root))):
        raise FileRefused("is outside the project", OUTSIDE_HINT)
    return resolved


def check_file(path: Path, root: Path | None, limit: int) -> tuple[Path, os.stat_result]:
    """The resolved path and its status, after checking (without opening it) that it is inside
    ``root`` (when given), a regular file, and at most ``limit`` bytes."""
    resolved = resolve_inside(path, root) if root is not None else Path(os.path.realpath(path))
    try:
        status = os.stat(resolved)
    except FileNotFoundError:
        raise FileRefused("does not exist", "check the path, relative to this file") from None
    except PermissionError:
        raise FileRefused("cannot be read (permission denied)", "check its permissions") from None
    except OSError as error:
        raise FileRefused(f"cannot be read ({error.strerror})", "check that it exists and is a file") from None
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a device, pipe or socket"
        raise FileRefused(f"is not a regular file (it is {kind})", "replace it with an ordinary file")
    if status.st_size > limit:
        raise too_large(status.st_size, limit)
    return resolved, status


def read_file(path: Path, root: Path | None, limit: int) -> bytes:
    """The bytes of a file that passes :func:`check_file`; :class:`FileRefused` otherwise."""
    resolved, status = check_file(path, root, limit)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(resolved, flags)
    except PermissionError:
        raise FileRefused("cannot be read (permission denied)", "check its permissions") from None
    except OSError as error:
        raise FileRefused(f"cannot be read ({error.strerror})", "check that it exists and is a file") from None
    with os.fdopen(handle, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (status.st_dev, status.st_ino):
            raise FileRefused("changed while it was being read", "build again once the file is saved")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit)
    return data


def too_large(size: int, limit: int) -> FileRefused:
    return FileRefused(f"is larger than the {describe_size(limit)} limit ({describe_size(size)})",
                       "make it smaller, or split it")


def describe_size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.0f} MiB" if size % 2**20 == 0 else f"{size / 2**20:.1f} MiB"
    if size >= 1024:
        return f"{size // 1024} KiB"
    return f"{size} bytes"
