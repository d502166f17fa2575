"""What the gate services need from storage: the passes issued against manifest entries and the
scan log, beside the case ports' repositories and the manifest."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.cases.ports import UnitOfWork
from refuge.domain import ManifestEntry
from refuge.planning.ports import PlanRepository

__all__ = [
    "GateRepository",
    "GateUnitOfWork",
    "IssuedPass",
    "ManifestRepository",
    "ScanRecord",
]


@dataclass(frozen=True, slots=True)
class IssuedPass:
    """A boarding pass as recorded: its random id against one manifest entry."""

    pass_id: uuid.UUID
    entry_id: uuid.UUID
    flight_id: uuid.UUID
    key_id: str
    issued_at: dt.datetime
    valid_until: dt.datetime


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One scan at the gate, as logged: who, when, what came of it. No personal data."""

    id: uuid.UUID
    flight_id: uuid.UUID
    at: dt.datetime
    gate_agent: str
    kind: str
    step: str
    outcome: str
    reason: str | None
    pass_id: uuid.UUID | None
    entry_id: uuid.UUID | None


class ManifestRepository(Protocol):
    def add_many(self, entries: Iterable[ManifestEntry]) -> None: ...
    def get(self, entry_id: uuid.UUID) -> ManifestEntry: ...  # NotFound
    def save(self, entry: ManifestEntry) -> None: ...  # NotFound
    def for_flight(self, flight_id: uuid.UUID) -> list[ManifestEntry]: ...
    def for_case(self, case_id: uuid.UUID) -> list[ManifestEntry]: ...


class GateRepository(Protocol):
    def add_passes(self, passes: Sequence[IssuedPass]) -> None:
        """Record passes, replacing any earlier pass of the same entries."""

    def entry_for_pass(self, pass_id: uuid.UUID) -> ManifestEntry | None: ...
    def passes_for_flight(self, flight_id: uuid.UUID) -> list[IssuedPass]: ...
    def entries_for_households(
        self, flight_id: uuid.UUID, household_ids: Iterable[uuid.UUID]
    ) -> list[ManifestEntry]: ...
    def record_scan(self, scan: ScanRecord) -> None: ...
    def scans_for_flight(self, flight_id: uuid.UUID) -> list[ScanRecord]: ...


class GateUnitOfWork(UnitOfWork, Protocol):
    @property
    def manifests(self) -> ManifestRepository: ...
    @property
    def gate(self) -> GateRepository: ...
    @property
    def plans(self) -> PlanRepository: ...  # a no-show's seats are re-offered to standby
