"""Countries and nationalities as lists write them ("Afghan", "USA", "افغانستان"), read into
ISO 3166-1 alpha-3 codes with pycountry and the names and demonyms in data/countries.yaml."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from typing import Final

import pycountry
import yaml

from refuge.domain.errors import InvalidConfiguration, InvalidInput
from refuge.intake.normalised import Normalised, clean_text, lookup_key

__all__ = ["country_alpha3", "parse_nationalities"]

_SEPARATORS: Final = re.compile(r"\s*(?:[/,;|+&،؛]|\band\b|\bو\b)\s*")
_DATA: Final = "countries.yaml"


@cache
def _aliases() -> dict[str, str]:
    text = (
        resources.files("refuge.intake")
        .joinpath("data")
        .joinpath(_DATA)
        .read_text(encoding="utf-8")
    )
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise InvalidConfiguration(f"data file {_DATA}: expected a mapping of codes to names")
    aliases: dict[str, str] = {}
    for code, names in loaded.items():
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            raise InvalidConfiguration(f"data file {_DATA}, key {code}: not an alpha-3 code")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise InvalidConfiguration(f"data file {_DATA}, key {code}: expected a list of names")
        aliases[lookup_key(code)] = code
        for name in names:
            aliases[lookup_key(name)] = code
    return aliases


@lru_cache(maxsize=4096)  # lists repeat a handful of nationalities over and over
def country_alpha3(text: str) -> str:
    """The alpha-3 code of one country or nationality; InvalidInput when none fits."""
    key = lookup_key(text)
    if not key:
        raise InvalidInput("empty country")
    found = _aliases().get(key)
    if found is not None:
        return found
    try:
        country = pycountry.countries.lookup(clean_text(text))
    except LookupError:
        country = None
    if country is None:
        raise InvalidInput("not a country or nationality Refuge recognises")
    return str(country.alpha_3)


def parse_nationalities(value: object) -> Normalised[tuple[str, ...]]:
    """One or several nationalities in a cell ("Afghan / German"), each as an alpha-3 code."""
    if value is None:
        return Normalised(())
    text = clean_text(str(value))
    if not text:
        return Normalised(())
    try:
        return Normalised((country_alpha3(text),))
    except InvalidInput:
        pass  # a name may contain "and" or a comma; only now split the cell
    codes: list[str] = []
    for part in _SEPARATORS.split(text):
        if part.strip():
            code = country_alpha3(part)
            if code not in codes:
                codes.append(code)
    if not codes:
        raise InvalidInput("not a country or nationality Refuge recognises")
    return Normalised(tuple(codes))
