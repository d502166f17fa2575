"""Sex and relationship to the principal applicant, from the words lists use for them in English,
Dari and Pashto (data/values.yaml) plus any an organisation's profile adds."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Final

import yaml

from refuge.domain.errors import InvalidConfiguration, InvalidInput
from refuge.domain.people import Relationship, Sex
from refuge.intake.normalised import Normalised, clean_text, lookup_key

__all__ = ["parse_relationship", "parse_sex"]

_DATA: Final = "values.yaml"


@cache
def _vocabulary(kind: str) -> dict[str, str]:
    text = resources.files("refuge.intake").joinpath("data").joinpath(_DATA).read_text("utf-8")
    loaded = yaml.safe_load(text)
    section = loaded.get(kind) if isinstance(loaded, dict) else None
    if not isinstance(section, dict):
        raise InvalidConfiguration(f"data file {_DATA}, key {kind}: expected a mapping")
    words: dict[str, str] = {}
    for value, synonyms in section.items():
        if not isinstance(synonyms, list):
            raise InvalidConfiguration(f"data file {_DATA}, key {kind}.{value}: expected a list")
        words[lookup_key(str(value))] = str(value)
        for synonym in synonyms:
            words[lookup_key(str(synonym))] = str(value)
    return words


def _lookup(kind: str, value: object, extra: Mapping[str, str]) -> str | None:
    if value is None:
        return None
    text = clean_text(str(value))
    if not text:
        return None
    key = lookup_key(text)
    found = extra.get(key) or _vocabulary(kind).get(key)
    if found is None:
        raise InvalidInput(f"{kind} not recognised")
    return found


def parse_sex(value: object, *, extra: Mapping[str, str] | None = None) -> Normalised[Sex]:
    """Empty is unknown; a word no vocabulary knows is an error, not a guess.

    `extra` holds a profile's own words, keyed by their `lookup_key`.
    """
    found = _lookup("sex", value, extra or {})
    return Normalised(Sex(found) if found else Sex.UNKNOWN)


def parse_relationship(
    value: object, *, extra: Mapping[str, str] | None = None
) -> Normalised[Relationship | None]:
    found = _lookup("relationship", value, extra or {})
    return Normalised(Relationship(found) if found else None)
