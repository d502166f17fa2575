"""Exchange use cases over storage: a stored flight's manifest as PAXLST, CSV or XLSX, and the
aggregated statistics of arrivals. Each export that carries personal data out of Refuge is
audited (who, which flight, how many people); the statistics carry none.

The pure writers in this package do the formatting; here the manifest is read and decrypted
through the ports below, which `refuge.store` implements.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.cases.ports import AuditLog, FlightRepository, HouseholdRepository, Transaction
from refuge.domain import Flight, ManifestEntry, ManifestStatus, Person, Relationship
from refuge.domain.people import DocumentKind
from refuge.exchange.manifests import manifest_csv, manifest_xlsx
from refuge.exchange.passengers import ManifestPassenger
from refuge.exchange.paxlst import paxlst
from refuge.exchange.statistics import DEFAULT_THRESHOLD, Dimension, Movement, statistics_hxl

__all__ = [
    "ExchangeUnitOfWork",
    "ManifestFormat",
    "MovementSource",
    "StatisticsExport",
    "export_manifest",
    "export_paxlst",
    "export_statistics",
    "flight_passengers",
]

_TRAVELLING = frozenset(
    {ManifestStatus.MANIFESTED, ManifestStatus.CHECKED_IN, ManifestStatus.BOARDED}
)


class ManifestFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class MovementSource(Protocol):
    def movements(self) -> list[Movement]:
        """Every arrival at a site as (day, program, nationality, site); nothing personal."""


class ManifestSource(Protocol):
    def for_flight(self, flight_id: uuid.UUID) -> list[ManifestEntry]: ...


class ExchangeUnitOfWork(Transaction, Protocol):
    @property
    def flights(self) -> FlightRepository: ...
    @property
    def households(self) -> HouseholdRepository: ...
    @property
    def manifests(self) -> ManifestSource: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def arrivals(self) -> MovementSource: ...


def flight_passengers(
    uow: ExchangeUnitOfWork, flight_code: str, *, boarded_only: bool = False
) -> tuple[Flight, list[ManifestPassenger]]:
    """The flight and its passengers decrypted: everyone manifested, checked in or boarded (or
    only those boarded), households together in manifest order. Inside an open unit of work."""
    flight = uow.flights.get(flight_code)
    wanted = {ManifestStatus.BOARDED} if boarded_only else _TRAVELLING
    entries = [e for e in uow.manifests.for_flight(flight.id) if e.status in wanted]
    households = {h: uow.households.get(h) for h in dict.fromkeys(e.household_id for e in entries)}
    passengers: list[ManifestPassenger] = []
    for entry in entries:
        member = next(
            m for m in households[entry.household_id].members if m.person.id == entry.person_id
        )
        passengers.append(_passenger(entry, member.person, member.relationship))
    return flight, passengers


def _passenger(
    entry: ManifestEntry, person: Person, relationship: Relationship
) -> ManifestPassenger:
    name = person.name
    passports = [d for d in person.documents if d.kind is DocumentKind.PASSPORT]
    documents = passports or list(person.documents)
    document = documents[0] if documents else None
    return ManifestPassenger(
        entry_id=entry.id,
        household_id=entry.household_id,
        given_names=name.given_romanised or name.given,
        family_name=name.family_romanised or name.family,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        nationality=person.nationalities[0] if person.nationalities else None,
        document=document,
        relationship=relationship,
    )


def export_paxlst(
    uow: ExchangeUnitOfWork,
    flight_code: str,
    *,
    sender: str,
    recipient: str,
    actor: str,
    now: dt.datetime,
    carrier: str | None = None,
    boarded_only: bool = False,
) -> tuple[str, int]:
    """The PAXLST interchange of a stored flight, and how many passengers it lists. Raises
    ManifestIncomplete naming each entry and field a passenger lacks."""
    with uow:
        flight, passengers = flight_passengers(uow, flight_code, boarded_only=boarded_only)
        reference = "R" + now.astimezone(dt.UTC).strftime("%y%m%d%H%M%S")
        text = paxlst(
            flight,
            passengers,
            sender=sender,
            recipient=recipient,
            message_ref=reference,
            now=now,
            carrier=carrier,
        )
        _audit(uow, "exchange.paxlst", flight, actor, now, len(passengers), recipient=recipient)
        uow.commit()
    return text, len(passengers)


def export_manifest(
    uow: ExchangeUnitOfWork,
    flight_code: str,
    form: ManifestFormat,
    *,
    actor: str,
    now: dt.datetime,
    boarded_only: bool = False,
) -> tuple[bytes, int]:
    """The manifest of a stored flight as CSV or XLSX (no cell a spreadsheet would run)."""
    with uow:
        flight, passengers = flight_passengers(uow, flight_code, boarded_only=boarded_only)
        data = (
            manifest_csv(passengers)
            if form is ManifestFormat.CSV
            else manifest_xlsx(flight, passengers)
        )
        _audit(uow, "exchange.manifest", flight, actor, now, len(passengers), format=form.value)
        uow.commit()
    return data, len(passengers)


@dataclass(frozen=True, slots=True)
class StatisticsExport:
    data: bytes
    people: int
    threshold: int


def export_statistics(
    uow: ExchangeUnitOfWork,
    *,
    actor: str,
    now: dt.datetime,
    threshold: int = DEFAULT_THRESHOLD,
    rows: Sequence[Dimension] = (Dimension.DAY, Dimension.PROGRAM, Dimension.SITE),
    columns: Dimension = Dimension.NATIONALITY,
) -> StatisticsExport:
    """Arrivals counted by day, program, site and nationality as HXL-tagged CSV, small counts
    suppressed below `threshold` (and whatever would give them away)."""
    with uow:
        movements = uow.arrivals.movements()
        data = statistics_hxl(movements, rows=tuple(rows), columns=columns, threshold=threshold)
        uow.audit.record(
            actor=actor,
            action="exchange.statistics",
            object_kind="statistics",
            object_id="arrivals",
            at=now,
            details={"people": len(movements), "threshold": threshold},
        )
        uow.commit()
    return StatisticsExport(data, len(movements), threshold)


def _audit(
    uow: ExchangeUnitOfWork,
    action: str,
    flight: Flight,
    actor: str,
    now: dt.datetime,
    passengers: int,
    **details: str,
) -> None:
    uow.audit.record(
        actor=actor,
        action=action,
        object_kind="flight",
        object_id=flight.code,
        at=now,
        details={"passengers": passengers, **details},
    )
