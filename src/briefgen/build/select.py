"""Select: which editions a build asks for (briefs × audiences), and usage errors for names
that match nothing.
"""

from __future__ import annotations

from briefgen.build.options import BuildOptions
from briefgen.errors import UsageError
from briefgen.load.ids import is_valid_id
from briefgen.load.project import BRIEFS_DIR
from briefgen.load.yaml_fields import did_you_mean
from briefgen.model import Audience, Brief, Place, Project


def select_briefs(project: Project, wanted: tuple[str, ...]) -> list[Brief]:
    """The briefs asked for (all by default); a name that matches no manifest is a usage error."""
    if not wanted:
        return list(project.briefs.values())
    chosen = []
    for brief_id in wanted:
        if brief_id in project.briefs:
            chosen.append(project.briefs[brief_id])
        # a manifest that exists but is broken has its own error already
        elif not is_valid_id(brief_id) or brief_id not in project.broken_briefs:
            known = sorted({*project.briefs, *project.broken_briefs})
            hint = (did_you_mean(brief_id, known) or "briefs: " + ", ".join(known) if known
                    else f"there is no manifest in {BRIEFS_DIR}/; start one with briefgen new brief ID")
            raise UsageError.at(None, f"no brief '{brief_id}'", hint)
    return chosen


def select_audiences(project: Project, brief: Brief, wanted: tuple[str, ...]) -> list[Audience]:
    """The audiences asked for that ``brief`` has editions for (all of its audiences by default);
    a name that matches no profile is a usage error."""
    ids = [a for a in wanted if a != "all"]
    for audience_id in ids:
        # a profile that exists but is broken has its own error already
        if audience_id not in project.audiences and audience_id not in project.broken_audiences:
            hint = did_you_mean(audience_id, list(project.audiences)) or "audiences: " + ", ".join(project.audiences)
            raise UsageError.at(None, f"no audience '{audience_id}'", hint)
    for_brief = brief.audiences if brief.audiences is not None else tuple(project.audiences)
    if not ids:
        return [project.audiences[a] for a in for_brief if a in project.audiences]
    return [project.audiences[a] for a in ids if a in for_brief and a in project.audiences]


def check_request(project: Project, options: BuildOptions, chosen: list[tuple[Brief, Audience]]) -> None:
    """An audience asked for on the command line that a brief asked for has no edition for is a
    usage error, as is a request that matches no edition at all. (An audience whose profile has
    errors has its own, located, error already.)"""
    wanted = [a for a in options.audiences if a != "all" and a in project.audiences]
    if not wanted:
        return
    for brief_id in options.briefs:
        brief = project.briefs.get(brief_id)
        built = {audience.id for b, audience in chosen if b is brief}
        for audience_id in wanted:
            if brief is not None and audience_id not in built:
                raise UsageError.at(None, f"brief '{brief_id}' has no edition for audience '{audience_id}'",
                                    "add the audience to the brief's 'audiences:' list, or ask for another")
    if not chosen and project.briefs:
        raise UsageError.at(None, f"no brief has an edition for {', '.join(repr(a) for a in wanted)}",
                            "add the audience to a brief's 'audiences:' list, or ask for another")


def unreadable_briefs(project: Project, wanted: tuple[str, ...]) -> list[str]:
    """Briefs asked for whose manifest exists but could not be read (its errors are reported)."""
    return [brief_id for brief_id in sorted(project.broken_briefs) if not wanted or brief_id in wanted]


def select_places(project: Project, briefs: list[Brief], where: tuple[tuple[str, str], ...]) -> dict[str, list[Place | None]]:
    """The rows each brief is built for, by brief id: every row of its ``places:`` that matches all
    of ``where`` (``--where COLUMN=VALUE``); ``[None]`` for a brief without places (none when
    ``where`` is given). A column no chosen table has, or a request no row matches, is a usage error."""
    chosen: dict[str, list[Place | None]] = {}
    tables = [brief.places for brief in briefs if brief.places is not None]
    for column, _value in where:
        if tables and not any(column in table.columns for table in tables):
            raise UsageError.at(tables[0].location, f"--where names no column '{column}'",
                                did_you_mean(column, list(tables[0].columns)) or "columns: " + ", ".join(tables[0].columns))
    if where and not tables:
        raise UsageError.at(None, "--where chooses rows of a brief's 'places:', but no brief asked for has one",
                            "add 'places:' to the brief's manifest, or leave out --where")
    for brief in briefs:
        if brief.places is None:
            chosen[brief.id] = [] if where else [None]
            continue
        chosen[brief.id] = [place for place in brief.places.rows
                            if all(place.values.get(column, "").strip() == value.strip() for column, value in where)]
    if where and not any(chosen.values()):
        wanted = " and ".join(f"{column}={value}" for column, value in where)
        raise UsageError.at(None, f"no row matches --where {wanted}", "check the value as written in the CSV")
    return chosen


def failed_rows(project: Project, wanted: tuple[str, ...]) -> list[str]:
    """The rows of the briefs asked for left out for their errors (reported when loading)."""
    return [f"{brief.id} row {row}" for brief in select_briefs(project, wanted) if brief.places is not None
            for row in brief.places.failed_rows]
