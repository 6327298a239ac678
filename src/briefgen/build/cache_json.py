"""The JSON forms of what the build cache keeps (:mod:`briefgen.build.cache`): an edition's
inputs, diagnostics and the parsed bibliography. JSON, never pickle: a cache folder is data.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from briefgen.build.inputs import EditionInputs
from briefgen.errors import Diagnostic, Severity, SourceLocation
from briefgen.model import Bibliography, DateParts, Name, Reference


def inputs_to_json(inputs: EditionInputs) -> dict[str, Any]:
    return {"files": [str(path) for path in inputs.files], "printed": [str(path) for path in inputs.printed],
            "images": [str(path) for path in inputs.text.images], "cited": list(inputs.text.cited),
            "data": [str(path) for path in inputs.text.data], "rows": [read.to_json() for read in inputs.text.rows],
            "linked": [[linked.id, str(linked.manifest), linked.title, linked.url] for linked in inputs.linked],
            "options": [list(option) for option in inputs.options]}


def diagnostic_to_json(diagnostic: Diagnostic) -> list[Any]:
    location = diagnostic.location
    return [diagnostic.severity.value, str(location.path) if location else None, location.line if location else 0,
            diagnostic.message, diagnostic.hint, diagnostic.rule]


def diagnostic_from_json(item: list[Any]) -> Diagnostic:
    severity, path, line, message, hint, rule = item
    return Diagnostic(Severity(severity), SourceLocation(Path(path), line) if path is not None else None, message, hint, rule)


_NAME_FIELDS = tuple(f.name for f in fields(Name))
_DATE_FIELDS = tuple(f.name for f in fields(DateParts))
_REFERENCE_FIELDS = tuple(f.name for f in fields(Reference))


def bibliography_to_json(bibliography: Bibliography) -> dict[str, Any]:
    def reference(ref: Reference) -> list[Any]:
        values: list[Any] = []
        for name in _REFERENCE_FIELDS:
            value = getattr(ref, name)
            if isinstance(value, SourceLocation):
                value = value.line
            elif isinstance(value, DateParts):
                value = [getattr(value, f) for f in _DATE_FIELDS]
            elif isinstance(value, tuple):
                value = [[getattr(person, f) for f in _NAME_FIELDS] for person in value]
            values.append(value)
        return values

    return {"path": str(bibliography.path.path), "fields": _REFERENCE_FIELDS,
            "references": [reference(ref) for ref in bibliography.references.values()]}


def bibliography_from_json(data: dict[str, Any]) -> Bibliography:
    if tuple(data["fields"]) != _REFERENCE_FIELDS:
        raise ValueError("the cache was written for another Reference model")
    path = Path(data["path"])
    convert = [_FROM_JSON.get(name) for name in _REFERENCE_FIELDS]
    location = _REFERENCE_FIELDS.index("location")
    references: dict[str, Reference] = {}
    for values in data["references"]:
        values = [value if how is None else how(value) for how, value in zip(convert, values, strict=True)]
        values[location] = SourceLocation(path, values[location])
        reference = Reference(*values)
        references[reference.id] = reference
    return Bibliography(SourceLocation(path), references)


def _names_from_json(value: list[list[Any]]) -> tuple[Name, ...]:
    return tuple(Name(*person) for person in value)


def _date_from_json(value: list[Any]) -> DateParts:
    return DateParts(*value)


_FROM_JSON = {"author": _names_from_json, "editor": _names_from_json, "translator": _names_from_json, "issued": _date_from_json,
              "accessed": _date_from_json}
