"""Reading and checking the matching rule files shipped in `refuge/matching/rules/`: their
shape is declared here, so a malformed file fails at load with the file and the entry named."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from refuge.domain import InvalidConfiguration

__all__ = [
    "AbdulCompound",
    "Affix",
    "Example",
    "NameRules",
    "RomanisationRules",
    "SpellingRule",
    "Title",
    "Variant",
    "name_rules",
    "parse_name_rules",
    "read_rule_file",
    "romanisation_rules",
]

Example = tuple[str, str]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    same: tuple[Example, ...] = ()
    different: tuple[Example, ...] = ()


class Title(_Rule):
    title: str
    spellings: tuple[str, ...] = Field(min_length=1)
    where: Literal["leading", "anywhere", "trailing"]
    keep_unless_followed_by: int = Field(default=0, ge=0)


class Variant(_Rule):
    name: str
    key: str = ""
    spellings: tuple[str, ...] = Field(min_length=1)


class SpellingRule(_Rule):
    rule: str
    pattern: str
    replace: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return value


class Affix(_Rule):
    canonical: str
    spellings: tuple[str, ...] = Field(min_length=1)
    inside: bool = False


class AbdulCompound(_Rule):
    prefixes: tuple[str, ...] = Field(min_length=1)
    articles: tuple[str, ...] = ()
    not_compounds: tuple[str, ...] = ()


class _Compounds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    abdul: AbdulCompound
    suffixes: tuple[Affix, ...] = ()
    prefixes: tuple[Affix, ...] = ()


class NameRules(BaseModel):
    """The contents of rules/names.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    titles: tuple[Title, ...]
    variants: tuple[Variant, ...]
    derived_suffixes: dict[str, str]
    different_name_endings: tuple[str, ...]
    derived_name_score: float = Field(ge=0.0, le=1.0)
    compounds: _Compounds
    spelling: tuple[SpellingRule, ...]


class RomanisationRules(BaseModel):
    """The contents of rules/lexicon.yaml and rules/letters.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: dict[str, str]
    consonants: dict[str, str]
    symbols: dict[str, str]

    @field_validator("words", "consonants", "symbols")
    @classmethod
    def _ascii_values(cls, table: dict[str, str]) -> dict[str, str]:
        for key, value in table.items():
            if not value.isascii():
                raise ValueError(f"the romanisation of entry {key!r} is not ASCII")
        return table

    @field_validator("consonants", "symbols")
    @classmethod
    def _single_characters(cls, table: dict[str, str]) -> dict[str, str]:
        for key in table:
            if len(key) != 1:
                raise ValueError(f"entry {key!r} must be a single character")
        return table


def read_rule_file(name: str) -> dict[str, Any]:
    """The mapping held by rules/`name`."""
    path = f"rules/{name}"
    try:
        text = resources.files("refuge.matching").joinpath(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidConfiguration(f"matching rule file {path} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidConfiguration(f"matching rule file {path} must hold a mapping")
    return data


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    )


def parse_name_rules(data: dict[str, Any], source: str = "rules/names.yaml") -> NameRules:
    """Name rules from the mapping a rule file holds; `source` names the file in errors."""
    try:
        return NameRules.model_validate(data)
    except ValidationError as exc:
        raise InvalidConfiguration(
            f"matching rule file {source} is wrong: {_problems(exc)}"
        ) from exc


@cache
def name_rules() -> NameRules:
    """rules/names.yaml, checked."""
    return parse_name_rules(read_rule_file("names.yaml"))


@cache
def romanisation_rules() -> RomanisationRules:
    """rules/lexicon.yaml and rules/letters.yaml, checked."""
    data = {**read_rule_file("lexicon.yaml"), **read_rule_file("letters.yaml")}
    try:
        return RomanisationRules.model_validate(data)
    except ValidationError as exc:
        raise InvalidConfiguration(
            f"matching rule files rules/lexicon.yaml, rules/letters.yaml are wrong: "
            f"{_problems(exc)}"
        ) from exc
