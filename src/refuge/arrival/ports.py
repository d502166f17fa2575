"""What the arrival services need from storage: sites, the flights expected at them, and each
person's arrival and departure, beside the gate's ports (manifests, passes) and intake's (land
border arrivals become source records)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.arrival.sites import InboundFlight, Site, Stay
from refuge.gate.ports import GateUnitOfWork
from refuge.intake.ports import IntakeRepository

__all__ = ["Arrival", "ArrivalKind", "ArrivalRepository", "ArrivalUnitOfWork"]


class ArrivalKind(enum.StrEnum):
    FLIGHT = "flight"  # against a flight's manifest entry
    LAND_BORDER = "land_border"  # a new source record, registered at a reception point


@dataclass(frozen=True, slots=True)
class Arrival:
    """One person received at a site. No personal data: ids, times, who registered it.

    `batch` groups the people registered together (a flight's manifest, a case, a list from a
    reception point), so an onward movement can name them."""

    id: uuid.UUID
    site: str
    kind: ArrivalKind
    arrived_at: dt.datetime
    officer: str
    batch: uuid.UUID
    point: str | None = None
    flight_id: uuid.UUID | None = None
    entry_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None  # land border: the source record it became
    departed_at: dt.datetime | None = None
    departed_to: str | None = None


class ArrivalRepository(Protocol):
    def add_site(self, site: Site) -> None: ...  # AlreadyExists
    def get_site(self, code: str) -> Site: ...  # NotFound
    def sites(self) -> list[Site]: ...

    def expect_flight(self, flight_id: uuid.UUID, site: str) -> None:
        """The flight will land its people at `site` (replacing any earlier site)."""

    def expected_site(self, flight_id: uuid.UUID) -> str | None: ...

    def inbound(self, site: str) -> list[InboundFlight]:
        """Flights expected at `site` that have not landed (nobody of them arrived yet), with
        the people manifested, checked in or boarded on each."""

    def add_arrivals(self, arrivals: Sequence[Arrival]) -> None: ...

    def arrived_entries(self, entry_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of these manifest entries that arrived somewhere already."""

    def arrived_records(self, record_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]: ...

    def present(
        self,
        site: str,
        *,
        case_id: uuid.UUID | None = None,
        flight_id: uuid.UUID | None = None,
        batch: uuid.UUID | None = None,
    ) -> list[Arrival]:
        """People at `site` now (not departed), narrowed to a case, a flight or a batch."""

    def depart(
        self, arrival_ids: Sequence[uuid.UUID], *, at: dt.datetime, to: str | None
    ) -> int: ...

    def count_present(self, site: str) -> int: ...

    def stays(self, site: str, *, start: dt.datetime, end: dt.datetime) -> list[Stay]:
        """Stays at `site` overlapping [start, end): arrived before `end`, not departed by
        `start`."""

    def records_of_file(self, file_id: uuid.UUID) -> list[uuid.UUID]:
        """The source records whose data came from this imported file."""


class ArrivalUnitOfWork(GateUnitOfWork, Protocol):
    @property
    def arrivals(self) -> ArrivalRepository: ...
    @property
    def intake(self) -> IntakeRepository: ...
