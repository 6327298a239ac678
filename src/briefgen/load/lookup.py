"""Finding a profile, brief or file of a loaded project by the id a command line names, with
the answer the author needs when it is not there: a close match, or "it exists but its file
has errors" (those errors are already in the diagnostics)."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError, Diagnostics, UsageError
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Audience, Project

AUDIENCES_DIR = "briefs/audiences"


def is_broken_file(root: Path, relative: str, diagnostics: Diagnostics) -> bool:
    """The file ``root/relative`` exists and loading it found errors (they are in ``diagnostics``)."""
    path = (root / relative).resolve()
    return any(d.location is not None and d.location.path.resolve() == path for d in diagnostics.errors)


def find_audience(project: Project, audience_id: str, diagnostics: Diagnostics) -> Audience:
    """The profile ``audience_id`` as it applies (the built-in one with the project's overrides).

    Raises :class:`BriefgenError` with no further problem when its file has errors (they are in
    ``diagnostics``), and :class:`UsageError` naming the closest id when there is no such profile.
    """
    audience = project.audiences.get(audience_id)
    if audience is not None:
        return audience
    if is_broken_file(project.root, f"{AUDIENCES_DIR}/{audience_id}.yaml", diagnostics):
        raise BriefgenError([])
    hint = did_you_mean(audience_id, list(project.audiences)) or "audiences: " + ", ".join(project.audiences)
    raise UsageError.at(None, f"no audience '{audience_id}'", hint)
