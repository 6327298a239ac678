"""Read an author's text file: UTF-8 (with or without BOM), any line ending, bounded size."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest input file briefgen reads; a brief section is a few kilobytes."""


def read_text(path: Path, diagnostics: Diagnostics) -> str | None:
    """The file's text with ``\\n`` line endings, or None after adding a diagnostic."""
    location = SourceLocation(path)
    try:
        if not path.is_file():
            diagnostics.error(location, "this is not a regular file", "replace it with an ordinary text file")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.error(location, f"file is {size // 1024} KiB, larger than the {MAX_FILE_BYTES // 1024 // 1024} MiB limit",
                              "split it into smaller files")
            return None
        data = path.read_bytes()
    except PermissionError:
        diagnostics.error(location, "cannot read this file (permission denied)", "check its permissions")
        return None
    except OSError as error:
        diagnostics.error(location, f"cannot read this file ({error.strerror})", "check that it exists and is a file")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.error(location.at_line(line), f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
                          "save the file as UTF-8 in your editor")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
