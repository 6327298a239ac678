"""Writing editions to the output folder: atomically, and never outside it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import BriefgenError, SourceLocation

CACHE_DIR = ".briefgen-cache"
"""The build cache's folder inside the output folder."""


def output_folder(project_dir: Path, output_dir: Path | None) -> Path:
    """``-o/--output``, or the project's ``output/`` folder."""
    return output_dir.resolve() if output_dir else project_dir.resolve() / "output"


def prepare_output_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BriefgenError.at(SourceLocation(path), f"cannot create the output folder ({error.strerror})",
                               "choose another folder with -o/--output or fix its permissions") from None
    if not os.access(path, os.W_OK):
        raise BriefgenError.at(SourceLocation(path), "cannot write to the output folder (permission denied)",
                               "choose another folder with -o/--output or fix its permissions")
    return path.resolve()


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` so that readers see the old file or the new one, never a part."""
    target = folder / name
    if target.resolve().parent != folder.resolve():
        raise BriefgenError.at(SourceLocation(target), "refusing to write outside the output folder", "use a plain file name")
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
