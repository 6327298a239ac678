"""Shell completion: the values a command's arguments and options can take, read from the
project's file names (nothing is parsed, so a tab press stays instant)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import typer


def _project_root(ctx: typer.Context) -> Path:
    return Path(ctx.params.get("project") or ".")


def complete_briefs(ctx: typer.Context, incomplete: str) -> list[str]:
    """The brief ids of the project (file names)."""
    return sorted(path.stem for path in (_project_root(ctx) / "briefs").glob("*.yaml") if path.stem.startswith(incomplete))


def complete_audiences(ctx: typer.Context, incomplete: str) -> list[str]:
    from briefgen.load.audiences import builtin_audience_paths

    ids = ({path.stem for path in builtin_audience_paths()}
           | {path.stem for path in (_project_root(ctx) / "briefs/audiences").glob("*.yaml")})
    return sorted(i for i in ids | {"all"} if i.startswith(incomplete))


def choices(*values: str) -> Callable[[str], list[str]]:
    """Completion from a fixed list of values."""
    return lambda incomplete: [value for value in values if value.startswith(incomplete)]


def complete_build_formats(incomplete: str) -> list[str]:
    from briefgen.model import OUTPUT_FORMATS

    return [name for name in OUTPUT_FORMATS if name.startswith(incomplete)]


def complete_citation_styles(incomplete: str) -> list[str]:
    from briefgen.model import CITATION_STYLES

    return [name for name in CITATION_STYLES if name.startswith(incomplete)]


def complete_pdf_variants(incomplete: str) -> list[str]:
    from briefgen.model import PDF_VARIANTS

    return [name for name in PDF_VARIANTS if name.startswith(incomplete)]


def complete_keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """The entry keys of references.bib (a quick scan of the entry heads)."""
    try:
        text = (_project_root(ctx) / "references.bib").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    keys = re.findall(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]\s*([^,\s{}()]+)\s*,", text,
                      re.IGNORECASE | re.MULTILINE)
    return sorted({key for key in keys if key.startswith(incomplete)})


def complete_rules(incomplete: str) -> list[str]:
    from briefgen.check.rules import RULES

    ids = {rule.id for rule in RULES} | {rule.id.split("/")[0] for rule in RULES if "/" in rule.id}
    return sorted(i for i in ids if i.startswith(incomplete))
