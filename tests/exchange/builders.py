"""Synthetic flights and passengers for the exchange tests."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from tests.gate.building import ORGANISATION, PROGRAM, build, family

from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Flight,
    Household,
    ManifestEntry,
    PartialDate,
    PersonName,
    Relationship,
    Sex,
)
from refuge.exchange import ManifestPassenger, paxlst
from refuge.store import SqlUnitOfWork

UTC = dt.UTC
NOW = dt.datetime(2021, 8, 20, 9, 30, tzinfo=UTC)
TODAY = NOW.date()


def flight(code: str = "RCH871") -> Flight:
    return Flight(
        code=code,
        aircraft="C-17",
        seats=300,
        origin="KBL",
        destination="DOH",
        departs_earliest=dt.datetime(2021, 8, 20, 14, 30, tzinfo=UTC),
        departs_latest=dt.datetime(2021, 8, 20, 18, 0, tzinfo=UTC),
    )


def passenger(
    given: str = "Zahra",
    family: str = "Ahmadi",
    *,
    household: uuid.UUID | None = None,
    sex: Sex = Sex.FEMALE,
    born: PartialDate | None = None,
    nationality: str | None = "AFG",
    document: Document | None = None,
    no_document: bool = False,
    relationship: Relationship | None = Relationship.PRINCIPAL,
) -> ManifestPassenger:
    return ManifestPassenger(
        entry_id=uuid.uuid4(),
        household_id=household or uuid.uuid4(),
        given_names=given,
        family_name=family,
        sex=sex,
        date_of_birth=born if born is not None else PartialDate(1988, 4, 12),
        nationality=nationality,
        document=None
        if no_document
        else document or Document(DocumentKind.PASSPORT, "P04471122", "AFG", dt.date(2027, 5, 1)),
        relationship=relationship,
    )


def send(flight_: Flight, passengers: list[ManifestPassenger], **extra: Any) -> str:
    """The PAXLST message for `passengers`, with the envelope the tests share."""
    envelope: dict[str, Any] = {
        "sender": "REFUGE OPS",
        "recipient": "DOHAPI",
        "message_ref": "RFG000117",
        "now": NOW,
    }
    return paxlst(flight_, passengers, **(envelope | extra))


def lettered_flight(
    uow_factory: Callable[[], SqlUnitOfWork], households: int
) -> dict[str, Household]:
    """Flight RCH101 with `households` manifested couples whose names border systems can carry
    (the gate builder numbers its family names)."""
    built = build(uow_factory, {"RCH101": 0})
    flight = built.flights["RCH101"]
    made: dict[str, Household] = {}
    with uow_factory() as uow:
        for letter in "ABCDEFGH"[:households]:
            household = family()
            for member in household.members:
                name = member.person.name
                member.person.name = PersonName(name.given, f"Qaderyar-{letter}")
            uow.households.add(household)
            case = Case(uow.cases.next_number(), household.id, PROGRAM.code, ORGANISATION.code)
            uow.cases.add(case)
            uow.manifests.add_many(
                ManifestEntry(flight.id, case.id, household.id, m.person.id)
                for m in household.members
            )
            made[case.number] = household
        uow.commit()
    return made
