"""Ids of briefs, sections and audiences: they become file names, so they are checked."""

from __future__ import annotations

import re

from briefgen.errors import Diagnostics, SourceLocation

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))


def check_id(value: str, what: str, location: SourceLocation, diagnostics: Diagnostics) -> bool:
    if is_valid_id(value):
        return True
    diagnostics.error(location, f"'{value}' is not a valid {what}",
                      "use lower-case letters, digits and '-', starting with a letter or digit")
    return False
