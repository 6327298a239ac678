"""The reference document of the Word editions (``--docx-template`` or ``word_template:``), checked
before any edition is built. Only the zip is read here: python-docx loads when a Word file is made."""

from __future__ import annotations

import zipfile
from pathlib import Path

from briefgen.errors import BriefgenError, SourceLocation

__all__ = ["check_reference_doc", "reference_doc_problem"]


def check_reference_doc(path: Path, location: SourceLocation | None = None) -> None:
    """Refuse a Word template that is missing or is not a .docx, pointing at ``location`` (the
    setting that names it) or else at the file itself."""
    where = location or SourceLocation(path)
    if not path.is_file():
        raise BriefgenError.at(where, f"Word template '{path}' does not exist",
                               "give the path of a reference .docx (a Word document whose styles the editions use)")
    problem = reference_doc_problem(path)
    if problem:
        raise BriefgenError.at(where, f"Word template '{path}' is not a Word document (.docx): {problem}",
                               "save the template from Word or LibreOffice as a .docx document")


def reference_doc_problem(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError):
        return "it is not a zip archive"
    except KeyError:
        return "it has no [Content_Types].xml"
    if "wordprocessingml.document.main+xml" not in types:
        if "wordprocessingml.template.main+xml" in types or "macroEnabled" in types:
            return "it is a Word template (.dotx) or holds macros"
        return "it holds no Word document"
    return ""
