"""Read an author's text file: UTF-8 (with or without BOM), any line ending, bounded size."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.project_files import FileRefused, read_file

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest input file briefgen reads; a brief section is a few kilobytes."""


def read_text(path: Path, diagnostics: Diagnostics) -> str | None:
    """The file's text with ``\\n`` line endings, or None after adding a diagnostic."""
    location = SourceLocation(path)
    try:
        data = read_file(path, None, MAX_FILE_BYTES)
    except FileRefused as refused:
        reason = refused.reason.replace("cannot be read", "cannot read this file", 1)
        diagnostics.error(location, reason if reason != refused.reason else f"this file {refused.reason}", refused.hint)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.error(location.at_line(line), f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
                          "save the file as UTF-8 in your editor")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
