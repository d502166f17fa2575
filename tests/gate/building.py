"""A stored operation for the gate tests and benchmark: flights with manifested households.
All people are made up."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Flight,
    Household,
    ManifestEntry,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
    Stage,
)
from refuge.gate import check_digit, generate_pass_key
from refuge.store import SqlUnitOfWork

NOW = dt.datetime(2021, 8, 25, 6, 0, tzinfo=dt.UTC)
ORGANISATION = Organisation("aid-kabul", "Aid Kabul", OrganisationKind.NGO)
PROGRAM = Program("siv", "Special Immigrant Visa", precedence=1, quota=5000)
_serial = itertools.count(1)


def flight(code: str, *, now: dt.datetime = NOW) -> Flight:
    return Flight(
        code=code,
        aircraft="C-17",
        seats=300,
        origin="KBL",
        destination="DOH",
        departs_earliest=now + dt.timedelta(hours=4),
        departs_latest=now + dt.timedelta(hours=8),
    )


def family() -> Household:
    number = next(_serial)
    principal = Person(
        PersonName("Wahid", f"Qaderyar{number}"),
        PartialDate(1984, 3, 21),
        Sex.MALE,
        ("AFG",),
        (Document(DocumentKind.PASSPORT, f"PQ{number:07d}", "AFG", dt.date(2030, 5, 1)),),
    )
    spouse = Person(
        PersonName("Farkhunda", f"Qaderyar{number}"),
        PartialDate(1988, 11),
        Sex.FEMALE,
        ("AFG",),
        (Document(DocumentKind.PASSPORT, f"PR{number:07d}", "AFG", dt.date(2030, 5, 1)),),
    )
    return Household.of(principal, (spouse, Relationship.SPOUSE))


def td3(number: str, *, family_name: str = "QADERYAR", born: str = "840321", sex: str = "M") -> str:
    """A passport zone (TD3) for a document number, with every check digit right."""
    line1 = f"P<AFG{family_name}<<WAHID".ljust(44, "<")
    doc = number.ljust(9, "<")
    expiry = "300501"
    optional = "<" * 14
    parts = [
        doc + check_digit(doc),
        "AFG",
        born + check_digit(born),
        sex,
        expiry + check_digit(expiry),
        optional + check_digit(optional),
    ]
    composite = parts[0] + parts[2] + parts[4] + parts[5]
    line2 = "".join(parts) + check_digit(composite)
    return line1 + "\n" + line2


@dataclass
class Boarding:
    """A built operation: flights by code, each manifested case's number and household."""

    uow: Callable[[], SqlUnitOfWork]
    key: Ed25519PrivateKey
    flights: dict[str, Flight]
    households: dict[str, Household]  # case number -> household
    flight_of: dict[str, str]  # case number -> flight code


def build(
    uow_factory: Callable[[], SqlUnitOfWork], per_flight: dict[str, int], *, now: dt.datetime = NOW
) -> Boarding:
    flights = {code: flight(code, now=now) for code in per_flight}
    households: dict[str, Household] = {}
    flight_of: dict[str, str] = {}
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        for code, count in per_flight.items():
            uow.flights.add(flights[code])
            for _ in range(count):
                household = family()
                uow.households.add(household)
                case = Case(uow.cases.next_number(), household.id, PROGRAM.code, ORGANISATION.code)
                for stage in (
                    Stage.REGISTERED,
                    Stage.ELIGIBLE,
                    Stage.VETTING_CLEARED,
                    Stage.APPROVED,
                    Stage.MANIFESTED,
                ):
                    case.move_to(stage, actor="coordinator-1", at=now)
                uow.cases.add(case)
                uow.manifests.add_many(
                    ManifestEntry(flights[code].id, case.id, household.id, m.person.id)
                    for m in household.members
                )
                households[case.number] = household
                flight_of[case.number] = code
        uow.commit()
    return Boarding(uow_factory, generate_pass_key(), flights, households, flight_of)
