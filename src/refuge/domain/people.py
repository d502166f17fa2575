"""People and households as Refuge knows them: names as written and romanised, partial dates of
birth, nationalities, documents and phone numbers."""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from dataclasses import dataclass, field

from refuge.domain.dates import PartialDate
from refuge.domain.errors import InvalidInput
from refuge.domain.frozen import quick_init

__all__ = [
    "Document",
    "DocumentKind",
    "Household",
    "HouseholdMember",
    "Person",
    "PersonName",
    "Relationship",
    "Script",
    "Sex",
    "country_code",
    "e164",
    "script_of",
]

# Matched with fullmatch: `$` alone lets a trailing newline through. [0-9], not \d, which also
# takes Arabic-Indic and Persian digits that E.164 and document numbers never contain.
_ALPHA3 = re.compile(r"[A-Z]{3}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{1,20}")


class Script(enum.StrEnum):
    """The writing system a name was given in."""

    LATIN = "latin"
    ARABIC = "arabic"  # Perso-Arabic: Dari, Pashto and Arabic share it
    OTHER = "other"


class Sex(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"
    UNKNOWN = "U"


class DocumentKind(enum.StrEnum):
    PASSPORT = "passport"
    TAZKIRA = "tazkira"  # Afghan national identity document
    VISA = "visa"


class Relationship(enum.StrEnum):
    """A member's relationship to the household's principal applicant."""

    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    DEPENDANT = "dependant"


def _letters(*spans: tuple[int, int]) -> re.Pattern[str]:
    """A pattern matching one letter (str.isalpha) of the code point ranges `spans`."""
    letters = (chr(code) for start, end in spans for code in range(start, end + 1))
    return re.compile("[" + "".join(re.escape(char) for char in letters if char.isalpha()) + "]")


_ARABIC_LETTER = _letters((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFEFF))
_LATIN_LETTER = _letters((0x0000, 0x024F))


def script_of(text: str) -> Script:
    """The script most of the letters of `text` are in: Perso-Arabic letters counted against
    Latin ones (below U+0250); neither, OTHER."""
    if text.isascii():  # every name in Latin letters without accents: no need to count
        return Script.LATIN if _LATIN_LETTER.search(text) else Script.OTHER
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if arabic == 0 and latin == 0:
        return Script.OTHER
    return Script.ARABIC if arabic > latin else Script.LATIN


def country_code(value: str) -> str:
    """Check an ISO 3166-1 alpha-3 code's form (which codes exist is intake's business)."""
    if not _ALPHA3.fullmatch(value):
        raise InvalidInput("country must be an ISO 3166-1 alpha-3 code")
    return value


def e164(value: str) -> str:
    """Check a phone number is in E.164 form (+ and 7 to 15 digits)."""
    if not _E164.fullmatch(value):
        raise InvalidInput("phone number must be in E.164 form")
    return value


@quick_init
@dataclass(frozen=True, slots=True)
class PersonName:
    """A name as it was written, plus its romanised form (equal to it for Latin names)."""

    given: str
    family: str
    script: Script = Script.LATIN
    given_romanised: str = ""
    family_romanised: str = ""

    def __post_init__(self) -> None:
        if not (self.given.strip() or self.family.strip()):
            raise InvalidInput("a name needs a given or a family name")
        if self.script is Script.LATIN and script_of(self.given + self.family) is Script.ARABIC:
            # A Perso-Arabic name filed as Latin would be copied into the romanised fields and
            # compared letter by letter with Latin names: refuse it where it is made.
            raise InvalidInput("a name in Perso-Arabic script must be given with Script.ARABIC")
        if self.script is Script.LATIN:
            if not self.given_romanised:
                object.__setattr__(self, "given_romanised", self.given)
            if not self.family_romanised:
                object.__setattr__(self, "family_romanised", self.family)

    @classmethod
    def written(
        cls, given: str, family: str, *, romanised: tuple[str, str] | None = None
    ) -> PersonName:
        """A name in whatever script it was written in, its script detected."""
        script = script_of(given + family)
        given_r, family_r = romanised or ("", "")
        return cls(given, family, script, given_r, family_r)


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    number: str
    issuing_state: str
    expiry: dt.date | None = None

    def __post_init__(self) -> None:
        if not _DOCUMENT_NUMBER.fullmatch(self.number):
            raise InvalidInput("document number must be 1 to 20 capital letters and digits")
        country_code(self.issuing_state)

    def expired_on(self, day: dt.date) -> bool:
        return self.expiry is not None and self.expiry < day


@dataclass(slots=True)
class Person:
    name: PersonName
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    sex: Sex = Sex.UNKNOWN
    nationalities: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    phones: tuple[str, ...] = ()
    notes: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        for code in self.nationalities:
            country_code(code)
        for phone in self.phones:
            e164(phone)

    def document(self, kind: DocumentKind) -> Document | None:
        return next((doc for doc in self.documents if doc.kind is kind), None)


@dataclass(slots=True)
class HouseholdMember:
    person: Person
    relationship: Relationship


@dataclass(slots=True)
class Household:
    """A principal applicant and the people who travel with them. Exactly one principal."""

    members: list[HouseholdMember]
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        principals = [m for m in self.members if m.relationship is Relationship.PRINCIPAL]
        if len(principals) != 1:
            raise InvalidInput(
                f"household {self.id} must have exactly one principal applicant, "
                f"has {len(principals)}"
            )
        ids = [m.person.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise InvalidInput(f"household {self.id} lists the same person twice")

    @classmethod
    def of(cls, principal: Person, *others: tuple[Person, Relationship]) -> Household:
        members = [HouseholdMember(principal, Relationship.PRINCIPAL)]
        members += [HouseholdMember(person, rel) for person, rel in others]
        return cls(members)

    @property
    def principal(self) -> Person:
        return next(m.person for m in self.members if m.relationship is Relationship.PRINCIPAL)

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, person: Person, relationship: Relationship) -> None:
        if relationship is Relationship.PRINCIPAL:
            raise InvalidInput(f"household {self.id} has a principal applicant already")
        if any(m.person.id == person.id for m in self.members):
            raise InvalidInput(f"household {self.id} lists the same person twice")
        self.members.append(HouseholdMember(person, relationship))
