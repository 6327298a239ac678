"""``briefgen new`` and ``briefgen init``: valid, commented starter files from the templates
in ``starter/``. An existing file is never overwritten."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from string import Template

from briefgen.errors import BriefgenError, Diagnostic, Diagnostics, Severity, SourceLocation, UsageError
from briefgen.load.audiences import builtin_audience_paths
from briefgen.load.ids import is_valid_id
from briefgen.load.project import AUDIENCES_DIR, BIBLIOGRAPHY, BRIEFS_DIR, SECTIONS_DIR, SETTINGS_NAME
from briefgen.load.settings import SETTINGS_FILE, load_settings
from briefgen.load.yaml_fields import did_you_mean

STARTER_BRIEF = "first-brief"
STARTER_SECTION = "background"
STARTER_AUDIENCE = "general-public"

_NEW_BRIEF_SUMMARY = ("Replace this summary with the answer to the brief's question, in a few short\n"
                      "  paragraphs, with a source for every figure.")
_STARTER_SUMMARY = ("Replace this summary with the answer to the brief's question. Keep it short:\n"
                    "  readers who stop here should still know the bottom line.")
_ALL_AUDIENCES = "# audiences: [county-officials, press]   # the editions to make (default: every audience)"
_STARTER_AUDIENCES = (f"audiences: [{STARTER_AUDIENCE}]      # the editions to make: one per audience listed here.\n"
                      "# To add one, list a built-in audience (county-officials, community-groups, press) or make\n"
                      "# your own with 'briefgen new audience ID'. Without this key, every audience gets an edition.")
_NEW_SECTION_BODY = "Replace this paragraph with the text of the section.\n"
_STARTER_SECTION_BODY = ("Replace this text with what your readers need to know. Keep sentences short,\n"
                         "and cite a source from references.bib for each figure you give.\n")


def new_brief(root: Path, brief_id: str, today: dt.date, title: str = "", sections: Sequence[str] = ()) -> Path:
    _require_id(brief_id, "brief id")
    _require_project(root)
    _require_not_settings(brief_id)
    known = sorted(path.name.split(".")[0] for path in (root / SECTIONS_DIR).glob("*.md"))
    missing = [s for s in sections if s not in known]
    if missing:
        raise UsageError([Diagnostic(Severity.ERROR, None, f"no section '{s}' (looked for {SECTIONS_DIR}/{s}.md)",
                                     did_you_mean(s, known) or f"create it first: briefgen new section {s}")
                          for s in missing])
    if not sections and not known:  # a brief with no section is an error: there is nothing to list yet
        raise UsageError.at(None, f"the project has no section for the brief to list (no {SECTIONS_DIR}/*.md)",
                            "create one first with: briefgen new section ID")
    path = root / BRIEFS_DIR / f"{brief_id}.yaml"
    if sections:
        listed = "\n".join(f"  - {s}" for s in sections)
    else:  # the first section, so that the brief builds as it is; the others to pick from
        listed = f"  - {known[0]}" + "".join(f"\n  # - {other}" for other in known[1:])
    text = _fill("brief.yaml.tmpl", brief_id=brief_id, title=_yaml_text(title or _title_from(brief_id)),
                 today=today.isoformat(), summary=_NEW_BRIEF_SUMMARY, sections=listed, audiences=_ALL_AUDIENCES)
    return _write_new(path, _with_project_defaults(text, root))


def _with_project_defaults(text: str, root: Path) -> str:
    """The new manifest's comments name what the project settings give a brief that leaves a key out."""
    settings = load_settings(root.resolve(), Diagnostics())  # its problems are for 'check' to report
    if settings.organization:
        text = text.replace("# organization: Your organization",
                            f"# organization: Your organization   # default from {SETTINGS_FILE}: "
                            f"{settings.organization}", 1)
    if settings.audiences is not None:
        text = text.replace("(default: every audience)", f"(default from {SETTINGS_FILE}: "
                            f"{', '.join(settings.audiences)})", 1)
    if settings.url:
        text = text.replace("# authors: [Your Name]", "# authors: [Your Name]\n# url: https://...   # default from "
                            f"{SETTINGS_FILE}: {settings.url}", 1)
    return text


def _require_not_settings(brief_id: str) -> None:
    if f"{brief_id}.yaml" == SETTINGS_NAME:
        raise UsageError.at(None, f"'{brief_id}' cannot be a brief id: {SETTINGS_FILE} holds the project settings",
                            "choose another id")


def new_section(root: Path, section_id: str, title: str = "") -> Path:
    _require_id(section_id, "section id")
    _require_project(root)
    path = root / SECTIONS_DIR / f"{section_id}.md"
    return _write_new(path, _section_text(section_id, title, _NEW_SECTION_BODY))


def new_audience(root: Path, audience_id: str, label: str = "") -> Path:
    _require_id(audience_id, "audience id")
    _require_project(root)
    return _write_new(root / AUDIENCES_DIR / f"{audience_id}.yaml", _audience_text(audience_id, label))


def init_project(directory: Path, today: dt.date, brief_id: str = STARTER_BRIEF) -> list[Path]:
    """A new project: one brief, one section, one audience profile, an empty bibliography, and a
    commented settings file (``briefs/project.yaml``)."""
    _require_id(brief_id, "brief id")
    _require_not_settings(brief_id)
    files = {
        directory / BIBLIOGRAPHY: _fill("references.bib.tmpl"),
        directory / SETTINGS_FILE: _fill("project.yaml.tmpl", audience=STARTER_AUDIENCE),
        directory / BRIEFS_DIR / f"{brief_id}.yaml": _fill(
            "brief.yaml.tmpl", brief_id=brief_id, title=_yaml_text(_title_from(brief_id)), today=today.isoformat(),
            summary=_STARTER_SUMMARY, sections=f"  - {STARTER_SECTION}", audiences=_STARTER_AUDIENCES),
        directory / SECTIONS_DIR / f"{STARTER_SECTION}.md": _section_text(STARTER_SECTION, "", _STARTER_SECTION_BODY),
        directory / AUDIENCES_DIR / f"{STARTER_AUDIENCE}.yaml": _audience_text(
            STARTER_AUDIENCE, "General public", "Residents with no special background: plain words, the bottom line first.",
            reading_grade=8, max_pages=4),
    }
    ignore = directory / ".gitignore"
    if not ignore.is_file():  # a .gitignore of the author's own is kept as it is
        files[ignore] = _fill("gitignore.tmpl")
    problems = _init_obstacles(directory, list(files))
    if problems:  # everything is checked before anything is written
        raise BriefgenError(problems)
    created_folders = [folder for folder in _folders_to_create(directory, list(files))]
    written: list[Path] = []
    try:
        for path, text in files.items():
            written.append(_write_new(path, text))
    except BriefgenError:  # the disk filled up, say: take back what was written, so nothing is half made
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for folder in reversed(created_folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return written


def _init_obstacles(directory: Path, targets: list[Path]) -> list[Diagnostic]:
    """Why ``init`` cannot write its files: each file or link in the way, each with its reason."""
    def problem(path: Path, message: str, hint: str) -> Diagnostic:
        return Diagnostic(Severity.ERROR, SourceLocation(path), message, hint)

    for folder in (*reversed(directory.parents), directory):
        if folder.exists() and not folder.is_dir():
            return [problem(folder, "is a file, not a folder; init needs a folder for the project",
                            "choose another place for the project folder")]
    problems: dict[Path, Diagnostic] = {}
    for target in targets:
        relative = target.relative_to(directory)
        for depth in range(1, len(relative.parts)):  # the folders between the project folder and the file
            folder = directory.joinpath(*relative.parts[:depth])
            if folder in problems:
                break
            if folder.is_symlink():
                problems[folder] = problem(folder, "is a link; init writes only into real folders of the project",
                                           "remove the link, or choose an empty folder")
                break
            if folder.exists() and not folder.is_dir():
                problems[folder] = problem(folder, f"is a file where init needs the folder '{relative.parts[depth - 1]}/'",
                                           "rename or remove that file, or choose an empty folder")
                break
        else:
            if target.is_symlink() and not target.exists():
                problems[target] = problem(target, "is a link to a file that does not exist; init would write through it",
                                           "remove the link, or choose an empty folder")
            elif target.is_symlink() or target.exists():
                problems[target] = problem(target, "already exists; init never overwrites a file",
                                           "choose an empty folder, or add to this project with briefgen new")
    return list(problems.values())


def _folders_to_create(directory: Path, targets: list[Path]) -> list[Path]:
    """The folders ``init`` makes, outermost first (the project folder too, when it is new)."""
    folders = [parent for target in targets for parent in reversed(target.relative_to(directory).parents)]
    made = [directory.joinpath(folder) for folder in dict.fromkeys(folders)]
    missing_above = [parent for parent in reversed(directory.parents) if not parent.exists()]
    return [*missing_above, *(folder for folder in made if not folder.exists())]


def _section_text(section_id: str, title: str, body: str) -> str:
    return _fill("section.md.tmpl", section_id=section_id, title=_yaml_text(title or _title_from(section_id)), body=body)


def _audience_text(audience_id: str, label: str, description: str = "", reading_grade: int = 10,
                   max_pages: int = 6) -> str:
    builtin = {path.stem: path for path in builtin_audience_paths()}
    if audience_id in builtin:
        lines = builtin[audience_id].read_text(encoding="utf-8").splitlines()
        keys = [f"# {line}" for line in lines if line.strip() and not line.startswith("#") and not line.startswith("label:")]
        builtin_label = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("label:")), audience_id)
        return _fill("audience-override.yaml.tmpl", audience_id=audience_id,
                     label=_yaml_text(label) if label else builtin_label, builtin_keys="\n".join(keys))
    return _fill("audience.yaml.tmpl", audience_id=audience_id, label=_yaml_text(label or _title_from(audience_id)),
                 description=_yaml_text(description or "Who reads this edition, and what they need from it."),
                 reading_grade=str(reading_grade), max_pages=str(max_pages))


def _require_id(value: str, what: str) -> None:
    if not is_valid_id(value):
        raise UsageError.at(None, f"'{value}' is not a valid {what}",
                            "use lower-case letters, digits and '-', starting with a letter or digit (it becomes a file name)")


def _require_project(root: Path) -> None:
    if not (root / BRIEFS_DIR).is_dir():
        raise UsageError.at(SourceLocation(root.resolve()), "this folder is not a brief project (no 'briefs/' folder)",
                            "start one with briefgen init DIR, or pass -C/--project DIR")


def _write_new(path: Path, text: str) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise BriefgenError.at(SourceLocation(path), "already exists; briefgen never overwrites it",
                               "choose another id, or delete the file first") from None
    except OSError as error:
        raise BriefgenError.at(SourceLocation(path), f"cannot create this file ({error.strerror})",
                               "check the folder's permissions, or choose another folder") from None
    return path


def _fill(template: str, **values: str) -> str:
    text = (resources.files("briefgen") / "starter" / template).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def _title_from(identifier: str) -> str:
    words = identifier.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _yaml_text(value: str) -> str:
    """A YAML scalar for ``value``: plain when that is safe, double-quoted (JSON syntax) otherwise."""
    plain_safe = value and value.strip() == value and not any(c in value for c in ":#{}[],&*!|>'\"%@`\n") \
        and value[0] not in "-?" and value.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "~")
    if plain_safe and not value.replace(".", "").replace("-", "").isdigit():
        return value
    return json.dumps(value, ensure_ascii=False)
