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
    return write_all_atomic(folder, {name: data})[0]


def write_all_atomic(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write several files as one step: every one is written to a temporary file first, and
    only when all are complete do they replace the old ones. A failure (a full disk, say)
    leaves every old file as it was and no temporary file behind."""
    targets = [folder / name for name in files]
    for target in targets:
        if target.resolve().parent != folder.resolve():
            raise BriefgenError.at(SourceLocation(target), "refusing to write outside the output folder",
                                   "use a plain file name")
    temporaries: list[str] = []
    try:
        for name, data in files.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            temporaries.append(temporary)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
    except OSError as error:
        names = ", ".join(files)
        raise BriefgenError.at(SourceLocation(folder), f"cannot write {names} ({error.strerror or error})",
                               "check the free space and permissions of the output folder; the old files are unchanged") from None
    finally:
        for temporary in temporaries:
            Path(temporary).unlink(missing_ok=True)
    return targets
