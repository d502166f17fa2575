"""The operation around the people: organisations that submit lists, programs, flights and
their manifests."""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from dataclasses import dataclass, field

from refuge.domain.errors import InvalidInput
from refuge.domain.people import country_code

__all__ = [
    "Flight",
    "ManifestEntry",
    "ManifestStatus",
    "Organisation",
    "OrganisationKind",
    "Program",
]

# Matched with fullmatch: `$` alone lets a trailing newline through.
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_AIRPORT = re.compile(r"[A-Z]{3,4}")  # IATA (3) or ICAO (4)


def _code(value: str, what: str) -> str:
    if not _CODE.fullmatch(value):
        raise InvalidInput(
            f"{what} code must be lower-case letters, digits, - or _ (got a bad one)"
        )
    return value


class OrganisationKind(enum.StrEnum):
    NGO = "ngo"
    EMPLOYER = "employer"
    PARTNER_NATION = "partner_nation"
    GOVERNMENT = "government"
    ADVOCACY = "advocacy"


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    kind: OrganisationKind

    def __post_init__(self) -> None:
        _code(self.code, "organisation")


@dataclass(frozen=True, slots=True)
class Program:
    """A path out: who it is for is eligibility's business; here, what identifies it."""

    code: str
    name: str
    precedence: int  # order of evacuation precedence of its category; lower goes first
    quota: int | None = None
    version: str = "1"

    def __post_init__(self) -> None:
        _code(self.code, "program")
        if self.quota is not None and self.quota < 0:
            raise InvalidInput(f"program {self.code}: quota cannot be negative")


@dataclass(frozen=True, slots=True)
class Flight:
    code: str
    aircraft: str
    seats: int
    origin: str
    destination: str
    departs_earliest: dt.datetime
    departs_latest: dt.datetime
    surge_seats: int = 0  # extra seats the operator allows in an emergency
    operator_state: str | None = None  # alpha-3 of a partner nation flying its own aircraft
    programs: frozenset[str] = frozenset()  # empty: any program
    nationalities: frozenset[str] = frozenset()  # empty: any nationality
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.seats <= 0 or self.surge_seats < 0:
            raise InvalidInput(f"flight {self.code}: seats must be positive")
        for airport in (self.origin, self.destination):
            if not _AIRPORT.fullmatch(airport):
                raise InvalidInput(f"flight {self.code}: airports are IATA or ICAO codes")
        if self.origin == self.destination:
            raise InvalidInput(f"flight {self.code}: origin and destination are the same airport")
        if self.departs_earliest.tzinfo is None or self.departs_latest.tzinfo is None:
            raise InvalidInput(f"flight {self.code}: departure window must carry a time zone")
        if self.departs_latest < self.departs_earliest:
            raise InvalidInput(f"flight {self.code}: departure window ends before it starts")
        if self.operator_state is not None:
            country_code(self.operator_state)
        for code in self.nationalities:
            country_code(code)

    @property
    def capacity(self) -> int:
        return self.seats + self.surge_seats

    def may_carry(self, program: str, nationalities: tuple[str, ...]) -> bool:
        if self.programs and program not in self.programs:
            return False
        return not self.nationalities or any(n in self.nationalities for n in nationalities)


class ManifestStatus(enum.StrEnum):
    MANIFESTED = "manifested"
    STANDBY = "standby"
    CHECKED_IN = "checked_in"
    BOARDED = "boarded"
    NO_SHOW = "no_show"
    OFFLOADED = "offloaded"


@dataclass(slots=True)
class ManifestEntry:
    """One person on one flight. Households are manifested whole, each member one entry."""

    flight_id: uuid.UUID
    case_id: uuid.UUID
    household_id: uuid.UUID
    person_id: uuid.UUID
    status: ManifestStatus = ManifestStatus.MANIFESTED
    standby_rank: int | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
