"""Message catalogues: the labels briefgen prints, one YAML file per language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from briefgen.model import DateParts

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Messages:
    language: str
    labels: dict[str, str]
    months: tuple[str, ...]

    def __getitem__(self, key: str) -> str:
        return self.labels[key]

    def format(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values)

    def date(self, value: dt.date) -> str:
        return self.labels["date_format"].format(day=value.day, month=self.months[value.month - 1], year=value.year)

    def date_parts(self, value: DateParts) -> str:
        if value.literal:
            return value.literal
        if value.year is None:
            return ""
        if value.month and value.day:
            return self.date(dt.date(value.year, value.month, value.day))
        if value.month:
            return self.labels["month_year_format"].format(month=self.months[value.month - 1], year=value.year)
        return str(value.year)


def available_languages() -> tuple[str, ...]:
    folder = resources.files("briefgen") / "i18n"
    return tuple(sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".yaml")))


@lru_cache(maxsize=8)
def messages_for(language: str) -> Messages:
    """The catalogue for a BCP-47 tag (``es-MX`` uses ``es``), English when there is none."""
    base = language.split("-")[0].lower()
    if base not in available_languages():
        base = DEFAULT_LANGUAGE
    text = (resources.files("briefgen") / "i18n" / f"{base}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    months = tuple(data.pop("months"))
    return Messages(language=base, labels={key: str(value) for key, value in data.items()}, months=months)
