"""The plain input of every manifest export: one manifested person with the decrypted fields a
receiving state asks for, and the rule that turns a romanised name into the upper-case Latin that
border systems read."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from refuge.domain.dates import PartialDate
from refuge.domain.people import Document, Relationship, Sex

__all__ = ["ManifestPassenger", "border_name"]

# Latin letters that Unicode does not decompose into a base letter and marks, spelled as ICAO Doc
# 9303 Part 3 transliterates them for machine-readable zones.
_UNDECOMPOSED = str.maketrans(
    {
        "Æ": "AE",
        "æ": "AE",
        "Ø": "OE",
        "ø": "OE",
        "Œ": "OE",
        "œ": "OE",
        "Þ": "TH",
        "þ": "TH",
        "Ð": "D",
        "ð": "D",
        "Đ": "D",
        "đ": "D",
        "Ł": "L",
        "ł": "L",
        "Ħ": "H",
        "ħ": "H",
        "ı": "I",
        "ß": "SS",
        "Ŋ": "N",
        "ŋ": "N",
    }
)
# What a name in a border system may hold once upper-cased: letters, and the space, hyphen and
# apostrophe that separate their parts. The apostrophe is EDIFACT's segment terminator, which is
# why writers must release it.
_BORDER_NAME = re.compile(r"[A-Z]+(?:[ '\-]+[A-Z]+)*", re.ASCII)
_SPACES = re.compile(r"\s+")


def border_name(romanised: str) -> str | None:
    """`romanised` in upper-case Latin without diacritics, or None if it holds anything else
    (another script, digits, punctuation beyond space, hyphen and apostrophe).

    The empty string stays empty: whether a missing name is acceptable is the caller's rule.
    """
    text = _SPACES.sub(" ", romanised).strip()
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    upper = bare.upper().replace("’", "'").replace("‘", "'")
    return upper if _BORDER_NAME.fullmatch(upper) else None


@dataclass(frozen=True, slots=True)
class ManifestPassenger:
    """One manifest entry joined with its person's decrypted fields, as exports need them.

    Names are the romanised forms (`PersonName.given_romanised`, `family_romanised`); a person
    with one name only carries it as `family_name`, as machine-readable zones do. Nothing here is
    checked on construction: each export says which fields it requires and refuses an entry
    that lacks one, naming the entry and the field.
    """

    entry_id: uuid.UUID
    household_id: uuid.UUID
    given_names: str
    family_name: str
    sex: Sex = Sex.UNKNOWN
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    nationality: str | None = None  # ISO 3166-1 alpha-3
    document: Document | None = None
    relationship: Relationship | None = None  # to the household's principal applicant
