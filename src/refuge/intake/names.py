"""Names as lists give them: given and family names, or a full name to split, and the father's
name, kept as written and romanised when written in Perso-Arabic script."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from refuge.domain.errors import InvalidInput
from refuge.domain.frozen import quick_init
from refuge.domain.people import PersonName, Script, script_of
from refuge.intake.normalised import Normalised, clean_text
from refuge.matching import romanise

__all__ = ["NameOrder", "WrittenName", "parse_name", "parse_written_name"]

_MAX: Final = 100
_DIGIT: Final = re.compile(r"\d")
# "Ahmad s/o Karim", "Maryam d/o Karim", "احمد ولد کریم", "مریم بنت کریم": the father's name is
# written into the person's name.
_PATRONYMIC: Final = re.compile(
    r"\s+(?:s/o|d/o|son of|daughter of|ولد|بنت|فرزند|زوی د|لور د)\s+", re.IGNORECASE
)


class NameOrder(enum.StrEnum):
    """How a list writes a full name in one column."""

    GIVEN_FIRST = "given_first"
    FAMILY_FIRST = "family_first"  # "Фамилия Имя", "KARIMI Ahmad"


@quick_init
@dataclass(frozen=True, slots=True)
class WrittenName:
    """One name as written, and in Latin letters (the same text when written in them)."""

    written: str
    romanised: str


@lru_cache(maxsize=65536)  # lists repeat the same names many times over
def _romanised(text: str) -> str:
    script = script_of(text)
    if script is Script.ARABIC:
        return romanise(text)
    # Latin is its own romanisation; for other scripts Refuge has none, and says so.
    return text if script is Script.LATIN else ""


def _clean(value: object, what: str) -> str:
    if value is None:
        return ""
    text = clean_text(str(value))
    if len(text) > _MAX:
        raise InvalidInput(f"{what} longer than {_MAX} characters")
    return text


def parse_written_name(value: object, *, what: str = "name") -> Normalised[WrittenName | None]:
    """A single name (a father's name, say): empty gives None."""
    text = _clean(value, what)
    if not text:
        return Normalised(None)
    warnings = (f"{what} contains digits",) if _DIGIT.search(text) else ()
    return Normalised(WrittenName(text, _romanised(text)), warnings)


def parse_name(
    given: object = None,
    family: object = None,
    full: object = None,
    *,
    order: NameOrder = NameOrder.GIVEN_FIRST,
) -> Normalised[tuple[PersonName, WrittenName | None]]:
    """A person's name and, when the full name carries it ("X s/o Y"), the father's name.

    Given and family name columns win over a full name. A full name is split at its last word
    (its first, when `order` says the list writes family names first), at a comma written
    family name first ("Karimi, Ahmad"), or after a family name in capitals ("KARIMI Ahmad").
    """
    given_text = _clean(given, "given name")
    family_text = _clean(family, "family name")
    full_text = _clean(full, "full name")
    warnings: list[str] = []
    father: WrittenName | None = None
    if not (given_text or family_text):
        if not full_text:
            raise InvalidInput("no name: given, family and full name are all empty")
        parts = _PATRONYMIC.split(full_text, maxsplit=1)
        if len(parts) == 2 and parts[0] and parts[1]:
            full_text = parts[0]
            father = WrittenName(parts[1], _romanised(parts[1]))
            warnings.append("father's name taken from the full name")
        given_text, family_text = _split(full_text, order, warnings)
    if _DIGIT.search(given_text + family_text):
        warnings.append("name contains digits")
    script = script_of(given_text + family_text)
    if script is Script.OTHER and (given_text + family_text).strip():
        warnings.append("name in a script Refuge does not romanise")
    name = PersonName(
        given_text,
        family_text,
        script,
        _romanised(given_text) if given_text else "",
        _romanised(family_text) if family_text else "",
    )
    return Normalised((name, father), tuple(warnings))


def _split(full: str, order: NameOrder, warnings: list[str]) -> tuple[str, str]:
    if "," in full or "،" in full:
        family, _, given = full.replace("،", ",").partition(",")
        warnings.append("full name read as family name, comma, given name")
        return clean_text(given), clean_text(family)
    words = full.split(" ")
    if len(words) == 1:
        warnings.append("one-word name read as a given name")
        return full, ""
    capitals = 0
    while capitals < len(words) and _is_capitals(words[capitals]):
        capitals += 1
    if 0 < capitals < len(words):
        warnings.append("full name read as family name in capitals, then given name")
        return " ".join(words[capitals:]), " ".join(words[:capitals])
    if order is NameOrder.FAMILY_FIRST:
        warnings.append("full name split after its first word into family and given name")
        return " ".join(words[1:]), words[0]
    warnings.append("full name split at its last word into given and family name")
    return " ".join(words[:-1]), words[-1]


def _is_capitals(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) > 1 and all(char.isupper() for char in letters)
