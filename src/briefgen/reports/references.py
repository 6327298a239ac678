"""The ``refs`` report: entries of references.bib as plain text, formatted as a brief's
Sources list shows them in a given citation style and language."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.errors import Diagnostics, UsageError
from briefgen.model import Bibliography


def check_listing_options(style: str, language: str) -> None:
    """Raise :class:`UsageError` for a citation style or a label language briefgen does not have."""
    from briefgen.citations.styles import STYLES
    from briefgen.i18n import available_languages

    if style not in STYLES:
        raise UsageError.at(None, f"unknown citation style '{style}'; choose from {', '.join(STYLES)}")
    if language.split("-")[0] not in available_languages():
        raise UsageError.at(None, f"no labels for language '{language}'; "
                                  f"choose from {', '.join(available_languages())}")


def list_references(bibliography: Bibliography, keys: Sequence[str], style: str, language: str,
                    diagnostics: Diagnostics) -> list[str]:
    """One line per entry (every entry when ``keys`` is empty), in the order asked for, numbered
    as the style numbers them; warnings about entries that print badly go into ``diagnostics``.

    Raises :class:`UsageError` for a key that is not in the file, naming the closest one.
    """
    from briefgen.citations.resolve import CitationTable, check_reference
    from briefgen.citations.styles import make_style
    from briefgen.i18n import messages_for
    from briefgen.load.project import BIBLIOGRAPHY
    from briefgen.load.yaml_fields import did_you_mean

    check_listing_options(style, language)
    wanted = list(keys or bibliography.references)
    for key in wanted:
        if key not in bibliography.references:
            raise UsageError.at(None, f"no entry '{key}' in {BIBLIOGRAPHY}",
                                did_you_mean(key, list(bibliography.references)) or "check the key")
    references = tuple(bibliography.references[key] for key in wanted)
    for reference in references:
        check_reference(reference, diagnostics)
    table = CitationTable(references, {ref.id: n for n, ref in enumerate(references, start=1)},
                          {ref.id: () for ref in references})
    lines = []
    for entry in make_style(style, table, messages_for(language)).entries():  # type: ignore[arg-type]
        text = " ".join(entry.html.striptags().split())
        lines.append(f"{entry.label} {text}" if entry.label else text)
    return lines
